//! AWS Budgets: alerts before the money is gone, and a hard spending limit.

use super::describe;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Judged, Kind, Param, ParamType, ProbeFuture, percent};
use crate::probe::{Outcome, Verdict};
use aws_sdk_budgets::Client;
use aws_sdk_budgets::types::{Action, Budget, BudgetType, ComparisonOperator, Notification, ThresholdType};
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &["budgets:ViewBudget", "budgets:DescribeBudgetActionsForAccount"];

pub const ALERTS: Kind = Kind::aws(
    "aws.budgets.alerts",
    "AWS Budgets (DescribeBudgets, DescribeNotificationsForBudget, DescribeSubscribersForNotification): \
     a COST or USAGE budget has a GREATER_THAN notification at or below max_threshold_percent of its \
     limit, and someone receives it. Subscribers that cannot be read leave it undecided; a \
     notification nobody receives is a warning.",
    run_alerts,
)
.with_params(&[Param {
    name: "max_threshold_percent",
    ty: ParamType::Percent,
    doc: "the highest alert threshold that passes, in percent of the budget limit (default 80)",
}])
.meaning(
    "a cost or usage budget tells someone by e-mail or SNS before spending passes the threshold",
    "whether the budget's limit fits the launch, or whether anyone reads the alert",
);

pub const SPENDING_LIMIT: Kind = Kind::aws(
    "aws.budgets.spending-limit",
    "AWS Budgets (DescribeBudgets, DescribeBudgetActionsForAccount): a COST budget with a limit \
     above zero carries a Budgets action (an IAM or SCP policy, or stopping instances) that acts \
     when spending reaches it. An alert is not a limit: AWS does not stop spending by itself.",
    run_spending_limit,
)
.meaning(
    "a Budgets action acts (IAM or SCP policy, stopped instances) when a capped cost budget is reached",
    "whether the action's policy actually stops Bedrock calls, or limits inside the application",
);

fn run_alerts(ctx: Arc<Ctx>, params: toml::Table) -> ProbeFuture {
    Box::pin(async move {
        let Ok(aws) = &ctx.aws else { unreachable!("the engine gates AWS probes") };
        let max = percent(&params, "max_threshold_percent", 80);
        let client = crate::aws_client!(aws_sdk_budgets, "budgets", &aws.config);
        match shared_budgets(&ctx, &client, &aws.identity.account).await {
            Ok(all) => alerts_in(&client, &aws.identity.account, &all, max).await,
            Err(v) => v,
        }
    })
}

fn run_spending_limit(ctx: Arc<Ctx>, _params: toml::Table) -> ProbeFuture {
    Box::pin(async move {
        let Ok(aws) = &ctx.aws else { unreachable!("the engine gates AWS probes") };
        let client = crate::aws_client!(aws_sdk_budgets, "budgets", &aws.config);
        match shared_budgets(&ctx, &client, &aws.identity.account).await {
            Ok(all) => spending_limit_in(&client, &aws.identity.account, &all).await.into(),
            Err(v) => v,
        }
    })
}

async fn shared_budgets(
    ctx: &Ctx,
    client: &Client,
    account: &str,
) -> Result<Vec<(Budget, Vec<Notification>)>, Verdict> {
    ctx.shared("budgets", || budgets_with_notifications(client, account)).await
}

/// Every budget of the account with its notifications.
async fn budgets_with_notifications(
    client: &Client,
    account: &str,
) -> Result<Vec<(Budget, Vec<Notification>)>, Verdict> {
    let mut budgets = Vec::new();
    let mut token = None;
    loop {
        let out = client
            .describe_budgets()
            .account_id(account)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("Budgets DescribeBudgets", &e)))?;
        budgets.extend(out.budgets().iter().cloned());
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut result = Vec::new();
    for b in budgets {
        let mut notes = Vec::new();
        let mut token = None;
        loop {
            let out = client
                .describe_notifications_for_budget()
                .account_id(account)
                .budget_name(b.budget_name())
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| Verdict::error(describe("Budgets DescribeNotificationsForBudget", &e)))?;
            notes.extend(out.notifications().iter().cloned());
            token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        result.push((b, notes));
    }
    Ok(result)
}

fn limit(b: &Budget) -> Option<(f64, String)> {
    let spend = b.budget_limit()?;
    Some((spend.amount().parse().ok()?, spend.unit().to_string()))
}

fn budget_line(b: &Budget) -> String {
    let limit = limit(b).map_or_else(|| "no limit".to_string(), |(a, u)| format!("limit {a} {u}"));
    format!("budget {}: {limit} ({}, {})", b.budget_name(), b.budget_type().as_str(), b.time_unit().as_str())
}

/// The notification threshold as a percentage of the budget limit.
fn threshold_percent(b: &Budget, n: &Notification) -> Option<f64> {
    match n.threshold_type() {
        Some(ThresholdType::AbsoluteValue) => {
            limit(b).filter(|(a, _)| *a > 0.0).map(|(a, _)| n.threshold() / a * 100.0)
        }
        _ => Some(n.threshold()),
    }
}

fn notification_line(b: &Budget, n: &Notification) -> String {
    let pct = threshold_percent(b, n).map_or_else(|| "?".into(), |p| format!("{p}%"));
    format!(
        "  notification {} {} {pct} of {}",
        n.notification_type().as_str(),
        n.comparison_operator().as_str(),
        b.budget_name()
    )
}

pub async fn alerts(client: &Client, account: &str, max: f64) -> Verdict {
    match budgets_with_notifications(client, account).await {
        Ok(all) => alerts_in(client, account, &all, max).await,
        Err(v) => v,
    }
}

