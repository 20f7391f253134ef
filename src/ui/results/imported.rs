//! The mark on what an imported file shows: its date and browser, and the way back.

use leptos::prelude::*;

use crate::ui::state::{Library, part};

/// "imported: date, browser", while an imported file is shown.
#[component]
pub fn Imported() -> impl IntoView {
    let library = part::<Library>();
    move || {
        library.imported.get().map(|label| {
            view! {
                <p class="imported" role="status" data-testid="imported">
                    <strong>{label}</strong>
                    " · measured elsewhere: nothing here was run. "
                    <button type="button" class="quiet" data-testid="imported-back" on:click=move |_| library.show_own_runs()>
                        "Back to this browser's runs"
                    </button>
                </p>
            }
        })
    }
}
