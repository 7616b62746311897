//! `golive watch`: the probes again every interval through the launch window, each change told
//! once when it happens (a verdict worse or better, a resource newly failing, a sign-off gone
//! stale): on stdout, with the terminal's bell, and to the webhooks given. Each sweep is saved
//! in the session (results and the run log), and shared when the session is in S3.

use super::check::Sweeper;
use super::open::OnSession;
use crate::session;
use crate::sweep;
use crate::watch::{Change, Snapshot};
use chrono::{SubsecRound, Utc};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Args {
    pub interval: Option<u64>,
    pub sweeps: Option<u32>,
    pub minutes: Option<u64>,
    pub only: Vec<String>,
    pub section: Option<usize>,
    pub webhooks: Vec<String>,
    pub allow_commands: bool,
}

/// Seconds between sweeps when neither the flag nor the project file says.
const INTERVAL: u64 = 60;

pub fn run(on: OnSession, args: Args, project: &crate::config::project::WatchSettings) -> anyhow::Result<u8> {
    let OnSession { path, open, who, opts, mut shared } = on;
    let super::open::Open { _lock, checklist, opened, trust, layers, .. } = open;
    let session::open::Opened { mut session, mut disk, notes } = opened;
    for note in notes {
        crate::text::tell(&note);
    }
    // Typed here, or named by the project file and given on this machine before.
    let mut hooks = Vec::new();
    for url in &args.webhooks {
        webhook_url(url)?;
        crate::consent::vet_destination(url, true, who, "--webhook")?;
        hooks.push(url.clone());
    }
    for url in &project.webhooks {
        if hooks.contains(url) {
            continue;
        }
        webhook_url(url)?;
        crate::consent::vet_destination(url, false, who, "--webhook")?;
        hooks.push(url.clone());
    }
    let interval = Duration::from_secs(args.interval.or(project.interval).unwrap_or(INTERVAL).max(1));
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    let deadline = args.minutes.map(|m| Instant::now() + Duration::from_secs(m * 60));
    let selection = sweep::run::Selection { only: args.only, section: args.section };
    let sweeper = Sweeper {
        checklist: &checklist,
        trust: &trust,
        layers: &layers,
        opts,
        allow_commands: args.allow_commands,
        strict: false,
        who,
    };
    let notifier = Notifier::new(hooks)?;
    let bell = std::io::stdout().is_terminal();
    let mut before: Option<Snapshot> = None;
    let mut out = std::io::stdout();
    for n in 1u32.. {
        // Others' answers first (a shared session), so this sweep's save merges nothing back.
        if let Some(sh) = shared.as_mut() {
            match sh.refresh(&checklist) {
                Ok(Some(_)) => {
                    if let Some(s) = session::load(path, &checklist)? {
                        session = s;
                    }
                    disk = session::fingerprint(path)?;
                }
                Ok(None) => {}
                Err(e) => {
                    crate::text::tell(&format!("{e:#}: this sweep's results stay on this machine for now"))
                }
            }
        }
        let (jobs, _) = sweep::run::select(&checklist, &session, &selection, false)?;
        let (_, results, _) = sweeper.run(&mut session, jobs)?;
        let now = Snapshot::of(&checklist, &session, &results);
        let changes = before.as_ref().map(|b| now.changes_since(b, &checklist)).unwrap_or_default();
        let at = Utc::now().trunc_subsecs(0);
        let counts = now.counts();
        session.log_sweep(at, counts.clone(), changes.len());
        disk = Some(match session::save_over(path, &session, disk) {
            Ok(d) => d,
            Err(session::SaveError::Changed) => {
                anyhow::bail!(
                    "{} changed on disk while golive watched; stopped, their change kept",
                    path.display()
                )
            }
            Err(session::SaveError::Failed(e)) => return Err(e),
        });
        if let Some(sh) = shared.as_mut()
            && let Some(e) = super::open::share(sh, &checklist, path, &mut session, &mut disk)?
        {
            crate::text::tell(&format!("{e:#}: this sweep's results stay on this machine for now"));
        }
        let tally: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(
            out,
            "sweep {n} at {}: {}; {} change{}",
            at.format("%H:%M:%S"),
            tally.join(", "),
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        )?;
        for c in &changes {
            let mark = if c.is_bad() { "!" } else { "+" };
            writeln!(out, "  {mark} {}", crate::text::for_terminal(&c.text()))?;
        }
        if bell && changes.iter().any(Change::is_bad) {
            write!(out, "\x07")?;
        }
        out.flush()?;
        for c in &changes {
            notifier.send(&c.text());
        }
        before = Some(now);
        if args.sweeps.is_some_and(|max| n >= max) || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        // Asleep until the next sweep; a signal ends the watch at once.
        let wake = Instant::now() + interval;
        while Instant::now() < wake && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100).min(wake - Instant::now()));
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    Ok(0)
}

/// A webhook is an http(s) URL.
fn webhook_url(url: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        url.starts_with("https://") || url.starts_with("http://"),
        "webhook {url}: expected an http(s) URL"
    );
    Ok(())
}

/// Sends each change to the webhooks, as Slack's incoming webhooks take it.
struct Notifier {
    hooks: Vec<String>,
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Notifier {
    fn new(hooks: Vec<String>) -> anyhow::Result<Notifier> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        // The client's connector is made on the runtime it will run on.
        let _on = rt.enter();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("golive/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Notifier { hooks, rt, client })
    }

    /// A webhook that fails is said on stderr; the watch goes on.
    fn send(&self, text: &str) {
        let body = serde_json::json!({ "text": format!("golive watch: {text}") }).to_string();
        for url in &self.hooks {
            // Made inside the runtime: the request's timer needs it.
            let req = async {
                self.client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
            };
            match self.rt.block_on(req) {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => crate::text::tell(&format!("webhook {url}: HTTP {}", r.status())),
                Err(e) => crate::text::tell(&format!("webhook {url}: {}", crate::probe::error_chain(&e))),
            }
        }
    }
}
