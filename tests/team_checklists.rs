//! A team's own checklist: a markdown file opened directly, a checklist that changes under a
//! session (answers moved or kept as orphans, never dropped), several named sessions.

mod common;

use common::pty::Tui;
use golive::session::Session;
use std::path::Path;
use std::process::{Command, Output};

fn golive(home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .current_dir(home)
        .args(args);
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "golive failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

const THEIRS: &str = "# Payments launch\n\n## Before\n\n- [ ] **Freeze main** - no merges after 14:00\n\
                      - [ ] **Backups** - last snapshot under 24 h\n\n## During\n\n- [ ] Watch the error rate\n";

#[test]
fn a_teams_markdown_checklist_opens_answers_and_exports() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("theirs.md"), THEIRS).unwrap();
    let mut tui = Tui::spawn(
        &["--checklist", "theirs.md", "--session", "s.toml", "--who", "ana"],
        home.path(),
        120,
        30,
    );
    let screen = tui.wait_for("Freeze main");
    assert!(screen.contains("Payments launch"), "{screen}");
    assert!(
        screen.contains(
            "theirs.md is read as markdown, without probes: `golive import theirs.md -o checklist.toml`"
        ),
        "the banner says how to attach probes:\n{screen}"
    );
    tui.send("p");
    tui.wait_saved("[x] Freeze main");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let report = stdout(&golive(home.path(), &["export", "--checklist", "theirs.md", "--session", "s.toml"]));
    assert!(report.contains("# Payments launch: go-live report"), "{report}");
    assert!(
        report.contains("- [x] **Freeze main** - no merges after 14:00\\\n  Status: **pass** by ana"),
        "{report}"
    );
    assert!(report.contains("- [ ] **Watch the error rate**"), "{report}");
    // What golive import writes loads as the same checklist, ready for probes.
    let toml = stdout(&golive(home.path(), &["import", "theirs.md", "-o", "theirs.toml"]));
    assert!(toml.is_empty());
    let from_toml = golive::checklist::load_file(&home.path().join("theirs.toml")).unwrap();
    let from_md = golive::checklist::load_file(&home.path().join("theirs.md")).unwrap();
    let ids = |c: &golive::checklist::Checklist| c.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&from_toml), ids(&from_md));
    assert_eq!(ids(&from_md), ["before.freeze-main", "before.backups", "during.watch-the-error-rate"]);
    // Importing again does not replace the file a team may have added probes to.
    let again = golive(home.path(), &["import", "theirs.md", "-o", "theirs.toml"]);
    assert_eq!(again.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        "golive: theirs.toml exists; pass --force to replace it\n"
    );
}

const V1: &str = r#"schema_version = 1
id = "team"
name = "Team launch"
version = "1"

[[sections]]
id = "ops"
title = "Ops"

[[sections.groups]]
title = "Before"

[[sections.groups.items]]
id = "ops.backups"
title = "Backups"

[[sections.groups.items]]
id = "ops.pager"
title = "Pager"

[[sections.groups.items]]
id = "ops.fax"
title = "Fax the regulator"
"#;

/// Version 2: the pager item is renamed (and says so), the fax item is gone, one is new.
const V2: &str = r#"schema_version = 1
id = "team"
name = "Team launch"
version = "2"

[[sections]]
id = "ops"
title = "Ops"

[[sections.groups]]
title = "Before"

[[sections.groups.items]]
id = "ops.backups"
title = "Backups"

[[sections.groups.items]]
id = "ops.on-call"
title = "On-call paged and ready"
replaces = "ops.pager"

[[sections.groups.items]]
id = "ops.status-page"
title = "Status page ready"
"#;

const ANSWERED_V1: &str = r#"schema_version = 1
checklist = "team"
checklist_version = "1"
created = "2026-11-20T09:00:00Z"

[items."ops.backups"]
status = "pass"
by = "ana"
at = "2026-11-20T09:10:00Z"

[items."ops.pager"]
status = "blocked"
by = "bo"
at = "2026-11-20T09:20:00Z"
notes = "pager rota not published"

[items."ops.fax"]
status = "pass"
by = "cy"
at = "2026-11-20T09:30:00Z"
notes = "faxed at 09:29, receipt in the drawer"
"#;

