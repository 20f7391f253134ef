//! Embedding the playground in another page: the one-line summary of an experiment, the
//! texts the share panel copies (link, iframe snippet, Markdown link), and the versioned
//! `postMessage` protocol with the embedding page: the messages the frame posts (as JSON
//! text) and the validation of those it receives (from plain data the runtime converts).

use crate::model::experiment::params::Params;
use crate::model::page::report::{Row, figures_json};
use crate::model::run::record::RunRecord;
use crate::model::store::json;

/// The protocol's version, the `v` of every message either way.
pub const PROTOCOL: u32 = 1;
/// Every message's `type` starts with this.
pub const PREFIX: &str = "async-vs-threads:";
/// The longest string a received message may carry (a `set`'s query), in UTF-16 units.
pub const MAX_TEXT: usize = 4096;
/// The most fields a received message may have.
pub const MAX_FIELDS: usize = 16;
/// The snippet's frame size, CSS px: the compact view fits from 360 × 420 up.
pub const FRAME_WIDTH: u32 = 720;
pub const FRAME_HEIGHT: u32 = 560;

/// The title of an embedded experiment (the iframe's `title`, the Markdown link's text).
pub fn title(p: &Params) -> String {
    format!("Async vs Threads: {}", p.summary())
}

/// The compact view's address: the page's address (`base`, without query) with `query` (an
/// experiment's canonical query) and `embed=1`.
pub fn embed_url(base: &str, query: &str) -> String {
    format!("{base}?{query}&embed=1")
}

/// Escapes text for a double-quoted HTML attribute.
fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<iframe>` a blog pastes to embed `params`' experiment, from its compact view's address.
pub fn iframe_snippet(src: &str, params: &Params) -> String {
    format!(
        r#"<iframe src="{}" width="{FRAME_WIDTH}" height="{FRAME_HEIGHT}" style="width:100%;max-width:900px;border:0" loading="lazy" title="{}" allow="cross-origin-isolated"></iframe>"#,
        attribute(src),
        attribute(&title(params))
    )
}

/// A Markdown link to `url` (the full playground) titled with the experiment.
pub fn markdown_link(url: &str, params: &Params) -> String {
    let mut text = String::new();
    for c in title(params).chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`') {
            text.push('\\');
        }
        text.push(c);
    }
    let mut dest = String::new();
    for c in url.chars() {
        match c {
            '(' => dest.push_str("%28"),
            ')' => dest.push_str("%29"),
            ' ' => dest.push_str("%20"),
            '<' => dest.push_str("%3C"),
            '>' => dest.push_str("%3E"),
            c => dest.push(c),
        }
    }
    format!("[{text}]({dest})")
}

/// A received message's data, as plain values (the runtime converts the JS value, reading
/// at most [`MAX_FIELDS`] + 1 fields and no string longer than [`MAX_TEXT`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    /// A string longer than [`MAX_TEXT`], not copied: its length.
    TooLong(usize),
    /// An object's own fields (their values one level deep: nested objects are `Other`).
    Object(Vec<(String, Data)>),
    /// Anything else: an array, a function, a nested object, a symbol.
    Other,
}

/// What the embedding page may ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the strategy in the form (as the Run button).
    Run,
    /// Cancel the run in progress.
    Cancel,
    /// Load an experiment, given as a query string, into the form.
    Set(String),
}

/// The command a received message carries, or why it is ignored.
pub fn command(data: &Data) -> Result<Command, String> {
    let Data::Object(fields) = data else {
        return Err("not an object".into());
    };
    if fields.len() > MAX_FIELDS {
        return Err(format!("more than {MAX_FIELDS} fields"));
    }
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let kind = match field("type") {
        Some(Data::Text(t)) => t.strip_prefix(PREFIX).unwrap_or(""),
        _ => return Err("no type string".into()),
    };
    match field("v") {
        Some(Data::Number(v)) if *v == f64::from(PROTOCOL) => {}
        _ => return Err(format!("v is not {PROTOCOL}")),
    }
    match kind {
        "run" => Ok(Command::Run),
        "cancel" => Ok(Command::Cancel),
        "set" => match field("query") {
            Some(Data::Text(q)) => Ok(Command::Set(q.clone())),
            Some(Data::TooLong(n)) => Err(format!("a query of {n} characters")),
            _ => Err("set without a query string".into()),
        },
        _ => Err("an unknown type".into()),
    }
}

/// A message object as JSON: its type and version, then `fields` (values already JSON).
fn message(kind: &str, fields: &[(&str, String)]) -> String {
    let mut out = format!(
        "{{\"type\":{},\"v\":{PROTOCOL}",
        json::string(&format!("{PREFIX}{kind}"))
    );
    for (k, v) in fields {
        out.push_str(&format!(",{}:{v}", json::string(k)));
    }
    out.push('}');
    out
}

