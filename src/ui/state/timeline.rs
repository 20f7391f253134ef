//! The run the timeline shows, and the replay's playhead on it: filled live while a run
//! goes, then the finished run itself (or an imported one). Records are moved here from the
//! executor and then into the run: never two copies.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::experiment::params::Strategy;
use crate::model::run::record::{RunEnvironment, RunRecord, TaskRecord};
use crate::model::timeline::OpenTask;

/// The timeline's run.
#[derive(Debug, Clone, Default)]
pub struct LiveRun {
    pub strategy: Option<Strategy>,
    /// The lanes of workers it shows: the pool's size for pool strategies, the process count
    /// for processes.
    pub workers: u32,
    pub tasks: u32,
    /// Records so far, while running.
    pub(super) arrived: Vec<TaskRecord>,
    /// The run once finished (shared with the results).
    pub(super) finished: Option<Arc<RunRecord>>,
    pub open: HashMap<u32, OpenTask>,
    pub elapsed_ms: f64,
    /// The axis length while running (theory, grown as time passes), then the makespan.
    pub span_ms: f64,
    pub running: bool,
}

impl LiveRun {
    /// The finished `run`, as the timeline shows it.
    pub fn finished(run: Arc<RunRecord>) -> Self {
        let strategy = run.strategy();
        LiveRun {
            strategy: Some(strategy),
            workers: if strategy == Strategy::Processes {
                run.head.params.threads
            } else {
                run.head.pool_size
            },
            tasks: run.head.params.tasks,
            span_ms: run.makespan_ms().max(1.0),
            finished: Some(run),
            ..LiveRun::default()
        }
    }

    /// The records to draw: those so far while running, then the finished run's.
    pub fn records(&self) -> &[TaskRecord] {
        self.finished.as_ref().map_or(&self.arrived, |r| &r.tasks)
    }

    /// The finished run, once there is one.
    pub fn run(&self) -> Option<&Arc<RunRecord>> {
        self.finished.as_ref()
    }

    /// Whether the Python twin measured the run: its lanes are named as Python's threads.
    pub fn in_python(&self) -> bool {
        self.run()
            .and_then(|r| r.head.environment.as_ref())
            .is_some_and(RunEnvironment::is_python)
    }
}

/// The timeline's run and the replay's playhead, provided as context.
#[derive(Clone, Copy)]
pub struct TimelineRun {
    live: StoredValue<LiveRun>,
    /// Changes whenever the run does (at most 10 times a second while it runs).
    version: RwSignal<u64>,
    /// The replay's playhead, ms from the run's start (`None`: no replay).
    pub playhead: RwSignal<Option<f64>>,
}

impl Default for TimelineRun {
    fn default() -> Self {
        TimelineRun {
            live: StoredValue::new(LiveRun::default()),
            version: RwSignal::new(0),
            playhead: RwSignal::new(None),
        }
    }
}

impl TimelineRun {
    /// Reads the run (reactive: again whenever it changes).
    pub fn with<T>(self, f: impl FnOnce(&LiveRun) -> T) -> T {
        self.version.track();
        self.live.with_value(f)
    }

    /// Makes the reactive scope it is called in run again whenever the run changes.
    pub fn track(self) {
        self.version.track();
    }

    /// Reads the run without tracking it.
    pub fn with_untracked<T>(self, f: impl FnOnce(&LiveRun) -> T) -> T {
        self.live.with_value(f)
    }

    /// Changes the run, and says so.
    pub fn update(self, f: impl FnOnce(&mut LiveRun)) {
        self.live.update_value(f);
        self.version.update(|v| *v += 1);
    }

    /// Shows `live` instead, with the replay's playhead cleared.
    pub fn show(self, live: LiveRun) {
        self.playhead.set(None);
        self.update(|l| *l = live);
    }

    /// The records that arrived while the run went, moved out to make the finished run.
    pub fn take_arrived(self) -> Vec<TaskRecord> {
        self.live
            .try_update_value(|l| std::mem::take(&mut l.arrived))
            .unwrap_or_default()
    }
}
