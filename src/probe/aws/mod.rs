//! AWS probes: the shared session (credentials from the standard chain, the caller identity) and
//! one module per service.

pub mod acm;
pub mod autoscaling;
pub mod bedrock;
pub mod budgets;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ec2;
pub mod elbv2;
pub mod iam;
pub mod logs;
pub mod s3;
pub mod secrets;
pub mod sts;
pub mod tagging;
pub mod xray;

use super::engine::Ctx;
use super::{Outcome, Verdict};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::Duration;

/// Where probes look: the AWS profile and region, and the account they must find there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account probes must run in; any other is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Narrows discovery to resources whose name starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// Narrows discovery to resources carrying these tags (`key=value`, or `key` for any value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The tag keys every resource in scope must carry for cost allocation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost_tags: Vec<String>,
    /// Explicit names where discovery cannot work; when set they replace discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<String>,
    /// The CloudWatch namespace the service publishes its metrics in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_namespace: Option<String>,
}

/// The target's settings as a form shows them; lists are comma-separated.
pub const TARGET_FIELDS: [&str; 12] = [
    "AWS profile",
    "Region",
    "Expected account id (12 digits)",
    "Name prefix of the service's resources",
    "Tag filter (comma-separated key=value or key)",
    "Cost allocation tag keys (comma-separated)",
    "Task role name",
    "Metrics namespace",
    "Secrets (comma-separated names)",
    "DynamoDB tables (comma-separated; empty: by prefix)",
    "Log groups (comma-separated; empty: by prefix)",
    "S3 buckets (comma-separated; empty: by prefix)",
];

impl Target {
    pub fn to_fields(&self) -> [String; TARGET_FIELDS.len()] {
        let one = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            one(&self.profile),
            one(&self.region),
            one(&self.account_id),
            one(&self.name_prefix),
            self.tags.join(", "),
            self.cost_tags.join(", "),
            one(&self.task_role),
            one(&self.metrics_namespace),
            self.secrets.join(", "),
            self.tables.join(", "),
            self.log_groups.join(", "),
            self.buckets.join(", "),
        ]
    }

    /// A target from form fields, or the index of the bad field and why.
    pub fn from_fields(f: &[String; TARGET_FIELDS.len()]) -> Result<Target, (usize, String)> {
        let one = |s: &String| Some(s.trim().to_string()).filter(|v| !v.is_empty());
        let many =
            |s: &String| s.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect();
        let t = Target {
            profile: one(&f[0]),
            region: one(&f[1]),
            account_id: one(&f[2]),
            name_prefix: one(&f[3]),
            tags: many(&f[4]),
            cost_tags: many(&f[5]),
            task_role: one(&f[6]),
            metrics_namespace: one(&f[7]),
            secrets: many(&f[8]),
            tables: many(&f[9]),
            log_groups: many(&f[10]),
            buckets: many(&f[11]),
        };
        if let Some(a) = &t.account_id
            && !(a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()))
        {
            return Err((2, format!("An AWS account id is 12 digits, not {a:?}.")));
        }
        if let Some(bad) = t.tags.iter().find(|f| f.starts_with('=')) {
            return Err((4, format!("A tag filter is key=value or key, not {bad:?}.")));
        }
        Ok(t)
    }

    pub fn is_empty(&self) -> bool {
        *self == Target::default()
    }

    /// The resources to examine: the explicit names when there are any, else what discovery found
    /// narrowed by the name prefix.
    pub fn scope(&self, explicit: &[String], discovered: Vec<String>) -> Vec<String> {
        if !explicit.is_empty() {
            return explicit.to_vec();
        }
        match &self.name_prefix {
            Some(p) => discovered.into_iter().filter(|n| n.starts_with(p.as_str())).collect(),
            None => discovered,
        }
    }

    /// How the scope was chosen, for "nothing in scope" messages.
    pub fn scope_words(&self, what: &str) -> String {
        let tags =
            if self.tags.is_empty() { String::new() } else { format!(" tagged {}", self.tags.join(", ")) };
        match &self.name_prefix {
            Some(p) => format!("no {what}{tags} whose name starts with {p:?}"),
            None if !tags.is_empty() => format!("no {what}{tags} in the account and region"),
            None => format!("no {what} in the account and region"),
        }
    }

    /// The tag filter as (key, value) pairs; no value matches any value.
    pub fn tag_filter(&self) -> Vec<(String, Option<String>)> {
        self.tags
            .iter()
            .map(|t| match t.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), Some(v.trim().to_string())),
                None => (t.trim().to_string(), None),
            })
            .collect()
    }
}

/// The ARNs of the resources carrying the target's tag filter (Resource Groups Tagging API),
/// fetched once per sweep; `None` when the target has no tag filter.
pub async fn tagged(ctx: &Ctx) -> Result<Option<&HashSet<String>>, Verdict> {
    if ctx.target.tags.is_empty() {
        return Ok(None);
    }
    let set = ctx
        .tagged
        .get_or_init(|| async {
            tagging::resources(ctx).await.map(|r| r.into_iter().map(|(arn, _)| arn).collect())
        })
        .await;
    set.as_ref().map(Some).map_err(Clone::clone)
}

