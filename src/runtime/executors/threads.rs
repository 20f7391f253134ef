//! Threads (`ThreadPoolExecutor(max_workers=threads)`): `threads` runner jobs on the worker
//! pool, each on its own worker, pull task numbers from a shared counter until none are left
//! and run each task whole ([`blocking::run_task`]): a wait blocks its thread, as a blocking
//! `requests.get` does. Threads + GIL ([`super::gil`]) are the same runners holding a lock to
//! compute.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use super::Executor;
use crate::model::experiment::fault::Injected;
use crate::model::run::gil::Gil;
use crate::model::run::record::Lane;
use crate::model::experiment::workload::Plan;
use crate::runtime::clock::now_ms;
use crate::runtime::run_shared::RunShared;
use crate::runtime::threads as pool;
use crate::runtime::{blocking, faults};

/// A run on the pool: its runners report through the run's channel; a worker's fault reaches
/// the run through the pool.
pub(super) struct OnPool;

impl Executor for OnPool {}

/// Sends `threads` runners to the pool; with a `gil`, they compute only while holding it.
///
/// # Errors
/// When the pool has not started, has failed, or has fewer workers than `threads`.
pub(super) fn start(
    plan: Arc<Plan>,
    shared: Arc<RunShared>,
    threads: u32,
    inject: Option<Injected>,
    gil: Option<Arc<Gil>>,
) -> Result<OnPool, String> {
    let size = pool::healthy_size()?;
    if threads > size {
        return Err(format!(
            "{threads} threads asked for, but the pool has {size} workers"
        ));
    }
    let inject = inject.filter(|f| f.in_worker_task());
    let next = Arc::new(AtomicU32::new(0));
    let runners_left = Arc::new(AtomicU32::new(threads));
    for _ in 0..threads {
        let (plan, shared, next, runners_left, gil) = (
            plan.clone(),
            shared.clone(),
            next.clone(),
            runners_left.clone(),
            gil.clone(),
        );
        pool::spawn(move || {
            let lane = Lane::Worker(rayon::current_thread_index().unwrap_or(0) as u16);
            while !shared.cancel.is_cancelled() {
                let task = next.fetch_add(1, Ordering::AcqRel);
                if task >= plan.tasks() {
                    break;
                }
                if task == 0 {
                    faults::strike(inject);
                }
                shared.started(task, lane, now_ms());
                if let Some(r) = blocking::run_task(
                    &plan,
                    task,
                    shared.origin_ms,
                    lane,
                    &shared.cancel,
                    gil.as_deref(),
                ) {
                    shared.emit(r);
                }
            }
            if runners_left.fetch_sub(1, Ordering::AcqRel) == 1 {
                shared.finish();
            }
        })?;
    }
    Ok(OnPool)
}
