//! Threads + GIL (CPython's `threading`): the threads runners ([`super::threads`]) with one
//! global lock ([`Gil`]) a thread must hold to compute: released during waits, handed over
//! every `switch_ms` to a thread that asks, as `Python/ceval_gil.c` does.

use std::sync::Arc;

use super::threads::{self, OnPool};
use crate::model::experiment::fault::Injected;
use crate::model::run::gil::Gil;
use crate::model::experiment::workload::Plan;
use crate::runtime::run_shared::RunShared;

// show-code: gil
/// Sends `threads` runners to the pool, sharing one GIL.
///
/// # Errors
/// As [`threads::start`].
pub(super) fn start(
    plan: Arc<Plan>,
    shared: Arc<RunShared>,
    threads: u32,
    inject: Option<Injected>,
) -> Result<OnPool, String> {
    let gil = Arc::new(Gil::new(plan.params.switch_ms));
    threads::start(plan, shared, threads, inject, Some(gil))
}
// end show-code: gil
