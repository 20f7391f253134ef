//! How far each model scales in one tab: how many Web Workers (each an OS thread with a JS
//! engine of its own: a thread, as the browser has them) this browser starts, one after
//! another up to a stated bound, stopping at the first it refuses or that does not start in
//! time; against how many pending async tasks its event loop holds (the memory panel's
//! measurement). The pool's workers are not touched: the workers counted are idle ones, made
//! and terminated for the count.

/// What starting workers found.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerCount {
    /// How many it would start at most.
    pub bound: u32,
    /// How many started (answered a message).
    pub started: u32,
    /// From the first worker's creation until the last one answered, ms.
    pub ms: f64,
    /// Why it stopped before the bound: the browser's refusal, or a worker that did not
    /// start in time.
    pub refused: Option<String>,
}

impl WorkerCount {
    /// ms per worker started.
    pub fn ms_each(&self) -> f64 {
        self.ms / f64::from(self.started.max(1))
    }
}

/// How long a worker may take to answer before the count stops there, ms: a browser that
/// queues workers beyond its limit (Firefox's `dom.workers.maxPerDomain`) never starts it.
pub const START_LIMIT_MS: f64 = 5_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_worker_costs_its_share_of_the_time() {
        let c = WorkerCount {
            bound: 256,
            started: 200,
            ms: 3_400.0,
            refused: Some("a worker did not start within 5 s".into()),
        };
        assert_eq!(c.ms_each(), 17.0);
        let none = WorkerCount {
            started: 0,
            ms: 0.0,
            ..c
        };
        assert_eq!(none.ms_each(), 0.0);
    }
}
