//! Load balancers (ELBv2) and their web ACLs (WAFv2): TLS, WAF, rate limits, zones, health checks.

use super::scope::in_scope;
use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::finding;
use crate::probe::kind::Kind;
use crate::probe::kind::{Judged, judged};
use crate::probe::{Outcome, Verdict};
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{
    ActionTypeEnum, LoadBalancer, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, ProtocolEnum,
    TargetHealthStateEnum,
};

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "wafv2:GetWebACLForResource",
];

pub const WAF: Kind = Kind::aws(
    "aws.elbv2.waf",
    "ELBv2 DescribeLoadBalancers and WAFv2 GetWebACLForResource: every internet-facing application \
     load balancer in scope has a web ACL.",
    |ctx, _| judged(async move { waf(&ctx, false).await }),
)
.meaning(
    "every internet-facing ALB in scope has a web ACL",
    "the ACL's rules, or public entries that are not ALBs",
);

pub const RATE_LIMIT: Kind = Kind::aws(
    "aws.wafv2.rate-limit",
    "WAFv2 GetWebACLForResource: the web ACL of every internet-facing application load balancer in \
     scope has a rate-based rule.",
    |ctx, _| judged(async move { waf(&ctx, true).await }),
)
.meaning(
    "every internet-facing ALB's web ACL has a rate-based rule",
    "the limits' values, per-user limits in the application, or entries that are not ALBs",
);

pub const TLS: Kind = Kind::aws(
    "aws.elbv2.tls",
    "ELBv2 DescribeListeners on every load balancer in scope: no plain HTTP listener except one that \
     redirects to HTTPS; HTTPS/TLS listeners use a security policy whose minimum is TLS 1.2 \
     (TLS13-1-2, TLS13-1-3, TLS-1-2 or FS-1-2 policies; TLS13-1-0 and TLS13-1-1 accept 1.0 and 1.1).",
    |ctx, _| judged(async move { tls(&ctx).await }),
)
.meaning(
    "every listener in scope is HTTPS on a TLS 1.2+ policy or redirects to HTTPS",
    "connections that do not pass a load balancer",
);

pub const MULTI_AZ: Kind = Kind::aws(
    "aws.elbv2.multi-az",
    "ELBv2 DescribeTargetGroups and DescribeTargetHealth: the healthy targets of every target group \
     in scope run in at least two availability zones (the zone DescribeTargetHealth reports; in the \
     ec2 build, EC2 DescribeInstances and DescribeSubnets place instance and IP targets it leaves \
     unplaced). A load balancer's own zones say nothing: an ALB always has two.",
    |ctx, _| judged(async move { multi_az(&ctx).await }),
)
.meaning(
    "every target group in scope has healthy targets in two zones or more",
    "services not behind a load balancer, or whether one zone alone could carry the load",
);

pub const HEALTH_CHECKS: Kind = Kind::aws(
    "aws.elbv2.health-checks",
    "ELBv2 DescribeTargetGroups and DescribeTargetHealth: every target group in scope has health \
     checks on (with a path for HTTP/HTTPS) and at least one healthy target.",
    |ctx, _| judged(async move { health_checks(&client(&ctx), &ctx).await }),
)
.meaning(
    "every target group in scope checks health and has a healthy target",
    "that the health path tests the service's dependencies",
);

fn client(ctx: &Ctx) -> Client {
    crate::aws_client!(aws_sdk_elasticloadbalancingv2, "elasticloadbalancing", &session(ctx).config)
}

/// Whether a load balancer or target group is in scope, by its name and ARN.
async fn load_balancers(ctx: &Ctx) -> Result<Vec<LoadBalancer>, Verdict> {
    ctx.shared("elbv2.load-balancers", || list_load_balancers(ctx)).await
}

async fn list_load_balancers(ctx: &Ctx) -> Result<Vec<LoadBalancer>, Verdict> {
    super::scope::required(ctx, &[], "load balancers", "")?;
    let client = client(ctx);
    let mut all = Vec::new();
    let mut marker = None;
    loop {
        let out = client
            .describe_load_balancers()
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("ELBv2 DescribeLoadBalancers", &e)))?;
        for lb in out.load_balancers() {
            if in_scope(ctx, lb.load_balancer_name().unwrap_or(""), lb.load_balancer_arn().unwrap_or(""))
                .await?
            {
                all.push(lb.clone());
            }
        }
        marker = out.next_marker().map(str::to_string);
        if marker.is_none() {
            break;
        }
    }
    if all.is_empty() {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            format!("{}: set name_prefix or tags in the target", ctx.target.scope_words("load balancers")),
            vec![],
        ));
    }
    Ok(all)
}

