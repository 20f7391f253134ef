//! Start, follow and cancel a sweep.

use leptos::prelude::*;

use crate::ui::state::{Experiment, PoolState, Runner, SweepKind, part};

/// A sweep button, with a progress bar and Cancel while that sweep runs.
#[component]
pub fn SweepControls(kind: SweepKind, label: Signal<String>) -> impl IntoView {
    let (runner, experiment) = (part::<Runner>(), part::<Experiment>());
    let pool = part::<PoolState>();
    let mine = move || runner.sweep.get().filter(|s| s.kind == kind);
    let testid = match kind {
        SweepKind::Speedup => "sweep-speedup",
        SweepKind::Growth => "sweep-growth",
    };
    view! {
        <div class="sweep">
            <button
                type="button"
                data-testid=testid
                disabled=move || runner.running.with(Option::is_some) || !experiment.checked.with(|c| c.is_valid()) || pool.calibration.with(Option::is_none)
                on:click=move |_| runner.sweep(kind)
            >
                {move || label.get()}
            </button>
            {move || mine().map(|s| view! {
                <progress max=s.total.to_string() value=s.done.to_string()></progress>
                <span class="muted">{format!("{} of {} runs", s.done, s.total)}</span>
                <button type="button" class="quiet" on:click=move |_| runner.cancel()>"Cancel"</button>
            })}
        </div>
    }
}
