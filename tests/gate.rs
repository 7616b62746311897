//! The gate as a pipeline meets it: `golive check --gate` decides from a session, `golive check`
//! after running the probes; every reason it can block for, with its exit code and its words.
//! GO only when none applies; 3 when golive itself cannot run.

mod common;

use chrono::{Duration, SubsecRound, Utc};
use golive::checklist::Checklist;
use golive::probe::{Outcome, ProbeResult};
use golive::session::edit::{By, SignSlot, Signing};
use golive::session::{self, Session, Status, Waiver};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHECKLIST: &str = r#"
schema_version = 1
id = "gate-test"
name = "Gate test"

[[sections]]
id = "security"
title = "Security"
[[sections.groups]]
title = "Basics"
[[sections.groups.items]]
id = "security.runbook"
title = "Runbook"
critical = true
decided_by_probe = true
probe = { kind = "file", name = "runbook", paths = ["runbook.md"] }
[[sections.groups.items]]
id = "security.review"
title = "Threat model reviewed"
critical = true
[[sections.groups.items]]
id = "security.extra"
title = "Nice to have"

[[sections]]
id = "operations"
title = "Operations"
[[sections.groups]]
title = "Basics"
[[sections.groups.items]]
id = "operations.oncall"
title = "On-call rota"

[[signoff]]
area = "Security"
[[signoff]]
area = "Operations"
"#;

struct Setup {
    dir: tempfile::TempDir,
    checklist: Checklist,
}

impl Setup {
    fn new(extra: &str) -> Setup {
        Setup::with_text(&format!("{CHECKLIST}{extra}"))
    }

    fn with_text(text: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("checklist.toml"), text).unwrap();
        std::fs::write(dir.path().join("runbook.md"), "# Runbook\n").unwrap();
        let checklist = golive::checklist::parse("checklist.toml", text).unwrap();
        Setup { dir, checklist }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("s.toml")
    }

    /// A session the gate says GO to: the critical items pass (one by its probe, just now),
    /// every area and the final approval signed.
    fn go(&self) -> Session {
        let c = &self.checklist;
        let now = Utc::now().trunc_subsecs(0);
        let mut s = Session::new(c, now);
        s.target.repo = Some(".".into());
        s.apply_probe("security.runbook", "file", result(Outcome::Pass, now), true);
        s.set_status("security.review", Status::Pass, None, by("carol"));
        self.sign_all(&mut s);
        s
    }

    fn sign_all(&self, s: &mut Session) {
        for area in ["Security", "Operations"] {
            s.approve(&self.checklist, SignSlot::Area(area), Signing::default(), by("dana"));
        }
        s.approve(&self.checklist, SignSlot::Final, Signing::default(), by("erin"));
    }

    fn gate(&self, s: &Session, args: &[&str]) -> Output {
        session::save(&self.path(), s).unwrap();
        self.golive(&[&["check", "--gate"], args].concat())
    }

    fn golive(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
        // A home of its own: golive never scans the home directory, and the repository is the dir.
        let home = self.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", home);
        cmd.current_dir(self.dir.path());
        cmd.arg("--checklist").arg(self.dir.path().join("checklist.toml"));
        cmd.arg("--session").arg(self.path()).arg("--who").arg("ci");
        cmd.args(args).output().unwrap()
    }
}

fn by(who: &str) -> By<'_> {
    By { who, at: Utc::now().trunc_subsecs(0) }
}

fn result(outcome: Outcome, at: chrono::DateTime<Utc>) -> ProbeResult {
    ProbeResult {
        outcome,
        summary: format!("runbook: {}", outcome.word()),
        evidence: vec![],
        at,
        duration_ms: 3,
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The exit code and the report, with the report in the message when the code is not `code`.
fn expect(o: &Output, code: i32) -> String {
    let text = stdout(o);
    assert_eq!(o.status.code(), Some(code), "{text}\n{}", String::from_utf8_lossy(&o.stderr));
    text
}

#[test]
fn go_when_nothing_blocks_and_the_report_says_the_rule() {
    let t = Setup::new("");
    let text = expect(&t.gate(&t.go(), &[]), 0);
    assert!(
        text.trim_end().ends_with(
            "GO: critical items pass; nothing failed or blocked; every sign-off and the final \
             approval given; probe results at most 24 h old"
        ),
        "{text}"
    );
}

#[test]
fn a_failed_or_blocked_item_blocks_whoever_set_it_and_whether_or_not_it_is_critical() {
    let t = Setup::new("");
    let mut s = t.go();
    s.set_status("security.extra", Status::Fail, None, by("bob"));
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(text.contains("✗ security.extra (Nice to have): failed by bob"), "{text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 failed"), "{text}");

    let mut s = t.go();
    s.set_status("operations.oncall", Status::Blocked, Some("rota not staffed".into()), by("bob"));
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(text.contains("✗ operations.oncall (On-call rota): blocked by bob: rota not staffed"), "{text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 blocked"), "{text}");
}

