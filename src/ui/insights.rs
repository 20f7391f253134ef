//! Insights: one-sentence findings for each strategy's latest run of the current workload.

use leptos::prelude::*;

use super::state::AppState;
use crate::model::insights::insights;

/// The findings list under the results table.
#[component]
pub fn Insights() -> impl IntoView {
    let state = expect_context::<AppState>();
    let items = move || {
        let runs = state.latest_runs();
        let seq = runs[0].clone();
        runs.into_iter()
            .flatten()
            .flat_map(|run| {
                // The runs are of the current workload, so their theory is the form's.
                let theory = state.theory(run.strategy()).makespan_ms;
                insights(&run, theory, seq.as_deref())
                    .into_iter()
                    .map(move |i| (run.strategy(), i))
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
