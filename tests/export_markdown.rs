//! The markdown report parses into the checklist's structure, whatever the user typed.

mod common;

use golive::checklist::Checklist;
use golive::export::markdown::{self, Meta};
use golive::session::{Evidence, EvidenceKind, Session, SignOff, SignStatus, Status};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Notes and evidence written to break out of their item.
const HOSTILE_NOTES: &str = "First line\n## Forged heading\n- [x] forged task\n| a | b |\n|---|---|\n\
```\nfenced\n````\n<script>alert(1)</script>\n\n1. numbered\n> quote";

fn busy_session(c: &Checklist) -> Session {
    let now = common::fixed_now();
    let mut s = Session::new(c, now);
    for (n, item) in c.items.iter().enumerate() {
        let status = Status::ALL[n % 5];
        let rec = s.record_mut(&item.id);
        rec.status = status;
        rec.by = Some(if n % 2 == 0 { "alice" } else { "bob | *admin*" }.into());
        rec.at = Some(now);
        if status == Status::NotApplicable {
            rec.reason = Some("- [x] not for us".into());
        }
        rec.notes = HOSTILE_NOTES.into();
        rec.evidence = vec![
            Evidence {
                kind: EvidenceKind::Url,
                value: "https://wiki.example/run book".into(),
                size: None,
                sha256: None,
                by: "alice".into(),
                at: now,
            },
            Evidence {
                kind: EvidenceKind::Url,
                value: "https://status.example/ok".into(),
                size: None,
                sha256: None,
                by: "alice".into(),
                at: now,
            },
            Evidence {
                kind: EvidenceKind::Text,
                value: "- [ ] ticket OPS-1 ## done".into(),
                size: None,
                sha256: None,
                by: "alice".into(),
                at: now,
            },
            Evidence {
                kind: EvidenceKind::File,
                value: "/srv/x [1].pdf".into(),
                size: Some(10),
                sha256: Some("0f".repeat(32)),
                by: "alice".into(),
                at: now,
            },
        ];
    }
    for area in &c.signoff_areas {
        s.signoff.insert(
            area.clone(),
            SignOff {
                reviewer: "Rev | x".into(),
                date: Some(now.date_naive()),
                status: SignStatus::Approved,
                ..SignOff::default()
            },
        );
    }
    s.final_approval = Some(SignOff {
        reviewer: "Dana".into(),
        date: Some(now.date_naive()),
        status: SignStatus::Approved,
        ..SignOff::default()
    });
    s
}

fn render(c: &Checklist, s: &Session) -> String {
    let decision = golive::gate::of_session(c, s, common::fixed_now());
    let meta = Meta {
        session_path: "/srv/launch/session.toml",
        generated: common::fixed_now(),
        full_evidence: false,
        decision: &decision,
        files: &[],
    };
    markdown::render(c, s, &meta)
}

struct Shape {
    h2: Vec<String>,
    h3: usize,
    tasks: usize,
    checked: usize,
    tables: usize,
    html: usize,
}

fn shape(md: &str) -> Shape {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_TABLES);
    let mut s = Shape { h2: vec![], h3: 0, tasks: 0, checked: 0, tables: 0, html: 0 };
    let mut in_h2 = None::<String>;
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, .. }) => in_h2 = Some(String::new()),
            Event::Start(Tag::Heading { level: HeadingLevel::H3, .. }) => s.h3 += 1,
            Event::Start(Tag::Heading { level, .. }) if level != HeadingLevel::H1 => {
                panic!("unexpected {level:?}")
            }
            Event::Text(t) if in_h2.is_some() => in_h2.as_mut().unwrap().push_str(&t),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => s.h2.push(in_h2.take().unwrap()),
            Event::TaskListMarker(checked) => {
                s.tasks += 1;
                s.checked += checked as usize;
            }
            Event::Start(Tag::Table(_)) => s.tables += 1,
            Event::Html(_) | Event::InlineHtml(_) => s.html += 1,
            _ => {}
        }
    }
    s
}

