//! S3: default encryption and lifecycle rules on the service's buckets.

use super::scope::scope_tagged;
use super::{describe, nothing_in_scope, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::finding;
use crate::probe::kind::{Judged, Kind, Param, ParamType, flag, judged};
use crate::probe::{Outcome, Verdict};
use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "s3:ListAllMyBuckets",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketTagging",
];

pub const ENCRYPTION: Kind = Kind::aws(
    "aws.s3.encryption",
    "S3 GetBucketEncryption: every bucket in scope (buckets in the target, or by name prefix / tags) \
     has default encryption; with require_kms, SSE-KMS.",
    |ctx, p| judged(encryption(ctx, flag(&p, "require_kms"))),
)
.with_params(&[Param { name: "require_kms", ty: ParamType::Bool, doc: "fail on SSE-S3 (AES256)" }])
.meaning(
    "every bucket in scope has default encryption (KMS where required)",
    "objects written before, or other stores",
);

pub const LIFECYCLE: Kind = Kind::aws(
    "aws.s3.lifecycle",
    "S3 GetBucketLifecycleConfiguration: every bucket in scope has at least one enabled lifecycle \
     rule (expiration or transition), so data is not kept forever.",
    |ctx, _| judged(lifecycle(ctx)),
)
.meaning(
    "every bucket in scope has an enabled lifecycle rule",
    "whether the rules match the retention policy",
);

/// The buckets in scope: the target's names, else those listed in the region by prefix and tags.
async fn buckets(ctx: &Ctx, client: &Client) -> Result<Vec<String>, Verdict> {
    ctx.shared("s3.buckets", || list_buckets(ctx, client)).await
}

async fn list_buckets(ctx: &Ctx, client: &Client) -> Result<Vec<String>, Verdict> {
    super::scope::required(ctx, &ctx.target.buckets, "S3 buckets", "buckets")?;
    let mut names = Vec::new();
    if ctx.target.buckets.is_empty() {
        let listed: Vec<_> = client
            .list_buckets()
            .bucket_region(&session(ctx).identity.region)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("S3 ListBuckets", &e)))?;
        names.extend(listed.iter().filter_map(|b| b.name().map(str::to_string)));
    }
    let scope = scope_tagged(ctx, &ctx.target.buckets, names, |n| format!("arn:aws:s3:::{n}")).await?;
    if scope.is_empty() {
        return Err(nothing_in_scope(&ctx.target, "S3 buckets", "buckets"));
    }
    Ok(scope)
}

/// Runs `check` on every bucket in scope: it gives the evidence for one bucket, and whether that
/// bucket is wrong. All right passes saying `ok` with the count; else `bad` names the wrong ones.
async fn every_bucket<F, Fut>(ctx: &Ctx, ok: &str, bad: &str, check: F) -> Judged
where
    F: Fn(Client, String) -> Fut,
    Fut: std::future::Future<Output = Result<(bool, String), Verdict>>,
{
    let client = crate::aws_client!(aws_sdk_s3, "s3", &session(ctx).config);
    let names = buckets(ctx, &client).await?;
    let mut evidence = Vec::new();
    let mut wrong = Vec::new();
    for name in &names {
        let (is_wrong, line) = check(client.clone(), name.clone()).await?;
        evidence.push(finding(!is_wrong, "bucket", name, line));
        if is_wrong {
            wrong.push(name.clone());
        }
    }
    let ok = format!("{ok} on all {} buckets in scope", names.len());
    Ok(Verdict::unless(&wrong, Outcome::Fail, ok, bad, evidence))
}

async fn encryption(ctx: Arc<Ctx>, require_kms: bool) -> Judged {
    let what = if require_kms { "SSE-KMS" } else { "default encryption" };
    every_bucket(&ctx, what, &format!("no {what}"), |client, name| async move {
        match client.get_bucket_encryption().bucket(&name).send().await {
            Ok(out) => {
                let algos: Vec<String> = out
                    .server_side_encryption_configuration()
                    .map(|c| c.rules())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r.apply_server_side_encryption_by_default())
                    .map(|d| {
                        let key = d.kms_master_key_id().map(|k| format!(" key {k}")).unwrap_or_default();
                        format!("{}{key}", d.sse_algorithm().as_str())
                    })
                    .collect();
                let kms = algos.iter().any(|a| a.starts_with("aws:kms"));
                let wrong = algos.is_empty() || (require_kms && !kms);
                Ok((
                    wrong,
                    if algos.is_empty() { "no default encryption rule".into() } else { algos.join(", ") },
                ))
            }
            Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {
                Ok((true, "no default encryption".into()))
            }
            Err(e) => Err(Verdict::error(describe(&format!("S3 GetBucketEncryption {name}"), &e))),
        }
    })
    .await
}

async fn lifecycle(ctx: Arc<Ctx>) -> Judged {
    every_bucket(&ctx, "lifecycle rules", "no lifecycle rules", |client, name| async move {
        match client.get_bucket_lifecycle_configuration().bucket(&name).send().await {
            Ok(out) => {
                let enabled: Vec<String> = out
                    .rules()
                    .iter()
                    .filter(|r| r.status().as_str() == "Enabled")
                    .map(|r| {
                        let days =
                            r.expiration().and_then(|e| e.days()).map(|d| format!(" expires after {d} days"));
                        format!("{}{}", r.id().unwrap_or("rule"), days.unwrap_or_default())
                    })
                    .collect();
                Ok(match enabled.is_empty() {
                    true => (true, "no enabled lifecycle rule".into()),
                    false => (false, enabled.join(", ")),
                })
            }
            Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => {
                Ok((true, "no lifecycle configuration".into()))
            }
            Err(e) => {
                Err(Verdict::error(describe(&format!("S3 GetBucketLifecycleConfiguration {name}"), &e)))
            }
        }
    })
    .await
}

/// The buckets in scope with their tag keys, for the cost allocation check.
pub(super) async fn tag_keys(ctx: &Ctx) -> Result<Vec<super::scope::Tagged>, Verdict> {
    let client = crate::aws_client!(aws_sdk_s3, "s3", &session(ctx).config);
    let mut out = Vec::new();
    for name in buckets(ctx, &client).await? {
        let keys = match client.get_bucket_tagging().bucket(&name).send().await {
            Ok(o) => o.tag_set().iter().map(|t| t.key().to_string()).collect(),
            Err(e) if e.code() == Some("NoSuchTagSet") => Default::default(),
            Err(e) => return Err(Verdict::error(describe(&format!("S3 GetBucketTagging {name}"), &e))),
        };
        out.push(super::scope::Tagged { noun: "bucket", arn: format!("arn:aws:s3:::{name}"), name, keys });
    }
    Ok(out)
}
