//! The interactive checklist: state and update in `app`, drawing in `ui`, keys in `keymap`. This
//! file owns the terminal and performs the effects `update` asks for.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod picker;
pub mod saver;
pub mod ui;

use crate::export;
use crate::probe::aws;
use crate::probe::engine::{self, Job};
use crate::probe::local::command::Consent;
use crate::probe::target::Target;
use crate::probe::{Outcome, Verdict, registry};
use crate::session;
use app::{App, AwsView, Effect, Msg};
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::{DefaultTerminal, Terminal};
use saver::{Request, Saver};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::collections::VecDeque;
use std::io::stdout;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

const IDLE: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(100);
/// How soon a save's answer is looked for: "saving…" should go as soon as the file is written.
const SAVE_POLL: Duration = Duration::from_millis(5);

/// Runs probe sweeps on a tokio runtime beside the UI thread and sends their events back as
/// messages, so the UI never waits for the network.
pub struct Runner {
    rt: tokio::runtime::Runtime,
    opts: engine::Opts,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
    sweeps: Vec<tokio::task::JoinHandle<()>>,
}

impl Runner {
    pub fn new(opts: engine::Opts) -> anyhow::Result<Runner> {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let (tx, rx) = mpsc::channel();
        Ok(Runner { rt, opts, tx, rx, sweeps: Vec::new() })
    }

    fn start(&mut self, app: &App, run: u64, items: Vec<usize>) {
        let jobs: Vec<Job> = items
            .iter()
            .filter(|&&i| app.checklist.items[i].is_automated())
            .map(|&i| Job { item: i, specs: app.checklist.items[i].probes.clone() })
            .collect();
        let needs_aws = jobs.iter().any(|j| registry::needs_aws(&j.specs));
        let target = app.session.target.clone();
        let consent = Consent::Approved(app.session.approved_commands.clone());
        let (tx, opts) = (self.tx.clone(), self.opts);
        self.sweeps.retain(|h| !h.is_finished());
        self.sweeps.push(self.rt.spawn(async move {
            let aws = if needs_aws {
                let (view, aws) = connect_for_ui(&target, opts.timeout).await;
                let _ = tx.send(Msg::Aws(view));
                aws
            } else {
                Err(crate::probe::Verdict::error("no AWS probe in this run"))
            };
            let report = move |item, event| {
                let _ = tx.send(Msg::Probe { item, run, event });
            };
            // Dropping the set (when this task is aborted) aborts every probe in it.
            let mut set = engine::spawn(
                Arc::new(engine::Ctx::new(aws, target).allowing(consent)),
                jobs,
                opts,
                Arc::new(report),
            );
            while set.join_next().await.is_some() {}
        }));
    }

    fn cancel(&mut self) {
        for h in self.sweeps.drain(..) {
            h.abort();
        }
    }
}

/// Connects and decides whether AWS probes may run: only in the session's expected account, and
/// when none is set yet, only after the user confirms the one found.
async fn connect_for_ui(target: &Target, timeout: Duration) -> (AwsView, Result<aws::Session, Verdict>) {
    match aws::connect(target, timeout).await {
        Err(v) => (AwsView::Refused { identity: None, why: v.summary.clone() }, Err(v)),
        Ok(session) => {
            let identity = session.identity.clone();
            match &target.account_id {
                None => (
                    AwsView::Unconfirmed(identity.clone()),
                    Err(Verdict::new(
                        Outcome::NeedsConfig,
                        format!("account {} not confirmed as the expected account", identity.account),
                        vec![],
                    )),
                ),
                Some(want) => match aws::check_account(session, Some(want)) {
                    Ok(s) => (AwsView::Connected(identity), Ok(s)),
                    Err(v) => (AwsView::Refused { identity: Some(identity), why: v.summary.clone() }, Err(v)),
                },
            }
        }
    }
}

pub fn run(mut app: App, probe_opts: engine::Opts) -> anyhow::Result<()> {
    let mut runner = Runner::new(probe_opts)?;
    let saver = Saver::start(app.session_path.clone(), app.checklist.clone(), app.disk, runner.tx.clone());
    // SIGTERM (a shutdown, kill) and SIGHUP (the SSH connection dropped) end golive the way q
    // does: what was typed is saved. Raw mode turns Ctrl-C into a key, so SIGINT comes only from
    // kill -INT and is treated the same.
    let signal = Arc::new(AtomicUsize::new(0));
    for sig in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register_usize(sig, signal.clone(), sig as usize)?;
    }
    let mut guard = TerminalGuard::enter()?;
    // A panic unwinds to here: the session is saved as it stands (every acknowledged change
    // already is; this keeps a note being typed), then the panic goes on, the terminal restored
    // by the guard and the hook.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ui_loop(&mut app, &mut runner, &saver, &mut guard, &signal)
    }));
    runner.cancel();
    // Every save asked for is written before golive goes; their answers update the app.
    app.disk = saver.finish();
    while let Ok(msg) = runner.rx.try_recv() {
        if matches!(msg, Msg::Saved(_) | Msg::ChangedOnDisk | Msg::Resolved(_)) {
            app.update(msg);
        }
    }
    match outcome {
        Err(panic) => {
            app.update(Msg::Shutdown);
            if !app.conflict {
                let _ = session::save_over(&app.session_path, &app.session, app.disk);
            }
            drop(guard);
            std::panic::resume_unwind(panic);
        }
        Ok(result) => {
            if result.is_err() && !app.conflict {
                // The terminal failed under us (a hang-up): save what we hold before reporting.
                app.update(Msg::Shutdown);
                if let Ok(disk) = session::save_over(&app.session_path, &app.session, app.disk) {
                    app.disk = Some(disk);
                }
            }
            drop(guard);
            if app.conflict {
                let mine = toml::to_string(&app.session)?;
                let backup = session::keep(&app.session_path, mine.as_bytes())?;
                anyhow::bail!(
                    "{} changed on disk and golive stopped before you chose: your version is in {}",
                    app.session_path.display(),
                    backup.display()
                );
            }
            result?;
            match signal.load(Ordering::SeqCst) {
                0 => {}
                sig => eprintln!("golive: stopped by signal {sig}; the session is saved"),
            }
        }
    }
    if let Some(e) = &app.save_error {
        anyhow::bail!("the session could not be saved to {}: {e}", app.session_path.display());
    }
    Ok(())
}

