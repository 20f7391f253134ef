//! The CPU kernel: deterministic, resumable work that returns a checksum.
//!
//! A work unit is one step of a xorshift-multiply chain. Each step depends on the last, so the
//! compiler can neither vectorise nor skip it, and the checksum proves the work was done. The
//! kernel is resumable ([`Kernel::run`] may be called in slices), so the async strategy can
//! yield to the event loop mid-task and still produce the same checksum as an unsliced run.

/// The state of one task's computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kernel {
    state: u64,
}

impl Kernel {
    /// A kernel seeded for one task of one experiment.
    pub fn new(seed: u64, task: u64) -> Self {
        Self {
            state: crate::model::experiment::rng::mix64(
                seed ^ task.wrapping_mul(0xA24B_AED4_963E_E407),
            ) | 1,
        }
    }

    /// Runs `units` steps of work.
    #[inline(never)]
    #[cfg_attr(target_arch = "wasm32", optimize(speed))]
    pub fn run(&mut self, units: u64) {
        #[inline(always)]
        fn step(mut x: u64) -> u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        let mut x = self.state;
        // Four steps per trip: the engine checks for interrupts on every loop back-edge, and
        // the size-optimised wasm build does not unroll by itself. The same steps in the same
        // order, so the checksum does not change.
        for _ in 0..units / 4 {
            x = step(step(step(step(x))));
        }
        for _ in 0..units % 4 {
            x = step(x);
        }
        self.state = x;
    }

    /// Folds a finished wait of `ms` (its planned, seeded duration) into the checksum, so
    /// I/O tasks prove which waits they did, and every strategy must agree on them.
    pub fn wait_done(&mut self, ms: f64) {
        self.state = crate::model::experiment::rng::mix64(self.state ^ ms.to_bits()) | 1;
    }

    /// The checksum of the work done so far.
    pub fn checksum(&self) -> u64 {
        self.state
    }
}

/// Combines per-task checksums into a run checksum that does not depend on completion order
/// (tasks finish in different orders under different strategies).
pub fn combine(checksums: impl IntoIterator<Item = u64>) -> u64 {
    checksums.into_iter().fold(0u64, |acc, c| {
        acc.wrapping_add(crate::model::experiment::rng::mix64(c))
    })
}

/// Kernel speed on this device, measured once at start-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Work units per millisecond on one thread.
    pub units_per_ms: f64,
    /// How long calibration took, in ms.
    pub took_ms: f64,
    /// The units in the timed run that set `units_per_ms`.
    pub sample_units: u64,
    /// That run's duration, in ms.
    pub sample_ms: f64,
}

impl Calibration {
    /// Work units that take `ms` milliseconds on this device.
    pub fn units_for(&self, ms: f64) -> u64 {
        (self.units_per_ms * ms).round().max(0.0) as u64
    }
}

/// The shortest timed run calibration trusts: timer resolution is 5 µs (isolated pages) to
/// 100 µs, so 12 ms is within 1%, and three runs of it keep start-up short.
pub const CALIBRATION_MIN_SAMPLE_MS: f64 = 12.0;

/// Samples taken at the final size, at least and at most.
const CALIBRATION_MIN_SAMPLES: usize = 5;
const CALIBRATION_MAX_SAMPLES: usize = 24;
/// A sample this much faster than the best so far counts as progress (the JIT's optimised
/// code arriving); calibration ends after [`CALIBRATION_SETTLED`] samples without any.
const CALIBRATION_PROGRESS: f64 = 0.03;
const CALIBRATION_SETTLED: usize = 6;
/// Times the size may grow again because the fastest sample came out short.
const CALIBRATION_MAX_ROUNDS: usize = 4;

