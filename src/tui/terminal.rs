//! The terminal: raw mode and the alternate screen for as long as a guard lives, and its input
//! read on a thread of its own.
//!
//! Input has its own thread because a terminal can go away under golive (an SSH connection or a
//! tmux session closed): crossterm 0.29 then spins inside its read, never returning, so a UI
//! thread that read the terminal itself could never save and exit. The UI thread waits on a
//! channel instead, and asks the kernel whether the terminal is still there.

use super::app::Msg;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::{DefaultTerminal, Terminal};
use std::io::stdout;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, mpsc};

/// Raw mode, the alternate screen, bracketed paste and (unless turned off) mouse capture for as
/// long as it lives; dropping it (on quit, on error) or a panic restores the terminal.
pub struct TerminalGuard {
    /// Never dropped: ratatui's drop shows the cursor and, when that fails because the terminal is
    /// gone, prints to stderr, which panics when stderr is that terminal. `restore` does its work.
    pub terminal: std::mem::ManuallyDrop<DefaultTerminal>,
}

/// Whether the guard captures the mouse (and so whether `restore` must give it back).
static MOUSE: AtomicBool = AtomicBool::new(false);

impl TerminalGuard {
    pub fn enter(mouse: bool) -> anyhow::Result<TerminalGuard> {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                // The terminal may be gone (that is often why): the log keeps what happened.
                tracing::error!(target: "golive", "panic: {info}\n{}", std::backtrace::Backtrace::force_capture());
                previous(info);
            }));
        });
        terminal::enable_raw_mode()?;
        MOUSE.store(mouse, Ordering::SeqCst);
        let entered = if mouse {
            execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste, EnableMouseCapture)
        } else {
            execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
        };
        if let Err(e) = entered {
            restore();
            return Err(e.into());
        }
        let terminal = Terminal::new(ratatui::prelude::CrosstermBackend::new(stdout()))?;
        Ok(TerminalGuard { terminal: std::mem::ManuallyDrop::new(terminal) })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
}

/// Where the input thread sends what it reads; `None` while nobody listens (input is dropped).
static SINK: Mutex<Option<mpsc::Sender<Msg>>> = Mutex::new(None);

/// Sends the terminal's input to `tx` from now on: keys, the mouse, resizes, pastes, and
/// `Msg::TerminalLost` when reading fails. crossterm's reader is one per process, and so is the
/// thread reading it: the picker and then the checklist each connect in turn.
pub fn connect(tx: mpsc::Sender<Msg>) {
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
    static READER: Once = Once::new();
    READER.call_once(|| {
        std::thread::Builder::new()
            .name("golive-input".into())
            .spawn(read_input)
            .expect("spawning the input thread");
    });
}

fn read_input() {
    loop {
        let msg = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
            Ok(Event::Mouse(m)) => Msg::Mouse(m),
            Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
            Ok(Event::Paste(text)) => Msg::Paste(text),
            Ok(_) => continue,
            Err(e) => {
                send(Msg::TerminalLost(e.to_string()));
                return;
            }
        };
        send(msg);
    }
}

fn send(msg: Msg) {
    if let Some(tx) = SINK.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        let _ = tx.send(msg);
    }
}

/// Whether the terminal golive reads (its standard input) is still there: false once it hung up
/// (the other end closed) or the descriptor is no longer a terminal's.
pub fn alive() -> bool {
    let mut fds = [libc::pollfd { fd: libc::STDIN_FILENO, events: 0, revents: 0 }];
    // SAFETY: poll(2) on one valid pollfd that lives across the call, with no wait; it writes only
    // `revents`.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, 0) };
    n <= 0 || fds[0].revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) == 0
}
