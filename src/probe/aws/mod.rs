//! AWS probes: the shared session (credentials from the standard chain, the caller identity) and
//! one module per service.

pub mod acm;
pub mod agentcore;
pub mod autoscaling;
pub mod bedrock;
pub mod budgets;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod conn;
pub mod dynamodb;
pub mod ec2;
pub mod ecs;
pub mod elbv2;
pub mod iam;
pub mod logged;
pub mod logs;
pub mod policy;
pub mod s3;
pub mod scope;
pub mod secrets;
pub mod sts;
pub mod tagging;
pub mod variables;
pub mod xray;

use super::ctx::Ctx;
pub use super::target::Target;
use super::{Outcome, Verdict, error_chain};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
pub use conn::{AwsConn, Identity};
use std::time::Duration;

/// An ARN for a resource the API names but does not give the ARN of, in the caller's partition,
/// account and region.
pub fn arn(ctx: &Ctx, service: &str, resource: &str) -> String {
    let id = &session(ctx).identity;
    let partition = id.arn.split(':').nth(1).unwrap_or("aws");
    format!("arn:{partition}:{service}:{}:{}:{resource}", id.region, id.account)
}

/// The ARN of a resource of a global service (IAM, CloudWatch dashboards): no region.
pub fn global_arn(ctx: &Ctx, service: &str, resource: &str) -> String {
    let id = &session(ctx).identity;
    let partition = id.arn.split(':').nth(1).unwrap_or("aws");
    format!("arn:{partition}:{service}::{}:{resource}", id.account)
}

/// The AWS session of a probe run; the engine only runs AWS probes when there is one.
pub fn session(ctx: &Ctx) -> &AwsConn {
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

/// The read of a sweep over an Organization's accounts (`sweep::parts`); the role assumed in
/// each account is the policy's second statement.
pub const ACCOUNTS_CALLS: &[&str] = &["organizations:ListAccounts"];

/// Loads the standard credential chain for the target and asks STS who we are.
pub async fn connect(target: &Target, timeout: Duration) -> Result<AwsConn, Verdict> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &target.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &target.region {
        loader = loader.region(Region::new(r.clone()));
    }
    // Every call of every probe goes through the SDK's default client, wrapped: one log line each.
    loader = loader.http_client(logged::Logged(logged::default_client()));
    // CloudTrail and the service's own logs say who called: `app/golive-VERSION` in the agent.
    if let Ok(app) = aws_config::AppName::new(concat!("golive-", env!("CARGO_PKG_VERSION"))) {
        loader = loader.app_name(app);
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
pub async fn connect_with(config: SdkConfig, timeout: Duration, profile: &str) -> Result<AwsConn, Verdict> {
    let Some(region) = config.region().map(|r| r.to_string()) else {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "no AWS region: none in the target, the environment (AWS_REGION) or the profile",
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
            let why = one_line(&error_chain(&e));
            return Err(Verdict::error(format!(
                "no AWS credentials: tried environment variables, the shared config and credentials \
            files (profile {profile}), SSO, web identity, ECS and EC2 instance metadata: {why}; {}",
                login_hint(profile, &why)
            )));
        }
        Ok(Ok(creds)) => {
            // Whatever prints them (a command's output, an error body) prints them masked.
            crate::mask::hide(creds.access_key_id());
            crate::mask::hide(creds.secret_access_key());
            if let Some(token) = creds.session_token() {
                crate::mask::hide(token);
            }
        }
    }
    let sts = crate::aws_client!(aws_sdk_sts, "sts", &config);
    let out = match tokio::time::timeout(timeout, sts.get_caller_identity().send()).await {
        Err(_) => {
            return Err(Verdict::error(format!(
                "STS GetCallerIdentity timed out after {} s",
                timeout.as_secs()
            )));
        }
        Ok(r) => r.map_err(|e| {
            let why = describe("STS GetCallerIdentity", &e);
            let expired = ["ExpiredToken", "expired", "InvalidClientTokenId"].iter().any(|w| why.contains(w));
            if expired {
                Verdict::error(format!("{why}; {}", login_hint(profile, &why)))
            } else {
                Verdict::error(why)
            }
        })?,
    };
    let identity = Identity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
        region,
    };
    Ok(AwsConn { config, identity })
}

/// What to run to get credentials, for the person reading the header or a pipeline's log.
fn login_hint(profile: &str, why: &str) -> String {
    let sso = ["SSO", "sso", "token"].iter().any(|w| why.contains(w));
    if sso {
        format!("to sign in again, run `aws sso login --profile {profile}`")
    } else {
        format!(
            "to sign in, run `aws sso login --profile {profile}` (or `aws configure sso` the first time), \
             or set AWS_PROFILE or AWS_ACCESS_KEY_ID"
        )
    }
}

/// Refuses a session in another account than the expected one.
pub fn check_account(session: AwsConn, expected: Option<&str>) -> Result<AwsConn, Verdict> {
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
        SdkError::DispatchFailure(_) => format!("could not reach the endpoint: {}", error_chain(err)),
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
        _ => error_chain(err),
    };
    one_line(&format!("{op}: {what}"))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
