//! The timeline: who ran where and when, drawn live from the run's records.
//!
//! A lane per executor (the main thread and each worker) and, for small runs, a row per task;
//! larger runs get their tasks in rows of many (`ui::timeline::density`). The replay, the rows of
//! many and the data table come with the `extras` chunk (`ui::lazy`), once the page is ready.
//! On canvas, so 10,000 tasks stay smooth: each progress report (at most 10 a second) paints
//! only the records that arrived since the last one. Hover or keyboard focus shows one task's
//! details; a data table (lane, task, start, end) is the accessible alternative.

pub mod choice;
pub mod density;
pub mod replay;
pub mod table;

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::model::experiment::params::Strategy;
use crate::model::format;
use crate::model::run::record::TaskRecord;
use crate::model::timeline::{self, Layout, OpenTask, Rect, View};
use crate::runtime::canvas::{self, Look, Theme};
use crate::ui::lazy::{LazyDataTable, LazyReplay, LazyRunChoice, LazyTaskDensity};
use crate::ui::state::{LiveRun, Page, TimelineRun, part};

fn describe(r: &TaskRecord, python: bool) -> String {
    format!(
        "Task {} on the {} · start {} · end {} · CPU {} · waiting {}",
        r.task,
        r.lane.name(python),
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

/// One view as painted. The records' rectangles, with the rows and the axis, are painted once
/// each on a canvas kept off the page; every report copies it to the page's canvas and paints
/// over it what changes each time (the running tasks, the focus outline).
#[derive(Default)]
struct Painted {
    below: Option<HtmlCanvasElement>,
    view: Option<View>,
    look: Look,
    theme: Option<Theme>,
    /// The painted records' rectangles, then the running tasks' (what hit-testing searches).
    layout: Layout,
    closed: usize,
    /// How many records are painted, and the run's clock and state when they were.
    cursor: usize,
    elapsed_ms: f64,
    running: bool,
    focus: Option<u32>,
    /// The focused task's painted rectangles.
    outlined: Vec<Rect>,
}

impl Painted {
    /// Whether `live` is the run painted: a run's records only grow and its clock only moves on.
    fn same_run(&self, live: &LiveRun) -> bool {
        self.view.is_some()
            && live.elapsed_ms >= self.elapsed_ms
            && live.records().len() >= self.cursor
    }

    /// The records not painted yet.
    fn new_records<'a>(&self, live: &'a LiveRun) -> &'a [TaskRecord] {
        let from = if self.same_run(live) { self.cursor } else { 0 };
        &live.records()[from..]
    }

    /// The axis span for `live`: grown in steps while it runs, exact once it has ended.
    fn span_ms(&self, live: &LiveRun) -> f64 {
        match &self.view {
            Some(v) if live.running && self.same_run(live) => {
                timeline::grown_span(v.span_ms(), live.span_ms)
            }
            _ => live.span_ms,
        }
    }

    /// Paints `live` in `view` on `canvas`: only the new records when nothing else changed.
    fn paint(
        &mut self,
        canvas: &HtmlCanvasElement,
        view: View,
        live: &LiveRun,
        open: &[OpenTask],
        focus: Option<u32>,
        playhead: Option<f64>,
    ) {
        let Some(below) = self.below.take().or_else(canvas::offscreen) else {
            return;
        };
        let look = canvas::look();
        let records = live.records();
        let new = self.new_records(live);
        let anew = new.len() == records.len()
            || self.view.as_ref() != Some(&view)
            || self.look != look
            || self.running != live.running;
        let theme = match self.theme.take() {
            Some(theme) if !anew => theme,
            _ => canvas::theme(canvas),
        };
        self.layout.rects.truncate(self.closed);
        let mut first_new = self.layout.rects.len();
        if anew {
            self.layout = view.frame();
            view.push_rects(records, &mut self.layout.rects);
            canvas::paint_timeline(&below, &self.layout, &theme);
        } else {
            view.push_rects(new, &mut self.layout.rects);
            canvas::paint_rects(&below, &self.layout.rects[first_new..], &theme);
        }
        if anew || focus != self.focus {
            self.outlined.clear();
            first_new = 0;
        }
        self.outlined.extend(
            self.layout.rects[first_new..]
                .iter()
                .filter(|r| Some(r.task) == focus),
        );
        self.closed = self.layout.rects.len();
        view.push_open(open, live.elapsed_ms, &mut self.layout.rects);
        let running = &self.layout.rects[self.closed..];
        canvas::paint_over(
            canvas,
            &below,
            &self.layout,
            running,
            self.outlined
                .iter()
                .chain(running.iter().filter(|r| Some(r.task) == focus)),
            playhead.map(|t| view.playhead_x(t)),
            &theme,
        );
        self.below = Some(below);
        self.view = Some(view);
        self.look = look;
        self.theme = Some(theme);
        self.cursor = records.len();
        self.elapsed_ms = live.elapsed_ms;
        self.running = live.running;
        self.focus = focus;
    }
}

