//! Running experiments: Run, Run all, sweeps and claims, one run at a time, each measured by
//! `runtime::exec::run`, drawn live on the timeline and kept in the [`Library`]; Cancel; and
//! whether a strategy may run now.

use std::sync::Arc;

use leptos::prelude::*;

use super::experiment::Experiment;
use super::library::Library;
use super::page::Page;
use super::pool::{PoolState, PoolView};
use super::timeline::{LiveRun, TimelineRun};
use crate::model::charts::sweep::{self, Point};
use crate::model::experiment::gate;
use crate::model::experiment::kernel::Calibration;
use crate::model::experiment::params::{Checked, Params, Strategy};
use crate::model::experiment::theory::expected;
use crate::model::experiment::workload::Plan;
use crate::model::findings::claims::Claim;
use crate::model::memory;
use crate::model::page::embed;
use crate::model::run::record::{Outcome, RunHead, RunRecord, gather};
use crate::model::store::persist;
use crate::model::timeline::TASK_VIEW_MAX;
use crate::runtime::exec::{self, CancelToken, RunRequest};
use crate::runtime::{clock, embed as frame, faults, pool, timer};

/// The pause between the runs of a Run all or a sweep, in ms: long enough for the page to
/// render one run's results (a few frames) before the next run's clock starts.
const SETTLE_MS: f64 = 50.0;

/// The run in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Running {
    pub strategy: Strategy,
    pub done: u32,
    pub total: u32,
    pub elapsed_ms: f64,
}

/// A run that could not start or ended in a fault, for the page.
#[derive(Debug, Clone, PartialEq)]
pub struct RunError {
    pub text: String,
    /// For faults: ms from the fault to this message.
    pub report_ms: Option<f64>,
}

