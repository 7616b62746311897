//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use golive::checklist::Checklist;
use golive::session::Session;
use golive::tui::app::{App, Effect, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap()
}

pub fn app() -> App {
    let checklist = Checklist::embedded();
    let session = Session::new(&checklist, fixed_now());
    let mut app =
        App::new(checklist, session, PathBuf::from("/srv/launch/session.toml"), "alice".into(), fixed_now);
    app.update(Msg::Resize(120, 40));
    app
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
