//! The session picker: shown before the checklist when several sessions are saved and none was
//! named, so nobody answers into the wrong launch by accident.

use super::app::Msg;
use super::keymap::{self, Action, KeyScope};
use super::terminal::{self, TerminalGuard};
use super::ui::theme;
use crate::session::catalog::{Entry, table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};
use std::path::PathBuf;

/// The selection after `action` among `len` sessions; `Err` ends the picker with the choice made.
pub fn update(selected: usize, len: usize, action: Action) -> Result<usize, Option<usize>> {
    match action {
        Action::Up => Ok(selected.saturating_sub(1)),
        Action::Down => Ok((selected + 1).min(len.saturating_sub(1))),
        Action::Submit => Err(Some(selected)),
        Action::Quit | Action::ForceQuit => Err(None),
        _ => Ok(selected),
    }
}

pub fn render(entries: &[Entry], selected: usize, frame: &mut Frame) {
    let [title, list, footer] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1), Constraint::Length(1)])
            .areas(frame.area());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" golive ", theme::BRAND),
            Span::styled(" Which session? ", theme::TITLE),
            Span::styled(format!("{} saved; `--session NAME` opens one directly", entries.len()), theme::DIM),
        ])),
        title,
    );
    // The same lines `golive sessions` prints, header first.
    let text = table(entries);
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default().to_string();
    let rows: Vec<ListItem> = lines.map(|l| ListItem::new(super::ui::clean(l))).collect();
    // The column heads sit in the border, above the rows (which start after the marker's width).
    let block = Block::default().borders(Borders::ALL).title(format!("  {head} "));
    let mut state = ListState::default().with_selected(Some(selected));
    let rows = List::new(rows).block(block).highlight_style(theme::SELECTED).highlight_symbol("› ");
    frame.render_stateful_widget(rows, list, &mut state);
    let hints: Vec<Span> = keymap::in_scope(KeyScope::Picker)
        .filter_map(|b| Some((b.label(), b.hint?)))
        .flat_map(|(k, h)| [Span::styled(format!(" {k}"), theme::KEY), Span::raw(format!(" {h} "))])
        .collect();
    frame.render_widget(Paragraph::new(Line::from(hints)), footer);
}

/// Shows the picker until a session is chosen (`Some(path)`) or the user quits (`None`).
pub fn pick(entries: &[Entry], mouse: bool) -> anyhow::Result<Option<PathBuf>> {
    let mut guard = TerminalGuard::enter(mouse)?;
    let (tx, rx) = std::sync::mpsc::channel();
    terminal::connect(tx);
    let mut selected = 0;
    loop {
        guard.terminal.draw(|f| render(entries, selected, f))?;
        let k = match rx.recv_timeout(std::time::Duration::from_millis(250)) {
            Ok(Msg::Key(k)) => k,
            Ok(Msg::TerminalLost(why)) => anyhow::bail!("the terminal went away: {why}"),
            Ok(_) => continue,
            Err(_) if !terminal::alive() => anyhow::bail!("the terminal went away"),
            Err(_) => continue,
        };
        let Some(action) = keymap::lookup(KeyScope::Picker, &k) else { continue };
        match update(selected, entries.len(), action) {
            Ok(s) => selected = s,
            Err(choice) => return Ok(choice.map(|i| entries[i].path.clone())),
        }
    }
}
