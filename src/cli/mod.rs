//! The command line's pipelines: `main` parses the arguments and hands them here; each subcommand
//! has its own file.

mod answer;
pub mod args;
mod check;
mod config;
mod export;
mod import;
mod init;
mod interactive;
mod merge;
mod open;
mod output;
mod trust;
mod verify;
mod watch;

use crate::checklist::Checklist;
use crate::probe::engine;
use crate::{session, tui};
use args::{Cli, Command};
use open::{Loading, OnSession, open};
use output::emit;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The exit status when golive could not run (bad usage, an unreadable or invalid file): apart
/// from the gate's 0 GO, 1 NO-GO and 2 UNDECIDED.
pub const FAILED: u8 = 3;

/// Runs what the command line asks; the exit status on success.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    // A log that cannot be opened is not a reason to stop a launch: say so and go on.
    if let Some(dir) = crate::log::dir()
        && let Err(e) = crate::log::init(&dir, cli.log_level)
    {
        crate::text::tell(&format!("no log in {}: {e:#}", dir.display()));
    }
    tracing::info!(target: "golive", "golive {} started", env!("CARGO_PKG_VERSION"));
    if let Some(Command::Schema) = cli.command {
        emit(&crate::export::run_report::schema())?;
        return Ok(0);
    }
    if let Some(Command::Import { file, output, force }) = &cli.command {
        return import::run(file, output.as_deref(), *force);
    }
    if let Some(Command::Completions { shell }) = cli.command {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "golive", &mut out);
        emit(&String::from_utf8(out)?)?;
        return Ok(0);
    }
    if let Some(Command::IamPolicy) = cli.command {
        emit(&crate::probe::aws::policy::document())?;
        return Ok(0);
    }
    if let Some(Command::Man) = cli.command {
        let mut out = Vec::new();
        clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
        emit(&String::from_utf8(out)?)?;
        return Ok(0);
    }
    if let Some(Command::Init { name_prefix, tags, task_role, force }) = &cli.command {
        let scope =
            init::Scope { name_prefix: name_prefix.as_deref(), tags, task_role: task_role.as_deref() };
        return init::run(&cli.target, &scope, *force);
    }
    if let Some(Command::Merge { base, ours, theirs }) = &cli.command {
        return merge::run(base, ours, theirs, Loading::start(cli.checklist.clone()));
    }
    let settings = configure(&cli)?;
    // The checklist loads on its own thread while the session is found, locked and read.
    let mut checklist = Loading::start(settings.checklist.as_ref().map(|s| s.value.clone()));
    if let Some(Command::Probes) = cli.command {
        emit(&crate::export::probes::markdown(checklist.get()?))?;
        return Ok(0);
    }
    let sessions_dir = session::catalog::dir();
    if let Some(Command::Sessions) = cli.command {
        let dir = sessions_dir?;
        let c = checklist.get()?;
        let mut text = session::catalog::table(&session::catalog::list(&dir, c)?);
        let opened = session::catalog::opened(c);
        if !opened.is_empty() {
            text.push_str("\nOpened by path:\n");
            text.push_str(&session::catalog::table(&opened));
        }
        emit(&text)?;
        return Ok(0);
    }
    let interactive = matches!(cli.command, None | Some(Command::Tui));
    let mouse = settings.mouse.value;
    // A session in S3: this machine works on its copy and shares every save.
    let mut shared = match settings.session.as_ref().and_then(|s| session::shared::Location::parse(&s.value))
    {
        Some(location) => {
            let location = location.map_err(anyhow::Error::msg)?;
            let from_project = settings
                .session
                .as_ref()
                .is_some_and(|s| matches!(s.from, crate::config::Origin::Project(_)));
            crate::consent::vet_destination(
                &location.to_string(),
                !from_project,
                &settings.who.value,
                "--session",
            )?;
            let t = settings.target_layers(&cli.given)?.over(None);
            let bucket =
                session::shared::Bucket::connect(location, t.profile.as_deref(), t.region.as_deref())?;
            Some(session::shared::Shared::open(bucket)?)
        }
        None => None,
    };
    let session_path = match (settings.session.as_ref().map(|s| &s.value), sessions_dir) {
        _ if shared.is_some() => shared.as_ref().map(|s| s.working.clone()).expect("checked"),
        (Some(arg), Ok(dir)) => session::catalog::resolve(arg, &dir),
        (Some(arg), Err(_)) => arg.clone(),
        // One rule for the TUI and the pipelines: the one saved session, else `default`; several
        // are a choice in the TUI and an error elsewhere.
        (None, Ok(dir)) => match pick_session(&dir, checklist.get()?, mouse, interactive)? {
            Some(path) => path,
            None => return Ok(0),
        },
        (None, Err(e)) => return Err(e),
    };
    let opts = engine::Opts {
        max_parallel: settings.max_parallel.value as usize,
        timeout: Duration::from_secs(settings.probe_timeout.value),
        allow_link_local: cli.allow_link_local,
        allow_accounts: cli.allow_accounts,
    };
    let who = settings.who.value.clone();
    let read_only = matches!(cli.command, Some(Command::Export { .. } | Command::Verify | Command::Config));
    if let (true, Some(sh)) = (read_only, shared.as_mut()) {
        // What is read is the shared session as it is now.
        let _lock = session::lock(&session_path, &who)?;
        if let Err(e) = sh.pull(checklist.get()?) {
            crate::text::tell(&format!("{e:#}: reading this machine's copy ({})", session_path.display()));
        }
    }
    let mut on = |checklist| -> anyhow::Result<OnSession> {
        let mut shared = shared.take();
        let open =
            open(&session_path, checklist, &settings, &cli.given, cli.save_target, &who, shared.as_mut())?;
        if let (Ok(dir), None) = (session::catalog::dir(), &shared) {
            session::catalog::remember(&session_path, &dir);
        }
        Ok(OnSession { path: &session_path, open, who: &who, opts, shared })
    };
    match cli.command {
        None | Some(Command::Tui) => {
            let every = settings.project.as_ref().and_then(|(_, p)| p.watch.interval).unwrap_or(60);
            interactive::run(on(checklist)?, mouse, every)
        }
        Some(Command::Check {
            only,
            section,
            format,
            output,
            allow_commands,
            full_evidence,
            report,
            gate,
            strict,
        }) => check::run(
            on(checklist)?,
            check::Args {
                only,
                section,
                format,
                output,
                allow_commands,
                full_evidence,
                reports: report,
                gate,
                strict,
            },
        ),
        Some(Command::Answer { id, status, note, reason, from }) => {
            let one = id.zip(status).map(|(id, status)| answer::Answer { id, status, note, reason });
            answer::run(on(checklist)?, one, from.as_deref())
        }
        Some(Command::Watch { interval, sweeps, minutes, only, section, webhook, allow_commands }) => {
            let project = settings.project.as_ref().map(|(_, p)| p.watch.clone()).unwrap_or_default();
            let args =
                watch::Args { interval, sweeps, minutes, only, section, webhooks: webhook, allow_commands };
            watch::run(on(checklist)?, args, &project)
        }
        Some(Command::Verify) => verify::run(&session_path, checklist),
        Some(Command::Export { output, full_evidence }) => {
            export::run(&session_path, checklist, &settings, &who, output.as_deref(), full_evidence)
        }
        Some(Command::Config) => config::run(&settings, &cli.given, &session_path, checklist),
        // Answered above, before a session is looked for.
        Some(
            Command::Probes
            | Command::Import { .. }
            | Command::Sessions
            | Command::Schema
            | Command::Completions { .. }
            | Command::Man
            | Command::IamPolicy
            | Command::Merge { .. }
            | Command::Init { .. },
        ) => Ok(0),
    }
}

