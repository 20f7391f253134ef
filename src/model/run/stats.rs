//! Statistics: pure projections of numbers taken from run records and probe samples (this
//! module knows nothing of records; `record` builds its digest from it).

/// The frame budget at 60 Hz, in ms.
pub const FRAME_BUDGET_MS: f64 = 1000.0 / 60.0;
/// A main-thread stall this long or longer counts as blocking (the Long Tasks threshold).
pub const LONG_TASK_MS: f64 = 50.0;

/// The `q`-quantile (0..=1) of `sorted` values, interpolating between ranks; `None` if empty.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

fn sorted(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The headline numbers of one run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub tasks_done: usize,
    pub makespan_ms: f64,
    /// Finished tasks per second of makespan.
    pub throughput_per_s: f64,
    /// Latency is from submission (the run's start: every task is submitted at once) to the
    /// task's end, as a caller awaiting that request would see it.
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
    pub latency_max_ms: f64,
    pub cpu_total_ms: f64,
    pub wait_total_ms: f64,
}

impl Summary {
    /// Summarises a run from its finished tasks' end times (ms after the run's start, when
    /// each task was submitted) and their total computation and waiting.
    pub fn of(ends_ms: &[f64], cpu_total_ms: f64, wait_total_ms: f64, makespan_ms: f64) -> Self {
        let lat = sorted(ends_ms.iter().copied());
        let q = |x| quantile(&lat, x).unwrap_or(0.0);
        Summary {
            tasks_done: ends_ms.len(),
            makespan_ms,
            throughput_per_s: if makespan_ms > 0.0 {
                ends_ms.len() as f64 * 1000.0 / makespan_ms
            } else {
                0.0
            },
            latency_p50_ms: q(0.5),
            latency_p95_ms: q(0.95),
            latency_max_ms: q(1.0),
            cpu_total_ms,
            wait_total_ms,
        }
    }
}

/// The event-loop probe's period, ms: its timer asks to fire this often.
pub const PROBE_INTERVAL_MS: f64 = 10.0;

/// One tick of a probe on the main thread: when it ran and how long since the previous tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbeSample {
    /// Absolute time of the tick (shared clock, ms).
    pub at_ms: f64,
    /// Time since the previous tick, ms.
    pub gap_ms: f64,
}

impl ProbeSample {
    /// An event-loop tick's lag: how much later than [`PROBE_INTERVAL_MS`] it came, ms.
    pub fn lag_ms(&self) -> f64 {
        (self.gap_ms - PROBE_INTERVAL_MS).max(0.0)
    }
}

/// A fixed-size ring of probe samples, oldest first: the metrics buffer the meter and run
/// statistics read; recording is O(1) and allocation-free once full.
#[derive(Debug, Clone)]
pub struct SampleRing {
    buf: Vec<ProbeSample>,
    next: usize,
    cap: usize,
}

impl SampleRing {
    /// A ring holding the last `cap` samples, its room taken at once: a ring that grew as it
    /// filled would hold more memory an hour in than a minute in, and growing copies it.
    pub fn new(cap: usize) -> Self {
        Self {
            buf: Vec::with_capacity(cap.max(1)),
            next: 0,
            cap: cap.max(1),
        }
    }

    /// Adds a sample, dropping the oldest when full.
    pub fn push(&mut self, s: ProbeSample) {
        if self.buf.len() < self.cap {
            self.buf.push(s);
        } else {
            self.buf[self.next] = s;
        }
        self.next = (self.next + 1) % self.cap;
    }

    /// Samples oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &ProbeSample> {
        let (a, b) = if self.buf.len() < self.cap {
            (&self.buf[..], &self.buf[..0])
        } else {
            let (x, y) = self.buf.split_at(self.next);
            (y, x)
        };
        a.iter().chain(b.iter())
    }

    /// The newest sample.
    pub fn last(&self) -> Option<&ProbeSample> {
        if self.buf.is_empty() {
            None
        } else {
            self.buf
                .get((self.next + self.cap - 1) % self.cap)
                .or(self.buf.last())
        }
    }

    /// Samples whose gap overlaps `[from_ms, to_ms]`.
    pub fn window(&self, from_ms: f64, to_ms: f64) -> Vec<ProbeSample> {
        self.iter()
            .filter(|s| s.at_ms >= from_ms && s.at_ms - s.gap_ms <= to_ms)
            .copied()
            .collect()
    }
}

/// How the main thread fared during a window of time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Responsiveness {
    /// Probe ticks seen in the window.
    pub samples: usize,
    /// Event-loop lag (tick gap beyond the probe's interval), median and 99th percentile, ms.
    pub lag_p50_ms: f64,
    pub lag_p99_ms: f64,
    /// The longest time the main thread could not run the probe, ms.
    pub longest_stall_ms: f64,
    /// Total of stalls of at least [`LONG_TASK_MS`], ms.
    pub blocked_ms: f64,
    /// Animation frames that should have been drawn but were not.
    pub missed_frames: u32,
}

