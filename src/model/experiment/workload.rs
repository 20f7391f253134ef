//! Workloads: what each task does, step by step, decided by the parameters and the seed.
//!
//! A task is the unit every strategy schedules. Its steps are waits (a timer on the event loop, a
//! blocking wait on a worker) and computations (the [`crate::model::experiment::kernel`]). The same
//! parameters give the same steps on every device, so strategies and links compare exactly.

use crate::model::experiment::kernel::{Calibration, Kernel, combine};
use crate::model::experiment::params::{Jitter, Params};
use crate::model::experiment::rng::unit;

/// One step of a task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Wait this many ms without using the CPU.
    Wait { ms: f64 },
    /// Compute this many kernel units (about `ms` milliseconds on this device).
    Compute { units: u64, ms: f64 },
}

/// Everything an executor needs to run an experiment: parameters and the device's kernel speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub params: Params,
    pub calibration: Calibration,
}

impl Plan {
    /// A plan without a calibration: its computations are 0 units (for durations in ms, and
    /// for runs that only wait).
    pub fn uncalibrated(params: Params) -> Self {
        Plan {
            params,
            calibration: Calibration {
                units_per_ms: 0.0,
                took_ms: 0.0,
                sample_units: 0,
                sample_ms: 0.0,
            },
        }
    }

    /// How many tasks the run has.
    pub fn tasks(&self) -> u32 {
        self.params.tasks
    }

    /// Steps per round: a wait, a computation, or both (mixed).
    fn steps_per_round(&self) -> u32 {
        let w = self.params.workload;
        u32::from(w.waits()) + u32::from(w.computes())
    }

    /// How many steps each task has.
    pub fn step_count(&self) -> u32 {
        self.params.effective_rounds() * self.steps_per_round()
    }

    /// Step `i` of `task`, computed from its index (a waiting task keeps an index in its
    /// state, not an iterator); `None` past the last.
    pub fn step(&self, task: u32, i: u32) -> Option<Step> {
        if i >= self.step_count() {
            return None;
        }
        let (p, per_round) = (&self.params, self.steps_per_round());
        Some(if p.workload.waits() && i.is_multiple_of(per_round) {
            Step::Wait {
                ms: wait_ms(p, task, i / per_round),
            }
        } else {
            Step::Compute {
                units: self.calibration.units_for(f64::from(p.cpu_ms)),
                ms: f64::from(p.cpu_ms),
            }
        })
    }

    /// The steps of `task`, in order.
    pub fn steps(&self, task: u32) -> impl Iterator<Item = Step> + '_ {
        (0..self.step_count()).filter_map(move |i| self.step(task, i))
    }

    /// The checksum of `task`'s steps, as any strategy that runs them whole records it.
    pub fn task_checksum(&self, task: u32) -> u64 {
        let mut kernel = Kernel::new(u64::from(self.params.seed), u64::from(task));
        for step in self.steps(task) {
            match step {
                Step::Wait { ms } => kernel.wait_done(ms),
                Step::Compute { units, .. } => kernel.run(units),
            }
        }
        kernel.checksum()
    }

    /// The checksum of a whole run of the plan, whichever strategy runs it.
    pub fn checksum(&self) -> u64 {
        combine((0..self.params.tasks).map(|t| self.task_checksum(t)))
    }
}

/// The duration of `task`'s wait in `round`, with the jitter applied.
pub fn wait_ms(p: &Params, task: u32, round: u32) -> f64 {
    let base = f64::from(p.io_ms);
    let u = unit(u64::from(p.seed), u64::from(task), u64::from(round));
    match p.jitter {
        Jitter::None => base,
        Jitter::Uniform { pct } => base * (1.0 + f64::from(pct) / 100.0 * (2.0 * u - 1.0)),
        // Inverse CDF of the exponential with mean `base`, capped at ten means; libm's `log`
        // gives the same bits on every target.
        Jitter::LongTail => (-base * libm::log(1.0 - u)).min(base * 10.0),
    }
}

