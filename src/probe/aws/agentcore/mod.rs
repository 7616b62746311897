//! Bedrock AgentCore: the service itself. Its runtimes (inbound authorizer, network mode,
//! lifecycle, environment, versions and endpoints), its gateways (authorizer) and its memories
//! (encryption, event expiry), found by the target's names or ARNs, else by the name prefix.
//!
//! Runtime and memory names allow no `-` (letters, digits and `_`): a prefix matches them with
//! its `-` read as `_`, so `agent-` finds the runtime `agent_api` as well as the gateway
//! `agent-gw`.

mod found;

pub(super) use found::tag_keys;
use found::{client, gateways, memories, runtimes};
pub use found::{role_arns, workloads};

use super::describe;
use super::scope::or_none;
use crate::probe::ctx::Ctx;
use crate::probe::evidence::{finding, listed, phrases};
use crate::probe::kind::{Judged, Kind, Param, ParamType, flag, int, judged, list, text};
use crate::probe::{Outcome, Verdict};
use aws_sdk_bedrockagentcorecontrol::Client;
use aws_sdk_bedrockagentcorecontrol::operation::get_agent_runtime::GetAgentRuntimeOutput;
use aws_sdk_bedrockagentcorecontrol::types::{
    AgentRuntimeStatus, AuthorizerConfiguration, AuthorizerType, GatewayStatus, MemoryStatus, NetworkMode,
};

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "bedrock-agentcore:ListAgentRuntimes",
    "bedrock-agentcore:GetAgentRuntime",
    "bedrock-agentcore:GetAgentRuntimeEndpoint",
    "bedrock-agentcore:ListAgentRuntimeVersions",
    "bedrock-agentcore:ListGateways",
    "bedrock-agentcore:GetGateway",
    "bedrock-agentcore:ListMemories",
    "bedrock-agentcore:GetMemory",
    "bedrock-agentcore:ListTagsForResource",
];

pub const AUTHORIZER: Kind = Kind::aws(
    "aws.agentcore.authorizer",
    "AgentCore GetAgentRuntime and ListGateways: every runtime in scope takes only authenticated \
     calls (IAM SigV4, or a custom JWT authorizer with an https discovery URL and allowed \
     audiences or clients), and no gateway in scope has the authorizer type NONE.",
    |ctx, _| judged(async move { authorizer(&client(&ctx), &ctx).await }),
)
.meaning(
    "every runtime and gateway in scope refuses unauthenticated calls",
    "what an authenticated caller may do, or the identity provider's own settings",
);

pub const NETWORK: Kind = Kind::aws(
    "aws.agentcore.network",
    "AgentCore GetAgentRuntime: every runtime in scope runs in VPC network mode with subnets and \
     security groups (PUBLIC mode fails); in the ec2 build, none of those subnets is public \
     (EC2 DescribeSubnets and DescribeRouteTables).",
    |ctx, _| judged(async move { network(&client(&ctx), &ctx).await }),
)
.meaning(
    "every runtime in scope runs in the VPC (in private subnets, in the ec2 build)",
    "without the ec2 build, whether those subnets are private",
);

pub const LIFECYCLE: Kind = Kind::aws(
    "aws.agentcore.lifecycle",
    "AgentCore GetAgentRuntime: every runtime in scope sets its session lifecycle: an idle session \
     timeout of at most max_idle_minutes (default 15) and a maximum session lifetime of at most \
     max_lifetime_hours (default 8). Unset, AgentCore's defaults apply and nobody chose them.",
    |ctx, p| {
        let bounds = (int(&p, "max_idle_minutes", 15) * 60, int(&p, "max_lifetime_hours", 8) * 3600);
        judged(async move { lifecycle(&client(&ctx), &ctx, bounds).await })
    },
)
.with_params(&[
    Param {
        name: "max_idle_minutes",
        ty: ParamType::Count,
        doc: "longest idle session timeout (default 15)",
    },
    Param { name: "max_lifetime_hours", ty: ParamType::Count, doc: "longest session lifetime (default 8)" },
])
.meaning("every runtime in scope ends idle and old sessions within the bounds", "how tokens are rotated");

