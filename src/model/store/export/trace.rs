//! The Chrome Trace Event format, as Perfetto and `chrome://tracing` open it: a process per
//! run, a thread per lane, an event per task and per segment, and the event-loop lag as a
//! counter.

use super::Sink;
use crate::model::experiment::params::Strategy;
use crate::model::run::record::{Lane, RunRecord, SegmentKind};
use crate::model::store::json;

/// A lane's thread id in a trace: the main thread 0, worker k k + 1, process k 1001 + k.
pub fn trace_tid(lane: Lane) -> u32 {
    match lane {
        Lane::Main => 0,
        Lane::Worker(k) => 1 + u32::from(k),
        Lane::Process(k) => 1001 + u32::from(k),
    }
}

/// A lane's name in a trace.
fn thread_name(lane: Lane, strategy: Strategy) -> String {
    match lane {
        Lane::Main if strategy.on_event_loop() => "main (event loop)".into(),
        l => l.short_label(),
    }
}

fn segment_name(kind: SegmentKind) -> &'static str {
    match kind {
        SegmentKind::Cpu => "compute",
        SegmentKind::Wait => "wait",
        SegmentKind::LockWait => "wait for the GIL",
    }
}

/// A trace event: its phase, name, category, process, thread and time (µs), then `more`
/// (fields already JSON, each with its leading comma).
fn event(ph: &str, name: &str, cat: &str, pid: usize, tid: u32, ts_us: f64, more: &str) -> String {
    format!(
        "{{\"ph\":\"{ph}\",\"name\":{},\"cat\":\"{cat}\",\"pid\":{pid},\"tid\":{tid},\"ts\":{}{more}}}",
        json::string(name),
        json::number(ts_us)
    )
}