/// Measures responsiveness in `[from_ms, to_ms]` from event-loop probe ticks (fired every
/// `interval_ms`) and animation-frame ticks. A gap straddling the window counts only its part
/// inside.
pub fn responsiveness(
    lag: &[ProbeSample],
    frames: &[ProbeSample],
    interval_ms: f64,
    from_ms: f64,
    to_ms: f64,
) -> Responsiveness {
    let clipped =
        |s: &ProbeSample| (s.at_ms.min(to_ms) - (s.at_ms - s.gap_ms).max(from_ms)).max(0.0);
    let lags = sorted(lag.iter().map(|s| (clipped(s) - interval_ms).max(0.0)));
    let missed = frames
        .iter()
        .map(|s| ((clipped(s) / FRAME_BUDGET_MS).round() - 1.0).max(0.0) as u32)
        .sum();
    Responsiveness {
        samples: lags.len(),
        lag_p50_ms: quantile(&lags, 0.5).unwrap_or(0.0),
        lag_p99_ms: quantile(&lags, 0.99).unwrap_or(0.0),
        longest_stall_ms: lags.last().copied().unwrap_or(0.0),
        blocked_ms: lags.iter().filter(|l| **l >= LONG_TASK_MS).sum(),
        missed_frames: missed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::{Clock, FakeClock};

    /// Tasks that each computed 1 ms and waited 2 ms.
    fn summary(ends: &[f64], makespan: f64) -> Summary {
        let n = ends.len() as f64;
        Summary::of(ends, n, 2.0 * n, makespan)
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.0), Some(1.0));
        assert_eq!(quantile(&v, 1.0), Some(5.0));
        assert_eq!(quantile(&v, 0.125), Some(1.5));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7.0], 0.99), Some(7.0));
    }

    #[test]
    fn a_summary_of_a_sequential_like_run() {
        let ends: Vec<f64> = (1..=100).map(|i| i as f64 * 10.0).collect();
        let s = summary(&ends, 1000.0);
        assert_eq!(s.tasks_done, 100);
        assert_eq!(s.throughput_per_s, 100.0);
        assert!((s.latency_p50_ms - 505.0).abs() < 1e-9);
        assert!((s.latency_p95_ms - 950.5).abs() < 1e-9);
        assert_eq!(s.latency_max_ms, 1000.0);
        assert_eq!(s.cpu_total_ms, 100.0);
        assert_eq!(s.wait_total_ms, 200.0);
    }

    #[test]
    fn an_empty_run_has_zero_throughput() {
        let s = summary(&[], 0.0);
        assert_eq!(
            (s.tasks_done, s.throughput_per_s, s.latency_max_ms),
            (0, 0.0, 0.0)
        );
    }

    /// Ticks a probe every 10 ms on a fake clock, with one freeze of `freeze` ms at `at`.
    fn probe_with_freeze(at: f64, freeze: f64, until: f64) -> Vec<ProbeSample> {
        let clock = FakeClock::new(1000.0);
        let mut prev = clock.now_ms();
        let mut out = vec![];
        while clock.now_ms() < 1000.0 + until {
            let t = clock.now_ms() - 1000.0;
            clock.advance(if (t..t + 10.0).contains(&at) {
                freeze
            } else {
                10.0
            });
            let now = clock.now_ms();
            out.push(ProbeSample {
                at_ms: now,
                gap_ms: now - prev,
            });
            prev = now;
        }
        out
    }

    #[test]
    fn an_idle_main_thread_shows_no_lag() {
        let s = probe_with_freeze(-1.0, 0.0, 500.0);
        let r = responsiveness(&s, &[], 10.0, 1000.0, 1500.0);
        assert_eq!(r.longest_stall_ms, 0.0);
        assert_eq!(r.blocked_ms, 0.0);
        assert!(r.samples >= 49);
    }

    #[test]
    fn a_freeze_shows_as_the_longest_stall() {
        let s = probe_with_freeze(100.0, 800.0, 1500.0);
        let r = responsiveness(&s, &[], 10.0, 1000.0, 2500.0);
        assert!((r.longest_stall_ms - 790.0).abs() < 1e-9, "{r:?}");
        assert!((r.blocked_ms - 790.0).abs() < 1e-9);
        // 70 ticks without lag and one 790 ms late: rank 0.99 × 70 = 69.3 lies 30% of the way
        // from the last 0 to the 790 ms lag.
        assert_eq!(r.samples, 71, "{r:?}");
        assert!((r.lag_p99_ms - 0.3 * 790.0).abs() < 1e-6, "{r:?}");
        assert_eq!(r.lag_p50_ms, 0.0);
    }

    #[test]
    fn a_stall_straddling_the_window_counts_only_inside() {
        // One 1000 ms gap ending at 1500; the window starts at 1200.
        let s = [ProbeSample {
            at_ms: 1500.0,
            gap_ms: 1000.0,
        }];
        let r = responsiveness(&s, &[], 10.0, 1200.0, 2000.0);
        assert_eq!(r.longest_stall_ms, 290.0);
    }

    #[test]
    fn missed_frames_count_whole_frames() {
        let f = FRAME_BUDGET_MS;
        let frames = [
            ProbeSample {
                at_ms: 100.0,
                gap_ms: f,
            },
            ProbeSample {
                at_ms: 200.0,
                gap_ms: 3.0 * f,
            },
            ProbeSample {
                at_ms: 300.0,
                gap_ms: 10.2 * f,
            },
        ];
        let r = responsiveness(&[], &frames, 10.0, 0.0, 1000.0);
        assert_eq!(r.missed_frames, 2 + 9);
    }

    #[test]
    fn the_ring_keeps_the_newest_in_order() {
        let mut ring = SampleRing::new(3);
        assert!(ring.last().is_none());
        for i in 0..5 {
            ring.push(ProbeSample {
                at_ms: i as f64,
                gap_ms: 1.0,
            });
        }
        let ats: Vec<f64> = ring.iter().map(|s| s.at_ms).collect();
        assert_eq!(ats, vec![2.0, 3.0, 4.0]);
        assert_eq!(ring.last().unwrap().at_ms, 4.0);
        assert_eq!(ring.window(3.0, 3.5).len(), 2, "4.0's gap starts at 3.0");
    }
}
