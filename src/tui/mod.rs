//! The interactive checklist: state and update in `app`, drawing in `ui`, keys in `keymap`. This
//! file owns the terminal and performs the effects `update` asks for.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod picker;
pub mod saver;
pub mod terminal;
pub mod ui;

use crate::export;
use crate::probe::engine;
use crate::probe::local::{self, command::Consent};
use crate::session;
use crate::sweep::{self, AccountPolicy, Connection};
use app::{App, AwsView, Effect, Msg};
use saver::{Request, Saver};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;
use terminal::TerminalGuard;

/// How long the loop sleeps without input: also how soon a signal or a hung-up terminal is seen.
const IDLE: Duration = Duration::from_millis(250);
const TICK: Duration = Duration::from_millis(100);

/// Runs probe sweeps on a tokio runtime beside the UI thread and sends their events back as
/// messages, so the UI never waits for the network.
pub struct Runner {
    /// Always `Some` until dropped.
    rt: Option<tokio::runtime::Runtime>,
    opts: engine::Opts,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
    sweeps: Vec<tokio::task::JoinHandle<()>>,
}

impl Runner {
    pub fn new(opts: engine::Opts) -> anyhow::Result<Runner> {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let (tx, rx) = mpsc::channel();
        Ok(Runner { rt: Some(rt), opts, tx, rx, sweeps: Vec::new() })
    }

    fn start(&mut self, app: &App, run: u64, items: Vec<usize>) {
        let (jobs, needs_aws) = sweep::plan(app.checklist(), items);
        let mut target = app.target();
        let consent = Consent::Approved(app.allowed_commands());
        let repo =
            local::resolve_repo(target.repo.as_deref(), &app.trust().checkout, &app.trust().repo_grants);
        let (tx, opts) = (self.tx.clone(), self.opts);
        self.sweeps.retain(|h| !h.is_finished());
        let rt = self.rt.as_ref().expect("the runtime lives as long as the runner");
        self.sweeps.push(rt.spawn(async move {
            let mut jobs = jobs;
            let aws = if needs_aws {
                let conn = sweep::connect(&mut target, opts.timeout, AccountPolicy::Ask).await;
                // An account nobody confirmed yet: its probes wait for the answer instead of all
                // reporting "not confirmed"; the others run.
                if matches!(conn, sweep::Connection::Unconfirmed(..)) {
                    let (held, rest): (Vec<_>, Vec<_>) =
                        jobs.into_iter().partition(|j| crate::probe::registry::needs_aws(&j.specs));
                    for j in held {
                        let _ = tx.send(Msg::Probe { item: j.item, run, event: engine::Event::Skipped });
                    }
                    jobs = rest;
                }
                let _ = tx.send(Msg::Aws(view(&conn)));
                conn.into_aws()
            } else {
                Err(crate::probe::Verdict::error("no AWS probe in this run"))
            };
            // Several accounts or regions: each AWS probe in every part, the worst deciding.
            if let (true, Ok(conn)) = (sweep::parts::is_multi(&target), &aws) {
                for j in &jobs {
                    let _ = tx.send(Msg::Probe { item: j.item, run, event: engine::Event::Started });
                }
                let parts = sweep::parts::connect(conn, &target, opts.timeout, opts.allow_accounts).await;
                let (results, _) = sweep::parts::run(&parts, jobs, opts, |aws| {
                    sweep::context(aws, target.clone(), consent.clone(), repo.clone(), opts)
                })
                .await;
                for (item, r) in results {
                    let _ = tx.send(Msg::Probe { item, run, event: engine::Event::Done(r) });
                }
                return;
            }
            let report = move |item, event| {
                let _ = tx.send(Msg::Probe { item, run, event });
            };
            // Dropping the set (when this task is aborted) aborts every probe in it.
            let ctx = sweep::context(aws, target, consent, repo, opts);
            let mut set = engine::spawn(Arc::new(ctx), jobs, opts, Arc::new(report));
            while set.join_next().await.is_some() {}
        }));
    }

    fn cancel(&mut self) {
        for h in self.sweeps.drain(..) {
            h.abort();
        }
    }
}

impl Drop for Runner {
    /// A probe stuck in a read it cannot leave (a blocking read is not cancelled by a timeout) must
    /// not keep golive from quitting: the runtime is let go, not waited for.
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// What the header shows of a connection.
fn view(conn: &Connection) -> AwsView {
    match conn {
        Connection::Ready(s) => AwsView::Connected(s.identity.clone()),
        Connection::Unconfirmed(id, _) => AwsView::Unconfirmed(id.clone()),
        Connection::Refused(identity, why) => {
            AwsView::Refused { identity: identity.clone(), why: why.summary.clone() }
        }
    }
}

/// How the checklist ended, when it ended without an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The user quit.
    Quit,
    /// SIGTERM, SIGHUP or SIGINT: what was typed is saved.
    Signal(i32),
    /// The terminal went away (a closed window, a dropped SSH connection): what was typed is
    /// saved and the session's lock released.
    TerminalLost(String),
}

