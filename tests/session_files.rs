//! Session files: a full round trip, atomic 0600 saves, and bad files reported by FILE:LINE and
//! left exactly as they were.

mod common;

use chrono::NaiveDate;
use golive::checklist::Checklist;
use golive::probe::{Outcome, ProbeResult};
use golive::session::{self, Evidence, EvidenceKind, Session, SignOff, SignStatus, Status};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn full_session(c: &Checklist) -> Session {
    let now = common::fixed_now();
    let mut s = Session::new(c, now);
    s.ui.item = Some("security.least-privilege".into());
    s.ui.critical_only = true;
    for (n, status) in Status::ALL.into_iter().enumerate() {
        let rec = s.record_mut(&c.items[n].id);
        rec.status = status;
        rec.by = Some("alice".into());
        rec.at = Some(now);
    }
    let rec = s.record_mut("security.api-authentication");
    rec.reason = Some("internal only".into());
    rec.notes = "line one\n## not a heading\n\"quoted\" and '''triple'''\n".into();
    rec.evidence.push(Evidence {
        kind: EvidenceKind::File,
        value: "/srv/launch/pentest.pdf".into(),
        size: Some(1234),
        sha256: Some("ab".repeat(32)),
        by: "bob".into(),
        at: now,
    });
    rec.probe = Some(ProbeResult {
        outcome: Outcome::Fail,
        summary: "2 endpoints answer without credentials".into(),
        evidence: vec!["GET /admin -> 200".into()],
        at: now,
        duration_ms: 41,
    });
    s.signoff.insert(
        "Security".into(),
        SignOff {
            reviewer: "Carol".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 24),
            status: SignStatus::Approved,
            ..SignOff::default()
        },
    );
    s.final_approval = Some(SignOff {
        reviewer: "Dan".into(),
        date: None,
        status: SignStatus::Rejected,
        ..SignOff::default()
    });
    s.log(now, "alice", Some("security.api-authentication"), "status todo -> pass".into());
    s
}

#[test]
fn round_trip_keeps_everything() {
    let c = Checklist::embedded();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/s.toml");
    let s = full_session(&c);
    session::save(&path, &s).unwrap();
    let back = session::load(&path, &c).unwrap().unwrap();
    assert_eq!(back, s);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Only user data: no checklist text is copied into the file.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("Role-based access control"), "{text}");
    assert!(text.starts_with("schema_version = 1\n"), "{text}");
    // No temp files are left behind.
    let names: Vec<_> =
        std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["s.toml"]);
}

#[test]
fn missing_file_is_a_new_session() {
    let c = Checklist::embedded();
    assert!(session::load(Path::new("/nonexistent/golive/s.toml"), &c).unwrap().is_none());
}

const HEAD: &str = "schema_version = 1\nchecklist = \"agentcore-production\"\nchecklist_version = \"1\"\ncreated = \"2026-11-25T09:30:00Z\"\n";

fn parse_err(text: &str) -> String {
    session::parse("s.toml", text, &Checklist::embedded()).unwrap_err().to_string()
}

#[test]
fn bad_sessions_name_file_line_and_column() {
    assert_eq!(
        parse_err(&HEAD.replace("schema_version = 1", "schema_version = 2")),
        "s.toml:1:18: unsupported session schema_version 2 (this golive reads 1)"
    );
    assert_eq!(
        parse_err(&HEAD.replace("agentcore-production", "other")),
        "s.toml:2:13: this session answers checklist \"other\", not \"agentcore-production\" \
         (embedded:agentcore-production.toml); pass the matching --checklist"
    );
    assert_eq!(
        parse_err(&format!("{HEAD}\n[items.\"security.api-authentication\"]\nstatus = \"done\"\n")),
        "s.toml:7:10: unknown variant `done`, expected one of `todo`, `pass`, `fail`, `blocked`, `n/a`"
    );
    assert_eq!(
        parse_err(&format!("{HEAD}\n[items.\"x\"]\nstatus = \"pass\"\nstatsu = 1\n")),
        "s.toml:8:1: unknown field `statsu`, expected one of `status`, `by`, `at`, `reason`, `notes`, `evidence`, `status_by_probe`, `probe`, `probe_history`, `waiver`"
    );
    assert_eq!(
        parse_err("checklist = \"x\"\n"),
        "s.toml:1:1: not a golive session: schema_version is missing"
    );
    let truncated = &format!("{HEAD}\n[items.\"x\"]\nnotes = \"\"\"half")[..];
    assert_eq!(parse_err(truncated), "s.toml:7:16: invalid multi-line basic string, expected `\"`");
}

fn golive(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_golive")).args(args).output().unwrap()
}

#[test]
fn the_binary_refuses_a_bad_session_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let text =
        format!("{HEAD}\n[items.\"security.api-authentication\"]\nstatus = \"pass\nnotes = \"keep me\"\n");
    std::fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();
    for args in [
        vec!["--session", p],
        vec!["export", "--session", p],
        vec!["export", "--session", p, "-o", "/dev/null"],
    ] {
        let out = golive(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with(&format!("golive: {p}:7:15: invalid basic string")), "{args:?}: {err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the file must not change");
    }
    // Nothing beside it: not even a lock (locks live in the user's own runtime or state dir).
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["s.toml"], "no replacement, backup, lock or temp file beside it");
}