fn name(lb: &LoadBalancer) -> &str {
    lb.load_balancer_name().unwrap_or("?")
}

async fn waf(ctx: &Ctx, rate: bool) -> Judged {
    let lbs = load_balancers(ctx).await?;
    let public: Vec<&LoadBalancer> = lbs
        .iter()
        .filter(|lb| {
            lb.scheme() == Some(&LoadBalancerSchemeEnum::InternetFacing)
                && lb.r#type() == Some(&LoadBalancerTypeEnum::Application)
        })
        .collect();
    if public.is_empty() {
        // The service's public entry may be elsewhere (API Gateway, CloudFront, an AgentCore
        // endpoint): finding no ALB is not finding it protected.
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "no internet-facing application load balancer in scope: the public entry was not found, \
             so nothing was checked",
            lbs.iter().map(|lb| format!("load balancer {}: not an internet-facing ALB", name(lb))).collect(),
        ));
    }
    let waf = crate::aws_client!(aws_sdk_wafv2, "wafv2", &session(ctx).config);
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for lb in public {
        let arn = lb.load_balancer_arn().unwrap_or_default();
        let fetch = || async {
            match waf.get_web_acl_for_resource().resource_arn(arn).send().await {
                Ok(o) => Ok(o.web_acl().cloned()),
                Err(e) => Err(Verdict::error(describe("WAFv2 GetWebACLForResource", &e))),
            }
        };
        let acl = ctx.shared(&format!("wafv2.web-acl/{arn}"), fetch).await?;
        match acl {
            None => {
                evidence.push(finding(false, "load balancer", name(lb), "no web ACL"));
                bad.push(name(lb).to_string());
            }
            Some(acl) => {
                let rate_rules: Vec<&str> = acl
                    .rules()
                    .iter()
                    .filter(|r| r.statement().and_then(|s| s.rate_based_statement()).is_some())
                    .map(|r| r.name())
                    .collect();
                let missing = rate && rate_rules.is_empty();
                evidence.push(finding(
                    !missing,
                    "load balancer",
                    name(lb),
                    format!(
                        "web ACL {} ({} rules, rate-based: {})",
                        acl.name(),
                        acl.rules().len(),
                        if rate_rules.is_empty() { "none".into() } else { rate_rules.join(", ") }
                    ),
                ));
                if missing {
                    bad.push(name(lb).to_string());
                }
            }
        }
    }
    Ok(match (rate, bad.is_empty()) {
        (false, true) => Verdict::new(Outcome::Pass, "every internet-facing ALB has a web ACL", evidence),
        (true, true) => {
            Verdict::new(Outcome::Pass, "every internet-facing ALB's web ACL has a rate-based rule", evidence)
        }
        (false, false) => Verdict::new(Outcome::Fail, format!("no web ACL: {}", bad.join(", ")), evidence),
        (true, false) => {
            Verdict::new(Outcome::Fail, format!("no rate-based rule: {}", bad.join(", ")), evidence)
        }
    })
}

/// Security policies that allow nothing older than TLS 1.2, judged by the minimum version in the
/// policy's name: the TLS13-1-0 and TLS13-1-1 policies offer TLS 1.3 yet still accept 1.0 and 1.1,
/// and the undated ones (ELBSecurityPolicy-2016-08, FS-2018-06) accept 1.0.
pub fn tls12_policy(policy: &str) -> bool {
    ["TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2"].iter().any(|p| policy.contains(p))
}

