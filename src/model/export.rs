//! Runs out of the page and back in: the JSON export (versioned, every record), the CSV of
//! task segments, and the Chrome Trace Event format that Perfetto and `chrome://tracing` open.
//!
//! Writers hand their text out in chunks of about [`CHUNK`] bytes (the page turns them into a
//! `Blob`), so an export of a million tasks never sits whole in the wasm memory, which never
//! shrinks. The JSON reader ([`decode`]) takes any text without panicking: a file from a newer
//! format says so, anything else wrong names the run and the byte where reading stopped.

use crate::model::format;
use crate::model::json::{self, Reader};
use crate::model::params::{Params, Strategy};
use crate::model::record::{
    Digest, Lane, Outcome, RunRecord, SCHEDULERS, SchedulerCost, Segment, SegmentKind, Startup,
    TaskRecord,
};
use crate::model::stats::{ProbeSample, Responsiveness, Summary};
use crate::model::url;

/// What the JSON export's `format` says.
pub const FORMAT: &str = "async-vs-threads/runs";
/// The JSON export's version, its `v`.
pub const VERSION: u32 = 1;
/// Bytes of text a writer gathers before handing a chunk out.
pub const CHUNK: usize = 1 << 20;

/// Where runs were measured, as an export records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// The browser, for people: `Chromium 156`.
    pub browser: String,
    pub cores: u32,
    /// Workers in the pool (0 when threads were off).
    pub pool: u32,
    pub isolated: bool,
    /// The build: `threads` or `fallback`.
    pub build: String,
}

/// A JSON export read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// When it was written, ms since the Unix epoch.
    pub exported_at_ms: f64,
    pub environment: Environment,
    pub runs: Vec<RunRecord>,
}

/// What the page says about an imported file: `imported: 2026-11-22 14:03 UTC, Firefox 153`.
pub fn label(environment: &Environment, exported_at_ms: f64) -> String {
    format!(
        "imported: {}, {}",
        format::date_time(exported_at_ms),
        environment.browser
    )
}

/// The browser a user agent string names, with its major version: `Chromium 156`,
/// `Firefox 153`, `Safari 18` (WebKit), `Edge 156`; else `an unknown browser`.
pub fn browser_name(user_agent: &str) -> String {
    let version = |token: &str| {
        let at = user_agent.find(token)? + token.len();
        let v: String = user_agent[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!v.is_empty()).then_some(v)
    };
    [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chromium"),
        ("Version/", "Safari"),
    ]
    .iter()
    .find_map(|(token, name)| version(token).map(|v| format!("{name} {v}")))
    .unwrap_or_else(|| "an unknown browser".into())
}

/// Gathers text and hands it out in chunks.
struct Sink<'a> {
    buf: String,
    out: &'a mut dyn FnMut(String),
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut dyn FnMut(String)) -> Self {
        Sink {
            buf: String::new(),
            out,
        }
    }

    /// Hands the text so far out once it is a chunk's worth.
    fn step(&mut self) {
        if self.buf.len() >= CHUNK {
            (self.out)(std::mem::take(&mut self.buf));
        }
    }

    fn finish(self) {
        if !self.buf.is_empty() {
            (self.out)(self.buf);
        }
    }
}

/// A JSON object being written: `{"key":value,...}`.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Obj { out, first: true }
    }

    /// A field whose value is JSON already.
    fn raw(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        json::push_string(self.out, key);
        self.out.push(':');
        self.out.push_str(value);
        self
    }

    fn num(&mut self, key: &str, v: f64) -> &mut Self {
        self.raw(key, &json::number(v))
    }

    fn text(&mut self, key: &str, v: &str) -> &mut Self {
        self.raw(key, &json::string(v))
    }

    fn end(&mut self) {
        self.out.push('}');
    }
}

fn hex(v: u64) -> String {
    format!("{v:016x}")
}

fn kind_key(kind: SegmentKind) -> &'static str {
    match kind {
        SegmentKind::Cpu => "cpu",
        SegmentKind::Wait => "wait",
        SegmentKind::LockWait => "lock",
    }
}

