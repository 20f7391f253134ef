//! "Run it in your Python": the twin script with this experiment, this browser's kernel
//! calibration and its name written in, as a download, and the commands that run it.

use leptos::prelude::*;

use crate::model::experiment::url;
use crate::model::page::caps::browser_name;
use crate::model::page::twin;
use crate::runtime::{caps, files};
use crate::ui::state::{Experiment, PoolState, part};

#[component]
pub fn RunInPython() -> impl IntoView {
    let (experiment, pool) = (part::<Experiment>(), part::<PoolState>());
    let status = RwSignal::new(None::<(bool, String)>);
    let query = move || url::encode(&experiment.params(), None);
    let download = move |_| {
        let query = experiment
            .checked
            .with_untracked(|c| url::encode(&c.params, None));
        let units = pool
            .calibration
            .with_untracked(|c| c.map(|c| c.units_per_ms));
        let browser = browser_name(&caps::user_agent());
        leptos::task::spawn_local(async move {
            let made = files::fetch_text(twin::FILE)
                .await
                .and_then(|template| twin::script(&template, &query, units, &browser))
                .and_then(|script| files::download(twin::FILE, "text/x-python", |out| out(script)));
            status.set(Some(match made {
                Ok(()) => (
                    true,
                    format!("Saved {}, with this experiment built in.", twin::FILE),
                ),
                Err(e) => (false, format!("The script could not be made: {e}.")),
            }));
        });
    };
    view! {
        <p>
            "The same experiment in your own CPython (one file, standard library only, Python 3.9 or later): "
            "one task after another, " <code>"asyncio.gather"</code> ", " <code>"loop.run_in_executor"</code> ", "
            <code>"ThreadPoolExecutor"</code> " and " <code>"ProcessPoolExecutor"</code>
            ", with this page's waits and computations (the same seeded jitter, the same kernel, sized by a calibration of your interpreter). "
            "It writes " <code>{twin::OUTPUT}</code> ": import it above to see your CPython's runs beside this browser's."
        </p>
        <p>
            <button type="button" data-testid="twin-download" on:click=download>
                {format!("Download {}", twin::FILE)}
            </button>
            " "
            <span class="muted">"with this experiment built in, or "</span>
            <a href=twin::FILE data-testid="twin-link" download=twin::FILE>"the default one"</a>
        </p>
        <p role="status" data-testid="twin-status" class=move || match status.get() { Some((false, _)) => "error", _ => "muted" }>
            {move || status.get().map(|(_, s)| s)}
        </p>
        <pre class="commands" data-testid="twin-commands"><code>{move || {
            let [plain, other] = twin::commands(&query());
            format!(
                "{plain}\n# or any experiment, as a link's query with the page's keys and bounds (this one):\n{other}\n\
                 # this browser's kernel units, to compare CPU checksums task by task:\n{plain} --same-units 4\n\
                 # the demos, and the claims' own measurements:\n{plain} --demos\n\
                 # every claim the twin can judge, as this page's claims report:\n{plain} --claims"
            )
        }}</code></pre>
    }
}