/// Narrows discovered names to the scope: the explicit names when there are any, else the name
/// prefix and then the tag filter (matched on the ARN `arn_of` gives a name).
pub async fn scope_tagged(
    ctx: &Ctx,
    explicit: &[String],
    discovered: Vec<String>,
    arn_of: impl Fn(&str) -> String,
) -> Result<Vec<String>, Verdict> {
    if !explicit.is_empty() {
        return Ok(explicit.to_vec());
    }
    let tagged = tagged(ctx).await?;
    let prefix = ctx.target.name_prefix.as_deref().unwrap_or("");
    Ok(discovered
        .into_iter()
        .filter(|name| name.starts_with(prefix) && tagged.is_none_or(|t| t.contains(&arn_of(name))))
        .collect())
}

/// An ARN for a resource the API names but does not give the ARN of, in the caller's partition,
/// account and region.
pub fn arn(ctx: &Ctx, service: &str, resource: &str) -> String {
    let id = &session(ctx).identity;
    let partition = id.arn.split(':').nth(1).unwrap_or("aws");
    format!("arn:{partition}:{service}:{}:{}:{resource}", id.region, id.account)
}

/// The AWS session of a probe run; the engine only runs AWS probes when there is one.
pub fn session(ctx: &Ctx) -> &Session {
    ctx.aws.as_ref().expect("the engine gates AWS probes on a session")
}

/// A verdict for an empty scope: never a pass, because nothing was looked at.
pub fn nothing_in_scope(target: &Target, what: &str, setting: &str) -> Verdict {
    Verdict::new(
        Outcome::NeedsConfig,
        format!("{}: set {setting}, name_prefix or tags in the target", target.scope_words(what)),
        vec![],
    )
}

/// Who the credentials belong to, from STS GetCallerIdentity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub region: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub config: SdkConfig,
    pub identity: Identity,
}

/// Loads the standard credential chain for the target and asks STS who we are.
pub async fn connect(target: &Target, timeout: Duration) -> Result<Session, Verdict> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &target.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &target.region {
        loader = loader.region(Region::new(r.clone()));
    }
    let config = loader.load().await;
    let profile = target
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".into());
    connect_with(config, timeout, &profile).await
}

/// Checks that `config` has a region and credentials, then asks STS who they belong to.
/// `profile` names the profile the chain looked in, for the message when nothing was found.
pub async fn connect_with(config: SdkConfig, timeout: Duration, profile: &str) -> Result<Session, Verdict> {
    let Some(region) = config.region().map(|r| r.to_string()) else {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "no AWS region: set one in the target (t), with --region, AWS_REGION or the profile",
            vec![],
        ));
    };
    let Some(provider) = config.credentials_provider() else {
        return Err(Verdict::error("no AWS credentials provider is configured"));
    };
    match tokio::time::timeout(timeout, provider.provide_credentials()).await {
        Err(_) => {
            return Err(Verdict::error(format!(
                "timed out after {} s looking for AWS credentials",
                timeout.as_secs()
            )));
        }
        Ok(Err(e)) => {
            return Err(Verdict::error(format!(
                "no AWS credentials: tried environment variables, the shared config and credentials \
                 files (profile {profile}), SSO, web identity, ECS and EC2 instance metadata: {}",
                one_line(&chain(&e))
            )));
        }
        Ok(Ok(_)) => {}
    }
    let sts = aws_sdk_sts::Client::new(&config);
    let out = match tokio::time::timeout(timeout, sts.get_caller_identity().send()).await {
        Err(_) => {
            return Err(Verdict::error(format!(
                "STS GetCallerIdentity timed out after {} s",
                timeout.as_secs()
            )));
        }
        Ok(r) => r.map_err(|e| Verdict::error(describe("STS GetCallerIdentity", &e)))?,
    };
    let identity = Identity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
        region,
    };
    Ok(Session { config, identity })
}

/// Refuses a session in another account than the expected one.
pub fn check_account(session: Session, expected: Option<&str>) -> Result<Session, Verdict> {
    match expected {
        Some(want) if want != session.identity.account => Err(Verdict::error(format!(
            "refused: the credentials are for account {} ({}), not the expected account {want}",
            session.identity.account, session.identity.arn
        ))),
        _ => Ok(session),
    }
}

/// One line saying what went wrong with an AWS call, naming access denial and unreachable or
/// non-AWS endpoints plainly (never the raw response: it can be long and carry anything).
pub fn describe<E>(op: &str, err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(code) = err.code() {
        let msg = err.message().unwrap_or("");
        if code.contains("AccessDenied") || code.contains("UnauthorizedOperation") {
            return one_line(&format!("access denied: {op}: {msg}"));
        }
        return one_line(&format!("{op}: {code}: {msg}"));
    }
    let what = match err {
        SdkError::DispatchFailure(_) => format!("could not reach the endpoint: {}", chain(err)),
        SdkError::TimeoutError(_) => "timed out".to_string(),
        SdkError::ResponseError(e) => format!("unreadable response (HTTP {})", e.raw().status().as_u16()),
        SdkError::ServiceError(e) if e.raw().status().is_success() => {
            format!(
                "unreadable answer (HTTP {}): the endpoint's reply does not parse",
                e.raw().status().as_u16()
            )
        }
        SdkError::ServiceError(e) => {
            format!(
                "unexpected answer (HTTP {}): the endpoint may not implement this call",
                e.raw().status().as_u16()
            )
        }
        _ => chain(err),
    };
    one_line(&format!("{op}: {what}"))
}

/// An error and its causes, by their messages only (their Debug forms can carry whole responses).
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let msg = c.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        cause = c.source();
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