/// `ready`: the page can run (`query` is the experiment in the form).
pub fn ready_message(query: &str, build: &str) -> String {
    message(
        "ready",
        &[
            ("query", json::string(query)),
            ("build", json::string(build)),
        ],
    )
}

/// `height`: the content's height, CSS px, rounded up.
pub fn height_message(height_px: f64) -> String {
    let h = if height_px.is_finite() {
        height_px.max(0.0).ceil()
    } else {
        0.0
    };
    message("height", &[("height", format!("{h}"))])
}

/// `result`: one finished run. `query` is its experiment (its strategy included),
/// `theory_ms` its expected makespan, `sequential_ms` the latest complete sequential run
/// of the same experiment (for the speedup), `build` the page's build.
pub fn result_message(
    run: &RunRecord,
    query: &str,
    theory_ms: f64,
    sequential_ms: Option<f64>,
    build: &str,
) -> String {
    let error = run.failure().map_or("null".to_owned(), json::string);
    let complete = run.is_complete() && run.makespan_ms() > 0.0;
    let speedup = sequential_ms
        .filter(|_| complete)
        .map_or("null".into(), |s| json::ms(s / run.makespan_ms()));
    let r = &run.head.responsiveness;
    message(
        "result",
        &[
            ("query", json::string(query)),
            ("strategy", json::string(run.strategy().key())),
            ("outcome", json::string(run.head.outcome.key())),
            ("error", error),
            ("tasks_done", run.digest.summary.tasks_done.to_string()),
            ("makespan_ms", json::ms(run.makespan_ms())),
            ("theory_ms", json::ms(theory_ms)),
            ("speedup", speedup),
            ("lag_p99_ms", json::ms(r.lag_p99_ms)),
            ("longest_stall_ms", json::ms(r.longest_stall_ms)),
            (
                "checksum",
                json::string(&format!("{:016x}", run.checksum())),
            ),
            ("build", json::string(build)),
        ],
    )
}

