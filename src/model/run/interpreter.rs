//! A task's life, once for every strategy: a pure state machine that walks the workload's
//! steps, runs the kernel and records the task, told the time by its driver.
//!
//! It is asked what to do next ([`Interpreter::next_action`]): wait so long, give the event loop a
//! turn, compute a slice here, hand a computation to another thread, take or hand over a lock, or
//! finish. Its driver does it, the way it can where it runs (a timer on the event loop, a blocking
//! wait on a worker, a return to a process's own event loop), and says what happened through the
//! matching method, which reads the driver's [`Clock`] and records the segment. Drivers know
//! nothing of steps, segments or checksums; the interpreter knows nothing of timers, threads or
//! cancellation (a driver that stops drops it). This is quinn-proto's `Connection` and its
//! `poll_*`/`handle_*` pair, for a task.

use crate::model::clock::Clock;
use crate::model::experiment::kernel::Kernel;
use crate::model::experiment::workload::{Plan, Step};
use crate::model::run::record::{Lane, SegmentKind, TaskRecord, TaskRecorder};

/// How much work a worker does between checks for cancellation, in ms.
pub const CHECK_MS: f64 = 10.0;
/// How much work a thread holding the GIL does between checks for a drop request, in ms
/// (CPython checks between bytecodes).
pub const GIL_CHECK_MS: f64 = 0.05;
/// Lock waits shorter than this are not recorded (the lock was free), in ms.
pub const LOCK_WAIT_MIN_MS: f64 = 0.01;

/// Where a task's computations run, and so how they are cut: what tells the strategies'
/// drivers apart besides how they wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComputeOn {
    /// The event loop's thread, in slices of `yield_every_ms` with a turn of the loop before
    /// the first and between them; whole when it is 0 (the page freezes, on purpose).
    EventLoop,
    /// An executor's thread, whole, while the task waits on the loop (`run_in_executor`).
    Executor,
    /// The task's own thread, in slices of [`CHECK_MS`] (the driver checks for a cancel
    /// between them), one segment for the whole computation.
    Thread,
    /// The task's own thread holding the GIL: taken first, computed in slices of
    /// [`GIL_CHECK_MS`], handed over when another thread asks, let go at the end.
    ThreadWithGil,
    /// A process of its own, whole: nothing to check between slices.
    Process,
}

/// What the interpreter asks its driver to do. Asked again before it is answered, it asks
/// the same (but for [`Action::Unlock`], which needs no answer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Wait `ms` from `from_ms` (absolute), without computing; then [`Interpreter::waited`].
    Wait { from_ms: f64, ms: f64 },
    /// Give the event loop a turn; then [`Interpreter::resumed`].
    Yield,
    /// Compute the next slice, of `units`, here: [`Interpreter::compute`].
    Compute { units: u64 },
    /// Run `units` of `kernel` on another thread; then [`Interpreter::offloaded`] with what
    /// came back.
    Offload { kernel: Kernel, units: u64 },
    /// Take the lock; then [`Interpreter::locked`].
    Lock,
    /// Let the lock go to the thread that asked for it and queue for it again; then
    /// [`Interpreter::locked`].
    HandOver,
    /// Let the lock go: the computation is done.
    Unlock,
    /// Every step is done: [`Interpreter::finish`].
    Done,
}

/// A step handed to another thread, as it came back: the kernel after it (a computation's;
/// a wait has none), and when and where it ran.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offloaded {
    pub kernel: Option<Kernel>,
    pub start_ms: f64,
    pub end_ms: f64,
    pub lane: Lane,
}

/// Where the task is, between two questions.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Before its next step.
    Between,
    /// In a wait of `ms` that began at the interpreter's `at_ms`.
    Waiting { ms: f64 },
    /// A computation of `left` units waiting for a turn of the event loop.
    Turn { left: u64 },
    /// A computation of `left` units waiting for the lock since `at_ms` (after handing it
    /// over: `again`).
    Asking { left: u64, again: bool },
    /// Computing, `left` units to go, in a segment that began at `since_ms`.
    Computing { left: u64, since_ms: f64 },
    /// A computation of `units` handed to another thread at `at_ms`.
    Away { units: u64 },
    /// A computation done while holding the lock, which is still to be let go.
    Releasing,
}

