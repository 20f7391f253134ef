//! The claims report: every claim the page judged in one sitting ("Judge every claim"), with
//! the articles' figure, this browser's figures, the verdict or why it was skipped, and the
//! environment it was measured in; as Markdown for a blog post and as JSON for a file.

use crate::model::experiment::url;
use std::borrow::Cow;

use crate::model::findings::chart::{Bar, Chart, Unit};
use crate::model::findings::claims::{CLAIMS, Claim, Holds, Verdict, find};
use crate::model::format;
use crate::model::page::caps::Capabilities;
use crate::model::run::record::RunRecord;
use crate::model::store::json;

/// The report's JSON format and version.
pub const FORMAT: &str = "async-vs-threads/claims";
pub const VERSION: u32 = 1;

/// One claim's line.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub claim: &'static Claim,
    /// The verdict, or why the claim was skipped.
    pub outcome: Result<Verdict, String>,
    /// How long judging it took, ms.
    pub took_ms: f64,
    /// The runs it judged (claims judged on runs).
    pub runs: Vec<JudgedRun>,
}

/// A run a verdict judged, as the report keeps it: enough to find it in the page's export
/// and to run it again.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedRun {
    pub strategy: &'static str,
    /// Its experiment as a link's query (its strategy included).
    pub query: String,
    pub makespan_ms: f64,
    /// The work done (16 hex digits), equal across strategies of one experiment.
    pub checksum: String,
}

impl JudgedRun {
    pub fn of(run: &RunRecord) -> Self {
        JudgedRun {
            strategy: run.strategy().key(),
            query: url::encode(&run.head.params, None),
            makespan_ms: run.makespan_ms(),
            checksum: format!("{:016x}", run.checksum()),
        }
    }
}

impl Row {
    /// This browser's figures in words: "sequential 5.03 s, threads 402 ms, async 101 ms".
    pub fn figures(&self) -> String {
        match &self.outcome {
            Ok(v) => v
                .chart
                .bars
                .iter()
                .map(|b| format!("{} {}", b.label, v.chart.unit.format(b.value)))
                .collect::<Vec<_>>()
                .join(", "),
            Err(_) => "–".into(),
        }
    }

    /// The verdict in words, or why the claim was skipped.
    pub fn verdict_text(&self) -> String {
        match &self.outcome {
            Ok(v) => v.text.clone(),
            Err(why) => format!("skipped: {why}"),
        }
    }

    /// The verdict's key (`holds`, `partly`, `does-not-hold`), or `skipped`.
    pub fn holds_key(&self) -> &'static str {
        self.outcome.as_ref().map_or("skipped", |v| v.holds.key())
    }
}

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub rows: Vec<Row>,
    /// Where it was measured ([`environment`]).
    pub environment: String,
    /// When it finished, ms since the Unix epoch.
    pub at_ms: f64,
}

/// Where a report was measured, in one line: "Chromium 156, 2 cores, cross-origin isolated,
/// threads build".
pub fn environment(caps: &Capabilities, browser: &str) -> String {
    format!(
        "{browser}, {} core{}, {}, {} build",
        caps.cores,
        if caps.cores == 1 { "" } else { "s" },
        if caps.cross_origin_isolated {
            "cross-origin isolated"
        } else {
            "not cross-origin isolated"
        },
        caps.build()
    )
}

