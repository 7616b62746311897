//! Drawing. Every function here reads the app and draws; none changes state.

mod detail;
mod footer;
mod header;
mod items;
pub mod overlays;
mod sections;
pub mod theme;

use super::app::{App, Input, Overlay};
use crate::progress::Progress;
use ratatui::Frame;
use ratatui::widgets::{Block, BorderType, Borders};

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
        Overlay::None => {}
    }
    match &app.input() {
        Some(Input::Notes { item, area, .. }) => overlays::notes(app, frame, *item, area),
        Some(Input::Prompt { kind, area }) => overlays::prompt(frame, *kind, area),
        Some(Input::Confirm(kind)) => overlays::confirm(app, frame, *kind),
        Some(Input::Form { fields, focus }) => overlays::form(frame, fields, *focus),
        None => {}
    }
}

fn pane(title: String, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(if focused { theme::BORDER_FOCUS } else { theme::BORDER })
        .title(title)
}

/// User text and probe output may hold terminal escape sequences or other control characters:
/// they are shown as visible symbols, never sent to the terminal.
pub fn clean(s: &str) -> String {
    crate::text::printable(s)
}

/// Cuts `s` to `width` columns, marking the cut with an ellipsis.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}
