//! Fuzzes everything the page takes from strangers: links (the URL codec), messages from an
//! embedding page (`postMessage` commands) and imported files (the JSON export reader), with
//! generated inputs: valid ones mutated, and hostile values (1e12 tasks, NaN, negatives, 1 MB
//! strings, repeated keys, bad percent-encoding, deep nesting, truncation, flipped bytes).
//!
//! For each input: no panic (caught and counted), and every bad value reported: a link value
//! the codec did not take has its notice (and no notice runs longer than a sentence); a message
//! is a command or has a reason; a file is runs or a sentence.
//!
//! `cargo run --profile fuzz --example fuzz -- [inputs] [seed]` (default 1,000,000 inputs)
//! prints one JSON line of figures and exits non-zero on any panic or unreported value.

use std::panic::{AssertUnwindSafe, catch_unwind};

use async_vs_threads::model::experiment::params::{Field, Params, Strategy, Workload};
use async_vs_threads::model::experiment::rng::mix64;
use async_vs_threads::model::experiment::url;
use async_vs_threads::model::format;
use async_vs_threads::model::page::embed::{self, Command, Data};
use async_vs_threads::model::run::record::{
    Lane, RunEnvironment, RunHead, RunRecord, SegmentKind, TaskRecord,
};
use async_vs_threads::model::run::stats::Responsiveness;
use async_vs_threads::model::store::export::{self, Environment};

/// The longest notice a link may cause, in chars: a sentence, whatever the value's length.
const NOTICE_MAX: usize = 400;

/// A deterministic stream of random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values no field should take quietly.
const HOSTILE: [&str; 24] = [
    "1e12",
    "1000000000000",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "-5",
    "-0",
    "0",
    "",
    " ",
    "1.5",
    "0x10",
    "%zz",
    "%",
    "%e9%",
    "%00",
    "+",
    "🦀",
    "\u{202e}",
    "<script>",
    "1e-400",
    "99999999999999999999",
    "true",
];

fn rand_text(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 if rng.below(100) == 0 => "x".repeat(1 << 20),
        1 => (0..rng.below(40))
            .map(|_| char::from_u32(rng.below(0x11000) as u32).unwrap_or('?'))
            .collect(),
        2..=5 => rng.pick(&HOSTILE).to_string(),
        _ => (rng.next() % 100_000).to_string(),
    }
}

/// A link: a valid one with fields replaced, repeated, escaped badly or cut.
fn link(rng: &mut Rng) -> String {
    let workload = *rng.pick(&Workload::ALL);
    let strategy = *rng.pick(&Strategy::ALL);
    let base = url::encode(
        &Params {
            workload,
            strategy,
            ..Params::default()
        },
        None,
    );
    let mut parts: Vec<String> = base.split('&').map(String::from).collect();
    for _ in 0..1 + rng.below(4) {
        let key = match rng.below(6) {
            0 => "pool".to_string(),
            1 => "v".to_string(),
            2 => rand_text(rng).chars().take(8).collect(),
            _ => rng.pick(&Field::ALL).key().to_string(),
        };
        let value = rand_text(rng);
        let value = if rng.below(2) == 0 {
            url::escape(&value)
        } else {
            value
        };
        let part = format!("{key}={value}");
        match rng.below(3) {
            0 => parts.push(part),
            1 => {
                let i = rng.below(parts.len());
                parts[i] = part;
            }
            _ => parts.insert(rng.below(parts.len() + 1), part),
        }
    }
    let mut q = parts.join("&");
    if rng.below(8) == 0 {
        let cut = rng.below(q.len() + 1);
        q = String::from_utf8_lossy(&q.as_bytes()[..cut]).into_owned();
    }
    q
}

/// Checks a link: each known field's last value was taken as typed, or has its notice.
fn check_link(q: &str) -> Result<(), String> {
    let d = url::decode(q);
    if let Some(n) = d.notices.iter().find(|n| n.chars().count() > NOTICE_MAX) {
        return Err(format!("a notice of {} chars", n.chars().count()));
    }
    let _ = d.form.check();
    for field in Field::ALL {
        let last = url::pairs(q.trim_start_matches('?'))
            .filter(|(k, _)| k == field.key())
            .last();
        if let Some((_, value)) = last {
            let taken = d.form.get(field) == value.trim();
            let shown = format::clip(&value);
            let told = d
                .notices
                .iter()
                .any(|n| n.starts_with(&format!("{}={shown}", field.key())));
            if !taken && !told {
                return Err(format!(
                    "{}={} was dropped without a notice",
                    field.key(),
                    shown
                ));
            }
        }
    }
    Ok(())
}