/// Writes `runs` measured in `environment` as the JSON export, at `exported_at_ms`.
pub fn write_json(
    environment: &Environment,
    exported_at_ms: f64,
    runs: &[&RunRecord],
    out: &mut dyn FnMut(String),
) {
    let mut sink = Sink::new(out);
    let mut env = String::new();
    Obj::new(&mut env)
        .text("browser", &environment.browser)
        .num("cores", environment.cores.into())
        .num("pool", environment.pool.into())
        .raw(
            "isolated",
            if environment.isolated {
                "true"
            } else {
                "false"
            },
        )
        .text("build", &environment.build)
        .end();
    let mut head = String::new();
    Obj::new(&mut head)
        .text("format", FORMAT)
        .num("v", VERSION.into())
        .num("exported_at_ms", exported_at_ms)
        .raw("environment", &env)
        .raw("runs", "[");
    // The object stays open: its runs follow, then `]}`.
    sink.buf.push_str(&head);
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            sink.buf.push(',');
        }
        write_run(run, &mut sink);
    }
    sink.buf.push_str("]}");
    sink.finish();
}

fn write_run(run: &RunRecord, sink: &mut Sink) {
    let r = &run.responsiveness;
    let mut resp = String::new();
    Obj::new(&mut resp)
        .num("samples", r.samples as f64)
        .num("lag_p50_ms", r.lag_p50_ms)
        .num("lag_p99_ms", r.lag_p99_ms)
        .num("longest_stall_ms", r.longest_stall_ms)
        .num("blocked_ms", r.blocked_ms)
        .num("missed_frames", r.missed_frames.into())
        .end();
    let scheduler = run.scheduler.map_or("null".into(), |s| {
        let mut o = String::new();
        Obj::new(&mut o)
            .text("name", s.name)
            .num("spawn_us_per_task", s.spawn_us_per_task)
            .num("wakes", s.wakes as f64)
            .num("us_per_wake", s.us_per_wake)
            .end();
        o
    });
    let startup = run.startup.map_or("null".into(), |s| {
        let mut o = String::new();
        Obj::new(&mut o)
            .num("per_worker_ms", s.per_worker_ms)
            .num("all_ready_ms", s.all_ready_ms)
            .num("memory_bytes", s.memory_bytes)
            .end();
        o
    });
    let d = &run.digest;
    let lanes: Vec<String> = d.lanes.iter().map(|l| json::string(&l.key())).collect();
    let mut digest = String::new();
    let mut obj = Obj::new(&mut digest);
    for (key, value) in Digest::FIGURES.iter().zip(d.figures()) {
        obj.num(key, value);
    }
    obj.text("checksum", &hex(d.checksum))
        .raw("lanes", &format!("[{}]", lanes.join(",")))
        .end();
    let lag: Vec<String> = run
        .lag
        .iter()
        .map(|p| format!("[{},{}]", json::number(p.at_ms), json::number(p.gap_ms)))
        .collect();
    let mut head = String::new();
    Obj::new(&mut head)
        .text("strategy", run.strategy.key())
        .text("params", &url::encode(&run.params, None))
        .num("threads_used", run.threads_used.into())
        .num("pool_size", run.pool_size.into())
        .num("cores", run.cores.into())
        .num("started_at_ms", run.started_at_ms)
        .num("makespan_ms", run.makespan_ms)
        .text("outcome", run.outcome.key())
        .raw("why", &run.failure().map_or("null".into(), json::string))
        .num("hidden_ms", run.hidden_ms)
        .raw("responsiveness", &resp)
        .raw("scheduler", &scheduler)
        .raw("startup", &startup)
        .raw("digest", &digest)
        .raw("lag", &format!("[{}]", lag.join(",")))
        .raw(
            "details_dropped",
            if run.details_dropped { "true" } else { "false" },
        )
        .raw("tasks", "[");
    sink.buf.push_str(&head);
    for (i, t) in run.tasks.iter().enumerate() {
        if i > 0 {
            sink.buf.push(',');
        }
        write_task(t, &mut sink.buf);
        sink.step();
    }
    sink.buf.push_str("]}");
}

