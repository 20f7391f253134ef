//! The executors, one file each, behind one interface: [`start`] starts a run of a strategy
//! and returns an [`Executor`], which [`super::exec::run`] asks, once per tick, for what
//! finished and whether the run failed, and finally ends.
//!
//! - [`sequential`], [`async_tasks`] and [`run_in_executor`] (async + executor) run their
//!   tasks on the main thread and share [`main_run`];
//! - [`threads`] and [`gil`] run tasks whole on the worker pool ([`crate::runtime::pool`]);
//! - [`processes`] run tasks whole in workers of their own.
//!
//! Every executor emits one `TaskRecord` per finished task, through the run's channel
//! ([`RunShared::emit`]) or, on the main thread, its sink ([`Executor::collect`]).

use std::sync::Arc;

use super::run_shared::RunShared;
use crate::model::experiment::fault::Injected;
use crate::model::experiment::params::Strategy;
use crate::model::run::record::{SchedulerCost, Startup, TaskRecord};
use crate::model::timeline::OpenTask;
use crate::model::experiment::workload::Plan;

pub mod async_tasks;
pub mod gil;
pub mod main_run;
pub mod processes;
pub mod run_in_executor;
pub mod sequential;
pub mod threads;

/// What an executor measured about itself, when its run ends.
#[derive(Debug, Default)]
pub struct Ending {
    /// The async scheduler's cost, for runs on the event loop.
    pub scheduler: Option<SchedulerCost>,
    /// The start-up of the run's own workers (processes).
    pub startup: Option<Startup>,
}

/// A started run, as its strategy runs it.
pub trait Executor {
    /// Moves what finished and started since the last call into `records` and `started`
    /// (main-thread executors collect there; the others send through the run's channel).
    fn collect(&self, _records: &mut Vec<TaskRecord>, _started: &mut Vec<OpenTask>) {}

    /// Why the run cannot finish, once (a process faulted; the executor's pool failed).
    /// A fault of the pool's workers reaches the run through the pool itself.
    fn take_failure(&self) -> Option<String> {
        None
    }

    /// Stops what is left of the run (drops unfinished tasks, terminates processes) and says
    /// what the executor measured about itself.
    fn end(self: Box<Self>) -> Ending {
        Ending::default()
    }
}

/// Starts a run of `plan` under `strategy` on `threads` workers (where it has workers).
///
/// # Errors
/// When the strategy cannot run here: no pool, too few workers, a process refused.
pub fn start(
    strategy: Strategy,
    plan: Plan,
    shared: Arc<RunShared>,
    threads: u32,
    inject: Option<Injected>,
) -> Result<Box<dyn Executor>, String> {
    // The build without threads has no pool: the strategies that need one say why at once,
    // and their executors stay out of that build.
    if cfg!(feature = "no-threads") && strategy.uses_pool() {
        super::pool::healthy_size()?;
    }
    Ok(match strategy {
        Strategy::Sequential => Box::new(sequential::start(main_run::MainRun::new(
            plan, shared, inject, None,
        ))),
        Strategy::Async => Box::new(async_tasks::start(main_run::MainRun::new(
            plan, shared, inject, None,
        ))),
        Strategy::Executor => Box::new(async_tasks::start(main_run::MainRun::new(
            plan,
            shared,
            inject,
            Some(threads),
        ))),
        Strategy::Threads => Box::new(threads::start(
            Arc::new(plan),
            shared,
            threads,
            inject,
            None,
        )?),
        Strategy::Gil => Box::new(gil::start(Arc::new(plan), shared, threads, inject)?),
        Strategy::Processes => Box::new(processes::start(plan, shared, threads, inject)?),
    })
}
