//! Drawing. Every function here reads the app and draws; none changes state.

mod detail;
mod footer;
mod header;
mod items;
pub mod overlays;
mod parts;
mod sections;
pub mod theme;

use super::app::{App, Input, Overlay};
use crate::progress::Progress;
use ratatui::Frame;

pub use parts::{clean, fit};

pub fn draw(app: &App, frame: &mut Frame) {
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
        Some(Input::Form { kind, fields, focus }) => overlays::form(frame, *kind, fields, *focus),
        None => {}
    }
}
