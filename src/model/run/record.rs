//! Run records: what executors emit and everything else is projected from.
//!
//! Times are ms relative to the run's start, on the clock shared by every thread.

use crate::model::clock::SKEW_MS;
use crate::model::experiment::params::{Params, Strategy};
use crate::model::run::stats::{ProbeSample, Responsiveness, Summary};

/// Where a task ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// The main thread (the event loop).
    Main,
    /// Worker thread `k` of the pool.
    Worker(u16),
    /// Process `k`: a worker with a wasm instance of its own.
    Process(u16),
}

impl Lane {
    /// Lanes of one kind a run may have (worker and process numbers are `u16`).
    const PER_KIND: usize = 1 << 16;

    /// Its place among every lane there may be, in order: the main thread, then the workers,
    /// then the processes.
    fn index(self) -> usize {
        match self {
            Lane::Main => 0,
            Lane::Worker(k) => Self::PER_KIND + usize::from(k),
            Lane::Process(k) => 2 * Self::PER_KIND + usize::from(k),
        }
    }

    /// The lane at `index` ([`Lane::index`]).
    fn at(index: usize) -> Self {
        let k = (index % Self::PER_KIND) as u16;
        match index / Self::PER_KIND {
            0 => Lane::Main,
            1 => Lane::Worker(k),
            _ => Lane::Process(k),
        }
    }

    /// The distinct lanes among `lanes`, in order: one pass, marking a bit per lane that may
    /// be, rather than a sort of every task's lane (a run of a million tasks sorted a million
    /// lanes, 56 ms, to find the one it ran on).
    pub fn distinct(lanes: impl IntoIterator<Item = Lane>) -> Vec<Lane> {
        let mut seen = vec![0u64; 3 * Self::PER_KIND / 64];
        for lane in lanes {
            let i = lane.index();
            seen[i / 64] |= 1 << (i % 64);
        }
        seen.iter()
            .enumerate()
            .filter(|(_, bits)| **bits != 0)
            .flat_map(|(word, bits)| {
                (0..64)
                    .filter(move |b| bits >> b & 1 == 1)
                    .map(move |b| Lane::at(word * 64 + b))
            })
            .collect()
    }

    /// A short key for stored text: `main`, `w3`, `p1`.
    pub fn key(self) -> String {
        match self {
            Lane::Main => "main".into(),
            Lane::Worker(k) => format!("w{k}"),
            Lane::Process(k) => format!("p{k}"),
        }
    }

    /// Parses a key written by [`Lane::key`].
    pub fn from_key(s: &str) -> Option<Self> {
        if s == "main" {
            return Some(Lane::Main);
        }
        let number = |prefix: char| s.strip_prefix(prefix)?.parse().ok();
        number('w')
            .map(Lane::Worker)
            .or_else(|| number('p').map(Lane::Process))
    }

    /// A short label for the timeline: `main`, `worker 3`, `process 1`.
    pub fn short_label(self) -> String {
        match self {
            Lane::Main => "main".into(),
            Lane::Worker(k) => format!("worker {k}"),
            Lane::Process(k) => format!("process {k}"),
        }
    }

    /// Its label where the Python twin ran: `main`, `thread 3`, `process 1`.
    pub fn python_label(self) -> String {
        match self {
            Lane::Worker(k) => format!("thread {k}"),
            Lane::Main | Lane::Process(_) => self.short_label(),
        }
    }

    /// Its name in a sentence: `main thread`, `worker 3` (`thread 3` where the Python twin
    /// ran), `process 1`.
    pub fn name(self, python: bool) -> String {
        match self {
            Lane::Worker(k) if python => format!("thread {k}"),
            _ => self.to_string(),
        }
    }
}

impl std::fmt::Display for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lane::Main => write!(f, "main thread"),
            Lane::Worker(k) => write!(f, "worker {k}"),
            Lane::Process(k) => write!(f, "process {k}"),
        }
    }
}

/// What a segment of a task was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// Computing on its lane.
    Cpu,
    /// Waiting (on the event loop: not holding the thread; on a worker: blocking it).
    Wait,
    /// Ready to compute but waiting for a lock (the GIL) that another thread holds.
    LockWait,
}

impl SegmentKind {
    /// Its word in exports: `cpu`, `wait`, `lock`.
    pub fn key(self) -> &'static str {
        match self {
            SegmentKind::Cpu => "cpu",
            SegmentKind::Wait => "wait",
            SegmentKind::LockWait => "lock",
        }
    }

    /// The kind [`SegmentKind::key`] names.
    pub fn from_key(key: &str) -> Option<Self> {
        [SegmentKind::Cpu, SegmentKind::Wait, SegmentKind::LockWait]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// A stretch of one task's life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub start_ms: f64,
    pub end_ms: f64,
    /// Where it ran, when not on its task's lane: an async task's computation handed to an
    /// executor's worker.
    pub lane: Option<Lane>,
}

