//! The "Memory per task" panel: bytes per pending async task at N tasks (one N, or a sweep
//! over the decades), per worker thread (held and reserved apart), and per process (from the
//! latest Processes run, which measures each process's own wasm memory as it starts), beside
//! the articles' and CPython's figures, with a chart and a verdict. Measurements are
//! `runtime::memory`'s; figures and sentences `model::memory`'s.

pub mod chart;

use leptos::prelude::*;

use crate::model::experiment::params::Strategy;
use crate::model::format;
use crate::model::memory::{self, Measured, SWEEP, TaskMemory, ThreadMemory};
use crate::runtime::memory::{measure_strategy_tasks, measure_tasks, measure_threads};
use crate::runtime::timer::{sleep, yield_now};
use crate::ui::memory::chart::MemoryChart;
use crate::ui::state::{Library, PoolState, Runner, WARM_UP_POLL_MS, part};

/// The panel's state: what was measured, and what is being measured.
#[derive(Clone, Copy)]
struct Panel {
    text: RwSignal<String>,
    tasks: RwSignal<Vec<TaskMemory>>,
    /// The same counts as the Async strategy's tasks.
    strategy: RwSignal<Vec<TaskMemory>>,
    threads: RwSignal<Option<ThreadMemory>>,
    busy: RwSignal<Option<String>>,
    /// The browser is measuring the workers (it may take a minute; tasks can be measured
    /// meanwhile).
    threads_busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
}

/// What the panel's measurements are called while they hold the page (`Runner::measuring`).
const MEASURING: &str = "memory";

impl Panel {
    /// Measures each count in `counts`, then the threads; one measurement at a time, with a
    /// turn of the event loop between them so the page repaints.
    async fn measure(self, runner: Runner, pool: PoolState, counts: Vec<u32>) {
        runner.measuring.set(Some(MEASURING));
        self.error.set(None);
        self.busy
            .set(Some("Waiting for the start-up warm-up to end…".into()));
        while pool.warm_up_pending() {
            sleep(WARM_UP_POLL_MS).await;
        }
        for (i, n) in counts.iter().enumerate() {
            self.busy.set(Some(format!(
                "Measuring {} pending tasks ({} of {})…",
                format::count(u64::from(*n)),
                i + 1,
                counts.len()
            )));
            yield_now().await;
            let measured = match measure_tasks(*n).await {
                Ok(sleeping) => measure_strategy_tasks(*n).await.map(|s| (sleeping, s)),
                Err(why) => Err(why),
            };
            match measured {
                Ok((sleeping, strategy)) => {
                    keep(self.tasks, sleeping);
                    keep(self.strategy, strategy);
                }
                Err(why) => {
                    self.error.set(Some(why));
                    break;
                }
            }
        }
        self.busy.set(None);
        if !self.threads_busy.get_untracked() {
            self.threads_busy.set(true);
            self.threads.set(Some(measure_threads().await));
            self.threads_busy.set(false);
        }
        runner.measuring.set(None);
    }
}

/// Adds `m` to `list`, in place of an earlier measurement of as many tasks.
fn keep(list: RwSignal<Vec<TaskMemory>>, m: TaskMemory) {
    list.update(|v| {
        v.retain(|o| o.tasks != m.tasks);
        v.push(m);
        v.sort_by_key(|m| m.tasks);
    });
}

