//! Hostile and broken input, case by case: malformed checklists and sessions are refused with the
//! exact error (FILE:LINE:COL where there is a place), and text that could act on a terminal or
//! forge a report's structure is shown inert.

mod common;

use golive::checklist::{self, Checklist};
use golive::probe::{Outcome, ProbeResult};
use golive::session::{self, Evidence, EvidenceKind, Session};
use std::path::Path;

const CHECKLIST_HEAD: &str = "schema_version = 1\nid = \"c\"\nname = \"C\"\nversion = \"1\"\n";
const ITEM: &str = "[[sections]]\nid = \"s\"\ntitle = \"S\"\n[[sections.groups]]\ntitle = \"G\"\n\
                    [[sections.groups.items]]\nid = \"s.a\"\ntitle = \"A\"\ndescription = \"d\"\n";

fn checklist_err(text: &str) -> String {
    checklist::parse("c.toml", text).err().map(|e| e.to_string()).unwrap_or_else(|| "loaded".into())
}

fn session_head() -> String {
    format!(
        "schema_version = 1\nchecklist = \"{}\"\nchecklist_version = \"1\"\ncreated = \"2026-11-25T09:30:00Z\"\n",
        Checklist::embedded().id
    )
}

fn session_err(text: &str) -> String {
    session::parse("s.toml", text, &Checklist::embedded())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "loaded".into())
}

/// The error `golive` prints for a file, through the loaders that read files.
fn file_err(path: &Path) -> (String, String) {
    let c = checklist::load_file(path).err().map(|e| format!("{e:#}")).unwrap_or_default();
    let s = session::load(path, &Checklist::embedded()).err().map(|e| format!("{e:#}")).unwrap_or_default();
    (c, s)
}

