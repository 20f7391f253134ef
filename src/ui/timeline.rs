//! The timeline: who ran where and when, drawn live from the run's records.
//!
//! A lane per executor (the main thread and each worker) and, for small runs, a row per task.
//! Redrawn once per progress report (at most 10 times a second), on canvas so 10,000 tasks
//! stay smooth. Hover or keyboard focus shows one task's details; a data table (lane, task,
//! start, end) is the accessible alternative.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::state::{AppState, LiveRun};
use crate::model::format;
use crate::model::params::Strategy;
use crate::model::record::{Lane, TaskRecord};
use crate::model::timeline::{self, Layout, OpenTask};
use crate::runtime::canvas;

/// Rows the data table renders at most.
const TABLE_MAX: usize = 10_000;

fn describe(r: &TaskRecord) -> String {
    format!(
        "Task {} on the {} · start {} · end {} · CPU {} · waiting {}",
        r.task,
        r.lane,
        format::ms(r.start_ms),
        format::ms(r.end_ms),
        format::ms(r.cpu_ms),
        format::ms(r.wait_ms)
    )
}

fn describe_open(o: &OpenTask, now: f64) -> String {
    format!(
        "Task {} on the {} · started {} · running for {}",
        o.task,
        o.lane,
        format::ms(o.start_ms),
        format::ms(now - o.start_ms)
    )
}

fn layouts(live: &LiveRun, width: f64) -> (Vec<Lane>, Layout, Option<Layout>) {
    let strategy = live.strategy.unwrap_or(Strategy::Async);
    let open: Vec<OpenTask> = live.open.values().copied().collect();
    let lanes = timeline::lanes(strategy, live.pool_size, live.records(), &open);
    let lane = timeline::lane_view(
        strategy,
        &lanes,
        live.records(),
        &open,
        live.elapsed_ms,
        live.span_ms,
        width,
    );
    let task = timeline::task_view(
        live.tasks,
        live.records(),
        &open,
        live.elapsed_ms,
        live.span_ms,
        width,
    );
    (lanes, lane, task)
}

/// The timeline panel.
#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lane_canvas = NodeRef::<Canvas>::new();
    let task_canvas = NodeRef::<Canvas>::new();
    let focused = RwSignal::new(None::<u32>);
    let detail = RwSignal::new(None::<String>);
    let lane_names = RwSignal::new(Vec::<String>::new());
    let has_run = RwSignal::new(false);
    let drawn_records = RwSignal::new(0usize);
    let resized = RwSignal::new(0u32);
    let drawn = StoredValue::new((None::<Layout>, None::<Layout>));

    // Redraw whenever the run changes, the focus moves or the window is resized.
    Effect::new(move |_| {
        state.live_version.track();
        resized.track();
        let focus = focused.get();
        let Some(lc) = lane_canvas.get() else { return };
        let theme = canvas::theme(&lc);
        let width = canvas::css_width(&lc);
        let (lanes, lane, task) = state.live.with_value(|l| layouts(l, width));
        has_run.set(state.live.with_value(|l| l.strategy.is_some()));
        drawn_records.set(state.live.with_value(|l| l.records().len()));
        let names: Vec<String> = lanes.iter().map(ToString::to_string).collect();
        if lane_names.with_untracked(|n| *n != names) {
            lane_names.set(names);
        }
        canvas::paint_timeline(&lc, &lane, &theme, focus);
        if let (Some(tc), Some(t)) = (task_canvas.get(), task.as_ref()) {
            canvas::paint_timeline(&tc, t, &theme, focus);
        }
        drawn.set_value((Some(lane), task));
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));

    let hover = move |ev: leptos::ev::MouseEvent, which: usize| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let task = drawn.with_value(|(l, t)| {
            if which == 0 { l.as_ref() } else { t.as_ref() }
                .and_then(|l| l.hit(x, y))
                .map(|r| r.task)
        });
        match task {
            Some(t) => show(state, t, focused, detail),
            None => detail.set(None),
        }
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let n = state.live.with_value(|l| l.tasks);
        if n == 0 {
            return;
        }
        let next = match (ev.key().as_str(), focused.get_untracked()) {
            ("ArrowRight" | "ArrowDown", Some(t)) => (t + 1).min(n - 1),
            ("ArrowLeft" | "ArrowUp", Some(t)) => t.saturating_sub(1),
            ("Home", _) => 0,
            ("End", _) => n - 1,
            ("ArrowRight" | "ArrowDown" | "ArrowLeft" | "ArrowUp", None) => 0,
            ("Escape", _) => {
                focused.set(None);
                detail.set(None);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        show(state, next, focused, detail);
    };

    let strategy_label = move || {
        state.live_version.track();
        state
            .live
            .with_value(|l| l.strategy.map(|s| (s, l.running)))
    };
    view! {
        <figure class="timeline" data-testid="timeline" data-lanes=move || lane_names.get().len().to_string()
            data-records=move || drawn_records.get().to_string()
            aria-labelledby="tl-caption"
        >
            <figcaption id="tl-caption">
                {move || match strategy_label() {
                    None => "Run an experiment to see who ran where and when.".to_string(),
                    Some((s, true)) => format!("{} run in progress: one lane per thread, segments appear as tasks start and end.", s.label()),
                    Some((s, false)) => format!("{} run: one lane per thread.{}", s.label(),
                        if s == Strategy::Async { " On the event loop, a lane shows who held the main thread; waits overlap in the task view." } else { "" }),
                }}
            </figcaption>
            <p class="legend" aria-hidden="true">
                <span class="sw cpu"></span>"computing"
                <span class="sw wait"></span>"waiting"
                <span class="sw open"></span>"running now"
                <span class="muted">"· colour = task · hover, or focus and use the arrow keys"</span>
            </p>
            <canvas
                node_ref=lane_canvas
                class="lanes"
                tabindex="0"
                role="img"
                data-testid="timeline-lanes"
                aria-label=move || format!("Timeline with {} lanes: {}. Use the arrow keys to step through tasks; the data table below lists them all.", lane_names.get().len(), lane_names.get().join(", "))
                on:mousemove=move |ev| hover(ev, 0)
                on:mouseleave=move |_| detail.set(None)
                on:keydown=keys
            ></canvas>
            <p class="detail" aria-live="polite" data-testid="timeline-detail">{move || detail.get()}</p>
            <Show when=move || { state.live_version.track(); state.live.with_value(|l| l.strategy.is_some() && l.tasks as usize <= timeline::TASK_VIEW_MAX) }>
                <h3 class="sub">"Tasks (one row each)"</h3>
                <canvas
                    node_ref=task_canvas
                    class="tasks"
                    role="img"
                    aria-label="One row per task: waiting and computing over time"
                    on:mousemove=move |ev| hover(ev, 1)
                    on:mouseleave=move |_| detail.set(None)
                ></canvas>
            </Show>
            <Show when=move || has_run.get()>
                <DataTable />
            </Show>
        </figure>
    }
}

