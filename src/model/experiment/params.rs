//! The experiment's parameters, their documented bounds, and validation.
//!
//! Form fields and URL values arrive as text. [`parse_field`] turns one text into a value or a
//! message for the person who typed it; [`Params::validate`] checks what depends on several
//! fields (task limits per workload, the CPU budget). Every message names the bound it broke
//! and the safe value used instead.

use std::fmt;

use crate::model::format;

/// Most I/O-bound tasks in one run.
pub const TASKS_MAX_IO: u64 = 1_000_000;
/// Most CPU-bound or mixed tasks in one run.
pub const TASKS_MAX_CPU: u64 = 10_000;
/// Longest wait per step, in ms.
pub const IO_MS_MAX: u64 = 10_000;
/// Longest computation per step, in ms.
pub const CPU_MS_MAX: u64 = 2_000;
/// Most rounds of (wait, compute) per mixed task.
pub const ROUNDS_MAX: u64 = 100;
/// Most worker threads (and the largest pool).
pub const THREADS_MAX: u64 = 128;
/// Most processes: each is a wasm instance with a memory of its own, started with the run.
pub const PROCESSES_MAX: u32 = 16;
/// Longest slice the async strategy computes before yielding, in ms.
pub const YIELD_MAX: u64 = 1_000;
/// Bounds of the GIL's switch interval, in ms (CPython's `sys.setswitchinterval`; default 5).
pub const SWITCH_MS_MIN: u64 = 1;
pub const SWITCH_MS_MAX: u64 = 100;
/// Largest uniform jitter, in percent of `io_ms`.
pub const JITTER_PCT_MAX: u64 = 100;
/// Total CPU work in one run (tasks × rounds × cpu_ms), in ms: a sequential run of the whole
/// budget takes a minute.
pub const CPU_BUDGET_MS: u64 = 60_000;
/// The longest a run's blocking waits may hold the page's main thread (sequential and async
/// runs), in ms: the freeze is the lesson, a browser's "page unresponsive" prompt is not.
pub const FREEZE_MAX_MS: f64 = 10_000.0;
/// A strategy whose expected makespan exceeds this is not run (ms).
pub const STRATEGY_WALL_MAX_MS: f64 = 120_000.0;

/// What each task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Workload {
    /// Each task waits `io_ms` (a timer: the stand-in for a network request).
    Io,
    /// Each task computes for `cpu_ms`.
    Cpu,
    /// Each task does `rounds` × (wait `io_ms`, then compute `cpu_ms`).
    Mixed,
}

impl Workload {
    /// Every workload, in display order.
    pub const ALL: [Workload; 3] = [Workload::Io, Workload::Cpu, Workload::Mixed];

    /// The URL and form key of this workload.
    pub fn key(self) -> &'static str {
        match self {
            Workload::Io => "io",
            Workload::Cpu => "cpu",
            Workload::Mixed => "mixed",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Workload::Io => "I/O-bound (wait)",
            Workload::Cpu => "CPU-bound (compute)",
            Workload::Mixed => "Mixed (wait, then compute)",
        }
    }

    /// Parses a key written by [`Workload::key`].
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.key() == s)
    }

    /// Whether tasks of this workload wait.
    pub fn waits(self) -> bool {
        matches!(self, Workload::Io | Workload::Mixed)
    }

    /// Whether tasks of this workload compute.
    pub fn computes(self) -> bool {
        matches!(self, Workload::Cpu | Workload::Mixed)
    }

    /// The most tasks a run of this workload may have.
    pub fn tasks_max(self) -> u64 {
        if self == Workload::Io {
            TASKS_MAX_IO
        } else {
            TASKS_MAX_CPU
        }
    }
}

/// How each wait's duration varies around `io_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Jitter {
    /// Every wait is exactly `io_ms`.
    None,
    /// Uniform in `io_ms` ± `pct` percent.
    Uniform {
        /// Half-width of the range, in percent of `io_ms`.
        pct: u32,
    },
    /// Exponential with mean `io_ms` (most waits are short, a few are very long), capped at
    /// ten times `io_ms`.
    LongTail,
}

impl Jitter {
    /// The URL form: `none`, `uniform:20`, `tail`.
    pub fn key(self) -> String {
        match self {
            Jitter::None => "none".into(),
            Jitter::Uniform { pct } => format!("uniform:{pct}"),
            Jitter::LongTail => "tail".into(),
        }
    }
}

