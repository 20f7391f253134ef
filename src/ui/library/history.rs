//! The history of runs in this browser and the baseline: every finished run (its figures) in
//! `localStorage`, one line each as `model::store::persist` writes them, bounded by
//! `model::store::history`, and the task records of the newest runs in IndexedDB
//! ([`StoredRecords`]), to draw them again; one of them pinned as the baseline the results and
//! the makespan chart compare with.

use leptos::prelude::*;

use crate::model::experiment::params::FormText;
use crate::model::format;
use crate::model::store::history::{KEPT_RUNS, STORED_BYTES};
use crate::ui::library::stored::StoredRecords;
use crate::ui::state::{Experiment, Library, Runner, part};

/// The history's table: newest first, each run with its change against the baseline, its kept
/// records' size and a button to draw them, and a button to pin it; Clear.
#[component]
pub fn History() -> impl IntoView {
    let (library, experiment, runner) = (part::<Library>(), part::<Experiment>(), part::<Runner>());
    let stored = StoredRecords::follow();
    // The rows hold no reactive closures of their own: rebuilt whole when anything they show
    // changes, so that nothing of an old row outlives it (closures in each row, rebuilt with
    // the table after every run, kept 300 allocations a run in the soak).
    let rows = move || {
        let busy = runner.busy();
        let drawn = stored.drawn.get();
        let baseline_at = library
            .baseline
            .with(|b| b.as_ref().map(|b| b.head.started_at_ms));
        library
            .history
            .get()
            .into_iter()
            .rev()
            .map(|run| {
                let pinned = baseline_at == Some(run.head.started_at_ms);
                let makespan = if run.is_complete() {
                    format::ms(run.makespan_ms())
                } else {
                    format!("{} after {} tasks", run.head.outcome.key(), run.digest.summary.tasks_done)
                };
                let change = if pinned {
                    "baseline".to_string()
                } else {
                    library.vs_baseline(&run).unwrap_or_else(|| "–".into())
                };
                let params = run.head.params;
                let pin = run.clone();
                let at = run.head.started_at_ms;
                let records = stored.bytes_of(at);
                view! {
                    <tr data-testid="history-row" data-strategy=run.strategy().key() data-pinned=pinned.to_string()
                        data-drawn=(drawn == Some(at)).to_string()
                    >
                        <td data-label="When">{if run.head.started_at_ms > 0.0 { format::date_time(run.head.started_at_ms) } else { "–".into() }}</td>
                        <td data-label="Run">
                            {run.head.params.summary()}
                            {run.head.environment.as_ref().map(|e| view! {
                                <span class="explain" data-testid="history-env">{format!("imported: {}", e.label(run.head.cores))}</span>
                            })}
                        </td>
                        <td data-label="Makespan" data-value=run.makespan_ms().to_string()>{makespan}</td>
                        <td data-label="vs baseline" data-testid="history-change">{change}</td>
                        <td data-label="Records" data-testid="history-records" data-value=records.map(|b| b.to_string())>
                            {records.map_or_else(|| "–".to_string(), |b| format::bytes(b as f64))}
                        </td>
                        <td class="actions">
                            {records.map(|_| view! {
                                <button type="button" class="quiet" data-testid="history-draw"
                                    title="Draw this run's task records on the timeline, to replay or export them"
                                    disabled=busy
                                    on:click=move |_| stored.draw(at)
                                >"Draw"</button>
                            })}
                            <button type="button" class="quiet" aria-pressed=pinned.to_string()
                                data-testid="history-pin"
                                on:click=move |_| library.pin((!pinned).then(|| pin.clone()))
                            >{if pinned { "Unpin" } else { "Pin as baseline" }}</button>
                            <button type="button" class="quiet" data-testid="history-load"
                                title="Load this run's experiment into the form"
                                on:click=move |_| experiment.form.set(FormText::from_params(&params))
                            >"Load"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="muted">
            {format!("Every run in this browser (and runs imported beside them, with where they were measured), newest first: the last {KEPT_RUNS}, kept across reloads in this browser's storage with their figures, and the newest with their task records too, within {} (a run's at most a third of it), to draw, replay and export again. Pin one as the baseline: the results and the makespan chart then show each run's change against it.", format::bytes(STORED_BYTES as f64))}
        </p>
        <p class="muted" data-testid="history-kept"
            data-runs=move || stored.kept.with(Vec::len).to_string()
            data-bytes=move || stored.kept.with(|k| k.iter().map(|(_, b)| b).sum::<usize>()).to_string()
        >
            {move || stored.kept.with(|k| format!(
                "Task records kept: {} of {} runs, {} of {}.",
                k.len(),
                library.history.with(Vec::len),
                format::bytes(k.iter().map(|(_, b)| *b as f64).sum()),
                format::bytes(STORED_BYTES as f64)
            ))}
        </p>
        <p role="status" data-testid="history-status" class=move || match stored.status.get() { Some((false, _)) => "error", _ => "muted" }>
            {move || stored.status.get().map(|(_, s)| s)}
        </p>
        <Show
            when=move || library.history.with(|h| !h.is_empty())
            fallback=|| view! { <p class="muted empty" data-testid="history-empty">"No runs yet."</p> }
        >
            <div class="table-wrap history-wrap" tabindex="0" role="region" aria-label="History of runs">
                <table class="data history" data-testid="history">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Run"</th>
                            <th scope="col">"Makespan"</th>
                            <th scope="col">"vs baseline"</th>
                            <th scope="col">"Records"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <button type="button" class="quiet" data-testid="history-clear" on:click=move |_| {
                library.clear_history();
                stored.clear();
            }>
                "Clear history"
            </button>
        </Show>
    }
}
