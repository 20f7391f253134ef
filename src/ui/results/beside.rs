//! Imported runs beside this browser's in the results table (with the `extras` chunk): a
//! group per place they were measured (the Python twin's CPython, another browser), each
//! strategy's latest run of the form's experiment, with its speedup against its own group's
//! sequential run.

use leptos::prelude::*;

use super::group;
use crate::ui::state::{Experiment, Library, part};

/// The imported groups' rows, each under a heading that says where they were measured.
#[component]
pub fn BesideResults() -> impl IntoView {
    let (experiment, library) = (part::<Experiment>(), part::<Library>());
    move || {
        let params = experiment.params();
        library
            .beside_latest(&params)
            .into_iter()
            .filter_map(|(label, latest)| {
                let env = latest.iter().find_map(|(_, r)| r)?.head.environment.clone();
                Some((label, env, latest))
            })
            .enumerate()
                .map(|(i, (label, env, latest))| {
                    let n = i + 1;
                    view! {
                        <tbody data-testid=format!("result-group-{n}") data-env=label.clone()>
                            <tr class="env-group">
                                <th colspan="12" scope="rowgroup">
                                    {format!("Imported, measured in {label}")}
                                    {env.as_ref().filter(|e| e.is_python()).map(|_| view! {
                                        <span class="explain">"Python shows no frames, no hidden tab and no GIL waits (they are inside its compute bars); its stalls and lag are its asyncio loop's, a process's memory its resident set size."</span>
                                    })}
                                </th>
                            </tr>
                            {group(experiment, library, latest, &format!("g{n}-"), env)}
                        </tbody>
                    }
                })
            .collect_view()
    }
}
