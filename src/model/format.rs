//! Numbers for people: durations, rates and counts in one consistent style.

/// Below a thousand units: `0.42`, `12.3`, `105`, so every size reads with about three digits.
fn below_thousand(v: f64, unit: &str) -> String {
    let a = v.abs();
    if a < 10.0 {
        format!("{v:.2} {unit}")
    } else if a < 100.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.0} {unit}")
    }
}

/// A duration: `0.42 ms`, `12.3 ms`, `105 ms`, `2.50 s`, `1 min 40 s`.
pub fn ms(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a < 1000.0 {
        below_thousand(v, "ms")
    } else if a < 100_000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        let s = (v / 1000.0).round() as i64;
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// A short duration given in µs: `0.75 µs`, `12.3 µs`, `105 µs`, then as [`ms`] does.
pub fn us(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v.abs() < 1000.0 {
        below_thousand(v, "µs")
    } else {
        ms(v / 1000.0)
    }
}

/// Text a person typed or a link carried, as a message quotes it: at most 40 chars, cut with
/// an ellipsis (a 1 MB value makes a sentence, not a page).
pub fn clip(s: &str) -> String {
    clip_to(s, 40)
}

/// `s` cut to at most `max` characters, with an ellipsis when it was longer.
pub fn clip_to(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// The UTC calendar date and time of `epoch_ms` (ms since the Unix epoch): year, month, day,
/// hour, minute.
pub fn civil(epoch_ms: f64) -> (i64, u32, u32, u32, u32) {
    let ms = if epoch_ms.is_finite() { epoch_ms } else { 0.0 };
    let secs = (ms / 1000.0).floor() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
    )
}

/// A moment for people: `2026-11-22 14:03 UTC`.
pub fn date_time(epoch_ms: f64) -> String {
    let (y, mo, d, h, mi) = civil(epoch_ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// A signed relative difference: `+12%`, `−3%`.
pub fn delta_pct(measured: f64, theory: f64) -> String {
    if theory <= 0.0 || !measured.is_finite() {
        return "–".into();
    }
    let d = (measured - theory) / theory * 100.0;
    if d >= 0.0 {
        format!("+{d:.0}%")
    } else {
        format!("−{:.0}%", -d)
    }
}

/// A ratio such as a speedup: `14.3×`.
pub fn times(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v < 10.0 {
        format!("{v:.2}×")
    } else {
        format!("{v:.1}×")
    }
}

/// A size in bytes, decimal units as the articles use them: `94 B`, `1.24 KB`, `12.4 MB`.
pub fn bytes(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a < 1000.0 {
        format!("{v:.0} B")
    } else if a < 1e6 {
        below_thousand(v / 1e3, "KB")
    } else if a < 1e9 {
        below_thousand(v / 1e6, "MB")
    } else {
        below_thousand(v / 1e9, "GB")
    }
}

/// A count with thousands separators (`100000` → `100,000`).
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(ms(0.4249), "0.42 ms");
        assert_eq!(ms(12.34), "12.3 ms");
        assert_eq!(ms(105.4), "105 ms");
        assert_eq!(ms(2500.0), "2.50 s");
        assert_eq!(ms(100_000.0), "1 min 40 s");
        assert_eq!(ms(f64::NAN), "–");
        assert_eq!(us(0.754), "0.75 µs");
        assert_eq!(us(12.34), "12.3 µs");
        assert_eq!(us(105.4), "105 µs");
        assert_eq!(us(2500.0), "2.50 ms");
        assert_eq!(us(f64::INFINITY), "–");
    }

    #[test]
    fn quoted_text_is_clipped() {
        assert_eq!(clip("short"), "short");
        assert_eq!(clip(&"é".repeat(40)), "é".repeat(40));
        assert_eq!(clip(&"é".repeat(41)), "é".repeat(40) + "…");
    }

    #[test]
    fn moments_are_utc_dates() {
        assert_eq!(date_time(0.0), "1970-01-01 00:00 UTC");
        assert_eq!(date_time(951_782_400_000.0), "2000-02-29 00:00 UTC");
        assert_eq!(date_time(1_795_000_000_000.0), "2026-11-18 11:06 UTC");
        assert_eq!(date_time(-60_000.0), "1969-12-31 23:59 UTC");
        assert_eq!(date_time(f64::NAN), "1970-01-01 00:00 UTC");
    }

    #[test]
    fn deltas_and_ratios() {
        assert_eq!(delta_pct(112.0, 100.0), "+12%");
        assert_eq!(delta_pct(97.0, 100.0), "−3%");
        assert_eq!(delta_pct(1.0, 0.0), "–");
        assert_eq!(times(1.914), "1.91×");
        assert_eq!(times(14.34), "14.3×");
        assert_eq!(count(10_000), "10,000");
    }

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(bytes(94.4), "94 B");
        assert_eq!(bytes(1240.0), "1.24 KB");
        assert_eq!(bytes(16_600.0), "16.6 KB");
        assert_eq!(bytes(12_400_000.0), "12.4 MB");
        assert_eq!(bytes(2_097_152.0), "2.10 MB");
        assert_eq!(bytes(f64::NAN), "–");
    }
}
