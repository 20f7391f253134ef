//! The kernel natively, on this machine: single-thread speed and rayon parallel efficiency on
//! 2 threads, for comparison with the same kernel in wasm (`.ci/bench.sh` merges the two).
//! Prints one JSON object and writes it to `target/bench/native.json`.

use std::time::Instant;

use async_vs_threads::model::kernel::{Kernel, calibrate, combine};
use rayon::prelude::*;

const TASKS: u64 = 16;
const TASK_MS: f64 = 50.0;
const THREADS: usize = 2;

fn main() {
    let cal = calibrate(|units| {
        let mut k = Kernel::new(0, 0);
        let t0 = Instant::now();
        k.run(units);
        std::hint::black_box(k.checksum());
        t0.elapsed().as_secs_f64() * 1000.0
    });
    let units = cal.units_for(TASK_MS);
    let task = |t: u64| {
        let mut k = Kernel::new(1, t);
        k.run(units);
        k.checksum()
    };

    let t0 = Instant::now();
    let seq = combine((0..TASKS).map(task));
    let seq_ms = t0.elapsed().as_secs_f64() * 1000.0;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .expect("rayon pool");
    let t0 = Instant::now();
    let par = pool.install(|| combine((0..TASKS).into_par_iter().map(task).collect::<Vec<_>>()));
    let par_ms = t0.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(seq, par, "the same work on every thread count");

    let json = format!(
        "{{\"native_units_per_ms\": {:.1}, \"native_sequential_ms\": {:.1}, \"native_parallel_ms\": {:.1}, \"native_parallel_efficiency\": {:.3}}}",
        cal.units_per_ms,
        seq_ms,
        par_ms,
        seq_ms / par_ms / THREADS as f64
    );
    println!("{json}");
    std::fs::create_dir_all("target/bench").expect("target/bench");
    std::fs::write("target/bench/native.json", &json).expect("write native.json");
}
