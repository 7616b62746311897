//! The TUI in a pseudo-terminal running probes against moto_server, and against an endpoint that
//! never answers.

mod common;

use common::moto;
use common::pty::Tui;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_capital_r_and_a_run_probes_and_results_survive_a_restart() {
    let home = tempfile::tempdir().unwrap();
    let account = moto::fresh_account();
    let creds = moto::role_creds(&account).await;
    moto::launch_budget(&creds, &account).await;
    moto::trusted_role(&creds, "svc-task", r#"{"Service":"ecs-tasks.amazonaws.com"}"#).await;
    let env = moto::env(&creds);
    let session = home.path().join("s.toml");
    // The service's repository, where the checklist's rollback command would run.
    std::fs::create_dir_all(home.path().join("svc")).unwrap();
    std::fs::write(&session, "[target]\ntask_role = \"svc-task\"\nrepo = \"svc\"\n").unwrap();
    let args = ["--session", session.to_str().unwrap(), "--account", &account];

    // Wide enough for the caller ARN beside the session path (a narrower header drops the ARN first).
    let mut tui = Tui::spawn_env(&args, home.path(), 180, 40, &env);
    tui.wait_for("1 Security");
    // R: the section's probes (the task role's checks pass; the others need settings).
    tui.send("R");
    tui.wait_for(&format!("aws {account} arn:aws:sts::{account}:assumed-role/golive-probe"));
    tui.wait_for("[x] Service-Linked Roles ✓");
    // r: one item's probe. moto cannot say who receives the budget's alert: undecided, not a pass.
    tui.send("6");
    tui.wait_for("cost.budget-alerts");
    tui.send("r");
    tui.wait_for("[ ] Budget Alerts ★ ?");
    // A: everything; first it asks about the checklist's rollback command (declined here).
    tui.send("A");
    tui.wait_for("A command check asks to run");
    tui.wait_for("./rollback.sh --dry-run");
    tui.send("n");
    let screen = tui.wait_for("[ ] Spending Limits ★ ?");
    // Service-Linked Roles: its probe decides it. The IAM checks pass (the task role has no
    // policies) but check a part of their items: those wait for a person.
    assert!(screen.contains("Done 1/98"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit().success());

    let mut tui = Tui::spawn_env(&["--session", session.to_str().unwrap()], home.path(), 160, 40, &env);
    tui.wait_for("Done 1/98");
    // The session remembers the selected item (Budget Alerts) and its last result.
    tui.send("6");
    let screen = tui.wait_for("? error: alerts at or below 80%");
    assert!(screen.contains("[ ] Budget Alerts ★ ?"), "{screen}");
    tui.send("\x03");
    assert!(tui.wait_exit().success());
}

#[test]
fn esc_cancels_a_sweep_against_an_endpoint_that_never_answers_and_keys_keep_working() {
    let home = tempfile::tempdir().unwrap();
    let env = moto::with_endpoint(moto::env(&moto::user_creds()), &moto::silent_endpoint());
    let session = home.path().join("s.toml");
    let args = ["--session", session.to_str().unwrap(), "--account", "123456789012", "--probe-timeout", "60"];
    let mut tui = Tui::spawn_env(&args, home.path(), 160, 40, &env);
    tui.wait_for("1 Security");
    // No repository in the target: no command can run, so nothing is asked first.
    tui.send("A");
    tui.wait_for("aws: connecting…");
    // The UI answers while the sweep hangs.
    tui.send("j");
    tui.wait_for("security.user-authorization");
    tui.send("\x1b");
    let n = golive::checklist::Checklist::embedded().items.iter().filter(|i| i.is_automated()).count();
    tui.wait_for(&format!("Cancelled {n} probes."));
    tui.send("j");
    tui.wait_for("security.session-management");
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_account_is_confirmed_on_screen() {
    let home = tempfile::tempdir().unwrap();
    let account = moto::fresh_account();
    let creds = moto::role_creds(&account).await;
    moto::trusted_role(&creds, "svc-task", r#"{"Service":"ecs-tasks.amazonaws.com"}"#).await;
    let env = moto::env(&creds);
    let session = home.path().join("s.toml");
    moto::session_with_task_role(&session, "svc-task");
    let mut tui = Tui::spawn_env(&["--session", session.to_str().unwrap()], home.path(), 160, 40, &env);
    tui.wait_for("1 Security");
    tui.send("R");
    tui.wait_for(&format!("Probe AWS account {account}"));
    tui.send("y");
    tui.wait_for("[x] Service-Linked Roles ✓");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(text.contains(&format!("account_id = \"{account}\"")), "{text}");
}
