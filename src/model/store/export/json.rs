//! The JSON export (`async-vs-threads/runs`, `v: 1`): the environment, and every run with
//! its fields ([`FIELDS`]), its probe samples and every task record, written so that numbers
//! read back exactly. The reader ([`decode`]) takes any text without panicking: a file from a
//! newer format says so, anything else wrong names the run and the byte where reading stopped.

use super::{Environment, Export, Sink};
use crate::model::run::record::{Digest, Lane, RunRecord, Segment, SegmentKind, TaskRecord};
use crate::model::run::stats::ProbeSample;
use crate::model::store::fields::{self, FIELDS, Group, Raw};
use crate::model::store::json::{self, Kind, Reader};

/// What the JSON export's `format` says.
pub const FORMAT: &str = "async-vs-threads/runs";
/// The JSON export's version, its `v`.
pub const VERSION: u32 = 1;

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

    fn bool(&mut self, key: &str, v: bool) -> &mut Self {
        self.raw(key, if v { "true" } else { "false" })
    }

    fn end(&mut self) {
        self.out.push('}');
    }
}

/// Writes `runs` measured in `environment` as the JSON export, at `exported_at_ms`.
pub fn write(
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
        .bool("isolated", environment.isolated)
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

/// The fields of `group` of `run` into `obj`.
fn write_fields(run: &RunRecord, group: Group, obj: &mut Obj) {
    for field in FIELDS.iter().filter(|f| f.group == group) {
        let value = (field.get)(run).map_or("null".into(), |v| v.json());
        obj.raw(field.key, &value);
    }
}

fn write_run(run: &RunRecord, sink: &mut Sink) {
    let mut head = String::new();
    let mut obj = Obj::new(&mut head);
    for group in Group::ALL {
        match group.key() {
            None => write_fields(run, group, &mut obj),
            Some(key) if !group.is_in(run) => {
                if group.null_when_absent() {
                    obj.raw(key, "null");
                }
            }
            Some(key) => {
                let mut inner = String::new();
                let mut o = Obj::new(&mut inner);
                write_fields(run, group, &mut o);
                o.end();
                obj.raw(key, &inner);
            }
        }
    }
    let lag: Vec<String> = run
        .head
        .lag
        .iter()
        .map(|p| format!("[{},{}]", json::number(p.at_ms), json::number(p.gap_ms)))
        .collect();
    obj.raw("lag", &format!("[{}]", lag.join(",")))
        .bool("details_dropped", run.details_dropped)
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
                s.kind.key(),
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
        .text("checksum", &format!("{:016x}", t.checksum))
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

/// A field's value as it is written: a number, a string, `null`, or an array of strings.
fn raw(r: &mut Reader) -> json::Result<Raw> {
    Ok(match r.peek()? {
        Kind::Number => Raw::Number(r.number_text()?.to_owned()),
        Kind::String => Raw::Text(r.string()?),
        Kind::Null => {
            r.null()?;
            Raw::Null
        }
        Kind::Array => {
            let mut items = Vec::new();
            r.array(|r| r.string().map(|s| items.push(s)))?;
            Raw::List(items)
        }
        Kind::Bool | Kind::Object => return r.error("expected a number, a string or a list"),
    })
}

/// A run's fields of `group` as `(raw value, where it was)`, by index in [`FIELDS`].
type Found = Vec<Option<(Raw, usize)>>;

fn read_field(r: &mut Reader, group: Group, key: &str, found: &mut Found) -> json::Result<()> {
    match FIELDS.iter().position(|f| f.group == group && f.key == key) {
        Some(i) => {
            let at = r.at();
            found[i] = Some((raw(r)?, at));
            Ok(())
        }
        None => r.skip(),
    }
}

fn read_run(r: &mut Reader) -> json::Result<RunRecord> {
    let start = r.at();
    let mut found: Found = vec![None; FIELDS.len()];
    let mut groups = Vec::new();
    let mut lag = Vec::new();
    let mut details_dropped = false;
    let mut tasks = Vec::new();
    r.object(|r, key| match key {
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
        }),
        "details_dropped" => r.bool().map(|d| details_dropped = d),
        "tasks" => r.array(|r| read_task(r).map(|t| tasks.push(t))),
        _ => match Group::ALL.into_iter().find(|g| g.key() == Some(key)) {
            Some(group) => {
                if r.null()? {
                    return Ok(());
                }
                groups.push(group);
                r.object(|r, key| read_field(r, group, key, &mut found))
            }
            None => read_field(r, Group::Run, key, &mut found),
        },
    })?;
    let at: Vec<usize> = found
        .iter()
        .map(|f| f.as_ref().map_or(start, |f| f.1))
        .collect();
    let mut run = fields::read_run(
        |i| found[i].take().map(|(raw, _)| raw),
        |g| groups.contains(&g),
        details_dropped,
    )
    .map_err(|e| {
        let field = &FIELDS[e.field];
        let group = field.group.key().map_or(String::new(), |g| format!("{g}."));
        json::Error {
            at: at[e.field],
            what: format!("field {group}{}: {}", field.key, e.what),
        }
    })?;
    let fail = |what: &str| {
        Err(json::Error {
            at: start,
            what: what.into(),
        })
    };
    if tasks.len() > run.head.params.tasks as usize {
        return fail("more task records than the experiment has tasks");
    }
    if !tasks.is_empty() {
        // The figures come from the records; the checksum says they are the records that ran.
        let of = Digest::of(&tasks, run.makespan_ms());
        if of.checksum != run.digest.checksum {
            return fail("task records whose checksums do not combine to the run's");
        }
        run.digest = of;
    }
    run.head.lag = lag;
    run.tasks = tasks;
    Ok(run)
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
            "checksum" => {
                let text = r.string()?;
                t.checksum = match u64::from_str_radix(&text, 16) {
                    Ok(v) if text.len() == 16 => v,
                    _ => return r.error("a checksum that is not 16 hex digits"),
                };
            }
            "segments" => {
                r.array(|r| read_segment(r).map(|s| t.segments.push(s)))?;
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

/// `[kind, start, end, lane?]`.
fn read_segment(r: &mut Reader) -> json::Result<Segment> {
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
                s.kind = match SegmentKind::from_key(&r.string()?) {
                    Some(kind) => kind,
                    None => return r.error("an unknown segment kind"),
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
    Ok(s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::experiment::params::{Params, Strategy};
    use crate::model::run::record::RunHead;
    use crate::model::store::export::label;
    use crate::model::store::export::tests::{runs, whole};
    use crate::model::store::fields::tests::arb_run;
    use proptest::prelude::*;

    /// Where the tests' runs were measured.
    pub(crate) fn env() -> Environment {
        Environment {
            browser: "Chromium 156".into(),
            cores: 2,
            pool: 2,
            isolated: true,
            build: "threads".into(),
        }
    }

    #[test]
    fn an_export_reads_back_identical() {
        let runs = runs();
        let refs: Vec<&RunRecord> = runs.iter().collect();
        let (text, _) = whole(|out| write(&env(), 1.8e12, &refs, out));
        let back = decode(&text).unwrap();
        assert_eq!(back.environment, env());
        assert_eq!(back.exported_at_ms, 1.8e12);
        assert_eq!(
            label(&back.environment, back.exported_at_ms),
            "imported: 2027-01-15 08:00 UTC, Chromium 156"
        );
        assert_eq!(back.runs, runs);
        let lean = runs[0].without_details();
        let (text, _) = whole(|out| write(&env(), 0.0, &[&lean], out));
        assert_eq!(
            decode(&text).unwrap().runs,
            [lean],
            "a run without records keeps its digest"
        );
    }

    /// An export written before the run's fields were one list (2026-12), to the byte: it
    /// must read as it did.
    const EXPORT_V1: &str = r#"{"format":"async-vs-threads/runs","v":1,"exported_at_ms":1800000000000,"environment":{"browser":"Firefox 153","cores":8,"pool":4,"isolated":false,"build":"fallback"},"runs":[{"strategy":"threads","params":"v=1&workload=mixed&tasks=3&io_ms=100&cpu_ms=20&jitter=none&rounds=1&threads=2&yield_every_ms=5&switch_ms=5&seed=1&strategy=threads","threads_used":2,"pool_size":2,"cores":2,"started_at_ms":1795000000000.5,"makespan_ms":29.25,"outcome":"done","why":null,"hidden_ms":0,"responsiveness":{"samples":0,"lag_p50_ms":0,"lag_p99_ms":0,"longest_stall_ms":0,"blocked_ms":0,"missed_frames":0},"scheduler":null,"startup":null,"digest":{"tasks_done":3,"throughput_per_s":102.56410256410257,"latency_p50_ms":19.25,"latency_p95_ms":28.25,"latency_max_ms":29.25,"cpu_total_ms":11.25,"wait_total_ms":16.5,"max_overlapping_waits":1,"last_first_pickup_ms":10,"checksum":"63c62acd6ca9bdcb","lanes":["w0","w1"]},"lag":[[10,10.2],[30.1,20.1]],"details_dropped":false,"tasks":[{"task":0,"lane":"w0","start_ms":0,"end_ms":9.25,"cpu_ms":3.75,"wait_ms":5.5,"lock_ms":-0,"checksum":"123456789abcdef0","segments":[["wait",0,5.5],["cpu",5.5,9.25]]},{"task":1,"lane":"w1","start_ms":10,"end_ms":19.25,"cpu_ms":3.75,"wait_ms":5.5,"lock_ms":-0,"checksum":"123456789abcdef1","segments":[["wait",10,15.5],["cpu",15.5,19.25]]},{"task":2,"lane":"w0","start_ms":20,"end_ms":29.25,"cpu_ms":3.75,"wait_ms":5.5,"lock_ms":-0,"checksum":"123456789abcdef2","segments":[["wait",20,25.5],["cpu",25.5,29.25]]}]},{"strategy":"async","params":"v=1&workload=mixed&tasks=3&io_ms=100&cpu_ms=20&jitter=none&rounds=1&threads=2&yield_every_ms=5&switch_ms=5&seed=1&strategy=async","threads_used":1,"pool_size":2,"cores":2,"started_at_ms":0,"makespan_ms":100.69999999999999,"outcome":"failed","why":"task 2 \"panicked\"","hidden_ms":0,"responsiveness":{"samples":0,"lag_p50_ms":0,"lag_p99_ms":0,"longest_stall_ms":0,"blocked_ms":0,"missed_frames":0},"scheduler":{"name":"a ready queue in one spawn_local task","spawn_us_per_task":0.5,"wakes":6,"us_per_wake":0},"startup":null,"digest":{"tasks_done":3,"throughput_per_s":29.791459781529298,"latency_p50_ms":100.39999999999999,"latency_p95_ms":100.66999999999999,"latency_max_ms":100.69999999999999,"cpu_total_ms":0.29999999999998295,"wait_total_ms":300,"max_overlapping_waits":3,"last_first_pickup_ms":0,"checksum":"a661f8ac7159690d","lanes":["main","w1"]},"lag":[],"details_dropped":false,"tasks":[{"task":0,"lane":"main","start_ms":0,"end_ms":100.1,"cpu_ms":0.09999999999999432,"wait_ms":100,"lock_ms":-0,"checksum":"0000000000000000","segments":[["wait",0,100],["cpu",100,100.1]]},{"task":1,"lane":"main","start_ms":0.1,"end_ms":100.39999999999999,"cpu_ms":0.09999999999999432,"wait_ms":100,"lock_ms":-0,"checksum":"0000000000000000","segments":[["wait",0.1,100.1],["cpu",100.3,100.39999999999999]]},{"task":2,"lane":"main","start_ms":0.2,"end_ms":100.69999999999999,"cpu_ms":0.09999999999999432,"wait_ms":100,"lock_ms":-0,"checksum":"0000000000000000","segments":[["wait",0.2,100.2],["cpu",100.6,100.69999999999999,"w1"]]}]}]}"#;

    #[test]
    fn an_export_of_the_first_version_still_reads() {
        let back = decode(EXPORT_V1).unwrap();
        assert_eq!(back.runs, runs());
        let refs: Vec<&RunRecord> = back.runs.iter().collect();
        let (again, _) = whole(|out| write(&back.environment, back.exported_at_ms, &refs, out));
        assert_eq!(again, EXPORT_V1, "written again, the same text");
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
        let (text, chunks) = whole(|out| write(&env(), 0.0, &[&run], out));
        assert!(chunks > 1, "{} bytes in {chunks} chunk", text.len());
        assert_eq!(decode(&text).unwrap().runs[0], run);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let runs = runs();
        let (good, _) = whole(|out| write(&env(), 0.0, &[&runs[0]], out));
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
                "unknown strategy \"fibres\"",
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
                "unknown outcome \"maybe\"",
            ),
            (
                "\"outcome\":\"done\"",
                "\"outcome\":\"failed\"",
                "run 1: field why: no why",
            ),
            (
                "\"pool_size\":2,\"cores\":2,",
                "\"pool_size\":2,",
                "run 1: field cores: no cores",
            ),
            (
                "\"pool_size\":2,\"cores\":2,",
                "\"pool_size\":2,\"cores\":-2,",
                "run 1: field cores: a count that is not a whole number",
            ),
            (
                "\"samples\":0,",
                "\"samples\":\"many\",",
                "run 1: field responsiveness.samples: a count that is not a whole number",
            ),
            (
                "&tasks=3&",
                "&tasks=-5&",
                "run 1: field params: parameters this page does not accept",
            ),
            ("\"tasks\":[{", "\"tasks\":[7,{", "expected an object"),
        ];
        for (from, to, why) in edits {
            assert!(good.contains(from), "{from}");
            let err = decode(&good.replacen(from, to, 1)).unwrap_err();
            assert!(err.contains(why) && err.contains("run 1"), "{to}: {err}");
        }
    }

    proptest! {
        #[test]
        fn every_field_of_every_run_survives_an_export(runs in prop::collection::vec(arb_run(), 0..4)) {
            let refs: Vec<&RunRecord> = runs.iter().collect();
            let (text, _) = whole(|out| write(&env(), 0.0, &refs, out));
            let back = decode(&text).unwrap().runs;
            prop_assert_eq!(back.len(), runs.len());
            for (b, run) in back.iter().zip(&runs) {
                for field in &FIELDS {
                    prop_assert_eq!((field.get)(b), (field.get)(run), "{}", field.key);
                }
                prop_assert_eq!(&b.head.lag, &run.head.lag);
            }
        }
    }
}