#[test]
fn malformed_checklists_are_refused_with_the_place() {
    let h = CHECKLIST_HEAD;
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty file", String::new(), "c.toml:1:1: missing field `schema_version`"),
        ("truncated header", format!("{h}[[sections]\n"), "c.toml:5:12: unclosed array table, expected `]`"),
        (
            "truncated string",
            format!("{h}{ITEM}").replace("description = \"d\"", "description = \"d"),
            "c.toml:13:17: invalid basic string, expected `\"`",
        ),
        (
            "wrong type",
            format!("{h}{ITEM}").replace("title = \"A\"", "title = 5"),
            "c.toml:12:9: invalid type: integer `5`, expected a string",
        ),
        (
            "critical as text",
            format!("{h}{ITEM}critical = \"yes\"\n"),
            "c.toml:14:12: invalid type: string \"yes\", expected a boolean",
        ),
        (
            "schema_version as text",
            h.replace("schema_version = 1", "schema_version = \"1\""),
            "c.toml:1:18: invalid type: string \"1\", expected i64",
        ),
        (
            "unknown top-level key",
            format!("{h}owner = \"x\"\n{ITEM}"),
            "c.toml:5:1: unknown field `owner`, expected one of",
        ),
        (
            "unknown item key",
            format!("{h}{ITEM}severity = 3\n"),
            "c.toml:14:1: unknown field `severity`, expected one of `id`, `title`, `description`, `critical`, `probe`, `probes`",
        ),
        ("duplicate key", format!("{h}name = \"again\"\n{ITEM}"), "c.toml:5:1: duplicate key"),
        (
            "duplicate item id",
            format!("{h}{ITEM}[[sections.groups.items]]\nid = \"s.a\"\ntitle = \"B\"\ndescription = \"d\"\n"),
            "c.toml:15:6: duplicate item id \"s.a\" (first at line 11)",
        ),
        ("nul bytes", format!("{h}\0\0\0\n"), "c.toml:5:4: key with no value, expected `=`"),
        (
            "deeply nested arrays",
            format!("{h}x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            "c.toml:5:85: cannot recurse further; max recursion depth met",
        ),
        (
            "deeply nested tables",
            format!("{h}x = {}1{}\n", "{a = ".repeat(50_000), "}".repeat(50_000)),
            "c.toml:5:405: cannot recurse further; max recursion depth met",
        ),
        (
            "unknown probe kind",
            format!("{h}{ITEM}probe = {{ kind = \"aws.lambda.everything\" }}\n"),
            "c.toml:14:9: unknown probe kind \"aws.lambda.everything\" (known: aws.sts.assumed-role, ",
        ),
        (
            "probe parameter of the wrong type",
            format!("{h}{ITEM}probe = {{ kind = \"tls\", warn_days = \"soon\" }}\n"),
            "c.toml:14:9: probe parameter warn_days must be a whole number of days from 1 to 36500, not \"soon\"",
        ),
        (
            "probe and probes",
            format!("{h}{ITEM}probe = {{ kind = \"dns\" }}\nprobes = [{{ kind = \"tls\" }}]\n"),
            "an item has either probe or probes, not both",
        ),
    ];
    assert!(cases.len() >= 16);
    let wrong: Vec<String> = cases
        .into_iter()
        .map(|(name, text, want)| (name, checklist_err(&text), want))
        .filter(|(_, got, want)| {
            !(got.starts_with(want) || (want.starts_with("an item") && got.contains(want)))
        })
        .map(|(name, got, want)| format!("{name}:\n got: {got}\nwant: {want}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn odd_but_valid_checklists_load() {
    let long_title = "L".repeat(1 << 20);
    for (name, text) in [
        ("CRLF line endings", format!("{CHECKLIST_HEAD}{ITEM}").replace('\n', "\r\n")),
        ("a byte order mark", format!("\u{feff}{CHECKLIST_HEAD}{ITEM}")),
        (
            "a 1 MiB title",
            format!("{CHECKLIST_HEAD}{ITEM}").replace("title = \"A\"", &format!("title = \"{long_title}\"")),
        ),
    ] {
        assert_eq!(checklist_err(&text), "loaded", "{name}");
    }
}

#[test]
fn malformed_sessions_are_refused_with_the_place() {
    let h = session_head();
    let item = "[items.\"security.api-authentication\"]\n";
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty file", String::new(), "s.toml:1:1: not a golive session: schema_version is missing"),
        (
            "truncated table header",
            format!("{h}[items.\n"),
            "s.toml:5:8: unquoted keys cannot be empty, expected letters, numbers, `-`, `_`",
        ),
        (
            "truncated string",
            format!("{h}{item}notes = \"half"),
            "s.toml:6:14: invalid basic string, expected `\"`",
        ),
        ("status of the wrong type", format!("{h}{item}status = 3\n"), "s.toml:6:10: wanted string or table"),
        (
            "unknown status",
            format!("{h}{item}status = \"done\"\n"),
            "s.toml:6:10: unknown variant `done`, expected one of",
        ),
        ("unknown item key", format!("{h}{item}colour = \"red\"\n"), "s.toml:6:1: unknown field `colour`"),
        ("unknown top-level key", format!("{h}owner = \"x\"\n"), "s.toml:5:1: unknown field `owner`"),
        (
            "newer schema",
            h.replace("schema_version = 1", "schema_version = 2"),
            "s.toml:1:18: unsupported session schema_version 2 (this golive reads 1)",
        ),
        (
            "another checklist",
            h.replace("checklist = \"agentcore-production\"", "checklist = \"other\""),
            "s.toml:2:13: this session answers checklist \"other\", not \"agentcore-production\"",
        ),
        (
            "a date that is not one",
            format!("{h}{item}status = \"pass\"\nat = \"yesterday\"\n"),
            "s.toml:7:6: ",
        ),
        (
            "the same item twice",
            format!("{h}{item}status = \"pass\"\n{item}status = \"fail\"\n"),
            "s.toml:7:8: duplicate key",
        ),
        (
            "unknown evidence kind",
            format!(
                "{h}{item}[[items.\"security.api-authentication\".evidence]]\nkind = \"photo\"\nvalue = \"x\"\nby = \"a\"\nat = \"2026-11-25T09:30:00Z\"\n"
            ),
            "s.toml:7:8: unknown variant `photo`",
        ),
        (
            "deeply nested arrays",
            format!("{h}x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            "s.toml:5:85: cannot recurse further; max recursion depth met",
        ),
        (
            "deeply nested dotted keys",
            format!("{h}{} = 1\n", vec!["a"; 100_000].join(".")),
            "s.toml:1:1: recursion limit",
        ),
    ];
    assert!(cases.len() >= 14);
    let wrong: Vec<String> = cases
        .into_iter()
        .map(|(name, text, want)| (name, session_err(&text), want))
        .filter(|(_, got, want)| !got.starts_with(want))
        .map(|(name, got, want)| format!("{name}:\n got: {got}\nwant: {want}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn unreadable_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // Not UTF-8: the line and column of the first bad byte.
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"schema_version = 1\nname = \"caf\xe9\"\n").unwrap();
    let (c, s) = file_err(&latin1);
    let want = format!("{}:2:12: file is not valid UTF-8", latin1.display());
    assert_eq!((c.as_str(), s.as_str()), (want.as_str(), want.as_str()));
    // 50 MB: refused before it is read.
    let big = dir.path().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50 << 20).unwrap();
    let (c, s) = file_err(&big);
    let want = format!(
        "{}: 52428800 bytes is too large for a golive checklist or session (at most 16 MiB)",
        big.display()
    );
    assert_eq!((c.as_str(), s.as_str()), (want.as_str(), want.as_str()));
    assert_eq!(std::fs::metadata(&big).unwrap().len(), 50 << 20);
    // A directory where the session should be.
    let (_, s) = file_err(dir.path());
    assert!(s.contains("not a regular file (a directory)"), "{s}");
}

const ESCAPES: &str = "\x1b[31mred\x1b[0m \x1b]0;owned title\x07 \x1b[2J\x08\x7f\u{9b}2J";

fn hostile_session() -> Session {
    let c = Checklist::embedded();
    let mut s = Session::new(&c, common::fixed_now());
    let rec = s.record_mut("security.api-authentication");
    rec.notes = format!(
        "{ESCAPES}\n## forged heading\n- [x] **Forged Item** - looks done\n</details><script>alert(1)</script>\n```\nbreak out\n| a | b |\n{}",
        "w".repeat(100_000)
    );
    rec.evidence.push(Evidence {
        kind: EvidenceKind::Text,
        value: format!("ticket {ESCAPES} [link](javascript:alert(1))"),
        by: format!("eve{ESCAPES}"),
        at: common::fixed_now(),
        size: None,
        sha256: None,
    });
    rec.probe = Some(ProbeResult {
        outcome: Outcome::Fail,
        summary: format!("probe said {ESCAPES}"),
        evidence: vec![format!("server header: {ESCAPES}")],
        at: common::fixed_now(),
        duration_ms: 3,
    });
    s
}

#[test]
fn escape_sequences_in_notes_evidence_and_probe_output_never_reach_the_terminal() {
    let mut app = common::app_with(hostile_session());
    for (w, h) in [(80, 24), (200, 60)] {
        let t = common::render(&mut app, w, h);
        let buf = t.backend().buffer();
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "control character in a cell: {:?}",
                cell.symbol()
            );
        }
        let screen = common::screen_text(&t);
        if w == 200 {
            assert!(screen.contains("␛[31mred␛[0m"), "escapes shown as symbols:\n{screen}");
        }
    }
}

