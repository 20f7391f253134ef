//! Python beside the page: the twin script offered with this experiment built in
//! ([`twin`]), and the code each strategy ran, Rust and Python side by side ([`code`]).

pub mod code;
pub mod twin;
