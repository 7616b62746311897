//! ECS: the service's own settings. Its task definitions hold the environment it runs with, and
//! its network configuration the subnets (so the zones) its tasks are placed in.

use super::scope::in_scope;
use super::variables;
use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::{finding, listed};
use crate::probe::kind::{Judged, Kind, Param, ParamType, judged, list};
use crate::probe::{Outcome, Verdict};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{Service, TaskDefinition};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] =
    &["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeTaskDefinition"];

pub const ENVIRONMENT: Kind = Kind::aws(
    "aws.ecs.environment",
    "ECS ListClusters, ListServices, DescribeServices and DescribeTaskDefinition: the task \
     definition of every ECS service in scope gives each required variable (names, default: \
     env_vars in the target) to its containers, as a plain variable or a secret, and no plain \
     value looks like a credential (values are never shown or saved).",
    |ctx, p| judged(environment(ctx, list(&p, "names"))),
)
.with_params(&[Param { name: "names", ty: ParamType::StrList, doc: "variable names" }])
.meaning(
    "the services' task definitions give the named variables, with no credential in plain text",
    "that the values are right, or tasks still running an older task definition",
);

pub const MULTI_AZ: Kind = Kind::aws(
    "aws.ecs.multi-az",
    "ECS DescribeServices and, in the ec2 build, EC2 DescribeSubnets: every ECS service in scope \
     places its tasks (awsvpc network configuration) in subnets of two availability zones or more.",
    |ctx, _| judged(multi_az(ctx)),
)
.meaning(
    "every ECS service in scope may place tasks in two zones or more",
    "where the running tasks are now, or services without awsvpc networking",
);

pub const MEMORY_LIMITS: Kind = Kind::aws(
    "aws.ecs.memory-limits",
    "ECS DescribeServices and DescribeTaskDefinition: every container of every ECS service in scope \
     has a hard memory limit (its own `memory`, or the task's memory); a soft reservation alone does \
     not stop a container taking the host's memory.",
    |ctx, _| judged(memory_limits(ctx)),
)
.meaning("every container in scope has a hard memory limit", "whether the limit fits the load");

fn client(ctx: &Ctx) -> Client {
    crate::aws_client!(aws_sdk_ecs, "ecs", &session(ctx).config)
}

/// The ECS services in scope (name prefix, tags) across every cluster, asked once per sweep.
pub(super) async fn services(ctx: &Ctx) -> Result<Vec<Service>, Verdict> {
    ctx.shared("ecs.services", || list_services(ctx)).await
}

async fn list_services(ctx: &Ctx) -> Result<Vec<Service>, Verdict> {
    super::scope::required(ctx, &[], "ECS services", "")?;
    let client = client(ctx);
    let clusters: Vec<String> = client
        .list_clusters()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(|e| Verdict::error(describe("ECS ListClusters", &e)))?;
    let mut found = Vec::new();
    for cluster in &clusters {
        let arns: Vec<String> = client
            .list_services()
            .cluster(cluster)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("ECS ListServices", &e)))?;
        // DescribeServices takes at most 10 services a call.
        for chunk in arns.chunks(10) {
            let out = client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| Verdict::error(describe("ECS DescribeServices", &e)))?;
            for s in out.services() {
                let (name, arn) = (s.service_name().unwrap_or(""), s.service_arn().unwrap_or(""));
                if in_scope(ctx, name, arn).await? {
                    found.push(s.clone());
                }
            }
        }
    }
    if found.is_empty() {
        return Err(super::nothing_in_scope(&ctx.target, "ECS services", "tags"));
    }
    Ok(found)
}

fn name(s: &Service) -> &str {
    s.service_name().unwrap_or("?")
}

/// The task definition of every ECS service in scope, asked once per sweep.
async fn task_definitions(ctx: &Ctx) -> Result<Vec<(String, TaskDefinition)>, Verdict> {
    ctx.shared("ecs.task-definitions", || async {
        let client = client(ctx);
        let mut out = Vec::new();
        for s in services(ctx).await? {
            let Some(task) = s.task_definition() else { continue };
            let def = client
                .describe_task_definition()
                .task_definition(task)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("ECS DescribeTaskDefinition", &e)))?;
            out.extend(def.task_definition().map(|d| (name(&s).to_string(), d.clone())));
        }
        Ok(out)
    })
    .await
}

