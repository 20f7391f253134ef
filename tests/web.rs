//! Browser glue, tested in headless Chromium and in headless Firefox (wasm-bindgen-test; the
//! runner's server sends COOP/COEP, so the page is cross-origin isolated and the worker pool
//! can start; `.ci/test.sh` runs it in each).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use async_vs_threads::model::demos::deadlock::{Ending, Order};
use async_vs_threads::model::demos::interleave::{is_complete, switches, tally};
use async_vs_threads::model::demos::queue::{Config as QueueConfig, Work};
use async_vs_threads::model::demos::race::Variant;
use async_vs_threads::model::experiment::fault::Injected;
use async_vs_threads::model::experiment::kernel::{Calibration, Kernel};
use async_vs_threads::model::experiment::params::{Jitter, Params, Strategy, Workload};
use async_vs_threads::model::experiment::url;
use async_vs_threads::model::experiment::workload::Plan;
use async_vs_threads::model::run::record::{
    Lane, Outcome, RunRecord, SegmentKind, TaskRecord, max_overlapping,
};
use async_vs_threads::model::run::stats::PROBE_INTERVAL_MS;
use async_vs_threads::runtime::clock::now_ms;
use async_vs_threads::runtime::demos::deadlock::{self as deadlock_demo, Config as DeadlockConfig};
use async_vs_threads::runtime::demos::{interleave, queue, race};
use async_vs_threads::runtime::event_loop::{TaskSet, Tasks};
use async_vs_threads::runtime::exec::{self, CancelToken, RunRequest};
use async_vs_threads::runtime::timer::{pending_timers, sleep, yield_now};
use async_vs_threads::runtime::{alloc, faults, memory, pool, probe};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Starts the (page-global) pool for every test that needs it, again after a fault. The
/// panic hook is installed once: a test that fails panics on the main thread, which stays
/// "panicking" (panics abort), and setting a hook then would fail every later test too.
async fn pool() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(faults::install_panic_hook);
    if pool::size().is_none() {
        pool::start(2, None)
            .await
            .expect("the pool starts in an isolated page");
    }
}

fn request(strategy: Strategy, mut plan: Plan) -> RunRequest {
    plan.params.strategy = strategy;
    RunRequest {
        plan,
        cores: 2,
        report_starts: true,
        inject: None,
    }
}

async fn run(strategy: Strategy, plan: Plan) -> RunRecord {
    exec::run_to_end(request(strategy, plan), CancelToken::default())
        .await
        .expect("the strategy runs")
}

/// Cancels `cancel` after `ms`, and returns when that happened (shared clock).
fn cancel_after(cancel: &CancelToken, ms: f64) -> Rc<RefCell<f64>> {
    let at = Rc::new(RefCell::new(f64::NAN));
    let (c, a) = (cancel.clone(), at.clone());
    wasm_bindgen_futures::spawn_local(async move {
        sleep(ms).await;
        *a.borrow_mut() = now_ms();
        c.cancel();
    });
    at
}

/// Waits until every retired worker has been let go, or until it has waited the failed pool's
/// grace and four times `startup_ms` (how long starting the pool that replaced them took, so
/// the bound grows with the machine's load as the retirement does); whether none is left.
async fn retired_within(startup_ms: f64) -> bool {
    let from = now_ms();
    let give_up = pool::RETIRE_FAILED_GRACE_MS + 4.0 * startup_ms;
    while pool::retiring_workers() > 0 && now_ms() - from < give_up {
        sleep(10.0).await;
    }
    pool::retiring_workers() == 0
}

fn plan(workload: Workload, tasks: u32, io_ms: u32, cpu_ms: u32, threads: u32) -> Plan {
    let params = Params {
        workload,
        tasks,
        io_ms,
        cpu_ms,
        threads,
        ..Params::default()
    };
    Plan {
        params,
        calibration: exec::calibrate_kernel(),
    }
}

#[wasm_bindgen_test]
fn the_clock_is_monotonic_and_on_the_epoch_axis() {
    let mut prev = now_ms();
    for _ in 0..100_000 {
        let t = now_ms();
        assert!(t >= prev, "went back from {prev} to {t}");
        prev = t;
    }
    let date = js_sys::Date::now();
    assert!(
        (now_ms() - date).abs() < 1000.0,
        "timeOrigin + now() is epoch ms"
    );
}

