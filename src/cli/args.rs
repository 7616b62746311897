//! The command line (clap): what each flag and subcommand means. `--help` is this file.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Walk a team through a production go-live checklist: statuses, notes, evidence and sign-off,
/// saved after every change to a TOML session file and exported as a markdown report.
#[derive(Parser)]
#[command(name = "golive", version)]
pub struct Cli {
    /// Session: a name in the data dir (`launch-eu` is ~/.local/share/golive/sessions/launch-eu.toml)
    /// or a path [default: the one saved session, a choice when there are several, else `default`]
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub session: Option<PathBuf>,
    /// Checklist definition: TOML, or a markdown checklist (.md) imported as it is read
    /// [default: the embedded AgentCore production checklist]
    #[arg(long, global = true, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// Name recorded with every change [default: your login name]
    #[arg(long, global = true, value_name = "NAME")]
    pub who: Option<String>,
    #[command(flatten)]
    pub target: TargetFlags,
    /// How many probes run at once
    #[arg(long, global = true, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_parallel: u16,
    /// Seconds each probe may take before it counts as an error
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 15)]
    pub probe_timeout: u64,
    /// How much goes to the log file (in the platform state dir, e.g. ~/.local/state/golive/log)
    #[arg(long, global = true, value_enum, default_value_t = crate::log::Level::Info)]
    pub log_level: crate::log::Level,
    /// Let HTTP checks ask link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10,
    /// fd00:ec2::254), which they refuse by default
    #[arg(long, global = true)]
    pub allow_link_local: bool,
    /// Leave the mouse to the terminal (select and copy text as usual); keys do everything
    #[arg(long, global = true)]
    pub no_mouse: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
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

/// Settings that become the session's target (and are saved there).
#[derive(clap::Args, Debug)]
pub struct TargetFlags {
    /// AWS profile for probes
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region for probes
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// The AWS account probes must find; any other is refused
    #[arg(long, global = true, value_name = "ID", value_parser = account_id)]
    pub account: Option<String>,
    /// The service's public base URL, for HTTP checks
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The domain DNS and TLS checks look at [default: the endpoint's host]
    #[arg(long, global = true, value_name = "NAME")]
    pub domain: Option<String>,
    /// The service's repository, for file, secrets and command checks
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

fn account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err("an AWS account id is 12 digits".into())
    }
}
