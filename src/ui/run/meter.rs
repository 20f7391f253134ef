//! The responsiveness meter: something that moves on the main thread, a sparkline of frame
//! times with the 16.7 ms budget, and the longest stall as a number. Runs all the time (an
//! idle baseline between runs); freezes visibly when a strategy blocks the main thread.

use leptos::html::{Canvas, Div};
use leptos::prelude::*;

use crate::model::format;
use crate::runtime::frames::{Interval, RafLoop, prefers_reduced_motion};
use crate::runtime::{canvas, clock, probe};
use crate::ui::state::{Library, part};

/// The sparkline's window, ms.
const WINDOW_MS: f64 = 5_000.0;

/// The meter.
#[component]
pub fn Meter() -> impl IntoView {
    let library = part::<Library>();
    let dot = NodeRef::<Div>::new();
    let spark = NodeRef::<Canvas>::new();
    let reduced = prefers_reduced_motion();
    let recent_stall = RwSignal::new(0.0f64);
    let fps = RwSignal::new(0u32);
    let handles = StoredValue::new_local(None::<(Option<RafLoop>, Interval)>);

    Effect::new(move |_| {
        let (Some(dot_el), Some(spark_el)) = (dot.get(), spark.get()) else {
            return;
        };
        if handles.with_value(Option::is_some) {
            return;
        }
        // The dot's position is a function of time, set from requestAnimationFrame: when the
        // main thread stalls, it stops. Only its place along the track changes, as a fraction
        // (`--at`; the stylesheet turns it into a transform in the track's width): no layout
        // is read or made, every frame, for a dot.
        let mover = (!reduced).then(|| {
            let style = web_sys::HtmlElement::style(&dot_el);
            RafLoop::start(move |t| {
                let at = (1.0 - (t / 900.0).cos()) / 2.0;
                let _ = style.set_property("--at", &format!("{at:.4}"));
            })
        });
        let theme = canvas::theme(&spark_el);
        let painter = Interval::start(100, move || {
            let now = clock::now_ms();
            let frames = probe::frame_window(now - WINDOW_MS, now);
            canvas::paint_sparkline(&spark_el, &frames, now, WINDOW_MS, &theme);
            let stall = probe::measure(now - WINDOW_MS, now).longest_stall_ms;
            if (stall - recent_stall.get_untracked()).abs() >= 1.0 {
                recent_stall.set(stall);
            }
            let last_second = frames.iter().filter(|f| f.at_ms > now - 1000.0).count() as u32;
            if last_second != fps.get_untracked() {
                fps.set(last_second);
            }
        });
        handles.set_value(Some((mover, painter)));
    });
    on_cleanup(move || handles.set_value(None));

    let last = move || {
        library.results.with(|v| {
            v.last().map(|r| {
                (
                    r.strategy(),
                    r.head.responsiveness.longest_stall_ms,
                    r.makespan_ms(),
                )
            })
        })
    };
    view! {
        <section class="meter" aria-label="Main-thread responsiveness">
            <div class="meter-head">
                <h3 class="sub">"Main thread"</h3>
                <span class="muted">{if reduced { "(reduced motion: the dot stays still; the chart still shows stalls)" } else { "the dot moves only while the main thread is free" }}</span>
            </div>
            <div class="track" aria-hidden="true">
                <div class="dot" node_ref=dot></div>
            </div>
            <canvas class="spark" node_ref=spark role="img" aria-label="Frame times over the last 5 seconds, with the 16.7 ms frame budget"></canvas>
            <dl class="meter-figures">
                <div>
                    <dt>"Longest stall, last 5 s"</dt>
                    <dd data-testid="meter-recent-stall">{move || format::ms(recent_stall.get())}</dd>
                </div>
                <div>
                    <dt>"Frames, last second"</dt>
                    <dd data-testid="meter-fps">{move || fps.get()}</dd>
                </div>
                <div>
                    <dt>"Last run's longest stall"</dt>
                    <dd data-testid="meter-last-stall" data-value=move || last().map(|(_, s, _)| s.to_string())>
                        {move || match last() {
                            None => "–".to_string(),
                            Some((s, stall, makespan)) => format!(
                                "{} ({:.0}% of its {} run, {})",
                                format::ms(stall),
                                if makespan > 0.0 { (stall / makespan * 100.0).min(100.0) } else { 0.0 },
                                format::ms(makespan),
                                s.label()
                            ),
                        }}
                    </dd>
                </div>
            </dl>
        </section>
    }
}
