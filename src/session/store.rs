//! Reading and writing session files. A save replaces the file atomically (temp file in the same
//! directory, fsync, rename), so a crash leaves either the old or the new file, never half of one.
//! A file that cannot be read is reported and left exactly as it is.

use super::Session;
use crate::checklist::Checklist;
use crate::located::{Located, read_text};
use anyhow::Context;
use serde::Deserialize;
use std::io::Write;
use std::path::Path;
use toml::Spanned;

pub const SCHEMA_VERSION: i64 = 1;

/// The fields checked before the whole file is read, so a file from a newer golive or for another
/// checklist gets that message rather than a confusing one about some field.
#[derive(Deserialize)]
struct Header {
    schema_version: Option<Spanned<toml::Value>>,
    checklist: Option<Spanned<String>>,
}

/// Loads the session at `path`; `Ok(None)` when there is no file yet.
pub fn load(path: &Path, checklist: &Checklist) -> anyhow::Result<Option<Session>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = read_text(path)?;
    Ok(Some(parse(&path.display().to_string(), &text, checklist)?))
}

pub fn parse(file: &str, text: &str, checklist: &Checklist) -> Result<Session, Located> {
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
    toml::from_str(text).map_err(|e| Located::from_toml(file, text, &e))
}

pub fn save(path: &Path, session: &Session) -> anyhow::Result<()> {
    let text = toml::to_string(session).context("serialising the session")?;
    write_atomic(path, text.as_bytes())
}

/// Writes `bytes` to `path` through a 0600 temp file in the same directory, fsynced and renamed
/// over the target, then fsyncs the directory so the rename itself survives a power cut.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // tempfile creates the file with mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".golive-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temp file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("replacing {}", path.display()))?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
