//! `golive check` as a pipeline runs it: against moto, and against endpoints that fail in every
//! way; exit codes 0 GO, 1 NO-GO, 2 UNDECIDED and 3 (golive could not run); text, JSON and JUnit
//! reports. The gate's own rule (answers, waivers, sign-offs) is tested in tests/gate.rs.

mod common;

use common::moto;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

fn check(session: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", session.parent().unwrap());
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    cmd.arg("check").arg("--session").arg(session).args(args);
    cmd.output().unwrap()
}

/// How many items of the embedded checklist have a probe.
fn probed() -> usize {
    golive::checklist::Checklist::embedded().items.iter().filter(|i| i.is_automated()).count()
}

/// Whether every check of an item needs a feature this build lacks: such items say "not checked"
/// (undecided) without calling AWS.
fn unbuilt(id: &str) -> bool {
    let c = golive::checklist::Checklist::embedded();
    let item = &c.items[c.index_of(id).unwrap()];
    item.probes.iter().all(|p| golive::probe::registry::find(&p.kind).unwrap().missing_feature().is_some())
}

fn uses_aws(id: &str) -> bool {
    let c = golive::checklist::Checklist::embedded();
    c.items[c.index_of(id).unwrap()].probes.iter().any(|p| p.kind.starts_with("aws."))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[tokio::test]
async fn exit_0_when_every_automated_check_passes_and_results_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let account = moto::fresh_account();
    let creds = moto::role_creds(&account).await;
    moto::trusted_role(&creds, "svc-task", r#"{"Service":"ecs-tasks.amazonaws.com"}"#).await;
    moto::session_with_task_role(&session, "svc-task");
    let only = [
        "--only",
        "security.service-linked-roles",
        "security.least-privilege",
        "security.no-wildcard-resources",
    ];
    let out = check(&session, &moto::env(&creds), &[&only[..], &["--account", &account]].concat());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains(&format!("AWS account {account} as arn:aws:sts::{account}:assumed-role/golive-probe/")),
        "{text}"
    );
    assert!(text.contains("✓ pass         security.service-linked-roles"), "{text}");
    assert!(text.trim_end().ends_with("GO for 3 selected checks: all passed"), "{text}");
    // stdout is only the report: nothing from progress or notes.
    assert!(text.starts_with("golive check: Production Deployment Checklist ("), "{text}");

    let saved = std::fs::read_to_string(&session).unwrap();
    let c = golive::checklist::Checklist::embedded();
    let s = golive::session::parse("s.toml", &saved, &c).unwrap();
    let rec = s.record("security.service-linked-roles").unwrap();
    assert_eq!(rec.status, golive::session::Status::Pass);
    assert!(rec.status_by_probe);
    assert_eq!(rec.by.as_deref(), Some("probe aws.iam.service-role"));
    // `--account` was for this run (`--save-target` would keep it): the session's target is its own.
    assert_eq!(s.target.account_id, None);
    // No credential ever reaches the session file.
    assert!(!saved.contains(creds.access_key_id()) && !saved.contains(creds.secret_access_key()));
}

#[tokio::test]
async fn exit_1_when_a_check_fails_with_junit_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let env = moto::env(&moto::user_creds());
    let bob = r#"{"AWS":"arn:aws:iam::123456789012:user/bob"}"#;
    moto::trusted_role(&moto::user_creds(), "svc-shared-with-bob", bob).await;
    moto::session_with_task_role(&session, "svc-shared-with-bob");
    let out = check(&session, &env, &["--only", "security.service-linked-roles", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = stdout(&out);
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    // The check, and the gate's decision.
    assert_eq!(
        (root.attribute("tests"), root.attribute("failures"), root.attribute("errors")),
        (Some("2"), Some("2"), Some("0"))
    );
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 2);
    let gate = cases[1].children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(gate.attribute("message"), Some("NO-GO for 1 selected check: 1 failed"));
    assert_eq!(cases[0].attribute("name"), Some("security.service-linked-roles: Service-Linked Roles"));
    let failure = cases[0].children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("the task role svc-shared-with-bob can be assumed by AWS arn:aws:iam::123456789012:user/bob")
    );
    // The first run records the account it found, and says so on stderr, not stdout.
    assert!(String::from_utf8_lossy(&out.stderr).contains("recording 123456789012"));
}

