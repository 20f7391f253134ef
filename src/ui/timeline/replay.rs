//! Replay of the timeline's finished run: play it at 1×, 0.1× or 0.01×, or scrub with the
//! slider or the arrow keys. The playhead (painted by the timeline) shows the instant; here,
//! what held each lane then, how many tasks waited or were queued, and the event loop's lag
//! (`model::timeline::replay`), and the matching rows of the data table are marked.

use leptos::prelude::*;

use crate::model::experiment::params::Strategy;
use crate::model::format;
use crate::model::run::record::SegmentKind;
use crate::model::timeline;
use crate::model::timeline::replay::{self, Moment, Playback, SPEEDS, STEPS};
use crate::runtime::frames::RafLoop;
use crate::runtime::{clock, dom};
use crate::ui::state::{TimelineRun, part};

fn describe(m: &Moment) -> String {
    let lanes: Vec<String> = m
        .lanes
        .iter()
        .map(|(lane, hold)| match hold {
            Some(h) => format!(
                "{}: task {} {}",
                lane.short_label(),
                h.task,
                match h.kind {
                    SegmentKind::Cpu => "computing",
                    SegmentKind::Wait => "blocked in a wait",
                    SegmentKind::LockWait => "waiting for the GIL",
                }
            ),
            None => format!("{}: idle", lane.short_label()),
        })
        .collect();
    let lag = m
        .lag_ms
        .map_or("lag –".to_string(), |l| format!("lag {}", format::ms(l)));
    let gil = if m.lock_waiting > 0 {
        format!(" · {} waiting for the GIL", m.lock_waiting)
    } else {
        String::new()
    };
    format!(
        "{} · {} waiting{gil} · {} queued · {} done · {lag}",
        lanes.join(" · "),
        m.waiting,
        m.queued,
        m.done
    )
}

/// The replay controls and the state at the playhead, for the timeline's finished run (hidden
/// while there is none).
#[component]
pub fn Replay() -> impl IntoView {
    let timeline = part::<TimelineRun>();
    let playback = RwSignal::new(Playback::new(0.0));
    let ticker = StoredValue::new_local(None::<RafLoop>);
    // A new run (or none) starts the replay over, stopped.
    Effect::new(move |_| {
        let span = timeline.with(|l| l.run().map_or(0.0, |r| r.makespan_ms()));
        if playback.with_untracked(|p| p.span_ms != span) {
            ticker.set_value(None);
            playback.set(Playback::new(span));
        }
    });
    let moment = Memo::new(move |_| {
        let at = timeline.playhead.get()?;
        timeline.with(|l| {
            let run = l.run()?;
            let lanes = timeline::lanes(run.strategy(), l.workers, &[], &run.tasks, &[]);
            Some(replay::moment(
                &run.tasks,
                &lanes,
                run.strategy(),
                &run.head.lag,
                at,
            ))
        })
    });
    // The data table's rows of the tasks holding a lane.
    Effect::new(move |_| {
        let holders: Vec<u32> = moment.with(|m| {
            m.as_ref()
                .map(|m| m.holders().collect())
                .unwrap_or_default()
        });
        dom::mark_rows("[data-testid=timeline-table]", &holders);
    });
    let seek = move |at: f64| {
        playback.update(|p| p.seek(at));
        timeline
            .playhead
            .set(Some(playback.with_untracked(|p| p.at_ms)));
    };
    let play = move || {
        playback.update(Playback::play);
        timeline
            .playhead
            .set(Some(playback.with_untracked(|p| p.at_ms)));
        let last = std::cell::Cell::new(clock::now_ms());
        ticker.set_value(Some(RafLoop::start(move |_| {
            let now = clock::now_ms();
            playback.update(|p| p.advance(now - last.replace(now)));
            let p = playback.get_untracked();
            timeline.playhead.set(Some(p.at_ms));
            if !p.playing {
                // Dropped after this callback returns, not inside it.
                leptos::task::spawn_local(async move { ticker.set_value(None) });
            }
        })));
    };
    let pause = move || {
        ticker.set_value(None);
        playback.update(|p| p.playing = false);
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let steps = match ev.key().as_str() {
            "ArrowRight" | "ArrowUp" => 1.0,
            "ArrowLeft" | "ArrowDown" => -1.0,
            "PageUp" => 10.0,
            "PageDown" => -10.0,
            "Home" => -STEPS,
            "End" => STEPS,
            _ => return,
        };
        ev.prevent_default();
        pause();
        playback.update(|p| p.step(steps));
        timeline
            .playhead
            .set(Some(playback.with_untracked(|p| p.at_ms)));
    };
    let strategy_on_loop =
        move || timeline.with(|l| l.strategy.is_some_and(Strategy::on_event_loop));
    // Mounted once with the timeline and hidden while there is nothing to replay (mounting it
    // with each run left allocations behind, run after run).
    let replayable = move || timeline.with(|l| l.run().is_some_and(|r| !r.tasks.is_empty()));
    view! {
        <div class="replay" data-testid="replay" role="group" aria-label="Replay" hidden=move || !replayable()>
            <button type="button" data-testid="replay-play"
                on:click=move |_| if playback.with_untracked(|p| p.playing) { pause() } else { play() }
            >{move || if playback.with(|p| p.playing) { "Pause" } else { "Replay" }}</button>
            <select data-testid="replay-speed" aria-label="Replay speed"
                on:change=move |ev| {
                    let speed = event_target_value(&ev).parse().unwrap_or(SPEEDS[1]);
                    playback.update(|p| p.speed = speed);
                }
            >
                {SPEEDS.map(|s| view! {
                    <option value=s.to_string() selected=move || playback.with(|p| p.speed == s)>{format!("{s}×")}</option>
                }).into_iter().collect::<Vec<_>>()}
            </select>
            <input type="range" min="0" step="any" data-testid="replay-slider"
                aria-label="Replay position (arrow keys step, Page Up and Down take ten steps)"
                max=move || playback.with(|p| p.span_ms).to_string()
                prop:value=move || playback.with(|p| p.at_ms).to_string()
                on:input=move |ev| {
                    pause();
                    seek(event_target_value(&ev).parse().unwrap_or(0.0));
                }
                on:keydown=keys
            />
            <output data-testid="replay-time">
                {move || playback.with(|p| format!("{} of {}", format::ms(p.at_ms), format::ms(p.span_ms)))}
            </output>
            <p class="replay-state" aria-live="polite" data-testid="replay-state"
                data-holders=move || moment.with(|m| m.as_ref().map(|m| m.holders().map(|t| t.to_string()).collect::<Vec<_>>().join(",")))
            >
                {move || match moment.get() {
                    Some(m) => describe(&m),
                    None if strategy_on_loop() => "Replay or scrub to see, at each instant, which task holds the event loop, how many wait and how many are queued.".into(),
                    None => "Replay or scrub to see, at each instant, which task holds each worker, how many wait and how many are queued.".into(),
                }}
            </p>
        </div>
    }
}
