//! The task view of a run with more tasks than pixel rows: tasks bucketed into rows, each cell
//! shaded by the share of its row's tasks waiting or computing then (`model::timeline::density`).
//! One image per repaint, whatever the number of tasks; hover reads a cell's shares.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::model::format;
use crate::model::timeline::LABEL_W;
use crate::model::timeline::density::{Density, MAX_ROWS, ROW_H, density, frame};
use crate::runtime::canvas::{self, Look};
use crate::runtime::clock;
use crate::ui::state::{TimelineRun, part};

/// What the canvas shows, so an unchanged run is not aggregated again.
#[derive(Clone, PartialEq)]
struct Key {
    records: usize,
    span_ms: f64,
    width: f64,
    look: Look,
    running: bool,
}

/// How often the view repaints while a run goes, ms.
const LIVE_REPAINT_MS: f64 = 1_000.0;

/// The aggregated task view.
#[component]
pub fn TaskDensity() -> impl IntoView {
    let timeline = part::<TimelineRun>();
    let canvas_ref = NodeRef::<Canvas>::new();
    let resized = RwSignal::new(0u32);
    let rows = RwSignal::new(0usize);
    let detail = RwSignal::new(None::<String>);
    let shown = StoredValue::new_local(None::<(Key, Density, f64, f64)>);

    Effect::new(move |_| {
        timeline.track();
        resized.track();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let width = canvas::css_width(&canvas);
        timeline.with_untracked(|live| {
            let key = Key {
                records: live.records().len(),
                span_ms: live.span_ms,
                width,
                look: canvas::look(),
                running: live.running,
            };
            let now = clock::now_ms();
            // While a run goes, every repaint takes CPU from its workers: once a second.
            let fresh = shown.with_value(|s| {
                s.as_ref().is_some_and(|(k, _, _, at)| {
                    *k == key || key.running && k.running && now - at < LIVE_REPAINT_MS
                })
            });
            if fresh {
                return;
            }
            let cols = (width - LABEL_W).max(10.0) as usize;
            let d = density(live.records(), live.tasks, live.span_ms, cols, MAX_ROWS);
            let layout = frame(&d, live.span_ms, width);
            canvas::paint_density(&canvas, &d, &layout, &canvas::theme(&canvas));
            rows.set(d.rows);
            shown.set_value(Some((key, d, live.span_ms, now)));
        });
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));

    let hover = move |ev: leptos::ev::MouseEvent| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let tasks = timeline.with_untracked(|l| l.tasks);
        let text = shown.with_value(|s| {
            let (_, d, span_ms, _) = s.as_ref()?;
            let (r, c) = ((y / ROW_H) as usize, (x - LABEL_W).floor());
            if r >= d.rows || c < 0.0 || c as usize >= d.cols {
                return None;
            }
            let (wait, cpu) = d.at(r, c as usize);
            let (first, last) = d.row_tasks(r, tasks);
            Some(format!(
                "Tasks {} to {} at {}: {:.0}% waiting, {:.0}% computing",
                format::count(u64::from(first)),
                format::count(u64::from(last)),
                format::ms(c / d.cols as f64 * span_ms),
                wait * 100.0,
                cpu * 100.0
            ))
        });
        detail.set(text);
    };

    view! {
        <canvas
            node_ref=canvas_ref
            class="tasks density"
            role="img"
            data-testid="timeline-density"
            data-rows=move || rows.get().to_string()
            aria-label="Tasks in rows of many: the darker a cell, the more of the row's tasks were waiting or computing then"
            on:mousemove=hover
            on:mouseleave=move |_| detail.set(None)
        ></canvas>
        <p class="detail" aria-live="polite" data-testid="timeline-density-detail">{move || detail.get()}</p>
    }
}