async fn tls(ctx: &Ctx) -> Judged {
    let lbs = load_balancers(ctx).await?;
    let client = client(ctx);
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for lb in &lbs {
        let listeners: Result<Vec<_>, _> = client
            .describe_listeners()
            .load_balancer_arn(lb.load_balancer_arn().unwrap_or_default())
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        let listeners = match listeners {
            Ok(l) => l,
            Err(e) => return Ok(Verdict::error(describe("ELBv2 DescribeListeners", &e))),
        };
        for l in &listeners {
            let port = l.port().unwrap_or(0);
            let proto = l.protocol().map_or("?", |p| p.as_str());
            let line = match l.protocol() {
                Some(ProtocolEnum::Http | ProtocolEnum::Tcp | ProtocolEnum::Udp) => {
                    let redirects = l.default_actions().iter().any(|a| {
                        a.r#type() == Some(&ActionTypeEnum::Redirect)
                            && a.redirect_config().and_then(|r| r.protocol()) == Some("HTTPS")
                    });
                    if !redirects {
                        bad.push(format!("{}:{port} plain {proto}", name(lb)));
                    }
                    finding(
                        redirects,
                        "listener",
                        &format!("{}:{port} {proto}", name(lb)),
                        if redirects { "redirects to HTTPS" } else { "unencrypted" },
                    )
                }
                _ => {
                    let policy = l.ssl_policy().unwrap_or("no policy");
                    let ok = tls12_policy(policy);
                    if !ok {
                        bad.push(format!("{}:{port} policy {policy}", name(lb)));
                    }
                    finding(ok, "listener", &format!("{}:{port} {proto}", name(lb)), policy)
                }
            };
            evidence.push(line);
        }
    }
    let ok = format!("all listeners of {} load balancers use TLS 1.2+ or redirect to HTTPS", lbs.len());
    Ok(Verdict::unless(&bad, Outcome::Fail, ok, "not TLS 1.2+", evidence))
}

/// The healthy targets of each target group in scope, with the zone each runs in where known.
async fn healthy_targets(ctx: &Ctx) -> Result<Placed, Verdict> {
    let client = client(ctx);
    let groups = target_groups(ctx, &client).await?;
    let mut out = Vec::new();
    for g in &groups {
        let health = client
            .describe_target_health()
            .target_group_arn(g.target_group_arn().unwrap_or_default())
            .send()
            .await
            .map_err(|e| Verdict::error(describe("ELBv2 DescribeTargetHealth", &e)))?;
        let healthy = health
            .target_health_descriptions()
            .iter()
            .filter(|t| t.target_health().and_then(|h| h.state()) == Some(&TargetHealthStateEnum::Healthy))
            .filter_map(|t| t.target())
            // "all" is cross-zone routing, not where the target runs.
            .map(|t| {
                (
                    t.id().unwrap_or("?").to_string(),
                    t.availability_zone().filter(|z| *z != "all").map(str::to_string),
                )
            })
            .collect();
        out.push((g.target_group_name().unwrap_or("?").to_string(), healthy));
    }
    Ok(out)
}

async fn multi_az(ctx: &Ctx) -> Judged {
    let groups = place(ctx, healthy_targets(ctx).await?).await?;
    let mut evidence = Vec::new();
    let (mut single, mut empty, mut unknown) = (Vec::new(), Vec::new(), 0);
    for (name, targets) in &groups {
        let zones: std::collections::BTreeSet<&str> =
            targets.iter().filter_map(|(_, z)| z.as_deref()).collect();
        let missing = targets.iter().filter(|(_, z)| z.is_none()).count();
        let zones_word = zones.iter().copied().collect::<Vec<_>>().join(", ");
        let detail = match (targets.len(), missing) {
            (0, _) => "no healthy target".to_string(),
            (n, 0) => format!("{n} healthy targets in {zones_word}"),
            (n, m) => format!(
                "{n} healthy targets, {m} in a zone not reported{}",
                if zones.is_empty() { String::new() } else { format!(", others in {zones_word}") }
            ),
        };
        let ok = zones.len() >= 2;
        evidence.push(finding(ok, "target group", name, detail));
        if targets.is_empty() {
            empty.push(name.as_str());
        } else if !ok && missing > 0 {
            unknown += missing;
        } else if !ok {
            single.push(name.as_str());
        }
    }
    if !empty.is_empty() || !single.is_empty() {
        let mut why = Vec::new();
        if !single.is_empty() {
            why.push(format!(
                "healthy targets in one zone only: {}",
                crate::probe::evidence::listed(&single)
            ));
        }
        if !empty.is_empty() {
            why.push(format!("no healthy target: {}", crate::probe::evidence::listed(&empty)));
        }
        return Ok(Verdict::new(Outcome::Fail, why.join("; "), evidence));
    }
    if unknown > 0 {
        let why = if cfg!(feature = "ec2") {
            "EC2 could not place them".to_string()
        } else {
            "placing them needs the EC2 probes, which this golive was built without".to_string()
        };
        return Ok(Verdict::new(
            Outcome::Error,
            format!("undecided: DescribeTargetHealth reports no zone for {unknown} healthy targets; {why}"),
            evidence,
        ));
    }
    Ok(Verdict::new(
        Outcome::Pass,
        format!(
            "the healthy targets of all {} target groups in scope run in two zones or more",
            groups.len()
        ),
        evidence,
    ))
}

