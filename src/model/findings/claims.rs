//! The claims of the asyncio-against-threading articles, each one experiment away, and the
//! pure rules that judge them from what was measured.
//!
//! A claim names its experiment (the parameters a click loads into the URL, and the
//! strategies it runs) and the articles' own figure, which the page shows beside ours. Its
//! verdict is a function of measured records only: whether the claim holds here, and why, in
//! numbers.

use crate::model::demos::deadlock::Ending;
use crate::model::demos::errors::{Catch, Caught, ErrorsRun};
use crate::model::demos::interleave::Tally;
use crate::model::demos::plural;
use crate::model::demos::queue::QueueRun;
use crate::model::demos::race::{Outcome as RaceOutcome, Variant};
use crate::model::demos::scale::WorkerCount;
use crate::model::demos::spawn::{WaitRun, Way};
use crate::model::demos::switch::SwitchRun;
use crate::model::experiment::params::Strategy;
use crate::model::experiment::url;
use crate::model::findings::chart::{Chart, Unit};
use crate::model::format;
use crate::model::memory::{TaskMemory, ThreadMemory, cpython_reference};
use crate::model::run::record::{LatestRuns, RunEnvironment, RunRecord};

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
    /// The heap held by `tasks` pending async tasks (the memory panel's measurement).
    TaskMemory { tasks: u32 },
    /// What a worker thread holds and reserves (the memory panel's measurement).
    ThreadMemory,
    /// `runs` runs of the two-task step trace in each model (the interleaving demo).
    Interleaving { steps: u32, runs: u32 },
    /// The lost-update demo (every variant) and the deadlock demo (both models).
    SharedState { tasks: u32, increments: u32 },
    /// `items` through each model's bounded queue of `capacity` (the producer-consumer demo).
    Queues { items: u32, capacity: u32 },
    /// Up to `workers` idle Web Workers started one after another, against `tasks` pending
    /// async tasks held (the memory panel's measurement).
    Scale { workers: u32, tasks: u32 },
    /// `batches` of a ping-pong between two async tasks (`async_switches` hand-overs each),
    /// two threads and two threads under a GIL (`thread_switches` each).
    Switches {
        async_switches: u32,
        thread_switches: u32,
        batches: u32,
    },
    /// `tasks` waits of `wait_ms` awaited by async tasks, against one Web Worker per task
    /// started, blocking in its wait and joined inside the run.
    ThreadPerTask { tasks: u32, wait_ms: u32 },
    /// `tasks` waits of `wait_ms` awaited by async tasks, blocking inside async tasks, and
    /// blocking on the pool's threads.
    Blocking { tasks: u32, wait_ms: u32 },
    /// `tasks` tasks waiting `wait_ms`, one of which fails after `fail_ms`, awaited and
    /// joined each way of [`Catch`].
    Errors {
        tasks: u32,
        wait_ms: u32,
        fail_ms: u32,
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
    /// The deciding figures, drawn beside the verdict.
    pub chart: Chart,
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
    articles: concat!("about 1× with threads; ", cpython_reference!(), ": 0.99×"),
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

const QUEUES: Claim = Claim {
    key: "queues",
    text: "Both models provide safe queues: asyncio.Queue between coroutines, queue.Queue between threads.",
    articles: "producer-consumer through a bounded queue in either model, without locks of your own",
    evidence: Evidence::Queues {
        items: 2_000,
        capacity: 4,
    },
};

const SWITCHES: Claim = Claim {
    key: "switches",
    text: "Context switches: switching between async tasks is cheap, switching between threads is heavier.",
    articles: "the comparison table: asyncio has low context-switch overhead, threads higher (the OS switches them)",
    evidence: Evidence::Switches {
        async_switches: 20_000,
        thread_switches: 1_000,
        batches: 9,
    },
};

const THREAD_START: Claim = Claim {
    key: "thread-start",
    text: "Thread creation has real costs: with one thread per request, asyncio is about 2× faster than threading for pure I/O.",
    articles: "50 requests of 0.1 s: 0.35 s with a thread started per request, 0.18 s with asyncio (1.9×)",
    evidence: Evidence::ThreadPerTask {
        tasks: 50,
        wait_ms: 100,
    },
};

const BLOCKING: Claim = Claim {
    key: "blocking",
    text: "A blocking library freezes asyncio: time.sleep or requests.get inside async def blocks the whole loop; threads run it fine.",
    articles: "time.sleep(5) inside async def blocks the whole loop for 5 s; 100 boto3 uploads run on ThreadPoolExecutor(max_workers=20)",
    evidence: Evidence::Blocking {
        tasks: 10,
        wait_ms: 50,
    },
};

const ERRORS: Claim = Claim {
    key: "errors",
    text: "Errors propagate through await points in asyncio; errors in threads are isolated and need careful handling.",
    articles: "the comparison table: asyncio propagates errors through await; a thread's error stays in it (threading.excepthook, a future's result())",
    evidence: Evidence::Errors {
        tasks: 4,
        wait_ms: 60,
        fail_ms: 20,
    },
};

const SCALE: Claim = Claim {
    key: "scale",
    text: "asyncio scales thousands of times further than threads: 10,000 threads would need about 80 GB, and the OS refuses above about 1,000.",
    articles: "10,000 threads ~ 80 GB (8 MB each); the OS refuses above ~1,000 threads; 10,000 coroutines in ~10 MB (8,000× less)",
    evidence: Evidence::Scale {
        workers: 256,
        tasks: 1_000_000,
    },
};

const MULTIPROCESSING: Claim = Claim {
    key: "multiprocessing",
    text: "For CPU-bound work, use multiprocessing: threads don't help because of the GIL; processes run truly in parallel.",
    articles: "processes compute in parallel, each with its own interpreter and GIL; threads under the GIL, one at a time",
    evidence: Evidence::Runs {
        query: "v=1&workload=cpu&tasks=16&cpu_ms=50&threads=2",
        strategies: &[Strategy::Sequential, Strategy::Gil, Strategy::Processes],
    },
};

const RESPONSIVE: Claim = Claim {
    key: "responsive",
    text: "Threads keep a program responsive while they work: the main thread stays free.",
    articles: "each sensor polled in its own thread, without freezing the main program",
    evidence: Evidence::Runs {
        query: "v=1&workload=cpu&tasks=4&cpu_ms=200&threads=2&yield_every_ms=0",
        strategies: &[Strategy::Sequential, Strategy::Threads],
    },
};

const COROUTINES: Claim = Claim {
    key: "coroutines",
    text: "Coroutines are cheap: 10,000 of them take about 10 MB.",
    articles: concat!(
        "10,000 coroutines ~ 10 MB; ",
        cpython_reference!(),
        ": 12.4 MB (1.24 KB each)"
    ),
    evidence: Evidence::TaskMemory { tasks: 10_000 },
};

const THREAD_MEMORY: Claim = Claim {
    key: "thread-memory",
    text: "Each thread costs about 8 MB.",
    articles: concat!(
        "~8 MB per thread; ",
        cpython_reference!(),
        ": 9.4 MB reserved, 16.6 KB resident per blocked thread"
    ),
    evidence: Evidence::ThreadMemory,
};

const INTERLEAVING: Claim = Claim {
    key: "interleaving",
    text: "Threads can be interrupted anywhere; asyncio switches only at await.",
    articles: "do_first / do_second: the threads' output order varies, asyncio's does not",
    evidence: Evidence::Interleaving { steps: 8, runs: 20 },
};

const SHARED_STATE: Claim = Claim {
    key: "shared-state",
    text: "Both models have race conditions and deadlocks, and both need locks.",
    articles: "counter += 1 loses updates in threads; an await between read and write does in asyncio; two locks in opposite order deadlock in both",
    evidence: Evidence::SharedState {
        tasks: 4,
        increments: 5_000,
    },
};

/// Every claim, in the order the page lists them.
pub const CLAIMS: [Claim; 16] = [
    REQUESTS,
    THREAD_START,
    GIL,
    COROUTINES,
    NEVER_BLOCK,
    BLOCKING,
    RUN_IN_EXECUTOR,
    INTERLEAVING,
    THREAD_MEMORY,
    SHARED_STATE,
    MULTIPROCESSING,
    RESPONSIVE,
    QUEUES,
    SWITCHES,
    SCALE,
    ERRORS,
];

impl Claim {
    /// The experiment a click loads, for claims judged on runs: the form and pool size from
    /// the claim's link (checked valid by a test).
    pub fn link(&self) -> Option<url::Decoded> {
        match self.evidence {
            Evidence::Runs { query, .. } => Some(url::decode(query)),
            _ => None,
        }
    }

    /// The strategies it runs (none for a claim judged on a measurement of its own).
    pub fn strategies(&self) -> &'static [Strategy] {
        match self.evidence {
            Evidence::Runs { strategies, .. } => strategies,
            _ => &[],
        }
    }

    /// Its runs among `runs` (oldest first): the latest of each strategy it runs, on its
    /// experiment, as [`judge`] takes them.
    pub fn latest_runs<'a, R: AsRef<RunRecord>>(&self, runs: &'a [R]) -> Vec<&'a R> {
        let Some(link) = self.link() else {
            return Vec::new();
        };
        let latest = LatestRuns::among(runs.iter(), &link.form.check().params);
        self.strategies()
            .iter()
            .filter_map(|s| latest.of(*s).copied())
            .collect()
    }
}

