//! The three charts side by side: makespan per strategy, speedup, cost growth (the full page
//! and, with `sweeps=1`, the compact view).

pub mod frame;
pub mod growth;
pub mod makespan;
pub mod speedup;
pub mod sweep_controls;

use leptos::prelude::*;

use crate::ui::charts::growth::GrowthChart;
use crate::ui::charts::makespan::MakespanChart;
use crate::ui::charts::speedup::SpeedupChart;

/// The charts and their sweeps.
#[component]
pub fn Charts() -> impl IntoView {
    view! {
        <div class="charts">
            <MakespanChart />
            <SpeedupChart />
            <GrowthChart />
        </div>
    }
}
