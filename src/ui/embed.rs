//! Embed mode (`embed=1`): the compact view made for an iframe, and the page's side of the
//! `postMessage` protocol with the embedding page (`model::page::embed`): `ready`, `height` and
//! `result` out; `run`, `cancel` and `set` in, anything else ignored and counted. Autorun
//! (`autorun=1`): one run, once the frame is visible and the page ready.

use leptos::prelude::*;

use crate::model::experiment::url;
use crate::model::page::embed::{self, Command};
use crate::runtime::{embed as frame, location};
use crate::ui::lazy::{LazyCharts, LazyClaimsEmbed, LazyEnvironment, LazyInsights};
use crate::ui::page::notices::Notices;
use crate::ui::results::Results;
use crate::ui::run::controls::{Controls, StrategyChoice};
use crate::ui::run::form::ParamForm;
use crate::ui::run::meter::Meter;
use crate::ui::state::{Experiment, Page, Parts, PoolState, PoolView, part};
use crate::ui::timeline::Timeline;

/// The compact view: the experiment in one line (its parameters under Edit), the controls,
/// timeline, meter, results and findings, and a link to the full playground.
#[component]
pub fn Embed() -> impl IntoView {
    let page = part::<Page>();
    let pool = part::<PoolState>();
    let experiment = part::<Experiment>();
    let summary = move || {
        experiment.checked.with(|c| {
            let line = c.params.summary();
            if c.is_valid() {
                line
            } else {
                format!("{line} · fix it under Edit")
            }
        })
    };
    let full = move || {
        let params = experiment.checked.with(|c| c.params);
        format!("{}?{}", location::base(), experiment.query(&params))
    };
    let threads_off = move || match pool.view.get() {
        // One line in a small frame; the reason (long: which header, what to do) under it.
        PoolView::Unavailable(why) => Some(view! {
            <details class="embed-note" data-testid="embed-threads-off">
                <summary>"Threads are off here (sequential, async and processes run): why?"</summary>
                {format!("{why}.")}
            </details>
        }),
        _ => None,
    };
    // What lies under Edit (closed at first) is built once the page is ready, or Edit is
    // opened before, so that building it does not compete with the pool's workers booting.
    let opened = RwSignal::new(false);
    let ready = pool.became_ready();
    let edit = Memo::new(move |_| opened.get() || ready.get());
    let ignored = move || {
        let n = page.ignored_messages.get();
        (n > 0).then(|| {
            view! {
                <span class="muted" data-testid="embed-ignored" data-count=n.to_string()>
                    {format!("{n} message{} from the embedding page ignored", if n == 1 { "" } else { "s" })}
                </span>
            }
        })
    };
    // `embed=claims`: the claims and their verdicts in place of the experiment.
    let claims = page.view.claims;
    view! {
        <main class="embed" data-testid="embed">
            <Notices />
            {(!claims).then(|| view! {
                <details class="panel embed-edit" data-testid="embed-edit" on:toggle=move |_| opened.set(true)>
                    <summary>
                        <span class="embed-summary" data-testid="embed-summary">{summary}</span>
                        <span class="edit">"Edit"</span>
                    </summary>
                    {move || edit.get().then(|| view! {
                        <StrategyChoice />
                        <ParamForm />
                    })}
                    <LazyEnvironment />
                </details>
            })}
            {threads_off}
            {if claims {
                view! {
                    <section class="panel" aria-label="Claims">
                        <LazyClaimsEmbed says_why=true />
                    </section>
                }
                .into_any()
            } else {
                view! {
                    <section class="panel" aria-label="Run">
                        <Controls without_choice=true />
                        <Meter />
                    </section>
                    <section class="panel" aria-label="Timeline">
                        <Timeline />
                    </section>
                    <section class="panel" aria-label="Results">
                        <Results />
                        <LazyInsights says_why=true />
                    </section>
                    {page.view.sweeps.then(|| view! {
                        <section class="panel" aria-label="Charts">
                            <LazyCharts />
                        </section>
                    })}
                }
                .into_any()
            }}
            <p class="embed-foot">
                <a href=full target="_blank" rel="noopener" data-testid="open-full">"Open in the full playground"</a>
                {ignored}
            </p>
        </main>
    }
}

/// Autorun (once, when the page is visible and ready) and, in a frame, the protocol with the
/// embedding page: `height` whenever it changes, `ready` once, commands in.
pub fn connect(parts: Parts) {
    let Parts {
        page,
        pool,
        experiment,
        runner,
        ..
    } = parts;
    // The claims' view judges every claim on autorun itself (`ClaimsEmbed`).
    if page.view.autorun && !page.view.claims {
        autorun_once(pool, move || {
            let strategy = experiment.checked.with_untracked(|c| c.params.strategy);
            runner.run(vec![strategy]);
        });
    }
    if !frame::framed() {
        return;
    }
    frame::on_height(|h| frame::post(&embed::height_message(h)));
    Effect::new(move |sent: Option<bool>| {
        if sent == Some(true) {
            return true;
        }
        let ready = pool.page_ready();
        if ready {
            let query = experiment
                .checked
                .with_untracked(|c| experiment.query(&c.params));
            frame::post(&embed::ready_message(&query, page.caps.build()));
        }
        ready
    });
    frame::listen(move |message| match message {
        Ok(Command::Run) => {
            let strategy = experiment.checked.with_untracked(|c| c.params.strategy);
            if runner.running.get_untracked().is_some() {
                ignore(page, "run asked for during a run".into());
            } else if let Err(why) = runner.can_run(strategy) {
                ignore(page, format!("run asked for, but {why}"));
            } else {
                runner.run(vec![strategy]);
            }
        }
        Ok(Command::Cancel) => runner.cancel(),
        // Into the form (and the link), as if typed: a run in progress keeps its own
        // parameters, and the next run uses these. The pool is sized at start-up, so a
        // `pool` key here is not applied.
        Ok(Command::Set(query)) => {
            let decoded = url::decode(&query);
            experiment.form.set(decoded.form);
            page.notices.set(decoded.notices);
        }
        Err(why) => ignore(page, why),
    });
}

/// Calls `go` once, when the frame is scrolled into view and the page is ready (`autorun=1`).
pub fn autorun_once(pool: PoolState, go: impl Fn() + 'static) {
    let visible = RwSignal::new(false);
    frame::when_visible(move || visible.set(true));
    Effect::new(move |fired: Option<bool>| {
        if fired == Some(true) {
            return true;
        }
        let ready = visible.get() && pool.page_ready();
        if ready {
            go();
        }
        ready
    });
}

/// Counts a message that was not acted on, and says why on the console.
fn ignore(page: Page, why: String) {
    page.ignored_messages.update(|n| *n += 1);
    let n = page.ignored_messages.get_untracked();
    frame::set_root_attribute("data-ignored-messages", &n.to_string());
    frame::debug(&format!("async-vs-threads: ignored a message: {why}"));
}