/// The claim with `key`.
pub fn find(key: &str) -> Option<&'static Claim> {
    CLAIMS.iter().find(|c| c.key == key)
}

/// A stall the eye notices (RAIL: a response within 100 ms feels immediate), ms.
const PERCEPTIBLE_MS: f64 = 100.0;

/// Judges a claim on pending tasks' memory from the memory panel's measurement at (or
/// nearest) its task count: it holds when they cost at most what the articles say.
pub fn judge_task_memory(m: &TaskMemory) -> Verdict {
    let total = m.pending.since(m.before);
    let each = m.bytes_per_task();
    let scaled = total / f64::from(m.tasks.max(1)) * f64::from(ARTICLES_COROUTINES);
    let figures = format!(
        "{} pending async tasks held {} here ({} each); at that rate 10,000 hold {}",
        format::count(u64::from(m.tasks)),
        format::bytes(total),
        format::bytes(each),
        format::bytes(scaled)
    );
    let chart = Chart::new(Unit::Bytes).against(
        "async",
        "10,000 pending async tasks",
        scaled,
        ARTICLES_COROUTINES_BYTES,
    );
    if scaled <= ARTICLES_COROUTINES_BYTES * 1.25 {
        Verdict {
            chart,
            holds: Holds::Yes,
            text: format!(
                "holds, and then some: {figures}, {} less than the articles' 10 MB",
                format::times(ARTICLES_COROUTINES_BYTES / scaled.max(1.0))
            ),
        }
    } else {
        Verdict {
            chart,
            holds: Holds::No,
            text: format!("does not hold here: {figures}, more than the articles' 10 MB"),
        }
    }
}

/// Judges "8 MB per thread" from what a worker here reserves and what the browser says it
/// holds: the cost is real as reserved address space, not as memory used, so it holds only
/// partly unless a worker really holds megabytes.
pub fn judge_thread_memory(t: &ThreadMemory) -> Verdict {
    let reserved = format!(
        "a worker thread reserves {} of wasm stack",
        format::bytes(t.stack_bytes as f64)
    );
    let mut chart = Chart::new(Unit::Bytes).against(
        "reserved",
        "a worker's stack, reserved",
        t.stack_bytes as f64,
        ARTICLES_THREAD_BYTES,
    );
    if let Ok((held, _)) = t.held_per_worker() {
        chart = chart.bar("held", "JS heap a worker holds", held);
    }
    match t.held_per_worker() {
        Ok((held, whose)) if held >= ARTICLES_THREAD_BYTES / 2.0 => Verdict {
            chart,
            holds: Holds::Yes,
            text: format!(
                "holds: {reserved} and holds {} of JS heap ({whose}), near the articles' 8 MB",
                format::bytes(held)
            ),
        },
        Ok((held, whose)) => Verdict {
            chart,
            holds: Holds::Partly,
            text: format!(
                "partly: {reserved} and holds {} of JS heap ({whose}); like CPython's 9.4 MB, the 8 MB is address space set aside, not memory used",
                format::bytes(held)
            ),
        },
        Err(why) => Verdict {
            chart,
            holds: Holds::Partly,
            text: format!(
                "partly: {reserved}; what it holds cannot be measured here ({why}); like CPython's 9.4 MB, the 8 MB is address space set aside"
            ),
        },
    }
}

/// Judges "interrupted anywhere against only at await" from the step traces: it holds when
/// every async run logged one order and threads logged more than one.
pub fn judge_interleaving(asyn: &Tally, threads: Result<&Tally, &str>) -> Verdict {
    let a = format!(
        "async logged {} in {} runs",
        plural(asyn.distinct as u64, "order", "orders"),
        asyn.runs
    );
    let chart = Chart::new(Unit::Count).bar("async", "async: orders logged", asyn.distinct as f64);
    match threads {
        Err(why) => Verdict {
            chart,
            holds: Holds::Partly,
            text: format!("partly: {a}; threads cannot run here ({why})"),
        },
        Ok(t) => {
            let th = format!(
                "threads logged {} in {} runs ({} to {} switches a run)",
                plural(t.distinct as u64, "order", "orders"),
                t.runs,
                t.fewest_switches,
                t.most_switches
            );
            let holds = match (asyn.distinct, t.distinct) {
                (1, d) if d > 1 => Holds::Yes,
                (1, _) => Holds::Partly,
                _ => Holds::No,
            };
            let head = match holds {
                Holds::Yes => "holds",
                Holds::Partly => "partly (the threads never overlapped in these runs)",
                Holds::No => "does not hold here",
            };
            Verdict {
                chart: chart.bar("threads", "threads: orders logged", t.distinct as f64),
                holds,
                text: format!("{head}: {a}; {th}"),
            }
        }
    }
}

/// Judges "both models provide safe queues" from one run through each model's bounded queue,
/// producer and consumer at full speed (the most contention): it holds when every item came
/// out once, in order, in both; with no threads here it says so and judges async alone.
pub fn judge_queues(asyn: &QueueRun, threads: Result<&QueueRun, &str>) -> Verdict {
    let said = |name: &str, r: &QueueRun| {
        let d = r.delivery();
        let got = r.received.len();
        format!(
            "{name} delivered {} items of {} with {} lost, {} repeated, {} out of order",
            format::count(got as u64),
            format::count(u64::from(r.items)),
            format::count(u64::from(d.lost)),
            format::count(u64::from(d.repeated)),
            format::count(u64::from(d.out_of_order)),
        )
    };
    let a = said("asyncio.Queue (two tasks)", asyn);
    let exact = |r: &QueueRun| {
        let d = r.delivery();
        f64::from(r.items.saturating_sub(d.lost + d.repeated + d.out_of_order))
    };
    let chart =
        Chart::new(Unit::Count).bar("async", "asyncio.Queue: items once, in order", exact(asyn));
    let chart = match threads {
        Ok(t) => chart.bar("threads", "queue.Queue: items once, in order", exact(t)),
        Err(_) => chart,
    };
    match threads {
        Ok(t) if asyn.delivery().exact() && t.delivery().exact() => Verdict {
            chart,
            holds: Holds::Yes,
            text: format!(
                "holds here: {a}; {}, each at full speed through a queue of {}",
                said("queue.Queue (two threads)", t),
                asyn.capacity
            ),
        },
        Ok(t) => Verdict {
            chart,
            holds: Holds::No,
            text: format!(
                "does not hold here: {a}; {}",
                said("queue.Queue (two threads)", t)
            ),
        },
        Err(why) if asyn.delivery().exact() => Verdict {
            chart,
            holds: Holds::Partly,
            text: format!("{a}; threads could not run here: {why}"),
        },
        Err(why) => Verdict {
            chart,
            holds: Holds::No,
            text: format!("does not hold here: {a}; threads could not run here: {why}"),
        },
    }
}

/// Judges "asyncio scales thousands of times further" from the workers this browser started
/// and the pending async tasks it held: it holds at 1,000 tasks or more per worker.
pub fn judge_scale(w: &WorkerCount, tasks: &TaskMemory) -> Verdict {
    let held = format!(
        "its event loop held {} pending async tasks in {} ({} each)",
        format::count(u64::from(tasks.tasks)),
        format::bytes(tasks.pending.since(tasks.before)),
        format::bytes(tasks.bytes_per_task())
    );
    let chart =
        Chart::new(Unit::Count).bar("async", "pending async tasks held", f64::from(tasks.tasks));
    if w.started == 0 {
        let why = w.refused.as_deref().unwrap_or("none was asked for");
        return Verdict {
            holds: Holds::Partly,
            text: format!("{held}; no Web Worker started here: {why}"),
            chart,
        };
    }
    let chart = chart.against(
        "workers",
        "Web Workers started",
        f64::from(w.started),
        1_000.0,
    );
    let stopped = match &w.refused {
        None => format!(
            "started {}, the bound (it may start more),",
            plural(u64::from(w.started), "Web Worker", "Web Workers")
        ),
        Some(why) => format!(
            "started {} and no more ({why})",
            plural(u64::from(w.started), "Web Worker", "Web Workers")
        ),
    };
    let ratio = f64::from(tasks.tasks) / f64::from(w.started.max(1));
    let as_many = format!(
        "{}{} as many tasks as threads",
        if w.refused.is_none() { "at least " } else { "" },
        if ratio >= 100.0 {
            format!("{}×", format::count(ratio.round() as u64))
        } else {
            format::times(ratio)
        }
    );
    let figures = format!(
        "{held}; this browser {stopped} in {} ({} each): {as_many}",
        format::ms(w.ms),
        format::ms(w.ms_each())
    );
    let (holds, text) = if ratio >= 1_000.0 {
        (Holds::Yes, format!("holds here: {figures}"))
    } else {
        (
            Holds::Partly,
            format!("partly: {figures}, short of thousands"),
        )
    };
    Verdict { holds, text, chart }
}

