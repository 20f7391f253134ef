//! Deadlock: two tasks, two locks; the watchdog's finding (who holds which lock and waits
//! for which), how the run was stopped, and that the pool still works.

use leptos::prelude::*;

use crate::model::demos::deadlock::{
    Ending, HOLD_MS, Order, ROUNDS, STALL_MS, check_times, verdict,
};
use crate::model::format;
use crate::runtime::demos::deadlock::{self, Config, DeadlockRun};
use crate::ui::demos::{DemoChoice, DemoField, RunButton, Side, ThreadsNote, field_text, start};

const ID: &str = "deadlock";

/// The deadlock demo.
#[component]
pub fn DeadlockDemo() -> impl IntoView {
    let hold = field_text(HOLD_MS);
    let stall = field_text(STALL_MS);
    let rounds = field_text(ROUNDS);
    let order = RwSignal::new(Order::Opposite.key());
    let parsed = Memo::new(move |_| -> Result<Config, String> {
        let quiet = |_| String::new();
        let cfg = Config {
            order: Order::from_key(order.get()).unwrap_or(Order::Opposite),
            hold_ms: HOLD_MS.parse(&hold.get()).map_err(quiet)?,
            stall_ms: STALL_MS.parse(&stall.get()).map_err(quiet)?,
            rounds: ROUNDS.parse(&rounds.get()).map_err(quiet)?,
        };
        check_times(cfg.hold_ms, cfg.stall_ms).map(|()| cfg)
    });
    let result = RwSignal::new(None::<(u32, Result<DeadlockRun, String>, DeadlockRun)>);
    let run = move || {
        let Ok(cfg) = parsed.get_untracked() else {
            return;
        };
        start(ID, async move {
            let threads = deadlock::run_threads(cfg).await;
            let asyn = deadlock::run_async(cfg).await;
            result.set(Some((cfg.rounds, threads, asyn)));
        });
    };
    view! {
        <article class="demo" data-testid="demo-deadlock">
            <h3 class="sub">"Deadlock"</h3>
            <p class="muted">
                "Two tasks each take " <code>"lock_a"</code> " and " <code>"lock_b"</code>
                ", holding the first a while before asking for the second. In opposite orders each ends up holding one lock and waiting for the other. "
                "A watchdog stops the run once no task has made progress for a while, and reads from the locks who holds what."
            </p>
            <form class="params demo-params" on:submit=|ev| ev.prevent_default()>
                <DemoChoice id=ID key="order" label="Task 2 takes" options=Order::ALL.map(|o| (o.key(), o.label())).to_vec() value=order hint="task 1 takes lock_a first" />
                <DemoField id=ID key="hold" bound=HOLD_MS text=hold />
                <DemoField id=ID key="stall" bound=STALL_MS text=stall />
                <DemoField id=ID key="rounds" bound=ROUNDS text=rounds />
                {move || parsed.get().err().filter(|e| !e.is_empty()).map(|e| view! { <p class="warning" data-testid="error-deadlock-times">{e}</p> })}
            </form>
            <RunButton id=ID label=Signal::derive(|| "Run".to_string()) invalid=Signal::derive(move || parsed.get().is_err()) on_run=run />
            {move || result.get().map(|(rounds, threads, asyn)| {
                let sentence = verdict(threads.as_ref().ok().map(|t| &t.ending), &asyn.ending, rounds);
                view! {
                    <div class="sides">
                        <Side title="Threads (threading.Lock)" body=threads.map(|r| ending_view("threads", r)) />
                        <Side title="Async (asyncio.Lock)" body=Ok(ending_view("async", asyn)) />
                    </div>
                    <p class="verdict" data-testid="deadlock-verdict">{sentence}</p>
                }
            })}
            <ThreadsNote />
        </article>
    }
}

/// One model's ending: the watchdog's finding and how the run was stopped.
fn ending_view(model: &'static str, r: DeadlockRun) -> AnyView {
    let (kind, head, lines) = match &r.ending {
        Ending::Completed { ms } => (
            "completed",
            format!("Finished in {}: no deadlock.", format::ms(*ms)),
            Vec::new(),
        ),
        Ending::Stopped {
            snapshot,
            stalled_ms,
        } => (
            "stopped",
            format!(
                "{} after {} without progress.",
                if snapshot.cycle().is_some() {
                    "Deadlock detected"
                } else {
                    "Stalled (no cycle)"
                },
                format::ms(*stalled_ms)
            ),
            snapshot.describe(),
        ),
    };
    let cycle = matches!(&r.ending, Ending::Stopped { snapshot, .. } if snapshot.cycle().is_some());
    let after = r.returned_ms.map(|ms| {
        let who = if model == "threads" {
            "both workers returned"
        } else {
            "both tasks were dropped"
        };
        let pool = r
            .pool_job_ms
            .map(|p| format!("; the pool then ran a job in {}", format::ms(p)))
            .unwrap_or_default();
        let free = if r.locks_free {
            "; both locks are free"
        } else {
            "; a lock is still held"
        };
        format!("Stopped: {who} in {}{pool}{free}.", format::ms(ms))
    });
    view! {
        <p class="figures" data-testid=format!("deadlock-{model}") data-ending=kind data-cycle=if cycle { "yes" } else { "no" }>
            <strong>{head}</strong>
        </p>
        <ul class="holds">
            {lines.into_iter().map(|l| view! { <li data-testid=format!("deadlock-{model}-holds")>{l}</li> }).collect_view()}
        </ul>
        {after.map(|a| view! { <p class="hint" data-testid=format!("deadlock-{model}-after")>{a}</p> })}
    }
    .into_any()
}
