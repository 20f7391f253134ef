//! Async: every task a future of its own in a [`TaskSet`] on the event loop (asyncio's
//! `create_task` for each, then `gather`); waits overlap; computations run on the main thread
//! in slices of `yield_every_ms`, or go to the pool (async + executor, see
//! [`super::run_in_executor`]).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use super::main_run::{MainRun, OnMain, run_on_main};
use crate::runtime::event_loop::TaskSet;

// show-code: async
/// Spawns every task of the run on the event loop.
pub(super) fn start(main: Rc<MainRun>) -> OnMain {
    let set = TaskSet::spawn_all((0..main.plan.tasks()).map(|task| {
        let main = main.clone();
        async move {
            if let Some(r) = run_on_main(&main, task).await {
                main.finished(r);
            }
        }
    }));
    spawn_local(set.drive());
    OnMain {
        main,
        tasks: Box::new(set),
    }
}
// end show-code: async
