//! A run's fields, described once ([`FIELDS`]): what the JSON export writes of a run beside
//! its probe samples and task records, and what a history line keeps of it. Each field has
//! its place in the export (the run's object, or one of its objects), its key in a line (flat,
//! so unique), and how to read it from a run and write it back. Both formats walk this list,
//! so a new field is one entry here, and the round-trip tests cover it in both.

use crate::model::experiment::params::Strategy;
use crate::model::experiment::url;
use crate::model::run::record::{
    Digest, Lane, Outcome, RunEnvironment, RunHead, RunRecord, SCHEDULERS, SchedulerCost, Startup,
};
use crate::model::store::json;

/// Where the JSON export puts a field: the run's own object, or one of its objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Run,
    Responsiveness,
    Scheduler,
    Startup,
    Digest,
    Environment,
}

impl Group {
    /// The run's own fields first, then its objects, in the export's order.
    pub const ALL: [Group; 6] = [
        Group::Run,
        Group::Responsiveness,
        Group::Scheduler,
        Group::Startup,
        Group::Digest,
        Group::Environment,
    ];

    /// Its key in the run's object (`None`: the run's own fields).
    pub fn key(self) -> Option<&'static str> {
        match self {
            Group::Run => None,
            Group::Responsiveness => Some("responsiveness"),
            Group::Scheduler => Some("scheduler"),
            Group::Startup => Some("startup"),
            Group::Digest => Some("digest"),
            Group::Environment => Some("environment"),
        }
    }

    /// Whether `run` has it: only the scheduler's cost (runs on the event loop), the
    /// start-up (processes) and the environment (runs that say where they were measured) may
    /// be missing: left out of a line, and in the export `null` or left out
    /// ([`Group::null_when_absent`]).
    pub fn is_in(self, run: &RunRecord) -> bool {
        match self {
            Group::Scheduler => run.head.scheduler.is_some(),
            Group::Startup => run.head.startup.is_some(),
            Group::Environment => run.head.environment.is_some(),
            Group::Run | Group::Responsiveness | Group::Digest => true,
        }
    }

    /// Whether the export writes `null` for it where a run lacks it: the groups version 1
    /// started with. The environment came later and is left out, so files without it read
    /// back as they were written.
    pub fn null_when_absent(self) -> bool {
        self != Group::Environment
    }

    /// Gives `run` this group, with placeholders its fields then fill (a reader found it).
    fn open(self, run: &mut RunRecord) {
        match self {
            Group::Scheduler => {
                run.head.scheduler = Some(SchedulerCost {
                    name: SCHEDULERS[0],
                    spawn_us_per_task: f64::NAN,
                    wakes: 0,
                    us_per_wake: f64::NAN,
                })
            }
            Group::Startup => {
                run.head.startup = Some(Startup {
                    per_worker_ms: f64::NAN,
                    all_ready_ms: f64::NAN,
                    memory_bytes: f64::NAN,
                })
            }
            Group::Environment => run.head.environment = Some(RunEnvironment::default()),
            Group::Run | Group::Responsiveness | Group::Digest => {}
        }
    }
}

/// A field's value, as a run gives it to a writer.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count, written exactly.
    Whole(u64),
    /// A measurement (NaN: unknown, `null` in JSON).
    Real(f64),
    Text(String),
    /// Short texts (the lanes): a JSON array, comma-joined in a line.
    List(Vec<String>),
}

impl Value {
    /// As JSON.
    pub fn json(&self) -> String {
        match self {
            Value::Whole(v) => v.to_string(),
            Value::Real(v) => json::number(*v),
            Value::Text(s) => json::string(s),
            Value::List(v) => {
                let items: Vec<String> = v.iter().map(|s| json::string(s)).collect();
                format!("[{}]", items.join(","))
            }
        }
    }

    /// As a line's text (before escaping).
    pub fn text(&self) -> String {
        match self {
            Value::Whole(v) => v.to_string(),
            Value::Real(v) => v.to_string(),
            Value::Text(s) => s.clone(),
            Value::List(v) => v.join(","),
        }
    }
}

/// A field's value as a reader found it: a line holds text only, JSON says what it holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// A JSON number as written.
    Number(String),
    Text(String),
    /// JSON `null`.
    Null,
    /// A JSON array of strings.
    List(Vec<String>),
}