#[wasm_bindgen_test]
async fn a_worker_and_the_main_thread_read_the_same_clock_within_1_ms() {
    pool().await;
    // The worker publishes its clock continuously; the main thread reads the published value,
    // then its own clock. With one shared axis the worker's reading is never ahead of the
    // main thread's, and at least once is within 1 ms behind it (a reading goes stale only
    // while the OS preempts the worker). An offset of either sign between the two threads'
    // time origins breaks one of the two.
    let latest = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (l, s) = (latest.clone(), stop.clone());
    pool::spawn(move || {
        let give_up = now_ms() + 5_000.0;
        while !s.load(Ordering::Acquire) && now_ms() < give_up {
            l.store(now_ms().to_bits(), Ordering::Release);
        }
    })
    .expect("the pool takes the job");
    while latest.load(Ordering::Acquire) == 0 {
        yield_now().await;
    }
    // Readings come in windows of 2,000 (well under a millisecond). On a busy machine (2 cores,
    // the browser's own threads besides) the OS can preempt the worker for a whole window, so
    // windows repeat, a turn of the event loop apart, until a reading is within 1 ms or 500 ms
    // have passed; every reading counts towards `ahead`.
    let (mut ahead, mut behind) = (f64::MIN, f64::MAX);
    let give_up = now_ms() + 500.0;
    loop {
        for _ in 0..2_000 {
            let worker = f64::from_bits(latest.load(Ordering::Acquire));
            let main = now_ms();
            ahead = ahead.max(worker - main);
            behind = behind.min(main - worker);
        }
        if behind < 1.0 || now_ms() > give_up {
            break;
        }
        yield_now().await;
    }
    stop.store(true, Ordering::Release);
    assert!(
        ahead < 1.0,
        "the worker's clock ran {ahead} ms ahead of the main thread's"
    );
    assert!(
        behind < 1.0,
        "the worker's clock was always at least {behind} ms behind the main thread's"
    );
}

#[wasm_bindgen_test]
async fn sleeps_wake_in_deadline_order_and_never_early() {
    let woke = Rc::new(RefCell::new(Vec::new()));
    let t0 = now_ms();
    for ms in [40.0, 10.0, 30.0, 20.0, 0.0] {
        let woke = woke.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let start = now_ms();
            sleep(ms).await;
            woke.borrow_mut().push((ms, now_ms() - start));
        });
    }
    sleep(80.0).await;
    let woke = woke.borrow();
    let order: Vec<f64> = woke.iter().map(|(ms, _)| *ms).collect();
    assert_eq!(order, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
    for (ms, took) in woke.iter() {
        assert!(*took >= ms - 0.1, "a {ms} ms sleep woke after {took} ms");
    }
    assert!(now_ms() - t0 >= 80.0);
}

#[wasm_bindgen_test]
async fn the_lag_probe_sees_a_busy_loop_and_not_an_idle_loop() {
    probe::start();
    sleep(50.0).await;
    let idle_from = now_ms();
    sleep(100.0).await;
    let idle = probe::measure(idle_from, now_ms());
    assert!(idle.samples >= 5, "{idle:?}");

    let busy_from = now_ms();
    while now_ms() - busy_from < 200.0 {}
    let busy_to = now_ms();
    sleep(30.0).await;
    let busy = probe::measure(busy_from, busy_to);
    // The probe cannot tick during the 200 ms block, so it sees (nearly) all of it, and far
    // more than in the same time idle.
    assert!(busy.longest_stall_ms >= 0.75 * 200.0, "busy: {busy:?}");
    assert!(busy.blocked_ms >= busy.longest_stall_ms, "busy: {busy:?}");
    assert!(
        idle.longest_stall_ms * 3.0 < busy.longest_stall_ms,
        "idle: {idle:?}, busy: {busy:?}"
    );
}

#[wasm_bindgen_test]
async fn async_waits_overlap_and_sequential_waits_add_up() {
    let p = plan(Workload::Io, 20, 30, 0, 1);
    let a = run(Strategy::Async, p).await;
    let s = run(Strategy::Sequential, p).await;
    assert_eq!((a.tasks.len(), s.tasks.len()), (20, 20));
    assert!(s.makespan_ms() >= 600.0, "sequential {}", s.makespan_ms());
    assert!(
        a.makespan_ms() * 5.0 < s.makespan_ms(),
        "async {} vs sequential {}",
        a.makespan_ms(),
        s.makespan_ms()
    );
    assert!(
        a.tasks
            .iter()
            .all(|t| t.wait_ms >= 29.9 && t.lane == Lane::Main)
    );
    assert_eq!(
        a.checksum(),
        s.checksum(),
        "the same waits, by their seeded durations"
    );
    assert!(
        a.head.scheduler.is_some_and(|c| c.wakes >= 40),
        "{:?}",
        a.head.scheduler
    );
}

