//! What the measured runs say: one-sentence findings, and the articles' claims with the pure
//! rule that judges each.

pub mod chart;
pub mod claims;
pub mod insights;
