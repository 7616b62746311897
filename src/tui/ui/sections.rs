use super::parts::{clean, fit, pane};
use super::theme;
use crate::session::progress::Progress;
use crate::session::signoff::SignState;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(app: &App, progress: &Progress, frame: &mut Frame, area: Rect) {
    let focused = app.nav().focus == Pane::Sections;
    let width = area.width.saturating_sub(2) as usize;
    let current = app.section();
    let lines: Vec<Line> = app
        .checklist()
        .sections
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let t =
                if app.nav().critical_only { progress.sections_critical[n] } else { progress.sections[n] };
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
    let mut lines = lines;
    signoff_summary(app, &mut lines, width);
    frame.render_widget(Paragraph::new(lines).block(pane(" Sections ".into(), focused)), area);
}

/// The room under the sections shows where sign-off stands, so nobody has to open the view.
fn signoff_summary(app: &App, lines: &mut Vec<Line<'static>>, width: usize) {
    let areas = &app.checklist().signoff_areas;
    let approved = (0..areas.len()).filter(|&n| app.signoff_state(n) == SignState::Approved).count();
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Sign-off {approved}/{} · s", areas.len()), theme::HEADING));
    let names = areas.iter().map(String::as_str).chain(["Final Approval"]);
    for (n, name) in names.enumerate() {
        let s = app.signoff_get(n);
        let state = app.signoff_state(n);
        let who = if s.reviewer.is_empty() { String::new() } else { format!(" {}", clean(&s.reviewer)) };
        let text = fit(&format!("{} {name}{who}", state.glyph()), width);
        let style = match state {
            SignState::Approved => theme::DIM,
            SignState::Stale(_) | SignState::Rejected => theme::ERROR,
            SignState::Pending => theme::TEXT,
        };
        lines.push(Line::styled(text, style));
    }
}
