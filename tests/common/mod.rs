//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use golive::checklist::Checklist;
use golive::session::Session;
use golive::tui::app::{App, Effect, Msg, Resolution};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap()
}

pub fn app() -> App {
    app_with(Session::new(&Checklist::embedded(), fixed_now()))
}

/// The app opened on `session`.
pub fn app_with(session: Session) -> App {
    let checklist = Checklist::embedded();
    let mut app =
        App::new(checklist, session, PathBuf::from("/srv/launch/session.toml"), "alice".into(), fixed_now);
    app.update(Msg::Resize(120, 40));
    app
}

/// The session file changed on disk (`edit` says how) and the person loaded that version: the
/// way a session's contents change other than by keys.
pub fn reload(app: &mut App, edit: impl FnOnce(&mut Session)) {
    let mut session = app.session().clone();
    edit(&mut session);
    let backup = PathBuf::from("/srv/launch/session.toml.mine");
    app.update(Msg::Resolved(Ok(Resolution::TookTheirs { backup, session: Box::new(session), disk: None })));
    clear_flash(app);
}

/// A key bound to nothing: it only clears the flash line, as any key does.
pub fn clear_flash(app: &mut App) {
    app.update(key(KeyCode::F(12)));
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types each character as a key press, the way a user would; returns all effects.
pub fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        let m = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        fx.extend(app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), m))));
    }
    fx
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(key(code))
}

pub fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    app.update(Msg::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| golive::tui::ui::draw(app, f)).unwrap();
    terminal
}

pub fn screen_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}
pub mod moto;
pub mod pty;
