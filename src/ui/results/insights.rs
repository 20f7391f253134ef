//! Insights: one-sentence findings for each strategy's latest run of the current workload.

use leptos::prelude::*;

use crate::model::findings::insights::insights;
use crate::ui::state::{Experiment, Library, part};

/// The findings list under the results table.
#[component]
pub fn Insights() -> impl IntoView {
    let (experiment, library) = (part::<Experiment>(), part::<Library>());
    let items = move || {
        let runs = library.latest(&experiment.params());
        let sequential = runs.sequential().cloned();
        runs.iter()
            .filter_map(|(_, run)| run.cloned())
            .flat_map(|run| {
                // The runs are of the current workload, so their theory is the form's.
                let theory = experiment.theory(run.strategy()).makespan_ms;
                insights(&run, theory, sequential.as_deref())
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
