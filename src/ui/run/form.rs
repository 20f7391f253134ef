//! The parameter form: one field per parameter, each with its bounds and its message.

use leptos::prelude::*;

use crate::model::experiment::params::{
    CPU_BUDGET_MS, CPU_MS_MAX, FREEZE_MAX_MS, Field, IO_MS_MAX, JITTER_PCT_MAX, PROCESSES_MAX,
    Params, ROUNDS_MAX, SWITCH_MS_MAX, SWITCH_MS_MIN, TASKS_MAX_CPU, TASKS_MAX_IO, THREADS_MAX,
    Waits, Workload, YIELD_MAX,
};
use crate::model::format;
use crate::ui::state::{Experiment, PoolState, PoolView, part};

/// The experiment's parameters. Fields the workload does not use are hidden (and kept).
#[component]
pub fn ParamForm() -> impl IntoView {
    let experiment = part::<Experiment>();
    let workload = Memo::new(move |_| experiment.checked.with(|c| c.params.workload));
    view! {
        <form class="params" on:submit=|ev| ev.prevent_default()>
            <SelectField field=Field::Workload options=Workload::ALL.map(|w| (w.key(), w.label())).to_vec() />
            <NumberField
                field=Field::Tasks
                hint=format!("1 to {} for I/O, {} for CPU and mixed", format::count(TASKS_MAX_IO), format::count(TASKS_MAX_CPU))
            />
            <Show when=move || workload.get().waits()>
                <NumberField field=Field::IoMs hint=format!("ms per wait, 0 to {}", format::count(IO_MS_MAX)) />
                <JitterField />
                <SelectField field=Field::Waits options=Waits::ALL.map(|w| (w.key(), w.label())).to_vec() />
                <Warning
                    field=Field::Waits
                    testid="blocking-warning"
                    when=|p| p.blocking_waits()
                    text=format!(
                        "Blocking waits hold their thread: under sequential and async each freezes the page in turn (time.sleep in async def), on purpose, for at most {} s, and Cancel cannot be clicked. Async + executor hands them to its threads; threads and processes block their own.",
                        FREEZE_MAX_MS / 1000.0
                    )
                />
            </Show>
            <Show when=move || workload.get().computes()>
                <NumberField
                    field=Field::CpuMs
                    hint=format!("ms per computation, 0 to {}; at most {} ms of CPU per run", format::count(CPU_MS_MAX), format::count(CPU_BUDGET_MS))
                />
            </Show>
            <Show when=move || workload.get() == Workload::Mixed>
                <NumberField field=Field::Rounds hint=format!("(wait, compute) pairs per task, 1 to {ROUNDS_MAX}") />
            </Show>
            <NumberField
                field=Field::Threads
                hint=format!("threads for the threads strategies and the executor, or processes, 1 to {THREADS_MAX} (processes: {PROCESSES_MAX}); may exceed the cores")
            />
            <PoolOffer />
            <Show when=move || workload.get().computes()>
                <NumberField field=Field::YieldEveryMs hint=format!("computation slices of async and sequential runs, 0 to {YIELD_MAX} ms; 0 never yields") />
                <Warning
                    field=Field::YieldEveryMs
                    testid="yield-warning"
                    when=|p| p.yield_every_ms == 0
                    text="0 = never yield. An async or sequential run then computes every task without giving the event loop a turn: the page freezes until the run ends, on purpose (this is what “never block the event loop” warns about). Cancel cannot be clicked during the freeze.".to_string()
                />
                <NumberField
                    field=Field::SwitchMs
                    hint=format!("Threads + GIL: how long a thread computes before handing the GIL to a waiting one, {SWITCH_MS_MIN} to {SWITCH_MS_MAX} ms (CPython: 5)")
                />
            </Show>
            <NumberField field=Field::Seed hint="the same seed gives the same jitter on every device".to_string() />
        </form>
    }
}

fn field_error(experiment: Experiment, field: Field) -> Memo<Option<String>> {
    Memo::new(move |_| {
        experiment
            .checked
            .with(|c| c.error(field).map(str::to_owned))
    })
}

/// The message under a field, announced to screen readers when it appears.
#[component]
fn FieldMessage(field: Field) -> impl IntoView {
    let err = field_error(part::<Experiment>(), field);
    view! {
        <p class="error" id=format!("err-{}", field.key()) data-testid=format!("error-{}", field.key()) aria-live="polite">
            {move || err.get()}
        </p>
    }
}

/// A whole-number field. Typed text is kept as typed; the message says what is allowed.
#[component]
fn NumberField(field: Field, hint: String) -> impl IntoView {
    let experiment = part::<Experiment>();
    let err = field_error(experiment, field);
    let id = format!("f-{}", field.key());
    view! {
        <div class="field" class:invalid=move || err.with(Option::is_some)>
            <label for=id.clone()>{field.label()}</label>
            <input
                id=id
                type="text"
                inputmode="numeric"
                autocomplete="off"
                name=field.key()
                data-testid=format!("field-{}", field.key())
                aria-invalid=move || if err.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=format!("hint-{k} err-{k}", k = field.key())
                prop:value=move || experiment.form.with(|f| f.get(field).to_owned())
                on:input=move |ev| experiment.form.update(|f| f.set(field, event_target_value(&ev)))
            />
            <p class="hint" id=format!("hint-{}", field.key())>{hint}</p>
            <FieldMessage field=field />
        </div>
    }
}

