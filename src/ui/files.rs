//! Export and import: the timeline's run or the last Run all as JSON (every record, to import
//! again), CSV (a row per task segment) or a Chrome trace (Perfetto); a saved JSON file, picked
//! or dropped, shown instead of this browser's runs until a run or "Back".

use std::sync::Arc;

use leptos::prelude::*;

use super::state::{AppState, LiveRun, PoolView};
use crate::model::export::{self, Environment, Export};
use crate::model::params::{FormText, Strategy};
use crate::model::record::RunRecord;
use crate::runtime::{caps, clock, files};

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The run on the timeline.
    ThisRun,
    /// Every strategy's run from the last Run all.
    RunAll,
}

/// The three formats: (button label, file extension, MIME type, test id).
const FORMATS: [(&str, &str, &str, &str); 3] = [
    ("JSON", "json", "application/json", "export-json"),
    ("CSV", "csv", "text/csv", "export-csv"),
    (
        "Trace (Perfetto)",
        "trace.json",
        "application/json",
        "export-trace",
    ),
];

impl AppState {
    /// The runs `scope` names, if there are any.
    fn scoped(self, scope: Scope) -> Vec<Arc<RunRecord>> {
        match scope {
            Scope::ThisRun => self
                .live
                .with_value(|l| l.finished.clone())
                .into_iter()
                .collect(),
            Scope::RunAll => self.last_run_all.get_untracked(),
        }
    }

    /// Where this page measures, as an export records it.
    fn environment(self) -> Environment {
        Environment {
            browser: crate::model::caps::browser_name(&caps::user_agent()),
            cores: self.caps.cores,
            pool: self.pool.with_untracked(PoolView::workers),
            isolated: self.caps.cross_origin_isolated,
            build: self.caps.build().into(),
        }
    }

    /// Shows an imported file's runs instead of this browser's (kept aside until a run or
    /// [`AppState::show_own_runs`]): the results, the last Run all when the file holds one
    /// run of every strategy, the timeline with its last run, and its experiment in the form.
    fn show_import(self, file: Export) {
        let label = export::label(&file.environment, file.exported_at_ms);
        let runs: Vec<Arc<RunRecord>> = file.runs.into_iter().map(Arc::new).collect();
        let Some(last) = runs.last().cloned() else {
            return;
        };
        if self.stashed.with_value(Option::is_none) {
            let own = (
                self.results.get_untracked(),
                self.last_run_all.get_untracked(),
            );
            self.stashed.set_value(Some(own));
        }
        let every_strategy = runs.len() == Strategy::ALL.len()
            && Strategy::ALL
                .iter()
                .all(|s| runs.iter().any(|r| r.strategy() == *s));
        self.form.set(FormText::from_params(&last.head.params));
        let run_all = if every_strategy {
            runs.clone()
        } else {
            Vec::new()
        };
        let timeline = LiveRun {
            strategy: Some(last.strategy()),
            workers: if last.strategy() == Strategy::Processes {
                last.head.params.threads
            } else {
                last.head.pool_size
            },
            tasks: last.head.params.tasks,
            span_ms: last.makespan_ms().max(1.0),
            finished: Some(last),
            ..LiveRun::default()
        };
        self.show_runs(runs, run_all, timeline);
        self.imported.set(Some(label));
    }

    /// Puts this browser's own runs back after an import (nothing when none is shown).
    pub fn show_own_runs(self) {
        let Some((results, run_all)) = self.stashed.try_update_value(Option::take).flatten() else {
            return;
        };
        self.imported.set(None);
        self.show_runs(results, run_all, LiveRun::default());
    }

    /// Shows `results`, `run_all` as the last Run all, and `timeline` on the timeline, with
    /// the replay's playhead cleared.
    fn show_runs(
        self,
        results: Vec<Arc<RunRecord>>,
        run_all: Vec<Arc<RunRecord>>,
        timeline: LiveRun,
    ) {
        self.results.set(results);
        self.last_run_all.set(run_all);
        self.playhead.set(None);
        self.live.set_value(timeline);
        self.live_version.update(|v| *v += 1);
    }
}

