//! CloudWatch: alarms that page someone, runbooks, dashboards, the service's metrics.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::evidence::finding;
use crate::probe::kind::{Judged, Kind, Param, ParamType, int, judged, list, text};
use crate::probe::{Outcome, Verdict};
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    AlarmType, CompositeAlarm, Dimension, HistoryItemType, MetricAlarm, StateValue, Statistic,
};

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DescribeAlarmHistory",
    "cloudwatch:ListDashboards",
    "cloudwatch:GetDashboard",
    "cloudwatch:ListMetrics",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListTagsForResource",
];

pub const ALARM: Kind = Kind::aws(
    "aws.cloudwatch.alarm",
    "CloudWatch DescribeAlarms: an alarm in scope whose name contains `name` (the seed's \
     HighErrorRate for critical, HighLatency for warning alerts) exists, with actions enabled and \
     at least one alarm action (who gets paged).",
    |ctx, p| {
        let name = text(&p, "name", "HighErrorRate").to_string();
        judged(async move { alarm(&client(&ctx), &ctx, &name).await })
    },
)
.with_params(&[Param { name: "name", ty: ParamType::Str, doc: "part of the alarm's name, any case" }])
.meaning(
    "an alarm named like this has an enabled action",
    "that the action pages a person, or the alarm's threshold",
);

pub const RUNBOOKS: Kind = Kind::aws(
    "aws.cloudwatch.runbooks",
    "CloudWatch DescribeAlarms: every alarm in scope links a runbook (an http(s) URL) in its description.",
    |ctx, _| judged(async move { runbooks(&client(&ctx), &ctx).await }),
)
.meaning("every alarm in scope links a runbook", "that the runbook is current or works");

pub const TESTED: Kind = Kind::aws(
    "aws.cloudwatch.alarms-tested",
    "CloudWatch DescribeAlarms and DescribeAlarmHistory: every alarm in scope has been in ALARM at \
     least once (is now, or its state history says so), so it is known to fire.",
    |ctx, _| judged(async move { tested(&client(&ctx), &ctx).await }),
)
.meaning("every alarm in scope has been in ALARM at least once", "that its action reached anyone");

pub const ACTIVE: Kind = Kind::aws(
    "aws.cloudwatch.monitoring-active",
    "CloudWatch DescribeAlarms, ListDashboards and GetDashboard: alarms in scope exist, each with \
     actions enabled and an alarm action (someone is told) and none in INSUFFICIENT_DATA, and at \
     least one dashboard in scope shows widgets.",
    |ctx, _| judged(async move { active(&client(&ctx), &ctx).await }),
)
.meaning(
    "alarms in scope act, have data, and a dashboard shows widgets",
    "whether the alarms and dashboards cover what matters",
);

pub const DASHBOARDS: Kind = Kind::aws(
    "aws.cloudwatch.dashboards",
    "CloudWatch ListDashboards and GetDashboard: at least one dashboard in scope (name_prefix), \
     and every one in scope shows at least one widget.",
    |ctx, _| judged(async move { dashboards(&client(&ctx), &ctx).await }),
)
.meaning("every dashboard in scope shows widgets", "which metrics they show");

pub const METRICS: Kind = Kind::aws(
    "aws.cloudwatch.metrics",
    "CloudWatch ListMetrics in the target's metrics_namespace: every metric named in `metrics` \
     exists (the seed's REQUIRED_METRICS).",
    |ctx, p| {
        let names = list(&p, "metrics");
        judged(async move { metrics(&client(&ctx), &ctx, &names).await })
    },
)
.with_params(&[Param { name: "metrics", ty: ParamType::StrList, doc: "metric names that must exist" }])
.meaning("the named metrics exist in the namespace", "recent data or their dimensions");

