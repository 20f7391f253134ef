//! Restarting a failed pool, offered where the failure is reported.

use leptos::prelude::*;

use super::state::{AppState, PoolView};

/// "Restart the pool" (and a smaller pool when only some workers could start), shown while
/// the pool has failed.
#[component]
pub fn PoolRestart() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let PoolView::Failed { started, .. } = state.pool.get() else {
            return None;
        };
        let asked = state.pool_requested.get_untracked();
        // Offer the size that did start when fewer workers could (the browser's limit).
        let smaller = started.filter(|s| (1..asked).contains(s));
        Some(view! {
            <div class="offer" data-testid="pool-failed">
                <button type="button" data-testid="pool-restart" on:click=move |_| state.restart_pool(asked)>
                    {format!("Restart the pool ({asked} workers)")}
                </button>
                {smaller.map(|n| view! {
                    " "
                    <button type="button" data-testid="pool-smaller" on:click=move |_| state.restart_pool(n)>
                        {format!("Start {n} worker{} instead", if n == 1 { "" } else { "s" })}
                    </button>
                })}
            </div>
        })
    }
}
