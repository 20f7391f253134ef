//! The app's shared state and the actions that change it.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::caps::Capabilities;
use crate::model::fault::Injected;
use crate::model::gate::{self, Pool};
use crate::model::kernel::Calibration;
use crate::model::params::{Checked, FormText, Params, Strategy};
use crate::model::persist;
use crate::model::record::{Outcome, RunHead, RunRecord, TaskRecord};
use crate::model::stats::Responsiveness;
use crate::model::theory::{Theory, expected};
use crate::model::timeline::OpenTask;
use crate::model::url::View;
use crate::runtime::exec::{self, CancelToken};
use crate::runtime::{clock, faults, threads};

/// How often a run (or a memory measurement) asked for during the warm-up checks whether it
/// has ended, in ms.
pub const WARM_UP_POLL_MS: f64 = 5.0;

/// The thread pool as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolView {
    Starting {
        workers: u32,
    },
    Ready {
        workers: u32,
        took_ms: f64,
    },
    /// Threads cannot run in this page at all (no isolation, no shared memory).
    Unavailable(String),
    /// The pool failed (a worker faulted or could not start); a restart may fix it, with a
    /// smaller pool when only `started` workers could start.
    Failed {
        why: String,
        started: Option<u32>,
    },
}

impl PoolView {
    /// Workers in the running pool (0 while starting or when unavailable).
    pub fn workers(&self) -> u32 {
        if let PoolView::Ready { workers, .. } = self {
            *workers
        } else {
            0
        }
    }

    /// The pool as the run gate sees it.
    pub fn gate(&self) -> Pool {
        match self {
            PoolView::Starting { .. } => Pool::Starting,
            PoolView::Ready { workers, .. } => Pool::Ready(*workers),
            PoolView::Unavailable(why) => Pool::Unavailable(why.clone()),
            PoolView::Failed { why, .. } => {
                Pool::Unavailable(format!("the pool failed ({why}); restart it"))
            }
        }
    }
}

/// The run in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Running {
    pub strategy: Strategy,
    pub done: u32,
    pub total: u32,
    pub elapsed_ms: f64,
}

/// The run the timeline shows: filled live while it runs, then the finished run itself.
/// Records are moved here from the executor and then into the run: never two copies.
#[derive(Debug, Clone, Default)]
pub struct LiveRun {
    pub strategy: Option<Strategy>,
    /// The lanes of workers it shows: the pool's size for pool strategies, the process count
    /// for processes.
    pub workers: u32,
    pub tasks: u32,
    /// Records so far, while running.
    pub(super) arrived: Vec<TaskRecord>,
    /// The run once finished (shared with the results).
    pub(super) finished: Option<Arc<RunRecord>>,
    pub open: HashMap<u32, OpenTask>,
    pub elapsed_ms: f64,
    /// The axis length while running (theory, grown as time passes), then the makespan.
    pub span_ms: f64,
    pub running: bool,
}

impl LiveRun {
    /// The records to draw: those so far while running, then the finished run's.
    pub fn records(&self) -> &[TaskRecord] {
        self.finished.as_ref().map_or(&self.arrived, |r| &r.tasks)
    }
}

/// A run that could not start or ended in a fault, for the page.
#[derive(Debug, Clone, PartialEq)]
pub struct RunError {
    pub text: String,
    /// For faults: ms from the fault to this message.
    pub report_ms: Option<f64>,
}

impl RunError {
    pub(super) fn new(text: String) -> Self {
        RunError {
            text,
            report_ms: None,
        }
    }
}

/// Which sweep is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepKind {
    Speedup,
    Growth,
}

/// A sweep in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepProgress {
    pub kind: SweepKind,
    pub done: usize,
    pub total: usize,
}

/// One measured point of a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub strategy: Strategy,
    pub threads: u32,
    pub tasks: u32,
    pub makespan_ms: f64,
}

/// This browser's results and its last Run all, kept aside while an imported file is shown.
pub(super) type OwnRuns = (Vec<Arc<RunRecord>>, Vec<Arc<RunRecord>>);

