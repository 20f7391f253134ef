//! The claims list: each claim of the articles in plain words with their figure, a button that
//! runs its experiment (runs of strategies, loaded into the form and the link; or a memory
//! measurement or demo of its own), and the verdict judged from what was measured, with its
//! deciding figures as a compact chart. "Judge every claim" judges them all in turn and writes
//! the claims report (Markdown, JSON); `embed=claims` is the compact view of the same, which
//! posts each verdict to the embedding page.

use leptos::prelude::*;

use crate::model::demos::deadlock::{HOLD_MS, Order, ROUNDS, STALL_MS};
use crate::model::demos::interleave::tally;
use crate::model::demos::queue as queue_demo;
use crate::model::demos::race::Variant;
use crate::model::demos::spawn::Way;
use crate::model::experiment::params::Strategy;
use crate::model::findings::chart::Chart;
use crate::model::findings::claims::{
    CLAIMS, Claim, Evidence, Holds, Verdict, judge, judge_blocking, judge_errors, judge_in,
    judge_interleaving, judge_queues, judge_scale, judge_shared_state, judge_switches,
    judge_task_memory, judge_thread_memory, judge_thread_per_task,
};
use crate::model::format;
use crate::model::page::caps::browser_name;
use crate::model::page::embed::verdict_message;
use crate::model::page::report::{self, JudgedRun, Report, Row};
use crate::model::run::record::{RunRecord, by_environment};
use crate::runtime::clock::now_ms;
use crate::runtime::demos::deadlock::{self, Config};
use crate::runtime::demos::{errors, interleave, queue, race, scale, spawn, switch};
use crate::runtime::timer::within;
use crate::runtime::{caps, embed as frame, files, memory};
use crate::ui::embed::autorun_once;
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
        Evidence::Scale { workers, tasks } => {
            let held = memory::measure_tasks(tasks).await?;
            let started = scale::count(workers).await;
            judge_scale(&started, &held)
        }
        Evidence::Switches {
            async_switches,
            thread_switches,
            batches,
        } => {
            let asyn = switch::run_async(async_switches, batches).await;
            let threads = switch::run_threads(thread_switches, batches, false).await;
            let gil = switch::run_threads(thread_switches, batches, true).await;
            judge_switches(
                &asyn,
                threads.as_ref().map_err(String::as_str),
                gil.as_ref().map_err(String::as_str),
            )
        }
        Evidence::ThreadPerTask { tasks, wait_ms } => {
            let awaited = spawn::run(Way::Awaited, tasks, wait_ms).await?;
            let threads = spawn::run(Way::ThreadPerTask, tasks, wait_ms).await;
            judge_thread_per_task(&awaited, threads.as_ref().map_err(String::as_str))
        }
        Evidence::Blocking { tasks, wait_ms } => {
            let awaited = spawn::run(Way::Awaited, tasks, wait_ms).await?;
            let blocking = spawn::run(Way::BlockingAsync, tasks, wait_ms).await?;
            let pool = spawn::run(Way::Pool, tasks, wait_ms).await;
            judge_blocking(&awaited, &blocking, pool.as_ref().map_err(String::as_str))
        }
        Evidence::Errors {
            tasks,
            wait_ms,
            fail_ms,
        } => judge_errors(&errors::run(tasks, wait_ms, fail_ms).await?),
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

/// How long one claim may take in "Judge every claim" before it is skipped, ms.
const CLAIM_LIMIT_MS: f64 = 90_000.0;

/// What the claims share: each measured claim's latest verdict (by its place in [`CLAIMS`]),
/// "Judge every claim"'s progress, and its report.
#[derive(Clone, Copy)]
struct ClaimsState {
    measured: RwSignal<Vec<Option<Result<Verdict, String>>>>,
    /// The claim being judged in "Judge every claim" (its place), while it runs.
    judging: RwSignal<Option<usize>>,
    stop: RwSignal<bool>,
    report: RwSignal<Option<Report>>,
    // The parts it uses, taken where it is made: its tasks run outside the component tree.
    runner: Runner,
    library: Library,
    page: Page,
}

impl ClaimsState {
    fn new() -> Self {
        ClaimsState {
            measured: RwSignal::new(vec![None; CLAIMS.len()]),
            judging: RwSignal::new(None),
            stop: RwSignal::new(false),
            report: RwSignal::new(None),
            runner: part::<Runner>(),
            library: part::<Library>(),
            page: part::<Page>(),
        }
    }

