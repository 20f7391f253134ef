//! Stand-in for the worker pool in builds without shared memory: same interface, and every
//! call says why threads cannot run.

use super::run_shared::CancelToken;
use crate::model::experiment::fault::Injected;
use crate::model::run::interpreter::Offloaded;
use crate::model::experiment::kernel::{Calibration, Kernel};

const WHY: &str = "this build has no shared-memory threads (compiled without wasm atomics)";

/// A fault in a worker (never happens without workers).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub worker: u32,
    pub message: String,
    pub at_ms: f64,
}

/// Why a pool did not start, and how many of its workers did.
#[derive(Debug, Clone, PartialEq)]
pub struct StartError {
    pub why: String,
    pub started: u32,
}

/// Always fails: there is no pool without shared memory.
///
/// # Errors
/// Always, with the reason.
pub fn start_pool(
    _workers: u32,
    _inject: Option<Injected>,
) -> impl Future<Output = Result<f64, StartError>> {
    std::future::ready(Err(StartError {
        why: WHY.into(),
        started: 0,
    }))
}

/// There is never a pool.
pub fn pool_size() -> Option<u32> {
    None
}

/// There is no pool to fail.
pub fn pool_failure() -> Option<String> {
    None
}

/// There are no workers to retire.
pub fn retiring_workers() -> usize {
    0
}

/// There are no workers to fault.
pub fn last_fault_at_ms() -> Option<f64> {
    None
}

/// There are no workers to fault.
pub fn take_fault() -> Option<Fault> {
    None
}

/// Always fails: there is no pool.
///
/// # Errors
/// Always, with the reason.
pub fn healthy_size() -> Result<u32, String> {
    Err(WHY.into())
}

/// Nothing to do: no worker ever needs a chunk of the module.
pub async fn load_chunk(_url: String) -> Result<(), String> {
    Ok(())
}

/// Always fails: there is no pool to run `job` on.
///
/// # Errors
/// Always, with the reason.
pub fn spawn(_job: impl FnOnce() + Send + 'static) -> Result<(), String> {
    Err(WHY.into())
}

/// There is no pool to hand work to: `None`, as for a failed pool.
pub async fn offload(
    _kernel: Kernel,
    _units: u64,
    _calibration: Calibration,
    _cancel: CancelToken,
) -> Option<Offloaded> {
    None
}
