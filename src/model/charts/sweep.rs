//! Sweeps: series of runs that vary one parameter (threads for the speedup chart, task count
//! for the cost-growth chart).

use crate::model::experiment::params::{Field, Params, Strategy, Workload};
use crate::model::experiment::theory::expected;
use crate::model::format;

/// Task counts the cost-growth sweep tries.
pub const GROWTH_TASKS: [u32; 5] = [1, 10, 100, 1_000, 10_000];
/// A sweep point whose theory exceeds this is skipped (ms), so sweeps stay short.
pub const POINT_MAX_MS: f64 = 15_000.0;

/// One run of a sweep, or why it is skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub params: Params,
    /// The point's expected makespan (ms).
    pub theory_ms: f64,
    pub skip: Option<String>,
}

fn point(params: Params, cores: u32) -> Point {
    let theory_ms = expected(params.strategy, &params, cores).makespan_ms;
    // The form's own rules decide which task counts are allowed.
    let broken = params.validate().first().map(|e| e.field);
    let skip = match broken {
        Some(Field::CpuMs) => Some("over the CPU budget".into()),
        Some(_) => Some("over the task limit".into()),
        None if theory_ms > POINT_MAX_MS => {
            Some(format!("would take about {}", format::ms(theory_ms)))
        }
        None => None,
    };
    Point {
        params,
        theory_ms,
        skip,
    }
}

/// The speedup sweep: the threads strategy on 1..=pool workers.
pub fn speedup(base: &Params, pool: u32, cores: u32) -> Vec<Point> {
    (1..=pool.max(1))
        .map(|threads| {
            point(
                Params {
                    strategy: Strategy::Threads,
                    threads,
                    ..*base
                },
                cores,
            )
        })
        .collect()
}

/// The cost-growth sweep: every strategy at each of [`GROWTH_TASKS`] tasks.
pub fn growth(base: &Params, cores: u32) -> Vec<Point> {
    let mut out = Vec::new();
    for tasks in GROWTH_TASKS {
        for strategy in Strategy::ALL {
            out.push(point(
                Params {
                    strategy,
                    tasks,
                    ..*base
                },
                cores,
            ));
        }
    }
    out
}

/// Whether a sweep over this workload says something (a zero-cost task says nothing).
pub fn meaningful(p: &Params) -> bool {
    match p.workload {
        Workload::Io => p.io_ms > 0,
        Workload::Cpu => p.cpu_ms > 0,
        Workload::Mixed => p.io_ms > 0 || p.cpu_ms > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speedup_sweep_has_one_point_per_thread_count() {
        let base = Params {
            workload: Workload::Cpu,
            tasks: 16,
            cpu_ms: 50,
            ..Params::default()
        };
        let pts = speedup(&base, 4, 4);
        assert_eq!(
            pts.iter().map(|p| p.params.threads).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        assert!(
            pts.iter()
                .all(|p| p.params.strategy == Strategy::Threads && p.skip.is_none())
        );
    }

    #[test]
    fn growth_skips_what_would_take_too_long() {
        let base = Params {
            workload: Workload::Io,
            io_ms: 100,
            threads: 2,
            ..Params::default()
        };
        let pts = growth(&base, 2);
        assert_eq!(pts.len(), GROWTH_TASKS.len() * Strategy::ALL.len());
        let find = |tasks, s| {
            pts.iter()
                .find(|p| p.params.tasks == tasks && p.params.strategy == s)
                .unwrap()
        };
        assert!(find(100, Strategy::Sequential).skip.is_none(), "10 s");
        assert!(
            find(1000, Strategy::Sequential)
                .skip
                .as_deref()
                .unwrap()
                .contains("would take")
        );
        assert!(find(10_000, Strategy::Async).skip.is_none(), "100 ms");
    }

    #[test]
    fn growth_respects_the_cpu_budget() {
        let base = Params {
            workload: Workload::Cpu,
            cpu_ms: 10,
            ..Params::default()
        };
        let pts = growth(&base, 2);
        let p = pts
            .iter()
            .find(|p| p.params.tasks == 10_000 && p.params.strategy == Strategy::Async)
            .unwrap();
        assert_eq!(p.skip.as_deref(), Some("over the CPU budget"));
    }

    #[test]
    fn zero_cost_workloads_are_not_worth_sweeping() {
        assert!(!meaningful(&Params {
            workload: Workload::Io,
            io_ms: 0,
            ..Params::default()
        }));
        assert!(meaningful(&Params::default()));
    }
}