/// The waits and computations of every task, in ms (the input of the theory).
pub fn task_durations(p: &Params) -> impl Iterator<Item = Vec<Step>> + '_ {
    let plan = Plan::uncalibrated(*p);
    (0..p.tasks).map(move |t| plan.steps(t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::Workload;

    fn cal() -> Calibration {
        Calibration {
            units_per_ms: 1000.0,
            took_ms: 1.0,
            sample_units: 1,
            sample_ms: 1.0,
        }
    }

    #[test]
    fn io_tasks_only_wait() {
        let plan = Plan {
            params: Params {
                workload: Workload::Io,
                io_ms: 100,
                ..Params::default()
            },
            calibration: cal(),
        };
        assert_eq!(
            plan.steps(0).collect::<Vec<_>>(),
            vec![Step::Wait { ms: 100.0 }]
        );
    }

    #[test]
    fn cpu_tasks_only_compute_with_calibrated_units() {
        let p = Params {
            workload: Workload::Cpu,
            cpu_ms: 20,
            rounds: 5,
            ..Params::default()
        };
        let plan = Plan {
            params: p,
            calibration: cal(),
        };
        assert_eq!(
            plan.steps(3).collect::<Vec<_>>(),
            vec![Step::Compute {
                units: 20_000,
                ms: 20.0
            }]
        );
    }

    #[test]
    fn mixed_tasks_alternate_for_each_round() {
        let p = Params {
            workload: Workload::Mixed,
            io_ms: 10,
            cpu_ms: 2,
            rounds: 3,
            ..Params::default()
        };
        let steps: Vec<_> = Plan {
            params: p,
            calibration: cal(),
        }
        .steps(0)
        .collect();
        assert_eq!(steps.len(), 6);
        assert!(matches!(steps[0], Step::Wait { .. }));
        assert!(matches!(steps[1], Step::Compute { units: 2000, .. }));
        assert!(matches!(steps[5], Step::Compute { .. }));
    }

    #[test]
    fn uniform_jitter_stays_in_range_and_varies() {
        let p = Params {
            jitter: Jitter::Uniform { pct: 20 },
            io_ms: 100,
            ..Params::default()
        };
        let waits: Vec<f64> = (0..1000).map(|t| wait_ms(&p, t, 0)).collect();
        assert!(waits.iter().all(|w| (80.0..=120.0).contains(w)));
        let mean = waits.iter().sum::<f64>() / 1000.0;
        assert!((mean - 100.0).abs() < 2.0, "{mean}");
        assert!(waits.iter().any(|w| *w < 85.0) && waits.iter().any(|w| *w > 115.0));
    }

    #[test]
    fn long_tail_has_mean_near_io_ms_and_a_tail() {
        let p = Params {
            jitter: Jitter::LongTail,
            io_ms: 100,
            ..Params::default()
        };
        let waits: Vec<f64> = (0..20_000).map(|t| wait_ms(&p, t, 0)).collect();
        let mean = waits.iter().sum::<f64>() / waits.len() as f64;
        assert!((mean - 100.0).abs() < 5.0, "{mean}");
        assert!(waits.iter().all(|w| (0.0..=1000.0).contains(w)));
        assert!(
            waits.iter().filter(|w| **w > 300.0).count() > 500,
            "a tail beyond 3x the mean"
        );
    }

    #[test]
    fn io_runs_give_the_fixtures_checksums() {
        // The same lines are checked in the browser (tests/web.rs) and in the Python twin.
        let fixture = include_str!("../../../tests/fixtures/io-checksums.txt");
        for line in fixture.lines().filter(|l| !l.starts_with('#')) {
            let (query, want) = line.split_once(' ').expect("a query and a checksum");
            let plan =
                Plan::uncalibrated(crate::model::experiment::url::exact(query).expect(query));
            assert_eq!(format!("{:016x}", plan.checksum()), want, "{query}");
        }
    }

    #[test]
    fn the_seed_reproduces_the_jitter() {
        let p = Params {
            jitter: Jitter::LongTail,
            ..Params::default()
        };
        let q = Params { seed: 2, ..p };
        assert_eq!(wait_ms(&p, 5, 0), wait_ms(&p, 5, 0));
        assert_ne!(wait_ms(&p, 5, 0), wait_ms(&q, 5, 0));
    }
}
