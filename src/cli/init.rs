//! `golive init`: a commented `.golive.toml` for the repository at hand, from the flags given.

use super::args::TargetFlags;
use crate::config::project::{self, FILE_NAME};
use std::path::Path;

/// What is the service's, as `init`'s own flags say.
pub struct Scope<'a> {
    pub name_prefix: Option<&'a str>,
    pub tags: &'a [String],
    pub task_role: Option<&'a str>,
}

pub fn run(flags: &TargetFlags, scope: &Scope, force: bool) -> anyhow::Result<u8> {
    let here = std::env::current_dir()?;
    // The repository's top: where the team reviews the file with the code.
    let root = here.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&here).to_path_buf();
    let path = root.join(FILE_NAME);
    if path.exists() && !force {
        anyhow::bail!("{} exists; golive init replaces it only with --force", path.display());
    }
    let repo = match &flags.repo {
        Some(r) => Some(relative(&root, r)?),
        None => None,
    };
    let text = render(flags, repo.as_deref(), scope);
    // What init writes, golive must read: a value that breaks the file is caught here.
    toml::from_str::<project::Project>(&text)
        .map_err(|e| anyhow::anyhow!("golive init made a file it cannot read ({e}); please report this"))?;
    crate::atomic::write_atomic(&path, text.as_bytes())?;
    crate::text::tell(&format!(
        "wrote {}\nnext:\n  golive config    # what golive will use, and from where\n  golive check     \
         # the automated checks and the gate's decision\n  golive           # the checklist in this terminal",
        path.display()
    ));
    Ok(0)
}

/// `--repo` as the project file keeps it: relative to the repository's top, never outside it.
fn relative(root: &Path, repo: &Path) -> anyhow::Result<String> {
    let abs = std::path::absolute(repo)?;
    let abs = abs.canonicalize().unwrap_or(abs);
    let root = root.canonicalize().unwrap_or(root.to_path_buf());
    match abs.strip_prefix(&root) {
        Ok(rel) if rel.as_os_str().is_empty() => Ok(".".into()),
        Ok(rel) => Ok(rel.display().to_string()),
        Err(_) => anyhow::bail!(
            "--repo {} is outside this repository ({}): the project file names paths inside it",
            repo.display(),
            root.display()
        ),
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A line set from a flag, or the same line commented out with an example.
fn line(key: &str, value: Option<&str>, example: &str, why: &str) -> String {
    match value {
        Some(v) => format!("{key} = {}{why}\n", quoted(v)),
        None => format!("# {key} = {}{why}\n", quoted(example)),
    }
}

fn render(flags: &TargetFlags, repo: Option<&str>, scope: &Scope) -> String {
    let pad = |s: &str| if s.is_empty() { String::new() } else { format!("    # {s}") };
    let mut t = String::from(
        "# golive's project file: the checklist, target and gate rule of this repository, reviewed\n\
         # with its code (protect it with CODEOWNERS: `golive check --strict` trusts it).\n\
         # Flags and GOLIVE_* variables override it for one run, and a session's own [target]\n\
         # fills in beneath the flags; `golive config` shows where each setting comes from.\n\
         # Paths are relative to this file and stay inside the repository.\n\n\
         # checklist = \"ops/launch-checklist.toml\"    # default: the embedded AgentCore checklist\n\n\
         [target]\n",
    );
    t += &line(
        "account_id",
        flags.account.as_deref(),
        "123456789012",
        &pad("the only account probes may run in"),
    );
    t += &line("region", flags.region.as_deref(), "eu-west-1", "");
    t += &line("profile", flags.profile.as_deref(), "launch-readonly", &pad("read-only is enough"));
    t += "# What is the service's: discovery judges nothing until a prefix, tags or names say.\n";
    t += &line("name_prefix", scope.name_prefix, "checkout-", "");
    match scope.tags {
        [] => t += "# tags = [\"service=checkout\"]\n",
        tags => {
            let list: Vec<String> = tags.iter().map(|s| quoted(s)).collect();
            t += &format!("tags = [{}]\n", list.join(", "));
        }
    }
    t += &line("endpoint", flags.service_url.as_deref(), "https://api.example.com", &pad("for HTTP checks"));
    t += &line("domain", flags.domain.as_deref(), "api.example.com", &pad("for DNS and TLS checks"));
    t += &line("repo", repo, ".", &pad("file, secrets and command checks"));
    t += &line("task_role", scope.task_role, "checkout-task-role", &pad("the IAM role the tasks run as"));
    t += "# cost_tags = [\"team\", \"cost-center\"]\n\
          # metrics_namespace = \"Checkout\"\n\
          # [target.commands]                          # each person allows a command before it runs\n\
          # unit = \"cargo test\"\n\n\
          # The gate's rule replaces the checklist's whole [gate] when this table is here:\n\
          # [gate]\n\
          # require = \"critical\"        # or \"all\", or \"none\" with sections = [\"1\", \"4\"]\n\
          # signoffs = true\n\
          # final_approval = true\n\
          # max_probe_age_hours = 24\n\
          # warnings_block = false\n\n\
          [defaults]\n\
          # session = \"launch\"           # a name in the data dir, or a path here\n\
          # max_parallel = 16\n\
          # probe_timeout = 15\n";
    t
}
