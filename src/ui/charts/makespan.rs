//! Makespan per strategy, measured against theory, for the last "Run all".

use leptos::prelude::*;

use crate::model::charts::Scale;
use crate::model::experiment::params::Params;
use crate::model::experiment::theory::expected;
use crate::model::format;
use crate::ui::charts::frame::{BOTTOM, H, LEFT, RIGHT, TOP, W, axes, dur, x_scale};
use crate::ui::state::{Library, part};

/// Bars for measured makespans, marks for theory, on a log axis.
#[component]
pub fn MakespanChart() -> impl IntoView {
    let library = part::<Library>();
    let chart = move || {
        let runs = library.last_run_all.get();
        if runs.is_empty() {
            return view! { <p class="muted empty">"Press Run all to compare every strategy on one workload."</p> }.into_any();
        }
        let rows: Vec<(String, f64, f64, Option<String>)> = runs
            .iter()
            .map(|r| {
                let theory = expected(
                    r.strategy(),
                    &Params {
                        strategy: r.strategy(),
                        ..r.head.params
                    },
                    r.head.cores,
                )
                .makespan_ms;
                (
                    r.strategy().label().to_string(),
                    r.makespan_ms(),
                    theory,
                    library.vs_baseline(r),
                )
            })
            .collect();
        let lo = rows
            .iter()
            .flat_map(|(_, m, t, _)| [*m, *t])
            .filter(|v| *v > 0.0)
            .fold(f64::MAX, f64::min);
        let hi = rows
            .iter()
            .flat_map(|(_, m, t, _)| [*m, *t])
            .fold(0.0, f64::max);
        let x = x_scale(lo.min(hi).max(0.01), hi.max(0.02), true);
        let band = (H - BOTTOM - TOP) / rows.len() as f64;
        let y = Scale::linear(0.0, 1.0, 0.0, 1.0);
        let bars = rows
            .into_iter()
            .enumerate()
            .map(|(i, (label, m, t, vs))| {
                let y0 = TOP + band * i as f64 + band * 0.25;
                let h = band * 0.5;
                let (x0, xm, xt) = (LEFT, x.px(m.max(x.lo)), x.px(t.max(x.lo)));
                view! {
                    <g class=format!("bar s{i}")>
                        <rect x=x0 y=y0 width=(xm - x0).max(1.0) height=h></rect>
                        <line class="theory" x1=xt y1=y0 - 4.0 x2=xt y2=y0 + h + 4.0></line>
                        <text x=x0 + 4.0 y=y0 - 3.0>{format!("{label}: {} (theory {}){}", format::ms(m), format::ms(t), vs.map_or(String::new(), |d| format!(" · {d} vs baseline")))}</text>
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg viewBox=format!("0 0 {W} {H}") class="chart" role="img" aria-label="Makespan per strategy, measured bars and theory marks, log scale">
                {axes(x, y, "makespan (log scale); | = theory", "", dur, |_| String::new())}
                {bars}
                <line class="hidden" x1=W - RIGHT y1=0 x2=W - RIGHT y2=0></line>
            </svg>
        }
        .into_any()
    };
    view! {
        <div class="chart-panel" data-testid="chart-makespan">
            <h3 class="sub">"Makespan: measured vs theory"</h3>
            {chart}
        </div>
    }
}
