//! The session codec: finished runs, and the run in progress, as the text the page keeps in
//! `sessionStorage`. A panic on the main thread kills the wasm instance; after the reload the
//! earlier results come back from this text, and the run that was in progress is shown as failed.
//!
//! One run per line, `key=value&…` escaped as in links; the parameters are a whole link
//! ([`url::encode`]) in one value, so there is one parameter codec. Versioned and tolerant: `v=`
//! marks the format; a line from a newer version or one that does not parse is skipped and
//! counted, never a panic. Task records are not kept (a run's can be tens of MB, more than
//! storage holds): decoded runs have `details_dropped` set and every other field as written.

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

use crate::model::params::{Params, Strategy};
use crate::model::record::{Digest, Lane, Outcome, RunRecord, SCHEDULERS, SchedulerCost, Startup};
use crate::model::stats::Responsiveness;
use crate::model::url::{self, escape, pairs};

/// The format's version, written as `v=`.
pub const VERSION: u32 = 1;

/// The run in progress, written when it starts: if the page dies during it, the reloaded page
/// finds it and marks it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingRun {
    pub strategy: Strategy,
    pub params: Params,
}

/// Encodes finished runs, one line each.
pub fn encode_runs(runs: &[&RunRecord]) -> String {
    runs.iter()
        .map(|r| encode_run(r))
        .collect::<Vec<_>>()
        .join("\n")
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

/// Encodes the run in progress.
pub fn encode_pending(run: &PendingRun) -> String {
    Line::head(run.strategy, &run.params).0
}

/// Decodes what [`encode_pending`] wrote; `None` for text from a newer version or malformed.
pub fn decode_pending(text: &str) -> Option<PendingRun> {
    let (strategy, params) = Fields::parse(text.trim())?.head()?;
    Some(PendingRun { strategy, params })
}

/// A line being written.
struct Line(String);

impl Line {
    /// What runs and pending runs begin with: the version, the strategy and the parameters.
    fn head(strategy: Strategy, params: &Params) -> Self {
        let mut line = Line(format!("v={VERSION}"));
        line.put("strategy", strategy.key())
            .put("params", url::encode(params, None));
        line
    }

    fn put(&mut self, key: &str, value: impl Display) -> &mut Self {
        self.0.push('&');
        self.0.push_str(key);
        self.0.push('=');
        self.0.push_str(&escape(&value.to_string()));
        self
    }
}

fn encode_run(run: &RunRecord) -> String {
    let mut line = Line::head(run.strategy, &run.params);
    line.put("threads_used", run.threads_used)
        .put("pool_size", run.pool_size)
        .put("cores", run.cores)
        .put("makespan_ms", run.makespan_ms)
        .put("hidden_ms", run.hidden_ms)
        .put("at", run.started_at_ms);
    line.put("outcome", run.outcome.key());
    if let Some(why) = run.failure() {
        line.put("why", why);
    }
    let r = &run.responsiveness;
    line.put("samples", r.samples)
        .put("lag_p50_ms", r.lag_p50_ms)
        .put("lag_p99_ms", r.lag_p99_ms)
        .put("longest_stall_ms", r.longest_stall_ms)
        .put("blocked_ms", r.blocked_ms)
        .put("missed_frames", r.missed_frames);
    if let Some(s) = &run.scheduler {
        line.put("scheduler", s.name)
            .put("spawn_us_per_task", s.spawn_us_per_task)
            .put("wakes", s.wakes)
            .put("us_per_wake", s.us_per_wake);
    }
    if let Some(s) = &run.startup {
        line.put("startup_per_worker_ms", s.per_worker_ms)
            .put("startup_all_ready_ms", s.all_ready_ms)
            .put("startup_memory_bytes", s.memory_bytes);
    }
    let d = &run.digest;
    let lanes: Vec<String> = d.lanes.iter().map(|l| l.key()).collect();
    for (key, value) in Digest::FIGURES.iter().zip(d.figures()) {
        line.put(key, value);
    }
    line.put("checksum", format!("{:016x}", d.checksum))
        .put("lanes", lanes.join(","));
    line.0
}

/// A line being read: its values by key.
struct Fields(HashMap<String, String>);

impl Fields {
    /// The line's fields, if its version is one this code reads.
    fn parse(line: &str) -> Option<Self> {
        let fields = Fields(pairs(line).collect());
        (1..=VERSION).contains(&fields.get("v")?).then_some(fields)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    fn get<T: FromStr>(&self, key: &str) -> Option<T> {
        self.text(key)?.parse().ok()
    }

    fn head(&self) -> Option<(Strategy, Params)> {
        let strategy = Strategy::from_key(self.text("strategy")?)?;
        Some((strategy, url::exact(self.text("params")?)?))
    }
}

fn decode_run(line: &str) -> Option<RunRecord> {
    let f = Fields::parse(line)?;
    let (strategy, params) = f.head()?;
    let outcome = Outcome::from_key(f.text("outcome")?, f.text("why").map(str::to_string))?;
    // A scheduler this build does not know has no name to point at; its cost is then unknown.
    let scheduler = match f
        .text("scheduler")
        .map(|n| SCHEDULERS.iter().find(|s| **s == n))
    {
        Some(Some(name)) => Some(SchedulerCost {
            name,
            spawn_us_per_task: f.get("spawn_us_per_task")?,
            wakes: f.get("wakes")?,
            us_per_wake: f.get("us_per_wake")?,
        }),
        _ => None,
    };
    let startup = match (
        f.get("startup_per_worker_ms"),
        f.get("startup_all_ready_ms"),
        f.get("startup_memory_bytes"),
    ) {
        (Some(per_worker_ms), Some(all_ready_ms), Some(memory_bytes)) => Some(Startup {
            per_worker_ms,
            all_ready_ms,
            memory_bytes,
        }),
        _ => None,
    };
    let makespan_ms = f.get("makespan_ms")?;
    let mut figures = [0.0; 9];
    for (v, key) in figures.iter_mut().zip(Digest::FIGURES) {
        *v = f.get(key)?;
    }
    let checksum = f.text("checksum")?;
    if checksum.len() != 16 || !checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let lanes = f
        .text("lanes")?
        .split(',')
        .filter(|l| !l.is_empty())
        .map(Lane::from_key)
        .collect::<Option<Vec<_>>>()?;
    Some(RunRecord {
        strategy,
        params,
        threads_used: f.get("threads_used")?,
        pool_size: f.get("pool_size")?,
        cores: f.get("cores")?,
        makespan_ms,
        outcome,
        hidden_ms: f.get("hidden_ms")?,
        responsiveness: Responsiveness {
            samples: f.get("samples")?,
            lag_p50_ms: f.get("lag_p50_ms")?,
            lag_p99_ms: f.get("lag_p99_ms")?,
            longest_stall_ms: f.get("longest_stall_ms")?,
            blocked_ms: f.get("blocked_ms")?,
            missed_frames: f.get("missed_frames")?,
        },
        scheduler,
        startup,
        // Lines written before the start time was kept have none: unknown.
        started_at_ms: f.get("at").unwrap_or(0.0),
        lag: Vec::new(),
        digest: Digest::from_figures(
            figures,
            u64::from_str_radix(checksum, 16).ok()?,
            lanes,
            makespan_ms,
        ),
        tasks: Vec::new(),
        details_dropped: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::arb::arb_params;
    use crate::model::params::{Jitter, Strategy as Strat, Workload};
    use crate::model::record::{RunHead, SegmentKind, TaskRecord};
    use crate::model::stats::Summary;
    use proptest::prelude::*;
    use proptest::strategy::Strategy;

    /// A run as the page keeps it after a failure mid-way, with every field set.
    fn failed_run(why: &str) -> RunRecord {
        let tasks = vec![
            TaskRecord::from_segments(0, Lane::Main, &[(SegmentKind::Wait, 0.0, 100.5)]),
            TaskRecord::from_segments(1, Lane::Worker(3), &[(SegmentKind::Cpu, 2.25, 40.0)]),
        ];
        let mut run = RunRecord::new(
            RunHead {
                strategy: Strat::Threads,
                params: Params {
                    workload: Workload::Mixed,
                    tasks: 7,
                    jitter: Jitter::Uniform { pct: 15 },
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

    #[test]
    fn newer_and_broken_lines_are_skipped_and_counted() {
        let good = encode_runs(&[&failed_run("boom")]);
        let newer = good.replacen("v=1&", "v=2&", 1);
        let bad_checksum = good.replace("checksum=00abcdef01234567", "checksum=%2B0abcdef01234567");
        let bad_lane = good.replace("lanes=main%2Cw3", "lanes=main%2Cgpu");
        let text = [
            &*newer,
            "",
            &good,
            "garbage",
            &bad_checksum,
            &bad_lane,
            "v=1",
        ]
        .join("\n");
        let (runs, skipped) = decode_runs(&text);
        assert_eq!((runs.len(), skipped), (1, 5));
    }

    #[test]
    fn an_unknown_scheduler_comes_back_as_none() {
        let text = encode_runs(&[&failed_run("boom")]).replace(
            &escape(SCHEDULERS[0]),
            "a%20scheduler%20from%20the%20future",
        );
        let (runs, skipped) = decode_runs(&text);
        assert_eq!(skipped, 0);
        assert_eq!(runs[0].scheduler, None);
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
        let pending = PendingRun {
            strategy: Strat::Async,
            params: Params {
                tasks: 1_000,
                ..Params::default()
            },
        };
        let text = encode_pending(&pending);
        assert_eq!(decode_pending(&text), Some(pending));
        assert_eq!(decode_pending(&text.replacen("v=1", "v=2", 1)), None);
        assert_eq!(decode_pending(""), None);
    }

    /// Any f64 but NaN, which never equals itself.
    fn arb_f64() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("NaN", |x| !x.is_nan())
    }

    fn arb_run() -> impl Strategy<Value = RunRecord> {
        let outcome = prop_oneof![
            Just(Outcome::Done),
            Just(Outcome::Cancelled),
            any::<String>().prop_map(Outcome::Failed),
            "[&=%+\\n\\r ]{0,6}".prop_map(Outcome::Failed),
        ];
        let responsiveness = (
            any::<usize>(),
            arb_f64(),
            arb_f64(),
            arb_f64(),
            arb_f64(),
            any::<u32>(),
        )
            .prop_map(
                |(samples, p50, p99, stall, blocked, missed)| Responsiveness {
                    samples,
                    lag_p50_ms: p50,
                    lag_p99_ms: p99,
                    longest_stall_ms: stall,
                    blocked_ms: blocked,
                    missed_frames: missed,
                },
            );
        let scheduler = proptest::option::of((arb_f64(), any::<u64>(), arb_f64()).prop_map(
            |(spawn, wakes, wake)| SchedulerCost {
                name: SCHEDULERS[0],
                spawn_us_per_task: spawn,
                wakes,
                us_per_wake: wake,
            },
        ));
        let startup = proptest::option::of((arb_f64(), arb_f64(), arb_f64()).prop_map(
            |(w, a, m)| Startup {
                per_worker_ms: w,
                all_ready_ms: a,
                memory_bytes: m,
            },
        ));
        let lane = prop_oneof![
            Just(Lane::Main),
            any::<u16>().prop_map(Lane::Worker),
            any::<u16>().prop_map(Lane::Process)
        ];
        let summary = (0usize..=10_000_000, prop::array::uniform6(arb_f64()));
        let digest = (
            summary,
            any::<u64>(),
            prop::collection::vec(lane, 0..5),
            0usize..=10_000_000,
            arb_f64(),
        );
        let tasks = prop::collection::vec(
            any::<u32>().prop_map(|t| {
                TaskRecord::from_segments(t, Lane::Main, &[(SegmentKind::Cpu, 0.0, 1.0)])
            }),
            0..3,
        );
        (
            (arb_params(), prop::sample::select(Strat::ALL.to_vec())),
            (any::<u32>(), any::<u32>(), any::<u32>()),
            (arb_f64(), arb_f64(), outcome, responsiveness, scheduler),
            digest,
            (tasks, any::<bool>(), startup, arb_f64()),
        )
            .prop_map(
                |(
                    (params, strategy),
                    (threads_used, pool_size, cores),
                    (makespan_ms, hidden_ms, outcome, responsiveness, scheduler),
                    ((tasks_done, [tp, p50, p95, max, cpu, wait]), checksum, lanes, overlap, pick),
                    (tasks, details_dropped, startup, started_at_ms),
                )| RunRecord {
                    strategy,
                    params,
                    threads_used,
                    pool_size,
                    cores,
                    makespan_ms,
                    outcome,
                    hidden_ms,
                    responsiveness,
                    scheduler,
                    startup,
                    started_at_ms,
                    lag: Vec::new(),
                    digest: Digest {
                        summary: Summary {
                            tasks_done,
                            makespan_ms,
                            throughput_per_s: tp,
                            latency_p50_ms: p50,
                            latency_p95_ms: p95,
                            latency_max_ms: max,
                            cpu_total_ms: cpu,
                            wait_total_ms: wait,
                        },
                        checksum,
                        lanes,
                        max_overlapping_waits: overlap,
                        last_first_pickup_ms: pick,
                    },
                    tasks,
                    details_dropped,
                },
            )
    }

    proptest! {
        #[test]
        fn every_run_survives_a_reload(runs in prop::collection::vec(arb_run(), 0..4)) {
            let text = encode_runs(&runs.iter().collect::<Vec<_>>());
            let expected: Vec<RunRecord> = runs.iter().map(RunRecord::without_details).collect();
            prop_assert_eq!(decode_runs(&text), (expected, 0));
        }

        #[test]
        fn every_pending_run_survives_a_reload(
            params in arb_params(),
            strategy in prop::sample::select(Strat::ALL.to_vec()),
        ) {
            let pending = PendingRun { strategy, params };
            prop_assert_eq!(decode_pending(&encode_pending(&pending)), Some(pending));
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