/// The timeline panel.
#[component]
pub fn Timeline() -> impl IntoView {
    let timeline = part::<TimelineRun>();
    let lane_canvas = NodeRef::<Canvas>::new();
    let task_canvas = NodeRef::<Canvas>::new();
    let focused = RwSignal::new(None::<u32>);
    let detail = RwSignal::new(None::<String>);
    let lane_names = RwSignal::new(Vec::<String>::new());
    let has_run = RwSignal::new(false);
    let drawn_records = RwSignal::new(0usize);
    let resized = RwSignal::new(0u32);
    let lanes_painted = StoredValue::new_local(Painted::default());
    let tasks_painted = StoredValue::new_local(Painted::default());

    // Paints whenever the run changes, the focus moves or the window is resized.
    Effect::new(move |_| {
        timeline.track();
        resized.track();
        let focus = focused.get();
        let playhead = timeline.playhead.get();
        let Some(lc) = lane_canvas.get() else { return };
        let tc = task_canvas.get();
        let width = canvas::css_width(&lc);
        timeline.with_untracked(|live| {
            let strategy = live.strategy.unwrap_or(Strategy::Async);
            let open: Vec<OpenTask> = live.open.values().copied().collect();
            lanes_painted.update_value(|p| {
                let known = match &p.view {
                    Some(v) if p.same_run(live) => v.lane_list(),
                    _ => &[],
                };
                let lanes =
                    timeline::lanes(strategy, live.workers, known, p.new_records(live), &open);
                // A run the Python twin measured names its lanes as Python's threads.
                let python = live.in_python();
                let names: Vec<String> = lanes.iter().map(|l| l.name(python)).collect();
                if lane_names.with_untracked(|n| *n != names) {
                    lane_names.set(names);
                }
                let view = View::lanes(strategy, lanes, p.span_ms(live), width);
                let view = if python { view.in_python() } else { view };
                p.paint(&lc, view, live, &open, focus, playhead);
            });
            tasks_painted.update_value(|p| match &tc {
                Some(tc) => {
                    if let Some(view) = View::tasks(live.tasks, p.span_ms(live), width) {
                        p.paint(tc, view, live, &open, focus, playhead);
                    }
                }
                // A canvas mounted later starts blank.
                None => *p = Painted::default(),
            });
            has_run.set(live.strategy.is_some());
            drawn_records.set(live.records().len());
        });
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));

    let hover = move |ev: leptos::ev::MouseEvent, which: usize| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let painted = if which == 0 {
            lanes_painted
        } else {
            tasks_painted
        };
        let task = painted.with_value(|p| p.layout.hit(x, y).map(|r| r.task));
        match task {
            Some(t) => show(timeline, t, focused, detail),
            None => detail.set(None),
        }
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let n = timeline.with_untracked(|l| l.tasks);
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
        show(timeline, next, focused, detail);
    };

    let strategy_label = move || timeline.with(|l| l.strategy.map(|s| (s, l.running)));
    let page = part::<Page>();
    // Where the drawn run was measured, when the Python twin measured it.
    let measured_in = move || {
        timeline.with(|l| {
            let run = l.run().filter(|_| l.in_python())?;
            run.head
                .environment
                .as_ref()
                .map(|e| e.label(run.head.cores))
        })
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
                    Some((s, false)) if measured_in().is_some() => format!(
                        "{} run in {} (imported): one lane per thread or process of the Python twin; its GIL waits are inside the compute bars, since CPython does not expose them.",
                        s.label(),
                        measured_in().unwrap_or_default()
                    ),
                    Some((s, false)) => format!("{} run: one lane per thread.{}", s.label(),
                        match s {
                            Strategy::Async => " On the event loop, a lane shows who held the main thread; waits overlap in the task view.",
                            Strategy::Executor => " The event loop hands each computation to a worker of the executor; waits overlap in the task view.",
                            Strategy::Processes => " Each process is a worker with a wasm instance of its own; a lane starts when its process is ready.",
                            _ => "",
                        }),
                }}
            </figcaption>
            <LazyRunChoice />
            {move || strategy_label().filter(|_| !page.view.embed).map(|(s, _)| view! {
                <button type="button" class="link" data-testid="timeline-code" on:click=move |_| page.show_code(s)>
                    {format!("Show the code of {}", s.label())}
                </button>
            })}
            <p class="legend" aria-hidden="true">
                <span class="sw cpu"></span>"computing"
                <span class="sw wait"></span>"waiting"
                <span class="sw open"></span>"running now"
                <Show when=move || strategy_label().is_some_and(|(s, _)| s == Strategy::Gil) && measured_in().is_none()>
                    <span class="sw lock"></span>"waiting for the GIL"
                </Show>
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
            <LazyReplay />
            <Show when=move || { timeline.with(|l| l.strategy.is_some() && l.tasks as usize <= timeline::TASK_VIEW_MAX) }>
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
            <Show when=move || { timeline.with(|l| l.strategy.is_some() && l.tasks as usize > timeline::TASK_VIEW_MAX) }>
                <h3 class="sub">"Tasks (in rows of many: the darker, the more of the row's tasks waiting or computing)"</h3>
                <LazyTaskDensity />
            </Show>
            <Show when=move || has_run.get()>
                <LazyDataTable />
            </Show>
        </figure>
    }
}

fn show(
    timeline: TimelineRun,
    task: u32,
    focused: RwSignal<Option<u32>>,
    detail: RwSignal<Option<String>>,
) {
    let text = timeline.with_untracked(|l| {
        l.records()
            .iter()
            .find(|r| r.task == task)
            .map(|r| describe(r, l.in_python()))
            .or_else(|| l.open.get(&task).map(|o| describe_open(o, l.elapsed_ms)))
            .unwrap_or_else(|| format!("Task {task} has not started yet"))
    });
    focused.set(Some(task));
    detail.set(Some(text));
}
