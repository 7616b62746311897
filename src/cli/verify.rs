//! `golive verify`: every file attached as evidence read again and compared with the size and
//! SHA-256 recorded when it was attached. Read only.

use super::open::Loading;
use super::output::emit;
use crate::session::{self, evidence::FileCheck};
use anyhow::Context;
use std::path::Path;

/// 0 when every file is as attached, 1 when one changed or is gone.
pub fn run(path: &Path, checklist: Loading) -> anyhow::Result<u8> {
    let checklist = checklist.into_inner()?;
    let session =
        session::load(path, &checklist)?.with_context(|| format!("no session at {}", path.display()))?;
    let files = session::evidence::recheck(&session, &crate::probe::local::checkout_of(path));
    let mut out = String::new();
    let mut bad = 0;
    for f in &files {
        let state = match &f.check {
            FileCheck::Same => "same",
            FileCheck::Changed { .. } => "CHANGED",
            FileCheck::Missing => "MISSING",
            FileCheck::NotChecked(_) => "not checked",
        };
        bad += usize::from(matches!(f.check, FileCheck::Changed { .. } | FileCheck::Missing));
        let detail = f.check.flag().map(|d| format!(": {d}")).unwrap_or_default();
        out.push_str(&format!("{state:<11} {} evidence {} {}{detail}\n", f.item, f.index + 1, f.path));
    }
    out.push_str(&format!(
        "{} evidence file{} checked; {bad} changed or missing\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    ));
    emit(&out)?;
    Ok(u8::from(bad > 0))
}
