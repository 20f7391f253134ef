//! Lost updates: N tasks each add 1 to a shared counter K times. Unsynchronised, two tasks
//! read the same value and both write it plus one, so one update is lost; a lock, an atomic
//! add or an async mutex makes every update count. This module names the variants and does
//! the arithmetic of what was lost.

use super::{Bound, plural};
use crate::model::format;

/// Tasks adding to the counter.
pub const TASKS: Bound = Bound {
    label: "Tasks",
    lo: 2,
    hi: 8,
    default: 2,
};
/// Increments per task.
pub const INCREMENTS: Bound = Bound {
    label: "Increments per task",
    lo: 1,
    hi: 50_000,
    default: 20_000,
};

/// How the tasks add to the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Threads: a relaxed load, a little work, then a store (`counter += 1` without a lock).
    ThreadsUnsync,
    /// Threads: the same read, work and write under a `Mutex` (`with lock:`).
    ThreadsLock,
    /// Threads: one atomic `fetch_add` (no Python equivalent; `itertools.count` is the idiom).
    ThreadsAtomic,
    /// Async: read, `await`, write.
    AsyncUnsync,
    /// Async: read, `await`, write, holding an async mutex (`async with lock:`).
    AsyncLock,
}

impl Variant {
    pub const THREADS: [Variant; 3] = [
        Variant::ThreadsUnsync,
        Variant::ThreadsLock,
        Variant::ThreadsAtomic,
    ];
    pub const ASYNC: [Variant; 2] = [Variant::AsyncUnsync, Variant::AsyncLock];

    pub fn key(self) -> &'static str {
        match self {
            Variant::ThreadsUnsync => "threads-unsync",
            Variant::ThreadsLock => "threads-lock",
            Variant::ThreadsAtomic => "threads-atomic",
            Variant::AsyncUnsync => "async-unsync",
            Variant::AsyncLock => "async-lock",
        }
    }

    /// What the tasks do, in a few words.
    pub fn label(self) -> &'static str {
        match self {
            Variant::ThreadsUnsync => "Threads: load, work, store",
            Variant::ThreadsLock => "Threads with a lock",
            Variant::ThreadsAtomic => "Threads with an atomic add",
            Variant::AsyncUnsync => "Async: read, await, write",
            Variant::AsyncLock => "Async with an async mutex",
        }
    }

    /// The Python it stands for.
    pub fn python(self) -> &'static str {
        match self {
            Variant::ThreadsUnsync => "counter += 1",
            Variant::ThreadsLock => "with lock: counter += 1",
            Variant::ThreadsAtomic => "next(itertools.count())",
            Variant::AsyncUnsync => "v = counter; await sleep(0); counter = v + 1",
            Variant::AsyncLock => "async with lock: …",
        }
    }

    /// Whether the variant synchronises (and so must never lose an update).
    pub fn is_fixed(self) -> bool {
        !matches!(self, Variant::ThreadsUnsync | Variant::AsyncUnsync)
    }
}

/// One variant's measured run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub variant: Variant,
    pub tasks: u32,
    pub increments: u32,
    /// The counter at the end.
    pub counted: u64,
    pub ms: f64,
}

impl Outcome {
    /// What the counter should read: every task's every increment.
    pub fn expected(&self) -> u64 {
        u64::from(self.tasks) * u64::from(self.increments)
    }

    /// Updates lost (a counter above the expected count would be a bug, and reads as 0 lost).
    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.counted)
    }

    /// Lost updates as a share of the expected count, in percent.
    pub fn lost_pct(&self) -> f64 {
        self.lost() as f64 * 100.0 / self.expected().max(1) as f64
    }

    /// `1,234 (3.1%)`, or `0`.
    pub fn lost_text(&self) -> String {
        match self.lost() {
            0 => "0".into(),
            n => format!("{} ({:.1}%)", format::count(n), self.lost_pct()),
        }
    }
}

