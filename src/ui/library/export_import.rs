//! Export and import: the timeline's run or the last Run all as JSON (every record, to import
//! again), CSV (a row per task segment) or a Chrome trace (Perfetto); a saved JSON file, picked
//! or dropped (the page's, or the Python twin's), shown beside this browser's runs, or instead
//! of them until a run or "Back".

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::page::caps::browser_name;
use crate::model::page::report;
use crate::model::run::record::RunRecord;
use crate::model::store::export::{self, Environment};
use crate::runtime::{caps, clock, files};
use crate::ui::state::{Experiment, Library, Page, PoolState, PoolView, Runner, TimelineRun, part};

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

/// The runs `scope` names, if there are any.
fn scoped(library: Library, timeline: TimelineRun, scope: Scope) -> Vec<Arc<RunRecord>> {
    match scope {
        Scope::ThisRun => timeline
            .with_untracked(|l| l.run().cloned())
            .into_iter()
            .collect(),
        Scope::RunAll => library.last_run_all.get_untracked(),
    }
}

/// Where this page measures, as an export records it.
pub fn environment(page: Page, pool: PoolState) -> Environment {
    Environment {
        browser: browser_name(&caps::user_agent()),
        cores: page.caps.cores,
        pool: pool.view.with_untracked(PoolView::workers),
        isolated: page.caps.cross_origin_isolated,
        build: page.caps.build().into(),
    }
}

/// The export buttons and the import field.
#[component]
pub fn ExportImport() -> impl IntoView {
    let (library, timeline) = (part::<Library>(), part::<TimelineRun>());
    let (runner, experiment) = (part::<Runner>(), part::<Experiment>());
    let (page, pool) = (part::<Page>(), part::<PoolState>());
    let scope = RwSignal::new(Scope::ThisRun);
    let status = RwSignal::new(None::<(bool, String)>);
    let dragging = RwSignal::new(false);
    let beside = RwSignal::new(true);
    let available = move |s: Scope| match s {
        Scope::ThisRun => timeline.with(|l| l.run().is_some()),
        Scope::RunAll => library.last_run_all.with(|r| !r.is_empty()),
    };
    let save = move |format: usize| {
        let runs = scoped(library, timeline, scope.get_untracked());
        if runs.is_empty() {
            return;
        }
        let (_, ext, mime, _) = FORMATS[format];
        let at = clock::now_ms();
        let refs: Vec<&RunRecord> = runs.iter().map(|r| r.as_ref()).collect();
        let name = export::file_name(&refs, at, ext);
        let env = environment(page, pool);
        status.set(Some((true, format!("Writing {name}…"))));
        let pool_free = runner.running.get_untracked().is_none();
        leptos::task::spawn_local(async move {
            // Written on a worker: a run of 100,000 tasks took the main thread 0.9 s.
            let written = files::off_main(
                move || {
                    let refs: Vec<&RunRecord> = runs.iter().map(|r| r.as_ref()).collect();
                    let mut chunks = Vec::new();
                    let out = &mut |chunk| chunks.push(chunk);
                    match format {
                        0 => export::json::write(&env, at, &refs, out),
                        1 => export::csv::write(&refs, out),
                        _ => export::trace::write(&refs, out),
                    }
                    chunks
                },
                pool_free,
            )
            .await;
            let done = match written {
                Ok(chunks) => files::download_written(&name, mime, chunks).await,
                Err(e) => Err(e),
            };
            status.set(Some(match done {
                Ok(()) => (true, format!("Saved {name}.")),
                Err(e) => (false, format!("The file could not be made: {e}.")),
            }));
        });
    };
    let open = move |file: Option<web_sys::File>| {
        let Some(file) = file else { return };
        if runner.running.get_untracked().is_some() {
            status.set(Some((
                false,
                "Wait for the run to end before importing.".into(),
            )));
            return;
        }
        let name = file.name();
        status.set(Some((true, format!("Reading {name}…"))));
        leptos::task::spawn_local(async move {
            // Read on a worker: a file of 100,000 tasks took the main thread 0.8 s to parse.
            let read = match files::read(file).await {
                Ok(bytes) => files::off_main(
                    move || {
                        let text = export::text_of(bytes)?;
                        export::json::decode(&text).map(|e| (e, report::imported_verdicts(&text)))
                    },
                    true,
                )
                .await
                .and_then(|r| r),
                Err(e) => Err(e),
            };
            status.set(Some(match read {
                Ok((e, _)) if e.runs.is_empty() => (false, format!("{name} holds no runs.")),
                Ok((e, verdicts)) if beside.get_untracked() => {
                    let n = e.runs.len();
                    match library.show_beside(e) {
                        Some((label, form)) => {
                            experiment.form.set(form);
                            // The twin's verdicts on the claims it judges on measurements of
                            // its own come in the same file.
                            let verdicts = match verdicts {
                                Ok(v) if v.is_empty() => String::new(),
                                Ok(v) => {
                                    let k = v.len();
                                    library.show_verdicts_beside(&label, v);
                                    format!(", and its verdicts on {k} claims (in Claims)")
                                }
                                Err(why) => format!(" ({why})"),
                            };
                            (
                                true,
                                format!("Added {name} beside this browser's runs: {n} runs measured in {label}{verdicts}; nothing was run here."),
                            )
                        }
                        None => (false, format!("{name} holds no runs.")),
                    }
                }
                Ok((e, _)) => {
                    let n = e.runs.len();
                    if let Some(form) = library.show_import(e) {
                        experiment.form.set(form);
                    }
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
        Scope::ThisRun => timeline.with(|l| match l.run() {
            Some(r) => format!("the timeline's run ({})", r.strategy().label()),
            None => "the timeline's run (none yet)".into(),
        }),
        Scope::RunAll => format!(
            "the last Run all ({} runs)",
            library.last_run_all.with(Vec::len)
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
                "Import a saved JSON export (this page's, or your Python's from the twin below): drop it here, or "
                <input type="file" accept=".json,application/json" data-testid="import-file"
                    on:change=move |ev| {
                        let input = event_target::<web_sys::HtmlInputElement>(&ev);
                        open(input.files().and_then(|f| f.get(0)));
                        input.set_value("");
                    }
                />
            </label>
            <label class="check">
                <input type="checkbox" data-testid="import-beside" prop:checked=move || beside.get()
                    on:change=move |ev| beside.set(event_target_checked(&ev))
                />
                " beside this browser's runs (else instead of them), grouped by where they were measured"
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
