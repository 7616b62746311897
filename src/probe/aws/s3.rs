//! S3: default encryption and lifecycle rules on the service's buckets.

use super::{describe, nothing_in_scope, scope_tagged, session};
use crate::probe::engine::Ctx;
use crate::probe::registry::{Kind, Param, ParamType, flag};
use crate::probe::{Outcome, Verdict};
use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use std::sync::Arc;

pub const ENCRYPTION: Kind = Kind {
    name: "aws.s3.encryption",
    doc: "S3 GetBucketEncryption: every bucket in scope (buckets in the target, or by name prefix / tags) \
          has default encryption; with require_kms, SSE-KMS.",
    params: &[Param { name: "require_kms", ty: ParamType::Bool, doc: "fail on SSE-S3 (AES256)" }],
    aws: true,
    feature: None,
    run: |ctx, p| Box::pin(encryption(ctx, flag(&p, "require_kms"))),
};

pub const LIFECYCLE: Kind = Kind {
    name: "aws.s3.lifecycle",
    doc: "S3 GetBucketLifecycleConfiguration: every bucket in scope has at least one enabled lifecycle \
          rule (expiration or transition), so data is not kept forever.",
    params: &[],
    aws: true,
    feature: None,
    run: |ctx, _| Box::pin(lifecycle(ctx)),
};

/// The buckets in scope: the target's names, else those listed in the region by prefix and tags.
async fn buckets(ctx: &Ctx, client: &Client) -> Result<Vec<String>, Verdict> {
    let mut names = Vec::new();
    if ctx.target.buckets.is_empty() {
        let region = session(ctx).identity.region.clone();
        let mut token = None;
        loop {
            let out = client
                .list_buckets()
                .bucket_region(&region)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("S3 ListBuckets", &e)))?;
            names.extend(out.buckets().iter().filter_map(|b| b.name().map(str::to_string)));
            token = out.continuation_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
    }
    let scope = scope_tagged(ctx, &ctx.target.buckets, names, |n| format!("arn:aws:s3:::{n}")).await?;
    if scope.is_empty() {
        return Err(nothing_in_scope(&ctx.target, "S3 buckets", "buckets"));
    }
    Ok(scope)
}

async fn encryption(ctx: Arc<Ctx>, require_kms: bool) -> Verdict {
    let client = Client::new(&session(&ctx).config);
    let names = match buckets(&ctx, &client).await {
        Ok(n) => n,
        Err(v) => return v,
    };
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for name in &names {
        match client.get_bucket_encryption().bucket(name).send().await {
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
                if algos.is_empty() || (require_kms && !kms) {
                    bad.push(name.clone());
                }
                let what =
                    if algos.is_empty() { "no default encryption rule".into() } else { algos.join(", ") };
                evidence.push(format!("bucket {name}: {what}"));
            }
            Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {
                evidence.push(format!("bucket {name}: no default encryption"));
                bad.push(name.clone());
            }
            Err(e) => return Verdict::error(describe(&format!("S3 GetBucketEncryption {name}"), &e)),
        }
    }
    let what = if require_kms { "SSE-KMS" } else { "default encryption" };
    let ok = format!("{what} on all {} buckets in scope", names.len());
    Verdict::unless(&bad, Outcome::Fail, ok, &format!("no {what}"), evidence)
}

async fn lifecycle(ctx: Arc<Ctx>) -> Verdict {
    let client = Client::new(&session(&ctx).config);
    let names = match buckets(&ctx, &client).await {
        Ok(n) => n,
        Err(v) => return v,
    };
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for name in &names {
        match client.get_bucket_lifecycle_configuration().bucket(name).send().await {
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
                if enabled.is_empty() {
                    evidence.push(format!("bucket {name}: no enabled lifecycle rule"));
                    bad.push(name.clone());
                } else {
                    evidence.push(format!("bucket {name}: {}", enabled.join(", ")));
                }
            }
            Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => {
                evidence.push(format!("bucket {name}: no lifecycle configuration"));
                bad.push(name.clone());
            }
            Err(e) => {
                return Verdict::error(describe(&format!("S3 GetBucketLifecycleConfiguration {name}"), &e));
            }
        }
    }
    let ok = format!("lifecycle rules on all {} buckets in scope", names.len());
    Verdict::unless(&bad, Outcome::Fail, ok, "no lifecycle rules", evidence)
}