/// One sentence per model from its variants' outcomes: what the unsynchronised one lost and
/// what the fixes lost (none, unless something is wrong).
pub fn verdict(outcomes: &[Outcome]) -> String {
    let part = |unsync: Variant, name: &str| -> Option<String> {
        let u = outcomes.iter().find(|o| o.variant == unsync)?;
        let fixes: Vec<String> = outcomes
            .iter()
            .filter(|o| o.variant.is_fixed() && is_same_model(o.variant, unsync))
            .map(|o| format!("{}: {} lost", fix_name(o.variant), format::count(o.lost())))
            .collect();
        let head = match u.lost() {
            0 => format!(
                "{name} lost none of {} this time",
                plural(u.expected(), "update", "updates")
            ),
            n => format!(
                "{name} lost {} of {} ({:.1}%)",
                format::count(n),
                plural(u.expected(), "update", "updates"),
                u.lost_pct()
            ),
        };
        Some(if fixes.is_empty() {
            head
        } else {
            format!("{head}; {}", fixes.join(", "))
        })
    };
    let parts: Vec<String> = [
        part(Variant::ThreadsUnsync, "Threads"),
        part(Variant::AsyncUnsync, "Async"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}.", parts.join(". "))
    }
}

fn is_same_model(a: Variant, b: Variant) -> bool {
    Variant::THREADS.contains(&a) == Variant::THREADS.contains(&b)
}

fn fix_name(v: Variant) -> &'static str {
    match v {
        Variant::ThreadsLock => "with a lock",
        Variant::ThreadsAtomic => "with an atomic add",
        Variant::AsyncLock => "with an async mutex",
        Variant::ThreadsUnsync | Variant::AsyncUnsync => "unsynchronised",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(variant: Variant, counted: u64) -> Outcome {
        Outcome {
            variant,
            tasks: 2,
            increments: 20_000,
            counted,
            ms: 1.0,
        }
    }

    #[test]
    fn lost_updates_are_the_shortfall_from_every_increment() {
        let o = out(Variant::ThreadsUnsync, 38_766);
        assert_eq!(o.expected(), 40_000);
        assert_eq!(o.lost(), 1_234);
        assert!((o.lost_pct() - 3.085).abs() < 1e-9);
        assert_eq!(o.lost_text(), "1,234 (3.1%)");
        assert_eq!(out(Variant::ThreadsLock, 40_000).lost_text(), "0");
        assert_eq!(out(Variant::ThreadsLock, 40_001).lost(), 0);
    }

    #[test]
    fn only_the_unsynchronised_variants_may_lose() {
        let fixed: Vec<Variant> = Variant::THREADS
            .into_iter()
            .chain(Variant::ASYNC)
            .filter(|v| v.is_fixed())
            .collect();
        assert_eq!(
            fixed,
            vec![
                Variant::ThreadsLock,
                Variant::ThreadsAtomic,
                Variant::AsyncLock
            ]
        );
    }

    #[test]
    fn the_verdict_names_each_models_losses_and_its_fixes() {
        let all = [
            out(Variant::ThreadsUnsync, 38_766),
            out(Variant::ThreadsLock, 40_000),
            out(Variant::ThreadsAtomic, 40_000),
            out(Variant::AsyncUnsync, 20_000),
            out(Variant::AsyncLock, 40_000),
        ];
        assert_eq!(
            verdict(&all),
            "Threads lost 1,234 of 40,000 updates (3.1%); with a lock: 0 lost, with an atomic \
             add: 0 lost. Async lost 20,000 of 40,000 updates (50.0%); with an async mutex: 0 lost."
        );
        assert_eq!(
            verdict(&all[3..]),
            "Async lost 20,000 of 40,000 updates (50.0%); with an async mutex: 0 lost."
        );
        assert_eq!(
            verdict(&[out(Variant::ThreadsUnsync, 40_000)]),
            "Threads lost none of 40,000 updates this time."
        );
        assert_eq!(verdict(&[]), "");
    }
}