/// The export buttons and the import field.
#[component]
pub fn Files() -> impl IntoView {
    let state = expect_context::<AppState>();
    let scope = RwSignal::new(Scope::ThisRun);
    let status = RwSignal::new(None::<(bool, String)>);
    let dragging = RwSignal::new(false);
    let available = move |s: Scope| {
        state.live_version.track();
        match s {
            Scope::ThisRun => state.live.with_value(|l| l.finished.is_some()),
            Scope::RunAll => state.last_run_all.with(|r| !r.is_empty()),
        }
    };
    let save = move |format: usize| {
        let runs = state.scoped(scope.get_untracked());
        let refs: Vec<&RunRecord> = runs.iter().map(|r| r.as_ref()).collect();
        if refs.is_empty() {
            return;
        }
        let (_, ext, mime, _) = FORMATS[format];
        let at = clock::now_ms();
        let name = export::file_name(&refs, at, ext);
        let env = state.environment();
        let done = files::download(&name, mime, |out| match format {
            0 => export::json::write(&env, at, &refs, out),
            1 => export::csv::write(&refs, out),
            _ => export::trace::write(&refs, out),
        });
        status.set(Some(match done {
            Ok(()) => (true, format!("Saved {name}.")),
            Err(e) => (false, format!("The file could not be made: {e}.")),
        }));
    };
    let open = move |file: Option<web_sys::File>| {
        let Some(file) = file else { return };
        if state.running.get_untracked().is_some() {
            status.set(Some((
                false,
                "Wait for the run to end before importing.".into(),
            )));
            return;
        }
        let name = file.name();
        leptos::task::spawn_local(async move {
            let read = files::read(file)
                .await
                .and_then(|text| export::json::decode(&text));
            status.set(Some(match read {
                Ok(e) if e.runs.is_empty() => (false, format!("{name} holds no runs.")),
                Ok(e) => {
                    let n = e.runs.len();
                    state.show_import(e);
                    (
                        true,
                        format!("Showing {name}: {n} runs, measured elsewhere; nothing was run."),
                    )
                }
                Err(e) => (false, format!("{name} was not imported. {e}")),
            }));
        });
    };
    let scope_label = move |s: Scope| match s {
        Scope::ThisRun => state.live_version.with(|_| {
            state.live.with_value(|l| match l.finished.as_ref() {
                Some(r) => format!("the timeline's run ({})", r.strategy().label()),
                None => "the timeline's run (none yet)".into(),
            })
        }),
        Scope::RunAll => format!(
            "the last Run all ({} runs)",
            state.last_run_all.with(Vec::len)
        ),
    };
    view! {
        <div class="files">
            <div class="export" role="group" aria-labelledby="export-label">
                <span id="export-label">"Export "</span>
                <select data-testid="export-scope" aria-label="What to export"
                    on:change=move |ev| scope.set(if event_target_value(&ev) == "all" { Scope::RunAll } else { Scope::ThisRun })
                >
                    <option value="run" selected=move || scope.get() == Scope::ThisRun>{move || scope_label(Scope::ThisRun)}</option>
                    <option value="all" disabled=move || !available(Scope::RunAll)>{move || scope_label(Scope::RunAll)}</option>
                </select>
                {FORMATS
                    .iter()
                    .enumerate()
                    .map(|(i, (label, _, _, id))| view! {
                        <button type="button" data-testid=*id disabled=move || !available(scope.get())
                            on:click=move |_| save(i)
                        >{*label}</button>
                    })
                    .collect::<Vec<_>>()}
            </div>
            <label class="drop" class:over=move || dragging.get() data-testid="import-drop"
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(false);
                    open(ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)));
                }
            >
                "Import a saved JSON export: drop it here, or "
                <input type="file" accept=".json,application/json" data-testid="import-file"
                    on:change=move |ev| {
                        let input = event_target::<web_sys::HtmlInputElement>(&ev);
                        open(input.files().and_then(|f| f.get(0)));
                        input.set_value("");
                    }
                />
            </label>
            <p role="status" data-testid="files-status" class=move || match status.get() { Some((false, _)) => "error", _ => "muted" }>
                {move || status.get().map(|(_, s)| s)}
            </p>
            <p class="muted">
                "JSON keeps every task record and imports here again; CSV has a row per task segment; "
                "the trace opens in Perfetto (ui.perfetto.dev: Open trace file) or chrome://tracing, a process per run and a thread per lane."
            </p>
        </div>
    }
}
