//! A run and its records: the task interpreter every strategy drives, the records it
//! writes, their summaries and the probe's samples, and what the runtime's executors share
//! with the model (the event loop's deadlines, the GIL, a process's record on the wire, the
//! page's hidden time).

pub mod deadlines;
pub mod gil;
pub mod interpreter;
pub mod record;
pub mod stats;
pub mod visibility;
pub mod wire;