fn show(
    state: AppState,
    task: u32,
    focused: RwSignal<Option<u32>>,
    detail: RwSignal<Option<String>>,
) {
    let text = state.live.with_value(|l| {
        l.records()
            .iter()
            .find(|r| r.task == task)
            .map(describe)
            .or_else(|| l.open.get(&task).map(|o| describe_open(o, l.elapsed_ms)))
            .unwrap_or_else(|| format!("Task {task} has not started yet"))
    });
    focused.set(Some(task));
    detail.set(Some(text));
}

/// The accessible alternative: every task's lane, start and end (built when opened, once the
/// run has ended).
#[component]
fn DataTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let rows = move || {
        state.live_version.track();
        if !open.get() {
            return None;
        }
        let (running, mut records) = state.live.with_value(|l| (l.running, l.records().to_vec()));
        if running {
            return Some(
                view! { <p class="muted">"The table fills in when the run ends."</p> }.into_any(),
            );
        }
        records.sort_by_key(|r| r.task);
        let total = records.len();
        records.truncate(TABLE_MAX);
        let note = (total > TABLE_MAX).then(|| {
            format!(
                "The first {} of {} tasks.",
                format::count(TABLE_MAX as u64),
                format::count(total as u64)
            )
        });
        Some(
            view! {
                {note.map(|n| view! { <p class="muted">{n}</p> })}
                <table class="data" data-testid="timeline-table">
                    <thead>
                        <tr>
                            <th scope="col">"Lane"</th>
                            <th scope="col">"Task"</th>
                            <th scope="col">"Start"</th>
                            <th scope="col">"End"</th>
                            <th scope="col">"CPU"</th>
                            <th scope="col">"Waiting"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {records
                            .into_iter()
                            .map(|r| view! {
                                <tr>
                                    <td>{r.lane.to_string()}</td>
                                    <td>{r.task}</td>
                                    <td>{format::ms(r.start_ms)}</td>
                                    <td>{format::ms(r.end_ms)}</td>
                                    <td>{format::ms(r.cpu_ms)}</td>
                                    <td>{format::ms(r.wait_ms)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        )
    };
    view! {
        <details class="table-alt" on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary data-testid="timeline-table-toggle">"Data table: lane, task, start, end"</summary>
            <div class="table-wrap">{rows}</div>
        </details>
    }
}
