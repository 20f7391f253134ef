//! What the page says around the experiment: the browser and its pool, notices about the
//! link, and sharing or embedding the experiment.

pub mod environment;
pub mod notices;
pub mod share;
