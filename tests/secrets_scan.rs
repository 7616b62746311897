//! The secrets scan on a fixture tree with a planted secret of each kind and near-misses that must
//! not match; findings are masked.

use golive::probe::engine::{self, Ctx};
use golive::probe::target::Target;
use golive::probe::{Outcome, ProbeResult, ProbeSpec, Verdict};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const AWS_KEY_ID: &str = "AKIAQYLPMN5HHHFPZAM2";
const AWS_SECRET: &str = "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";
const SK_KEY: &str = "sk-ant-api03-Xk29fLq8Zr7TbW4nYv1PmQ6sJd0HcE5uGa3";
const BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.Qx7vK2mZp9";
const PASSWORD: &str = "Tr0ub4dor&3xY9!qLz";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".gitignore", "local.env\n");
    write(
        root,
        "deploy/config.py",
        &format!("KEY_ID = \"{AWS_KEY_ID}\"\naws_secret_access_key = \"{AWS_SECRET}\"\n"),
    );
    write(
        root,
        "keys/id_rsa",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
    );
    write(root, "agent/client.py", &format!("api_key = \"{SK_KEY}\"\n"));
    write(root, "scripts/call.sh", &format!("curl -H \"Authorization: Bearer {BEARER}\" $URL\n"));
    write(root, "app/settings.toml", &format!("db_password = \"{PASSWORD}\"\n"));
    // Near-misses: none of these is a secret.
    write(
        root,
        "docs/notes.md",
        "AKIAEXAMPLE is too short\n-----BEGIN PUBLIC KEY-----\npassword = \"changeme\"\n\
         api_key = get_secret(\"agent-service/api-key\")\nsk-abc123... as in the seed\n\
         token = \"${TOKEN}\"\n",
    );
    // Ignored by git: not scanned.
    write(root, "local.env", &format!("AWS_ACCESS_KEY_ID={AWS_KEY_ID}\n"));
    dir
}

/// The repository as a person at the keyboard gives it (`--repo`): confirmed, then vetted.
fn vouched(target: &Target) -> Result<std::path::PathBuf, Verdict> {
    let given: Vec<std::path::PathBuf> = target.repo.iter().map(std::path::PathBuf::from).collect();
    golive::probe::local::resolve_repo(target.repo.as_deref(), std::path::Path::new("/nonexistent"), &given)
}

async fn scan(target: Target) -> ProbeResult {
    let spec = ProbeSpec { kind: "secrets".into(), params: Default::default() };
    let repo = vouched(&target);
    let ctx = Arc::new(Ctx::new(Err(Verdict::error("no AWS here")), target).with_repo(repo));
    engine::run_job(ctx, vec![spec], Duration::from_secs(10)).await
}

fn target(root: &Path) -> Target {
    Target { repo: Some(root.display().to_string()), ..Default::default() }
}

#[tokio::test]
async fn every_planted_secret_is_found_masked_and_no_near_miss_is() {
    let dir = fixture();
    let r = scan(target(dir.path())).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    let mut evidence = r.evidence.clone();
    evidence.sort();
    assert_eq!(
        evidence,
        [
            "agent/client.py:1: sk- API key [masked]",
            "app/settings.toml:1: hard-coded secret [masked]",
            "deploy/config.py:1: AWS access key id [masked]",
            "deploy/config.py:2: AWS secret access key [masked]",
            "keys/id_rsa:1: private key block [masked]",
            "scripts/call.sh:1: bearer token [masked]",
        ]
    );
    assert!(r.summary.starts_with("6 hard-coded secrets in "), "{r:#?}");
    let all = format!("{r:?}");
    for secret in [AWS_KEY_ID, AWS_SECRET, SK_KEY, BEARER, PASSWORD] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
}

#[tokio::test]
async fn the_allow_list_takes_files_and_lines_and_a_clean_tree_passes() {
    let dir = fixture();
    let mut t = target(dir.path());
    t.secrets_allow = vec![
        "deploy/config.py".into(),
        "keys/id_rsa:1".into(),
        "agent/client.py".into(),
        "scripts/call.sh:1".into(),
        "app/settings.toml:1".into(),
    ];
    let r = scan(t).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert!(r.summary.starts_with("no hard-coded secret in 7 files of "), "{r:#?}");
    // A repository that is not there is an error, never a clean pass.
    let gone = dir.path().join("no-such-dir");
    let r = scan(target(&gone)).await;
    assert_eq!(
        (r.outcome, r.summary),
        (Outcome::Error, format!("repository {} is not a directory", gone.display()))
    );
    // No repository: needs-config, never a pass.
    assert_eq!(scan(Target::default()).await.outcome, Outcome::NeedsConfig);
}
