//! End to end: the real binary in a pseudo-terminal, driven by keys like a user.

mod common;

use common::pty::Tui;
use golive::checklist::Checklist;
use golive::session::{self, Status};
use std::process::Command;

#[test]
fn mark_an_item_write_a_note_export_and_quit() {
    let home = tempfile::tempdir().unwrap();
    let session_path = home.path().join("launch.toml");
    let sp = session_path.to_str().unwrap();
    let mut tui = Tui::spawn(&["--session", sp, "--who", "pty-user"], home.path(), 100, 30);
    tui.wait_for("1 Security");
    tui.send("p");
    tui.wait_for("[x] API Authentication");
    tui.send("e");
    tui.wait_for("Notes: API Authentication");
    tui.send("hello from the pty");
    tui.send("\r## not a heading\x1b");
    tui.wait_for("Notes saved.");
    tui.send("x");
    tui.wait_for("Write the report to");
    tui.send("\r");
    let screen = tui.wait_for("Report written to");
    assert!(screen.contains("launch-report.md"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit().success());
    // The terminal is given back: main screen, no mouse reporting, cursor shown.
    tui.with_screen(|s| {
        assert!(!s.alternate_screen());
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
        assert!(!s.hide_cursor());
    });

    let c = Checklist::embedded();
    let s = session::load(&session_path, &c).unwrap().unwrap();
    let rec = s.record("security.api-authentication").unwrap();
    assert_eq!(rec.status, Status::Pass);
    assert_eq!(rec.by.as_deref(), Some("pty-user"));
    assert_eq!(rec.notes, "hello from the pty\n## not a heading");

    let report = std::fs::read_to_string(home.path().join("launch-report.md")).unwrap();
    assert!(report.contains("- [x] **API Authentication**"), "{report}");
    assert!(report.contains("  hello from the pty\n  ## not a heading\n"), "{report}");
    let out = Command::new(env!("CARGO_BIN_EXE_golive")).args(["export", "--session", sp]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("Status: **pass** by pty-user"));
}

#[test]
fn kill_9_right_after_an_edit_keeps_the_edit() {
    let home = tempfile::tempdir().unwrap();
    let session_path = home.path().join("s.toml");
    let sp = session_path.to_str().unwrap();
    let mut tui = Tui::spawn(&["--session", sp, "--who", "k"], home.path(), 100, 30);
    tui.wait_for("1 Security");
    tui.send("jf");
    // Acknowledged on screen (shown, and saved), then killed without a chance to clean up.
    tui.wait_saved("[✗] User Authorization");
    let status = Command::new("kill").args(["-9", &tui.pid().to_string()]).status().unwrap();
    assert!(status.success());
    tui.wait_exit();

    let c = Checklist::embedded();
    let s = session::load(&session_path, &c).unwrap().unwrap();
    assert_eq!(s.status("security.user-authorization"), Status::Fail);

    // Reopening resumes on the edited item.
    let mut tui = Tui::spawn(&["--session", sp], home.path(), 100, 30);
    tui.wait_for("[✗] User Authorization");
    // The detail is drawn after the list: wait for it rather than read half a frame.
    tui.wait_for("security.user-authorization");
    tui.send("\x03");
    assert!(tui.wait_exit().success());
}

#[test]
fn default_session_lives_in_the_data_dir() {
    let home = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&[], home.path(), 80, 24);
    tui.wait_for("1 Security");
    tui.send("b");
    tui.wait_for("[!] API Authentication");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let path = home.path().join("data/golive/sessions/default.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("status = \"blocked\""), "{text}");
}

#[test]
fn kill_9_while_typing_a_note_keeps_what_was_typed() {
    let home = tempfile::tempdir().unwrap();
    let session_path = home.path().join("s.toml");
    let sp = session_path.to_str().unwrap();
    let mut tui = Tui::spawn(&["--session", sp], home.path(), 100, 30);
    tui.wait_for("1 Security");
    tui.send("e");
    tui.wait_for("Notes: API Authentication");
    tui.send("typed on launch day");
    tui.wait_for("typed on launch day");
    // The draft is saved after a short pause; wait for it on disk, then kill.
    let c = Checklist::embedded();
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(&session_path).unwrap_or_default().contains("typed on launch day") {
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "draft never saved");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Command::new("kill").args(["-9", &tui.pid().to_string()]).status().unwrap();
    tui.wait_exit();
    let s = session::load(&session_path, &c).unwrap().unwrap();
    assert_eq!(s.record("security.api-authentication").unwrap().notes, "typed on launch day");
}