/// Judges "async switches are cheap, thread switches heavier" from each model's ping-pong: it
/// holds when a hand-over between threads costs at least twice one between async tasks.
pub fn judge_switches(
    asyn: &SwitchRun,
    threads: Result<&SwitchRun, &str>,
    gil: Result<&SwitchRun, &str>,
) -> Verdict {
    let mut chart = Chart::new(Unit::Us);
    let mut said = Vec::new();
    for run in [Ok(asyn), threads, gil].into_iter().flatten() {
        if let Some(us) = run.us_per_switch() {
            chart = chart.bar(run.model.key(), run.model.label(), us);
            said.push(format!("{} {}", run.model.label(), format::us(us)));
        }
    }
    let figures = format!("a switch between {}", said.join(", "));
    let a = asyn.us_per_switch();
    let t = threads.ok().and_then(SwitchRun::us_per_switch);
    let (holds, text) = match (a, t, threads) {
        (_, _, Err(why)) => (
            Holds::Partly,
            format!("{figures}; threads could not run here: {why}"),
        ),
        (Some(a), Some(t), _) if t >= 2.0 * a => (
            Holds::Yes,
            format!(
                "holds here: {figures}; threads' hand-overs cost {} an async one",
                format::times(t / a.max(f64::MIN_POSITIVE))
            ),
        ),
        (Some(a), Some(t), _) if t > a => (
            Holds::Partly,
            format!(
                "partly: threads' switches cost more, but only {}: {figures}",
                format::times(t / a.max(f64::MIN_POSITIVE))
            ),
        ),
        (Some(_), Some(_), _) => (Holds::No, format!("does not hold here: {figures}")),
        _ => (Holds::No, format!("could not be timed here: {figures}")),
    };
    Verdict { holds, text, chart }
}

/// The articles' 50 requests: 0.35 s with a thread per request against 0.18 s with asyncio.
const ARTICLES_THREAD_PER_TASK_MS: f64 = 350.0;
const ARTICLES_ASYNC_REQUESTS_MS: f64 = 180.0;

/// Judges "thread creation has real costs: asyncio about 2× faster" from the same waits
/// awaited by async tasks and run on a thread started per task: it holds when the threads
/// took at least 1.5× as long; partly when longer by less.
pub fn judge_thread_per_task(awaited: &WaitRun, threads: Result<&WaitRun, &str>) -> Verdict {
    let waits = format!(
        "{} waits of {}",
        format::count(u64::from(awaited.tasks)),
        format::ms(awaited.wait_ms)
    );
    let chart = Chart::new(Unit::Ms).against(
        Way::Awaited.key(),
        Way::Awaited.label(),
        awaited.makespan_ms,
        ARTICLES_ASYNC_REQUESTS_MS,
    );
    let t = match threads {
        Ok(t) => t,
        Err(why) => {
            return Verdict {
                chart,
                holds: Holds::Partly,
                text: format!(
                    "{waits} took {} awaited by async tasks; threads could not run here: {why}",
                    format::ms(awaited.makespan_ms)
                ),
            };
        }
    };
    let chart = chart
        .against(
            Way::ThreadPerTask.key(),
            Way::ThreadPerTask.label(),
            t.makespan_ms,
            ARTICLES_THREAD_PER_TASK_MS,
        )
        .bar(
            "starting",
            "starting threads",
            t.all_running_ms().unwrap_or(0.0),
        );
    let ratio = t.makespan_ms / awaited.makespan_ms.max(f64::MIN_POSITIVE);
    let figures = format!(
        "{waits}: {} awaited by async tasks, {} on a thread started per task ({}); starting the {} threads took {} ({} each)",
        format::ms(awaited.makespan_ms),
        format::ms(t.makespan_ms),
        format::times(ratio),
        format::count(u64::from(t.tasks)),
        format::ms(t.all_running_ms().unwrap_or(f64::NAN)),
        format::ms(t.start_each_ms().unwrap_or(f64::NAN))
    );
    let (holds, text) = if ratio >= 1.5 {
        (
            Holds::Yes,
            format!("holds here: {figures}; the articles: 1.9×"),
        )
    } else if ratio > 1.1 {
        (
            Holds::Partly,
            format!("partly: threads were slower, by less than the articles' 1.9×: {figures}"),
        )
    } else {
        (
            Holds::No,
            format!("does not hold here: starting threads cost little beside the waits: {figures}"),
        )
    };
    Verdict { holds, text, chart }
}

/// Judges "a blocking library freezes asyncio; threads run it fine" from the same waits
/// awaited, blocking inside async tasks and blocking on the pool: it holds when the blocking
/// async tasks ran one after another and froze the page perceptibly, while the pool
/// overlapped them (in at most 3/4 of the async tasks' time) without a perceptible stall.
pub fn judge_blocking(
    awaited: &WaitRun,
    blocking: &WaitRun,
    pool: Result<&WaitRun, &str>,
) -> Verdict {
    let mut chart = Chart::new(Unit::Ms)
        .bar(
            Way::Awaited.key(),
            Way::Awaited.label(),
            awaited.makespan_ms,
        )
        .bar(
            Way::BlockingAsync.key(),
            Way::BlockingAsync.label(),
            blocking.makespan_ms,
        )
        .bar("frozen", "page frozen", blocking.longest_stall_ms);
    let froze = blocking.makespan_ms >= 0.9 * blocking.serial_ms()
        && blocking.longest_stall_ms >= PERCEPTIBLE_MS.min(blocking.serial_ms());
    let asyn = format!(
        "{} blocking waits of {} inside async tasks took {} (one after another: {}) and froze the page for {}; awaited, the same waits took {}",
        format::count(u64::from(blocking.tasks)),
        format::ms(blocking.wait_ms),
        format::ms(blocking.makespan_ms),
        format::ms(blocking.serial_ms()),
        format::ms(blocking.longest_stall_ms),
        format::ms(awaited.makespan_ms)
    );
    let p = match pool {
        Ok(p) => p,
        Err(why) => {
            return Verdict {
                chart,
                holds: if froze { Holds::Partly } else { Holds::No },
                text: format!("{asyn}; threads could not run here: {why}"),
            };
        }
    };
    chart = chart.bar(Way::Pool.key(), Way::Pool.label(), p.makespan_ms);
    let fine = p.makespan_ms <= 0.75 * blocking.makespan_ms && p.longest_stall_ms < PERCEPTIBLE_MS;
    let figures = format!(
        "{asyn}; on the pool's {} the blocking waits took {} ({} at a time: {}), the page's longest stall {}",
        plural(u64::from(p.at_once), "thread", "threads"),
        format::ms(p.makespan_ms),
        p.at_once,
        format::ms(p.in_rounds_ms()),
        format::ms(p.longest_stall_ms)
    );
    let (holds, text) = match (froze, fine) {
        (true, true) => (Holds::Yes, format!("holds here: {figures}")),
        (true, false) => (
            Holds::Partly,
            format!("partly: the loop froze, but the threads did no better here: {figures}"),
        ),
        (false, _) => (Holds::No, format!("does not hold here: {figures}")),
    };
    Verdict { holds, text, chart }
}

/// Judges "errors propagate through await; threads' errors are isolated" from what each way
/// of awaiting or joining saw of one failing task: it holds when `gather` got the error at
/// its await before the others were over, a bare thread's joins returned without it (only
/// the hook got it) and a pool's future gave it back; partly when one model behaved so.
pub fn judge_errors(run: &ErrorsRun) -> Verdict {
    let ms = |v: Option<f64>| format::ms(v.unwrap_or(f64::NAN));
    let others = u64::from(run.tasks.saturating_sub(1));
    let mut chart = Chart::new(Unit::Ms);
    let mut said = Vec::new();
    for way in Catch::ALL {
        let Some(c) = run.of(way) else {
            said.push(format!("{} did not run", way.label()));
            continue;
        };
        if let Some(v) = c.caller_ms.or(c.hook_ms) {
            chart = chart.bar(way.key(), way.label(), v);
        }
        let error = c.said.as_deref().map_or_else(
            || "the error".to_string(),
            |s| format!("“{}”", format::clip(s)),
        );
        said.push(match way {
            Catch::Gather => format!(
                "awaiting them as asyncio.gather does (Promise.all), the caller got {error} at its await after {} while {} ran on to {}",
                ms(c.caller_ms),
                plural(u64::from(c.finished), "other", "others"),
                format::ms(c.others_ms)
            ),
            Catch::Settled => format!(
                "with return_exceptions (Promise.allSettled), as a value once all were over, after {}",
                ms(c.caller_ms)
            ),
            Catch::Cancelling => format!(
                "with the first error cancelling the rest, as a TaskGroup does (an AbortController), {} of {others} cancelled after {}",
                c.cancelled,
                format::ms(c.others_ms)
            ),
            Catch::BareThread if c.isolated() => format!(
                "a bare thread's error never reached the code that joined it (the joins returned after {}): only the Web Worker's error event, the browser's threading.excepthook, got {error}, after {}",
                format::ms(c.returned_ms),
                ms(c.hook_ms)
            ),
            Catch::BareThread => format!(
                "a bare thread's error reached the code that joined it, after {}",
                ms(c.caller_ms)
            ),
            Catch::PoolFuture => match c.caller_ms {
                Some(_) => format!("a pool's future gave it back at result(), after {}", ms(c.caller_ms)),
                None => "a pool's future did not give it back".to_string(),
            },
        });
    }
    let async_ok = run.of(Catch::Gather).is_some_and(|c| c.propagated_early());
    let threads_ok = run.of(Catch::BareThread).is_some_and(Caught::isolated)
        && run
            .of(Catch::PoolFuture)
            .is_some_and(|c| c.caller_ms.is_some());
    let figures = format!(
        "one of {} tasks failed after {}: {}",
        run.tasks,
        format::ms(run.fail_ms),
        said.join("; ")
    );
    let (holds, text) = match (async_ok, threads_ok) {
        (true, true) => (Holds::Yes, format!("holds here: {figures}")),
        (false, false) => (Holds::No, format!("does not hold here: {figures}")),
        _ => (Holds::Partly, format!("partly: {figures}")),
    };
    Verdict { holds, text, chart }
}

