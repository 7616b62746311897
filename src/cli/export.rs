//! `golive export`: the markdown report of a session, read only.

use super::open::Loading;
use super::output::{emit, write_report};
use crate::export::markdown;
use crate::session;
use anyhow::Context;
use chrono::{SubsecRound, Utc};
use std::path::Path;

pub fn run(
    path: &Path,
    checklist: Loading,
    settings: &crate::config::Config,
    who: &str,
    output: Option<&Path>,
    full_evidence: bool,
) -> anyhow::Result<u8> {
    let mut checklist = checklist.into_inner()?;
    if let Some(gate) = settings.project.as_ref().and_then(|(_, p)| p.gate.clone()) {
        checklist.gate = gate;
    }
    let mut session =
        session::load(path, &checklist)?.with_context(|| format!("no session at {}", path.display()))?;
    // Read-only: the report shows the upgraded answers; the file is upgraded when opened.
    session::upgrade::upgrade(&mut session, &checklist, Utc::now().trunc_subsecs(0), who);
    let generated = Utc::now().trunc_subsecs(0);
    let decision = crate::gate::of_session(&checklist, &session, generated);
    let files = session::evidence::recheck(&session, &crate::probe::local::checkout_of(path));
    let meta = markdown::Meta {
        files: &files,
        session_path: &path.display().to_string(),
        generated,
        full_evidence,
        decision: &decision,
    };
    // The report goes where notes were never meant to: say so before writing it.
    for leak in session.leaks() {
        crate::text::tell(&format!(
            "warning: {} {} holds what looks like a credential ({}); the report carries it",
            leak.item, leak.place, leak.what
        ));
    }
    let text = markdown::render(&checklist, &session, &meta);
    match output {
        Some(out) => write_report(out, &text)?,
        None => emit(&text)?,
    }
    Ok(0)
}
