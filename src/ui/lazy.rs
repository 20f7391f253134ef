//! The panels a visitor does not need to start an experiment, in a wasm chunk of their own
//! (`extras`): the claims, the environment, the findings, the charts, everything below the
//! results (keep and compare, share, memory, demos), and what the timeline shows of a run
//! once there is one (its replay, its tasks in rows of many, its data table). The release
//! build is split at the `#[wasm_split]` functions below (`.ci/setup.sh`, split_build): what
//! only they reach goes into the chunk, which the page downloads once it is ready, so the
//! module it starts with is smaller and its first view is built sooner.
//!
//! Code of the chunk can run on the pool's workers (the demos and the memory panel hand jobs
//! to them), so every worker instantiates the chunk too before the panels appear
//! ([`pool::load_chunk`]), and so does every pool started after.
//!
//! Outside the split release build nothing imports the chunk's loader: builds that do not
//! mount the app (the wasm tests) never link these functions.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

use crate::runtime::{location, pool};
use crate::ui::below_results::BelowResults;
use crate::ui::charts::Charts;
use crate::ui::claims::{Claims, ClaimsEmbed};
use crate::ui::page::environment::Environment;
use crate::ui::results::beside::BesideResults;
use crate::ui::results::imported::Imported;
use crate::ui::results::insights::Insights;
use crate::ui::timeline::choice::RunChoice;
use crate::ui::timeline::density::TaskDensity;
use crate::ui::timeline::replay::Replay;
use crate::ui::timeline::table::DataTable;

/// The chunk's name (`#[wasm_split(extras)]`), in its file name too.
const CHUNK: &str = "extras";

/// Where the chunk is: downloading, in place (on the main thread and in the pool's workers),
/// or not to be had, with why.
#[derive(Clone, PartialEq)]
pub enum Extras {
    Loading,
    Loaded,
    Failed(String),
}

/// The chunk's state, provided as context by the app.
#[derive(Clone, Copy)]
pub struct ExtrasState(RwSignal<Extras>);

impl Default for ExtrasState {
    fn default() -> Self {
        ExtrasState(RwSignal::new(Extras::Loading))
    }
}

impl ExtrasState {
    /// Downloads and instantiates the chunk, on the main thread, then in the pool's workers.
    pub async fn load(self) {
        let outcome = match load_chunk().await {
            Err(e) => Err(format!("{e} ({})", location::chunk_url(CHUNK))),
            Ok(()) => pool::load_chunk(location::chunk_url(CHUNK)).await,
        };
        self.0.set(match outcome {
            Ok(()) => Extras::Loaded,
            Err(why) => Extras::Failed(why),
        });
    }
}

/// The chunk's loader (`load_chunk`, generated): this function only names the chunk for it.
#[wasm_split(extras, wasm_split_path = ::leptos::wasm_split, fallible, preload(load_chunk))]
fn chunk_marker() -> Result<(), SplitLoaderError> {
    Ok(())
}

/// The chunk's panels: for each, a `#[wasm_split(extras)]` function that builds it (calling
/// one is what the split follows into the chunk) and the component the page mounts in its
/// place ([`panel`]; `says_why`: this panel tells why when the chunk cannot be had, one per
/// view; `slot`: it keeps its place while the chunk loads).
macro_rules! lazy_panels {
    ($(
        $(#[doc = $doc:literal])+
        $lazy:ident: $split:ident => $component:ident, slot: $slot:literal;
    )*) => {$(
        #[wasm_split(extras, wasm_split_path = ::leptos::wasm_split)]
        fn $split() -> AnyView {
            view! { <$component /> }.into_any()
        }

        $(#[doc = $doc])+
        #[component]
        pub fn $lazy(#[prop(optional)] says_why: bool) -> impl IntoView {
            panel(|| Box::pin($split()), says_why, $slot)
        }
    )*};
}

lazy_panels! {
    /// Everything below the full page's results.
    LazyBelowResults: below_results => BelowResults, slot: false;
    /// The claims, one click away.
    LazyClaims: claims => Claims, slot: false;
    /// `embed=claims`: the claims and their verdicts, compact.
    LazyClaimsEmbed: claims_embed => ClaimsEmbed, slot: false;
    /// The browser, its isolation and the pool.
    LazyEnvironment: environment => Environment, slot: true;
    /// The findings from the latest runs.
    LazyInsights: insights => Insights, slot: false;
    /// The sweeps' charts.
    LazyCharts: charts => Charts, slot: false;
    /// The replay of the timeline's finished run.
    LazyReplay: replay => Replay, slot: false;
    /// The tasks of a large run, in rows of many.
    LazyTaskDensity: task_density => TaskDensity, slot: false;
    /// The timeline's data table.
    LazyDataTable: data_table => DataTable, slot: false;
    /// Imported runs beside this browser's in the results table.
    LazyBesideResults: beside_results => BesideResults, slot: false;
    /// The timeline's choice of run, when imported runs are beside this browser's.
    LazyRunChoice: run_choice => RunChoice, slot: false;
    /// What is shown instead of this browser's runs, when an imported file is.
    LazyImported: imported => Imported, slot: false;
}

/// A panel's builder, boxed so that [`panel`] is compiled once for all of them.
type Build = fn() -> Pin<Box<dyn Future<Output = AnyView> + Send>>;

/// A panel of the chunk, built once the chunk is in place (nothing before). If the chunk
/// cannot be had, one panel of the page (`says_why`) tells why. The environment strip keeps
/// its place while the chunk loads (`slot`: the stylesheet's `.lazy-slot`, about its height at
/// each width), so that what is below it does not jump when it arrives.
fn panel(build: Build, says_why: bool, slot: bool) -> AnyView {
    let extras = expect_context::<ExtrasState>();
    let content = move || match extras.0.get() {
        Extras::Loading => None,
        Extras::Loaded => Some(Suspend::new(build()).into_any()),
        Extras::Failed(_) if !says_why => None,
        Extras::Failed(why) => Some(failed(&why).into_any()),
    };
    match slot {
        false => content.into_any(),
        true => view! {
            <div
                class="lazy-slot"
                data-loading=move || extras.0.with(|e| *e == Extras::Loading).then_some("")
            >
                {content}
            </div>
        }
        .into_any(),
    }
}

/// Why the chunk's panels are missing, and what to do.
fn failed(why: &str) -> impl IntoView + use<> {
    let text =
        format!("This part of the page could not be loaded: {why}. Reload the page to try again.");
    view! { <p class="notice" role="alert" data-testid="extras-failed">{text}</p> }
}