#[test]
fn an_upgraded_checklist_moves_renamed_answers_and_keeps_orphans_in_view() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    std::fs::write(dir.join("v2.toml"), V2).unwrap();
    std::fs::write(dir.join("s.toml"), ANSWERED_V1).unwrap();
    let mut tui =
        Tui::spawn(&["--checklist", "v2.toml", "--session", "s.toml", "--who", "dee"], dir, 140, 30);
    let screen = tui.wait_for("On-call paged and ready");
    assert!(
        screen.contains("Checklist upgraded from version 1 to 2 (the session as it was is kept as"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "1 answer belongs to an item no longer in the checklist, kept and listed in the report: ops.fax"
        ),
        "{screen}"
    );
    // The renamed item carries the answer given under its old id.
    assert!(screen.contains("[!] On-call paged and ready"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit().success());

    let text = std::fs::read_to_string(dir.join("s.toml")).unwrap();
    let s: Session = toml::from_str(&text).unwrap();
    assert_eq!(s.checklist_version, "2");
    assert_eq!(s.items["ops.on-call"].notes, "pager rota not published");
    assert!(!s.items.contains_key("ops.pager"));
    assert_eq!(
        s.items["ops.fax"].notes, "faxed at 09:29, receipt in the drawer",
        "orphans are never dropped"
    );
    let last = s.history.last().unwrap();
    assert_eq!(
        (last.by.as_str(), last.change.as_str()),
        ("dee", "checklist version 1 -> 2; ops.pager -> ops.on-call; kept as orphans: ops.fax")
    );
    // The file as it was, kept before the upgrade rewrote it.
    assert_eq!(std::fs::read_to_string(dir.join("s.toml.bak.1")).unwrap(), ANSWERED_V1);

    let report = stdout(&golive(dir, &["export", "--checklist", "v2.toml", "--session", "s.toml"]));
    assert!(report.contains("- [ ] **On-call paged and ready**\\\n  Status: **blocked** by bo"), "{report}");
    let orphans = report.split("## Orphaned answers").nth(1).expect("an orphans section");
    assert!(
        orphans.starts_with(
            "\n\n1 answer belongs to an item that team version 2 does not have; kept in the session.\n\n\
             - `ops.fax`\\\n  Status: **pass** by cy at 2026-11-20T09:30:00Z\n\n  Notes:\n\n"
        ),
        "{orphans}"
    );
    assert!(orphans.contains("faxed at 09:29, receipt in the drawer"));
    // Opening again: nothing more to upgrade, the orphan still listed, no second backup.
    let again = golive(dir, &["check", "--checklist", "v2.toml", "--session", "s.toml"]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!err.contains("upgraded"), "{err}");
    assert!(err.contains("kept and listed in the report: ops.fax"), "{err}");
    assert!(!dir.join("s.toml.bak.2").exists());
}

#[test]
fn named_sessions_resolve_in_the_data_dir_are_listed_and_offered() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    std::fs::write(dir.join("v1.toml"), V1).unwrap();
    let sessions = dir.join("data/golive/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(sessions.join("eu-launch.toml"), ANSWERED_V1).unwrap();
    // A name is a session in the data dir; `golive check` on a checklist without probes opens it,
    // records nothing and leaves it where it is.
    let o = golive(dir, &["check", "--checklist", "v1.toml", "--session", "us-launch"]);
    assert!(o.status.code().is_some());
    assert!(sessions.join("us-launch.toml").exists(), "{}", String::from_utf8_lossy(&o.stderr));

    let list = stdout(&golive(dir, &["sessions", "--checklist", "v1.toml"]));
    let lines: Vec<&str> = list.lines().collect();
    assert!(lines[0].starts_with("NAME "), "{list}");
    let eu = lines.iter().find(|l| l.starts_with("eu-launch")).unwrap_or_else(|| panic!("{list}"));
    assert!(
        eu.contains("team v1") && eu.contains("2/3 (66%)") && eu.contains("2026-11-20 09:00 UTC"),
        "{eu}"
    );
    assert!(lines.iter().any(|l| l.starts_with("us-launch") && l.contains("0/3 (0%)")), "{list}");
    assert_eq!(lines.len(), 3, "{list}");

    // No session named and several saved: the TUI asks which.
    let mut tui = Tui::spawn(&["--checklist", "v1.toml"], dir, 120, 30);
    let screen = tui.wait_for("Which session?");
    assert!(screen.contains("eu-launch") && screen.contains("us-launch"), "{screen}");
    // The footer is the key table's picker bindings.
    assert!(screen.contains(" ↑/k up  ↓/j down  Enter open  q/Esc quit"), "{screen}");
    // Listed newest change first: us-launch was created just now.
    let us_row = screen.find("us-launch").unwrap();
    assert!(us_row < screen.find("eu-launch").unwrap(), "{screen}");
    tui.send("j\r");
    let screen = tui.wait_for("Fax the regulator");
    assert!(screen.contains("eu-launch.toml"), "the chosen session is open:\n{screen}");
    assert!(screen.contains("[x] Backups"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit().success());
}
