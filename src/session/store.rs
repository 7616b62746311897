//! Reading and writing session files. A save replaces the file atomically (temp file in the same
//! directory, fsync, rename), so a crash leaves either the old or the new file, never half of one.
//! A file that cannot be read is reported and left exactly as it is.

use super::model::{SCHEMA_VERSION, Session};
use crate::checklist::Checklist;
use crate::located::{Located, read_text};
use anyhow::Context;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The fields checked before the whole file is read, so a file from a newer golive or for another
/// checklist gets that message rather than a confusing one about some field.
#[derive(Deserialize)]
struct Header {
    schema_version: Option<Spanned<toml::Value>>,
    checklist: Option<Spanned<String>>,
}

/// Loads the session at `path`; `Ok(None)` when there is no file yet.
pub fn load(path: &Path, checklist: &Checklist) -> anyhow::Result<Option<Session>> {
    match read(path)? {
        None => Ok(None),
        Some(unchecked) => Ok(Some(unchecked.into_session(checklist)?)),
    }
}

/// A session file read and parsed, not yet checked against a checklist: parsing a large session is
/// slow enough (BENCHMARKS.md) that golive does it while the checklist loads on another thread.
pub struct Unchecked {
    file: String,
    text: String,
    parsed: Result<Session, toml::de::Error>,
    /// The fingerprint of the bytes read (see [`fingerprint`]).
    pub fingerprint: Fingerprint,
}

/// Reads and parses the session at `path`; `Ok(None)` when there is no file yet.
pub fn read(path: &Path) -> anyhow::Result<Option<Unchecked>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = read_text(path)?;
    Ok(Some(Unchecked {
        file: path.display().to_string(),
        fingerprint: Fingerprint::of(text.as_bytes()),
        parsed: toml::from_str(&text),
        text,
    }))
}

impl Unchecked {
    /// The session, if it is one this golive reads and it answers `checklist`.
    pub fn into_session(self, checklist: &Checklist) -> Result<Session, Located> {
        interpret(&self.file, &self.text, self.parsed, checklist)
    }
}

pub fn parse(file: &str, text: &str, checklist: &Checklist) -> Result<Session, Located> {
    interpret(file, text, toml::from_str(text), checklist)
}

/// What the parsed file is: the session, or why it is none, at the line that says so.
fn interpret(
    file: &str,
    text: &str,
    parsed: Result<Session, toml::de::Error>,
    checklist: &Checklist,
) -> Result<Session, Located> {
    let parsed = match parsed {
        Ok(mut session)
            if session.schema_version == SCHEMA_VERSION
                && (session.checklist == checklist.id || session.checklist.is_empty())
                && !holds_nothing(text) =>
        {
            // A header left out is this checklist's: the session is written whole on its first save.
            if session.checklist.is_empty() {
                session.checklist.clone_from(&checklist.id);
            }
            if session.checklist_version.is_empty() {
                session.checklist_version.clone_from(&checklist.version);
            }
            return vetted(file, text, session);
        }
        other => other,
    };
    // Not what this golive writes: the header, read on its own, explains why.
    let header: Header = toml::from_str(text).map_err(|e| Located::from_toml(file, text, &e))?;
    let Some(version) = header.schema_version else {
        return Err(Located::at(file, text, 0, "not a golive session: schema_version is missing"));
    };
    if version.get_ref().as_integer() != Some(SCHEMA_VERSION) {
        return Err(Located::at(
            file,
            text,
            version.span().start,
            format!(
                "unsupported session schema_version {} (this golive reads {SCHEMA_VERSION})",
                version.get_ref()
            ),
        ));
    }
    if let Some(id) = &header.checklist
        && id.get_ref() != &checklist.id
    {
        return Err(Located::at(
            file,
            text,
            id.span().start,
            format!(
                "this session answers checklist {:?}, not {:?} ({}); pass the matching --checklist",
                id.get_ref(),
                checklist.id,
                checklist.source
            ),
        ));
    }
    vetted(file, text, parsed.map_err(|e| Located::from_toml(file, text, &e))?)
}

