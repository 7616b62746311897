//! Bedrock: provisioned throughput (reserved capacity, for information) and guardrails (content
//! filtering). moto implements neither call: these probes are tested with recorded responses.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::{Outcome, Verdict};
use aws_sdk_bedrock::Client;
use aws_sdk_bedrock::types::GuardrailStatus;

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

fn client(ctx: &Ctx) -> Client {
    Client::new(&session(ctx).config)
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