#[test]
fn hostile_text_cannot_forge_the_report_or_act_on_a_terminal() {
    let c = Checklist::embedded();
    let s = hostile_session();
    let report = golive::export::markdown::render(
        &c,
        &s,
        &golive::export::markdown::Meta {
            session_path: "s.toml",
            generated: common::fixed_now(),
            full_evidence: false,
            decision: &golive::gate::of_session(&c, &s, common::fixed_now()),
            files: &[],
        },
    );
    assert!(!report.chars().any(|ch| ch.is_control() && ch != '\n'), "a control character in the report");
    assert!(report.contains("␛[31mred␛[0m"));
    // Structure: the forged heading and item stay inside the note's fence; the real items are
    // the checklist's 98 and no HTML opens.
    use pulldown_cmark::{Event, Parser, Tag};
    let mut tasks = 0;
    for ev in Parser::new_ext(&report, pulldown_cmark::Options::ENABLE_TASKLISTS) {
        match ev {
            Event::TaskListMarker(_) => tasks += 1,
            Event::Start(Tag::Heading { .. }) => {}
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML in the report: {h}"),
            _ => {}
        }
    }
    assert_eq!(tasks, c.items.len(), "one task per checklist item, no forged one");
    assert!(!report.contains("\n## forged heading"), "the forged heading is not a heading");
}