pub const BASELINE: Kind = Kind::aws(
    "aws.cloudwatch.baseline",
    "CloudWatch ListMetrics and GetMetricStatistics: the key metric (`metric`, default \
     requests_total) in the target's metrics_namespace, read with each of its dimension sets (up \
     to 10), has datapoints on at least `days` of the past 7 days (default 1); the result records \
     the week's p50 and p95 of the busiest set as the baseline.",
    |ctx, p| {
        let metric = text(&p, "metric", "requests_total").to_string();
        let days = int(&p, "days", 1);
        judged(async move { baseline(&client(&ctx), &ctx, &metric, days).await })
    },
)
.with_params(&[
    Param { name: "metric", ty: ParamType::Str, doc: "the key metric (default requests_total)" },
    Param { name: "days", ty: ParamType::Days, doc: "days of the past 7 that need data (default 1)" },
])
.meaning(
    "the key metric has data on enough recent days, and its p50/p95 are recorded",
    "whether those values are good: a person compares them with the service's targets",
);

fn client(ctx: &Ctx) -> Client {
    crate::aws_client!(aws_sdk_cloudwatch, "cloudwatch", &session(ctx).config)
}

/// A metric alarm or a composite one (an alarm on other alarms): the probes judge both alike.
#[derive(Debug, Clone)]
pub struct Alarm {
    name: Option<String>,
    arn: Option<String>,
    state: Option<StateValue>,
    actions_enabled: Option<bool>,
    actions: Vec<String>,
    description: Option<String>,
}

impl Alarm {
    fn alarm_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn alarm_arn(&self) -> Option<&str> {
        self.arn.as_deref()
    }
    fn state_value(&self) -> Option<&StateValue> {
        self.state.as_ref()
    }
    fn actions_enabled(&self) -> Option<bool> {
        self.actions_enabled
    }
    fn alarm_actions(&self) -> &[String] {
        &self.actions
    }
    fn alarm_description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

// Metric and composite alarms share these fields but no trait.
macro_rules! alarm_from {
    ($t:ty) => {
        impl From<&$t> for Alarm {
            fn from(a: &$t) -> Alarm {
                Alarm {
                    name: a.alarm_name().map(str::to_string),
                    arn: a.alarm_arn().map(str::to_string),
                    state: a.state_value().cloned(),
                    actions_enabled: a.actions_enabled(),
                    actions: a.alarm_actions().to_vec(),
                    description: a.alarm_description().map(str::to_string),
                }
            }
        }
    };
}
alarm_from!(MetricAlarm);
alarm_from!(CompositeAlarm);

async fn alarms(client: &Client, ctx: &Ctx) -> Result<Vec<Alarm>, Verdict> {
    ctx.shared("cloudwatch.alarms", || list_alarms(client, ctx)).await
}

async fn list_alarms(client: &Client, ctx: &Ctx) -> Result<Vec<Alarm>, Verdict> {
    super::scope::required(ctx, &[], "CloudWatch alarms", "")?;
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let out = client
            .describe_alarms()
            // Without AlarmTypes, DescribeAlarms leaves composite alarms out.
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .set_alarm_name_prefix(ctx.target.name_prefix.clone())
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch DescribeAlarms", &e)))?;
        all.extend(out.metric_alarms().iter().map(Alarm::from));
        all.extend(out.composite_alarms().iter().map(Alarm::from));
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    if let Some(tagged) = super::scope::tagged(ctx).await? {
        all.retain(|a| a.alarm_arn().is_some_and(|arn| tagged.contains(arn)));
    }
    Ok(all)
}

/// Alarms in scope, or a failing verdict when there are none: no alarm is no alerting.
async fn some_alarms(client: &Client, ctx: &Ctx) -> Result<Vec<Alarm>, Verdict> {
    let all = alarms(client, ctx).await?;
    if all.is_empty() {
        return Err(Verdict::new(Outcome::Fail, ctx.target.scope_words("CloudWatch alarms"), vec![]));
    }
    Ok(all)
}

fn alarm_line(a: &Alarm, ok: bool) -> String {
    let detail = format!(
        "{}, actions {}{}",
        a.state_value().map_or("?", |s| s.as_str()),
        if a.actions_enabled() == Some(false) { "disabled" } else { "enabled" },
        if a.alarm_actions().is_empty() {
            ", no alarm action".to_string()
        } else {
            format!(" -> {}", a.alarm_actions().join(", "))
        }
    );
    finding(ok, "alarm", a.alarm_name().unwrap_or("?"), detail)
}

/// An alarm that tells nobody is not monitoring.
fn silent(a: &Alarm) -> Option<&'static str> {
    if a.actions_enabled() == Some(false) {
        Some("actions disabled")
    } else if a.alarm_actions().is_empty() {
        Some("no alarm action")
    } else {
        None
    }
}

