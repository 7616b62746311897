//! The session survives what launch day does to it: a second golive, a git pull under a running
//! one, SIGTERM, SIGHUP, a terminal closed under it and panics, each on the real binary in a
//! pseudo-terminal.

mod common;

use common::pty::Tui;
use golive::checklist::Checklist;
use golive::session::{self, Session, Status};
use std::path::Path;
use std::process::Command;

fn load(path: &Path) -> Session {
    session::load(path, &Checklist::embedded()).unwrap().unwrap()
}

/// golive outside a terminal, as the same user: the same home, so the same lock dir.
fn golive(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_golive")).env("HOME", home).args(args).output().unwrap()
}

fn signal(tui: &Tui, sig: &str) {
    assert!(Command::new("kill").args([sig, &tui.pid().to_string()]).status().unwrap().success());
}

fn restored(tui: &Tui) {
    tui.with_screen(|s| {
        assert!(!s.alternate_screen(), "still on the alternate screen");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
        assert!(!s.hide_cursor(), "cursor hidden");
        assert!(!s.bracketed_paste(), "bracketed paste left on");
    });
}

/// alice's golive on a fresh session, with the first item passed and saved.
fn alice_passed_the_first_item() -> (tempfile::TempDir, std::path::PathBuf, Tui) {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("s.toml");
    let mut tui = Tui::spawn(&["--session", path.to_str().unwrap(), "--who", "alice"], home.path(), 100, 30);
    tui.wait_for("1 Security");
    tui.send("p");
    tui.wait_saved("[x] API Authentication");
    (home, path, tui)
}

#[test]
fn a_second_golive_is_refused_naming_the_holder_and_a_crash_leaves_no_lock() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("s.toml");
    let sp = path.to_str().unwrap();
    let mut first = Tui::spawn(&["--session", sp, "--who", "alice"], home.path(), 100, 30);
    first.wait_for("1 Security");
    first.send("p");
    first.wait_saved("[x] API Authentication");
    let pid = first.pid();
    for args in [&["--session", sp, "--who", "bob"][..], &["check", "--session", sp, "--who", "bob"]] {
        let out = golive(home.path(), args);
        assert_eq!(out.status.code(), Some(3));
        let err = String::from_utf8(out.stderr).unwrap();
        let want = format!("golive: {sp} is open in another golive: alice (pid {pid} on ");
        assert!(err.starts_with(&want), "{err}");
        assert!(
            err.contains(") since 20")
                && err.trim_end().ends_with("Close it there first (golive export reads it meanwhile)."),
            "{err}"
        );
    }
    // Reading needs no lock.
    assert!(golive(home.path(), &["export", "--session", sp]).status.success());
    // kill -9: the kernel drops the lock with the process.
    signal(&first, "-9");
    first.wait_exit();
    let mut second = Tui::spawn(&["--session", sp, "--who", "bob"], home.path(), 100, 30);
    second.wait_for("1 Security");
    second.send("q");
    assert!(second.wait_exit().success());
}

