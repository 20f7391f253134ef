//! Speedup against the number of worker threads: measured points, the ideal line, and the
//! Amdahl curve fitted to the points.

use leptos::prelude::*;

use crate::model::charts::{amdahl, fit_serial_fraction, polyline};
use crate::ui::charts::frame::{H, LEFT, TOP, W, axes, short, x_scale, y_scale};
use crate::ui::charts::sweep_controls::SweepControls;
use crate::ui::state::{PoolState, Runner, SweepKind, part};

/// The speedup sweep's chart and controls.
#[component]
pub fn SpeedupChart() -> impl IntoView {
    let (pool, runner) = (part::<PoolState>(), part::<Runner>());
    let chart = move || {
        let (_, pts) = runner.speedup_points.get();
        let base = pts.iter().find(|p| p.threads == 1).map(|p| p.makespan_ms);
        let measured: Vec<(f64, f64)> = match base {
            Some(t1) => pts
                .iter()
                .filter(|p| p.makespan_ms > 0.0)
                .map(|p| (f64::from(p.threads), t1 / p.makespan_ms))
                .collect(),
            None => Vec::new(),
        };
        if measured.is_empty() {
            return view! { <p class="muted empty">"Sweep the threads strategy over 1 to the pool's size on this workload."</p> }.into_any();
        }
        let n_max = measured.iter().map(|p| p.0).fold(2.0, f64::max);
        let s_max = measured.iter().map(|p| p.1).fold(n_max, f64::max);
        let (x, y) = (
            x_scale(1.0, n_max, false),
            y_scale(0.0, s_max.ceil(), false),
        );
        let fit = fit_serial_fraction(&measured);
        let curve = fit.map(|s| {
            polyline(
                (0..=40)
                    .map(|i| 1.0 + (n_max - 1.0) * f64::from(i) / 40.0)
                    .map(|n| (x.px(n), y.px(amdahl(s, n)))),
            )
        });
        let points = measured
            .iter()
            .map(|&(n, s)| view! { <circle class="pt" cx=x.px(n) cy=y.px(s) r=3.5><title>{format!("{n} threads: {s:.2}×")}</title></circle> })
            .collect_view();
        view! {
            <svg viewBox=format!("0 0 {W} {H}") class="chart" role="img" aria-label="Speedup against threads with the ideal line and a fitted Amdahl curve">
                {axes(x, y, "worker threads", "speedup vs 1 thread", short, short)}
                <line class="ideal" x1=x.px(1.0) y1=y.px(1.0) x2=x.px(n_max) y2=y.px(n_max.min(s_max.ceil()))></line>
                {curve.map(|c| view! { <polyline class="amdahl" points=c></polyline> })}
                {points}
                <text class="note" x=LEFT + 6.0 y=TOP + 10.0>
                    {match fit {
                        Some(s) => format!("Amdahl fit: serial fraction {:.1}% · dashed: ideal", s * 100.0),
                        None => "dashed: ideal".to_string(),
                    }}
                </text>
            </svg>
        }
        .into_any()
    };
    view! {
        <div class="chart-panel" data-testid="chart-speedup" data-points=move || runner.speedup_points.with(|(_, p)| p.len().to_string())>
            <h3 class="sub">"Speedup vs threads"</h3>
            {chart}
            <SweepControls kind=SweepKind::Speedup label=Signal::derive(move || format!("Sweep 1–{} threads", pool.workers())) />
        </div>
    }
}