#[wasm_bindgen_test]
async fn io_runs_give_the_same_checksums_here_as_natively() {
    // Every line natively (model::experiment::workload's tests) and in the Python twin; here
    // each plan, and one run with long-tail waits (the jitter that calls `log`).
    let fixture = include_str!("fixtures/io-checksums.txt");
    for line in fixture.lines().filter(|l| !l.starts_with('#')) {
        let (query, want) = line.split_once(' ').expect("a query and a checksum");
        let plan = Plan::uncalibrated(url::exact(query).expect(query));
        assert_eq!(format!("{:016x}", plan.checksum()), want, "{query}");
        if plan.params.tasks == 50 && plan.params.jitter == Jitter::LongTail {
            let ran = run(Strategy::Async, plan).await;
            assert_eq!(format!("{:016x}", ran.checksum()), want, "{query}, run");
        }
    }
}

#[wasm_bindgen_test]
async fn threads_run_on_workers_with_the_same_checksum_as_the_main_thread() {
    pool().await;
    let p = plan(Workload::Cpu, 8, 0, 5, 2);
    let t = run(Strategy::Threads, p).await;
    let s = run(Strategy::Sequential, p).await;
    assert_eq!(t.tasks.len(), 8);
    assert_eq!(t.checksum(), s.checksum());
    assert!(t.lanes().iter().all(|l| matches!(l, Lane::Worker(_))));
    // The same kernel run directly gives the same per-task checksum.
    let mut k = Kernel::new(u64::from(p.params.seed), 3);
    k.run(p.calibration.units_for(5.0));
    assert_eq!(
        t.tasks.iter().find(|r| r.task == 3).unwrap().checksum,
        k.checksum()
    );
}

#[wasm_bindgen_test]
async fn processes_run_tasks_in_instances_of_their_own_and_measure_their_start_up() {
    let p = plan(Workload::Mixed, 6, 20, 5, 2);
    let pr = run(Strategy::Processes, p).await;
    let s = run(Strategy::Sequential, p).await;
    assert_eq!(pr.tasks.len(), 6);
    assert_eq!(
        pr.checksum(),
        s.checksum(),
        "the same work, in other instances"
    );
    assert_eq!(pr.lanes(), [Lane::Process(0), Lane::Process(1)]);
    let startup = pr.head.startup.expect("start-up measured");
    assert!(startup.per_worker_ms > 0.0 && startup.all_ready_ms >= startup.per_worker_ms);
    assert!(
        startup.memory_bytes >= 65_536.0 && startup.memory_bytes % 65_536.0 == 0.0,
        "a wasm memory is whole pages: {}",
        startup.memory_bytes
    );
    // Every task started once its process was ready.
    assert!(
        pr.tasks
            .iter()
            .all(|t| t.start_ms >= startup.per_worker_ms * 0.5)
    );
}

#[wasm_bindgen_test]
async fn cancelling_a_processes_run_terminates_its_processes_at_once() {
    let wait_ms = 5_000.0;
    let p = plan(Workload::Io, 4, wait_ms as u32, 0, 2);
    let cancel = CancelToken::default();
    // Cancelled once a process has its task (however long a loaded machine took to start
    // them): when, and how much of that task's wait was left then.
    let cancelled = Rc::new(RefCell::new(None::<(f64, f64)>));
    let (c, seen) = (cancel.clone(), cancelled.clone());
    let head = exec::run(request(Strategy::Processes, p), cancel, move |prog| {
        let mut seen = seen.borrow_mut();
        if let (None, Some(first)) = (*seen, prog.new_started.first()) {
            *seen = Some((now_ms(), first.start_ms + wait_ms - prog.elapsed_ms));
            c.cancel();
        }
    })
    .await
    .unwrap();
    assert_eq!(head.outcome, Outcome::Cancelled);
    let (cancelled_at, left_of_the_wait) = cancelled.borrow().expect("a process started");
    // Terminated, not waited for (`run` returns after a short settle for the probe).
    let stopped = now_ms() - 2.0 * PROBE_INTERVAL_MS - cancelled_at;
    assert!(
        stopped * 5.0 < left_of_the_wait,
        "stopped {stopped} ms after cancel, the wait had {left_of_the_wait} ms to go"
    );
}

