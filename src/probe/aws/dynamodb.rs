//! DynamoDB: encryption, point-in-time recovery, replicas, TTL on the tables in scope.

use super::scope::scope_tagged;
use super::{arn, describe, nothing_in_scope, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::finding;
use crate::probe::kind::{Judged, Kind, Param, ParamType, flag, judged};
use crate::probe::{Outcome, Verdict};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    PointInTimeRecoveryStatus, SseStatus, SseType, TableDescription, TimeToLiveStatus,
};

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "dynamodb:ListTables",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
];

pub const ENCRYPTION: Kind = Kind::aws(
    "aws.dynamodb.encryption",
    "DynamoDB DescribeTable on every table in scope: encrypted at rest with server-side encryption \
     not disabled; the evidence says with which key (AWS owned, AWS managed KMS, customer KMS). \
     DynamoDB always encrypts, so the checklist sets require_kms = true: a table on the AWS owned \
     key then fails.",
    |ctx, p| judged(async move { encryption(&client(&ctx), &ctx, flag(&p, "require_kms")).await }),
)
.with_params(&[Param {
    name: "require_kms",
    ty: ParamType::Bool,
    doc: "fail tables not encrypted with a KMS key",
}])
.meaning("every table in scope is encrypted (with KMS where required)", "other data stores");

pub const PITR: Kind = Kind::aws(
    "aws.dynamodb.pitr",
    "DynamoDB DescribeContinuousBackups: point-in-time recovery is enabled on every table in scope.",
    |ctx, _| judged(async move { pitr(&client(&ctx), &ctx).await }),
)
.meaning("every table in scope has point-in-time recovery on", "that a restore was ever tried");

pub const REPLICAS: Kind = Kind::aws(
    "aws.dynamodb.replicas",
    "DynamoDB DescribeTable: every table in scope has global table replicas in another region. \
     Tables without replicas are a warning, or a failure with required = true.",
    |ctx, p| judged(async move { replicas(&client(&ctx), &ctx, flag(&p, "required")).await }),
)
.with_params(&[Param {
    name: "required",
    ty: ParamType::Bool,
    doc: "fail (not warn) when a table has no replica",
}])
.meaning("every table in scope has a replica in another region", "whether the data needs one, or failover");

pub const TTL: Kind = Kind::aws(
    "aws.dynamodb.ttl",
    "DynamoDB DescribeTimeToLive: every table in scope expires items with a TTL attribute, so data \
     is kept only as long as needed.",
    |ctx, _| judged(async move { ttl(&client(&ctx), &ctx).await }),
)
.meaning("every table in scope expires items by TTL", "whether the TTL matches the retention policy");

fn client(ctx: &Ctx) -> Client {
    crate::aws_client!(aws_sdk_dynamodb, "dynamodb", &session(ctx).config)
}

async fn describe_table(c: &Client, name: &str) -> Result<Option<TableDescription>, Verdict> {
    let out = c
        .describe_table()
        .table_name(name)
        .send()
        .await
        .map_err(|e| Verdict::error(describe("DynamoDB DescribeTable", &e)))?;
    Ok(out.table().cloned())
}

/// The tables to examine, or the verdict that there are none.
async fn tables(ctx: &Ctx, client: &Client) -> Result<Vec<String>, Verdict> {
    ctx.shared("dynamodb.tables", || list_tables(ctx, client)).await
}

async fn list_tables(ctx: &Ctx, client: &Client) -> Result<Vec<String>, Verdict> {
    super::scope::required(ctx, &ctx.target.tables, "DynamoDB tables", "tables")?;
    let mut names = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let out = client
            .list_tables()
            .set_exclusive_start_table_name(start)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("DynamoDB ListTables", &e)))?;
        names.extend(out.table_names().iter().cloned());
        start = out.last_evaluated_table_name().map(str::to_string);
        if start.is_none() {
            break;
        }
    }
    let scope =
        scope_tagged(ctx, &ctx.target.tables, names, |n| arn(ctx, "dynamodb", &format!("table/{n}"))).await?;
    if scope.is_empty() {
        return Err(nothing_in_scope(&ctx.target, "DynamoDB tables", "tables"));
    }
    Ok(scope)
}

