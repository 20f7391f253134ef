//! Memory per task: bytes per pending task against the task count, log-log, for a sleeping
//! task and an Async strategy task, beside CPython's sleeping coroutine and the bench's target.

use leptos::prelude::*;

use crate::model::charts::polyline;
use crate::model::format;
use crate::model::memory::{self, CPYTHON_COROUTINE_BYTES, CPYTHON_REFERENCE, SWEEP, TaskMemory};
use crate::ui::charts::frame::{H, LEFT, RIGHT, W, axes, short, x_scale, y_scale};

/// Bytes per pending task against the task count, log-log, beside CPython's coroutine and
/// the articles' figure.
#[component]
pub fn MemoryChart(
    tasks: RwSignal<Vec<TaskMemory>>,
    strategy: RwSignal<Vec<TaskMemory>>,
) -> impl IntoView {
    let points = |v: &[TaskMemory]| -> Vec<(f64, f64)> {
        v.iter()
            .map(|m| (f64::from(m.tasks), m.bytes_per_task()))
            .filter(|p| p.1 > 0.0)
            .collect()
    };
    let chart = move || {
        let series = [
            (tasks.with(|v| points(v)), "series s1", "a sleeping task"),
            (
                strategy.with(|v| points(v)),
                "series s2",
                "an Async strategy task",
            ),
        ];
        {
            let all = series.iter().flat_map(|s| s.0.iter().map(|p| p.1));
            let lo = all.clone().fold(CPYTHON_COROUTINE_BYTES, f64::min);
            let hi = all.fold(CPYTHON_COROUTINE_BYTES, f64::max);
            let (x, y) = (
                x_scale(1.0, f64::from(*SWEEP.last().unwrap_or(&1)), true),
                y_scale(lo.min(memory::TARGET_BYTES_PER_TASK) * 0.9, hi * 1.1, true),
            );
            let reference = |bytes: f64, class: &'static str, label: &'static str| {
                let py = y.px(bytes);
                view! {
                    <g class=class>
                        <line x1=LEFT y1=py x2=W - RIGHT y2=py></line>
                        <text x=W - RIGHT - 2.0 y=py - 3.0 text-anchor="end">{label}</text>
                    </g>
                }
            };
            view! {
                <svg viewBox=format!("0 0 {W} {H}") class="chart" role="img"
                    aria-label="Bytes per pending async task against the number of tasks, log-log, beside CPython's sleeping coroutine and the bench's target">
                    {axes(x, y, "pending tasks (log)", "bytes per task (log)", short, short)}
                    {reference(CPYTHON_COROUTINE_BYTES, "ref cpython", "CPython: 1.24 KB per sleeping coroutine")}
                    {reference(memory::TARGET_BYTES_PER_TASK, "ref target", "target: 124 B (10x less)")}
                    {series.into_iter().map(|(pts, class, what)| view! {
                        <g class=class>
                            <polyline points=polyline(pts.iter().map(|&(n, b)| (x.px(n), y.px(b))))></polyline>
                            {pts.iter().map(|&(n, b)| view! {
                                <circle cx=x.px(n) cy=y.px(b) r=3.0>
                                    <title>{format!("{} tasks: {} each for {what} (measured)", format::count(n as u64), format::bytes(b))}</title>
                                </circle>
                            }).collect_view()}
                        </g>
                    }).collect_view()}
                </svg>
            }
        }
    };
    view! {
        <div class="chart-panel" data-testid="memory-chart" data-points=move || tasks.with(|v| v.len().to_string())>
            <h3 class="sub">"Bytes per pending async task"</h3>
            {chart}
            <p class="chart-legend" aria-hidden="true">
                <span class="k s1">"a sleeping task"</span>
                <span class="k s2">"an Async strategy task"</span>
                <span class="k ref-k">{CPYTHON_REFERENCE}</span>
                <span class="muted">"· at small counts the scheduler's fixed cost is shared by few tasks"</span>
            </p>
        </div>
    }
}
