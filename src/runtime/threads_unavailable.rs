//! Stand-in for the threads strategy in builds without shared memory: same interface, and
//! every call says why threads cannot run.

use std::sync::Arc;

use super::exec::RunShared;
use crate::model::workload::Plan;

const WHY: &str = "this build has no shared-memory threads (compiled without wasm atomics)";

/// Always fails: there is no pool without shared memory.
///
/// # Errors
/// Always, with the reason.
pub async fn start_pool(_workers: u32) -> Result<f64, String> {
    Err(WHY.into())
}

/// There is never a pool.
pub fn pool_size() -> Option<u32> {
    None
}

/// Always fails.
///
/// # Errors
/// Always, with the reason.
pub fn start(_plan: Arc<Plan>, _shared: Arc<RunShared>, _threads: u32) -> Result<(), String> {
    Err(WHY.into())
}