/// Everything components share. `Copy`: signals are handles.
#[derive(Clone, Copy)]
pub struct AppState {
    pub caps: Capabilities,
    /// How the link asks the page to show itself (compact embed, autorun, theme).
    pub view: View,
    /// Messages from the embedding page that were ignored (malformed, unknown, or a run
    /// asked for during one).
    pub ignored_messages: RwSignal<u32>,
    /// The pool size asked for (URL `pool`, else the core count; a restart may change it).
    pub pool_requested: RwSignal<u32>,
    /// Whether the URL names the pool size (then links keep it).
    pub pool_in_url: RwSignal<bool>,
    pub form: RwSignal<FormText>,
    pub checked: Memo<Checked>,
    /// Each strategy's theory for the checked parameters, in `Strategy::ALL` order (computed
    /// once per change: it simulates the scheduler).
    pub theories: Memo<Vec<Theory>>,
    pub pool: RwSignal<PoolView>,
    pub calibration: RwSignal<Option<Calibration>>,
    /// Milliseconds from navigation start until the page could run experiments.
    pub ready_ms: RwSignal<Option<f64>>,
    pub running: RwSignal<Option<Running>>,
    /// Finished runs, shared (a run may hold 100,000 task records; views clone the `Arc`).
    pub results: RwSignal<Vec<Arc<RunRecord>>>,
    pub notices: RwSignal<Vec<String>>,
    pub run_error: RwSignal<Option<RunError>>,
    /// The timeline's run; `live_version` changes whenever it does (at most 10 times a second).
    pub live: StoredValue<LiveRun>,
    pub live_version: RwSignal<u64>,
    /// Every strategy's run from the last "Run all".
    pub last_run_all: RwSignal<Vec<Arc<RunRecord>>>,
    pub sweep: RwSignal<Option<SweepProgress>>,
    /// A measurement outside the runs that is going (a demo, the memory panel, a claim's own
    /// measurement): which one. Runs wait for it, as it waits for them: both use the pool,
    /// the main thread and the allocator's counts.
    pub measuring: RwSignal<Option<&'static str>>,
    /// Speedup sweep results (and the workload they were measured on).
    pub speedup_points: RwSignal<(Option<Params>, Vec<SweepPoint>)>,
    /// Cost-growth sweep results (and the workload they were measured on).
    pub growth_points: RwSignal<(Option<Params>, Vec<SweepPoint>)>,
    /// Runs measured in this browser, this visit and earlier ones, oldest first, without
    /// their task records: kept in `localStorage`, bounded by `model::history`.
    pub history: RwSignal<Vec<Arc<RunRecord>>>,
    /// The history run other runs are compared with, if one is pinned.
    pub baseline: RwSignal<Option<Arc<RunRecord>>>,
    /// What the page shows instead of this browser's runs: an imported file's label.
    pub imported: RwSignal<Option<String>>,
    /// This browser's results and last Run all while an imported file is shown.
    pub(super) stashed: StoredValue<Option<OwnRuns>>,
    /// The replay's playhead on the timeline's run, ms from its start (`None`: no replay).
    pub playhead: RwSignal<Option<f64>>,
    pub(super) cancel: StoredValue<Option<CancelToken>>,
    /// A test-only fault for the next run it applies to (URL `fault`).
    inject: StoredValue<Option<Injected>>,
    /// The async scheduler's warm-up is running (see [`AppState::warm_up`]).
    pub(super) warming: StoredValue<bool>,
}