impl Raw {
    /// A whole number up to `max`.
    fn whole<T: TryFrom<u64>>(self) -> Result<T, String> {
        match self {
            Raw::Number(t) | Raw::Text(t) => json::whole(&t).and_then(|v| T::try_from(v).ok()),
            Raw::Null | Raw::List(_) => None,
        }
        .ok_or_else(|| "a count that is not a whole number in range".into())
    }

    /// A measurement: `null` (or NaN in a line) when unknown.
    fn real(self) -> Result<f64, String> {
        match self {
            Raw::Number(t) | Raw::Text(t) => t.parse().ok(),
            Raw::Null => Some(f64::NAN),
            Raw::List(_) => None,
        }
        .ok_or_else(|| "a measurement that is not a number".into())
    }

    fn text(self) -> Result<String, String> {
        match self {
            Raw::Text(t) => Ok(t),
            _ => Err("expected text".into()),
        }
    }

    fn list(self) -> Result<Vec<String>, String> {
        match self {
            Raw::List(v) => Ok(v),
            Raw::Text(t) => Ok(t
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()),
            _ => Err("expected a list".into()),
        }
    }
}

/// One field of a run as stored.
pub struct Field {
    pub group: Group,
    /// Its key in its group's object in the JSON export.
    pub key: &'static str,
    /// Its key in a history line.
    pub line_key: &'static str,
    /// Whether a run read without it is wrong (else the field keeps its default).
    required: fn(&RunRecord) -> bool,
    /// Its value in a run; `None` where the run has none (`null` in JSON, left out of a line).
    pub get: fn(&RunRecord) -> Option<Value>,
    /// Writes a value read back into a run (fields are written in [`FIELDS`] order).
    set: fn(&mut RunRecord, Raw) -> Result<(), String>,
}

fn always(_: &RunRecord) -> bool {
    true
}

fn never(_: &RunRecord) -> bool {
    false
}

/// A field whose value lies at `$path` of the run, a count (`whole`) or a measurement
/// (`real`); with `?`, in an optional group (`head.scheduler ? wakes`).
macro_rules! field {
    ($group:ident, $key:literal, $line:literal, $kind:ident, $variant:ident: $($path:ident).+) => {
        Field {
            group: Group::$group,
            key: $key,
            line_key: $line,
            required: always,
            get: |r| Some(Value::$variant(r.$($path).+ as _)),
            set: |r, raw| {
                r.$($path).+ = raw.$kind()?;
                Ok(())
            },
        }
    };
    ($group:ident, $key:literal, $line:literal, $kind:ident, $variant:ident: $($opt:ident).+ ? $f:ident) => {
        Field {
            group: Group::$group,
            key: $key,
            line_key: $line,
            required: always,
            get: |r| r.$($opt).+.as_ref().map(|g| Value::$variant(g.$f as _)),
            set: |r, raw| {
                if let Some(g) = r.$($opt).+.as_mut() {
                    g.$f = raw.$kind()?;
                }
                Ok(())
            },
        }
    };
}

/// The longest text an environment's field may hold (it is shown as a label).
const ENVIRONMENT_TEXT_MAX: usize = 80;

/// A text field of the run's environment, `$f` of [`RunEnvironment`].
macro_rules! environment_field {
    ($key:literal, $line:literal, $f:ident) => {
        Field {
            group: Group::Environment,
            key: $key,
            line_key: $line,
            required: never,
            get: |r| {
                r.head
                    .environment
                    .as_ref()
                    .map(|e| Value::Text(e.$f.clone()))
            },
            set: |r, raw| {
                let text = raw.text()?;
                if text.chars().count() > ENVIRONMENT_TEXT_MAX {
                    return Err(format!(
                        "an environment's {} of over {ENVIRONMENT_TEXT_MAX} characters",
                        $key
                    ));
                }
                if let Some(e) = r.head.environment.as_mut() {
                    e.$f = text;
                }
                Ok(())
            },
        }
    };
}

