//! X-Ray: traces arrive, and sampling keeps their cost in check.

use super::{describe, session};
use crate::probe::kind::{Kind, Param, ParamType, int};
use crate::probe::{Outcome, Verdict};
use aws_sdk_xray::Client;
use aws_sdk_xray::primitives::DateTime;
use aws_sdk_xray::types::SamplingRule;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["xray:GetTraceSummaries", "xray:GetSamplingRules"];

pub const TRACES: Kind = Kind::aws(
    "aws.xray.traces",
    "X-Ray GetTraceSummaries: traces were recorded in the last `hours` (default 24), so distributed \
     tracing is on.",
    |ctx, p| {
        let hours = int(&p, "hours", 24);
        Box::pin(async move {
            traces(&crate::aws_client!(aws_sdk_xray, "xray", &session(&ctx).config), hours).await
        })
    },
)
.with_params(&[Param { name: "hours", ty: ParamType::Count, doc: "how far back to look (default 24)" }])
.meaning("X-Ray recorded traces in the window", "that the traces come from this service or cover every hop");

pub const SAMPLING: Kind = Kind::aws(
    "aws.xray.sampling",
    "X-Ray GetSamplingRules: the team chose its sampling (a rule beside the built-in Default, or \
     Default changed from 5 % and 1/s), and no rule samples 100 %, so production traffic is not \
     traced in full.",
    |ctx, _| {
        Box::pin(
            async move { sampling(&crate::aws_client!(aws_sdk_xray, "xray", &session(&ctx).config)).await },
        )
    },
)
.meaning("the team chose sampling rules and none traces 100 %", "whether the chosen rate suits the traffic");

pub async fn traces(client: &Client, hours: i64) -> Verdict {
    let now = chrono::Utc::now().timestamp();
    // GetTraceSummaries accepts at most a 6-hour window per call.
    let mut count = 0;
    let mut start = now - hours * 3600;
    while start < now {
        let end = (start + 6 * 3600).min(now);
        let out = match client
            .get_trace_summaries()
            .start_time(DateTime::from_secs(start))
            .end_time(DateTime::from_secs(end))
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => return Verdict::error(describe("X-Ray GetTraceSummaries", &e)),
        };
        count += out.trace_summaries().len();
        start = end;
    }
    let evidence = vec![format!("{count} traces in the last {hours} hours")];
    if count > 0 {
        Verdict::new(Outcome::Pass, format!("{count} traces recorded in the last {hours} hours"), evidence)
    } else {
        Verdict::new(Outcome::Fail, format!("no traces in the last {hours} hours"), evidence)
    }
}

pub async fn sampling(client: &Client) -> Verdict {
    let records: Vec<_> = match client.get_sampling_rules().into_paginator().items().send().collect().await {
        Ok(r) => r,
        Err(e) => return Verdict::error(describe("X-Ray GetSamplingRules", &e)),
    };
    let rules: Vec<SamplingRule> = records.iter().filter_map(|r| r.sampling_rule().cloned()).collect();
    if rules.is_empty() {
        return Verdict::new(Outcome::Fail, "no X-Ray sampling rules", vec![]);
    }
    let evidence = rules
        .iter()
        .map(|r| {
            format!(
                "rule {}: fixed rate {}, reservoir {}/s",
                r.rule_name().unwrap_or("?"),
                r.fixed_rate(),
                r.reservoir_size()
            )
        })
        .collect();
    let full: Vec<&str> =
        rules.iter().filter(|r| r.fixed_rate() >= 1.0).map(|r| r.rule_name().unwrap_or("?")).collect();
    // The rule every account starts with, untouched, is nobody's decision.
    let untouched = |r: &SamplingRule| {
        r.rule_name() == Some("Default") && r.fixed_rate() == 0.05 && r.reservoir_size() == 1
    };
    if full.is_empty() && rules.iter().all(untouched) {
        return Verdict::new(
            Outcome::NeedsConfig,
            "only the built-in Default rule (5 %, 1/s): no sampling was chosen for the service",
            evidence,
        );
    }
    Verdict::unless(
        &full,
        Outcome::Fail,
        format!("{} sampling rules, none at 100 %", rules.len()),
        "sampling 100 %",
        evidence,
    )
}
