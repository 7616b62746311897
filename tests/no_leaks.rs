//! Nothing that looks like a credential travels from probe output into the session, the export or
//! the screen; a credential a person typed into a note is flagged before an export.

mod common;

use common::{fixed_now, key, render, screen_text, typed};
use golive::checklist::Checklist;
use golive::probe::engine::{self, Ctx};
use golive::probe::target::Target;
use golive::probe::{ProbeSpec, Verdict};
use golive::session::{self, Session};
use golive::tui::app::{Effect, Input};
use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;
use std::time::Duration;

const SESSION_TOKEN: &str =
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7kq3Yw9pZ2v1Lm4nB8sT0aXcR5uVhJfKdG";
const SK_KEY: &str = "sk-proj-Zq8xW3rT9mK2vL7nB4cJ6hF1dS5gA0pE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[tokio::test]
async fn probe_output_is_masked_before_it_is_kept_anywhere() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("README.md"), "# hi\n").unwrap();
    // A file probe echoes its pattern in its summary: here the pattern is made of credentials.
    let spec = ProbeSpec {
        kind: "file".into(),
        params: toml::from_str(&format!(
            "name = \"x\"\npaths = [\"*.md\"]\npattern = \"{SK_KEY}|{SESSION_TOKEN}|aws_secret_access_key={SECRET_KEY}\""
        ))
        .unwrap(),
    };
    let target = Target { repo: Some(repo.path().display().to_string()), ..Default::default() };
    let repo = Ok(repo.path().canonicalize().unwrap());
    let ctx = Arc::new(Ctx::new(Err(Verdict::error("no AWS")), target).with_repo(repo));
    let result = engine::run_job(ctx, vec![spec], Duration::from_secs(5)).await;
    let shown = format!("{result:?}");
    for secret in [SK_KEY, SESSION_TOKEN, SECRET_KEY] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // Each is masked, keeping neither its first characters nor its length.
    assert!(shown.matches("[masked]").count() >= 3, "{shown}");
    for secret in [SK_KEY, SESSION_TOKEN, SECRET_KEY] {
        assert!(!shown.contains(&format!("{}…", &secret[..4])), "{shown}");
    }

    // What the session and the report hold is the masked result.
    let c = Checklist::embedded();
    let mut s = Session::new(&c, fixed_now());
    s.record_mut("operations.runbooks").probe = Some(result);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    session::save(&path, &s).unwrap();
    let report = golive::export::markdown::render(
        &c,
        &s,
        &golive::export::markdown::Meta {
            session_path: "s.toml",
            generated: fixed_now(),
            full_evidence: false,
            decision: &golive::gate::of_session(&c, &s, fixed_now()),
            files: &[],
        },
    );
    for text in [std::fs::read_to_string(&path).unwrap(), report] {
        for secret in [SK_KEY, SESSION_TOKEN, SECRET_KEY] {
            assert!(!text.contains(secret));
        }
        // (The report escapes the brackets.)
        assert!(text.contains("[masked]") || text.contains("\\[masked\\]"), "{text}");
    }
}

#[test]
fn a_credential_in_a_note_is_named_before_an_export() {
    let mut app = common::app();
    app.update(key(KeyCode::Char('e')));
    typed(&mut app, &format!("deploy creds: aws_secret_access_key={SECRET_KEY}"));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.session().leaks().len(), 1, "{:?}", app.session().leaks());
    let fx = app.update(key(KeyCode::Char('x')));
    assert!(fx.is_empty(), "no export before the question is answered: {fx:?}");
    assert!(matches!(app.input(), Some(Input::Confirm(_))));
    let screen = screen_text(&render(&mut app, 120, 40));
    assert!(screen.contains("note line 1 of \"API Authentication\" holds what looks like a"), "{screen}");
    assert!(screen.contains("credential (AWS secret access key); the report would carry it."), "{screen}");
    assert!(!screen.contains(SECRET_KEY));
    // No: nothing is written.
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
    // Yes: the person decided.
    app.update(key(KeyCode::Char('x')));
    assert!(app.update(key(KeyCode::Char('y'))).is_empty());
    let path = std::path::PathBuf::from("/srv/launch/session-report.md");
    assert_eq!(app.update(key(KeyCode::Enter)), vec![Effect::Export { path: path.clone() }]);
    // A note without one asks only where.
    let mut clean = common::app();
    assert!(clean.update(key(KeyCode::Char('x'))).is_empty());
    assert_eq!(clean.update(key(KeyCode::Enter)), vec![Effect::Export { path }]);
}

#[test]
fn golive_export_warns_on_stderr_naming_the_item() {
    let c = Checklist::embedded();
    let mut s = Session::new(&c, fixed_now());
    s.record_mut("final.environment-variables").notes = format!("first line\nkey {SK_KEY}\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    session::save(&path, &s).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["export", "--session", path.to_str().unwrap(), "-o"])
        .arg(dir.path().join("report.md"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(
            "golive: warning: final.environment-variables note line 2 holds what looks like a credential (sk- API key); the report carries it\n"
        ),
        "{err}"
    );
}