/// How long two or more of `tasks`' computations were in progress at once, in ms.
fn overlap_ms(tasks: &[TaskRecord]) -> f64 {
    let mut edges: Vec<(f64, i32)> = tasks
        .iter()
        .flat_map(|t| &t.segments)
        .filter(|s| s.kind == SegmentKind::Cpu)
        .flat_map(|s| [(s.start_ms, 1), (s.end_ms, -1)])
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut since, mut total) = (0, 0.0, 0.0);
    for (at, d) in edges {
        if now >= 2 {
            total += at - since;
        }
        now += d;
        since = at;
    }
    total
}

#[wasm_bindgen_test]
async fn threads_with_the_gil_compute_one_at_a_time_and_hand_it_over() {
    pool().await;
    let p = plan(Workload::Cpu, 4, 0, 40, 2);
    let t = run(Strategy::Threads, p).await;
    let g = run(Strategy::Gil, p).await;
    assert_eq!(g.tasks.len(), 4);
    assert_eq!(g.checksum(), t.checksum(), "the same work");
    assert!(g.lanes().iter().all(|l| matches!(l, Lane::Worker(_))));
    // One holder at a time: computations overlap only by the workers' clocks' disagreement
    // at a hand-over (each reads its own `timeOrigin + now()`), against half the work
    // without the GIL.
    let (with_gil, without) = (overlap_ms(&g.tasks), overlap_ms(&t.tasks));
    assert!(
        with_gil * 20.0 < without,
        "computing at once: {with_gil:.3} ms under the GIL, {without:.1} ms without"
    );
    assert_eq!(
        max_overlapping(&t.tasks, SegmentKind::Cpu),
        2,
        "without it, both compute"
    );
    // Two threads contend for 160 ms of work with a 5 ms switch interval: the GIL changed
    // hands many times, not once per task.
    let lock_waits = g
        .tasks
        .iter()
        .flat_map(|r| &r.segments)
        .filter(|s| s.kind == SegmentKind::LockWait)
        .count();
    assert!(lock_waits >= 8, "{lock_waits} waits for the GIL");
    // Serialised: the computing time of all tasks fits in the wall time once (timings
    // against other runs are left to the end-to-end tests and the bench).
    let computing: f64 = g.tasks.iter().map(|r| r.cpu_ms).sum();
    assert!(
        computing <= g.makespan_ms() * 1.01,
        "{computing:.0} ms computing in {:.0} ms",
        g.makespan_ms()
    );
}

#[wasm_bindgen_test]
async fn the_executor_computes_on_workers_while_the_tasks_stay_on_the_event_loop() {
    pool().await;
    let p = plan(Workload::Mixed, 6, 20, 20, 2);
    let s = run(Strategy::Sequential, p).await;
    let e = run(Strategy::Executor, p).await;
    assert_eq!(e.tasks.len(), 6);
    assert_eq!(e.checksum(), s.checksum(), "the same work");
    assert!(
        e.tasks.iter().all(|t| t.lane == Lane::Main),
        "tasks live on the event loop"
    );
    let cpu: Vec<_> = e
        .tasks
        .iter()
        .flat_map(|t| &t.segments)
        .filter(|s| s.kind == SegmentKind::Cpu)
        .collect();
    assert!(
        cpu.iter().all(|s| matches!(s.lane, Some(Lane::Worker(_)))),
        "every computation ran on a worker"
    );
    assert!(
        max_overlapping(&e.tasks, SegmentKind::Cpu) <= 2,
        "at most `threads` at once"
    );
    assert!(e.lanes().contains(&Lane::Worker(0)));
}

#[wasm_bindgen_test]
async fn workers_waking_executor_tasks_never_make_the_main_thread_wait() {
    pool().await;
    // Many tiny computations: workers wake their tasks while the main thread drains the
    // ready queue, so the two contend for its lock (a blocking wait would trap the page).
    let p = plan(Workload::Mixed, 4_000, 0, 0, 2);
    let e = run(Strategy::Executor, p).await;
    assert_eq!(e.tasks.len(), 4_000);
    assert_eq!(e.head.outcome, Outcome::Done);
}

#[wasm_bindgen_test]
async fn cancel_stops_a_threads_run_long_before_its_wait_ends() {
    pool().await;
    let p = plan(Workload::Io, 100, 1_000, 0, 2);
    let cancel = CancelToken::default();
    let cancelled_at = cancel_after(&cancel, 50.0);
    let r = exec::run_to_end(request(Strategy::Threads, p), cancel)
        .await
        .unwrap();
    // `run` returns after a short settle for the probe (2 × 10 ms); the workers stopped before.
    let stopped = now_ms() - 2.0 * PROBE_INTERVAL_MS - *cancelled_at.borrow();
    let left_of_the_wait = 1_000.0 - 50.0;
    assert!(r.is_cancelled());
    assert!(
        stopped * 5.0 < left_of_the_wait,
        "stopped {stopped} ms after cancel, the wait had {left_of_the_wait} ms to go"
    );
}

