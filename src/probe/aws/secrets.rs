//! Secrets Manager: the service's secrets are kept there.

use super::scope::scope_tagged;
use super::{describe, nothing_in_scope, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::finding;
use crate::probe::kind::Kind;
use crate::probe::kind::{Judged, judged};
use crate::probe::{Outcome, Verdict};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["secretsmanager:ListSecrets", "secretsmanager:DescribeSecret"];

pub const EXIST: Kind = Kind::aws(
    "aws.secretsmanager.secrets",
    "Secrets Manager DescribeSecret: every secret named in the target (or, without names, at least \
     one secret whose name starts with name_prefix) exists; rotation is noted. Hard-coded secrets \
     in code are the secrets scan's job.",
    |ctx, _| judged(secrets(ctx)),
)
.meaning(
    "the secrets the service names exist in Secrets Manager",
    "secrets kept elsewhere, or that the code reads them from there",
);

async fn secrets(ctx: Arc<Ctx>) -> Judged {
    let client = crate::aws_client!(aws_sdk_secretsmanager, "secretsmanager", &session(&ctx).config);
    let names = if ctx.target.secrets.is_empty() {
        let mut found = Vec::new();
        let mut arns = std::collections::HashMap::new();
        let mut token = None;
        loop {
            let out = match client.list_secrets().set_next_token(token).send().await {
                Ok(o) => o,
                Err(e) => return Ok(Verdict::error(describe("Secrets Manager ListSecrets", &e))),
            };
            found.extend(out.secret_list().iter().filter_map(|s| s.name().map(str::to_string)));
            arns.extend(
                out.secret_list().iter().filter_map(|s| Some((s.name()?.to_string(), s.arn()?.to_string()))),
            );
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        // Without names, a prefix or tags there is nothing to hold the service to.
        if ctx.target.name_prefix.is_none() && ctx.target.tags.is_empty() {
            return Ok(Verdict::new(
                Outcome::NeedsConfig,
                format!(
                    "name the service's secrets (secrets) or a name_prefix in the target; {} secrets in the account",
                    found.len()
                ),
                vec![],
            ));
        }
        scope_tagged(&ctx, &[], found, |n| arns.get(n).cloned().unwrap_or_default()).await?
    } else {
        ctx.target.secrets.clone()
    };
    if names.is_empty() {
        return Ok(nothing_in_scope(&ctx.target, "secrets", "secrets"));
    }
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    for name in &names {
        match client.describe_secret().secret_id(name).send().await {
            Ok(s) => {
                let rotation = if s.rotation_enabled() == Some(true) { "rotation on" } else { "no rotation" };
                evidence.push(finding(true, "secret", s.arn().unwrap_or(name), rotation));
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
                evidence.push(finding(false, "secret", name, "not found"));
                missing.push(name.as_str());
            }
            Err(e) => return Ok(Verdict::error(describe("Secrets Manager DescribeSecret", &e))),
        }
    }
    let ok = format!("all {} secrets are in Secrets Manager", names.len());
    Ok(Verdict::unless(&missing, Outcome::Fail, ok, "not in Secrets Manager", evidence))
}
