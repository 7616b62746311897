//! The repository and environment probes on real files and real processes: file, env, command.

use golive::probe::engine::{self, Ctx};
use golive::probe::local::command::Consent;
use golive::probe::target::Target;
use golive::probe::{Outcome, ProbeResult, ProbeSpec, Verdict};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn spec(kind: &str, params: &str) -> ProbeSpec {
    ProbeSpec { kind: kind.into(), params: toml::from_str(params).unwrap() }
}

/// The repository as a person at the keyboard gives it (`--repo`): confirmed, then vetted.
fn vouched(target: &Target) -> Result<std::path::PathBuf, Verdict> {
    let given: Vec<std::path::PathBuf> = target.repo.iter().map(std::path::PathBuf::from).collect();
    golive::probe::local::resolve_repo(target.repo.as_deref(), std::path::Path::new("/nonexistent"), &given)
}

fn target(repo: &Path) -> Target {
    Target { repo: Some(repo.display().to_string()), ..Default::default() }
}

async fn run(target: Target, consent: Consent, spec: ProbeSpec) -> ProbeResult {
    let repo = vouched(&target);
    let ctx =
        Arc::new(Ctx::new(Err(Verdict::error("no AWS here")), target).allowing(consent).with_repo(repo));
    engine::run_job(ctx, vec![spec], Duration::from_secs(5)).await
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn file_finds_documents_by_glob_and_pattern_respecting_gitignore() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".gitignore", "build/\n");
    write(root, "docs/runbooks/Deploy.md", "# Deploy\nRTO: 1 h, RPO: 5 min\n");
    write(root, ".github/workflows/ci.yml", "on: push\n");
    write(root, "build/runbooks/stale.md", "ignored by git\n");
    let runbooks = spec(
        "file",
        r#"name = "runbooks"
paths = ["**/runbooks/**/*.md"]"#,
    );
    let r = run(target(root), Consent::Nothing, runbooks.clone()).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert_eq!(r.evidence, ["docs/runbooks/Deploy.md (30 bytes)"], "the ignored copy does not count");
    // Hidden directories count: workflows live in .github.
    let ci = spec(
        "file",
        r#"name = "ci"
paths = [".github/workflows/*.yml"]"#,
    );
    assert_eq!(run(target(root), Consent::Nothing, ci).await.outcome, Outcome::Pass);
    // A pattern the file must contain.
    let rto = spec(
        "file",
        r#"name = "rto-rpo"
paths = ["**/*.md"]
pattern = "(?s)\\bRTO\\b.*\\bRPO\\b""#,
    );
    assert_eq!(run(target(root), Consent::Nothing, rto.clone()).await.outcome, Outcome::Pass);
    write(root, "docs/runbooks/Deploy.md", "# Deploy\nno objectives yet\n");
    let r = run(target(root), Consent::Nothing, rto).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::Fail,
            &*format!(
                "no rto-rpo: 1 files match **/*.md in {} but none contains /(?s)\\bRTO\\b.*\\bRPO\\b/",
                root.display()
            )
        )
    );
    // The target overrides the checklist's globs by name.
    let mut t = target(root);
    t.files.insert("runbooks".into(), vec!["ops/*.md".into()]);
    let r = run(t, Consent::Nothing, runbooks.clone()).await;
    assert_eq!(r.summary, format!("no runbooks: no file matches ops/*.md in {}", root.display()));
    // A repository that is not there is an error: nothing was looked at.
    let gone = root.join("no-such-dir");
    let r = run(target(&gone), Consent::Nothing, runbooks.clone()).await;
    assert_eq!(
        (r.outcome, r.summary),
        (Outcome::Error, format!("repository {} is not a directory", gone.display()))
    );
    // No repository: needs-config, never a pass.
    let r = run(Target::default(), Consent::Nothing, runbooks).await;
    assert_eq!(r.outcome, Outcome::NeedsConfig);
}

