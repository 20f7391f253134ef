//! The runs the page keeps: the results of this visit (each strategy's latest run of each
//! experiment, within a memory bound, saved for a reload after a fault), the last Run all,
//! the history of this browser's runs and the baseline pinned among them (`localStorage`), and
//! an imported file's runs, shown beside this browser's (grouped by where they were measured:
//! the Python twin's CPython, another browser) or instead of them.

use std::sync::Arc;

use leptos::prelude::*;

use super::page::Page;
use super::timeline::{LiveRun, TimelineRun};
use crate::model::experiment::params::{FormText, Params, Strategy};
use crate::model::findings::claims::{Claim, Verdict};
use crate::model::format;
use crate::model::run::record::{LatestRuns, RunEnvironment, RunRecord, by_environment};
use crate::model::store::export::{self, Export};
use crate::model::store::history;
use crate::model::store::persist;
use crate::runtime::faults;
use crate::runtime::storage::{self, Area};

/// Runs kept in the results, and imported runs kept beside them.
const RESULTS_KEPT: usize = 30;
/// `localStorage` keys.
const HISTORY_KEY: &str = "avt-history";
const BASELINE_KEY: &str = "avt-baseline";

/// This browser's results and its last Run all, kept aside while an imported file is shown.
type OwnRuns = (Vec<Arc<RunRecord>>, Vec<Arc<RunRecord>>);

/// The kept runs, provided as context.
#[derive(Clone, Copy)]
pub struct Library {
    /// Finished runs, shared (a run may hold 100,000 task records; views clone the `Arc`).
    pub results: RwSignal<Vec<Arc<RunRecord>>>,
    /// Every strategy's run from the last "Run all".
    pub last_run_all: RwSignal<Vec<Arc<RunRecord>>>,
    /// Runs measured in this browser, this visit and earlier ones, oldest first, without
    /// their task records: kept in `localStorage`, bounded by `model::store::history`.
    pub history: RwSignal<Vec<Arc<RunRecord>>>,
    /// The history run other runs are compared with, if one is pinned.
    pub baseline: RwSignal<Option<Arc<RunRecord>>>,
    /// What the page shows instead of this browser's runs: an imported file's label.
    pub imported: RwSignal<Option<String>>,
    /// Imported runs shown beside this browser's, each saying where it was measured.
    pub beside: RwSignal<Vec<Arc<RunRecord>>>,
    /// Verdicts an imported file brought (the twin's, on the claims it judges on measurements
    /// of its own), each with where it was measured.
    pub beside_verdicts: RwSignal<Vec<(String, &'static Claim, Verdict)>>,
    /// This browser's results and last Run all while an imported file is shown.
    stashed: StoredValue<Option<OwnRuns>>,
    timeline: TimelineRun,
    page: Page,
}

impl Library {
    pub fn new(page: Page, timeline: TimelineRun) -> Self {
        Library {
            results: RwSignal::new(Vec::new()),
            last_run_all: RwSignal::new(Vec::new()),
            history: RwSignal::new(Vec::new()),
            baseline: RwSignal::new(None),
            imported: RwSignal::new(None),
            beside: RwSignal::new(Vec::new()),
            beside_verdicts: RwSignal::new(Vec::new()),
            stashed: StoredValue::new(None),
            timeline,
            page,
        }
    }

    /// Each strategy's latest run of the experiment of `params` (reactive).
    pub fn latest(self, params: &Params) -> LatestRuns<Arc<RunRecord>> {
        self.results
            .with(|v| LatestRuns::among(v.iter().cloned(), params))
    }

    /// The imported runs beside this browser's, a group per place they were measured (its
    /// label), each strategy's latest run of the experiment of `params` (reactive).
    pub fn beside_latest(self, params: &Params) -> Vec<(String, LatestRuns<Arc<RunRecord>>)> {
        self.beside.with(|b| {
            by_environment(b)
                .into_iter()
                .map(|(label, group)| {
                    (label, LatestRuns::among(group.into_iter().cloned(), params))
                })
                .collect()
        })
    }

    /// Adds a finished run to the results, replacing the same strategy's earlier run of the
    /// same experiment; bounds the memory kept runs hold; saves them for a reload; adds it to
    /// the history.
    pub fn keep(self, record: Arc<RunRecord>) {
        let (strategy, params) = (record.strategy(), record.head.params);
        self.results.update(|v| {
            v.retain(|r| !r.is_run_of(strategy, &params));
            v.push(record.clone());
            if v.len() > RESULTS_KEPT {
                v.remove(0);
            }
        });
        self.bound_memory();
        self.results.with_untracked(|v| {
            let runs: Vec<&RunRecord> = v.iter().map(|r| r.as_ref()).collect();
            faults::save_results(&persist::encode_runs(&runs));
        });
        self.remember(&record);
    }