fn ui_loop(
    app: &mut App,
    runner: &mut Runner,
    saver: &Saver,
    guard: &mut TerminalGuard,
    signal: &AtomicUsize,
) -> anyhow::Result<()> {
    #[cfg(debug_assertions)]
    let panic_key = std::env::var("GOLIVE_DEBUG_PANIC_KEY").ok().and_then(|k| k.chars().next());
    let size = guard.terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let mut first_frame = true;
    'ui: loop {
        if signal.load(Ordering::SeqCst) != 0 {
            process(app, runner, saver, Msg::Shutdown);
            break;
        }
        guard.terminal.draw(|f| ui::draw(app, f))?;
        if std::mem::take(&mut first_frame) {
            tracing::debug!(target: "golive", "first frame drawn at {:.1} ms", crate::log::uptime_ms());
        }
        // Probe results and save answers arrive on a channel; what they change is drawn at once.
        let mut arrived = false;
        while let Ok(msg) = runner.rx.try_recv() {
            arrived = true;
            if process(app, runner, saver, msg) {
                break 'ui;
            }
        }
        if arrived {
            continue;
        }
        // While probes run the spinner turns; while a save is out, its answer is looked for soon.
        let wait = if app.saving > 0 {
            SAVE_POLL
        } else if app.running.is_empty() {
            IDLE
        } else {
            TICK
        };
        if !event::poll(wait)? {
            // After a short pause without input the app may save a note being typed.
            let msg = if app.running.is_empty() { Msg::Idle } else { Msg::Tick };
            if process(app, runner, saver, msg) {
                break;
            }
            continue;
        }
        let msg = match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
            Event::Mouse(m) => Msg::Mouse(m),
            Event::Resize(w, h) => Msg::Resize(w, h),
            _ => continue,
        };
        // Tests of the panic path: a key that panics, in debug builds only.
        #[cfg(debug_assertions)]
        if let (Some(k), Msg::Key(ev)) = (panic_key, &msg)
            && ev.code == ratatui::crossterm::event::KeyCode::Char(k)
        {
            panic!("GOLIVE_DEBUG_PANIC_KEY pressed");
        }
        if process(app, runner, saver, msg) {
            break;
        }
    }
    Ok(())
}

/// Feeds `msg` to the app and performs the effects, feeding their results back in. Returns true
/// when the app asked to quit.
pub fn process(app: &mut App, runner: &mut Runner, saver: &Saver, msg: Msg) -> bool {
    let mut queue = VecDeque::from([msg]);
    let mut quit = false;
    while let Some(msg) = queue.pop_front() {
        for effect in app.update(msg) {
            match effect {
                // Written on the saver's thread; the answer comes back as a message.
                Effect::Save => {
                    app.saving += 1;
                    saver.send(Request::Save(Box::new(app.session.clone())));
                }
                Effect::Overwrite => {
                    app.saving += 1;
                    saver.send(Request::KeepMine(Box::new(app.session.clone())));
                }
                Effect::Reload => {
                    app.saving += 1;
                    saver.send(Request::TakeTheirs(Box::new(app.session.clone())));
                }
                Effect::Export => {
                    let path = export::report_path(&app.session_path);
                    let meta = export::markdown::Meta {
                        session_path: &app.session_path.display().to_string(),
                        generated: app.now(),
                    };
                    let text = export::markdown::render(&app.checklist, &app.session, &meta);
                    let r = session::write_atomic(&path, text.as_bytes())
                        .map(|_| path)
                        .map_err(|e| format!("{e:#}"));
                    queue.push_back(Msg::Exported(r));
                }
                Effect::InspectEvidence { item, evidence } => {
                    let base = std::env::current_dir().unwrap_or_default();
                    let evidence = session::evidence::inspect(evidence, &base);
                    queue.push_back(Msg::EvidenceReady { item, evidence });
                }
                Effect::RunProbes { run, items } => runner.start(app, run, items),
                Effect::CancelProbes => runner.cancel(),
                Effect::Quit => quit = true,
            }
        }
    }
    quit
}

/// Raw mode, the alternate screen and mouse capture for as long as it lives; dropping it (on
/// quit, on error) or a panic restores the terminal.
struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    fn enter() -> anyhow::Result<TerminalGuard> {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        terminal::enable_raw_mode()?;
        if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture) {
            restore();
            return Err(e.into());
        }
        let terminal = Terminal::new(ratatui::prelude::CrosstermBackend::new(stdout()))?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
}
