//! Cost allocation tags on the service's resources: the ones the other probes discover in scope
//! (buckets, tables, log groups, alarms, the task role), each asked for its tags, and
//! whatever else the Resource Groups Tagging API lists in scope. The Tagging API alone never lists
//! a resource that carries no tag, so it cannot be the only source.

use super::scope::{Tagged, or_none, resources};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::finding;
use crate::probe::kind::{Judged, Kind, Param, ParamType, judged, list};
use crate::probe::{Outcome, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const COST_TAGS: Kind = Kind::aws(
    "aws.tagging.cost-tags",
    "S3 GetBucketTagging, DynamoDB ListTagsOfResource, CloudWatch Logs, CloudWatch and AgentCore \
     ListTagsForResource, IAM ListRoleTags on the buckets, tables, log groups, alarms, task role \
     and AgentCore runtimes, gateways and memories in scope, and Resource Groups Tagging GetResources for the other tagged \
     resources in scope: each carries every cost allocation tag key (keys, default: the target's \
     cost_tags). A resource with no tag at all fails.",
    |ctx, p| judged(cost_tags(ctx, list(&p, "keys"))),
)
.with_params(&[Param {
    name: "keys",
    ty: ParamType::StrList,
    doc: "tag keys every resource must carry (default: cost_tags in the target)",
}])
.meaning(
    "every resource in scope the probes know carries the cost allocation keys",
    "untagged resources of other kinds, dashboards (they take no tags), billing activation of the keys",
);

pub const REQUIRED_TAGS: Kind = Kind::aws(
    "aws.tagging.required-tags",
    "The same reads as aws.tagging.cost-tags: every bucket, table, log group, alarm, task role, \
     AgentCore resource and other tagged resource in scope carries each tag key in `keys` (for example DataClassification).",
    |ctx, p| judged(required_tags(ctx, list(&p, "keys"))),
)
.with_params(&[Param { name: "keys", ty: ParamType::StrList, doc: "tag keys every resource must carry" }])
.meaning(
    "every resource in scope the probes know carries the named tag keys",
    "whether the values are right, or untagged resources of other kinds",
);

async fn required_tags(ctx: Arc<Ctx>, keys: Vec<String>) -> Judged {
    if keys.is_empty() {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "name the tag keys every resource must carry (keys)",
            vec![],
        ));
    }
    judge(&ctx, &keys, "missing required tags").await
}

/// The name part of an ARN: after the last `/` or `:` (`table/orders` -> `orders`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

async fn cost_tags(ctx: Arc<Ctx>, keys: Vec<String>) -> Judged {
    let keys = if keys.is_empty() { ctx.target.cost_tags.clone() } else { keys };
    if keys.is_empty() {
        return Ok(Verdict::new(
            Outcome::NeedsConfig,
            "name the cost allocation tag keys (cost_tags) in the target",
            vec![],
        ));
    }
    judge(&ctx, &keys, "missing cost allocation tags").await
}

/// Every resource in scope carries `keys`; else `label` names the ones that do not.
async fn judge(ctx: &Ctx, keys: &[String], label: &str) -> Judged {
    let t = &ctx.target;
    let named: Vec<String> = [&t.buckets, &t.tables, &t.log_groups].into_iter().flatten().cloned().collect();
    super::scope::required(ctx, &named, "tagged resources", "")?;
    let mut found = Vec::new();
    found.extend(or_none(super::s3::tag_keys(ctx).await)?);
    found.extend(or_none(super::dynamodb::tag_keys(ctx).await)?);
    found.extend(or_none(super::logs::tag_keys(ctx).await)?);
    found.extend(or_none(super::cloudwatch::tag_keys(ctx).await)?);
    found.extend(or_none(super::iam::tag_keys(ctx).await)?);
    found.extend(or_none(super::agentcore::tag_keys(ctx).await)?);
    // Other tagged resources in scope (load balancers, topics, functions, ...).
    let prefix = ctx.target.name_prefix.as_deref().unwrap_or("");
    let known: BTreeSet<String> = found.iter().map(|t| t.arn.clone()).collect();
    let tagged: Vec<(String, BTreeMap<String, String>)> = resources(ctx).await?;
    for (arn, tags) in tagged {
        if known.contains(&arn) || !arn_name(&arn).starts_with(prefix) {
            continue;
        }
        let keys = tags.into_keys().collect();
        found.push(Tagged { noun: "resource", name: arn.clone(), arn, keys });
    }
    if found.is_empty() {
        return Ok(super::nothing_in_scope(&ctx.target, "resources", "tags"));
    }
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &found {
        *kinds.entry(t.noun).or_default() += 1;
        let missing: Vec<&str> = keys.iter().filter(|k| !t.keys.contains(*k)).map(String::as_str).collect();
        if missing.is_empty() {
            evidence.push(finding(true, t.noun, &t.name, format!("has {}", keys.join(", "))));
        } else {
            let detail = if t.keys.is_empty() {
                "no tags".to_string()
            } else {
                format!("missing {}", missing.join(", "))
            };
            evidence.push(finding(false, t.noun, &t.name, detail));
            bad.push(t.name.clone());
        }
    }
    let what: Vec<String> = kinds.iter().map(|(noun, n)| format!("{n} {}", plural(noun, *n))).collect();
    let ok =
        format!("all {} resources in scope carry {} ({})", found.len(), keys.join(", "), what.join(", "));
    Ok(Verdict::unless(&bad, Outcome::Fail, ok, label, evidence))
}

fn plural(noun: &str, n: usize) -> &str {
    if n == 1 {
        return noun;
    }
    crate::probe::evidence::NOUNS.iter().find(|(s, _)| *s == noun).map_or(noun, |(_, p)| p)
}
