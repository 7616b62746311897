//! What the probes look at: the target's explicit names, else what discovery finds narrowed by
//! the name prefix and the tag filter (the Resource Groups Tagging API, asked once per sweep).

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::{Outcome, Verdict};
use aws_sdk_resourcegroupstagging::types::TagFilter;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["tag:GetResources"];

/// The ARNs of the resources carrying the target's tag filter (Resource Groups Tagging API),
/// fetched once per sweep; `None` when the target has no tag filter.
pub async fn tagged(ctx: &Ctx) -> Result<Option<Arc<HashSet<String>>>, Verdict> {
    if ctx.target.tags.is_empty() {
        return Ok(None);
    }
    ctx.shared("tagging.resources", || async {
        resources(ctx).await.map(|r| Some(Arc::new(r.into_iter().map(|(arn, _)| arn).collect())))
    })
    .await
}

/// Whether a discovered resource is the service's: its name starts with the prefix and, with a
/// tag filter, the Tagging API lists its ARN.
pub async fn in_scope(ctx: &Ctx, name: &str, arn: &str) -> Result<bool, Verdict> {
    let tagged = tagged(ctx).await?;
    let tagged = tagged.as_deref();
    Ok(ctx.target.name_prefix.as_deref().is_none_or(|p| name.starts_with(p))
        && tagged.is_none_or(|t| t.contains(arn)))
}

/// Discovery of `what` may go ahead only within a scope the target sets: an account holds other
/// services' resources, and judging them all would pass or fail the wrong service.
pub fn required(ctx: &Ctx, explicit: &[String], what: &str, setting: &str) -> Result<(), Verdict> {
    if ctx.target.scoped(explicit) {
        return Ok(());
    }
    let names = if setting.is_empty() { String::new() } else { format!("{setting}, ") };
    Err(Verdict::new(
        Outcome::NeedsConfig,
        format!(
            "no scope for {what}: set {names}name_prefix or tags in the target, or whole_account = true \
             if every resource in the account and region is the service's"
        ),
        vec![],
    ))
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
    let tagged = tagged.as_deref();
    let prefix = ctx.target.name_prefix.as_deref().unwrap_or("");
    Ok(discovered
        .into_iter()
        .filter(|name| name.starts_with(prefix) && tagged.is_none_or(|t| t.contains(&arn_of(name))))
        .collect())
}

/// Every resource the Tagging API lists for the target's tag filter (all tagged resources without
/// one), by ARN with its tags.
pub async fn resources(ctx: &Ctx) -> Result<Vec<(String, BTreeMap<String, String>)>, Verdict> {
    let client = crate::aws_client!(aws_sdk_resourcegroupstagging, "tag", &session(ctx).config);
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

/// A resource in scope and the tag keys it carries, as each service module reads them for the
/// tag checks.
pub struct Tagged {
    /// One of the evidence nouns ("bucket", "log group", ...).
    pub noun: &'static str,
    pub name: String,
    pub arn: String,
    pub keys: std::collections::BTreeSet<String>,
}

/// A family of resources with no scope (needs-config) adds nothing where other families decide;
/// any other answer stands.
pub fn or_none<T>(found: Result<Vec<T>, Verdict>) -> Result<Vec<T>, Verdict> {
    match found {
        Err(v) if v.outcome == Outcome::NeedsConfig => Ok(vec![]),
        other => other,
    }
}
