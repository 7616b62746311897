//! `golive check`: the automated checks without a terminal, then the gate's decision, for
//! pipelines; the exit status is the decision.

use super::args::Format;
use super::output::{emit, write_report};
use crate::consent;
use crate::export::run_report::{self, Report};
use crate::gate;
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
    pub reports: Vec<(Format, PathBuf)>,
    /// Decide from the session alone.
    pub gate: bool,
    pub strict: bool,
}

pub fn run(on: super::open::OnSession, args: Args) -> anyhow::Result<u8> {
    let super::open::OnSession { path, open, who, opts, mut shared } = on;
    let super::open::Open { _lock, checklist, opened, trust, layers, .. } = open;
    let session::open::Opened { mut session, mut disk, notes } = opened;
    for note in notes {
        crate::text::tell(&note);
    }
    let selection = sweep::run::Selection { only: args.only, section: args.section };
    let (jobs, skipped) = sweep::run::select(&checklist, &session, &selection, args.strict)?;
    let chosen = selection.items(&checklist);
    let mut run = sweep::run::Run {
        generated: Utc::now().trunc_subsecs(0),
        identity: None,
        results: Vec::new(),
        skipped,
        selection: chosen.clone(),
        parts: Vec::new(),
    };
    let mut saved = Ok(());
    if !args.gate {
        let sweeper = Sweeper {
            checklist: &checklist,
            trust: &trust,
            layers: &layers,
            opts,
            allow_commands: args.allow_commands,
            strict: args.strict,
            who,
        };
        let (identity, results, parts) = sweeper.run(&mut session, jobs)?;
        run.parts = parts;
        saved = session::save_over(path, &session, disk).map(|d| disk = Some(d));
        // Published, so the decision below is made on the merged session, others' answers in.
        if let (Ok(()), Some(shared)) = (&saved, shared.as_mut())
            && let Some(e) = super::open::share(shared, &checklist, path, &mut session, &mut disk)?
        {
            crate::text::tell(&format!(
                "{e:#}: the results are in this machine's copy ({}), not yet shared",
                path.display()
            ));
        }
        (run.identity, run.results) = (identity, results);
        run.generated = Utc::now().trunc_subsecs(0);
    }
    let decision = gate::decide(&gate::Input {
        checklist: &checklist,
        session: &session,
        policy: &checklist.gate,
        now: run.generated,
        selection: chosen.as_deref(),
        strict: args.strict,
        ran: (!args.gate).then_some(run.results.len()),
    });
    let session_path = path.display().to_string();
    let files = session::evidence::recheck(&session, &trust.checkout);
    let report = Report {
        files: &files,
        checklist: &checklist,
        session: &session,
        run: &run,
        decision: &decision,
        full_evidence: args.full_evidence,
        session_path: &session_path,
        strict: args.strict,
    };
    for (format, out) in &args.reports {
        let (text, annotations) = report.render(*format);
        write_report(out, &text)?;
        if let Some(a) = annotations {
            emit(&a)?;
        }
    }
    let (text, annotations) = report.render(args.format);
    let text = annotations.map_or(text.clone(), |a| a + &text);
    match args.output {
        Some(out) => {
            write_report(&out, &text)?;
            crate::text::tell(&decision.headline());
        }
        None => {
            emit(&text)?;
            if !args.reports.is_empty() && args.format != Format::Text {
                crate::text::tell(&decision.headline());
            }
        }
    }
    match saved {
        Ok(()) => Ok(decision.exit_code()),
        // The report stands; the results are not worth someone else's edit.
        Err(session::SaveError::Changed) => anyhow::bail!(
            "{} changed on disk while the checks ran: their change is kept and these results \
             are not saved (the report above has them)",
            path.display()
        ),
        Err(session::SaveError::Failed(e)) => Err(e),
    }
}

/// One sweep of a pipeline (`check`, each of `watch`'s) into the session.
pub(super) struct Sweeper<'a> {
    pub checklist: &'a crate::checklist::Checklist,
    pub trust: &'a super::trust::Trust,
    pub layers: &'a crate::config::TargetLayers,
    pub opts: crate::probe::engine::Opts,
    pub allow_commands: bool,
    pub strict: bool,
    pub who: &'a str,
}

impl Sweeper<'_> {
    /// Runs `jobs` and records their results in `session` (not saved).
    pub fn run(
        &self,
        session: &mut session::Session,
        jobs: Vec<crate::probe::engine::Job>,
    ) -> anyhow::Result<sweep::run::Swept> {
        // The run's target is the session's between the files and the flags; under --strict the
        // session's is left out. The session's own is put back before saving.
        let run_target = self.layers.over((!self.strict).then_some(&session.target));
        let account_given = run_target.account_id.is_some();
        let own_target = std::mem::replace(&mut session.target, run_target);
        // Commands run with --allow-commands, or the consent this user gave on this machine.
        let commands = if self.allow_commands {
            Consent::All
        } else {
            Consent::Approved(consent::allowed(&self.trust.grants, session.target.repo.as_deref()))
        };
        let repo = self.trust.repo(session);
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let (identity, results, parts) =
            rt.block_on(sweep::run::probe(self.checklist, session, jobs, self.opts, commands, repo));
        // A check stuck in a read it cannot leave must not hold the pipeline: it is dropped.
        rt.shutdown_timeout(Duration::from_secs(1));
        let ran = std::mem::replace(&mut session.target, own_target);
        // The account the first connection found is pinned in the session, as the TUI asks.
        if !account_given && !self.strict && session.target.account_id.is_none() {
            session.target.account_id = ran.account_id;
        }
        sweep::run::record(self.checklist, session, &results, self.who);
        Ok((identity, results, parts))
    }
}

impl Report<'_> {
    /// The report in `format`, and for `github` the workflow annotations (stdout's to print).
    fn render(&self, format: Format) -> (String, Option<String>) {
        match format {
            Format::Text => (run_report::text(self), None),
            Format::Json => (run_report::json(self), None),
            Format::Junit => (run_report::junit(self), None),
            Format::Markdown => (run_report::markdown(self), None),
            Format::Github => (run_report::markdown(self), Some(run_report::annotations(self))),
        }
    }
}
