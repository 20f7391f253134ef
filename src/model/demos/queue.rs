//! Producer-consumer: one producer puts items into a bounded queue, one consumer takes them
//! (`asyncio.Queue(maxsize)` against `queue.Queue(maxsize)`). Each item costs the producer
//! and the consumer some work: a wait (I/O, as in the articles) or a computation. This module
//! holds the parameters, the statistics of the queue's depth over time, its chart series and
//! the verdict.

use super::Bound;
use crate::model::format;

pub const ITEMS: Bound = Bound {
    label: "Items",
    lo: 10,
    hi: 5_000,
    default: 300,
};
pub const CAPACITY: Bound = Bound {
    label: "Queue capacity",
    lo: 1,
    hi: 100,
    default: 8,
};
pub const PRODUCE_US: Bound = Bound {
    label: "Producer µs per item",
    lo: 0,
    hi: 20_000,
    default: 500,
};
pub const CONSUME_US: Bound = Bound {
    label: "Consumer µs per item",
    lo: 0,
    hi: 20_000,
    default: 1_000,
};
/// The most work one run may ask for (items × both costs), in µs: a computing async run
/// holds the main thread for all of it.
pub const BUDGET_US: u64 = 3_000_000;

/// What the producer and the consumer spend per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A wait: `await asyncio.sleep` / `time.sleep`.
    Wait,
    /// A computation that holds the thread (in async, the event loop).
    Compute,
}

impl Work {
    pub const ALL: [Work; 2] = [Work::Wait, Work::Compute];

    pub fn key(self) -> &'static str {
        match self {
            Work::Wait => "wait",
            Work::Compute => "compute",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Work::Wait => "wait (I/O)",
            Work::Compute => "compute (CPU)",
        }
    }

    pub fn from_key(k: &str) -> Option<Work> {
        Work::ALL.into_iter().find(|w| w.key() == k)
    }
}

/// One run's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub items: u32,
    pub capacity: u32,
    pub produce_us: u32,
    pub consume_us: u32,
    pub work: Work,
}

impl Config {
    /// Checks the settings together.
    ///
    /// # Errors
    /// A message when the run would ask for more than [`BUDGET_US`] of work.
    pub fn check(&self) -> Result<(), String> {
        let us = u64::from(self.items) * u64::from(self.produce_us + self.consume_us);
        if us > BUDGET_US {
            return Err(format!(
                "items × (producer + consumer µs) is {} of work; at most {} per run",
                format::ms(us as f64 / 1000.0),
                format::ms(BUDGET_US as f64 / 1000.0)
            ));
        }
        Ok(())
    }
}

/// The queue's depth just after a put or a get, at `at_ms` (shared clock).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub at_ms: f64,
    pub depth: u32,
}

/// What one model's run measured: the depth after every put and get, from the producer's
/// start to the consumer's last item, and the items the consumer got, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRun {
    pub items: u32,
    pub capacity: u32,
    pub start_ms: f64,
    pub end_ms: f64,
    pub samples: Vec<Sample>,
    /// The producer puts 0, 1, 2, …; these are what the consumer got.
    pub received: Vec<u32>,
}

/// Whether a queue delivered every item once, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Items put but never got.
    pub lost: u32,
    /// Gets of an item already got (or never put).
    pub repeated: u32,
    /// Gets of an item before one put earlier.
    pub out_of_order: u32,
}

impl Delivery {
    /// Every item once, in order.
    pub fn exact(&self) -> bool {
        self.lost == 0 && self.repeated == 0 && self.out_of_order == 0
    }
}

/// Depth statistics over a run, weighted by time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DepthStats {
    pub ms: f64,
    /// Items through the queue per second.
    pub throughput: f64,
    pub mean_depth: f64,
    pub max_depth: u32,
    /// Share of the run the queue was full (the producer had to wait), in percent.
    pub full_pct: f64,
    /// Share of the run the queue was empty (the consumer had to wait), in percent.
    pub empty_pct: f64,
}

impl QueueRun {
    /// What the consumer got against what the producer put.
    pub fn delivery(&self) -> Delivery {
        let mut seen = vec![false; self.items as usize];
        let (mut repeated, mut out_of_order) = (0, 0);
        let mut last = None;
        for &item in &self.received {
            match seen.get_mut(item as usize) {
                Some(s) if !*s => *s = true,
                _ => repeated += 1,
            }
            if last.is_some_and(|l| item < l) {
                out_of_order += 1;
            }
            last = Some(item);
        }
        Delivery {
            lost: seen.iter().filter(|s| !**s).count() as u32,
            repeated,
            out_of_order,
        }
    }

