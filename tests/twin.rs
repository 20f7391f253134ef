//! The Python twin against the page's model, natively: its file of a small experiment, run
//! with the machine's `python3`, imports through the page's reader without a word of
//! complaint, and its waits have the model's checksums (the same work, bit for bit), for none,
//! uniform and long-tail jitter, 50 tasks of every strategy and 10,000 of asyncio. CPU work
//! runs the interpreter's own units, so there the reader's check that each run's task
//! checksums combine to its own is what holds. A twin's file edited wrong is refused naming
//! the run, the field and the byte. The script as the page offers it (with this browser's
//! kernel units) gives, with `--same-units`, the page's checksums for the same tasks.
#![cfg(not(target_arch = "wasm32"))]

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

use async_vs_threads::model::experiment::kernel::{self, Calibration};
use async_vs_threads::model::experiment::params::{Params, Strategy};
use async_vs_threads::model::experiment::url;
use async_vs_threads::model::experiment::workload::Plan;
use async_vs_threads::model::page::twin;
use async_vs_threads::model::store::export::{Export, json};

/// Runs `python3` with `args`: what it printed; the test fails with its errors if it failed.
fn python3(args: &[&OsStr]) -> String {
    let ran = Command::new("python3")
        .args(args)
        .output()
        .expect("python3 runs (.ci/setup.sh installs it)");
    assert!(
        ran.status.success(),
        "python3 {args:?} failed: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    String::from_utf8(ran.stdout).unwrap()
}

/// Runs the twin on `query` (the strategies `only`, if given) and reads its file as the page
/// does.
fn twin(name: &str, query: &str, only: Option<&str>) -> Export {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target").join(format!("twin-{name}.json"));
    let script = root.join("www/async_vs_threads.py");
    let mut args = vec![
        script.as_os_str(),
        query.as_ref(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    if let Some(only) = only {
        args.extend([OsStr::new("--strategies"), OsStr::new(only)]);
    }
    python3(&args);
    let text = std::fs::read_to_string(&out).unwrap();
    json::decode(&text).unwrap_or_else(|e| panic!("the page cannot read the twin's {query}: {e}"))
}

/// Every run says it was measured in CPython, ran its experiment exactly, and finished.
fn check_runs(file: &Export, query: &str) -> Vec<Strategy> {
    let asked = url::decode(query).form.check().params;
    file.runs
        .iter()
        .map(|run| {
            let env = run
                .head
                .environment
                .as_ref()
                .expect("each run says where it ran");
            assert!(env.is_python(), "{}", env.label(run.head.cores));
            assert!(["on", "off"].contains(&env.gil.as_str()));
            assert!(run.is_complete(), "{} did not finish", run.strategy().key());
            assert!(
                run.is_run_of(run.strategy(), &asked),
                "{}",
                run.strategy().key()
            );
            assert_eq!(run.tasks.len(), asked.tasks as usize);
            run.strategy()
        })
        .collect()
}

#[test]
fn every_strategy_of_the_twin_imports_with_the_models_wait_checksums() {
    for jitter in ["none", "uniform:30", "tail"] {
        let query = format!("workload=io&tasks=50&io_ms=4&jitter={jitter}&threads=2&seed=5");
        let file = twin(&format!("io-{}", jitter.replace(':', "")), &query, None);
        let ran = check_runs(&file, &query);
        // A default CPython's threads are Threads + GIL; a free-threaded one runs both.
        let env = file.runs[0].head.environment.as_ref().unwrap();
        let expected: Vec<Strategy> = Strategy::ALL
            .into_iter()
            .filter(|s| env.cannot_run(*s).is_none())
            .collect();
        let mut sorted = ran.clone();
        sorted.sort_by_key(|s| s.index());
        assert_eq!(sorted, expected, "{jitter}");
        let want = Plan::uncalibrated(url::decode(&query).form.check().params).checksum();
        for run in &file.runs {
            assert_eq!(run.checksum(), want, "{jitter}: {}", run.strategy().key());
        }
    }
}

#[test]
fn cpu_and_mixed_runs_import_with_their_records() {
    for (name, query) in [
        ("cpu", "workload=cpu&tasks=4&cpu_ms=5&threads=2"),
        (
            "mixed",
            "workload=mixed&tasks=4&io_ms=10&cpu_ms=3&rounds=2&threads=2",
        ),
    ] {
        let file = twin(name, query, Some("sequential,async,gil,executor"));
        assert_eq!(check_runs(&file, query).len(), 4, "{name}");
        let sums: Vec<u64> = file.runs.iter().map(|r| r.checksum()).collect();
        assert!(
            sums.windows(2).all(|w| w[0] == w[1]),
            "{name}: one work, {sums:x?}"
        );
    }
}

#[test]
fn long_waits_in_large_runs_have_the_models_checksums() {
    // 10,000 waits of up to ten means each: only asyncio, which overlaps them.
    for jitter in ["none", "uniform:50", "tail"] {
        let query = format!("workload=io&tasks=10000&io_ms=5&jitter={jitter}&seed=3");
        let file = twin(
            &format!("10k-{}", jitter.replace(':', "")),
            &query,
            Some("async"),
        );
        check_runs(&file, &query);
        let want = Plan::uncalibrated(url::decode(&query).form.check().params).checksum();
        assert_eq!(file.runs[0].checksum(), want, "{jitter}");
    }
}

#[test]
fn a_twin_file_edited_wrong_is_refused_naming_the_run_the_field_and_the_byte() {
    let query = "workload=io&tasks=3&io_ms=5";
    twin("edited", query, Some("sequential,async"));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/twin-edited.json");
    let text = std::fs::read_to_string(path).unwrap();
    // The second run's GIL, whichever build ran it: "on" or "off".
    let second = text
        .rfind("\"gil\":\"o")
        .expect("the second run's environment");
    let end = second + 7 + text[second + 7..].find('"').unwrap() + 1;
    let edited = format!("{}\"gil\":\"maybe\"{}", &text[..second], &text[end..]);
    let why = json::decode(&edited).unwrap_err();
    assert!(
        why.contains(
            "run 2: field environment.gil: a GIL that is not on or off: \"maybe\" (at byte "
        ),
        "{why}"
    );
    let byte: usize = why
        .rsplit("at byte ")
        .next()
        .unwrap()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap();
    assert_eq!(byte, second + "\"gil\":".len(), "{why}");
}

#[test]
fn the_script_the_page_offers_runs_the_pages_units_with_its_checksums() {
    // As the page writes it: the experiment, this browser's units per ms and its name.
    let query = "v=1&workload=mixed&tasks=5&io_ms=3&cpu_ms=2&jitter=tail&rounds=2&threads=2&yield_every_ms=5&switch_ms=5&seed=9&strategy=async";
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let template = std::fs::read_to_string(root.join("www/async_vs_threads.py")).unwrap();
    let script = twin::script(&template, query, Some(1234.5), "Chromium 156").unwrap();
    let (path, out) = (
        root.join("target/twin-offered.py"),
        root.join("target/twin-same-units.json"),
    );
    std::fs::write(&path, script).unwrap();
    python3(&[
        path.as_os_str(),
        "--same-units".as_ref(),
        "3".as_ref(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let plan = Plan {
        calibration: Calibration {
            units_per_ms: 1234.5,
            ..Plan::uncalibrated(Params::default()).calibration
        },
        ..Plan::uncalibrated(url::decode(query).form.check().params)
    };
    let sums: Vec<u64> = (0..3).map(|t| plan.task_checksum(t)).collect();
    for (t, sum) in sums.iter().enumerate() {
        let want = format!("{{\"task\":{t},\"checksum\":\"{sum:016x}\"}}");
        assert!(text.contains(&want), "task {t}: {want} in {text}");
    }
    let combined = format!("\"checksum\":\"{:016x}\"", kernel::combine(sums));
    assert!(text.contains(&combined), "{combined} in {text}");
}

#[test]
fn the_twins_claims_are_the_pages_in_its_order() {
    use async_vs_threads::model::findings::claims::{CLAIMS, Evidence};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let www = root.join("www");
    let twins = python3(&[
        "-c".as_ref(),
        "import sys; sys.path.insert(0, sys.argv[1]); import async_vs_threads as t; print('\\n'.join('\\t'.join(c) for c in t.CLAIMS))".as_ref(),
        www.as_os_str(),
    ]);
    let pages: Vec<String> = CLAIMS
        .iter()
        .map(|c| {
            let query = match c.evidence {
                Evidence::Runs { query, .. } => query,
                _ => "",
            };
            let strategies: Vec<&str> = c.strategies().iter().map(|s| s.key()).collect();
            [c.key, c.text, c.articles, query, &strategies.join(",")].join("\t")
        })
        .collect();
    assert_eq!(twins.lines().collect::<Vec<_>>(), pages);
}

#[test]
fn the_twins_verdicts_come_with_its_runs_and_the_page_reads_them() {
    use async_vs_threads::model::findings::claims::Holds;
    use async_vs_threads::model::page::report;
    // Two claims judged for real by the twin's rules (errors, queues: fast), the rest left out,
    // written into a runs file as `--claims` writes it.
    let www = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www");
    let file = python3(&[
        "-c".as_ref(),
        "import sys; sys.path.insert(0, sys.argv[1]); import async_vs_threads as t\n\
         def judge(key, units):\n\
         \x20   if key in ('errors', 'queues'): return t.judge_claim(key, units)\n\
         \x20   raise LookupError('left out')\n\
         r, runs = t.claims_report(1000.0, 'x.json', judge=judge, run=lambda *a: [])\n\
         print(t.export(runs, t.decode('')[0], {'claims': r['claims']}))"
            .as_ref(),
        www.as_os_str(),
    ]);
    let export = json::decode(&file).expect("the page reads the runs file");
    assert!(export.runs.is_empty());
    let got = report::imported_verdicts(&file).expect("and its verdicts");
    let keys: Vec<&str> = got.iter().map(|(c, _)| c.key).collect();
    assert_eq!(keys, ["queues", "errors"]);
    for (claim, v) in &got {
        assert_eq!(v.holds, Holds::Yes, "{}: {}", claim.key, v.text);
        assert!(!v.chart.bars.is_empty(), "{}: its figures", claim.key);
    }
    assert!(
        got[0]
            .1
            .text
            .starts_with("holds here: asyncio.Queue (two tasks) delivered 2,000 items"),
        "{}",
        got[0].1.text
    );
}
