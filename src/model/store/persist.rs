//! The run-line codec: finished runs, and the run in progress, as the text the page keeps in
//! storage: the session's results (after a panic on the main thread kills the wasm instance,
//! the reloaded page takes them back and shows the run that was in progress as failed) and
//! the history of this browser's runs.
//!
//! One run per line, `key=value&…` escaped as in links: every field of [`FIELDS`] by its line
//! key; the parameters are a whole link ([`url::encode`]) in one value, so there is one
//! parameter codec. Versioned and tolerant: `v=` marks the format; a line from a newer version
//! or one that does not parse is skipped and counted, never a panic. Task records and probe
//! samples are not kept (a run's can be tens of MB, more than storage holds): decoded runs have
//! `details_dropped` set and every field as written.

use std::collections::HashMap;

use crate::model::experiment::params::{Params, Strategy};
use crate::model::experiment::url::{self, escape, pairs};
use crate::model::run::record::RunRecord;
use crate::model::store::fields::{self, FIELDS, Raw};

/// The format's version, written as `v=`.
pub const VERSION: u32 = 1;

/// Encodes finished runs, one line each: every field of [`FIELDS`] the run has, by its line
/// key.
pub fn encode_runs(runs: &[&RunRecord]) -> String {
    let lines: Vec<String> = runs
        .iter()
        .map(|run| {
            let mut line = format!("v={VERSION}");
            for field in &FIELDS {
                if let Some(value) = (field.get)(run) {
                    line.push_str(&format!("&{}={}", field.line_key, escape(&value.text())));
                }
            }
            line
        })
        .collect();
    lines.join("\n")
}

/// Decodes the runs [`encode_runs`] wrote, without their task records, and how many lines were
/// skipped (from a newer version, or malformed). Blank lines are not runs and are not counted.
pub fn decode_runs(text: &str) -> (Vec<RunRecord>, usize) {
    let mut runs = Vec::new();
    let mut skipped = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match decode_run(line) {
            Some(run) => runs.push(run),
            None => skipped += 1,
        }
    }
    (runs, skipped)
}

fn decode_run(line: &str) -> Option<RunRecord> {
    let values = values(line)?;
    let has = |key: &str| values.contains_key(key);
    fields::read_run(
        |i| values.get(FIELDS[i].line_key).cloned().map(Raw::Text),
        |group| FIELDS.iter().any(|f| f.group == group && has(f.line_key)),
        true,
    )
    .ok()
}

/// Encodes the experiment of the run in progress, written when it starts: if the page dies
/// during it, the reloaded page finds it and marks it failed.
pub fn encode_pending(params: &Params) -> String {
    format!(
        "v={VERSION}&strategy={}&params={}",
        params.strategy.key(),
        escape(&url::encode(params, None))
    )
}

/// Decodes what [`encode_pending`] wrote; `None` for text from a newer version or malformed.
pub fn decode_pending(text: &str) -> Option<Params> {
    let values = values(text.trim())?;
    let strategy = Strategy::from_key(values.get("strategy")?)?;
    Some(Params {
        strategy,
        ..url::exact(values.get("params")?)?
    })
}

