//! Boxes drawn over the panes: help, sign-off, the notes editor, one-line prompts, confirmations.

use super::parts::clean;
use super::theme;
use crate::gate::Verdict;
use crate::session::progress::Tally;
use crate::session::signoff::SignState;
use crate::tui::app::{App, AwsView, ConfirmKind, FormKind, PromptKind};
use crate::tui::keymap::{self, KeyScope};
use crate::tui::layout::centered;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui_textarea::TextArea;

pub(super) fn boxed(title: String) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme::BORDER_FOCUS)
        .title(title)
}

/// The help lists the key table, context by context: the same entries that dispatch keys.
pub fn help_lines() -> Vec<Line<'static>> {
    use crate::session::Status;
    let mut lines = vec![Line::styled("Marks", theme::HEADING)];
    for s in [Status::Todo, Status::Pass, Status::Fail, Status::Blocked, Status::NotApplicable] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", s.glyph()), theme::status(s)),
            Span::raw(format!("status: {}", s.word())),
        ]));
    }
    let after = theme::PROBE_MARKS
        .iter()
        .map(|&(m, what)| (m, what))
        .chain([("★", "a critical item (Quick Reference)"), ("✎", "it has notes")]);
    for (mark, what) in after {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", format!("… {mark}")), theme::KEY),
            Span::raw(format!("after a title: {what}")),
        ]));
    }
    for ctx in KeyScope::ALL {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(ctx.title(), theme::HEADING));
        for b in keymap::in_scope(ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", b.label()), theme::KEY),
                Span::raw(b.desc),
            ]));
        }
    }
    lines
}

pub fn help(frame: &mut Frame, scroll: u16) {
    let area = centered(frame.area(), 72, frame.area().height.saturating_sub(2));
    frame.render_widget(Clear, area);
    let block = boxed(" Keys · j/k scroll · Esc close ".into());
    frame.render_widget(Paragraph::new(help_lines()).block(block).scroll((scroll, 0)), area);
}

pub fn signoff(app: &App, frame: &mut Frame, selected: usize) {
    let rows = app.signoff_rows();
    let c = app.checklist();
    let full = frame.area();
    let area = centered(full, full.width.saturating_sub(2).min(110), rows as u16 + 8);
    let wide = area.width >= 96;
    frame.render_widget(Clear, area);
    let areas = c.signoff_areas.iter().map(String::as_str).chain(["Final Approval"]);
    let table_rows: Vec<Row> = areas
        .enumerate()
        .map(|(n, name)| {
            let s = app.signoff_get(n);
            let state = app.signoff_state(n);
            let t = if n < c.signoff_areas.len() {
                Tally::of(c.area_items(n).map(|i| &c.items[i]), app.session())
            } else {
                Tally::of(&c.items, app.session())
            };
            // Who pressed it, where that is not the reviewer; else when.
            let mut signed = match (&s.by, s.date) {
                (Some(by), _) if *by != s.reviewer => format!("by {}", clean(by)),
                (_, Some(d)) => d.to_string(),
                _ => "·".into(),
            };
            if let Some(r) = &s.reason {
                signed.push_str(&format!(" ({})", clean(r)));
            }
            let style = match state {
                SignState::Stale(_) | SignState::Rejected => theme::ERROR,
                SignState::Approved => theme::status(crate::session::Status::Pass),
                SignState::Pending => theme::DIM,
            };
            let mut cells = vec![
                Cell::from(name.to_string()),
                Cell::from(format!("{}/{} done", t.done(), t.total())),
                Cell::from(open_counts(&t)),
                Cell::from(if s.reviewer.is_empty() { "·".to_string() } else { clean(&s.reviewer) }),
                Cell::from(signed),
                Cell::from(format!("{} {}", state.glyph(), state.word())).style(style),
            ];
            if !wide {
                // Who signed and the done count give way to what is open, for whom, and where it stands.
                cells.remove(4);
                cells.remove(1);
            }
            let row = Row::new(cells);
            if n == selected { row.style(theme::SELECTED) } else { row }
        })
        .collect();
    let (widths, header) = if wide {
        (
            vec![
                Constraint::Length(15),
                Constraint::Length(10),
                Constraint::Length(28),
                Constraint::Fill(1),
                Constraint::Fill(1),
                Constraint::Length(12),
            ],
            vec!["Area", "Items", "Open", "Reviewer", "Signed", "Status"],
        )
    } else {
        (
            vec![Constraint::Length(15), Constraint::Length(26), Constraint::Fill(1), Constraint::Length(12)],
            vec!["Area", "Open", "Reviewer", "Status"],
        )
    };
    let table = Table::new(table_rows, widths).header(Row::new(header).style(theme::HEADING));
    let block = boxed(" Sign-off · a approve · x reject · u pending · Esc back ".into());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [table_area, note_area] =
        ratatui::layout::Layout::vertical([Constraint::Length(rows as u16 + 1), Constraint::Fill(1)])
            .areas(inner);
    frame.render_widget(table, table_area);
    let d = app.decision();
    let mut note = vec![Line::styled(format!("Gate: {}", clean(&d.headline())), verdict_style(d.verdict))];
    if let SignState::Stale(changes) = app.signoff_state(selected) {
        note.push(Line::styled(
            format!("Stale: changed since signed: {}", clean(&changes.join("; "))),
            theme::ERROR,
        ));
    }
    frame.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), note_area);
}

