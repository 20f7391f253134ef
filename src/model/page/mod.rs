//! The page in its browser and its host: capabilities and why threads may be off, and
//! embedding (share texts and the `postMessage` protocol).

pub mod caps;
pub mod embed;
