//! The task records of the history's newest runs, kept across visits (`runtime::records`,
//! IndexedDB) within `model::store::history::STORED_BYTES`, so that a run from an earlier
//! visit can be drawn, replayed and exported again. A run's records are kept as its JSON
//! export, written on a pool worker once no run is going (a run waits for the writing:
//! `runtime::files::working`); where storage is refused or full, the page says so and the
//! history keeps the figures alone.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::format;
use crate::model::run::record::RunRecord;
use crate::model::store::export::{self, json};
use crate::model::store::history::{
    STORED_ON_MAIN_MAX_BYTES, STORED_RUN_MAX_BYTES, stored_estimate, stored_to_drop,
};
use crate::runtime::{clock, dom, files, pool, records};
use crate::ui::library::export_import::environment;
use crate::ui::state::{Library, LiveRun, Page, PoolState, Runner, TimelineRun, part};

/// The kept records as the history shows them, created by it.
#[derive(Clone, Copy)]
pub struct StoredRecords {
    /// The entries kept: when each run started and its bytes, oldest first.
    pub kept: RwSignal<Vec<(f64, usize)>>,
    /// Why records are not kept (storage refused or full), or what drawing one found.
    pub status: RwSignal<Option<(bool, String)>>,
    /// The kept run drawn on the timeline, when it started.
    pub drawn: RwSignal<Option<f64>>,
    /// Runs whose records were kept, or could not be: each is tried once.
    tried: StoredValue<Vec<f64>>,
    /// Whether records are being written: one run at a time.
    writing: StoredValue<bool>,
    library: Library,
    runner: Runner,
    timeline: TimelineRun,
    page: Page,
    pool: PoolState,
}

impl StoredRecords {
    /// Reads what is kept, then keeps the records of every new run of the history once no
    /// run is going.
    pub fn follow() -> Self {
        let stored = StoredRecords {
            kept: RwSignal::new(Vec::new()),
            status: RwSignal::new(None),
            drawn: RwSignal::new(None),
            tried: StoredValue::new(Vec::new()),
            writing: StoredValue::new(false),
            library: part::<Library>(),
            runner: part::<Runner>(),
            timeline: part::<TimelineRun>(),
            page: part::<Page>(),
            pool: part::<PoolState>(),
        };
        let listed = RwSignal::new(false);
        leptos::task::spawn_local(async move {
            match records::list().await {
                Ok(kept) => {
                    stored.kept.set(kept);
                    listed.set(true);
                }
                Err(why) => stored.refused(&why),
            }
        });
        Effect::new(move |_| {
            stored.library.history.track();
            if listed.get() && !stored.runner.busy() {
                leptos::task::spawn_local(stored.keep_new());
            }
        });
        stored
    }

    /// Keeps the records of the history's runs not tried yet whose records the page still
    /// holds, one at a time, newest first, while no run is going.
    async fn keep_new(self) {
        if self.writing.get_value() {
            return;
        }
        self.writing.set_value(true);
        while let Some(run) = self.next_to_keep() {
            if untrack(|| self.runner.busy()) {
                break;
            }
            self.tried.update_value(|t| t.push(run.head.started_at_ms));
            if let Err(why) = self.keep(run).await {
                self.refused(&why);
                break;
            }
        }
        self.writing.set_value(false);
    }

    /// The newest run of the history not tried yet, nor kept already (a run drawn from the
    /// kept records), whose records the page holds.
    fn next_to_keep(self) -> Option<Arc<RunRecord>> {
        let (library, timeline) = (self.library, self.timeline);
        let mut tried = self.tried.get_value();
        tried.extend(
            self.kept
                .with_untracked(|k| k.iter().map(|(at, _)| *at).collect::<Vec<_>>()),
        );
        let mut held: Vec<Arc<RunRecord>> = library.results.get_untracked();
        held.extend(library.last_run_all.get_untracked());
        held.extend(library.beside.get_untracked());
        held.extend(timeline.with_untracked(|l| l.run().cloned()));
        library.history.with_untracked(|h| {
            h.iter().rev().map(|r| r.head.started_at_ms).find_map(|at| {
                (!tried.contains(&at))
                    .then(|| {
                        held.iter()
                            .find(|r| r.head.started_at_ms == at && !r.tasks.is_empty())
                            .cloned()
                    })
                    .flatten()
            })
        })
    }

