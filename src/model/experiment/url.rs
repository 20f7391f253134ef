//! The URL codec: the query string holds the whole experiment, so a copied link reproduces it.
//!
//! Versioned and tolerant: `v=1` marks the format; unknown keys are ignored (links from newer
//! versions still open); a bad value falls back to its default and produces a notice the page
//! shows. Compatibility rules for older spellings live in `alias`.

use crate::model::experiment::params::{Field, FormText, Params, THREADS_MAX, Waits, parse_field};
use crate::model::format;

/// The codec's version, written as `v=`.
pub const VERSION: u32 = 1;

/// The pool-size key: set at start-up, so it lives beside the parameters.
pub const POOL_KEY: &str = "pool";

/// A colour scheme a link forces (else the page follows the visitor's, or the embedding
/// page's, `prefers-color-scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// The URL value, also the `data-theme` the page's style sheet reads.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// How the page shows itself, not the experiment: links to the full playground drop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    /// `embed=1`: the compact view made for an iframe.
    pub embed: bool,
    /// `embed=claims`: the compact view of the claims and their verdicts (`embed` is on too).
    pub claims: bool,
    /// `autorun=1`: run once by itself, when visible and ready.
    pub autorun: bool,
    /// `sweeps=1`: show the sweeps and charts in the compact view too.
    pub sweeps: bool,
    /// `theme=light|dark`.
    pub theme: Option<Theme>,
}

impl View {
    /// Its keys, each `&key=value`, to append to an experiment's query (empty by default).
    pub fn encode(&self) -> String {
        let flags = [
            ("embed", self.embed && !self.claims),
            ("autorun", self.autorun),
            ("sweeps", self.sweeps),
        ];
        let mut out: String = flags
            .iter()
            .filter(|(_, on)| *on)
            .map(|(key, _)| format!("&{key}=1"))
            .collect();
        if self.embed && self.claims {
            out.insert_str(0, "&embed=claims");
        }
        if let Some(t) = self.theme {
            out.push_str(&format!("&theme={}", t.key()));
        }
        out
    }
}

impl View {
    /// Reads `key=value` when it is one of the view's keys (then true).
    fn read(&mut self, key: &str, value: &str, notices: &mut Vec<String>) -> bool {
        match key {
            "embed" => {
                // `claims` is the claims' compact view; any other value is a flag.
                self.claims = value.trim() == "claims";
                self.embed = self.claims || flag(key, value, notices);
            }
            "autorun" => self.autorun = flag(key, value, notices),
            "sweeps" => self.sweeps = flag(key, value, notices),
            "theme" => match value.trim() {
                "light" => self.theme = Some(Theme::Light),
                "dark" => self.theme = Some(Theme::Dark),
                other => notices.push(format!(
                    "theme={} is neither light nor dark; following the page's colour scheme.",
                    format::clip(other)
                )),
            },
            _ => return false,
        }
        true
    }
}

/// A flag's value: `1`, `true` or nothing (`?embed`) turn it on, `0` or `false` off.
fn flag(key: &str, value: &str, notices: &mut Vec<String>) -> bool {
    match value.trim() {
        "" | "1" | "true" => true,
        "0" | "false" => false,
        other => {
            notices.push(format!(
                "{key}={} is not 1 or 0; read as {key}=0.",
                format::clip(other)
            ));
            false
        }
    }
}

/// What a link asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The form, filled from the link (defaults where the link was silent or wrong).
    pub form: FormText,
    /// The pool size the link asks for, if any (valid).
    pub pool: Option<u32>,
    /// How to show the page.
    pub view: View,
    /// One sentence per problem found, for the page to show.
    pub notices: Vec<String>,
}

/// Older or friendlier spellings of keys, mapped to today's.
fn alias(key: &str) -> &str {
    match key {
        "yield_ms" | "yield" => "yield_every_ms",
        "n" | "count" => "tasks",
        "io" => "io_ms",
        "cpu" => "cpu_ms",
        // Python's own name for it (`sys.setswitchinterval`).
        "switchinterval" | "switch_interval" => "switch_ms",
        other => other,
    }
}

/// Encodes the experiment as a query string (without the leading `?`).
pub fn encode(params: &Params, pool: Option<u32>) -> String {
    let mut parts = vec![format!("v={VERSION}")];
    for field in Field::ALL {
        // Waits came after the first links: awaited, the field is left out, so a link, an
        // export or a history line of an experiment without blocking waits reads, and is
        // written, as before it.
        if field == Field::Waits && params.waits == Waits::Awaited {
            continue;
        }
        parts.push(format!("{}={}", field.key(), escape(&params.text(field))));
    }
    if let Some(p) = pool {
        parts.push(format!("{POOL_KEY}={p}"));
    }
    parts.join("&")
}

