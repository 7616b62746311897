//! Each AWS probe against moto_server: a passing and a failing fixture, made through the AWS API.

mod common;

use aws_sdk_budgets::types::{
    Budget, BudgetType, ComparisonOperator, Notification, NotificationType, Spend, Subscriber,
    SubscriptionType, ThresholdType, TimeUnit,
};
use common::moto;
use golive::probe::aws::{self, budgets, connect_with};
use golive::probe::engine::{self, Ctx};
use golive::probe::{Outcome, ProbeSpec, Verdict};
use std::sync::Arc;
use std::time::Duration;

async fn ctx_for(creds: aws_credential_types::Credentials) -> Arc<Ctx> {
    let session = connect_with(moto::config(creds).await, Duration::from_secs(10), "default")
        .await
        .expect("moto answers STS");
    Arc::new(Ctx::new(Ok(session), Default::default()))
}

fn spec(kind: &str) -> ProbeSpec {
    ProbeSpec { kind: kind.into(), params: toml::Table::new() }
}

async fn run(ctx: Arc<Ctx>, kind: &str) -> golive::probe::ProbeResult {
    engine::run_job(ctx, vec![spec(kind)], Duration::from_secs(10)).await
}

#[tokio::test]
async fn assumed_role_passes_for_a_role_and_fails_for_a_user() {
    let account = moto::fresh_account();
    let ctx = ctx_for(moto::role_creds(&account).await).await;
    let r = run(ctx.clone(), "aws.sts.assumed-role").await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
    assert_eq!(r.summary, "the caller is the assumed role golive-probe");
    assert!(
        r.evidence[0].starts_with(&format!("caller arn:aws:sts::{account}:assumed-role/golive-probe/")),
        "{r:?}"
    );

    let r = run(ctx_for(moto::user_creds()).await, "aws.sts.assumed-role").await;
    assert_eq!(r.outcome, Outcome::Fail);
    assert_eq!(r.summary, "the caller is the IAM user moto, not a role");
}

fn budget(name: &str, kind: BudgetType, limit: &str) -> Budget {
    Budget::builder()
        .budget_name(name)
        .budget_type(kind)
        .time_unit(TimeUnit::Monthly)
        .budget_limit(Spend::builder().amount(limit).unit("USD").build().unwrap())
        .build()
        .unwrap()
}

fn notification(kind: NotificationType, percent: f64) -> Notification {
    Notification::builder()
        .notification_type(kind)
        .comparison_operator(ComparisonOperator::GreaterThan)
        .threshold(percent)
        .threshold_type(ThresholdType::Percentage)
        .build()
        .unwrap()
}

/// Creates a budget with notifications (each with an e-mail subscriber) through the Budgets API.
async fn create_budget(config: &aws_config::SdkConfig, account: &str, b: Budget, notes: Vec<Notification>) {
    let client = aws_sdk_budgets::Client::new(config);
    let mut req = client.create_budget().account_id(account).budget(b);
    for n in notes {
        let sub = Subscriber::builder()
            .subscription_type(SubscriptionType::Email)
            .address("ops@example.com")
            .build()
            .unwrap();
        req = req.notifications_with_subscribers(
            aws_sdk_budgets::types::NotificationWithSubscribers::builder()
                .notification(n)
                .subscribers(sub)
                .build()
                .unwrap(),
        );
    }
    req.send().await.expect("moto CreateBudget");
}

#[tokio::test]
async fn budget_alerts_pass_at_80_percent_and_fail_above_or_without_budgets() {
    // Passing fixture: an alert at 80 % of a monthly cost budget.
    let good = moto::fresh_account();
    let creds = moto::role_creds(&good).await;
    let config = moto::config(creds.clone()).await;
    create_budget(
        &config,
        &good,
        budget("golive-monthly", BudgetType::Cost, "5000"),
        vec![notification(NotificationType::Actual, 80.0)],
    )
    .await;
    let r = run(ctx_for(creds).await, "aws.budgets.alerts").await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:?}");
    assert_eq!(r.summary, "alert at or below 80% on golive-monthly");
    assert!(
        r.evidence.contains(&"budget golive-monthly: limit 5000 USD (COST, MONTHLY)".to_string()),
        "{r:?}"
    );
    assert!(
        r.evidence.contains(&"  notification ACTUAL GREATER_THAN 80% of golive-monthly".to_string()),
        "{r:?}"
    );
    // moto does not implement DescribeSubscribersForNotification: said, not hidden.
    let subs = r.evidence.iter().find(|e| e.contains("subscribers of golive-monthly")).unwrap();
    assert!(subs.contains("not verified"), "{subs}");

    // Failing fixture: the only alert is at 95 %.
    let late = moto::fresh_account();
    let creds = moto::role_creds(&late).await;
    let config = moto::config(creds.clone()).await;
    create_budget(
        &config,
        &late,
        budget("golive-late", BudgetType::Cost, "100"),
        vec![notification(NotificationType::Actual, 95.0)],
    )
    .await;
    let r = run(ctx_for(creds).await, "aws.budgets.alerts").await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
    assert_eq!(r.summary, "no budget notification at or below 80% (1 budgets checked)");

    // A stricter threshold parameter from the checklist.
    let ctx = ctx_for(moto::role_creds(&good).await).await;
    let mut strict = spec("aws.budgets.alerts");
    strict.params.insert("max_threshold_percent".into(), toml::Value::Integer(50));
    let r = engine::run_job(ctx, vec![strict.clone()], Duration::from_secs(10)).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:?}");

    // No budgets at all.
    let empty = moto::fresh_account();
    let r = run(ctx_for(moto::role_creds(&empty).await).await, "aws.budgets.alerts").await;
    assert_eq!((r.outcome, r.summary), (Outcome::Fail, format!("no budgets in account {empty}")));
}

