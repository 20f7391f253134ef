//! Whether a strategy may run now, and if not, why (one sentence for the page).

use crate::model::experiment::params::{
    Checked, FREEZE_MAX_MS, PROCESSES_MAX, Params, STRATEGY_WALL_MAX_MS, Strategy,
};
use crate::model::experiment::theory::{expected, waits_total};
use crate::model::format;

/// The thread pool as the gate sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pool {
    /// Still starting.
    Starting,
    /// Running with this many workers.
    Ready(u32),
    /// Cannot run here, with the reason.
    Unavailable(String),
}

/// `Ok` when `strategy` may run on the checked form; otherwise the reason.
///
/// # Errors
/// The reason, as a sentence fragment for the page.
pub fn can_run(
    strategy: Strategy,
    checked: &Checked,
    cores: u32,
    pool: &Pool,
) -> Result<(), String> {
    let theory = expected(
        strategy,
        &Params {
            strategy,
            ..checked.params
        },
        cores,
    )
    .makespan_ms;
    can_run_with_theory(strategy, checked, theory, pool)
}

/// [`can_run`] with the strategy's expected makespan already known (theory simulates the
/// scheduler, so callers that show it anyway compute it once).
///
/// # Errors
/// The reason, as a sentence fragment for the page.
pub fn can_run_with_theory(
    strategy: Strategy,
    checked: &Checked,
    theory: f64,
    pool: &Pool,
) -> Result<(), String> {
    if !checked.is_valid() {
        return Err("fix the highlighted parameters first".into());
    }
    let p = checked.params;
    if theory > STRATEGY_WALL_MAX_MS {
        return Err(format!(
            "it would take about {} (theory), over the {} limit per run",
            format::ms(theory),
            format::ms(STRATEGY_WALL_MAX_MS)
        ));
    }
    // On the main thread alone, every blocking wait holds the page, one after another.
    if !strategy.parallel() && p.blocking_waits() {
        let frozen = waits_total(&p);
        if frozen > FREEZE_MAX_MS {
            return Err(format!(
                "its blocking waits would freeze the page for about {} (theory), over the {} a deliberate freeze may last",
                format::ms(frozen),
                format::ms(FREEZE_MAX_MS)
            ));
        }
    }
    if strategy == Strategy::Processes && p.threads > PROCESSES_MAX {
        return Err(format!(
            "{} processes asked for, but at most {PROCESSES_MAX} start (each is a wasm instance with a memory of its own)",
            p.threads
        ));
    }
    if strategy.uses_pool() {
        match pool {
            Pool::Starting => return Err("the thread pool is still starting".into()),
            Pool::Unavailable(why) => return Err(format!("threads are unavailable: {why}")),
            Pool::Ready(n) if p.threads > *n => {
                return Err(format!(
                    "{} threads asked for, but the pool has {n} workers",
                    p.threads
                ));
            }
            Pool::Ready(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::{Field, FormText, Params, Waits, Workload};

    fn checked(p: Params) -> Checked {
        FormText::from_params(&p).check()
    }

    #[test]
    fn the_default_experiment_runs_everywhere() {
        let c = checked(Params::default());
        for s in Strategy::ALL {
            assert_eq!(can_run(s, &c, 2, &Pool::Ready(2)), Ok(()), "{s:?}");
        }
    }

    #[test]
    fn invalid_forms_do_not_run() {
        let mut f = FormText::from_params(&Params::default());
        f.set(Field::Tasks, "0");
        assert!(
            can_run(Strategy::Async, &f.check(), 2, &Pool::Ready(2))
                .unwrap_err()
                .contains("fix")
        );
    }

    #[test]
    fn strategies_over_the_time_limit_do_not_run_but_others_do() {
        // 100,000 waits of 100 ms: sequential would take 2.8 hours; async takes 100 ms.
        let c = checked(Params {
            workload: Workload::Io,
            tasks: 100_000,
            io_ms: 100,
            ..Params::default()
        });
        let why = can_run(Strategy::Sequential, &c, 2, &Pool::Ready(2)).unwrap_err();
        assert!(why.contains("theory") && why.contains("limit"), "{why}");
        assert_eq!(can_run(Strategy::Async, &c, 2, &Pool::Ready(2)), Ok(()));
    }

    #[test]
    fn blocking_waits_on_the_main_thread_are_refused_past_the_freeze_limit() {
        let blocking = |tasks| {
            checked(Params {
                workload: Workload::Io,
                tasks,
                io_ms: 100,
                waits: Waits::Blocking,
                ..Params::default()
            })
        };
        // 50 × 100 ms = 5 s of freeze: allowed, on purpose.
        for s in Strategy::ALL {
            assert_eq!(
                can_run(s, &blocking(50), 2, &Pool::Ready(2)),
                Ok(()),
                "{s:?}"
            );
        }
        // 200 × 100 ms = 20 s: not on the main thread; the pool and processes still run it.
        let c = blocking(200);
        for s in [Strategy::Sequential, Strategy::Async] {
            let why = can_run(s, &c, 2, &Pool::Ready(2)).unwrap_err();
            assert!(
                why.contains("freeze the page for about 20.00 s (theory)"),
                "{why}"
            );
        }
        for s in [
            Strategy::Executor,
            Strategy::Threads,
            Strategy::Gil,
            Strategy::Processes,
        ] {
            assert_eq!(can_run(s, &c, 2, &Pool::Ready(2)), Ok(()), "{s:?}");
        }
        // Awaited, the same waits overlap and async runs them.
        let awaited = checked(Params {
            waits: Waits::Awaited,
            ..c.params
        });
        assert_eq!(
            can_run(Strategy::Async, &awaited, 2, &Pool::Ready(2)),
            Ok(())
        );
    }

    #[test]
    fn threads_need_a_big_enough_pool() {
        let c = checked(Params {
            threads: 50,
            ..Params::default()
        });
        assert!(
            can_run(Strategy::Threads, &c, 2, &Pool::Ready(2))
                .unwrap_err()
                .contains("pool has 2")
        );
        assert_eq!(can_run(Strategy::Threads, &c, 2, &Pool::Ready(50)), Ok(()));
        assert!(can_run(Strategy::Threads, &c, 2, &Pool::Starting).is_err());
        let why = can_run(
            Strategy::Threads,
            &c,
            2,
            &Pool::Unavailable("no isolation".into()),
        )
        .unwrap_err();
        assert!(why.contains("no isolation"));
        assert_eq!(
            can_run(Strategy::Async, &c, 2, &Pool::Unavailable("x".into())),
            Ok(())
        );
    }

    #[test]
    fn processes_need_no_pool_but_are_bounded() {
        let c = |threads| {
            checked(Params {
                threads,
                ..Params::default()
            })
        };
        let no_pool = Pool::Unavailable("not isolated".into());
        assert_eq!(can_run(Strategy::Processes, &c(4), 2, &no_pool), Ok(()));
        assert_eq!(
            can_run(Strategy::Processes, &c(PROCESSES_MAX), 2, &Pool::Starting),
            Ok(())
        );
        let why = can_run(Strategy::Processes, &c(PROCESSES_MAX + 1), 2, &no_pool).unwrap_err();
        assert!(why.contains("at most 16 start"), "{why}");
    }
}