/// What is not settled in an area: "1 fail · 1 blocked · 12 todo", the zeros left out.
fn open_counts(t: &Tally) -> String {
    let parts: Vec<String> = [(t.fail, "fail"), (t.blocked, "blocked"), (t.todo, "todo")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
    if parts.is_empty() { "all settled".into() } else { parts.join(" · ") }
}

pub fn verdict_style(v: Verdict) -> ratatui::style::Style {
    match v {
        Verdict::Go => theme::status(crate::session::Status::Pass),
        Verdict::NoGo => theme::ERROR,
        Verdict::Undecided => theme::MATCH,
    }
}

/// "Why not GO": every reason, each a jump (Enter) to the item or sign-off it names.
pub fn gate(app: &App, frame: &mut Frame, selected: usize) {
    let d = app.decision();
    let full = frame.area();
    let height = (d.blockers.len() as u16 + 4).min(full.height.saturating_sub(2));
    let area = centered(full, full.width.saturating_sub(4).min(120), height);
    frame.render_widget(Clear, area);
    let block = boxed(format!(" Why not GO · {} · Enter go to · Esc back ", d.verdict.word()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![Line::styled(clean(&d.headline()), verdict_style(d.verdict))];
    let visible = inner.height.saturating_sub(1) as usize;
    let first = selected.saturating_sub(visible.saturating_sub(1));
    for (n, b) in d.blockers.iter().enumerate().skip(first).take(visible) {
        let mark = if b.why.blocks() { "✗" } else { "?" };
        let style = if n == selected {
            theme::SELECTED
        } else if b.why.blocks() {
            theme::ERROR
        } else {
            theme::MATCH
        };
        let text = crate::tui::ui::fit(&format!("{mark} {}", clean(&b.text)), inner.width as usize);
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn notes(app: &App, frame: &mut Frame, item: usize, area_widget: &TextArea<'static>) {
    let full = frame.area();
    let area = centered(full, full.width.saturating_sub(4).min(100), full.height.saturating_sub(4).min(20));
    frame.render_widget(Clear, area);
    let title = format!(" Notes: {} · Esc or Ctrl-S to finish ", app.checklist().items[item].title);
    let block = boxed(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(area_widget, inner);
}

pub fn prompt(frame: &mut Frame, kind: PromptKind, area_widget: &TextArea<'static>) {
    let full = frame.area();
    let area = centered(full, full.width.saturating_sub(4).min(76), 3);
    frame.render_widget(Clear, area);
    let block = boxed(format!(" {} · Enter accept · Esc cancel ", kind.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(area_widget, inner);
}

pub fn confirm(app: &App, frame: &mut Frame, kind: ConfirmKind) {
    let question = match kind {
        ConfirmKind::DeleteEvidence { item, index } => {
            let id = &app.checklist().items[item].id;
            let what = app
                .session()
                .record(id)
                .and_then(|r| r.evidence.get(index))
                .map(|e| format!("{} {}", e.kind.noun(), clean(&e.value)))
                .unwrap_or_default();
            format!("Delete evidence {}: {what}?", index + 1)
        }
        ConfirmKind::RunCommand { command, scroll } => return consent(app, frame, command, scroll),
        ConfirmKind::ApproveOpen { row } => {
            let c = app.checklist();
            let open = app.open_items(row);
            let listed: Vec<String> = open
                .iter()
                .take(4)
                .map(|&i| {
                    format!("{} {}", app.session().status(&c.items[i].id).word(), clean(&c.items[i].title))
                })
                .collect();
            let more = if open.len() > 4 { format!(" and {} more", open.len() - 4) } else { String::new() };
            format!(
                "{} has {} failed or blocked item{}: {}{more}. Approve it anyway?",
                clean(&c.signoff_areas[row]),
                open.len(),
                if open.len() == 1 { "" } else { "s" },
                listed.join("; ")
            )
        }
        ConfirmKind::ChangedOnDisk => format!(
            "{} changed on disk since golive last read or wrote it (git pull? an editor?). \
             y: write yours over it, keeping theirs as a backup. n: load theirs, keeping yours as a backup.",
            clean(&app.session_path().display().to_string())
        ),
        ConfirmKind::ExportWithLeaks => {
            let leaks = app.session().leaks();
            let first = &leaks[0];
            let title = app
                .checklist()
                .index_of(&first.item)
                .map_or(first.item.clone(), |i| app.checklist().items[i].title.clone());
            let more = match leaks.len() {
                1 => String::new(),
                n => format!(" ({} more)", n - 1),
            };
            format!(
                "{} of \"{}\" holds what looks like a credential ({}){more}; the report would carry it. Export anyway?",
                first.place,
                clean(&title),
                first.what
            )
        }
        ConfirmKind::TrustAccount { account } => {
            let arn = match &app.runs().aws {
                AwsView::Unconfirmed(id) => id.arn.clone(),
                _ => String::new(),
            };
            format!(
                "Probe AWS account {} ({})? It becomes this session's expected account; \
                 golive refuses any other.",
                app.runs().offered_accounts[account],
                clean(&arn)
            )
        }
    };
    let full = frame.area();
    let area: Rect = centered(full, full.width.saturating_sub(4).min(70), 6);
    frame.render_widget(Clear, area);
    let text = vec![Line::raw(question), Line::styled("y yes · n no", theme::KEY)];
    frame
        .render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).block(boxed(" Confirm ".into())), area);
}

/// Characters the shell gives a meaning to: a command holding them does more than run one program.
const SHELL_META: &[char] =
    &[';', '&', '|', '$', '`', '<', '>', '(', ')', '{', '}', '*', '?', '[', '~', '!', '\\', '\n'];

/// The consent question shows the command exactly as it will run: unmasked, whole (scrollable),
/// with the directory it runs in and the shell metacharacters it holds, so a payload cannot hide
/// behind a mask or the edge of a box.
fn consent(app: &App, frame: &mut Frame, command: usize, scroll: u16) {
    let text = &app.runs().offered_commands[command];
    let dir = match app.session().target.repo.as_deref() {
        Some(r) => {
            let dir: std::path::PathBuf = app
                .trust()
                .checkout
                .join(r)
                .components()
                .filter(|c| *c != std::path::Component::CurDir)
                .collect();
            format!("in {}", dir.display())
        }
        None => "no repository is set: the check will not run it".into(),
    };
    let mut lines =
        vec![Line::styled("A command check asks to run, with sh -c:", theme::HEADING), Line::raw("")];
    lines.extend(text.split('\n').map(|l| Line::styled(clean(l), theme::KEY)));
    lines.push(Line::raw(""));
    lines.push(Line::raw(clean(&dir)));
    let mut meta: Vec<String> = Vec::new();
    for c in text.chars().filter(|c| SHELL_META.contains(c)) {
        let shown = if c == '\n' { "newline".to_string() } else { c.to_string() };
        if !meta.contains(&shown) {
            meta.push(shown);
        }
    }
    if !meta.is_empty() {
        lines.push(Line::styled(
            format!("⚠ shell metacharacters: {}: read all of it before you answer", meta.join(" ")),
            theme::ERROR,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "y run it (remembered on this machine, for this session and this text) · n no · j/k scroll",
        theme::KEY,
    ));
    let full = frame.area();
    let width = full.width.saturating_sub(4).min(100);
    let inner = width.saturating_sub(2).max(1) as usize;
    // Lines as wrapped: long commands have no spaces to wrap at, so count by width.
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let height = (rows as u16 + 2).min(full.height.saturating_sub(2));
    let area = centered(full, width, height);
    let scroll = scroll.min((rows as u16).saturating_sub(height.saturating_sub(2)));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(boxed(" Run a command? ".into())),
        area,
    );
}

pub fn form(
    frame: &mut Frame,
    kind: FormKind,
    fields: &[TextArea<'static>],
    focus: usize,
    error: Option<&str>,
) {
    let full = frame.area();
    let extra = if error.is_some() { 2 } else { 0 };
    let area = centered(full, full.width.saturating_sub(4).min(64), fields.len() as u16 * 2 + 2 + extra);
    frame.render_widget(Clear, area);
    let block = boxed(format!(" {} · Enter next field · Ctrl-S save · Esc cancel ", kind.title()));
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    // What is wrong shows inside the form, above the fields, not in the footer it covers.
    if let Some(e) = error {
        let line = Rect { height: 1, ..inner };
        frame.render_widget(
            Paragraph::new(Line::styled(super::parts::fit(&clean(e), line.width as usize), theme::ERROR)),
            line,
        );
        inner.y += 2;
        inner.height = inner.height.saturating_sub(2);
    }
    // Each field takes two rows (label, input); on a short terminal the focused one stays in view.
    let fit = (inner.height / 2).max(1) as usize;
    let first = focus.saturating_sub(fit - 1);
    for (row, n) in (first..fields.len()).take(fit).enumerate() {
        let y = inner.y + row as u16 * 2;
        let style = if n == focus { theme::KEY } else { theme::DIM };
        frame.render_widget(
            Paragraph::new(Line::styled(format!("{}:", kind.label(n)), style)),
            Rect { y, height: 1, ..inner },
        );
        if y + 1 < inner.y + inner.height {
            let input = Rect { x: inner.x + 2, y: y + 1, width: inner.width.saturating_sub(2), height: 1 };
            // One cursor, in the field being typed into; the others show their text.
            if n == focus {
                frame.render_widget(&fields[n], input);
            } else {
                let text = super::parts::fit(&clean(&fields[n].lines().join("")), input.width as usize);
                frame.render_widget(Paragraph::new(text), input);
            }
        }
    }
}
