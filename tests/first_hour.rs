//! The first hour of a new user: `golive init`, `golive config` and where each setting comes
//! from, flags that stay out of the session, completions, the man page and `--version`; then a
//! `golive check` against moto configured by nothing but the generated `.golive.toml`.

mod common;

use common::moto;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The binary under test: the one `./scripts/test` installed with `cargo install` when it says
/// so, else the one cargo built for the tests.
fn golive() -> PathBuf {
    std::env::var_os("GOLIVE_TEST_BIN").map(PathBuf::from).unwrap_or(env!("CARGO_BIN_EXE_golive").into())
}

/// A repository (with `.git`) and a home directory of its own, nothing from this environment.
struct Place {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    home: PathBuf,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("service");
        let home = dir.path().join("home");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        Place { repo, home, _dir: dir }
    }

    fn run(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut cmd = Command::new(golive());
        cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", &self.home);
        cmd.envs(env.iter().copied()).current_dir(&self.repo).args(args);
        cmd.output().unwrap()
    }

    fn user_file(&self, text: &str) {
        let dir = self.home.join(".config/golive");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }
}

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The value and origin `golive config` prints for one setting.
fn setting(o: &Output, name: &str) -> (String, String) {
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in:\n{}", out(o)));
    let mut parts = line.trim().splitn(2, "  ").map(str::trim);
    let _ = parts.next();
    let rest = parts.next().unwrap().trim();
    let (value, origin) = rest.split_once("  ").unwrap();
    (value.trim().to_string(), origin.trim().to_string())
}

#[test]
fn config_takes_flag_over_env_over_session_over_project_over_user() {
    let p = Place::new();
    let session = p.repo.join("launch.toml");
    let s = session.to_str().unwrap();
    let config = |env: &[(&str, &str)], extra: &[&str]| {
        let o = p.run(env, &[&["config", "--session", s][..], extra].concat());
        assert_eq!(o.status.code(), Some(0), "{}", out(&o));
        setting(&o, "target.region")
    };
    p.user_file("who = \"uma\"\nregion = \"ap-south-1\"\n");
    let user = p.home.join(".config/golive/config.toml");
    assert_eq!(config(&[], &[]), ("ap-south-1".into(), format!("user file {}", user.display())));
    std::fs::write(p.repo.join(".golive.toml"), "[target]\nregion = \"eu-north-1\"\n").unwrap();
    let project = format!("project file {}", p.repo.join(".golive.toml").display());
    assert_eq!(config(&[], &[]), ("eu-north-1".into(), project.clone()));
    std::fs::write(&session, "[target]\nregion = \"eu-west-3\"\n").unwrap();
    assert_eq!(config(&[], &[]), ("eu-west-3".into(), "session".into()));
    let env = [("GOLIVE_REGION", "us-west-2")];
    assert_eq!(config(&env, &[]), ("us-west-2".into(), "env GOLIVE_REGION".into()));
    assert_eq!(config(&env, &["--region", "sa-east-1"]), ("sa-east-1".into(), "flag --region".into()));

    // The other layered settings say where they came from too.
    let o = p.run(&[("GOLIVE_MAX_PARALLEL", "3")], &["config", "--session", s]);
    assert_eq!(setting(&o, "who"), ("uma".into(), format!("user file {}", user.display())));
    assert_eq!(setting(&o, "max_parallel"), ("3".into(), "env GOLIVE_MAX_PARALLEL".into()));
    assert_eq!(setting(&o, "probe_timeout"), ("15 s".into(), "default".into()));
    assert_eq!(setting(&o, "gate").1, "checklist");
    // `golive config` reads: the session it looked at is unchanged.
    assert_eq!(std::fs::read_to_string(&session).unwrap(), "[target]\nregion = \"eu-west-3\"\n");

    // A broken user file is an error that names its line, never ignored.
    p.user_file("who = \"uma\"\nregoin = \"x\"\n");
    let o = p.run(&[], &["config", "--session", s]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("config.toml:2:1") && out(&o).contains("regoin"), "{}", out(&o));
}

