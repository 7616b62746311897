//! Whatever people type into notes, evidence, reasons and names, the report keeps the checklist's
//! structure (one task per item, no HTML) and carries no control character.
#![no_main]

use chrono::{TimeZone, Utc};
use golive::checklist::Checklist;
use golive::export::markdown::{Meta, render};
use golive::session::{Evidence, EvidenceKind, Session, Status};
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Options, Parser};
use std::sync::LazyLock;

static CHECKLIST: LazyLock<Checklist> = LazyLock::new(Checklist::embedded);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The input, cut at NULs, fills the fields a person types.
    let mut parts = text.split('\0').map(str::to_string);
    let mut next = || parts.next().unwrap_or_default();
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap();
    let mut s = Session::new(&CHECKLIST, at);
    for (n, item) in CHECKLIST.items.iter().enumerate().take(3) {
        let rec = s.record_mut(&item.id);
        rec.status = [Status::Pass, Status::Fail, Status::NotApplicable][n];
        rec.by = Some(next());
        rec.reason = Some(next());
        rec.notes = next();
        rec.evidence.push(Evidence {
            kind: [EvidenceKind::Url, EvidenceKind::File, EvidenceKind::Text][n],
            value: next(),
            size: None,
            sha256: None,
            by: next(),
            at,
        });
    }
    let report = render(&CHECKLIST, &s, &Meta { session_path: &next(), generated: at });
    assert!(!report.chars().any(|c| c.is_control() && c != '\n'), "a control character in the report");
    let mut tasks = 0;
    for ev in Parser::new_ext(&report, Options::ENABLE_TASKLISTS) {
        match ev {
            Event::TaskListMarker(_) => tasks += 1,
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML in the report: {h}"),
            _ => {}
        }
    }
    assert_eq!(tasks, CHECKLIST.items.len(), "a task forged or lost");
});