#[wasm_bindgen_test]
async fn cancelling_an_async_run_drops_its_futures_and_timers() {
    let p = plan(Workload::Io, 10_000, 2_000, 0, 1);
    let cancel = CancelToken::default();
    let waiting = Rc::new(RefCell::new(0));
    let (c, w) = (cancel.clone(), waiting.clone());
    wasm_bindgen_futures::spawn_local(async move {
        sleep(60.0).await;
        *w.borrow_mut() = pending_timers();
        c.cancel();
    });
    let r = exec::run_to_end(request(Strategy::Async, p), cancel)
        .await
        .unwrap();
    assert!(r.is_cancelled());
    assert!(
        *waiting.borrow() >= 10_000,
        "the run's waits were pending: {}",
        waiting.borrow()
    );
    assert_eq!(
        pending_timers(),
        0,
        "no wait of the cancelled run is left to wake"
    );
}

#[wasm_bindgen_test]
async fn a_sequential_computation_is_sliced_so_cancel_stops_it_mid_task() {
    let mut p = plan(Workload::Cpu, 3, 0, 1_000, 1);
    p.params.yield_every_ms = 5;
    let cancel = CancelToken::default();
    let cancelled_at = cancel_after(&cancel, 100.0);
    let r = exec::run_to_end(request(Strategy::Sequential, p), cancel)
        .await
        .unwrap();
    let stopped = now_ms() - 2.0 * PROBE_INTERVAL_MS - *cancelled_at.borrow();
    assert!(
        r.is_cancelled() && r.tasks.is_empty(),
        "{:?}",
        r.head.outcome
    );
    assert!(
        stopped * 10.0 < 1_000.0,
        "stopped {stopped} ms after cancel, inside a 1 s computation"
    );
}

#[wasm_bindgen_test]
async fn the_ready_queue_polls_only_woken_tasks() {
    let done = Rc::new(RefCell::new(0));
    let set = TaskSet::spawn_all((0..1_000).map(|i| {
        let done = done.clone();
        async move {
            sleep(f64::from(i % 10) + 5.0).await;
            *done.borrow_mut() += 1;
        }
    }));
    set.drive().await;
    assert_eq!(*done.borrow(), 1_000);
    // One first poll each, then one poll per wake-up: nothing is polled that was not woken.
    assert_eq!(set.cost().wakes, 2_000, "{:?}", set.cost());
    assert_eq!(set.live(), 0);
}

#[wasm_bindgen_test]
async fn a_panicking_worker_fails_the_run_and_a_restarted_pool_runs_again() {
    for inject in [Injected::WorkerPanic, Injected::WorkerTrap] {
        pool().await;
        let p = plan(Workload::Cpu, 6, 0, 20, 2);
        let mut req = request(Strategy::Threads, p);
        req.inject = Some(inject);
        let t0 = now_ms();
        let r = exec::run_to_end(req, CancelToken::default()).await.unwrap();
        let took = now_ms() - t0;
        let why = r
            .failure()
            .unwrap_or_else(|| panic!("{inject:?}: {:?}", r.head.outcome));
        if inject.panics() {
            assert!(why.contains("injected fault"), "{why}");
        } else {
            assert!(why.contains("unreachable"), "{why}");
        }
        assert!(pool::failure().is_some());
        assert!(pool::size().is_none(), "a failed pool takes no runs");
        // The run ended on the fault, not after the work it would still have done.
        let healthy = run(Strategy::Sequential, p).await.makespan_ms();
        assert!(took < healthy * 2.0 + 200.0, "{took} ms vs {healthy} ms");
        let startup_ms = pool::start(2, None).await.expect("a restart");
        let again = run(Strategy::Threads, p).await;
        assert!(again.is_complete(), "{:?}", again.head.outcome);
        // The retired pool's dead worker is terminated at once, its live one after the grace.
        assert!(
            retired_within(startup_ms).await,
            "{inject:?}: a retired worker lingers"
        );
    }
}

#[wasm_bindgen_test]
async fn a_worker_that_fails_to_start_is_reported_with_how_many_started() {
    let e = pool::start(3, Some(Injected::WorkerStart))
        .await
        .expect_err("the injected start fault");
    assert!(e.why.contains("injected fault"), "{e:?}");
    assert!(e.started <= 2, "{e:?}");
    assert!(pool::size().is_none());
    pool().await;
    assert_eq!(pool::size(), Some(2));
}

