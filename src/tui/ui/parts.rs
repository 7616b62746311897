//! What every pane draws with: its frame, text made printable, text cut to a width.

use super::theme;
use ratatui::widgets::{Block, BorderType, Borders};

pub fn pane(title: String, focused: bool) -> Block<'static> {
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
