//! The experiment: the form's text, its checked parameters, each strategy's theory for them,
//! and the link that holds them.

use leptos::prelude::*;

use super::pool::PoolState;
use crate::model::experiment::params::{Checked, FormText, Params, Strategy};
use crate::model::experiment::theory::{Theory, expected};
use crate::model::experiment::url;

/// The experiment, provided as context.
#[derive(Clone, Copy)]
pub struct Experiment {
    pub form: RwSignal<FormText>,
    pub checked: Memo<Checked>,
    /// Each strategy's theory for the checked parameters, in `Strategy::ALL` order (computed
    /// once per change: it simulates the scheduler).
    theories: Memo<Vec<Theory>>,
    /// The pool, whose size links keep when the link named it.
    pool: PoolState,
}

impl Experiment {
    /// The experiment of `form` on `cores` logical cores.
    pub fn new(form: FormText, cores: u32, pool: PoolState) -> Self {
        let form = RwSignal::new(form);
        let checked = Memo::new(move |_| form.with(FormText::check));
        Experiment {
            form,
            checked,
            theories: Memo::new(move |_| {
                let p = checked.with(|c| c.params);
                Strategy::ALL
                    .map(|s| expected(s, &Params { strategy: s, ..p }, cores))
                    .to_vec()
            }),
            pool,
        }
    }

    /// The checked parameters (reactive).
    pub fn params(self) -> Params {
        self.checked.with(|c| c.params)
    }

    /// The theory for `strategy` on the checked parameters (reactive).
    pub fn theory(self, strategy: Strategy) -> Theory {
        self.theories.with(|t| t[strategy.index()].clone())
    }

    /// The query of the experiment `params` with this page's pool, as links keep it
    /// (reactive).
    pub fn query(self, params: &Params) -> String {
        let pool = self.pool.in_url.get().then_some(self.pool.requested.get());
        url::encode(params, pool)
    }
}
