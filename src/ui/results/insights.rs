//! Insights: one-sentence findings for each strategy's latest run of the current workload,
//! here and in each place imported runs were measured.

use leptos::prelude::*;

use std::sync::Arc;

use crate::model::experiment::theory::expected;
use crate::model::findings::insights::insights;
use crate::model::run::record::{LatestRuns, RunRecord};
use crate::ui::state::{Experiment, Library, part};

/// The findings list under the results table.
#[component]
pub fn Insights() -> impl IntoView {
    let (experiment, library) = (part::<Experiment>(), part::<Library>());
    // The findings of one group of runs (each strategy's latest), `place` where they were
    // measured when it was not here.
    let findings = move |runs: LatestRuns<Arc<RunRecord>>, place: Option<String>| {
        let sequential = runs.sequential().cloned();
        runs.iter()
            .filter_map(|(_, run)| run.cloned())
            .flat_map(|run| {
                // The runs are of the current workload, so their theory is the form's, for
                // the cores they had when imported.
                let theory = match place {
                    Some(_) => expected(run.strategy(), &run.head.params, run.head.cores),
                    None => experiment.theory(run.strategy()),
                }
                .makespan_ms;
                insights(&run, theory, sequential.as_deref())
                    .into_iter()
                    .map(move |i| (run.strategy(), i))
            })
            .map(|(s, i)| {
                let head = match &place {
                    Some(p) => format!("{} in {p}: ", s.label()),
                    None => format!("{}: ", s.label()),
                };
                view! {
                    <li data-rule=i.rule data-strategy=s.key() data-env=place.clone()>
                        <strong>{head}</strong>
                        {i.text}
                    </li>
                }
            })
            .collect_view()
    };
    let items = move || {
        let params = experiment.params();
        let beside = library.beside_latest(&params);
        view! {
            {findings(library.latest(&params), None)}
            {beside.into_iter().map(|(label, runs)| findings(runs, Some(label))).collect_view()}
        }
    };
    view! {
        <ul class="insights" data-testid="insights" aria-label="Findings">{items}</ul>
    }
}
