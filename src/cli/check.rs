//! `golive check`: the automated checks without a terminal, for pipelines; the exit status is the
//! gate.

use super::args::Format;
use super::output::{emit, write_report};
use crate::consent;
use crate::export::{self, markdown};
use crate::probe::local::command::Consent;
use crate::session;
use crate::sweep;
use chrono::{SubsecRound, Utc};
use std::path::PathBuf;
use std::time::Duration;

/// The subcommand's own flags.
pub struct Args {
    pub only: Vec<String>,
    pub section: Option<usize>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub allow_commands: bool,
    pub full_evidence: bool,
}

pub fn run(on: super::open::OnSession, args: Args) -> anyhow::Result<u8> {
    let super::open::OnSession { path, open, who, opts } = on;
    let super::open::Open { _lock, checklist, opened, trust, .. } = open;
    let session::open::Opened { mut session, disk, notes } = opened;
    for note in notes {
        crate::text::tell(&note);
    }
    let selection = sweep::run::Selection { only: args.only, section: args.section };
    let (jobs, skipped) = sweep::run::select(&checklist, &session, &selection)?;
    // Commands run with --allow-commands, or the consent this user gave on this machine.
    let commands = if args.allow_commands {
        Consent::All
    } else {
        Consent::Approved(consent::allowed(&trust.grants, session.target.repo.as_deref()))
    };
    let repo = trust.repo(&session);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let (identity, results) =
        rt.block_on(sweep::run::probe(&checklist, &mut session, jobs, opts, commands, repo));
    // A check stuck in a read it cannot leave must not hold the pipeline: it is dropped.
    rt.shutdown_timeout(Duration::from_secs(1));
    sweep::run::record(&checklist, &mut session, &results, who);
    let saved = session::save_over(path, &session, disk);
    let run = sweep::run::Run { generated: Utc::now().trunc_subsecs(0), identity, results, skipped };
    let text = match args.format {
        Format::Text => export::run_report::text(&checklist, &run, args.full_evidence),
        Format::Json => export::run_report::json(&checklist, &run),
        Format::Junit => export::run_report::junit(&checklist, &run, args.full_evidence),
        Format::Markdown => {
            let meta = markdown::Meta {
                session_path: &path.display().to_string(),
                generated: run.generated,
                full_evidence: args.full_evidence,
            };
            markdown::render(&checklist, &session, &meta)
        }
    };
    match args.output {
        Some(out) => {
            write_report(&out, &text)?;
            crate::text::tell(&export::run_report::verdict_line(&run));
        }
        None => emit(&text)?,
    }
    match saved {
        Ok(_) => Ok(run.exit_code()),
        // The report stands; the results are not worth someone else's edit.
        Err(session::SaveError::Changed) => anyhow::bail!(
            "{} changed on disk while the checks ran: their change is kept and these results \
             are not saved (the report above has them)",
            path.display()
        ),
        Err(session::SaveError::Failed(e)) => Err(e),
    }
}
