//! Replaying a recorded run: its state at one instant (who holds the event loop and each
//! worker, how many tasks wait or are queued, the event loop's lag), and the playback clock
//! that moves the playhead at 1×, 0.1× or 0.01× or by steps. Painting is the runtime's.

use crate::model::experiment::params::Strategy;
use crate::model::run::record::{Lane, SegmentKind, TaskRecord};
use crate::model::run::stats::ProbeSample;

/// The playback speeds offered: run time per wall-clock time.
pub const SPEEDS: [f64; 3] = [1.0, 0.1, 0.01];
/// Steps across a run for the arrow keys (Page Up and Down take ten).
pub const STEPS: f64 = 200.0;

/// A task holding a lane at an instant, and doing what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub task: u32,
    pub kind: SegmentKind,
}

/// A recorded run at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub at_ms: f64,
    /// Each lane, with the task holding it then (none: idle).
    pub lanes: Vec<(Lane, Option<Hold>)>,
    /// Tasks in a wait (on the event loop they hold nothing; on a worker they block it).
    pub waiting: usize,
    /// Tasks waiting for a lock (the GIL).
    pub lock_waiting: usize,
    /// Tasks not started yet or between two steps: ready, but run by no one.
    pub queued: usize,
    pub done: usize,
    /// The event loop's lag then: how late the probe tick that covers the instant came, ms.
    pub lag_ms: Option<f64>,
}

impl Moment {
    /// The tasks holding a lane.
    pub fn holders(&self) -> impl Iterator<Item = u32> + '_ {
        self.lanes.iter().filter_map(|(_, h)| h.map(|h| h.task))
    }
}

/// `tasks` of a `strategy` run at `at_ms`, with `lanes` listed (those the timeline shows) and
/// the run's lag samples. A segment holds its lane when it computes, or, off the event loop,
/// whatever it does (a blocking wait holds its worker; the GIL's waiters hold theirs too).
/// Each task's segments are searched by bisection: a run of a million segments is quick.
pub fn moment(
    tasks: &[TaskRecord],
    lanes: &[Lane],
    strategy: Strategy,
    lag: &[ProbeSample],
    at_ms: f64,
) -> Moment {
    let mut m = Moment {
        at_ms,
        lanes: lanes.iter().map(|l| (*l, None)).collect(),
        waiting: 0,
        lock_waiting: 0,
        queued: 0,
        done: 0,
        lag_ms: lag_at(lag, at_ms),
    };
    for t in tasks {
        if at_ms >= t.end_ms {
            m.done += 1;
            continue;
        }
        // Segments are in time order: the first that has not ended by `at_ms`.
        let i = t.segments.partition_point(|s| s.end_ms <= at_ms);
        let Some(s) = t.segments.get(i).filter(|s| s.start_ms <= at_ms) else {
            m.queued += 1;
            continue;
        };
        match s.kind {
            SegmentKind::Wait => m.waiting += 1,
            SegmentKind::LockWait => m.lock_waiting += 1,
            SegmentKind::Cpu => {}
        }
        if s.kind == SegmentKind::Cpu || !strategy.on_event_loop() {
            let lane = s.lane_of(t);
            if let Some(slot) = m.lanes.iter_mut().find(|(l, _)| *l == lane) {
                slot.1 = Some(Hold {
                    task: t.task,
                    kind: s.kind,
                });
            }
        }
    }
    m
}

/// The lag of the probe tick that covers `at_ms` (the tick came `gap` after the previous one:
/// it covers that gap), or `None` where no tick does.
pub fn lag_at(lag: &[ProbeSample], at_ms: f64) -> Option<f64> {
    let i = lag.partition_point(|s| s.at_ms < at_ms);
    lag.get(i)
        .filter(|s| s.at_ms - s.gap_ms <= at_ms)
        .map(ProbeSample::lag_ms)
}

/// The playback of a run `span_ms` long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    pub span_ms: f64,
    pub at_ms: f64,
    /// One of [`SPEEDS`].
    pub speed: f64,
    pub playing: bool,
}

impl Playback {
    /// Stopped at the start, at 0.1×.
    pub fn new(span_ms: f64) -> Self {
        Playback {
            span_ms: if span_ms.is_finite() {
                span_ms.max(0.0)
            } else {
                0.0
            },
            at_ms: 0.0,
            speed: SPEEDS[1],
            playing: false,
        }
    }

    /// Moves to `at_ms`, kept within the run.
    pub fn seek(&mut self, at_ms: f64) {
        self.at_ms = if at_ms.is_finite() {
            at_ms.clamp(0.0, self.span_ms)
        } else {
            0.0
        };
    }

    /// Moves by `steps` of a [`STEPS`]th of the run (negative: back), and pauses.
    pub fn step(&mut self, steps: f64) {
        self.playing = false;
        self.seek(self.at_ms + steps * self.span_ms / STEPS);
    }

    /// Plays from here, or from the start if at the end.
    pub fn play(&mut self) {
        if self.at_ms >= self.span_ms {
            self.at_ms = 0.0;
        }
        self.playing = self.span_ms > 0.0;
    }

