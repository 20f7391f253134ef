//! The history of runs in this browser and the baseline: every finished run (without its task
//! records: their figures) in `localStorage`, one line each as `model::persist` writes them,
//! bounded by `model::history`; one of them pinned as the baseline the results and the
//! makespan chart compare with.

use std::sync::Arc;

use leptos::prelude::*;

use super::state::AppState;
use crate::model::embed::summary;
use crate::model::format;
use crate::model::history::{self, KEPT_RUNS};
use crate::model::params::FormText;
use crate::model::persist;
use crate::model::record::RunRecord;
use crate::runtime::storage::{self, Area};

/// `localStorage` keys.
const HISTORY_KEY: &str = "avt-history";
const BASELINE_KEY: &str = "avt-baseline";

impl AppState {
    /// Reads the history and the baseline this browser kept (at start-up).
    pub fn load_history(self) {
        let (runs, skipped) = storage::get(Area::Local, HISTORY_KEY)
            .map(|text| persist::decode_runs(&text))
            .unwrap_or_default();
        let runs: Vec<Arc<RunRecord>> = runs.into_iter().map(Arc::new).collect();
        let pinned = storage::get(Area::Local, BASELINE_KEY).and_then(|v| v.parse::<f64>().ok());
        self.baseline
            .set(pinned.and_then(|at| runs.iter().find(|r| r.head.started_at_ms == at).cloned()));
        self.history.set(runs);
        if skipped > 0 {
            self.notices.update(|n| {
                n.push(format!(
                    "{skipped} runs of this browser's history could not be read (written by a newer version of the page?) and are left out."
                ))
            });
        }
    }

    /// Adds a finished run to the history, in memory and in storage.
    pub(super) fn remember(self, run: &RunRecord) {
        let text = storage::get(Area::Local, HISTORY_KEY).unwrap_or_default();
        let text = history::append(&text, &persist::encode_runs(&[run]));
        let kept = text.lines().count();
        // Said once, and not in the compact view (it has no history; a blog's frame is often
        // refused storage).
        if let Err(e) = storage::put(Area::Local, HISTORY_KEY, &text)
            && !self.view.embed
        {
            let notice = format!("Runs are not kept in the history after a reload: {e}.");
            self.notices.update(|n| {
                if !n.contains(&notice) {
                    n.push(notice);
                }
            });
        }
        self.history.update(|h| {
            h.push(Arc::new(run.without_details()));
            let over = h.len().saturating_sub(kept);
            h.drain(..over);
        });
        // A baseline that left the history is no longer pinned.
        if let Some(b) = self.baseline.get_untracked()
            && !self.history.with_untracked(|h| {
                h.iter()
                    .any(|r| r.head.started_at_ms == b.head.started_at_ms)
            })
        {
            self.pin(None);
        }
    }

    /// Pins `run` as the baseline, or unpins with `None`.
    pub fn pin(self, run: Option<Arc<RunRecord>>) {
        match &run {
            Some(r) => {
                let _ = storage::put(Area::Local, BASELINE_KEY, &r.head.started_at_ms.to_string());
            }
            None => storage::remove(Area::Local, BASELINE_KEY),
        }
        self.baseline.set(run);
    }

    /// Forgets the history and the baseline.
    pub fn clear_history(self) {
        storage::remove(Area::Local, HISTORY_KEY);
        self.pin(None);
        self.history.set(Vec::new());
    }

    /// `run`'s makespan against the baseline's (`−38%`), when both are complete runs and
    /// `run` is not the baseline itself (reactive).
    pub fn vs_baseline(self, run: &RunRecord) -> Option<String> {
        self.baseline.with(|b| {
            let b = b
                .as_ref()
                .filter(|b| b.is_complete() && b.makespan_ms() > 0.0)?;
            (run.is_complete() && run.head.started_at_ms != b.head.started_at_ms)
                .then(|| format::delta_pct(run.makespan_ms(), b.makespan_ms()))
        })
    }
}

/// The history's table: newest first, each run with its change against the baseline and a
/// button to pin it; Clear.
#[component]
pub fn History() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        let baseline_at = state
            .baseline
            .with(|b| b.as_ref().map(|b| b.head.started_at_ms));
        state
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
                    state.vs_baseline(&run).unwrap_or_else(|| "–".into())
                };
                let params = run.head.params;
                let pin = run.clone();
                view! {
                    <tr data-testid="history-row" data-strategy=run.strategy().key() data-pinned=pinned.to_string()>
                        <td data-label="When">{if run.head.started_at_ms > 0.0 { format::date_time(run.head.started_at_ms) } else { "–".into() }}</td>
                        <td data-label="Run">{summary(&run.head.params)}</td>
                        <td data-label="Makespan" data-value=run.makespan_ms().to_string()>{makespan}</td>
                        <td data-label="vs baseline" data-testid="history-change">{change}</td>
                        <td class="actions">
                            <button type="button" class="quiet" aria-pressed=pinned.to_string()
                                data-testid="history-pin"
                                on:click=move |_| state.pin((!pinned).then(|| pin.clone()))
                            >{if pinned { "Unpin" } else { "Pin as baseline" }}</button>
                            <button type="button" class="quiet" data-testid="history-load"
                                title="Load this run's experiment into the form"
                                on:click=move |_| state.form.set(FormText::from_params(&params))
                            >"Load"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="muted">
            {format!("Every run in this browser, newest first: the last {KEPT_RUNS}, kept across reloads in this browser's storage with their figures but not their task records (export a run to keep those). Pin one as the baseline: the results and the makespan chart then show each run's change against it.")}
        </p>
        <Show
            when=move || state.history.with(|h| !h.is_empty())
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
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <button type="button" class="quiet" data-testid="history-clear" on:click=move |_| state.clear_history()>
                "Clear history"
            </button>
        </Show>
    }
}
