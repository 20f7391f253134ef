//! The results table: measured figures beside theory, one row per strategy; imported runs
//! of the same experiment beside them, a group per place they were measured (the Python
//! twin's CPython, another browser), each with its speedup against its own sequential run.

pub mod beside;
pub mod imported;
pub mod insights;

use leptos::prelude::*;

use crate::model::experiment::params::Strategy;
use crate::model::experiment::theory::expected;
use crate::model::format;
use crate::ui::state::{Experiment, Library, Page, part};
use std::sync::Arc;

use crate::model::run::record::{Lane, LatestRuns, RunEnvironment, RunRecord};
use crate::ui::lazy::LazyBesideResults;

/// One row per strategy for the current parameters: theory always, measurements once run;
/// imported runs of the same experiment below them ([`beside::BesideResults`]).
#[component]
pub fn Results() -> impl IntoView {
    let (experiment, library) = (part::<Experiment>(), part::<Library>());
    let rows = move || {
        let runs = library.latest(&experiment.params());
        group(experiment, library, runs, "", None)
    };
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Results table">
            <table class="results" data-testid="results">
                <thead>
                    <tr>
                        <th scope="col">"Strategy"</th>
                        {COLUMNS.map(|(_, label)| view! { <th scope="col">{label}</th> }).into_iter().collect::<Vec<_>>()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <LazyBesideResults />
            </table>
        </div>
        <p class="note">
            "Latency is from submission (all tasks are submitted at the start) to completion. "
            "Stalls and lag come from a 10 ms probe timer on the main thread (in CPython, on its asyncio loop); a frame is missed when "
            "requestAnimationFrame could not run for a 16.7 ms frame. Speedup uses the measured sequential run of the same workload, in the same place."
        </p>
    }
}

/// A row per strategy of `runs`, each strategy's latest run of the experiment: `prefix`
/// keeps an imported group's test ids apart; `env`, where they were measured when that was
/// not here.
pub(crate) fn group(
    experiment: Experiment,
    library: Library,
    runs: LatestRuns<Arc<RunRecord>>,
    prefix: &str,
    env: Option<RunEnvironment>,
) -> impl IntoView + use<> {
    let sequential = runs
        .sequential()
        .filter(|r| r.is_complete())
        .map(|r| r.makespan_ms());
    runs.iter()
        .map(|(s, run)| {
            // Imported runs' theory is for the cores they had.
            let theory = match (&env, run) {
                (Some(_), Some(r)) => expected(s, &r.head.params, r.head.cores),
                _ => experiment.theory(s),
            };
            let vs = run.and_then(|r| library.vs_baseline(r));
            let ids = Ids {
                prefix: prefix.to_string(),
                strategy: s,
            };
            row(
                ids,
                theory.makespan_ms,
                theory.explanation,
                run.cloned(),
                sequential,
                vs,
                env.clone(),
            )
        })
        .collect_view()
}

/// The measured columns: (cell name, heading). Narrow screens show the heading beside each value.
const COLUMNS: [(&str, &str); 11] = [
    ("makespan", "Makespan"),
    ("theory", "Theory"),
    ("delta", "Δ vs theory"),
    ("speedup", "Speedup vs sequential"),
    ("throughput", "Throughput"),
    ("latency", "Latency p50 / p95 / max"),
    ("stall", "Longest main-thread stall"),
    ("lag", "Lag p99"),
    ("frames", "Missed frames"),
    ("lanes", "Ran on"),
    ("checksum", "Checksum"),
];

/// A measured cell; `label` names it where narrow screens stack the table into cards.
fn cell(name: &'static str, testid: String, value: Option<f64>, text: String) -> impl IntoView {
    let label = COLUMNS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, l)| *l);
    view! { <td data-label=label data-testid=testid data-value=value.map(|v| v.to_string())>{text}</td> }
}

/// A row's test ids: `result-{prefix}{strategy}-{cell}` (the prefix names an imported group).
#[derive(Clone)]
struct Ids {
    prefix: String,
    strategy: Strategy,
}

impl Ids {
    fn row(&self) -> String {
        format!("result-{}{}", self.prefix, self.strategy.key())
    }

    fn cell(&self, name: &str) -> String {
        format!("{}-{name}", self.row())
    }
}

