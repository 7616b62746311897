//! Classifying an evidence entry. A file is recorded with its size and SHA-256 at the time, so a
//! report read later can show the file has not changed since.

use super::model::{Evidence, EvidenceKind};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub fn inspect(mut e: Evidence, base: &Path) -> Evidence {
    let v = e.value.trim();
    if v.starts_with("https://") || v.starts_with("http://") {
        e.kind = EvidenceKind::Url;
        return e;
    }
    let path = expand(v, base);
    match hash_file(&path) {
        Some((size, sha)) => {
            e.kind = EvidenceKind::File;
            e.value = path.display().to_string();
            e.size = Some(size);
            e.sha256 = Some(sha);
        }
        None => e.kind = EvidenceKind::Text,
    }
    e
}

/// `~/x` and relative paths, resolved the way the user meant them when typing.
fn expand(v: &str, base: &Path) -> PathBuf {
    let p = match (v.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(v),
    };
    let p = if p.is_absolute() { p } else { base.join(p) };
    p.canonicalize().unwrap_or(p)
}

fn hash_file(path: &Path) -> Option<(u64, String)> {
    // A regular file only: a device or a FIFO would never end.
    let mut f = crate::fsx::open_regular(path).ok()?;
    let mut h = Sha256::new();
    let size = std::io::copy(&mut f, &mut h).ok()?;
    Some((size, format!("{:x}", h.finalize())))
}

/// A file attached as evidence, read again: is it still what was attached?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCheck {
    Same,
    /// Its size and SHA-256 now.
    Changed {
        size: u64,
        sha256: String,
    },
    Missing,
    /// Not read: outside the session's checkout (a session from someone's branch must not make
    /// golive read this machine's files), or not a file golive will read.
    NotChecked(&'static str),
}

/// One file evidence entry and how it compares now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recheck {
    pub item: String,
    /// Its place in the item's evidence.
    pub index: usize,
    pub path: String,
    pub check: FileCheck,
}

impl FileCheck {
    /// The flag a report or the detail pane shows; `None` when the file is unchanged.
    pub fn flag(&self) -> Option<String> {
        match self {
            FileCheck::Same => None,
            FileCheck::Changed { size, sha256 } => {
                Some(format!("CHANGED since it was attached (now {size} bytes, sha256 {sha256})"))
            }
            FileCheck::Missing => Some("MISSING: the file is gone".into()),
            FileCheck::NotChecked(why) => Some(format!("not re-checked: {why}")),
        }
    }
}

/// Re-hashes every file attached as evidence (with a recorded hash), in item id order. Only
/// files inside `checkout` are read.
pub fn recheck(session: &super::Session, checkout: &Path) -> Vec<Recheck> {
    let checkout = checkout.canonicalize().unwrap_or_else(|_| checkout.to_path_buf());
    let mut out = Vec::new();
    for (id, rec) in &session.items {
        for (index, e) in rec.evidence.iter().enumerate() {
            let (EvidenceKind::File, Some(sha)) = (e.kind, &e.sha256) else { continue };
            let path = Path::new(&e.value);
            let check = match path.canonicalize() {
                Err(_) if !path.starts_with(&checkout) => {
                    FileCheck::NotChecked("outside the session's checkout")
                }
                Err(_) => FileCheck::Missing,
                Ok(real) if !real.starts_with(&checkout) => {
                    FileCheck::NotChecked("outside the session's checkout")
                }
                Ok(real) => match hash_file(&real) {
                    Some((size, now)) if now == *sha && Some(size) == e.size.or(Some(size)) => {
                        FileCheck::Same
                    }
                    Some((size, now)) => FileCheck::Changed { size, sha256: now },
                    None => FileCheck::NotChecked("not a regular file"),
                },
            };
            out.push(Recheck { item: id.clone(), index, path: e.value.clone(), check });
        }
    }
    out
}