    /// Drops the task records of the oldest kept runs once all kept records exceed the budget
    /// (`model::store::history`). The last Run all and the timeline share runs with the results, so
    /// each dropped run is replaced everywhere it is held; runs only the last Run all still
    /// holds count as the oldest, imported runs beside this browser's as the newest.
    fn bound_memory(self) {
        self.drop_details(history::details_to_drop);
    }

    /// Before a run whose records will take about `incoming` bytes: the bound on kept records
    /// (`model::store::history`) with the new run counted as kept, so older records give way
    /// before it rather than after (the wasm memory would otherwise keep both, for good).
    pub fn make_room(self, incoming: usize) {
        self.drop_details(|sizes| history::details_to_drop_before(sizes, incoming));
    }

    /// Drops the records of the kept runs `pick` chooses from their sizes (oldest first).
    fn drop_details(self, pick: impl Fn(&[usize]) -> Vec<usize>) {
        let results = self.results.get_untracked();
        let mut kept: Vec<Arc<RunRecord>> = self
            .last_run_all
            .get_untracked()
            .into_iter()
            .filter(|r| !results.iter().any(|k| Arc::ptr_eq(k, r)))
            .collect();
        kept.extend(results);
        kept.extend(self.beside.get_untracked());
        let sizes: Vec<usize> = kept.iter().map(|r| r.detail_bytes()).collect();
        let slimmed: Vec<(Arc<RunRecord>, Arc<RunRecord>)> = pick(&sizes)
            .into_iter()
            .map(|i| (kept[i].clone(), Arc::new(kept[i].without_details())))
            .collect();
        if slimmed.is_empty() {
            return;
        }
        let slim = |run: &mut Arc<RunRecord>| {
            if let Some((_, thin)) = slimmed.iter().find(|(fat, _)| Arc::ptr_eq(fat, run)) {
                *run = thin.clone();
            }
        };
        self.results.update(|v| v.iter_mut().for_each(slim));
        self.last_run_all.update(|v| v.iter_mut().for_each(slim));
        self.beside.update(|v| v.iter_mut().for_each(slim));
        self.timeline.update(|l| {
            if let Some(run) = l.finished.as_mut() {
                slim(run);
            }
        });
    }

    /// Reads the history and the baseline this browser kept (at start-up).
    pub fn load_history(self) {
        let (runs, skipped) = storage::get(Area::Local, HISTORY_KEY)
            .map(|text| persist::decode_runs(&text))
            .unwrap_or_default();
        let runs: Vec<Arc<RunRecord>> = runs.into_iter().map(Arc::new).collect();
        let pinned = storage::get(Area::Local, BASELINE_KEY).and_then(|v| v.parse::<f64>().ok());
        self.baseline
            .set(pinned.and_then(|at| runs.iter().find(|r| r.head.started_at_ms == at).cloned()));
        self.history.set(runs);
        if skipped > 0 {
            self.page.notice(format!(
                "{skipped} runs of this browser's history could not be read (written by a newer version of the page?) and are left out."
            ));
        }
    }

    /// Adds a finished run to the history, in memory and in storage.
    fn remember(self, run: &RunRecord) {
        let text = storage::get(Area::Local, HISTORY_KEY).unwrap_or_default();
        let text = history::append(&text, &persist::encode_runs(&[run]));
        let kept = text.lines().count();
        // Said once, and not in the compact view (it has no history; a blog's frame is often
        // refused storage).
        if let Err(e) = storage::put(Area::Local, HISTORY_KEY, &text)
            && !self.page.view.embed
        {
            self.page.notice(format!(
                "Runs are not kept in the history after a reload: {e}."
            ));
        }
        self.history.update(|h| {
            h.push(Arc::new(run.without_details()));
            let over = h.len().saturating_sub(kept);
            h.drain(..over);
        });
        // A baseline that left the history is no longer pinned.
        if let Some(b) = self.baseline.get_untracked()
            && !self.history.with_untracked(|h| {
                h.iter()
                    .any(|r| r.head.started_at_ms == b.head.started_at_ms)
            })
        {
            self.pin(None);
        }
    }

    /// Pins `run` as the baseline, or unpins with `None`.
    pub fn pin(self, run: Option<Arc<RunRecord>>) {
        match &run {
            Some(r) => {
                let at = r.head.started_at_ms.to_string();
                let _ = storage::put(Area::Local, BASELINE_KEY, &at);
            }
            None => storage::remove(Area::Local, BASELINE_KEY),
        }
        self.baseline.set(run);
    }