/// One task's life: its steps, its kernel and its record so far.
#[derive(Debug)]
pub struct Interpreter<'p> {
    plan: &'p Plan,
    on: ComputeOn,
    /// The next step's index.
    step: u32,
    phase: Phase,
    /// The latest clock reading: when the last step or slice ended, where the next begins.
    at_ms: f64,
    kernel: Kernel,
    rec: TaskRecorder,
}

impl<'p> Interpreter<'p> {
    /// Starts `task` of `plan` on `lane` now, for a run that began at `origin_ms`.
    pub fn start(
        plan: &'p Plan,
        task: u32,
        lane: Lane,
        origin_ms: f64,
        on: ComputeOn,
        clock: &impl Clock,
    ) -> Self {
        let now = clock.now_ms();
        Interpreter {
            plan,
            on,
            step: 0,
            phase: Phase::Between,
            at_ms: now,
            kernel: Kernel::new(u64::from(plan.params.seed), u64::from(task)),
            rec: TaskRecorder::start(task, lane, origin_ms, now),
        }
    }

    /// When the last answer came (absolute ms): at first, when the task started.
    pub fn at_ms(&self) -> f64 {
        self.at_ms
    }

    /// Whether the task holds the lock (a driver that stops must let it go).
    pub fn holds_lock(&self) -> bool {
        self.on == ComputeOn::ThreadWithGil
            && matches!(self.phase, Phase::Computing { .. } | Phase::Releasing)
    }

    /// What to do next.
    pub fn next_action(&mut self) -> Action {
        match self.phase {
            Phase::Between => match self.plan.step(self.rec.task(), self.step) {
                None => Action::Done,
                Some(step) => {
                    self.step += 1;
                    self.phase = match step {
                        Step::Wait { ms } => Phase::Waiting { ms },
                        Step::Compute { units, .. } => self.computation(units),
                    };
                    self.next_action()
                }
            },
            Phase::Waiting { ms } => Action::Wait {
                from_ms: self.at_ms,
                ms,
            },
            Phase::Turn { .. } => Action::Yield,
            Phase::Asking { again: false, .. } => Action::Lock,
            Phase::Asking { again: true, .. } => Action::HandOver,
            Phase::Computing { left, .. } => Action::Compute {
                units: left.min(self.slice_units(left)),
            },
            Phase::Away { units } => Action::Offload {
                kernel: self.kernel,
                units,
            },
            Phase::Releasing => {
                self.phase = Phase::Between;
                Action::Unlock
            }
        }
    }

    /// How a computation of `units` begins.
    fn computation(&self, units: u64) -> Phase {
        let computing = Phase::Computing {
            left: units,
            since_ms: self.at_ms,
        };
        match self.on {
            // Tasks woken together (one timer wakes every due sleeper) would otherwise run
            // their first slices back to back in one turn of the loop.
            ComputeOn::EventLoop if self.plan.params.yield_every_ms > 0 && units > 0 => {
                Phase::Turn { left: units }
            }
            ComputeOn::Executor => Phase::Away { units },
            ComputeOn::ThreadWithGil => Phase::Asking {
                left: units,
                again: false,
            },
            ComputeOn::EventLoop | ComputeOn::Thread | ComputeOn::Process => computing,
        }
    }

    /// The most units computed between two questions, for a computation with `left` to go.
    fn slice_units(&self, left: u64) -> u64 {
        let units_for = |ms: f64| self.plan.calibration.units_for(ms).max(1);
        match self.on {
            ComputeOn::EventLoop if self.plan.params.yield_every_ms > 0 => {
                units_for(f64::from(self.plan.params.yield_every_ms))
            }
            ComputeOn::Thread => units_for(CHECK_MS),
            ComputeOn::ThreadWithGil => units_for(GIL_CHECK_MS),
            ComputeOn::EventLoop | ComputeOn::Executor | ComputeOn::Process => left,
        }
    }

    /// Records a segment of `kind` from the last reading to now, and moves the reading on.
    fn record_until_now(&mut self, kind: SegmentKind, from_ms: f64, clock: &impl Clock) {
        let now = clock.now_ms();
        self.rec.segment(kind, from_ms, now);
        self.at_ms = now;
    }

