//! The ping-pong: two tasks hand a token back and forth, and every hand-over is one switch
//! from one to the other. Two async tasks hand it through the event loop (two
//! `asyncio.Queue`s of one), two threads through shared memory (a mutex and a condition
//! variable, as `threading.Condition` does), and two threads that must also hold a GIL to run
//! (each lets it go while it waits, as CPython's threads do). What it costs is µs per switch:
//! the median over batches, each batch timed whole (one switch is below the clock's grain).

use crate::model::run::stats::quantile;

/// Which side of the comparison a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Two async tasks on the event loop.
    Async,
    /// Two threads on the pool's workers.
    Threads,
    /// Two threads that hold one GIL to run.
    Gil,
}

impl Model {
    /// Every model, in the order the page shows them.
    pub const ALL: [Model; 3] = [Model::Async, Model::Threads, Model::Gil];

    /// A stable key (tests, the bench, the chart).
    pub fn key(self) -> &'static str {
        match self {
            Model::Async => "async",
            Model::Threads => "threads",
            Model::Gil => "gil",
        }
    }

    /// How it hands the token over, in Python's words.
    pub fn label(self) -> &'static str {
        match self {
            Model::Async => "async tasks (asyncio.Queue)",
            Model::Threads => "threads (threading.Condition)",
            Model::Gil => "threads + GIL",
        }
    }
}

/// One model's ping-pong.
#[derive(Debug, Clone, PartialEq)]
pub struct SwitchRun {
    pub model: Model,
    /// Hand-overs in each batch.
    pub switches: u32,
    /// Each batch's duration, ms.
    pub batch_ms: Vec<f64>,
}

impl SwitchRun {
    /// µs per switch: the median batch over its switches; `None` with no batch.
    pub fn us_per_switch(&self) -> Option<f64> {
        let mut ms: Vec<f64> = self
            .batch_ms
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        ms.sort_by(f64::total_cmp);
        quantile(&ms, 0.5).map(|m| m * 1000.0 / f64::from(self.switches.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_costs_the_median_batch_over_its_switches() {
        let run = SwitchRun {
            model: Model::Threads,
            switches: 1000,
            batch_ms: vec![40.0, 20.0, f64::NAN, 21.0, 500.0],
        };
        // Median of 20, 21, 40, 500 is 30.5 ms over 1,000 switches.
        assert_eq!(run.us_per_switch(), Some(30.5));
        let none = SwitchRun {
            batch_ms: Vec::new(),
            ..run
        };
        assert_eq!(none.us_per_switch(), None);
    }
}