/// The settings of this run: the command line and its variables over the project file of the
/// working directory over the user file.
fn configure(cli: &Cli) -> anyhow::Result<crate::config::Config> {
    let t = &cli.target;
    let repo = t.repo.as_ref().map(|r| r.display().to_string());
    let target = [
        ("profile", "profile", &t.profile),
        ("region", "region", &t.region),
        ("account", "account_id", &t.account),
        ("service_url", "endpoint", &t.service_url),
        ("domain", "domain", &t.domain),
        ("repo", "repo", &repo),
    ]
    .into_iter()
    .filter_map(|(id, key, v)| Some((id, key, v.clone()?)))
    .collect();
    let cmd = crate::config::Command {
        who: cli.who.as_deref(),
        session: cli.session.as_deref(),
        checklist: cli.checklist.as_deref(),
        max_parallel: cli.max_parallel,
        probe_timeout: cli.probe_timeout,
        no_mouse: cli.no_mouse,
        target,
        given: &cli.given,
    };
    crate::config::Config::resolve(&cmd, crate::config::project::current()?, crate::config::user::load()?)
}

/// The session to open when none is named: the only one saved, or the user's choice of several.
/// `None` when the user chose none.
fn pick_session(
    dir: &Path,
    checklist: &Checklist,
    mouse: bool,
    interactive: bool,
) -> anyhow::Result<Option<PathBuf>> {
    let entries = session::catalog::list(dir, checklist)?;
    match entries.len() {
        0 => Ok(Some(dir.join("default.toml"))),
        1 => Ok(Some(entries[0].path.clone())),
        _ if !interactive || !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() => {
            anyhow::bail!(
                "{} sessions are saved in {}; name one with --session (see `golive sessions`)",
                entries.len(),
                dir.display()
            )
        }
        _ => tui::picker::pick(&entries, mouse),
    }
}