    /// `claim`'s verdict here: its runs' (from the results) or its latest measurement's
    /// (reactive).
    fn verdict(self, claim: &'static Claim) -> Option<Verdict> {
        match claim.evidence {
            Evidence::Runs { .. } => self.library.results.with(|all| {
                let runs: Vec<&RunRecord> = claim
                    .latest_runs(all)
                    .into_iter()
                    .map(|r| r.as_ref())
                    .collect();
                judge(claim, &runs)
            }),
            _ => self.measured(claim).and_then(Result::ok),
        }
    }

    /// The latest measurement of a claim judged on one of its own (reactive).
    fn measured(self, claim: &'static Claim) -> Option<Result<Verdict, String>> {
        self.measured.with(|m| m[place(claim)].clone())
    }

    /// Judges `claim` here (its runs, or its measurement), within [`CLAIM_LIMIT_MS`]; in the
    /// claims' embedded view, tells the embedding page.
    async fn judge_one(self, claim: &'static Claim) -> Row {
        let runner = self.runner;
        let t0 = now_ms();
        let outcome = match claim.evidence {
            Evidence::Runs { strategies, .. } => {
                // Runs too slow for the limit are cancelled (and end): the verdict is then
                // missing. No timer outlives them: the memory claims need the timers idle.
                let mut runs = std::pin::pin!(runner.claim_runs(claim));
                if within(CLAIM_LIMIT_MS, runs.as_mut()).await.is_none() {
                    runner.cancel();
                    runs.await;
                }
                self.verdict(claim)
                    .ok_or_else(|| why_unjudged(runner, strategies, now_ms() - t0))
            }
            evidence => {
                runner.measuring.set(Some(claim.key));
                let measured = within(CLAIM_LIMIT_MS, measure(evidence))
                    .await
                    .unwrap_or_else(|| {
                        Err(format!(
                            "it took longer than {}",
                            format::ms(CLAIM_LIMIT_MS)
                        ))
                    });
                runner.measuring.set(None);
                self.measured
                    .update(|m| m[place(claim)] = Some(measured.clone()));
                measured
            }
        };
        let runs = self.library.results.with_untracked(|all| {
            claim
                .latest_runs(all)
                .into_iter()
                .map(|r| JudgedRun::of(r))
                .collect()
        });
        let row = Row {
            claim,
            outcome,
            took_ms: now_ms() - t0,
            runs,
        };
        if self.page.view.claims && frame::framed() {
            frame::post(&verdict_message(&row, &self.environment()));
        }
        row
    }

    /// "Judge every claim": each in turn, then the report (none when cancelled).
    async fn judge_every(self) {
        if self.judging.get_untracked().is_some() || self.runner.busy() {
            return;
        }
        self.stop.set(false);
        self.report.set(None);
        let mut rows = Vec::with_capacity(CLAIMS.len());
        for (i, claim) in CLAIMS.iter().enumerate() {
            if self.stop.get_untracked() {
                break;
            }
            self.judging.set(Some(i));
            rows.push(self.judge_one(claim).await);
        }
        if !self.stop.get_untracked() {
            self.report.set(Some(Report {
                rows,
                environment: self.environment(),
                at_ms: js_sys::Date::now(),
            }));
        }
        self.judging.set(None);
    }

    fn cancel(self) {
        self.stop.set(true);
        self.runner.cancel();
    }

    /// Where this page measures: the browser, its cores, isolation and build.
    fn environment(self) -> String {
        report::environment(&self.page.caps, &browser_name(&caps::user_agent()))
    }
}

/// Why a claim judged on runs has no verdict after them: a strategy that cannot run here,
/// the time limit, or the run's error.
fn why_unjudged(runner: Runner, strategies: &[Strategy], took_ms: f64) -> String {
    let cannot: Vec<String> = strategies
        .iter()
        .filter_map(|s| {
            let why = runner.can_run(*s).err()?;
            Some(format!("{} cannot run here: {why}", s.label()))
        })
        .collect();
    if !cannot.is_empty() {
        cannot.join("; ")
    } else if took_ms >= CLAIM_LIMIT_MS {
        format!("its runs took longer than {}", format::ms(CLAIM_LIMIT_MS))
    } else {
        runner
            .run_error
            .get_untracked()
            .map_or_else(|| "not every run it needs finished".into(), |e| e.text)
    }
}

/// A claim's place in [`CLAIMS`].
fn place(claim: &Claim) -> usize {
    CLAIMS.iter().position(|c| c.key == claim.key).unwrap_or(0)
}

