//! The markdown report. It mirrors the checklist (sections, groups, task items) and keeps every
//! piece of user text inside its item: inline text is escaped and notes go in a fenced block, so a
//! note holding `## Heading` or `- [x]` cannot forge structure in the report.

use crate::checklist::{Checklist, Item};
use crate::session::progress::Tally;
use crate::session::{Evidence, EvidenceKind, ItemRecord, Session, SignOff, Status};
use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt::Write;

pub struct Meta<'a> {
    pub session_path: &'a str,
    pub generated: DateTime<Utc>,
    /// Every evidence line, instead of long listings summarised.
    pub full_evidence: bool,
    /// The gate's decision, which the report opens with.
    pub decision: &'a crate::gate::Decision,
    /// Evidence files read again as the report is written.
    pub files: &'a [crate::session::evidence::Recheck],
}

pub fn render(checklist: &Checklist, session: &Session, meta: &Meta) -> String {
    let mut out = String::new();
    header(&mut out, checklist, session, meta);
    decision(&mut out, checklist, meta.decision);
    changed_files(&mut out, meta.files);
    waivers(&mut out, checklist, session, meta.generated.date_naive());
    window(&mut out, session);
    summary(&mut out, checklist, session);
    for (n, section) in checklist.sections.iter().enumerate() {
        let _ = writeln!(out, "## {}. {}\n", n + 1, checklist_inline(&section.title));
        for group in &section.groups {
            let _ = writeln!(out, "### {}\n", checklist_inline(&group.title));
            for item in &checklist.items[group.items.clone()] {
                item_entry(&mut out, item, session, meta);
            }
        }
    }
    orphans(&mut out, checklist, session);
    quick_reference(&mut out, checklist, session);
    signoff(&mut out, checklist, session);
    out
}

/// The decision first, and every reason it is not GO: what a launch lead reads before anything.
fn decision(out: &mut String, checklist: &Checklist, d: &crate::gate::Decision) {
    let _ = writeln!(
        out,
        "## Decision: {}
",
        d.verdict.word()
    );
    if let Some(e) = &d.exceptions {
        let _ = writeln!(
            out,
            "**The final approval was given with exceptions:** {}
",
            escape_inline(e)
        );
    }
    let _ = writeln!(
        out,
        "{}
",
        escape_inline(&d.headline())
    );
    let _ = writeln!(
        out,
        "The gate's rule: {}.
",
        escape_inline(&d.rule)
    );
    let (blocking, undecided): (Vec<_>, Vec<_>) = d.blockers.iter().partition(|b| b.why.blocks());
    for (title, list) in [("Blocking", blocking), ("Could not be decided", undecided)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:\n");
        for b in list {
            let _ = writeln!(out, "- {}", escape_inline(&b.text));
        }
        out.push('\n');
    }
    let _ = checklist;
}

/// Evidence files that changed or vanished since they were attached: a reader must know before
/// trusting them.
fn changed_files(out: &mut String, files: &[crate::session::evidence::Recheck]) {
    use crate::session::evidence::FileCheck;
    let flagged: Vec<_> =
        files.iter().filter(|f| matches!(f.check, FileCheck::Changed { .. } | FileCheck::Missing)).collect();
    if flagged.is_empty() {
        return;
    }
    out.push_str("## Evidence changed since it was attached\n\n");
    for f in flagged {
        let _ = writeln!(
            out,
            "- `{}` evidence {}: file {}: {}",
            f.item,
            f.index + 1,
            escape_inline(&f.path),
            escape_inline(&f.check.flag().unwrap_or_default())
        );
    }
    out.push('\n');
}

/// `golive watch`'s sweeps over the launch window: when it was watched, and each sweep that told
/// a change (with the outcome counts), so the report shows how the window went.
fn window(out: &mut String, session: &Session) {
    let (Some(first), Some(last)) = (session.sweeps.first(), session.sweeps.last()) else { return };
    let told: usize = session.sweeps.iter().map(|s| s.changes).sum();
    let _ = writeln!(
        out,
        "## Launch window\n\nWatched from {} to {}: {} sweeps, {told} change{} told.\n",
        stamp(&first.at),
        stamp(&last.at),
        session.sweeps.len(),
        if told == 1 { "" } else { "s" }
    );
    out.push_str("| Sweep at | Outcomes | Changes |\n|---|---|---|\n");
    let counts = |s: &crate::session::SweepLog| {
        s.counts.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    };
    // The first, the last and every sweep that told something: the window's shape, not its length.
    for (n, s) in session.sweeps.iter().enumerate() {
        if n == 0 || n + 1 == session.sweeps.len() || s.changes > 0 {
            let _ = writeln!(out, "| {} | {} | {} |", stamp(&s.at), counts(s), s.changes);
        }
    }
    out.push('\n');
}