/// Judges "both models have races and deadlocks" from the lost-update outcomes and each
/// model's deadlock run: it holds when both unsynchronised counters lost updates, every fix
/// counted exactly, and the watchdog found a cycle of waits in both models.
pub fn judge_shared_state(
    races: &[RaceOutcome],
    threads_deadlock: Result<&Ending, &str>,
    async_deadlock: &Ending,
) -> Verdict {
    let lost = |v: Variant| races.iter().find(|o| o.variant == v).map(RaceOutcome::lost);
    let fixes_exact = races
        .iter()
        .filter(|o| o.variant.is_fixed())
        .all(|o| o.lost() == 0);
    let deadlocked =
        |e: &Ending| matches!(e, Ending::Stopped { snapshot, .. } if snapshot.cycle().is_some());
    let race_text = |v: Variant, model: &str| match lost(v) {
        Some(n) => format!("{model} lost {}", plural(n, "update", "updates")),
        None => format!("{model} did not run"),
    };
    let threads_dl = match threads_deadlock {
        Ok(e) if deadlocked(e) => "deadlocked".to_string(),
        Ok(_) => "did not deadlock".to_string(),
        Err(why) => format!("could not run ({why})"),
    };
    let text = format!(
        "{}, {}; with a lock every counter was exact{}; two locks in opposite order: threads {threads_dl}, async {}",
        race_text(Variant::ThreadsUnsync, "threads"),
        race_text(Variant::AsyncUnsync, "async"),
        if fixes_exact {
            ""
        } else {
            " (not every one here)"
        },
        if deadlocked(async_deadlock) {
            "deadlocked"
        } else {
            "did not deadlock"
        }
    );
    let both_race = lost(Variant::ThreadsUnsync).is_some_and(|n| n > 0)
        && lost(Variant::AsyncUnsync).is_some_and(|n| n > 0);
    let both_deadlock = threads_deadlock.is_ok_and(deadlocked) && deadlocked(async_deadlock);
    let holds = if both_race && both_deadlock && fixes_exact {
        Holds::Yes
    } else if lost(Variant::AsyncUnsync).is_some_and(|n| n > 0) && deadlocked(async_deadlock) {
        Holds::Partly
    } else {
        Holds::No
    };
    let head = match holds {
        Holds::Yes => "holds",
        Holds::Partly => "partly",
        Holds::No => "does not hold here",
    };
    let mut chart = Chart::new(Unit::Count);
    for (key, v, label) in [
        ("threads", Variant::ThreadsUnsync, "threads: updates lost"),
        ("async", Variant::AsyncUnsync, "async: updates lost"),
    ] {
        if let Some(n) = lost(v) {
            chart = chart.bar(key, label, n as f64);
        }
    }
    Verdict {
        chart,
        holds,
        text: format!("{head}: {text}"),
    }
}

/// The articles' figures: 10,000 coroutines in about 10 MB; about 8 MB per thread.
const ARTICLES_COROUTINES: u32 = 10_000;
const ARTICLES_COROUTINES_BYTES: f64 = 10e6;
const ARTICLES_THREAD_BYTES: f64 = 8e6;

/// Judges `claim` from `runs` (each strategy's latest run of the claim's experiment); `None`
/// until every run it needs has finished, and for claims not judged on runs.
pub fn judge(claim: &Claim, runs: &[&RunRecord]) -> Option<Verdict> {
    judge_at(claim, runs, None)
}

/// [`judge`], of runs the Python twin measured in `python` when it is given: its event loop
/// draws no frames, and a default CPython's GIL claim has no Threads to compare.
fn judge_at(
    claim: &Claim,
    runs: &[&RunRecord],
    python: Option<&RunEnvironment>,
) -> Option<Verdict> {
    let of = |s: Strategy| -> Option<&RunRecord> {
        runs.iter()
            .copied()
            .find(|r| r.strategy() == s && r.is_complete() && r.makespan_ms() > 0.0)
    };
    // Each rule takes every strategy its claim runs.
    Some(match claim.key {
        "requests" => requests(
            of(Strategy::Sequential)?,
            of(Strategy::Threads)?,
            of(Strategy::Async)?,
        ),
        "gil" if python.is_some_and(|e| e.cannot_run(Strategy::Threads).is_some()) => {
            gil_in_default_cpython(of(Strategy::Sequential)?, of(Strategy::Gil)?)
        }
        "gil" => gil(
            of(Strategy::Sequential)?,
            of(Strategy::Threads)?,
            of(Strategy::Gil)?,
        ),
        "never-block" => never_block(of(Strategy::Async)?, python.is_some()),
        "run-in-executor" => run_in_executor(of(Strategy::Async)?, of(Strategy::Executor)?),
        "multiprocessing" => multiprocessing(
            of(Strategy::Sequential)?,
            of(Strategy::Gil)?,
            of(Strategy::Processes)?,
        ),
        "responsive" => responsive(
            of(Strategy::Sequential)?,
            of(Strategy::Threads)?,
            python.is_some(),
        ),
        _ => return None,
    })
}

/// Judges `claim` on `runs` measured elsewhere (`env`: the Python twin's CPython, another
/// browser), as [`judge`] does here, in words that say "there". A default CPython's threads
/// hold the GIL, so they are its Threads + GIL: they stand for the threads of a claim that
/// does not ask for the GIL too (the articles' threads are default CPython's), and its GIL
/// claim compares them with one thread only. `None` until its runs are there.
pub fn judge_in<R: AsRef<RunRecord>>(
    claim: &Claim,
    runs: &[R],
    env: &RunEnvironment,
) -> Option<Verdict> {
    let link = claim.link()?;
    let latest = LatestRuns::among(runs.iter(), &link.form.check().params);
    let gil_only = env.cannot_run(Strategy::Threads).is_some();
    let needs = claim.strategies();
    let picked: Vec<RunRecord> = needs
        .iter()
        .filter_map(|s| {
            let stands_in = match s {
                Strategy::Threads if gil_only && !needs.contains(&Strategy::Gil) => Strategy::Gil,
                s => *s,
            };
            let mut run = latest.of(stands_in)?.as_ref().without_details();
            run.head.params.strategy = *s;
            Some(run)
        })
        .collect();
    let refs: Vec<&RunRecord> = picked.iter().collect();
    let python = env.is_python().then_some(env);
    judge_at(claim, &refs, python).map(|v| Verdict {
        text: there(&v.text),
        ..v
    })
}

/// A verdict's words for runs measured elsewhere: "here" is this visit's browser.
fn there(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find("here") {
        let word_start = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphabetic();
        let word_end = rest[at + 4..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphabetic());
        out.push_str(&rest[..at]);
        out.push_str(if word_start && word_end {
            "there"
        } else {
            "here"
        });
        rest = &rest[at + 4..];
    }
    out.push_str(rest);
    out
}

/// The GIL claim is about default CPython: the GIL is optional since 3.13.
const FREE_THREADED: &str = "Free-threaded CPython (3.13t, 3.14t; PEP 703, supported since 3.14 by PEP 779) has no GIL: its threads compute like Threads.";

/// How many times one thread's speed `run` computed at: sequential's time computing (not its
/// makespan: between its slices the page's main thread renders the page too) over `run`'s
/// makespan.
fn vs_one_thread(seq: &RunRecord, run: &RunRecord) -> f64 {
    seq.digest.summary.cpu_total_ms / run.makespan_ms()
}

fn s(ms: f64) -> String {
    format::ms(ms)
}