/// The claims, one click away, and "Judge every claim" with its report.
#[component]
pub fn Claims() -> impl IntoView {
    let state = ClaimsState::new();
    view! {
        <JudgeEvery state />
        <ol class="claims" data-testid="claims">
            {CLAIMS.iter().map(|claim| view! { <ClaimItem claim state compact=false /> }).collect_view()}
        </ol>
    }
}

/// `embed=claims`: the claims and their verdicts for a blog post; with `autorun=1`, every
/// claim judged once, when the frame is visible and the page ready.
#[component]
pub fn ClaimsEmbed() -> impl IntoView {
    let state = ClaimsState::new();
    if part::<Page>().view.autorun {
        autorun_once(part::<PoolState>(), move || {
            leptos::task::spawn_local(state.judge_every())
        });
    }
    view! {
        <JudgeEvery state />
        <ol class="claims compact" data-testid="claims">
            {CLAIMS.iter().map(|claim| view! { <ClaimItem claim state compact=true /> }).collect_view()}
        </ol>
    }
}

/// "Judge every claim", its progress and Cancel, and the report once it is done.
#[component]
fn JudgeEvery(state: ClaimsState) -> impl IntoView {
    let runner = part::<Runner>();
    let progress = move || {
        state.judging.get().map(|i| {
            view! {
                <p class="muted" role="status" data-testid="claims-progress" data-at=i.to_string()>
                    {format!("Judging claim {} of {}: “{}” ", i + 1, CLAIMS.len(), CLAIMS[i].text)}
                    <button type="button" data-testid="claims-cancel" on:click=move |_| state.cancel()>"Cancel"</button>
                </p>
            }
        })
    };
    view! {
        <p class="judge-every">
            <button type="button" data-testid="claims-judge-all"
                disabled=move || runner.busy() || state.judging.with(Option::is_some)
                on:click=move |_| leptos::task::spawn_local(state.judge_every())
            >"Judge every claim"</button>
            <span class="muted">{format!(" runs all {} in turn, then writes the claims report", CLAIMS.len())}</span>
        </p>
        {progress}
        {move || state.report.get().map(|report| view! { <ReportView report /> })}
    }
}

/// The claims report: a table of every claim, copied as Markdown or downloaded as JSON.
#[component]
fn ReportView(report: Report) -> impl IntoView {
    let said = RwSignal::new(None::<String>);
    let markdown = StoredValue::new(report.markdown());
    let json = StoredValue::new(report.json());
    let copy = move |_| {
        let text = markdown.get_value();
        leptos::task::spawn_local(async move {
            said.set(Some(if frame::copy(&text).await {
                "Copied as Markdown.".into()
            } else {
                "The browser refused the clipboard: select the table and copy it.".into()
            }));
        });
    };
    let download = move |_| {
        let outcome = files::download(
            "async-vs-threads-claims.json",
            "application/json",
            |write| write(json.get_value()),
        );
        said.set(Some(match outcome {
            Ok(()) => "Downloaded async-vs-threads-claims.json.".into(),
            Err(why) => format!("Could not download: {why}"),
        }));
    };
    let head = report.summary();
    let rows = report
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr data-claim=r.claim.key data-holds=r.holds_key()>
                    <td>{r.claim.text}</td>
                    <td>{r.claim.articles}</td>
                    <td>{r.figures()}</td>
                    <td>{r.verdict_text()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="claims-report" data-testid="claims-report" aria-label="Claims report">
            <h3>"Claims report"</h3>
            <p>{head}</p>
            <div class="table-wrap">
                <table>
                    <thead><tr><th>"Claim"</th><th>"The articles"</th><th>"Measured"</th><th>"Verdict"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p>
                <button type="button" data-testid="claims-report-copy" on:click=copy>"Copy as Markdown"</button>" "
                <button type="button" data-testid="claims-report-json" on:click=download>"Download JSON"</button>" "
                <span class="muted" role="status" data-testid="claims-report-said">{move || said.get()}</span>
            </p>
        </section>
    }
}