/// Every waiver in the session: what the gate let through, until when, on whose word.
fn waivers(out: &mut String, checklist: &Checklist, session: &Session, today: chrono::NaiveDate) {
    let waived: Vec<_> =
        checklist.items.iter().filter_map(|i| Some((i, session.record(&i.id)?.waiver.as_ref()?))).collect();
    if waived.is_empty() {
        return;
    }
    out.push_str("## Waivers\n\n| Item | Reason | Asked by | Approved by | Expires | Ticket |\n|---|---|---|---|---|---|\n");
    for (item, w) in waived {
        let expires = if w.expired(today) {
            format!("**expired** {}", w.expires)
        } else {
            format!("{} ({} days left)", w.expires, w.days_left(today))
        };
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {} | {expires} | {} |",
            item.id,
            checklist_inline(&item.title),
            escape_inline(&w.reason),
            escape_inline(&w.asked_by),
            escape_inline(&w.approved_by),
            w.ticket.as_deref().map(escape_inline).unwrap_or_default()
        );
    }
    out.push('\n');
}

/// Answers to items the checklist no longer has (removed, or renamed without `replaces`): kept
/// in the session and shown here, so an upgrade never hides what someone recorded.
fn orphans(out: &mut String, checklist: &Checklist, session: &Session) {
    let ids = crate::session::upgrade::orphans(session, checklist);
    if ids.is_empty() {
        return;
    }
    let what = match ids.len() {
        1 => "1 answer belongs to an item".to_string(),
        n => format!("{n} answers belong to items"),
    };
    let _ = writeln!(
        out,
        "## Orphaned answers\n\n{what} that {} version {} does not have; kept in the session.\n",
        escape_inline(&checklist.id),
        escape_inline(&checklist.version)
    );
    for id in ids {
        let Some(rec) = session.record(id) else { continue };
        // Ids are checked on load; anything else (an older file, another tool) is escaped text.
        if crate::checklist::is_id(id) {
            let _ = write!(out, "- `{id}`");
        } else {
            let _ = write!(out, "- {}", escape_inline(&crate::text::printable(id)));
        }
        status_line(out, rec.status, Some(rec));
        out.push('\n');
        notes_and_evidence(out, rec, id, &[]);
        out.push('\n');
    }
}

fn stamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn header(out: &mut String, checklist: &Checklist, session: &Session, meta: &Meta) {
    let t = Tally::of(&checklist.items, session);
    let _ = writeln!(out, "# {}: go-live report\n", checklist_inline(&checklist.name));
    let _ = writeln!(out, "- Generated: {}", stamp(&meta.generated));
    let _ = writeln!(out, "- Session: {}", escape_inline(meta.session_path));
    let _ = writeln!(
        out,
        "- Checklist: {} version {} ({})",
        escape_inline(&checklist.id),
        escape_inline(&checklist.version),
        escape_inline(&checklist.source)
    );
    let _ = writeln!(out, "- Session started: {}", stamp(&session.created));
    let _ = writeln!(
        out,
        "- Progress: {}/{} done ({}%): {} pass, {} n/a, {} fail, {} blocked, {} todo\n",
        t.done(),
        t.total(),
        t.percent(),
        t.pass,
        t.na,
        t.fail,
        t.blocked,
        t.todo
    );
}

fn summary(out: &mut String, checklist: &Checklist, session: &Session) {
    out.push_str("## Summary\n\n");
    out.push_str("| Section | Items | Done | Pass | N/A | Fail | Blocked | Todo |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    let row = |out: &mut String, name: &str, t: Tally| {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            t.total(),
            t.done(),
            t.pass,
            t.na,
            t.fail,
            t.blocked,
            t.todo
        );
    };
    for (n, s) in checklist.sections.iter().enumerate() {
        let t = Tally::of(&checklist.items[s.items.clone()], session);
        row(out, &format!("{}. {}", n + 1, checklist_inline(&s.title)), t);
    }
    row(out, "**Total**", Tally::of(&checklist.items, session));
    out.push('\n');
}

