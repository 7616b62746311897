use super::parts::{clean, pane};
use super::theme;
use crate::probe::Outcome;
use crate::session::{EvidenceKind, Status};
use crate::tui::app::{App, Pane};
use chrono::SecondsFormat;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.nav().focus == Pane::Detail;
    let c = &app.checklist();
    let item = &c.items[app.nav().selected];
    let group = c.group_of(item);
    let rec = app.session().record(&item.id);
    let mut lines: Vec<Line> = Vec::new();

    let mut title = vec![Span::styled(item.title.clone(), theme::TITLE)];
    if item.critical {
        title.push(Span::styled("  ★ critical", theme::MATCH));
    }
    lines.push(Line::from(title));
    lines.push(Line::styled(item.id.clone(), theme::DIM));
    if !item.description.is_empty() {
        lines.push(Line::raw(item.description.clone()));
    }
    lines.push(Line::raw(""));

    let status = rec.map(|r| r.status).unwrap_or_default();
    let mut st = vec![
        Span::styled("Status  ", theme::HEADING),
        Span::styled(format!("{} {}", status.glyph(), status.word()), theme::status(status)),
    ];
    if let Some(r) = rec
        && let (Some(by), Some(at)) = (&r.by, &r.at)
    {
        st.push(Span::styled(
            format!("  set by {} at {}", clean(by), at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            theme::DIM,
        ));
    }
    lines.push(Line::from(st));
    // A probe that checks a part of the item does not tick it: a person does.
    if let Some(p) = rec.and_then(|r| r.probe.as_ref())
        && status == Status::Todo
        && !rec.is_some_and(|r| r.status_by_probe)
    {
        let line = match (p.outcome, item.decided_by_probe) {
            (Outcome::Pass, false) => {
                "probe: pass, confirm: it checks a part of this item (p ticks it, with your name)".to_string()
            }
            // Results speak to any reader; the key that mends a missing setting is the screen's.
            (Outcome::NeedsConfig, _) => format!(
                "todo, last probe: needs-config at {} (t edits the target)",
                p.at.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            // What it found, here near the top: on a small screen the Probe section is far below.
            (o, _) => format!(
                "todo, last probe: {} at {}: {}",
                o.word(),
                p.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                clean(&p.summary)
            ),
        };
        lines.push(Line::styled(line, theme::MATCH));
    } else if let Some(p) = rec.filter(|r| r.status_by_probe).and_then(|r| r.probe.as_ref()) {
        lines.push(Line::styled(format!("  {}", clean(&p.summary)), theme::DIM));
    }
    if let Some(reason) = rec.and_then(|r| r.reason.as_ref()) {
        lines.push(Line::raw(format!("Reason  {}", clean(reason))));
    }
    if let Some(w) = rec.and_then(|r| r.waiver.as_ref()) {
        let today = app.now().date_naive();
        let (when, style) = if w.expired(today) {
            (format!("EXPIRED on {}: the gate blocks it again", w.expires), theme::ERROR)
        } else {
            (format!("until {} ({} days left)", w.expires, w.days_left(today)), theme::MATCH)
        };
        let ticket = w.ticket.as_deref().map(|t| format!(" [{}]", clean(t))).unwrap_or_default();
        lines.push(Line::styled(
            format!(
                "Waived  {when}, asked by {}, approved by {}: {}{ticket}",
                clean(&w.asked_by),
                clean(&w.approved_by),
                clean(&w.reason)
            ),
            style,
        ));
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled("Notes", theme::HEADING));
    match rec.map(|r| r.notes.as_str()).filter(|n| !n.is_empty()) {
        Some(notes) => lines.extend(notes.lines().map(|l| Line::raw(clean(l)))),
        None => lines.push(Line::styled("none yet: e to write", theme::DIM)),
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled("Evidence", theme::HEADING));
    match rec.map(|r| &r.evidence).filter(|e| !e.is_empty()) {
        Some(evidence) => {
            for (n, e) in evidence.iter().enumerate() {
                // The entry `d` deletes is marked wherever the focus is; the detail pane, focused,
                // also highlights it.
                let mark = if n == app.nav().evidence_sel { "›" } else { " " };
                let text = match e.kind {
                    EvidenceKind::File => match (e.size, &e.sha256) {
                        (Some(size), Some(sha)) => {
                            format!(
                                "file {} ({size} bytes, sha256 {})",
                                clean(&e.value),
                                clean(&sha.chars().take(12).collect::<String>())
                            )
                        }
                        _ => format!("file {}", clean(&e.value)),
                    },
                    EvidenceKind::Url => clean(&e.value),
                    EvidenceKind::Text => clean(&e.value),
                };
                let style =
                    if focused && n == app.nav().evidence_sel { theme::SELECTED } else { theme::TEXT };
                let mut spans = vec![Span::raw(format!("{mark}{}. ", n + 1)), Span::styled(text, style)];
                if let Some(flag) = app
                    .files()
                    .iter()
                    .find(|f| f.item == item.id && f.index == n)
                    .and_then(|f| f.check.flag())
                {
                    spans.push(Span::styled(format!("  ⚠ {}", clean(&flag)), theme::ERROR));
                }
                lines.push(Line::from(spans));
            }
        }
        None => lines.push(Line::styled("none yet: a to add", theme::DIM)),
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled("Probe", theme::HEADING));
    match app.runs().running.get(&app.nav().selected) {
        Some((_, true)) => lines.push(Line::styled(
            format!("{} running…", super::items::spinner(app.runs().spinner)),
            theme::MATCH,
        )),
        Some((_, false)) => lines.push(Line::styled("… queued", theme::DIM)),
        None => {}
    }
    match (rec.and_then(|r| r.probe.as_ref()), item.is_automated()) {
        (Some(p), _) => {
            lines.push(Line::raw(format!(
                "{} {}: {} ({} ms, {})",
                p.outcome.glyph(),
                p.outcome.word(),
                clean(&p.summary),
                p.duration_ms,
                p.at.to_rfc3339_opts(SecondsFormat::Secs, true)
            )));
            let evidence = crate::probe::evidence::summarise(&p.evidence);
            lines.extend(evidence.iter().map(|e| Line::styled(format!("  {}", clean(e)), theme::DIM)));
            let history = rec.map(|r| r.probe_history.as_slice()).unwrap_or_default();
            for h in history.iter().rev().take(3) {
                lines.push(Line::styled(
                    format!(
                        "earlier: {} {} at {}: {}",
                        h.outcome.glyph(),
                        h.outcome.word(),
                        h.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                        clean(&h.summary)
                    ),
                    theme::DIM,
                ));
            }
        }
        (None, true) => lines.push(Line::raw("not run yet: r runs it, A runs all")),
        (None, false) => lines.push(Line::styled("no automated check for this item", theme::DIM)),
    }

    // What the probe checks, after what it found.
    for spec in &item.probes {
        let Some(kind) = crate::probe::registry::find(&spec.kind) else { continue };
        let params: Vec<String> = spec.params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let params = if params.is_empty() { String::new() } else { format!(" ({})", params.join(", ")) };
        lines.push(Line::styled(format!("{}{params}: {}", kind.name, kind.doc), theme::DIM));
        lines.push(Line::styled(format!("  a pass means: {}", kind.passes), theme::DIM));
        lines.push(Line::styled(format!("  not checked: {}", kind.misses), theme::DIM));
        if let Some(missing) = kind.missing_feature() {
            lines.push(Line::styled(
                format!(
                    "  {} ({})",
                    crate::probe::registry::not_built(missing).summary,
                    crate::probe::registry::build_hint(missing)
                ),
                theme::MATCH,
            ));
        }
    }

    if let Some(guidance) = &group.guidance {
        lines.push(Line::raw(""));
        let lang = group.guidance_lang.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
        lines.push(Line::styled(format!("Guidance: {}{lang}", group.title), theme::HEADING));
        lines.extend(guidance.lines().map(|l| Line::styled(format!("  {l}"), theme::CODE)));
    }

    let block = pane(" Detail ".into(), focused);
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((app.nav().detail_scroll, 0)),
        area,
    );
}
