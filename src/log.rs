//! golive's log: a file in the platform state dir (`~/.local/state/golive/golive.log.DATE` on
//! Linux), rotated daily, a week kept. Never the terminal, which belongs to the TUI or to the
//! report. Lines carry ids, outcomes and timings: no note text, no credentials (probe results are
//! masked before anything sees them).

use std::path::{Path, PathBuf};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    fn filter(self) -> LevelFilter {
        match self {
            Level::Off => LevelFilter::OFF,
            Level::Error => LevelFilter::ERROR,
            Level::Warn => LevelFilter::WARN,
            Level::Info => LevelFilter::INFO,
            Level::Debug => LevelFilter::DEBUG,
            Level::Trace => LevelFilter::TRACE,
        }
    }
}

/// Where the log goes: the platform state dir (data dir where there is none).
pub fn dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "golive")?;
    Some(dirs.state_dir().unwrap_or(dirs.data_local_dir()).join("log"))
}

/// Starts logging at `level` into `dir`. golive's own events at that level; the libraries' only
/// from warnings up, unless debug or trace is asked for.
pub fn init(dir: &Path, level: Level) -> anyhow::Result<()> {
    if level == Level::Off {
        return Ok(());
    }
    // The log names accounts, roles and resources: the user's to read, nobody else's.
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("golive")
        .filename_suffix("log")
        .max_log_files(7)
        .build(dir)?;
    for entry in std::fs::read_dir(dir)?.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600));
        }
    }
    let libraries = if level >= Level::Debug { level.filter() } else { LevelFilter::WARN };
    let filter = Targets::new().with_target("golive", level.filter()).with_default(libraries);
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(file).with_ansi(false))
        .with(filter)
        .try_init()?;
    Ok(())
}

static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Milliseconds since golive started (since the first call, which `main` makes first): the debug
/// log's start-up milestones, for a slow start on someone's machine.
pub fn uptime_ms() -> f64 {
    START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1000.0
}
