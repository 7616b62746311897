use anyhow::Context;
use chrono::{SubsecRound, Utc};
use clap::{Parser, Subcommand};
use golive::checklist::{self, Checklist};
use golive::export::markdown;
use golive::session::{self, Session};
use golive::tui::{self, app::App};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Walk a team through a production go-live checklist: statuses, notes, evidence and sign-off,
/// saved after every change to a TOML session file and exported as a markdown report.
#[derive(Parser)]
#[command(name = "golive", version)]
struct Cli {
    /// Session file [default: the platform data dir, e.g. ~/.local/share/golive/sessions/default.toml]
    #[arg(long, global = true, value_name = "PATH")]
    session: Option<PathBuf>,
    /// Checklist definition (TOML) [default: the embedded AgentCore production checklist]
    #[arg(long, global = true, value_name = "FILE")]
    checklist: Option<PathBuf>,
    /// Name recorded with every change [default: your login name]
    #[arg(long, global = true, value_name = "NAME")]
    who: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the interactive checklist (the default)
    Tui,
    /// Write the markdown report of a session
    Export {
        /// Output file [default: stdout]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("golive: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let checklist = match &cli.checklist {
        Some(path) => checklist::load_file(path)?,
        None => Checklist::embedded(),
    };
    let session_path = match cli.session {
        Some(p) => p,
        None => default_session_path()?,
    };
    match cli.command {
        None | Some(Command::Tui) => {
            // Load first: a bad session file is the more useful error, wherever golive runs.
            let session = session::load(&session_path, &checklist)?
                .unwrap_or_else(|| Session::new(&checklist, Utc::now().trunc_subsecs(0)));
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                anyhow::bail!("the checklist needs a terminal; in scripts use `golive export`");
            }
            let who = cli.who.unwrap_or_else(login_name);
            tui::run(App::new(checklist, session, session_path, who, Utc::now))
        }
        Some(Command::Export { output }) => {
            let session = session::load(&session_path, &checklist)?
                .with_context(|| format!("no session at {}", session_path.display()))?;
            let meta = markdown::Meta {
                session_path: &session_path.display().to_string(),
                generated: Utc::now().trunc_subsecs(0),
            };
            let text = markdown::render(&checklist, &session, &meta);
            match output {
                Some(path) => write_report(&path, &text),
                None => {
                    print!("{text}");
                    Ok(())
                }
            }
        }
    }
}

fn write_report(path: &Path, text: &str) -> anyhow::Result<()> {
    session::write_atomic(path, text.as_bytes())?;
    eprintln!("golive: report written to {}", path.display());
    Ok(())
}

fn default_session_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "golive")
        .context("cannot find a home directory for the session file; pass --session PATH")?;
    Ok(dirs.data_dir().join("sessions").join("default.toml"))
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