/// A field chosen from `options`, each a key and a label.
#[component]
fn SelectField(field: Field, options: Vec<(&'static str, &'static str)>) -> impl IntoView {
    let experiment = part::<Experiment>();
    view! {
        <div class="field">
            <label for=format!("f-{}", field.key())>{field.label()}</label>
            <select
                id=format!("f-{}", field.key())
                data-testid=format!("field-{}", field.key())
                prop:value=move || experiment.form.with(|f| f.get(field).to_owned())
                on:change=move |ev| experiment.form.update(|f| f.set(field, event_target_value(&ev)))
            >
                {options.into_iter().map(|(key, label)| view! { <option value=key>{label}</option> }).collect::<Vec<_>>()}
            </select>
            <FieldMessage field=field />
        </div>
    }
}

/// Jitter: a kind, and for uniform jitter its width in percent.
#[component]
fn JitterField() -> impl IntoView {
    let experiment = part::<Experiment>();
    let text = move || experiment.form.with(|f| f.get(Field::Jitter).to_owned());
    let kind = move || {
        let t = text();
        if t.starts_with("uniform") {
            "uniform"
        } else if t == "none" || t.is_empty() {
            "none"
        } else {
            "tail"
        }
    };
    let pct = move || text().strip_prefix("uniform:").unwrap_or("20").to_owned();
    let set = move |s: String| experiment.form.update(|f| f.set(Field::Jitter, s));
    view! {
        <div class="field">
            <label for="f-jitter">{Field::Jitter.label()}</label>
            <div class="inline">
                <select
                    id="f-jitter"
                    data-testid="field-jitter"
                    prop:value=kind
                    on:change=move |ev| {
                        let k = event_target_value(&ev);
                        set(if k == "uniform" { format!("uniform:{}", pct()) } else { k });
                    }
                >
                    <option value="none">"none"</option>
                    <option value="uniform">"uniform ±%"</option>
                    <option value="tail">"long tail (exponential)"</option>
                </select>
                <Show when=move || kind() == "uniform">
                    <input
                        class="pct"
                        type="text"
                        inputmode="numeric"
                        aria-label="uniform jitter, percent"
                        data-testid="field-jitter-pct"
                        prop:value=pct
                        on:input=move |ev| set(format!("uniform:{}", event_target_value(&ev)))
                    />
                    <span>"%"</span>
                </Show>
            </div>
            <p class="hint">{format!("uniform: io_ms ± up to {JITTER_PCT_MAX}%; long tail: exponential, mean io_ms")}</p>
            <FieldMessage field=Field::Jitter />
        </div>
    }
}

/// Offers to restart with a larger pool when more threads are asked for than it has.
#[component]
fn PoolOffer() -> impl IntoView {
    let pool = part::<PoolState>();
    let experiment = part::<Experiment>();
    let offer = Memo::new(move |_| {
        let threads = experiment.checked.with(|c| c.params.threads);
        match pool.view.get() {
            PoolView::Ready { workers, took_ms } if threads > workers => {
                Some((threads, workers, took_ms))
            }
            _ => None,
        }
    });
    let restart = move |_| {
        if let Some((threads, ..)) = offer.get_untracked() {
            pool.restart(threads);
        }
    };
    move || {
        // The build without threads has no pool to restart: its code stays out of it.
        if cfg!(feature = "no-threads") {
            return None;
        }
        offer.get().map(|(threads, workers, took_ms)| {
            view! {
                <div class="offer" data-testid="pool-offer">
                    <p>
                        {format!(
                            "The pool has {workers} worker{}, so {threads} threads need a restart of the pool. This pool took {} to start here (measured), about {} per worker.",
                            if workers == 1 { "" } else { "s" },
                            format::ms(took_ms),
                            format::ms(took_ms / f64::from(workers.max(1)))
                        )}
                    </p>
                    <button type="button" data-testid="pool-restart" on:click=restart>
                        {format!("Restart with a pool of {threads}")}
                    </button>
                </div>
            }
        })
    }
}

/// A warning under `field` while the checked parameters are `when` (and the field is valid).
#[component]
fn Warning(
    field: Field,
    testid: &'static str,
    when: fn(&Params) -> bool,
    text: String,
) -> impl IntoView {
    let experiment = part::<Experiment>();
    let on = Memo::new(move |_| {
        experiment
            .checked
            .with(|c| c.error(field).is_none() && when(&c.params))
    });
    move || {
        on.get()
            .then(|| view! { <p class="warning" data-testid=testid>{text.clone()}</p> })
    }
}
