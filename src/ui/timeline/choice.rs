//! Which run the timeline draws, once imported runs are beside this browser's (with the
//! `extras` chunk): this browser's latest run of each strategy of the form's experiment, then
//! each imported group's.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::run::record::{LatestRuns, RunRecord};
use crate::ui::state::{Experiment, Library, LiveRun, TimelineRun, part};

/// The runs to choose from, labelled `Async · this browser`, `Threads + GIL · CPython …`;
/// none unless some are imported.
fn choices(experiment: Experiment, library: Library) -> Vec<(String, Arc<RunRecord>)> {
    let params = experiment.params();
    let latest = |runs: LatestRuns<Arc<RunRecord>>, place: &str| {
        runs.iter()
            .filter_map(|(_, r)| r.cloned())
            .map(|r| (format!("{} · {place}", r.strategy().label()), r))
            .collect::<Vec<_>>()
    };
    let beside: Vec<_> = library
        .beside_latest(&params)
        .into_iter()
        .flat_map(|(label, runs)| latest(runs, &label))
        .collect();
    if beside.is_empty() {
        return beside;
    }
    let mut all = latest(library.latest(&params), "this browser");
    all.extend(beside);
    all
}

#[component]
pub fn RunChoice() -> impl IntoView {
    let (experiment, library) = (part::<Experiment>(), part::<Library>());
    let timeline = part::<TimelineRun>();
    move || {
        let runs = choices(experiment, library);
        (!runs.is_empty()).then(|| {
            let drawn = timeline.with(|l| l.run().cloned());
            let options = runs
                .iter()
                .enumerate()
                .map(|(i, (label, r))| {
                    let selected = drawn.as_ref().is_some_and(|d| Arc::ptr_eq(d, r));
                    view! { <option value=i.to_string() selected=selected>{label.clone()}</option> }
                })
                .collect_view();
            view! {
                <label class="check">"Draw "
                    <select data-testid="timeline-run" on:change=move |ev| {
                        let chosen = event_target_value(&ev).parse::<usize>().ok();
                        if let Some((_, run)) = chosen.and_then(|i| runs.get(i)) {
                            timeline.show(LiveRun::finished(run.clone()));
                        }
                    }>{options}</select>
                </label>
            }
        })
    }
}