/// Runs `check` on every table in scope; each returns (ok, evidence line). All ok passes, else
/// `bad` with the tables that were not.
async fn every_table<F, Fut>(client: &Client, ctx: &Ctx, what: &str, bad: Outcome, check: F) -> Judged
where
    F: Fn(Client, String) -> Fut,
    Fut: std::future::Future<Output = Result<(bool, String), Verdict>>,
{
    let names = tables(ctx, client).await?;
    let mut evidence = Vec::new();
    let mut failing = Vec::new();
    for name in &names {
        let (ok, line) = check(client.clone(), name.clone()).await?;
        evidence.push(finding(ok, "table", name, line));
        if !ok {
            failing.push(name.as_str());
        }
    }
    if failing.is_empty() {
        Ok(Verdict::new(Outcome::Pass, format!("{what} on all {} tables in scope", names.len()), evidence))
    } else {
        Ok(Verdict::new(
            bad,
            format!(
                "no {what} on {} of {} tables: {}",
                failing.len(),
                names.len(),
                crate::probe::evidence::listed(&failing)
            ),
            evidence,
        ))
    }
}

pub async fn encryption(client: &Client, ctx: &Ctx, require_kms: bool) -> Judged {
    every_table(
        client,
        ctx,
        if require_kms { "KMS encryption" } else { "encryption at rest" },
        Outcome::Fail,
        move |c, name| async move {
            let table = describe_table(&c, &name).await?;
            let sse = table.as_ref().and_then(|t| t.sse_description());
            if let Some(status @ (SseStatus::Disabled | SseStatus::Disabling)) = sse.and_then(|s| s.status())
            {
                return Ok((false, format!("server-side encryption {}", status.as_str())));
            }
            let kms = sse.is_some_and(|s| s.sse_type() == Some(&SseType::Kms));
            let key = match sse.and_then(|s| s.kms_master_key_arn()) {
                Some(arn) => format!("KMS key {arn}"),
                None if kms => "AWS managed KMS key".to_string(),
                None => "AWS owned key".to_string(),
            };
            Ok((kms || !require_kms, format!("encrypted with {key}")))
        },
    )
    .await
}

pub async fn pitr(client: &Client, ctx: &Ctx) -> Judged {
    every_table(client, ctx, "point-in-time recovery", Outcome::Fail, |c, name| async move {
        let out = c
            .describe_continuous_backups()
            .table_name(&name)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("DynamoDB DescribeContinuousBackups", &e)))?;
        let on = out
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            == Some(&PointInTimeRecoveryStatus::Enabled);
        Ok((on, format!("point-in-time recovery {}", if on { "enabled" } else { "disabled" })))
    })
    .await
}

pub async fn replicas(client: &Client, ctx: &Ctx, required: bool) -> Judged {
    let bad = if required { Outcome::Fail } else { Outcome::Warn };
    every_table(client, ctx, "replicas", bad, |c, name| async move {
        let table = describe_table(&c, &name).await?;
        let regions: Vec<&str> = table
            .as_ref()
            .map(|t| t.replicas())
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.region_name())
            .collect();
        let line = if regions.is_empty() {
            "no replicas".to_string()
        } else {
            format!("replicas in {}", regions.join(", "))
        };
        Ok((!regions.is_empty(), line))
    })
    .await
}

pub async fn ttl(client: &Client, ctx: &Ctx) -> Judged {
    every_table(client, ctx, "TTL", Outcome::Fail, |c, name| async move {
        let out = c
            .describe_time_to_live()
            .table_name(&name)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("DynamoDB DescribeTimeToLive", &e)))?;
        let d = out.time_to_live_description();
        let on = d.and_then(|d| d.time_to_live_status()) == Some(&TimeToLiveStatus::Enabled);
        let line = match d.and_then(|d| d.attribute_name()) {
            Some(attr) if on => format!("TTL on attribute {attr}"),
            _ => "no TTL".to_string(),
        };
        Ok((on, line))
    })
    .await
}

/// The tables in scope with their tag keys, for the cost allocation check.
pub(super) async fn tag_keys(ctx: &Ctx) -> Result<Vec<super::scope::Tagged>, Verdict> {
    let client = client(ctx);
    let mut out = Vec::new();
    for name in tables(ctx, &client).await? {
        let table = describe_table(&client, &name).await?;
        let arn = table
            .as_ref()
            .and_then(|t| t.table_arn())
            .map_or_else(|| arn(ctx, "dynamodb", &format!("table/{name}")), str::to_string);
        let mut keys = std::collections::BTreeSet::new();
        let mut token = None;
        loop {
            let page = client
                .list_tags_of_resource()
                .resource_arn(&arn)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("DynamoDB ListTagsOfResource", &e)))?;
            keys.extend(page.tags().iter().map(|t| t.key().to_string()));
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        out.push(super::scope::Tagged { noun: "table", name, arn, keys });
    }
    Ok(out)
}