fn write_task(t: &TaskRecord, out: &mut String) {
    let segments: Vec<String> = t
        .segments
        .iter()
        .map(|s| {
            let lane = s
                .lane
                .map_or(String::new(), |l| format!(",{}", json::string(&l.key())));
            format!(
                "[\"{}\",{},{}{lane}]",
                kind_key(s.kind),
                json::number(s.start_ms),
                json::number(s.end_ms)
            )
        })
        .collect();
    Obj::new(out)
        .num("task", t.task.into())
        .text("lane", &t.lane.key())
        .num("start_ms", t.start_ms)
        .num("end_ms", t.end_ms)
        .num("cpu_ms", t.cpu_ms)
        .num("wait_ms", t.wait_ms)
        .num("lock_ms", t.lock_ms)
        .text("checksum", &hex(t.checksum))
        .raw("segments", &format!("[{}]", segments.join(",")))
        .end();
}

/// Reads a JSON export. Errors are sentences for people.
pub fn decode(text: &str) -> Result<Export, String> {
    // The format and version first, wherever they are: a newer file's runs may not read.
    let (mut format, mut version) = (None, None);
    let mut r = Reader::new(text);
    r.object(|r, key| match key {
        "format" => r.string().map(|f| format = Some(f)),
        "v" => r.number().map(|v| version = Some(v)),
        _ => r.skip(),
    })
    .and_then(|_| r.end())
    .map_err(|e| format!("This file is not a JSON export: {e}."))?;
    if format.as_deref() != Some(FORMAT) {
        return Err("This file is not an Async vs Threads export (its \"format\" is not \"async-vs-threads/runs\").".into());
    }
    match version {
        Some(v) if v == f64::from(VERSION) => {}
        Some(v) if v > f64::from(VERSION) => {
            return Err(format!(
                "This file is format version {v}, newer than this page reads (version {VERSION}): open it in the page that wrote it, or a newer one."
            ));
        }
        _ => return Err(format!("This file's format version is not {VERSION}.")),
    }
    let (mut exported_at_ms, mut environment, mut runs) = (None, None, Vec::new());
    let mut r = Reader::new(text);
    r.object(|r, key| match key {
        "exported_at_ms" => r.number().map(|v| exported_at_ms = Some(v)),
        "environment" => read_environment(r).map(|e| environment = Some(e)),
        "runs" => r.array(|r| {
            let run = read_run(r).map_err(|e| json::Error {
                what: format!("run {}: {}", runs.len() + 1, e.what),
                ..e
            })?;
            runs.push(run);
            Ok(())
        }),
        _ => r.skip(),
    })
    .map_err(|e| format!("This file cannot be read: {e}."))?;
    let missing = |what: &str| format!("This file has no {what}.");
    Ok(Export {
        exported_at_ms: exported_at_ms.ok_or_else(|| missing("export time"))?,
        environment: environment.ok_or_else(|| missing("environment"))?,
        runs,
    })
}