/// A chart's bars as a JSON array of `{key, label, value, articles}`.
pub fn figures_json(chart: &Chart) -> String {
    let bars: Vec<String> = chart
        .bars
        .iter()
        .map(|b| {
            format!(
                "{{\"key\":{},\"label\":{},\"value\":{},\"articles\":{}}}",
                json::string(&b.key),
                json::string(&b.label),
                json::number(b.value),
                b.articles.map_or("null".into(), json::number)
            )
        })
        .collect();
    format!("[{}]", bars.join(","))
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

impl Report {
    /// Counts of each verdict: holds, partly, does not hold, skipped.
    pub fn tally(&self) -> [usize; 4] {
        let mut t = [0; 4];
        for r in &self.rows {
            let i = match r.holds_key() {
                "holds" => 0,
                "partly" => 1,
                "does-not-hold" => 2,
                _ => 3,
            };
            t[i] += 1;
        }
        t
    }

    /// The report as a Markdown table under a heading that names where and when.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### The asyncio-vs-threading claims, judged in a browser\n\n{}\n\n| Claim | The articles | Measured | Verdict |\n|---|---|---|---|\n",
            cell(&self.summary())
        );
        for r in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(r.claim.text),
                cell(r.claim.articles),
                cell(&r.figures()),
                cell(&r.verdict_text())
            ));
        }
        out
    }

    /// Where and when it was measured, and how the claims fared: "Measured in Chromium 156,
    /// … on 2026-12-07 15:14 UTC. 10 hold, 2 partly, 0 do not, 0 skipped."
    pub fn summary(&self) -> String {
        let [yes, partly, no, skipped] = self.tally();
        format!(
            "Measured in {} on {}. {yes} hold, {partly} partly, {no} do not, {skipped} skipped.",
            self.environment,
            format::date_time(self.at_ms)
        )
    }

    /// The report as JSON: each claim's verdict and its figures.
    pub fn json(&self) -> String {
        let mut out = format!(
            "{{\"format\":{},\"version\":{VERSION},\"environment\":{},\"at\":{},\"claims\":[",
            json::string(FORMAT),
            json::string(&self.environment),
            json::string(&format::date_time(self.at_ms))
        );
        for (i, r) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "{{\"key\":{},\"claim\":{},\"articles\":{},\"holds\":{},\"took_ms\":{}",
                json::string(r.claim.key),
                json::string(r.claim.text),
                json::string(r.claim.articles),
                json::string(r.holds_key()),
                json::ms(r.took_ms)
            ));
            match &r.outcome {
                Ok(v) => out.push_str(&format!(
                    ",\"verdict\":{},\"unit\":{},\"figures\":{}",
                    json::string(&v.text),
                    json::string(v.chart.unit.key()),
                    figures_json(&v.chart)
                )),
                Err(why) => out.push_str(&format!(",\"skipped\":{}", json::string(why))),
            }
            let runs: Vec<String> = r
                .runs
                .iter()
                .map(|j| {
                    format!(
                        "{{\"strategy\":{},\"query\":{},\"makespan_ms\":{},\"checksum\":{}}}",
                        json::string(j.strategy),
                        json::string(&j.query),
                        json::ms(j.makespan_ms),
                        json::string(&j.checksum)
                    )
                })
                .collect();
            out.push_str(&format!(",\"runs\":[{}]}}", runs.join(",")));
        }
        out.push_str("]}");
        out
    }
}

/// The most figures an imported verdict keeps, and the longest text and label it shows.
const IMPORTED_FIGURES_MAX: usize = 16;
const IMPORTED_TEXT_MAX: usize = 2_000;
const IMPORTED_LABEL_MAX: usize = 120;

/// The verdicts a file brings (the twin writes its claims report's rows into its runs file,
/// under `claims`): each claim it judged, in the page's order. Claims it skipped (those it
/// judges on runs, which the page judges on their runs), claims this page does not know and
/// rows it cannot believe are left out; `Ok(empty)` when the file has none.
///
/// # Errors
/// When the file is not JSON, or its `claims` are not a list of rows: what and where.
pub fn imported_verdicts(text: &str) -> Result<Vec<(&'static Claim, Verdict)>, String> {
    let mut found = Vec::new();
    let mut r = json::Reader::new(text);
    r.object(|r, key| match key {
        "claims" => r.array(|r| {
            if let Some(v) = read_verdict(r)? {
                found.push(v);
            }
            Ok(())
        }),
        _ => r.skip(),
    })
    .map_err(|e| format!("Its claims cannot be read: {e}."))?;
    found.sort_by_key(|(c, _)| CLAIMS.iter().position(|k| k.key == c.key));
    found.dedup_by_key(|(c, _)| c.key);
    Ok(found)
}