    /// The run's statistics; the depth is 0 until the first sample.
    pub fn stats(&self) -> DepthStats {
        let ms = (self.end_ms - self.start_ms).max(0.0);
        let (mut area, mut full, mut empty) = (0.0, 0.0, 0.0);
        let mut at = self.start_ms;
        let mut depth = 0;
        for s in self.samples.iter().chain(std::iter::once(&Sample {
            at_ms: self.end_ms,
            depth: 0,
        })) {
            let dt = (s.at_ms.min(self.end_ms) - at).max(0.0);
            area += dt * f64::from(depth);
            if depth >= self.capacity {
                full += dt;
            }
            if depth == 0 {
                empty += dt;
            }
            at = at.max(s.at_ms.min(self.end_ms));
            depth = s.depth;
        }
        let pct = |t: f64| if ms > 0.0 { t * 100.0 / ms } else { 0.0 };
        DepthStats {
            ms,
            throughput: if ms > 0.0 {
                f64::from(self.items) * 1000.0 / ms
            } else {
                0.0
            },
            mean_depth: if ms > 0.0 { area / ms } else { 0.0 },
            max_depth: self.samples.iter().map(|s| s.depth).max().unwrap_or(0),
            full_pct: pct(full),
            empty_pct: pct(empty),
        }
    }

    /// The depth as a step line of `(ms since the start, depth)` points, at most about
    /// `4 × buckets` of them: where samples crowd, each bucket of time keeps its first, lowest,
    /// highest and last depth, so a queue that swings from empty to full stays visible.
    pub fn series(&self, buckets: usize) -> Vec<(f64, f64)> {
        let t = |s: &Sample| s.at_ms - self.start_ms;
        let mut out = vec![(0.0, 0.0)];
        let mut last = 0u32;
        let mut push = |at: f64, d: u32, out: &mut Vec<(f64, f64)>| {
            out.push((at, f64::from(last)));
            out.push((at, f64::from(d)));
            last = d;
        };
        if self.samples.len() <= buckets.max(1) * 2 {
            for s in &self.samples {
                push(t(s), s.depth, &mut out);
            }
        } else {
            let span = (self.end_ms - self.start_ms).max(1e-9);
            let width = span / buckets.max(1) as f64;
            let mut i = 0;
            while i < self.samples.len() {
                let bucket = (t(&self.samples[i]) / width).floor();
                let mut j = i;
                while j < self.samples.len() && (t(&self.samples[j]) / width).floor() == bucket {
                    j += 1;
                }
                let group = &self.samples[i..j];
                let at = t(&group[0]);
                let lo = group.iter().map(|s| s.depth).min().unwrap_or(0);
                let hi = group.iter().map(|s| s.depth).max().unwrap_or(0);
                for d in [group[0].depth, lo, hi, group[group.len() - 1].depth] {
                    push(at, d, &mut out);
                }
                i = j;
            }
        }
        out.push((self.end_ms - self.start_ms, f64::from(last)));
        out.dedup();
        out
    }
}