#[test]
fn exit_2_without_credentials_and_json_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let env: Vec<(String, String)> = moto::env(&moto::user_creds())
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS") && !k.starts_with("AWS_SECRET"))
        .collect();
    // Every probed item: the verdict covers them, not the launch (no sign-offs asked).
    let c = golive::checklist::Checklist::embedded();
    let all: Vec<&str> = c.items.iter().filter(|i| i.is_automated()).map(|i| i.id.as_str()).collect();
    let out = check(&session, &env, &[&["--format", "json", "--only"][..], &all].concat());
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["verdict"], "undecided");
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["decision"]["reasons"].as_array().unwrap().len(), probed());
    assert!(doc["decision"]["reasons"].as_array().unwrap().iter().all(|r| r["blocks"] == false), "{doc:#}");
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), probed());
    for r in results {
        let id = r["id"].as_str().unwrap();
        if unbuilt(id) {
            assert_eq!(r["outcome"], "error", "{r}");
            assert_eq!(r["summary"], "not checked: this golive was built without the `ec2` feature", "{r}");
            continue;
        }
        if !uses_aws(id) {
            // Files, commands, endpoints: nothing set in this session's target.
            assert_eq!(r["outcome"], "needs-config", "{r}");
            continue;
        }
        assert_eq!(r["outcome"], "error");
        // Alone, or after the needs-config of a part that looks at the endpoint.
        assert!(
            r["summary"].as_str().unwrap().contains("no AWS credentials: tried environment variables"),
            "{r}"
        );
    }
}

#[test]
fn exit_2_when_the_endpoint_refuses_connections() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let env = moto::with_endpoint(moto::env(&moto::user_creds()), &format!("http://127.0.0.1:{port}"));
    let out = check(&dir.path().join("s.toml"), &env, &["--section", "1"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("STS GetCallerIdentity: could not reach the endpoint"), "{text}");
    // A check this build cannot run is undecided too: every one of section 1.
    let c = golive::checklist::Checklist::embedded();
    let n = c.items.iter().filter(|i| i.section == 0 && i.is_automated()).count();
    let verdict = format!("UNDECIDED for {n} selected checks: {n} undecided; nothing else blocks");
    assert!(text.trim_end().ends_with(&verdict), "{text}");
    // The whole launch, without a selection: unanswered items and missing sign-offs block.
    let out = check(&dir.path().join("s.toml"), &env, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("✗ final approval: not signed"), "{}", stdout(&out));
}

