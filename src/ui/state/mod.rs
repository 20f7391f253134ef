//! The page's shared state, in the parts a reader looks for, each provided as a context and
//! each with its methods beside its type (signals are handles: every part is `Copy`):
//!
//! - [`Page`] (`page.rs`): what the browser offers, how the link asks the page to show itself,
//!   its notices, the test-only fault;
//! - [`PoolState`] (`pool.rs`): the worker pool and the page's start-up: starting and
//!   restarting the pool, the kernel's calibration, readiness, the scheduler's warm-up;
//! - [`Experiment`] (`experiment.rs`): the form, its checked parameters, their theory, the
//!   link;
//! - [`Runner`] (`runner.rs`): Run, Run all, sweeps and claims, one at a time, Cancel, and
//!   whether a strategy may run now;
//! - [`Library`] (`library.rs`): the runs kept: the results, the last Run all, the history
//!   and its baseline, an imported file's runs;
//! - [`TimelineRun`] (`timeline.rs`): the run the timeline shows, live then finished, and the
//!   replay's playhead on it.

mod experiment;
mod library;
mod page;
mod pool;
mod runner;
mod timeline;

pub use experiment::Experiment;
pub use library::Library;
pub use page::Page;
pub use pool::{PoolState, PoolView, WARM_UP_POLL_MS};
pub use runner::{RunError, Runner, Running, SweepKind, SweepPoint, SweepProgress};
pub use timeline::{LiveRun, TimelineRun};

use leptos::prelude::*;

use crate::model::experiment::fault::Injected;
use crate::model::experiment::url::Decoded;
use crate::model::page::caps::Capabilities;

/// Provides every part of the state for a page opened with the link `decoded` (and its
/// test-only fault `inject`), and returns those the page's start-up uses.
pub fn provide(caps: Capabilities, decoded: Decoded, inject: Option<Injected>) -> Parts {
    let page = Page::new(caps, decoded.view, decoded.notices, inject);
    let running = RwSignal::new(None);
    let busy = Signal::derive(move || running.with(Option::is_some));
    let pool = PoolState::new(
        decoded.pool.unwrap_or_else(|| caps.default_pool()),
        decoded.pool.is_some(),
        caps.threads_unavailable(),
        busy,
    );
    let experiment = Experiment::new(decoded.form, caps.cores, pool);
    let timeline = TimelineRun::default();
    let library = Library::new(page, timeline);
    let runner = Runner::new(running, page, pool, experiment, library, timeline);
    provide_context(page);
    provide_context(pool);
    provide_context(experiment);
    provide_context(timeline);
    provide_context(library);
    provide_context(runner);
    Parts {
        page,
        pool,
        experiment,
        runner,
        library,
    }
}

/// A part of the state, as [`provide`] gave it: what components call instead of Leptos's
/// `expect_context`, whose panic message names the type and is compiled once per type.
pub fn part<T: Clone + 'static>() -> T {
    use_context::<T>().unwrap_or_else(|| not_provided())
}

#[cold]
fn not_provided() -> ! {
    panic!("a part of the state was asked for outside the app that provides it")
}

/// The parts the page's start-up uses (see [`provide`]).
#[derive(Clone, Copy)]
pub struct Parts {
    pub page: Page,
    pub pool: PoolState,
    pub experiment: Experiment,
    pub runner: Runner,
    pub library: Library,
}