/// One sentence comparing the two models' throughput and how full their queues stayed.
pub fn verdict(work: Work, asyn: &DepthStats, threads: Option<&DepthStats>) -> String {
    let rate = |s: &DepthStats| format!("{:.0} items/s", s.throughput);
    let Some(t) = threads else {
        return format!(
            "Async moved {} with the queue full {:.0}% and empty {:.0}% of the time.",
            rate(asyn),
            asyn.full_pct,
            asyn.empty_pct
        );
    };
    let ratio = t.throughput / asyn.throughput.max(1e-9);
    let head = if ratio >= 1.2 {
        format!(
            "Threads moved {} against async's {} ({} faster)",
            rate(t),
            rate(asyn),
            format::times(ratio)
        )
    } else if ratio <= 1.0 / 1.2 {
        format!(
            "Async moved {} against threads' {} ({} faster)",
            rate(asyn),
            rate(t),
            format::times(1.0 / ratio)
        )
    } else {
        format!(
            "Both moved about as many items a second (async {}, threads {})",
            rate(asyn),
            rate(t)
        )
    };
    let why = match (work, ratio >= 1.2, ratio <= 1.0 / 1.2) {
        (Work::Compute, true, _) => {
            "threads produce and consume at the same time, while async's one thread does both in turn"
        }
        (Work::Compute, false, _) => {
            "the two threads did not get to compute at the same time here (too few free cores, \
             or too little work per item to pay for waking a thread)"
        }
        (Work::Wait, false, false) => "waits overlap in both models",
        (Work::Wait, _, _) => {
            "waits overlap in both models, so the gap is each one's cost per wait (timers, wake-ups)"
        }
    };
    format!(
        "{head}: {why}; the queue was full {:.0}% of the time with async and {:.0}% with threads.",
        asyn.full_pct, t.full_pct
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(samples: &[(f64, u32)], end: f64) -> QueueRun {
        QueueRun {
            items: 4,
            capacity: 2,
            start_ms: 100.0,
            end_ms: 100.0 + end,
            samples: samples
                .iter()
                .map(|&(t, depth)| Sample {
                    at_ms: 100.0 + t,
                    depth,
                })
                .collect(),
            received: (0..4).collect(),
        }
    }

    #[test]
    fn a_delivery_counts_what_was_lost_repeated_or_reordered() {
        let mut r = run(&[], 10.0);
        assert!(r.delivery().exact());
        r.received = vec![0, 2, 2, 1, 9];
        assert_eq!(
            r.delivery(),
            Delivery {
                lost: 1,
                repeated: 2,
                out_of_order: 1
            }
        );
    }

    #[test]
    fn the_budget_bounds_the_work_of_a_run() {
        let mut c = Config {
            items: 300,
            capacity: 8,
            produce_us: 500,
            consume_us: 1_000,
            work: Work::Wait,
        };
        assert_eq!(c.check(), Ok(()));
        c.items = 5_000;
        assert_eq!(
            c.check(),
            Err(
                "items × (producer + consumer µs) is 7.50 s of work; at most 3.00 s per run".into()
            )
        );
        assert_eq!(Work::from_key("compute"), Some(Work::Compute));
        assert_eq!(Work::from_key("sleep"), None);
    }

    #[test]
    fn depth_statistics_weigh_each_depth_by_how_long_it_lasted() {
        // Empty for 10 ms, 1 deep for 10, full (2) for 20, 1 for 10, then empty for 50.
        let r = run(&[(10.0, 1), (20.0, 2), (40.0, 1), (50.0, 0)], 100.0);
        let s = r.stats();
        assert_eq!(s.ms, 100.0);
        assert_eq!(s.throughput, 40.0);
        assert!((s.mean_depth - 0.6).abs() < 1e-9, "{}", s.mean_depth);
        assert_eq!(s.max_depth, 2);
        assert!((s.full_pct - 20.0).abs() < 1e-9);
        assert!((s.empty_pct - 60.0).abs() < 1e-9);
    }

    #[test]
    fn an_empty_run_has_no_rates() {
        let s = run(&[], 0.0).stats();
        assert_eq!((s.throughput, s.mean_depth, s.max_depth), (0.0, 0.0, 0));
    }

    #[test]
    fn a_short_series_is_the_exact_step_line() {
        let r = run(&[(10.0, 1), (20.0, 2), (40.0, 1)], 50.0);
        assert_eq!(
            r.series(100),
            vec![
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 1.0),
                (20.0, 1.0),
                (20.0, 2.0),
                (40.0, 2.0),
                (40.0, 1.0),
                (50.0, 1.0)
            ]
        );
    }

    #[test]
    fn a_long_series_keeps_each_buckets_extremes() {
        // 1,000 samples swinging between 0 and 2 every 0.1 ms: 10 buckets of 10 ms.
        let samples: Vec<(f64, u32)> = (0..1000)
            .map(|i| (i as f64 * 0.1, (i % 3) as u32))
            .collect();
        let r = run(&samples, 100.0);
        let s = r.series(10);
        assert!(s.len() <= 4 * 2 * 10 + 2, "{} points", s.len());
        assert!(s.iter().any(|p| p.1 == 2.0) && s.iter().any(|p| p.1 == 0.0));
        assert!(
            s.windows(2).all(|w| w[0].0 <= w[1].0),
            "time never goes back"
        );
        assert_eq!(s.last().map(|p| p.0), Some(100.0));
    }

    fn stats(throughput: f64, full_pct: f64) -> DepthStats {
        DepthStats {
            ms: 100.0,
            throughput,
            mean_depth: 1.0,
            max_depth: 8,
            full_pct,
            empty_pct: 5.0,
        }
    }

    #[test]
    fn the_verdict_compares_throughput_and_says_why() {
        assert!(
            verdict(Work::Compute, &stats(640.0, 9.0), Some(&stats(375.0, 48.0))).starts_with(
                "Async moved 640 items/s against threads' 375 items/s (1.71× faster): the two \
                 threads did not get to compute at the same time here"
            )
        );
        assert_eq!(
            verdict(
                Work::Compute,
                &stats(3_300.0, 40.0),
                Some(&stats(5_000.0, 90.0))
            ),
            "Threads moved 5000 items/s against async's 3300 items/s (1.52× faster): threads \
             produce and consume at the same time, while async's one thread does both in turn; \
             the queue was full 40% of the time with async and 90% with threads."
        );
        assert!(
            verdict(Work::Wait, &stats(990.0, 80.0), Some(&stats(1_000.0, 82.0)))
                .starts_with("Both moved about as many items a second (async 990 items/s, threads 1000 items/s): waits overlap")
        );
        assert!(
            verdict(Work::Wait, &stats(2_000.0, 8.0), Some(&stats(1_000.0, 8.0))).starts_with(
                "Async moved 2000 items/s against threads' 1000 items/s (2.00× faster): waits \
                     overlap in both models, so the gap is each one's cost per wait"
            )
        );
        assert_eq!(
            verdict(Work::Wait, &stats(990.0, 80.0), None),
            "Async moved 990 items/s with the queue full 80% and empty 5% of the time."
        );
    }
}
