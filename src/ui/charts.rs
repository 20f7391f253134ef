//! The three charts side by side: makespan per strategy, speedup, cost growth (the full page
//! and, with `sweeps=1`, the compact view).

use leptos::prelude::*;

use super::chart_growth::GrowthChart;
use super::chart_makespan::MakespanChart;
use super::chart_speedup::SpeedupChart;

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
