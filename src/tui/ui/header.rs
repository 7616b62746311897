use super::parts::clean;
use super::theme;
use crate::progress::Progress;
use crate::session::Status;
use crate::tui::app::{App, AwsView};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(app: &App, progress: &Progress, frame: &mut Frame, area: Rect) {
    let c = &app.checklist();
    let mut first = vec![
        Span::styled(" golive ", theme::BRAND),
        Span::styled(format!(" {} ", c.name), theme::TITLE),
        // "v3" for a number; an imported markdown file's content hash as it is.
        Span::styled(
            if c.version.starts_with(|ch: char| ch.is_ascii_digit()) {
                format!("v{} ", c.version)
            } else {
                format!("{} ", c.version)
            },
            theme::DIM,
        ),
    ];
    // The gate's decision, always in view: what a launch lead reads first.
    let d = app.decision();
    first.push(Span::styled(
        format!(" {} ", d.verdict.word()),
        super::overlays::verdict_style(d.verdict).add_modifier(ratatui::style::Modifier::REVERSED),
    ));
    if d.exceptions.is_some() {
        first.push(Span::styled(" with exceptions", theme::ERROR));
    }
    // The key that says why; the footer names it too.
    if !d.blockers.is_empty() {
        first.push(Span::styled(" v why ", theme::KEY));
    }
    // Until the saver answers, the last change is not yet on disk: say so.
    if app.save().in_flight > 0 {
        first.push(Span::styled(" saving… ", theme::MATCH));
    }
    first.push(aws(app));
    match &app.save().error {
        Some(e) => first.push(Span::styled(format!(" NOT SAVED: {} ", clean(e)), theme::ERROR)),
        None => first.push(Span::styled(
            format!(" session {}", clean(&app.session_path().display().to_string())),
            theme::DIM,
        )),
    }

    let (t, crit) = (progress.total, progress.critical);
    let signed = (0..c.signoff_areas.len())
        .filter(|&n| app.signoff_state(n) == crate::session::signoff::SignState::Approved)
        .count();
    let mut second =
        vec![Span::styled(format!(" Done {}/{} ({}%) ", t.done(), t.total(), t.percent()), theme::BOLD)];
    let counts = [
        (Status::Pass, t.pass),
        (Status::NotApplicable, t.na),
        (Status::Fail, t.fail),
        (Status::Blocked, t.blocked),
        (Status::Todo, t.todo),
    ];
    // Glyphs as well as words where there is room; words alone on a narrow terminal.
    let wide = area.width >= crate::tui::layout::WIDE;
    for (s, n) in counts {
        let text =
            if wide { format!("{} {} {n}  ", s.glyph(), s.word()) } else { format!("{} {n}  ", s.word()) };
        second.push(Span::styled(text, theme::status(s)));
    }
    second.push(Span::styled("│ ", theme::DIM));
    second.push(Span::raw(format!("critical {}/{} ", crit.done(), crit.total())));
    if wide {
        second.push(Span::styled("│ ", theme::DIM));
        second.push(Span::raw(format!("sign-off {signed}/{}", c.signoff_areas.len())));
    }
    if app.nav().critical_only {
        second.push(Span::styled(" CRITICAL ONLY", theme::MATCH));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    for b in app.banner().iter().take(crate::tui::layout::MAX_BANNER) {
        lines.push(Line::from(Span::styled(format!(" {} ", clean(b)), theme::MATCH)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The AWS account probes run in; a refusal is shown loudly, because probing the wrong account is
/// the mistake this exists to prevent.
fn aws(app: &App) -> Span<'static> {
    match &app.runs().aws {
        AwsView::NotConnected => Span::styled(" aws: not tried yet ", theme::DIM),
        AwsView::Connecting => Span::styled(" aws: connecting… ", theme::DIM),
        AwsView::Connected(id) => {
            Span::styled(format!(" aws {} {} {} ", id.account, clean(&id.arn), id.region), theme::INFO)
        }
        AwsView::Unconfirmed(id) => {
            Span::styled(format!(" aws {} (not confirmed) ", id.account), theme::MATCH)
        }
        AwsView::Refused { identity: Some(_), why } => {
            Span::styled(format!(" AWS REFUSED: {} ", clean(why)), theme::ERROR)
        }
        AwsView::Refused { identity: None, why } => {
            Span::styled(format!(" aws: {} ", clean(why)), theme::ERROR)
        }
    }
}
