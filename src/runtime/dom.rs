//! Marks on DOM rows that Leptos renders but should not re-render for them: the data table's
//! rows of the tasks at the replay's playhead (a run's table has up to 10,000 rows, and the
//! playhead moves every frame); and bringing an element into view.

use wasm_bindgen::JsCast;

/// The class a marked row has.
const MARK: &str = "now";

/// Marks the rows of `tasks` (`tr[data-task]`) in the table that `table` selects, and unmarks
/// the others.
pub fn mark_rows(table: &str, tasks: &[u32]) {
    let Some(table) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(table).ok().flatten())
    else {
        return;
    };
    if let Ok(marked) = table.query_selector_all(&format!("tr.{MARK}")) {
        for i in 0..marked.length() {
            if let Some(row) = marked
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = row.class_list().remove_1(MARK);
            }
        }
    }
    for task in tasks {
        if let Ok(Some(row)) = table.query_selector(&format!("tr[data-task=\"{task}\"]")) {
            let _ = row.class_list().add_1(MARK);
        }
    }
}

/// Scrolls the element with `id` into view, if the page has it.
pub fn scroll_into_view(id: &str) {
    if let Some(e) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        e.scroll_into_view();
    }
}
