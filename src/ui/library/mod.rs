//! Keeping and comparing runs: export and import ([`export_import`]), and the history of this
//! browser's runs with its baseline ([`history`]).

pub mod export_import;
pub mod history;