/// Every field, in the order the export writes them and readers set them: the strategy
/// before the parameters, the outcome before why, the scheduler's name before its figures.
pub static FIELDS: [Field; 39] = [
    Field {
        group: Group::Run,
        key: "strategy",
        line_key: "strategy",
        required: always,
        get: |r| Some(Value::Text(r.strategy().key().into())),
        set: |r, raw| {
            let key = raw.text()?;
            r.head.params.strategy =
                Strategy::from_key(&key).ok_or_else(|| format!("an unknown strategy \"{key}\""))?;
            Ok(())
        },
    },
    Field {
        group: Group::Run,
        key: "params",
        line_key: "params",
        required: always,
        get: |r| Some(Value::Text(url::encode(&r.head.params, None))),
        set: |r, raw| {
            let params = url::exact(&raw.text()?)
                .ok_or_else(|| "parameters this page does not accept".to_string())?;
            // The strategy is the run's own field, set before.
            r.head.params = crate::model::experiment::params::Params {
                strategy: r.head.params.strategy,
                ..params
            };
            Ok(())
        },
    },
    field!(Run, "threads_used", "threads_used", whole, Whole: head.threads_used),
    field!(Run, "pool_size", "pool_size", whole, Whole: head.pool_size),
    field!(Run, "cores", "cores", whole, Whole: head.cores),
    // Lines written before the start time was kept have none: 0, unknown.
    Field {
        required: never,
        ..field!(Run, "started_at_ms", "at", real, Real: head.started_at_ms)
    },
    field!(Run, "makespan_ms", "makespan_ms", real, Real: digest.summary.makespan_ms),
    Field {
        group: Group::Run,
        key: "outcome",
        line_key: "outcome",
        required: always,
        get: |r| Some(Value::Text(r.head.outcome.key().into())),
        set: |r, raw| {
            let key = raw.text()?;
            // A failure's sentence comes with `why`, next.
            r.head.outcome = Outcome::from_key(&key, Some(String::new()))
                .ok_or_else(|| format!("an unknown outcome \"{key}\""))?;
            Ok(())
        },
    },
    Field {
        group: Group::Run,
        key: "why",
        line_key: "why",
        required: |r| matches!(r.head.outcome, Outcome::Failed(_)),
        get: |r| r.failure().map(|why| Value::Text(why.into())),
        set: |r, raw| match (&mut r.head.outcome, raw) {
            (Outcome::Failed(_), Raw::Null) => Err("no why".into()),
            (Outcome::Failed(why), raw) => {
                *why = raw.text()?;
                Ok(())
            }
            _ => Ok(()),
        },
    },
    field!(Run, "hidden_ms", "hidden_ms", real, Real: head.hidden_ms),
    field!(Responsiveness, "samples", "samples", whole, Whole: head.responsiveness.samples),
    field!(Responsiveness, "lag_p50_ms", "lag_p50_ms", real, Real: head.responsiveness.lag_p50_ms),
    field!(Responsiveness, "lag_p99_ms", "lag_p99_ms", real, Real: head.responsiveness.lag_p99_ms),
    field!(Responsiveness, "longest_stall_ms", "longest_stall_ms", real, Real: head.responsiveness.longest_stall_ms),
    field!(Responsiveness, "blocked_ms", "blocked_ms", real, Real: head.responsiveness.blocked_ms),
    field!(Responsiveness, "missed_frames", "missed_frames", whole, Whole: head.responsiveness.missed_frames),
    Field {
        group: Group::Scheduler,
        key: "name",
        line_key: "scheduler",
        required: always,
        get: |r| r.head.scheduler.map(|s| Value::Text(s.name.into())),
        set: |r, raw| {
            // A scheduler this build does not know has no name to point at: its cost is then
            // unknown.
            let name = raw.text()?;
            match SCHEDULERS.iter().find(|s| **s == name) {
                Some(known) => r.head.scheduler.iter_mut().for_each(|s| s.name = known),
                None => r.head.scheduler = None,
            }
            Ok(())
        },
    },
    field!(Scheduler, "spawn_us_per_task", "spawn_us_per_task", real, Real: head.scheduler ? spawn_us_per_task),
    field!(Scheduler, "wakes", "wakes", whole, Whole: head.scheduler ? wakes),
    field!(Scheduler, "us_per_wake", "us_per_wake", real, Real: head.scheduler ? us_per_wake),
    field!(Startup, "per_worker_ms", "startup_per_worker_ms", real, Real: head.startup ? per_worker_ms),
    field!(Startup, "all_ready_ms", "startup_all_ready_ms", real, Real: head.startup ? all_ready_ms),
    field!(Startup, "memory_bytes", "startup_memory_bytes", real, Real: head.startup ? memory_bytes),
    field!(Digest, "tasks_done", "tasks_done", whole, Whole: digest.summary.tasks_done),
    field!(Digest, "throughput_per_s", "throughput_per_s", real, Real: digest.summary.throughput_per_s),
    field!(Digest, "latency_p50_ms", "latency_p50_ms", real, Real: digest.summary.latency_p50_ms),
    field!(Digest, "latency_p95_ms", "latency_p95_ms", real, Real: digest.summary.latency_p95_ms),
    field!(Digest, "latency_max_ms", "latency_max_ms", real, Real: digest.summary.latency_max_ms),
    field!(Digest, "cpu_total_ms", "cpu_total_ms", real, Real: digest.summary.cpu_total_ms),
    field!(Digest, "wait_total_ms", "wait_total_ms", real, Real: digest.summary.wait_total_ms),
    field!(Digest, "max_overlapping_waits", "max_overlapping_waits", whole, Whole: digest.max_overlapping_waits),
    field!(Digest, "last_first_pickup_ms", "last_first_pickup_ms", real, Real: digest.last_first_pickup_ms),
    Field {
        group: Group::Digest,
        key: "checksum",
        line_key: "checksum",
        required: always,
        get: |r| Some(Value::Text(format!("{:016x}", r.digest.checksum))),
        set: |r, raw| {
            let text = raw.text()?;
            r.digest.checksum = u64::from_str_radix(&text, 16)
                .ok()
                .filter(|_| text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| "a checksum that is not 16 hex digits".to_string())?;
            Ok(())
        },
    },
    Field {
        group: Group::Digest,
        key: "lanes",
        line_key: "lanes",
        required: always,
        get: |r| Some(Value::List(r.lanes().iter().map(|l| l.key()).collect())),
        set: |r, raw| {
            r.digest.lanes = raw
                .list()?
                .iter()
                .map(|k| Lane::from_key(k).ok_or_else(|| format!("an unknown lane \"{k}\"")))
                .collect::<Result<_, _>>()?;
            Ok(())
        },
    },
    environment_field!("runtime", "env_runtime", runtime),
    environment_field!("version", "env_version", version),
    environment_field!("build", "env_build", build),
    Field {
        set: |r, raw| {
            let gil = raw.text()?;
            if !["", "on", "off"].contains(&gil.as_str()) {
                return Err(format!("a GIL that is not on or off: \"{gil}\""));
            }
            if let Some(e) = r.head.environment.as_mut() {
                e.gil = gil;
            }
            Ok(())
        },
        ..environment_field!("gil", "env_gil", gil)
    },
    environment_field!("os", "env_os", os),
];