/// Writes `runs` as Chrome Trace Event JSON (Perfetto, `chrome://tracing`): a process per run
/// (`pid` from 1, each run's clock from its own start), a thread per lane, named; an `X` event
/// per task and per segment. Where a lane holds its task whole (sequential, threads, GIL,
/// processes) segments nest in their task's event. On the event loop tasks overlap, so each
/// task and its waits are async events (`b`/`e`, by task number) and only computations are
/// `X` events on the lane that ran them. Event-loop lag is a counter on the main thread.
pub fn write(runs: &[&RunRecord], out: &mut dyn FnMut(String)) {
    let mut sink = Sink::new(out);
    sink.buf
        .push_str("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    let mut first = true;
    let mut push = |sink: &mut Sink, e: String| {
        if !first {
            sink.buf.push(',');
        }
        first = false;
        sink.buf.push_str(&e);
    };
    let us = |ms: f64| ms * 1000.0;
    for (i, run) in runs.iter().enumerate() {
        let pid = i + 1;
        let name = format!("{pid} · {}", run.head.params.summary());
        let meta = |name: &str, tid: u32, args: String| {
            event(
                "M",
                name,
                "__metadata",
                pid,
                tid,
                0.0,
                &format!(",\"args\":{args}"),
            )
        };
        push(
            &mut sink,
            meta(
                "process_name",
                0,
                format!("{{\"name\":{}}}", json::string(&name)),
            ),
        );
        push(
            &mut sink,
            meta("process_sort_index", 0, format!("{{\"sort_index\":{pid}}}")),
        );
        // The main thread always: the lag counter is on it.
        let mut lanes = run.lanes().to_vec();
        if !lanes.contains(&Lane::Main) {
            lanes.insert(0, Lane::Main);
        }
        for l in lanes {
            let tid = trace_tid(l);
            let n = json::string(&thread_name(l, run.strategy()));
            push(
                &mut sink,
                meta("thread_name", tid, format!("{{\"name\":{n}}}")),
            );
            push(
                &mut sink,
                meta(
                    "thread_sort_index",
                    tid,
                    format!("{{\"sort_index\":{tid}}}"),
                ),
            );
        }
        let nested = !run.strategy().on_event_loop();
        for t in &run.tasks {
            let task = format!("task {}", t.task);
            let args = format!(",\"args\":{{\"task\":{}}}", t.task);
            let tid = trace_tid(t.lane);
            if nested {
                let dur = format!(",\"dur\":{}{args}", json::number(us(t.end_ms - t.start_ms)));
                push(
                    &mut sink,
                    event("X", &task, "task", pid, tid, us(t.start_ms), &dur),
                );
            } else {
                let id = format!(",\"id\":{}{args}", t.task);
                push(
                    &mut sink,
                    event("b", &task, "task", pid, tid, us(t.start_ms), &id),
                );
            }
            for s in &t.segments {
                let (name, cat) = (segment_name(s.kind), s.kind.key());
                if nested || s.kind == SegmentKind::Cpu {
                    let dur = format!(",\"dur\":{}{args}", json::number(us(s.end_ms - s.start_ms)));
                    let tid = trace_tid(s.lane_of(t));
                    push(
                        &mut sink,
                        event("X", name, cat, pid, tid, us(s.start_ms), &dur),
                    );
                } else {
                    let id = format!(",\"id\":{}{args}", t.task);
                    push(
                        &mut sink,
                        event("b", name, "task", pid, tid, us(s.start_ms), &id),
                    );
                    push(
                        &mut sink,
                        event("e", name, "task", pid, tid, us(s.end_ms), &id),
                    );
                }
            }
            if !nested {
                let id = format!(",\"id\":{}", t.task);
                push(
                    &mut sink,
                    event("e", &task, "task", pid, tid, us(t.end_ms), &id),
                );
            }
            sink.step();
        }
        for p in &run.head.lag {
            let lag = format!(",\"args\":{{\"lag_ms\":{}}}", json::number(p.lag_ms()));
            push(
                &mut sink,
                event("C", "event-loop lag", "probe", pid, 0, us(p.at_ms), &lag),
            );
        }
        sink.step();
    }
    sink.buf.push_str("]}");
    sink.finish();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::store::export::tests::{runs, whole};
    use crate::model::store::json::Reader;

    /// The trace's events as (ph, name, pid, tid, ts, dur, id) by reading the JSON.
    type Ev = (
        String,
        String,
        f64,
        f64,
        f64,
        Option<f64>,
        Option<f64>,
        Option<String>,
    );

    fn events(text: &str) -> Vec<Ev> {
        let mut out = Vec::new();
        let mut r = Reader::new(text);
        r.object(|r, key| match key {
            "traceEvents" => r.array(|r| {
                let mut e: Ev = Default::default();
                let mut has = [false; 4];
                r.object(|r, key| match key {
                    "ph" => r.string().map(|v| e.0 = v),
                    "name" => r.string().map(|v| e.1 = v),
                    "pid" => r.number().map(|v| (e.2, has[0]) = (v, true)),
                    "tid" => r.number().map(|v| (e.3, has[1]) = (v, true)),
                    "ts" => r.number().map(|v| (e.4, has[2]) = (v, true)),
                    "dur" => r.number().map(|v| e.5 = Some(v)),
                    "id" => r.number().map(|v| e.6 = Some(v)),
                    "args" => {
                        let mut name = None;
                        r.object(|r, k| match k {
                            "name" => r.string().map(|v| name = Some(v)),
                            _ => r.skip(),
                        })
                        .map(|_| e.7 = name)
                    }
                    _ => r.skip(),
                })?;
                has[3] = !e.0.is_empty();
                assert!(
                    has.iter().all(|h| *h),
                    "an event without ph, pid, tid or ts: {e:?}"
                );
                out.push(e);
                Ok(())
            }),
            _ => r.skip(),
        })
        .unwrap();
        r.end().unwrap();
        out
    }

    #[test]
    fn the_trace_has_a_process_per_run_and_named_lanes() {
        let runs = runs();
        let refs: Vec<&RunRecord> = runs.iter().collect();
        let (text, _) = whole(|out| write(&refs, out));
        let ev = events(&text);
        let xs: Vec<&Ev> = ev.iter().filter(|e| e.0 == "X").collect();
        assert!(
            xs.iter().all(|e| e.5.is_some_and(|d| d >= 0.0)),
            "X events have dur"
        );
        // Every (pid, tid) an event is on has a thread name.
        let named: Vec<(f64, f64, String)> = ev
            .iter()
            .filter(|e| e.0 == "M" && e.1 == "thread_name")
            .map(|e| (e.2, e.3, e.7.clone().unwrap()))
            .collect();
        for e in ev.iter().filter(|e| e.0 != "M") {
            assert!(
                named.iter().any(|n| (n.0, n.1) == (e.2, e.3)),
                "unnamed lane: {e:?}"
            );
        }
        assert!(named.contains(&(1.0, 1.0, "worker 0".into())));
        assert!(named.contains(&(2.0, 0.0, "main (event loop)".into())));
        assert!(
            named.contains(&(2.0, 2.0, "worker 1".into())),
            "the offloaded computation's lane"
        );
        let procs = ev
            .iter()
            .filter(|e| e.0 == "M" && e.1 == "process_name")
            .count();
        assert_eq!(procs, 2);
        // Threads: 3 tasks nest their 2 segments; µs, from the run's start.
        let t1: Vec<&&Ev> = xs.iter().filter(|e| e.2 == 1.0).collect();
        assert_eq!(t1.len(), 9);
        assert!(
            t1.iter()
                .any(|e| e.1 == "task 1" && e.4 == 10_000.0 && e.5 == Some(9_250.0))
        );
        // Async: tasks and waits are async pairs; only computations are X.
        let a: Vec<&Ev> = ev.iter().filter(|e| e.2 == 2.0 && e.0 != "M").collect();
        assert_eq!(a.iter().filter(|e| e.0 == "X").count(), 3);
        assert_eq!(a.iter().filter(|e| e.0 == "b").count(), 6);
        assert_eq!(a.iter().filter(|e| e.0 == "e").count(), 6);
        assert!(
            a.iter()
                .filter(|e| e.0 != "X" && e.0 != "C")
                .all(|e| e.6.is_some())
        );
        // Lag: a counter per sample, lateness past the 10 ms period.
        let lag: Vec<&Ev> = ev.iter().filter(|e| e.0 == "C").collect();
        assert_eq!(lag.len(), 2);
    }
}
