//! Reports made from a checklist and its session.

pub mod markdown;
pub mod probes;
pub mod run_report;

use std::path::{Path, PathBuf};

/// Where the TUI writes the report: beside the session file, named after it.
pub fn report_path(session: &Path) -> PathBuf {
    let stem =
        session.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "golive".into());
    session.with_file_name(format!("{stem}-report.md"))
}
