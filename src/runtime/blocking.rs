//! A worker's side of the threads and GIL strategies: one task driven whole on this worker
//! ([`Interpreter`]), blocking it for waits, as a thread of `ThreadPoolExecutor` runs it.
//!
//! A wait is a blocking `std::thread::sleep` (`memory.atomic.wait32`, allowed in workers
//! only), so a waiting task holds its worker, as a blocking `requests.get` does. Waits are cut
//! into [`CHECK_MS`] pieces, and computations come in slices, so a cancel is noticed within
//! one.

use std::time::Duration;

use super::clock::{BrowserClock, now_ms};
use super::run_shared::CancelToken;
use crate::model::run::gil::Gil;
use crate::model::run::interpreter::{Action, CHECK_MS, ComputeOn, Interpreter};
use crate::model::experiment::kernel::{Calibration, Kernel};
use crate::model::run::record::{Lane, TaskRecord};
use crate::model::experiment::workload::Plan;

/// Runs one task on this worker, blocking it for waits, with times relative to the run's
/// `origin_ms`; with a `gil`, each computation holds it (waits do not), letting it go whenever
/// a waiting thread asks. `None` if cancelled.
pub fn run_task(
    plan: &Plan,
    task: u32,
    origin_ms: f64,
    lane: Lane,
    cancel: &CancelToken,
    gil: Option<&Gil>,
) -> Option<TaskRecord> {
    let clock = BrowserClock;
    let on = match gil {
        Some(_) => ComputeOn::ThreadWithGil,
        None => ComputeOn::Thread,
    };
    let mut t = Interpreter::start(plan, task, lane, origin_ms, on, &clock);
    let cancelled = || cancel.is_cancelled();
    let under_gil = || gil.expect("only a task under the GIL asks for its lock");
    loop {
        if cancelled() {
            if t.holds_lock() {
                under_gil().release();
            }
            return None;
        }
        match t.next_action() {
            Action::Wait { from_ms, ms } => {
                let deadline = from_ms + ms;
                loop {
                    let left = deadline - now_ms();
                    if left <= 0.0 || cancelled() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs_f64(left.min(CHECK_MS) / 1000.0));
                }
                t.waited(&clock);
            }
            Action::Compute { .. } => {
                t.compute(&clock);
                if gil.is_some_and(Gil::drop_requested) {
                    t.drop_requested(&clock);
                }
            }
            Action::Lock => {
                if !under_gil().acquire(&cancelled) {
                    return None;
                }
                t.locked(&clock);
            }
            Action::HandOver => {
                if !under_gil().hand_over(&cancelled) {
                    return None;
                }
                t.locked(&clock);
            }
            Action::Unlock => under_gil().release(),
            Action::Done => return Some(t.finish()),
            Action::Yield | Action::Offload { .. } => {
                unreachable!("a task on a thread of its own neither yields nor hands its work on")
            }
        }
    }
}

/// Runs `units` of `kernel`'s work on this worker in slices of [`CHECK_MS`], checking for
/// cancellation between them; `false` if cancelled before the end.
pub fn compute_unless_cancelled(
    kernel: &mut Kernel,
    units: u64,
    calibration: &Calibration,
    cancel: &CancelToken,
) -> bool {
    let chunk = calibration.units_for(CHECK_MS).max(1);
    let mut left = units;
    while left > 0 {
        if cancel.is_cancelled() {
            return false;
        }
        let n = left.min(chunk);
        kernel.run(n);
        left -= n;
    }
    true
}