impl fmt::Display for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Jitter::None => write!(f, "none"),
            Jitter::Uniform { pct } => write!(f, "uniform ±{pct}%"),
            Jitter::LongTail => write!(f, "long tail (exponential)"),
        }
    }
}

/// How a task waits: the articles' two kinds of I/O library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Waits {
    /// Awaited (`aiohttp`, `asyncio.sleep`): an async task gives the event loop back.
    Awaited,
    /// Blocking (`requests.get`, `time.sleep`): the wait holds the thread it runs on. On the
    /// event loop that freezes the page; `run_in_executor` hands it to the pool.
    Blocking,
}

impl Waits {
    pub const ALL: [Waits; 2] = [Waits::Awaited, Waits::Blocking];

    /// The URL and form key.
    pub fn key(self) -> &'static str {
        match self {
            Waits::Awaited => "awaited",
            Waits::Blocking => "blocking",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Waits::Awaited => "awaited (aiohttp)",
            Waits::Blocking => "blocking (requests.get)",
        }
    }
}

/// How tasks are scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// One task after another on the main thread, each wait awaited.
    Sequential,
    /// Every task spawned on the browser event loop; waits overlap; CPU on the main thread.
    Async,
    /// Tasks on a pool of Web Worker threads; waits block their thread.
    Threads,
    /// Threads that must hold one global lock to compute, as CPython's threads hold the GIL:
    /// released while waiting, handed over every `switch_ms`.
    Gil,
    /// Async tasks on the event loop that hand each computation to a pool of `threads`
    /// workers and await it (asyncio's `run_in_executor` / `to_thread`).
    Executor,
    /// Tasks on `threads` processes: workers with a wasm instance and memory of their own,
    /// nothing shared; tasks and results travel as messages (`multiprocessing`).
    Processes,
}

impl Strategy {
    /// Every strategy, in the order "Run all" runs them.
    pub const ALL: [Strategy; 6] = [
        Strategy::Sequential,
        Strategy::Async,
        Strategy::Threads,
        Strategy::Gil,
        Strategy::Executor,
        Strategy::Processes,
    ];

    /// Its place in [`Strategy::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The URL key.
    pub fn key(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::Async => "async",
            Strategy::Threads => "threads",
            Strategy::Gil => "gil",
            Strategy::Executor => "executor",
            Strategy::Processes => "processes",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Sequential => "Sequential",
            Strategy::Async => "Async",
            Strategy::Threads => "Threads",
            Strategy::Gil => "Threads + GIL",
            Strategy::Executor => "Async + executor",
            Strategy::Processes => "Processes",
        }
    }

    /// The Python names readers of the usual articles know.
    pub fn python_name(self) -> &'static str {
        match self {
            Strategy::Sequential => "a plain for loop",
            Strategy::Async => "asyncio",
            Strategy::Threads => {
                "threading in free-threaded CPython (3.13t, 3.14t), or threads in Rust, Java, Go"
            }
            Strategy::Gil => "threading / ThreadPoolExecutor in default CPython, with its GIL",
            Strategy::Executor => "asyncio with run_in_executor / to_thread",
            Strategy::Processes => "multiprocessing / ProcessPoolExecutor",
        }
    }

    /// Whether it runs work on the worker pool (and so needs one, and has worker lanes).
    pub fn uses_pool(self) -> bool {
        matches!(self, Strategy::Threads | Strategy::Gil | Strategy::Executor)
    }

    /// Whether each task runs whole on a worker (else tasks live on the main thread).
    pub fn tasks_on_workers(self) -> bool {
        matches!(
            self,
            Strategy::Threads | Strategy::Gil | Strategy::Processes
        )
    }

    /// Whether it runs on `threads` workers of its own or of the pool (the `threads` field
    /// applies), rather than on the main thread alone.
    pub fn parallel(self) -> bool {
        self.uses_pool() || self == Strategy::Processes
    }

    /// What `n` of its workers are called: threads, or processes.
    pub fn worker_noun(self, n: u32) -> &'static str {
        match (self == Strategy::Processes, n == 1) {
            (true, true) => "process",
            (true, false) => "processes",
            (false, true) => "thread",
            (false, false) => "threads",
        }
    }

    /// Whether its tasks are futures interleaved on the event loop (their waits overlap there).
    pub fn on_event_loop(self) -> bool {
        matches!(self, Strategy::Async | Strategy::Executor)
    }

    /// Parses a key written by [`Strategy::key`].
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.key() == s)
    }
}