impl RunError {
    fn new(text: String) -> Self {
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

/// Sweep results and the workload they were measured on.
pub type SweepPoints = RwSignal<(Option<Params>, Vec<SweepPoint>)>;

/// The runner, provided as context.
#[derive(Clone, Copy)]
pub struct Runner {
    pub running: RwSignal<Option<Running>>,
    pub run_error: RwSignal<Option<RunError>>,
    pub sweep: RwSignal<Option<SweepProgress>>,
    pub speedup_points: SweepPoints,
    pub growth_points: SweepPoints,
    /// A measurement outside the runs that is going (a demo, the memory panel, a claim's own
    /// measurement): which one. Runs wait for it, as it waits for them: both use the pool,
    /// the main thread and the allocator's counts.
    pub measuring: RwSignal<Option<&'static str>>,
    cancel: StoredValue<Option<CancelToken>>,
    page: Page,
    pool: PoolState,
    experiment: Experiment,
    library: Library,
    timeline: TimelineRun,
}

/// Whether `strategy` may run on `checked` now: the gate's rules, then what the run would hold.
fn may_run(
    strategy: Strategy,
    checked: &Checked,
    theory_ms: f64,
    pool: &gate::Pool,
) -> Result<(), String> {
    gate::can_run_with_theory(strategy, checked, theory_ms, pool)?;
    memory::run_fits(&Params {
        strategy,
        ..checked.params
    })
}

impl Runner {
    /// A runner whose runs are shown in `running` (created before, for the pool to see).
    pub fn new(
        running: RwSignal<Option<Running>>,
        page: Page,
        pool: PoolState,
        experiment: Experiment,
        library: Library,
        timeline: TimelineRun,
    ) -> Self {
        Runner {
            running,
            run_error: RwSignal::new(None),
            sweep: RwSignal::new(None),
            speedup_points: RwSignal::new((None, Vec::new())),
            growth_points: RwSignal::new((None, Vec::new())),
            measuring: RwSignal::new(None),
            cancel: StoredValue::new(None),
            page,
            pool,
            experiment,
            library,
            timeline,
        }
    }

    /// Whether a run, a sweep or a measurement is going (reactive).
    pub fn busy(self) -> bool {
        self.running.with(Option::is_some)
            || self.sweep.with(Option::is_some)
            || self.measuring.with(Option::is_some)
    }

    /// Whether `strategy` may run now, or why not (reactive).
    pub fn can_run(self, strategy: Strategy) -> Result<(), String> {
        if self.measuring.with(Option::is_some) {
            return Err("a demo or measurement is running".into());
        }
        // An experiment that only waits computes nothing: it need not wait for the calibration.
        if self.pool.calibration.with(Option::is_none)
            && self
                .experiment
                .checked
                .with(|c| c.params.workload.computes())
        {
            return Err("the kernel is still being calibrated".into());
        }
        let theory = self.experiment.theory(strategy).makespan_ms;
        self.experiment
            .checked
            .with(|c| may_run(strategy, c, theory, &self.pool.view.with(PoolView::gate)))
    }

    /// Loads `claim`'s experiment into the form (and so the URL), starts a pool as large as it
    /// needs when this one is smaller, and runs its strategies; ends when they have (at once
    /// when busy).
    pub async fn claim_runs(self, claim: &'static Claim) {
        if self.running.get_untracked().is_some() {
            return;
        }
        let Some(link) = claim.link() else {
            return;
        };
        self.experiment.form.set(link.form);
        let have = self.pool.view.with_untracked(PoolView::workers);
        let threads_here = !self
            .pool
            .view
            .with_untracked(|p| matches!(p, PoolView::Unavailable(_)));
        if let Some(n) = link.pool.filter(|n| threads_here && have < *n) {
            self.pool.requested.set(n);
            self.pool.in_url.set(true);
            self.pool.start(n, None).await;
        }
        if let Some(runs) = self.runs(claim.strategies().to_vec()) {
            runs.await;
        }
    }

    /// Runs `strategies` one after another on the current parameters.
    pub fn run(self, strategies: Vec<Strategy>) {
        if let Some(runs) = self.runs(strategies) {
            leptos::task::spawn_local(runs);
        }
    }

    /// [`Runner::run`]'s runs, to spawn or await; `None` when the runner is busy or not ready.
    fn runs(self, strategies: Vec<Strategy>) -> Option<impl Future<Output = ()> + 'static> {
        let run_all = strategies.len() == Strategy::ALL.len();
        let runnable: Vec<Strategy> = strategies
            .into_iter()
            .filter(|s| self.can_run(*s).is_ok())
            .collect();
        let (cancel, calibration, base) = self.begin()?;
        Some(async move {
            let mut all = Vec::new();
            for (i, strategy) in runnable.into_iter().enumerate() {
                if cancel.is_cancelled() {
                    break;
                }
                if i > 0 {
                    // Let the page render the previous run's results before the next run
                    // starts, or that work would show up as a stall in the next run.
                    timer::sleep(SETTLE_MS).await;
                }
                let params = Params { strategy, ..base };
                match self.run_one(params, calibration, &cancel, true).await {
                    Ok(record) => all.push(record),
                    Err(e) => self.run_error.set(Some(RunError::new(format!(
                        "{} could not run: {e}",
                        strategy.label()
                    )))),
                }
                if self
                    .pool
                    .view
                    .with_untracked(|p| matches!(p, PoolView::Failed { .. }))
                {
                    break;
                }
            }
            if run_all && all.len() == Strategy::ALL.len() && all.iter().all(|r| r.is_complete()) {
                self.library.last_run_all.set(all);
            }
            self.end();
        })
    }

    /// Runs a sweep (every point of it that may run) on the current parameters.
    pub fn sweep(self, kind: SweepKind) {
        let Some((cancel, calibration, base)) = self.begin() else {
            return;
        };
        let pool = self.pool.view.with_untracked(PoolView::workers);
        let cores = self.page.caps.cores;
        let points: Vec<Point> = match kind {
            SweepKind::Speedup => sweep::speedup(&base, pool, cores),
            SweepKind::Growth => sweep::growth(&base, cores),
        };
        let pool_gate = self.pool.view.with_untracked(PoolView::gate);
        let runnable: Vec<Params> = points
            .into_iter()
            .filter(|p| p.skip.is_none())
            .filter(|p| {
                let checked = Checked {
                    params: p.params,
                    errors: Vec::new(),
                };
                may_run(p.params.strategy, &checked, p.theory_ms, &pool_gate).is_ok()
            })
            .map(|p| p.params)
            .collect();
        let target = match kind {
            SweepKind::Speedup => self.speedup_points,
            SweepKind::Growth => self.growth_points,
        };
        target.set((Some(base), Vec::new()));
        let total = runnable.len();
        self.sweep.set(Some(SweepProgress {
            kind,
            done: 0,
            total,
        }));
        leptos::task::spawn_local(async move {
            for (i, params) in runnable.into_iter().enumerate() {
                if cancel.is_cancelled() {
                    break;
                }
                if i > 0 {
                    timer::sleep(SETTLE_MS).await;
                }
                match self.run_one(params, calibration, &cancel, false).await {
                    Ok(r) if r.is_complete() => target.update(|(_, v)| {
                        v.push(SweepPoint {
                            strategy: params.strategy,
                            threads: params.threads,
                            tasks: params.tasks,
                            makespan_ms: r.makespan_ms(),
                        })
                    }),
                    Ok(r) if r.failure().is_some() => break,
                    Ok(_) => {}
                    Err(e) => {
                        self.run_error
                            .set(Some(RunError::new(format!("the sweep stopped: {e}"))));
                        break;
                    }
                }
                self.sweep.set(Some(SweepProgress {
                    kind,
                    done: i + 1,
                    total,
                }));
            }
            self.sweep.set(None);
            self.end();
        });
    }

    /// Asks the run in progress to stop.
    pub fn cancel(self) {
        self.cancel.with_value(|c| {
            if let Some(c) = c {
                c.cancel();
            }
        });
    }

    /// Claims the runner: `None` when busy or not ready.
    fn begin(self) -> Option<(CancelToken, Calibration, Params)> {
        if self.running.get_untracked().is_some() {
            return None;
        }
        let base = self
            .experiment
            .checked
            .with_untracked(|c| c.is_valid().then_some(c.params))?;
        let calibration = match self.pool.calibration.get_untracked() {
            Some(c) => c,
            None if !base.workload.computes() => Plan::uncalibrated(base).calibration,
            None => return None,
        };
        // A run is of this browser: an imported file's runs make way for its own.
        self.library.show_own_runs();
        let cancel = CancelToken::default();
        self.cancel.set_value(Some(cancel.clone()));
        self.run_error.set(None);
        self.running.set(Some(Running {
            strategy: base.strategy,
            done: 0,
            total: base.tasks,
            elapsed_ms: 0.0,
        }));
        Some((cancel, calibration, base))
    }

    fn end(self) {
        self.running.set(None);
        self.cancel.set_value(None);
    }

    /// Runs one experiment, feeding the progress bar and, when `live`, the timeline, and
    /// keeps it (live runs) in the library.
    async fn run_one(
        self,
        params: Params,
        calibration: Calibration,
        cancel: &CancelToken,
        live: bool,
    ) -> Result<Arc<RunRecord>, String> {
        self.pool.settle(params.tasks).await;
        let strategy = params.strategy;
        // Older records give way before this run's are made, not after.
        self.library
            .make_room(memory::estimate(&params).records as usize);
        if live {
            // Live runs are of the form's parameters, whose theory is already computed.
            let theory_ms = self.experiment.theory(strategy).makespan_ms;
            self.timeline.show(LiveRun {
                strategy: Some(strategy),
                workers: if strategy == Strategy::Processes {
                    params.threads
                } else {
                    self.pool.view.with_untracked(PoolView::workers)
                },
                tasks: params.tasks,
                span_ms: theory_ms.max(1.0) * 1.05,
                running: true,
                ..LiveRun::default()
            });
        }
        self.running.set(Some(Running {
            strategy,
            done: 0,
            total: params.tasks,
            elapsed_ms: 0.0,
        }));
        // Async starts matter only to the task view; skip their cost when it is not drawn.
        let report_starts =
            live && !(strategy.on_event_loop() && params.tasks as usize > TASK_VIEW_MAX);
        let inject = self.page.take_inject(|f| {
            if strategy.tasks_on_workers() {
                f.in_worker_task()
            } else {
                f.on_main()
            }
        });
        let req = RunRequest {
            plan: Plan {
                params,
                calibration,
            },
            cores: self.page.caps.cores,
            report_starts,
            inject,
        };
        faults::save_pending(Some(&persist::encode_pending(&params)));
        // The page's own reactions to the run starting (the controls, the live timeline's
        // reset) run now, before the run's clock starts: queued with the run's first tasks,
        // they delayed every task's start.
        timer::yield_now().await;
        let mut kept = Vec::new();
        let total = params.tasks as usize;
        let head = exec::run(req, cancel.clone(), |p| {
            self.running.set(Some(Running {
                strategy,
                done: p.done,
                total: p.total,
                elapsed_ms: p.elapsed_ms,
            }));
            if live {
                self.timeline.update(|l| {
                    for o in p.new_started {
                        l.open.insert(o.task, o);
                    }
                    for r in &p.new_records {
                        l.open.remove(&r.task);
                    }
                    gather(&mut l.arrived, p.new_records, total);
                    l.elapsed_ms = p.elapsed_ms;
                    l.span_ms = l.span_ms.max(p.elapsed_ms * 1.05);
                });
            } else {
                gather(&mut kept, p.new_records, total);
            }
        })
        .await;
        faults::save_pending(None);
        let record = head.map(|head| {
            let tasks = if live {
                self.timeline.take_arrived()
            } else {
                kept
            };
            Arc::new(RunRecord::new(head, tasks))
        });
        if live {
            self.timeline.update(|l| {
                l.running = false;
                l.open.clear();
                if let Ok(r) = &record {
                    l.span_ms = r.makespan_ms().max(1.0);
                    l.finished = Some(r.clone());
                }
            });
        }
        let record = record?;
        if let Some(why) = record.failure() {
            self.failed(strategy, why);
        }
        if live {
            self.library.keep(record.clone());
            self.post_result(&record);
        }
        Ok(record)
    }

    /// Tells the embedding page about a finished run (when framed): its experiment, figures
    /// and build, with the speedup over the latest complete sequential run of the same
    /// experiment.
    fn post_result(self, run: &RunRecord) {
        if !frame::framed() {
            return;
        }
        let params = &run.head.params;
        let theory_ms = expected(run.strategy(), params, self.page.caps.cores).makespan_ms;
        let sequential_ms = self.library.results.with_untracked(|v| {
            v.iter()
                .rev()
                .find(|r| r.is_run_of(Strategy::Sequential, params) && r.is_complete())
                .map(|r| r.makespan_ms())
        });
        let query = self.experiment.query(params);
        frame::post(&embed::result_message(
            run,
            &query,
            theory_ms,
            sequential_ms,
            self.page.caps.build(),
        ));
    }

    /// Says that a run failed, how long the report took, and marks the pool for a restart
    /// when a worker faulted.
    fn failed(self, strategy: Strategy, why: &str) {
        let report_ms = pool::last_fault_at_ms().map(|at| clock::now_ms() - at);
        self.run_error.set(Some(RunError {
            text: format!("{} failed: {why}.", strategy.label()),
            report_ms,
        }));
        if strategy.uses_pool() {
            self.pool.failed(why);
        }
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
        if let Some(params) = pending {
            runs.retain(|r| !r.is_run_of(params.strategy, &params));
            runs.push(Arc::new(RunRecord::new(
                RunHead {
                    params,
                    threads_used: 1,
                    cores: self.page.caps.cores,
                    outcome: Outcome::Failed(format!("the main thread stopped: {message}")),
                    started_at_ms: clock::now_ms(),
                    ..RunHead::default()
                },
                Vec::new(),
            )));
        }
        self.library.results.set(runs);
    }
}
