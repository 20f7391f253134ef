//! The claims of the asyncio-against-threading articles, each one experiment away, and the
//! pure rules that judge them from what was measured.
//!
//! A claim names its experiment (the parameters a click loads into the URL, and the
//! strategies it runs) and the articles' own figure, which the page shows beside ours. Its
//! verdict is a function of measured records only: whether the claim holds here, and why, in
//! numbers.

use crate::model::format;
use crate::model::params::{Params, Strategy};
use crate::model::record::RunRecord;
use crate::model::url;

/// One claim of the articles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// Stable key (tests, `data-claim`).
    pub key: &'static str,
    /// The claim in plain words.
    pub text: &'static str,
    /// The articles' own figure.
    pub articles: &'static str,
    /// What runs to judge it.
    pub evidence: Evidence,
}

/// What a claim is judged on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Evidence {
    /// Runs of `strategies` on the experiment in `query` (a link's query string).
    Runs {
        query: &'static str,
        strategies: &'static [Strategy],
    },
}

/// Whether a claim holds here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Yes,
    Partly,
    No,
}

impl Holds {
    /// A key for styles and tests.
    pub fn key(self) -> &'static str {
        match self {
            Holds::Yes => "holds",
            Holds::Partly => "partly",
            Holds::No => "does-not-hold",
        }
    }
}

/// A claim's verdict: whether it holds, and the measured figures that say so.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub holds: Holds,
    pub text: String,
}

const REQUESTS: Claim = Claim {
    key: "requests",
    text: "50 requests of 0.1 s: sequential code takes 50 × 0.1 s; threads and asyncio overlap the waits, asyncio best.",
    articles: "5.2 s sequential, 0.35 s threads, 0.18 s asyncio",
    evidence: Evidence::Runs {
        query: "v=1&workload=io&tasks=50&io_ms=100&jitter=none&threads=16&pool=16",
        strategies: &[Strategy::Sequential, Strategy::Threads, Strategy::Async],
    },
};

const GIL: Claim = Claim {
    key: "gil",
    text: "Threads don't speed up CPU-bound Python: the GIL lets one thread compute at a time.",
    articles: "about 1× with threads; CPython measured 0.99× on this machine",
    evidence: Evidence::Runs {
        query: "v=1&workload=cpu&tasks=16&cpu_ms=50&threads=2",
        strategies: &[Strategy::Sequential, Strategy::Threads, Strategy::Gil],
    },
};

const NEVER_BLOCK: Claim = Claim {
    key: "never-block",
    text: "Never block the event loop: one coroutine that computes without awaiting freezes every other.",
    articles: "a blocking call stalls the whole loop for its duration",
    evidence: Evidence::Runs {
        query: "v=1&workload=mixed&tasks=10&io_ms=50&cpu_ms=100&rounds=2&yield_every_ms=0",
        strategies: &[Strategy::Async],
    },
};

const RUN_IN_EXECUTOR: Claim = Claim {
    key: "run-in-executor",
    text: "Use run_in_executor (or to_thread) for blocking work: the event loop stays responsive.",
    articles: "offloading keeps the loop free while the work runs on a thread pool",
    evidence: Evidence::Runs {
        query: "v=1&workload=cpu&tasks=40&cpu_ms=20&threads=2&yield_every_ms=0",
        strategies: &[Strategy::Async, Strategy::Executor],
    },
};

/// Every claim, in the order the page lists them.
pub const CLAIMS: [Claim; 4] = [REQUESTS, GIL, NEVER_BLOCK, RUN_IN_EXECUTOR];

impl Claim {
    /// The experiment a click loads: the form and pool size from the claim's link (checked
    /// valid by a test).
    pub fn link(&self) -> url::Decoded {
        let Evidence::Runs { query, .. } = self.evidence;
        url::decode(query)
    }

    /// The strategies it runs.
    pub fn strategies(&self) -> &'static [Strategy] {
        let Evidence::Runs { strategies, .. } = self.evidence;
        strategies
    }

    /// Whether `run` is one of its runs: a strategy it runs, on its experiment.
    pub fn is_run_of(&self, run: &RunRecord) -> bool {
        let params = self.link().form.check().params;
        self.strategies().contains(&run.strategy)
            && Params {
                strategy: run.strategy,
                ..params
            } == run.params
    }
}

