use anyhow::Context;
use chrono::{SubsecRound, Utc};
use clap::{Parser, Subcommand};
use golive::check;
use golive::checklist::{self, Checklist};
use golive::export;
use golive::export::markdown;
use golive::probe::engine;
use golive::session::{self, Session};
use golive::tui::{self, app::App};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

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
    #[command(flatten)]
    target: TargetFlags,
    /// How many probes run at once
    #[arg(long, global = true, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    max_parallel: u16,
    /// Seconds each probe may take before it counts as an error
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 15)]
    probe_timeout: u64,
    /// How much goes to the log file (in the platform state dir, e.g. ~/.local/state/golive/log)
    #[arg(long, global = true, value_enum, default_value_t = golive::log::Level::Info)]
    log_level: golive::log::Level,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the interactive checklist (the default)
    Tui,
    /// Run the automated checks without a terminal and print a report; the exit status is the
    /// gate: 0 every automated check passed (warnings allowed), 1 at least one failed, 2 none
    /// failed but at least one could not be decided (error or needs-config), or golive could not
    /// run at all (a bad session or checklist file). Results are saved in the session.
    Check {
        /// Only these item ids
        #[arg(long, value_name = "ID", num_args = 1..)]
        only: Vec<String>,
        /// Only this section (1-9)
        #[arg(long, value_name = "N")]
        section: Option<usize>,
        /// Report format
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Output file [default: stdout]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Run the commands that command checks name (from the checklist and the session's
        /// target); without this they are reported as not run
        #[arg(long)]
        allow_commands: bool,
    },
    /// List every probe kind: what it checks, its parameters, the checklist's items that use it
    /// and an example (markdown; the README's probe reference is this output)
    Probes,
    /// Write the markdown report of a session
    Export {
        /// Output file [default: stdout]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Junit,
    Markdown,
}

/// Settings that become the session's target (and are saved there).
#[derive(clap::Args, Debug)]
struct TargetFlags {
    /// AWS profile for probes
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// AWS region for probes
    #[arg(long, global = true, value_name = "REGION")]
    region: Option<String>,
    /// The AWS account probes must find; any other is refused
    #[arg(long, global = true, value_name = "ID", value_parser = account_id)]
    account: Option<String>,
    /// The service's public base URL, for HTTP checks
    #[arg(long, global = true, value_name = "URL")]
    endpoint: Option<String>,
    /// The domain DNS and TLS checks look at [default: the endpoint's host]
    #[arg(long, global = true, value_name = "NAME")]
    domain: Option<String>,
    /// The service's repository, for file, secrets and command checks
    #[arg(long, global = true, value_name = "PATH")]
    repo: Option<PathBuf>,
}

fn account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err("an AWS account id is 12 digits".into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("golive: {e:#}");
            // 2 is the check gate's "could not decide"; an unusable input is that too.
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    // A log that cannot be opened is not a reason to stop a launch: say so and go on.
    if let Some(dir) = golive::log::dir()
        && let Err(e) = golive::log::init(&dir, cli.log_level)
    {
        eprintln!("golive: no log in {}: {e:#}", dir.display());
    }
    tracing::info!(target: "golive", "golive {} started", env!("CARGO_PKG_VERSION"));
    let checklist = match &cli.checklist {
        Some(path) => checklist::load_file(path)?,
        None => Checklist::embedded(),
    };
    if let Some(Command::Probes) = cli.command {
        emit(&golive::probe::reference::markdown(&checklist))?;
        return Ok(0);
    }
    let session_path = match cli.session {
        Some(p) => p,
        None => default_session_path()?,
    };
    let opts = engine::Opts {
        max_parallel: cli.max_parallel as usize,
        timeout: Duration::from_secs(cli.probe_timeout),
    };
    let who = cli.who.clone().unwrap_or_else(login_name);
    match cli.command {
        None | Some(Command::Tui) => {
            let _lock = session::lock(&session_path, &who)?;
            // Load first: a bad session file is the more useful error, wherever golive runs.
            let loaded = session::load(&session_path, &checklist)?;
            let mut disk = session::fingerprint(&session_path)?;
            let mut session = loaded.unwrap_or_else(|| Session::new(&checklist, Utc::now().trunc_subsecs(0)));
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                anyhow::bail!(
                    "the checklist needs a terminal; in scripts use `golive check` or `golive export`"
                );
            }
            if apply_target(&cli.target, &mut session) {
                disk = Some(session::save(&session_path, &session)?);
            }
            let mut app = App::new(checklist, session, session_path, who, Utc::now);
            app.disk = disk;
            tui::run(app, opts)?;
            Ok(0)
        }
        Some(Command::Check { only, section, format, output, allow_commands }) => {
            let _lock = session::lock(&session_path, &who)?;
            let loaded = session::load(&session_path, &checklist)?;
            let disk = session::fingerprint(&session_path)?;
            let mut session = loaded.unwrap_or_else(|| Session::new(&checklist, Utc::now().trunc_subsecs(0)));
            apply_target(&cli.target, &mut session);
            let (jobs, skipped) = check::select(&checklist, &session, &check::Selection { only, section })?;
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            let (identity, results) =
                rt.block_on(check::probe(&checklist, &mut session, jobs, opts, allow_commands));
            check::record(&checklist, &mut session, &results, &who);
            let saved = session::save_over(&session_path, &session, disk);
            let run = check::Run { generated: Utc::now().trunc_subsecs(0), identity, results, skipped };
            let text = match format {
                Format::Text => export::check::text(&checklist, &run),
                Format::Json => export::check::json(&checklist, &run),
                Format::Junit => export::check::junit(&checklist, &run),
                Format::Markdown => {
                    let meta = markdown::Meta {
                        session_path: &session_path.display().to_string(),
                        generated: run.generated,
                    };
                    markdown::render(&checklist, &session, &meta)
                }
            };
            match output {
                Some(path) => {
                    write_report(&path, &text)?;
                    eprintln!("golive: {}", export::check::verdict_line(&run));
                }
                None => emit(&text)?,
            }
            match saved {
                Ok(_) => Ok(run.exit_code()),
                // The report stands; the results are not worth someone else's edit.
                Err(session::SaveError::Changed) => anyhow::bail!(
                    "{} changed on disk while the checks ran: their change is kept and these results \
                     are not saved (the report above has them)",
                    session_path.display()
                ),
                Err(session::SaveError::Failed(e)) => Err(e),
            }
        }
        Some(Command::Probes) => unreachable!("answered before a session is opened"),
        Some(Command::Export { output }) => {
            let session = session::load(&session_path, &checklist)?
                .with_context(|| format!("no session at {}", session_path.display()))?;
            let meta = markdown::Meta {
                session_path: &session_path.display().to_string(),
                generated: Utc::now().trunc_subsecs(0),
            };
            // The report goes where notes were never meant to: say so before writing it.
            for leak in session.leaks() {
                eprintln!(
                    "golive: warning: {} {} holds what looks like a credential ({}); the report carries it",
                    leak.item, leak.place, leak.what
                );
            }
            let text = markdown::render(&checklist, &session, &meta);
            match output {
                Some(path) => write_report(&path, &text)?,
                None => emit(&text)?,
            }
            Ok(0)
        }
    }
}

/// Flags given on the command line become the session's target; true when it changed.
fn apply_target(flags: &TargetFlags, s: &mut Session) -> bool {
    let before = s.target.clone();
    let t = &mut s.target;
    // A relative repository path is kept absolute: the session may be opened from elsewhere.
    let repo = flags.repo.as_ref().map(|r| std::path::absolute(r).unwrap_or(r.clone()).display().to_string());
    for (flag, field) in [
        (&flags.profile, &mut t.profile),
        (&flags.region, &mut t.region),
        (&flags.account, &mut t.account_id),
        (&flags.endpoint, &mut t.endpoint),
        (&flags.domain, &mut t.domain),
        (&repo, &mut t.repo),
    ] {
        if flag.is_some() {
            field.clone_from(flag);
        }
    }
    s.target != before
}

/// Writes a report to stdout. A reader that stops early (`golive export | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
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