pub async fn alarm(client: &Client, ctx: &Ctx, name: &str) -> Judged {
    let all = alarms(client, ctx).await?;
    let want = name.to_lowercase();
    let matching: Vec<&Alarm> =
        all.iter().filter(|a| a.alarm_name().is_some_and(|n| n.to_lowercase().contains(&want))).collect();
    if matching.is_empty() {
        let evidence = all.iter().map(|a| alarm_line(a, true)).collect();
        return Ok(Verdict::new(
            Outcome::Fail,
            format!("no alarm named like {name} ({} in scope)", crate::text::count(all.len(), "alarm")),
            evidence,
        ));
    }
    let evidence: Vec<String> = matching.iter().map(|a| alarm_line(a, silent(a).is_none())).collect();
    let paging: Vec<&str> =
        matching.iter().filter(|a| silent(a).is_none()).filter_map(|a| a.alarm_name()).collect();
    if paging.is_empty() {
        let names: Vec<&str> = matching.iter().filter_map(|a| a.alarm_name()).collect();
        Ok(Verdict::new(
            Outcome::Fail,
            format!("{} notifies nobody: no enabled alarm action", crate::probe::evidence::listed(&names)),
            evidence,
        ))
    } else {
        Ok(Verdict::new(
            Outcome::Pass,
            format!("{} alarms with actions: {}", name, crate::probe::evidence::listed(&paging)),
            evidence,
        ))
    }
}

pub async fn runbooks(client: &Client, ctx: &Ctx) -> Judged {
    let all = some_alarms(client, ctx).await?;
    let has_link =
        |a: &Alarm| a.alarm_description().is_some_and(|d| d.contains("https://") || d.contains("http://"));
    let evidence = all
        .iter()
        .map(|a| {
            let linked = has_link(a);
            finding(
                linked,
                "alarm",
                a.alarm_name().unwrap_or("?"),
                if linked { "runbook linked" } else { "no runbook link" },
            )
        })
        .collect();
    let missing: Vec<&str> = all.iter().filter(|a| !has_link(a)).filter_map(|a| a.alarm_name()).collect();
    Ok(Verdict::unless(
        &missing,
        Outcome::Fail,
        format!("{} in scope, all linking a runbook", crate::text::count(all.len(), "alarm")),
        "no runbook link",
        evidence,
    ))
}

