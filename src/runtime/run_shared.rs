//! What one run shares between [`super::exec::run`] and its executors, on the main thread
//! and on workers: the cancel flag, the run's clock origin, and the channel records and task
//! starts come back through. Its own module, so executors in other modules depend on it
//! rather than on `exec`, which depends on them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};

use super::clock::now_ms;
use crate::model::run::record::{Lane, TaskRecord};
use crate::model::timeline::OpenTask;

/// Asks a run to stop; executors check it between steps and slices.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// Requests cancellation.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// State one run's executor shares with [`run`](super::exec::run) (and, for threads, with every
/// worker).
#[derive(Debug)]
pub struct RunShared {
    /// The run's start on the shared clock: every record is relative to it.
    pub origin_ms: f64,
    pub cancel: CancelToken,
    /// Whether executors announce task starts (for the live timeline).
    pub report_starts: bool,
    done: AtomicU32,
    finished: AtomicBool,
    tx: UnboundedSender<RunEvent>,
}

/// What executors tell the run as tasks go.
#[derive(Debug)]
pub enum RunEvent {
    Started(OpenTask),
    Finished(TaskRecord),
}

impl RunShared {
    pub(super) fn new(
        cancel: CancelToken,
        report_starts: bool,
    ) -> (Arc<Self>, UnboundedReceiver<RunEvent>) {
        let (tx, rx) = unbounded();
        let shared = RunShared {
            origin_ms: now_ms(),
            cancel,
            report_starts,
            done: AtomicU32::new(0),
            finished: AtomicBool::new(false),
            tx,
        };
        (Arc::new(shared), rx)
    }

    /// Announces that `task` started on `lane` at `at_ms` (absolute), if starts are reported.
    pub fn started(&self, task: u32, lane: Lane, at_ms: f64) {
        if let Some(open) = self.open_task(task, lane, at_ms) {
            let _ = self.tx.unbounded_send(RunEvent::Started(open));
        }
    }

    /// The announcement of `task`'s start, if starts are reported.
    pub(super) fn open_task(&self, task: u32, lane: Lane, at_ms: f64) -> Option<OpenTask> {
        self.report_starts.then_some(OpenTask {
            task,
            lane,
            start_ms: at_ms - self.origin_ms,
        })
    }

    /// Hands a finished task's record to the run from a worker.
    pub fn emit(&self, record: TaskRecord) {
        // A run that stopped listening (cancelled) has no one to tell: dropping is right.
        let _ = self.tx.unbounded_send(RunEvent::Finished(record));
        self.done.fetch_add(1, Ordering::AcqRel);
    }

    /// Marks the executor as done: no more records will come.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Release);
    }

    /// Tasks finished so far.
    pub(super) fn done(&self) -> u32 {
        self.done.load(Ordering::Acquire)
    }

    /// Counts a task finished on the main thread (its record goes by the caller's sink).
    pub(super) fn count_done(&self) {
        self.done.fetch_add(1, Ordering::AcqRel);
    }

    pub(super) fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Acquire)
    }
}