impl Segment {
    /// The lane it ran on, its task's unless it says otherwise.
    pub fn lane_of(&self, task: &TaskRecord) -> Lane {
        self.lane.unwrap_or(task.lane)
    }
}

/// One task, as measured.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    pub task: u32,
    pub lane: Lane,
    pub start_ms: f64,
    pub end_ms: f64,
    /// Time spent computing.
    pub cpu_ms: f64,
    /// Time spent in waits.
    pub wait_ms: f64,
    /// Time spent waiting for a lock (the GIL) before computing.
    pub lock_ms: f64,
    /// The kernel's checksum for this task (0 when it computed nothing).
    pub checksum: u64,
    pub segments: Vec<Segment>,
}

impl TaskRecord {
    /// Its lane, then any other lane one of its segments ran on.
    pub fn lanes(&self) -> impl Iterator<Item = Lane> + '_ {
        std::iter::once(self.lane).chain(self.segments.iter().filter_map(|s| s.lane))
    }

    /// A record made of `(kind, start, end)` segments, with times and totals derived from them
    /// (for tests that craft records).
    pub fn from_segments(task: u32, lane: Lane, segs: &[(SegmentKind, f64, f64)]) -> Self {
        let total = |k: SegmentKind| segs.iter().filter(|s| s.0 == k).map(|s| s.2 - s.1).sum();
        TaskRecord {
            task,
            lane,
            start_ms: segs.first().map_or(0.0, |s| s.1),
            end_ms: segs.last().map_or(0.0, |s| s.2),
            cpu_ms: total(SegmentKind::Cpu),
            wait_ms: total(SegmentKind::Wait),
            lock_ms: total(SegmentKind::LockWait),
            checksum: 0,
            segments: segs
                .iter()
                .map(|&(kind, start_ms, end_ms)| Segment {
                    kind,
                    start_ms,
                    end_ms,
                    lane: None,
                })
                .collect(),
        }
    }
}

/// Builds a [`TaskRecord`] as a task runs: executors call `wait`/`cpu` with absolute times.
#[derive(Debug)]
pub struct TaskRecorder {
    origin_ms: f64,
    record: TaskRecord,
}

impl TaskRecorder {
    /// Starts recording `task` on `lane`; `origin_ms` is the run's start, `now_ms` the task's.
    pub fn start(task: u32, lane: Lane, origin_ms: f64, now_ms: f64) -> Self {
        let start = now_ms - origin_ms;
        Self {
            origin_ms,
            record: TaskRecord {
                task,
                lane,
                start_ms: start,
                end_ms: start,
                cpu_ms: 0.0,
                wait_ms: 0.0,
                lock_ms: 0.0,
                checksum: 0,
                segments: Vec::new(),
            },
        }
    }

    /// The task it records.
    pub fn task(&self) -> u32 {
        self.record.task
    }

    /// Records a segment from `from_ms` to `to_ms` (absolute) on the task's lane. Adjacent
    /// CPU slices merge.
    pub fn segment(&mut self, kind: SegmentKind, from_ms: f64, to_ms: f64) {
        self.segment_on(None, kind, from_ms, to_ms);
    }

    /// [`TaskRecorder::segment`] on `lane`, or on the task's lane if `None`.
    pub fn segment_on(&mut self, lane: Option<Lane>, kind: SegmentKind, from_ms: f64, to_ms: f64) {
        let (s, e) = (
            from_ms - self.origin_ms,
            (to_ms - self.origin_ms).max(from_ms - self.origin_ms),
        );
        match kind {
            SegmentKind::Cpu => self.record.cpu_ms += e - s,
            SegmentKind::Wait => self.record.wait_ms += e - s,
            SegmentKind::LockWait => self.record.lock_ms += e - s,
        }
        if let Some(last) = self.record.segments.last_mut()
            && last.kind == kind
            && kind == SegmentKind::Cpu
            && last.lane == lane
            && s - last.end_ms < 0.05
        {
            last.end_ms = e;
            return;
        }
        // Room for exactly one at first: most tasks of a large run wait once, and a `Vec`'s
        // first growth would give each four (96 bytes, against 24).
        if self.record.segments.capacity() == 0 {
            self.record.segments.reserve_exact(1);
        }
        self.record.segments.push(Segment {
            kind,
            start_ms: s,
            end_ms: e,
            lane,
        });
    }

    /// Finishes the record at `now_ms` (absolute) with the task's checksum. Its segments keep
    /// no spare room: records are kept, by the million.
    pub fn finish(mut self, now_ms: f64, checksum: u64) -> TaskRecord {
        self.record.end_ms = now_ms - self.origin_ms;
        self.record.checksum = checksum;
        self.record.segments.shrink_to_fit();
        self.record
    }
}

