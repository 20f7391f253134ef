//! The claims list: each claim of the articles in plain words with their figure, a button that
//! loads its experiment and runs it, and the verdict judged from the measured runs.

use std::sync::Arc;

use leptos::prelude::*;

use super::state::{AppState, PoolView};
use crate::model::claims::{CLAIMS, Claim, Holds, judge};
use crate::model::record::RunRecord;

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
    let state = expect_context::<AppState>();
    // The latest finished run of each of the claim's strategies on its experiment.
    let runs = move || -> Vec<Arc<RunRecord>> {
        state.results.with(|all| {
            claim
                .strategies()
                .iter()
                .filter_map(|s| {
                    all.iter()
                        .rev()
                        .find(|r| r.strategy == *s && claim.is_run_of(r))
                        .cloned()
                })
                .collect()
        })
    };
    let verdict = move || {
        let runs = runs();
        let refs: Vec<&RunRecord> = runs.iter().map(|r| r.as_ref()).collect();
        judge(claim, &refs)
    };
    // Why a strategy the claim needs cannot run here (threads without isolation).
    let blocked = move || {
        state.pool.with(|p| match p {
            PoolView::Unavailable(why) => claim
                .strategies()
                .iter()
                .find(|s| s.uses_pool())
                .map(|s| format!("{} cannot run here: {why}", s.label())),
            _ => None,
        })
    };
    let busy = move || state.running.get().is_some() || state.sweep.get().is_some();
    let names = claim
        .strategies()
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="claim" data-claim=claim.key data-verdict=move || verdict().map_or("none", |v| v.holds.key())>
            <p class="claim-text">"“"{claim.text}"”"</p>
            <p class="muted">"The articles: "{claim.articles}</p>
            <p>
                <button type="button" data-testid=format!("claim-{}", claim.key)
                    disabled=busy
                    on:click=move |_| state.run_claim(claim)
                >"Run it"</button>
                <span class="muted">{format!(" runs {names}")}</span>
            </p>
            {move || blocked().map(|why| view! { <p class="muted" data-testid=format!("claim-{}-blocked", claim.key)>{why}</p> })}
            {move || verdict().map(|v| {
                let (badge, label) = match v.holds {
                    Holds::Yes => ("✓", "Holds"),
                    Holds::Partly => ("≈", "Partly"),
                    Holds::No => ("✗", "Does not hold"),
                };
                view! {
                    <p class="verdict" data-testid=format!("claim-{}-verdict", claim.key) data-holds=v.holds.key()>
                        <strong class=format!("badge {}", v.holds.key()) title=label aria-label=label>{badge}</strong>" "{v.text}
                    </p>
                }
            })}
        </li>
    }
}