/// The memory panel.
#[component]
pub fn MemoryPanel() -> impl IntoView {
    let (runner, library) = (part::<Runner>(), part::<Library>());
    let pool = part::<PoolState>();
    let panel = Panel {
        text: RwSignal::new(format::count(u64::from(memory::HEADLINE_TASKS))),
        tasks: RwSignal::new(Vec::new()),
        strategy: RwSignal::new(Vec::new()),
        threads: RwSignal::new(None),
        busy: RwSignal::new(None),
        threads_busy: RwSignal::new(false),
        error: RwSignal::new(None),
    };
    let parsed = Memo::new(move |_| panel.text.with(|t| memory::parse_tasks(t)));
    let blocked = move || {
        panel.busy.with(Option::is_some)
            || runner.running.with(Option::is_some)
            || runner.measuring.with(|m| m.is_some_and(|m| m != MEASURING))
    };
    let start =
        move |counts: Vec<u32>| leptos::task::spawn_local(panel.measure(runner, pool, counts));
    // The last kept run's task records (counted, not measured by the allocator).
    let kept_records = move || {
        library.results.with(|v| {
            v.last()
                .filter(|r| !r.tasks.is_empty())
                .map(|r| (r.tasks.len(), r.detail_bytes()))
        })
    };
    let headline_bytes = move || {
        panel.tasks.with(|v| {
            memory::headline(v).map_or(String::new(), |m| format!("{:.1}", m.bytes_per_task()))
        })
    };

    view! {
        <div class="memory" data-testid="memory" data-state=move || if panel.busy.with(Option::is_some) { "measuring" } else { "idle" }
            data-bytes-per-task=headline_bytes
            data-threads=move || if panel.threads_busy.get() { "measuring" } else if panel.threads.with(Option::is_some) { "done" } else { "none" }
        >
            <p class="muted intro">
                "How many bytes does a pending async task hold while it waits? Each measured task awaits one sleep on the async strategy's scheduler and timer; "
                "a counting allocator reads the wasm heap before, while every task is pending, and after (the records of finished tasks counted apart)."
            </p>
            <div class="memory-controls">
                <div class="field" class:invalid=move || parsed.with(Result::is_err)>
                    <label for="memory-tasks">"Pending tasks"</label>
                    <input id="memory-tasks" data-testid="memory-tasks" inputmode="numeric" aria-describedby="memory-tasks-error"
                        prop:value=move || panel.text.get()
                        on:input=move |ev| panel.text.set(event_target_value(&ev))
                    />
                    <p class="error" id="memory-tasks-error" data-testid="memory-tasks-error" aria-live="polite">
                        {move || parsed.get().err().map(|e| format!("Pending tasks {e}"))}
                    </p>
                </div>
                <div class="buttons">
                    <button type="button" class="primary" data-testid="memory-measure"
                        disabled=move || blocked() || parsed.with(Result::is_err)
                        on:click=move |_| { if let Ok(n) = parsed.get_untracked() { start(vec![n]) } }
                    >"Measure"</button>
                    <button type="button" data-testid="memory-sweep" disabled=blocked
                        on:click=move |_| start(SWEEP.to_vec())
                    >"Sweep 1 to 1,000,000"</button>
                </div>
            </div>
            <p class="muted" data-testid="memory-status" aria-live="polite">
                {move || panel.busy.get().or_else(|| runner.running.with(Option::is_some).then(|| "Measurements wait for the run to end (the allocator counts every thread).".to_string()))}
            </p>
            {move || panel.error.get().map(|e| view! { <p class="bad" data-testid="memory-error">{e}</p> })}
            <p class="verdict" data-testid="memory-verdict">
                {move || panel.tasks.with(|v| memory::headline(v).map(memory::verdict))}
            </p>
            <p class="verdict" data-testid="memory-thread-verdict">
                {move || panel.threads.with(|t| t.as_ref().map(memory::thread_verdict))}
            </p>
            <p class="muted" data-testid="memory-thread-status" aria-live="polite">
                {move || if panel.threads_busy.get() {
                    Some("Asking the browser what a worker holds (Chromium waits up to 60 s for the pool's workers, which are blocked in their threads)…".to_string())
                } else {
                    panel.threads.with(|t| t.as_ref().and_then(memory::browser_note))
                }}
            </p>
            <div class="memory-figures">
                <MemoryChart tasks=panel.tasks strategy=panel.strategy />
                <Table tasks=panel.tasks strategy=panel.strategy threads=panel.threads />
            </div>
            <Measurements tasks=panel.tasks strategy=panel.strategy />
            {move || kept_records().map(|(tasks, bytes)| view! {
                <p class="note" data-testid="memory-records" data-tasks=tasks.to_string() data-bytes=bytes.to_string()>
                    {memory::records_note(tasks, bytes)}
                </p>
            })}
        </div>
    }
}

/// Per task, per thread, per process: held and reserved apart, with their sources.
#[component]
fn Table(
    tasks: RwSignal<Vec<TaskMemory>>,
    strategy: RwSignal<Vec<TaskMemory>>,
    threads: RwSignal<Option<ThreadMemory>>,
) -> impl IntoView {
    let library = part::<Library>();
    // The latest Processes run that measured its processes' start-up.
    let process_wasm_bytes = move || {
        library.results.with(|runs| {
            runs.iter()
                .rev()
                .filter(|r| r.strategy() == Strategy::Processes)
                .find_map(|r| r.head.startup.map(|s| s.memory_bytes))
        })
    };
    let rows = move || {
        tasks.with(|t| {
            strategy.with(|s| {
                threads.with(|th| {
                    memory::rows(Measured {
                        tasks: t,
                        strategy_tasks: s,
                        threads: th.as_ref(),
                        process_wasm_bytes: process_wasm_bytes(),
                    })
                })
            })
        })
    };
    let body = move || -> String { rows().iter().map(row_html).collect() };
    view! {
        <div class="table-wrap">
            <table class="results memory-table" data-testid="memory-table">
                <thead>
                    <tr>
                        <th scope="col">"Per"</th>
                        <th scope="col">"Held (resident)"</th>
                        <th scope="col">"Reserved"</th>
                        <th scope="col">"Source"</th>
                    </tr>
                </thead>
                <tbody inner_html=body></tbody>
            </table>
        </div>
    }
}