/// What serde cannot check: a session's keys are ids (a key holding a newline would forge the
/// report's structure around an orphaned answer), and evidence hashes are SHA-256 in hex.
fn vetted(file: &str, text: &str, session: Session) -> Result<Session, Located> {
    let at = |needle: &str| text.find(needle).unwrap_or(0);
    for (id, rec) in &session.items {
        // As a TOML basic string (JSON's escapes are TOML's): how the file most likely spells it.
        let quoted = serde_json::to_string(id).unwrap_or_default();
        if !crate::checklist::is_id(id) {
            return Err(Located::at(
                file,
                text,
                at(&quoted),
                format!(
                    "item key {} is not an id (lowercase letters, digits, '.', '-', '_')",
                    crate::text::printable(&quoted)
                ),
            ));
        }
        for e in &rec.evidence {
            if let Some(sha) = &e.sha256
                && !(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                let quoted = serde_json::to_string(sha).unwrap_or_default();
                return Err(Located::at(
                    file,
                    text,
                    at(&quoted),
                    format!(
                        "evidence of {id}: sha256 {} is not 64 hex digits",
                        crate::text::printable(&quoted)
                    ),
                ));
            }
        }
    }
    Ok(session)
}

/// A file of blank lines and comments (a truncated or stray file) is no session, though every field
/// has a default.
fn holds_nothing(text: &str) -> bool {
    text.lines().map(str::trim).all(|l| l.is_empty() || l.starts_with('#'))
}

/// Writes the session; returns the fingerprint of what it wrote.
pub fn save(path: &Path, session: &Session) -> anyhow::Result<Fingerprint> {
    let text = toml::to_string(session).context("serialising the session")?;
    crate::atomic::write_atomic(path, text.as_bytes())?;
    Ok(Fingerprint::of(text.as_bytes()))
}

/// Why a guarded save did not write.
#[derive(Debug)]
pub enum SaveError {
    /// Something else (git pull, an editor) changed the file since golive read or wrote it.
    Changed,
    Failed(anyhow::Error),
}

/// Saves only over the file golive last read or wrote (`expected`, `None` for no file), so a
/// change made by something else is never silently overwritten. Returns the new fingerprint.
pub fn save_over(
    path: &Path,
    session: &Session,
    expected: Option<Fingerprint>,
) -> Result<Fingerprint, SaveError> {
    match fingerprint(path) {
        Ok(now) if now == expected => save(path, session).map_err(SaveError::Failed),
        Ok(_) => Err(SaveError::Changed),
        Err(e) => Err(SaveError::Failed(e.into())),
    }
}

/// What the file at `path` holds, as a hash of its bytes; `None` when there is no file.
pub fn fingerprint(path: &Path) -> std::io::Result<Option<Fingerprint>> {
    match crate::fsx::read_bounded(path, crate::located::MAX_FILE) {
        Ok(bytes) => Ok(Some(Fingerprint::of(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// What a session file held when golive last read or wrote it: a hash of its bytes, compared
/// before every save so a change made by something else is never overwritten unseen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(u64);

impl Fingerprint {
    pub fn of(bytes: &[u8]) -> Fingerprint {
        use std::hash::{DefaultHasher, Hasher};
        let mut h = DefaultHasher::new();
        h.write(bytes);
        Fingerprint(h.finish())
    }
}

/// How many earlier versions `keep` holds beside the session (`FILE.bak.1` is the newest).
pub const BACKUPS: usize = 3;

/// Keeps `bytes` (a version about to be replaced) as `FILE.bak.1`, shifting older backups up and
/// dropping the oldest; returns the backup's path.
pub fn keep(path: &Path, bytes: &[u8]) -> anyhow::Result<std::path::PathBuf> {
    let bak = |n: usize| {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".bak.{n}"));
        path.with_file_name(name)
    };
    for n in (1..BACKUPS).rev() {
        if bak(n).exists() {
            std::fs::rename(bak(n), bak(n + 1)).with_context(|| format!("rotating {}", bak(n).display()))?;
        }
    }
    crate::atomic::write_atomic(&bak(1), bytes)?;
    Ok(bak(1))
}
