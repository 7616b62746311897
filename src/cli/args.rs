//! The command line (clap): what each flag and subcommand means. `--help` is this file.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Walk a team through a production go-live checklist: statuses, notes, evidence and sign-off,
/// saved after every change to a TOML session file and exported as a markdown report.
#[derive(Parser)]
#[command(name = "golive", version = VERSION)]
pub struct Cli {
    /// Session: a name in the data dir (`launch-eu` is ~/.local/share/golive/sessions/launch-eu.toml)
    /// or a path [default: the project file's, else the one saved session, a choice when there
    /// are several, else `default`]
    #[arg(long, global = true, value_name = "NAME|PATH", env = "GOLIVE_SESSION")]
    pub session: Option<PathBuf>,
    /// Checklist definition: TOML, or a markdown checklist (.md) imported as it is read
    /// [default: the project file's, else the embedded AgentCore production checklist]
    #[arg(long, global = true, value_name = "FILE", env = "GOLIVE_CHECKLIST")]
    pub checklist: Option<PathBuf>,
    /// Name recorded with every change [default: the user file's, else your login name]
    #[arg(long, global = true, value_name = "NAME", env = "GOLIVE_WHO")]
    pub who: Option<String>,
    #[command(flatten)]
    pub target: TargetFlags,
    /// Write the target flags and GOLIVE_* variables of this run into the session's `[target]`
    /// (without it they are for this run only)
    #[arg(long, global = true)]
    pub save_target: bool,
    /// How many probes run at once [default: the project file's, else 16]
    #[arg(long, global = true, value_name = "N", env = "GOLIVE_MAX_PARALLEL", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_parallel: Option<u16>,
    /// Seconds each probe may take before it counts as an error [default: the project file's,
    /// else 15]
    #[arg(long, global = true, value_name = "SECONDS", env = "GOLIVE_PROBE_TIMEOUT")]
    pub probe_timeout: Option<u64>,
    /// How much goes to the log file (in the platform state dir, e.g. ~/.local/state/golive/log)
    #[arg(long, global = true, value_enum, default_value_t = crate::log::Level::Info)]
    pub log_level: crate::log::Level,
    /// Let HTTP checks ask link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10,
    /// fd00:ec2::254), which they refuse by default
    #[arg(long, global = true)]
    pub allow_link_local: bool,
    /// Let AWS probes also run in the other accounts the target names (`accounts`,
    /// `organization`), through the roles it names; without it only the credentials' account
    /// is probed (a session or project file does not get to send golive into other accounts)
    #[arg(long, global = true)]
    pub allow_accounts: bool,
    /// Leave the mouse to the terminal (select and copy text as usual); keys do everything
    #[arg(long, global = true)]
    pub no_mouse: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How each argument was given (typed, or from its variable), for `golive config`.
    #[arg(skip)]
    pub given: crate::config::Given,
}

/// `--version`: the version and the probe families this build holds.
#[cfg(feature = "ec2")]
pub const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (probes: aws, ec2, http, tls, dns, files, commands)");
#[cfg(not(feature = "ec2"))]
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (probes: aws, http, tls, dns, files, commands; without ec2: build with --features ec2)"
);

/// The arguments whose origin `golive config` tells, with the variable each reads.
const TRACED: &[(&str, &str)] = &[
    ("session", "GOLIVE_SESSION"),
    ("checklist", "GOLIVE_CHECKLIST"),
    ("who", "GOLIVE_WHO"),
    ("profile", "GOLIVE_PROFILE"),
    ("region", "GOLIVE_REGION"),
    ("account", "GOLIVE_ACCOUNT"),
    ("service_url", "GOLIVE_SERVICE_URL"),
    ("domain", "GOLIVE_DOMAIN"),
    ("repo", "GOLIVE_REPO"),
    ("max_parallel", "GOLIVE_MAX_PARALLEL"),
    ("probe_timeout", "GOLIVE_PROBE_TIMEOUT"),
    ("no_mouse", ""),
];

impl Cli {
    /// Parses the command line, keeping how each setting was given (flag or variable).
    pub fn parse_traced() -> Result<Cli, clap::Error> {
        Cli::parse_traced_from(std::env::args_os())
    }

