//! Every colour and text style in one place. Colour never carries meaning alone: each status also
//! has its glyph and word.

use crate::session::Status;
use ratatui::style::{Color, Modifier, Style};

pub const TEXT: Style = Style::new();
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
pub const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
pub const BRAND: Style = Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const BORDER: Style = Style::new().fg(Color::DarkGray);
pub const BORDER_FOCUS: Style = Style::new().fg(Color::Cyan);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
pub const SELECTED_UNFOCUSED: Style =
    Style::new().add_modifier(Modifier::BOLD).add_modifier(Modifier::UNDERLINED);
pub const MATCH: Style = Style::new().fg(Color::Yellow);
pub const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const ERROR: Style = Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD);
pub const INFO: Style = Style::new().fg(Color::Green);
pub const CODE: Style = Style::new().fg(Color::Gray);

pub fn status(s: Status) -> Style {
    match s {
        Status::Todo => TEXT,
        Status::Pass => Style::new().fg(Color::Green),
        Status::Fail => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Status::Blocked => Style::new().fg(Color::Yellow),
        Status::NotApplicable => DIM,
    }
}

/// The mark after an item's title: its last probe's outcome, or a probe not run yet. None of them
/// is a status glyph (`[!]` blocked, `[~]` n/a), so a mark never reads as a status.
pub const PROBE_MARKS: [(&str, &str); 6] = [
    ("✓", "its probe passed"),
    ("△", "its probe warned"),
    ("✗", "its probe failed"),
    ("?", "its probe could not decide (an error)"),
    ("⚙", "its probe needs a target setting (t)"),
    ("○", "it has a probe, not run yet (r)"),
];

pub fn probe_mark(outcome: Option<crate::probe::Outcome>) -> &'static str {
    use crate::probe::Outcome;
    let n = match outcome {
        Some(Outcome::Pass) => 0,
        Some(Outcome::Warn) => 1,
        Some(Outcome::Fail) => 2,
        Some(Outcome::Error) => 3,
        Some(Outcome::NeedsConfig) => 4,
        None => 5,
    };
    PROBE_MARKS[n].0
}
