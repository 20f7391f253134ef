//! The CSV of task segments: a row per segment of every task of every run, with its run,
//! strategy, experiment, task, lanes, kind and times.

use super::Sink;
use crate::model::experiment::url;
use crate::model::run::record::RunRecord;
use crate::model::store::json;

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
pub fn write(runs: &[&RunRecord], out: &mut dyn FnMut(String)) {
    let mut sink = Sink::new(out);
    sink.buf.push_str(CSV_HEADER);
    sink.buf.push_str("\r\n");
    for (i, run) in runs.iter().enumerate() {
        let experiment = csv_field(&url::encode(&run.head.params, None));
        for t in &run.tasks {
            for (k, s) in t.segments.iter().enumerate() {
                sink.buf.push_str(&format!(
                    "{},{},{experiment},{},{},{k},{},{},{},{},{}\r\n",
                    i + 1,
                    run.strategy().key(),
                    t.task,
                    t.lane.key(),
                    s.lane_of(t).key(),
                    s.kind.key(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::experiment::params::Strategy;
    use crate::model::run::record::Lane;
    use crate::model::store::export::tests::{runs, whole};

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
        let (text, _) = whole(|out| write(&refs, out));
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
                    assert_eq!(Strategy::from_key(&row[1]), Some(run.strategy()));
                    assert_eq!(
                        url::exact(&row[2]).map(|p| p.tasks),
                        Some(run.head.params.tasks)
                    );
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
}