fn item_entry(out: &mut String, item: &Item, session: &Session, meta: &Meta) {
    let full = meta.full_evidence;
    let rec = session.record(&item.id);
    let status = rec.map_or(Status::Todo, |r| r.status);
    let mark = if status.is_done() { "x" } else { " " };
    let _ = write!(out, "- [{mark}] **{}**", checklist_inline(&item.title));
    if !item.description.is_empty() {
        let _ = write!(out, " - {}", checklist_inline(&item.description));
    }
    status_line(out, status, rec);
    if item.critical {
        out.push_str(" (critical)");
    }
    out.push('\n');
    if let Some(r) = rec {
        notes_and_evidence(out, r, &item.id, meta.files);
    }
    probe_entry(out, item, rec.and_then(|r| r.probe.as_ref()), full);
    out.push('\n');
}

/// "Status: ..." on the entry's second line, left open for what follows on it.
fn status_line(out: &mut String, status: Status, rec: Option<&ItemRecord>) {
    // A trailing backslash is a hard line break that survives editors stripping trailing spaces.
    let _ = write!(out, "\\\n  Status: **{}**", status.word());
    let Some(r) = rec else { return };
    if let Some(by) = &r.by {
        let _ = write!(out, " by {}", escape_inline(by));
    }
    if let Some(at) = &r.at {
        let _ = write!(out, " at {}", stamp(at));
    }
    if let Some(reason) = &r.reason {
        let _ = write!(out, "; reason: {}", escape_inline(reason));
    }
    if status == Status::Todo && r.probe.as_ref().is_some_and(|p| p.outcome == crate::probe::Outcome::Pass) {
        out.push_str(" (probe: pass, awaiting a person's confirmation: it checks a part of the item)");
    }
    if let Some(w) = &r.waiver {
        let _ = write!(
            out,
            "; waived until {} by {} (approved by {})",
            w.expires,
            escape_inline(&w.asked_by),
            escape_inline(&w.approved_by)
        );
    }
    if let Some(o) = r.overridden_probe() {
        let _ = write!(
            out,
            " (probe: {}; set to {} by {})",
            o.word(),
            status.word(),
            escape_inline(r.by.as_deref().unwrap_or("someone"))
        );
    }
}

fn notes_and_evidence(
    out: &mut String,
    r: &ItemRecord,
    id: &str,
    files: &[crate::session::evidence::Recheck],
) {
    if !r.notes.trim().is_empty() {
        out.push_str("\n  Notes:\n\n");
        fenced(out, &r.notes, "  ");
    }
    if !r.evidence.is_empty() {
        out.push_str("\n  Evidence:\n\n");
        for (n, e) in r.evidence.iter().enumerate() {
            let flag = files.iter().find(|f| f.item == id && f.index == n).and_then(|f| f.check.flag());
            match flag {
                Some(flag) => {
                    let _ = writeln!(out, "  - {} **{}**", evidence_line(e), escape_inline(&flag));
                }
                None => {
                    let _ = writeln!(out, "  - {}", evidence_line(e));
                }
            }
        }
    }
}

fn probe_entry(out: &mut String, item: &Item, result: Option<&crate::probe::ProbeResult>, full: bool) {
    match (result, item.is_automated()) {
        (Some(p), _) => {
            let _ = writeln!(
                out,
                "\n  Probe: {} {}: {} ({}, {} ms)",
                p.outcome.glyph(),
                p.outcome.word(),
                escape_inline(&p.summary),
                stamp(&p.at),
                p.duration_ms
            );
            // What the result does and does not vouch for, so a signed report is read as meant.
            for kind in item.probes.iter().filter_map(|s| crate::probe::registry::find(&s.kind)) {
                let _ = writeln!(
                    out,
                    "\n  A pass of `{}` means {}; not checked: {}.",
                    kind.name,
                    escape_inline(kind.passes),
                    escape_inline(kind.misses)
                );
            }
            if !p.evidence.is_empty() {
                out.push('\n');
                for line in &shown_evidence(&p.evidence, full) {
                    let _ = writeln!(out, "  - {}", escape_inline(line));
                }
            }
        }
        (None, true) => {
            let _ = writeln!(out, "\n  Probe: `{}` not run", item.probe_kinds().replace('`', "'"));
        }
        (None, false) => {}
    }
}

/// A probe's evidence as a reader gets it: long listings summarised unless every line is asked for.
pub fn shown_evidence(lines: &[String], full: bool) -> Vec<String> {
    if full { lines.to_vec() } else { crate::probe::evidence::summarise(lines) }
}