fn row(
    ids: Ids,
    theory_ms: f64,
    explanation: String,
    run: Option<Arc<RunRecord>>,
    sequential_ms: Option<f64>,
    vs_baseline: Option<String>,
    env: Option<RunEnvironment>,
) -> impl IntoView {
    let s = ids.strategy;
    let row_id = ids.row();
    let id = move |name: &str| ids.cell(name);
    // A file shown instead of this browser's runs has no group: its runs say where they ran.
    let env = env.or_else(|| run.as_ref().and_then(|r| r.head.environment.clone()));
    let python = env.as_ref().is_some_and(RunEnvironment::is_python);
    let page = part::<Page>();
    let head = view! {
        <th scope="row">
            <span class="name">{s.label()}</span>
            <span class="py">{s.python_name()}</span>
            {(!page.view.embed).then(|| view! {
                <button type="button" class="link" data-testid=id("code") on:click=move |_| page.show_code(s)>"Show the code"</button>
            })}
        </th>
    };
    let title = explanation.clone();
    let theory = view! {
        <td data-label="Theory" data-testid=id("theory") data-value=theory_ms.to_string() title=title>
            {format::ms(theory_ms)}
            <span class="explain">{explanation}</span>
        </td>
    };
    let Some(run) = run else {
        let why = env.and_then(|e| e.cannot_run(s)).unwrap_or("not run");
        return view! {
            <tr data-testid=row_id data-state="none">
                {head}
                <td data-label="Makespan" class="muted">{why}</td>
                {theory}
                <td colspan="9" class="muted filler"></td>
            </tr>
        }
        .into_any();
    };
    let sum = run.digest.summary;
    let r = run.head.responsiveness;
    let complete = run.is_complete();
    let speedup = sequential_ms
        .filter(|_| complete && run.makespan_ms() > 0.0)
        .map(|seq| seq / run.makespan_ms());
    // Workers that ran something (an executor's tasks live on the main thread, their
    // computations on workers); main-thread strategies count their one lane.
    let count = |f: fn(&Lane) -> bool| run.lanes().iter().filter(|l| f(l)).count();
    let workers = count(|l| matches!(l, Lane::Worker(_)));
    let processes = count(|l| matches!(l, Lane::Process(_)));
    let worker_noun = if python { "threads" } else { "workers" };
    let (lanes_used, lanes) = if workers > 0 {
        (
            workers,
            format!("{workers} of {} {worker_noun}", run.head.pool_size),
        )
    } else if processes > 0 {
        (
            processes,
            format!("{processes} of {} processes", run.head.threads_used),
        )
    } else {
        (run.lanes().len(), "main thread".into())
    };
    let state = run.head.outcome.key();
    let makespan_text = if complete {
        format::ms(run.makespan_ms())
    } else {
        format!(
            "{state} after {} of {} tasks",
            sum.tasks_done, run.head.params.tasks
        )
    };
    let disturbed = run.is_disturbed().then(|| {
        view! {
            <span class="flag" data-testid=id("disturbed") title="Browsers throttle timers in background tabs">
                {format!(" · page hidden {}: timings untrustworthy", format::ms(run.head.hidden_ms))}
            </span>
        }
    });
    let scheduler = run.head.scheduler.map(|c| {
        view! {
            <span class="explain" data-testid=id("scheduler") data-spawn-us=format!("{:.3}", c.spawn_us_per_task) data-wake-us=format!("{:.3}", c.us_per_wake)>
                {format!("{}: {:.2} µs to spawn a task, {:.2} µs per wake-up", c.name, c.spawn_us_per_task, c.us_per_wake)}
            </span>
        }
    });
    let startup = run.head.startup.map(|s| {
        view! {
            <span class="explain" data-testid=id("startup") data-per-worker-ms=format!("{:.3}", s.per_worker_ms) data-memory-bytes=format!("{:.0}", s.memory_bytes)>
                {format!(
                    "start-up: {} per process, all ready after {}; {} each",
                    format::ms(s.per_worker_ms),
                    format::ms(s.all_ready_ms),
                    match (python, s.memory_bytes.is_finite()) {
                        (_, false) => "memory unknown".to_string(),
                        (true, true) => format!("{} resident (RSS)", format::bytes(s.memory_bytes)),
                        (false, true) => format!("{} of wasm memory", format::bytes(s.memory_bytes)),
                    }
                )}
            </span>
        }
    });
    view! {
        <tr data-testid=row_id data-state=state data-disturbed=run.is_disturbed().to_string() data-cpu-ms=sum.cpu_total_ms.to_string()>
            {head}
            <td data-label="Makespan" data-testid=id("makespan") data-value=run.makespan_ms().to_string()>
                {makespan_text}
                {vs_baseline.map(|d| view! { <span class="vs" data-testid=id("vs-baseline")>{format!(" · {d} vs baseline")}</span> })}
                {disturbed}
                {scheduler}
                {startup}
            </td>
            {theory}
            {cell("delta", id("delta"), None, if complete { format::delta_pct(run.makespan_ms(), theory_ms) } else { "–".into() })}
            {cell("speedup", id("speedup"), speedup, speedup.map(format::times).unwrap_or_else(|| "–".into()))}
            {cell("throughput", id("throughput"), Some(sum.throughput_per_s), format!("{} tasks/s", format::count(sum.throughput_per_s.round() as u64)))}
            {cell(
                "latency",
                id("latency"),
                Some(sum.latency_p95_ms),
                format!("{} / {} / {}", format::ms(sum.latency_p50_ms), format::ms(sum.latency_p95_ms), format::ms(sum.latency_max_ms)),
            )}
            {cell("stall", id("stall"), Some(r.longest_stall_ms), format::ms(r.longest_stall_ms))}
            {cell("lag", id("lag"), Some(r.lag_p99_ms), format::ms(r.lag_p99_ms))}
            {if python {
                cell("frames", id("frames"), None, "– (CPython draws no frames)".into())
            } else {
                cell("frames", id("frames"), Some(f64::from(r.missed_frames)), format::count(u64::from(r.missed_frames)))
            }}
            {cell("lanes", id("lanes"), Some(lanes_used as f64), lanes)}
            <td data-label="Checksum" data-testid=id("checksum") data-value=format!("{:016x}", run.checksum())>
                <code>{format!("{:016x}", run.checksum())}</code>
            </td>
        </tr>
    }
    .into_any()
}
