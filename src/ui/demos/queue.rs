//! Producer-consumer: throughput and the queue's depth over time, async against threads.

use leptos::prelude::*;

use crate::model::charts::polyline;
use crate::model::demos::queue::{
    CAPACITY, CONSUME_US, Config, ITEMS, PRODUCE_US, QueueRun, Work, verdict,
};
use crate::model::format;
use crate::runtime::demos::queue;
use crate::ui::charts::frame::{H, W, axes, dur, short, x_scale, y_scale};
use crate::ui::demos::{DemoChoice, DemoField, RunButton, ThreadsNote, field_text, start};

const ID: &str = "queue";
/// Time buckets of the depth chart (about one per pixel of its plot area).
const BUCKETS: usize = 300;

/// What one press of Run measured.
#[derive(Debug, Clone)]
struct Measured {
    work: Work,
    asyn: QueueRun,
    threads: Result<QueueRun, String>,
}

/// The producer-consumer demo.
#[component]
pub fn QueueDemo() -> impl IntoView {
    let items = field_text(ITEMS);
    let capacity = field_text(CAPACITY);
    let produce = field_text(PRODUCE_US);
    let consume = field_text(CONSUME_US);
    let work = RwSignal::new(Work::Wait.key());
    let parsed = Memo::new(move |_| -> Result<Config, String> {
        let field = |b: crate::model::demos::Bound, t: RwSignal<String>| {
            b.parse(&t.get()).map_err(|_| String::new())
        };
        let cfg = Config {
            items: field(ITEMS, items)?,
            capacity: field(CAPACITY, capacity)?,
            produce_us: field(PRODUCE_US, produce)?,
            consume_us: field(CONSUME_US, consume)?,
            work: Work::from_key(work.get()).unwrap_or(Work::Wait),
        };
        cfg.check().map(|()| cfg)
    });
    let result = RwSignal::new(None::<Measured>);
    let run = move || {
        let Ok(cfg) = parsed.get_untracked() else {
            return;
        };
        start(ID, async move {
            let asyn = queue::run_async(cfg).await;
            let threads = queue::run_threads(cfg).await;
            result.set(Some(Measured {
                work: cfg.work,
                asyn,
                threads,
            }));
        });
    };
    view! {
        <article class="demo" data-testid="demo-queue">
            <h3 class="sub">"Producer-consumer"</h3>
            <p class="muted">
                "A producer puts items into a bounded queue, a consumer takes them out: "
                <code>"asyncio.Queue(maxsize)"</code> " between two tasks, against "
                <code>"queue.Queue(maxsize)"</code> " between two threads. Each item costs each side a wait or a computation."
            </p>
            <form class="params demo-params" on:submit=|ev| ev.prevent_default()>
                <DemoField id=ID key="items" bound=ITEMS text=items />
                <DemoField id=ID key="capacity" bound=CAPACITY text=capacity />
                <DemoField id=ID key="produce" bound=PRODUCE_US text=produce />
                <DemoField id=ID key="consume" bound=CONSUME_US text=consume />
                <DemoChoice id=ID key="work" label="Work per item" options=Work::ALL.map(|w| (w.key(), w.label())).to_vec() value=work />
                {move || parsed.get().err().filter(|e| !e.is_empty()).map(|e| view! { <p class="warning" data-testid="error-queue-budget">{e}</p> })}
            </form>
            <RunButton id=ID label=Signal::derive(|| "Run".to_string()) invalid=Signal::derive(move || parsed.get().is_err()) on_run=run />
            {move || result.get().map(|m| view! { <QueueResults m=m /> })}
            <ThreadsNote />
        </article>
    }
}

#[component]
fn QueueResults(m: Measured) -> impl IntoView {
    let a = m.asyn.stats();
    let t = m.threads.as_ref().ok().map(QueueRun::stats);
    let sentence = verdict(m.work, &a, t.as_ref());
    let row = |model: &'static str, name: &'static str, run: &QueueRun| {
        let s = run.stats();
        view! {
            <tr
                data-testid=format!("queue-{model}")
                data-throughput=format!("{:.1}", s.throughput)
                data-max-depth=s.max_depth
                data-samples=run.samples.len()
            >
                <th scope="row">{name}</th>
                <td>{format!("{:.0}", s.throughput)}</td>
                <td>{format::ms(s.ms)}</td>
                <td>{format!("{:.1} / {}", s.mean_depth, s.max_depth)}</td>
                <td>{format!("{:.0}%", s.full_pct)}</td>
                <td>{format!("{:.0}%", s.empty_pct)}</td>
            </tr>
        }
    };
    let span = m
        .threads
        .as_ref()
        .map_or(0.0, |t| t.end_ms - t.start_ms)
        .max(m.asyn.end_ms - m.asyn.start_ms);
    let (x, y) = (
        x_scale(0.0, span.max(1.0), false),
        y_scale(0.0, f64::from(m.asyn.capacity), false),
    );
    let line = |run: &QueueRun| {
        polyline(
            run.series(BUCKETS)
                .into_iter()
                .map(|(t, d)| (x.px(t), y.px(d))),
        )
    };
    view! {
        <div class="table-wrap">
            <table class="data demo-table">
                <thead>
                    <tr>
                        <th scope="col">"Model"</th><th scope="col">"Items/s"</th><th scope="col">"Time"</th>
                        <th scope="col" title="Items in the queue, averaged over time, and the most">"Depth mean / max"</th>
                        <th scope="col" title="Share of the run the queue was full">"Full"</th>
                        <th scope="col" title="Share of the run the queue was empty">"Empty"</th>
                    </tr>
                </thead>
                <tbody>
                    {row("async", "Async", &m.asyn)}
                    {m.threads.as_ref().ok().map(|r| row("threads", "Threads", r))}
                </tbody>
            </table>
        </div>
        {m.threads.as_ref().err().map(|why| view! { <p class="error">{format!("Threads did not run: {why}.")}</p> })}
        <svg viewBox=format!("0 0 {W} {H}") class="chart" role="img" aria-label="Queue depth over time, async and threads" data-testid="queue-chart">
            {axes(x, y, "time since the producer started", "items in the queue", dur, short)}
            <g class="series s1"><polyline points=line(&m.asyn)></polyline></g>
            {m.threads.as_ref().ok().map(|r| view! { <g class="series s2"><polyline points=line(r)></polyline></g> })}
        </svg>
        <p class="chart-legend" aria-hidden="true">
            <span class="k s1">"Async"</span>
            <span class="k s2">"Threads"</span>
        </p>
        <p class="verdict" data-testid="queue-verdict">{sentence}</p>
    }
}
