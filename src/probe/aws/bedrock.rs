//! Bedrock: provisioned throughput (reserved capacity, for information), guardrails (content
//! filtering) and model invocation logging (whether prompts are logged). moto implements only the
//! last: the others are tested with recorded responses.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::{Outcome, Verdict};
use aws_sdk_bedrock::Client;
use aws_sdk_bedrock::types::GuardrailStatus;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "bedrock:GetModelInvocationLoggingConfiguration",
    "bedrock:ListProvisionedModelThroughputs",
    "bedrock:ListGuardrails",
    "bedrock:GetGuardrail",
];

pub const PROVISIONED: Kind = Kind::aws(
    "aws.bedrock.provisioned-throughput",
    "Bedrock ListProvisionedModelThroughputs: lists provisioned throughput in the region with model \
     units and status, for information: pass when some exists, warn (never fail) when all use is \
     on demand.",
    |ctx, _| Box::pin(async move { provisioned(&client(&ctx)).await }),
)
.meaning("provisioned throughput exists (for information)", "whether reserving capacity pays off");

pub const GUARDRAILS: Kind = Kind::aws(
    "aws.bedrock.guardrails",
    "Bedrock ListGuardrails and GetGuardrail: at least one guardrail in scope (name prefix narrows) \
     is READY and filters content (content filters set); whether the agent applies it on every call \
     is for a person to confirm.",
    |ctx, _| Box::pin(async move { guardrails(&client(&ctx), &ctx).await }),
)
.meaning("a guardrail in scope is READY with content filters", "that the agent applies it on every call");

pub const INVOCATION_LOGGING: Kind = Kind::aws(
    "aws.bedrock.invocation-logging",
    "Bedrock GetModelInvocationLoggingConfiguration: model invocation logging in the region does not \
     deliver the text of prompts and responses (textDataDeliveryEnabled), which would copy users' \
     words into S3 or CloudWatch Logs. No invocation logging, or logging without text, passes, \
     when the service (an AgentCore runtime or ECS service in scope) runs there.",
    |ctx, _| {
        Box::pin(async move {
            // The region's setting speaks for the service only where the service runs: with none
            // of it in scope (an empty account) there is nothing to vouch for.
            match super::agentcore::workloads(&ctx).await {
                Ok(0) => super::nothing_in_scope(
                    &ctx.target,
                    "AgentCore runtimes or ECS services",
                    "agent_runtimes",
                ),
                Ok(_) => invocation_logging(&client(&ctx)).await,
                Err(v) => v,
            }
        })
    },
)
.meaning(
    "the region's model invocation logs carry no prompt or response text",
    "what the application logs itself, or other regions",
);

fn client(ctx: &Ctx) -> Client {
    crate::aws_client!(aws_sdk_bedrock, "bedrock", &session(ctx).config)
}

pub async fn provisioned(client: &Client) -> Verdict {
    let mut evidence = Vec::new();
    let mut token = None;
    loop {
        let out = match client.list_provisioned_model_throughputs().set_next_token(token).send().await {
            Ok(o) => o,
            Err(e) => return Verdict::error(describe("Bedrock ListProvisionedModelThroughputs", &e)),
        };
        for p in out.provisioned_model_summaries() {
            evidence.push(format!(
                "{}: {} model units of {}, {}",
                p.provisioned_model_name(),
                p.model_units(),
                p.foundation_model_arn(),
                p.status().as_str()
            ));
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    if evidence.is_empty() {
        return Verdict::new(Outcome::Warn, "no provisioned throughput: all model use is on demand", vec![]);
    }
    Verdict::new(Outcome::Pass, format!("{} provisioned throughputs", evidence.len()), evidence)
}

pub async fn guardrails(client: &Client, ctx: &Ctx) -> Verdict {
    if let Err(v) = super::scope::required(ctx, &[], "Bedrock guardrails", "") {
        return v;
    }
    let prefix = ctx.target.name_prefix.as_deref().unwrap_or("");
    let listed: Vec<_> = match client.list_guardrails().into_paginator().items().send().collect().await {
        Ok(l) => l,
        Err(e) => return Verdict::error(describe("Bedrock ListGuardrails", &e)),
    };
    let found: Vec<_> = listed.into_iter().filter(|g| g.name().starts_with(prefix)).collect();
    if found.is_empty() {
        return Verdict::new(Outcome::Fail, ctx.target.scope_words("Bedrock guardrails"), vec![]);
    }
    let mut evidence = Vec::new();
    let mut working = Vec::new();
    for g in &found {
        let line =
            format!("guardrail {} ({}): version {}, {}", g.name(), g.id(), g.version(), g.status().as_str());
        if *g.status() != GuardrailStatus::Ready {
            evidence.push(line);
            continue;
        }
        // A guardrail that exists but filters nothing guards nothing.
        let out = match client
            .get_guardrail()
            .guardrail_identifier(g.id())
            .guardrail_version(g.version())
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => return Verdict::error(describe("Bedrock GetGuardrail", &e)),
        };
        let filters: Vec<String> = out
            .content_policy()
            .map(|c| {
                c.filters()
                    .iter()
                    .map(|f| format!("{} {}", f.r#type().as_str(), f.input_strength().as_str()))
                    .collect()
            })
            .unwrap_or_default();
        if filters.is_empty() {
            evidence.push(format!("{line}, no content filters"));
        } else {
            evidence.push(format!("{line}, content filters {}", filters.join(", ")));
            working.push(g.name());
        }
    }
    if working.is_empty() {
        let names: Vec<&str> = found.iter().map(|g| g.name()).collect();
        return Verdict::new(
            Outcome::Fail,
            format!("no guardrail is READY with content filters: {}", names.join(", ")),
            evidence,
        );
    }
    Verdict::new(Outcome::Pass, format!("READY with content filters: {}", working.join(", ")), evidence)
}

pub async fn invocation_logging(client: &Client) -> Verdict {
    let out = match client.get_model_invocation_logging_configuration().send().await {
        Ok(o) => o,
        Err(e) => return Verdict::error(describe("Bedrock GetModelInvocationLoggingConfiguration", &e)),
    };
    let Some(config) = out.logging_config() else {
        return Verdict::new(Outcome::Pass, "no model invocation logging in this region", vec![]);
    };
    let mut places = Vec::new();
    if let Some(cw) = config.cloud_watch_config() {
        places.push(format!("CloudWatch Logs {}", cw.log_group_name()));
    }
    if let Some(s3) = config.s3_config() {
        places.push(format!("S3 {}", s3.bucket_name()));
    }
    // A configuration with no destination logs nothing.
    if places.is_empty() {
        return Verdict::new(Outcome::Pass, "no model invocation logging in this region", vec![]);
    }
    let evidence = vec![format!(
        "invocation logging to {}: text {}",
        places.join(", "),
        if config.text_data_delivery_enabled() == Some(true) { "delivered" } else { "not delivered" }
    )];
    if config.text_data_delivery_enabled() == Some(true) {
        Verdict::new(
            Outcome::Fail,
            format!("model invocation logging delivers prompt and response text to {}", places.join(", ")),
            evidence,
        )
    } else {
        Verdict::new(Outcome::Pass, "model invocation logging delivers no prompt or response text", evidence)
    }
}
