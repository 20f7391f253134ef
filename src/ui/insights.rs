//! Insights: one-sentence findings for each strategy's latest run of the current workload.

use leptos::prelude::*;

use super::state::{AppState, same_experiment};
use crate::model::insights::insights;
use crate::model::params::{Params, Strategy};
use crate::model::theory::expected;

/// The findings list under the results table.
#[component]
pub fn Insights() -> impl IntoView {
    let state = expect_context::<AppState>();
    let items = move || {
        let params = state.checked.with(|c| c.params);
        let runs = state.results.get();
        let latest = |s: Strategy| {
            runs.iter()
                .rev()
                .find(|r| r.strategy == s && same_experiment(&r.params, &params))
        };
        let seq = latest(Strategy::Sequential);
        Strategy::ALL
            .iter()
            .filter_map(|s| latest(*s))
            .flat_map(|run| {
                let theory = expected(
                    run.strategy,
                    &Params {
                        strategy: run.strategy,
                        ..run.params
                    },
                    run.cores,
                )
                .makespan_ms;
                insights(run, theory, seq)
                    .into_iter()
                    .map(move |i| (run.strategy, i))
            })
            .map(|(s, i)| {
                view! {
                    <li data-rule=i.rule data-strategy=s.key()>
                        <strong>{s.label()}": "</strong>
                        {i.text}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ul class="insights" data-testid="insights" aria-label="Findings">{items}</ul>
    }
}