#[tokio::test]
async fn spending_limit_needs_a_cost_budget_with_an_actual_or_forecast_alert() {
    let good = moto::fresh_account();
    let creds = moto::role_creds(&good).await;
    let config = moto::config(creds.clone()).await;
    create_budget(
        &config,
        &good,
        budget("bedrock-cap", BudgetType::Cost, "2000"),
        vec![notification(NotificationType::Forecasted, 100.0)],
    )
    .await;
    let r = run(ctx_for(creds).await, "aws.budgets.spending-limit").await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "spending limit with alerts: bedrock-cap"),
        "{r:?}"
    );

    // A usage budget and a cost budget without notifications do not count.
    let bad = moto::fresh_account();
    let creds = moto::role_creds(&bad).await;
    let config = moto::config(creds.clone()).await;
    create_budget(
        &config,
        &bad,
        budget("hours", BudgetType::Usage, "100"),
        vec![notification(NotificationType::Actual, 80.0)],
    )
    .await;
    create_budget(&config, &bad, budget("silent", BudgetType::Cost, "100"), vec![]).await;
    let r = run(ctx_for(creds).await, "aws.budgets.spending-limit").await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:?}");
    assert_eq!(
        r.summary,
        "none of 2 budgets is a COST budget with a limit and an ACTUAL or FORECASTED notification"
    );
}

/// moto lacks DescribeSubscribersForNotification, so the subscriber path runs on recorded
/// responses through the SDK's own mock client.
mod recorded {
    use super::*;
    use aws_sdk_budgets::Client;
    use aws_sdk_budgets::operation::describe_budgets::DescribeBudgetsOutput;
    use aws_sdk_budgets::operation::describe_notifications_for_budget::DescribeNotificationsForBudgetOutput;
    use aws_sdk_budgets::operation::describe_subscribers_for_notification::DescribeSubscribersForNotificationOutput;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};

    fn client(subscribers: Vec<Subscriber>) -> Client {
        let budgets = mock!(Client::describe_budgets).then_output(|| {
            DescribeBudgetsOutput::builder()
                .budgets(budget("golive-monthly", BudgetType::Cost, "5000"))
                .build()
        });
        let notes = mock!(Client::describe_notifications_for_budget).then_output(|| {
            DescribeNotificationsForBudgetOutput::builder()
                .notifications(notification(NotificationType::Actual, 80.0))
                .build()
        });
        let subs = mock!(Client::describe_subscribers_for_notification)
            .match_requests(|r| r.budget_name() == Some("golive-monthly"))
            .then_output(move || {
                let mut out = DescribeSubscribersForNotificationOutput::builder();
                for s in subscribers.clone() {
                    out = out.subscribers(s);
                }
                out.build()
            });
        mock_client!(aws_sdk_budgets, RuleMode::MatchAny, [&budgets, &notes, &subs])
    }

    #[tokio::test]
    async fn subscribers_are_listed_as_evidence() {
        let ops = Subscriber::builder()
            .subscription_type(SubscriptionType::Email)
            .address("ops@example.com")
            .build()
            .unwrap();
        let sns = Subscriber::builder()
            .subscription_type(SubscriptionType::Sns)
            .address("arn:aws:sns:us-east-1:1:alerts")
            .build()
            .unwrap();
        let v: Verdict = budgets::alerts(&client(vec![ops, sns]), "111122223333", 80.0).await;
        assert_eq!(v.outcome, Outcome::Pass);
        assert!(
            v.evidence.contains(
                &"  subscribers of golive-monthly: EMAIL ops@example.com, SNS arn:aws:sns:us-east-1:1:alerts"
                    .to_string()
            ),
            "{v:?}"
        );
    }

    #[tokio::test]
    async fn an_alert_nobody_receives_is_a_warning() {
        let v = budgets::alerts(&client(vec![]), "111122223333", 80.0).await;
        assert_eq!(v.outcome, Outcome::Warn, "{v:?}");
        assert_eq!(v.summary, "alerts at or below 80% exist but nobody is subscribed: golive-monthly");
    }
}

#[tokio::test]
async fn another_account_than_the_expected_one_is_refused() {
    let session = connect_with(moto::config(moto::user_creds()).await, Duration::from_secs(10), "default")
        .await
        .unwrap();
    assert_eq!(session.identity.account, "123456789012");
    let refused = aws::check_account(session.clone(), Some("999999999999")).unwrap_err();
    assert_eq!(refused.outcome, Outcome::Error);
    assert!(
        refused.summary.starts_with("refused: the credentials are for account 123456789012"),
        "{refused:?}"
    );
    // The engine then refuses every AWS probe with that reason, without calling AWS.
    let ctx = Arc::new(Ctx::new(Err(refused.clone()), Default::default()));
    let r = run(ctx, "aws.budgets.alerts").await;
    assert_eq!((r.outcome, r.summary), (Outcome::Error, refused.summary));
    assert!(aws::check_account(session, Some("123456789012")).is_ok());
}
