//! The worker pool and the page's start-up: the pool as the page shows it, the size asked
//! for, starting and restarting it, the kernel's calibration, when the page became ready, and
//! the async scheduler's warm-up.

use leptos::prelude::*;

use crate::model::experiment::fault::Injected;
use crate::model::experiment::gate;
use crate::model::experiment::kernel::Calibration;
use crate::runtime::run_shared::CancelToken;
use crate::runtime::{exec, files, pool, timer};

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
    pub fn gate(&self) -> gate::Pool {
        match self {
            PoolView::Starting { .. } => gate::Pool::Starting,
            PoolView::Ready { workers, .. } => gate::Pool::Ready(*workers),
            PoolView::Unavailable(why) => gate::Pool::Unavailable(why.clone()),
            PoolView::Failed { why, .. } => {
                gate::Pool::Unavailable(format!("the pool failed ({why}); restart it"))
            }
        }
    }
}

/// The pool and the page's start-up, provided as context.
#[derive(Clone, Copy)]
pub struct PoolState {
    pub view: RwSignal<PoolView>,
    /// The pool size asked for (URL `pool`, else the core count; a restart may change it).
    pub requested: RwSignal<u32>,
    /// Whether the URL names the pool size (then links keep it).
    pub in_url: RwSignal<bool>,
    pub calibration: RwSignal<Option<Calibration>>,
    /// Milliseconds from navigation start until the page could run experiments.
    pub ready_ms: RwSignal<Option<f64>>,
    /// Whether a run or a measurement is going: the pool is not restarted under it.
    busy: Signal<bool>,
    /// The async scheduler's warm-up (see [`PoolState::warm_up`]).
    warm_up: StoredValue<WarmUp>,
}

/// Where the async scheduler's warm-up is: to come, running (stopped with its token), or
/// done (or skipped: a run came first and warmed the scheduler itself).
enum WarmUp {
    ToCome,
    Running(CancelToken),
    Done,
}

impl PoolState {
    /// A pool of `requested` workers (`in_url`: the link names it) about to start, or why
    /// there is none; `busy` says when a run or measurement holds the pool.
    pub fn new(
        requested: u32,
        in_url: bool,
        unavailable: Option<String>,
        busy: Signal<bool>,
    ) -> Self {
        PoolState {
            view: RwSignal::new(match unavailable {
                Some(why) => PoolView::Unavailable(why),
                None => PoolView::Starting { workers: requested },
            }),
            requested: RwSignal::new(requested),
            in_url: RwSignal::new(in_url),
            calibration: RwSignal::new(None),
            ready_ms: RwSignal::new(None),
            busy,
            warm_up: StoredValue::new(WarmUp::ToCome),
        }
    }

    /// Workers in the running pool (reactive).
    pub fn workers(self) -> u32 {
        self.view.with(PoolView::workers)
    }

    /// Starts (or restarts) the pool with `workers` workers, at once (see
    /// [`pool::start`]); the future shows how that went.
    pub fn start(self, workers: u32, inject: Option<Injected>) -> impl Future<Output = ()> {
        self.view.set(PoolView::Starting { workers });
        let started = pool::start(workers, inject);
        async move {
            let view = match started.await {
                Ok(took_ms) => PoolView::Ready {
                    workers: pool::size().unwrap_or(0),
                    took_ms,
                },
                Err(e) => PoolView::Failed {
                    why: e.why,
                    started: Some(e.started),
                },
            };
            self.view.set(view);
        }
    }

    /// Starts the pool anew with `workers` workers (after a fault, or to change its size),
    /// unless a run holds it; the link keeps the size when it differs from the default.
    pub fn restart(self, workers: u32) {
        if self.busy.get_untracked() {
            return;
        }
        if workers != self.requested.get_untracked() {
            self.requested.set(workers);
            self.in_url.set(true);
        }
        leptos::task::spawn_local(self.start(workers, None));
    }

    /// Marks the pool failed after a worker's fault, for a restart.
    pub fn failed(self, why: &str) {
        self.view.set(PoolView::Failed {
            why: why.to_owned(),
            started: None,
        });
    }

    /// Whether the page can run: the pool has started (or cannot), the kernel is calibrated
    /// (reactive).
    pub fn page_ready(self) -> bool {
        self.calibration.with(Option::is_some)
            && !self.view.with(|p| matches!(p, PoolView::Starting { .. }))
    }

    /// Whether the page has become ready (`ready_ms` is set), as a memo that changes once:
    /// what is built only then (what the first view does not show) waits on it.
    pub fn became_ready(self) -> Memo<bool> {
        Memo::new(move |_| self.ready_ms.with(Option::is_some))
    }

    /// Runs the async scheduler's warm-up (`exec::warm_up`) once the page is idle, unless a
    /// run came first; a run asked for meanwhile starts after it, so the two never overlap
    /// ([`PoolState::settle`]).
    pub async fn warm_up(self) {
        let cancel = CancelToken::default();
        let to_come = self.warm_up.try_update_value(|w| {
            let to_come = matches!(w, WarmUp::ToCome);
            if to_come {
                *w = WarmUp::Running(cancel.clone());
            }
            to_come
        });
        if to_come != Some(true) {
            return;
        }
        exec::warm_up(&cancel).await;
        self.warm_up.set_value(WarmUp::Done);
    }

    /// Before a run of `tasks` tasks: a warm-up still to come is skipped (the run warms the
    /// scheduler itself); one under way stops for a small run (`exec::COLD_RUN_MAX_TASKS`: the
    /// first visitor's run of the articles' 50 requests waits for nothing) and is waited for
    /// by a larger one (which then measures the scheduler's optimised code, not the compiler).
    /// Background work on files (`files::working`) is waited for too: it holds a worker.
    pub async fn settle(self, tasks: u32) {
        self.warm_up.update_value(|w| match w {
            WarmUp::ToCome => *w = WarmUp::Done,
            WarmUp::Running(cancel) if tasks <= exec::COLD_RUN_MAX_TASKS => cancel.cancel(),
            _ => {}
        });
        while self.warming() || files::working() {
            timer::sleep(WARM_UP_POLL_MS).await;
        }
    }

    /// Whether the warm-up is running.
    pub fn warming(self) -> bool {
        self.warm_up.with_value(|w| matches!(w, WarmUp::Running(_)))
    }

    /// Whether the start-up warm-up is still to come or running: the memory panel waits for
    /// it, since the allocator counts its tasks too.
    pub fn warm_up_pending(self) -> bool {
        self.calibration.with_untracked(Option::is_none) || self.warming()
    }
}
