//! Checklists and sessions of any size, for benchmarks: 10 sections of 10 groups, items spread
//! evenly, every 7th critical, every 5th with a probe; a session answering every item with a
//! status, a note of a few lines, one evidence entry and its history.

use chrono::{DateTime, TimeZone, Utc};
use golive::checklist::Checklist;
use golive::session::{Change, Evidence, EvidenceKind, Session, Status};
use std::fmt::Write;

pub fn checklist_toml(items: usize) -> String {
    let mut out = String::from(
        "schema_version = 1\nid = \"synthetic\"\nname = \"Synthetic checklist\"\nversion = \"1\"\n\
         description = \"Generated for benchmarks.\"\n",
    );
    let per_group = items.div_ceil(100).max(1);
    let mut n = 0;
    for s in 0..10 {
        let _ = write!(out, "\n[[sections]]\nid = \"s{s}\"\ntitle = \"Section {s}\"\n");
        for g in 0..10 {
            if n >= items {
                break;
            }
            let _ = write!(out, "\n[[sections.groups]]\ntitle = \"Group {s}.{g}\"\n");
            for _ in 0..per_group {
                if n >= items {
                    break;
                }
                let _ = write!(
                    out,
                    "\n[[sections.groups.items]]\nid = \"s{s}.item-{n}\"\ntitle = \"Item {n}: verify the thing\"\n\
                     description = \"Checks that item {n} of group {s}.{g} is configured as production needs\"\n"
                );
                if n % 7 == 0 {
                    out.push_str("critical = true\n");
                }
                if n % 5 == 0 {
                    out.push_str(
                        "probe = { kind = \"file\", name = \"docs\", paths = [\"docs/**/*.md\"] }\n",
                    );
                }
                n += 1;
            }
        }
    }
    out.push_str("\n[[signoff]]\narea = \"Security\"\n\n[[signoff]]\narea = \"Operations\"\n");
    out
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap()
}

/// Every item answered, with notes, evidence and history.
pub fn session(checklist: &Checklist) -> Session {
    let mut s = Session::new(checklist, at());
    for (n, item) in checklist.items.iter().enumerate() {
        let rec = s.record_mut(&item.id);
        rec.status = [Status::Pass, Status::Fail, Status::Blocked, Status::Todo][n % 4];
        rec.by = Some("alice".into());
        rec.at = Some(at());
        rec.notes = format!(
            "Checked with the on-call engineer.\nTicket OPS-{n} holds the details; re-check after the \
             deploy window.\nOwner: platform team."
        );
        rec.evidence.push(Evidence {
            kind: EvidenceKind::Url,
            value: format!("https://tickets.example.com/OPS-{n}"),
            size: None,
            sha256: None,
            by: "alice".into(),
            at: at(),
        });
        s.history.push(Change {
            at: at(),
            by: "alice".into(),
            item: Some(item.id.clone()),
            change: "status todo -> pass".into(),
        });
    }
    s
}
