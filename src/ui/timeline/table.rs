//! The timeline's data table: every task's lane, start, end, CPU and waiting time, the
//! accessible alternative to the canvas (built when opened, once the run has ended).

use leptos::prelude::*;

use crate::model::format;
use crate::ui::state::{TimelineRun, part};

/// Rows the data table renders at most.
const TABLE_MAX: usize = 10_000;

/// The accessible alternative: every task's lane, start and end (built when opened, once the
/// run has ended).
#[component]
pub fn DataTable() -> impl IntoView {
    let timeline = part::<TimelineRun>();
    let open = RwSignal::new(false);
    let rows = move || {
        timeline.track();
        if !open.get() {
            return None;
        }
        timeline.with_untracked(|l| {
            if l.running {
                return Some(
                    view! { <p class="muted">"The table fills in when the run ends."</p> }
                        .into_any(),
                );
            }
            let records = l.records();
            let python = l.in_python();
            // Tasks are numbered from 0, one record each: placed by number, they are in order.
            let mut by_task = vec![None; l.tasks as usize];
            for r in records {
                if let Some(slot) = by_task.get_mut(r.task as usize) {
                    *slot = Some(r);
                }
            }
            let note = (records.len() > TABLE_MAX).then(|| {
                format!(
                    "The first {} of {} tasks.",
                    format::count(TABLE_MAX as u64),
                    format::count(records.len() as u64)
                )
            });
            Some(
                view! {
                    {note.map(|n| view! { <p class="muted">{n}</p> })}
                    <table class="data" data-testid="timeline-table">
                        <thead>
                            <tr>
                                <th scope="col">"Lane"</th>
                                <th scope="col">"Task"</th>
                                <th scope="col">"Start"</th>
                                <th scope="col">"End"</th>
                                <th scope="col">"CPU"</th>
                                <th scope="col">"Waiting"</th>
                                <th scope="col">"Checksum"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {by_task
                                .into_iter()
                                .flatten()
                                .take(TABLE_MAX)
                                .map(|r| view! {
                                    <tr data-task=r.task>
                                        <td>{r.lane.name(python)}</td>
                                        <td>{r.task}</td>
                                        <td>{format::ms(r.start_ms)}</td>
                                        <td>{format::ms(r.end_ms)}</td>
                                        <td>{format::ms(r.cpu_ms)}</td>
                                        <td>{format::ms(r.wait_ms)}</td>
                                        <td><code>{format!("{:016x}", r.checksum)}</code></td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any(),
            )
        })
    };
    view! {
        <details class="table-alt" on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary data-testid="timeline-table-toggle">"Data table: lane, task, start, end, checksum"</summary>
            <div class="table-wrap">{rows}</div>
        </details>
    }
}
