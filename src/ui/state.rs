//! The app's shared state and the actions that change it.

use leptos::prelude::*;

use crate::model::caps::Capabilities;
use crate::model::gate::{self, Pool};
use crate::model::kernel::Calibration;
use crate::model::params::{Checked, FormText, Params, Strategy};
use crate::model::record::RunRecord;
use crate::model::workload::Plan;
use crate::runtime::exec::{self, CancelToken, RunRequest};

/// Runs kept for the results table.
const HISTORY: usize = 30;

/// The thread pool as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolView {
    Starting { workers: u32 },
    Ready { workers: u32, took_ms: f64 },
    Unavailable(String),
}

impl PoolView {
    /// The pool as the run gate sees it.
    pub fn gate(&self) -> Pool {
        match self {
            PoolView::Starting { .. } => Pool::Starting,
            PoolView::Ready { workers, .. } => Pool::Ready(*workers),
            PoolView::Unavailable(why) => Pool::Unavailable(why.clone()),
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

/// Everything components share. `Copy`: signals are handles.
#[derive(Clone, Copy)]
pub struct AppState {
    pub caps: Capabilities,
    /// The pool size this page load asked for (URL `pool`, else the core count).
    pub pool_requested: u32,
    /// Whether the URL named the pool size (then links keep it).
    pub pool_in_url: bool,
    pub form: RwSignal<FormText>,
    pub checked: Memo<Checked>,
    pub pool: RwSignal<PoolView>,
    pub calibration: RwSignal<Option<Calibration>>,
    /// Milliseconds from navigation start until the page could run experiments.
    pub ready_ms: RwSignal<Option<f64>>,
    pub running: RwSignal<Option<Running>>,
    pub results: RwSignal<Vec<RunRecord>>,
    pub notices: RwSignal<Vec<String>>,
    pub run_error: RwSignal<Option<String>>,
    cancel: StoredValue<Option<CancelToken>>,
}

impl AppState {
    /// State for a page opened with `form` (from the URL) and `notices` about it.
    pub fn new(
        caps: Capabilities,
        form: FormText,
        pool: Option<u32>,
        notices: Vec<String>,
    ) -> Self {
        let form = RwSignal::new(form);
        let pool_requested = pool.unwrap_or_else(|| caps.default_pool());
        AppState {
            caps,
            pool_requested,
            pool_in_url: pool.is_some(),
            form,
            checked: Memo::new(move |_| form.with(FormText::check)),
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
            cancel: StoredValue::new(None),
        }
    }

    /// Whether `strategy` may run now, or why not (reactive).
    pub fn can_run(&self, strategy: Strategy) -> Result<(), String> {
        if self.calibration.with(Option::is_none) {
            return Err("the kernel is still being calibrated".into());
        }
        self.checked.with(|c| {
            gate::can_run(
                strategy,
                c,
                self.caps.cores,
                &self.pool.with(PoolView::gate),
            )
        })
    }

    /// Runs `strategies` one after another on the current parameters.
    pub fn run(self, strategies: Vec<Strategy>) {
        if self.running.get_untracked().is_some() {
            return;
        }
        let Some(calibration) = self.calibration.get_untracked() else {
            return;
        };
        let base = self.checked.get_untracked().params;
        let runnable: Vec<Strategy> = strategies
            .into_iter()
            .filter(|s| self.can_run(*s).is_ok())
            .collect();
        let Some(first) = runnable.first() else {
            return;
        };
        let cancel = CancelToken::default();
        self.cancel.set_value(Some(cancel.clone()));
        self.run_error.set(None);
        self.running.set(Some(Running {
            strategy: *first,
            done: 0,
            total: base.tasks,
            elapsed_ms: 0.0,
        }));
        leptos::task::spawn_local(async move {
            for strategy in runnable {
                if cancel.is_cancelled() {
                    break;
                }
                let params = Params { strategy, ..base };
                let req = RunRequest {
                    strategy,
                    plan: Plan {
                        params,
                        calibration,
                    },
                    cores: self.caps.cores,
                };
                self.running.set(Some(Running {
                    strategy,
                    done: 0,
                    total: params.tasks,
                    elapsed_ms: 0.0,
                }));
                let outcome = exec::run(req, cancel.clone(), |p| {
                    self.running.set(Some(Running {
                        strategy,
                        done: p.done,
                        total: p.total,
                        elapsed_ms: p.elapsed_ms,
                    }));
                })
                .await;
                match outcome {
                    Ok(record) => self.results.update(|v| {
                        v.retain(|r| {
                            !(r.strategy == strategy && same_experiment(&r.params, &params))
                        });
                        v.push(record);
                        if v.len() > HISTORY {
                            v.remove(0);
                        }
                    }),
                    Err(e) => self
                        .run_error
                        .set(Some(format!("{} could not run: {e}", strategy.label()))),
                }
            }
            self.running.set(None);
            self.cancel.set_value(None);
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
