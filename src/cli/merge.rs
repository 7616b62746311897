//! `golive merge BASE OURS THEIRS`: session files merged item by item (`session::merge`), as a
//! git merge driver (`%O %A %B`): the result replaces OURS, what both sides changed is decided by
//! rule and said on stderr, and the exit status is 0 so git takes the result.

use super::open::Loading;
use crate::session::{self, merge::Kept};
use std::path::Path;

pub fn run(base: &Path, ours: &Path, theirs: &Path, checklist: Loading) -> anyhow::Result<u8> {
    let checklist = checklist.into_inner()?;
    let read = |p: &Path| -> anyhow::Result<session::Session> {
        let text = crate::located::read_text(p)?;
        Ok(session::parse(&p.display().to_string(), &text, &checklist)?)
    };
    let (b, o, t) = (read(base)?, read(ours)?, read(theirs)?);
    let merged = session::merge::merge(&b, &o, &t);
    session::save(ours, &merged.session)?;
    for c in &merged.conflicts {
        let kept = match c.kept {
            Kept::Ours => "kept ours (the later)",
            Kept::Theirs => "kept theirs (the later)",
            Kept::Both => "kept both",
        };
        crate::text::tell(&format!("golive merge: {} {} changed on both sides: {kept}", c.place, c.field));
    }
    Ok(0)
}
