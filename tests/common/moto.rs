//! The moto_server that `./scripts/test` starts, and per-test AWS accounts inside it: moto keeps
//! state per account, and STS AssumeRole into another account gives credentials for it.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn url() -> String {
    std::env::var("GOLIVE_TEST_MOTO_URL").expect(
        "GOLIVE_TEST_MOTO_URL is not set: run ./scripts/test, which starts moto_server (tests never skip)",
    )
}

/// The default moto credentials: the IAM user `moto` in account 123456789012.
pub fn user_creds() -> Credentials {
    Credentials::new("testing", "testing", None, None, "golive-test")
}

pub async fn config(creds: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url())
        .region(Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await
}

/// A 12-digit account id no other test uses.
pub fn fresh_account() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let seed = (std::process::id() as u64 * 7919 + n * 104_729 + nanos()) % 900_000_000_000;
    format!("{:012}", 100_000_000_000 + seed)
}

fn nanos() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64
}

/// Credentials of an assumed role in `account`.
pub async fn role_creds(account: &str) -> Credentials {
    let sts = aws_sdk_sts::Client::new(&config(user_creds()).await);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/golive-probe"))
        .role_session_name("golive-test")
        .send()
        .await
        .expect("moto AssumeRole");
    let c = out.credentials().expect("credentials");
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().into()),
        None,
        "assumed",
    )
}

/// Environment for a `golive` process that uses `creds` against moto and nothing else.
pub fn env(creds: &Credentials) -> Vec<(String, String)> {
    let mut env = vec![
        ("AWS_ENDPOINT_URL".to_string(), url()),
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID".into(), creds.access_key_id().into()),
        ("AWS_SECRET_ACCESS_KEY".into(), creds.secret_access_key().into()),
        ("AWS_CONFIG_FILE".into(), "/nonexistent/golive-test/config".into()),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), "/nonexistent/golive-test/credentials".into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_MAX_ATTEMPTS".into(), "1".into()),
    ];
    if let Some(t) = creds.session_token() {
        env.push(("AWS_SESSION_TOKEN".into(), t.into()));
    }
    env
}

/// The test virtualenv's Python, where boto3 is installed beside moto.
pub fn python() -> std::path::PathBuf {
    std::env::var_os("GOLIVE_TEST_PYTHON")
        .map(Into::into)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"))
}

/// A fresh account built by `tests/fixtures/aws_account.py`: `good` (every AWS probe passes) or
/// `bad` (the same resources misconfigured).
pub fn build_account(kind: &str) -> String {
    let account = fresh_account();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws_account.py");
    let out = std::process::Command::new(python())
        .arg(script)
        .args([url(), account.clone(), kind.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "fixture {kind}: {}", String::from_utf8_lossy(&out.stderr));
    account
}

/// Creates the IAM role `name` with a trust policy allowing `principal` (JSON, e.g.
/// `{"Service":"ecs-tasks.amazonaws.com"}`) to assume it; a role already there is kept.
pub async fn trusted_role(creds: &Credentials, name: &str, principal: &str) {
    let iam = aws_sdk_iam::Client::new(&config(creds.clone()).await);
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{principal}}}]}}"#
    );
    if let Err(e) = iam.create_role().role_name(name).assume_role_policy_document(doc).send().await {
        let exists = e.as_service_error().is_some_and(|s| s.is_entity_already_exists_exception());
        assert!(exists, "creating role {name}: {e:?}");
    }
}

/// A session file naming `role` as the role the service runs as.
pub fn session_with_task_role(path: &std::path::Path, role: &str) {
    std::fs::write(path, format!("[target]\ntask_role = \"{role}\"\n")).unwrap();
}

/// The scope the fixture accounts are built for.
pub fn fixture_target(account: &str) -> golive::probe::target::Target {
    golive::probe::target::Target {
        account_id: Some(account.to_string()),
        name_prefix: Some("agent-".into()),
        task_role: Some("agent-task".into()),
        secrets: vec!["agent-service/api-key".into()],
        metrics_namespace: Some("AgentService".into()),
        cost_tags: vec!["CostCenter".into()],
        env_vars: vec!["LOG_LEVEL".into(), "API_KEY".into()],
        ..Default::default()
    }
}

/// A monthly COST budget "launch" of 1000 USD alerting ops@example.com at 80 % of actual spend.
/// moto cannot say who receives the alert nor serve Budgets actions, so both Budgets probes stay
/// undecided on it.
pub async fn launch_budget(creds: &Credentials, account: &str) {
    use aws_sdk_budgets::types::*;
    let client = aws_sdk_budgets::Client::new(&config(creds.clone()).await);
    let n = Notification::builder()
        .notification_type(NotificationType::Actual)
        .comparison_operator(ComparisonOperator::GreaterThan)
        .threshold(80.0)
        .threshold_type(ThresholdType::Percentage)
        .build()
        .unwrap();
    let sub = Subscriber::builder()
        .subscription_type(SubscriptionType::Email)
        .address("ops@example.com")
        .build()
        .unwrap();
    let b = Budget::builder()
        .budget_name("launch")
        .budget_type(BudgetType::Cost)
        .time_unit(TimeUnit::Monthly)
        .budget_limit(Spend::builder().amount("1000").unit("USD").build().unwrap())
        .build()
        .unwrap();
    let with_subs = NotificationWithSubscribers::builder().notification(n).subscribers(sub).build().unwrap();
    client
        .create_budget()
        .account_id(account)
        .budget(b)
        .notifications_with_subscribers(with_subs)
        .send()
        .await
        .unwrap();
}

/// An endpoint that accepts connections and never answers a byte, as a hung service does.
pub fn silent_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming() {
            held.push(s);
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// `env` pointed at another endpoint.
pub fn with_endpoint(mut env: Vec<(String, String)>, url: &str) -> Vec<(String, String)> {
    env.retain(|(k, _)| k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL".into(), url.into()));
    env
}