/// One row of a claims report, as a verdict, or `None` when it has none to show here.
fn read_verdict(r: &mut json::Reader) -> json::Result<Option<(&'static Claim, Verdict)>> {
    let (mut key, mut holds, mut text, mut unit) = (String::new(), None, None, Unit::default());
    let mut bars = Vec::new();
    r.object(|r, field| {
        match field {
            "key" => key = r.string()?,
            "holds" => {
                let h = r.string()?;
                holds = [Holds::Yes, Holds::Partly, Holds::No]
                    .into_iter()
                    .find(|x| x.key() == h);
            }
            "verdict" => text = Some(r.string()?),
            "unit" => {
                let u = r.string()?;
                unit = [Unit::Ms, Unit::Us, Unit::Bytes, Unit::Times, Unit::Count]
                    .into_iter()
                    .find(|x| x.key() == u)
                    .unwrap_or_default();
            }
            "figures" => r.array(|r| {
                let bar = read_bar(r)?;
                if bars.len() < IMPORTED_FIGURES_MAX {
                    bars.extend(bar);
                }
                Ok(())
            })?,
            _ => r.skip()?,
        }
        Ok(())
    })?;
    let (Some(claim), Some(holds), Some(text)) = (find(&key), holds, text) else {
        return Ok(None);
    };
    Ok(Some((
        claim,
        Verdict {
            holds,
            text: format::clip_to(&text, IMPORTED_TEXT_MAX),
            chart: Chart { unit, bars },
        },
    )))
}

