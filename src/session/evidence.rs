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
