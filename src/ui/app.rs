//! The page: start-up (URL, pool, calibration), URL sync, and layout.

use leptos::prelude::*;

use crate::model::experiment::fault::Injected;
use crate::model::experiment::url::{self, View};
use crate::runtime::{caps, clock, embed as frame, exec, location, timer};
use crate::ui::embed::{self, Embed};
use crate::ui::lazy::{
    ExtrasState, LazyBelowResults, LazyClaims, LazyEnvironment, LazyImported, LazyInsights,
};
use crate::ui::page::notices::Notices;
use crate::ui::results::Results;
use crate::ui::run::controls::Controls;
use crate::ui::run::form::ParamForm;
use crate::ui::run::meter::Meter;
use crate::ui::state::{self, Experiment, PoolState, PoolView};
use crate::ui::timeline::Timeline;

/// The playground.
#[component]
pub fn App() -> impl IntoView {
    let caps = caps::detect();
    let query = location::query();
    let decoded = url::decode(&query);
    let view = decoded.view;
    if view.embed {
        frame::set_root_attribute("data-embed", "1");
    }
    if let Some(theme) = view.theme {
        frame::set_root_attribute("data-theme", theme.key());
    }
    let parts = state::provide(caps, decoded, Injected::from_query(&query));
    let state::Parts {
        page,
        pool,
        experiment,
        runner,
        library,
    } = parts;
    let extras = ExtrasState::default();
    provide_context(extras);
    runner.recover_from_fault();
    library.load_history();

    // The URL always holds the experiment as it would run (valid fields; defaults elsewhere).
    // The test-only `fault` key is dropped here, so a reload never injects it again; so is
    // `autorun`, so a reload after a fault does not run again by itself.
    let kept_view = View {
        autorun: false,
        ..view
    }
    .encode();
    Effect::new(move |_| {
        let params = experiment.checked.with(|c| c.params);
        let _ = location::replace_query(&format!("{}{kept_view}", experiment.query(&params)));
    });

    // The workers are created now, before the page is built, so they boot on their own
    // threads while the main thread builds, lays out and paints it.
    let started = matches!(pool.view.get_untracked(), PoolView::Starting { .. }).then(|| {
        let inject = page.take_inject(|f| f == Injected::WorkerStart);
        pool.start(pool.requested.get_untracked(), inject)
    });
    leptos::task::spawn_local(start_up(pool, experiment, extras, started));

    // The page is built one turn of the event loop later: the workers created above need the
    // main thread for a moment to start booting, and building the page holds it for a while
    // (built in the same turn, the workers reached their scripts only once it was built).
    let built = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        timer::yield_now().await;
        built.set(true);
    });
    // Options, not an erased view: an `AnyView` of the whole page made the wasm much larger.
    let embed = view.embed;
    view! {
        {move || (built.get() && embed).then(|| view! { <Embed /> })}
        {move || (built.get() && !embed).then(|| view! { <FullPage /> })}
        // Last, so the embedding page hears the built page's height first, not an empty one.
        {move || built.get().then(|| embed::connect(parts))}
    }
}

/// The full playground. The claims, the environment, the findings and what lies below the
/// results come from the `extras` chunk ([`crate::ui::lazy`]), loaded once the page is ready.
#[component]
fn FullPage() -> impl IntoView {
    view! {
        <header class="masthead">
            <h1>"Async vs Threads"</h1>
            <p class="tagline">
                "Run the concurrency experiments from the articles in your own browser: "
                "cooperative tasks on the event loop against Web Worker threads, measured, not animated."
            </p>
        </header>
        <Notices />
        <LazyEnvironment />
        <details class="panel wide claims-panel" data-testid="claims-panel" open>
            <summary><h2 id="h-claims">"Claims of the articles, one click away"</h2></summary>
            <p class="muted">"Each button runs the claim's experiment here (an experiment of strategies is loaded into the form and the link first) and judges the claim from what was measured."</p>
            <LazyClaims says_why=true />
        </details>
        <div class="layout">
            <section class="panel" aria-labelledby="h-params">
                <h2 id="h-params">"Experiment"</h2>
                <ParamForm />
            </section>
            <section class="panel" aria-labelledby="h-run">
                <h2 id="h-run">"Run"</h2>
                <Controls />
                <Meter />
            </section>
        </div>
        <section class="panel wide" aria-labelledby="h-timeline">
            <h2 id="h-timeline">"Timeline"</h2>
            <LazyImported />
            <Timeline />
        </section>
        <section class="panel wide" aria-labelledby="h-results">
            <h2 id="h-results">"Results"</h2>
            <LazyImported />
            <Results />
            <h3 class="sub">"Findings"</h3>
            <LazyInsights />
        </section>
        <LazyBelowResults />
    }
}

/// Waits for the worker pool (started by [`App`]), then calibrates the kernel on one of its
/// workers once they have booted (booting workers would steal CPU and make the kernel look
/// slower; on a worker the main thread stays free), and records when the page became ready:
/// when the experiment in the URL can run with every strategy. An experiment that only waits
/// needs no calibration, so it is ready once the pool is, and calibration goes on in the
/// background. Then the `extras` chunk loads (after the calibration: downloading it and
/// building its panels took a core from it, and the kernel read slower), and the async
/// scheduler warms up, unless a run came first ([`PoolState::settle`]).
async fn start_up(
    pool: PoolState,
    experiment: Experiment,
    extras: ExtrasState,
    started: Option<impl Future<Output = ()>>,
) {
    if let Some(started) = started {
        started.await;
    }
    let computes = experiment
        .checked
        .with_untracked(|c| c.params.workload.computes());
    if !computes {
        pool.ready_ms.set(Some(clock::since_navigation_ms()));
    }
    pool.calibration
        .set(Some(exec::calibrate_kernel_off_main().await));
    if computes {
        pool.ready_ms.set(Some(clock::since_navigation_ms()));
    }
    extras.load().await;
    // Last, so it neither delays the page's readiness nor disturbs the calibration.
    pool.warm_up().await;
}