#[test]
fn an_unanswered_required_item_blocks_and_an_unanswered_optional_one_does_not() {
    let t = Setup::new("");
    let mut s = t.go();
    s.set_status("security.review", Status::Todo, None, by("bob"));
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(text.contains("✗ security.review (Threat model reviewed): unanswered"), "{text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 unanswered"), "{text}");
    // security.extra and operations.oncall were never answered: not critical, not required.
    assert!(!text.contains("security.extra") && !text.contains("operations.oncall"), "{text}");
}

#[test]
fn a_probe_verdict_older_than_the_rule_allows_is_stale() {
    let t = Setup::new("");
    let mut s = t.go();
    let old = Utc::now().trunc_subsecs(0) - Duration::hours(30);
    s.apply_probe("security.runbook", "file", result(Outcome::Pass, old), true);
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(text.contains("✗ security.runbook (Runbook): passed by probe at "), "{text}");
    assert!(text.contains("older than 24 h: run it again"), "{text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 stale result"), "{text}");
    // A rule without an age limit takes it as it is.
    let t = Setup::new("\n[gate]\nmax_probe_age_hours = 0\n");
    let mut s2 = t.go();
    s2.apply_probe("security.runbook", "file", result(Outcome::Pass, old), true);
    t.sign_all(&mut s2);
    expect(&t.gate(&s2, &[]), 0);
}

#[test]
fn a_missing_a_rejected_and_a_stale_sign_off_each_block() {
    let t = Setup::new("");
    let mut s = t.go();
    s.reopen(SignSlot::Area("Operations"), by("dana"));
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(text.contains("✗ sign-off Operations: not signed"), "{text}");

    let mut s = t.go();
    s.reject(SignSlot::Final, "load test not run".into(), None, by("erin"));
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(text.contains("✗ final approval: rejected by erin: load test not run"), "{text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 final approval rejected"), "{text}");

    // A note in the Security area after it was signed: that sign-off (and the final approval,
    // which signs for everything) are stale; Operations is not.
    let mut s = t.go();
    s.draft_notes("security.review", "model changed after the review".into());
    s.notes_edited("security.review", "", by("bob"));
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(
        text.contains(
            "✗ sign-off Security: stale, changed since it was signed: bob security.review: notes edited"
        ),
        "{text}"
    );
    assert!(text.contains("✗ final approval: stale"), "{text}");
    assert!(!text.contains("sign-off Operations"), "{text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 sign-off stale, 1 final approval stale"), "{text}");
}

#[test]
fn a_waiver_lets_an_item_through_until_it_expires_and_a_critical_one_needs_two_names() {
    let t = Setup::new("");
    let waiver = |asked: &str, approved: &str, days: i64| Waiver {
        reason: "fix ships next sprint".into(),
        asked_by: asked.into(),
        approved_by: approved.into(),
        expires: Utc::now().date_naive() + Duration::days(days),
        ticket: Some("OPS-7".into()),
        at: Utc::now().trunc_subsecs(0),
    };
    let mut s = t.go();
    s.set_status("security.review", Status::Fail, None, by("bob"));
    s.waive("security.review", true, waiver("bob", "priya", 3), by("bob")).unwrap();
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 0);
    assert!(text.contains("(1 waived)"), "{text}");
    assert!(
        text.contains("~ security.review (Threat model reviewed): waived until ")
            && text.contains("(3 days left), asked by bob, approved by priya: fix ships next sprint [OPS-7]"),
        "{text}"
    );
    // The same waiver, expired yesterday (written by hand: golive refuses to record one).
    s.record_mut("security.review").waiver = Some(waiver("bob", "priya", -1));
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    assert!(
        text.contains(&format!(
            "✗ security.review (Threat model reviewed): waiver expired on {yesterday}; failed by bob"
        )),
        "{text}"
    );
    assert!(text.trim_end().ends_with("NO-GO: 1 waiver expired"), "{text}");
    // One name on a critical item's waiver (a hand-edited file): not accepted.
    s.record_mut("security.review").waiver = Some(waiver("bob", "Bob", 3));
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(
        text.contains("waived by one person alone; a critical item's waiver needs a second name"),
        "{text}"
    );
}