/// Adds a batch of a run's records to those gathered so far (`total` in all): the first batch
/// is taken whole when it has room for every record (the executor's buffer, made that size),
/// else room for all is made once, so a million records are neither copied again nor grown
/// into by doubling.
pub fn gather(into: &mut Vec<TaskRecord>, batch: Vec<TaskRecord>, total: usize) {
    if into.is_empty() && batch.capacity() >= total {
        *into = batch;
        return;
    }
    if into.capacity() < total {
        into.reserve_exact(total - into.len());
    }
    into.extend(batch);
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Outcome {
    /// Every task finished.
    #[default]
    Done,
    /// Cancel was pressed before every task finished.
    Cancelled,
    /// A task panicked or trapped; the sentence says where and what.
    Failed(String),
}

impl Outcome {
    /// Its word in stored text and in `data-` attributes: `done`, `cancelled`, `failed`.
    pub fn key(&self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Cancelled => "cancelled",
            Outcome::Failed(_) => "failed",
        }
    }

    /// The outcome [`Outcome::key`] names; a failure needs its sentence, `why`.
    pub fn from_key(key: &str, why: Option<String>) -> Option<Self> {
        match key {
            "done" => Some(Outcome::Done),
            "cancelled" => Some(Outcome::Cancelled),
            "failed" => why.map(Outcome::Failed),
            _ => None,
        }
    }
}

/// The async schedulers, for people. A closed list, so a record restored from text can point
/// back at a `'static` name and an unknown one is recognisably unknown.
pub const SCHEDULERS: [&str; 2] = [
    "a ready queue in one spawn_local task",
    // The Python twin's (`www/async_vs_threads.py`).
    "asyncio's event loop",
];

/// What the async scheduler cost, measured during the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SchedulerCost {
    /// Which scheduler ran the tasks: one of [`SCHEDULERS`].
    pub name: &'static str,
    /// Creating and queueing one task, µs.
    pub spawn_us_per_task: f64,
    /// Task polls after a wake-up.
    pub wakes: u64,
    /// Time per wake-up in the scheduler and the task's own step, without its computation
    /// (the task's CPU segments, which run inside polls too), µs.
    pub us_per_wake: f64,
}

/// How long a run's own workers took to start (processes start with the run, each a fresh
/// wasm instance; a thread pool's start-up is before any run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Startup {
    /// The median over workers of spawn to ready, ms.
    pub per_worker_ms: f64,
    /// From the run's start until the last worker was ready, ms.
    pub all_ready_ms: f64,
    /// The median over workers of the wasm memory each had when ready (its own instance's
    /// memory: committed pages, measured), bytes.
    pub memory_bytes: f64,
}

/// Everything about a run but what is projected from its task records: what executors know
/// when it ends. The default is a done run of the default experiment that measured nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunHead {
    /// The experiment, with the strategy that ran it.
    pub params: Params,
    /// Threads the strategy ran on (1 for main-thread strategies).
    pub threads_used: u32,
    /// Workers in the pool when the run started.
    pub pool_size: u32,
    /// Logical cores the browser reports.
    pub cores: u32,
    pub outcome: Outcome,
    /// How long the page was hidden during the run (browsers throttle hidden tabs), ms.
    pub hidden_ms: f64,
    /// Main-thread responsiveness during the run.
    pub responsiveness: Responsiveness,
    /// The async scheduler's measured cost, for runs on the event loop.
    pub scheduler: Option<SchedulerCost>,
    /// The start-up of the run's own workers (processes).
    pub startup: Option<Startup>,
    /// When the run started, ms since the Unix epoch (the shared clock's own origin).
    pub started_at_ms: f64,
    /// The event-loop probe's samples during the run, times relative to its start.
    pub lag: Vec<ProbeSample>,
    /// Where it was measured, when the run says (`None`: in this page, in a browser).
    pub environment: Option<RunEnvironment>,
}

/// Where a run was measured: a browser or the Python twin's CPython, as its export's run says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunEnvironment {
    /// `CPython`, or the browser: `Chromium`.
    pub runtime: String,
    /// `3.12.3`, `156`.
    pub version: String,
    /// CPython's `default` or `free-threaded`; the page's `threads` or `fallback`.
    pub build: String,
    /// `on` or `off` in CPython; empty in a browser, which has no GIL.
    pub gil: String,
    /// `Linux x86_64`; empty when unknown.
    pub os: String,
}

impl RunEnvironment {
    /// A browser's, from its name as exports write it (`Chromium 156`) and the page's build.
    pub fn of_browser(browser: &str, build: &str) -> Self {
        let (runtime, version) = browser
            .rsplit_once(' ')
            .filter(|(_, v)| v.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or((browser, ""));
        RunEnvironment {
            runtime: runtime.into(),
            version: version.into(),
            build: build.into(),
            ..RunEnvironment::default()
        }
    }

    /// Whether the Python twin measured it: in CPython, or in another Python it ran in
    /// (`platform.python_implementation()`).
    pub fn is_python(&self) -> bool {
        matches!(
            self.runtime.as_str(),
            "CPython" | "PyPy" | "GraalPy" | "IronPython" | "Jython"
        )
    }

    /// Whether it is a free-threaded CPython (3.13t, 3.14t), whose runs without the GIL and
    /// with it (`-X gil=1`) are of one interpreter.
    fn free_threaded(&self) -> bool {
        self.is_python() && self.build == "free-threaded"
    }

    /// Why `strategy` has no run here, where the environment cannot have one: a default
    /// CPython's threads hold the GIL, so they are Threads + GIL, never Threads.
    pub fn cannot_run(&self, strategy: Strategy) -> Option<&'static str> {
        (self.is_python() && !self.free_threaded() && strategy == Strategy::Threads)
            .then_some("not in this CPython: its threads hold the GIL, so they are Threads + GIL")
    }