type Placed = Vec<(String, Vec<(String, Option<String>)>)>;

/// Targets DescribeTargetHealth leaves without a zone (instances, IPs in the VPC), placed by EC2.
#[cfg(feature = "ec2")]
async fn place(ctx: &Ctx, mut groups: Placed) -> Result<Placed, Verdict> {
    let unplaced: Vec<String> = groups
        .iter()
        .flat_map(|(_, t)| t.iter().filter(|(_, z)| z.is_none()).map(|(id, _)| id.clone()))
        .collect();
    if unplaced.is_empty() {
        return Ok(groups);
    }
    let zones = super::ec2::zones_of(ctx, &unplaced).await?;
    for (_, targets) in &mut groups {
        for (id, zone) in targets.iter_mut() {
            if zone.is_none() {
                *zone = zones.get(id).cloned();
            }
        }
    }
    Ok(groups)
}

#[cfg(not(feature = "ec2"))]
async fn place(_: &Ctx, groups: Placed) -> Result<Placed, Verdict> {
    Ok(groups)
}

/// The target groups in scope (name prefix, tags); none is needs-config.
async fn target_groups(
    ctx: &Ctx,
    client: &Client,
) -> Result<Vec<aws_sdk_elasticloadbalancingv2::types::TargetGroup>, Verdict> {
    super::scope::required(ctx, &[], "target groups", "")?;
    let groups: Vec<_> = client
        .describe_target_groups()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(|e| Verdict::error(describe("ELBv2 DescribeTargetGroups", &e)))?;
    let mut scoped = Vec::new();
    for g in groups {
        if in_scope(ctx, g.target_group_name().unwrap_or(""), g.target_group_arn().unwrap_or("")).await? {
            scoped.push(g);
        }
    }
    if scoped.is_empty() {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            format!("{}: set name_prefix or tags in the target", ctx.target.scope_words("target groups")),
            vec![],
        ));
    }
    Ok(scoped)
}

pub async fn health_checks(client: &Client, ctx: &Ctx) -> Judged {
    let groups = target_groups(ctx, client).await?;
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    for g in &groups {
        let gname = g.target_group_name().unwrap_or("?");
        let out = match client
            .describe_target_health()
            .target_group_arn(g.target_group_arn().unwrap_or_default())
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => return Ok(Verdict::error(describe("ELBv2 DescribeTargetHealth", &e))),
        };
        let healthy = out
            .target_health_descriptions()
            .iter()
            .filter(|t| t.target_health().and_then(|h| h.state()) == Some(&TargetHealthStateEnum::Healthy))
            .count();
        let total = out.target_health_descriptions().len();
        let enabled = g.health_check_enabled() != Some(false);
        let path = g.health_check_path();
        evidence.push(finding(
            enabled && healthy > 0,
            "target group",
            gname,
            format!(
                "health check {}{}, {healthy} of {total} targets healthy",
                if enabled { "on" } else { "off" },
                path.map(|p| format!(" at {p}")).unwrap_or_default()
            ),
        ));
        if !enabled {
            bad.push(format!("{gname} has health checks off"));
        } else if healthy == 0 {
            bad.push(format!("{gname} has no healthy target"));
        }
    }
    if bad.is_empty() {
        Ok(Verdict::new(
            Outcome::Pass,
            format!("all {} target groups check health and have healthy targets", groups.len()),
            evidence,
        ))
    } else {
        Ok(Verdict::new(Outcome::Fail, crate::probe::evidence::phrases(&bad), evidence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_is_judged_by_the_oldest_version_it_accepts() {
        for ok in [
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
            "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
            "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        ] {
            assert!(tls12_policy(ok), "{ok}");
        }
        for old in [
            "ELBSecurityPolicy-TLS13-1-0-2021-06",
            "ELBSecurityPolicy-TLS13-1-1-2021-06",
            "ELBSecurityPolicy-TLS-1-1-2017-01",
            "ELBSecurityPolicy-FS-1-1-2019-08",
            "ELBSecurityPolicy-2016-08",
        ] {
            assert!(!tls12_policy(old), "{old}");
        }
    }
}
