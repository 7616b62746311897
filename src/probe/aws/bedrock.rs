//! Bedrock: provisioned throughput (reserved capacity, for information) and guardrails (content
//! filtering). moto implements neither call: these probes are tested with recorded responses.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::{Outcome, Verdict};
use aws_sdk_bedrock::Client;

pub const PROVISIONED: Kind = Kind::aws(
    "aws.bedrock.provisioned-throughput",
    "Bedrock ListProvisionedModelThroughputs: lists provisioned throughput in the region with model \
     units and status, for information: pass when some exists, warn (never fail) when all use is \
     on demand.",
    |ctx, _| Box::pin(async move { provisioned(&client(&ctx)).await }),
);

pub const GUARDRAILS: Kind = Kind::aws(
    "aws.bedrock.guardrails",
    "Bedrock ListGuardrails: at least one guardrail exists in the region (name prefix narrows); \
     whether the agent applies it on every call is for a person to confirm.",
    |ctx, _| Box::pin(async move { guardrails(&client(&ctx), &ctx).await }),
);

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
    let prefix = ctx.target.name_prefix.as_deref().unwrap_or("");
    let mut evidence = Vec::new();
    let mut token = None;
    loop {
        let out = match client.list_guardrails().set_next_token(token).send().await {
            Ok(o) => o,
            Err(e) => return Verdict::error(describe("Bedrock ListGuardrails", &e)),
        };
        for g in out.guardrails().iter().filter(|g| g.name().starts_with(prefix)) {
            evidence.push(format!(
                "guardrail {} ({}): version {}, {}",
                g.name(),
                g.id(),
                g.version(),
                g.status().as_str()
            ));
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    if evidence.is_empty() {
        return Verdict::new(Outcome::Fail, ctx.target.scope_words("Bedrock guardrails"), vec![]);
    }
    Verdict::new(Outcome::Pass, format!("{} guardrails", evidence.len()), evidence)
}