#[test]
fn a_check_that_could_not_decide_is_undecided_not_go_and_not_no_go() {
    let t = Setup::new("");
    let mut s = t.go();
    let now = Utc::now().trunc_subsecs(0);
    s.apply_probe("security.runbook", "file", result(Outcome::Error, now), true);
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 2);
    assert!(
        text.contains("? security.runbook (Runbook): could not be decided (error): runbook: error"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("UNDECIDED: 1 undecided; nothing else blocks"), "{text}");
}

#[test]
fn n_a_exempts_only_where_the_checklist_allows_it() {
    let t = Setup::new("");
    let mut s = t.go();
    // A manual item: n/a with a reason exempts it.
    s.set_status("security.review", Status::NotApplicable, Some("no new surface".into()), by("bob"));
    // An item with a probe: n/a does not.
    s.set_status("security.runbook", Status::NotApplicable, Some("we have none".into()), by("bob"));
    t.sign_all(&mut s);
    let text = expect(&t.gate(&s, &[]), 1);
    assert!(
        text.contains(
            "✗ security.runbook (Runbook): n/a by bob: we have none, which the checklist does not accept \
             for this item: answer it, or waive it"
        ),
        "{text}"
    );
    assert!(!text.contains("✗ security.review"), "{text}");
}

#[test]
fn golive_failing_to_run_is_3_never_a_verdict() {
    let t = Setup::new("");
    let bad_flag = t.golive(&["check", "--no-such-flag"]);
    assert_eq!(bad_flag.status.code(), Some(3), "{bad_flag:?}");
    std::fs::write(t.path(), "schema_version = 1\n[items.\"x\"]\nstatus = \"maybe\"\n").unwrap();
    let bad_session = t.golive(&["check", "--gate"]);
    assert_eq!(bad_session.status.code(), Some(3), "{bad_session:?}");
    let err = String::from_utf8_lossy(&bad_session.stderr);
    assert!(err.contains("s.toml:3:"), "{err}");
    // --help is not a failure.
    assert_eq!(t.golive(&["check", "--help"]).status.code(), Some(0));
}

#[test]
fn a_session_marking_every_probed_item_n_a_is_never_go() {
    // A rule without sign-offs or required items: n/a is all that could make it GO.
    let lax = "\n[gate]\nrequire = \"none\"\nsignoffs = false\nfinal_approval = false\n";
    let t = Setup::new(lax);
    let c = &t.checklist;
    let mut s = Session::new(c, Utc::now().trunc_subsecs(0));
    s.target.repo = Some(".".into());
    for item in c.items.iter().filter(|i| i.is_automated()) {
        s.set_status(&item.id, Status::NotApplicable, Some("does not apply to us".into()), by("mallory"));
    }
    session::save(&t.path(), &s).unwrap();
    // The checklist does not let n/a exempt it: the probe runs, and the n/a blocks.
    let text = expect(&t.golive(&["check"]), 1);
    assert!(text.contains("✓ n/a"), "the probe ran: {text}");
    assert!(text.trim_end().ends_with("NO-GO: 1 n/a not allowed"), "{text}");

    // Where the checklist allows it, the check is skipped, and a run where nothing ran is not GO.
    let allowing = CHECKLIST.replace("decided_by_probe = true", "decided_by_probe = true\nallow_na = true");
    let t2 = Setup::with_text(&format!("{allowing}{lax}"));
    session::save(&t2.path(), &s).unwrap();
    let text = expect(&t2.golive(&["check"]), 2);
    assert!(text.contains("skipped: n/a by mallory: does not apply to us"), "{text}");
    assert!(text.contains("? no check ran"), "{text}");
    assert!(text.trim_end().ends_with("UNDECIDED: 1 no check ran; nothing else blocks (1 n/a)"), "{text}");
}

