//! What the service has in AgentCore: its runtimes, gateways and memories in scope, each asked
//! once per sweep, and what other checks read of them (roles, tags, how many workloads).

use super::super::scope::or_none;
use super::super::{describe, session};
use crate::probe::Verdict;
use crate::probe::ctx::Ctx;
use aws_sdk_bedrockagentcorecontrol::Client;
use aws_sdk_bedrockagentcorecontrol::operation::get_agent_runtime::GetAgentRuntimeOutput;
use aws_sdk_bedrockagentcorecontrol::types::{GatewaySummary, Memory};
use std::collections::HashSet;

pub(super) fn client(ctx: &Ctx) -> Client {
    crate::aws_client!(aws_sdk_bedrockagentcorecontrol, "bedrock-agentcore", &session(ctx).config)
}

/// Whether a resource (`keys`: its name, id and ARN) is in the target's scope: named (by name, id
/// or ARN) when the target names any; else its name starts with the prefix (with `-` and `_` read
/// alike) and, with a tag filter, the Tagging API lists its ARN.
fn wanted(ctx: &Ctx, named: &[String], keys: &[&str], tagged: Option<&HashSet<String>>) -> bool {
    if !named.is_empty() {
        return named.iter().any(|n| keys.contains(&n.as_str()));
    }
    // A runtime's ARN ends with its version (`agent/ID:3`); its tags are on the ARN without.
    let arn = keys.last().copied().unwrap_or("");
    let unversioned = arn.rsplit_once(':').filter(|(a, _)| a.contains('/')).map_or(arn, |(a, _)| a);
    let tags_ok = tagged.is_none_or(|t| t.contains(arn) || t.contains(unversioned));
    let fold = |s: &str| s.replace('-', "_").to_ascii_lowercase();
    let name = keys.first().copied().unwrap_or("");
    let prefix_ok = ctx.target.name_prefix.as_deref().is_none_or(|p| fold(name).starts_with(&fold(p)));
    tags_ok && prefix_ok
}

/// The runtimes in scope, in full, asked once per sweep.
pub(super) async fn runtimes(client: &Client, ctx: &Ctx) -> Result<Vec<GetAgentRuntimeOutput>, Verdict> {
    ctx.shared("agentcore.runtimes", || async {
        let named = &ctx.target.agent_runtimes;
        super::super::scope::required(ctx, named, "AgentCore runtimes", "agent_runtimes")?;
        let listed: Vec<_> = client
            .list_agent_runtimes()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore ListAgentRuntimes", &e)))?;
        let tagged = super::super::scope::tagged(ctx).await?;
        let mut found = Vec::new();
        for r in &listed {
            let keys = [r.agent_runtime_name(), r.agent_runtime_id(), r.agent_runtime_arn()];
            if !wanted(ctx, named, &keys, tagged.as_deref()) {
                continue;
            }
            let full = client
                .get_agent_runtime()
                .agent_runtime_id(r.agent_runtime_id())
                .send()
                .await
                .map_err(|e| Verdict::error(describe("AgentCore GetAgentRuntime", &e)))?;
            found.push(full);
        }
        if found.is_empty() {
            return Err(super::super::nothing_in_scope(&ctx.target, "AgentCore runtimes", "agent_runtimes"));
        }
        Ok(found)
    })
    .await
}

/// The gateways in scope.
pub(super) async fn gateways(client: &Client, ctx: &Ctx) -> Result<Vec<GatewaySummary>, Verdict> {
    ctx.shared("agentcore.gateways", || async {
        let named = &ctx.target.gateways;
        super::super::scope::required(ctx, named, "AgentCore gateways", "gateways")?;
        let listed: Vec<GatewaySummary> = client
            .list_gateways()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore ListGateways", &e)))?;
        let tagged = super::super::scope::tagged(ctx).await?;
        let arn = |g: &GatewaySummary| {
            super::super::arn(ctx, "bedrock-agentcore", &format!("gateway/{}", g.gateway_id()))
        };
        Ok(listed
            .into_iter()
            .filter(|g| wanted(ctx, named, &[g.name(), g.gateway_id(), &arn(g)], tagged.as_deref()))
            .collect())
    })
    .await
}

