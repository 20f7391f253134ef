//! What a process sends back: a finished task's record as plain numbers.
//!
//! A process (the Processes strategy) is a worker with a wasm instance and memory of its own,
//! so nothing it builds can be read by the page: its records travel as messages, a
//! `Float64Array` each (copied by `postMessage`, as `multiprocessing` pickles results). The
//! page checks every message before believing it: a record that does not decode ends the run
//! as failed, with the reason.
//!
//! Layout: `[task, start_ms, end_ms, cpu_ms, wait_ms, lock_ms, checksum_hi, checksum_lo]`
//! followed by `kind, start_ms, end_ms` for each segment (kind 0 = CPU, 1 = wait, 2 = lock
//! wait). The checksum goes as two 32-bit halves, which `f64` holds exactly. The lane is not
//! sent: the page knows which process it heard from.

use crate::model::run::record::{Lane, Segment, SegmentKind, TaskRecord};

const HEAD: usize = 8;
const PER_SEGMENT: usize = 3;

fn kind_code(kind: SegmentKind) -> f64 {
    match kind {
        SegmentKind::Cpu => 0.0,
        SegmentKind::Wait => 1.0,
        SegmentKind::LockWait => 2.0,
    }
}

fn kind_of(code: f64) -> Option<SegmentKind> {
    match code {
        0.0 => Some(SegmentKind::Cpu),
        1.0 => Some(SegmentKind::Wait),
        2.0 => Some(SegmentKind::LockWait),
        _ => None,
    }
}

/// The record as numbers (its segments' own lanes are not sent: a process runs its task whole).
pub fn encode_record(r: &TaskRecord) -> Vec<f64> {
    let mut out = Vec::with_capacity(HEAD + PER_SEGMENT * r.segments.len());
    out.extend([
        f64::from(r.task),
        r.start_ms,
        r.end_ms,
        r.cpu_ms,
        r.wait_ms,
        r.lock_ms,
        (r.checksum >> 32) as f64,
        (r.checksum & 0xffff_ffff) as f64,
    ]);
    for s in &r.segments {
        out.extend([kind_code(s.kind), s.start_ms, s.end_ms]);
    }
    out
}

/// A whole number in `0..=max`, if `x` is one.
fn whole(x: f64, max: u32) -> Option<u32> {
    (x.fract() == 0.0 && (0.0..=f64::from(max)).contains(&x)).then_some(x as u32)
}

/// Reads a record sent by the process on `lane` running a run of `tasks` tasks.
///
/// # Errors
/// Why the numbers are not a record of this run (for the run's failure message).
pub fn decode_record(v: &[f64], lane: Lane, tasks: u32) -> Result<TaskRecord, String> {
    if v.len() < HEAD || !(v.len() - HEAD).is_multiple_of(PER_SEGMENT) {
        return Err(format!("a record of {} numbers", v.len()));
    }
    if let Some(x) = v.iter().find(|x| !x.is_finite()) {
        return Err(format!("a record holding {x}"));
    }
    let task = whole(v[0], u32::MAX)
        .filter(|t| *t < tasks)
        .ok_or_else(|| format!("a record of task {}, not one of this run's {tasks}", v[0]))?;
    let half = |x: f64| whole(x, u32::MAX).ok_or_else(|| format!("a checksum half of {x}"));
    let checksum = (u64::from(half(v[6])?) << 32) | u64::from(half(v[7])?);
    let segments = v[HEAD..]
        .chunks_exact(PER_SEGMENT)
        .map(|c| {
            let kind = kind_of(c[0]).ok_or_else(|| format!("a segment of kind {}", c[0]))?;
            if c[2] < c[1] {
                return Err(format!(
                    "a segment that ends ({}) before it starts ({})",
                    c[2], c[1]
                ));
            }
            Ok(Segment {
                kind,
                start_ms: c[1],
                end_ms: c[2],
                lane: None,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if v[2] < v[1] {
        return Err(format!(
            "a task that ends ({}) before it starts ({})",
            v[2], v[1]
        ));
    }
    Ok(TaskRecord {
        task,
        lane,
        start_ms: v[1],
        end_ms: v[2],
        cpu_ms: v[3],
        wait_ms: v[4],
        lock_ms: v[5],
        checksum,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record() -> TaskRecord {
        let mut r = TaskRecord::from_segments(
            7,
            Lane::Process(1),
            &[
                (SegmentKind::Wait, 0.25, 100.5),
                (SegmentKind::Cpu, 100.5, 150.125),
            ],
        );
        r.checksum = 0xdead_beef_0123_4567;
        r
    }

    #[test]
    fn a_record_comes_back_whole() {
        let r = record();
        let sent = encode_record(&r);
        assert_eq!(sent.len(), 8 + 2 * 3);
        assert_eq!(decode_record(&sent, Lane::Process(1), 8), Ok(r));
    }

    #[test]
    fn the_receiver_names_the_lane() {
        let sent = encode_record(&record());
        assert_eq!(
            decode_record(&sent, Lane::Process(3), 8).unwrap().lane,
            Lane::Process(3)
        );
    }

    #[test]
    fn malformed_records_are_refused_with_a_reason() {
        let good = encode_record(&record());
        let with = |i: usize, x: f64| {
            let mut v = good.clone();
            v[i] = x;
            v
        };
        let cases: [(Vec<f64>, &str); 9] = [
            (vec![], "0 numbers"),
            (good[..good.len() - 1].to_vec(), "13 numbers"),
            (with(1, f64::NAN), "NaN"),
            (with(0, 8.0), "task 8"),
            (with(0, 1.5), "task 1.5"),
            (with(6, -1.0), "checksum half of -1"),
            (with(8, 5.0), "kind 5"),
            (with(10, 0.0), "segment that ends"),
            (with(2, 0.0), "task that ends"),
        ];
        for (v, why) in cases {
            let e = decode_record(&v, Lane::Process(0), 8).unwrap_err();
            assert!(e.contains(why), "{e} should say {why}");
        }
    }

    proptest! {
        #[test]
        fn any_record_round_trips(
            task in 0u32..1000,
            checksum in any::<u64>(),
            segs in prop::collection::vec((0u8..3, 0.0f64..1e6, 0.0f64..1e3), 0..6),
        ) {
            let segs: Vec<(SegmentKind, f64, f64)> = segs
                .into_iter()
                .map(|(k, start, len)| (kind_of(f64::from(k)).unwrap(), start, start + len))
                .collect();
            let mut r = TaskRecord::from_segments(task, Lane::Process(0), &segs);
            r.end_ms = r.end_ms.max(r.start_ms);
            r.checksum = checksum;
            prop_assert_eq!(decode_record(&encode_record(&r), Lane::Process(0), 1000), Ok(r));
        }
    }
}