/// A message's data as the runtime would convert it.
fn data(rng: &mut Rng, depth: usize) -> Data {
    match rng.below(if depth > 0 { 7 } else { 9 }) {
        0 => Data::Null,
        1 => Data::Bool(rng.below(2) == 0),
        2 => Data::Number(*rng.pick(&[1.0, 2.0, 0.0, -1.0, f64::NAN, 1e12, f64::INFINITY])),
        3 => Data::TooLong(embed::MAX_TEXT + rng.below(1 << 20)),
        4 => Data::Other,
        5 | 6 => {
            let text = match rng.below(4) {
                0 => format!(
                    "{}{}",
                    embed::PREFIX,
                    rng.pick(&["run", "cancel", "set", "x"])
                ),
                1 => link(rng),
                _ => rand_text(rng),
            };
            // As the runtime converts a JS string: longer than the limit, only its length.
            match text.encode_utf16().count() {
                n if n > embed::MAX_TEXT => Data::TooLong(n),
                _ => Data::Text(text),
            }
        }
        _ => {
            let mut fields = Vec::new();
            if rng.below(4) != 0 {
                let kind = *rng.pick(&["run", "cancel", "set", "result", "", "RUN"]);
                fields.push((
                    "type".to_string(),
                    Data::Text(format!("{}{kind}", embed::PREFIX)),
                ));
                fields.push((
                    "v".to_string(),
                    Data::Number(*rng.pick(&[1.0, 1.0, 2.0, f64::NAN])),
                ));
            }
            for _ in 0..rng.below(embed::MAX_FIELDS + 3) {
                let key = (*rng.pick(&["type", "v", "query", "x", "__proto__"])).to_string();
                fields.push((key, data(rng, depth + 1)));
            }
            Data::Object(fields)
        }
    }
}

fn check_message(d: &Data) -> Result<(), String> {
    match embed::command(d) {
        Ok(Command::Set(q)) if q.encode_utf16().count() > embed::MAX_TEXT => {
            Err("a set command longer than the limit".into())
        }
        Ok(Command::Set(q)) => check_link(&q),
        Ok(_) => Ok(()),
        Err(why) if why.is_empty() => Err("a message refused without a reason".into()),
        Err(_) => Ok(()),
    }
}

/// A small valid export: two runs of a few tasks.
fn export_text() -> String {
    let params = Params {
        workload: Workload::Mixed,
        tasks: 4,
        ..Params::default()
    };
    let runs: Vec<RunRecord> = [Strategy::Threads, Strategy::Async]
        .iter()
        .map(|s| {
            let tasks = (0..4)
                .map(|t| {
                    let at = f64::from(t) * 3.5;
                    TaskRecord::from_segments(
                        t,
                        if s.on_event_loop() {
                            Lane::Main
                        } else {
                            Lane::Worker((t % 2) as u16)
                        },
                        &[
                            (SegmentKind::Wait, at, at + 2.25),
                            (SegmentKind::Cpu, at + 2.25, at + 3.0),
                        ],
                    )
                })
                .collect();
            RunRecord::new(
                RunHead {
                    params: Params {
                        strategy: *s,
                        ..params
                    },
                    threads_used: 2,
                    pool_size: 2,
                    cores: 2,
                    outcome: async_vs_threads::model::run::record::Outcome::Done,
                    hidden_ms: 0.0,
                    responsiveness: Responsiveness::default(),
                    scheduler: None,
                    startup: None,
                    started_at_ms: 1.8e12,
                    lag: Vec::new(),
                    // Half as the Python twin writes them, so its fields are mutated too.
                    environment: (s.index() % 2 == 1).then(|| RunEnvironment {
                        runtime: "CPython".into(),
                        version: "3.11.7".into(),
                        build: "default".into(),
                        gil: "on".into(),
                        os: "Linux x86_64".into(),
                    }),
                },
                tasks,
            )
        })
        .collect();
    let refs: Vec<&RunRecord> = runs.iter().collect();
    let env = Environment {
        browser: "Chromium 156".into(),
        cores: 2,
        pool: 2,
        isolated: true,
        build: "threads".into(),
    };
    let mut text = String::new();
    export::json::write(&env, 1.8e12, &refs, &mut |c| text.push_str(&c));
    text
}

