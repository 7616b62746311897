//! CloudWatch Logs: retention on every log group in scope, and structured (JSON) log events.

use super::scope::scope_tagged;
use super::{describe, nothing_in_scope, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::{finding, listed};
use crate::probe::kind::{Judged, Kind, Param, ParamType, judged, text};
use crate::probe::{Outcome, Verdict};
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::OrderBy;
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] =
    &["logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:ListTagsForResource"];

pub const RETENTION: Kind = Kind::aws(
    "aws.logs.retention",
    "CloudWatch Logs DescribeLogGroups: every log group in scope has a retention setting (never \
     'never expire').",
    |ctx, _| judged(retention(ctx)),
)
.meaning("every log group in scope has a retention period", "whether the period matches policy");

pub const STRUCTURED: Kind = Kind::aws(
    "aws.logs.structured",
    "CloudWatch Logs DescribeLogStreams (newest first) and GetLogEvents (newest first): the newest \
     events (up to 50 from the 3 most recently written streams of each log group in scope, within \
     24 hours) are JSON objects carrying the request id field (default request_id). No recent \
     event is undecided.",
    |ctx, p| {
        let field = text(&p, "field", "request_id").to_string();
        judged(async move {
            structured(
                &crate::aws_client!(aws_sdk_cloudwatchlogs, "logs", &session(&ctx).config),
                &ctx,
                &field,
            )
            .await
        })
    },
)
.with_params(&[Param {
    name: "field",
    ty: ParamType::Str,
    doc: "the request id field every event must carry",
}])
.meaning("recent events in scope are JSON with the named field", "every event, or the other fields");

/// Log groups in scope with their retention in days.
async fn groups(ctx: &Ctx, client: &Client) -> Result<Vec<(String, Option<i32>)>, Verdict> {
    ctx.shared("logs.groups", || list_groups(ctx, client)).await
}

async fn list_groups(ctx: &Ctx, client: &Client) -> Result<Vec<(String, Option<i32>)>, Verdict> {
    super::scope::required(ctx, &ctx.target.log_groups, "log groups", "log_groups")?;
    let mut found = Vec::new();
    let mut arns = std::collections::HashMap::new();
    let mut token = None;
    loop {
        let out = client
            .describe_log_groups()
            .set_log_group_name_prefix(
                ctx.target.name_prefix.clone().filter(|_| ctx.target.log_groups.is_empty()),
            )
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch Logs DescribeLogGroups", &e)))?;
        found.extend(
            out.log_groups()
                .iter()
                .filter_map(|g| Some((g.log_group_name()?.to_string(), g.retention_in_days()))),
        );
        arns.extend(
            out.log_groups()
                .iter()
                .filter_map(|g| Some((g.log_group_name()?.to_string(), g.log_group_arn()?.to_string()))),
        );
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let discovered = found.iter().map(|(n, _)| n.clone()).collect();
    let arn_of = |n: &str| arns.get(n).cloned().unwrap_or_default();
    let names = scope_tagged(ctx, &ctx.target.log_groups, discovered, arn_of).await?;
    let mut scoped = Vec::new();
    for n in names {
        match found.iter().find(|(g, _)| *g == n) {
            Some(g) => scoped.push(g.clone()),
            None => {
                return Err(Verdict::new(
                    Outcome::Fail,
                    format!("log group {n} (named in the target) does not exist"),
                    vec![],
                ));
            }
        }
    }
    if scoped.is_empty() {
        return Err(nothing_in_scope(&ctx.target, "log groups", "log_groups"));
    }
    Ok(scoped)
}

async fn retention(ctx: Arc<Ctx>) -> Judged {
    let client = crate::aws_client!(aws_sdk_cloudwatchlogs, "logs", &session(&ctx).config);
    let groups = groups(&ctx, &client).await?;
    let evidence: Vec<String> = groups
        .iter()
        .map(|(n, d)| match d {
            Some(d) => finding(true, "log group", n, format!("retention {d} days")),
            None => finding(false, "log group", n, "never expires"),
        })
        .collect();
    let forever: Vec<&str> = groups.iter().filter(|(_, d)| d.is_none()).map(|(n, _)| n.as_str()).collect();
    if forever.is_empty() {
        Ok(Verdict::new(
            Outcome::Pass,
            format!("retention set on all {} log groups in scope", groups.len()),
            evidence,
        ))
    } else {
        Ok(Verdict::new(
            Outcome::Fail,
            format!("{} of {} log groups never expire: {}", forever.len(), groups.len(), listed(&forever)),
            evidence,
        ))
    }
}

/// How many streams, and events of each, the newest sample takes.
const STREAMS: i32 = 3;
const EVENTS: i32 = 50;
const PAGES: usize = 10;

/// The newest events of a log group within `since` (ms): from its most recently written streams,
/// newest first, so a change of format at the last deploy is what is seen.
async fn newest_events(client: &Client, group: &str, since: i64) -> Result<Vec<(String, String)>, Verdict> {
    let streams = client
        .describe_log_streams()
        .log_group_name(group)
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .limit(STREAMS)
        .send()
        .await
        .map_err(|e| Verdict::error(describe("CloudWatch Logs DescribeLogStreams", &e)))?;
    let mut events = Vec::new();
    for stream in streams.log_streams() {
        let Some(name) = stream.log_stream_name() else { continue };
        if stream.last_event_timestamp().is_some_and(|t| t < since) {
            continue;
        }
        // A page may hold fewer events than asked, even none, while older ones remain: follow the
        // backward token until the sample is full or the token stops changing (the stream's start).
        let mut token: Option<String> = None;
        let mut taken = 0;
        // Bounded: an endpoint that keeps answering empty pages with new tokens cannot hold the
        // probe.
        for _ in 0..PAGES {
            let out = client
                .get_log_events()
                .log_group_name(group)
                .log_stream_name(name)
                .start_from_head(false)
                .start_time(since)
                .limit(EVENTS - taken)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| Verdict::error(describe("CloudWatch Logs GetLogEvents", &e)))?;
            taken += out.events().len() as i32;
            events.extend(
                out.events().iter().map(|e| (name.to_string(), e.message().unwrap_or("").to_string())),
            );
            let next = out.next_backward_token().map(str::to_string);
            if taken >= EVENTS || next.is_none() || next == token {
                break;
            }
            token = next;
        }
    }
    Ok(events)
}