/// `alerts` on budgets already fetched: the budgets probes of a sweep share one listing.
async fn alerts_in(client: &Client, account: &str, all: &[(Budget, Vec<Notification>)], max: f64) -> Verdict {
    if all.is_empty() {
        return Verdict::new(Outcome::Fail, format!("no budgets in account {account}"), vec![]);
    }
    let mut evidence = Vec::new();
    let mut alerting = Vec::new();
    for (b, notes) in all {
        evidence.push(budget_line(b));
        // Only spending or usage going over a threshold is an alert before the money is gone
        // (not a savings-plan or reservation budget, not "less than").
        let counts = matches!(b.budget_type(), BudgetType::Cost | BudgetType::Usage);
        for n in notes {
            let over = *n.comparison_operator() == ComparisonOperator::GreaterThan;
            let line = notification_line(b, n);
            if counts && over && threshold_percent(b, n).is_some_and(|p| p <= max) {
                alerting.push((b, n));
                evidence.push(line);
            } else {
                evidence.push(format!("{line} (not counted)"));
            }
        }
    }
    if alerting.is_empty() {
        return Verdict::new(
            Outcome::Fail,
            format!(
                "no COST or USAGE budget notifies when spending goes over {max}% ({} budgets checked)",
                all.len()
            ),
            evidence,
        );
    }
    let (mut heard, mut unheard, mut unverified) = (Vec::new(), Vec::new(), Vec::new());
    for (b, n) in &alerting {
        match subscribers(client, account, b.budget_name(), n).await {
            Ok(subs) if subs.is_empty() => {
                evidence.push(format!("  subscribers of {}: none", b.budget_name()));
                unheard.push(b.budget_name());
            }
            Ok(subs) => {
                evidence.push(format!("  subscribers of {}: {}", b.budget_name(), subs.join(", ")));
                heard.push(b.budget_name());
            }
            Err(why) => {
                evidence.push(format!("  subscribers of {}: not verified ({why})", b.budget_name()));
                unverified.push(b.budget_name());
            }
        }
    }
    if !heard.is_empty() {
        return Verdict::new(
            Outcome::Pass,
            format!("alert at or below {max}% on {}", heard.join(", ")),
            evidence,
        );
    }
    if !unverified.is_empty() {
        // An alert nobody can be shown to receive is not an alert anyone can sign for.
        return Verdict::new(
            Outcome::Error,
            format!(
                "alerts at or below {max}% exist but who receives them could not be read: {}",
                unverified.join(", ")
            ),
            evidence,
        );
    }
    Verdict::new(
        Outcome::Warn,
        format!("alerts at or below {max}% exist but nobody is subscribed: {}", unheard.join(", ")),
        evidence,
    )
}

/// The subscribers of one notification, as `EMAIL ops@example.com`.
pub async fn subscribers(
    client: &Client,
    account: &str,
    budget: &str,
    n: &Notification,
) -> Result<Vec<String>, String> {
    let out = client
        .describe_subscribers_for_notification()
        .account_id(account)
        .budget_name(budget)
        .notification(n.clone())
        .send()
        .await
        .map_err(|e| describe("Budgets DescribeSubscribersForNotification", &e))?;
    Ok(out
        .subscribers()
        .iter()
        .map(|s| format!("{} {}", s.subscription_type().as_str(), s.address()))
        .collect())
}

pub async fn spending_limit(client: &Client, account: &str) -> Verdict {
    match budgets_with_notifications(client, account).await {
        Ok(all) => spending_limit_in(client, account, &all).await.into(),
        Err(v) => v,
    }
}

/// Every Budgets action of the account.
async fn actions(client: &Client, account: &str) -> Result<Vec<Action>, Verdict> {
    client
        .describe_budget_actions_for_account()
        .account_id(account)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| Verdict::error(describe("Budgets DescribeBudgetActionsForAccount", &e)))
}

async fn spending_limit_in(client: &Client, account: &str, all: &[(Budget, Vec<Notification>)]) -> Judged {
    if all.is_empty() {
        return Ok(Verdict::new(Outcome::Fail, format!("no budgets in account {account}"), vec![]));
    }
    let capped: Vec<&Budget> = all
        .iter()
        .map(|(b, _)| b)
        .filter(|b| *b.budget_type() == BudgetType::Cost && limit(b).is_some_and(|(a, _)| a > 0.0))
        .collect();
    let mut evidence: Vec<String> = all.iter().map(|(b, _)| budget_line(b)).collect();
    if capped.is_empty() {
        let why = format!("none of {} budgets is a COST budget with a limit", all.len());
        return Ok(Verdict::new(Outcome::Fail, why, evidence));
    }
    let actions = actions(client, account).await?;
    let mut enforced = Vec::new();
    for a in &actions {
        evidence.push(format!(
            "  action {} on {}: {} ({}, {})",
            a.action_id(),
            a.budget_name(),
            a.action_type().as_str(),
            a.approval_model().as_str(),
            a.status().as_str()
        ));
        if capped.iter().any(|b| b.budget_name() == a.budget_name()) && !enforced.contains(&a.budget_name()) {
            enforced.push(a.budget_name());
        }
    }
    if enforced.is_empty() {
        let names: Vec<&str> = capped.iter().map(|b| b.budget_name()).collect();
        let why = format!(
            "an alert is not a limit: no Budgets action acts on {} when spending reaches it",
            names.join(", ")
        );
        return Ok(Verdict::new(Outcome::Fail, why, evidence));
    }
    Ok(Verdict::new(
        Outcome::Pass,
        format!("spending limit enforced by a Budgets action: {}", enforced.join(", ")),
        evidence,
    ))
}