pub fn evidence_line(e: &Evidence) -> String {
    let who = format!("added by {} at {}", escape_inline(&e.by), stamp(&e.at));
    match e.kind {
        EvidenceKind::Url if is_plain_url(&e.value) => format!("<{}> ({who})", e.value),
        EvidenceKind::File => {
            let mut s = format!("file {}", escape_inline(&e.value));
            if let (Some(size), Some(sha)) = (e.size, &e.sha256) {
                let _ = write!(s, ": {size} bytes, sha256 {sha}");
            }
            let _ = write!(s, " ({who})");
            s
        }
        _ => format!("{} ({who})", escape_inline(&e.value)),
    }
}

fn is_plain_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`'))
}

fn quick_reference(out: &mut String, checklist: &Checklist, session: &Session) {
    let critical: Vec<&Item> = checklist.items.iter().filter(|i| i.critical).collect();
    if critical.is_empty() {
        return;
    }
    let t = Tally::of(critical.iter().copied(), session);
    let _ = writeln!(out, "## Quick Reference: Critical Items\n\n{}/{} done.\n", t.done(), t.total());
    // A plain list, not task items: the report holds exactly one task item per checklist item.
    for item in critical {
        let status = session.status(&item.id);
        let section = &checklist.sections[item.section].title;
        let _ = writeln!(
            out,
            "- {} **{}**: {} ({})",
            status.glyph().replace('[', "\\[").replace(']', "\\]"),
            status.word(),
            checklist_inline(&item.title),
            checklist_inline(section)
        );
    }
    out.push('\n');
}

fn signoff(out: &mut String, checklist: &Checklist, session: &Session) {
    use crate::session::edit::SignSlot;
    use crate::session::signoff::{SignState, state};
    out.push_str("## Sign-Off\n\n| Area | Reviewer | Date | Status |\n|------|----------|------|--------|\n");
    let extra = session.signoff.keys().filter(|a| !checklist.signoff_areas.contains(a));
    let cell = |slot: SignSlot| -> String {
        let s: SignOff = session.sign_off(slot);
        let st = state(checklist, session, slot);
        let mut word = st.word().to_string();
        if let Some(by) = s.by.as_deref().filter(|by| *by != s.reviewer) {
            let _ = write!(word, " by {}", escape_inline(by));
        }
        if let Some(arn) = &s.arn {
            let _ = write!(word, " (AWS {})", escape_inline(arn));
        }
        if let Some(r) = &s.reason {
            let _ = write!(word, ": {}", escape_inline(r));
        }
        if let SignState::Stale(changes) = st {
            let _ = write!(word, "; changed since: {}", escape_inline(&changes.join("; ")));
        }
        word
    };
    for area in checklist.signoff_areas.iter().chain(extra) {
        let s = session.signoff.get(area).cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            checklist_inline(area),
            escape_inline(&s.reviewer),
            s.date.map(|d| d.to_string()).unwrap_or_default(),
            cell(SignSlot::Area(area))
        );
    }
    let fa: SignOff = session.final_approval.clone().unwrap_or_default();
    let name =
        if fa.reviewer.is_empty() { "_________________".to_string() } else { escape_inline(&fa.reviewer) };
    let date = fa.date.map_or_else(|| "_____________".to_string(), |d| d.to_string());
    let _ = writeln!(out, "\n**Final Approval**: {name} Date: {date} ({})", cell(SignSlot::Final));
}

/// Writes `text` as a fenced block whose fence is longer than any backtick run inside it.
fn fenced(out: &mut String, text: &str, indent: &str) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{indent}{fence}text");
    for line in text.trim_end_matches('\n').lines() {
        // A report gets `cat`ed: an escape sequence in a note must not reach a terminal.
        let _ = writeln!(out, "{indent}{}", crate::text::printable(line));
    }
    let _ = writeln!(out, "{indent}{fence}");
}

/// Checklist text is the author's markdown (inline code in descriptions): its formatting is kept,
/// but it cannot break out of its line, its table cell or open an HTML tag.
pub fn checklist_inline(s: &str) -> String {
    let s = s.trim_start();
    let mut out = String::with_capacity(s.len() + 2);
    if s.starts_with(['-', '+', '=', '#', '>']) {
        out.push('\\');
    }
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '<' | '>' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for inline use: no line breaks, and every character that could start markdown
/// structure or an HTML tag is backslash-escaped.
pub fn escape_inline(s: &str) -> String {
    let s = s.trim_start();
    let mut out = String::with_capacity(s.len() + 2);
    // At the start of a list item's text, `- `, `+ ` or `1. ` would open a nested list.
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let s = if s.starts_with(['-', '+', '=', '#']) {
        out.push('\\');
        s
    } else if digits > 0 && s[digits..].starts_with(['.', ')']) {
        out.push_str(&s[..digits]);
        out.push('\\');
        &s[digits..]
    } else {
        s
    };
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
