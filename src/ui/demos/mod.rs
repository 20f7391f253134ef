//! The "Interleaving and shared state" section: four small demos, each running one program as
//! async tasks and as threads, side by side. What they share is here: the section, a field
//! with its bound, and the rule that one demo runs at a time and never during an experiment.

pub mod deadlock;
pub mod interleave;
pub mod queue;
pub mod race;

use leptos::prelude::*;

use crate::model::demos::Bound;
use crate::ui::demos::deadlock::DeadlockDemo;
use crate::ui::demos::interleave::InterleaveDemo;
use crate::ui::demos::queue::QueueDemo;
use crate::ui::demos::race::RaceDemo;
use crate::ui::state::{PoolState, PoolView, Runner, part};

/// How many demo runs have ended (shared by the section's demos; the count is for tests,
/// which wait for it to move). Which one is running is the runner's `measuring`.
#[derive(Debug, Clone, Copy)]
pub struct DemoBusy {
    ended: RwSignal<u32>,
}

/// The section.
#[component]
pub fn Demos() -> impl IntoView {
    let busy = DemoBusy {
        ended: RwSignal::new(0),
    };
    provide_context(busy);
    view! {
        <section class="panel wide" aria-labelledby="h-demos" data-testid="demos" data-ended=move || busy.ended.get()>
            <h2 id="h-demos">"Interleaving and shared state"</h2>
            <p class="muted intro">
                "The articles' small programs, run here as async tasks on the event loop and as threads on the worker pool. "
                "Every figure is measured by the run you start."
            </p>
            <div class="demos">
                <InterleaveDemo />
                <RaceDemo />
                <QueueDemo />
                <DeadlockDemo />
            </div>
        </section>
    }
}

/// Why a demo cannot start now, if it cannot (reactive): an experiment, a sweep or another
/// demo is running.
pub fn blocked(id: &'static str) -> Option<String> {
    let runner = part::<Runner>();
    if runner.running.with(Option::is_some) {
        Some("an experiment is running".into())
    } else if runner.sweep.with(Option::is_some) {
        Some("a sweep is running".into())
    } else {
        runner
            .measuring
            .get()
            .filter(|other| *other != id)
            .map(|_| "another demo or measurement is running".into())
    }
}

/// Why the threads half cannot run now, if it cannot (reactive); the async half always can.
pub fn threads_unavailable() -> Option<String> {
    let pool = part::<PoolState>();
    match pool.view.get() {
        PoolView::Ready { workers, .. } if workers >= 2 => None,
        PoolView::Ready { workers, .. } => Some(format!(
            "threads need 2 workers at once; the pool has {workers}"
        )),
        PoolView::Starting { .. } => Some("the thread pool is still starting".into()),
        PoolView::Unavailable(why) => Some(format!("threads are unavailable: {why}")),
        PoolView::Failed { why, .. } => Some(format!("the thread pool failed ({why}); restart it")),
    }
}

/// Why the threads half cannot run, under a demo, while it cannot.
#[component]
pub fn ThreadsNote() -> impl IntoView {
    move || {
        threads_unavailable().map(|why| view! { <p class="muted">{format!("Threads: {why}.")}</p> })
    }
}

/// One model's half of a demo's results: `body`, or why it did not run.
#[component]
pub fn Side(title: &'static str, body: Result<AnyView, String>) -> impl IntoView {
    view! {
        <div class="side">
            <h4>{title}</h4>
            {match body {
                Ok(body) => body,
                Err(why) => view! { <p class="error">{format!("Did not run: {why}.")}</p> }.into_any(),
            }}
        </div>
    }
}

/// How long a demo waits after its Run is pressed before it starts, in ms: the page repaints
/// the buttons first, so the repaint (tens of ms on a slow machine) does not land inside the
/// first async run, which shares the main thread with it.
const SETTLE_MS: f64 = 50.0;

/// Runs `job` as demo `id`: marks the section busy until it ends.
pub fn start(id: &'static str, job: impl std::future::Future<Output = ()> + 'static) {
    let busy = expect_context::<DemoBusy>();
    let runner = part::<Runner>();
    runner.measuring.set(Some(id));
    leptos::task::spawn_local(async move {
        crate::runtime::timer::sleep(SETTLE_MS).await;
        job.await;
        runner.measuring.set(None);
        busy.ended.update(|n| *n += 1);
    });
}

/// The Run button of demo `id`, with why it is disabled.
#[component]
pub fn RunButton(
    id: &'static str,
    label: Signal<String>,
    /// A parameter problem, if any.
    invalid: Signal<bool>,
    on_run: impl Fn() + 'static,
) -> impl IntoView {
    let runner = part::<Runner>();
    let running = move || runner.measuring.get() == Some(id);
    let why = move || blocked(id);
    view! {
        <div class="buttons demo-run">
            <button
                type="button"
                class="primary"
                data-testid=format!("{id}-run")
                data-state=move || if running() { "running" } else { "idle" }
                disabled=move || running() || invalid.get() || why().is_some()
                on:click=move |_| on_run()
            >
                {move || if running() { "Running…".to_string() } else { label.get() }}
            </button>
            <span class="muted" role="status">{move || if running() { None } else { why().map(|w| format!("Waiting: {w}.")) }}</span>
        </div>
    }
}

/// A whole-number field of demo `id` with its bound's hint and message.
#[component]
pub fn DemoField(
    id: &'static str,
    key: &'static str,
    bound: Bound,
    text: RwSignal<String>,
) -> impl IntoView {
    let field = format!("{id}-{key}");
    let err = move || text.with(|t| bound.parse(t).err());
    view! {
        <div class="field" class:invalid=move || err().is_some()>
            <label for=format!("f-{field}")>{bound.label}</label>
            <input
                id=format!("f-{field}")
                type="text"
                inputmode="numeric"
                autocomplete="off"
                data-testid=format!("field-{field}")
                aria-invalid=move || if err().is_some() { "true" } else { "false" }
                aria-describedby=format!("err-{field}")
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <p class="hint">{bound.range()}</p>
            <p class="error" id=format!("err-{field}") data-testid=format!("error-{field}") aria-live="polite">{err}</p>
        </div>
    }
}

/// A choice of demo `id` among `options` (key, label).
#[component]
pub fn DemoChoice(
    id: &'static str,
    key: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    value: RwSignal<&'static str>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let field = format!("{id}-{key}");
    let keys: Vec<&'static str> = options.iter().map(|o| o.0).collect();
    view! {
        <div class="field">
            <label for=format!("f-{field}")>{label}</label>
            <select
                id=format!("f-{field}")
                data-testid=format!("field-{field}")
                prop:value=move || value.get()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(k) = keys.iter().find(|k| **k == v) {
                        value.set(k);
                    }
                }
            >
                {options.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
            </select>
            <p class="hint">{hint}</p>
        </div>
    }
}

/// The text signal of a field, starting at its bound's default.
pub fn field_text(bound: Bound) -> RwSignal<String> {
    RwSignal::new(bound.default.to_string())
}
