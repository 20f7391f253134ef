//! Running experiments: Run, Run all and sweeps, one run at a time, each measured by
//! `runtime::exec::run` and kept in the [`AppState`]'s results (bounded by `model::history`,
//! saved for a reload after a fault); the live run the timeline draws is filled as records
//! arrive.

use std::sync::Arc;

use leptos::prelude::*;

use super::state::{
    AppState, LiveRun, PoolView, RunError, Running, SweepKind, SweepPoint, SweepProgress,
    WARM_UP_POLL_MS, same_run,
};
use crate::model::claims::Claim;
use crate::model::gate;
use crate::model::history;
use crate::model::kernel::Calibration;
use crate::model::params::{Checked, Params, Strategy};
use crate::model::persist;
use crate::model::record::RunRecord;
use crate::model::sweep::{self, Point};
use crate::model::timeline::TASK_VIEW_MAX;
use crate::model::workload::Plan;
use crate::runtime::exec::{self, CancelToken, RunRequest};
use crate::runtime::{clock, faults, threads, timer};

/// Runs kept for the results table.
const HISTORY: usize = 30;
/// The pause between the runs of a Run all or a sweep, in ms: long enough for the page to
/// render one run's results (a few frames) before the next run's clock starts.
const SETTLE_MS: f64 = 50.0;

impl AppState {
    /// Loads `claim`'s experiment into the form (and so the URL), starts a pool as large as it
    /// needs when this one is smaller, and runs its strategies.
    pub fn run_claim(self, claim: &'static Claim) {
        if self.running.get_untracked().is_some() {
            return;
        }
        let Some(link) = claim.link() else {
            return;
        };
        self.form.set(link.form);
        leptos::task::spawn_local(async move {
            let have = self.pool.with_untracked(PoolView::workers);
            let threads_here = !matches!(self.pool.get_untracked(), PoolView::Unavailable(_));
            if let Some(n) = link.pool.filter(|n| threads_here && have < *n) {
                self.pool_requested.set(n);
                self.pool_in_url.set(true);
                self.start_pool(n, None).await;
            }
            self.run(claim.strategies().to_vec());
        });
    }

