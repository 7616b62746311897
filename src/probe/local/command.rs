//! Commands that must succeed in the repository: the rollback dry run, the test suites. A command
//! written in a checklist or a session file is code someone else chose: it runs only with consent
//! (asked once per command in the TUI and remembered on the person's machine, never in the
//! session; `golive check --allow-commands`).

use super::repo;
use crate::mask;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, int, judged, text};
use crate::probe::target::Target;
use crate::probe::{Outcome, ProbeSpec, Verdict};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

const NAME: &str = "command";

pub const RUN: Kind = Kind::local(
    NAME,
    "Runs the command (commands.NAME in the target, else the checklist's command) with sh in the \
     repository, with consent only; passes on exit 0 within timeout_seconds (default 600), \
     killing the command and its children on timeout. Evidence: exit code, duration and the \
     last lines of output with secrets masked.",
    |ctx, p| judged(run(ctx, p)),
)
.with_params(&[
    Param { name: "name", ty: ParamType::Str, doc: "the command's key in the target's commands" },
    Param { name: "command", ty: ParamType::Str, doc: "the command when the target sets none" },
    Param { name: "timeout_seconds", ty: ParamType::Count, doc: "how long it may run" },
])
.with_own_timeout()
.meaning("the named command exited 0", "what the command covers: that is its authors'");

pub use crate::probe::ctx::Consent;

/// The command a spec runs against this target, if it has one.
pub fn command_of(spec: &ProbeSpec, target: &Target) -> Option<String> {
    if spec.kind != NAME {
        return None;
    }
    let name = text(&spec.params, "name", "");
    target
        .commands
        .get(name)
        .cloned()
        .or_else(|| spec.params.get("command").and_then(toml::Value::as_str).map(str::to_string))
}

/// How many lines of output the evidence keeps.
const TAIL: usize = 10;

async fn run(ctx: Arc<Ctx>, params: toml::Table) -> Judged {
    let spec = ProbeSpec { kind: NAME.into(), params };
    let name = text(&spec.params, "name", "command").to_string();
    let Some(command) = command_of(&spec, &ctx.target) else {
        return Ok(Verdict::new(
            Outcome::NeedsConfig,
            match crate::probe::target::command_label(&name) {
                Some(label) => {
                    format!("no {name} command: set \"{label}\" with t (commands.{name} in the target)")
                }
                None => format!("no {name} command: the target sets no commands.{name}"),
            },
            vec![],
        ));
    };
    let dir = repo(&ctx)?;
    if !ctx.commands.allows(&command) {
        return Ok(Verdict::error(format!(
            "not run without consent: `{}` (approve it in the TUI, or golive check --allow-commands)",
            mask::mask(&command)
        )));
    }
    let limit = Duration::from_secs(int(&spec.params, "timeout_seconds", 600) as u64);
    let start = Instant::now();
    let mut child = match tokio::process::Command::new("sh")
        .arg("-c")
        .arg(&command)
        .current_dir(&dir)
        .stdin(Stdio::null())
        // golive's AWS credentials are golive's: a command from a checklist or a session does not
        // inherit them (a CI job's role could otherwise be used by whatever the file says).
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_SECURITY_TOKEN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        .env_remove("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout can kill what it started too.
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Ok(Verdict::error(format!("could not start sh: {e}"))),
    };
    // Killed on every way out: timeout, a cancelled sweep (the task is dropped), or a normal exit
    // that left background processes behind.
    let _group = child.id().map(|id| KillGroup(id as i32));
    let (mut out, mut err) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let output = async move {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let _ = tokio::join!(out.read_to_end(&mut a), err.read_to_end(&mut b));
        a.extend(b);
        a
    };
    let finished = tokio::time::timeout(limit, async { tokio::join!(child.wait(), output) }).await;
    let took = format!("{:.1} s", start.elapsed().as_secs_f64());
    let shown = mask::mask(&command);
    match finished {
        Err(_) => Ok(Verdict::new(
            Outcome::Fail,
            format!("`{shown}` timed out after {} s and was killed", limit.as_secs()),
            vec![format!("in {}", dir.display())],
        )),
        Ok((status, output)) => {
            let status = match status {
                Ok(s) => s,
                Err(e) => return Ok(Verdict::error(format!("`{shown}`: {e}"))),
            };
            let text = mask::mask(&String::from_utf8_lossy(&output));
            let lines: Vec<&str> = text.lines().collect();
            let mut evidence = vec![format!("in {}, took {took}", dir.display())];
            evidence.extend(lines[lines.len().saturating_sub(TAIL)..].iter().map(|l| format!("| {l}")));
            Ok(match status.code() {
                Some(0) => Verdict::new(Outcome::Pass, format!("`{shown}` exited 0 in {took}"), evidence),
                Some(code) => {
                    Verdict::new(Outcome::Fail, format!("`{shown}` exited {code} in {took}"), evidence)
                }
                None => Verdict::new(Outcome::Fail, format!("`{shown}` was killed by a signal"), evidence),
            })
        }
    }
}

/// A command's process group, killed when the probe ends however it ends.
struct KillGroup(i32);

impl Drop for KillGroup {
    fn drop(&mut self) {
        // SAFETY: kill(2) with a negative pid signals the process group this probe created; it
        // touches no memory. ESRCH (the group is gone) is the normal case and is ignored.
        unsafe { libc::kill(-self.0, libc::SIGKILL) };
    }
}
