//! `golive answer`: a script records answers (a status, a line of notes) the way a person does
//! in the TUI, each saved, and shared when the session lives in S3, before golive says `saved`:
//! what it printed is in the session.

use super::open::OnSession;
use crate::checklist::Checklist;
use crate::session::{self, Session, Status, edit::By};
use chrono::{SubsecRound, Utc};
use std::io::{BufRead, Write};
use std::path::Path;

/// One answer: the item, its status, and optionally a line for its notes and why.
pub struct Answer {
    pub id: String,
    pub status: String,
    pub note: Option<String>,
    pub reason: Option<String>,
}

pub fn run(on: OnSession, one: Option<Answer>, from: Option<&Path>) -> anyhow::Result<u8> {
    let OnSession { path, open, who, mut shared, .. } = on;
    let super::open::Open { _lock, checklist, opened, .. } = open;
    let session::open::Opened { mut session, mut disk, notes } = opened;
    for note in notes {
        crate::text::tell(&note);
    }
    let mut out = std::io::stdout().lock();
    let mut offline = false;
    let mut apply = |answer: Answer, line: Option<(String, usize)>| -> anyhow::Result<()> {
        let at = |msg: String| match &line {
            Some((file, n)) => anyhow::anyhow!("{file}:{n}: {msg}"),
            None => anyhow::anyhow!(msg),
        };
        let changed = answer_one(&checklist, &mut session, &answer, who).map_err(at)?;
        if changed {
            disk = Some(match session::save_over(path, &session, disk) {
                Ok(d) => d,
                Err(session::SaveError::Changed) => anyhow::bail!(
                    "{} changed on disk while golive was answering; nothing more written",
                    path.display()
                ),
                Err(session::SaveError::Failed(e)) => return Err(e),
            });
        }
        let mut unshared = "";
        // Published after each answer (so also what an earlier run kept); a merge written into
        // the working copy, the others' answers in it, is what the next answer edits.
        if let Some(shared) = shared.as_mut() {
            let not_shared = super::open::share(shared, &checklist, path, &mut session, &mut disk)?;
            if let Some(e) = &not_shared
                && !offline
            {
                crate::text::tell(&format!(
                    "{e:#}: answers are kept in this machine's copy ({}) and shared by the next golive that reaches S3",
                    path.display()
                ));
            }
            offline = not_shared.is_some();
            if offline {
                unshared = " (not yet shared)";
            }
        }
        writeln!(out, "saved {} {}{unshared}", answer.id, answer.status)?;
        out.flush()?;
        Ok(())
    };
    match (one, from) {
        (Some(a), _) => apply(a, None)?,
        (None, Some(file)) => {
            let name = file.display().to_string();
            let reader: Box<dyn BufRead> = if name == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::io::BufReader::new(
                    std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{name}: {e}"))?,
                ))
            };
            for (n, line) in reader.lines().enumerate() {
                let line = line?;
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let mut words = line.splitn(3, char::is_whitespace);
                let (Some(id), Some(status)) = (words.next(), words.next()) else {
                    anyhow::bail!("{name}:{}: expected `ID STATUS [NOTE]`", n + 1);
                };
                let note = words.next().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
                let answer = Answer { id: id.into(), status: status.into(), note, reason: None };
                apply(answer, Some((name.clone(), n + 1)))?;
            }
        }
        (None, None) => anyhow::bail!("name an item and a status, or --from FILE"),
    }
    Ok(0)
}

/// Applies one answer as the TUI would: n/a needs a reason, and so does a status that
/// overrides a probe's verdict. Returns whether anything changed.
fn answer_one(checklist: &Checklist, session: &mut Session, a: &Answer, who: &str) -> Result<bool, String> {
    if !checklist.items.iter().any(|i| i.id == a.id) {
        return Err(format!("{:?} is no item of checklist {:?}", a.id, checklist.id));
    }
    let status = Status::ALL
        .into_iter()
        .find(|s| s.word() == a.status)
        .ok_or_else(|| format!("{:?} is no status: todo, pass, fail, blocked or n/a", a.status))?;
    let probe_says =
        session.record(&a.id).and_then(|r| r.probe.as_ref()).map(|p| Status::from_outcome(p.outcome));
    let overrides = probe_says.is_some_and(|p| p != status && p != Status::Todo) && status != Status::Todo;
    if (status == Status::NotApplicable || overrides) && a.reason.is_none() {
        return Err(format!(
            "{} {}: needs --reason (n/a, or overriding the probe's verdict)",
            a.id, a.status
        ));
    }
    let by = By { who, at: Utc::now().trunc_subsecs(0) };
    let mut changed = session.set_status(&a.id, status, a.reason.clone(), by).is_some();
    if let Some(note) = &a.note {
        let old = session.record(&a.id).map(|r| r.notes.clone()).unwrap_or_default();
        let new = if old.is_empty() { note.clone() } else { format!("{old}\n{note}") };
        session.draft_notes(&a.id, new);
        changed |= session.notes_edited(&a.id, &old, by);
    }
    Ok(changed)
}
