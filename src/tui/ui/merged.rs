//! The review of a merge: the fields both sides changed, what each held, what the rule kept.

use super::overlays::boxed;
use super::parts::clean;
use super::theme;
use crate::session::merge::Kept;
use crate::tui::app::App;
use crate::tui::keymap::{self, KeyScope};
use crate::tui::layout::centered;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame) {
    let pending = &app.team().pending;
    let mut lines = vec![
        Line::styled(
            "Someone else saved while you worked; these fields changed on both sides:",
            theme::HEADING,
        ),
        Line::raw(""),
    ];
    for c in pending {
        let kept = match c.kept {
            Kept::Ours => "kept: yours (the later)",
            Kept::Theirs => "kept: theirs (the later)",
            Kept::Both => "kept: both texts",
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} · {}", clean(app.place_title(c)), c.field), theme::BOLD),
            Span::styled(format!("  {kept}"), theme::MATCH),
        ]));
        lines.push(Line::raw(format!("  yours:  {}", clean(&c.ours.describe()))));
        lines.push(Line::raw(format!("  theirs: {}", clean(&c.theirs.describe()))));
    }
    lines.push(Line::raw(""));
    // The keys from the key table, as the footer shows them.
    let keys: Vec<String> =
        keymap::in_scope(KeyScope::Merged).map(|b| format!("{} {}", b.hint_label(), b.desc)).collect();
    lines.push(Line::styled(keys.join(" · "), theme::KEY));
    let full = frame.area();
    let width = full.width.saturating_sub(4).min(90);
    // Each line as tall as it wraps to inside the borders.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = (rows as u16 + 2).min(full.height.saturating_sub(2));
    let area = centered(full, width, height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(boxed(" Merged ".into())),
        area,
    );
}
