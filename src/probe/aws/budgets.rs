//! AWS Budgets: alerts before the money is gone, and a hard spending limit.

use super::describe;
use crate::probe::ctx::Ctx;
use crate::probe::kind::{Kind, Param, ParamType, ProbeFuture, percent};
use crate::probe::{Outcome, Verdict};
use aws_sdk_budgets::Client;
use aws_sdk_budgets::types::{Budget, BudgetType, Notification, NotificationType, ThresholdType};
use std::sync::Arc;

pub const ALERTS: Kind = Kind::aws(
    "aws.budgets.alerts",
    "AWS Budgets (DescribeBudgets, DescribeNotificationsForBudget): at least one budget has a \
     notification at or below max_threshold_percent of its limit. Its subscribers are listed \
     where DescribeSubscribersForNotification answers; a notification nobody receives is a warning.",
    run_alerts,
)
.with_params(&[Param {
    name: "max_threshold_percent",
    ty: ParamType::Percent,
    doc: "the highest alert threshold that passes, in percent of the budget limit (default 80)",
}]);

pub const SPENDING_LIMIT: Kind = Kind::aws(
    "aws.budgets.spending-limit",
    "AWS Budgets: a COST budget with a limit above zero and an ACTUAL or FORECASTED notification, \
     so spending past the limit is announced (AWS does not stop spending by itself).",
    run_spending_limit,
);

fn run_alerts(ctx: Arc<Ctx>, params: toml::Table) -> ProbeFuture {
    Box::pin(async move {
        let Ok(aws) = &ctx.aws else { unreachable!("the engine gates AWS probes") };
        let max = percent(&params, "max_threshold_percent", 80);
        let client = Client::new(&aws.config);
        match shared_budgets(&ctx, &client, &aws.identity.account).await {
            Ok(all) => alerts_in(&client, &aws.identity.account, &all, max).await,
            Err(v) => v,
        }
    })
}

fn run_spending_limit(ctx: Arc<Ctx>, _params: toml::Table) -> ProbeFuture {
    Box::pin(async move {
        let Ok(aws) = &ctx.aws else { unreachable!("the engine gates AWS probes") };
        let client = Client::new(&aws.config);
        match shared_budgets(&ctx, &client, &aws.identity.account).await {
            Ok(all) => spending_limit_in(&aws.identity.account, &all),
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
        for n in notes {
            evidence.push(notification_line(b, n));
            if threshold_percent(b, n).is_some_and(|p| p <= max) {
                alerting.push((b, n));
            }
        }
    }
    if alerting.is_empty() {
        return Verdict::new(
            Outcome::Fail,
            format!("no budget notification at or below {max}% ({} budgets checked)", all.len()),
            evidence,
        );
    }
    let mut unheard = Vec::new();
    for (b, n) in &alerting {
        match subscribers(client, account, b.budget_name(), n).await {
            Ok(subs) if subs.is_empty() => {
                evidence.push(format!("  subscribers of {}: none", b.budget_name()));
                unheard.push(b.budget_name());
            }
            Ok(subs) => evidence.push(format!("  subscribers of {}: {}", b.budget_name(), subs.join(", "))),
            Err(why) => evidence.push(format!("  subscribers of {}: not verified ({why})", b.budget_name())),
        }
    }
    let names: Vec<&str> = alerting.iter().map(|(b, _)| b.budget_name()).collect();
    if unheard.len() == alerting.len() {
        return Verdict::new(
            Outcome::Warn,
            format!("alerts at or below {max}% exist but nobody is subscribed: {}", unheard.join(", ")),
            evidence,
        );
    }
    Verdict::new(Outcome::Pass, format!("alert at or below {max}% on {}", names.join(", ")), evidence)
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
        Ok(all) => spending_limit_in(account, &all),
        Err(v) => v,
    }
}

fn spending_limit_in(account: &str, all: &[(Budget, Vec<Notification>)]) -> Verdict {
    let mut evidence = Vec::new();
    let mut limited = Vec::new();
    for (b, notes) in all {
        evidence.push(budget_line(b));
        evidence.extend(notes.iter().map(|n| notification_line(b, n)));
        let is_cost = *b.budget_type() == BudgetType::Cost;
        let has_limit = limit(b).is_some_and(|(a, _)| a > 0.0);
        let announced = notes.iter().any(|n| {
            matches!(n.notification_type(), NotificationType::Actual | NotificationType::Forecasted)
        });
        if is_cost && has_limit && announced {
            limited.push(b.budget_name());
        }
    }
    if limited.is_empty() {
        let why = if all.is_empty() {
            format!("no budgets in account {account}")
        } else {
            format!(
                "none of {} budgets is a COST budget with a limit and an ACTUAL or FORECASTED notification",
                all.len()
            )
        };
        return Verdict::new(Outcome::Fail, why, evidence);
    }
    Verdict::new(Outcome::Pass, format!("spending limit with alerts: {}", limited.join(", ")), evidence)
}
