//! Opening a session file: read, checked against the checklist, upgraded to its version (the file
//! as it was kept first as a backup), and what the person should be told about it.

use super::{Session, Unchecked};
use crate::checklist::Checklist;
use anyhow::Context;
use chrono::{SubsecRound, Utc};
use std::path::Path;

/// A session as opened: its answers, the fingerprint of the file read (`None`: no file yet) and
/// the notices for the person (an upgrade, orphaned answers, approvals no longer honoured).
pub struct Opened {
    pub session: Session,
    pub disk: Option<super::Fingerprint>,
    pub notes: Vec<String>,
}

/// Loads the session (a new one when there is no file) and brings it up to the checklist's
/// version, keeping the file as it was as a backup first. Returns what the user should be told.
pub fn open(
    path: &Path,
    checklist: &Checklist,
    unchecked: Option<Unchecked>,
    who: &str,
) -> anyhow::Result<Opened> {
    let now = Utc::now().trunc_subsecs(0);
    let mut notes = Vec::new();
    if checklist.imported {
        notes.push(format!(
            "{} is read as markdown, without probes: `golive import {0} -o checklist.toml` writes the TOML to add them to.",
            checklist.source
        ));
    }
    let Some(unchecked) = unchecked else {
        return Ok(Opened { session: Session::new(checklist, now), disk: None, notes });
    };
    let mut disk = Some(unchecked.fingerprint);
    let mut session = unchecked.into_session(checklist)?;
    if let Some(up) = super::upgrade::upgrade(&mut session, checklist, now, who) {
        let before = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let backup = super::keep(path, &before)?;
        disk = Some(super::save_over(path, &session, disk).map_err(|e| match e {
            super::SaveError::Changed => {
                anyhow::anyhow!("{} changed while golive opened it", path.display())
            }
            super::SaveError::Failed(e) => e,
        })?);
        let mut note = format!(
            "Checklist upgraded from version {} to {} (the session as it was is kept as {})",
            up.from,
            up.to,
            backup.display()
        );
        match up.moved.len() {
            0 => {}
            1 => note.push_str("; 1 answer moved to its renamed item"),
            n => note.push_str(&format!("; {n} answers moved to their renamed items")),
        }
        notes.push(note + ".");
    }
    if !session.carried_approvals.is_empty() {
        notes.push(format!(
            "{} carries approved_commands from an older golive: not honoured (consent to run a \
             command is asked on your machine and kept there) and dropped on the next save.",
            path.display()
        ));
    }
    let orphans = super::upgrade::orphans(&session, checklist);
    if !orphans.is_empty() {
        let what = match orphans.len() {
            1 => "1 answer belongs to an item".to_string(),
            n => format!("{n} answers belong to items"),
        };
        notes.push(format!(
            "{what} no longer in the checklist, kept and listed in the report: {}.",
            orphans.join(", ")
        ));
    }
    Ok(Opened { session, disk, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Fingerprint, Status, read};

    fn session_file(dir: &Path, text: &str) -> std::path::PathBuf {
        let path = dir.join("s.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn no_file_opens_a_new_session_with_nothing_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        let cl = Checklist::embedded();
        let opened = open(&path, &cl, read(&path).unwrap(), "alice").unwrap();
        assert_eq!((opened.disk, opened.notes.len()), (None, 0));
        assert_eq!(opened.session.checklist, cl.id);
        assert!(!path.exists(), "opening writes nothing");
    }

    #[test]
    fn an_older_version_is_upgraded_and_the_file_as_it_was_kept_first() {
        let dir = tempfile::tempdir().unwrap();
        let cl = Checklist::embedded();
        let text = format!(
            "schema_version = 1\nchecklist = \"{}\"\nchecklist_version = \"0.9\"\ncreated = \"2026-01-01T00:00:00Z\"\n\n\
             [items.\"security.api-authentication\"]\nstatus = \"pass\"\n\n\
             [items.\"security.gone-item\"]\nnotes = \"kept\"\n",
            cl.id
        );
        let path = session_file(dir.path(), &text);
        let opened = open(&path, &cl, read(&path).unwrap(), "alice").unwrap();
        assert_eq!(opened.session.checklist_version, cl.version);
        assert_eq!(opened.session.status("security.api-authentication"), Status::Pass);
        assert_eq!(opened.notes.len(), 2, "{:?}", opened.notes);
        assert!(
            opened.notes[0].starts_with(&format!("Checklist upgraded from version 0.9 to {}", cl.version))
        );
        assert!(opened.notes[1].contains("security.gone-item"), "{:?}", opened.notes);
        let backup = dir.path().join("s.toml.bak.1");
        assert_eq!(std::fs::read_to_string(backup).unwrap(), text);
        let now_on_disk = std::fs::read(&path).unwrap();
        assert_eq!(opened.disk, Some(Fingerprint::of(&now_on_disk)), "the upgrade is saved");
        assert!(String::from_utf8(now_on_disk).unwrap().contains("security.gone-item"), "orphans are kept");
    }

    #[test]
    fn a_corrupt_file_is_refused_at_its_line_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let text = "schema_version = 1\n\n[items.\"security.api-authentication\"\nstatus = \"pass\"\n";
        let path = session_file(dir.path(), text);
        let cl = Checklist::embedded();
        let err = read(&path).map(|u| open(&path, &cl, u, "alice")).unwrap().err().unwrap();
        assert!(format!("{err:#}").contains("s.toml:3:"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert!(!dir.path().join("s.toml.bak.1").exists());
    }
}
