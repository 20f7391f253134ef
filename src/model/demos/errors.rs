//! Errors across tasks: one of several tasks fails, and what the code that started them saw,
//! and when. Async tasks are awaited three ways (as `asyncio.gather`, as gather with
//! `return_exceptions=True`, and with the first error cancelling the rest, as a `TaskGroup`
//! does); threads are bare (`Thread.start`, `join`: the error goes to
//! `threading.excepthook`, not to the code that joins) or a pool's (the future gives it back
//! at `result()`). The browser runs them with its own machinery (`runtime/errors.js`:
//! promises, `AbortController`, Web Workers and their `error` event); this is what each saw.

/// How the tasks were awaited or joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catch {
    /// `await gather(...)`: `Promise.all`.
    Gather,
    /// `gather(..., return_exceptions=True)`: `Promise.allSettled`.
    Settled,
    /// A `TaskGroup`: the first error cancels the rest (an `AbortController`).
    Cancelling,
    /// Bare threads, each joined; the error is uncaught in its thread.
    BareThread,
    /// A thread pool's futures: `result()`.
    PoolFuture,
}

impl Catch {
    /// Every way, in the order they run and are shown.
    pub const ALL: [Catch; 5] = [
        Catch::Gather,
        Catch::Settled,
        Catch::Cancelling,
        Catch::BareThread,
        Catch::PoolFuture,
    ];

    /// The way's name in what `runtime/errors.js` returns, and the chart's key.
    pub fn key(self) -> &'static str {
        match self {
            Catch::Gather => "gather",
            Catch::Settled => "settled",
            Catch::Cancelling => "cancelling",
            Catch::BareThread => "bare",
            Catch::PoolFuture => "future",
        }
    }

    /// What saw the error, short enough for a chart's label.
    pub fn label(self) -> &'static str {
        match self {
            Catch::Gather => "await gather",
            Catch::Settled => "return_exceptions",
            Catch::Cancelling => "TaskGroup",
            Catch::BareThread => "excepthook",
            Catch::PoolFuture => "future.result()",
        }
    }
}

/// What one way saw. Times are ms from its start.
#[derive(Debug, Clone, PartialEq)]
pub struct Caught {
    pub way: Catch,
    /// When the code that awaited or joined the tasks got the error; `None`: it never did.
    pub caller_ms: Option<f64>,
    /// When a hook outside that code got it (a thread's uncaught error); `None`: none did.
    pub hook_ms: Option<f64>,
    /// The error's message, as whoever got it read it.
    pub said: Option<String>,
    /// When the await or the last join returned.
    pub returned_ms: f64,
    /// Of the other tasks: how many finished their work, how many were cancelled, and when
    /// the last of them ended.
    pub finished: u32,
    pub cancelled: u32,
    pub others_ms: f64,
}

impl Caught {
    /// The error reached the code that awaited or joined, before the others were all over.
    pub fn propagated_early(&self) -> bool {
        self.caller_ms.is_some_and(|ms| ms < self.others_ms)
    }

    /// The error stayed in its thread: the joins returned without it, a hook got it.
    pub fn isolated(&self) -> bool {
        self.caller_ms.is_none() && self.hook_ms.is_some()
    }
}

/// The demo: `tasks` tasks wait `wait_ms`, but one throws after `fail_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorsRun {
    pub tasks: u32,
    pub wait_ms: f64,
    pub fail_ms: f64,
    pub caught: Vec<Caught>,
}

impl ErrorsRun {
    /// What `way` saw, if it ran.
    pub fn of(&self, way: Catch) -> Option<&Caught> {
        self.caught.iter().find(|c| c.way == way)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_each_way_once() {
        let mut keys: Vec<_> = Catch::ALL.iter().map(|c| c.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Catch::ALL.len());
    }

    #[test]
    fn an_error_propagates_early_or_stays_in_its_thread() {
        let c = Caught {
            way: Catch::Gather,
            caller_ms: Some(20.0),
            hook_ms: None,
            said: Some("task 1 failed".into()),
            returned_ms: 20.0,
            finished: 3,
            cancelled: 0,
            others_ms: 60.0,
        };
        assert!(c.propagated_early() && !c.isolated());
        let late = Caught {
            caller_ms: Some(60.0),
            ..c.clone()
        };
        assert!(!late.propagated_early());
        let bare = Caught {
            way: Catch::BareThread,
            caller_ms: None,
            hook_ms: Some(21.0),
            ..c
        };
        assert!(bare.isolated() && !bare.propagated_early());
        let run = ErrorsRun {
            tasks: 4,
            wait_ms: 60.0,
            fail_ms: 20.0,
            caught: vec![bare],
        };
        assert_eq!(
            run.of(Catch::BareThread).map(|c| c.hook_ms),
            Some(Some(21.0))
        );
        assert!(run.of(Catch::Gather).is_none());
    }
}