#[test]
fn strict_takes_the_target_from_the_project_file_and_not_from_the_session() {
    let t = Setup::new("\n[gate]\nsignoffs = false\nfinal_approval = false\n");
    let good = t.dir.path().join("good");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::write(good.join("runbook.md"), "# Runbook\n").unwrap();
    std::fs::create_dir_all(t.dir.path().join("bad")).unwrap();
    std::fs::remove_file(t.dir.path().join("runbook.md")).unwrap();
    std::fs::write(t.dir.path().join(".golive.toml"), "[target]\nrepo = \"bad\"\n").unwrap();
    let mut s = Session::new(&t.checklist, Utc::now().trunc_subsecs(0));
    // The branch's session points the probe at a directory chosen to pass, and answers the rest.
    s.target.repo = Some("good".into());
    s.set_status("security.review", Status::Pass, None, by("mallory"));
    session::save(&t.path(), &s).unwrap();
    let text = expect(&t.golive(&["check"]), 0);
    assert!(text.contains("✓ pass         security.runbook"), "{text}");
    let text = expect(&t.golive(&["check", "--strict"]), 1);
    assert!(text.contains("✗ fail         security.runbook"), "{text}");
    // The session keeps its own target: --strict only looked elsewhere.
    let saved = session::parse("s.toml", &std::fs::read_to_string(t.path()).unwrap(), &t.checklist).unwrap();
    assert_eq!(saved.target.repo.as_deref(), Some("good"));
}

#[test]
fn strict_does_not_count_a_pass_over_a_failing_probe() {
    let t = Setup::new("\n[gate]\nsignoffs = false\nfinal_approval = false\n");
    std::fs::remove_file(t.dir.path().join("runbook.md")).unwrap();
    std::fs::write(t.dir.path().join(".golive.toml"), "[target]\nrepo = \".\"\n").unwrap();
    let mut s = Session::new(&t.checklist, Utc::now().trunc_subsecs(0));
    s.target.repo = Some(".".into());
    s.apply_probe("security.runbook", "file", result(Outcome::Fail, Utc::now().trunc_subsecs(0)), true);
    s.set_status("security.runbook", Status::Pass, Some("false positive".into()), by("alice"));
    s.set_status("security.review", Status::Pass, None, by("alice"));
    session::save(&t.path(), &s).unwrap();
    // The person's override is the person's decision: the report and the gate honour it.
    let text = expect(&t.golive(&["check"]), 0);
    assert!(text.contains("✗ pass         security.runbook"), "{text}");
    assert!(text.contains("(set to pass by alice over probe fail: false positive)"), "{text}");
    let junit = stdout(&t.golive(&["check", "--format", "junit"]));
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")), "{junit}");
    // Under --strict a branch's session cannot choose its own verdict.
    let text = expect(&t.golive(&["check", "--strict"]), 1);
    assert!(text.contains("set to pass by alice, not counted under --strict"), "{text}");
}

#[test]
fn a_selection_is_decided_on_its_own_and_says_so() {
    let t = Setup::new("");
    let mut s = Session::new(&t.checklist, Utc::now().trunc_subsecs(0));
    s.target.repo = Some(".".into());
    session::save(&t.path(), &s).unwrap();
    let text = expect(&t.golive(&["check", "--only", "security.runbook"]), 0);
    assert!(text.trim_end().ends_with("GO for 1 selected check: all passed"), "{text}");
    // The whole launch is another matter.
    let text = expect(&t.golive(&["check", "--gate"]), 1);
    assert!(text.contains("1 unanswered") && text.contains("final approval missing"), "{text}");
}

