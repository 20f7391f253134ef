//! The experiment: its parameters and the link that holds them, the work each task does, the
//! kernel that does it, what theory expects of each strategy, and whether a strategy may run.

pub mod fault;
pub mod gate;
pub mod kernel;
pub mod params;
pub mod rng;
pub mod theory;
pub mod url;
pub mod workload;