pub async fn structured(client: &Client, ctx: &Ctx, field: &str) -> Judged {
    let groups = groups(ctx, client).await?;
    let since = chrono::Utc::now().timestamp_millis() - 24 * 3600 * 1000;
    let mut evidence = Vec::new();
    let (mut seen, mut bad) = (0, Vec::new());
    for (group, _) in &groups {
        let events = newest_events(client, group, since).await?;
        let unstructured: Vec<&(String, String)> =
            events.iter().filter(|(_, m)| !has_field(m, field)).collect();
        seen += events.len();
        evidence.push(finding(
            unstructured.is_empty(),
            "log group",
            group,
            format!("{} newest events, {} not JSON with {field}", events.len(), unstructured.len()),
        ));
        if let Some((stream, message)) = unstructured.first() {
            let sample: String = message.chars().take(80).collect();
            evidence.push(format!("  e.g. stream {stream}: {sample}"));
            bad.push(group.as_str());
        }
    }
    if seen == 0 {
        // Nothing read is nothing judged.
        return Ok(Verdict::new(
            Outcome::Error,
            format!("undecided: no log events in the last 24 hours in {} log groups", groups.len()),
            evidence,
        ));
    }
    if bad.is_empty() {
        Ok(Verdict::new(Outcome::Pass, format!("all {seen} newest events are JSON with {field}"), evidence))
    } else {
        Ok(Verdict::new(Outcome::Fail, format!("unstructured events in {}", listed(&bad)), evidence))
    }
}

fn has_field(message: &str, field: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(message)
        .is_ok_and(|v| v.get(field).is_some_and(|f| !f.is_null()))
}

/// The log groups in scope with their tag keys, for the cost allocation check.
pub(super) async fn tag_keys(ctx: &Ctx) -> Result<Vec<super::scope::Tagged>, Verdict> {
    let client = crate::aws_client!(aws_sdk_cloudwatchlogs, "logs", &session(ctx).config);
    let mut out = Vec::new();
    for (name, _) in groups(ctx, &client).await? {
        let arn = super::arn(ctx, "logs", &format!("log-group:{name}"));
        let tags = client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch Logs ListTagsForResource", &e)))?;
        let keys = tags.tags().map(|t| t.keys().cloned().collect()).unwrap_or_default();
        out.push(super::scope::Tagged { noun: "log group", name, arn, keys });
    }
    Ok(out)
}