#[test]
fn a_busy_session_exports_nine_sections_and_exactly_98_tasks() {
    let c = Checklist::embedded();
    let md = render(&c, &busy_session(&c));
    let s = shape(&md);
    let sections: Vec<&String> = s.h2.iter().filter(|h| h.chars().next().unwrap().is_ascii_digit()).collect();
    assert_eq!(sections.len(), 9, "{:?}", s.h2);
    assert_eq!(sections[6], "7. Compliance & Privacy");
    assert_eq!(s.h2.len(), 9 + 4, "Decision, Summary, Quick Reference, Sign-Off: {:?}", s.h2);
    assert_eq!(s.h2[0], "Decision: NO-GO", "the report opens with the decision");
    assert_eq!(s.h3, 25);
    assert_eq!(s.tasks, 98);
    // pass and n/a are ticked: statuses cycle through all five, so 2 of every 5.
    let done = c.items.iter().enumerate().filter(|(n, _)| Status::ALL[n % 5].is_done()).count();
    assert_eq!(s.checked, done);
    assert_eq!(s.tables, 2, "summary and sign-off only");
    assert_eq!(s.html, 0, "no raw HTML from user text");
    // Each item's notes survive verbatim inside a fenced block.
    assert_eq!(md.matches("  ## Forged heading\n").count(), 98);
    assert!(md.contains("  `````text\n  First line\n"), "fence longer than the note's own backtick runs");
}

#[test]
fn an_empty_session_exports_all_items_unticked() {
    let c = Checklist::embedded();
    let md = render(&c, &Session::new(&c, common::fixed_now()));
    let s = shape(&md);
    assert_eq!((s.tasks, s.checked), (98, 0));
    assert!(md.contains("**Final Approval**: _________________ Date: _____________ (pending)"));
}

#[test]
fn export_snapshot() {
    let c = Checklist::embedded();
    let now = common::fixed_now();
    let mut s = Session::new(&c, now);
    let mut set = |id: &str, status: Status, reason: Option<&str>| {
        let r = s.record_mut(id);
        r.status = status;
        r.by = Some("alice".into());
        r.at = Some(now);
        r.reason = reason.map(str::to_string);
    };
    set("security.api-authentication", Status::Pass, None);
    set("security.user-authorization", Status::Fail, None);
    set("security.session-management", Status::Blocked, None);
    set("security.secrets-management", Status::NotApplicable, Some("no secrets in this service"));
    let r = s.record_mut("security.api-authentication");
    r.notes = "Checked with `curl -i` on every route.\n## Not a heading".into();
    r.evidence.push(Evidence {
        kind: EvidenceKind::Url,
        value: "https://ci.example/run/42".into(),
        size: None,
        sha256: None,
        by: "alice".into(),
        at: now,
    });
    s.signoff.insert(
        "Security".into(),
        SignOff {
            reviewer: "Carol".into(),
            date: Some(now.date_naive()),
            status: SignStatus::Approved,
            ..SignOff::default()
        },
    );
    let md = render(&c, &s);
    // The first section and the closing parts are enough to see the layout.
    let head: String = md.split("## 2. Reliability").next().unwrap().into();
    let tail: String = md.split("## Quick Reference").nth(1).unwrap().into();
    insta::assert_snapshot!("export_head", head);
    insta::assert_snapshot!("export_tail", tail);
}

/// `-o` a named pipe (or /dev/stdout, /dev/null): the report is written into it; the pipe is not
/// replaced by a regular file, as an atomic rename would do.
#[test]
fn export_into_a_named_pipe_writes_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let c = Checklist::embedded();
    golive::session::save(&session, &Session::new(&c, chrono::Utc::now())).unwrap();
    let fifo = dir.path().join("report.pipe");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_golive"))
        .env("HOME", dir.path())
        .args(["export", "--session", session.to_str().unwrap(), "-o", fifo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Checked before reading: a pipe renamed over would leave the reader waiting forever.
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
    let report = reader.join().unwrap();
    assert!(report.starts_with("# Production Deployment Checklist: go-live report\n"), "{report}");
    let temps = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(temps, 0, "no temp file left beside it");
}

/// A probed item's entry says what the pass vouches for and what it leaves to people; a pass of a
/// probe that checks a part says it awaits a person.
#[test]
fn a_probe_result_says_what_its_pass_means_and_what_it_does_not_check() {
    let c = Checklist::embedded();
    let mut s = Session::new(&c, common::fixed_now());
    let result = golive::probe::ProbeResult {
        outcome: golive::probe::Outcome::Pass,
        summary: "no wildcard actions in 1 policy of agent-task".into(),
        evidence: vec![],
        at: common::fixed_now(),
        duration_ms: 5,
    };
    s.apply_probe("security.least-privilege", "aws.iam.no-wildcard-actions", result, false);
    let md = render(&c, &s);
    let entry = md.split("**Least Privilege**").nth(1).unwrap().split("- [").next().unwrap();
    assert!(entry.contains("Status: **todo** (probe: pass, awaiting a person's confirmation"), "{entry}");
    assert!(
        entry.contains(
            "A pass of `aws.iam.no-wildcard-actions` means no statement of the service's roles grants actions by \
             wildcard or NotAction; not checked: whether each named action is needed"
        ),
        "{entry}"
    );
}