#[test]
fn one_run_writes_every_report_and_github_annotations() {
    let t = Setup::new("");
    let mut s = t.go();
    s.set_status("security.extra", Status::Fail, Some("50% of requests 5xx".into()), by("bob"));
    t.sign_all(&mut s);
    session::save(&t.path(), &s).unwrap();
    let d = t.dir.path();
    let out = t.golive(&[
        "check",
        "--report",
        &format!("junit={}", d.join("r.xml").display()),
        "--report",
        &format!("json={}", d.join("r.json").display()),
        "--report",
        &format!("markdown={}", d.join("r.md").display()),
        "--report",
        &format!("github={}", d.join("summary.md").display()),
    ]);
    let text = expect(&out, 1);
    // The annotations go to stdout, where the runner reads workflow commands.
    assert!(
        text.contains("::error title=golive%3A Nice to have::security.extra (Nice to have): failed by bob: 50%25 of requests 5xx"),
        "{text}"
    );
    assert!(text.contains("::error title=golive gate::NO-GO: 1 failed"), "{text}");
    let junit = std::fs::read_to_string(d.join("r.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let gate = doc.descendants().find(|n| n.attribute("name") == Some("decision")).unwrap();
    let failure = gate.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.attribute("message"), Some("NO-GO: 1 failed"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["decision"]["verdict"], "no-go");
    assert_eq!(json["decision"]["reasons"][0]["id"], "security.extra");
    assert_eq!(json["decision"]["reasons"][0]["why"], "failed");
    let md = std::fs::read_to_string(d.join("r.md")).unwrap();
    assert!(md.contains("## Decision: NO-GO\n\nNO-GO: 1 failed"), "{md}");
    let summary = std::fs::read_to_string(d.join("summary.md")).unwrap();
    assert!(summary.starts_with("# Gate test: go-live report"), "{summary}");
    assert!(!summary.contains("::error"), "{summary}");
    validate_against_published_schema(&d.join("r.json"));
}

/// Validates a report with the JSON Schema validator of the test virtualenv (python-jsonschema,
/// pinned in scripts/requirements-test.txt) against docs/report.schema.json.
fn validate_against_published_schema(report: &Path) {
    let python = std::env::var("GOLIVE_TEST_PYTHON").expect(
        "GOLIVE_TEST_PYTHON is not set: run ./scripts/test, which installs the validator (tests never skip)",
    );
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  jsonschema.Draft202012Validator.check_schema(schema)\n\
                  jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n\
                  print('valid')\n";
    let out = Command::new(python).arg("-c").arg(script).arg(&schema).arg(report).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");
}

#[test]
fn the_published_schema_is_the_one_the_types_make() {
    let published =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"))
            .unwrap_or_default();
    // As JSON values: key order depends on serde_json's features in each build.
    let value = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap_or_default();
    assert_eq!(
        value(&published),
        value(&golive::export::run_report::schema()),
        "docs/report.schema.json is out of date: cargo run -q -- schema > docs/report.schema.json"
    );
}

#[test]
fn evidence_files_are_read_again_by_verify_and_in_every_report() {
    let t = Setup::new("");
    let mut s = t.go();
    let file = t.dir.path().join("pentest.pdf");
    std::fs::write(&file, "report v1").unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    for path in [&file, &outside.path().to_path_buf()] {
        let e = golive::session::Evidence {
            kind: golive::session::EvidenceKind::Text,
            value: path.display().to_string(),
            size: None,
            sha256: None,
            by: "carol".into(),
            at: Utc::now().trunc_subsecs(0),
        };
        let e = golive::session::evidence::inspect(e, t.dir.path());
        s.add_evidence("security.review", e, by("carol"));
    }
    t.sign_all(&mut s);
    session::save(&t.path(), &s).unwrap();
    let same = t.golive(&["verify"]);
    let text = expect(&same, 0);
    assert!(text.contains("same        security.review evidence 1"), "{text}");
    assert!(
        text.contains("not checked security.review evidence 2")
            && text.contains("outside the session's checkout"),
        "{text}"
    );

    std::fs::write(&file, "report v2, edited").unwrap();
    let text = expect(&t.golive(&["verify"]), 1);
    assert!(
        text.contains("CHANGED     security.review evidence 1") && text.contains("(now 17 bytes, sha256 "),
        "{text}"
    );
    let md = expect(&t.golive(&["check", "--gate", "--format", "markdown"]), 0);
    assert!(
        md.contains("## Evidence changed since it was attached\n\n- `security.review` evidence 1: file "),
        "{md}"
    );
    assert!(md.contains("**CHANGED since it was attached (now 17 bytes"), "{md}");
    let text = expect(&t.golive(&["check", "--gate"]), 0);
    assert!(text.contains("! security.review evidence 1: file ") && text.contains("CHANGED"), "{text}");

    std::fs::remove_file(&file).unwrap();
    let text = expect(&t.golive(&["verify"]), 1);
    assert!(text.contains("MISSING     security.review evidence 1"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&expect(&t.golive(&["check", "--gate", "--format", "json"]), 0)).unwrap();
    assert_eq!(json["evidence_files"][0]["state"], "missing");
    assert_eq!(json["evidence_files"][1]["state"], "not-checked");
}
