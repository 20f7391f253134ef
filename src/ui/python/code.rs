//! "Show the code": for the strategy asked for (`Page::code_for`, set by the buttons beside
//! each strategy), the Rust that ran it in this page, cut from the sources compiled into the
//! build, beside its Python twin, the twin script's own function.

use leptos::prelude::*;

use crate::model::experiment::params::Strategy;
use crate::model::page::code;
use crate::model::page::twin;
use crate::runtime::files;
use crate::ui::state::{Page, part};

#[component]
pub fn ShowCode() -> impl IntoView {
    let page = part::<Page>();
    // The twin script, fetched the first time a strategy's code is asked for, and again on
    // the next choice if that failed.
    let script = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| {
        page.code_for.track();
        let fetch = page.code_for.with_untracked(Option::is_some)
            && script.with_untracked(|s| !matches!(s, Some(Ok(_))));
        if fetch {
            script.set(None);
            leptos::task::spawn_local(async move {
                script.set(Some(files::fetch_text(twin::FILE).await));
            });
        }
    });
    let chooser = move || {
        Strategy::ALL
            .iter()
            .map(|s| {
                let s = *s;
                view! {
                    <button type="button" class="quiet" data-testid=format!("code-{}", s.key())
                        aria-pressed=move || (page.code_for.get() == Some(s)).to_string()
                        on:click=move |_| page.code_for.set(Some(s))
                    >{s.label()}</button>
                }
            })
            .collect_view()
    };
    let rust = move || {
        page.code_for.get().map(|s| match code::rust(s) {
            Ok(parts) => parts
                .into_iter()
                .map(|(path, text)| {
                    view! {
                        <p class="muted code-file">{path}</p>
                        <pre class="code"><code>{text}</code></pre>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
        })
    };
    let python = move || {
        let s = page.code_for.get()?;
        Some(script.with(|t| match t {
            None => view! { <p class="muted">"Loading the twin script…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.clone()}</p> }.into_any(),
            Some(Ok(text)) => match code::python(text, s) {
                Some(parts) => view! {
                    <p class="muted code-file">{format!("{} · {}", twin::FILE, s.python_name())}</p>
                    {parts.into_iter().map(|f| view! { <pre class="code"><code>{f.to_string()}</code></pre> }).collect_view()}
                }
                .into_any(),
                None => view! { <p class="error">{format!("{} has no function for {}.", twin::FILE, s.label())}</p> }.into_any(),
            },
        }))
    };
    view! {
        <div id="code" data-testid="code" data-strategy=move || page.code_for.get().map(|s| s.key())>
            <p role="group" aria-label="Strategy">{chooser}</p>
            <Show when=move || page.code_for.with(Option::is_some)
                fallback=|| view! { <p class="muted">"Choose a strategy to see the Rust that ran it here beside its Python twin."</p> }
            >
                <div class="code-sides">
                    <div data-testid="code-rust">
                        <h3 class="sub">"Rust, as compiled into this page"</h3>
                        {rust}
                    </div>
                    <div data-testid="code-python">
                        <h3 class="sub">"Python, the twin's code"</h3>
                        {python}
                    </div>
                </div>
                <p class="muted">{code::NOT_SHOWN}</p>
                <p class="muted">{code::PYTHON_NOT_SHOWN}</p>
            </Show>
        </div>
    }
}