/// The claim with `key`.
pub fn find(key: &str) -> Option<&'static Claim> {
    CLAIMS.iter().find(|c| c.key == key)
}

/// A stall the eye notices (RAIL: a response within 100 ms feels immediate), ms.
const PERCEPTIBLE_MS: f64 = 100.0;

/// Judges `claim` from `runs` (each strategy's latest run of the claim's experiment); `None`
/// until every run it needs has finished.
pub fn judge(claim: &Claim, runs: &[&RunRecord]) -> Option<Verdict> {
    let Evidence::Runs { strategies, .. } = claim.evidence;
    let of = |s: Strategy| -> Option<&RunRecord> {
        runs.iter()
            .copied()
            .find(|r| r.strategy == s && r.is_complete() && r.makespan_ms > 0.0)
    };
    let needed: Option<Vec<&RunRecord>> = strategies.iter().map(|s| of(*s)).collect();
    needed?;
    match claim.key {
        "requests" => requests(
            of(Strategy::Sequential)?,
            of(Strategy::Threads)?,
            of(Strategy::Async)?,
        ),
        "gil" => gil(
            of(Strategy::Sequential)?,
            of(Strategy::Threads)?,
            of(Strategy::Gil)?,
        ),
        "never-block" => never_block(of(Strategy::Async)?),
        "run-in-executor" => run_in_executor(of(Strategy::Async)?, of(Strategy::Executor)?),
        _ => None,
    }
}

fn s(ms: f64) -> String {
    format::ms(ms)
}

fn requests(seq: &RunRecord, thr: &RunRecord, asy: &RunRecord) -> Option<Verdict> {
    let threads = thr.threads_used.max(1);
    let per_thread = seq.params.tasks.div_ceil(threads);
    let figures = format!(
        "sequential {}, threads {} ({threads} threads, {per_thread} waits each), async {}",
        s(seq.makespan_ms),
        s(thr.makespan_ms),
        s(asy.makespan_ms)
    );
    let (holds, why) = if asy.makespan_ms >= thr.makespan_ms {
        (
            Holds::Partly,
            format!("async was not faster than threads here: {figures}"),
        )
    } else if thr.makespan_ms * 5.0 > seq.makespan_ms {
        // The articles' threads ran 15× faster than sequential code; a pool too small to
        // hold most waits at once is a different claim.
        (
            Holds::Partly,
            format!(
                "does not hold for threads with {threads} thread{}: {per_thread} waits per thread (async overlapped every wait); {figures}",
                if threads == 1 { "" } else { "s" }
            ),
        )
    } else {
        (Holds::Yes, format!("holds here: {figures}"))
    };
    Some(Verdict { holds, text: why })
}

fn gil(seq: &RunRecord, thr: &RunRecord, gil: &RunRecord) -> Option<Verdict> {
    let with_gil = seq.makespan_ms / gil.makespan_ms;
    let without = seq.makespan_ms / thr.makespan_ms;
    let threads = gil.threads_used;
    let tail = format!(
        "without a GIL, {} threads ran {} sequential's speed",
        thr.threads_used,
        format::times(without)
    );
    let (holds, text) = if with_gil >= 1.25 {
        (
            Holds::No,
            format!(
                "does not hold here: {threads} threads under the GIL ran {} sequential's speed; {tail}",
                format::times(with_gil)
            ),
        )
    } else if without < 1.3 {
        (
            Holds::Partly,
            format!(
                "{threads} threads under the GIL ran at {} sequential's speed, but {tail} too: this run got no second core to tell them apart",
                format::times(with_gil)
            ),
        )
    } else {
        (
            Holds::Yes,
            format!(
                "holds under the GIL: {threads} threads ran at {} sequential's speed; {tail}: the lock, not threads, is what stops CPU work",
                format::times(with_gil)
            ),
        )
    };
    Some(Verdict { holds, text })
}