/// A verdict's deciding figures: a bar each, with the articles' figure marked on its track.
fn chart_view(testid: String, chart: Chart) -> impl IntoView {
    let bars = chart
        .bars
        .iter()
        .map(|b| {
            let articles = b.articles.map(|a| {
                view! { <span class="bar-articles" title="the articles' figure" style:left=format!("{:.1}%", chart.pct(a))></span> }
            });
            view! {
                <div class="bar-row" data-testid="claim-bar" data-key=b.key.to_string() data-value=b.value.to_string()>
                    <span class="bar-label" title=b.label.clone()>{b.label.clone()}</span>
                    <span class="bar-track">
                        <span class="bar" style:width=format!("{:.1}%", chart.pct(b.value))></span>
                        {articles}
                    </span>
                    <span class="bar-value">{chart.said(b)}</span>
                </div>
            }
        })
        .collect_view();
    (!chart.bars.is_empty()).then(|| {
        view! { <div class="claim-chart" data-testid=testid data-unit=chart.unit.key()>{bars}</div> }
    })
}

#[component]
fn ClaimItem(claim: &'static Claim, state: ClaimsState, compact: bool) -> impl IntoView {
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
    let measuring = move || runner.measuring.get() == Some(claim.key);
    let verdict = Memo::new(move |_| state.verdict(claim));
    let verdict = move || verdict.get();
    // The same rule on imported runs, a verdict per place they were measured.
    // On measurements of its own: the verdicts an imported file brought (the twin's).
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
        _ => library.beside_verdicts.with(|all| {
            all.iter()
                .filter(|(_, c, _)| c.key == claim.key)
                .map(|(label, _, v)| (label.clone(), v.clone()))
                .collect()
        }),
    };
    let failed = move || state.measured(claim).and_then(Result::err);
    let on_click = move |_| {
        leptos::task::spawn_local(async move {
            state.judge_one(claim).await;
        })
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
            format::count(u64::from(tasks))
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
            format::count(u64::from(items))
        ),
        Evidence::Scale { workers, tasks } => format!(
            " holds {} pending async tasks, then starts up to {workers} idle Web Workers",
            format::count(u64::from(tasks))
        ),
        Evidence::Switches { batches, .. } => format!(
            " hands a token back and forth, {batches} batches in each model, and times a switch"
        ),
        Evidence::ThreadPerTask { tasks, wait_ms } => format!(
            " waits {tasks} × {} as async tasks, then on a Web Worker started per task",
            format::ms(f64::from(wait_ms))
        ),
        Evidence::Errors {
            tasks,
            wait_ms,
            fail_ms,
        } => format!(
            " makes one of {tasks} tasks of {} fail after {}, awaited three ways and on threads",
            format::ms(f64::from(wait_ms)),
            format::ms(f64::from(fail_ms))
        ),
        Evidence::Blocking { tasks, wait_ms } => format!(
            " waits {tasks} × {} awaited, blocking inside async tasks (the page freezes, on purpose), and blocking on the pool",
            format::ms(f64::from(wait_ms))
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
            {move || verdict().map(|v| verdict_line(format!("claim-{}-verdict", claim.key), Measured::Here(state.environment()), v))}
            {move || (!compact && matches!(claim.evidence, Evidence::Runs { .. }) && verdict().is_some()).then(|| view! {
                <button type="button" class="link" data-testid=format!("claim-{}-see", claim.key) on:click=see_runs>
                    "See the runs it judged: timeline and results"
                </button>
            })}
            {move || {
                beside()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, v))| {
                        verdict_line(format!("claim-{}-verdict-g{}", claim.key, i + 1), Measured::There(label), v)
                    })
                    .collect_view()
            }}
            {(!compact && !claim.strategies().is_empty()).then(|| view! {
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

/// Where a verdict's evidence was measured: in this browser (its environment line), or where
/// imported runs were.
enum Measured {
    Here(String),
    There(String),
}

/// A verdict with its badge, its chart and where it was measured.
fn verdict_line(testid: String, place: Measured, v: Verdict) -> impl IntoView {
    let (badge, label) = match v.holds {
        Holds::Yes => ("✓", "Holds"),
        Holds::Partly => ("≈", "Partly"),
        Holds::No => ("✗", "Does not hold"),
    };
    let chart = chart_view(testid.replacen("-verdict", "-chart", 1), v.chart);
    let (there, here) = match place {
        Measured::There(p) => (
            Some(view! { <em>{format!("In {p} (imported): ")}</em> }),
            None,
        ),
        Measured::Here(env) => (
            None,
            Some(
                view! { <p class="muted where" data-testid=format!("{testid}-where")>{format!("Measured in {env}")}</p> },
            ),
        ),
    };
    view! {
        <p class="verdict" data-testid=testid.clone() data-holds=v.holds.key()>
            <strong class=format!("badge {}", v.holds.key()) title=label aria-label=label>{badge}</strong>" "{there}{v.text}
        </p>
        {chart}
        {here}
    }
}