/// One parameter of the experiment: its key (URL and form), label, bounds and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Workload,
    Tasks,
    IoMs,
    CpuMs,
    Jitter,
    Waits,
    Rounds,
    Threads,
    YieldEveryMs,
    SwitchMs,
    Seed,
    Strategy,
}

impl Field {
    /// Every field, in form order.
    pub const ALL: [Field; 12] = [
        Field::Workload,
        Field::Tasks,
        Field::IoMs,
        Field::CpuMs,
        Field::Jitter,
        Field::Waits,
        Field::Rounds,
        Field::Threads,
        Field::YieldEveryMs,
        Field::SwitchMs,
        Field::Seed,
        Field::Strategy,
    ];

    /// The URL query key and form field name.
    pub fn key(self) -> &'static str {
        match self {
            Field::Workload => "workload",
            Field::Tasks => "tasks",
            Field::IoMs => "io_ms",
            Field::CpuMs => "cpu_ms",
            Field::Jitter => "jitter",
            Field::Waits => "waits",
            Field::Rounds => "rounds",
            Field::Threads => "threads",
            Field::YieldEveryMs => "yield_every_ms",
            Field::SwitchMs => "switch_ms",
            Field::Seed => "seed",
            Field::Strategy => "strategy",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Field::Workload => "Workload",
            Field::Tasks => "Tasks",
            Field::IoMs => "Wait per step (io_ms)",
            Field::CpuMs => "Compute per step (cpu_ms)",
            Field::Jitter => "Wait jitter",
            Field::Waits => "Waits are",
            Field::Rounds => "Rounds (mixed)",
            Field::Threads => "Threads / processes",
            Field::YieldEveryMs => "Main thread yields every (ms)",
            Field::SwitchMs => "GIL switch interval (ms)",
            Field::Seed => "Seed",
            Field::Strategy => "Strategy",
        }
    }

    /// Finds a field by its key.
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == s)
    }

    /// Inclusive bounds of a numeric field.
    pub fn bounds(self) -> Option<(u64, u64)> {
        match self {
            Field::Tasks => Some((1, TASKS_MAX_IO)),
            Field::IoMs => Some((0, IO_MS_MAX)),
            Field::CpuMs => Some((0, CPU_MS_MAX)),
            Field::Rounds => Some((1, ROUNDS_MAX)),
            Field::Threads => Some((1, THREADS_MAX)),
            Field::YieldEveryMs => Some((0, YIELD_MAX)),
            Field::SwitchMs => Some((SWITCH_MS_MIN, SWITCH_MS_MAX)),
            Field::Seed => Some((0, u32::MAX as u64)),
            Field::Workload | Field::Jitter | Field::Waits | Field::Strategy => None,
        }
    }

    /// The default's text, as the form shows it.
    pub fn default_text(self) -> String {
        Params::default().text(self)
    }
}

/// A parsed value of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Number(u64),
    Workload(Workload),
    Jitter(Jitter),
    Waits(Waits),
    Strategy(Strategy),
}

/// Parses the text of one field.
///
/// # Errors
/// A message for the person who typed `text`: what is wrong and what is allowed.
pub fn parse_field(field: Field, text: &str) -> Result<Value, String> {
    let t = text.trim();
    match field {
        Field::Workload => Workload::from_key(t).map(Value::Workload).ok_or_else(|| {
            format!(
                "unknown workload “{}”: choose io, cpu or mixed",
                format::clip(t)
            )
        }),
        Field::Strategy => Strategy::from_key(t).map(Value::Strategy).ok_or_else(|| {
            let keys: Vec<&str> = Strategy::ALL.iter().map(|s| s.key()).collect();
            format!(
                "unknown strategy “{}”: choose {}",
                format::clip(t),
                keys.join(", ")
            )
        }),
        Field::Jitter => parse_jitter(t).map(Value::Jitter),
        Field::Waits => Waits::ALL
            .into_iter()
            .find(|w| w.key() == t)
            .map(Value::Waits)
            .ok_or_else(|| {
                format!(
                    "unknown waits “{}”: choose awaited or blocking",
                    format::clip(t)
                )
            }),
        _ => {
            let (lo, hi) = field.bounds().expect("numeric field");
            parse_bounded(t, lo, hi).map(Value::Number)
        }
    }
}

