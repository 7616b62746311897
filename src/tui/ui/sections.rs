use super::{fit, pane, theme};
use crate::progress::Tally;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Pane::Sections;
    let width = area.width.saturating_sub(2) as usize;
    let current = app.section();
    let lines: Vec<Line> = app
        .checklist
        .sections
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let items = app.checklist.items[s.items.clone()].iter().filter(|i| !app.critical_only || i.critical);
            let t = Tally::of(items, &app.session);
            let mut right = format!(" {}/{}", t.done(), t.total());
            if t.fail > 0 {
                right.push_str(&format!(" ✗{}", t.fail));
            }
            if t.blocked > 0 {
                right.push_str(&format!(" !{}", t.blocked));
            }
            let left_w = width.saturating_sub(right.chars().count());
            let left = fit(&format!("{} {}", n + 1, s.title), left_w);
            let pad = left_w.saturating_sub(unicode_width::UnicodeWidthStr::width(left.as_str()));
            let text = format!("{left}{}{right}", " ".repeat(pad));
            let style = match (n == current, focused) {
                (true, true) => theme::SELECTED,
                (true, false) => theme::SELECTED_UNFOCUSED,
                _ if t.total() > 0 && t.done() == t.total() => theme::DIM,
                _ => theme::TEXT,
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(pane(" Sections ".into(), focused)), area);
}