#[test]
fn exit_2_when_the_endpoint_never_answers() {
    let dir = tempfile::tempdir().unwrap();
    let env = moto::with_endpoint(moto::env(&moto::user_creds()), &moto::silent_endpoint());
    let out = check(&dir.path().join("s.toml"), &env, &["--probe-timeout", "1", "--section", "2"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("STS GetCallerIdentity timed out after 1 s"), "{text}");
}

#[test]
fn exit_2_when_the_account_is_not_the_expected_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(
        &dir.path().join("s.toml"),
        &moto::env(&moto::user_creds()),
        &["--account", "999999999999", "--section", "1"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("refused: the credentials are for account 123456789012 (arn:aws:sts::123456789012:user/moto), not the expected account 999999999999"),
        "{text}"
    );
}

#[test]
fn selection_errors_and_items_a_person_marked_na_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let env = moto::env(&moto::user_creds());
    let out = check(&session, &env, &["--only", "security.no-such-item"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--only security.no-such-item: no such item"));
    let out = check(&session, &env, &["--only", "security.pii-handling"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("this item has no automated check"));

    let c = golive::checklist::Checklist::embedded();
    let mut s = golive::session::Session::new(&c, common::fixed_now());
    let r = s.record_mut("security.service-linked-roles");
    r.status = golive::session::Status::NotApplicable;
    r.by = Some("alice".into());
    r.reason = Some("no compute in this account".into());
    golive::session::save(&session, &s).unwrap();
    // The seed does not let n/a exempt an item with a probe: a team checklist that does.
    let text = golive::checklist::seed_text().replace(
        "id = \"security.service-linked-roles\"",
        "id = \"security.service-linked-roles\"\nallow_na = true",
    );
    let team = dir.path().join("team.toml");
    std::fs::write(&team, text).unwrap();
    let c = golive::checklist::load_file(&team).unwrap();
    let team = team.display().to_string();
    let out = check(&session, &env, &["--section", "1", "--format", "junit", "--checklist", &team]);
    let xml = stdout(&out);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let skipped = doc.descendants().find(|n| n.has_tag_name("skipped")).expect("a skipped testcase");
    assert_eq!(skipped.attribute("message"), Some("n/a by alice: no compute in this account"));
    // Every probed item of section 1 is a testcase (one skipped, the others run), and the gate.
    let section1 = c.items.iter().filter(|i| i.section == 0 && i.is_automated()).count();
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("testcase")).count(), section1 + 1);
}

/// Probes whose passing case moto cannot produce; they run on recorded responses in
/// tests/aws_services.rs.
const RECORDED_ONLY: [&str; 8] = [
    "cost.budget-alerts",
    "cost.spending-limits",
    "cost.reserved-capacity",
    "compliance.content-filtering",
    "final.ssl-certificates",
    "observability.alert-testing",
    "observability.trace-sampling",
    "observability.distributed-tracing",
];

/// `golive check` over every AWS-probed item on a well-configured and a misconfigured account.
#[test]
fn check_passes_a_well_configured_account_and_fails_a_misconfigured_one_naming_resources() {
    let c = golive::checklist::Checklist::embedded();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Without the ec2 feature the EC2 checks are undecided: the good account is not a GO then;
    // with it, the one item whose passing case moto cannot make (a warning) leaves a person to
    // confirm nothing: warnings do not block.
    let good_exit = if cfg!(feature = "ec2") { 0 } else { 2 };
    for (kind, exit) in [("good", good_exit), ("bad", 1)] {
        let account = moto::build_account(kind);
        let creds = rt.block_on(moto::role_creds(&account));
        let dir = tempfile::tempdir().unwrap();
        let session = dir.path().join("s.toml");
        let mut s = golive::session::Session::new(&c, common::fixed_now());
        s.target = moto::fixture_target(&account);
        golive::session::save(&session, &s).unwrap();
        let ids: Vec<&str> = c
            .items
            .iter()
            .filter(|i| uses_aws(&i.id) && !RECORDED_ONLY.contains(&i.id.as_str()))
            .map(|i| i.id.as_str())
            .collect();
        let args = [&["--format", "json", "--only"][..], &ids].concat();
        let out = check(&session, &moto::env(&creds), &args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(exit), "{kind}: {doc:#}");
        let results = doc["results"].as_array().unwrap();
        assert_eq!(results.len(), ids.len(), "every probed item ran");
        assert!(ids.len() >= 31, "{}", ids.len());
        for r in results {
            let id = r["id"].as_str().unwrap();
            let outcome = r["outcome"].as_str().unwrap();
            // moto does not report replicas (the passing case runs on a recorded response).
            // Without the ec2 feature the EC2 checks say "not checked" (undecided), alone or merged.
            let ec2 = cfg!(feature = "ec2");
            let expected = match (kind, id) {
                (_, "reliability.cross-region-replication") => "warn",
                (_, "security.security-groups" | "security.vpc-endpoints")
                | ("good", "reliability.multi-az-deployment" | "security.private-subnets")
                    if !ec2 =>
                {
                    "error"
                }
                ("good", "security.encryption-at-rest") if !ec2 => "error",
                ("good", _) => "pass",
                _ => "fail",
            };
            assert_eq!(outcome, expected, "{kind} {id}: {r:#}");
            if kind == "bad" && expected == "fail" {
                let text = format!("{} {}", r["summary"], r["evidence"]);
                let culprit = match id {
                    _ if id.contains("metrics") => "AgentService",
                    "security.vpc-endpoints" => "bedrock-runtime",
                    // AgentCore runtime and memory names allow no `-`.
                    "security.session-management"
                    | "operations.blue-green-or-canary"
                    | "final.rollback-ready"
                    | "observability.log-levels" => "agent_api",
                    _ => "agent-",
                };
                assert!(text.contains(culprit), "{id} names the resource: {text}");
            }
        }
    }
}

/// An HTTP server on 127.0.0.1 (a thread per connection): /health 200, /admin 401, else 404.
fn http_server() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or_default();
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let status = match path.as_str() {
                    "/health" => "200 OK",
                    "/admin" => "401 Unauthorized",
                    _ => "404 Not Found",
                };
                let _ =
                    write!(&stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            });
        }
    });
    port
}

