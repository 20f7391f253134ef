//! The page itself: what the browser offers, how the link asks the page to show itself, the
//! notices about it, the strategy whose code is shown, and the link's test-only fault.

use leptos::prelude::*;

use crate::model::experiment::fault::Injected;
use crate::model::experiment::params::Strategy;
use crate::model::experiment::url::View;
use crate::model::page::caps::Capabilities;

/// The page, provided as context.
#[derive(Clone, Copy)]
pub struct Page {
    pub caps: Capabilities,
    /// How the link asks the page to show itself (compact embed, autorun, theme).
    pub view: View,
    /// What the page says about the link and its own state (bad values, storage refused).
    pub notices: RwSignal<Vec<String>>,
    /// Messages from the embedding page that were ignored (malformed, unknown, or a run
    /// asked for during one).
    pub ignored_messages: RwSignal<u32>,
    /// The strategy whose code "Show the code" shows, once one was asked for.
    pub code_for: RwSignal<Option<Strategy>>,
    /// A test-only fault for the next run or pool it applies to (URL `fault`).
    inject: StoredValue<Option<Injected>>,
}

impl Page {
    pub fn new(
        caps: Capabilities,
        view: View,
        notices: Vec<String>,
        inject: Option<Injected>,
    ) -> Self {
        Page {
            caps,
            view,
            notices: RwSignal::new(notices),
            ignored_messages: RwSignal::new(0),
            code_for: RwSignal::new(None),
            inject: StoredValue::new(inject),
        }
    }

    /// Says `notice`, once however often it is said.
    pub fn notice(self, notice: String) {
        self.notices.update(|n| {
            if !n.contains(&notice) {
                n.push(notice);
            }
        });
    }

    /// Shows `strategy`'s code in "Show the code" and brings it into view.
    pub fn show_code(self, strategy: Strategy) {
        self.code_for.set(Some(strategy));
        crate::runtime::dom::scroll_into_view("code");
    }

    /// The test-only fault, if `applies` to it; taken, so it strikes once.
    pub fn take_inject(self, applies: impl Fn(Injected) -> bool) -> Option<Injected> {
        let inject = self.inject.with_value(|i| i.filter(|f| applies(*f)));
        if inject.is_some() {
            self.inject.set_value(None);
        }
        inject
    }
}