pub async fn tested(client: &Client, ctx: &Ctx) -> Judged {
    let all = some_alarms(client, ctx).await?;
    let mut evidence = Vec::new();
    let mut never = Vec::new();
    for a in &all {
        let name = a.alarm_name().unwrap_or("?");
        let fired = a.state_value() == Some(&StateValue::Alarm) || {
            // Newest first, page by page, until the alarm is seen firing: a busy alarm's OK and
            // INSUFFICIENT_DATA updates can fill the first pages.
            let mut pages = client
                .describe_alarm_history()
                .alarm_name(name)
                .history_item_type(HistoryItemType::StateUpdate)
                .into_paginator()
                .send();
            let mut fired = false;
            while let Some(page) = pages.next().await {
                let page = match page {
                    Ok(p) => p,
                    Err(e) => return Ok(Verdict::error(describe("CloudWatch DescribeAlarmHistory", &e))),
                };
                if page
                    .alarm_history_items()
                    .iter()
                    .any(|h| h.history_summary().is_some_and(|s| s.contains("to ALARM")))
                {
                    fired = true;
                    break;
                }
            }
            fired
        };
        evidence.push(finding(
            fired,
            "alarm",
            name,
            if fired { "has been in ALARM" } else { "never in ALARM" },
        ));
        if !fired {
            never.push(name);
        }
    }
    let ok = format!("{} in scope, all fired at least once", crate::text::count(all.len(), "alarm"));
    Ok(Verdict::unless(&never, Outcome::Fail, ok, "never tested (never in ALARM)", evidence))
}

/// The dashboards in scope with how many widgets each shows: a dashboard nobody put a widget on
/// shows nothing.
async fn dashboards_in_scope(client: &Client, ctx: &Ctx) -> Result<Vec<(String, usize)>, Verdict> {
    ctx.shared("cloudwatch.dashboards", || async {
        super::scope::required(ctx, &[], "CloudWatch dashboards", "")?;
        let entries: Vec<_> = client
            .list_dashboards()
            .set_dashboard_name_prefix(ctx.target.name_prefix.clone())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch ListDashboards", &e)))?;
        let mut all = Vec::new();
        for name in entries.iter().filter_map(|d| d.dashboard_name()) {
            let out = client
                .get_dashboard()
                .dashboard_name(name)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("CloudWatch GetDashboard", &e)))?;
            let body: serde_json::Value =
                serde_json::from_str(out.dashboard_body().unwrap_or("{}")).unwrap_or_default();
            let widgets = body.get("widgets").and_then(serde_json::Value::as_array).map_or(0, Vec::len);
            all.push((name.to_string(), widgets));
        }
        Ok(all)
    })
    .await
}

fn dashboard_line((name, widgets): &(String, usize)) -> String {
    finding(*widgets > 0, "dashboard", name, format!("{widgets} widgets"))
}

pub async fn dashboards(client: &Client, ctx: &Ctx) -> Judged {
    let all = dashboards_in_scope(client, ctx).await?;
    if all.is_empty() {
        return Ok(Verdict::new(Outcome::Fail, ctx.target.scope_words("CloudWatch dashboards"), vec![]));
    }
    let evidence = all.iter().map(dashboard_line).collect();
    let empty: Vec<&str> = all.iter().filter(|(_, w)| *w == 0).map(|(n, _)| n.as_str()).collect();
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    let ok = format!(
        "{} with widgets: {}",
        crate::text::count(all.len(), "dashboard"),
        crate::probe::evidence::listed(&names)
    );
    Ok(Verdict::unless(&empty, Outcome::Fail, ok, "dashboards without widgets", evidence))
}

async fn active(client: &Client, ctx: &Ctx) -> Judged {
    let all = some_alarms(client, ctx).await?;
    let lacking = |a: &Alarm| {
        silent(a).or((a.state_value() == Some(&StateValue::InsufficientData)).then_some("INSUFFICIENT_DATA"))
    };
    let mut evidence: Vec<String> = all.iter().map(|a| alarm_line(a, lacking(a).is_none())).collect();
    let boards: Vec<(String, usize)> =
        dashboards_in_scope(client, ctx).await?.into_iter().filter(|(_, w)| *w > 0).collect();
    evidence.extend(boards.iter().map(dashboard_line));
    let mut problems: Vec<String> = all
        .iter()
        .filter_map(|a| Some(format!("{} {}", a.alarm_name().unwrap_or("?"), lacking(a)?)))
        .collect();
    if boards.is_empty() {
        problems.push(ctx.target.scope_words("dashboards with widgets"));
    }
    if problems.is_empty() {
        Ok(Verdict::new(
            Outcome::Pass,
            format!(
                "{} active, {}",
                crate::text::count(all.len(), "alarm"),
                crate::text::count(boards.len(), "dashboard")
            ),
            evidence,
        ))
    } else {
        Ok(Verdict::new(Outcome::Fail, crate::probe::evidence::phrases(&problems), evidence))
    }
}