const TOKENS: [&str; 14] = [
    "1e999",
    "NaN",
    "-1",
    "null",
    "true",
    "{}",
    "[]",
    "\"\"",
    "\"\\ud800\"",
    "4294967296",
    ",",
    "\"v\":2",
    "\"tasks\":[]",
    "\"fibres\"",
];

fn file(rng: &mut Rng, valid: &str) -> String {
    let mut bytes = valid.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 => bytes.truncate(at),
            1 if at < bytes.len() => bytes[at] = rng.next() as u8,
            2 => bytes
                .splice(at..at, rng.pick(&TOKENS).bytes())
                .for_each(drop),
            3 => {
                let n = 1 + rng.below(200);
                let deep = "[".repeat(n) + &"]".repeat(rng.below(n + 1));
                bytes.splice(at..at, deep.bytes()).for_each(drop);
            }
            4 if at < bytes.len() => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            5 => {
                let long = format!("\"{}\"", "y".repeat(1 << 16));
                bytes.splice(at..at, long.bytes()).for_each(drop);
            }
            _ => {
                let end = (at + rng.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy).for_each(drop);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check_file(text: &str) -> Result<(), String> {
    match export::json::decode(text) {
        Ok(e) => {
            if e.runs
                .iter()
                .any(|r| url::exact(&url::encode(&r.head.params, None)).is_none())
            {
                return Err("a file accepted with parameters the page does not take".into());
            }
            Ok(())
        }
        Err(why) if why.is_empty() => Err("a file refused without a reason".into()),
        Err(_) => Ok(()),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let inputs: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    // Panics are caught and counted; their messages would flood the output.
    std::panic::set_hook(Box::new(|_| {}));
    let valid = export_text();
    assert!(
        export::json::decode(&valid).is_ok(),
        "the unmutated export reads"
    );
    let mut rng = Rng(seed);
    let (mut panics, mut unreported, mut refused) = ([0usize; 3], [0usize; 3], [0usize; 3]);
    let mut first = None;
    let started = std::time::Instant::now();
    for i in 0..inputs {
        let target = i % 3;
        let (input, result) = match target {
            0 => {
                let q = link(&mut rng);
                let r = catch_unwind(|| check_link(&q));
                (q, r)
            }
            1 => {
                let d = data(&mut rng, 0);
                let r = catch_unwind(AssertUnwindSafe(|| check_message(&d)));
                let refused_it = embed::command(&d).is_err();
                refused[1] += usize::from(refused_it);
                (String::from("a message"), r)
            }
            _ => {
                let f = file(&mut rng, &valid);
                let r = catch_unwind(|| check_file(&f));
                refused[2] += usize::from(export::json::decode(&f).is_err());
                (f, r)
            }
        };
        match result {
            Err(_) => panics[target] += 1,
            Ok(Err(why)) => {
                unreported[target] += 1;
                first.get_or_insert_with(|| (why, input.chars().take(200).collect::<String>()));
            }
            Ok(Ok(())) => {}
        }
        if target == 0 {
            refused[0] += usize::from(!url::decode(&input).notices.is_empty());
        }
    }
    let total = |a: [usize; 3]| a.iter().sum::<usize>();
    println!(
        "{{\"fuzz_inputs\":{inputs},\"fuzz_panics\":{},\"fuzz_unreported\":{},\"links\":{{\"panics\":{},\"unreported\":{},\"with_notices\":{}}},\"messages\":{{\"panics\":{},\"unreported\":{},\"refused\":{}}},\"files\":{{\"panics\":{},\"unreported\":{},\"refused\":{}}},\"seconds\":{:.1}}}",
        total(panics),
        total(unreported),
        panics[0],
        unreported[0],
        refused[0],
        panics[1],
        unreported[1],
        refused[1],
        panics[2],
        unreported[2],
        refused[2],
        started.elapsed().as_secs_f64()
    );
    if let Some((why, input)) = first {
        eprintln!("first unreported: {why}; input: {}", input.escape_default());
    }
    if total(panics) + total(unreported) > 0 {
        std::process::exit(1);
    }
}
