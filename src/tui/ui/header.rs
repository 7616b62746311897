use super::parts::clean;
use super::theme;
use crate::session::Status;
use crate::session::progress::Progress;
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
    // A shared session: who else is in it, and whether this person's saves have reached S3.
    let team = app.team();
    if let Some(Err(_)) = &team.shared {
        first.push(Span::styled(" NOT YET SHARED ", theme::ERROR));
    }
    if !team.pending.is_empty() && !matches!(app.input(), Some(crate::tui::app::Input::Merged)) {
        first.push(Span::styled(format!(" M: {} merged ", team.pending.len()), theme::MATCH));
    }
    if app.watching().on {
        first.push(Span::styled(format!(" WATCH {}s ", app.watching().every.num_seconds()), theme::INFO));
    }
    if !team.present.is_empty() {
        let names: Vec<String> = team.present.iter().map(|(who, _)| clean(who)).collect();
        first.push(Span::styled(format!(" with {} ", names.join(", ")), theme::INFO));
    }
    // What is left goes to the AWS identity, then the session path: the caller ARN is dropped
    // first, and the path loses its beginning, never its name.
    let width = area.width as usize;
    let used = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    let path = clean(&app.session_path().display().to_string());
    // The session keeps at least its file name: the ARN goes before that would be cut.
    let name = app.session_path().file_name().map_or(0, |n| n.to_string_lossy().chars().count() + 1);
    let full = aws(app, true);
    let aws_span =
        if used(&first) + full.width() + " session ".len() + name > width { aws(app, false) } else { full };
    first.push(aws_span);
    match &app.save().error {
        Some(e) => first.push(Span::styled(format!(" NOT SAVED: {} ", clean(e)), theme::ERROR)),
        None => {
            // Shown with at least its file name, or not at all (never a cut "s").
            let room = width.saturating_sub(used(&first) + " session ".len());
            if room >= name.min(path.chars().count()) {
                first.push(Span::styled(format!(" session {}", tail(&path, room)), theme::DIM));
            }
        }
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
    // Glyphs as well as words where there is room; words alone on a narrow terminal; then
    // without the zero counts, then glyphs alone: a number is never cut.
    let wide = area.width >= crate::tui::layout::WIDE;
    let critical = format!("│ critical {}/{} ", crit.done(), crit.total());
    // The view's labels after the counts take their room too.
    let labels = if app.nav().critical_only { " CRITICAL ONLY".len() } else { 0 }
        + app.nav().filter.map_or(0, |f| " ONLY ".len() + f.word().len());
    let room = width.saturating_sub(used(&second) + critical.chars().count() + labels);
    let forms: [&dyn Fn(Status, usize) -> Option<String>; 4] = [
        &|s, n| Some(format!("{} {} {n}  ", s.glyph(), s.word())),
        &|s, n| Some(format!("{} {n}  ", s.word())),
        &|s, n| (n > 0 || s == Status::Todo).then(|| format!("{} {n}  ", s.word())),
        &|s, n| (n > 0 || s == Status::Todo).then(|| format!("{}{n} ", s.glyph())),
    ];
    let texts = forms
        .iter()
        .skip(if wide { 0 } else { 1 })
        .map(|form| counts.iter().filter_map(|&(s, n)| form(s, n).map(|t| (s, t))).collect::<Vec<_>>())
        .find(|texts| texts.iter().map(|(_, t)| t.chars().count()).sum::<usize>() <= room)
        .unwrap_or_else(|| counts.iter().map(|&(s, n)| (s, format!("{}{n} ", s.glyph()))).collect());
    for (s, text) in texts {
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
    if let Some(f) = app.nav().filter {
        second.push(Span::styled(format!(" ONLY {}", f.word().to_uppercase()), theme::MATCH));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    for b in app.banner().iter().take(crate::tui::layout::MAX_BANNER) {
        lines.push(Line::from(Span::styled(format!(" {} ", clean(b)), theme::MATCH)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The end of `s` in `room` characters, "…" where the beginning was.
fn tail(s: &str, room: usize) -> String {
    let n = s.chars().count();
    if n <= room {
        return s.to_string();
    }
    if room == 0 {
        return String::new();
    }
    let keep: String = s.chars().skip(n - (room - 1)).collect();
    format!("…{keep}")
}

/// The AWS account probes run in; a refusal is shown loudly, because probing the wrong account is
/// the mistake this exists to prevent.
fn aws(app: &App, with_arn: bool) -> Span<'static> {
    match &app.runs().aws {
        AwsView::NotConnected => Span::styled(" aws: not tried yet ", theme::DIM),
        AwsView::Connecting => Span::styled(" aws: connecting… ", theme::DIM),
        AwsView::Connected(id) if with_arn => {
            Span::styled(format!(" aws {} {} {} ", id.account, clean(&id.arn), id.region), theme::INFO)
        }
        AwsView::Connected(id) => Span::styled(format!(" aws {} {} ", id.account, id.region), theme::INFO),
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
