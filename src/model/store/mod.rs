//! Runs kept and moved: a run's fields described once, the JSON they are written in, the
//! export formats, the run-line codec of the session and the history, and the bounds on
//! what is kept.

pub mod export;
pub mod fields;
pub mod history;
pub mod json;
pub mod persist;