fn never_block(asy: &RunRecord) -> Option<Verdict> {
    let r = asy.responsiveness;
    let figures = format!(
        "the longest stall of the page was {}, event-loop lag p99 {}, {} frames missed",
        s(r.longest_stall_ms),
        s(r.lag_p99_ms),
        format::count(u64::from(r.missed_frames))
    );
    let (holds, text) = if r.longest_stall_ms >= PERCEPTIBLE_MS {
        (
            Holds::Yes,
            format!(
                "holds: computing on the event loop without awaiting froze everything else; {figures}"
            ),
        )
    } else {
        (
            Holds::No,
            format!(
                "did not show here: {figures} (under {} is not noticed)",
                s(PERCEPTIBLE_MS)
            ),
        )
    };
    Some(Verdict { holds, text })
}

fn run_in_executor(asy: &RunRecord, exe: &RunRecord) -> Option<Verdict> {
    let (a, e) = (asy.responsiveness.lag_p99_ms, exe.responsiveness.lag_p99_ms);
    let figures = format!(
        "event-loop lag p99 {} with the executor against {} computing on the loop; longest stall {} against {}",
        s(e),
        s(a),
        s(exe.responsiveness.longest_stall_ms),
        s(asy.responsiveness.longest_stall_ms)
    );
    let holds = if e * 5.0 <= a && exe.responsiveness.longest_stall_ms < PERCEPTIBLE_MS {
        Holds::Yes
    } else {
        Holds::No
    };
    Some(Verdict {
        holds,
        text: match holds {
            Holds::Yes => format!("holds: {figures}"),
            _ => format!("did not show here: {figures}"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::{Lane, Outcome, RunHead, SegmentKind, TaskRecord};

    /// A finished run of `strategy` on the claim's experiment, taking `makespan_ms`.
    fn run(claim: &Claim, strategy: Strategy, makespan_ms: f64, lag: (f64, f64)) -> RunRecord {
        let Evidence::Runs { query, .. } = claim.evidence;
        let params = url::decode(query).form.check().params;
        let tasks = (0..params.tasks)
            .map(|t| {
                TaskRecord::from_segments(t, Lane::Main, &[(SegmentKind::Wait, 0.0, makespan_ms)])
            })
            .collect();
        let mut r = RunRecord::new(RunHead::for_test(strategy, params), tasks);
        r.responsiveness.lag_p99_ms = lag.0;
        r.responsiveness.longest_stall_ms = lag.1;
        r
    }

    #[test]
    fn every_claim_has_a_valid_experiment_and_a_unique_key() {
        for c in CLAIMS {
            let Evidence::Runs { query, strategies } = c.evidence;
            let d = url::decode(query);
            assert!(d.notices.is_empty(), "{}: {:?}", c.key, d.notices);
            assert!(d.form.check().is_valid(), "{}", c.key);
            assert!(!strategies.is_empty());
            assert_eq!(find(c.key), Some(&c));
        }
        let seq = run(&GIL, Strategy::Sequential, 800.0, (0.0, 0.0));
        assert!(GIL.is_run_of(&seq));
        assert!(!REQUESTS.is_run_of(&seq), "another experiment");
        assert!(!NEVER_BLOCK.is_run_of(&run(&NEVER_BLOCK, Strategy::Threads, 1.0, (0.0, 0.0))));
        let mut keys: Vec<&str> = CLAIMS.iter().map(|c| c.key).collect();
        keys.dedup();
        assert_eq!(keys.len(), CLAIMS.len());
    }

    #[test]
    fn no_verdict_until_every_run_has_finished() {
        let seq = run(&REQUESTS, Strategy::Sequential, 5030.0, (0.0, 0.0));
        let thr = run(&REQUESTS, Strategy::Threads, 402.0, (0.0, 0.0));
        assert_eq!(judge(&REQUESTS, &[&seq, &thr]), None);
        let mut asy = run(&REQUESTS, Strategy::Async, 101.0, (0.0, 0.0));
        asy.outcome = Outcome::Cancelled;
        assert_eq!(judge(&REQUESTS, &[&seq, &thr, &asy]), None);
    }

    #[test]
    fn requests_hold_when_async_beats_threads_and_threads_beat_sequential() {
        let seq = run(&REQUESTS, Strategy::Sequential, 5030.0, (0.0, 0.0));
        let thr = run(&REQUESTS, Strategy::Threads, 402.0, (0.0, 0.0));
        let asy = run(&REQUESTS, Strategy::Async, 101.0, (0.0, 0.0));
        let v = judge(&REQUESTS, &[&seq, &thr, &asy]).unwrap();
        assert_eq!(v.holds, Holds::Yes);
        assert_eq!(
            v.text,
            "holds here: sequential 5.03 s, threads 402 ms (16 threads, 4 waits each), async 101 ms"
        );
        // With 2 threads, 25 waits each: threads overlap only two waits at a time.
        let mut two = run(&REQUESTS, Strategy::Threads, 2510.0, (0.0, 0.0));
        two.threads_used = 2;
        let v = judge(&REQUESTS, &[&seq, &two, &asy]).unwrap();
        assert_eq!(v.holds, Holds::Partly);
        assert!(
            v.text
                .starts_with("does not hold for threads with 2 threads: 25 waits per thread"),
            "{}",
            v.text
        );
        let slow = run(&REQUESTS, Strategy::Async, 500.0, (0.0, 0.0));
        assert_eq!(
            judge(&REQUESTS, &[&seq, &thr, &slow]).unwrap().holds,
            Holds::Partly
        );
    }

    #[test]
    fn the_gil_claim_holds_when_threads_under_the_gil_run_at_sequential_speed() {
        let seq = run(&GIL, Strategy::Sequential, 800.0, (0.0, 0.0));
        let thr = run(&GIL, Strategy::Threads, 410.0, (0.0, 0.0));
        let gil_run = run(&GIL, Strategy::Gil, 790.0, (0.0, 0.0));
        let v = judge(&GIL, &[&seq, &thr, &gil_run]).unwrap();
        assert_eq!(v.holds, Holds::Yes);
        assert!(v.text.starts_with("holds under the GIL: 2 threads ran at 1.01× sequential's speed; without a GIL, 2 threads ran 1.95×"), "{}", v.text);
        let fast = run(&GIL, Strategy::Gil, 420.0, (0.0, 0.0));
        assert_eq!(judge(&GIL, &[&seq, &thr, &fast]).unwrap().holds, Holds::No);
        // Without a second core neither goes faster: the run cannot tell the lock's effect.
        let slow = run(&GIL, Strategy::Threads, 720.0, (0.0, 0.0));
        let v = judge(&GIL, &[&seq, &slow, &gil_run]).unwrap();
        assert_eq!(v.holds, Holds::Partly);
        assert!(
            v.text
                .ends_with("this run got no second core to tell them apart"),
            "{}",
            v.text
        );
    }

    #[test]
    fn blocking_the_loop_holds_when_the_page_stalled_perceptibly() {
        let frozen = run(&NEVER_BLOCK, Strategy::Async, 2000.0, (180.0, 200.0));
        let v = judge(&NEVER_BLOCK, &[&frozen]).unwrap();
        assert_eq!(v.holds, Holds::Yes);
        assert!(
            v.text.contains("the longest stall of the page was 200 ms"),
            "{}",
            v.text
        );
        let smooth = run(&NEVER_BLOCK, Strategy::Async, 2000.0, (8.0, 12.0));
        assert_eq!(judge(&NEVER_BLOCK, &[&smooth]).unwrap().holds, Holds::No);
    }

    #[test]
    fn run_in_executor_holds_when_the_loop_lag_drops_five_fold() {
        let asy = run(&RUN_IN_EXECUTOR, Strategy::Async, 800.0, (718.0, 800.0));
        let exe = run(&RUN_IN_EXECUTOR, Strategy::Executor, 420.0, (6.0, 9.0));
        let v = judge(&RUN_IN_EXECUTOR, &[&asy, &exe]).unwrap();
        assert_eq!(v.holds, Holds::Yes);
        assert!(
            v.text
                .starts_with("holds: event-loop lag p99 6.00 ms with the executor against 718 ms"),
            "{}",
            v.text
        );
        let laggy = run(&RUN_IN_EXECUTOR, Strategy::Executor, 420.0, (300.0, 400.0));
        assert_eq!(
            judge(&RUN_IN_EXECUTOR, &[&asy, &laggy]).unwrap().holds,
            Holds::No
        );
    }
}
