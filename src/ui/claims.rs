//! The claims list: each claim of the articles in plain words with their figure, a button that
//! runs its experiment (runs of strategies, loaded into the form and the link; or a memory
//! measurement or demo of its own), and the verdict judged from what was measured.

use leptos::prelude::*;

use crate::model::demos::deadlock::{HOLD_MS, Order, ROUNDS, STALL_MS};
use crate::model::demos::interleave::tally;
use crate::model::demos::queue as queue_demo;
use crate::model::demos::race::Variant;
use crate::model::findings::claims::{
    CLAIMS, Claim, Evidence, Holds, Verdict, judge, judge_in, judge_interleaving, judge_queues,
    judge_shared_state, judge_task_memory, judge_thread_memory,
};
use crate::model::run::record::{RunRecord, by_environment};
use crate::runtime::demos::deadlock::{self, Config};
use crate::runtime::demos::{interleave, queue, race};
use crate::runtime::memory;
use crate::ui::state::{
    Experiment, Library, LiveRun, Page, PoolState, PoolView, Runner, TimelineRun, part,
};

/// Measures a claim that is not judged on runs, and judges it.
///
/// # Errors
/// Why the measurement could not be made.
async fn measure(evidence: Evidence) -> Result<Verdict, String> {
    Ok(match evidence {
        Evidence::Runs { .. } => return Err("judged on runs".into()),
        Evidence::TaskMemory { tasks } => judge_task_memory(&memory::measure_tasks(tasks).await?),
        Evidence::ThreadMemory => judge_thread_memory(&memory::measure_threads().await),
        Evidence::Interleaving { steps, runs } => {
            let traces = interleave::run(steps, runs).await;
            let threads = traces.threads.as_deref().map(tally);
            judge_interleaving(
                &tally(&traces.asyn),
                threads.as_ref().map_err(|why| why.as_str()),
            )
        }
        Evidence::Queues { items, capacity } => {
            let cfg = queue_demo::Config {
                items,
                capacity,
                produce_us: 0,
                consume_us: 0,
                work: queue_demo::Work::Compute,
            };
            let asyn = queue::run_async(cfg).await;
            let threads = queue::run_threads(cfg).await;
            judge_queues(&asyn, threads.as_ref().map_err(String::as_str))
        }
        Evidence::SharedState { tasks, increments } => {
            let mut races = Vec::new();
            for v in Variant::ASYNC {
                races.push(race::run_async(v, tasks, increments).await);
            }
            for v in Variant::THREADS {
                if let Ok(o) = race::run_threads(v, tasks, increments).await {
                    races.push(o);
                }
            }
            let cfg = Config {
                order: Order::Opposite,
                hold_ms: HOLD_MS.default,
                stall_ms: STALL_MS.default,
                rounds: ROUNDS.default,
            };
            let threads = deadlock::run_threads(cfg).await;
            let asyn = deadlock::run_async(cfg).await;
            judge_shared_state(
                &races,
                threads
                    .as_ref()
                    .map(|r| &r.ending)
                    .map_err(|why| why.as_str()),
                &asyn.ending,
            )
        }
    })
}

/// The claims, one click away each.
#[component]
pub fn Claims() -> impl IntoView {
    view! {
        <ol class="claims" data-testid="claims">
            {CLAIMS.iter().map(|claim| view! { <ClaimItem claim /> }).collect_view()}
        </ol>
    }
}

