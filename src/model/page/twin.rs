//! The Python twin (`www/async_vs_threads.py`) as the page offers it: the script with the
//! current experiment, the kernel's calibration and the browser written into its three lines
//! for them, and the commands that run it.

use crate::model::store::json;

/// The script's name, as served beside the page and downloaded.
pub const FILE: &str = "async_vs_threads.py";
/// What it writes, to import into the page.
pub const OUTPUT: &str = "async-vs-threads-cpython.json";

/// The lines the page writes, by their start: the experiment's link, the kernel's units per
/// ms in this browser (for `--same-units`), and the browser's name.
const QUERY: &str = "QUERY = ";
const UNITS: &str = "PAGE_UNITS_PER_MS = ";
const BROWSER: &str = "PAGE_BROWSER = ";

/// `template` (the served script) with `query`, `units_per_ms` and `browser` written in.
///
/// # Errors
/// When the template lacks one of the lines (it is not the twin script).
pub fn script(
    template: &str,
    query: &str,
    units_per_ms: Option<f64>,
    browser: &str,
) -> Result<String, String> {
    let units = units_per_ms
        .filter(|u| u.is_finite() && *u > 0.0)
        // Display, not Debug: release builds compile Debug formatting out (`-Zfmt-debug=none`).
        .map_or("None".to_string(), |u| u.to_string());
    // A JSON string of ASCII is a Python string literal with the same value.
    let values = [
        (QUERY, json::string(query)),
        (UNITS, units),
        (BROWSER, json::string(browser)),
    ];
    let mut found = [false; 3];
    let mut out = String::with_capacity(template.len() + 256);
    for line in template.split_inclusive('\n') {
        match values.iter().position(|(start, _)| line.starts_with(start)) {
            Some(i) if !found[i] => {
                found[i] = true;
                let (start, value) = &values[i];
                out.push_str(start);
                out.push_str(value);
                out.push('\n');
            }
            _ => out.push_str(line),
        }
    }
    match values.iter().zip(found).find(|(_, f)| !f) {
        Some(((start, _), _)) => Err(format!(
            "the twin script has no line starting “{}”",
            start.trim_end()
        )),
        None => Ok(out),
    }
}

/// The commands that run the twin: as downloaded, and with another experiment.
pub fn commands(query: &str) -> [String; 2] {
    [
        format!("python3 {FILE}"),
        format!("python3 {FILE} '{query}'"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = include_str!("../../../www/async_vs_threads.py");

    #[test]
    fn the_served_script_takes_the_experiment_its_calibration_and_browser() {
        let query = "v=1&workload=cpu&tasks=4&io_ms=100&cpu_ms=50&jitter=uniform:30&rounds=1&threads=2&yield_every_ms=5&switch_ms=5&seed=9&strategy=gil";
        let out = script(TEMPLATE, query, Some(41_234.5), "Chromium \"156\"").unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.contains(&format!("QUERY = \"{query}\"").as_str()));
        assert!(lines.contains(&"PAGE_UNITS_PER_MS = 41234.5"));
        assert!(lines.contains(&"PAGE_BROWSER = \"Chromium \\\"156\\\"\""));
        assert_eq!(
            out.lines().count(),
            TEMPLATE.lines().count(),
            "one line each"
        );
        let none = script(TEMPLATE, query, Some(f64::NAN), "x").unwrap();
        assert!(none.lines().any(|l| l == "PAGE_UNITS_PER_MS = None"));
    }

    #[test]
    fn a_file_that_is_not_the_twin_is_refused() {
        let err = script("print('hello')\n", "v=1", None, "x").unwrap_err();
        assert_eq!(err, "the twin script has no line starting “QUERY =”");
    }
}