/// Parses a whole number from `lo` to `hi` (inclusive), as every numeric field does.
///
/// # Errors
/// A message for the person who typed `text`: what is wrong and what is allowed.
pub fn parse_bounded(text: &str, lo: u64, hi: u64) -> Result<u64, String> {
    let n = parse_number(text.trim())?;
    if n < lo as f64 || n > hi as f64 {
        return Err(format!(
            "must be from {} to {}",
            format::count(lo),
            format::count(hi)
        ));
    }
    if n.fract() != 0.0 {
        return Err("must be a whole number".into());
    }
    Ok(n as u64)
}

/// Parses a number as people type it (`20_000`, `20,000`).
///
/// # Errors
/// A message for the person who typed `t`: it is empty or not a number.
pub fn parse_number(t: &str) -> Result<f64, String> {
    if t.is_empty() {
        return Err("is empty: enter a number".into());
    }
    let cleaned: String = t.chars().filter(|c| *c != '_' && *c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(format!("“{}” is not a number", format::clip(t))),
    }
}

fn parse_jitter(t: &str) -> Result<Jitter, String> {
    match t {
        "none" | "" => Ok(Jitter::None),
        "tail" | "exp" | "exponential" => Ok(Jitter::LongTail),
        _ => {
            let pct = t
                .strip_prefix("uniform:")
                .or_else(|| t.strip_prefix("uniform"))
                .ok_or_else(|| {
                    format!(
                        "unknown jitter “{}”: choose none, uniform:PCT or tail",
                        format::clip(t)
                    )
                })?;
            let pct: u64 = pct
                .trim()
                .parse()
                .map_err(|_| format!("“{}” is not a whole percentage", format::clip(pct)))?;
            if pct > JITTER_PCT_MAX {
                return Err(format!("uniform jitter must be 0% to {JITTER_PCT_MAX}%"));
            }
            Ok(Jitter::Uniform { pct: pct as u32 })
        }
    }
}

/// The whole experiment's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub workload: Workload,
    pub tasks: u32,
    pub io_ms: u32,
    pub cpu_ms: u32,
    pub jitter: Jitter,
    /// Whether waits are awaited or block their thread.
    pub waits: Waits,
    pub rounds: u32,
    pub threads: u32,
    pub yield_every_ms: u32,
    /// How long a thread computes before handing the GIL over to a waiting one, in ms.
    pub switch_ms: u32,
    pub seed: u32,
    /// The strategy "Run" runs (and the link reproduces).
    pub strategy: Strategy,
}

impl Default for Params {
    /// The articles' experiment: 50 requests of 100 ms.
    fn default() -> Self {
        Params {
            workload: Workload::Io,
            tasks: 50,
            io_ms: 100,
            cpu_ms: 20,
            jitter: Jitter::None,
            waits: Waits::Awaited,
            rounds: 1,
            threads: 2,
            yield_every_ms: 5,
            switch_ms: 5,
            seed: 1,
            strategy: Strategy::Async,
        }
    }
}