/// One `golive check` runs AWS, HTTP, DNS, file, secrets and command checks side by side;
/// commands run only with --allow-commands.
#[test]
fn one_check_sweeps_aws_the_service_and_the_repository_and_commands_need_consent() {
    let c = golive::checklist::Checklist::embedded();
    let account = moto::build_account("good");
    let creds = tokio::runtime::Runtime::new().unwrap().block_on(moto::role_creds(&account));
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("docs")).unwrap();
    std::fs::write(repo.join("docs/runbook.md"), "# Runbook\n").unwrap();
    std::fs::write(repo.join("settings.py"), "KEY_ID = \"AKIAQ3EGRTXBWZ7MXK4P\"\n").unwrap();
    let session = dir.path().join("s.toml");
    let mut s = golive::session::Session::new(&c, common::fixed_now());
    s.target = moto::fixture_target(&account);
    s.target.endpoint = Some(format!("http://127.0.0.1:{}", http_server()));
    s.target.protected_paths = vec!["/admin".into()];
    s.target.domain = Some("localhost".into());
    s.target.dns_expect = Some("127.0.0.1".into());
    // Relative to the session's checkout (its directory here), as a session from a branch has it.
    s.target.repo = Some("repo".into());
    s.target.commands.insert("unit".into(), "touch unit-ran && echo 12 passed".into());
    s.target.commands.insert("integration".into(), "echo refused >&2; exit 3".into());
    golive::session::save(&session, &s).unwrap();
    let want = [
        ("security.least-privilege", "pass", "pass"),
        ("security.api-authentication", "pass", "pass"),
        ("reliability.load-balancer-health-checks", "pass", "pass"),
        ("testing.smoke-tests", "pass", "pass"),
        ("final.dns-configuration", "pass", "pass"),
        ("operations.runbooks", "pass", "pass"),
        ("operations.ci-cd-pipeline", "fail", "fail"),
        ("security.secrets-management", "fail", "fail"),
        ("final.environment-variables", "pass", "pass"),
        ("testing.unit-tests", "pass", "error"),
        ("testing.integration-tests", "fail", "error"),
    ];
    let ids: Vec<&str> = want.iter().map(|w| w.0).collect();
    for allowed in [false, true] {
        let mut args = [&["--format", "json", "--only"][..], &ids].concat();
        if allowed {
            args.push("--allow-commands");
        }
        let out = check(&session, &moto::env(&creds), &args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{doc:#}");
        let results = doc["results"].as_array().unwrap();
        assert_eq!(results.len(), want.len(), "{doc:#}");
        for (id, with, without) in want {
            let r = results.iter().find(|r| r["id"] == id).unwrap();
            let expected = if allowed { with } else { without };
            assert_eq!(r["outcome"], expected, "allowed {allowed}: {id}: {r:#}");
        }
        let unit = results.iter().find(|r| r["id"] == "testing.unit-tests").unwrap();
        let secrets = results.iter().find(|r| r["id"] == "security.secrets-management").unwrap();
        assert!(secrets.to_string().contains("settings.py:1: AWS access key id [masked]"), "{secrets:#}");
        assert!(!out.stdout.windows(20).any(|w| w == b"AKIAQ3EGRTXBWZ7MXK4P"), "the key itself never shows");
        if allowed {
            assert!(unit.to_string().contains("12 passed"), "{unit:#}");
            assert!(repo.join("unit-ran").exists());
        } else {
            assert!(
                unit["summary"].as_str().unwrap().starts_with("not run without consent: `touch unit-ran"),
                "{unit:#}"
            );
            assert!(!repo.join("unit-ran").exists(), "a command ran without consent");
        }
    }
}

/// The log: a file in the state dir with a line per AWS call (request id, latency) and per probe,
/// and nothing secret.
#[tokio::test]
async fn every_aws_call_and_probe_is_logged_to_the_state_dir_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let account = moto::fresh_account();
    let creds = moto::role_creds(&account).await;
    let mut env = moto::env(&creds);
    env.push(("XDG_STATE_HOME".into(), dir.path().join("state").display().to_string()));
    moto::trusted_role(&creds, "svc-task", r#"{"Service":"ecs-tasks.amazonaws.com"}"#).await;
    moto::session_with_task_role(&session, "svc-task");
    let only = ["--only", "security.service-linked-roles", "--account", &account];
    let out = check(&session, &env, &only);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let logs: Vec<_> =
        std::fs::read_dir(dir.path().join("state/golive/log")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let name = logs[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("golive.") && name.ends_with(".log"), "{name}");
    let log = std::fs::read_to_string(&logs[0]).unwrap();
    let call = log
        .lines()
        .find(|l| l.contains("golive::aws: POST ") && l.contains(" GetCallerIdentity -> 200 request_id="))
        .unwrap_or_else(|| panic!("no AWS call line:\n{log}"));
    assert!(call.contains("-> 200 request_id="), "{call}");
    assert!(call.trim_end().ends_with(" ms"), "{call}");
    assert!(log.contains("golive::probe: aws.iam.service-role: pass in "), "{log}");
    for secret in [creds.access_key_id(), creds.secret_access_key(), creds.session_token().unwrap()] {
        assert!(!log.contains(secret), "a credential in the log:\n{log}");
    }
    // --log-level off writes nothing.
    let quiet = tempfile::tempdir().unwrap();
    let mut env = moto::env(&creds);
    env.push(("XDG_STATE_HOME".into(), quiet.path().display().to_string()));
    let out = check(&session, &env, &[&only[..], &["--log-level", "off"]].concat());
    assert_eq!(out.status.code(), Some(0));
    // (The session's lock lives in the state dir too, so the dir itself may be there.)
    assert!(!quiet.path().join("golive/log").exists());
}

/// A session from someone else's branch carries a command and its own approval. `golive check`
/// runs it only with --allow-commands or this user's own consent, given on this machine for this
/// exact command; the carried approval is dropped on save.
#[test]
fn a_session_cannot_approve_its_own_commands() {
    let c = golive::checklist::Checklist::embedded();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let session = dir.path().join("s.toml");
    let hostile = |command: &str| {
        format!(
            "schema_version = 1\nchecklist = {:?}\nchecklist_version = {:?}\ncreated = \"2026-11-25T09:30:00Z\"\n\
             approved_commands = [{command:?}]\n\n[target]\nrepo = {:?}\n\n[target.commands]\nunit = {command:?}\n",
            c.id, c.version, "repo"
        )
    };
    let pwned = "touch PWNED && echo 3 passed";
    std::fs::write(&session, hostile(pwned)).unwrap();
    let only = ["--only", "testing.unit-tests"];
    let out = check(&session, &[], &only);
    let (text, err) = (stdout(&out), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(!repo.join("PWNED").exists(), "the session approved its own command\n{text}");
    assert_eq!(out.status.code(), Some(2), "{text}\n{err}");
    assert!(text.contains("not run without consent"), "{text}");
    assert!(err.contains("carries approved_commands from an older golive: not honoured"), "{err}");
    assert!(!std::fs::read_to_string(&session).unwrap().contains("approved_commands"), "dropped on save");

    // This user's own consent, for this session, this repository and this exact text.
    let grant = golive::consent::Grant {
        command: pwned.into(),
        repo: Some("repo".into()),
        session: golive::consent::session_key(&session),
        by: "me".into(),
        at: chrono::Utc::now(),
    };
    golive::consent::add(&dir.path().join(".local/state/golive/consent.toml"), &grant).unwrap();
    std::fs::write(&session, hostile(pwned)).unwrap();
    let out = check(&session, &[], &only);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(repo.join("PWNED").exists());

    // The text changed: that consent no longer holds.
    std::fs::write(&session, hostile("touch PWNED2 && echo 3 passed")).unwrap();
    let out = check(&session, &[], &only);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(!repo.join("PWNED2").exists());
}

/// Every error is printed once, on its own line, ending with a newline: a session missing part of
/// its header was reported printing its message twice, run together.
#[test]
fn an_error_is_printed_once_with_a_newline() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let bad_checklist = dir.path().join("c.toml");
    std::fs::write(&bad_checklist, "id = 3\n").unwrap();
    let sp = session.display().to_string();
    let cases: [(&str, &[&str], String); 4] = [
        ("schema_version = 1\nchecklist = 7\n", &[], format!("golive: {sp}:2:13: ")),
        ("schema_version = 1\n[items.x]\nstatus = \"done\"\n", &[], format!("golive: {sp}:3:10: ")),
        ("[target]\n", &["--only", "no.such-item"], "golive: --only no.such-item: no such item".into()),
        (
            "[target]\n",
            &["--checklist", bad_checklist.to_str().unwrap()],
            format!("golive: {}:1:", bad_checklist.display()),
        ),
    ];
    for (text, args, start) in cases {
        std::fs::write(&session, text).unwrap();
        let out = check(&session, &[], args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert_eq!(err.matches("golive: ").count(), 1, "{err:?}");
        assert!(err.starts_with(&start), "{err:?} should start with {start:?}");
        assert!(err.ends_with('\n') && err.lines().count() == 1, "{err:?}");
    }
}

/// A hand-written session holding only a target opens, and the first save completes its header.
#[test]
fn a_session_holding_only_a_target_opens_and_is_completed_on_save() {
    let c = golive::checklist::Checklist::embedded();
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    std::fs::write(&session, "[target]\nendpoint = \"http://127.0.0.1:9\"\n").unwrap();
    let out = check(&session, &[], &["--only", "testing.smoke-tests"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(1 | 2)), "the check ran and decided: {err}");
    assert!(!err.contains("missing field"), "{err}");
    let text = std::fs::read_to_string(&session).unwrap();
    let s = golive::session::parse("s.toml", &text, &c).unwrap();
    assert_eq!(s.checklist, c.id);
    assert_eq!(s.checklist_version, c.version);
    assert_eq!(s.target.endpoint.as_deref(), Some("http://127.0.0.1:9"));
    for field in ["schema_version = 1", "checklist = ", "checklist_version = ", "created = "] {
        assert!(text.contains(field), "{field} not written:\n{text}");
    }
    assert!(s.record("testing.smoke-tests").unwrap().probe.is_some(), "the result was saved");
}

/// An account the size the summaries are for: the good fixture plus 150 log groups and 120
/// alarms in scope, one of each wrong (agent-lg-117 never expires, agent-alarm-042 tells nobody).
async fn large_account() -> (String, aws_credential_types::Credentials) {
    let account = moto::build_account("good");
    let creds = moto::role_creds(&account).await;
    let config = moto::config(creds.clone()).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    for i in 0..150 {
        let name = format!("agent-lg-{i:03}");
        logs.create_log_group().log_group_name(&name).send().await.unwrap();
        if i != 117 {
            logs.put_retention_policy().log_group_name(&name).retention_in_days(30).send().await.unwrap();
        }
    }
    for i in 0..120 {
        let mut alarm = cw
            .put_metric_alarm()
            .alarm_name(format!("agent-alarm-{i:03}"))
            .alarm_description("runbook: https://runbooks.example.com/agent")
            .namespace("AgentService")
            .metric_name("Errors")
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(60)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold);
        if i != 42 {
            alarm = alarm.alarm_actions(format!("arn:aws:sns:us-east-1:{account}:agent-oncall"));
        }
        alarm.send().await.unwrap();
    }
    (account, creds)
}

#[tokio::test]
async fn a_large_account_reads_as_a_summary_in_every_format_and_the_report_fits_an_issue() {
    let (account, creds) = large_account().await;
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let c = golive::checklist::Checklist::embedded();
    let mut s = golive::session::Session::new(&c, common::fixed_now());
    s.target = moto::fixture_target(&account);
    golive::session::save(&session, &s).unwrap();
    let env = moto::env(&creds);
    let retention = "observability.log-retention";
    let alerts = "final.monitoring-active";

    // Text: a count with the failing resource, not 150 lines.
    let out = check(&session, &env, &[]);
    let text = stdout(&out);
    assert!(text.contains("      151 log groups, 1 failing: agent-lg-117\n"), "{text}");
    assert!(text.contains("      ✗ log group agent-lg-117: never expires\n"), "{text}");
    assert!(!text.contains("agent-lg-116"), "passing groups are counted, not listed:\n{text}");
    assert!(text.lines().count() < 400, "{} lines:\n{text}", text.lines().count());

    // JSON: the full list beside the summary.
    let out = check(&session, &env, &["--format", "json", "--only", retention]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &doc["results"][0];
    assert_eq!(r["evidence"].as_array().unwrap().len(), 152, "{r:#}");
    assert!(r["evidence"][151].as_str().unwrap().starts_with("scope: account "), "{r:#}");
    assert_eq!(r["evidence_summary"][0], "151 log groups, 1 failing: agent-lg-117", "{r:#}");

    // JUnit: the failure's body is the summary.
    let out = check(&session, &env, &["--format", "junit", "--only", alerts]);
    let xml = stdout(&out);
    roxmltree::Document::parse(&xml).unwrap();
    assert!(xml.contains("alarms, 1 failing: agent-alarm-042"), "{xml}");
    assert!(!xml.contains("agent-alarm-041"), "{xml}");

    // Markdown of the fully probed session: fits a GitHub issue body; every line on request.
    let export = |full: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
        cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", dir.path());
        cmd.arg("export").arg("--session").arg(&session);
        if full {
            cmd.arg("--full-evidence");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        stdout(&out)
    };
    let saved = golive::session::parse("s.toml", &std::fs::read_to_string(&session).unwrap(), &c).unwrap();
    let probed = c.items.iter().filter(|i| i.is_automated()).count();
    assert_eq!(
        c.items.iter().filter(|i| saved.record(&i.id).is_some_and(|r| r.probe.is_some())).count(),
        probed
    );
    let report = export(false);
    assert!(report.chars().count() <= 65_536, "{} characters", report.chars().count());
    assert!(report.contains("  - 151 log groups, 1 failing: agent-lg-117\n"), "{report}");
    let full = export(true);
    assert!(full.chars().count() > 65_536, "{}", full.chars().count());
    assert!((0..150).all(|i| full.contains(&format!("log group agent-lg-{i:03}: "))));
    eprintln!(
        "text report {} lines; markdown {} characters summarised, {} in full",
        text.lines().count(),
        report.chars().count(),
        full.chars().count()
    );
}

/// A webhook receiver on loopback: each request's body, as it came.
fn webhook_server() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            let mut length = 0;
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = write!(&stream, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            tx.send(String::from_utf8(body).unwrap()).unwrap();
        }
    });
    (port, rx)
}