    /// Writes `run`'s export (on a pool worker; on the main thread only when small), keeps
    /// it, and forgets what no longer fits. A run too large to keep (over a third of the
    /// budget) is passed over.
    ///
    /// # Errors
    /// Storage refused or full (the browser's message).
    async fn keep(self, run: Arc<RunRecord>) -> Result<(), String> {
        let on_worker = pool::healthy_size().is_ok();
        let estimate = stored_estimate(&run);
        if estimate > STORED_RUN_MAX_BYTES || (!on_worker && estimate > STORED_ON_MAIN_MAX_BYTES) {
            return Ok(());
        }
        let _working = files::Working::start();
        let at = run.head.started_at_ms;
        let env = environment(self.page, self.pool);
        let now = clock::now_ms();
        let chunks = files::off_main(
            move || {
                let mut chunks = Vec::new();
                json::write(&env, now, &[run.as_ref()], &mut |c| chunks.push(c));
                chunks
            },
            true,
        )
        .await?;
        records::put(at, &files::parts(chunks).await).await?;
        self.forget_over().await
    }

    /// Forgets the kept records of runs that left the history, then the oldest over the
    /// budget, and reads what is kept.
    async fn forget_over(self) -> Result<(), String> {
        let history: Vec<f64> = self
            .library
            .history
            .with_untracked(|h| h.iter().map(|r| r.head.started_at_ms).collect());
        let kept = records::list().await?;
        let drop = stored_to_drop(&kept, &history);
        if !drop.is_empty() {
            records::delete(&drop).await?;
        }
        self.kept.set(
            kept.into_iter()
                .filter(|(at, _)| !drop.contains(at))
                .collect(),
        );
        Ok(())
    }

    fn refused(self, why: &str) {
        self.status.set(Some((
            false,
            format!(
                "Task records are not kept across visits: {why}. The history keeps their figures."
            ),
        )));
    }

    /// The bytes kept for the run that started at `at`, if its records are kept (reactive).
    pub fn bytes_of(self, at: f64) -> Option<usize> {
        self.kept
            .with(|k| k.iter().find(|(a, _)| *a == at).map(|(_, b)| *b))
    }

    /// Reads the kept records of the run that started at `at` (parsed on a pool worker: not
    /// during a run) and draws the run on the timeline, where it can be replayed and exported.
    pub fn draw(self, at: f64) {
        self.status
            .set(Some((true, "Reading the run's records…".into())));
        leptos::task::spawn_local(async move {
            let read = match records::get(at).await {
                Ok(Some(bytes)) => {
                    files::off_main(
                        move || export::text_of(bytes).and_then(|t| json::decode(&t)),
                        true,
                    )
                    .await
                }
                Ok(None) => Err("they are no longer kept".into()),
                Err(why) => Err(why),
            }
            .and_then(|r| r);
            let run = read.and_then(|file| {
                file.runs
                    .into_iter()
                    .find(|r| r.head.started_at_ms == at)
                    .ok_or_else(|| "the kept file holds another run".to_string())
            });
            match run {
                Ok(run) => {
                    let label = format!(
                        "Drawn on the timeline: the {} run of {}, from this browser's history.",
                        run.strategy().label(),
                        format::date_time(at)
                    );
                    self.timeline.show(LiveRun::finished(Arc::new(run)));
                    self.drawn.set(Some(at));
                    self.status.set(Some((true, label)));
                    dom::scroll_into_view("h-timeline");
                }
                Err(why) => self.status.set(Some((
                    false,
                    format!("That run's records could not be read: {why}."),
                ))),
            }
        });
    }

    /// Forgets every kept record (with the history).
    pub fn clear(self) {
        self.kept.set(Vec::new());
        self.drawn.set(None);
        leptos::task::spawn_local(async move {
            if let Err(why) = records::clear().await {
                self.refused(&why);
            }
        });
    }
}