/// The parameters of a query [`encode`] wrote, exactly: `None` when the codec had to replace
/// any value with its default (then it is not what ran), for stored runs.
pub fn exact(query: &str) -> Option<Params> {
    let link = decode(query);
    link.notices.is_empty().then(|| link.form.check().params)
}

/// Decodes a query string (with or without the leading `?`).
pub fn decode(query: &str) -> Decoded {
    let defaults = Params::default();
    let mut form = FormText::from_params(&defaults);
    let mut notices = Vec::new();
    let mut pool = None;
    let mut view = View::default();
    for (key, value) in pairs(query.trim_start_matches('?')) {
        if view.read(&key, &value, &mut notices) {
            continue;
        }
        if key == "v" {
            match value.parse::<u32>() {
                Ok(v) if v <= VERSION => {}
                Ok(v) => notices.push(format!(
                    "This link was made by a newer version (v={v}); settings this version does not know were ignored."
                )),
                Err(_) => notices.push(format!("The link's version “{}” is not a number; read it as v={VERSION}.", format::clip(&value))),
            }
            continue;
        }
        if key == POOL_KEY {
            match value.trim().parse::<u32>() {
                Ok(n) if (1..=THREADS_MAX as u32).contains(&n) => pool = Some(n),
                _ => notices.push(format!(
                    "pool={} is not a pool size from 1 to {THREADS_MAX}; using this device's core count.",
                    format::clip(&value)
                )),
            }
            continue;
        }
        let Some(field) = Field::from_key(alias(&key)) else {
            continue;
        };
        match parse_field(field, &value) {
            Ok(_) => form.set(field, value.trim()),
            Err(message) => notices.push(format!(
                "{}={}: {message}; using the default, {}.",
                field.key(),
                format::clip(&value),
                defaults.text(field)
            )),
        }
    }
    Decoded {
        form,
        pool,
        view,
        notices,
    }
}

/// The unescaped `key=value` pairs of a query, in order (a pair without `=` has an empty value).
pub fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (unescape(key), unescape(value))
    })
}

