//! Setting up and running an experiment: the parameter form, the strategy choice and the
//! Run, Run all and Cancel buttons with the run's progress, restarting a failed pool, and the
//! main thread's responsiveness meter.

pub mod controls;
pub mod form;
pub mod meter;
pub mod pool_restart;
