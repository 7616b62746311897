//! The command line's pipelines: `main` parses the arguments and hands them here; each subcommand
//! has its own file.

pub mod args;
mod check;
mod export;
mod import;
mod interactive;
mod open;
mod output;
mod trust;
mod verify;

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
    // The checklist loads on its own thread while the session is found, locked and read.
    let mut checklist = Loading::start(cli.checklist.clone());
    if let Some(Command::Probes) = cli.command {
        emit(&crate::export::probes::markdown(checklist.get()?))?;
        return Ok(0);
    }
    let sessions_dir = session::catalog::dir();
    if let Some(Command::Sessions) = cli.command {
        let dir = sessions_dir?;
        emit(&session::catalog::table(&session::catalog::list(&dir, checklist.get()?)?))?;
        return Ok(0);
    }
    let interactive = matches!(cli.command, None | Some(Command::Tui));
    let session_path = match (&cli.session, sessions_dir) {
        (Some(arg), Ok(dir)) => session::catalog::resolve(arg, &dir),
        (Some(arg), Err(_)) => arg.clone(),
        (None, Ok(dir)) if interactive => match pick_session(&dir, checklist.get()?, !cli.no_mouse)? {
            Some(path) => path,
            None => return Ok(0),
        },
        (None, dir) => dir?.join("default.toml"),
    };
    let opts = engine::Opts {
        max_parallel: cli.max_parallel as usize,
        timeout: Duration::from_secs(cli.probe_timeout),
        allow_link_local: cli.allow_link_local,
    };
    let who = cli.who.clone().unwrap_or_else(login_name);
    let mouse = !cli.no_mouse;
    let on = |checklist| -> anyhow::Result<OnSession> {
        let open = open(&session_path, checklist, &cli.target, &who)?;
        Ok(OnSession { path: &session_path, open, who: &who, opts })
    };
    match cli.command {
        None | Some(Command::Tui) => interactive::run(on(checklist)?, mouse),
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
                target: &cli.target,
            },
        ),
        Some(Command::Verify) => verify::run(&session_path, checklist),
        Some(Command::Export { output, full_evidence }) => {
            export::run(&session_path, checklist, &who, output.as_deref(), full_evidence)
        }
        // Answered above, before a session is looked for.
        Some(Command::Probes | Command::Import { .. } | Command::Sessions | Command::Schema) => Ok(0),
    }
}

/// The session to open when none is named: the only one saved, or the user's choice of several.
/// `None` when the user chose none.
fn pick_session(dir: &Path, checklist: &Checklist, mouse: bool) -> anyhow::Result<Option<PathBuf>> {
    let entries = session::catalog::list(dir, checklist)?;
    match entries.len() {
        0 => Ok(Some(dir.join("default.toml"))),
        1 => Ok(Some(entries[0].path.clone())),
        _ if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() => anyhow::bail!(
            "{} sessions are saved in {}; name one with --session (see `golive sessions`)",
            entries.len(),
            dir.display()
        ),
        _ => tui::picker::pick(&entries, mouse),
    }
}

fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(passwd_name)
        .unwrap_or_else(|| "unknown".into())
}

/// The account name of this process's user, for shells (cron, some SSH and tmux setups) that do
/// not set $USER.
fn passwd_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.get(2) == Some(&uid.as_str()))
        .map(|f| f[0].to_string())
}