#[component]
fn ClaimItem(claim: &'static Claim) -> impl IntoView {
    let (runner, library) = (part::<Runner>(), part::<Library>());
    let (experiment, timeline) = (part::<Experiment>(), part::<TimelineRun>());
    // The runs a verdict judged, in view: the claim's experiment in the form (so the results
    // show them) and its last run on the timeline.
    let see_runs = move |_| {
        if let Some(link) = claim.link() {
            experiment.form.set(link.form);
        }
        let last = library
            .results
            .with_untracked(|all| claim.latest_runs(all).last().map(|r| (*r).clone()));
        if let Some(run) = last {
            timeline.show(LiveRun::finished(run));
        }
        crate::runtime::dom::scroll_into_view("h-timeline");
    };
    let (pool, page) = (part::<PoolState>(), part::<Page>());
    // A claim judged on a measurement of its own keeps its latest verdict here.
    let measured = RwSignal::new(None::<Result<Verdict, String>>);
    let measuring = move || runner.measuring.get() == Some(claim.key);
    let verdict = move || match claim.evidence {
        Evidence::Runs { .. } => library.results.with(|all| {
            let runs: Vec<&RunRecord> = claim
                .latest_runs(all)
                .into_iter()
                .map(|r| r.as_ref())
                .collect();
            judge(claim, &runs)
        }),
        _ => measured.get().and_then(Result::ok),
    };
    // The same rule on imported runs, a verdict per place they were measured.
    let beside = move || match claim.evidence {
        Evidence::Runs { .. } => library.beside.with(|all| {
            by_environment(all)
                .into_iter()
                .filter_map(|(label, runs)| {
                    let env = runs[0].head.environment.clone()?;
                    judge_in(claim, &runs, &env).map(|v| (label, v))
                })
                .collect::<Vec<_>>()
        }),
        _ => Vec::new(),
    };
    let failed = move || measured.get().and_then(Result::err);
    let on_click = move |_| match claim.evidence {
        Evidence::Runs { .. } => runner.run_claim(claim),
        evidence => {
            runner.measuring.set(Some(claim.key));
            leptos::task::spawn_local(async move {
                measured.set(Some(measure(evidence).await));
                runner.measuring.set(None);
            });
        }
    };
    // Which strategy the claim needs cannot run here (threads without isolation); the reason,
    // long, is said once, beside the thread pool.
    let blocked = move || {
        pool.view.with(|p| match p {
            PoolView::Unavailable(_) => {
                claim.strategies().iter().find(|s| s.uses_pool()).map(|s| {
                    format!(
                        "{} cannot run here: threads are off (why: beside Thread pool, above)",
                        s.label()
                    )
                })
            }
            _ => None,
        })
    };
    let busy = move || runner.busy();
    let what = match claim.evidence {
        Evidence::Runs { strategies, .. } => format!(
            " runs {}",
            strategies
                .iter()
                .map(|s| s.label())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Evidence::TaskMemory { tasks } => format!(
            " measures the heap of {} pending async tasks",
            crate::model::format::count(u64::from(tasks))
        ),
        Evidence::ThreadMemory => " measures what a worker thread reserves and holds".into(),
        Evidence::Interleaving { runs, .. } => {
            format!(" logs two tasks' steps {runs} times in each model")
        }
        Evidence::SharedState { .. } => {
            " runs the lost-update and deadlock demos in both models".into()
        }
        Evidence::Queues { items, .. } => format!(
            " passes {} items through each model's bounded queue",
            crate::model::format::count(u64::from(items))
        ),
    };
    view! {
        <li class="claim" data-claim=claim.key data-verdict=move || verdict().map_or("none", |v| v.holds.key())>
            <p class="claim-text">"“"{claim.text}"”"</p>
            <p class="muted">"The articles: "{claim.articles}</p>
            <p>
                <button type="button" data-testid=format!("claim-{}", claim.key)
                    disabled=busy
                    on:click=on_click
                >{move || if measuring() { "Measuring…" } else { "Run it" }}</button>
                <span class="muted">{what}</span>
            </p>
            {move || blocked().map(|why| view! { <p class="muted" data-testid=format!("claim-{}-blocked", claim.key)>{why}</p> })}
            {move || failed().map(|why| view! { <p class="error" role="alert" data-testid=format!("claim-{}-error", claim.key)>{format!("Could not measure: {why}")}</p> })}
            {move || verdict().map(|v| verdict_line(format!("claim-{}-verdict", claim.key), None, v))}
            {move || (matches!(claim.evidence, Evidence::Runs { .. }) && verdict().is_some()).then(|| view! {
                <button type="button" class="link" data-testid=format!("claim-{}-see", claim.key) on:click=see_runs>
                    "See the runs it judged: timeline and results"
                </button>
            })}
            {move || {
                beside()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, v))| {
                        verdict_line(format!("claim-{}-verdict-g{}", claim.key, i + 1), Some(label), v)
                    })
                    .collect_view()
            }}
            {(!claim.strategies().is_empty()).then(|| view! {
                <p class="muted">
                    {claim.strategies().iter().map(|s| {
                        let s = *s;
                        view! {
                            <button type="button" class="link inline" data-testid=format!("claim-{}-code-{}", claim.key, s.key())
                                on:click=move |_| page.show_code(s)
                            >{format!("Show the code: {}", s.label())}</button>
                        }
                    }).collect_view()}
                </p>
            })}
        </li>
    }
}

/// A verdict with its badge; `place`, where the runs it judged were measured when that was
/// not here.
fn verdict_line(testid: String, place: Option<String>, v: Verdict) -> impl IntoView {
    let (badge, label) = match v.holds {
        Holds::Yes => ("✓", "Holds"),
        Holds::Partly => ("≈", "Partly"),
        Holds::No => ("✗", "Does not hold"),
    };
    let place = place.map(|p| view! { <em>{format!("In {p} (imported): ")}</em> });
    view! {
        <p class="verdict" data-testid=testid data-holds=v.holds.key()>
            <strong class=format!("badge {}", v.holds.key()) title=label aria-label=label>{badge}</strong>" "{place}{v.text}
        </p>
    }
}
