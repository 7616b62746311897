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
