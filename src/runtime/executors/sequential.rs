//! Sequential: one task after another on the main thread, each wait awaited; computations
//! in slices of `yield_every_ms` like async ones, so Cancel and the page keep working (0:
//! never yield, which freezes the page on purpose); the event loop gets a turn between tasks.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use super::main_run::{MainRun, OnMain, run_on_main};
use crate::runtime::event_loop::TaskSet;
use crate::runtime::timer::yield_now;

// show-code: sequential
/// Starts the run's one task that runs every task in turn.
pub(super) fn start(main: Rc<MainRun>) -> OnMain {
    let run = main.clone();
    let set = TaskSet::spawn_all([async move {
        for task in 0..run.plan.tasks() {
            let Some(r) = run_on_main(&run, task).await else {
                return;
            };
            run.finished(r);
            yield_now().await;
        }
    }]);
    spawn_local(set.drive());
    OnMain {
        main,
        tasks: Box::new(set),
    }
}
// end show-code: sequential