/// `verdict`: a claim judged (`row`), in `environment` (the report's line for it).
pub fn verdict_message(row: &Row, environment: &str) -> String {
    let (verdict, unit, figures, skipped) = match &row.outcome {
        Ok(v) => (
            json::string(&v.text),
            json::string(v.chart.unit.key()),
            figures_json(&v.chart),
            "null".to_owned(),
        ),
        Err(why) => ("null".into(), "null".into(), "[]".into(), json::string(why)),
    };
    message(
        "verdict",
        &[
            ("claim", json::string(row.claim.key)),
            ("text", json::string(row.claim.text)),
            ("holds", json::string(row.holds_key())),
            ("verdict", verdict),
            ("skipped", skipped),
            ("unit", unit),
            ("figures", figures),
            ("environment", json::string(environment)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::Strategy;
    use crate::model::run::record::{RunHead, SegmentKind, TaskRecord};

    fn text(s: &str) -> Data {
        Data::Text(s.into())
    }

    fn object(fields: &[(&str, Data)]) -> Data {
        Data::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn the_snippet_escapes_its_attributes() {
        let src = embed_url("https://x.test/play/", "v=1&tasks=5");
        assert_eq!(src, "https://x.test/play/?v=1&tasks=5&embed=1");
        let s = iframe_snippet("https://x.test/?a=\"b\"&c=<d>", &Params::default());
        assert!(
            s.starts_with(r#"<iframe src="https://x.test/?a=&quot;b&quot;&amp;c=&lt;d&gt;" "#),
            "{s}"
        );
        for part in [
            r#"width="720""#,
            r#"height="560""#,
            r#"loading="lazy""#,
            r#"title="Async vs Threads: 50 waits of 100 ms · Async""#,
            r#"allow="cross-origin-isolated""#,
        ] {
            assert!(s.contains(part), "{part} in {s}");
        }
        assert!(s.ends_with("></iframe>"));
    }

    #[test]
    fn the_markdown_link_escapes_its_text_and_address() {
        let p = Params {
            strategy: Strategy::Gil,
            ..Params::default()
        };
        let m = markdown_link("https://x.test/a (b)/?v=1&tasks=50", &p);
        assert!(
            m.starts_with("[Async vs Threads: 50 waits of 100 ms · "),
            "{m}"
        );
        assert!(
            m.ends_with("](https://x.test/a%20%28b%29/?v=1&tasks=50)"),
            "{m}"
        );
        assert_eq!(m.matches('[').count(), 1 + m.matches("\\[").count());
    }

    #[test]
    fn commands_are_recognised() {
        let ok = |kind: &str| {
            command(&object(&[
                ("type", text(&format!("{PREFIX}{kind}"))),
                ("v", Data::Number(1.0)),
                ("query", text("tasks=3")),
                ("extra", Data::Other),
            ]))
        };
        assert_eq!(ok("run"), Ok(Command::Run));
        assert_eq!(ok("cancel"), Ok(Command::Cancel));
        assert_eq!(ok("set"), Ok(Command::Set("tasks=3".into())));
    }

    #[test]
    fn malformed_messages_are_refused_with_a_reason() {
        let run = |v: Data| object(&[("type", text("async-vs-threads:run")), ("v", v)]);
        let bad = [
            text("async-vs-threads:run"),
            Data::Number(1.0),
            Data::Null,
            Data::Other,
            object(&[]),
            object(&[("type", text("run")), ("v", Data::Number(1.0))]),
            object(&[
                ("type", text("async-vs-threads:result")),
                ("v", Data::Number(1.0)),
            ]),
            object(&[("type", Data::Number(3.0)), ("v", Data::Number(1.0))]),
            run(Data::Number(2.0)),
            run(text("1")),
            object(&[("type", text("async-vs-threads:run"))]),
            object(&[
                ("type", text("async-vs-threads:set")),
                ("v", Data::Number(1.0)),
            ]),
            object(&[
                ("type", text("async-vs-threads:set")),
                ("v", Data::Number(1.0)),
                ("query", Data::Number(5.0)),
            ]),
            object(&[
                ("type", text("async-vs-threads:set")),
                ("v", Data::Number(1.0)),
                ("query", Data::TooLong(1_000_000)),
            ]),
            Data::Object(
                (0..=MAX_FIELDS)
                    .map(|i| (format!("f{i}"), Data::Null))
                    .chain([("type".into(), text("async-vs-threads:run"))])
                    .collect(),
            ),
        ];
        for data in bad {
            let why = command(&data).expect_err(&format!("{data:?}"));
            assert!(!why.is_empty());
        }
    }

    #[test]
    fn messages_are_json_with_their_type_and_version() {
        assert_eq!(
            height_message(419.2),
            r#"{"type":"async-vs-threads:height","v":1,"height":420}"#
        );
        assert_eq!(
            height_message(f64::NAN),
            r#"{"type":"async-vs-threads:height","v":1,"height":0}"#
        );
        assert_eq!(
            ready_message("v=1&a=\"b\"\n", "threads"),
            r#"{"type":"async-vs-threads:ready","v":1,"query":"v=1&a=\"b\"\n","build":"threads"}"#
        );
    }

    #[test]
    fn a_result_carries_the_run_s_figures() {
        let p = Params {
            tasks: 2,
            strategy: Strategy::Threads,
            ..Params::default()
        };
        let tasks = (0..2)
            .map(|i| {
                let mut t = TaskRecord::from_segments(
                    i,
                    crate::model::run::record::Lane::Worker(i as u16),
                    &[(SegmentKind::Wait, 0.0, 100.25)],
                );
                t.checksum = 0xabc;
                t
            })
            .collect();
        let run = RunRecord::new(RunHead::for_test(Strategy::Threads, p), tasks);
        let m = result_message(&run, "v=1&tasks=2", 100.0, Some(200.5), "threads");
        assert!(m.starts_with(r#"{"type":"async-vs-threads:result","v":1,"query":"v=1&tasks=2","strategy":"threads","outcome":"done","error":null,"tasks_done":2,"makespan_ms":100.25,"theory_ms":100,"speedup":2,"#), "{m}");
        assert!(
            m.contains(&format!(r#""checksum":"{:016x}""#, run.checksum())),
            "{m}"
        );
        assert!(m.ends_with(r#""build":"threads"}"#), "{m}");
        // Without a sequential run there is no speedup.
        let m = result_message(&run, "", 100.0, None, "fallback");
        assert!(m.contains(r#""speedup":null"#), "{m}");
    }

    #[test]
    fn a_verdict_carries_the_claim_its_figures_or_why_it_was_skipped() {
        use crate::model::findings::chart::{Chart, Unit};
        use crate::model::findings::claims::{Holds, Verdict, find};
        let judged = Row {
            claim: find("switches").unwrap(),
            outcome: Ok(Verdict {
                holds: Holds::Yes,
                text: "holds here".into(),
                chart: Chart::new(Unit::Us).bar("async", "async tasks", 0.5),
            }),
            took_ms: 900.0,
            runs: Vec::new(),
        };
        let m = verdict_message(&judged, "Chromium 156, 2 cores");
        assert!(m.starts_with(r#"{"type":"async-vs-threads:verdict","v":1,"claim":"switches","text":"Context switches:"#), "{m}");
        assert!(
            m.ends_with(r#""holds":"holds","verdict":"holds here","skipped":null,"unit":"us","figures":[{"key":"async","label":"async tasks","value":0.5,"articles":null}],"environment":"Chromium 156, 2 cores"}"#),
            "{m}"
        );
        let skipped = Row {
            outcome: Err("threads are off".into()),
            ..judged
        };
        let m = verdict_message(&skipped, "Firefox 153");
        assert!(
            m.contains(r#""holds":"skipped","verdict":null,"skipped":"threads are off","unit":null,"figures":[]"#),
            "{m}"
        );
    }
}