#[tokio::test]
async fn env_says_set_or_not_and_never_the_value() {
    // PATH is set in every test process; the value must not appear anywhere in the result.
    let path = std::env::var("PATH").unwrap();
    let t = Target { env_vars: vec!["PATH".into(), "GOLIVE_TEST_SURELY_UNSET".into()], ..Default::default() };
    let r = run(t, Consent::Nothing, spec("env", "")).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Fail, "not set: GOLIVE_TEST_SURELY_UNSET"));
    assert_eq!(r.evidence, ["PATH: set", "GOLIVE_TEST_SURELY_UNSET: not set"]);
    assert!(!format!("{r:?}").contains(&path));
    let r = run(Target::default(), Consent::Nothing, spec("env", r#"names = ["PATH"]"#)).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Pass, "PATH is set"));
    let r = run(Target::default(), Consent::Nothing, spec("env", r#"names = ["PATH", "HOME"]"#)).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Pass, "all 2 variables set"));
    // A name no environment can hold is a mistake in the settings: an error, not a fail.
    let r = run(Target::default(), Consent::Nothing, spec("env", r#"names = ["PATH", "API_KEY=x"]"#)).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Error, "\"API_KEY=x\" is not an environment variable name")
    );
}

fn with_command(repo: &Path, name: &str, command: &str) -> Target {
    let mut t = target(repo);
    t.commands.insert(name.into(), command.into());
    t
}

#[tokio::test]
async fn command_passes_on_exit_0_and_masks_secrets_in_its_output() {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "rollback.sh",
        "#!/bin/sh\necho \"dry run as $1\"\necho key AKIAQYLPMN5HHHFPZAM2 used\n",
    );
    let cmd = "sh ./rollback.sh --dry-run";
    let s = spec("command", r#"name = "rollback""#);
    let r = run(with_command(repo.path(), "rollback", cmd), Consent::Approved(vec![cmd.into()]), s).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert!(r.summary.starts_with("`sh ./rollback.sh --dry-run` exited 0 in "), "{r:#?}");
    assert_eq!(r.evidence[1..], ["| dry run as --dry-run", "| key [masked] used"]);
    assert!(!format!("{r:?}").contains("AKIAQYLPMN5HHHFPZAM2"));
}

#[tokio::test]
async fn command_fails_on_a_non_zero_exit_and_the_checklist_default_is_used_without_a_target_setting() {
    let repo = tempfile::tempdir().unwrap();
    let s = spec(
        "command",
        r#"name = "rollback"
command = "echo broken >&2; exit 3""#,
    );
    let r = run(target(repo.path()), Consent::All, s).await;
    assert_eq!(r.outcome, Outcome::Fail);
    assert!(r.summary.starts_with("`echo broken >&2; exit 3` exited 3 in "), "{r:#?}");
    assert_eq!(r.evidence[1..], ["| broken"]);
}

#[tokio::test]
async fn command_on_timeout_is_killed_with_its_children() {
    let repo = tempfile::tempdir().unwrap();
    let pidfile = repo.path().join("child.pid");
    let cmd = format!("sleep 60 & echo $! > {}; wait", pidfile.display());
    let s = spec(
        "command",
        r#"name = "unit"
timeout_seconds = 1"#,
    );
    let start = Instant::now();
    let r = run(with_command(repo.path(), "unit", &cmd), Consent::All, s).await;
    assert_eq!(
        (r.outcome, r.summary.contains("timed out after 1 s and was killed")),
        (Outcome::Fail, true),
        "{r:#?}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "the engine's own 5 s limit does not apply, the command's does"
    );
    let pid: i32 = std::fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
    // The background child is gone (or a zombie waiting for init), never still sleeping.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok();
        let alive =
            state.as_deref().is_some_and(|s| !s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z')));
        if !alive {
            break;
        }
        assert!(Instant::now() < deadline, "child {pid} of the timed-out command still runs: {state:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn command_never_runs_without_consent() {
    let repo = tempfile::tempdir().unwrap();
    let marker = repo.path().join("ran");
    let cmd = format!("touch {}", marker.display());
    let s = spec("command", r#"name = "unit""#);
    for consent in [Consent::Nothing, Consent::Approved(vec!["something else".into()])] {
        let r = run(with_command(repo.path(), "unit", &cmd), consent, s.clone()).await;
        assert_eq!(r.outcome, Outcome::Error);
        assert!(r.summary.starts_with("not run without consent: `touch "), "{r:#?}");
    }
    assert!(!marker.exists(), "the command did not run");
    // No command set anywhere: the item waits for one.
    let r = run(target(repo.path()), Consent::All, s).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::NeedsConfig,
            "no unit command: set \"Unit test command\" with t (commands.unit in the target)"
        )
    );
}

/// RTO/RPO Defined needs the objectives' values: the checklist's own words in a repository (a
/// copy of the checklist, a TODO) passed on 52bd361.
#[tokio::test]
async fn rto_and_rpo_need_values_not_the_checklists_words() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let c = golive::checklist::Checklist::embedded();
    let spec = c.items[c.index_of("reliability.rto-rpo-defined").unwrap()].probes[0].clone();
    write(root, "LAUNCH.md", "- [ ] **RTO/RPO Defined** - Recovery objectives documented\n");
    let r = run(target(root), Consent::Nothing, spec.clone()).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    write(
        root,
        "docs/recovery.md",
        "# Recovery\n\n| Objective | Target |\n|---|---|\n| RTO | 4 hours |\n| RPO | 15 min |\n",
    );
    let r = run(target(root), Consent::Nothing, spec).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert_eq!(r.evidence, ["docs/recovery.md (80 bytes)"], "{r:#?}");
}
