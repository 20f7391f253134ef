//! Cost growth: makespan against task count on log axes, one line per strategy.

use leptos::prelude::*;

use crate::model::charts::polyline;
use crate::model::experiment::params::Strategy;
use crate::ui::charts::frame::{H, W, axes, dur, short, x_scale, y_scale};
use crate::ui::charts::sweep_controls::SweepControls;
use crate::ui::state::{Runner, SweepKind, part};

/// The cost-growth sweep's chart and controls.
#[component]
pub fn GrowthChart() -> impl IntoView {
    let runner = part::<Runner>();
    let chart = move || {
        let (_, pts) = runner.growth_points.get();
        if pts.is_empty() {
            return view! { <p class="muted empty">"Sweep 1 to 10,000 tasks for every strategy (points that would take over 15 s are skipped)."</p> }.into_any();
        }
        let lo = pts
            .iter()
            .map(|p| p.makespan_ms)
            .filter(|v| *v > 0.0)
            .fold(f64::MAX, f64::min);
        let hi = pts.iter().map(|p| p.makespan_ms).fold(0.0, f64::max);
        let (x, y) = (
            x_scale(1.0, 10_000.0, true),
            y_scale(lo.min(hi).max(0.01), hi.max(0.02), true),
        );
        let lines = Strategy::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mine: Vec<(f64, f64)> = pts.iter().filter(|p| p.strategy == *s && p.makespan_ms > 0.0).map(|p| (f64::from(p.tasks), p.makespan_ms)).collect();
                let line = polyline(mine.iter().map(|&(n, m)| (x.px(n), y.px(m))));
                view! {
                    <g class=format!("series s{i}")>
                        <polyline points=line></polyline>
                        {mine.iter().map(|&(n, m)| view! { <circle cx=x.px(n) cy=y.px(m) r=3.0><title>{format!("{}: {n} tasks, {m:.1} ms", s.label())}</title></circle> }).collect_view()}
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg viewBox=format!("0 0 {W} {H}") class="chart" role="img" aria-label="Makespan against task count, log-log, one line per strategy">
                {axes(x, y, "tasks (log)", "makespan (log)", short, dur)}
                {lines}
            </svg>
        }
        .into_any()
    };
    view! {
        <div class="chart-panel" data-testid="chart-growth" data-points=move || runner.growth_points.with(|(_, p)| p.len().to_string())>
            <h3 class="sub">"Cost growth with task count"</h3>
            {chart}
            <p class="chart-legend" aria-hidden="true">
                {Strategy::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, s)| view! { <span class=format!("k s{i}")>{s.label()}</span> })
                    .collect_view()}
                <span class="muted">"· points over 15 s (theory) or over the limits are skipped"</span>
            </p>
            <SweepControls kind=SweepKind::Growth label=Signal::derive(|| "Sweep task counts".to_string()) />
        </div>
    }
}
