//! Waits as the articles' code makes them, three ways, for the claims about starting threads
//! and about blocking libraries:
//!
//! - one thread per task, as `threading.Thread(target=fetch).start()` per request then
//!   `join()` on each: a Web Worker of its own per task (an OS thread with a JS engine of its
//!   own: a thread, as the browser has them), created inside the timed run, blocking in a
//!   real wait (`Atomics.wait`), terminated once it answered;
//! - awaited waits on the event loop (`await asyncio.sleep`, `aiohttp`): timers;
//! - blocking waits inside async tasks (`time.sleep`, `requests.get` inside `async def`): the
//!   main thread held for the wait, as a blocking call holds the loop's thread;
//! - blocking waits on the pool's threads (`ThreadPoolExecutor`): a real blocking wait on
//!   each worker, as many at once as the pool has workers.
//!
//! Every time is the main thread's, ms; what a run holds is here, the runs themselves are in
//! `runtime::demos::spawn`.

/// How a run waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// A Web Worker per task, started and joined inside the run.
    ThreadPerTask,
    /// Timers awaited by async tasks on the event loop.
    Awaited,
    /// Async tasks that each hold the main thread for their wait.
    BlockingAsync,
    /// Blocking waits on the pool's workers.
    Pool,
}

impl Way {
    /// A stable key (tests, the chart).
    pub fn key(self) -> &'static str {
        match self {
            Way::ThreadPerTask => "thread-per-task",
            Way::Awaited => "awaited",
            Way::BlockingAsync => "blocking-async",
            Way::Pool => "pool",
        }
    }

    /// What it is, short enough for a chart's label.
    pub fn label(self) -> &'static str {
        match self {
            Way::ThreadPerTask => "a thread per task",
            Way::Awaited => "awaited (asyncio)",
            Way::BlockingAsync => "blocking in async",
            Way::Pool => "pool threads",
        }
    }
}

/// One task's thread, when the run used one per task: created, and running (its first
/// message came back), main-thread times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Started {
    pub created_ms: f64,
    pub running_ms: f64,
}

/// One run of `tasks` waits of `wait_ms` each.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitRun {
    pub way: Way,
    pub tasks: u32,
    pub wait_ms: f64,
    /// From the run's start until the last task was done (joined), ms.
    pub makespan_ms: f64,
    /// The main thread's longest stall while it ran, ms.
    pub longest_stall_ms: f64,
    /// Each task's thread, for [`Way::ThreadPerTask`]; empty otherwise.
    pub threads: Vec<Started>,
    /// How many waits ran at once at most: the pool's workers, or the tasks.
    pub at_once: u32,
}

impl WaitRun {
    /// From the first thread's creation until the last one ran, ms (`None` without threads).
    pub fn all_running_ms(&self) -> Option<f64> {
        let first = self.threads.iter().map(|t| t.created_ms).reduce(f64::min)?;
        let last = self.threads.iter().map(|t| t.running_ms).reduce(f64::max)?;
        Some(last - first)
    }

    /// What starting a thread cost, ms: [`WaitRun::all_running_ms`] over the threads (they
    /// start side by side, so one thread's own wait to run says more about the others).
    pub fn start_each_ms(&self) -> Option<f64> {
        Some(self.all_running_ms()? / self.threads.len() as f64)
    }

    /// The run's time if the waits ran one after another, ms.
    pub fn serial_ms(&self) -> f64 {
        self.wait_ms * f64::from(self.tasks)
    }

    /// The run's time if they ran `at_once` at a time, ms: the theory for a pool.
    pub fn in_rounds_ms(&self) -> f64 {
        self.wait_ms * f64::from(self.tasks.div_ceil(self.at_once.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(way: Way, threads: Vec<Started>) -> WaitRun {
        WaitRun {
            way,
            tasks: 10,
            wait_ms: 50.0,
            makespan_ms: 80.0,
            longest_stall_ms: 4.0,
            threads,
            at_once: 4,
        }
    }

    #[test]
    fn threads_start_until_the_last_runs_and_each_costs_its_share() {
        let t = |c: f64, r: f64| Started {
            created_ms: c,
            running_ms: r,
        };
        let r = run(
            Way::ThreadPerTask,
            vec![t(0.0, 9.0), t(0.1, 30.1), t(0.2, 12.2)],
        );
        assert_eq!(r.all_running_ms(), Some(30.1));
        assert_eq!(r.start_each_ms(), Some(30.1 / 3.0));
        let none = run(Way::Awaited, Vec::new());
        assert_eq!((none.all_running_ms(), none.start_each_ms()), (None, None));
    }

    #[test]
    fn theory_is_all_the_waits_or_rounds_of_the_pool() {
        let r = run(Way::Pool, Vec::new());
        assert_eq!(r.serial_ms(), 500.0);
        // 10 waits on 4 workers: 3 rounds.
        assert_eq!(r.in_rounds_ms(), 150.0);
        assert_eq!(WaitRun { at_once: 0, ..r }.in_rounds_ms(), 500.0);
    }
}
