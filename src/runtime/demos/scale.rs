//! Counting the Web Workers this browser starts: idle, echoing workers (the memory panel's),
//! one after another until the bound, the browser's refusal, or one that does not answer in
//! time; then all terminated. The pool's workers are not touched.

use crate::model::demos::scale::{START_LIMIT_MS, WorkerCount};
use crate::model::format;
use crate::runtime::clock::now_ms;
use crate::runtime::memory::IdleWorker;
use crate::runtime::timer::within;

/// Starts up to `bound` idle workers, each once the previous one answered, and ends them all.
pub async fn count(bound: u32) -> WorkerCount {
    let mut workers = Vec::with_capacity(bound as usize);
    let t0 = now_ms();
    let mut refused = None;
    while workers.len() < bound as usize {
        match within(START_LIMIT_MS, IdleWorker::start()).await {
            Some(Ok(w)) => workers.push(w),
            Some(Err(why)) => {
                refused = Some(format!("the browser refused the next: {why}"));
                break;
            }
            None => {
                refused = Some(format!(
                    "the next did not start within {}",
                    format::ms(START_LIMIT_MS)
                ));
                break;
            }
        }
    }
    let ms = now_ms() - t0;
    let started = workers.len() as u32;
    drop(workers);
    WorkerCount {
        bound,
        started,
        ms,
        refused,
    }
}
