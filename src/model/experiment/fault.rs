//! Test-only fault injection: the URL key `fault` makes one task of the next matching run
//! panic or trap, so tests and the bench can prove that faults are reported, never hung on.
//! It is not part of the experiment: the URL codec ignores it and links never keep it.

/// Where and how the injected fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// Task 0 of a sequential or async run panics on the main thread.
    MainPanic,
    /// Task 0 of a sequential or async run traps (`unreachable`) on the main thread.
    MainTrap,
    /// Task 0 of a threads run panics in its worker.
    WorkerPanic,
    /// Task 0 of a threads run traps in its worker.
    WorkerTrap,
    /// The last worker of the pool fails while starting.
    WorkerStart,
}

impl Injected {
    const ALL: [Injected; 5] = [
        Injected::MainPanic,
        Injected::MainTrap,
        Injected::WorkerPanic,
        Injected::WorkerTrap,
        Injected::WorkerStart,
    ];

    /// The URL value.
    pub fn key(self) -> &'static str {
        match self {
            Injected::MainPanic => "main-panic",
            Injected::MainTrap => "main-trap",
            Injected::WorkerPanic => "worker-panic",
            Injected::WorkerTrap => "worker-trap",
            Injected::WorkerStart => "worker-start",
        }
    }

    /// Whether it strikes a run on the main thread (sequential, async).
    pub fn on_main(self) -> bool {
        matches!(self, Injected::MainPanic | Injected::MainTrap)
    }

    /// Whether it strikes a task in a worker (threads).
    pub fn in_worker_task(self) -> bool {
        matches!(self, Injected::WorkerPanic | Injected::WorkerTrap)
    }

    /// Whether it panics (a panic message) rather than traps (no message).
    pub fn panics(self) -> bool {
        matches!(self, Injected::MainPanic | Injected::WorkerPanic)
    }

    /// The fault a key written by [`Injected::key`] names.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The `fault` key of a query string, if it names a fault (anything else is ignored).
    pub fn from_query(query: &str) -> Option<Self> {
        query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.strip_prefix("fault="))
            .find_map(Self::from_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_a_fault_or_nothing() {
        assert_eq!(
            Injected::from_query("?v=1&fault=worker-panic&tasks=3"),
            Some(Injected::WorkerPanic)
        );
        assert_eq!(
            Injected::from_query("fault=main-trap"),
            Some(Injected::MainTrap)
        );
        assert_eq!(Injected::from_query("fault=everything"), None);
        assert_eq!(Injected::from_query("nofault=main-trap"), None);
        assert_eq!(Injected::from_query(""), None);
        for f in Injected::ALL {
            assert_eq!(Injected::from_query(&format!("fault={}", f.key())), Some(f));
        }
    }

    #[test]
    fn each_fault_strikes_one_place() {
        for f in Injected::ALL {
            let places = [f.on_main(), f.in_worker_task(), f == Injected::WorkerStart];
            assert_eq!(places.iter().filter(|p| **p).count(), 1, "{f:?}");
        }
    }
}
