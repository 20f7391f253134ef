//! Makespan per strategy, measured against theory, for the last "Run all", and beside it the
//! imported runs of the same experiment, labelled with where they were measured.

use leptos::prelude::*;

use crate::model::charts::Scale;

use crate::model::experiment::params::{Params, Strategy};
use crate::model::experiment::theory::expected;
use crate::model::format;
use crate::model::run::record::RunRecord;
use crate::ui::charts::frame::{BOTTOM, H, LEFT, RIGHT, TOP, W, axes, dur, x_scale};
use crate::ui::state::{Library, part};

/// Bars for measured makespans, marks for theory, on a log axis; under each strategy's bar,
/// thinner, paler and outlined, the imported runs of that strategy, each with its place.
#[component]
pub fn MakespanChart() -> impl IntoView {
    let library = part::<Library>();
    let chart = move || {
        let runs = library.last_run_all.get();
        if runs.is_empty() {
            return view! { <p class="muted empty">"Press Run all to compare every strategy on one workload."</p> }.into_any();
        }
        // Imported runs of the Run all's experiment: (their place, each strategy's latest).
        let params = runs[0].head.params;
        let beside = library.beside_latest(&params);
        let theory = |r: &RunRecord| {
            expected(
                r.strategy(),
                &Params {
                    strategy: r.strategy(),
                    ..r.head.params
                },
                r.head.cores,
            )
            .makespan_ms
        };
        let imported = |s: Strategy| {
            beside.iter().filter_map(move |(place, latest)| {
                latest.of(s).map(|r| (place.clone(), r.makespan_ms()))
            })
        };
        let (lo, hi) = runs
            .iter()
            .flat_map(|r| [r.makespan_ms(), theory(r)])
            .chain(
                runs.iter()
                    .flat_map(|r| imported(r.strategy()).map(|(_, m)| m)),
            )
            .fold((f64::MAX, 0.0_f64), |(lo, hi), v| {
                (if v > 0.0 { lo.min(v) } else { lo }, hi.max(v))
            });
        let x = x_scale(lo.min(hi).max(0.01), hi.max(0.02), true);
        let band = (H - BOTTOM - TOP) / runs.len() as f64;
        let y = Scale::linear(0.0, 1.0, 0.0, 1.0);
        let bars = runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let s = r.strategy();
                let (m, t, vs) = (r.makespan_ms(), theory(r), library.vs_baseline(r));
                let others: Vec<(String, f64)> = imported(s).collect();
                let y0 = TOP + band * i as f64 + band * 0.25;
                let h = band * if others.is_empty() { 0.5 } else { 0.3 };
                let (x0, xm, xt) = (LEFT, x.px(m.max(x.lo)), x.px(t.max(x.lo)));
                let thin = (band * 0.45 - h) / others.len().max(1) as f64;
                let others = others
                    .into_iter()
                    .enumerate()
                    .map(|(k, (place, m))| {
                        let yk = y0 + h + 1.0 + thin * k as f64;
                        let xk = x.px(m.max(x.lo));
                        // The place up to its build ("CPython 3.11.7, GIL"): the rest is in the
                        // results table's group. After the bar where it fits (7 px type is about
                        // 3.6 px a character), else ending at the plot's right edge.
                        let short: Vec<&str> = place.splitn(3, ", ").take(2).collect();
                        let text = format!("{}: {}", short.join(", "), format::ms(m));
                        let long = xk + 3.0 + 3.6 * text.chars().count() as f64 > W - RIGHT;
                        view! {
                            <g class="imported">
                                <rect x=x0 y=yk width=(xk - x0).max(1.0) height=(thin - 1.0).max(1.0)></rect>
                                <text class="place" x=if long { W - RIGHT } else { xk + 3.0 } y=yk + thin - 1.0
                                    text-anchor=if long { "end" } else { "start" }
                                >{text}</text>
                            </g>
                        }
                    })
                    .collect_view();
                view! {
                    <g class=format!("bar s{}", s.index())>
                        <rect x=x0 y=y0 width=(xm - x0).max(1.0) height=h></rect>
                        <line class="theory" x1=xt y1=y0 - 4.0 x2=xt y2=y0 + h + 4.0></line>
                        <text x=x0 + 4.0 y=y0 - 3.0>{format!("{}: {} (theory {}){}", s.label(), format::ms(m), format::ms(t), vs.map_or(String::new(), |d| format!(" · {d} vs baseline")))}</text>
                        {others}
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg viewBox=format!("0 0 {W} {H}") class="chart" role="img" aria-label="Makespan per strategy, measured bars and theory marks, log scale; imported runs as thinner outlined bars under each, with where they were measured">
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