/// What was wrong with a field a reader found, or that it did not find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's index in [`FIELDS`].
    pub field: usize,
    pub what: String,
}

/// A run from what a reader found: `read(i)` is the value of field `i` of [`FIELDS`], if the
/// format held it, and `has(group)` whether it held an optional group. No task records;
/// `details_dropped` as the format says.
///
/// # Errors
/// A field that could not be read, or that is missing.
pub fn read_run(
    mut read: impl FnMut(usize) -> Option<Raw>,
    has: impl Fn(Group) -> bool,
    details_dropped: bool,
) -> Result<RunRecord, FieldError> {
    let mut run = RunRecord {
        head: RunHead::default(),
        digest: Digest::default(),
        tasks: Vec::new(),
        details_dropped,
    };
    for group in Group::ALL.into_iter().filter(|g| has(*g)) {
        group.open(&mut run);
    }
    for (i, field) in FIELDS.iter().enumerate() {
        // An optional group that is not there, or was dropped (an unknown scheduler).
        if !field.group.is_in(&run) {
            continue;
        }
        let error = |what: String| FieldError { field: i, what };
        match read(i) {
            Some(raw) => (field.set)(&mut run, raw).map_err(error)?,
            None if (field.required)(&run) => {
                let place = field.group.key().map_or(String::new(), |g| format!("{g} "));
                return Err(error(format!("no {place}{}", field.key)));
            }
            None => {}
        }
    }
    Ok(run)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::experiment::params::Params;
    use crate::model::experiment::params::Strategy as Strat;
    use crate::model::experiment::params::arb::arb_params;
    use crate::model::run::stats::ProbeSample;
    use crate::model::run::stats::{Responsiveness, Summary};
    use proptest::prelude::*;
    use proptest::strategy::Strategy;

    /// Any f64 but NaN, which never equals itself.
    pub(crate) fn arb_f64() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("NaN", |x| !x.is_nan())
    }

    /// A run with every field set to anything a field may hold, and no task records.
    pub(crate) fn arb_run() -> impl Strategy<Value = RunRecord> {
        let outcome = prop_oneof![
            Just(Outcome::Done),
            Just(Outcome::Cancelled),
            any::<String>().prop_map(Outcome::Failed),
            "[&=%+\\n\\r ]{0,6}".prop_map(Outcome::Failed),
        ];
        let responsiveness = (
            any::<usize>(),
            prop::array::uniform4(arb_f64()),
            any::<u32>(),
        )
            .prop_map(
                |(samples, [p50, p99, stall, blocked], missed)| Responsiveness {
                    samples,
                    lag_p50_ms: p50,
                    lag_p99_ms: p99,
                    longest_stall_ms: stall,
                    blocked_ms: blocked,
                    missed_frames: missed,
                },
            );
        let scheduler = proptest::option::of((arb_f64(), any::<u64>(), arb_f64()).prop_map(
            |(spawn, wakes, wake)| SchedulerCost {
                name: SCHEDULERS[0],
                spawn_us_per_task: spawn,
                wakes,
                us_per_wake: wake,
            },
        ));
        let startup = proptest::option::of(prop::array::uniform3(arb_f64()).prop_map(
            |[per_worker_ms, all_ready_ms, memory_bytes]| Startup {
                per_worker_ms,
                all_ready_ms,
                memory_bytes,
            },
        ));
        let lane = prop_oneof![
            Just(Lane::Main),
            any::<u16>().prop_map(Lane::Worker),
            any::<u16>().prop_map(Lane::Process)
        ];
        let summary = (any::<usize>(), prop::array::uniform7(arb_f64())).prop_map(
            |(tasks_done, [makespan_ms, tp, p50, p95, max, cpu, wait])| Summary {
                tasks_done,
                makespan_ms,
                throughput_per_s: tp,
                latency_p50_ms: p50,
                latency_p95_ms: p95,
                latency_max_ms: max,
                cpu_total_ms: cpu,
                wait_total_ms: wait,
            },
        );
        let digest = (
            summary,
            any::<u64>(),
            prop::collection::vec(lane, 0..5),
            any::<usize>(),
            arb_f64(),
        )
            .prop_map(
                |(summary, checksum, lanes, max_overlapping_waits, pick)| Digest {
                    summary,
                    checksum,
                    lanes,
                    max_overlapping_waits,
                    last_first_pickup_ms: pick,
                },
            );
        let environment = proptest::option::of(
            (
                prop::array::uniform4("[^,]{0,20}"),
                prop_oneof![Just(""), Just("on"), Just("off")],
            )
                .prop_map(|([runtime, version, build, os], gil)| RunEnvironment {
                    runtime,
                    version,
                    build,
                    gil: gil.into(),
                    os,
                }),
        );
        (
            arb_params(),
            prop::array::uniform3(any::<u32>()),
            (arb_f64(), arb_f64(), outcome, responsiveness),
            (scheduler, startup, digest, environment),
        )
            .prop_map(
                |(
                    params,
                    [threads_used, pool_size, cores],
                    (hidden_ms, started_at_ms, outcome, responsiveness),
                    (scheduler, startup, digest, environment),
                )| RunRecord {
                    head: RunHead {
                        params,
                        threads_used,
                        pool_size,
                        cores,
                        outcome,
                        hidden_ms,
                        responsiveness,
                        scheduler,
                        startup,
                        started_at_ms,
                        lag: vec![ProbeSample {
                            at_ms: 10.0,
                            gap_ms: 10.25,
                        }],
                        environment,
                    },
                    digest,
                    tasks: Vec::new(),
                    details_dropped: true,
                },
            )
    }

    /// Reads back what `FIELDS` give of `run`, through each field's own text, as a line would.
    fn through_text(run: &RunRecord) -> Result<RunRecord, FieldError> {
        through_edited_text(run, |_, text| Some(text))
    }

    /// As `through_text`, with `edit` given each field's index and text to change or drop.
    fn through_edited_text(
        run: &RunRecord,
        edit: impl Fn(usize, String) -> Option<String>,
    ) -> Result<RunRecord, FieldError> {
        let values: Vec<Option<Value>> = FIELDS.iter().map(|f| (f.get)(run)).collect();
        read_run(
            |i| {
                values[i]
                    .as_ref()
                    .and_then(|v| edit(i, v.text()))
                    .map(Raw::Text)
            },
            |g| g.is_in(run),
            true,
        )
    }

    #[test]
    fn every_line_key_is_its_own_and_every_export_key_its_groups_own() {
        for (i, a) in FIELDS.iter().enumerate() {
            for b in &FIELDS[i + 1..] {
                assert_ne!(a.line_key, b.line_key);
                assert!(a.group != b.group || a.key != b.key, "{}", a.key);
            }
        }
        // The export writes groups in order, so every group's fields lie together.
        let groups: Vec<Group> = FIELDS.iter().map(|f| f.group).collect();
        let mut seen: Vec<Group> = groups.clone();
        seen.dedup();
        assert_eq!(seen, Group::ALL, "fields in the export's order");
    }

    #[test]
    fn a_missing_field_or_a_bad_value_is_named() {
        let run = RunRecord::new(
            RunHead::for_test(Strat::Threads, Params::default()),
            Vec::new(),
        );
        let cores = FIELDS.iter().position(|f| f.key == "cores").unwrap();
        let without = through_edited_text(&run, |i, text| (i != cores).then_some(text));
        assert_eq!(without.unwrap_err().what, "no cores");
        let bad = through_edited_text(&run, |i, text| {
            Some(if i == cores { "-1".into() } else { text })
        });
        assert_eq!(bad.unwrap_err().field, cores);
    }

    #[test]
    fn a_failed_run_needs_its_why() {
        let mut head = RunHead::for_test(Strat::Async, Params::default());
        head.outcome = Outcome::Failed(String::new());
        let run = RunRecord::new(head, Vec::new());
        let values: Vec<Option<Value>> = FIELDS.iter().map(|f| (f.get)(&run)).collect();
        let why = FIELDS.iter().position(|f| f.key == "why").unwrap();
        assert_eq!(
            values[why],
            Some(Value::Text(String::new())),
            "an empty why is a why"
        );
        let without = through_edited_text(&run, |i, text| (i != why).then_some(text));
        assert_eq!(without.unwrap_err().what, "no why");
    }

    #[test]
    fn an_environment_is_bounded_and_its_gil_on_or_off() {
        let mut head = RunHead::for_test(Strat::Gil, Params::default());
        head.environment = Some(RunEnvironment {
            runtime: "CPython".into(),
            version: "3.12.3".into(),
            build: "default".into(),
            gil: "on".into(),
            os: "Linux x86_64".into(),
        });
        let run = RunRecord::new(head, Vec::new());
        assert_eq!(
            through_text(&run).unwrap().head.environment,
            run.head.environment
        );
        let gil = FIELDS.iter().position(|f| f.key == "gil").unwrap();
        let bad = through_edited_text(&run, |i, text| {
            Some(if i == gil { "maybe".into() } else { text })
        });
        assert_eq!(
            bad.unwrap_err().what,
            "a GIL that is not on or off: \"maybe\""
        );
        let os = FIELDS.iter().position(|f| f.key == "os").unwrap();
        let long = through_edited_text(&run, |i, text| {
            Some(if i == os { "x".repeat(81) } else { text })
        });
        assert_eq!(long.unwrap_err().field, os);
        // Runs that predate it have none, and read back without one.
        let old = RunRecord::new(RunHead::for_test(Strat::Gil, Params::default()), Vec::new());
        assert_eq!(through_text(&old).unwrap().head.environment, None);
    }

    proptest! {
        #[test]
        fn every_field_reads_back_from_its_text(run in arb_run()) {
            let back = through_text(&run).unwrap();
            for field in &FIELDS {
                prop_assert_eq!((field.get)(&back), (field.get)(&run), "{}", field.key);
            }
        }
    }
}