/// A line's values by key, if its version is one this code reads.
fn values(line: &str) -> Option<HashMap<String, String>> {
    let values: HashMap<String, String> = pairs(line).collect();
    let version: u32 = values.get("v")?.parse().ok()?;
    (1..=VERSION).contains(&version).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::Strategy as Strat;
    use crate::model::experiment::params::arb::arb_params;
    use crate::model::experiment::params::{Jitter, Workload};
    use crate::model::run::record::{
        Lane, Outcome, RunHead, SCHEDULERS, SchedulerCost, SegmentKind, Startup, TaskRecord,
    };
    use crate::model::run::stats::Responsiveness;
    use crate::model::store::fields::tests::arb_run;
    use proptest::prelude::*;

    /// A run as the page keeps it after a failure mid-way, with every field set.
    fn failed_run(why: &str) -> RunRecord {
        let tasks = vec![
            TaskRecord::from_segments(0, Lane::Main, &[(SegmentKind::Wait, 0.0, 100.5)]),
            TaskRecord::from_segments(1, Lane::Worker(3), &[(SegmentKind::Cpu, 2.25, 40.0)]),
        ];
        let mut run = RunRecord::new(
            RunHead {
                params: Params {
                    workload: Workload::Mixed,
                    tasks: 7,
                    jitter: Jitter::Uniform { pct: 15 },
                    strategy: Strat::Threads,
                    ..Params::default()
                },
                threads_used: 4,
                pool_size: 4,
                cores: 8,
                outcome: Outcome::Failed(why.into()),
                hidden_ms: 0.1 + 0.2,
                responsiveness: Responsiveness {
                    samples: 12,
                    lag_p99_ms: 3.75,
                    longest_stall_ms: 61.0,
                    missed_frames: 2,
                    ..Responsiveness::default()
                },
                scheduler: Some(SchedulerCost {
                    name: SCHEDULERS[0],
                    spawn_us_per_task: 1.0 / 3.0,
                    wakes: 42,
                    us_per_wake: 0.8,
                }),
                startup: Some(Startup {
                    per_worker_ms: 41.5,
                    all_ready_ms: 57.25,
                    memory_bytes: 20_971_520.0,
                }),
                started_at_ms: 1_795_000_000_123.25,
                lag: Vec::new(),
                environment: None,
            },
            tasks,
        );
        run.digest.checksum = 0x00ab_cdef_0123_4567;
        run
    }

    #[test]
    fn a_failed_run_comes_back_whole_but_for_its_task_records() {
        let why = "task 3 panicked at src/model/kernel.rs:9: a&b=c%d+e\nsecond line\r\n";
        let run = failed_run(why);
        let text = encode_runs(&[&run, &run]);
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.contains("checksum=00abcdef01234567"), "{text}");
        let (runs, skipped) = decode_runs(&text);
        assert_eq!(skipped, 0);
        assert_eq!(runs, vec![run.without_details(), run.without_details()]);
        assert_eq!(runs[0].failure(), Some(why));
        assert_eq!(runs[0].lanes(), [Lane::Main, Lane::Worker(3)]);
    }

    /// A line written before the run's fields were one list, to the byte (its parameters say
    /// `strategy=async`, the run `threads`: the run's own strategy is the one kept).
    const LINE_V1: &str = "v=1&strategy=threads&params=v%3D1%26workload%3Dmixed%26tasks%3D7%26io_ms%3D100%26cpu_ms%3D20%26jitter%3Duniform:15%26rounds%3D1%26threads%3D2%26yield_every_ms%3D5%26switch_ms%3D5%26seed%3D1%26strategy%3Dasync&threads_used=4&pool_size=4&cores=8&makespan_ms=100.5&hidden_ms=0.30000000000000004&at=1795000000123.25&outcome=failed&why=task%203%20%22boom%22%20%26%20more&samples=12&lag_p50_ms=0&lag_p99_ms=3.75&longest_stall_ms=61&blocked_ms=0&missed_frames=2&scheduler=a%20ready%20queue%20in%20one%20spawn_local%20task&spawn_us_per_task=0.3333333333333333&wakes=42&us_per_wake=0&startup_per_worker_ms=41.5&startup_all_ready_ms=57.25&startup_memory_bytes=20971520&tasks_done=2&throughput_per_s=19.90049751243781&latency_p50_ms=70.25&latency_p95_ms=97.475&latency_max_ms=100.5&cpu_total_ms=37.75&wait_total_ms=100.5&max_overlapping_waits=1&last_first_pickup_ms=2.25&checksum=00abcdef01234567&lanes=main%2Cw3";

    #[test]
    fn a_line_of_the_first_version_still_reads() {
        let (runs, skipped) = decode_runs(LINE_V1);
        assert_eq!(skipped, 0);
        assert_eq!(
            runs,
            [failed_run("task 3 \"boom\" & more").without_details()]
        );
        let sorted = |line: &str| {
            let mut pairs: Vec<(String, String)> = pairs(line).collect();
            pairs.sort();
            pairs
        };
        let again = encode_runs(&[&runs[0]]);
        assert_eq!(sorted(&again).len(), sorted(LINE_V1).len());
        let differ: Vec<_> = sorted(&again)
            .into_iter()
            .zip(sorted(LINE_V1))
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            differ,
            [(
                (
                    "params".to_string(),
                    url::encode(&runs[0].head.params, None)
                ),
                (
                    "params".to_string(),
                    url::encode(
                        &Params {
                            strategy: Strat::Async,
                            ..runs[0].head.params
                        },
                        None
                    )
                ),
            )],
            "the same fields, but for the parameters' strategy"
        );
    }

    #[test]
    fn newer_and_broken_lines_are_skipped_and_counted() {
        let good = encode_runs(&[&failed_run("boom")]);
        let newer = good.replacen("v=1&", "v=2&", 1);
        let bad_checksum = good.replace("checksum=00abcdef01234567", "checksum=%2B0abcdef01234567");
        let bad_lane = good.replace("lanes=main%2Cw3", "lanes=main%2Cgpu");
        let no_wakes = good.replace("&wakes=42", "");
        let text = [
            &*newer,
            "",
            &good,
            "garbage",
            &bad_checksum,
            &bad_lane,
            &no_wakes,
            "v=1",
        ]
        .join("\n");
        let (runs, skipped) = decode_runs(&text);
        assert_eq!((runs.len(), skipped), (1, 6));
    }

    #[test]
    fn an_unknown_scheduler_comes_back_as_none() {
        let text = encode_runs(&[&failed_run("boom")]).replace(
            &escape(SCHEDULERS[0]),
            "a%20scheduler%20from%20the%20future",
        );
        let (runs, skipped) = decode_runs(&text);
        assert_eq!(skipped, 0);
        assert_eq!(runs[0].head.scheduler, None);
    }

    #[test]
    fn every_prefix_of_a_line_decodes_or_is_skipped() {
        let line = encode_runs(&[&failed_run("boom")]);
        for end in (0..line.len()).filter(|e| line.is_char_boundary(*e)) {
            let (runs, skipped) = decode_runs(&line[..end]);
            assert!(runs.len() + skipped <= 1);
            let _ = decode_pending(&line[..end]);
        }
    }

    #[test]
    fn the_pending_run_round_trips_and_a_newer_one_is_ignored() {
        let pending = Params {
            tasks: 1_000,
            strategy: Strat::Gil,
            ..Params::default()
        };
        let text = encode_pending(&pending);
        assert_eq!(decode_pending(&text), Some(pending));
        assert_eq!(decode_pending(&text.replacen("v=1", "v=2", 1)), None);
        assert_eq!(decode_pending(""), None);
    }

    proptest! {
        #[test]
        fn every_field_of_every_run_survives_a_reload(runs in prop::collection::vec(arb_run(), 0..4)) {
            let text = encode_runs(&runs.iter().collect::<Vec<_>>());
            let (back, skipped) = decode_runs(&text);
            prop_assert_eq!((back.len(), skipped), (runs.len(), 0));
            for (b, run) in back.iter().zip(&runs) {
                for field in &FIELDS {
                    prop_assert_eq!((field.get)(b), (field.get)(run), "{}", field.key);
                }
                prop_assert!(b.details_dropped && b.tasks.is_empty() && b.head.lag.is_empty());
            }
        }

        #[test]
        fn every_pending_run_survives_a_reload(params in arb_params()) {
            prop_assert_eq!(decode_pending(&encode_pending(&params)), Some(params));
        }

        #[test]
        fn garbage_never_panics(text in any::<String>()) {
            let _ = decode_runs(&text);
            let _ = decode_pending(&text);
        }

        #[test]
        fn near_misses_never_panic(text in "(([a-z_]{1,12}=[a-z0-9%,.+-]{0,12})?&){0,40}") {
            let _ = decode_runs(&format!("v=1&{text}"));
            let _ = decode_pending(&format!("v=1&{text}"));
        }
    }
}