    /// Forgets the history and the baseline.
    pub fn clear_history(self) {
        storage::remove(Area::Local, HISTORY_KEY);
        self.pin(None);
        self.history.set(Vec::new());
    }

    /// `run`'s makespan against the baseline's (`−38%`), when both are complete runs and
    /// `run` is not the baseline itself (reactive).
    pub fn vs_baseline(self, run: &RunRecord) -> Option<String> {
        self.baseline.with(|b| {
            let b = b
                .as_ref()
                .filter(|b| b.is_complete() && b.makespan_ms() > 0.0)?;
            (run.is_complete() && run.head.started_at_ms != b.head.started_at_ms)
                .then(|| format::delta_pct(run.makespan_ms(), b.makespan_ms()))
        })
    }

    /// Shows an imported file's runs instead of this browser's (kept aside until a run or
    /// [`Library::show_own_runs`]): the results, the last Run all when the file holds one run
    /// of every strategy, and the timeline with its last run. Returns its last run's
    /// experiment, for the form.
    pub fn show_import(self, file: Export) -> Option<FormText> {
        let label = export::label(&file.environment, file.exported_at_ms);
        let runs: Vec<Arc<RunRecord>> = file.runs.into_iter().map(Arc::new).collect();
        let last = runs.last().cloned()?;
        if self.stashed.with_value(Option::is_none) {
            let own = (
                self.results.get_untracked(),
                self.last_run_all.get_untracked(),
            );
            self.stashed.set_value(Some(own));
        }
        let every_strategy = runs.len() == Strategy::ALL.len()
            && Strategy::ALL
                .iter()
                .all(|s| runs.iter().any(|r| r.strategy() == *s));
        let form = FormText::from_params(&last.head.params);
        let run_all = if every_strategy {
            runs.clone()
        } else {
            Vec::new()
        };
        self.show_runs(runs, run_all, LiveRun::finished(last));
        self.imported.set(Some(label));
        Some(form)
    }

    /// Shows an imported file's runs beside this browser's, each saying where it was measured
    /// (a browser's export that predates that says so for all its runs), replacing an earlier
    /// import's run of the same strategy, experiment and environment; adds them to the
    /// history. Returns the file's label (where its runs were measured) and its last run's
    /// experiment, for the form.
    pub fn show_beside(self, file: Export) -> Option<(String, FormText)> {
        let env = &file.environment;
        let runs: Vec<Arc<RunRecord>> = file
            .runs
            .into_iter()
            .map(|mut run| {
                run.head
                    .environment
                    .get_or_insert_with(|| RunEnvironment::of_browser(&env.browser, &env.build));
                Arc::new(run)
            })
            .collect();
        let last = runs.last().cloned()?;
        let label = last.head.environment.as_ref()?.label(last.head.cores);
        let key = |r: &RunRecord| {
            let env = r.head.environment.as_ref().map(|e| e.label(r.head.cores));
            (r.strategy(), r.head.params, env)
        };
        self.beside.update(|kept| {
            kept.retain(|k| !runs.iter().any(|r| key(r) == key(k)));
            kept.extend(runs.iter().cloned());
            let over = kept.len().saturating_sub(RESULTS_KEPT);
            kept.drain(..over);
        });
        self.bound_memory();
        for run in &runs {
            self.remember(run);
        }
        Some((label, FormText::from_params(&last.head.params)))
    }

    /// Shows the `verdicts` of a file whose runs were measured in `label`, in place of those an
    /// earlier file measured there brought.
    pub fn show_verdicts_beside(self, label: &str, verdicts: Vec<(&'static Claim, Verdict)>) {
        self.beside_verdicts.update(|kept| {
            kept.retain(|(l, ..)| l != label);
            kept.extend(verdicts.into_iter().map(|(c, v)| (label.to_owned(), c, v)));
        });
    }

    /// Puts this browser's own runs back after an import (nothing when none is shown).
    pub fn show_own_runs(self) {
        let Some((results, run_all)) = self.stashed.try_update_value(Option::take).flatten() else {
            return;
        };
        self.imported.set(None);
        self.show_runs(results, run_all, LiveRun::default());
    }

    /// Shows `results`, `run_all` as the last Run all, and `timeline` on the timeline.
    fn show_runs(
        self,
        results: Vec<Arc<RunRecord>>,
        run_all: Vec<Arc<RunRecord>>,
        timeline: LiveRun,
    ) {
        self.results.set(results);
        self.last_run_all.set(run_all);
        self.timeline.show(timeline);
    }
}
