//! Notices about the link the page was opened with (bad values and what replaced them).

use leptos::prelude::*;

use crate::ui::state::{Page, part};

/// The link's problems, one sentence each, dismissable.
#[component]
pub fn Notices() -> impl IntoView {
    let page = part::<Page>();
    move || {
        let notices = page.notices.get();
        (!notices.is_empty()).then(|| {
            view! {
                <section class="notices" role="status" data-testid="notices">
                    <ul>{notices.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                    <button type="button" class="quiet" on:click=move |_| page.notices.set(Vec::new())>"Dismiss"</button>
                </section>
            }
        })
    }
}
