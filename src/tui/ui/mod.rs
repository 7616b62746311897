//! Drawing. Every function here reads the app and draws; none changes state.

mod detail;
mod footer;
mod header;
mod items;
mod merged;
pub mod overlays;
mod parts;
mod sections;
pub mod theme;

use super::app::{App, Input, Overlay};
use crate::session::progress::Progress;
use ratatui::Frame;

pub use parts::{clean, fit};

/// Below this the panes cannot show a title and its status: a message says so instead.
pub const MIN_SIZE: (u16, u16) = (50, 12);

pub fn draw(app: &App, frame: &mut Frame) {
    let size = frame.area();
    if size.width < MIN_SIZE.0 || size.height < MIN_SIZE.1 {
        let text = format!(
            "Terminal too small: {}x{}. golive needs {}x{}; enlarge it. Everything is saved; q quits.",
            size.width, size.height, MIN_SIZE.0, MIN_SIZE.1
        );
        let p = ratatui::widgets::Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(p, size);
        return;
    }
    let a = app.areas();
    let progress = Progress::of(app.checklist(), app.session());
    header::render(app, &progress, frame, a.header);
    sections::render(app, &progress, frame, a.sections);
    items::render(app, &progress, frame, a.items);
    detail::render(app, frame, a.detail);
    footer::render(app, frame, a.footer);
    match app.overlay() {
        Overlay::Help { scroll } => overlays::help(frame, scroll),
        Overlay::SignOff { row } => overlays::signoff(app, frame, row),
        Overlay::Gate { row } => overlays::gate(app, frame, row),
        Overlay::None => {}
    }
    match &app.input() {
        Some(Input::Notes { item, area, .. }) => overlays::notes(app, frame, *item, area),
        Some(Input::Prompt { kind, area }) => overlays::prompt(frame, *kind, area),
        Some(Input::Confirm(kind)) => overlays::confirm(app, frame, *kind),
        Some(Input::Merged) => merged::render(app, frame),
        Some(Input::Form { kind, fields, focus }) => {
            let error = app
                .flash()
                .filter(|f| f.level == crate::tui::app::FlashLevel::Error)
                .map(|f| f.text.as_str());
            overlays::form(frame, *kind, fields, *focus, error)
        }
        None => {}
    }
}