fn namespace(ctx: &Ctx) -> Result<String, Verdict> {
    ctx.target.metrics_namespace.clone().ok_or_else(|| {
        Verdict::new(
            Outcome::NeedsConfig,
            "no metrics namespace: set metrics_namespace in the target",
            vec![],
        )
    })
}

async fn metrics(client: &Client, ctx: &Ctx, names: &[String]) -> Judged {
    if names.is_empty() {
        // Checking no metric is not finding them all present.
        return Err(Verdict::new(Outcome::NeedsConfig, "name the metrics that must exist (metrics)", vec![]));
    }
    let ns = namespace(ctx)?;
    let present = metric_names(client, ctx, &ns).await?;
    let evidence = names
        .iter()
        .map(|n| {
            let here = present.contains(n);
            finding(here, "metric", &format!("{ns}/{n}"), if here { "present" } else { "missing" })
        })
        .collect();
    let missing: Vec<&str> = names.iter().filter(|n| !present.contains(n)).map(String::as_str).collect();
    let ok = format!("all {} metrics present in {ns}", names.len());
    Ok(Verdict::unless(&missing, Outcome::Fail, ok, &format!("missing in {ns}"), evidence))
}

/// The names of the metrics in a namespace.
async fn metric_names(client: &Client, ctx: &Ctx, ns: &str) -> Result<Vec<String>, Verdict> {
    ctx.shared(&format!("cloudwatch.metrics/{ns}"), || async {
        let mut present = Vec::new();
        let mut token = None;
        loop {
            let out = client
                .list_metrics()
                .namespace(ns)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("CloudWatch ListMetrics", &e)))?;
            present.extend(out.metrics().iter().filter_map(|m| m.metric_name().map(str::to_string)));
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(present);
            }
        }
    })
    .await
}

/// Dimension sets of one metric the baseline reads at most: a metric split by many values (per
/// tenant, per route) is sampled, and the evidence says so.
const DIMENSION_SETS: usize = 10;