pub const ENVIRONMENT: Kind = Kind::aws(
    "aws.agentcore.environment",
    "AgentCore GetAgentRuntime: every runtime in scope is given each required variable (names, \
     default: env_vars in the target), and no value looks like a credential (values are never \
     shown or saved).",
    |ctx, p| {
        let names = list(&p, "names");
        judged(async move { environment(&client(&ctx), &ctx, names).await })
    },
)
.with_params(&[Param { name: "names", ty: ParamType::StrList, doc: "variable names" }])
.meaning(
    "the runtimes are given the named variables, with no credential in plain text",
    "that the values are right",
);

pub const READY: Kind = Kind::aws(
    "aws.agentcore.ready",
    "AgentCore GetAgentRuntime, ListGateways and GetMemory: every runtime and gateway in scope is \
     READY and every memory ACTIVE.",
    |ctx, _| judged(async move { ready(&client(&ctx), &ctx).await }),
)
.meaning("the service's runtimes, gateways and memories are up", "that they answer requests");

pub const ROLLBACK: Kind = Kind::aws(
    "aws.agentcore.rollback",
    "AgentCore GetAgentRuntimeEndpoint and ListAgentRuntimeVersions: every runtime in scope has \
     the endpoint `endpoint` (default production) pointing at a pinned version, and an earlier \
     version exists to go back to.",
    |ctx, p| {
        let endpoint = text(&p, "endpoint", "production").to_string();
        judged(async move { rollback(&client(&ctx), &ctx, &endpoint).await })
    },
)
.with_params(&[Param { name: "endpoint", ty: ParamType::Str, doc: "the production endpoint's name" }])
.meaning(
    "production is pinned to a version and an earlier one exists",
    "that the earlier version still works with today's data",
);

pub const MEMORY: Kind = Kind::aws(
    "aws.agentcore.memory",
    "AgentCore ListMemories and GetMemory: every memory in scope keeps events at most max_days \
     (default 90) and, with require_kms, is encrypted with a customer KMS key.",
    |ctx, p| {
        let (max_days, kms) = (int(&p, "max_days", 90), flag(&p, "require_kms"));
        judged(async move { memory(&client(&ctx), &ctx, max_days, kms).await })
    },
)
.with_params(&[
    Param { name: "max_days", ty: ParamType::Days, doc: "longest event expiry (default 90)" },
    Param { name: "require_kms", ty: ParamType::Bool, doc: "a customer KMS key is required" },
])
.meaning("memories in scope forget events in time (and use the team's key)", "what the agent writes to them");

pub const LOG_LEVEL: Kind = Kind::aws(
    "aws.agentcore.log-level",
    "AgentCore GetAgentRuntime: every runtime in scope sets its log level variable (variable, \
     default LOG_LEVEL) to a production level: not DEBUG or TRACE, which log prompts and payloads.",
    |ctx, p| {
        let variable = text(&p, "variable", "LOG_LEVEL").to_string();
        judged(async move { log_level(&client(&ctx), &ctx, &variable).await })
    },
)
.with_params(&[Param {
    name: "variable",
    ty: ParamType::Str,
    doc: "the log level variable (default LOG_LEVEL)",
}])
.meaning("every runtime in scope logs at a production level", "that DEBUG can be turned on when needed");

pub const GATEWAY_EXCEPTIONS: Kind = Kind::aws(
    "aws.agentcore.gateway-exceptions",
    "AgentCore GetGateway: no gateway in scope returns DEBUG exception details to callers (they can \
     carry the request's content and internal errors).",
    |ctx, _| judged(async move { gateway_exceptions(&client(&ctx), &ctx).await }),
)
.meaning(
    "no gateway in scope sends debug error details back to callers",
    "what the application itself logs: read its logs",
);

fn runtime_name(r: &GetAgentRuntimeOutput) -> &str {
    r.agent_runtime_name()
}