fn read_environment(r: &mut Reader) -> json::Result<Environment> {
    let mut e = Environment {
        browser: String::new(),
        cores: 0,
        pool: 0,
        isolated: false,
        build: String::new(),
    };
    r.object(|r, key| {
        match key {
            "browser" => e.browser = r.string()?,
            "cores" => e.cores = r.whole(u32::MAX.into())? as u32,
            "pool" => e.pool = r.whole(u32::MAX.into())? as u32,
            "isolated" => e.isolated = r.bool()?,
            "build" => e.build = r.string()?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(e)
}

fn lane(r: &mut Reader) -> json::Result<Lane> {
    let key = r.string()?;
    Lane::from_key(&key).map_or_else(|| r.error(format!("an unknown lane \"{key}\"")), Ok)
}

fn checksum(r: &mut Reader) -> json::Result<u64> {
    let text = r.string()?;
    match u64::from_str_radix(&text, 16) {
        Ok(v) if text.len() == 16 => Ok(v),
        _ => r.error("a checksum that is not 16 hex digits"),
    }
}

/// An object whose fields are all numbers, read into `fields` by name; `null` reads as NaN.
fn numbers<const N: usize>(r: &mut Reader, names: [&str; N]) -> json::Result<[f64; N]> {
    let mut values = [f64::NAN; N];
    r.object(|r, key| match names.iter().position(|n| *n == key) {
        Some(i) => r.number_or_null().map(|v| values[i] = v),
        None => r.skip(),
    })?;
    Ok(values)
}

fn read_run(r: &mut Reader) -> json::Result<RunRecord> {
    let mut strategy = None;
    let mut params: Option<Params> = None;
    let mut n = [f64::NAN; 6];
    let (mut outcome, mut why) = (None, None);
    let mut resp = None;
    let (mut scheduler, mut startup) = (None, None);
    let mut digest = None;
    let mut lag = Vec::new();
    let mut details_dropped = false;
    let mut tasks = Vec::new();
    let start = r.at();
    r.object(|r, key| {
        match key {
            "strategy" => {
                let k = r.string()?;
                strategy = Some(
                    Strategy::from_key(&k)
                        .map_or_else(|| r.error(format!("an unknown strategy \"{k}\"")), Ok)?,
                );
            }
            "params" => {
                let q = r.string()?;
                params = Some(
                    url::exact(&q)
                        .map_or_else(|| r.error("parameters this page does not accept"), Ok)?,
                );
            }
            "threads_used" => n[0] = r.whole(u32::MAX.into())? as f64,
            "pool_size" => n[1] = r.whole(u32::MAX.into())? as f64,
            "cores" => n[2] = r.whole(u32::MAX.into())? as f64,
            "started_at_ms" => n[3] = r.number()?,
            "makespan_ms" => n[4] = r.number()?,
            "hidden_ms" => n[5] = r.number()?,
            "outcome" => outcome = Some(r.string()?),
            "why" => why = if r.null()? { None } else { Some(r.string()?) },
            "responsiveness" => {
                resp = Some(numbers(
                    r,
                    [
                        "samples",
                        "lag_p50_ms",
                        "lag_p99_ms",
                        "longest_stall_ms",
                        "blocked_ms",
                        "missed_frames",
                    ],
                )?)
            }
            "scheduler" => {
                if !r.null()? {
                    let mut name = String::new();
                    let mut v = [f64::NAN; 3];
                    r.object(|r, key| match key {
                        "name" => r.string().map(|s| name = s),
                        "spawn_us_per_task" => r.number_or_null().map(|x| v[0] = x),
                        "wakes" => r.whole(u64::MAX).map(|x| v[1] = x as f64),
                        "us_per_wake" => r.number_or_null().map(|x| v[2] = x),
                        _ => r.skip(),
                    })?;
                    // A scheduler this build does not know has no name to point at.
                    scheduler = SCHEDULERS
                        .iter()
                        .find(|s| **s == name)
                        .map(|name| SchedulerCost {
                            name,
                            spawn_us_per_task: v[0],
                            wakes: v[1] as u64,
                            us_per_wake: v[2],
                        });
                }
            }
            "startup" => {
                if !r.null()? {
                    let [per_worker_ms, all_ready_ms, memory_bytes] =
                        numbers(r, ["per_worker_ms", "all_ready_ms", "memory_bytes"])?;
                    startup = Some(Startup {
                        per_worker_ms,
                        all_ready_ms,
                        memory_bytes,
                    });
                }
            }
            "digest" => digest = Some(read_digest(r)?),
            "lag" => r.array(|r| {
                let mut v = Vec::with_capacity(2);
                r.array(|r| r.number().map(|x| v.push(x)))?;
                match v[..] {
                    [at_ms, gap_ms] => {
                        lag.push(ProbeSample { at_ms, gap_ms });
                        Ok(())
                    }
                    _ => r.error("a lag sample that is not [at_ms, gap_ms]"),
                }
            })?,
            "details_dropped" => details_dropped = r.bool()?,
            "tasks" => r.array(|r| read_task(r).map(|t| tasks.push(t)))?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    let fail = |what: &str| {
        Err(json::Error {
            at: start,
            what: what.into(),
        })
    };
    let (Some(strategy), Some(params)) = (strategy, params) else {
        return fail("no strategy or parameters");
    };
    if n.iter().any(|v| v.is_nan()) {
        return fail("a missing figure (threads, pool, cores, start, makespan or hidden time)");
    }
    let Some(outcome) = outcome.and_then(|o| Outcome::from_key(&o, why)) else {
        return fail("no outcome (done, cancelled, or failed with why)");
    };
    let (Some(resp), Some(mut digest)) = (resp, digest) else {
        return fail("no responsiveness or digest");
    };
    if tasks.len() > params.tasks as usize {
        return fail("more task records than the experiment has tasks");
    }
    if !tasks.is_empty() {
        // The figures come from the records; the checksum says they are the records that ran.
        let of = Digest::of(&tasks, n[4]);
        if of.checksum != digest.checksum {
            return fail("task records whose checksums do not combine to the run's");
        }
        digest = of;
    }
    Ok(RunRecord {
        strategy,
        params: Params { strategy, ..params },
        threads_used: n[0] as u32,
        pool_size: n[1] as u32,
        cores: n[2] as u32,
        started_at_ms: n[3],
        makespan_ms: n[4],
        hidden_ms: n[5],
        outcome,
        responsiveness: Responsiveness {
            samples: resp[0] as usize,
            lag_p50_ms: resp[1],
            lag_p99_ms: resp[2],
            longest_stall_ms: resp[3],
            blocked_ms: resp[4],
            missed_frames: resp[5] as u32,
        },
        scheduler,
        startup,
        lag,
        digest: Digest {
            summary: Summary {
                makespan_ms: n[4],
                ..digest.summary
            },
            ..digest
        },
        tasks,
        details_dropped,
    })
}

fn read_digest(r: &mut Reader) -> json::Result<Digest> {
    let mut v = [f64::NAN; 9];
    let (mut sum, mut lanes) = (None, Vec::new());
    r.object(|r, key| match key {
        "checksum" => checksum(r).map(|c| sum = Some(c)),
        "lanes" => r.array(|r| lane(r).map(|l| lanes.push(l))),
        _ => match Digest::FIGURES.iter().position(|n| *n == key) {
            Some(i) => r.number_or_null().map(|x| v[i] = x),
            None => r.skip(),
        },
    })?;
    match sum {
        // The makespan is the run's, set by the caller.
        Some(checksum) => Ok(Digest::from_figures(v, checksum, lanes, 0.0)),
        None => r.error("a digest without a checksum"),
    }
}

fn read_task(r: &mut Reader) -> json::Result<TaskRecord> {
    let mut t = TaskRecord::from_segments(0, Lane::Main, &[]);
    let mut has = [false; 3];
    r.object(|r, key| {
        match key {
            "task" => {
                t.task = r.whole(u32::MAX.into())? as u32;
                has[0] = true;
            }
            "lane" => {
                t.lane = lane(r)?;
                has[1] = true;
            }
            "start_ms" => t.start_ms = r.number()?,
            "end_ms" => t.end_ms = r.number()?,
            "cpu_ms" => t.cpu_ms = r.number()?,
            "wait_ms" => t.wait_ms = r.number()?,
            "lock_ms" => t.lock_ms = r.number()?,
            "checksum" => t.checksum = checksum(r)?,
            "segments" => {
                r.array(|r| {
                    let mut s = Segment {
                        kind: SegmentKind::Cpu,
                        start_ms: 0.0,
                        end_ms: 0.0,
                        lane: None,
                    };
                    let mut i = 0;
                    r.array(|r| {
                        match i {
                            0 => {
                                s.kind = match r.string()?.as_str() {
                                    "cpu" => SegmentKind::Cpu,
                                    "wait" => SegmentKind::Wait,
                                    "lock" => SegmentKind::LockWait,
                                    _ => return r.error("an unknown segment kind"),
                                }
                            }
                            1 => s.start_ms = r.number()?,
                            2 => s.end_ms = r.number()?,
                            3 => s.lane = Some(lane(r)?),
                            _ => return r.error("a segment of more than 4 items"),
                        }
                        i += 1;
                        Ok(())
                    })?;
                    if i < 3 || s.end_ms < s.start_ms {
                        return r.error("a segment that is not [kind, start, end, lane?]");
                    }
                    t.segments.push(s);
                    Ok(())
                })?;
                has[2] = true;
            }
            _ => r.skip()?,
        }
        Ok(())
    })?;
    if has.contains(&false) || t.end_ms < t.start_ms {
        return r.error("a task without its number, lane or segments, or ending before it starts");
    }
    t.segments.shrink_to_fit();
    Ok(t)
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV's header row.
pub const CSV_HEADER: &str =
    "run,strategy,experiment,task,task_lane,segment,lane,kind,start_ms,end_ms,duration_ms";

/// Writes one CSV row per task segment of `runs` (numbered from 1 in `run`).
pub fn write_csv(runs: &[&RunRecord], out: &mut dyn FnMut(String)) {
    let mut sink = Sink::new(out);
    sink.buf.push_str(CSV_HEADER);
    sink.buf.push_str("\r\n");
    for (i, run) in runs.iter().enumerate() {
        let experiment = csv_field(&url::encode(&run.params, None));
        for t in &run.tasks {
            for (k, s) in t.segments.iter().enumerate() {
                sink.buf.push_str(&format!(
                    "{},{},{experiment},{},{},{k},{},{},{},{},{}\r\n",
                    i + 1,
                    run.strategy.key(),
                    t.task,
                    t.lane.key(),
                    s.lane_of(t).key(),
                    kind_key(s.kind),
                    json::number(s.start_ms),
                    json::number(s.end_ms),
                    json::number(s.end_ms - s.start_ms),
                ));
            }
            sink.step();
        }
    }
    sink.finish();
}

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
pub fn write_trace(runs: &[&RunRecord], out: &mut dyn FnMut(String)) {
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
        let name = format!("{pid} · {}", crate::model::embed::summary(&run.params));
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
            let n = json::string(&thread_name(l, run.strategy));
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
        let nested = !run.strategy.on_event_loop();
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
                let (name, cat) = (segment_name(s.kind), kind_key(s.kind));
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
        for p in &run.lag {
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

/// A download's file name: `async-vs-threads-async-2026-11-22-1403.json`, `…-all-…` for
/// several runs.
pub fn file_name(runs: &[&RunRecord], at_ms: f64, extension: &str) -> String {
    let what = match runs {
        [one] => one.strategy.key(),
        _ => "all",
    };
    let (y, mo, d, h, mi) = format::civil(at_ms);
    let stamp = format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}");
    format!("async-vs-threads-{what}-{stamp}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::{Params, Workload};
    use crate::model::record::RunHead;

    fn env() -> Environment {
        Environment {
            browser: "Chromium 156".into(),
            cores: 2,
            pool: 2,
            isolated: true,
            build: "threads".into(),
        }
    }

    fn whole(write: impl FnOnce(&mut dyn FnMut(String))) -> (String, usize) {
        let (mut text, mut chunks) = (String::new(), 0);
        write(&mut |c: String| {
            text.push_str(&c);
            chunks += 1;
        });
        (text, chunks)
    }

    /// A threads run whose tasks wait then compute on two workers, and an async run whose
    /// tasks wait on the event loop and compute on it, one offloaded to a worker.
    fn runs() -> Vec<RunRecord> {
        let params = Params {
            workload: Workload::Mixed,
            tasks: 3,
            ..Params::default()
        };
        let threads = (0..3)
            .map(|t| {
                let s = f64::from(t) * 10.0;
                let mut r = TaskRecord::from_segments(
                    t,
                    Lane::Worker((t % 2) as u16),
                    &[
                        (SegmentKind::Wait, s, s + 5.5),
                        (SegmentKind::Cpu, s + 5.5, s + 9.25),
                    ],
                );
                r.checksum = 0x1234_5678_9abc_def0 + u64::from(t);
                r
            })
            .collect();
        let mut head = RunHead::for_test(Strategy::Threads, params);
        head.started_at_ms = 1_795_000_000_000.5;
        head.lag = vec![
            ProbeSample {
                at_ms: 10.0,
                gap_ms: 10.2,
            },
            ProbeSample {
                at_ms: 30.1,
                gap_ms: 20.1,
            },
        ];
        let mut asyncs: Vec<TaskRecord> = (0..3)
            .map(|t| {
                let s = f64::from(t) * 0.1;
                TaskRecord::from_segments(
                    t,
                    Lane::Main,
                    &[
                        (SegmentKind::Wait, s, 100.0 + s),
                        (SegmentKind::Cpu, 100.0 + s * 3.0, 100.1 + s * 3.0),
                    ],
                )
            })
            .collect();
        asyncs[2].segments[1].lane = Some(Lane::Worker(1));
        let mut a = RunHead::for_test(Strategy::Async, params);
        a.outcome = Outcome::Failed("task 2 \"panicked\"".into());
        a.scheduler = Some(SchedulerCost {
            name: SCHEDULERS[0],
            spawn_us_per_task: 0.5,
            wakes: 6,
            us_per_wake: 1.25,
        });
        vec![RunRecord::new(head, threads), RunRecord::new(a, asyncs)]
    }

    #[test]
    fn an_export_reads_back_identical() {
        let runs = runs();
        let refs: Vec<&RunRecord> = runs.iter().collect();
        let (text, _) = whole(|out| write_json(&env(), 1.8e12, &refs, out));
        let back = decode(&text).unwrap();
        assert_eq!(back.environment, env());
        assert_eq!(back.exported_at_ms, 1.8e12);
        assert_eq!(
            label(&back.environment, back.exported_at_ms),
            "imported: 2027-01-15 08:00 UTC, Chromium 156"
        );
        assert_eq!(back.runs, runs);
        let lean = runs[0].without_details();
        let (text, _) = whole(|out| write_json(&env(), 0.0, &[&lean], out));
        assert_eq!(
            decode(&text).unwrap().runs,
            [lean],
            "a run without records keeps its digest"
        );
    }

    #[test]
    fn large_exports_come_in_chunks_that_join_to_the_document() {
        let params = Params {
            tasks: 20_000,
            ..Params::default()
        };
        let tasks = (0..20_000)
            .map(|t| TaskRecord::from_segments(t, Lane::Main, &[(SegmentKind::Wait, 0.0, 100.0)]))
            .collect();
        let run = RunRecord::new(RunHead::for_test(Strategy::Async, params), tasks);
        let (text, chunks) = whole(|out| write_json(&env(), 0.0, &[&run], out));
        assert!(chunks > 1, "{} bytes in {chunks} chunk", text.len());
        assert_eq!(decode(&text).unwrap().runs[0], run);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let runs = runs();
        let (good, _) = whole(|out| write_json(&env(), 0.0, &[&runs[0]], out));
        let cases = [
            ("", "not a JSON export"),
            ("[]", "not a JSON export"),
            (
                "{\"format\":\"other\",\"v\":1}",
                "not an Async vs Threads export",
            ),
            (
                "{\"v\":2,\"format\":\"async-vs-threads/runs\",\"runs\":[{\"new\":[]}]}",
                "version 2, newer than this page reads",
            ),
            (
                "{\"format\":\"async-vs-threads/runs\",\"v\":1}",
                "no export time",
            ),
        ];
        for (text, why) in cases {
            let err = decode(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
        let edits = [
            (
                "\"strategy\":\"threads\"",
                "\"strategy\":\"fibres\"",
                "unknown strategy",
            ),
            ("\"lane\":\"w0\"", "\"lane\":\"x0\"", "unknown lane"),
            (
                "[\"wait\",0,5.5]",
                "[\"nap\",0,5.5]",
                "unknown segment kind",
            ),
            (
                "[\"wait\",0,5.5]",
                "[\"wait\",5.5,0]",
                "not [kind, start, end",
            ),
            (
                "\"checksum\":\"123456789abcdef0\"",
                "\"checksum\":\"123456789abcdef1\"",
                "do not combine",
            ),
            (
                "\"outcome\":\"done\"",
                "\"outcome\":\"maybe\"",
                "no outcome",
            ),
            (
                "&tasks=3&",
                "&tasks=-5&",
                "parameters this page does not accept",
            ),
            ("\"tasks\":[{", "\"tasks\":[7,{", "expected an object"),
        ];
        for (from, to, why) in edits {
            assert!(good.contains(from), "{from}");
            let err = decode(&good.replacen(from, to, 1)).unwrap_err();
            assert!(err.contains(why) && err.contains("run 1"), "{to}: {err}");
        }
    }

    #[test]
    fn browsers_are_named_from_their_user_agent() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
                "Chromium 156",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0",
                "Firefox 153",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
                "Safari 18",
            ),
            (
                "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0",
                "Edge 156",
            ),
            ("curl/8", "an unknown browser"),
        ];
        for (ua, name) in cases {
            assert_eq!(browser_name(ua), name, "{ua}");
        }
    }

    /// Splits CSV text into rows of fields (RFC 4180: quoted fields, doubled quotes).
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut field)),
                ('\r', false) => {}
                ('\n', false) => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (c, _) => field.push(c),
            }
        }
        rows
    }

    #[test]
    fn the_csv_parses_back_to_every_segment() {
        let runs = runs();
        let refs: Vec<&RunRecord> = runs.iter().collect();
        let (text, _) = whole(|out| write_csv(&refs, out));
        let rows = parse_csv(&text);
        assert_eq!(rows[0].join(","), CSV_HEADER);
        let segments: usize = runs
            .iter()
            .flat_map(|r| &r.tasks)
            .map(|t| t.segments.len())
            .sum();
        assert_eq!(rows.len(), 1 + segments);
        assert!(rows.iter().all(|r| r.len() == 11), "{rows:?}");
        let mut i = 1;
        for (n, run) in runs.iter().enumerate() {
            for t in &run.tasks {
                for s in &t.segments {
                    let row = &rows[i];
                    assert_eq!(row[0], (n + 1).to_string());
                    assert_eq!(Strategy::from_key(&row[1]), Some(run.strategy));
                    assert_eq!(url::exact(&row[2]).map(|p| p.tasks), Some(run.params.tasks));
                    assert_eq!(row[3].parse::<u32>().unwrap(), t.task);
                    assert_eq!(Lane::from_key(&row[6]), Some(s.lane_of(t)));
                    assert_eq!(row[8].parse::<f64>().unwrap(), s.start_ms);
                    assert_eq!(row[9].parse::<f64>().unwrap(), s.end_ms);
                    i += 1;
                }
            }
        }
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

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
        let (text, _) = whole(|out| write_trace(&refs, out));
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

    #[test]
    fn file_names_say_what_and_when() {
        let runs = runs();
        let at = 1_795_000_000_000.0; // 2026-11-18 11:06:40 UTC
        assert_eq!(
            file_name(&[&runs[0]], at, "json"),
            "async-vs-threads-threads-20261118-1106.json"
        );
        assert_eq!(
            file_name(&[&runs[0], &runs[1]], at, "trace.json"),
            "async-vs-threads-all-20261118-1106.trace.json"
        );
    }
}
