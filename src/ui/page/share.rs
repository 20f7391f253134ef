//! Sharing the experiment: its link, an iframe snippet of its compact view, a Markdown link
//! (texts from `model::page::embed`). When the clipboard is refused, the text waits selected in a
//! read-only field for Ctrl+C.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::model::page::embed;
use crate::runtime::{embed as frame, location};
use crate::ui::state::{Experiment, part};

/// What a share button copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Link,
    Snippet,
    Markdown,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Link, Kind::Snippet, Kind::Markdown];

    fn key(self) -> &'static str {
        match self {
            Kind::Link => "link",
            Kind::Snippet => "snippet",
            Kind::Markdown => "markdown",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Link => "Copy link",
            Kind::Snippet => "Copy iframe snippet",
            Kind::Markdown => "Copy Markdown link",
        }
    }
}

/// The share buttons, and the text last copied (selected for Ctrl+C when the clipboard was
/// refused).
#[component]
pub fn Share() -> impl IntoView {
    let experiment = part::<Experiment>();
    // (what, its text, whether the clipboard took it)
    let shown = RwSignal::new(None::<(Kind, String, bool)>);
    let field = NodeRef::<Textarea>::new();
    let text = move |kind: Kind| {
        let params = experiment.checked.with_untracked(|c| c.params);
        let base = location::base();
        let query = experiment.query(&params);
        match kind {
            Kind::Link => format!("{base}?{query}"),
            Kind::Snippet => embed::iframe_snippet(&embed::embed_url(&base, &query), &params),
            Kind::Markdown => embed::markdown_link(&format!("{base}?{query}"), &params),
        }
    };
    let copy = move |kind: Kind| {
        let text = text(kind);
        leptos::task::spawn_local(async move {
            let copied = frame::copy(&text).await;
            if !copied && let Some(el) = field.get_untracked() {
                // Filled and shown at once, not at the next render, so the selection holds it.
                el.set_value(&text);
                el.set_hidden(false);
                let _ = el.focus();
                el.select();
            }
            shown.set(Some((kind, text, copied)));
        });
    };
    view! {
        <div class="share" data-testid="share">
            <div class="buttons">
                {Kind::ALL
                    .map(|k| view! {
                        <button type="button" data-testid=format!("share-{}", k.key()) on:click=move |_| copy(k)>
                            {k.label()}
                        </button>
                    })
                    .into_iter()
                    .collect::<Vec<_>>()}
            </div>
            <p class="muted" role="status" data-testid="share-status">
                {move || shown.with(|s| match s {
                    None => "The link and the snippet reproduce the experiment in the form.".to_string(),
                    Some((k, _, true)) => format!("Copied the {}.", k.label().trim_start_matches("Copy ")),
                    Some((_, _, false)) => "The browser refused the clipboard: the text is selected below, press Ctrl+C (⌘C on a Mac).".to_string(),
                })}
            </p>
            <textarea
                node_ref=field
                readonly
                rows="3"
                data-testid="share-text"
                data-kind=move || shown.with(|s| s.as_ref().map(|(k, _, _)| k.key()))
                hidden=move || shown.with(Option::is_none)
                prop:value=move || shown.with(|s| s.as_ref().map(|(_, t, _)| t.clone()).unwrap_or_default())
            ></textarea>
        </div>
    }
}