impl AppState {
    /// State for a page opened with `form` (from the URL) and `notices` about it.
    pub fn new(
        caps: Capabilities,
        form: FormText,
        pool: Option<u32>,
        view: View,
        notices: Vec<String>,
        inject: Option<Injected>,
    ) -> Self {
        let form = RwSignal::new(form);
        let checked = Memo::new(move |_| form.with(FormText::check));
        let pool_requested = pool.unwrap_or_else(|| caps.default_pool());
        AppState {
            caps,
            view,
            ignored_messages: RwSignal::new(0),
            pool_requested: RwSignal::new(pool_requested),
            pool_in_url: RwSignal::new(pool.is_some()),
            form,
            checked,
            theories: Memo::new(move |_| {
                let p = checked.with(|c| c.params);
                Strategy::ALL
                    .map(|s| expected(s, &Params { strategy: s, ..p }, caps.cores))
                    .to_vec()
            }),
            pool: RwSignal::new(match caps.threads_unavailable() {
                Some(why) => PoolView::Unavailable(why),
                None => PoolView::Starting {
                    workers: pool_requested,
                },
            }),
            calibration: RwSignal::new(None),
            ready_ms: RwSignal::new(None),
            running: RwSignal::new(None),
            results: RwSignal::new(Vec::new()),
            notices: RwSignal::new(notices),
            run_error: RwSignal::new(None),
            live: StoredValue::new(LiveRun::default()),
            live_version: RwSignal::new(0),
            last_run_all: RwSignal::new(Vec::new()),
            sweep: RwSignal::new(None),
            measuring: RwSignal::new(None),
            speedup_points: RwSignal::new((None, Vec::new())),
            growth_points: RwSignal::new((None, Vec::new())),
            history: RwSignal::new(Vec::new()),
            baseline: RwSignal::new(None),
            imported: RwSignal::new(None),
            stashed: StoredValue::new(None),
            playhead: RwSignal::new(None),
            cancel: StoredValue::new(None),
            inject: StoredValue::new(inject),
            warming: StoredValue::new(false),
        }
    }

    /// Runs the async scheduler's warm-up (`exec::warm_up`) once the page is idle; a run
    /// asked for meanwhile starts after it, so the two never overlap.
    pub async fn warm_up(self) {
        self.warming.set_value(true);
        exec::warm_up().await;
        self.warming.set_value(false);
    }

    /// Whether the start-up warm-up is still to come or running: the memory panel waits for
    /// it, since the allocator counts its tasks too.
    pub fn warm_up_pending(self) -> bool {
        self.calibration.with_untracked(Option::is_none) || self.warming.get_value()
    }

    /// The query of the experiment `params` with this page's pool, as links keep it
    /// (reactive).
    pub fn query(&self, params: &Params) -> String {
        let pool = self.pool_in_url.get().then_some(self.pool_requested.get());
        crate::model::url::encode(params, pool)
    }

    /// Whether the page can run: the pool has started (or cannot), the kernel is calibrated
    /// (reactive).
    pub fn page_ready(&self) -> bool {
        self.calibration.with(Option::is_some)
            && !self.pool.with(|p| matches!(p, PoolView::Starting { .. }))
    }

    /// Whether the page has become ready (`ready_ms` is set), as a memo that changes once:
    /// what is built only then (what the first view does not show) waits on it.
    pub fn became_ready(self) -> Memo<bool> {
        Memo::new(move |_| self.ready_ms.with(Option::is_some))
    }

    /// Whether `strategy` may run now, or why not (reactive).
    pub fn can_run(&self, strategy: Strategy) -> Result<(), String> {
        if self.measuring.with(Option::is_some) {
            return Err("a demo or measurement is running".into());
        }
        if self.calibration.with(Option::is_none) {
            return Err("the kernel is still being calibrated".into());
        }
        let theory = self.theory(strategy).makespan_ms;
        self.checked.with(|c| {
            gate::can_run_with_theory(strategy, c, theory, &self.pool.with(PoolView::gate))
        })
    }

    /// Each strategy's latest run of the current workload, in `Strategy::ALL` order (reactive).
    pub fn latest_runs(&self) -> Vec<Option<Arc<RunRecord>>> {
        let params = self.checked.with(|c| c.params);
        self.results.with(|v| {
            Strategy::ALL
                .map(|s| v.iter().rev().find(|r| same_run(r, s, &params)).cloned())
                .to_vec()
        })
    }

    /// The theory for `strategy` on the checked parameters (reactive).
    pub fn theory(&self, strategy: Strategy) -> Theory {
        let i = Strategy::ALL
            .iter()
            .position(|s| *s == strategy)
            .unwrap_or(0);
        self.theories.with(|t| t[i].clone())
    }