#[test]
fn a_change_on_disk_is_merged_item_by_item_and_a_field_both_changed_is_asked() {
    let (_home, path, mut tui) = alice_passed_the_first_item();

    // Someone's git pull brings a version where Session Management passed and User Authorization
    // failed, an hour after anything alice does now.
    let mut theirs = load(&path);
    let later = chrono::Utc::now() + chrono::TimeDelta::hours(1);
    let bob = golive::session::edit::By { who: "bob", at: later };
    theirs.set_status("security.session-management", Status::Pass, None, bob);
    theirs.set_status("security.user-authorization", Status::Fail, None, bob);
    golive::atomic::write_atomic(&path, toml::to_string(&theirs).unwrap().as_bytes()).unwrap();

    // Alice's next change merges with it: her answer and theirs both stand, nothing is asked.
    tui.send("jjjp");
    tui.wait_saved("[x] Secrets Management");
    let now = load(&path);
    assert_eq!(now.status("security.api-authentication"), Status::Pass, "alice's first answer");
    assert_eq!(now.status("security.secrets-management"), Status::Pass, "alice's new answer");
    assert_eq!(now.status("security.session-management"), Status::Pass, "theirs");
    assert_eq!(now.status("security.user-authorization"), Status::Fail, "theirs");
    assert!(now.history.iter().any(|h| h.by == "bob"), "their history lines are kept");

    // Now the same field on both sides: asked, with both answers shown.
    let mut theirs = load(&path);
    theirs.set_status("security.secrets-management", Status::Blocked, None, bob);
    golive::atomic::write_atomic(&path, toml::to_string(&theirs).unwrap().as_bytes()).unwrap();
    tui.send("f");
    let screen = tui.wait_for("changed on both sides");
    assert!(screen.contains("yours:  fail (alice") && screen.contains("theirs: blocked (bob"), "{screen}");
    // Esc postpones: the rule's choice (the later: theirs) stands, and M asks again.
    tui.send("\x1b");
    tui.wait_for("to review later: M");
    assert_eq!(load(&path).status("security.secrets-management"), Status::Blocked);
    tui.send("M");
    tui.wait_for("changed on both sides");
    tui.send("m");
    tui.wait_saved("[✗] Secrets Management");
    let now = load(&path);
    assert_eq!(now.status("security.secrets-management"), Status::Fail, "alice chose hers");
    assert_eq!(now.status("security.user-authorization"), Status::Fail, "theirs still stands");
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn an_edited_file_that_no_longer_loads_is_reported_and_ours_stays() {
    let (home, path, mut tui) = alice_passed_the_first_item();
    std::fs::write(&path, "schema_version = 1\n[items.\n").unwrap();
    tui.send("jf");
    tui.wait_for("changed on disk");
    tui.send("n");
    tui.wait_for("The version on disk does not load, so yours stays");
    tui.send("y");
    tui.wait_for("Saved yours; the version on disk is kept as");
    assert_eq!(
        std::fs::read_to_string(home.path().join("s.toml.bak.1")).unwrap(),
        "schema_version = 1\n[items.\n"
    );
    assert_eq!(load(&path).status("security.user-authorization"), Status::Fail);
    tui.send("q");
    assert!(tui.wait_exit().success());
}

/// alice's golive with `note` typed into the first item's notes, not yet saved (no pause, no Esc);
/// returns the screen that shows it.
fn typing(note: &str) -> (tempfile::TempDir, std::path::PathBuf, Tui, String) {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("s.toml");
    let mut tui = Tui::spawn(&["--session", path.to_str().unwrap(), "--who", "alice"], home.path(), 100, 30);
    tui.wait_for("1 Security");
    tui.send("e");
    tui.wait_for("Notes: API Authentication");
    tui.send(note);
    let screen = tui.wait_for(note);
    (home, path, tui, screen)
}

/// A note typed but not yet saved when the signal arrives is kept.
fn note_survives(sig: &str) {
    let (_home, path, mut tui, _) = typing("typed just before the signal");
    signal(&tui, sig);
    let status = tui.wait_exit();
    restored(&tui);
    // Stopped, not quit: 128 + the signal's number, as a shell reports it.
    let code = if sig == "-TERM" { 143 } else { 129 };
    assert_eq!(status.exit_code(), code, "{sig}: {status:?}");
    assert_eq!(
        load(&path).record("security.api-authentication").unwrap().notes,
        "typed just before the signal"
    );
}

#[test]
fn sigterm_saves_what_was_typed_and_restores_the_terminal() {
    note_survives("-TERM");
}

#[test]
fn sighup_saves_what_was_typed_and_restores_the_terminal() {
    note_survives("-HUP");
}

/// An SSH window closed in a hurry: the terminal goes away under golive with a note half typed.
/// golive must keep the note, let go of the session and exit; it used to spin on the dead
/// terminal forever, holding the lock.
#[test]
fn a_terminal_that_goes_away_keeps_the_note_and_frees_the_session() {
    let (home, path, mut tui, before) = typing("typed as the window closed");
    let sp = path.to_str().unwrap();
    let closed = std::time::Instant::now();
    tui.hang_up();
    let status = tui.wait_exit();
    let took = closed.elapsed();
    assert!(took < std::time::Duration::from_secs(5), "exited {took:?} after the terminal closed");
    // Stopped (SIGHUP, 129) or the terminal lost (1): never a panic (101) on the dead terminal.
    assert!(matches!(status.exit_code(), 1 | 129), "{status:?}");
    let saved = std::fs::read_to_string(&path).unwrap_or_default();
    let notes = load(&path).record("security.api-authentication").map(|r| r.notes.clone());
    let logs = home.path().join(".local/state/golive/log");
    let log: String = std::fs::read_dir(&logs)
        .map(|d| d.flatten().map(|e| std::fs::read_to_string(e.path()).unwrap_or_default()).collect())
        .unwrap_or_default();
    assert_eq!(
        notes.as_deref(),
        Some("typed as the window closed"),
        "{status:?}\n{saved}\n{log}\nSCREEN BEFORE:\n{before}"
    );
    // The lock went with it: the next golive opens the session.
    let mut again = Tui::spawn(&["--session", sp, "--who", "bob"], home.path(), 100, 30);
    again.wait_for("1 Security");
    again.send("q");
    assert!(again.wait_exit().success());
}

#[test]
fn a_panic_saves_what_was_typed_and_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("s.toml");
    let sp = path.to_str().unwrap();
    let env =
        [("GOLIVE_DEBUG_PANIC_KEY".to_string(), "~".to_string()), ("RUST_BACKTRACE".into(), "0".into())];
    let mut tui = Tui::spawn_env(&["--session", sp, "--who", "alice"], home.path(), 100, 30, &env);
    tui.wait_for("1 Security");
    tui.send("e");
    tui.wait_for("Notes: API Authentication");
    tui.send("half a thought");
    tui.wait_for("half a thought");
    tui.send("~");
    let status = tui.wait_exit();
    assert!(!status.success());
    restored(&tui);
    let screen = tui.screen();
    assert!(
        screen.contains("GOLIVE_DEBUG_PANIC_KEY pressed"),
        "the panic message shows after restore:\n{screen}"
    );
    assert_eq!(load(&path).record("security.api-authentication").unwrap().notes, "half a thought");
}