    /// For people, and the key runs are grouped by: `CPython 3.12.3, GIL, Linux x86_64, 8
    /// cores`; `Chromium 156, 2 cores`. A free-threaded CPython's runs with the GIL turned on
    /// (`-X gil=1`) are of the same interpreter, and of the same group.
    pub fn label(&self, cores: u32) -> String {
        let gil = if self.free_threaded() {
            "free-threaded"
        } else if self.gil == "on" {
            "GIL"
        } else {
            ""
        };
        let head = format!("{} {}", self.runtime, self.version);
        [head.trim(), gil, self.os.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .chain(std::iter::once(
                format!("{cores} {}", if cores == 1 { "core" } else { "cores" }).as_str(),
            ))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `runs` grouped by where they were measured ([`RunEnvironment::label`]), in order of first
/// appearance; runs that do not say are left out.
pub fn by_environment<R: AsRef<RunRecord>>(runs: &[R]) -> Vec<(String, Vec<&R>)> {
    let mut groups: Vec<(String, Vec<&R>)> = Vec::new();
    for run in runs {
        let head = &run.as_ref().head;
        let Some(env) = &head.environment else {
            continue;
        };
        let label = env.label(head.cores);
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, members)) => members.push(run),
            None => groups.push((label, vec![run])),
        }
    }
    groups
}

/// Figures projected from the task records once, when the run ends: they outlive the records
/// when those are dropped to bound memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Digest {
    pub summary: Summary,
    /// The order-independent checksum of every finished task's work.
    pub checksum: u64,
    /// The distinct lanes tasks ran on, main thread first.
    pub lanes: Vec<Lane>,
    /// The most waits in flight at once.
    pub max_overlapping_waits: usize,
    /// The latest first pick-up over lanes (when the last lane to start started), ms.
    pub last_first_pickup_ms: f64,
}

impl Digest {
    /// Projects `tasks` (with the run's `makespan_ms`).
    pub fn of(tasks: &[TaskRecord], makespan_ms: f64) -> Self {
        let lanes = Lane::distinct(tasks.iter().flat_map(TaskRecord::lanes));
        let last_first_pickup_ms = lanes
            .iter()
            .filter_map(|l| {
                tasks
                    .iter()
                    .filter(|t| t.lane == *l)
                    .map(|t| t.start_ms)
                    .reduce(f64::min)
            })
            .fold(0.0, f64::max);
        Digest {
            summary: Summary::of(
                &tasks.iter().map(|t| t.end_ms).collect::<Vec<_>>(),
                tasks.iter().map(|t| t.cpu_ms).sum(),
                tasks.iter().map(|t| t.wait_ms).sum(),
                makespan_ms,
            ),
            checksum: crate::model::experiment::kernel::combine(tasks.iter().map(|t| t.checksum)),
            lanes,
            max_overlapping_waits: max_overlapping(tasks, SegmentKind::Wait),
            last_first_pickup_ms,
        }
    }
}

/// The most segments of `kind` in progress at once (a sweep over their starts and ends): the
/// most waits in flight, or the most threads computing. Segments that overlap by no more than
/// [`SKEW_MS`], as the clocks of two threads may read one instant, are not at once.
pub fn max_overlapping(tasks: &[TaskRecord], kind: SegmentKind) -> usize {
    let segments = || {
        tasks
            .iter()
            .flat_map(|t| t.segments.iter())
            .filter(|s| s.kind == kind && s.end_ms - s.start_ms > SKEW_MS)
    };
    // Starts and ends sorted apart (the page's one sort of `f64`s, rather than a sort of its
    // own for pairs), then merged.
    let mut starts: Vec<f64> = segments().map(|s| s.start_ms).collect();
    let mut ends: Vec<f64> = segments().map(|s| s.end_ms - SKEW_MS).collect();
    // Records arrive in the order tasks end, which for waits alike is the order they began:
    // then nothing needs sorting (a million of each took 88 ms to sort).
    for times in [&mut starts, &mut ends] {
        if !times.is_sorted_by(|a, b| a.total_cmp(b).is_le()) {
            times.sort_by(f64::total_cmp);
        }
    }
    // Signed: rounding can put a segment as short as `SKEW_MS` ending before it starts.
    let (mut now, mut best, mut ended) = (0i64, 0i64, 0usize);
    for start in starts {
        // Ends before starts at the same instant: back-to-back segments do not overlap.
        while ended < ends.len() && ends[ended].total_cmp(&start).is_le() {
            ended += 1;
            now -= 1;
        }
        now += 1;
        best = best.max(now);
    }
    best as usize
}

