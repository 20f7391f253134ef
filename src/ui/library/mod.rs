//! Keeping and comparing runs: export and import ([`export_import`]), and the history of this
//! browser's runs with its baseline ([`history`]) and the task records kept of its newest runs
//! ([`stored`]).

pub mod export_import;
pub mod history;
pub mod stored;