#[wasm_bindgen_test]
fn calibration_measures_a_plausible_speed() {
    let c: Calibration = exec::calibrate_kernel();
    assert!(c.units_per_ms > 1_000.0, "{c:?}");
    // The sample it trusts is the fastest of three equal runs, never a short one.
    assert!(
        c.sample_ms >= async_vs_threads::model::experiment::kernel::CALIBRATION_MIN_SAMPLE_MS,
        "{c:?}"
    );
}

#[wasm_bindgen_test]
async fn runs_report_starts_before_ends_for_the_live_timeline() {
    pool().await;
    // Each wait lasts several report intervals, so reports come while tasks wait, however
    // late a loaded machine runs them.
    let p = plan(Workload::Io, 4, (4.0 * exec::REPORT_MS) as u32, 0, 2);
    // Tasks reported started and ended so far, at each report.
    let reports = Rc::new(RefCell::new(Vec::<(usize, usize)>::new()));
    let seen = reports.clone();
    let head = exec::run(
        request(Strategy::Threads, p),
        CancelToken::default(),
        move |prog| {
            let mut seen = seen.borrow_mut();
            let (started, ended) = seen.last().copied().unwrap_or_default();
            seen.push((
                started + prog.new_started.len(),
                ended + prog.new_records.len(),
            ));
        },
    )
    .await
    .unwrap();
    assert_eq!(head.outcome, Outcome::Done);
    let reports = reports.borrow();
    assert_eq!(reports.last(), Some(&(4, 4)), "{reports:?}");
    assert!(
        reports.iter().all(|&(started, ended)| ended <= started),
        "no task ends before its start is reported: {reports:?}"
    );
    assert!(
        reports.iter().all(|&(started, ended)| started - ended <= 2),
        "two workers run two tasks at a time: {reports:?}"
    );
    assert!(
        reports.contains(&(2, 0)),
        "the timeline saw both workers' first tasks under way before any ended: {reports:?}"
    );
}

#[wasm_bindgen_test]
fn the_counting_allocator_counts_an_allocation_and_its_free() {
    let before = alloc::heap();
    let block = std::hint::black_box(vec![7u8; 100_000]);
    let held = alloc::heap();
    assert!(held.since(before) >= 100_000.0, "{before:?} → {held:?}");
    assert!(held.allocs > before.allocs);
    drop(block);
    let after = alloc::heap();
    assert!(after.since(held) <= -100_000.0, "{held:?} → {after:?}");
    assert_eq!(after.allocs, before.allocs);
}

#[wasm_bindgen_test]
async fn pending_sleeps_hold_bytes_that_return_when_they_end() {
    let small = memory::measure_tasks(1_000).await.expect("measured");
    let large = memory::measure_tasks(100_000).await.expect("measured");
    for m in [&small, &large] {
        let each = m.bytes_per_task();
        // At least the parts counted from size_of, and no more than a few times them.
        assert!(
            each >= m.parts_bytes() as f64 && each < 4.0 * m.parts_bytes() as f64,
            "{} tasks: {each} B each, parts {} B",
            m.tasks,
            m.parts_bytes()
        );
        // A record per finished task, counted apart, and nothing left once they are gone.
        assert!(m.record_bytes_per_task() > 0.0, "{m:?}");
        assert!(m.leftover_bytes().abs() < 4_096.0, "{m:?}");
    }
    let ratio = small.bytes_per_task() / large.bytes_per_task();
    assert!(
        (0.5..2.0).contains(&ratio),
        "the same order of magnitude at 1,000 and 100,000: {ratio}"
    );
    // The timer gave its slab back: nothing of the 100,000 waits is still held.
    assert_eq!(pending_timers(), 0);
}

#[wasm_bindgen_test]
async fn each_worker_reserves_its_wasm_stack_on_the_shared_heap() {
    pool().await;
    let old = pool::size().expect("a pool");
    let before = alloc::heap();
    let startup_ms = pool::start(old + 1, None).await.expect("a restart");
    // The old pool's workers end once idle, giving their stacks back before the heap is read.
    assert!(retired_within(startup_ms).await, "a retired worker lingers");
    // One worker more than before: one more stack (and its thread-locals and rayon's state).
    let grew = alloc::heap().since(before);
    let stack = memory::THREAD_STACK_BYTES as f64;
    assert!(
        grew >= stack && grew < 1.5 * stack,
        "the heap grew {grew} B for one more worker"
    );
    pool::start(2, None).await.expect("back to 2");
}

