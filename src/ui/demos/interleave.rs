//! Interleaving: `do_first` and `do_second` log their steps; the last run's trace of each
//! model, where it differs from the run before, and how many distinct orders the runs logged.

use leptos::prelude::*;

use crate::model::demos::interleave::{
    RUNS, STEPS, Step, TASKS, differences, switches, tally, verdict,
};
use crate::model::demos::plural;
use crate::model::format;
use crate::runtime::demos::interleave::{self, Interleavings};
use crate::ui::demos::{DemoField, RunButton, Side, ThreadsNote, field_text, start};

const ID: &str = "interleave";

/// The interleaving demo.
#[component]
pub fn InterleaveDemo() -> impl IntoView {
    let steps = field_text(STEPS);
    let runs = field_text(RUNS);
    let parsed = Memo::new(move |_| {
        Some((
            STEPS.parse(&steps.get()).ok()?,
            RUNS.parse(&runs.get()).ok()?,
        ))
    });
    let result = RwSignal::new(None::<Interleavings>);
    let run = move || {
        let Some((s, n)) = parsed.get_untracked() else {
            return;
        };
        start(ID, async move {
            result.set(Some(interleave::run(s, n).await));
        });
    };
    let label = Signal::derive(move || {
        let n = parsed.get().map_or(0, |p| p.1);
        let again = if result.with(Option::is_some) {
            "Run again"
        } else {
            "Run"
        };
        format!("{again} ({})", plural(u64::from(n), "time", "times"))
    });
    view! {
        <article class="demo" data-testid="demo-interleave">
            <h3 class="sub">"Interleaving"</h3>
            <p class="muted">
                "Two tasks, " <code>"do_first"</code> " and " <code>"do_second"</code>
                ", each compute a little and log a step, over and over. Async tasks switch only at "
                <code>"await"</code> "; threads switch wherever the OS and the cores let them."
            </p>
            <form class="params demo-params" on:submit=|ev| ev.prevent_default()>
                <DemoField id=ID key="steps" bound=STEPS text=steps />
                <DemoField id=ID key="runs" bound=RUNS text=runs />
            </form>
            <RunButton id=ID label=label invalid=Signal::derive(move || parsed.get().is_none()) on_run=run />
            {move || result.get().map(|r| {
                let a = tally(&r.asyn);
                let t = r.threads.as_ref().ok().map(|t| tally(t));
                let sentence = verdict(&a, t.as_ref());
                view! {
                    <div class="sides">
                        <Side title="Async (asyncio)" body=Ok(trace_view("async", r.asyn.clone())) />
                        <Side title="Threads (threading)" body=r.threads.clone().map(|t| trace_view("threads", t)) />
                    </div>
                    <p class="hint">{format!("Each step computed for about {} (measured once on the main thread).", format::us(r.step_us))}</p>
                    <p class="verdict" data-testid="interleave-verdict">{sentence}</p>
                }
            })}
            <ThreadsNote />
        </article>
    }
}

/// One model's last trace, and how many distinct orders its runs logged.
fn trace_view(model: &'static str, runs: Vec<Vec<Step>>) -> AnyView {
    let last = runs.last().cloned().unwrap_or_default();
    let changed = match runs.len() {
        0 | 1 => vec![false; last.len()],
        n => differences(&last, &runs[n - 2]),
    };
    let order: String = last.iter().map(|s| char::from(b'0' + s.task)).collect();
    let t = tally(&runs);
    let n_changed = changed.iter().filter(|c| **c).count();
    view! {
        <p class="figures">
            <strong data-testid=format!("interleave-{model}-distinct") data-value=t.distinct>
                {plural(t.distinct as u64, "order", "distinct orders")}
            </strong>
            {format!(" in {}", plural(t.runs as u64, "run", "runs"))}
            <span class="muted">{format!(" · last run: {} switches", switches(&last))}</span>
        </p>
        <div
            class="trace"
            role="img"
            data-testid=format!("interleave-{model}-trace")
            data-order=order
            style:--cols=last.len().max(1).to_string()
            aria-label=describe(&last)
        >
            {TASKS.iter().enumerate().map(|(task, name)| view! {
                <span class="trace-name">{*name}</span>
                {last.iter().zip(&changed).map(|(s, c)| {
                    let mine = usize::from(s.task) == task;
                    view! {
                        <span class=format!("cell t{task}") class:on=mine class:changed=*c>
                            {mine.then(|| (s.step + 1).to_string())}
                        </span>
                    }
                }).collect_view()}
            }).collect_view()}
        </div>
        <p class="hint">
            {if runs.len() > 1 {
                format!("Outlined: {} of {} positions differ from the run before.", n_changed, last.len())
            } else {
                "Run more than once to compare runs.".to_string()
            }}
        </p>
    }
    .into_any()
}

/// The trace in words, for screen readers: `do_first 1, do_second 1, …`.
fn describe(trace: &[Step]) -> String {
    trace
        .iter()
        .map(|s| format!("{} {}", TASKS[usize::from(s.task)], s.step + 1))
        .collect::<Vec<_>>()
        .join(", ")
}