/// A figure of an imported verdict; `None` when its value is not a finite number.
fn read_bar(r: &mut json::Reader) -> json::Result<Option<Bar>> {
    let (mut key, mut label, mut value, mut articles) = (String::new(), String::new(), None, None);
    r.object(|r, field| {
        match field {
            "key" => key = r.string()?,
            "label" => label = r.string()?,
            "value" => value = Some(r.number_or_null()?),
            "articles" => articles = Some(r.number_or_null()?),
            _ => r.skip()?,
        }
        Ok(())
    })?;
    Ok(value.filter(|v| v.is_finite()).map(|value| Bar {
        key: Cow::Owned(key),
        label: format::clip_to(&label, IMPORTED_LABEL_MAX),
        value,
        articles: articles.filter(|a| a.is_finite()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::findings::chart::Unit;
    use crate::model::findings::claims::{Holds, find};
    use crate::model::store::json::Reader;

    fn report() -> Report {
        Report {
            rows: vec![
                Row {
                    claim: find("requests").unwrap(),
                    outcome: Ok(Verdict {
                        holds: Holds::Yes,
                        text: "holds here: a | b".into(),
                        chart: Chart::new(Unit::Ms)
                            .against("threads", "threads", 402.0, 350.0)
                            .bar("async", "async", 101.0),
                    }),
                    took_ms: 5600.0,
                    runs: vec![JudgedRun {
                        strategy: "async",
                        query: "v=1&tasks=50".into(),
                        makespan_ms: 101.25,
                        checksum: "00000000000000ab".into(),
                    }],
                },
                Row {
                    claim: find("gil").unwrap(),
                    outcome: Err("Threads cannot run here".into()),
                    took_ms: 0.0,
                    runs: Vec::new(),
                },
            ],
            environment: "Chromium 156, 2 cores, cross-origin isolated, threads build".into(),
            at_ms: 1_796_400_000_000.0,
        }
    }

    #[test]
    fn the_markdown_table_names_where_and_when_and_escapes_its_cells() {
        let md = report().markdown();
        assert!(
            md.contains("Measured in Chromium 156, 2 cores, cross-origin isolated, threads build on 2026-12-04 16:00 UTC. 1 hold, 0 partly, 0 do not, 1 skipped."),
            "{md}"
        );
        assert!(
            md.contains("| threads 402 ms, async 101 ms | holds here: a \\| b |"),
            "{md}"
        );
        assert!(
            md.contains("| – | skipped: Threads cannot run here |"),
            "{md}"
        );
        // A header, its rule, and one line per claim.
        assert_eq!(md.lines().filter(|l| l.starts_with('|')).count(), 4);
    }

    #[test]
    fn a_files_verdicts_import_in_the_pages_order_and_bad_rows_are_left_out() {
        // As the twin writes them into its runs file: two verdicts, a claim it left to the
        // page, one this page does not know, one without a verdict, and a figure that is null.
        let text = r#"{"format":"async-vs-threads/runs","v":1,"runs":[],"claims":[
            {"key":"switches","holds":"partly","verdict":"partly: 1.5×","unit":"us","figures":[
                {"key":"async","label":"async tasks","value":2.5,"articles":null},
                {"key":"threads","label":"threads","value":null,"articles":null}]},
            {"key":"coroutines","holds":"holds","verdict":"holds","unit":"bytes","figures":[
                {"key":"async","label":"10,000 tasks","value":9430000,"articles":10000000}]},
            {"key":"requests","holds":"skipped","skipped":"judged on runs"},
            {"key":"fibers","holds":"holds","verdict":"?"},
            {"key":"queues","holds":"holds"},
            {"key":"errors","holds":"maybe","verdict":"?"}]}"#;
        let got = imported_verdicts(text).unwrap();
        let keys: Vec<&str> = got.iter().map(|(c, _)| c.key).collect();
        assert_eq!(keys, ["coroutines", "switches"], "the page's order");
        let (_, switches) = &got[1];
        assert_eq!(switches.holds, Holds::Partly);
        assert_eq!(switches.text, "partly: 1.5×");
        assert_eq!(switches.chart.unit, Unit::Us);
        assert_eq!(switches.chart.bars.len(), 1, "the null figure is left out");
        assert_eq!(switches.chart.bars[0].key, "async");
        assert_eq!(got[0].1.chart.bars[0].articles, Some(10e6));
        // A runs file without verdicts brings none; a file that is not JSON says so.
        assert_eq!(imported_verdicts(r#"{"runs":[]}"#), Ok(Vec::new()));
        let why = imported_verdicts(r#"{"claims":{"key":1}}"#).unwrap_err();
        assert!(why.starts_with("Its claims cannot be read"), "{why}");
        // A long verdict is cut.
        let long = format!(
            r#"{{"claims":[{{"key":"errors","holds":"holds","verdict":"{}"}}]}}"#,
            "x".repeat(5_000)
        );
        let text = &imported_verdicts(&long).unwrap()[0].1.text;
        assert_eq!(text.chars().count(), IMPORTED_TEXT_MAX + 1);
    }

    #[test]
    fn the_page_reads_back_the_verdicts_of_its_own_report() {
        let got = imported_verdicts(&report().json()).unwrap();
        assert_eq!(got.len(), 1, "the skipped claim has no verdict");
        let (claim, v) = &got[0];
        assert_eq!(claim.key, "requests");
        assert_eq!(Some(v), report().rows[0].outcome.as_ref().ok());
    }

    #[test]
    fn the_json_report_reads_back_with_every_claim_and_figure() {
        let text = report().json();
        let mut r = Reader::new(&text);
        let (mut keys, mut values, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
        let mut runs = Vec::new();
        r.object(|r, field| match field {
            "format" => r.string().map(|f| assert_eq!(f, FORMAT)),
            "claims" => r.array(|r| {
                r.object(|r, f| match f {
                    "key" => r.string().map(|k| keys.push(k)),
                    "skipped" => r.string().map(|s| skipped.push(s)),
                    "runs" => r.array(|r| {
                        r.object(|r, f| match f {
                            "query" => r.string().map(|q| runs.push(q)),
                            "makespan_ms" => r.number().map(|m| assert_eq!(m, 101.25)),
                            _ => r.skip(),
                        })
                    }),
                    "figures" => r.array(|r| {
                        r.object(|r, f| match f {
                            "value" => r.number().map(|v| values.push(v)),
                            _ => r.skip(),
                        })
                    }),
                    _ => r.skip(),
                })
            }),
            _ => r.skip(),
        })
        .unwrap();
        r.end().unwrap();
        assert_eq!(keys, ["requests", "gil"]);
        assert_eq!(values, [402.0, 101.0]);
        assert_eq!(skipped, ["Threads cannot run here"]);
        assert_eq!(runs, ["v=1&tasks=50"]);
    }
}
