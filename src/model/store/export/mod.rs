//! Runs out of the page and back in, one format each: the JSON export ([`json`]: versioned,
//! every record, read back), the CSV of task segments ([`csv`]), and the Chrome Trace Event
//! format that Perfetto and `chrome://tracing` open ([`trace`]).
//!
//! Writers hand their text out in chunks of about [`CHUNK`] bytes (the page turns them into a
//! `Blob`), so an export of a million tasks never sits whole in the wasm memory, which never
//! shrinks.

pub mod csv;
pub mod json;
pub mod trace;

use crate::model::format;
use crate::model::run::record::RunRecord;

/// Bytes of text a writer gathers before handing a chunk out.
pub const CHUNK: usize = 1 << 20;

/// Where runs were measured, as an export records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// The browser, for people: `Chromium 156`.
    pub browser: String,
    pub cores: u32,
    /// Workers in the pool (0 when threads were off).
    pub pool: u32,
    pub isolated: bool,
    /// The build: `threads` or `fallback`.
    pub build: String,
}

/// A JSON export read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// When it was written, ms since the Unix epoch.
    pub exported_at_ms: f64,
    pub environment: Environment,
    pub runs: Vec<RunRecord>,
}

/// The text of a file's `bytes`, which must be UTF-8 (a sentence for people where not).
pub fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "This file is not UTF-8 text (byte {}).",
            e.utf8_error().valid_up_to()
        )
    })
}

/// What the page says about an imported file: `imported: 2026-11-22 14:03 UTC, Firefox 153`.
pub fn label(environment: &Environment, exported_at_ms: f64) -> String {
    format!(
        "imported: {}, {}",
        format::date_time(exported_at_ms),
        environment.browser
    )
}

/// A download's file name: `async-vs-threads-async-2026-11-22-1403.json`, `…-all-…` for
/// several runs.
pub fn file_name(runs: &[&RunRecord], at_ms: f64, extension: &str) -> String {
    let what = match runs {
        [one] => one.strategy().key(),
        _ => "all",
    };
    let (y, mo, d, h, mi) = format::civil(at_ms);
    let stamp = format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}");
    format!("async-vs-threads-{what}-{stamp}.{extension}")
}

/// Gathers text and hands it out in chunks.
struct Sink<'a> {
    buf: String,
    out: &'a mut dyn FnMut(String),
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut dyn FnMut(String)) -> Self {
        Sink {
            buf: String::new(),
            out,
        }
    }

    /// Hands the text so far out once it is a chunk's worth.
    fn step(&mut self) {
        if self.buf.len() >= CHUNK {
            (self.out)(std::mem::take(&mut self.buf));
        }
    }

    fn finish(self) {
        if !self.buf.is_empty() {
            (self.out)(self.buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::{Params, Strategy, Workload};
    use crate::model::run::record::{
        Lane, Outcome, RunHead, SCHEDULERS, SchedulerCost, SegmentKind, TaskRecord,
    };
    use crate::model::run::stats::ProbeSample;

    #[test]
    fn a_file_is_text_when_its_bytes_are_utf8_and_says_where_not() {
        assert_eq!(text_of("é ☃".as_bytes().to_vec()).unwrap(), "é ☃");
        assert_eq!(
            text_of(vec![b'{', b'"', 0xff, b'"']).unwrap_err(),
            "This file is not UTF-8 text (byte 2)."
        );
    }

    /// The whole text a writer hands out, and in how many chunks.
    pub(super) fn whole(write: impl FnOnce(&mut dyn FnMut(String))) -> (String, usize) {
        let (mut text, mut chunks) = (String::new(), 0);
        write(&mut |c: String| {
            text.push_str(&c);
            chunks += 1;
        });
        (text, chunks)
    }

    /// A threads run whose tasks wait then compute on two workers, and an async run whose
    /// tasks wait on the event loop and compute on it, one offloaded to a worker.
    pub(super) fn runs() -> Vec<RunRecord> {
        let params = Params {
            workload: Workload::Mixed,
            tasks: 3,
            ..Params::default()
        };
        let threads = (0..3)
            .map(|t| {
                let s = f64::from(t) * 10.0;
                let mut r = TaskRecord::from_segments(
                    t,
                    Lane::Worker((t % 2) as u16),
                    &[
                        (SegmentKind::Wait, s, s + 5.5),
                        (SegmentKind::Cpu, s + 5.5, s + 9.25),
                    ],
                );
                r.checksum = 0x1234_5678_9abc_def0 + u64::from(t);
                r
            })
            .collect();
        let mut head = RunHead::for_test(Strategy::Threads, params);
        head.started_at_ms = 1_795_000_000_000.5;
        head.lag = vec![
            ProbeSample {
                at_ms: 10.0,
                gap_ms: 10.2,
            },
            ProbeSample {
                at_ms: 30.1,
                gap_ms: 20.1,
            },
        ];
        let mut asyncs: Vec<TaskRecord> = (0..3)
            .map(|t| {
                let s = f64::from(t) * 0.1;
                TaskRecord::from_segments(
                    t,
                    Lane::Main,
                    &[
                        (SegmentKind::Wait, s, 100.0 + s),
                        (SegmentKind::Cpu, 100.0 + s * 3.0, 100.1 + s * 3.0),
                    ],
                )
            })
            .collect();
        asyncs[2].segments[1].lane = Some(Lane::Worker(1));
        let mut a = RunHead::for_test(Strategy::Async, params);
        a.outcome = Outcome::Failed("task 2 \"panicked\"".into());
        a.scheduler = Some(SchedulerCost {
            name: SCHEDULERS[0],
            spawn_us_per_task: 0.5,
            wakes: 6,
            us_per_wake: 1.25,
        });
        vec![RunRecord::new(head, threads), RunRecord::new(a, asyncs)]
    }

    #[test]
    fn file_names_say_what_and_when() {
        let runs = runs();
        let at = 1_795_000_000_000.0; // 2026-11-18 11:06:40 UTC
        assert_eq!(
            file_name(&[&runs[0]], at, "json"),
            "async-vs-threads-threads-20261118-1106.json"
        );
        assert_eq!(
            file_name(&[&runs[0], &runs[1]], at, "trace.json"),
            "async-vs-threads-all-20261118-1106.trace.json"
        );
    }
}
