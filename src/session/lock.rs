//! One writer per session file. The lock is the kernel's (flock on a lock file): it goes when the
//! process goes, so a crash or kill -9 never leaves a session locked. The lock file's text only
//! says who holds it, for the message a second golive shows.
//!
//! Lock files live in the user's runtime dir (`$XDG_RUNTIME_DIR/golive/locks`, else the state
//! dir), named by a hash of the session's canonical path, never beside the session: a repository
//! is someone else's ground, and a committed `.s.toml.lock` linked to `~/.bashrc` would have been
//! truncated and overwritten. They are opened without following links, 0600, in a 0700 dir.

use anyhow::Context;
use chrono::{SubsecRound, Utc};
use sha2::{Digest, Sha256};
use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Held for as long as golive may write the session.
#[derive(Debug)]
pub struct SessionLock {
    _file: File,
}

/// Where the lock files are kept.
fn lock_dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "golive")
        .context("no home directory to keep session locks in")?;
    let base = dirs.runtime_dir().or(dirs.state_dir()).unwrap_or(dirs.data_local_dir());
    Ok(base.join("locks"))
}

/// The lock file of `session`: one per session file, however it is named on the command line.
pub fn lock_path(session: &Path) -> anyhow::Result<PathBuf> {
    let key = key(session);
    let hash = Sha256::digest(key.as_bytes());
    let name: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    Ok(lock_dir()?.join(format!("{name}.lock")))
}

/// Takes the session's lock for `who`, or says who holds it.
pub fn lock(session: &Path, who: &str) -> anyhow::Result<SessionLock> {
    let path = lock_path(session)?;
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = crate::fsx::open_private(&path)
        .with_context(|| format!("opening the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = (&file).take(1024).read_to_string(&mut holder);
            let holder = crate::text::printable(holder.trim());
            let holder = if holder.is_empty() { "another golive".to_string() } else { holder };
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
    // Ours (opened without links, of this user, in golive's own dir): safe to rewrite.
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(text.as_bytes())?;
    sweep_temp_files(session);
    Ok(SessionLock { _file: file })
}

/// Removes the temp files a golive killed mid-save left beside this session. Only the lock holder
/// may: another golive's temp file would be one it is about to rename. Removing a link removes the
/// link, never what it points to.
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

/// The session's key: its absolute path, links resolved (in its directory, when the file does not
/// exist yet), so every name of one file gives one key.
pub fn key(session: &std::path::Path) -> String {
    let abs = std::path::absolute(session).unwrap_or_else(|_| session.to_path_buf());
    let real = abs.canonicalize().ok().or_else(|| {
        let dir = abs.parent()?.canonicalize().ok()?;
        Some(dir.join(abs.file_name()?))
    });
    real.unwrap_or(abs).display().to_string()
}