/// The memories in scope, in full.
pub(super) async fn memories(client: &Client, ctx: &Ctx) -> Result<Vec<Memory>, Verdict> {
    ctx.shared("agentcore.memories", || async {
        let named = &ctx.target.memories;
        super::super::scope::required(ctx, named, "AgentCore memories", "memories")?;
        let listed: Vec<_> = client
            .list_memories()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore ListMemories", &e)))?;
        let tagged = super::super::scope::tagged(ctx).await?;
        let mut found = Vec::new();
        for m in &listed {
            let Some(id) = m.id() else { continue };
            let out = client
                .get_memory()
                .memory_id(id)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("AgentCore GetMemory", &e)))?;
            if let Some(memory) = out.memory()
                && wanted(ctx, named, &[memory.name(), memory.id(), memory.arn()], tagged.as_deref())
            {
                found.push(memory.clone());
            }
        }
        Ok(found)
    })
    .await
}

/// The roles the AgentCore runtimes and gateways in scope run as (ARNs), for the IAM checks.
/// Nothing when there is no AgentCore scope.
pub async fn role_arns(ctx: &Ctx) -> Result<Vec<(String, &'static str)>, Verdict> {
    let client = client(ctx);
    let mut arns: Vec<(String, &'static str)> = or_none(runtimes(&client, ctx).await)?
        .iter()
        .map(|r| (r.role_arn().to_string(), "runtime role"))
        .collect();
    for g in or_none(gateways(&client, ctx).await)? {
        let out = client
            .get_gateway()
            .gateway_identifier(g.gateway_id())
            .send()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore GetGateway", &e)))?;
        if let Some(role) = out.role_arn() {
            arns.push((role.to_string(), "gateway role"));
        }
    }
    Ok(arns)
}

/// The runtimes, gateways and memories in scope with their tag keys, for the tag checks.
pub(in crate::probe::aws) async fn tag_keys(ctx: &Ctx) -> Result<Vec<super::super::scope::Tagged>, Verdict> {
    use super::super::scope::Tagged;
    let client = client(ctx);
    let mut found: Vec<Tagged> = Vec::new();
    for r in or_none(runtimes(&client, ctx).await)? {
        let arn = r.agent_runtime_arn().to_string();
        found.push(Tagged {
            noun: "runtime",
            name: r.agent_runtime_name().to_string(),
            arn,
            keys: Default::default(),
        });
    }
    for g in or_none(gateways(&client, ctx).await)? {
        let out = client
            .get_gateway()
            .gateway_identifier(g.gateway_id())
            .send()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore GetGateway", &e)))?;
        let arn = out.gateway_arn().to_string();
        found.push(Tagged { noun: "gateway", name: g.name().to_string(), arn, keys: Default::default() });
    }
    for m in or_none(memories(&client, ctx).await)? {
        found.push(Tagged {
            noun: "memory",
            name: m.name().to_string(),
            arn: m.arn().to_string(),
            keys: Default::default(),
        });
    }
    for t in &mut found {
        let out = client
            .list_tags_for_resource()
            .resource_arn(&t.arn)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore ListTagsForResource", &e)))?;
        t.keys = out.tags().map(|tags| tags.keys().cloned().collect()).unwrap_or_default();
    }
    Ok(found)
}

/// How many of the service's workloads (AgentCore runtimes, ECS services) are in scope.
pub async fn workloads(ctx: &Ctx) -> Result<usize, Verdict> {
    let runtimes = or_none(runtimes(&client(ctx), ctx).await)?.len();
    Ok(runtimes + or_none(super::super::ecs::services(ctx).await)?.len())
}