pub async fn authorizer(client: &Client, ctx: &Ctx) -> Judged {
    let runtimes = or_none(runtimes(client, ctx).await)?;
    let gateways = or_none(gateways(client, ctx).await)?;
    if runtimes.is_empty() && gateways.is_empty() {
        return Err(super::nothing_in_scope(&ctx.target, "AgentCore runtimes or gateways", "agent_runtimes"));
    }
    let mut evidence = Vec::new();
    let mut open = Vec::new();
    for r in &runtimes {
        let (ok, detail) = match r.authorizer_configuration() {
            None => (true, "IAM (SigV4): no JWT authorizer".to_string()),
            Some(AuthorizerConfiguration::CustomJwtAuthorizer(jwt)) => {
                let https = jwt.discovery_url().starts_with("https://");
                let who = !jwt.allowed_audience().is_empty() || !jwt.allowed_clients().is_empty();
                let detail = format!(
                    "custom JWT, discovery {}, {} audiences, {} clients",
                    jwt.discovery_url(),
                    jwt.allowed_audience().len(),
                    jwt.allowed_clients().len()
                );
                (https && who, detail)
            }
            Some(_) => (false, "an authorizer this golive does not know".to_string()),
        };
        evidence.push(finding(ok, "runtime", runtime_name(r), detail));
        if !ok {
            open.push(format!("runtime {}", runtime_name(r)));
        }
    }
    for g in &gateways {
        let ok = *g.authorizer_type() != AuthorizerType::None;
        evidence.push(finding(
            ok,
            "gateway",
            g.name(),
            format!("authorizer {}", g.authorizer_type().as_str()),
        ));
        if !ok {
            open.push(format!("gateway {} (authorizer NONE)", g.name()));
        }
    }
    let ok = format!(
        "{} runtimes and {} gateways in scope require authentication",
        runtimes.len(),
        gateways.len()
    );
    Ok(Verdict::unless(&open, Outcome::Fail, ok, "open to unauthenticated calls", evidence))
}

pub async fn network(client: &Client, ctx: &Ctx) -> Judged {
    let runtimes = runtimes(client, ctx).await?;
    let mut evidence = Vec::new();
    let mut public = Vec::new();
    for r in &runtimes {
        let net = r.network_configuration();
        let vpc = net.and_then(|n| n.network_mode_config());
        let (subnets, groups) = vpc.map_or((0, 0), |v| (v.subnets().len(), v.security_groups().len()));
        let in_vpc = net.is_some_and(|n| *n.network_mode() == NetworkMode::Vpc) && subnets > 0 && groups > 0;
        let mode = net.map_or("none", |n| n.network_mode().as_str());
        let mut detail = format!("network mode {mode}, {subnets} subnets, {groups} security groups");
        // In the ec2 build the subnets themselves are judged: a VPC runtime in a public subnet is
        // not private.
        let exposed = public_of(ctx, vpc.map(|v| v.subnets()).unwrap_or_default()).await?;
        if !exposed.is_empty() {
            detail.push_str(&format!("; public subnets: {}", exposed.join(", ")));
        }
        let ok = in_vpc && exposed.is_empty();
        evidence.push(finding(ok, "runtime", runtime_name(r), detail));
        if !ok {
            public.push(runtime_name(r));
        }
    }
    let ok = format!("all {} runtimes in scope run in the VPC", runtimes.len());
    Ok(Verdict::unless(&public, Outcome::Fail, ok, "not in private VPC subnets", evidence))
}

pub async fn lifecycle(client: &Client, ctx: &Ctx, (max_idle, max_life): (i64, i64)) -> Judged {
    let runtimes = runtimes(client, ctx).await?;
    let mut evidence = Vec::new();
    let mut wrong = Vec::new();
    for r in &runtimes {
        let l = r.lifecycle_configuration();
        let (idle, life) =
            (l.and_then(|l| l.idle_runtime_session_timeout()), l.and_then(|l| l.max_lifetime()));
        let mut why = Vec::new();
        match idle.map(i64::from) {
            None => why.push("idle timeout not set".to_string()),
            Some(s) if s > max_idle => why.push(format!("idle timeout {s} s over {max_idle} s")),
            Some(_) => {}
        }
        match life.map(i64::from) {
            None => why.push("maximum lifetime not set".to_string()),
            Some(s) if s > max_life => why.push(format!("maximum lifetime {s} s over {max_life} s")),
            Some(_) => {}
        }
        let shown = |v: Option<i32>| v.map_or("unset".to_string(), |s| format!("{s} s"));
        let detail = format!("idle timeout {}, maximum lifetime {}", shown(idle), shown(life));
        evidence.push(finding(why.is_empty(), "runtime", runtime_name(r), detail));
        if !why.is_empty() {
            wrong.push(format!("{}: {}", runtime_name(r), why.join(", ")));
        }
    }
    if wrong.is_empty() {
        let ok = format!(
            "all {} runtimes end idle sessions within {max_idle} s and every session within {max_life} s",
            runtimes.len()
        );
        Ok(Verdict::new(Outcome::Pass, ok, evidence))
    } else {
        Ok(Verdict::new(Outcome::Fail, phrases(&wrong), evidence))
    }
}