#[test]
fn the_binary_reports_a_bad_checklist_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team.toml");
    std::fs::write(&path, "schema_version = 1\nid = \"t\"\nname = \"T\"\nsections = 3\n").unwrap();
    let out = golive(&["export", "--checklist", path.to_str().unwrap(), "--session", "/nonexistent.toml"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end(),
        format!("golive: {}:4:12: invalid type: integer `3`, expected a sequence", path.display())
    );
}

#[test]
fn export_without_a_session_says_so() {
    let out = golive(&["export", "--session", "/nonexistent/s.toml"]);
    assert!(!out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), "golive: no session at /nonexistent/s.toml");
}

#[test]
fn export_writes_a_0600_file_or_stdout() {
    let c = Checklist::embedded();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    session::save(&path, &full_session(&c)).unwrap();
    let out_path = dir.path().join("report.md");
    let out = golive(&["export", "--session", path.to_str().unwrap(), "-o", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = std::fs::read_to_string(&out_path).unwrap();
    assert!(report.starts_with("# Production Deployment Checklist: go-live report\n"));
    assert_eq!(std::fs::metadata(&out_path).unwrap().permissions().mode() & 0o777, 0o600);
    let out = golive(&["export", "--session", path.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Same report but for the generated-at line.
    let strip = |s: &str| s.lines().filter(|l| !l.starts_with("- Generated:")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&stdout), strip(&report));
}

#[test]
fn answers_for_items_the_checklist_does_not_have_are_kept() {
    let c = Checklist::embedded();
    let text =
        format!("{HEAD}\n[items.\"security.retired-item\"]\nstatus = \"pass\"\nnotes = \"still mine\"\n");
    let s = session::parse("s.toml", &text, &c).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    session::save(&path, &s).unwrap();
    let back = session::load(&path, &c).unwrap().unwrap();
    assert_eq!(back.record("security.retired-item").unwrap().notes, "still mine");
}

/// Two branches answer different items of one committed session. As text they conflict (both
/// append history); with golive as git's merge driver they merge by item, and the file holds both
/// answers and both history lines.
#[test]
fn git_merges_two_branches_of_a_session_with_golive_as_the_merge_driver() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("HOME", dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        (
            o.status.success(),
            format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
        )
    };
    let ok = |args: &[&str]| {
        let (success, out) = git(args);
        assert!(success, "git {args:?}: {out}");
    };
    let c = Checklist::embedded();
    let answer = |s: &mut Session, id: &str, status: Status, who: &str| {
        let at = common::fixed_now() + chrono::Duration::minutes(if who == "alice" { 1 } else { 2 });
        let r = s.record_mut(id);
        (r.status, r.by, r.at) = (status, Some(who.into()), Some(at));
        s.history.push(session::Change {
            at,
            by: who.into(),
            item: Some(id.into()),
            change: format!("{id} answered"),
        });
    };
    ok(&["init", "-q", "-b", "main"]);
    ok(&["config", "user.name", "t"]);
    ok(&["config", "user.email", "t@example.com"]);
    let base = Session::new(&c, common::fixed_now());
    let file = repo.join("launch.toml");
    session::save(&file, &base).unwrap();
    ok(&["add", "."]);
    ok(&["commit", "-qm", "base"]);
    ok(&["checkout", "-qb", "alice"]);
    let mut a = base.clone();
    answer(&mut a, "security.api-authentication", Status::Pass, "alice");
    session::save(&file, &a).unwrap();
    ok(&["commit", "-qam", "alice"]);
    ok(&["checkout", "-q", "main"]);
    ok(&["checkout", "-qb", "bob"]);
    let mut b = base.clone();
    answer(&mut b, "reliability.multi-az", Status::Fail, "bob");
    session::save(&file, &b).unwrap();
    ok(&["commit", "-qam", "bob"]);
    ok(&["checkout", "-q", "alice"]);
    // As text: a conflict.
    let (merged, out) = git(&["merge", "-q", "--no-edit", "bob"]);
    assert!(!merged, "a text merge was expected to conflict: {out}");
    ok(&["merge", "--abort"]);
    // With the driver, as the README says to set it up.
    std::fs::write(repo.join(".gitattributes"), "launch.toml merge=golive\n").unwrap();
    let driver = format!("{} merge %O %A %B", env!("CARGO_BIN_EXE_golive"));
    ok(&["config", "merge.golive.driver", &driver]);
    let (merged, out) = git(&["merge", "-q", "--no-edit", "bob"]);
    assert!(merged, "{out}");
    let s = session::parse("launch.toml", &std::fs::read_to_string(&file).unwrap(), &c).unwrap();
    assert_eq!(s.status("security.api-authentication"), Status::Pass);
    assert_eq!(s.status("reliability.multi-az"), Status::Fail);
    let lines: Vec<&str> = s.history.iter().map(|h| h.change.as_str()).collect();
    assert!(
        lines.contains(&"security.api-authentication answered")
            && lines.contains(&"reliability.multi-az answered"),
        "{lines:?}"
    );
}
