//! One writer per session file. The lock is the kernel's (flock on a file beside the session):
//! it goes when the process goes, so a crash or kill -9 never leaves a session locked. The lock
//! file's text only says who holds it, for the message a second golive shows.

use anyhow::Context;
use chrono::{SubsecRound, Utc};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held for as long as golive may write the session.
#[derive(Debug)]
pub struct SessionLock {
    _file: File,
}

fn lock_path(session: &Path) -> PathBuf {
    let name = session.file_name().unwrap_or_default().to_string_lossy();
    session.with_file_name(format!(".{name}.lock"))
}

/// Takes the session's lock for `who`, or says who holds it.
pub fn lock(session: &Path, who: &str) -> anyhow::Result<SessionLock> {
    let path = lock_path(session);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("opening the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() { "another golive" } else { holder };
            anyhow::bail!(
                "{} is open in another golive: {holder}. Close it there first \
                 (golive export reads it meanwhile).",
                session.display()
            );
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", path.display()));
        }
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let since = Utc::now().trunc_subsecs(0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let text = format!("{who} (pid {} on {}) since {since}\n", std::process::id(), host.trim());
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(text.as_bytes())?;
    sweep_temp_files(session);
    Ok(SessionLock { _file: file })
}

/// Removes the temp files a golive killed mid-save left beside this session. Only the lock holder
/// may: another golive's temp file would be one it is about to rename.
fn sweep_temp_files(session: &Path) {
    let name = session.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.golive-");
    let dir = match session.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&prefix) && file.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
