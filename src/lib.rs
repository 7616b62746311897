//! golive: a terminal app that walks a team through a production go-live checklist.

pub mod atomic;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod consent;
pub mod export;
pub mod fsx;
pub mod gate;
pub mod located;
pub mod log;
pub mod mask;
pub mod probe;
pub mod session;
pub mod sweep;
pub mod text;
pub mod tui;
pub mod watch;