    pub fn parse_traced_from<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::parser::ValueSource;
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        // Global arguments given after a subcommand are recorded in its matches.
        let mut all = vec![&matches];
        let mut m = &matches;
        while let Some((_, sub)) = m.subcommand() {
            all.push(sub);
            m = sub;
        }
        for (id, var) in TRACED {
            for m in &all {
                let origin = match m.try_get_raw(id).ok().and_then(|_| m.value_source(id)) {
                    Some(ValueSource::CommandLine) => crate::config::Origin::Flag(flag_name(id)),
                    Some(ValueSource::EnvVariable) => crate::config::Origin::Env(var),
                    _ => continue,
                };
                cli.given.insert(id, origin);
            }
        }
        Ok(cli)
    }
}

fn flag_name(id: &'static str) -> &'static str {
    match id {
        "max_parallel" => "max-parallel",
        "probe_timeout" => "probe-timeout",
        "service_url" => "service-url",
        "no_mouse" => "no-mouse",
        other => other,
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Open the interactive checklist (the default)
    Tui,
    /// Run the automated checks, then decide the launch by the gate's rule (the checklist's
    /// `[gate]`, or the project file's): the answers, waivers and sign-offs in the session count
    /// too. Exit status: 0 GO, 1 NO-GO (each reason is in the report), 2 UNDECIDED (nothing blocks
    /// but some checks could not be decided), 3 golive could not run (bad usage, a bad session,
    /// checklist or project file). Results are saved in the session.
    Check {
        /// Only these item ids
        #[arg(long, value_name = "ID", num_args = 1..)]
        only: Vec<String>,
        /// Only this section (1-9)
        #[arg(long, value_name = "N")]
        section: Option<usize>,
        /// Report format (on stdout, or in --output)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also write this report, from the same run: FORMAT=PATH (text, json, junit, markdown,
        /// github); repeat for several. `github=$GITHUB_STEP_SUMMARY` writes the job summary and
        /// prints workflow annotations for what blocks
        #[arg(long, value_name = "FORMAT=PATH", value_parser = report_spec)]
        report: Vec<(Format, PathBuf)>,
        /// Decide from the session as it is, without running any probe (a pipeline step after
        /// the launch lead's walkthrough); stale probe results count as stale
        #[arg(long)]
        gate: bool,
        /// For CI: the session's target is ignored (the project file's and the flags' are used),
        /// and a person's n/a or pass over a failing probe does not count on an item with a probe
        #[arg(long)]
        strict: bool,
        /// Output file [default: stdout]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Run the commands that command checks name (from the checklist and the session's
        /// target); without this they are reported as not run
        #[arg(long)]
        allow_commands: bool,
        /// Every evidence line in the report, instead of long listings summarised (JSON always
        /// has both)
        #[arg(long)]
        full_evidence: bool,
    },
    /// Record answers from a script, as a person does in the TUI: the item's status (n/a, or a
    /// status against the probe's verdict, needs --reason) and a line added to its notes. Each is
    /// saved, and shared when the session is in S3, before `saved ID STATUS` is printed
    Answer {
        /// The item id (as in the report)
        #[arg(required_unless_present = "from")]
        id: Option<String>,
        /// todo, pass, fail, blocked or n/a
        #[arg(required_unless_present = "from")]
        status: Option<String>,
        /// A line added to the item's notes
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Why: n/a needs one, and so does a status against the probe's verdict
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// Answers one per line, `ID STATUS [NOTE]` (`-`: standard input), each saved before the
        /// next is read
        #[arg(long, value_name = "FILE", conflicts_with_all = ["id", "status", "note", "reason"])]
        from: Option<PathBuf>,
    },
    /// Watch the launch window: the automated checks again every interval, each change told once
    /// when it happens (a verdict worse or better, a resource newly failing, a sign-off gone
    /// stale) on stdout and to the webhooks; each sweep is saved in the session's run log. Runs
    /// until interrupted, --sweeps or --minutes
    Watch {
        /// Seconds between sweeps [default: the project file's `[watch] interval`, else 60]
        #[arg(long, value_name = "SECONDS")]
        interval: Option<u64>,
        /// Stop after this many sweeps
        #[arg(long, value_name = "N")]
        sweeps: Option<u32>,
        /// Stop after this many minutes
        #[arg(long, value_name = "N")]
        minutes: Option<u64>,
        /// Only these item ids
        #[arg(long, value_name = "ID", num_args = 1..)]
        only: Vec<String>,
        /// Only this section (1-9)
        #[arg(long, value_name = "N")]
        section: Option<usize>,
        /// Send each change here as Slack-compatible JSON (`{"text": ...}`); repeat for several.
        /// The project file's `[watch] webhooks` are used once given here on this machine
        #[arg(long, value_name = "URL")]
        webhook: Vec<String>,
        /// Run the commands that command checks name (as `check --allow-commands`)
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
        /// Every evidence line, instead of long listings summarised
        #[arg(long)]
        full_evidence: bool,
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
    /// Print the settings this run would use and where each came from: flags, GOLIVE_*
    /// variables, the session, the project file (.golive.toml), the user file, defaults
    Config,
    /// Write a commented .golive.toml for the repository here (its top, where .git is), from the
    /// target flags given (--account, --region, --profile, --service-url, --repo) and these
    Init {
        /// Discovery narrows to resources whose name starts with this
        #[arg(long, value_name = "PREFIX")]
        name_prefix: Option<String>,
        /// Discovery narrows to resources carrying these tags (key=value, or key)
        #[arg(long, value_name = "TAG", num_args = 1..)]
        tags: Vec<String>,
        /// The IAM role the service's tasks run as
        #[arg(long, value_name = "NAME")]
        task_role: Option<String>,
        /// Replace a .golive.toml that exists
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (e.g. `golive completions bash > ~/.local/share/bash-completion/completions/golive`)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff: `golive man > golive.1; man ./golive.1`)
    Man,
    /// Merge two versions of a session file item by item against the version both started from,
    /// writing the result over OURS: a git merge driver (`golive merge %O %A %B`)
    Merge { base: PathBuf, ours: PathBuf, theirs: PathBuf },
    /// Print the read-only IAM policy that covers every AWS call golive's probes make (JSON, as
    /// docs/iam-policy.json)
    IamPolicy,
    /// Print the JSON Schema of `golive check --format json` (docs/report.schema.json)
    Schema,
    /// Read every file attached as evidence again and compare it with the size and SHA-256
    /// recorded when it was attached; exit 1 when one changed or is gone (files outside the
    /// session's checkout are not read)
    Verify,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Junit,
    Markdown,
    /// GitHub Actions: a job-summary markdown, and `::error` annotations for what blocks.
    Github,
}

fn report_spec(s: &str) -> Result<(Format, PathBuf), String> {
    use clap::ValueEnum;
    let (format, path) = s.split_once('=').ok_or("expected FORMAT=PATH, e.g. junit=report.xml")?;
    let format = Format::from_str(format, true)
        .map_err(|_| format!("unknown report format {format:?}: text, json, junit, markdown or github"))?;
    if path.is_empty() {
        return Err("the report's PATH is empty".into());
    }
    Ok((format, PathBuf::from(path)))
}

/// Where probes look, for this run (saved in the session with `--save-target`).
#[derive(clap::Args, Debug)]
pub struct TargetFlags {
    /// AWS profile for probes
    #[arg(long, global = true, value_name = "NAME", env = "GOLIVE_PROFILE")]
    pub profile: Option<String>,
    /// AWS region for probes
    #[arg(long, global = true, value_name = "REGION", env = "GOLIVE_REGION")]
    pub region: Option<String>,
    /// The AWS account probes must find; any other is refused
    #[arg(long, global = true, value_name = "ID", value_parser = account_id, env = "GOLIVE_ACCOUNT")]
    pub account: Option<String>,
    /// The service's public base URL, for HTTP checks (`--endpoint` is an older name; AWS's
    /// `--endpoint-url` is another thing)
    #[arg(
        long = "service-url",
        alias = "endpoint",
        global = true,
        value_name = "URL",
        env = "GOLIVE_SERVICE_URL"
    )]
    pub service_url: Option<String>,
    /// The domain DNS and TLS checks look at [default: the endpoint's host]
    #[arg(long, global = true, value_name = "NAME", env = "GOLIVE_DOMAIN")]
    pub domain: Option<String>,
    /// The service's repository, for file, secrets and command checks
    #[arg(long, global = true, value_name = "PATH", env = "GOLIVE_REPO")]
    pub repo: Option<PathBuf>,
}

fn account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err("an AWS account id is 12 digits".into())
    }
}