// The "Interleaving and shared state" demos (runtime::demos).

#[wasm_bindgen_test]
async fn async_traces_repeat_and_thread_traces_are_complete() {
    pool().await;
    let runs = interleave::run(8, 5).await;
    assert!(runs.asyn.iter().all(|t| is_complete(t, 8)));
    assert_eq!(
        tally(&runs.asyn).distinct,
        1,
        "async switches only at awaits"
    );
    assert_eq!(switches(&runs.asyn[0]), 15, "one switch at every await");
    let threads = runs.threads.expect("two workers");
    assert!(threads.iter().all(|t| is_complete(t, 8)), "{threads:?}");
}

#[wasm_bindgen_test]
async fn fixed_counters_are_exact_and_async_read_await_write_loses_all_but_one_task() {
    pool().await;
    for v in [Variant::ThreadsLock, Variant::ThreadsAtomic] {
        let o = race::run_threads(v, 2, 20_000).await.expect("two workers");
        assert_eq!((o.counted, o.lost()), (40_000, 0), "{v:?}");
    }
    let o = race::run_async(Variant::AsyncLock, 3, 2_000).await;
    assert_eq!((o.counted, o.lost()), (6_000, 0));
    // Every task reads before any writes: each round, two of three updates are lost.
    let o = race::run_async(Variant::AsyncUnsync, 3, 2_000).await;
    assert_eq!(o.counted, 2_000);
}