#[test]
fn target_flags_are_for_this_run_unless_save_target_says_otherwise() {
    let p = Place::new();
    let session = p.repo.join("launch.toml");
    let s = session.to_str().unwrap();
    let only = ["--only", "operations.architecture-diagram"];
    std::fs::create_dir_all(p.repo.join("docs")).unwrap();
    std::fs::write(p.repo.join("docs/architecture.md"), "# Architecture\n").unwrap();
    let o =
        p.run(&[], &[&["check", "--session", s, "--region", "eu-west-1", "--repo", "."][..], &only].concat());
    assert!(o.status.code().is_some_and(|c| c < 3), "{}", out(&o));
    let saved = std::fs::read_to_string(&session).unwrap();
    assert!(saved.contains("operations.architecture-diagram"), "the result is saved:\n{saved}");
    assert!(!saved.contains("eu-west-1") && !saved.contains("[target]"), "flags stay out:\n{saved}");
    // The repository flag did count for the run: the file check looked there.
    assert!(out(&o).contains("docs/architecture.md"), "{}", out(&o));

    let args = [
        "check",
        "--session",
        s,
        "--region",
        "eu-west-1",
        "--service-url",
        "https://x.example",
        "--save-target",
    ];
    let o = p.run(&[], &[&args[..], &only].concat());
    assert!(o.status.code().is_some_and(|c| c < 3), "{}", out(&o));
    let saved = std::fs::read_to_string(&session).unwrap();
    assert!(
        saved.contains("region = \"eu-west-1\"") && saved.contains("endpoint = \"https://x.example\""),
        "{saved}"
    );
    // A session opened by path is listed by `golive sessions`, under its path.
    let o = p.run(&[], &["sessions"]);
    let listed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(listed.contains("Opened by path:") && listed.contains(s), "{listed}");
    // `--endpoint`, the older name, still works.
    let o = p.run(&[], &["config", "--session", s, "--endpoint", "https://y.example"]);
    assert_eq!(setting(&o, "target.endpoint"), ("https://y.example".into(), "flag --service-url".into()));
}