/// One run of one strategy, as measured: its head and what its task records give.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub head: RunHead,
    /// Projections of the task records, kept when the records are dropped.
    pub digest: Digest,
    /// Finished tasks (fewer than `params.tasks` unless done; empty once dropped).
    pub tasks: Vec<TaskRecord>,
    /// Whether `tasks` was emptied to bound memory (the digest remains).
    pub details_dropped: bool,
}

impl RunHead {
    /// The strategy that ran.
    pub fn strategy(&self) -> Strategy {
        self.params.strategy
    }

    /// A finished run's head for tests that craft records: done, on 2 cores and a pool of 2,
    /// on `params.threads` workers for parallel strategies.
    #[cfg(test)]
    pub(crate) fn for_test(strategy: Strategy, params: Params) -> Self {
        RunHead {
            params: Params { strategy, ..params },
            threads_used: if strategy.parallel() {
                params.threads
            } else {
                1
            },
            pool_size: 2,
            cores: 2,
            ..RunHead::default()
        }
    }
}

impl RunRecord {
    /// A run from its head and its finished tasks; the makespan and digest are derived.
    pub fn new(mut head: RunHead, mut tasks: Vec<TaskRecord>) -> Self {
        // Kept for as long as the run is: no room for records that will never come (a run of
        // a million waits arrives in batches, and its vector grew by doubling).
        tasks.shrink_to_fit();
        let makespan_ms = tasks.iter().map(|r| r.end_ms).fold(0.0, f64::max);
        if head.outcome == Outcome::Done && tasks.len() < head.params.tasks as usize {
            head.outcome = Outcome::Cancelled;
        }
        // The executor times whole polls; a task's computation is its own work, not the
        // scheduler's, so it comes off (finished tasks' CPU segments are all on record). Only
        // what ran inside the polls: a computation handed to a worker did not.
        let polled_cpu_ms: f64 = tasks
            .iter()
            .flat_map(|t| &t.segments)
            .filter(|s| s.kind == SegmentKind::Cpu && s.lane.is_none())
            .map(|s| s.end_ms - s.start_ms)
            .sum();
        if let Some(c) = &mut head.scheduler {
            c.us_per_wake = ((c.us_per_wake * c.wakes as f64 - polled_cpu_ms * 1000.0)
                / c.wakes.max(1) as f64)
                .max(0.0);
        }
        RunRecord {
            head,
            digest: Digest::of(&tasks, makespan_ms),
            tasks,
            details_dropped: false,
        }
    }

    /// The strategy that ran.
    pub fn strategy(&self) -> Strategy {
        self.head.strategy()
    }

    /// From the run's start to the last finished task's end.
    pub fn makespan_ms(&self) -> f64 {
        self.digest.summary.makespan_ms
    }

    /// Whether this is a run of `strategy` on the experiment of `params` (whichever strategy
    /// `params` names): the run a newer one of the same replaces.
    pub fn is_run_of(&self, strategy: Strategy, params: &Params) -> bool {
        self.head.params
            == Params {
                strategy,
                ..*params
            }
    }

    /// Whether every task finished.
    pub fn is_complete(&self) -> bool {
        self.head.outcome == Outcome::Done
    }

    /// Whether the run was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.head.outcome == Outcome::Cancelled
    }

    /// The failure, if a task panicked or trapped.
    pub fn failure(&self) -> Option<&str> {
        match &self.head.outcome {
            Outcome::Failed(why) => Some(why),
            _ => None,
        }
    }

    /// Whether the page was hidden during the run, so its timings cannot be trusted.
    pub fn is_disturbed(&self) -> bool {
        self.head.hidden_ms > 0.0
    }

    /// The order-independent checksum of every finished task's work.
    pub fn checksum(&self) -> u64 {
        self.digest.checksum
    }

    /// The distinct lanes tasks ran on, main thread first.
    pub fn lanes(&self) -> &[Lane] {
        &self.digest.lanes
    }

    /// Bytes the task records hold (what dropping them frees).
    pub fn detail_bytes(&self) -> usize {
        self.tasks.capacity() * std::mem::size_of::<TaskRecord>()
            + self
                .tasks
                .iter()
                .map(|t| t.segments.capacity() * std::mem::size_of::<Segment>())
                .sum::<usize>()
    }

    /// This run without its task records: the digest, and so every figure but the timeline,
    /// remains. Runs are shared behind `Arc`s, so this copies rather than empties in place, and
    /// it never copies the records it leaves out.
    pub fn without_details(&self) -> RunRecord {
        RunRecord {
            head: self.head.clone(),
            digest: self.digest.clone(),
            tasks: Vec::new(),
            details_dropped: true,
        }
    }
}