/// Runs the checklist until the person quits; `shared` is the S3 object the session is shared
/// through, with the name this person goes by there.
pub fn run(
    mut app: App,
    probe_opts: engine::Opts,
    mouse: bool,
    shared: Option<(session::shared::Shared, String)>,
) -> anyhow::Result<Ended> {
    let mut runner = Runner::new(probe_opts)?;
    let saver = Saver::start(
        app.session_path().to_path_buf(),
        app.checklist().clone(),
        app.save().disk,
        app.session(),
        shared,
        runner.tx.clone(),
    );
    // SIGTERM (a shutdown, kill) and SIGHUP (the SSH connection dropped) end golive the way q
    // does: what was typed is saved. Raw mode turns Ctrl-C into a key, so SIGINT comes only from
    // kill -INT and is treated the same. A second SIGTERM ends golive at once, whatever it is
    // doing: a shutdown must never wait on golive.
    let signal = Arc::new(AtomicUsize::new(0));
    let terminated = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register_conditional_shutdown(SIGTERM, 128 + SIGTERM, terminated.clone())?;
    signal_hook::flag::register(SIGTERM, terminated)?;
    for sig in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register_usize(sig, signal.clone(), sig as usize)?;
    }
    let mut guard = TerminalGuard::enter(mouse)?;
    terminal::connect(runner.tx.clone());
    // A panic unwinds to here: the session is saved as it stands (every acknowledged change
    // already is; this keeps a note being typed), then the panic goes on, the terminal restored
    // by the guard and the hook.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ui_loop(&mut app, &mut runner, &saver, &mut guard, &signal)
    }));
    runner.cancel();
    // Every save asked for is written before golive goes; their answers update the app.
    // Its answers (drained below) bring the app's fingerprint up to date.
    saver.finish();
    while let Ok(msg) = runner.rx.try_recv() {
        if matches!(
            msg,
            Msg::Saved(_) | Msg::ChangedOnDisk | Msg::Resolved(_) | Msg::Merged(_) | Msg::Shared(_)
        ) {
            app.update(msg);
        }
    }
    let ended = match outcome {
        Err(panic) => {
            app.update(Msg::Shutdown);
            if !app.save().conflict {
                let _ = session::save_over(app.session_path(), app.session(), app.save().disk);
            }
            drop(guard);
            std::panic::resume_unwind(panic);
        }
        Ok(result) => {
            tracing::info!(target: "golive", "checklist ended: {:?}", result.as_ref().map_err(|e| e.to_string()));
            if result.is_err() && !app.save().conflict {
                // Drawing failed under us: save what we hold before reporting.
                app.update(Msg::Shutdown);
                let _ = match session::save_over(app.session_path(), app.session(), app.save().disk) {
                    Ok(disk) => app.update(Msg::Saved(Ok(disk))),
                    // Someone else's change is on disk: keep ours beside it, below.
                    Err(session::SaveError::Changed) => app.update(Msg::ChangedOnDisk),
                    Err(session::SaveError::Failed(e)) => app.update(Msg::Saved(Err(format!("{e:#}")))),
                };
            }
            drop(guard);
            if app.save().conflict {
                let mine = toml::to_string(&app.session())?;
                let backup = session::keep(app.session_path(), mine.as_bytes())?;
                anyhow::bail!(
                    "{} changed on disk and golive stopped before you chose: your version is in {}",
                    app.session_path().display(),
                    backup.display()
                );
            }
            result?
        }
    };
    if let Some(e) = &app.save().error {
        anyhow::bail!("the session could not be saved to {}: {e}", app.session_path().display());
    }
    Ok(ended)
}

