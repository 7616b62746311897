//! Resource Groups Tagging API: the resources a tag filter selects (the scope every discovery
//! narrows by), and the cost allocation tags on them.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, judged, list};
use crate::probe::{Outcome, Verdict};
use aws_sdk_resourcegroupstagging::Client;
use aws_sdk_resourcegroupstagging::types::TagFilter;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const COST_TAGS: Kind = Kind::aws(
    "aws.tagging.cost-tags",
    "Resource Groups Tagging GetResources: every resource in scope (the target's tag filter and/or \
     name prefix) carries each cost allocation tag key (keys, default: the target's cost_tags). \
     The Tagging API lists only resources that carry at least one tag.",
    |ctx, p| judged(cost_tags(ctx, list(&p, "keys"))),
)
.with_params(&[Param {
    name: "keys",
    ty: ParamType::StrList,
    doc: "tag keys every resource must carry (default: cost_tags in the target)",
}]);

/// Every resource the Tagging API lists for the target's tag filter (all tagged resources without
/// one), by ARN with its tags.
pub async fn resources(ctx: &Ctx) -> Result<Vec<(String, BTreeMap<String, String>)>, Verdict> {
    let client = Client::new(&session(ctx).config);
    let filters: Vec<TagFilter> = ctx
        .target
        .tag_filter()
        .into_iter()
        .map(|(key, value)| TagFilter::builder().key(key).set_values(value.map(|v| vec![v])).build())
        .collect();
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .get_resources()
            .set_tag_filters(Some(filters.clone()).filter(|f| !f.is_empty()))
            .set_pagination_token(token)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("Resource Groups Tagging GetResources", &e)))?;
        for r in out.resource_tag_mapping_list() {
            let tags = r.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect();
            all.push((r.resource_arn().unwrap_or_default().to_string(), tags));
        }
        token = out.pagination_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(all)
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
    // Without a scope every tagged resource in the account would be held to the service's tags.
    if ctx.target.tags.is_empty() && ctx.target.name_prefix.is_none() {
        return Ok(Verdict::new(
            Outcome::NeedsConfig,
            "set a tag filter (tags) or name_prefix in the target to say which resources are the service's",
            vec![],
        ));
    }
    let found = resources(&ctx).await?;
    let prefix = ctx.target.name_prefix.as_deref().unwrap_or("");
    let scoped: Vec<_> = found.into_iter().filter(|(arn, _)| arn_name(arn).starts_with(prefix)).collect();
    if scoped.is_empty() {
        return Ok(super::nothing_in_scope(&ctx.target, "tagged resources", "tags"));
    }
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for (arn, tags) in &scoped {
        let missing: Vec<&str> = keys.iter().filter(|k| !tags.contains_key(*k)).map(String::as_str).collect();
        if missing.is_empty() {
            evidence.push(format!("{arn}: has {}", keys.join(", ")));
        } else {
            evidence.push(format!("{arn}: missing {}", missing.join(", ")));
            bad.push(arn_name(arn).to_string());
        }
    }
    let ok = format!("all {} resources in scope carry {}", scoped.len(), keys.join(", "));
    Ok(Verdict::unless(&bad, Outcome::Fail, ok, "missing cost allocation tags", evidence))
}
