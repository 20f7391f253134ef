//! Running a task whole on one worker, blocking it for waits, as a thread of
//! `ThreadPoolExecutor` does: the threads and GIL strategies share this.
//!
//! A wait is a blocking `std::thread::sleep` (`memory.atomic.wait32`, allowed in workers
//! only), so a waiting task holds its worker, as a blocking `requests.get` does. Waits and
//! computations are cut into [`CHECK_MS`] pieces so a cancel is noticed within one.

use std::time::Duration;

use super::clock::now_ms;
use super::run_shared::CancelToken;
use crate::model::gil::Gil;
use crate::model::kernel::{Calibration, Kernel};
use crate::model::record::{Lane, SegmentKind, TaskRecord, TaskRecorder};
use crate::model::workload::{Plan, Step};

/// How often a worker checks for cancellation while waiting or computing, in ms.
pub const CHECK_MS: f64 = 10.0;

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
    let mut rec = TaskRecorder::start(task, lane, origin_ms, now_ms());
    let mut kernel = Kernel::new(u64::from(plan.params.seed), u64::from(task));
    for step in plan.steps(task) {
        if cancel.is_cancelled() {
            return None;
        }
        let t0 = now_ms();
        match step {
            Step::Wait { ms } => {
                let deadline = t0 + ms;
                loop {
                    let left = deadline - now_ms();
                    if left <= 0.0 || cancel.is_cancelled() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs_f64(left.min(CHECK_MS) / 1000.0));
                }
                rec.segment(SegmentKind::Wait, t0, now_ms());
                kernel.wait_done(ms);
            }
            Step::Compute { units, .. } => match gil {
                Some(gil) => {
                    compute_holding(gil, plan, units, &mut kernel, &mut rec, cancel)?;
                }
                None => {
                    if !compute_unless_cancelled(&mut kernel, units, &plan.calibration, cancel) {
                        return None;
                    }
                    rec.segment(SegmentKind::Cpu, t0, now_ms());
                }
            },
        }
    }
    Some(rec.finish(now_ms(), kernel.checksum()))
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

/// How often a thread holding the GIL checks for a drop request, in ms of work (CPython
/// checks between bytecodes).
const GIL_CHECK_MS: f64 = 0.05;

/// Runs `units` of work holding `gil`: waits for it (a lock wait segment), computes in small
/// slices, and hands it over whenever a waiting thread asks. `None` if cancelled.
fn compute_holding(
    gil: &Gil,
    plan: &Plan,
    units: u64,
    kernel: &mut Kernel,
    rec: &mut TaskRecorder,
    cancel: &CancelToken,
) -> Option<()> {
    let cancelled = || cancel.is_cancelled();
    let slice = plan.calibration.units_for(GIL_CHECK_MS).max(1);
    // Records the wait for the lock since `asked`; the time it was taken, if it was.
    let waited = |rec: &mut TaskRecorder, asked: f64, got: bool| -> Option<f64> {
        let at = now_ms();
        if at - asked >= LOCK_WAIT_MIN_MS {
            rec.segment(SegmentKind::LockWait, asked, at);
        }
        got.then_some(at)
    };
    let asked = now_ms();
    let mut from = waited(rec, asked, gil.acquire(&cancelled))?;
    let mut left = units;
    while left > 0 {
        if cancelled() {
            gil.release();
            return None;
        }
        let n = left.min(slice);
        kernel.run(n);
        left -= n;
        if left > 0 && gil.drop_requested() {
            let until = now_ms();
            rec.segment(SegmentKind::Cpu, from, until);
            from = waited(rec, until, gil.hand_over(&cancelled))?;
        }
    }
    rec.segment(SegmentKind::Cpu, from, now_ms());
    gil.release();
    Some(())
}

/// Lock waits shorter than this are not recorded (the lock was free), in ms.
const LOCK_WAIT_MIN_MS: f64 = 0.01;