    /// After [`Action::Wait`]: the wait is over.
    pub fn waited(&mut self, clock: &impl Clock) {
        if let Phase::Waiting { ms } = self.phase {
            self.record_until_now(SegmentKind::Wait, self.at_ms, clock);
            self.kernel.wait_done(ms);
            self.phase = Phase::Between;
        }
    }

    /// After [`Action::Yield`]: the event loop gave the task its turn back.
    pub fn resumed(&mut self, clock: &impl Clock) {
        if let Phase::Turn { left } = self.phase {
            self.at_ms = clock.now_ms();
            self.phase = Phase::Computing {
                left,
                since_ms: self.at_ms,
            };
        }
    }

    /// For [`Action::Compute`]: runs the slice here. The clock is read when the slice ends a
    /// segment: the computation is done, or the event loop gets a turn.
    pub fn compute(&mut self, clock: &impl Clock) {
        let Phase::Computing { left, since_ms } = self.phase else {
            return;
        };
        let n = left.min(self.slice_units(left));
        self.kernel.run(n);
        let left = left - n;
        self.phase = if left == 0 {
            self.record_until_now(SegmentKind::Cpu, since_ms, clock);
            match self.on {
                ComputeOn::ThreadWithGil => Phase::Releasing,
                _ => Phase::Between,
            }
        } else if self.on == ComputeOn::EventLoop {
            self.record_until_now(SegmentKind::Cpu, since_ms, clock);
            Phase::Turn { left }
        } else {
            Phase::Computing { left, since_ms }
        };
    }

    /// While computing holding the lock: another thread asked for it (CPython's
    /// `gil_drop_request`), so the computation stops here and [`Action::HandOver`] comes next.
    pub fn drop_requested(&mut self, clock: &impl Clock) {
        if let Phase::Computing { left, since_ms } = self.phase
            && self.on == ComputeOn::ThreadWithGil
        {
            self.record_until_now(SegmentKind::Cpu, since_ms, clock);
            self.phase = Phase::Asking { left, again: true };
        }
    }

    /// After [`Action::Lock`] or [`Action::HandOver`]: the task holds the lock. A wait for it
    /// is recorded when it was not free.
    pub fn locked(&mut self, clock: &impl Clock) {
        if let Phase::Asking { left, .. } = self.phase {
            let now = clock.now_ms();
            if now - self.at_ms >= LOCK_WAIT_MIN_MS {
                self.rec.segment(SegmentKind::LockWait, self.at_ms, now);
            }
            self.at_ms = now;
            self.phase = Phase::Computing {
                left,
                since_ms: now,
            };
        }
    }

    /// After [`Action::Offload`], or an [`Action::Wait`] the driver handed to another thread
    /// (a blocking wait in `run_in_executor`): the step came `back`. The task waited for it on
    /// its own lane, until it started and from its end until now, and computed, or blocked
    /// that thread, on `back.lane`.
    pub fn offloaded(&mut self, back: Offloaded, clock: &impl Clock) {
        let kind = match self.phase {
            Phase::Away { .. } => SegmentKind::Cpu,
            Phase::Waiting { .. } => SegmentKind::Wait,
            _ => return,
        };
        self.rec
            .segment(SegmentKind::Wait, self.at_ms, back.start_ms);
        self.rec
            .segment_on(Some(back.lane), kind, back.start_ms, back.end_ms);
        self.record_until_now(SegmentKind::Wait, back.end_ms, clock);
        match (self.phase, back.kernel) {
            (Phase::Waiting { ms }, _) => self.kernel.wait_done(ms),
            (_, Some(kernel)) => self.kernel = kernel,
            (_, None) => debug_assert!(false, "a computation comes back with its kernel"),
        }
        self.phase = Phase::Between;
    }