/// Measures kernel speed: grows the units until one run lasts at least
/// [`CALIBRATION_MIN_SAMPLE_MS`], then keeps the fastest of the runs of that size (the fastest
/// is the least disturbed by other work on the machine), taking at least five samples and
/// stopping once the fastest has not improved for six of them (three often stopped before the
/// optimised code arrived, and read the kernel slow). The first runs may execute the engine's
/// baseline code: V8 compiles the optimised tier in the background and switches on a later
/// call, which on a busy machine can come after the third sample. When a disturbed run made
/// the size look long enough but the fastest is short, it grows the size and measures again,
/// so the sample it trusts is never short.
///
/// `timed_run(units)` runs the kernel for `units` and returns the elapsed ms.
pub fn calibrate(mut timed_run: impl FnMut(u64) -> f64) -> Calibration {
    const MAX_UNITS: u64 = 1 << 40;
    let grow = |units: u64, elapsed: f64| {
        // Jump close to the target once a sample is long enough to extrapolate from.
        let factor = if elapsed > 1.0 {
            (CALIBRATION_MIN_SAMPLE_MS * 1.2 / elapsed).max(2.0)
        } else {
            8.0
        };
        ((units as f64 * factor) as u64).min(MAX_UNITS)
    };
    let mut units: u64 = 1 << 12;
    let mut total = 0.0;
    let mut rounds = 0;
    loop {
        let elapsed = timed_run(units);
        total += elapsed;
        if elapsed < CALIBRATION_MIN_SAMPLE_MS && units < MAX_UNITS {
            units = grow(units, elapsed);
            continue;
        }
        rounds += 1;
        let (mut best, mut samples, mut since_progress) = (elapsed, 1, 0);
        while samples < CALIBRATION_MAX_SAMPLES
            && (samples < CALIBRATION_MIN_SAMPLES || since_progress < CALIBRATION_SETTLED)
        {
            let e = timed_run(units);
            total += e;
            samples += 1;
            if e < best * (1.0 - CALIBRATION_PROGRESS) {
                since_progress = 0;
            } else {
                since_progress += 1;
            }
            best = best.min(e);
        }
        if best >= CALIBRATION_MIN_SAMPLE_MS
            || units >= MAX_UNITS
            || rounds >= CALIBRATION_MAX_ROUNDS
        {
            let best = best.max(1e-3);
            return Calibration {
                units_per_ms: units as f64 / best,
                took_ms: total,
                sample_units: units,
                sample_ms: best,
            };
        }
        units = grow(units, best);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_give_the_fixtures_checksums() {
        // The Python twin's port of the kernel is held to the same lines.
        let fixture = include_str!("../../../tests/fixtures/kernel-checksums.txt");
        for line in fixture.lines().filter(|l| !l.starts_with('#')) {
            let n: Vec<u64> = line
                .split(' ')
                .take(3)
                .map(|x| x.parse().unwrap())
                .collect();
            let mut k = Kernel::new(n[0], n[1]);
            k.run(n[2]);
            k.wait_done(100.0);
            assert_eq!(
                format!("{:016x}", k.checksum()),
                line.split(' ').nth(3).unwrap()
            );
        }
    }

    #[test]
    fn sliced_run_equals_whole_run() {
        let mut whole = Kernel::new(42, 7);
        whole.run(10_000);
        let mut sliced = Kernel::new(42, 7);
        for n in [1, 999, 4000, 5000] {
            sliced.run(n);
        }
        assert_eq!(whole.checksum(), sliced.checksum());
    }

    #[test]
    fn the_unrolled_loop_takes_exactly_the_steps_of_the_plain_one() {
        for units in (0..=9).chain([1001, 4096]) {
            let mut x = Kernel::new(3, 5).state;
            for _ in 0..units {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
            }
            let mut k = Kernel::new(3, 5);
            k.run(units);
            assert_eq!(k.checksum(), x, "{units} units");
        }
    }

    #[test]
    fn tasks_and_seeds_give_different_checksums() {
        let run = |seed, task| {
            let mut k = Kernel::new(seed, task);
            k.run(100);
            k.checksum()
        };
        assert_ne!(run(1, 1), run(1, 2));
        assert_ne!(run(1, 1), run(2, 1));
    }

    #[test]
    fn sequential_and_rayon_give_the_same_checksum() {
        use rayon::prelude::*;
        let task = |t: u64| {
            let mut k = Kernel::new(9, t);
            k.run(20_000 + t * 7);
            k.checksum()
        };
        let sequential = combine((0..64).map(task));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let parallel =
            pool.install(|| combine((0..64u64).into_par_iter().map(task).collect::<Vec<_>>()));
        assert_eq!(sequential, parallel);
    }

    #[test]
    fn waits_change_the_checksum_by_their_duration_and_order() {
        let after = |waits: &[f64]| {
            let mut k = Kernel::new(1, 1);
            for w in waits {
                k.wait_done(*w);
            }
            k.checksum()
        };
        assert_ne!(after(&[]), after(&[100.0]), "a wait is on record");
        assert_ne!(after(&[100.0]), after(&[100.5]), "its duration too");
        assert_eq!(after(&[100.0, 20.0]), after(&[100.0, 20.0]));
        assert_ne!(
            after(&[100.0, 20.0]),
            after(&[20.0, 100.0]),
            "and the order of steps"
        );
    }

    #[test]
    fn combine_ignores_order() {
        assert_eq!(combine([1, 2, 3]), combine([3, 1, 2]));
        assert_ne!(combine([1, 2, 3]), combine([1, 2, 4]));
    }

    #[test]
    fn calibration_finds_the_speed_of_a_fake_device() {
        // A device doing 1,000 units per ms; the first timings are noisy-slow.
        let mut calls = 0;
        let cal = calibrate(|units| {
            calls += 1;
            let noise = if calls == 1 { 3.0 } else { 1.0 };
            units as f64 / 1000.0 * noise
        });
        assert!((cal.units_per_ms - 1000.0).abs() < 1e-6, "{cal:?}");
        assert!(cal.sample_ms >= CALIBRATION_MIN_SAMPLE_MS);
        assert_eq!(cal.units_for(2.5), 2500);
    }

    #[test]
    fn calibration_waits_for_the_optimised_code() {
        // The first four runs execute baseline code, three times slower; then optimised code.
        let mut calls = 0;
        let cal = calibrate(|units| {
            calls += 1;
            units as f64 / 1000.0 * if calls <= 4 { 3.0 } else { 1.0 }
        });
        assert!(
            (cal.units_per_ms - 1000.0).abs() < 1e-6,
            "{cal:?} after {calls} runs"
        );
        // At 4,096 units: 4 slow samples, 1 fast one (progress), then the settled count
        // without progress; the fast samples are too short, so the size grows: 1 sample there,
        // then more until both the minimum and the settled count are reached.
        assert_eq!(
            calls,
            4 + 1 + CALIBRATION_SETTLED + 1 + CALIBRATION_SETTLED.max(CALIBRATION_MIN_SAMPLES - 1),
            "stops soon after the last improvement"
        );
    }

    #[test]
    fn calibration_stops_on_a_device_that_never_settles() {
        let mut calls = 0u32;
        let cal = calibrate(|units| {
            calls += 1;
            units as f64 / 1000.0 * 0.9f64.powi(calls as i32)
        });
        assert!(cal.units_per_ms.is_finite());
        assert!(
            calls <= (CALIBRATION_MAX_ROUNDS * (CALIBRATION_MAX_SAMPLES + 2)) as u32,
            "{calls} runs"
        );
    }

    #[test]
    fn calibration_terminates_on_a_clock_that_never_moves() {
        let cal = calibrate(|_| 0.0);
        assert!(cal.units_per_ms.is_finite());
    }
}