/// A message about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl Params {
    /// The text of one field, as the form and the URL write it.
    pub fn text(&self, field: Field) -> String {
        match field {
            Field::Workload => self.workload.key().into(),
            Field::Tasks => self.tasks.to_string(),
            Field::IoMs => self.io_ms.to_string(),
            Field::CpuMs => self.cpu_ms.to_string(),
            Field::Jitter => self.jitter.key(),
            Field::Waits => self.waits.key().into(),
            Field::Rounds => self.rounds.to_string(),
            Field::Threads => self.threads.to_string(),
            Field::YieldEveryMs => self.yield_every_ms.to_string(),
            Field::SwitchMs => self.switch_ms.to_string(),
            Field::Seed => self.seed.to_string(),
            Field::Strategy => self.strategy.key().into(),
        }
    }

    /// Sets one field from a parsed value (a value of the wrong kind is ignored).
    pub fn set(&mut self, field: Field, value: Value) {
        let n = |v: Value| {
            if let Value::Number(n) = v {
                Some(n as u32)
            } else {
                None
            }
        };
        match (field, value) {
            (Field::Workload, Value::Workload(w)) => self.workload = w,
            (Field::Jitter, Value::Jitter(j)) => self.jitter = j,
            (Field::Waits, Value::Waits(w)) => self.waits = w,
            (Field::Strategy, Value::Strategy(s)) => self.strategy = s,
            (Field::Tasks, v) => self.tasks = n(v).unwrap_or(self.tasks),
            (Field::IoMs, v) => self.io_ms = n(v).unwrap_or(self.io_ms),
            (Field::CpuMs, v) => self.cpu_ms = n(v).unwrap_or(self.cpu_ms),
            (Field::Rounds, v) => self.rounds = n(v).unwrap_or(self.rounds),
            (Field::Threads, v) => self.threads = n(v).unwrap_or(self.threads),
            (Field::YieldEveryMs, v) => self.yield_every_ms = n(v).unwrap_or(self.yield_every_ms),
            (Field::SwitchMs, v) => self.switch_ms = n(v).unwrap_or(self.switch_ms),
            (Field::Seed, v) => self.seed = n(v).unwrap_or(self.seed),
            _ => {}
        }
    }

    /// Whether the tasks' waits block the thread they run on (the workload waits, blocking).
    pub fn blocking_waits(&self) -> bool {
        self.waits == Waits::Blocking && self.workload.waits()
    }

    /// Rounds each task really does: only mixed tasks repeat.
    pub fn effective_rounds(&self) -> u32 {
        if self.workload == Workload::Mixed {
            self.rounds
        } else {
            1
        }
    }

    /// The experiment in one line: `50 waits of 100 ms · Async`.
    pub fn summary(&self) -> String {
        let n = format::count(u64::from(self.tasks));
        let (io, cpu) = (
            format::ms(self.io_ms.into()),
            format::ms(self.cpu_ms.into()),
        );
        let wait = if self.blocking_waits() {
            "blocking wait"
        } else {
            "wait"
        };
        let work = match self.workload {
            Workload::Io => format!("{n} {wait}s of {io}"),
            Workload::Cpu => format!("{n} computations of {cpu}"),
            Workload::Mixed => format!(
                "{n} tasks of {} × ({io} {wait}, {cpu} compute)",
                self.effective_rounds()
            ),
        };
        let on = if self.strategy.parallel() {
            format!(
                " on {} {}",
                self.threads,
                self.strategy.worker_noun(self.threads)
            )
        } else {
            String::new()
        };
        format!("{work} · {}{on}", self.strategy.label())
    }

    /// Checks the rules that involve several fields. An empty list means the experiment may run.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let max = self.workload.tasks_max();
        if u64::from(self.tasks) > max {
            errors.push(FieldError {
                field: Field::Tasks,
                message: format!(
                    "{} workloads allow at most {} tasks",
                    self.workload.key(),
                    format::count(max)
                ),
            });
        }
        if self.workload.computes() {
            let total =
                u64::from(self.tasks) * u64::from(self.effective_rounds()) * u64::from(self.cpu_ms);
            if total > CPU_BUDGET_MS {
                errors.push(FieldError {
                    field: Field::CpuMs,
                    message: format!(
                        "tasks × rounds × cpu_ms = {} ms of CPU work, over the {} ms budget per run",
                        format::count(total),
                        format::count(CPU_BUDGET_MS)
                    ),
                });
            }
        }
        errors
    }
}

/// The form's state: the text of every field as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormText {
    texts: Vec<(Field, String)>,
}

impl FormText {
    /// The form filled with `params`.
    pub fn from_params(params: &Params) -> Self {
        Self {
            texts: Field::ALL.iter().map(|f| (*f, params.text(*f))).collect(),
        }
    }

    /// The text of `field`.
    pub fn get(&self, field: Field) -> &str {
        self.texts
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    }

    /// Replaces the text of `field`.
    pub fn set(&mut self, field: Field, text: impl Into<String>) {
        let text = text.into();
        match self.texts.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = text,
            None => self.texts.push((field, text)),
        }
    }

    /// Parses every field. The returned params hold the typed value where it is valid and the
    /// default where it is not; the errors say which fields need fixing before a run.
    pub fn check(&self) -> Checked {
        let mut params = Params::default();
        let mut errors = Vec::new();
        for field in Field::ALL {
            match parse_field(field, self.get(field)) {
                Ok(v) => params.set(field, v),
                Err(message) => errors.push(FieldError { field, message }),
            }
        }
        errors.extend(params.validate());
        Checked { params, errors }
    }
}

