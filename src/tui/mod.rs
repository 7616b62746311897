//! The interactive checklist: state and update in `app`, drawing in `ui`, keys in `keymap`. This
//! file owns the terminal and performs the effects `update` asks for.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod ui;

use crate::export;
use crate::session;
use app::{App, Effect, Msg};
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::{DefaultTerminal, Terminal};
use std::collections::VecDeque;
use std::io::stdout;
use std::sync::Once;
use std::time::Duration;

const IDLE: Duration = Duration::from_millis(500);

pub fn run(mut app: App) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    loop {
        guard.terminal.draw(|f| ui::draw(&app, f))?;
        // After a short pause without input the app may save a note being typed.
        if !event::poll(IDLE)? {
            process(&mut app, Msg::Idle);
            continue;
        }
        let msg = match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
            Event::Mouse(m) => Msg::Mouse(m),
            Event::Resize(w, h) => Msg::Resize(w, h),
            _ => continue,
        };
        if process(&mut app, msg) {
            break;
        }
    }
    drop(guard);
    if let Some(e) = &app.save_error {
        anyhow::bail!("the session could not be saved to {}: {e}", app.session_path.display());
    }
    Ok(())
}

/// Feeds `msg` to the app and performs the effects, feeding their results back in. Returns true
/// when the app asked to quit.
pub fn process(app: &mut App, msg: Msg) -> bool {
    let mut queue = VecDeque::from([msg]);
    let mut quit = false;
    while let Some(msg) = queue.pop_front() {
        for effect in app.update(msg) {
            match effect {
                Effect::Save => {
                    let r = session::save(&app.session_path, &app.session).map_err(|e| format!("{e:#}"));
                    queue.push_back(Msg::Saved(r));
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
