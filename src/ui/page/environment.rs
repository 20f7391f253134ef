//! What this browser offers: isolation, the worker pool, cores, and the kernel's calibration.

use leptos::prelude::*;

use crate::model::format;
use crate::ui::state::{Page, PoolState, PoolView, part};

/// The environment strip under the title.
#[component]
pub fn Environment() -> impl IntoView {
    let page = part::<Page>();
    let pool = part::<PoolState>();
    let caps = page.caps;
    let status = move || {
        match pool.view.get() {
        PoolView::Starting { workers } => view! {
            <span data-testid="pool-status" data-state="starting">{format!("starting {workers} workers…")}</span>
        }
        .into_any(),
        PoolView::Ready { workers, took_ms } => view! {
            <span data-testid="pool-status" data-state="ready" data-workers=workers.to_string()>
                {format!("{workers} worker{} · started in {}", if workers == 1 { "" } else { "s" }, format::ms(took_ms))}
            </span>
        }
        .into_any(),
        PoolView::Unavailable(why) => view! {
            <span data-testid="pool-status" data-state="unavailable" class="bad">{format!("unavailable: {why}")}</span>
        }
        .into_any(),
        PoolView::Failed { why, .. } => view! {
            <span data-testid="pool-status" data-state="failed" class="bad">{format!("failed: {why}")}</span>
        }
        .into_any(),
    }
    };
    let calibration = move || match pool.calibration.get() {
        None => "calibrating…".to_string(),
        Some(c) => format!(
            "{} units/ms on one thread (calibrated in {})",
            format::count(c.units_per_ms.round() as u64),
            format::ms(c.took_ms)
        ),
    };
    view! {
        <section class="env" aria-label="This browser">
            <dl>
                <div>
                    <dt>"Cross-origin isolated"</dt>
                    <dd data-testid="isolation" data-value=caps.cross_origin_isolated.to_string()>
                        {if caps.cross_origin_isolated { "yes" } else { "no" }}
                    </dd>
                </div>
                <div>
                    <dt title="The loader picks the threaded build where a shared WebAssembly memory can be made, the single-threaded one elsewhere">"Build"</dt>
                    <dd data-testid="build" data-value=caps.build()>
                        {if caps.atomics_build { "threads (shared wasm memory)" } else { "single-threaded (no shared wasm memory here)" }}
                    </dd>
                </div>
                <div>
                    <dt>"Cores"</dt>
                    <dd data-testid="cores">{caps.cores}</dd>
                </div>
                <div>
                    <dt>"Thread pool"</dt>
                    <dd>{status}</dd>
                </div>
                <div>
                    <dt>"CPU kernel"</dt>
                    <dd data-testid="calibration" data-value=move || pool.calibration.get().map(|c| c.units_per_ms.to_string())>
                        {calibration}
                    </dd>
                </div>
                <div>
                    <dt title="Until the experiment in the link can run with every strategy: the pool started, and the kernel calibrated when the experiment computes">"Ready after"</dt>
                    <dd data-testid="ready" data-value=move || pool.ready_ms.get().map(|v| format!("{v:.1}"))>
                        {move || pool.ready_ms.get().map(format::ms).unwrap_or_else(|| "…".into())}
                    </dd>
                </div>
            </dl>
        </section>
    }
}