fn ui_loop(
    app: &mut App,
    runner: &mut Runner,
    saver: &Saver,
    guard: &mut TerminalGuard,
    signal: &AtomicUsize,
) -> anyhow::Result<Ended> {
    #[cfg(debug_assertions)]
    let panic_key = std::env::var("GOLIVE_DEBUG_PANIC_KEY").ok().and_then(|k| k.chars().next());
    let size = guard.terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let mut first_frame = true;
    loop {
        guard.terminal.draw(|f| ui::draw(app, f))?;
        if std::mem::take(&mut first_frame) {
            tracing::debug!(target: "golive", "first frame drawn at {:.1} ms", crate::log::uptime_ms());
        }
        // While probes run the spinner turns; otherwise the app only needs a nudge now and then.
        let wait = if app.runs().running.is_empty() { IDLE } else { TICK };
        let first = runner.rx.recv_timeout(wait).ok();
        // Everything that arrived together is applied before the next frame: a sweep's results
        // or a paste's worth of keys cost one draw, not one each.
        let arrived: Vec<Msg> =
            first.into_iter().chain(std::iter::from_fn(|| runner.rx.try_recv().ok())).collect();
        let idle = arrived.is_empty();
        // A signal, or a terminal that hung up without one (SIGHUP ignored, or not yet come):
        // keep what was typed and go.
        let ended = match signal.load(Ordering::SeqCst) {
            0 if !terminal::alive() => Some(Ended::TerminalLost("the terminal hung up".into())),
            0 => None,
            sig => Some(Ended::Signal(sig as i32)),
        };
        if let Some(ended) = ended {
            process(app, runner, saver, Msg::Shutdown);
            return Ok(ended);
        }
        if idle {
            // After a short pause without input the app may save a note being typed.
            let msg = if app.runs().running.is_empty() { Msg::Idle } else { Msg::Tick };
            if process(app, runner, saver, msg) {
                return Ok(Ended::Quit);
            }
            continue;
        }
        for msg in arrived {
            if let Msg::TerminalLost(why) = msg {
                process(app, runner, saver, Msg::Shutdown);
                return Ok(Ended::TerminalLost(why));
            }
            // Tests of the panic path: a key that panics, in debug builds only.
            #[cfg(debug_assertions)]
            if let (Some(k), Msg::Key(ev)) = (panic_key, &msg)
                && ev.code == ratatui::crossterm::event::KeyCode::Char(k)
            {
                panic!("GOLIVE_DEBUG_PANIC_KEY pressed");
            }
            if process(app, runner, saver, msg) {
                return Ok(Ended::Quit);
            }
        }
    }
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
                    saver.send(Request::Save(Box::new(app.session().clone()), app.team().seen));
                    queue.push_front(Msg::SaveSent);
                }
                Effect::Overwrite => {
                    saver.send(Request::KeepMine(Box::new(app.session().clone())));
                    queue.push_front(Msg::SaveSent);
                }
                Effect::Reload => {
                    saver.send(Request::TakeTheirs(Box::new(app.session().clone())));
                    queue.push_front(Msg::SaveSent);
                }
                Effect::Export { path } => {
                    let files = session::evidence::recheck(app.session(), &app.trust().checkout);
                    queue.push_back(Msg::FilesChecked(files.clone()));
                    let meta = export::markdown::Meta {
                        session_path: &app.session_path().display().to_string(),
                        generated: app.now(),
                        full_evidence: false,
                        decision: app.decision(),
                        files: &files,
                    };
                    let text = export::markdown::render(app.checklist(), app.session(), &meta);
                    // The report goes beside the session, in someone's checkout: a link or a device
                    // committed there under the report's name is refused, never written through.
                    let r = match std::fs::symlink_metadata(&path) {
                        Ok(m) if !m.is_file() => Err(anyhow::anyhow!(
                            "{} is a link or a device, not a report: not written",
                            path.display()
                        )),
                        _ => crate::atomic::write_atomic(&path, text.as_bytes()),
                    }
                    .map(|_| path)
                    .map_err(|e| format!("{e:#}"));
                    queue.push_back(Msg::Exported(r));
                }
                Effect::InspectEvidence { item, evidence } => {
                    // Hashing a large file takes a while: never on the UI thread.
                    let tx = runner.tx.clone();
                    std::thread::spawn(move || {
                        let base = std::env::current_dir().unwrap_or_default();
                        let evidence = session::evidence::inspect(evidence, &base);
                        let _ = tx.send(Msg::EvidenceReady { item, evidence });
                    });
                }
                Effect::RunProbes { run, items } => runner.start(app, run, items),
                Effect::CancelProbes => runner.cancel(),
                Effect::Refuse(no) => {
                    let kept = crate::consent::store().and_then(|s| crate::consent::refuse(&s, &no));
                    queue.push_back(Msg::ConsentKept(kept.map_err(|e| format!("{e:#}"))));
                }
                Effect::Consent(grant) => {
                    let kept = crate::consent::store().and_then(|s| crate::consent::add(&s, &grant));
                    queue.push_back(Msg::ConsentKept(kept.map_err(|e| format!("{e:#}"))));
                }
                Effect::ConfirmRepo(grant) => {
                    let kept = crate::consent::store().and_then(|s| crate::consent::add_repo(&s, &grant));
                    queue.push_back(Msg::ConsentKept(kept.map_err(|e| format!("{e:#}"))));
                }
                Effect::Bell => {
                    use std::io::Write;
                    // BEL moves no cursor: safe between frames.
                    let mut out = std::io::stdout();
                    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
                }
                Effect::Quit => quit = true,
            }
        }
    }
    quit
}
