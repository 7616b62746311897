use super::parts::pane;
use super::theme;
use crate::session::progress::Progress;
use crate::tui::app::{App, Pane, Row};
use crate::tui::layout::inner_height;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(app: &App, progress: &Progress, frame: &mut Frame, area: Rect) {
    let focused = app.nav().focus == Pane::Items;
    let c = &app.checklist();
    let t = if app.nav().critical_only { progress.critical } else { progress.sections[app.section()] };
    let title = if let Some(f) = app.nav().filter {
        let n = app.visible_items().len();
        format!(" {} {} · {} ", if app.nav().critical_only { "Critical items" } else { "Items" }, f.word(), n)
    } else if app.nav().critical_only {
        format!(" Critical items · {}/{} ", t.done(), t.total())
    } else {
        let s = app.section();
        format!(" {}. {} · {}/{} ", s + 1, c.sections[s].title, t.done(), t.total())
    };
    // Only the rows that fit are built: a section may be long.
    let lines: Vec<Line> = app
        .rows()
        .into_iter()
        .skip(app.nav().items_offset)
        .take(inner_height(area))
        .map(|row| match row {
            Row::Heading { section, group: Some(g) } => {
                Line::styled(c.sections[section].groups[g].title.clone(), theme::HEADING)
            }
            Row::Heading { section, group: None } => {
                Line::styled(format!("{}. {}", section + 1, c.sections[section].title), theme::HEADING)
            }
            Row::Item(i) => item_line(app, i, focused, area.width.saturating_sub(2) as usize),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(pane(title, focused)), area);
}

fn item_line(app: &App, i: usize, focused: bool, width: usize) -> Line<'static> {
    let item = &app.checklist().items[i];
    let rec = app.session().record(&item.id);
    let status = rec.map(|r| r.status).unwrap_or_default();
    let is_match = app.search().matches.contains(&i);
    let mut spans = vec![
        Span::raw(if is_match { "›" } else { " " }),
        Span::styled(status.glyph(), theme::status(status)),
        Span::raw(" "),
        Span::styled(item.title.clone(), if is_match { theme::MATCH } else { theme::TEXT }),
    ];
    if item.critical {
        spans.push(Span::styled(" ★", theme::MATCH));
    }
    match (app.runs().running.get(&i), rec.and_then(|r| r.probe.as_ref())) {
        (Some((_, true)), _) => {
            spans.push(Span::styled(format!(" {}", spinner(app.runs().spinner)), theme::MATCH))
        }
        (Some((_, false)), _) => spans.push(Span::styled(" …", theme::DIM)),
        (None, Some(p)) => {
            spans.push(Span::styled(format!(" {}", theme::probe_mark(Some(p.outcome))), theme::DIM))
        }
        (None, None) if item.is_automated() => {
            spans.push(Span::styled(format!(" {}", theme::probe_mark(None)), theme::DIM))
        }
        _ => {}
    }
    if rec.is_some_and(|r| !r.notes.is_empty()) {
        spans.push(Span::styled(" ✎", theme::DIM));
    }
    // A waiver, with the days it has left: the gate lets the item through until then.
    if let Some(w) = rec.and_then(|r| r.waiver.as_ref()) {
        let today = app.now().date_naive();
        let (text, style) = if w.expired(today) {
            (" waiver expired".to_string(), theme::ERROR)
        } else {
            (format!(" waived {}d", w.days_left(today)), theme::MATCH)
        };
        spans.push(Span::styled(text, style));
    }
    // A narrow pane shortens the title, with an ellipsis, before it loses a mark.
    let used: usize = spans.iter().map(|s| s.width()).sum();
    if used > width {
        let title = &spans[3];
        let room = width.saturating_sub(used - title.width());
        spans[3] = Span::styled(super::parts::fit(&item.title, room), title.style);
    }
    if i != app.nav().selected {
        return Line::from(spans);
    }
    // The selection bar spans the whole row.
    let used: usize = spans.iter().map(|s| s.width()).sum();
    spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
    Line::from(spans).style(if focused { theme::SELECTED } else { theme::SELECTED_UNFOCUSED })
}

pub fn spinner(frame: usize) -> char {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    FRAMES[frame % FRAMES.len()]
}