/// CloudWatch keeps a metric with dimensions apart from the same name without: EMF and
/// OpenTelemetry metrics always carry dimensions, so the baseline asks ListMetrics for the
/// metric's dimension sets and reads each; a day has data when any set has data that day. The
/// baseline it saw (p50 and p95 over the week, of the busiest set) goes in the result.
pub async fn baseline(client: &Client, ctx: &Ctx, metric: &str, days: i64) -> Judged {
    let ns = namespace(ctx)?;
    let sets: Vec<Vec<Dimension>> = client
        .list_metrics()
        .namespace(&ns)
        .metric_name(metric)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| Verdict::error(describe("CloudWatch ListMetrics", &e)))?
        .iter()
        .flat_map(|page| page.metrics())
        .map(|m| m.dimensions().to_vec())
        .collect();
    if sets.is_empty() {
        return Err(Verdict::new(Outcome::Fail, format!("no metric {metric} in {ns}"), vec![]));
    }
    let now = chrono::Utc::now().timestamp();
    let week = (DateTime::from_secs(now - 7 * 86_400), DateTime::from_secs(now));
    let mut days_seen = std::collections::BTreeSet::new();
    let mut evidence = Vec::new();
    let mut busiest: Option<(f64, &Vec<Dimension>)> = None;
    for dims in sets.iter().take(DIMENSION_SETS) {
        let out = statistics(client, &ns, metric, dims, week, 86_400)
            .statistics(Statistic::SampleCount)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch GetMetricStatistics", &e)))?;
        let points = out.datapoints();
        days_seen.extend(points.iter().filter_map(|p| p.timestamp()).map(|t| t.secs().div_euclid(86_400)));
        let samples: f64 = points.iter().filter_map(|p| p.sample_count()).sum();
        if samples > 0.0 && busiest.is_none_or(|(n, _)| samples > n) {
            busiest = Some((samples, dims));
        }
        let name = format!("{ns}/{metric}{}", dimension_words(dims));
        evidence.push(finding(
            !points.is_empty(),
            "metric",
            &name,
            format!("data on {} of the past 7 days", points.len()),
        ));
    }
    if sets.len() > DIMENSION_SETS {
        evidence.push(format!("{} more dimension sets not read", sets.len() - DIMENSION_SETS));
    }
    let with_data = days_seen.len() as i64;
    if with_data < days {
        return Ok(Verdict::new(
            Outcome::Fail,
            format!("{metric} has data on {with_data} of the past 7 days (needs {days})"),
            evidence,
        ));
    }
    let mut summary = format!("{metric} has data on {with_data} of the past 7 days");
    if let Some((_, dims)) = busiest {
        let out = statistics(client, &ns, metric, dims, week, 7 * 86_400)
            .extended_statistics("p50")
            .extended_statistics("p95")
            .send()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch GetMetricStatistics", &e)))?;
        let stats = out.datapoints().iter().find_map(|p| p.extended_statistics());
        match stats.and_then(|s| Some((s.get("p50")?, s.get("p95")?))) {
            Some((p50, p95)) => {
                let line = format!("baseline p50 {p50}, p95 {p95} over 7 days{}", dimension_words(dims));
                summary = format!("{summary}; {line}");
                evidence.push(line);
            }
            None => evidence.push("no p50/p95 for the week (values published as statistic sets?)".into()),
        }
    }
    Ok(Verdict::new(Outcome::Pass, summary, evidence))
}

/// GetMetricStatistics of one series over `week`, in periods of `period` seconds.
fn statistics(
    client: &Client,
    ns: &str,
    metric: &str,
    dims: &[Dimension],
    week: (DateTime, DateTime),
    period: i32,
) -> aws_sdk_cloudwatch::operation::get_metric_statistics::builders::GetMetricStatisticsFluentBuilder {
    client
        .get_metric_statistics()
        .namespace(ns)
        .metric_name(metric)
        .set_dimensions(Some(dims.to_vec()))
        .start_time(week.0)
        .end_time(week.1)
        .period(period)
}

/// " (Service=api, Route=/chat)", or nothing for a metric without dimensions.
fn dimension_words(dims: &[Dimension]) -> String {
    if dims.is_empty() {
        return String::new();
    }
    let parts: Vec<String> =
        dims.iter().map(|d| format!("{}={}", d.name().unwrap_or("?"), d.value().unwrap_or("?"))).collect();
    format!(" ({})", parts.join(", "))
}

/// The alarms in scope with their tag keys, for the cost allocation check. (Dashboards cannot
/// carry tags.)
pub(super) async fn tag_keys(ctx: &Ctx) -> Result<Vec<super::scope::Tagged>, Verdict> {
    use super::scope::Tagged;
    let client = crate::aws_client!(aws_sdk_cloudwatch, "cloudwatch", &session(ctx).config);
    let mut found: Vec<Tagged> = alarms(&client, ctx)
        .await?
        .iter()
        .filter_map(|a| {
            let keys = Default::default();
            Some(Tagged {
                noun: "alarm",
                name: a.alarm_name()?.to_string(),
                arn: a.alarm_arn()?.to_string(),
                keys,
            })
        })
        .collect();
    for t in &mut found {
        let out = client
            .list_tags_for_resource()
            .resource_arn(&t.arn)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("CloudWatch ListTagsForResource", &e)))?;
        t.keys = out.tags().iter().filter_map(|t| t.key().map(str::to_string)).collect();
    }
    Ok(found)
}
