//! Application Auto Scaling: services and tables scale, and never below two of anything.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, int, judged};
use crate::probe::{Outcome, Verdict};
use aws_sdk_applicationautoscaling::Client;
use aws_sdk_applicationautoscaling::types::{ScalableTarget, ServiceNamespace};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] =
    &["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"];

/// The namespaces an AgentCore service scales in: its ECS services and its DynamoDB tables.
const NAMESPACES: [ServiceNamespace; 2] = [ServiceNamespace::Ecs, ServiceNamespace::Dynamodb];

pub const MIN_CAPACITY: Kind = Kind::aws(
    "aws.autoscaling.min-capacity",
    "Application Auto Scaling DescribeScalableTargets in scope: every ECS service keeps at least \
     min_capacity tasks (default 2) running, so no single task is a single point of failure. \
     DynamoDB capacity units are listed, not judged: they are not instance counts.",
    |ctx, p| judged(min_capacity(ctx, int(&p, "min_capacity", 2))),
)
.with_params(&[Param {
    name: "min_capacity",
    ty: ParamType::Count,
    doc: "the least minimum capacity that passes (default 2)",
}])
.meaning(
    "every ECS service in scope keeps the minimum number of tasks",
    "other components (databases, queues), or zones",
);

pub const POLICIES: Kind = Kind::aws(
    "aws.autoscaling.policies",
    "Application Auto Scaling DescribeScalableTargets and DescribeScalingPolicies: every scalable \
     target in scope (ECS services, DynamoDB tables) has at least one scaling policy (the seed's \
     guidance: min 2, max 50, target 70 % CPU).",
    |ctx, _| judged(policies(ctx)),
)
.meaning(
    "every scalable target in scope has a scaling policy",
    "whether the policy's metric and limits fit the load",
);

async fn targets(ctx: &Ctx, client: &Client) -> Result<Vec<ScalableTarget>, Verdict> {
    ctx.shared("autoscaling.targets", || list_targets(ctx, client)).await
}

async fn list_targets(ctx: &Ctx, client: &Client) -> Result<Vec<ScalableTarget>, Verdict> {
    super::scope::required(ctx, &[], "scalable targets", "")?;
    let mut all = Vec::new();
    for ns in NAMESPACES {
        let mut token = None;
        loop {
            let out = client
                .describe_scalable_targets()
                .service_namespace(ns.clone())
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| {
                    Verdict::error(describe("Application Auto Scaling DescribeScalableTargets", &e))
                })?;
            all.extend(out.scalable_targets().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
    }
    let prefix = ctx.target.name_prefix.as_deref();
    let scoped: Vec<ScalableTarget> = all
        .into_iter()
        .filter(|t| prefix.is_none_or(|p| t.resource_id().split('/').skip(1).any(|seg| seg.starts_with(p))))
        .collect();
    if scoped.is_empty() {
        return Err(Verdict::new(
            Outcome::Fail,
            format!(
                "no scalable targets (ECS services, DynamoDB tables){}: nothing scales",
                match prefix {
                    Some(p) => format!(" named {p}*"),
                    None => String::new(),
                }
            ),
            vec![],
        ));
    }
    Ok(scoped)
}

fn line(t: &ScalableTarget) -> String {
    format!(
        "{} {}: min {} max {}",
        t.service_namespace().as_str(),
        t.resource_id(),
        t.min_capacity(),
        t.max_capacity()
    )
}

async fn min_capacity(ctx: Arc<Ctx>, min: i64) -> Judged {
    let client =
        crate::aws_client!(aws_sdk_applicationautoscaling, "application-autoscaling", &session(&ctx).config);
    let targets = targets(&ctx, &client).await?;
    let evidence: Vec<String> = targets.iter().map(line).collect();
    // Only a task count is a count of instances; a table's minimum capacity units are not.
    let services: Vec<&ScalableTarget> =
        targets.iter().filter(|t| *t.service_namespace() == ServiceNamespace::Ecs).collect();
    if services.is_empty() {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "no ECS service scales in scope: DynamoDB capacity units are not instance counts",
            evidence,
        ));
    }
    let low: Vec<String> = services
        .iter()
        .filter(|t| i64::from(t.min_capacity()) < min)
        .map(|t| format!("{} (min {})", t.resource_id(), t.min_capacity()))
        .collect();
    let ok = format!("all {} ECS services keep at least {min} tasks", services.len());
    Ok(Verdict::unless(&low, Outcome::Fail, ok, &format!("minimum capacity below {min}"), evidence))
}

async fn policies(ctx: Arc<Ctx>) -> Judged {
    let client =
        crate::aws_client!(aws_sdk_applicationautoscaling, "application-autoscaling", &session(&ctx).config);
    let targets = targets(&ctx, &client).await?;
    let mut evidence = Vec::new();
    let mut without = Vec::new();
    for t in &targets {
        let out = match client
            .describe_scaling_policies()
            .service_namespace(t.service_namespace().clone())
            .resource_id(t.resource_id())
            .scalable_dimension(t.scalable_dimension().clone())
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => {
                return Ok(Verdict::error(describe("Application Auto Scaling DescribeScalingPolicies", &e)));
            }
        };
        let names: Vec<&str> = out.scaling_policies().iter().map(|p| p.policy_name()).collect();
        evidence.push(format!(
            "{}; policies: {}",
            line(t),
            if names.is_empty() { "none".into() } else { names.join(", ") }
        ));
        if names.is_empty() {
            without.push(t.resource_id());
        }
    }
    let ok = format!("all {} scalable targets have a scaling policy", targets.len());
    Ok(Verdict::unless(&without, Outcome::Fail, ok, "no scaling policy", evidence))
}