async fn environment(ctx: Arc<Ctx>, names: Vec<String>) -> Judged {
    let names = variables::required(&ctx, names)?;
    let defs = task_definitions(&ctx).await?;
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    for (service, def) in &defs {
        let containers = def.container_definitions();
        let given = variables::Given {
            plain: containers
                .iter()
                .flat_map(|c| c.environment())
                .filter_map(|kv| Some((kv.name()?, kv.value().unwrap_or(""))))
                .collect(),
            secrets: containers.iter().flat_map(|c| c.secrets()).map(|s| s.name()).collect(),
        };
        let judged = variables::judge(&names, &given);
        let task = def.task_definition_arn().unwrap_or("?");
        evidence.push(finding(
            judged.ok(),
            "service",
            service,
            format!("task definition {task}: {}", judged.detail(names.len())),
        ));
        problems.extend(judged.problems(service));
    }
    if problems.is_empty() {
        let ok = format!("the task definitions of all {} ECS services give {}", defs.len(), listed(&names));
        Ok(Verdict::new(Outcome::Pass, ok, evidence))
    } else {
        Ok(Verdict::new(Outcome::Fail, crate::probe::evidence::phrases(&problems), evidence))
    }
}

async fn memory_limits(ctx: Arc<Ctx>) -> Judged {
    let defs = task_definitions(&ctx).await?;
    let mut evidence = Vec::new();
    let mut unbounded = Vec::new();
    for (service, def) in &defs {
        let task_memory = def.memory().filter(|m| !m.is_empty());
        let loose: Vec<&str> = def
            .container_definitions()
            .iter()
            .filter(|c| c.memory().is_none() && task_memory.is_none())
            .map(|c| c.name().unwrap_or("?"))
            .collect();
        let limits: Vec<String> = def
            .container_definitions()
            .iter()
            .map(|c| match (c.memory(), c.memory_reservation()) {
                (Some(m), _) => format!("{} {m} MiB", c.name().unwrap_or("?")),
                (None, Some(r)) => format!("{} reserves {r} MiB, no limit", c.name().unwrap_or("?")),
                (None, None) => format!("{} no limit", c.name().unwrap_or("?")),
            })
            .collect();
        let task_words = task_memory.map(|m| format!("task {m} MiB; ")).unwrap_or_default();
        evidence.push(finding(
            loose.is_empty(),
            "service",
            service,
            format!("{task_words}{}", limits.join(", ")),
        ));
        unbounded.extend(loose.iter().map(|c| format!("{service}/{c}")));
    }
    let ok = format!("every container of {} ECS services has a hard memory limit", defs.len());
    Ok(Verdict::unless(&unbounded, Outcome::Fail, ok, "no hard memory limit", evidence))
}

async fn multi_az(ctx: Arc<Ctx>) -> Judged {
    let services = services(&ctx).await?;
    let placed: Vec<(&Service, Vec<String>)> = services
        .iter()
        .filter_map(|s| {
            let subnets = s.network_configuration()?.awsvpc_configuration()?.subnets().to_vec();
            Some((s, subnets))
        })
        .collect();
    if placed.is_empty() {
        let names: Vec<&str> = services.iter().map(name).collect();
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            format!("no ECS service in scope uses awsvpc networking: {}", listed(&names)),
            vec![],
        ));
    }
    zones(&ctx, placed).await
}

#[cfg(not(feature = "ec2"))]
async fn zones(_: &Ctx, placed: Vec<(&Service, Vec<String>)>) -> Judged {
    let evidence = placed
        .iter()
        .map(|(s, subnets)| format!("service {}: subnets {}", name(s), subnets.join(", ")))
        .collect();
    Ok(Verdict::new(
        Outcome::Error,
        "undecided: placing the services' subnets in zones needs the EC2 probes, which this golive was \
         built without",
        evidence,
    ))
}

#[cfg(feature = "ec2")]
async fn zones(ctx: &Ctx, placed: Vec<(&Service, Vec<String>)>) -> Judged {
    let all: Vec<String> = placed.iter().flat_map(|(_, s)| s.iter().cloned()).collect();
    let zone_of = super::ec2::subnet_zones(ctx, &all).await?;
    let mut evidence = Vec::new();
    let mut single = Vec::new();
    for (s, subnets) in &placed {
        let zones: std::collections::BTreeSet<&str> =
            subnets.iter().filter_map(|id| zone_of.get(id).map(String::as_str)).collect();
        let ok = zones.len() >= 2;
        let words: Vec<&str> = zones.iter().copied().collect();
        evidence.push(finding(ok, "service", name(s), format!("subnets in {}", words.join(", "))));
        if !ok {
            single.push(name(s));
        }
    }
    let ok = format!("all {} ECS services place tasks in two zones or more", placed.len());
    Ok(Verdict::unless(&single, Outcome::Fail, ok, "ECS services in one zone only", evidence))
}
