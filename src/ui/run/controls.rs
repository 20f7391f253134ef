//! Choosing a strategy, running, cancelling, and the progress of the run in progress.

use leptos::prelude::*;

use crate::model::experiment::params::{Field, Strategy};
use crate::model::format;
use crate::ui::run::pool_restart::PoolRestart;
use crate::ui::state::{Experiment, Runner, part};

/// Strategy choice (unless `without_choice`: the compact view has it under Edit), Run /
/// Run all / Cancel, progress.
#[component]
pub fn Controls(#[prop(optional)] without_choice: bool) -> impl IntoView {
    let experiment = part::<Experiment>();
    let runner = part::<Runner>();
    let selected = Memo::new(move |_| experiment.checked.with(|c| c.params.strategy));
    let busy = move || runner.running.with(Option::is_some);
    let any_runnable = move || Strategy::ALL.iter().any(|s| runner.can_run(*s).is_ok());
    view! {
        <div class="controls" data-testid="controls" data-state=move || if busy() { "running" } else { "idle" }>
            {(!without_choice).then(StrategyChoice)}
            <div class="buttons">
                <button
                    type="button"
                    class="primary"
                    data-testid="run"
                    disabled=move || busy() || runner.can_run(selected.get()).is_err()
                    on:click=move |_| runner.run(vec![selected.get_untracked()])
                >
                    {move || format!("Run {}", selected.get().label())}
                </button>
                <button
                    type="button"
                    data-testid="run-all"
                    title="Every strategy, one after another, on the same workload"
                    disabled=move || busy() || !any_runnable()
                    on:click=move |_| runner.run(Strategy::ALL.to_vec())
                >
                    "Run all"
                </button>
                <button type="button" data-testid="cancel" disabled=move || !busy() on:click=move |_| runner.cancel()>
                    "Cancel"
                </button>
            </div>
            <RunProgress />
            <PoolRestart />
            {move || runner.run_error.get().map(|e| view! {
                <p class="error" role="alert" data-testid="run-error" data-report-ms=e.report_ms.map(|ms| format!("{ms:.1}"))>
                    {e.text}
                    {e.report_ms.map(|ms| view! { <span class="muted">{format!(" (reported {} after it happened)", format::ms(ms))}</span> })}
                </p>
            })}
        </div>
    }
}

/// The strategy Run runs, each with the reason it cannot run now, if any.
#[component]
pub fn StrategyChoice() -> impl IntoView {
    let experiment = part::<Experiment>();
    let runner = part::<Runner>();
    let selected = Memo::new(move |_| experiment.checked.with(|c| c.params.strategy));
    view! {
    <fieldset class="strategies">
        <legend>"Strategy"</legend>
        {Strategy::ALL
            .map(|s| {
                view! {
                    <label class="strategy">
                        <input
                            type="radio"
                            name="strategy"
                            value=s.key()
                            data-testid=format!("strategy-{}", s.key())
                            prop:checked=move || selected.get() == s
                            on:change=move |_| experiment.form.update(|f| f.set(Field::Strategy, s.key()))
                        />
                        <span class="name">{s.label()}</span>
                        <span class="py">{format!("like {}", s.python_name())}</span>
                        <span class="why" data-testid=format!("gate-{}", s.key())>
                            {move || runner.can_run(s).err().map(|why| format!("Cannot run: {why}."))}
                        </span>
                    </label>
                }
            })
            .into_iter()
            .collect::<Vec<_>>()}
    </fieldset>
    }
}

/// Tasks done of total, elapsed time, for the run in progress.
#[component]
fn RunProgress() -> impl IntoView {
    let runner = part::<Runner>();
    move || {
        runner.running.get().map(|r| {
            view! {
                <div class="progress" data-testid="progress" role="status">
                    <progress max=r.total.to_string() value=r.done.to_string()></progress>
                    <span>
                        {format!(
                            "{}: {} of {} tasks · {}",
                            r.strategy.label(),
                            format::count(u64::from(r.done)),
                            format::count(u64::from(r.total)),
                            format::ms(r.elapsed_ms)
                        )}
                    </span>
                </div>
            }
        })
    }
}