impl AsRef<RunRecord> for RunRecord {
    fn as_ref(&self) -> &RunRecord {
        self
    }
}

/// Each strategy's latest run of one experiment, asked for by strategy.
#[derive(Debug, Clone)]
pub struct LatestRuns<R>([Option<R>; Strategy::ALL.len()]);

impl<R: AsRef<RunRecord>> LatestRuns<R> {
    /// The latest run of each strategy on the experiment of `params` among `runs`, oldest
    /// first.
    pub fn among(runs: impl DoubleEndedIterator<Item = R>, params: &Params) -> Self {
        let mut latest = LatestRuns(Default::default());
        for run in runs.rev() {
            let strategy = run.as_ref().strategy();
            let slot = &mut latest.0[strategy.index()];
            if slot.is_none() && run.as_ref().is_run_of(strategy, params) {
                *slot = Some(run);
            }
        }
        latest
    }

    /// `strategy`'s run, if there is one.
    pub fn of(&self, strategy: Strategy) -> Option<&R> {
        self.0[strategy.index()].as_ref()
    }

    /// The sequential run, which speedups are measured against.
    pub fn sequential(&self) -> Option<&R> {
        self.of(Strategy::Sequential)
    }

    /// Every strategy with its run, in [`Strategy::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Strategy, Option<&R>)> {
        Strategy::ALL
            .into_iter()
            .zip(self.0.iter().map(Option::as_ref))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathered_records_take_a_full_size_batch_whole_and_make_room_once() {
        let rec =
            |task| TaskRecord::from_segments(task, Lane::Main, &[(SegmentKind::Wait, 0.0, 1.0)]);
        // The executor's buffer, made for all 4: taken whole, not copied.
        let mut batch = Vec::with_capacity(4);
        batch.extend([rec(0), rec(1)]);
        let buffer = batch.as_ptr();
        let mut into = Vec::new();
        gather(&mut into, batch, 4);
        assert_eq!(into.as_ptr(), buffer);
        gather(&mut into, vec![rec(2), rec(3)], 4);
        assert_eq!((into.len(), into.capacity(), into.as_ptr()), (4, 4, buffer));
        // Small batches: room for all is made at the first.
        let mut into = Vec::new();
        gather(&mut into, vec![rec(0)], 3);
        assert_eq!(into.capacity(), 3);
        gather(&mut into, vec![rec(1), rec(2)], 3);
        let tasks: Vec<u32> = into.iter().map(|r| r.task).collect();
        assert_eq!((tasks, into.capacity()), (vec![0, 1, 2], 3));
    }

    #[test]
    fn runs_group_by_where_they_were_measured() {
        let cpython = RunEnvironment {
            runtime: "CPython".into(),
            version: "3.12.3".into(),
            build: "default".into(),
            gil: "on".into(),
            os: "Linux x86_64".into(),
        };
        assert_eq!(
            cpython.label(8),
            "CPython 3.12.3, GIL, Linux x86_64, 8 cores"
        );
        let free = RunEnvironment {
            gil: "off".into(),
            build: "free-threaded".into(),
            ..cpython.clone()
        };
        assert_eq!(
            free.label(1),
            "CPython 3.12.3, free-threaded, Linux x86_64, 1 core"
        );
        let free_gil = RunEnvironment {
            gil: "on".into(),
            ..free.clone()
        };
        assert_eq!(
            free_gil.label(1),
            free.label(1),
            "-X gil=1: one interpreter"
        );
        assert!(cpython.cannot_run(Strategy::Threads).is_some());
        assert_eq!(free.cannot_run(Strategy::Threads), None);
        assert_eq!(free_gil.cannot_run(Strategy::Threads), None);
        let browser = RunEnvironment::of_browser("Chromium 156", "threads");
        assert_eq!(
            (browser.runtime.as_str(), browser.version.as_str()),
            ("Chromium", "156")
        );
        assert_eq!(browser.label(2), "Chromium 156, 2 cores");
        assert_eq!(
            RunEnvironment::of_browser("an unknown browser", "fallback").label(2),
            "an unknown browser, 2 cores"
        );
        let run = |env: Option<&RunEnvironment>, cores| {
            let mut head = RunHead::for_test(Strategy::Async, Params::default());
            head.environment = env.cloned();
            head.cores = cores;
            RunRecord::new(head, Vec::new())
        };
        let runs = [
            run(Some(&cpython), 8),
            run(None, 2),
            run(Some(&browser), 2),
            run(Some(&cpython), 8),
            run(Some(&cpython), 4),
        ];
        let groups = by_environment(&runs);
        let sizes: Vec<(&str, usize)> = groups.iter().map(|(l, r)| (l.as_str(), r.len())).collect();
        assert_eq!(
            sizes,
            [
                ("CPython 3.12.3, GIL, Linux x86_64, 8 cores", 2),
                ("Chromium 156, 2 cores", 1),
                ("CPython 3.12.3, GIL, Linux x86_64, 4 cores", 1),
            ]
        );
    }