/// The outcome of checking a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub params: Params,
    pub errors: Vec<FieldError>,
}

impl Checked {
    /// The first message about `field`, if any.
    pub fn error(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether the experiment may run.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Property-test strategies for parameters, shared by the codecs' tests.
#[cfg(test)]
pub(crate) mod arb {
    use super::{Jitter, Params, Strategy as Strat, Waits, Workload};
    use proptest::prelude::*;

    /// Any parameters every field accepts (cross-field rules aside).
    pub(crate) fn arb_params() -> impl Strategy<Value = Params> {
        (
            prop::sample::select(Workload::ALL.to_vec()),
            1u32..=1_000_000,
            0u32..=10_000,
            0u32..=2_000,
            prop_oneof![
                Just(Jitter::None),
                Just(Jitter::LongTail),
                (0u32..=100).prop_map(|pct| Jitter::Uniform { pct })
            ],
            (1u32..=100, 1u32..=128, 0u32..=1_000, any::<u32>()),
            (
                prop::sample::select(Strat::ALL.to_vec()),
                1u32..=100,
                prop::sample::select(Waits::ALL.to_vec()),
            ),
        )
            .prop_map(
                |(
                    workload,
                    tasks,
                    io_ms,
                    cpu_ms,
                    jitter,
                    (rounds, threads, yield_every_ms, seed),
                    (strategy, switch_ms, waits),
                )| {
                    Params {
                        workload,
                        tasks,
                        io_ms,
                        cpu_ms,
                        jitter,
                        waits,
                        rounds,
                        threads,
                        yield_every_ms,
                        switch_ms,
                        seed,
                        strategy,
                    }
                },
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(field: Field, text: &str) -> Result<u64, String> {
        parse_field(field, text).map(|v| match v {
            Value::Number(n) => n,
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn summaries_name_the_work_and_the_strategy() {
        assert_eq!(Params::default().summary(), "50 waits of 100 ms · Async");
        let p = Params {
            workload: Workload::Cpu,
            tasks: 8,
            strategy: Strategy::Threads,
            ..Params::default()
        };
        assert_eq!(
            p.summary(),
            "8 computations of 20.0 ms · Threads on 2 threads"
        );
        let p = Params {
            workload: Workload::Mixed,
            rounds: 3,
            ..Params::default()
        };
        assert_eq!(
            p.summary(),
            "50 tasks of 3 × (100 ms wait, 20.0 ms compute) · Async"
        );
    }

    #[test]
    fn every_numeric_bound_is_inclusive_and_enforced() {
        for field in Field::ALL {
            let Some((lo, hi)) = field.bounds() else {
                continue;
            };
            assert_eq!(num(field, &lo.to_string()), Ok(lo), "{field:?} low");
            assert_eq!(num(field, &hi.to_string()), Ok(hi), "{field:?} high");
            let above = num(field, &(hi + 1).to_string()).unwrap_err();
            assert!(above.contains(&format::count(hi)), "{field:?}: {above}");
            if lo > 0 {
                assert!(
                    num(field, &(lo - 1).to_string()).is_err(),
                    "{field:?} below"
                );
            }
            assert!(num(field, "-1").is_err(), "{field:?} negative");
        }
    }

    #[test]
    fn documented_bounds() {
        assert_eq!(Field::Tasks.bounds(), Some((1, 1_000_000)));
        assert_eq!(Field::Threads.bounds(), Some((1, 128)));
        assert_eq!(Field::IoMs.bounds(), Some((0, 10_000)));
        assert_eq!(Field::CpuMs.bounds(), Some((0, 2_000)));
        assert_eq!(Field::Rounds.bounds(), Some((1, 100)));
        assert_eq!(Field::YieldEveryMs.bounds(), Some((0, 1_000)));
    }

    #[test]
    fn malformed_numbers_get_a_message() {
        assert_eq!(
            num(Field::Tasks, ""),
            Err("is empty: enter a number".into())
        );
        assert!(
            num(Field::Tasks, "abc")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            num(Field::Tasks, "NaN")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            num(Field::Tasks, "inf")
                .unwrap_err()
                .contains("not a number")
        );
        assert_eq!(
            num(Field::Tasks, "2.5"),
            Err("must be a whole number".into())
        );
        assert!(num(Field::Tasks, "1e9").unwrap_err().contains("1,000,000"));
    }

    #[test]
    fn friendly_number_forms_are_accepted() {
        assert_eq!(num(Field::Tasks, " 10,000 "), Ok(10_000));
        assert_eq!(num(Field::Tasks, "10_000"), Ok(10_000));
        assert_eq!(num(Field::Tasks, "1e4"), Ok(10_000));
    }

    #[test]
    fn enums_parse_and_reject() {
        assert_eq!(
            parse_field(Field::Workload, "mixed"),
            Ok(Value::Workload(Workload::Mixed))
        );
        assert!(
            parse_field(Field::Workload, "gpu")
                .unwrap_err()
                .contains("io, cpu or mixed")
        );
        assert_eq!(
            parse_field(Field::Strategy, "threads"),
            Ok(Value::Strategy(Strategy::Threads))
        );
        assert!(parse_field(Field::Strategy, "fibers").is_err());
        assert_eq!(
            parse_field(Field::Jitter, "uniform:20"),
            Ok(Value::Jitter(Jitter::Uniform { pct: 20 }))
        );
        assert_eq!(
            parse_field(Field::Jitter, "tail"),
            Ok(Value::Jitter(Jitter::LongTail))
        );
        assert_eq!(
            parse_field(Field::Jitter, "none"),
            Ok(Value::Jitter(Jitter::None))
        );
        assert!(parse_field(Field::Jitter, "uniform:101").is_err());
        assert!(parse_field(Field::Jitter, "uniform:x").is_err());
        assert!(parse_field(Field::Jitter, "gaussian").is_err());
        assert_eq!(
            parse_field(Field::Waits, " blocking "),
            Ok(Value::Waits(Waits::Blocking))
        );
        let why = parse_field(Field::Waits, "sometimes").unwrap_err();
        assert!(why.contains("awaited or blocking"), "{why}");
    }

    #[test]
    fn cpu_workloads_allow_fewer_tasks() {
        let p = Params {
            workload: Workload::Cpu,
            tasks: 10_001,
            cpu_ms: 1,
            ..Params::default()
        };
        let errs = p.validate();
        assert_eq!(errs[0].field, Field::Tasks);
        assert!(errs[0].message.contains("10,000"));
        let io = Params {
            workload: Workload::Io,
            tasks: 100_000,
            ..Params::default()
        };
        assert!(io.validate().is_empty());
    }

    #[test]
    fn the_cpu_budget_counts_rounds_only_for_mixed() {
        let mixed = Params {
            workload: Workload::Mixed,
            tasks: 100,
            rounds: 10,
            cpu_ms: 61,
            ..Params::default()
        };
        let e = mixed.validate();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, Field::CpuMs);
        assert!(e[0].message.contains("61,000"), "{}", e[0].message);
        let cpu = Params {
            workload: Workload::Cpu,
            rounds: 10,
            ..mixed
        };
        assert!(cpu.validate().is_empty(), "rounds do not apply to cpu");
        let io = Params {
            workload: Workload::Io,
            cpu_ms: 2000,
            tasks: 100_000,
            ..Params::default()
        };
        assert!(io.validate().is_empty(), "cpu_ms does not apply to io");
    }

    #[test]
    fn form_check_keeps_good_fields_and_reports_bad_ones() {
        let mut form = FormText::from_params(&Params::default());
        assert!(form.check().is_valid());
        form.set(Field::Tasks, "lots");
        form.set(Field::IoMs, "250");
        let checked = form.check();
        assert!(!checked.is_valid());
        assert!(
            checked
                .error(Field::Tasks)
                .unwrap()
                .contains("not a number")
        );
        assert_eq!(checked.params.tasks, Params::default().tasks, "safe value");
        assert_eq!(checked.params.io_ms, 250, "good fields are kept");
        assert_eq!(form.get(Field::Tasks), "lots", "the typed text is kept");
    }

    #[test]
    fn field_texts_round_trip() {
        let p = Params {
            workload: Workload::Mixed,
            tasks: 123,
            io_ms: 7,
            cpu_ms: 3,
            jitter: Jitter::Uniform { pct: 15 },
            waits: Waits::Blocking,
            rounds: 4,
            threads: 9,
            yield_every_ms: 0,
            switch_ms: 12,
            seed: 99,
            strategy: Strategy::Gil,
        };
        let checked = FormText::from_params(&p).check();
        assert_eq!(checked.params, p);
        assert!(checked.is_valid());
    }
}
