//! Restarting a failed pool, offered where the failure is reported.

use leptos::prelude::*;

use crate::ui::state::{PoolState, PoolView, part};

/// "Restart the pool" (and a smaller pool when only some workers could start), shown while
/// the pool has failed.
#[component]
pub fn PoolRestart() -> impl IntoView {
    let pool = part::<PoolState>();
    move || {
        // The build without threads has no pool to restart: its code stays out of it.
        if cfg!(feature = "no-threads") {
            return None;
        }
        let PoolView::Failed { started, .. } = pool.view.get() else {
            return None;
        };
        let asked = pool.requested.get_untracked();
        // Offer the size that did start when fewer workers could (the browser's limit).
        let smaller = started.filter(|s| (1..asked).contains(s));
        Some(view! {
            <div class="offer" data-testid="pool-failed">
                <button type="button" data-testid="pool-restart" on:click=move |_| pool.restart(asked)>
                    {format!("Restart the pool ({asked} workers)")}
                </button>
                {smaller.map(|n| view! {
                    " "
                    <button type="button" data-testid="pool-smaller" on:click=move |_| pool.restart(n)>
                        {format!("Start {n} worker{} instead", if n == 1 { "" } else { "s" })}
                    </button>
                })}
            </div>
        })
    }
}