/// `golive watch` over a launch window: a resource broken between two sweeps is told once, to the
/// webhook, naming the item and the resource; the next sweep, still broken, tells nothing.
#[test]
fn watch_tells_a_resource_broken_between_sweeps_once_to_the_webhook() {
    use std::io::BufRead;
    let c = golive::checklist::Checklist::embedded();
    let item = c
        .items
        .iter()
        .find(|i| i.probes.len() == 1 && i.probes[0].kind == "aws.logs.retention")
        .expect("an item checked by log retention alone");
    let account = moto::build_account("good");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let creds = rt.block_on(moto::role_creds(&account));
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let mut s = golive::session::Session::new(&c, common::fixed_now());
    s.target = moto::fixture_target(&account);
    golive::session::save(&session, &s).unwrap();
    let (port, hooks) = webhook_server();
    let hook = format!("http://127.0.0.1:{port}/hooks/launch");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", dir.path());
    cmd.envs(moto::env(&creds));
    let mut child = cmd
        .args(["--session", session.to_str().unwrap(), "watch", "--only", &item.id, "--interval", "1"])
        .args(["--sweeps", "3", "--webhook", &hook])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with("sweep 1 at ") && first.contains("pass 1") && first.ends_with("0 changes"),
        "{first}"
    );
    // Someone removes the log group's retention during the window.
    rt.block_on(async {
        let logs = aws_sdk_cloudwatchlogs::Client::new(&moto::config(creds.clone()).await);
        logs.delete_retention_policy().log_group_name("agent-app").send().await.unwrap();
    });
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        rest[0].starts_with("sweep 2 at ") && rest[0].contains("fail 1") && rest[0].ends_with("1 change"),
        "{rest:?}"
    );
    assert!(
        rest[1].starts_with("  ! ") && rest[1].contains("pass -> fail") && rest[1].contains("agent-app"),
        "{rest:?}"
    );
    assert!(
        rest[2].starts_with("sweep 3 at ") && rest[2].ends_with("0 changes"),
        "still broken is no news: {rest:?}"
    );
    // Exactly one notification, naming the item and the resource.
    let got: Vec<String> = hooks.try_iter().collect();
    assert_eq!(got.len(), 1, "{got:?}");
    let body: serde_json::Value = serde_json::from_str(&got[0]).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(text.contains(&item.title) && text.contains(&item.id) && text.contains("agent-app"), "{text}");
    // The window is in the session's run log.
    let saved = golive::session::load(&session, &c).unwrap().unwrap();
    let changes: Vec<usize> = saved.sweeps.iter().map(|s| s.changes).collect();
    assert_eq!(changes, [0, 1, 0]);
    // And in the report.
    let mut export = Command::new(env!("CARGO_BIN_EXE_golive"));
    export.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", dir.path());
    let report = export.args(["--session", session.to_str().unwrap(), "export"]).output().unwrap();
    let report = String::from_utf8(report.stdout).unwrap();
    assert!(report.contains("## Launch window") && report.contains(": 3 sweeps, 1 change told."), "{report}");
    assert_eq!(saved.record(&item.id).unwrap().probe.as_ref().unwrap().outcome, golive::probe::Outcome::Fail);
}

