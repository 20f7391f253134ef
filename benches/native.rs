//! The kernel natively, on this machine: single-thread speed and rayon parallel efficiency on
//! 2 threads, for comparison with the same kernel in wasm (`.ci/bench.sh` merges the two).
//!
//! Under `cargo bench` (which passes `--bench`) it prints one JSON object of medians and writes
//! it to `target/bench/native.json`. Under `cargo test --all-targets` the same code runs in the
//! debug profile, whose figures would be meaningless next to the release wasm build: it then
//! runs once with tiny sizes, to prove the path works, and writes nothing.

use std::time::Instant;

use async_vs_threads::model::experiment::kernel::{Kernel, calibrate, combine};
use rayon::prelude::*;

const THREADS: usize = 2;

/// How much to measure.
struct Plan {
    tasks: u64,
    task_ms: f64,
    /// Independent calibrations; their median speed is reported.
    calibrations: usize,
    /// Timed (sequential, parallel) pairs after the warm-up; medians are reported.
    repeats: usize,
}

/// The suite the browser bench mirrors: 16 tasks of 50 ms on 2 threads.
const FULL: Plan = Plan {
    tasks: 16,
    task_ms: 50.0,
    calibrations: 5,
    repeats: 5,
};

/// Just enough to exercise every step (and the checksum check) in a debug build.
const SMOKE: Plan = Plan {
    tasks: 4,
    task_ms: 0.5,
    calibrations: 1,
    repeats: 1,
};

struct Report {
    units_per_ms: f64,
    sequential_ms: f64,
    parallel_ms: f64,
    parallel_efficiency: f64,
}

fn median(mut xs: Vec<f64>) -> f64 {
    assert!(!xs.is_empty(), "a median needs samples");
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn ms_since(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

fn measure(plan: &Plan) -> Report {
    // One calibration is the fastest of three runs, which a single frequency ramp or a
    // neighbour's burst can still skew; the median of several is what README reports.
    let speeds = (0..plan.calibrations)
        .map(|_| {
            calibrate(|units| {
                let mut k = Kernel::new(0, 0);
                let t0 = Instant::now();
                k.run(units);
                std::hint::black_box(k.checksum());
                ms_since(t0)
            })
            .units_per_ms
        })
        .collect();
    let units_per_ms = median(speeds);
    let units = (units_per_ms * plan.task_ms).round() as u64;
    let task = |t: u64| {
        let mut k = Kernel::new(1, t);
        k.run(units);
        k.checksum()
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .expect("rayon pool");
    let sequential = || {
        let t0 = Instant::now();
        (combine((0..plan.tasks).map(task)), ms_since(t0))
    };
    let parallel = || {
        let t0 = Instant::now();
        let sum = pool.install(|| {
            combine(
                (0..plan.tasks)
                    .into_par_iter()
                    .map(task)
                    .collect::<Vec<_>>(),
            )
        });
        (sum, ms_since(t0))
    };

    // Warm-up: the first runs pay for page faults, the pool's threads waking and the CPU
    // leaving its idle clock; none of that is the kernel's speed.
    let (expected, _) = sequential();
    let _ = parallel();

    let (mut seqs, mut pars, mut effs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..plan.repeats {
        let (s, seq_ms) = sequential();
        let (p, par_ms) = parallel();
        assert_eq!(s, expected, "sequential runs agree");
        assert_eq!(p, expected, "the same work on every thread count");
        seqs.push(seq_ms);
        pars.push(par_ms);
        // Efficiency per adjacent pair, as the browser bench computes it, so drift between
        // pairs (another process starting) does not leak into the ratio.
        effs.push(seq_ms / par_ms / THREADS as f64);
    }
    Report {
        units_per_ms,
        sequential_ms: median(seqs),
        parallel_ms: median(pars),
        parallel_efficiency: median(effs),
    }
}

fn main() {
    // cargo runs bench targets with `--bench` only under `cargo bench`; `cargo test` runs
    // them without it (and in the debug profile).
    let benchmarking = std::env::args().any(|a| a == "--bench");
    if !benchmarking {
        let r = measure(&SMOKE);
        assert!(
            r.units_per_ms.is_finite() && r.units_per_ms > 0.0,
            "calibration: {}",
            r.units_per_ms
        );
        println!("native bench: smoke run only (not under `cargo bench`), nothing written");
        return;
    }

    let r = measure(&FULL);
    let json = format!(
        "{{\"native_units_per_ms\": {:.1}, \"native_sequential_ms\": {:.1}, \"native_parallel_ms\": {:.1}, \"native_parallel_efficiency\": {:.3}, \"native_calibrations\": {}, \"native_repeats\": {}}}",
        r.units_per_ms,
        r.sequential_ms,
        r.parallel_ms,
        r.parallel_efficiency,
        FULL.calibrations,
        FULL.repeats
    );
    println!("{json}");
    // Beside the browser bench's output, whatever directory cargo was started from.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    std::fs::write(dir.join("native.json"), &json).expect("write native.json");
}