/// A paste is text for the field that has focus, never keys: pasting `URL⏎fpq` once submitted the
/// evidence prompt, set the item fail, then pass, and quit. Into every prompt kind, the notes
/// editor, the target form and the bare item list, pastes full of hotkey letters and line ends
/// change no status and run nothing.
#[test]
fn a_paste_never_acts_as_keys() {
    use golive::probe::{Outcome, ProbeResult};
    let home = tempfile::tempdir().unwrap();
    let session_path = home.path().join("s.toml");
    let sp = session_path.to_str().unwrap();
    let c = Checklist::embedded();
    // The probe said fail: pressing p would ask why the person overrides it.
    let mut s = session::Session::new(&c, chrono::Utc::now());
    let failed = ProbeResult {
        outcome: Outcome::Fail,
        summary: "no authorizer".into(),
        evidence: vec![],
        at: chrono::Utc::now(),
        duration_ms: 3,
    };
    s.apply_probe("security.api-authentication", "aws.example", failed, false);
    session::save(&session_path, &s).unwrap();

    let mut tui = Tui::spawn(&["--session", sp, "--who", "paster"], home.path(), 120, 40);
    tui.wait_for("[✗] API Authentication");
    // Bracketed paste is on while golive runs.
    assert!(tui.with_screen(|s| s.bracketed_paste()));

    // Nothing has focus: the paste changes nothing and says so.
    tui.paste("x\rfpq");
    tui.wait_for("Paste ignored");

    // The evidence prompt takes the lines as one, and says so.
    tui.send("a");
    tui.wait_for("Evidence: URL, file path or text");
    tui.paste("https://runbook.example/a\rfpq");
    tui.wait_for("Pasted several lines as one");
    tui.send("\r");
    tui.wait_saved("Evidence added: https://runbook.example/a fpq");

    // n/a reason, the override reason, search, the target form, the reviewer: each cancelled.
    for (key, title) in [
        ("-", "Why does this item not apply?"),
        ("p", "Why override the probe's verdict?"),
        ("/", "Search titles and descriptions"),
        ("t", "Target · Enter next field"),
    ] {
        tui.send(key);
        tui.wait_for(title);
        tui.paste("pasted\rfpq\r-q");
        tui.wait_for("pasted fpq -q");
        tui.send("\x1b");
        tui.wait_for("[✗] API Authentication");
    }
    tui.send("s");
    tui.wait_for("Sign-off · a approve");
    tui.send("\r");
    tui.wait_for("Reviewer");
    tui.paste("carol\rq");
    tui.wait_for("carol q");
    tui.send("\x1b");
    tui.send("\x1b");

    // The notes editor takes the paste whole, line ends and all.
    tui.send("e");
    tui.wait_for("Notes: API Authentication");
    tui.paste("line one\rfpq\rline three");
    tui.wait_for("line three");
    tui.send("\x1b");
    tui.wait_saved("Notes saved.");

    // Still running, still failed as the probe said: q quits only when typed.
    let screen = tui.wait_for("[✗] API Authentication");
    assert!(!tui.exited(), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let s = session::load(&session_path, &c).unwrap().unwrap();
    let rec = s.record("security.api-authentication").unwrap();
    assert_eq!(rec.status, Status::Fail);
    assert!(rec.status_by_probe, "a person's status was set: {rec:?}");
    assert_eq!(
        rec.evidence.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(),
        ["https://runbook.example/a fpq"]
    );
    assert_eq!(rec.notes, "line one\nfpq\nline three");
    assert!(s.target.is_empty(), "{:?}", s.target);
    assert!(s.signoff.values().all(|o| o.reviewer.is_empty()), "{:?}", s.signoff);
    assert!(s.items.iter().all(|(id, r)| id == "security.api-authentication" || r.status == Status::Todo));
}

/// The TUI side of a session that approves its own command: golive asks the person at the
/// keyboard, and a no runs nothing.
#[test]
fn a_session_that_approves_its_own_command_still_asks_and_no_runs_nothing() {
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let session_path = home.path().join("s.toml");
    let c = Checklist::embedded();
    let command = "touch PWNED && echo 3 passed";
    std::fs::write(
        &session_path,
        format!(
            "schema_version = 1\nchecklist = {:?}\nchecklist_version = {:?}\ncreated = \"2026-11-25T09:30:00Z\"\n\
             approved_commands = [{command:?}]\n\n[target]\nrepo = {:?}\n\n[target.commands]\nunit = {command:?}\n",
            c.id,
            c.version,
            "repo"
        ),
    )
    .unwrap();
    let mut tui = Tui::spawn(&["--session", session_path.to_str().unwrap()], home.path(), 120, 40);
    tui.wait_for("not honoured");
    tui.send("/Unit Tests\r");
    tui.wait_for("testing.unit-tests");
    tui.send("r");
    // The exact command, unmasked, where it would run, and what the shell makes of it.
    let screen = tui.wait_for("touch PWNED && echo 3 passed");
    assert!(screen.contains(&format!("in {}", repo.display())), "{screen}");
    assert!(screen.contains("shell metacharacters: &"), "{screen}");
    tui.send("n");
    tui.wait_for("not run without consent");
    assert!(!repo.join("PWNED").exists(), "ran without the person's consent");
    // Refused once, not asked again in this run, and still nothing runs.
    tui.send("r");
    tui.wait_saved("not run without consent");
    assert!(!repo.join("PWNED").exists());
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert!(!std::fs::read_to_string(&session_path).unwrap().contains("approved_commands"));
}