#[wasm_bindgen_test]
async fn bounded_queues_never_exceed_their_capacity_and_move_every_item() {
    pool().await;
    let cfg = QueueConfig {
        items: 100,
        capacity: 4,
        produce_us: 100,
        consume_us: 300,
        work: Work::Compute,
    };
    let a = queue::run_async(cfg).await;
    let t = queue::run_threads(cfg).await.expect("two workers");
    for run in [&a, &t] {
        assert_eq!(run.samples.len(), 200, "a sample per put and per get");
        assert_eq!(run.stats().max_depth, 4);
        assert!(run.samples.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    }
}

#[wasm_bindgen_test]
async fn the_watchdog_stops_deadlocked_threads_and_the_pool_runs_again() {
    pool().await;
    let cfg = DeadlockConfig {
        order: Order::Opposite,
        hold_ms: 30,
        stall_ms: 200,
        rounds: 3,
    };
    let t0 = now_ms();
    let r = deadlock_demo::run_threads(cfg).await.expect("two workers");
    let Ending::Stopped { snapshot, .. } = &r.ending else {
        panic!("no deadlock: {r:?}");
    };
    assert_eq!(snapshot.cycle(), Some(vec![0, 1]), "{snapshot:?}");
    assert!(r.locks_free && r.pool_job_ms.is_some());
    assert!(now_ms() - t0 < 2_000.0, "stopped in time");
    // The pool is whole: a threads run uses both workers.
    let rec = run(Strategy::Threads, plan(Workload::Io, 4, 20, 0, 2)).await;
    assert_eq!(rec.head.outcome, Outcome::Done);
    // The same order is the fix, and the async tasks deadlock and are dropped alike.
    let fixed = deadlock_demo::run_threads(DeadlockConfig {
        order: Order::Same,
        ..cfg
    })
    .await
    .expect("two workers");
    assert!(
        matches!(fixed.ending, Ending::Completed { .. }),
        "{fixed:?}"
    );
    let a = deadlock_demo::run_async(cfg).await;
    assert!(
        matches!(&a.ending, Ending::Stopped { snapshot, .. } if snapshot.cycle().is_some()),
        "{a:?}"
    );
    assert!(a.locks_free);
    assert_eq!(pending_timers(), 0, "the dropped tasks left no timer");
}

#[wasm_bindgen_test]
fn storage_keeps_reads_and_forgets_in_both_areas() {
    use async_vs_threads::runtime::storage::{self, Area};
    for area in [Area::Session, Area::Local] {
        storage::put(area, "avt-test", "kept").expect("storage is offered");
        assert_eq!(storage::get(area, "avt-test").as_deref(), Some("kept"));
        assert_eq!(storage::take(area, "avt-test").as_deref(), Some("kept"));
        assert_eq!(storage::get(area, "avt-test"), None, "taken");
        storage::put(area, "avt-test", "again").unwrap();
        storage::remove(area, "avt-test");
        assert_eq!(storage::get(area, "avt-test"), None);
    }
}

#[wasm_bindgen_test]
async fn a_picked_file_reads_as_its_bytes() {
    use async_vs_threads::runtime::files;
    let parts = js_sys::Array::of2(&"{\"a\":".into(), &"\"é ☃\"}".into());
    let file = web_sys::File::new_with_str_sequence(&parts, "saved.json").unwrap();
    assert_eq!(
        files::read(file).await.unwrap(),
        "{\"a\":\"é ☃\"}".as_bytes()
    );
}

#[wasm_bindgen_test]
async fn work_handed_off_the_main_thread_comes_back_and_written_chunks_make_a_file() {
    use async_vs_threads::runtime::files;
    // With no pool started here the job runs in place; either way its result comes back.
    let n = files::off_main(|| (0..1000u32).sum::<u32>(), true)
        .await
        .unwrap();
    assert_eq!(n, 499_500);
    let chunks = vec!["{\"a\":".to_string(), "\"é ☃\"}".to_string()];
    files::download_written("t.json", "application/json", chunks)
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn kept_records_come_back_as_they_went_in_and_go_when_deleted_or_cleared() {
    use async_vs_threads::runtime::{files, records};
    records::clear().await.unwrap();
    let text = |at: f64| vec![format!("{{\"run\":{at},"), "\"é ☃\"}".to_string()];
    for at in [2.5e12, 1.5e12, 3.5e12] {
        let bytes = records::put(at, &files::parts(text(at)).await)
            .await
            .unwrap();
        assert_eq!(bytes, text(at).concat().len());
    }
    let kept = records::list().await.unwrap();
    let ats: Vec<f64> = kept.iter().map(|(at, _)| *at).collect();
    assert_eq!(ats, [1.5e12, 2.5e12, 3.5e12], "oldest first");
    assert_eq!(
        records::get(2.5e12).await.unwrap(),
        Some(text(2.5e12).concat().into_bytes())
    );
    assert_eq!(records::get(9.0).await.unwrap(), None);
    records::delete(&[1.5e12, 3.5e12]).await.unwrap();
    assert_eq!(records::list().await.unwrap().len(), 1);
    records::clear().await.unwrap();
    assert!(records::list().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
fn the_replay_marks_only_the_rows_of_the_tasks_at_the_playhead() {
    use async_vs_threads::runtime::dom;
    use wasm_bindgen::JsCast;
    let doc = web_sys::window().unwrap().document().unwrap();
    let table: web_sys::HtmlElement = doc.create_element("table").unwrap().dyn_into().unwrap();
    table.set_id("marks");
    table.set_inner_html(
        "<tr data-task=\"0\"></tr><tr data-task=\"1\"></tr><tr data-task=\"12\"></tr>",
    );
    doc.body().unwrap().append_child(&table).unwrap();
    let marked = || {
        let rows = table.query_selector_all("tr.now").unwrap();
        (0..rows.length())
            .map(|i| {
                let row: web_sys::Element = rows.item(i).unwrap().dyn_into().unwrap();
                row.get_attribute("data-task").unwrap()
            })
            .collect::<Vec<_>>()
    };
    dom::mark_rows("#marks", &[1, 12]);
    assert_eq!(marked(), ["1", "12"]);
    dom::mark_rows("#marks", &[0]);
    assert_eq!(marked(), ["0"]);
    dom::mark_rows("#marks", &[]);
    assert!(marked().is_empty());
    table.remove();
}

#[wasm_bindgen_test]
async fn a_measured_run_keeps_its_probe_samples_and_exports_to_identical_records() {
    use async_vs_threads::model::store::export::{self, Environment};
    let before = now_ms();
    let run = run(Strategy::Async, plan(Workload::Io, 50, 30, 0, 1)).await;
    assert!(run.is_complete());
    assert!(run.head.started_at_ms >= before && run.head.started_at_ms <= now_ms());
    assert!(
        !run.head.lag.is_empty(),
        "the probe ticked during 30 ms of waits"
    );
    assert!(
        run.head
            .lag
            .iter()
            .all(|s| s.at_ms >= 0.0 && s.gap_ms > 0.0),
        "relative to the run's start"
    );
    let env = Environment {
        browser: "Chromium".into(),
        cores: 2,
        pool: 2,
        isolated: true,
        build: "threads".into(),
    };
    let mut text = String::new();
    export::json::write(&env, now_ms(), &[&run], &mut |chunk| text.push_str(&chunk));
    assert_eq!(export::json::decode(&text).unwrap().runs, [run]);
}
