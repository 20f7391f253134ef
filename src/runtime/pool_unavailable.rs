//! Stand-in for the worker pool in builds without shared memory: same interface, and every
//! call says why threads cannot run.

use crate::model::experiment::fault::Injected;

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
pub fn start(
    _workers: u32,
    _inject: Option<Injected>,
) -> impl Future<Output = Result<f64, StartError>> {
    std::future::ready(Err(StartError {
        why: WHY.into(),
        started: 0,
    }))
}

/// There is never a pool.
pub fn size() -> Option<u32> {
    None
}

/// There is no pool to fail.
pub fn failure() -> Option<String> {
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