fn requests(seq: &RunRecord, thr: &RunRecord, asy: &RunRecord) -> Verdict {
    let threads = thr.head.threads_used.max(1);
    let per_thread = seq.head.params.tasks.div_ceil(threads);
    let figures = format!(
        "sequential {}, threads {} ({threads} threads, {per_thread} waits each), async {}",
        s(seq.makespan_ms()),
        s(thr.makespan_ms()),
        s(asy.makespan_ms())
    );
    let (holds, why) = if asy.makespan_ms() >= thr.makespan_ms() {
        (
            Holds::Partly,
            format!("async was not faster than threads here: {figures}"),
        )
    } else if thr.makespan_ms() * 5.0 > seq.makespan_ms() {
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
    let chart = Chart::new(Unit::Ms)
        .against("sequential", "sequential", seq.makespan_ms(), 5200.0)
        .against("threads", "threads", thr.makespan_ms(), 350.0)
        .against("async", "async", asy.makespan_ms(), 180.0);
    Verdict {
        holds,
        text: why,
        chart,
    }
}

/// Sequential's one thread is the page's main thread, which between its slices of work also
/// renders the page and runs the probe, no small share of the run; a Python thread, and the
/// pool's workers, do nothing else. One thread's time for the work is therefore sequential's
/// time computing, not its makespan.
fn gil(seq: &RunRecord, thr: &RunRecord, gil: &RunRecord) -> Verdict {
    let one_thread_ms = seq.digest.summary.cpu_total_ms;
    let (with_gil, without) = (vs_one_thread(seq, gil), vs_one_thread(seq, thr));
    let threads = gil.head.threads_used;
    let tail = format!(
        "without a GIL, {} threads ran {}",
        thr.head.threads_used,
        format::times(without)
    );
    let (holds, text) = if with_gil >= 1.25 {
        (
            Holds::No,
            format!(
                "does not hold here: {threads} threads under the GIL ran {} one thread's speed; {tail}",
                format::times(with_gil)
            ),
        )
    } else if without < 1.3 {
        (
            Holds::Partly,
            format!(
                "{threads} threads under the GIL ran at {} one thread's speed, but {tail} too: this run got no second core to tell them apart",
                format::times(with_gil)
            ),
        )
    } else {
        (
            Holds::Yes,
            format!(
                "holds under the GIL: {threads} threads ran at {} one thread's speed; {tail}: the lock, not threads, is what stops CPU work",
                format::times(with_gil)
            ),
        )
    };
    let base = format!(
        " (one thread: sequential's {} computing, of its {} makespan). {FREE_THREADED}",
        s(one_thread_ms),
        s(seq.makespan_ms())
    );
    let chart = Chart::new(Unit::Times)
        .bar("threads", "threads, no GIL", without)
        .against("gil", "threads + GIL", with_gil, 1.0);
    Verdict {
        holds,
        text: text + &base,
        chart,
    }
}

/// The GIL claim in a default CPython, whose threads all hold the GIL: how fast they computed
/// against one thread (sequential's time computing), with no run without the lock beside.
fn gil_in_default_cpython(seq: &RunRecord, gil: &RunRecord) -> Verdict {
    let with_gil = vs_one_thread(seq, gil);
    let threads = gil.head.threads_used;
    let (holds, verb) = if with_gil >= 1.25 {
        (Holds::No, "does not hold")
    } else {
        (Holds::Yes, "holds")
    };
    Verdict {
        chart: Chart::new(Unit::Times).against("gil", "threads + GIL", with_gil, 1.0),
        holds,
        text: format!(
            "{verb} in default CPython: {threads} threads ran at {} one thread's speed (one thread: sequential's {} computing). {FREE_THREADED}",
            format::times(with_gil),
            s(seq.digest.summary.cpu_total_ms)
        ),
    }
}

/// `python`: its event loop is CPython's asyncio, which draws no frames.
fn never_block(asy: &RunRecord, python: bool) -> Verdict {
    let r = asy.head.responsiveness;
    let figures = if python {
        format!(
            "the longest stall of its event loop was {}, lag p99 {} (CPython draws no frames)",
            s(r.longest_stall_ms),
            s(r.lag_p99_ms)
        )
    } else {
        format!(
            "the longest stall of the page was {}, event-loop lag p99 {}, {} frames missed",
            s(r.longest_stall_ms),
            s(r.lag_p99_ms),
            format::count(u64::from(r.missed_frames))
        )
    };
    let chart = Chart::new(Unit::Ms)
        .bar("stall", "longest stall", r.longest_stall_ms)
        .bar("lag", "event-loop lag p99", r.lag_p99_ms);
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
    Verdict { holds, text, chart }
}

/// Processes against threads under the GIL, each against one thread (sequential's time
/// computing), on as many cores as the browser offers: with one core, nothing runs in
/// parallel, which the verdict says rather than blame processes.
fn multiprocessing(seq: &RunRecord, gil: &RunRecord, procs: &RunRecord) -> Verdict {
    let (p, g) = (vs_one_thread(seq, procs), vs_one_thread(seq, gil));
    let n = procs.head.threads_used;
    let startup = procs.head.startup.map_or(String::new(), |up| {
        format!(", {} of it starting them", s(up.all_ready_ms))
    });
    let figures = format!(
        "{n} processes ran {} one thread's speed ({}{startup}), {} threads under the GIL {}",
        format::times(p),
        s(procs.makespan_ms()),
        gil.head.threads_used,
        format::times(g)
    );
    let cores = procs.head.cores;
    let chart = Chart::new(Unit::Times)
        .bar("processes", "processes", p)
        .bar("gil", "threads + GIL", g);
    let (holds, text) = if g >= 1.25 {
        (
            Holds::No,
            format!("does not hold here: threads under the GIL helped too; {figures}"),
        )
    } else if p >= 1.3 {
        (Holds::Yes, format!("holds here: {figures}"))
    } else if cores < 2 || n < 2 {
        (
            Holds::Partly,
            format!(
                "cannot show here: {cores} core{} and {n} process{}, so nothing runs in parallel; {figures}",
                if cores == 1 { "" } else { "s" },
                if n == 1 { "" } else { "es" }
            ),
        )
    } else {
        (
            Holds::Partly,
            format!(
                "processes did not run in parallel here (their start-up, or no free second core); {figures}"
            ),
        )
    };
    Verdict { holds, text, chart }
}

/// The same work on the main thread and on threads: how long the main thread stalled in each
/// (a Python run's main thread is its asyncio loop's, which draws no frames).
fn responsive(seq: &RunRecord, thr: &RunRecord, python: bool) -> Verdict {
    let stall = |r: &RunRecord| {
        let x = r.head.responsiveness;
        if python {
            s(x.longest_stall_ms)
        } else {
            format!(
                "{}, {} frames missed",
                s(x.longest_stall_ms),
                format::count(u64::from(x.missed_frames))
            )
        }
    };
    let (on_main, on_threads) = (
        seq.head.responsiveness.longest_stall_ms,
        thr.head.responsiveness.longest_stall_ms,
    );
    let figures = format!(
        "the work on the main thread stalled it up to {}; on {} threads, up to {}",
        stall(seq),
        thr.head.threads_used,
        stall(thr)
    );
    let chart = Chart::new(Unit::Ms)
        .bar("main", "longest stall, work on the main thread", on_main)
        .bar("threads", "longest stall, work on threads", on_threads);
    let (holds, text) = if on_main < PERCEPTIBLE_MS {
        (
            Holds::No,
            format!(
                "did not show here: {figures} (under {} is not noticed)",
                s(PERCEPTIBLE_MS)
            ),
        )
    } else if on_threads < PERCEPTIBLE_MS {
        (Holds::Yes, format!("holds here: {figures}"))
    } else {
        (
            Holds::Partly,
            format!("threads did not keep the main thread free here: {figures}"),
        )
    };
    Verdict { holds, text, chart }
}

fn run_in_executor(asy: &RunRecord, exe: &RunRecord) -> Verdict {
    let (a, e) = (
        asy.head.responsiveness.lag_p99_ms,
        exe.head.responsiveness.lag_p99_ms,
    );
    let figures = format!(
        "event-loop lag p99 {} with the executor against {} computing on the loop; longest stall {} against {}",
        s(e),
        s(a),
        s(exe.head.responsiveness.longest_stall_ms),
        s(asy.head.responsiveness.longest_stall_ms)
    );
    let holds = if e * 5.0 <= a && exe.head.responsiveness.longest_stall_ms < PERCEPTIBLE_MS {
        Holds::Yes
    } else {
        Holds::No
    };
    let chart = Chart::new(Unit::Ms)
        .bar("async", "lag p99, computing on the loop", a)
        .bar("executor", "lag p99, run_in_executor", e)
        .bar(
            "executor-stall",
            "longest stall, run_in_executor",
            exe.head.responsiveness.longest_stall_ms,
        );
    Verdict {
        chart,
        holds,
        text: match holds {
            Holds::Yes => format!("holds: {figures}"),
            _ => format!("did not show here: {figures}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::memory::{CPYTHON_REFERENCE, Source};
    use crate::model::run::record::{Lane, Outcome, RunHead, SegmentKind, TaskRecord};

    /// A verdict's bars: key, figure and the articles' figure.
    fn bars(v: &Verdict) -> Vec<(&str, f64, Option<f64>)> {
        v.chart
            .bars
            .iter()
            .map(|b| (b.key.as_ref(), b.value, b.articles))
            .collect()
    }

    #[test]
    fn cpython_figures_say_where_they_were_measured() {
        // Quoted to every visitor: "on this machine" or "here" would claim their machine ran it.
        let quoted = CLAIMS
            .iter()
            .map(|c| c.articles)
            .chain([Source::CPython.label()]);
        for text in quoted.filter(|t| t.contains("CPython")) {
            assert!(text.contains(CPYTHON_REFERENCE), "{text}");
            assert!(
                !text.contains("this machine") && !text.contains(" here"),
                "{text}"
            );
        }
    }

    /// A finished run of `strategy` on the claim's experiment, taking `makespan_ms`.
    fn run(claim: &Claim, strategy: Strategy, makespan_ms: f64, lag: (f64, f64)) -> RunRecord {
        let params = claim.link().unwrap().form.check().params;
        let tasks = (0..params.tasks)
            .map(|t| {
                TaskRecord::from_segments(t, Lane::Main, &[(SegmentKind::Wait, 0.0, makespan_ms)])
            })
            .collect();
        let mut r = RunRecord::new(RunHead::for_test(strategy, params), tasks);
        r.head.responsiveness.lag_p99_ms = lag.0;
        r.head.responsiveness.longest_stall_ms = lag.1;
        r
    }

    #[test]
    fn imported_runs_are_judged_there_with_default_cpythons_threads_as_its_threads() {
        let env = RunEnvironment {
            runtime: "CPython".into(),
            version: "3.11.7".into(),
            build: "default".into(),
            gil: "on".into(),
            os: "Linux x86_64".into(),
        };
        let requests = [
            run(&REQUESTS, Strategy::Sequential, 5030.0, (0.0, 0.0)),
            run(&REQUESTS, Strategy::Gil, 340.0, (0.0, 0.0)),
            run(&REQUESTS, Strategy::Async, 104.0, (0.0, 0.0)),
        ];
        let v = judge_in(&REQUESTS, &requests, &env).unwrap();
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert!(
            v.text.starts_with("holds there: ") && v.text.contains("threads 340 ms"),
            "{}",
            v.text
        );
        // Without its threads' run, nothing yet.
        assert!(judge_in(&REQUESTS, &requests[..1], &env).is_none());
        // In a browser, Threads + GIL is not the articles' threads.
        let browser = RunEnvironment::of_browser("Firefox 153", "threads");
        assert!(judge_in(&REQUESTS, &requests, &browser).is_none());
        // The GIL claim in default CPython: threads against one thread.
        let mut seq = run(&GIL, Strategy::Sequential, 800.0, (0.0, 0.0));
        seq.digest.summary.cpu_total_ms = 800.0;
        let gil = [seq, run(&GIL, Strategy::Gil, 810.0, (0.0, 0.0))];
        let v = judge_in(&GIL, &gil, &env).unwrap();
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert!(
            v.text
                .starts_with("holds in default CPython: 2 threads ran at 0.99×"),
            "{}",
            v.text
        );
        // A free-threaded CPython's -X gil=1 run is its Threads + GIL, beside its Threads.
        let free = RunEnvironment {
            gil: "on".into(),
            build: "free-threaded".into(),
            ..env.clone()
        };
        assert!(
            judge_in(&GIL, &gil, &free).is_none(),
            "it waits for its Threads run"
        );
        // Its event loop draws no frames: not counted as none missed.
        let blocked = [run(&NEVER_BLOCK, Strategy::Async, 900.0, (80.0, 400.0))];
        let v = judge_in(&NEVER_BLOCK, &blocked, &env).unwrap();
        assert!(
            v.text.contains("CPython draws no frames") && !v.text.contains("frames missed"),
            "{}",
            v.text
        );
    }

    #[test]
    fn multiprocessing_holds_where_processes_beat_one_thread_and_the_gil_does_not() {
        let verdict = |gil_ms: f64, procs_ms: f64, cores: u32| {
            let mut seq = run(&MULTIPROCESSING, Strategy::Sequential, 900.0, (0.0, 0.0));
            seq.digest.summary.cpu_total_ms = 800.0;
            let gil = run(&MULTIPROCESSING, Strategy::Gil, gil_ms, (0.0, 0.0));
            let mut procs = run(&MULTIPROCESSING, Strategy::Processes, procs_ms, (0.0, 0.0));
            procs.head.cores = cores;
            procs.head.startup = Some(crate::model::run::record::Startup {
                per_worker_ms: 60.0,
                all_ready_ms: 75.0,
                memory_bytes: 1.3e6,
            });
            judge(&MULTIPROCESSING, &[&seq, &gil, &procs]).unwrap()
        };
        let v = verdict(810.0, 500.0, 2);
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: 2 processes ran 1.60× one thread's speed (500 ms, 75.0 ms of it starting them), 2 threads under the GIL 0.99×"
        );
        assert_eq!(
            verdict(500.0, 500.0, 2).holds,
            Holds::No,
            "the GIL's threads helped too"
        );
        let one_core = verdict(810.0, 820.0, 1);
        assert_eq!(one_core.holds, Holds::Partly);
        assert!(
            one_core
                .text
                .starts_with("cannot show here: 1 core and 2 processes"),
            "{}",
            one_core.text
        );
        let slow = verdict(810.0, 800.0, 2);
        assert_eq!(slow.holds, Holds::Partly);
        assert!(
            slow.text
                .starts_with("processes did not run in parallel here"),
            "{}",
            slow.text
        );
    }

    #[test]
    fn responsive_holds_where_threads_leave_the_main_thread_free() {
        let verdict = |on_main: f64, on_threads: f64| {
            let seq = run(&RESPONSIVE, Strategy::Sequential, 400.0, (on_main, on_main));
            let thr = run(&RESPONSIVE, Strategy::Threads, 200.0, (2.0, on_threads));
            judge(&RESPONSIVE, &[&seq, &thr]).unwrap()
        };
        let v = verdict(400.0, 12.0);
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: the work on the main thread stalled it up to 400 ms, 0 frames missed; on 2 threads, up to 12.0 ms, 0 frames missed"
        );
        assert_eq!(verdict(30.0, 12.0).holds, Holds::No, "too short to notice");
        assert_eq!(verdict(400.0, 150.0).holds, Holds::Partly);
        // In Python, its loop's stalls, and no frames.
        let env = RunEnvironment {
            runtime: "CPython".into(),
            gil: "on".into(),
            ..RunEnvironment::default()
        };
        let seq = run(&RESPONSIVE, Strategy::Sequential, 400.0, (400.0, 400.0));
        let gil = run(&RESPONSIVE, Strategy::Gil, 200.0, (2.0, 8.0));
        let v = judge_in(&RESPONSIVE, &[seq, gil], &env).unwrap();
        assert_eq!(
            v.text,
            "holds there: the work on the main thread stalled it up to 400 ms; on 2 threads, up to 8.00 ms"
        );
    }

    #[test]
    fn queues_hold_when_every_item_comes_out_once_in_order() {
        let queue = |received: Vec<u32>| QueueRun {
            items: 3,
            capacity: 2,
            start_ms: 0.0,
            end_ms: 1.0,
            samples: Vec::new(),
            received,
        };
        let good = queue(vec![0, 1, 2]);
        let v = judge_queues(&good, Ok(&good));
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: asyncio.Queue (two tasks) delivered 3 items of 3 with 0 lost, 0 repeated, 0 out of order; queue.Queue (two threads) delivered 3 items of 3 with 0 lost, 0 repeated, 0 out of order, each at full speed through a queue of 2"
        );
        let bad = queue(vec![0, 2, 2]);
        let v = judge_queues(&good, Ok(&bad));
        assert_eq!(v.holds, Holds::No);
        assert!(
            v.text
                .ends_with("delivered 3 items of 3 with 1 lost, 1 repeated, 0 out of order"),
            "{}",
            v.text
        );
        assert_eq!(
            judge_queues(&good, Err("threads are off")).holds,
            Holds::Partly
        );
        assert_eq!(judge_queues(&bad, Err("threads are off")).holds, Holds::No);
    }

    #[test]
    fn scale_holds_at_a_thousand_pending_tasks_per_worker_started() {
        let tasks = task_memory(1_000_000, 98);
        let bound = WorkerCount {
            bound: 256,
            started: 256,
            ms: 4_352.0,
            refused: None,
        };
        let v = judge_scale(&bound, &tasks);
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: its event loop held 1,000,000 pending async tasks in 98.0 MB (98 B each); this browser started 256 Web Workers, the bound (it may start more), in 4.35 s (17.0 ms each): at least 3,906× as many tasks as threads"
        );
        assert_eq!(
            bars(&v),
            [("async", 1e6, None), ("workers", 256.0, Some(1_000.0))]
        );
        // A browser that refused early: no "at least".
        let refused = WorkerCount {
            started: 20,
            ms: 400.0,
            refused: Some("a worker did not start within 5.00 s".into()),
            ..bound
        };
        let v = judge_scale(&refused, &tasks);
        assert!(v.text.contains("started 20 Web Workers and no more (a worker did not start within 5.00 s) in 400 ms (20.0 ms each): 50,000× as many"), "{}", v.text);
        // Few tasks held: short of thousands.
        assert_eq!(
            judge_scale(&bound, &task_memory(10_000, 98)).holds,
            Holds::Partly
        );
        let none = WorkerCount {
            started: 0,
            refused: Some("the browser refused the next: blocked by policy".into()),
            ..bound
        };
        let off = judge_scale(&none, &tasks);
        assert_eq!(off.holds, Holds::Partly);
        assert!(
            off.text.ends_with(
                "no Web Worker started here: the browser refused the next: blocked by policy"
            ),
            "{}",
            off.text
        );
        assert_eq!(off.chart.bars.len(), 1);
    }

    #[test]
    fn switches_hold_when_a_thread_hand_over_costs_twice_an_async_one() {
        use crate::model::demos::switch::Model;
        let ping = |model, us: f64| SwitchRun {
            model,
            switches: 1000,
            batch_ms: vec![us, us, us * 3.0],
        };
        let (asyn, threads, gil) = (
            ping(Model::Async, 0.2),
            ping(Model::Threads, 30.0),
            ping(Model::Gil, 55.0),
        );
        let v = judge_switches(&asyn, Ok(&threads), Ok(&gil));
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: a switch between async tasks (asyncio.Queue) 0.20 µs, threads (threading.Condition) 30.0 µs, threads + GIL 55.0 µs; threads' hand-overs cost 150.0× an async one"
        );
        assert_eq!(
            bars(&v),
            [
                ("async", 0.2, None),
                ("threads", 30.0, None),
                ("gil", 55.0, None)
            ]
        );
        let close = ping(Model::Threads, 0.3);
        assert_eq!(
            judge_switches(&asyn, Ok(&close), Ok(&gil)).holds,
            Holds::Partly
        );
        let cheaper = ping(Model::Threads, 0.1);
        assert_eq!(
            judge_switches(&asyn, Ok(&cheaper), Ok(&gil)).holds,
            Holds::No
        );
        let off = judge_switches(&asyn, Err("threads are off"), Err("threads are off"));
        assert_eq!(off.holds, Holds::Partly);
        assert!(
            off.text
                .ends_with("threads could not run here: threads are off"),
            "{}",
            off.text
        );
        assert_eq!(off.chart.bars.len(), 1);
    }

    fn waits(way: Way, makespan_ms: f64, stall_ms: f64) -> WaitRun {
        WaitRun {
            way,
            tasks: 10,
            wait_ms: 50.0,
            makespan_ms,
            longest_stall_ms: stall_ms,
            threads: Vec::new(),
            at_once: 10,
        }
    }

    #[test]
    fn thread_start_holds_when_a_thread_per_task_takes_half_again_as_long() {
        use crate::model::demos::spawn::Started;
        let awaited = waits(Way::Awaited, 101.0, 2.0);
        let started = |i: f64| Started {
            created_ms: i * 0.1,
            running_ms: 10.0 + i * 2.0,
        };
        let threads = WaitRun {
            threads: (0..10).map(|i| started(f64::from(i))).collect(),
            ..waits(Way::ThreadPerTask, 202.0, 3.0)
        };
        let v = judge_thread_per_task(&awaited, Ok(&threads));
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: 10 waits of 50.0 ms: 101 ms awaited by async tasks, 202 ms on a thread started per task (2.00×); starting the 10 threads took 28.0 ms (2.80 ms each); the articles: 1.9×"
        );
        assert_eq!(
            bars(&v),
            [
                ("awaited", 101.0, Some(180.0)),
                ("thread-per-task", 202.0, Some(350.0)),
                ("starting", 28.0, None)
            ]
        );
        let close = WaitRun {
            makespan_ms: 130.0,
            ..threads.clone()
        };
        let v = judge_thread_per_task(&awaited, Ok(&close));
        assert_eq!(v.holds, Holds::Partly, "{}", v.text);
        let cheap = WaitRun {
            makespan_ms: 105.0,
            ..threads
        };
        let v = judge_thread_per_task(&awaited, Ok(&cheap));
        assert_eq!(v.holds, Holds::No, "{}", v.text);
        assert!(
            v.text
                .starts_with("does not hold here: starting threads cost little")
        );
        let off = judge_thread_per_task(&awaited, Err("the page is not cross-origin isolated"));
        assert_eq!(off.holds, Holds::Partly);
        assert_eq!(
            off.text,
            "10 waits of 50.0 ms took 101 ms awaited by async tasks; threads could not run here: the page is not cross-origin isolated"
        );
        assert_eq!(off.chart.bars.len(), 1);
    }

    #[test]
    fn blocking_holds_when_async_serialised_and_froze_while_the_pool_overlapped() {
        let awaited = waits(Way::Awaited, 52.0, 3.0);
        let blocking = waits(Way::BlockingAsync, 503.0, 501.0);
        let pool = WaitRun {
            at_once: 4,
            ..waits(Way::Pool, 153.0, 4.0)
        };
        let v = judge_blocking(&awaited, &blocking, Ok(&pool));
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: 10 blocking waits of 50.0 ms inside async tasks took 503 ms (one after another: 500 ms) and froze the page for 501 ms; awaited, the same waits took 52.0 ms; on the pool's 4 threads the blocking waits took 153 ms (4 at a time: 150 ms), the page's longest stall 4.00 ms"
        );
        assert_eq!(
            bars(&v),
            [
                ("awaited", 52.0, None),
                ("blocking-async", 503.0, None),
                ("frozen", 501.0, None),
                ("pool", 153.0, None)
            ]
        );
        // One worker: the pool does no better than the loop.
        let one = WaitRun {
            at_once: 1,
            ..waits(Way::Pool, 505.0, 4.0)
        };
        assert_eq!(
            judge_blocking(&awaited, &blocking, Ok(&one)).holds,
            Holds::Partly
        );
        // Waits that did not hold the loop: nothing froze.
        let awaited_again = waits(Way::BlockingAsync, 52.0, 3.0);
        assert_eq!(
            judge_blocking(&awaited, &awaited_again, Ok(&pool)).holds,
            Holds::No
        );
        let off = judge_blocking(&awaited, &blocking, Err("the thread pool is not running"));
        assert_eq!(off.holds, Holds::Partly);
        assert!(
            off.text
                .ends_with("; threads could not run here: the thread pool is not running"),
            "{}",
            off.text
        );
    }

    fn errors_run() -> ErrorsRun {
        let caught =
            |way, caller: Option<f64>, hook: Option<f64>, finished, cancelled, others| Caught {
                way,
                caller_ms: caller,
                hook_ms: hook,
                said: Some(
                    if hook.is_some() {
                        "Uncaught Error: task 1 failed"
                    } else {
                        "task 1 failed"
                    }
                    .into(),
                ),
                returned_ms: caller.unwrap_or(60.5),
                finished,
                cancelled,
                others_ms: others,
            };
        ErrorsRun {
            tasks: 4,
            wait_ms: 60.0,
            fail_ms: 20.0,
            caught: vec![
                caught(Catch::Gather, Some(20.1), None, 3, 0, 60.2),
                caught(Catch::Settled, Some(60.3), None, 3, 0, 60.2),
                caught(Catch::Cancelling, Some(20.2), None, 0, 3, 20.2),
                caught(Catch::BareThread, None, Some(21.0), 3, 0, 60.4),
                caught(Catch::PoolFuture, Some(20.9), None, 3, 0, 60.4),
            ],
        }
    }

    #[test]
    fn errors_hold_when_await_gets_them_and_a_bare_thread_keeps_them() {
        let run = errors_run();
        let v = judge_errors(&run);
        assert_eq!(v.holds, Holds::Yes, "{}", v.text);
        assert_eq!(
            v.text,
            "holds here: one of 4 tasks failed after 20.0 ms: awaiting them as asyncio.gather does (Promise.all), the caller got “task 1 failed” at its await after 20.1 ms while 3 others ran on to 60.2 ms; with return_exceptions (Promise.allSettled), as a value once all were over, after 60.3 ms; with the first error cancelling the rest, as a TaskGroup does (an AbortController), 3 of 3 cancelled after 20.2 ms; a bare thread's error never reached the code that joined it (the joins returned after 60.5 ms): only the Web Worker's error event, the browser's threading.excepthook, got “Uncaught Error: task 1 failed”, after 21.0 ms; a pool's future gave it back at result(), after 20.9 ms"
        );
        assert_eq!(
            bars(&v),
            [
                ("gather", 20.1, None),
                ("settled", 60.3, None),
                ("cancelling", 20.2, None),
                ("bare", 21.0, None),
                ("future", 20.9, None)
            ]
        );
        // The joins got the error: threads' errors were not isolated.
        let mut joined = run.clone();
        joined.caught[3].caller_ms = Some(21.0);
        let v = judge_errors(&joined);
        assert_eq!(v.holds, Holds::Partly, "{}", v.text);
        assert!(
            v.text
                .contains("a bare thread's error reached the code that joined it, after 21.0 ms")
        );
        // Await got it only once all were over, and threads did not run.
        let late = ErrorsRun {
            caught: vec![Caught {
                caller_ms: Some(60.3),
                ..run.caught[0].clone()
            }],
            ..run
        };
        let v = judge_errors(&late);
        assert_eq!(v.holds, Holds::No, "{}", v.text);
        assert!(
            v.text
                .ends_with("excepthook did not run; future.result() did not run"),
            "{}",
            v.text
        );
    }

    #[test]
    fn there_replaces_here_only_as_a_word() {
        assert_eq!(
            there("holds here: where, here."),
            "holds there: where, there."
        );
        assert_eq!(
            there("here and hereby, threshere"),
            "there and hereby, threshere"
        );
    }

    #[test]
    fn every_claim_has_a_valid_experiment_and_a_unique_key() {
        for c in CLAIMS {
            if let Evidence::Runs { query, strategies } = c.evidence {
                let d = url::decode(query);
                assert!(d.notices.is_empty(), "{}: {:?}", c.key, d.notices);
                assert!(d.form.check().is_valid(), "{}", c.key);
                assert!(!strategies.is_empty());
            } else {
                assert_eq!((c.link(), c.strategies()), (None, &[][..]));
            }
            assert_eq!(find(c.key), Some(&c));
        }
    }

    #[test]
    fn a_claim_takes_the_latest_run_of_each_of_its_strategies_on_its_experiment() {
        use std::sync::Arc;
        let runs: Vec<Arc<RunRecord>> = [
            run(&GIL, Strategy::Sequential, 800.0, (0.0, 0.0)),
            run(&GIL, Strategy::Sequential, 810.0, (0.0, 0.0)),
            run(&GIL, Strategy::Threads, 410.0, (0.0, 0.0)),
            run(&REQUESTS, Strategy::Sequential, 5030.0, (0.0, 0.0)),
            run(&NEVER_BLOCK, Strategy::Threads, 1.0, (0.0, 0.0)),
        ]
        .into_iter()
        .map(Arc::new)
        .collect();
        let gil: Vec<f64> = GIL
            .latest_runs(&runs)
            .iter()
            .map(|r| r.makespan_ms())
            .collect();
        assert_eq!(
            gil,
            [810.0, 410.0],
            "the later sequential run, then threads; no GIL run yet"
        );
        assert_eq!(
            REQUESTS.latest_runs(&runs).len(),
            1,
            "its own experiment only"
        );
        assert!(
            NEVER_BLOCK.latest_runs(&runs).is_empty(),
            "a strategy it does not run"
        );
        assert!(
            COROUTINES.latest_runs(&runs).is_empty(),
            "not judged on runs"
        );
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
        asy.head.outcome = Outcome::Cancelled;
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
        // The chart draws each makespan beside the articles' own.
        assert_eq!(
            bars(&v),
            [
                ("sequential", 5030.0, Some(5200.0)),
                ("threads", 402.0, Some(350.0)),
                ("async", 101.0, Some(180.0))
            ]
        );
        // With 2 threads, 25 waits each: threads overlap only two waits at a time.
        let mut two = run(&REQUESTS, Strategy::Threads, 2510.0, (0.0, 0.0));
        two.head.threads_used = 2;
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

    /// A sequential run of `claim` whose tasks computed for `cpu_ms` in all, within `makespan_ms`.
    fn computed(claim: &Claim, cpu_ms: f64, makespan_ms: f64) -> RunRecord {
        let params = claim.link().unwrap().form.check().params;
        let each = cpu_ms / f64::from(params.tasks);
        let tasks = (0..params.tasks)
            .map(|t| {
                let end = f64::from(t + 1) * makespan_ms / f64::from(params.tasks);
                TaskRecord::from_segments(t, Lane::Main, &[(SegmentKind::Cpu, end - each, end)])
            })
            .collect();
        RunRecord::new(RunHead::for_test(Strategy::Sequential, params), tasks)
    }

    #[test]
    fn the_gil_claim_holds_when_threads_under_the_gil_run_at_one_threads_speed() {
        let seq = computed(&GIL, 800.0, 960.0);
        let thr = run(&GIL, Strategy::Threads, 410.0, (0.0, 0.0));
        let gil_run = run(&GIL, Strategy::Gil, 790.0, (0.0, 0.0));
        let v = judge(&GIL, &[&seq, &thr, &gil_run]).unwrap();
        assert_eq!(v.holds, Holds::Yes);
        assert_eq!(
            v.text,
            "holds under the GIL: 2 threads ran at 1.01× one thread's speed; without a GIL, 2 threads ran 1.95×: \
             the lock, not threads, is what stops CPU work (one thread: sequential's 800 ms computing, of its 960 ms makespan). \
             Free-threaded CPython (3.13t, 3.14t; PEP 703, supported since 3.14 by PEP 779) has no GIL: its threads compute like Threads."
        );
        // One thread's time is sequential's time computing: the page's own work between its
        // slices (here 160 ms) would otherwise count as the lock's gain.
        let by_makespan = run(&GIL, Strategy::Sequential, 960.0, (0.0, 0.0));
        assert!(by_makespan.digest.summary.cpu_total_ms < 1.0);
        let slow_seq = computed(&GIL, 800.0, 1000.0);
        assert_eq!(
            judge(&GIL, &[&slow_seq, &thr, &gil_run]).unwrap().holds,
            Holds::Yes
        );
        let fast = run(&GIL, Strategy::Gil, 420.0, (0.0, 0.0));
        let v = judge(&GIL, &[&seq, &thr, &fast]).unwrap();
        assert_eq!(v.holds, Holds::No);
        assert!(
            v.text.starts_with(
                "does not hold here: 2 threads under the GIL ran 1.90× one thread's speed"
            ),
            "{}",
            v.text
        );
        // Without a second core neither goes faster: the run cannot tell the lock's effect.
        let slow = run(&GIL, Strategy::Threads, 720.0, (0.0, 0.0));
        let v = judge(&GIL, &[&seq, &slow, &gil_run]).unwrap();
        assert_eq!(v.holds, Holds::Partly);
        assert!(
            v.text
                .contains("this run got no second core to tell them apart (one thread:"),
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

    fn task_memory(tasks: u32, per_task: u64) -> TaskMemory {
        use crate::model::memory::Heap;
        let heap = |bytes| Heap { bytes, allocs: 0 };
        TaskMemory {
            tasks,
            before: heap(1_000_000),
            pending: heap(1_000_000 + per_task * u64::from(tasks)),
            finished: heap(1_000_000),
            after: heap(1_000_000),
            memory_before: 0,
            memory_pending: 0,
            spawn_ms: 1.0,
            total_ms: 1.0,
            parts: Vec::new(),
        }
    }

    #[test]
    fn coroutines_are_judged_on_the_heap_they_held_scaled_to_10000() {
        let v = judge_task_memory(&task_memory(10_000, 126));
        assert_eq!(v.holds, Holds::Yes);
        assert_eq!(
            v.text,
            "holds, and then some: 10,000 pending async tasks held 1.26 MB here (126 B each); at that rate 10,000 hold 1.26 MB, 7.94× less than the articles' 10 MB"
        );
        let heavy = judge_task_memory(&task_memory(1_000, 2_000));
        assert_eq!(heavy.holds, Holds::No);
        assert!(
            heavy.text.contains("at that rate 10,000 hold 20.0 MB"),
            "{}",
            heavy.text
        );
    }

    #[test]
    fn eight_mb_per_thread_holds_only_partly_when_a_worker_holds_little() {
        use crate::model::memory::BrowserMemory;
        let t = |browser| ThreadMemory {
            workers: 2,
            browser,
            stack_bytes: 2 << 20,
        };
        let small = judge_thread_memory(&t(Ok(BrowserMemory {
            pool_workers: vec![900_000, 1_100_000],
            ..BrowserMemory::default()
        })));
        assert_eq!(small.holds, Holds::Partly);
        assert!(
            small.text.starts_with("partly: a worker thread reserves 2.10 MB of wasm stack and holds 1.00 MB of JS heap (the pool's workers)"),
            "{}",
            small.text
        );
        let big = judge_thread_memory(&t(Ok(BrowserMemory {
            pool_workers: vec![7_000_000],
            ..BrowserMemory::default()
        })));
        assert_eq!(big.holds, Holds::Yes);
        let unknown = judge_thread_memory(&t(Err("not Chromium".into())));
        assert_eq!(unknown.holds, Holds::Partly);
        assert!(
            unknown
                .text
                .contains("cannot be measured here (not Chromium)"),
            "{}",
            unknown.text
        );
    }

    fn tally(runs: usize, distinct: usize, switches: (usize, usize)) -> Tally {
        Tally {
            runs,
            distinct,
            most_common: runs + 1 - distinct,
            fewest_switches: switches.0,
            most_switches: switches.1,
        }
    }

    #[test]
    fn interleaving_holds_when_async_repeats_one_order_and_threads_vary() {
        let asyn = tally(20, 1, (15, 15));
        let v = judge_interleaving(&asyn, Ok(&tally(20, 14, (3, 11))));
        assert_eq!(v.holds, Holds::Yes);
        assert_eq!(
            v.text,
            "holds: async logged 1 order in 20 runs; threads logged 14 orders in 20 runs (3 to 11 switches a run)"
        );
        assert_eq!(
            judge_interleaving(&asyn, Ok(&tally(20, 1, (1, 1)))).holds,
            Holds::Partly
        );
        assert_eq!(
            judge_interleaving(&tally(20, 2, (14, 15)), Ok(&tally(20, 5, (1, 9)))).holds,
            Holds::No
        );
        let none = judge_interleaving(&asyn, Err("not cross-origin isolated"));
        assert_eq!(none.holds, Holds::Partly);
        assert!(
            none.text
                .ends_with("threads cannot run here (not cross-origin isolated)")
        );
    }

    #[test]
    fn shared_state_holds_when_both_models_race_and_deadlock() {
        use crate::model::demos::deadlock::Snapshot;
        let race = |variant, counted| RaceOutcome {
            variant,
            tasks: 4,
            increments: 5_000,
            counted,
            ms: 10.0,
        };
        let races = [
            race(Variant::ThreadsUnsync, 17_000),
            race(Variant::ThreadsLock, 20_000),
            race(Variant::ThreadsAtomic, 20_000),
            race(Variant::AsyncUnsync, 5_000),
            race(Variant::AsyncLock, 20_000),
        ];
        let stuck = Ending::Stopped {
            snapshot: Snapshot {
                holders: vec![Some(0), Some(1)],
                waiting: vec![Some(1), Some(0)],
            },
            stalled_ms: 500.0,
        };
        let v = judge_shared_state(&races, Ok(&stuck), &stuck);
        assert_eq!(v.holds, Holds::Yes);
        assert_eq!(
            v.text,
            "holds: threads lost 3,000 updates, async lost 15,000 updates; with a lock every counter was exact; two locks in opposite order: threads deadlocked, async deadlocked"
        );
        let done = Ending::Completed { ms: 5.0 };
        assert_eq!(
            judge_shared_state(&races, Ok(&done), &stuck).holds,
            Holds::Partly
        );
        let only_async = judge_shared_state(&races[3..], Err("no pool"), &stuck);
        assert_eq!(only_async.holds, Holds::Partly);
        assert!(
            only_async.text.contains("threads did not run"),
            "{}",
            only_async.text
        );
        let mut broken = races;
        broken[1].counted = 19_999;
        let v = judge_shared_state(&broken, Ok(&stuck), &stuck);
        assert_eq!(v.holds, Holds::Partly);
        assert!(v.text.contains("(not every one here)"));
    }
}
