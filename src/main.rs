use anyhow::Context;
use chrono::{SubsecRound, Utc};
use clap::{Parser, Subcommand};
use golive::check;
use golive::checklist::{self, Checklist};
use golive::consent;
use golive::export;
use golive::export::markdown;
use golive::probe::engine;
use golive::probe::local::command::Consent;
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
    /// Session: a name in the data dir (`launch-eu` is ~/.local/share/golive/sessions/launch-eu.toml)
    /// or a path [default: the one saved session, a choice when there are several, else `default`]
    #[arg(long, global = true, value_name = "NAME|PATH")]
    session: Option<PathBuf>,
    /// Checklist definition: TOML, or a markdown checklist (.md) imported as it is read
    /// [default: the embedded AgentCore production checklist]
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
    /// Let HTTP checks ask link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10,
    /// fd00:ec2::254), which they refuse by default
    #[arg(long, global = true)]
    allow_link_local: bool,
    /// Leave the mouse to the terminal (select and copy text as usual); keys do everything
    #[arg(long, global = true)]
    no_mouse: bool,
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
    /// Turn a markdown checklist into a golive checklist (TOML) to attach probes to
    Import {
        /// The markdown checklist
        file: PathBuf,
        /// Output file [default: stdout]; an existing file is not replaced without --force
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists
        #[arg(long)]
        force: bool,
    },
    /// List the saved sessions in the data dir: name, checklist, progress, last change
    Sessions,
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
    golive::log::uptime_ms();
    // Before anything can print, log or store a probe result.
    golive::mask::hide_environment();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            golive::text::tell(&format!("{e:#}"));
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
        golive::text::tell(&format!("no log in {}: {e:#}", dir.display()));
    }
    tracing::info!(target: "golive", "golive {} started", env!("CARGO_PKG_VERSION"));
    if let Some(Command::Import { file, output, force }) = &cli.command {
        return import(file, output.as_deref(), *force);
    }
    // At 10,000 items the checklist and the session each take tens of milliseconds to parse: the
    // checklist loads on its own thread while the session is found, locked and read.
    let mut checklist = Loading::start(cli.checklist.clone());
    if let Some(Command::Probes) = cli.command {
        emit(&golive::probe::reference::markdown(checklist.get()?))?;
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
    match cli.command {
        None | Some(Command::Tui) => {
            let _lock = session::lock(&session_path, &who)?;
            // Load first: a bad session file is the more useful error, wherever golive runs.
            let unchecked = session::read(&session_path);
            tracing::debug!(target: "golive", "session parsed at {:.1} ms", golive::log::uptime_ms());
            let checklist = checklist.into_inner()?;
            let (mut session, mut disk, notes) = open_session(&session_path, &checklist, unchecked?, &who)?;
            tracing::debug!(target: "golive", "checklist and session loaded at {:.1} ms", golive::log::uptime_ms());
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                anyhow::bail!(
                    "the checklist needs a terminal; in scripts use `golive check` or `golive export`"
                );
            }
            let mut trust = Trust::load(&session_path, &who)?;
            if apply_target(&cli.target, &mut session, &mut trust)? {
                disk = Some(session::save(&session_path, &session)?);
            }
            let mut app = App::new(checklist, session, session_path, who, Utc::now);
            app.disk = disk;
            app.grants = trust.grants;
            app.repo_grants = trust.repos;
            app.checkout = trust.checkout;
            for note in notes {
                app.update(golive::tui::app::Msg::Notice(note));
            }
            match tui::run(app, opts, !cli.no_mouse)? {
                tui::Ended::Quit => Ok(0),
                tui::Ended::Signal(sig) => {
                    golive::text::tell(&format!("stopped by signal {sig}; the session is saved"));
                    Ok(128 + sig as u8)
                }
                tui::Ended::TerminalLost(why) => {
                    golive::text::tell(&format!("the terminal went away ({why}); the session is saved"));
                    Ok(1)
                }
            }
        }
        Some(Command::Check { only, section, format, output, allow_commands }) => {
            let _lock = session::lock(&session_path, &who)?;
            let unchecked = session::read(&session_path);
            let checklist = checklist.into_inner()?;
            let (mut session, disk, notes) = open_session(&session_path, &checklist, unchecked?, &who)?;
            for note in notes {
                golive::text::tell(&note);
            }
            let mut trust = Trust::load(&session_path, &who)?;
            apply_target(&cli.target, &mut session, &mut trust)?;
            let (jobs, skipped) = check::select(&checklist, &session, &check::Selection { only, section })?;
            // Commands run with --allow-commands, or the consent this user gave on this machine.
            let commands = if allow_commands {
                Consent::All
            } else {
                Consent::Approved(consent::allowed(&trust.grants, session.target.repo.as_deref()))
            };
            let repo = trust.repo(&session);
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            let (identity, results) =
                rt.block_on(check::probe(&checklist, &mut session, jobs, opts, commands, repo));
            // A check stuck in a read it cannot leave must not hold the pipeline: it is dropped.
            rt.shutdown_timeout(Duration::from_secs(1));
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
                    golive::text::tell(&export::check::verdict_line(&run));
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
        Some(Command::Probes | Command::Import { .. } | Command::Sessions) => {
            unreachable!("answered before a session is opened")
        }
        Some(Command::Export { output }) => {
            let checklist = checklist.into_inner()?;
            let mut session = session::load(&session_path, &checklist)?
                .with_context(|| format!("no session at {}", session_path.display()))?;
            // Read-only: the report shows the upgraded answers; the file is upgraded when opened.
            session::upgrade::upgrade(&mut session, &checklist, Utc::now().trunc_subsecs(0), &who);
            let meta = markdown::Meta {
                session_path: &session_path.display().to_string(),
                generated: Utc::now().trunc_subsecs(0),
            };
            // The report goes where notes were never meant to: say so before writing it.
            for leak in session.leaks() {
                golive::text::tell(&format!(
                    "warning: {} {} holds what looks like a credential ({}); the report carries it",
                    leak.item, leak.place, leak.what
                ));
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
///
/// `--repo` is the person's own word: inside the session's checkout it is kept relative to it (the
/// team shares the session, each from their own clone); outside, it is kept as given and confirmed
/// on this machine, so the session cannot carry it to someone else's.
fn apply_target(flags: &TargetFlags, s: &mut Session, trust: &mut Trust) -> anyhow::Result<bool> {
    let before = s.target.clone();
    let t = &mut s.target;
    let repo = match &flags.repo {
        None => None,
        Some(r) => {
            let abs = std::path::absolute(r).unwrap_or(r.clone());
            let abs = abs.canonicalize().unwrap_or(abs);
            match abs.strip_prefix(&trust.checkout) {
                Ok(rel) if rel.as_os_str().is_empty() => Some(".".to_string()),
                Ok(rel) => Some(rel.display().to_string()),
                Err(_) => {
                    trust.confirm_repo(&abs)?;
                    Some(abs.display().to_string())
                }
            }
        }
    };
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
    Ok(s.target != before)
}

/// What this person trusts for one session, kept on this machine (see `golive::consent`): the
/// commands they allowed, the repositories outside the checkout they confirmed.
struct Trust {
    store: Option<PathBuf>,
    session: String,
    checkout: PathBuf,
    grants: Vec<consent::Grant>,
    repos: Vec<PathBuf>,
    who: String,
}

impl Trust {
    fn load(session_path: &Path, who: &str) -> anyhow::Result<Trust> {
        let store = consent::default_path();
        let session = consent::session_key(session_path);
        let (grants, repos) = match &store {
            Some(store) => (consent::for_session(store, &session)?, consent::repos_for(store, &session)?),
            None => (vec![], vec![]),
        };
        let checkout = golive::probe::local::checkout_of(session_path);
        Ok(Trust { store, session, checkout, grants, repos, who: who.to_string() })
    }

    fn confirm_repo(&mut self, path: &Path) -> anyhow::Result<()> {
        let store = self.store.as_ref().context("no home directory to keep the confirmation in")?;
        let grant = consent::RepoGrant {
            path: path.display().to_string(),
            session: self.session.clone(),
            by: self.who.clone(),
            at: Utc::now().trunc_subsecs(0),
        };
        consent::add_repo(store, &grant)?;
        self.repos.push(path.to_path_buf());
        Ok(())
    }

    /// The repository the session's target names, vetted against the checkout.
    fn repo(&self, s: &Session) -> Result<PathBuf, golive::probe::Verdict> {
        golive::probe::local::resolve_repo(s.target.repo.as_deref(), &self.checkout, &self.repos)
    }
}

/// Writes a report to stdout, made safe for a terminal. A reader that stops early (`golive export | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let text = golive::text::for_terminal(text);
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

fn write_report(path: &Path, text: &str) -> anyhow::Result<()> {
    // Into a device or pipe (`-o /dev/stdout`) the report is the output; say nothing beside it.
    let quiet = session::writes_through(path);
    session::write_output(path, golive::text::for_terminal(text).as_bytes())?;
    if !quiet {
        golive::text::tell(&format!("report written to {}", path.display()));
    }
    Ok(())
}

/// The checklist, loading on its own thread until it is needed.
struct Loading {
    job: Option<std::thread::JoinHandle<anyhow::Result<Checklist>>>,
    ready: Option<Checklist>,
}

impl Loading {
    fn start(path: Option<PathBuf>) -> Loading {
        let job = std::thread::spawn(move || {
            let checklist = match path {
                Some(path) => checklist::load_file(&path),
                None => Ok(Checklist::embedded()),
            };
            tracing::debug!(target: "golive", "checklist parsed at {:.1} ms", golive::log::uptime_ms());
            checklist
        });
        Loading { job: Some(job), ready: None }
    }

    fn get(&mut self) -> anyhow::Result<&Checklist> {
        if let Some(job) = self.job.take() {
            self.ready = Some(job.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?);
        }
        Ok(self.ready.as_ref().expect("loaded by the first call"))
    }

    fn into_inner(mut self) -> anyhow::Result<Checklist> {
        self.get()?;
        Ok(self.ready.take().expect("loaded by the first call"))
    }
}

/// Loads the session (a new one when there is no file) and brings it up to the checklist's
/// version, keeping the file as it was as a backup first. Returns what the user should be told.
fn open_session(
    path: &Path,
    checklist: &Checklist,
    unchecked: Option<session::Unchecked>,
    who: &str,
) -> anyhow::Result<(Session, Option<u64>, Vec<String>)> {
    let now = Utc::now().trunc_subsecs(0);
    let mut notes = Vec::new();
    if checklist.imported {
        notes.push(format!(
            "{} is read as markdown, without probes: `golive import {0} -o checklist.toml` writes the TOML to add them to.",
            checklist.source
        ));
    }
    let Some(unchecked) = unchecked else {
        return Ok((Session::new(checklist, now), None, notes));
    };
    let mut disk = Some(unchecked.fingerprint);
    let mut session = unchecked.check(checklist)?;
    if let Some(up) = session::upgrade::upgrade(&mut session, checklist, now, who) {
        let before = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let backup = session::keep(path, &before)?;
        disk = Some(session::save_over(path, &session, disk).map_err(|e| match e {
            session::SaveError::Changed => {
                anyhow::anyhow!("{} changed while golive opened it", path.display())
            }
            session::SaveError::Failed(e) => e,
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
    let orphans = session::upgrade::orphans(&session, checklist);
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
    Ok((session, disk, notes))
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

/// `golive import`: the markdown checklist as TOML, to stdout or a new file.
fn import(file: &Path, output: Option<&Path>, force: bool) -> anyhow::Result<u8> {
    let text = golive::located::read_text(file)?;
    let toml = checklist::import::to_toml(&file.display().to_string(), &text)?;
    // What is written must load: the same check `--checklist` makes.
    let parsed = checklist::parse(&file.display().to_string(), &toml)?;
    match output {
        None => emit(&toml)?,
        Some(out) => {
            if out.exists() && !force {
                anyhow::bail!("{} exists; pass --force to replace it", out.display());
            }
            session::write_output(out, toml.as_bytes())?;
            golive::text::tell(&format!(
                "{} items in {} sections written to {}",
                parsed.items.len(),
                parsed.sections.len(),
                out.display()
            ));
        }
    }
    Ok(0)
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