/// Percent-encodes what a query value must not contain raw.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a space in form encoding); invalid escapes stay as typed.
pub(crate) fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| char::from(b).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi << 4 | lo) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::Jitter;
    use crate::model::experiment::params::arb::arb_params;
    use proptest::prelude::*;

    #[test]
    fn links_read_as_the_fixture_says() {
        // The Python twin's codec is held to the same lines.
        let fixture = include_str!("../../../tests/fixtures/queries.txt");
        let mut got = String::new();
        for line in fixture.lines() {
            let Some((query, _)) = line.split_once('\t').filter(|_| !line.starts_with('#')) else {
                got.push_str(line);
                got.push('\n');
                continue;
            };
            let link = decode(query);
            let checked = link.form.check();
            let errors: Vec<&str> = checked.errors.iter().map(|e| e.message.as_str()).collect();
            got.push_str(&format!(
                "{query}\t{}\t{}\t{}\n",
                encode(&checked.params, link.pool),
                link.notices.join(" | "),
                errors.join(" | ")
            ));
        }
        if got != fixture {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/target/queries.txt"),
                &got,
            )
            .unwrap();
        }
        assert!(
            got == fixture,
            "the codec reads differently: see target/queries.txt"
        );
    }

    #[test]
    fn a_huge_value_makes_a_sentence_not_a_page() {
        let big = "9".repeat(1 << 20);
        for q in [
            format!("tasks={big}"),
            format!("jitter=uniform:{big}"),
            format!("workload=x{big}"),
            format!("pool={big}"),
            format!("theme={big}"),
            format!("embed={big}"),
            format!("v=x{big}"),
        ] {
            let d = decode(&q);
            assert_eq!(d.notices.len(), 1, "{}", &q[..20]);
            assert!(d.notices[0].chars().count() < 200, "{}", d.notices[0]);
            assert!(d.notices[0].contains("…"), "{}", d.notices[0]);
        }
    }

    #[test]
    fn an_empty_query_gives_the_defaults_silently() {
        let d = decode("");
        assert_eq!(d.form.check().params, Params::default());
        assert!(d.notices.is_empty());
        assert_eq!(d.pool, None);
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let d = decode("?v=1&tasks=7&utm_source=blog&colour=red");
        assert_eq!(d.form.check().params.tasks, 7);
        assert!(d.notices.is_empty());
    }

    #[test]
    fn a_bad_value_falls_back_with_a_notice() {
        let d = decode("tasks=banana&io_ms=250");
        let p = d.form.check().params;
        assert_eq!(p.tasks, 50);
        assert_eq!(p.io_ms, 250);
        assert_eq!(d.notices.len(), 1);
        assert!(d.notices[0].starts_with("tasks=banana"), "{}", d.notices[0]);
        assert!(d.notices[0].contains("using the default, 50"));
    }

    #[test]
    fn out_of_range_values_fall_back_too() {
        let d = decode("threads=100000&pool=0");
        assert_eq!(d.form.check().params.threads, 2);
        assert_eq!(d.pool, None);
        assert_eq!(d.notices.len(), 2);
    }

    #[test]
    fn newer_versions_open_with_a_notice() {
        let d = decode("v=9&tasks=3&future_knob=1");
        assert_eq!(d.form.check().params.tasks, 3);
        assert!(d.notices[0].contains("newer version"));
    }

    #[test]
    fn old_spellings_still_work() {
        let d = decode("yield_ms=3&n=12&jitter=exp&switchinterval=20");
        let p = d.form.check().params;
        assert_eq!(
            (p.yield_every_ms, p.tasks, p.jitter, p.switch_ms),
            (3, 12, Jitter::LongTail, 20)
        );
    }

    #[test]
    fn view_keys_are_read_and_kept_apart_from_the_experiment() {
        let d = decode("tasks=7&embed=1&autorun&sweeps=0&theme=dark");
        assert_eq!(
            d.view,
            View {
                embed: true,
                claims: false,
                autorun: true,
                sweeps: false,
                theme: Some(Theme::Dark)
            }
        );
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        assert_eq!(d.form.check().params.tasks, 7);
        // The experiment's query never carries them; the view appends its own.
        let q = encode(&d.form.check().params, None);
        assert!(!q.contains("embed") && !q.contains("theme"), "{q}");
        assert_eq!(d.view.encode(), "&embed=1&autorun=1&theme=dark");
        assert_eq!(decode(&format!("{q}{}", d.view.encode())).view, d.view);
        assert_eq!(View::default().encode(), "");
        let claims = decode("embed=claims&autorun=1").view;
        assert!(claims.embed && claims.claims && claims.autorun);
        assert_eq!(claims.encode(), "&embed=claims&autorun=1");
    }

    #[test]
    fn bad_view_values_fall_back_with_a_notice() {
        let d = decode("embed=yes&autorun=2&theme=purple&sweeps=true");
        assert_eq!(
            d.view,
            View {
                sweeps: true,
                ..View::default()
            }
        );
        assert_eq!(d.notices.len(), 3, "{:?}", d.notices);
        assert!(d.notices[0].starts_with("embed=yes is not 1 or 0"));
        assert!(d.notices[1].starts_with("autorun=2"));
        assert!(d.notices[2].contains("theme=purple is neither light nor dark"));
    }

    #[test]
    fn the_pool_size_round_trips() {
        let q = encode(&Params::default(), Some(50));
        assert!(q.starts_with("v=1&"));
        assert_eq!(decode(&q).pool, Some(50));
    }

    #[test]
    fn escapes_round_trip() {
        assert_eq!(unescape(&escape("a b&c=d%")), "a b&c=d%");
        assert_eq!(unescape("100%"), "100%");
        assert_eq!(unescape("%zz"), "%zz");
        assert_eq!(unescape("%+4"), "% 4", "a sign is not a hex digit");
        assert_eq!(unescape("a+b"), "a b");
    }

    proptest! {
        #[test]
        fn every_experiment_survives_its_link(p in arb_params(), pool in proptest::option::of(1u32..=128)) {
            let d = decode(&encode(&p, pool));
            prop_assert!(d.notices.is_empty());
            prop_assert_eq!(d.form.check().params, p);
            prop_assert_eq!(d.pool, pool);
        }

        #[test]
        fn decode_never_panics(q in ".{0,200}") {
            let _ = decode(&q);
        }

        #[test]
        fn decode_never_yields_an_unparseable_form(q in "([a-z_]{1,8}=[a-z0-9:%.,-]{0,8}&){0,8}") {
            let d = decode(&q);
            // Every field of the decoded form parses on its own (cross-field rules may still fail).
            for f in Field::ALL {
                prop_assert!(parse_field(f, d.form.get(f)).is_ok(), "{:?} = {:?}", f, d.form.get(f));
            }
        }
    }
}