/// Every measurement in full: the chart's data, what the parts add up to (from `size_of`),
/// the records, what was left behind, and the wasm memory.
#[component]
fn Measurements(
    tasks: RwSignal<Vec<TaskMemory>>,
    strategy: RwSignal<Vec<TaskMemory>>,
) -> impl IntoView {
    let parts = move || {
        tasks.with(|v| {
            memory::headline(v).map(|m| {
                let list = m
                    .parts
                    .iter()
                    .map(|p| format!("{} {} B", p.what, p.bytes))
                    .collect::<Vec<_>>()
                    .join(" · ");
                format!(
                    "What the runtime holds for each pending task, from size_of: {list} = {} B; measured {} (the rest is buffers' growth room and the set's fixed cost).",
                    m.parts_bytes(),
                    format::bytes(m.bytes_per_task())
                )
            })
        })
    };
    let body = move || -> String {
        let sleeping = tasks.with(|v| {
            v.iter()
                .map(|m| point_html("sleep", "sleeping", m))
                .collect::<Vec<_>>()
        });
        let runs = strategy.with(|v| {
            v.iter()
                .map(|m| point_html("strategy", "Async strategy", m))
                .collect::<Vec<_>>()
        });
        sleeping.into_iter().chain(runs).collect()
    };
    view! {
        <Show when=move || tasks.with(|v| !v.is_empty())>
            <p class="note" data-testid="memory-parts">{parts}</p>
            <details class="table-alt">
                <summary>"Every measurement"</summary>
                <div class="table-wrap">
                    <table class="data" data-testid="memory-measurements">
                        <thead>
                            <tr>
                                <th scope="col">"Task"</th>
                                <th scope="col">"Pending tasks"</th>
                                <th scope="col">"Per pending task"</th>
                                <th scope="col">"Allocations per task"</th>
                                <th scope="col">"Record per finished task"</th>
                                <th scope="col">"Left behind"</th>
                                <th scope="col">"wasm memory grew"</th>
                                <th scope="col">"Spawn and first poll"</th>
                                <th scope="col">"Whole measurement"</th>
                            </tr>
                        </thead>
                        <tbody inner_html=body></tbody>
                    </table>
                </div>
            </details>
        </Show>
    }
}

// The tables' rows are HTML text rather than views: they are rebuilt whole after every
// measurement anyway, and as views they made the wasm noticeably larger.

/// `s` safe inside HTML text and attribute values.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One row of the memory table; `data-held` and `data-reserved` are plain numbers, absent
/// where there is none.
fn row_html(r: &memory::Row) -> String {
    let number = |name: &str, v: Option<f64>, digits: usize| {
        v.map_or(String::new(), |v| format!(r#" data-{name}="{v:.digits$}""#))
    };
    format!(
        r#"<tr data-testid="memory-row-{}"{}{} data-source="{}"><th scope="row">{}</th><td data-label="Held (resident)">{}</td><td data-label="Reserved">{}</td><td data-label="Source" class="muted">{}</td></tr>"#,
        r.key,
        number("held", r.held.value(), 1),
        number("reserved", r.reserved.value(), 0),
        r.source.key(),
        escape(&r.what),
        escape(&r.held.text()),
        escape(&r.reserved.text()),
        r.source.label()
    )
}

/// One measurement's row, `kind` `sleep` or `strategy`.
fn point_html(kind: &str, what: &str, m: &TaskMemory) -> String {
    format!(
        r#"<tr data-testid="memory-point" data-kind="{kind}" data-tasks="{}" data-bytes="{:.2}" data-record-bytes="{:.2}" data-leftover="{:.0}" data-wasm-memory="{}" data-ms="{:.1}"><td>{what}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
        m.tasks,
        m.bytes_per_task(),
        m.record_bytes_per_task(),
        m.leftover_bytes(),
        m.memory_pending,
        m.total_ms,
        format::count(u64::from(m.tasks)),
        format::bytes(m.bytes_per_task()),
        m.allocs_per_task(),
        format::bytes(m.record_bytes_per_task()),
        format::bytes(m.leftover_bytes()),
        format::bytes(m.memory_growth() as f64),
        format::ms(m.spawn_ms),
        format::ms(m.total_ms)
    )
}