pub async fn environment(client: &Client, ctx: &Ctx, names: Vec<String>) -> Judged {
    let names = super::variables::required(ctx, names)?;
    let runtimes = runtimes(client, ctx).await?;
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    for r in &runtimes {
        let plain = r.environment_variables().into_iter().flatten().map(|(k, v)| (k.as_str(), v.as_str()));
        let given = super::variables::Given { plain: plain.collect(), secrets: vec![] };
        let judged = super::variables::judge(&names, &given);
        evidence.push(finding(judged.ok(), "runtime", runtime_name(r), judged.detail(names.len())));
        problems.extend(judged.problems(runtime_name(r)));
    }
    if problems.is_empty() {
        let ok = format!("all {} runtimes are given {}", runtimes.len(), listed(&names));
        Ok(Verdict::new(Outcome::Pass, ok, evidence))
    } else {
        Ok(Verdict::new(Outcome::Fail, phrases(&problems), evidence))
    }
}

pub async fn ready(client: &Client, ctx: &Ctx) -> Judged {
    let runtimes = or_none(runtimes(client, ctx).await)?;
    let gateways = or_none(gateways(client, ctx).await)?;
    let memories = or_none(memories(client, ctx).await)?;
    if runtimes.is_empty() && gateways.is_empty() && memories.is_empty() {
        return Err(super::nothing_in_scope(&ctx.target, "AgentCore resources", "agent_runtimes"));
    }
    let mut evidence = Vec::new();
    let mut down = Vec::new();
    for r in &runtimes {
        let ok = *r.status() == AgentRuntimeStatus::Ready;
        evidence.push(finding(ok, "runtime", runtime_name(r), r.status().as_str()));
        if !ok {
            down.push(format!("runtime {} is {}", runtime_name(r), r.status().as_str()));
        }
    }
    for g in &gateways {
        let ok = *g.status() == GatewayStatus::Ready;
        evidence.push(finding(ok, "gateway", g.name(), g.status().as_str()));
        if !ok {
            down.push(format!("gateway {} is {}", g.name(), g.status().as_str()));
        }
    }
    for m in &memories {
        let ok = *m.status() == MemoryStatus::Active;
        evidence.push(finding(ok, "memory", m.name(), m.status().as_str()));
        if !ok {
            down.push(format!("memory {} is {}", m.name(), m.status().as_str()));
        }
    }
    let ok = format!(
        "{} runtimes and {} gateways READY, {} memories ACTIVE",
        runtimes.len(),
        gateways.len(),
        memories.len()
    );
    Ok(Verdict::unless(&down, Outcome::Fail, ok, "not ready", evidence))
}