    /// Starts the pool anew with `workers` workers (after a fault, or to change its size);
    /// the URL keeps the size when it differs from the default.
    pub fn restart_pool(self, workers: u32) {
        if self.running.get_untracked().is_some() {
            return;
        }
        if workers != self.pool_requested.get_untracked() {
            self.pool_requested.set(workers);
            self.pool_in_url.set(true);
        }
        leptos::task::spawn_local(self.start_pool(workers, None));
    }

    /// Starts (or restarts) the pool with `workers` workers, at once (see
    /// [`threads::start_pool`]); the future shows how that went.
    pub fn start_pool(self, workers: u32, inject: Option<Injected>) -> impl Future<Output = ()> {
        self.pool.set(PoolView::Starting { workers });
        let started = threads::start_pool(workers, inject);
        async move {
            let view = match started.await {
                Ok(took_ms) => PoolView::Ready {
                    workers: threads::pool_size().unwrap_or(0),
                    took_ms,
                },
                Err(e) => PoolView::Failed {
                    why: e.why,
                    started: Some(e.started),
                },
            };
            self.pool.set(view);
        }
    }

    /// The test-only fault, if `applies` to it; taken, so it strikes once.
    pub fn take_inject(self, applies: impl Fn(Injected) -> bool) -> Option<Injected> {
        let inject = self.inject.with_value(|i| i.filter(|f| applies(*f)));
        if inject.is_some() {
            self.inject.set_value(None);
        }
        inject
    }

    /// After a reload caused by a main-thread fault: says what happened and how long the
    /// report took, restores the earlier results, and marks the run that died as failed.
    pub fn recover_from_fault(self) {
        let pending = faults::take_pending().and_then(|p| persist::decode_pending(&p));
        let Some((message, at_ms)) = faults::take_previous_fault() else {
            return;
        };
        let report_ms = (clock::now_ms() - at_ms).max(0.0);
        self.run_error.set(Some(RunError {
            text: format!(
                "The page restarted after a fault on the main thread: {message}. Your earlier results are kept."
            ),
            report_ms: report_ms.is_finite().then_some(report_ms),
        }));
        let (mut runs, _skipped) = faults::saved_results()
            .map(|text| persist::decode_runs(&text))
            .unwrap_or_default();
        // Their records were not saved; the timeline, which needs them, starts empty.
        runs.iter_mut().for_each(|r| r.details_dropped = false);
        let mut runs: Vec<Arc<RunRecord>> = runs.into_iter().map(Arc::new).collect();
        if let Some(p) = pending {
            runs.retain(|r| !same_run(r, p.strategy, &p));
            runs.push(Arc::new(RunRecord::new(
                RunHead {
                    params: p,
                    threads_used: 1,
                    pool_size: 0,
                    cores: self.caps.cores,
                    outcome: Outcome::Failed(format!("the main thread stopped: {message}")),
                    hidden_ms: 0.0,
                    responsiveness: Responsiveness::default(),
                    scheduler: None,
                    startup: None,
                    started_at_ms: clock::now_ms(),
                    lag: Vec::new(),
                },
                Vec::new(),
            )));
        }
        self.results.set(runs);
    }

    /// Asks the run in progress to stop.
    pub fn cancel(self) {
        self.cancel.with_value(|c| {
            if let Some(c) = c {
                c.cancel();
            }
        });
    }
}

/// Whether `run` is `strategy` run on the experiment of `params` (the run a newer one of the
/// same replaces).
pub(super) fn same_run(run: &RunRecord, strategy: Strategy, params: &Params) -> bool {
    run.strategy() == strategy && same_experiment(&run.head.params, params)
}

/// Whether two parameter sets describe the same workload (the strategy aside).
pub fn same_experiment(a: &Params, b: &Params) -> bool {
    Params {
        strategy: Strategy::Async,
        ..*a
    } == Params {
        strategy: Strategy::Async,
        ..*b
    }
}