    /// Advances by `wall_ms` of wall-clock time at the speed; stops at the end.
    pub fn advance(&mut self, wall_ms: f64) {
        if !self.playing || wall_ms.is_nan() || wall_ms <= 0.0 {
            return;
        }
        self.seek(self.at_ms + wall_ms * self.speed);
        if self.at_ms >= self.span_ms {
            self.playing = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SegmentKind::{Cpu, LockWait, Wait};

    fn task(n: u32, lane: Lane, segs: &[(SegmentKind, f64, f64)]) -> TaskRecord {
        TaskRecord::from_segments(n, lane, segs)
    }

    #[test]
    fn on_the_event_loop_only_computations_hold_it() {
        let mut offloaded = task(2, Lane::Main, &[(Wait, 0.0, 10.0), (Cpu, 12.0, 20.0)]);
        offloaded.segments[1].lane = Some(Lane::Worker(0));
        let tasks = [
            task(0, Lane::Main, &[(Wait, 0.0, 10.0), (Cpu, 10.0, 11.0)]),
            task(1, Lane::Main, &[(Wait, 0.0, 10.0), (Cpu, 11.0, 12.0)]),
            offloaded,
        ];
        let lanes = [Lane::Main, Lane::Worker(0)];
        let m = moment(&tasks, &lanes, Strategy::Executor, &[], 5.0);
        assert_eq!(m.lanes, [(Lane::Main, None), (Lane::Worker(0), None)]);
        assert_eq!((m.waiting, m.queued, m.done), (3, 0, 0));
        let m = moment(&tasks, &lanes, Strategy::Executor, &[], 10.5);
        assert_eq!(m.lanes[0].1, Some(Hold { task: 0, kind: Cpu }));
        assert_eq!(
            (m.waiting, m.queued, m.done),
            (0, 2, 0),
            "1 and 2 ready, not yet run"
        );
        let m = moment(&tasks, &lanes, Strategy::Executor, &[], 15.0);
        assert_eq!(m.holders().collect::<Vec<_>>(), [2]);
        assert_eq!(m.lanes[1].1, Some(Hold { task: 2, kind: Cpu }));
        assert_eq!(m.done, 2);
        assert_eq!(
            moment(&tasks, &lanes, Strategy::Executor, &[], 20.0).done,
            3
        );
    }

    #[test]
    fn off_the_event_loop_a_blocked_worker_is_held() {
        let tasks = [
            task(0, Lane::Worker(0), &[(Wait, 0.0, 10.0), (Cpu, 10.0, 15.0)]),
            task(
                1,
                Lane::Worker(1),
                &[(LockWait, 0.0, 10.0), (Cpu, 10.0, 15.0)],
            ),
            task(2, Lane::Worker(0), &[(Cpu, 15.0, 20.0)]),
        ];
        let lanes = [Lane::Worker(0), Lane::Worker(1)];
        let m = moment(&tasks, &lanes, Strategy::Gil, &[], 5.0);
        assert_eq!(
            m.lanes[0].1,
            Some(Hold {
                task: 0,
                kind: Wait
            })
        );
        assert_eq!(
            m.lanes[1].1,
            Some(Hold {
                task: 1,
                kind: LockWait
            })
        );
        assert_eq!((m.waiting, m.lock_waiting, m.queued), (1, 1, 1));
    }

    #[test]
    fn lag_comes_from_the_tick_covering_the_instant() {
        let lag = [
            ProbeSample {
                at_ms: 10.0,
                gap_ms: 10.0,
            },
            ProbeSample {
                at_ms: 60.0,
                gap_ms: 50.0,
            },
        ];
        assert_eq!(lag_at(&lag, 5.0), Some(0.0));
        assert_eq!(lag_at(&lag, 30.0), Some(40.0));
        assert_eq!(lag_at(&lag, 60.0), Some(40.0));
        assert_eq!(lag_at(&lag, 61.0), None);
        assert_eq!(lag_at(&[], 1.0), None);
    }

    #[test]
    fn playback_moves_at_its_speed_and_stops_at_the_end() {
        let mut p = Playback::new(100.0);
        p.advance(50.0);
        assert_eq!(p.at_ms, 0.0, "paused");
        p.play();
        p.speed = SPEEDS[2];
        p.advance(1000.0);
        assert!((p.at_ms - 10.0).abs() < 1e-9);
        p.speed = SPEEDS[0];
        p.advance(1000.0);
        assert_eq!((p.at_ms, p.playing), (100.0, false));
        p.play();
        assert_eq!(p.at_ms, 0.0, "playing from the end starts over");
        p.step(-3.0);
        assert_eq!((p.at_ms, p.playing), (0.0, false));
        p.step(10.0);
        assert_eq!(p.at_ms, 5.0);
        p.seek(f64::NAN);
        assert_eq!(p.at_ms, 0.0);
        p.seek(1e12);
        assert_eq!(p.at_ms, 100.0);
        let mut empty = Playback::new(f64::NAN);
        empty.play();
        assert!(!empty.playing);
    }
}
