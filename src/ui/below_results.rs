//! The full playground's panels below the results, in the `extras` chunk ([`super::lazy`]):
//! keeping and comparing runs, the experiment in the visitor's own Python, the code each
//! strategy ran, sharing, the charts, memory per task and the demos.

use leptos::prelude::*;

use crate::ui::charts::Charts;
use crate::ui::demos::Demos;
use crate::ui::library::export_import::ExportImport;
use crate::ui::library::history::History;
use crate::ui::memory::MemoryPanel;
use crate::ui::page::share::Share;
use crate::ui::python::code::ShowCode;
use crate::ui::python::twin::RunInPython;

/// The full playground's panels below the results: keeping and comparing runs, your own
/// Python, the code, sharing, charts, memory and the demos.
#[component]
pub fn BelowResults() -> impl IntoView {
    view! {
        <section class="panel wide" aria-labelledby="h-keep">
            <h2 id="h-keep">"Keep and compare runs"</h2>
            <ExportImport />
            <h3 class="sub">"History"</h3>
            <History />
        </section>
        <section class="panel wide" aria-labelledby="h-python">
            <h2 id="h-python">"Run it in your Python"</h2>
            <RunInPython />
        </section>
        <section class="panel wide" aria-labelledby="h-code">
            <h2 id="h-code">"Show the code"</h2>
            <ShowCode />
        </section>
        <section class="panel wide" aria-labelledby="h-share">
            <h2 id="h-share">"Share or embed this experiment"</h2>
            <Share />
        </section>
        <section class="panel wide" aria-labelledby="h-charts">
            <h2 id="h-charts">"Charts"</h2>
            <Charts />
        </section>
        <section class="panel wide" aria-labelledby="h-memory">
            <h2 id="h-memory">"Memory per task"</h2>
            <MemoryPanel />
        </section>
        <Demos />
        <footer class="foot">
            "Every figure is measured in this browser, except those labelled theory, a reference run, or imported (with where they were measured). "
            "Times share one clock across threads (performance.timeOrigin + performance.now())."
        </footer>
    }
}
