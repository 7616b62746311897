//! Resource Groups Tagging API: the cost allocation tags on the resources in scope.

use super::scope::resources;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, judged, list};
use crate::probe::{Outcome, Verdict};
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
}])
.meaning(
    "every tagged resource in scope carries the cost allocation keys",
    "resources carrying no tag at all, or whether the keys are activated for billing",
);

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
