//! Run records: what executors emit and everything else is projected from.
//!
//! Times are ms relative to the run's start, on the clock shared by every thread.

use crate::model::params::{Params, Strategy};
use crate::model::stats::Responsiveness;

/// Where a task ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// The main thread (the event loop).
    Main,
    /// Worker thread `k` of the pool.
    Worker(u16),
}

impl std::fmt::Display for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lane::Main => write!(f, "main thread"),
            Lane::Worker(k) => write!(f, "worker {k}"),
        }
    }
}

/// What a segment of a task was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// Computing on its lane.
    Cpu,
    /// Waiting (on the event loop: not holding the thread; on a worker: blocking it).
    Wait,
}

/// A stretch of one task's life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub start_ms: f64,
    pub end_ms: f64,
}

/// One task, as measured.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    pub task: u32,
    pub lane: Lane,
    pub start_ms: f64,
    pub end_ms: f64,
    /// Time spent computing.
    pub cpu_ms: f64,
    /// Time spent in waits.
    pub wait_ms: f64,
    /// The kernel's checksum for this task (0 when it computed nothing).
    pub checksum: u64,
    pub segments: Vec<Segment>,
}

impl TaskRecord {
    /// A record made of `(kind, start, end)` segments, with times and totals derived from them
    /// (for tests that craft records).
    pub fn from_segments(task: u32, lane: Lane, segs: &[(SegmentKind, f64, f64)]) -> Self {
        let total = |k: SegmentKind| segs.iter().filter(|s| s.0 == k).map(|s| s.2 - s.1).sum();
        TaskRecord {
            task,
            lane,
            start_ms: segs.first().map_or(0.0, |s| s.1),
            end_ms: segs.last().map_or(0.0, |s| s.2),
            cpu_ms: total(SegmentKind::Cpu),
            wait_ms: total(SegmentKind::Wait),
            checksum: 0,
            segments: segs
                .iter()
                .map(|&(kind, start_ms, end_ms)| Segment {
                    kind,
                    start_ms,
                    end_ms,
                })
                .collect(),
        }
    }
}

/// Builds a [`TaskRecord`] as a task runs: executors call `wait`/`cpu` with absolute times.
#[derive(Debug)]
pub struct TaskRecorder {
    origin_ms: f64,
    record: TaskRecord,
}

impl TaskRecorder {
    /// Starts recording `task` on `lane`; `origin_ms` is the run's start, `now_ms` the task's.
    pub fn start(task: u32, lane: Lane, origin_ms: f64, now_ms: f64) -> Self {
        let start = now_ms - origin_ms;
        Self {
            origin_ms,
            record: TaskRecord {
                task,
                lane,
                start_ms: start,
                end_ms: start,
                cpu_ms: 0.0,
                wait_ms: 0.0,
                checksum: 0,
                segments: Vec::new(),
            },
        }
    }

    /// Records a segment from `from_ms` to `to_ms` (absolute). Adjacent CPU slices merge.
    pub fn segment(&mut self, kind: SegmentKind, from_ms: f64, to_ms: f64) {
        let (s, e) = (
            from_ms - self.origin_ms,
            (to_ms - self.origin_ms).max(from_ms - self.origin_ms),
        );
        match kind {
            SegmentKind::Cpu => self.record.cpu_ms += e - s,
            SegmentKind::Wait => self.record.wait_ms += e - s,
        }
        if let Some(last) = self.record.segments.last_mut()
            && last.kind == kind
            && kind == SegmentKind::Cpu
            && s - last.end_ms < 0.05
        {
            last.end_ms = e;
            return;
        }
        self.record.segments.push(Segment {
            kind,
            start_ms: s,
            end_ms: e,
        });
    }

    /// Finishes the record at `now_ms` (absolute) with the task's checksum.
    pub fn finish(mut self, now_ms: f64, checksum: u64) -> TaskRecord {
        self.record.end_ms = now_ms - self.origin_ms;
        self.record.checksum = checksum;
        self.record
    }
}

/// One run of one strategy, as measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub strategy: Strategy,
    pub params: Params,
    /// Threads the strategy ran on (1 for main-thread strategies).
    pub threads_used: u32,
    /// Workers in the pool when the run started.
    pub pool_size: u32,
    /// Logical cores the browser reports.
    pub cores: u32,
    /// From the run's start to the last task's end.
    pub makespan_ms: f64,
    /// Finished tasks (fewer than `params.tasks` when cancelled).
    pub tasks: Vec<TaskRecord>,
    pub cancelled: bool,
    /// Main-thread responsiveness during the run.
    pub responsiveness: Responsiveness,
}

impl RunRecord {
    /// The order-independent checksum of every task's work.
    pub fn checksum(&self) -> u64 {
        crate::model::kernel::combine(self.tasks.iter().map(|t| t.checksum))
    }

    /// The distinct lanes tasks ran on, main thread first.
    pub fn lanes(&self) -> Vec<Lane> {
        let mut lanes: Vec<Lane> = self.tasks.iter().map(|t| t.lane).collect();
        lanes.sort();
        lanes.dedup();
        lanes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorder_turns_absolute_times_into_run_times() {
        let mut r = TaskRecorder::start(3, Lane::Worker(1), 1000.0, 1010.0);
        r.segment(SegmentKind::Wait, 1010.0, 1110.0);
        r.segment(SegmentKind::Cpu, 1110.0, 1120.0);
        r.segment(SegmentKind::Cpu, 1120.01, 1130.0);
        let t = r.finish(1130.0, 77);
        assert_eq!((t.start_ms, t.end_ms), (10.0, 130.0));
        assert_eq!(t.wait_ms, 100.0);
        assert!((t.cpu_ms - 19.99).abs() < 1e-9);
        assert_eq!(t.segments.len(), 2, "adjacent CPU slices merge");
        assert_eq!(t.segments[1].end_ms, 130.0);
        assert_eq!(t.checksum, 77);
    }

    #[test]
    fn waits_never_merge() {
        let mut r = TaskRecorder::start(0, Lane::Main, 0.0, 0.0);
        r.segment(SegmentKind::Wait, 0.0, 10.0);
        r.segment(SegmentKind::Wait, 10.0, 20.0);
        assert_eq!(r.finish(20.0, 0).segments.len(), 2);
    }
}