    #[test]
    fn a_recorder_turns_absolute_times_into_run_times() {
        let mut r = TaskRecorder::start(3, Lane::Worker(1), 1000.0, 1010.0);
        r.segment(SegmentKind::Wait, 1010.0, 1110.0);
        r.segment(SegmentKind::Cpu, 1110.0, 1120.0);
        r.segment(SegmentKind::Cpu, 1120.01, 1130.0);
        let t = r.finish(1130.0, 77);
        assert_eq!((t.start_ms, t.end_ms), (10.0, 130.0));
        assert_eq!(t.wait_ms, 100.0);
        assert!((t.cpu_ms - 19.99).abs() < 1e-9);
        assert_eq!(t.segments.len(), 2, "adjacent CPU slices merge");
        assert_eq!(t.segments[1].end_ms, 130.0);
        assert_eq!(t.checksum, 77);
        assert_eq!(t.segments.capacity(), 2, "no spare room is kept");
    }

    #[test]
    fn threads_whose_clocks_disagree_by_microseconds_did_not_compute_at_once() {
        // A GIL handed from w0 to w1, as Chromium's workers recorded it beside two CPU hogs.
        let handed = |next_start_ms: f64| {
            [
                TaskRecord::from_segments(
                    6,
                    Lane::Worker(0),
                    &[(SegmentKind::Cpu, 396.66, 400.355)],
                ),
                TaskRecord::from_segments(
                    7,
                    Lane::Worker(1),
                    &[(SegmentKind::Cpu, next_start_ms, 403.7)],
                ),
            ]
        };
        assert_eq!(
            max_overlapping(&handed(400.35), SegmentKind::Cpu),
            1,
            "5 µs apart"
        );
        assert_eq!(
            max_overlapping(&handed(400.355), SegmentKind::Cpu),
            1,
            "back to back"
        );
        assert_eq!(
            max_overlapping(&handed(399.0), SegmentKind::Cpu),
            2,
            "1.4 ms at once"
        );
    }