    /// Runs `strategies` one after another on the current parameters.
    pub fn run(self, strategies: Vec<Strategy>) {
        let run_all = strategies.len() == Strategy::ALL.len();
        let runnable: Vec<Strategy> = strategies
            .into_iter()
            .filter(|s| self.can_run(*s).is_ok())
            .collect();
        let Some((cancel, calibration, base)) = self.begin() else {
            return;
        };
        leptos::task::spawn_local(async move {
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
                    .with_untracked(|p| matches!(p, PoolView::Failed { .. }))
                {
                    break;
                }
            }
            if run_all && all.len() == Strategy::ALL.len() && all.iter().all(|r| r.is_complete()) {
                self.last_run_all.set(all);
            }
            self.end();
        });
    }

    /// Runs a sweep (every point of it that may run) on the current parameters.
    pub fn sweep(self, kind: SweepKind) {
        let Some((cancel, calibration, base)) = self.begin() else {
            return;
        };
        let pool = self.pool.with_untracked(PoolView::workers);
        let points: Vec<Point> = match kind {
            SweepKind::Speedup => sweep::speedup(&base, pool, self.caps.cores),
            SweepKind::Growth => sweep::growth(&base, self.caps.cores),
        };
        let pool_gate = self.pool.with_untracked(PoolView::gate);
        let runnable: Vec<Params> = points
            .into_iter()
            .filter(|p| p.skip.is_none())
            .filter(|p| {
                let checked = Checked {
                    params: p.params,
                    errors: Vec::new(),
                };
                gate::can_run_with_theory(p.params.strategy, &checked, p.theory_ms, &pool_gate)
                    .is_ok()
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

    /// Claims the runner: `None` when busy or not ready.
    fn begin(self) -> Option<(CancelToken, Calibration, Params)> {
        if self.running.get_untracked().is_some() {
            return None;
        }
        let calibration = self.calibration.get_untracked()?;
        let base = self
            .checked
            .with_untracked(|c| c.is_valid().then_some(c.params))?;
        // A run is of this browser: an imported file's runs make way for its own.
        self.show_own_runs();
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

    /// Runs one experiment, feeding the live timeline and the progress bar, and keeps it.
    async fn run_one(
        self,
        params: Params,
        calibration: Calibration,
        cancel: &CancelToken,
        live: bool,
    ) -> Result<Arc<RunRecord>, String> {
        while self.warming.get_value() {
            timer::sleep(WARM_UP_POLL_MS).await;
        }
        let strategy = params.strategy;
        let pool_size = self.pool.with_untracked(PoolView::workers);
        if live {
            self.playhead.set(None);
            // Live runs are of the form's parameters, whose theory is already computed.
            let theory_ms = self.theory(strategy).makespan_ms;
            self.live.set_value(LiveRun {
                strategy: Some(strategy),
                workers: if strategy == Strategy::Processes {
                    params.threads
                } else {
                    pool_size
                },
                tasks: params.tasks,
                span_ms: theory_ms.max(1.0) * 1.05,
                running: true,
                ..LiveRun::default()
            });
            self.live_version.update(|v| *v += 1);
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
        let inject = self.take_inject(|f| {
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
            cores: self.caps.cores,
            report_starts,
            inject,
        };
        faults::save_pending(Some(&persist::encode_pending(&params)));
        // The page's own reactions to the run starting (the controls, the live timeline's
        // reset) run now, before the run's clock starts: queued with the run's first tasks,
        // they delayed every task's start by 4-5 ms in the build without atomics.
        timer::yield_now().await;
        let mut kept = Vec::new();
        let head = exec::run(req, cancel.clone(), |p| {
            self.running.set(Some(Running {
                strategy,
                done: p.done,
                total: p.total,
                elapsed_ms: p.elapsed_ms,
            }));
            if live {
                self.live.update_value(|l| {
                    for o in p.new_started {
                        l.open.insert(o.task, o);
                    }
                    for r in &p.new_records {
                        l.open.remove(&r.task);
                    }
                    l.arrived.extend(p.new_records);
                    l.elapsed_ms = p.elapsed_ms;
                    l.span_ms = l.span_ms.max(p.elapsed_ms * 1.05);
                });
                self.live_version.update(|v| *v += 1);
            } else {
                kept.extend(p.new_records);
            }
        })
        .await;
        faults::save_pending(None);
        let record = head.map(|head| {
            let tasks = if live {
                self.live
                    .try_update_value(|l| std::mem::take(&mut l.arrived))
                    .unwrap_or_default()
            } else {
                kept
            };
            Arc::new(RunRecord::new(head, tasks))
        });
        if live {
            self.live.update_value(|l| {
                l.running = false;
                l.open.clear();
                if let Ok(r) = &record {
                    l.span_ms = r.makespan_ms().max(1.0);
                    l.finished = Some(r.clone());
                }
            });
            self.live_version.update(|v| *v += 1);
        }
        let record = record?;
        if let Some(why) = record.failure() {
            self.pool_failed(strategy, why);
        }
        if live {
            self.keep(record.clone());
        }
        Ok(record)
    }

    /// Says that a run failed, how long the report took, and marks the pool for a restart
    /// when a worker faulted.
    fn pool_failed(self, strategy: Strategy, why: &str) {
        let report_ms = threads::last_fault_at_ms().map(|at| clock::now_ms() - at);
        self.run_error.set(Some(RunError {
            text: format!("{} failed: {why}.", strategy.label()),
            report_ms,
        }));
        if strategy.uses_pool() {
            self.pool.set(PoolView::Failed {
                why: why.to_owned(),
                started: None,
            });
        }
    }

    /// Adds a finished run to the results, replacing the same strategy's earlier run of the
    /// same experiment; bounds the memory kept runs hold; saves them for a reload; tells an
    /// embedding page.
    fn keep(self, record: Arc<RunRecord>) {
        let strategy = record.strategy();
        let params = record.head.params;
        self.results.update(|v| {
            v.retain(|r| !same_run(r, strategy, &params));
            v.push(record.clone());
            if v.len() > HISTORY {
                v.remove(0);
            }
        });
        self.bound_memory();
        self.results.with_untracked(|v| {
            let runs: Vec<&RunRecord> = v.iter().map(|r| r.as_ref()).collect();
            faults::save_results(&persist::encode_runs(&runs));
        });
        self.remember(&record);
        super::embed::post_result(self, &record);
    }

    /// Drops the task records of the oldest kept runs once all kept records exceed the budget
    /// (`model::history`). The last Run all and the timeline share runs with the results, so
    /// each dropped run is replaced everywhere it is held; runs only the last Run all still
    /// holds count as the oldest.
    fn bound_memory(self) {
        let results = self.results.get_untracked();
        let mut kept: Vec<Arc<RunRecord>> = self
            .last_run_all
            .get_untracked()
            .into_iter()
            .filter(|r| !results.iter().any(|k| Arc::ptr_eq(k, r)))
            .collect();
        kept.extend(results);
        let sizes: Vec<usize> = kept.iter().map(|r| r.detail_bytes()).collect();
        let slimmed: Vec<(Arc<RunRecord>, Arc<RunRecord>)> = history::details_to_drop(&sizes)
            .into_iter()
            .map(|i| (kept[i].clone(), Arc::new(kept[i].without_details())))
            .collect();
        if slimmed.is_empty() {
            return;
        }
        let slim = |run: &mut Arc<RunRecord>| {
            if let Some((_, thin)) = slimmed.iter().find(|(fat, _)| Arc::ptr_eq(fat, run)) {
                *run = thin.clone();
            }
        };
        self.results.update(|v| v.iter_mut().for_each(slim));
        self.last_run_all.update(|v| v.iter_mut().for_each(slim));
        self.live.update_value(|l| {
            if let Some(run) = l.finished.as_mut() {
                slim(run);
            }
        });
        self.live_version.update(|v| *v += 1);
    }
}