/// Every account of an Organization (by a name filter) and two regions: each AWS probe runs once
/// per (account, region), the item's verdict is the worst part's, the evidence names each part;
/// an account the filter leaves out is never probed, and a role that leads to an account other
/// than the one named is refused.
#[test]
fn a_sweep_over_an_organization_and_two_regions_names_each_account_and_region() {
    let c = golive::checklist::Checklist::embedded();
    let account = moto::fresh_account();
    let out = Command::new(moto::python())
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/organization.py"))
        .args([moto::url(), account.clone()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids: std::collections::BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
    let (b, cc, d) = (&ids["prod-b"], &ids["prod-c"], &ids["sandbox-d"]);
    let creds = tokio::runtime::Runtime::new().unwrap().block_on(moto::role_creds(&account));
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("s.toml");
    let mut s = golive::session::Session::new(&c, common::fixed_now());
    s.target = moto::fixture_target(&account);
    s.target.regions = vec!["eu-west-1".into()];
    s.target.organization = Some(golive::probe::target::Organization {
        role: "golive-probe".into(),
        filter: Some("prod-".into()),
    });
    // A role that leads to prod-b's account, named as another account: refused.
    s.target.accounts = vec![golive::probe::target::AccountRole {
        id: "999999999999".into(),
        role: format!("arn:aws:iam::{b}:role/golive-probe"),
    }];
    golive::session::save(&session, &s).unwrap();
    // Without --allow-accounts, only the credentials' account is probed, in both regions.
    let o = check(&session, &moto::env(&creds), &["--only", "observability.log-retention"]);
    let text = stdout(&o);
    assert!(text.contains("golive assumes roles into them only with --allow-accounts"), "{text}");
    assert!(!text.contains(b.as_str()) && !text.contains(cc.as_str()), "no other account probed: {text}");
    assert!(text.contains(&format!("account {account} eu-west-1: pass")), "{text}");
    let o = check(
        &session,
        &moto::env(&creds),
        &["--only", "observability.log-retention", "--full-evidence", "--allow-accounts"],
    );
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "NO-GO: {text}{}", String::from_utf8_lossy(&o.stderr));
    let line = text.lines().find(|l| l.contains("observability.log-retention")).unwrap();
    assert!(
        line.contains("fail") && line.contains(&format!("{cc} eu-west-1")),
        "the worst part decides: {line}"
    );
    for part in [&account, b, cc] {
        for region in ["us-east-1", "eu-west-1"] {
            assert!(
                text.contains(&format!("account {part} {region}: ")),
                "{part} {region} in the evidence: {text}"
            );
        }
    }
    assert!(text.contains(&format!("account {cc} eu-west-1: fail")), "{text}");
    assert!(
        text.contains("REFUSED: the role for account 999999999999 gave credentials of account"),
        "{text}"
    );
    assert!(!text.contains(d.as_str()), "sandbox-d is not named and never probed: {text}");
    // The per-account/region table: 2 regions x (the credentials' account, prod-b, prod-c, 999).
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("AWS probes per account and region"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(table.len(), 8, "{text}");
    assert!(
        table.iter().any(|l| l.contains(&format!("{cc} eu-west-1")) && l.contains("1 fail")),
        "{table:?}"
    );
}