pub async fn rollback(client: &Client, ctx: &Ctx, endpoint: &str) -> Judged {
    let runtimes = runtimes(client, ctx).await?;
    let mut evidence = Vec::new();
    let mut wrong = Vec::new();
    for r in &runtimes {
        let id = r.agent_runtime_id();
        let prod = match client
            .get_agent_runtime_endpoint()
            .agent_runtime_id(id)
            .endpoint_name(endpoint)
            .send()
            .await
        {
            Ok(o) => Some(o),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => None,
            Err(e) => return Err(Verdict::error(describe("AgentCore GetAgentRuntimeEndpoint", &e))),
        };
        let versions: Vec<_> = client
            .list_agent_runtime_versions()
            .agent_runtime_id(id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore ListAgentRuntimeVersions", &e)))?;
        let number = |v: &str| v.parse::<u64>().unwrap_or(0);
        let pinned = prod.as_ref().and_then(|e| e.live_version()).map(str::to_string);
        let earlier = pinned
            .as_deref()
            .map_or(0, |p| versions.iter().filter(|v| number(v.agent_runtime_version()) < number(p)).count());
        let detail = match (&pinned, &prod) {
            (None, None) => format!("no endpoint {endpoint} ({} versions)", versions.len()),
            (None, Some(_)) => format!("endpoint {endpoint} has no live version"),
            (Some(v), _) => format!("endpoint {endpoint} on version {v}, {earlier} earlier versions"),
        };
        let ok = pinned.is_some() && earlier > 0;
        evidence.push(finding(ok, "runtime", runtime_name(r), detail.clone()));
        if !ok {
            wrong.push(format!("{}: {detail}", runtime_name(r)));
        }
    }
    if wrong.is_empty() {
        let ok = format!(
            "all {} runtimes serve {endpoint} from a pinned version with an earlier one to go back to",
            runtimes.len()
        );
        Ok(Verdict::new(Outcome::Pass, ok, evidence))
    } else {
        Ok(Verdict::new(Outcome::Fail, phrases(&wrong), evidence))
    }
}

pub async fn memory(client: &Client, ctx: &Ctx, max_days: i64, require_kms: bool) -> Judged {
    let memories = memories(client, ctx).await?;
    if memories.is_empty() {
        return Err(super::nothing_in_scope(&ctx.target, "AgentCore memories", "memories"));
    }
    let mut evidence = Vec::new();
    let mut wrong = Vec::new();
    for m in &memories {
        let days = i64::from(m.event_expiry_duration());
        let key = m.encryption_key_arn();
        let mut why = Vec::new();
        if days > max_days {
            why.push(format!("keeps events {days} days (at most {max_days})"));
        }
        if require_kms && key.is_none() {
            why.push("no customer KMS key".to_string());
        }
        let detail = format!(
            "events expire after {days} days, {}",
            key.map_or("AWS owned key".to_string(), |k| format!("KMS key {k}"))
        );
        evidence.push(finding(why.is_empty(), "memory", m.name(), detail));
        if !why.is_empty() {
            wrong.push(format!("{} {}", m.name(), why.join(", ")));
        }
    }
    if wrong.is_empty() {
        Ok(Verdict::new(
            Outcome::Pass,
            format!("all {} memories expire events within {max_days} days", memories.len()),
            evidence,
        ))
    } else {
        Ok(Verdict::new(Outcome::Fail, phrases(&wrong), evidence))
    }
}

pub async fn log_level(client: &Client, ctx: &Ctx, variable: &str) -> Judged {
    let runtimes = runtimes(client, ctx).await?;
    let mut evidence = Vec::new();
    let mut wrong = Vec::new();
    for r in &runtimes {
        let level = r.environment_variables().and_then(|e| e.get(variable)).filter(|v| !v.is_empty());
        let ok = level.is_some_and(|l| !["debug", "trace"].contains(&l.to_ascii_lowercase().as_str()));
        let detail = level.map_or(format!("{variable} not set"), |l| format!("{variable}={l}"));
        evidence.push(finding(ok, "runtime", runtime_name(r), detail.clone()));
        if !ok {
            wrong.push(format!("{}: {detail}", runtime_name(r)));
        }
    }
    let ok = format!("all {} runtimes log at a production level", runtimes.len());
    Ok(Verdict::unless(&wrong, Outcome::Fail, ok, "not a production log level", evidence))
}

pub async fn gateway_exceptions(client: &Client, ctx: &Ctx) -> Judged {
    let gateways = gateways(client, ctx).await?;
    if gateways.is_empty() {
        return Err(super::nothing_in_scope(&ctx.target, "AgentCore gateways", "gateways"));
    }
    let mut evidence = Vec::new();
    let mut debug = Vec::new();
    for g in &gateways {
        let out = client
            .get_gateway()
            .gateway_identifier(g.gateway_id())
            .send()
            .await
            .map_err(|e| Verdict::error(describe("AgentCore GetGateway", &e)))?;
        let level = out.exception_level().map(|l| l.as_str().to_string());
        let ok = level.as_deref().is_none_or(|l| !l.eq_ignore_ascii_case("DEBUG"));
        let detail = level.map_or("exception level not set (generic errors)".to_string(), |l| {
            format!("exception level {l}")
        });
        evidence.push(finding(ok, "gateway", g.name(), detail));
        if !ok {
            debug.push(g.name());
        }
    }
    let ok = format!("no gateway of {} in scope returns DEBUG error details", gateways.len());
    Ok(Verdict::unless(&debug, Outcome::Fail, ok, "DEBUG error details returned to callers", evidence))
}

#[cfg(feature = "ec2")]
async fn public_of(ctx: &Ctx, subnets: &[String]) -> Result<Vec<String>, Verdict> {
    if subnets.is_empty() {
        return Ok(vec![]);
    }
    let public = super::ec2::public_subnets(ctx, subnets).await?;
    Ok(public.into_iter().map(|(id, why)| format!("{id} ({})", why.join(", "))).collect())
}

/// Without EC2 the subnets are known by id only: their privacy is the ec2 check's.
#[cfg(not(feature = "ec2"))]
async fn public_of(_: &Ctx, _: &[String]) -> Result<Vec<String>, Verdict> {
    Ok(vec![])
}
