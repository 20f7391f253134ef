//! The page in its browser and its host: capabilities and why threads may be off, and
//! embedding (share texts and the `postMessage` protocol), the Python twin as the page offers
//! it, and the code each strategy ran.

pub mod caps;
pub mod code;
pub mod embed;
pub mod report;
pub mod twin;