    /// After [`Action::Done`]: the task's record, ending when its last step did.
    pub fn finish(self) -> TaskRecord {
        self.rec.finish(self.at_ms, self.kernel.checksum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::FakeClock;
    use crate::model::experiment::kernel::Calibration;
    use crate::model::experiment::params::{Jitter, Params, Workload};

    const UNITS_PER_MS: f64 = 1000.0;

    fn plan(params: Params) -> Plan {
        Plan {
            params,
            calibration: Calibration {
                units_per_ms: UNITS_PER_MS,
                took_ms: 1.0,
                sample_units: 1,
                sample_ms: 1.0,
            },
        }
    }

    fn mixed() -> Params {
        Params {
            workload: Workload::Mixed,
            rounds: 3,
            io_ms: 10,
            cpu_ms: 20,
            yield_every_ms: 5,
            ..Params::default()
        }
    }

    /// A driver that does what it is asked on a fake clock: a wait takes its time, a unit of
    /// work a microsecond, a turn of the event loop 0.5 ms, a lock `lock_ms` (and a drop is
    /// requested every `drop_every` slices, when given). Returns the record and the actions.
    fn drive(
        plan: &Plan,
        task: u32,
        on: ComputeOn,
        lock_ms: f64,
        drop_every: Option<u32>,
    ) -> (TaskRecord, Vec<Action>) {
        let clock = FakeClock::new(1_000.0);
        let mut t = Interpreter::start(plan, task, Lane::Worker(1), 1_000.0, on, &clock);
        let (mut actions, mut slices) = (Vec::new(), 0);
        loop {
            let action = t.next_action();
            actions.push(action);
            match action {
                Action::Wait { from_ms, ms } => {
                    clock.advance(from_ms + ms - clock.now_ms());
                    t.waited(&clock);
                }
                Action::Yield => {
                    clock.advance(0.5);
                    t.resumed(&clock);
                }
                Action::Compute { units } => {
                    clock.advance(units as f64 / UNITS_PER_MS);
                    t.compute(&clock);
                    slices += 1;
                    if drop_every.is_some_and(|n| slices % n == 0) {
                        t.drop_requested(&clock);
                    }
                }
                Action::Offload { mut kernel, units } => {
                    clock.advance(0.25);
                    let start_ms = clock.now_ms();
                    kernel.run(units);
                    clock.advance(units as f64 / UNITS_PER_MS);
                    let back = Offloaded {
                        kernel: Some(kernel),
                        start_ms,
                        end_ms: clock.now_ms(),
                        lane: Lane::Worker(7),
                    };
                    clock.advance(0.125);
                    t.offloaded(back, &clock);
                }
                Action::Lock | Action::HandOver => {
                    clock.advance(lock_ms);
                    t.locked(&clock);
                }
                Action::Unlock => assert!(!t.holds_lock()),
                Action::Done => return (t.finish(), actions),
            }
        }
    }

    const EVERY: [ComputeOn; 5] = [
        ComputeOn::EventLoop,
        ComputeOn::Executor,
        ComputeOn::Thread,
        ComputeOn::ThreadWithGil,
        ComputeOn::Process,
    ];

    #[test]
    fn every_driver_does_the_same_work() {
        let plan = plan(mixed());
        for on in EVERY {
            for task in [0, 5] {
                let (r, _) = drive(&plan, task, on, 0.5, Some(7));
                assert_eq!(r.checksum, plan.task_checksum(task), "{on:?}");
                assert_eq!(r.task, task);
                assert_eq!(
                    r.wait_ms,
                    30.0 + if on == ComputeOn::Executor {
                        3.0 * 0.375
                    } else {
                        0.0
                    },
                    "{on:?}"
                );
                assert!((r.cpu_ms - 60.0).abs() < 1e-9, "{on:?}: {}", r.cpu_ms);
            }
        }
    }

    #[test]
    fn a_wait_is_recorded_from_its_start_and_folded_into_the_checksum() {
        let plan = plan(Params {
            workload: Workload::Io,
            io_ms: 100,
            ..Params::default()
        });
        let (r, actions) = drive(&plan, 3, ComputeOn::EventLoop, 0.0, None);
        assert_eq!(
            actions,
            [
                Action::Wait {
                    from_ms: 1_000.0,
                    ms: 100.0
                },
                Action::Done
            ]
        );
        assert_eq!((r.start_ms, r.end_ms, r.wait_ms), (0.0, 100.0, 100.0));
        assert_eq!(r.segments.len(), 1);
        assert_eq!(r.checksum, plan.task_checksum(3));
    }

    #[test]
    fn on_the_event_loop_a_computation_takes_turns_in_slices() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 12,
            yield_every_ms: 5,
            ..Params::default()
        });
        let (r, actions) = drive(&plan, 0, ComputeOn::EventLoop, 0.0, None);
        let turns = [
            Action::Yield,
            Action::Compute { units: 5_000 },
            Action::Yield,
            Action::Compute { units: 5_000 },
            Action::Yield,
            Action::Compute { units: 2_000 },
            Action::Done,
        ];
        assert_eq!(actions, turns);
        let cpu: Vec<(f64, f64)> = r.segments.iter().map(|s| (s.start_ms, s.end_ms)).collect();
        assert_eq!(cpu, [(0.5, 5.5), (6.0, 11.0), (11.5, 13.5)]);
    }

    #[test]
    fn yielding_never_computes_a_task_whole() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 12,
            yield_every_ms: 0,
            ..Params::default()
        });
        let (r, actions) = drive(&plan, 0, ComputeOn::EventLoop, 0.0, None);
        assert_eq!(actions, [Action::Compute { units: 12_000 }, Action::Done]);
        assert_eq!(r.segments.len(), 1);
    }

    #[test]
    fn a_thread_computes_in_slices_but_records_one_segment() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 25,
            ..Params::default()
        });
        let (r, actions) = drive(&plan, 0, ComputeOn::Thread, 0.0, None);
        assert_eq!(
            actions,
            [
                Action::Compute { units: 10_000 },
                Action::Compute { units: 10_000 },
                Action::Compute { units: 5_000 },
                Action::Done
            ]
        );
        assert_eq!(r.segments.len(), 1);
        assert_eq!((r.segments[0].start_ms, r.segments[0].end_ms), (0.0, 25.0));
    }

    #[test]
    fn a_computation_of_nothing_is_still_on_record() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 0,
            ..Params::default()
        });
        for on in [ComputeOn::EventLoop, ComputeOn::Thread, ComputeOn::Process] {
            let (r, actions) = drive(&plan, 0, on, 0.0, None);
            assert_eq!(
                actions,
                [Action::Compute { units: 0 }, Action::Done],
                "{on:?}"
            );
            assert_eq!(r.segments.len(), 1, "{on:?}");
        }
    }

    #[test]
    fn under_the_gil_a_thread_waits_for_it_and_hands_it_over_when_asked() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 1,
            ..Params::default()
        });
        // 1 ms in slices of 0.05 ms: 20 slices, handed over after the 8th and 16th.
        let (r, actions) = drive(&plan, 0, ComputeOn::ThreadWithGil, 2.0, Some(8));
        let asks: Vec<&Action> = actions
            .iter()
            .filter(|a| matches!(a, Action::Lock | Action::HandOver | Action::Unlock))
            .collect();
        assert_eq!(
            asks,
            [
                &Action::Lock,
                &Action::HandOver,
                &Action::HandOver,
                &Action::Unlock
            ]
        );
        let kinds: Vec<SegmentKind> = r.segments.iter().map(|s| s.kind).collect();
        use SegmentKind::{Cpu, LockWait};
        assert_eq!(kinds, [LockWait, Cpu, LockWait, Cpu, LockWait, Cpu]);
        assert_eq!(r.lock_ms, 6.0);
        assert!((r.cpu_ms - 1.0).abs() < 1e-9);
        assert_eq!(r.checksum, plan.task_checksum(0));
    }

    #[test]
    fn a_free_lock_leaves_no_wait_on_record() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 1,
            ..Params::default()
        });
        let (r, _) = drive(
            &plan,
            0,
            ComputeOn::ThreadWithGil,
            LOCK_WAIT_MIN_MS / 2.0,
            None,
        );
        assert_eq!(r.segments.len(), 1);
        assert_eq!(r.lock_ms, 0.0);
    }

    #[test]
    fn the_lock_is_held_only_while_computing() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 1,
            ..Params::default()
        });
        let clock = FakeClock::new(0.0);
        let mut t = Interpreter::start(
            &plan,
            0,
            Lane::Worker(0),
            0.0,
            ComputeOn::ThreadWithGil,
            &clock,
        );
        assert_eq!(t.next_action(), Action::Lock);
        assert!(!t.holds_lock(), "asked, not yet taken");
        t.locked(&clock);
        assert!(t.holds_lock());
        t.drop_requested(&clock);
        assert!(!t.holds_lock(), "handing over");
        assert_eq!(t.next_action(), Action::HandOver);
        t.locked(&clock);
        while let Action::Compute { .. } = t.next_action() {
            t.compute(&clock);
        }
        assert!(!t.holds_lock(), "let go by the Unlock just asked for");
        assert_eq!(t.next_action(), Action::Done);
    }

    #[test]
    fn an_offloaded_computation_runs_on_the_executors_lane() {
        let plan = plan(Params {
            workload: Workload::Cpu,
            cpu_ms: 4,
            ..Params::default()
        });
        let (r, actions) = drive(&plan, 2, ComputeOn::Executor, 0.0, None);
        assert!(matches!(actions[0], Action::Offload { units: 4_000, .. }));
        let segs: Vec<(SegmentKind, Option<Lane>, f64, f64)> = r
            .segments
            .iter()
            .map(|s| (s.kind, s.lane, s.start_ms, s.end_ms))
            .collect();
        assert_eq!(
            segs,
            [
                (SegmentKind::Wait, None, 0.0, 0.25),
                (SegmentKind::Cpu, Some(Lane::Worker(7)), 0.25, 4.25),
                (SegmentKind::Wait, None, 4.25, 4.375),
            ]
        );
        assert_eq!(r.checksum, plan.task_checksum(2));
    }

    #[test]
    fn a_wait_handed_to_another_thread_blocks_that_lane_and_keeps_the_checksum() {
        // run_in_executor(None, time.sleep, ...): the wait runs on a worker, the task awaits it.
        let plan = plan(Params {
            workload: Workload::Mixed,
            io_ms: 10,
            cpu_ms: 1,
            jitter: Jitter::Uniform { pct: 50 },
            ..Params::default()
        });
        let clock = FakeClock::new(0.0);
        let mut t = Interpreter::start(&plan, 3, Lane::Main, 0.0, ComputeOn::Executor, &clock);
        let Action::Wait { ms, .. } = t.next_action() else {
            panic!("a mixed task begins with a wait");
        };
        clock.advance(0.5);
        let back = Offloaded {
            kernel: None,
            start_ms: 0.5,
            end_ms: 0.5 + ms,
            lane: Lane::Worker(1),
        };
        clock.advance(ms + 0.25);
        t.offloaded(back, &clock);
        assert!(
            matches!(t.next_action(), Action::Offload { .. }),
            "then its computation"
        );
        let Action::Offload { mut kernel, units } = t.next_action() else {
            unreachable!()
        };
        kernel.run(units);
        t.offloaded(
            Offloaded {
                kernel: Some(kernel),
                start_ms: clock.now_ms(),
                end_ms: clock.now_ms() + 1.0,
                lane: Lane::Worker(0),
            },
            &clock,
        );
        assert_eq!(t.next_action(), Action::Done);
        let r = t.finish();
        let segs: Vec<(SegmentKind, Option<Lane>)> = r
            .segments
            .iter()
            .map(|s| (s.kind, s.lane))
            .take(3)
            .collect();
        assert_eq!(
            segs,
            [
                (SegmentKind::Wait, None),
                (SegmentKind::Wait, Some(Lane::Worker(1))),
                (SegmentKind::Wait, None),
            ]
        );
        assert_eq!(r.segments[1].end_ms - r.segments[1].start_ms, ms);
        assert_eq!(r.checksum, plan.task_checksum(3));
    }

    #[test]
    fn a_question_is_asked_again_until_it_is_answered() {
        let plan = plan(mixed());
        let clock = FakeClock::new(0.0);
        let mut t = Interpreter::start(&plan, 0, Lane::Main, 0.0, ComputeOn::EventLoop, &clock);
        let first = t.next_action();
        assert_eq!(t.next_action(), first);
        // An answer to another question changes nothing.
        t.resumed(&clock);
        t.locked(&clock);
        t.compute(&clock);
        assert_eq!(t.next_action(), first);
    }
}
