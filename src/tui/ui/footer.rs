use super::parts::clean;
use super::theme;
use crate::tui::app::{App, FlashLevel};
use crate::tui::keymap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A message when there is one, else the hints of the current context from the key table.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(f) = &app.flash() {
        let style = if f.level == FlashLevel::Error { theme::ERROR } else { theme::INFO };
        frame.render_widget(Paragraph::new(Line::styled(format!(" {}", clean(&f.text)), style)), area);
        return;
    }
    let hints: Vec<(String, &str)> =
        keymap::in_scope(app.key_scope()).filter_map(|b| b.hint.map(|h| (b.hint_label(), h))).collect();
    // The last two hints (help and quit on the main screen) always show; the rest as room allows,
    // the ones a launch day needs first (moving, pass and fail, the probes), shown in table order.
    const FIRST: [&str; 6] = ["move", "pane", "pass", "fail", "probe", "all probes"];
    let width_of = |(k, h): &(String, &str)| k.chars().count() + h.chars().count() + 3;
    let split = hints.len().saturating_sub(2);
    let (rest, tail) = hints.split_at(split);
    let mut room = (area.width as usize).saturating_sub(tail.iter().map(width_of).sum());
    let mut order: Vec<usize> = (0..rest.len()).filter(|&i| FIRST.contains(&rest[i].1)).collect();
    order.extend((0..rest.len()).filter(|&i| !FIRST.contains(&rest[i].1)));
    let mut chosen = vec![false; rest.len()];
    for i in order {
        if width_of(&rest[i]) <= room {
            room -= width_of(&rest[i]);
            chosen[i] = true;
        }
    }
    let mut shown: Vec<&(String, &str)> =
        rest.iter().zip(&chosen).filter(|(_, c)| **c).map(|(h, _)| h).collect();
    shown.extend(tail);
    let spans: Vec<Span> = shown
        .into_iter()
        .flat_map(|(k, h)| [Span::styled(format!(" {k}"), theme::KEY), Span::raw(format!(" {h} "))])
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