    proptest::proptest! {
        #[test]
        fn distinct_lanes_are_the_sorted_lanes_without_repeats(
            lanes in {
                use proptest::strategy::Strategy;
                proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(Lane::Main),
                    proptest::prelude::any::<u16>().prop_map(Lane::Worker),
                    (0u16..4).prop_map(Lane::Worker),
                    proptest::prelude::any::<u16>().prop_map(Lane::Process),
                ],
                0..60,
                )
            },
        ) {
            let mut sorted = lanes.clone();
            sorted.sort();
            sorted.dedup();
            proptest::prop_assert_eq!(Lane::distinct(lanes), sorted);
        }

        #[test]
        fn the_most_at_once_is_what_one_sorted_sweep_over_every_edge_finds(
            spans in proptest::collection::vec((0u32..40, 0u32..12), 0..40),
        ) {
            // Times on a 0.25 ms grid: many shared instants, back-to-back and within SKEW_MS.
            let tasks: Vec<TaskRecord> = spans
                .iter()
                .enumerate()
                .map(|(i, &(start, len))| {
                    let start = f64::from(start) * 0.25;
                    let end = start + f64::from(len) * 0.25 + if i % 3 == 0 { SKEW_MS } else { 0.0 };
                    TaskRecord::from_segments(i as u32, Lane::Main, &[(SegmentKind::Wait, start, end)])
                })
                .collect();
            // Every start and end in one sort, ends first at one instant, summed in order.
            let mut edges: Vec<(f64, i64)> = tasks
                .iter()
                .flat_map(|t| &t.segments)
                .filter(|s| s.end_ms - s.start_ms > SKEW_MS)
                .flat_map(|s| [(s.start_ms, 1), (s.end_ms - SKEW_MS, -1)])
                .collect();
            edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let most = edges
                .iter()
                .scan(0i64, |now, (_, d)| {
                    *now += d;
                    Some(*now)
                })
                .max()
                .unwrap_or(0)
                .max(0) as usize;
            proptest::prop_assert_eq!(max_overlapping(&tasks, SegmentKind::Wait), most);
        }
    }

    #[test]
    fn a_task_that_waits_once_holds_one_segment_of_room() {
        let mut r = TaskRecorder::start(0, Lane::Main, 0.0, 0.0);
        r.segment(SegmentKind::Wait, 0.0, 100.0);
        assert_eq!(r.finish(100.0, 0).segments.capacity(), 1);
    }

    #[test]
    fn a_run_without_details_keeps_everything_but_the_task_records() {
        let tasks = vec![
            TaskRecord::from_segments(0, Lane::Main, &[(SegmentKind::Wait, 0.0, 100.0)]),
            TaskRecord::from_segments(1, Lane::Worker(0), &[(SegmentKind::Cpu, 5.0, 30.0)]),
        ];
        let full = RunRecord::new(
            RunHead {
                params: Params {
                    tasks: 3,
                    strategy: Strategy::Threads,
                    ..Params::default()
                },
                threads_used: 2,
                pool_size: 4,
                cores: 8,
                outcome: Outcome::Failed("task 2 panicked".into()),
                hidden_ms: 12.5,
                responsiveness: Responsiveness {
                    longest_stall_ms: 7.0,
                    ..Responsiveness::default()
                },
                scheduler: Some(SchedulerCost {
                    name: SCHEDULERS[0],
                    spawn_us_per_task: 1.5,
                    wakes: 9,
                    us_per_wake: 0.75,
                }),
                startup: Some(Startup {
                    per_worker_ms: 30.0,
                    all_ready_ms: 45.0,
                    memory_bytes: 18_874_368.0,
                }),
                started_at_ms: 1.8e12,
                lag: vec![ProbeSample {
                    at_ms: 10.0,
                    gap_ms: 10.5,
                }],
                environment: None,
            },
            tasks,
        );
        assert!(full.detail_bytes() > 0);
        let lean = full.without_details();
        assert!(lean.tasks.is_empty() && lean.details_dropped);
        assert_eq!(lean.detail_bytes(), 0);
        assert_eq!(lean.lanes(), [Lane::Main, Lane::Worker(0)]);
        assert_eq!(
            lean,
            RunRecord {
                tasks: Vec::new(),
                details_dropped: true,
                ..full.clone()
            }
        );
        assert!(!full.details_dropped, "the original keeps its records");
    }

    #[test]
    fn the_scheduler_cost_leaves_out_what_tasks_computed() {
        // Two tasks that computed 4 ms each inside 4 polls that took 10 ms in all; a third
        // handed its computation to a worker (not inside any poll).
        let mut offloaded =
            TaskRecord::from_segments(2, Lane::Main, &[(SegmentKind::Cpu, 0.0, 30.0)]);
        offloaded.segments[0].lane = Some(Lane::Worker(0));
        let tasks = vec![
            TaskRecord::from_segments(0, Lane::Main, &[(SegmentKind::Cpu, 0.0, 4.0)]),
            TaskRecord::from_segments(1, Lane::Main, &[(SegmentKind::Cpu, 4.0, 8.0)]),
            offloaded,
        ];
        let head = RunHead {
            params: Params {
                tasks: 3,
                strategy: Strategy::Async,
                ..Params::default()
            },
            threads_used: 1,
            pool_size: 2,
            cores: 2,
            outcome: Outcome::Done,
            hidden_ms: 0.0,
            responsiveness: Responsiveness::default(),
            scheduler: Some(SchedulerCost {
                name: SCHEDULERS[0],
                spawn_us_per_task: 1.0,
                wakes: 4,
                us_per_wake: 2_500.0,
            }),
            startup: None,
            started_at_ms: 0.0,
            lag: Vec::new(),
            environment: None,
        };
        let cost = RunRecord::new(head, tasks).head.scheduler.unwrap();
        assert_eq!(cost.us_per_wake, 500.0, "(10 ms - 8 ms) / 4 wake-ups");
        assert_eq!((cost.wakes, cost.spawn_us_per_task), (4, 1.0));
    }

    #[test]
    fn the_latest_run_of_each_strategy_is_found_by_name() {
        let io = Params::default();
        let cpu = Params {
            workload: crate::model::experiment::params::Workload::Cpu,
            ..io
        };
        let run = |strategy, params: Params, started_at_ms| {
            let mut head = RunHead::for_test(strategy, params);
            head.started_at_ms = started_at_ms;
            RunRecord::new(head, Vec::new())
        };
        let runs = [
            run(Strategy::Sequential, io, 1.0),
            run(Strategy::Threads, io, 2.0),
            run(Strategy::Sequential, cpu, 3.0),
            run(Strategy::Sequential, io, 4.0),
        ];
        // Whatever strategy the asked-for parameters name.
        let latest = LatestRuns::among(
            runs.iter(),
            &Params {
                strategy: Strategy::Gil,
                ..io
            },
        );
        assert_eq!(latest.sequential().map(|r| r.head.started_at_ms), Some(4.0));
        assert_eq!(
            latest.of(Strategy::Threads).map(|r| r.head.started_at_ms),
            Some(2.0)
        );
        assert!(latest.of(Strategy::Async).is_none());
        let order: Vec<Strategy> = latest.iter().map(|(s, _)| s).collect();
        assert_eq!(order, Strategy::ALL);
        assert!(
            Strategy::ALL
                .iter()
                .enumerate()
                .all(|(i, s)| s.index() == i)
        );
    }

    #[test]
    fn waits_never_merge() {
        let mut r = TaskRecorder::start(0, Lane::Main, 0.0, 0.0);
        r.segment(SegmentKind::Wait, 0.0, 10.0);
        r.segment(SegmentKind::Wait, 10.0, 20.0);
        assert_eq!(r.finish(20.0, 0).segments.len(), 2);
    }
}
