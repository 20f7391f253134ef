//! Lost updates: the counter each variant ended with, against the count it should have.

use leptos::prelude::*;

use crate::model::demos::race::{INCREMENTS, Outcome, TASKS, Variant, verdict};
use crate::model::format;
use crate::runtime::demos::race;
use crate::ui::demos::{DemoField, RunButton, ThreadsNote, field_text, start};

const ID: &str = "race";

/// The lost-updates demo.
#[component]
pub fn RaceDemo() -> impl IntoView {
    let tasks = field_text(TASKS);
    let increments = field_text(INCREMENTS);
    let parsed = Memo::new(move |_| {
        Some((
            TASKS.parse(&tasks.get()).ok()?,
            INCREMENTS.parse(&increments.get()).ok()?,
        ))
    });
    let outcomes = RwSignal::new(Vec::<Outcome>::new());
    let threads_error = RwSignal::new(None::<String>);
    let run = move || {
        let Some((n, k)) = parsed.get_untracked() else {
            return;
        };
        outcomes.set(Vec::new());
        threads_error.set(None);
        start(ID, async move {
            for v in Variant::THREADS {
                match race::run_threads(v, n, k).await {
                    Ok(o) => outcomes.update(|all| all.push(o)),
                    Err(why) => {
                        threads_error.set(Some(why));
                        break;
                    }
                }
            }
            for v in Variant::ASYNC {
                let o = race::run_async(v, n, k).await;
                outcomes.update(|all| all.push(o));
            }
        });
    };
    view! {
        <article class="demo" data-testid="demo-race">
            <h3 class="sub">"Lost updates"</h3>
            <p class="muted">
                "Each task adds 1 to a shared counter, many times. Threads read and write real shared memory with nothing in between to stop another thread (a relaxed load, a little work, a store); "
                "async tasks read, " <code>"await"</code> ", then write. The fixes: a lock, an atomic add, an async mutex."
            </p>
            <form class="params demo-params" on:submit=|ev| ev.prevent_default()>
                <DemoField id=ID key="tasks" bound=TASKS text=tasks />
                <DemoField id=ID key="increments" bound=INCREMENTS text=increments />
            </form>
            <RunButton id=ID label=Signal::derive(|| "Run".to_string()) invalid=Signal::derive(move || parsed.get().is_none()) on_run=run />
            <Show when=move || !outcomes.with(Vec::is_empty) || threads_error.with(Option::is_some)>
                <div class="table-wrap">
                    <table class="data demo-table">
                        <thead>
                            <tr>
                                <th scope="col">"Variant"</th>
                                <th scope="col">{move || outcomes.with(|o| o.first().map_or("Counter".to_string(), |o| format!("Counter (of {})", format::count(o.expected()))))}</th>
                                <th scope="col">"Lost"</th>
                                <th scope="col">"Time"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || outcomes.get().into_iter().map(|o| { let lossy = o.lost() > 0; view! {
                                <tr
                                    data-testid=format!("race-{}", o.variant.key())
                                    data-counted=o.counted
                                    data-expected=o.expected()
                                    data-lost=o.lost()
                                    class:lossy=lossy
                                >
                                    <th scope="row">{o.variant.label()}<span class="py">{o.variant.python()}</span></th>
                                    <td>{format::count(o.counted)}</td>
                                    <td>{o.lost_text()}</td>
                                    <td>{format::ms(o.ms)}</td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </div>
                {move || threads_error.get().map(|why| view! { <p class="error" data-testid="race-threads-error">{format!("Threads did not run: {why}.")}</p> })}
                <p class="verdict" data-testid="race-verdict">{move || outcomes.with(|o| verdict(o))}</p>
            </Show>
            <ThreadsNote />
        </article>
    }
}