#[test]
fn init_writes_a_commented_project_file_that_config_reads_and_refuses_to_replace_it() {
    let p = Place::new();
    let sub = p.repo.join("deploy");
    std::fs::create_dir_all(&sub).unwrap();
    let o = p.run(
        &[],
        &[
            "init",
            "--account",
            "123456789012",
            "--region",
            "eu-central-1",
            "--name-prefix",
            "checkout-",
            "--tags",
            "service=checkout",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("golive check"), "says what to run next: {}", out(&o));
    let file = p.repo.join(".golive.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("account_id = \"123456789012\"") && text.contains("# [gate]"), "{text}");
    let o = p.run(&[], &["config", "--session", "s.toml"]);
    let from = format!("project file {}", file.display());
    assert_eq!(setting(&o, "target.account_id"), ("123456789012".into(), from.clone()));
    assert_eq!(setting(&o, "target.name_prefix"), ("checkout-".into(), from.clone()));
    assert_eq!(setting(&o, "target.tags"), ("service=checkout".into(), from));

    let o = p.run(&[], &["init", "--region", "us-east-1"]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("--force"), "{}", out(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "left as it was");

    // A path in a project file stays inside the repository.
    std::fs::write(&file, "checklist = \"../../home/x.toml\"\n").unwrap();
    let o = p.run(&[], &["config"]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("stays inside"), "{}", out(&o));
}

#[test]
fn completions_man_page_and_version() {
    let p = Place::new();
    for shell in ["bash", "zsh", "fish"] {
        let o = p.run(&[], &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{}", out(&o));
        let script = String::from_utf8(o.stdout).unwrap();
        let session = if shell == "fish" { "-l session" } else { "--session" };
        assert!(script.contains("golive") && script.contains("check") && script.contains(session), "{shell}");
    }
    // bash reads the script without a syntax error.
    let o = p.run(&[], &["completions", "bash"]);
    let file = p.home.join("golive.bash");
    std::fs::write(&file, &o.stdout).unwrap();
    let bash = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(bash.status.success(), "{}", String::from_utf8_lossy(&bash.stderr));

    let o = p.run(&[], &["man"]);
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH golive"), "{page}");
    assert!(page.contains(".SH NAME") && page.contains("check") && page.contains("GOLIVE_SESSION"), "{page}");

    let o = p.run(&[], &["--version"]);
    let v = String::from_utf8(o.stdout).unwrap();
    assert!(v.starts_with(&format!("golive {} (probes: aws", env!("CARGO_PKG_VERSION"))), "{v}");
    assert_eq!(v.contains("aws, ec2,"), cfg!(feature = "ec2"), "{v}");
}

/// What a new user does: `golive init` in their repository, then `golive check`, with no flag
/// and no session of their own: the project file alone points the probes.
#[tokio::test]
async fn init_then_check_against_moto_uses_only_the_project_file() {
    let p = Place::new();
    let account = moto::fresh_account();
    let creds = moto::role_creds(&account).await;
    let env = moto::env(&creds);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    moto::trusted_role(&creds, "svc-task", r#"{"Service":"ecs-tasks.amazonaws.com"}"#).await;
    let o = p.run(&env, &["init", "--account", &account, "--region", "us-east-1", "--task-role", "svc-task"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = p.run(&env, &["check", "--only", "security.service-linked-roles"]);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("AWS account {account}")), "{text}");
    assert!(text.contains("GO for 1 selected check"), "{text}");

    // The same, told to expect another account: the project file's account guards the run.
    let other = if account == "111111111111" { "222222222222" } else { "111111111111" };
    let file = p.repo.join(".golive.toml");
    let text = std::fs::read_to_string(&file).unwrap().replace(&account, other);
    std::fs::write(&file, text).unwrap();
    let o = p.run(&env, &["check", "--only", "security.service-linked-roles"]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains(other), "{}", out(&o));
}

/// Every AWS call a whole sweep of the fixture account makes is an action of the policy golive
/// prints (and docs/iam-policy.json is that policy): a probe that starts calling something new
/// fails here until the policy has it.
#[tokio::test]
async fn the_iam_policy_covers_every_call_a_sweep_makes() {
    let p = Place::new();
    let account = moto::build_account("good");
    let session = p.repo.join("s.toml");
    let target = toml::to_string(&moto::fixture_target(&account)).unwrap();
    std::fs::write(&session, format!("[target]\n{target}")).unwrap();
    let state = p.home.join("state");
    let mut env = moto::env(&moto::role_creds(&account).await);
    env.push(("XDG_STATE_HOME".into(), state.display().to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let o = p.run(&env, &["check", "--session", session.to_str().unwrap()]);
    assert!(o.status.code().is_some_and(|c| c < 3), "{}", out(&o));

    let policy = p.run(&[], &["iam-policy"]);
    let policy = String::from_utf8(policy.stdout).unwrap();
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/iam-policy.json")).unwrap();
    assert_eq!(shipped, policy, "docs/iam-policy.json is `golive iam-policy`'s output");
    let doc: serde_json::Value = serde_json::from_str(&policy).unwrap();
    let allowed: Vec<&str> =
        doc["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();

    let logs = std::fs::read_dir(state.join("golive/log")).unwrap();
    let log: String = logs.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    let actions: std::collections::BTreeSet<String> = log
        .lines()
        .filter_map(|l| l.split_once("golive::aws: call ")?.1.split_whitespace().next())
        .map(|a| a.trim_end_matches(':').to_string())
        .collect();
    let missing: Vec<&String> = actions.iter().filter(|a| !allowed.contains(&a.as_str())).collect();
    assert!(missing.is_empty(), "called but not in the policy: {missing:?}");
    assert!(!log.contains("not in golive's IAM policy"), "{log}");
    // Not a vacuous pass: the sweep called most services.
    assert!(actions.len() >= 25, "only {} actions called: {actions:?}", actions.len());
}

/// The README, read top to bottom as a new user: every command of its fenced blocks marked
/// `sh runnable` runs, in order, in a fresh repository against moto, and none fails to run
/// (golive's own exit 3, a shell's 127). `golive check`'s 1 (NO-GO) and 2 (UNDECIDED) are answers.
#[test]
fn every_runnable_command_in_the_readme_runs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut commands = Vec::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside && line.trim() == "```sh runnable";
            continue;
        }
        if inside && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            commands.push(line.to_string());
        }
    }
    assert!(commands.len() >= 4, "the README marks its quick start runnable: {commands:?}");
    let p = Place::new();
    let bin = golive();
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap());
    let env = moto::env(&moto::user_creds());
    for command in &commands {
        let o = Command::new("bash")
            .arg("-c")
            .arg(command)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &p.home)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(&p.repo)
            .output()
            .unwrap();
        let code = o.status.code().unwrap_or(-1);
        assert!((0..3).contains(&code), "README command `{command}` exited {code}:\n{}", out(&o));
    }
}
