//! Every AWS service probe on two moto accounts built through the AWS API
//! (`tests/fixtures/aws_account.py`): a well-configured one where it passes and a misconfigured one
//! where it fails, with evidence that names the resource.

mod common;

use common::moto;
use golive::probe::aws::connect_with;
use golive::probe::engine::{self, Ctx};
use golive::probe::{Outcome, ProbeResult, ProbeSpec};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// [`offline`] over the fixtures' scope: names starting "agent-".
fn agents() -> Ctx {
    offline(golive::probe::target::Target { name_prefix: Some("agent-".into()), ..Default::default() })
}

/// A probe context for recorded responses: the test hands the probe its client, so there is no
/// AWS session.
fn offline(target: golive::probe::target::Target) -> Ctx {
    Ctx::new(Err(golive::probe::Verdict::error("not used")), target)
}

fn accounts() -> &'static (String, String) {
    static ACCOUNTS: OnceLock<(String, String)> = OnceLock::new();
    ACCOUNTS.get_or_init(|| (moto::build_account("good"), moto::build_account("bad")))
}

async fn probe(account: &str, kind: &str) -> ProbeResult {
    probe_spec(account, &[ProbeSpec { kind: kind.into(), params: Default::default() }]).await
}

async fn probe_spec(account: &str, specs: &[ProbeSpec]) -> ProbeResult {
    let config = moto::config(moto::role_creds(account).await).await;
    let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
    let ctx = Arc::new(Ctx::new(Ok(session), moto::fixture_target(account)));
    engine::run_job(ctx, specs.to_vec(), Duration::from_secs(20)).await
}

/// The probe spec an item of the embedded checklist carries.
fn item_spec(id: &str) -> Vec<ProbeSpec> {
    let c = golive::checklist::Checklist::embedded();
    c.items[c.index_of(id).unwrap()].probes.clone()
}

/// Runs an item's own probes on both accounts: the good one passes, its summary starting `good`;
/// the bad one fails, its summary starting `bad`.
async fn item_on_both(id: &str, good: &str, bad: &str) {
    let (ok, ko) = accounts();
    let spec = item_spec(id);
    // Items with several probes add their other parts' summaries after this one's.
    let r = probe_spec(ok, &spec).await;
    assert!(r.outcome == Outcome::Pass && r.summary.starts_with(good), "{id} on the good account: {r:#?}");
    let r = probe_spec(ko, &spec).await;
    assert!(r.outcome == Outcome::Fail && r.summary.starts_with(bad), "{id} on the bad account: {r:#?}");
}

/// Runs `kind` on both accounts: the good one gives `good`, the bad one fails naming `culprit`.
async fn both(kind: &str, good: (Outcome, &str), culprit: &str) {
    let (ok, bad) = accounts();
    let r = probe(ok, kind).await;
    assert_eq!((r.outcome, r.summary.as_str()), good, "{kind} on the good account: {r:#?}");
    let r = probe(bad, kind).await;
    assert_eq!(r.outcome, Outcome::Fail, "{kind} on the bad account: {r:#?}");
    let text = format!("{}\n{}", r.summary, r.evidence.join("\n"));
    assert!(text.contains(culprit), "{kind}: the failure names {culprit:?}: {r:#?}");
}

#[tokio::test]
async fn dynamodb_encryption_names_the_key_and_fails_without_kms_when_required() {
    let (ok, bad) = accounts();
    // DynamoDB always encrypts: without require_kms the AWS owned key passes, and says so.
    let r = probe(ok, "aws.dynamodb.encryption").await;
    assert_eq!(r.outcome, Outcome::Pass);
    assert!(r.evidence[0].starts_with("✓ table agent-sessions: encrypted with KMS key"), "{r:?}");
    let r = probe(bad, "aws.dynamodb.encryption").await;
    assert_eq!(
        (r.outcome, r.evidence[0].as_str()),
        (Outcome::Pass, "✓ table agent-sessions: encrypted with AWS owned key")
    );
    // The checklist requires KMS.
    let mut spec = ProbeSpec { kind: "aws.dynamodb.encryption".into(), params: Default::default() };
    spec.params.insert("require_kms".into(), toml::Value::Boolean(true));
    for (account, want) in [(ok, Outcome::Pass), (bad, Outcome::Fail)] {
        let config = moto::config(moto::role_creds(account).await).await;
        let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
        let ctx = Arc::new(Ctx::new(Ok(session), moto::fixture_target(account)));
        let r = engine::run_job(ctx, vec![spec.clone()], Duration::from_secs(20)).await;
        assert_eq!(r.outcome, want, "{r:#?}");
        if want == Outcome::Fail {
            assert_eq!(r.summary, "no KMS encryption on 1 of 1 tables: agent-sessions");
        }
    }
}

#[tokio::test]
async fn dynamodb_point_in_time_recovery() {
    both(
        "aws.dynamodb.pitr",
        (Outcome::Pass, "point-in-time recovery on all 1 tables in scope"),
        "agent-sessions",
    )
    .await;
}

#[tokio::test]
async fn dynamodb_ttl() {
    both("aws.dynamodb.ttl", (Outcome::Pass, "TTL on all 1 tables in scope"), "agent-sessions").await;
}

#[tokio::test]
async fn dynamodb_without_replicas_is_a_warning() {
    let r = probe(&accounts().1, "aws.dynamodb.replicas").await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Warn, "no replicas on 1 of 1 tables: agent-sessions")
    );
    assert_eq!(r.evidence[0], "✗ table agent-sessions: no replicas");
}

#[tokio::test]
async fn log_retention() {
    both("aws.logs.retention", (Outcome::Pass, "retention set on all 1 log groups in scope"), "agent-app")
        .await;
}

#[tokio::test]
async fn structured_logging() {
    both(
        "aws.logs.structured",
        (Outcome::Pass, "all 3 newest events are JSON with request_id"),
        "INFO Request processed",
    )
    .await;
}

#[tokio::test]
async fn secrets_in_secrets_manager() {
    both(
        "aws.secretsmanager.secrets",
        (Outcome::Pass, "all 1 secrets are in Secrets Manager"),
        "agent-service/api-key",
    )
    .await;
}

#[tokio::test]
async fn cloudtrail_logging() {
    both("aws.cloudtrail.logging", (Outcome::Pass, "multi-region trail logging: agent-audit"), "agent-audit")
        .await;
}

#[tokio::test]
async fn autoscaling_min_capacity() {
    both(
        "aws.autoscaling.min-capacity",
        (Outcome::Pass, "all 1 ECS services keep at least 2 tasks"),
        "service/agent-cluster/agent-api (min 1)",
    )
    .await;
}

/// A table's minimum capacity units are not an instance count: 52bd361 passed five read units as
/// "at least 2 running".
#[tokio::test]
async fn capacity_units_are_not_instances() {
    let account = moto::fresh_account();
    let config = moto::config(moto::role_creds(&account).await).await;
    aws_sdk_applicationautoscaling::Client::new(&config)
        .register_scalable_target()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Dynamodb)
        .resource_id("table/svc-orders")
        .scalable_dimension(
            aws_sdk_applicationautoscaling::types::ScalableDimension::DynamoDbTableReadCapacityUnits,
        )
        .min_capacity(5)
        .max_capacity(100)
        .send()
        .await
        .unwrap();
    let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
    let target = golive::probe::target::Target { name_prefix: Some("svc-".into()), ..Default::default() };
    let ctx = Arc::new(Ctx::new(Ok(session), target));
    let r =
        engine::run_job(ctx, item_spec("reliability.no-single-points-of-failure"), Duration::from_secs(20))
            .await;
    assert_eq!(r.outcome, Outcome::NeedsConfig, "{r:#?}");
    assert_eq!(r.summary, "no ECS service scales in scope: DynamoDB capacity units are not instance counts");
    assert_eq!(r.evidence[0], "dynamodb table/svc-orders: min 5 max 100");
    // Every AWS result ends saying what it judged.
    assert!(
        r.evidence[1].starts_with("scope: account ")
            && r.evidence[1].ends_with(" in us-east-1; names starting \"svc-\""),
        "{r:#?}"
    );
    assert_eq!(r.evidence.len(), 2);
}

#[tokio::test]
async fn autoscaling_policies() {
    both(
        "aws.autoscaling.policies",
        (Outcome::Pass, "all 2 scalable targets have a scaling policy"),
        "service/agent-cluster/agent-api",
    )
    .await;
}

#[tokio::test]
async fn iam_no_wildcard_actions() {
    both(
        "aws.iam.no-wildcard-actions",
        (Outcome::Pass, "no wildcard actions in 1 policy of agent-task"),
        "inline policy agent-task-policy statement Everything: Action *",
    )
    .await;
}

#[tokio::test]
async fn iam_no_wildcard_resources() {
    both(
        "aws.iam.no-wildcard-resources",
        (Outcome::Pass, "no write actions on Resource \"*\" in 1 policy of agent-task"),
        "statement Writes: dynamodb:PutItem on Resource \"*\"",
    )
    .await;
}

#[tokio::test]
async fn acm_certificate_stuck_in_validation_fails() {
    let r = probe(&accounts().1, "aws.acm.certificates").await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert_eq!(r.summary, "api.agent.example.com is PENDING_VALIDATION");
}

#[tokio::test]
async fn an_empty_scope_is_never_a_pass() {
    let account = moto::fresh_account();
    for kind in ["aws.dynamodb.pitr", "aws.logs.retention", "aws.secretsmanager.secrets"] {
        let r = probe(&account, kind).await;
        assert_ne!(r.outcome, Outcome::Pass, "{kind}: {r:#?}");
    }
    let r = probe(&account, "aws.dynamodb.pitr").await;
    assert_eq!(r.outcome, Outcome::NeedsConfig);
    assert_eq!(
        r.summary,
        "no DynamoDB tables whose name starts with \"agent-\": set tables, name_prefix or tags in the target"
    );
    let r = probe(&account, "aws.iam.no-wildcard-actions").await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Fail, "the task role agent-task does not exist"));
}

#[tokio::test]
async fn cloudwatch_critical_and_warning_alarms_page_someone() {
    item_on_both(
        "observability.critical-alerts",
        "HighErrorRate alarms with actions: agent-HighErrorRate",
        "agent-HighErrorRate notifies nobody: no enabled alarm action",
    )
    .await;
    item_on_both(
        "observability.warning-alerts",
        "HighLatency alarms with actions: agent-HighLatency",
        "no alarm named like HighLatency (1 alarm in scope)",
    )
    .await;
}

#[tokio::test]
async fn cloudwatch_runbooks_dashboards_and_monitoring() {
    item_on_both(
        "observability.alert-runbooks",
        "2 alarms in scope, all linking a runbook",
        "no runbook link: agent-HighErrorRate",
    )
    .await;
    item_on_both(
        "observability.dashboards-created",
        "1 dashboard with widgets: agent-main",
        "no CloudWatch dashboards whose name starts with \"agent-\"",
    )
    .await;
    item_on_both(
        "final.monitoring-active",
        "2 alarms active, 1 dashboard",
        "agent-HighErrorRate actions disabled; no dashboards with widgets whose name starts with \"agent-\"",
    )
    .await;
}

#[tokio::test]
async fn cloudwatch_metrics_and_baseline() {
    item_on_both(
        "observability.technical-metrics",
        "all 3 metrics present in AgentService",
        "missing in AgentService: request_latency_seconds, errors_total",
    )
    .await;
    item_on_both(
        "observability.cost-metrics",
        "all 1 metrics present in AgentService",
        "missing in AgentService: tokens_used_total",
    )
    .await;
    let (ok, ko) = accounts();
    let r = probe_spec(ok, &item_spec("final.metrics-baseline")).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    let r = probe_spec(ko, &item_spec("final.metrics-baseline")).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Fail, "requests_total has data on 1 of the past 7 days (needs 7)")
    );
    // Without a namespace there is nothing to look at.
    let account = moto::fresh_account();
    let config = moto::config(moto::role_creds(&account).await).await;
    let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
    let ctx = Arc::new(Ctx::new(Ok(session), Default::default()));
    let r = engine::run_job(ctx, item_spec("observability.cost-metrics"), Duration::from_secs(20)).await;
    assert_eq!(r.outcome, Outcome::NeedsConfig);
}

#[tokio::test]
async fn load_balancers_waf_rate_limits_tls_zones_and_health() {
    item_on_both("security.waf-enabled", "every internet-facing ALB has a web ACL", "no web ACL: agent-alb")
        .await;
    item_on_both(
        "performance.rate-limiting",
        "every internet-facing ALB's web ACL has a rate-based rule",
        "no rate-based rule: agent-alb",
    )
    .await;
    item_on_both(
        "security.tls-everywhere",
        "all listeners of 1 load balancers use TLS 1.2+ or redirect to HTTPS",
        "not TLS 1.2+: agent-alb:80 plain HTTP",
    )
    .await;
    item_on_both(
        "reliability.load-balancer-health-checks",
        "all 1 target groups check health and have healthy targets",
        "agent-tg has no healthy target",
    )
    .await;
}

/// Multi-AZ judges where the healthy targets run, not the load balancer's own zones (an ALB always
/// has two, so 52bd361 passed a service whose every task ran in one zone). moto reports no zone
/// in DescribeTargetHealth: the ec2 build places the IP targets by their subnets; without it the
/// check is undecided.
#[tokio::test]
async fn multi_az_judges_the_zones_healthy_targets_run_in() {
    let (ok, bad) = accounts();
    let item = [ProbeSpec { kind: "aws.elbv2.multi-az".into(), params: Default::default() }];
    let r = probe_spec(ok, &item).await;
    if cfg!(feature = "ec2") {
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Pass, "the healthy targets of all 1 target groups in scope run in two zones or more"),
            "{r:#?}"
        );
        assert_eq!(r.evidence[0], "✓ target group agent-tg: 2 healthy targets in us-east-1a, us-east-1b");
    } else {
        assert_eq!(r.outcome, Outcome::Error, "{r:#?}");
        assert!(
            r.summary.starts_with("undecided: DescribeTargetHealth reports no zone for 2 healthy targets")
        );
    }
    let r = probe_spec(bad, &item).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Fail, "no healthy target: agent-tg"), "{r:#?}");

    // Two healthy targets, both in us-east-1a, behind the same two-zone ALB.
    let account = moto::build_account("good");
    let elb =
        aws_sdk_elasticloadbalancingv2::Client::new(&moto::config(moto::role_creds(&account).await).await);
    let groups = elb.describe_target_groups().names("agent-tg").send().await.unwrap();
    let vpc = groups.target_groups()[0].vpc_id().unwrap().to_string();
    let solo = elb
        .create_target_group()
        .name("agent-solo")
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(8080)
        .vpc_id(vpc)
        .target_type(aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum::Ip)
        .send()
        .await
        .unwrap();
    let arn = solo.target_groups()[0].target_group_arn().unwrap();
    for ip in ["10.20.1.11", "10.20.1.12"] {
        let t = aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder().id(ip).port(8080).build();
        elb.register_targets().target_group_arn(arn).targets(t).send().await.unwrap();
    }
    let r = probe_spec(&account, &item).await;
    if cfg!(feature = "ec2") {
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Fail, "healthy targets in one zone only: agent-solo"),
            "{r:#?}"
        );
    } else {
        assert_eq!(r.outcome, Outcome::Error, "{r:#?}");
    }
}

/// The ECS service's own subnets: both zones, or one.
#[tokio::test]
async fn ecs_services_place_tasks_in_two_zones() {
    let (ok, bad) = accounts();
    let r = probe(ok, "aws.ecs.multi-az").await;
    if cfg!(feature = "ec2") {
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Pass, "all 1 ECS services place tasks in two zones or more"),
            "{r:#?}"
        );
        assert_eq!(r.evidence[0], "✓ service agent-api: subnets in us-east-1a, us-east-1b");
        let r = probe(bad, "aws.ecs.multi-az").await;
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Fail, "ECS services in one zone only: agent-api")
        );
    } else {
        assert_eq!(r.outcome, Outcome::Error, "{r:#?}");
        assert!(r.evidence[0].starts_with("service agent-api: subnets subnet-"), "{r:#?}");
    }
}

/// Environment Variables judged golive's own process environment on 52bd361: the service's task
/// definition is what its containers get.
#[tokio::test]
async fn the_environment_is_the_one_the_task_definition_gives() {
    item_on_both(
        "final.environment-variables",
        "the task definitions of all 1 ECS services give LOG_LEVEL, API_KEY",
        "agent-api lacks LOG_LEVEL; agent-api holds a credential in plain text in API_KEY",
    )
    .await;
    let r = probe(&accounts().1, "aws.ecs.environment").await;
    assert!(!format!("{r:?}").contains("Q3EGRV5TXPL7KZ2M"), "the value never leaves: {r:#?}");
}

/// AgentCore on moto: the good account's runtime (agent_api, found by the prefix "agent-" with its
/// `-` read as `_`), gateway and memory pass; the bad account's fail, named.
#[tokio::test]
async fn agentcore_runtimes_gateways_and_memories() {
    both(
        "aws.agentcore.authorizer",
        (Outcome::Pass, "1 runtimes and 1 gateways in scope require authentication"),
        "gateway agent-gw (authorizer NONE)",
    )
    .await;
    let r = probe(&accounts().1, "aws.agentcore.authorizer").await;
    assert_eq!(
        r.summary,
        "open to unauthenticated calls: runtime agent_api, gateway agent-gw (authorizer NONE)"
    );
    both(
        "aws.agentcore.network",
        (Outcome::Pass, "all 1 runtimes in scope run in the VPC"),
        "not in private VPC subnets: agent_api",
    )
    .await;
    both(
        "aws.agentcore.lifecycle",
        (Outcome::Pass, "all 1 runtimes end idle sessions within 900 s and every session within 28800 s"),
        "agent_api: idle timeout not set, maximum lifetime not set",
    )
    .await;
    both(
        "aws.agentcore.environment",
        (Outcome::Pass, "all 1 runtimes are given LOG_LEVEL, API_KEY"),
        "agent_api holds a credential in plain text in API_KEY",
    )
    .await;
    let r = probe(&accounts().1, "aws.agentcore.environment").await;
    assert!(!format!("{r:?}").contains("Q3EGRV5TXPL7KZ2M"), "the value never leaves: {r:#?}");
    both(
        "aws.agentcore.rollback",
        (
            Outcome::Pass,
            "all 1 runtimes serve production from a pinned version with an earlier one to go back to",
        ),
        "agent_api: endpoint production on version 1, 0 earlier versions",
    )
    .await;
    both(
        "aws.agentcore.memory",
        (Outcome::Pass, "all 1 memories expire events within 90 days"),
        "agent_memory keeps events 365 days (at most 90)",
    )
    .await;
    let r = probe(&accounts().0, "aws.agentcore.memory").await;
    assert!(
        r.evidence[0].starts_with("✓ memory agent_memory: events expire after 30 days, KMS key arn:aws:kms:")
    );
    both(
        "aws.agentcore.log-level",
        (Outcome::Pass, "all 1 runtimes log at a production level"),
        "not a production log level: agent_api: LOG_LEVEL not set",
    )
    .await;
    both(
        "aws.agentcore.gateway-exceptions",
        (Outcome::Pass, "no gateway of 1 in scope returns DEBUG error details"),
        "DEBUG error details returned to callers: agent-gw",
    )
    .await;
}

/// The IAM checks judge the role the AgentCore runtime runs as: with no task role in the target,
/// the runtime's role (agent-task in the fixtures) is the one judged.
#[tokio::test]
async fn iam_checks_judge_the_runtimes_role() {
    let (ok, bad) = accounts();
    let run = |account: &'static str, kind: &'static str| async move {
        let config = moto::config(moto::role_creds(account).await).await;
        let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
        let target = golive::probe::target::Target { task_role: None, ..moto::fixture_target(account) };
        let ctx = Arc::new(Ctx::new(Ok(session), target));
        let spec = vec![ProbeSpec { kind: kind.into(), params: Default::default() }];
        engine::run_job(ctx, spec, Duration::from_secs(20)).await
    };
    let r = run(ok, "aws.iam.no-wildcard-actions").await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "no wildcard actions in 1 policy of agent-task"),
        "{r:#?}"
    );
    let r = run(bad, "aws.iam.no-wildcard-actions").await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    let r = run(ok, "aws.iam.service-role").await;
    assert!(r.summary.starts_with("the runtime role agent-task is assumed only by AWS services"), "{r:#?}");
}

/// Prompts and responses copied into logs by Bedrock's model invocation logging fail No Sensitive
/// Data; no logging passes.
#[tokio::test]
async fn bedrock_invocation_logging_must_not_deliver_text() {
    both(
        "aws.bedrock.invocation-logging",
        (Outcome::Pass, "no model invocation logging in this region"),
        "model invocation logging delivers prompt and response text to CloudWatch Logs agent-invocations",
    )
    .await;
}

/// A soft memory reservation alone is no limit.
#[tokio::test]
async fn ecs_containers_have_hard_memory_limits() {
    both(
        "aws.ecs.memory-limits",
        (Outcome::Pass, "every container of 1 ECS services has a hard memory limit"),
        "no hard memory limit: agent-api/api",
    )
    .await;
    let r = probe(&accounts().1, "aws.ecs.memory-limits").await;
    assert!(r.evidence[0].ends_with("api reserves 256 MiB, no limit"), "{r:#?}");
}

/// Required tags other than cost allocation (here DataClassification) on every resource in scope.
#[tokio::test]
async fn required_tags_on_every_resource_in_scope() {
    item_on_both(
        "compliance.data-classification",
        "all 10 resources in scope carry DataClassification (2 alarms, 2 buckets, 1 gateway, 1 log group, 1 memory, 1 role, 1 runtime, 1 table)",
        "missing required tags: ",
    )
    .await;
}

/// READY runtimes and gateways and ACTIVE memories pass; a runtime being updated fails. (moto
/// leaves an updated runtime UPDATING for good, so this uses an account of its own.)
#[tokio::test]
async fn agentcore_resources_must_be_ready() {
    let account = moto::fresh_account();
    let script = r#"
import sys, boto3
endpoint, account, what = sys.argv[1:4]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/golive-probe", RoleSessionName="fixtures")["Credentials"]
ac = boto3.client("bedrock-agentcore-control", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
role = f"arn:aws:iam::{account}:role/agent-task"
art = {"containerConfiguration": {"containerUri": "agent:1"}}
net = {"networkMode": "PUBLIC"}
if what == "create":
    ac.create_agent_runtime(agentRuntimeName="agent_api", roleArn=role, networkConfiguration=net, agentRuntimeArtifact=art)
    ac.create_gateway(name="agent-gw", roleArn=role, protocolType="MCP", authorizerType="AWS_IAM")
    ac.create_memory(name="agent_memory", eventExpiryDuration=30)
else:
    rid = ac.list_agent_runtimes()["agentRuntimes"][0]["agentRuntimeId"]
    ac.update_agent_runtime(agentRuntimeId=rid, roleArn=role, networkConfiguration=net, agentRuntimeArtifact=art)
"#;
    let step = |what: &str| {
        let out = std::process::Command::new(moto::python())
            .args(["-c", script, &moto::url(), &account, what])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    step("create");
    let r = probe(&account, "aws.agentcore.ready").await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Pass, "1 runtimes and 1 gateways READY, 1 memories ACTIVE"),
        "{r:#?}"
    );
    assert_eq!(
        r.evidence[..3],
        ["✓ runtime agent_api: READY", "✓ gateway agent-gw: READY", "✓ memory agent_memory: ACTIVE"]
    );
    step("update");
    let r = probe(&account, "aws.agentcore.ready").await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (Outcome::Fail, "not ready: runtime agent_api is UPDATING"),
        "{r:#?}"
    );
}

/// A scope holding no internet-facing ALB (here only an internal network load balancer) is not a
/// WAF or rate-limiting pass: the public entry was not found (it passed on 52bd361).
#[tokio::test]
async fn no_internet_facing_load_balancer_is_not_a_waf_pass() {
    let (_, bad) = accounts();
    let config = moto::config(moto::role_creds(bad).await).await;
    let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
    let target =
        golive::probe::target::Target { name_prefix: Some("agent-nlb".into()), ..moto::fixture_target(bad) };
    let ctx = Arc::new(Ctx::new(Ok(session), target));
    for id in ["security.waf-enabled", "performance.rate-limiting"] {
        let r = engine::run_job(ctx.clone(), item_spec(id), Duration::from_secs(20)).await;
        assert_eq!(r.outcome, Outcome::NeedsConfig, "{id}: {r:#?}");
        assert!(r.summary.starts_with("no internet-facing application load balancer in scope"), "{r:#?}");
        assert_eq!(r.evidence[0], "load balancer agent-nlb: not an internet-facing ALB", "{r:#?}");
    }
}

#[tokio::test]
async fn xray_no_traces_fails() {
    // The passing case runs on a recorded response: moto's GetTraceSummaries reply with traces in
    // it does not parse in the Rust SDK (an empty one does).
    let r = probe_spec(&accounts().1, &item_spec("observability.distributed-tracing")).await;
    assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Fail, "no traces in the last 24 hours"), "{r:#?}");
}

#[tokio::test]
async fn s3_default_encryption_and_lifecycle() {
    let (ok, _) = accounts();
    both("aws.s3.encryption", (Outcome::Pass, "default encryption on all 2 buckets in scope"), "agent-data-")
        .await;
    let r = probe(ok, "aws.s3.encryption").await;
    assert!(
        r.evidence
            .iter()
            .filter(|e| !e.starts_with("scope: "))
            .all(|e| e.ends_with(": aws:kms key alias/agent")),
        "{r:#?}"
    );
    both("aws.s3.lifecycle", (Outcome::Pass, "lifecycle rules on all 2 buckets in scope"), "agent-data-")
        .await;
    let r = probe(ok, "aws.s3.lifecycle").await;
    assert!(
        r.evidence
            .iter()
            .filter(|e| !e.starts_with("scope: "))
            .all(|e| e.ends_with(": expire-90 expires after 90 days")),
        "{r:#?}"
    );
}

#[tokio::test]
async fn cost_allocation_tags_on_every_resource_in_scope() {
    let (ok, bad) = accounts();
    let r = probe(ok, "aws.tagging.cost-tags").await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::Pass,
            "all 10 resources in scope carry CostCenter (2 alarms, 2 buckets, 1 gateway, 1 log group, 1 memory, 1 role, 1 runtime, 1 table)"
        ),
        "{r:#?}"
    );
    let r = probe(bad, "aws.tagging.cost-tags").await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(r.summary.starts_with("missing cost allocation tags: "), "{r:#?}");
    assert!(r.summary.contains("agent-sessions") && r.summary.contains("agent-data-"), "{r:#?}");
    assert!(r.evidence.contains(&"✗ table agent-sessions: missing CostCenter".to_string()), "{r:#?}");
}

/// The Tagging API never lists a resource without tags: an untagged bucket and 120 untagged
/// alarms in scope passed as "all 125 resources in scope carry CostCenter" before.
#[tokio::test]
async fn resources_without_any_tag_fail_the_cost_allocation_check() {
    let account = moto::build_account("good");
    let config = moto::config(moto::role_creds(&account).await).await;
    let bare = format!("agent-bare-{account}");
    aws_sdk_s3::Client::new(&config).create_bucket().bucket(&bare).send().await.unwrap();
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    for i in 0..120 {
        cw.put_metric_alarm()
            .alarm_name(format!("agent-quiet-{i:03}"))
            .namespace("AgentService")
            .metric_name("errors_total")
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
            .send()
            .await
            .unwrap();
    }
    let r = probe(&account, "aws.tagging.cost-tags").await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(r.evidence.contains(&format!("✗ bucket {bare}: no tags")), "{r:#?}");
    assert!(r.evidence.contains(&"✗ alarm agent-quiet-117: no tags".to_string()), "{r:#?}");
    let shown = golive::probe::evidence::summarise(&r.evidence);
    assert!(shown.contains(&"122 alarms, 120 failing: agent-quiet-000, agent-quiet-001, agent-quiet-002, agent-quiet-003, agent-quiet-004 and 115 more".to_string()), "{shown:#?}");
}

#[tokio::test]
async fn a_tag_filter_narrows_discovery() {
    let (ok, bad) = accounts();
    let by_tag = |account: &str, tag: &str| {
        let mut target = moto::fixture_target(account);
        target.name_prefix = None;
        target.tags = vec![tag.to_string()];
        target
    };
    let spec = [ProbeSpec { kind: "aws.dynamodb.pitr".into(), params: Default::default() }];
    for (account, tag, want) in [
        (ok, "CostCenter=launch", (Outcome::Pass, "point-in-time recovery on all 1 tables in scope")),
        (bad, "app=agent", (Outcome::Fail, "no point-in-time recovery on 1 of 1 tables: agent-sessions")),
    ] {
        let config = moto::config(moto::role_creds(account).await).await;
        let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
        let ctx = Arc::new(Ctx::new(Ok(session), by_tag(account, tag)));
        let r = engine::run_job(ctx, spec.to_vec(), Duration::from_secs(20)).await;
        assert_eq!((r.outcome, r.summary.as_str()), want, "{tag}: {r:#?}");
    }
    // Nothing carries the tag: said plainly, never a pass.
    let config = moto::config(moto::role_creds(bad).await).await;
    let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
    let ctx = Arc::new(Ctx::new(Ok(session), by_tag(bad, "CostCenter")));
    let r = engine::run_job(ctx, spec.to_vec(), Duration::from_secs(20)).await;
    assert_eq!(
        (r.outcome, r.summary.as_str()),
        (
            Outcome::NeedsConfig,
            "no DynamoDB tables tagged CostCenter in the account and region: set tables, name_prefix or tags in the target"
        )
    );
}

#[tokio::test]
async fn several_probes_on_one_item_the_worst_decides() {
    let (ok, bad) = accounts();
    let r = probe_spec(ok, &item_spec("security.data-retention")).await;
    assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    assert_eq!(
        r.summary,
        "TTL on all 1 tables in scope; lifecycle rules on all 2 buckets in scope; all 1 memories expire events within 90 days"
    );
    assert!(r.evidence[0].starts_with("pass aws.dynamodb.ttl: "), "{r:#?}");
    assert!(r.evidence.iter().any(|e| e.starts_with("pass aws.s3.lifecycle: ")), "{r:#?}");
    assert!(r.evidence.iter().any(|e| e.starts_with("  ✓ bucket agent-data-")), "{r:#?}");
    let r = probe_spec(bad, &item_spec("security.data-retention")).await;
    assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
    assert!(
        r.summary.starts_with("no TTL on 1 of 1 tables: agent-sessions; no lifecycle rules: agent-trail-"),
        "{r:#?}"
    );
}

#[cfg(feature = "ec2")]
mod ec2 {
    use super::*;

    #[tokio::test]
    async fn private_subnets() {
        both(
            "aws.ec2.private-subnets",
            (Outcome::Pass, "all 2 subnets in scope are private"),
            "agent-public-b",
        )
        .await;
        let r = probe(&accounts().1, "aws.ec2.private-subnets").await;
        assert_eq!(r.summary, "public subnets: agent-public-b");
        let line = r.evidence.iter().find(|e| e.starts_with("✗ subnet agent-public-b")).unwrap();
        assert!(
            line.ends_with("maps public IPs on launch, routes to internet gateway igw-")
                || line.contains("routes to internet gateway igw-"),
            "{line}"
        );
    }

    #[tokio::test]
    async fn security_groups_open_only_https_on_the_load_balancer() {
        both(
            "aws.ec2.security-groups",
            (Outcome::Pass, "no security group of 2 in scope is open to the internet"),
            "agent-app-sg",
        )
        .await;
        let r = probe(&accounts().0, "aws.ec2.security-groups").await;
        assert!(
            r.evidence.iter().any(|e| e.contains("agent-alb-sg") && e.contains("used by a load balancer")),
            "{r:#?}"
        );
        let r = probe(&accounts().1, "aws.ec2.security-groups").await;
        assert!(r.evidence.iter().any(|e| e.ends_with("open to the internet on tcp 22")), "{r:#?}");
    }

    #[tokio::test]
    async fn vpc_endpoints_for_dynamodb_and_bedrock() {
        let (ok, bad) = accounts();
        let spec = item_spec("security.vpc-endpoints");
        let r = probe_spec(ok, &spec).await;
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Pass, "VPC endpoints available for dynamodb, bedrock-runtime"),
            "{r:#?}"
        );
        let r = probe_spec(bad, &spec).await;
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Fail, "no available VPC endpoint for: bedrock-runtime"),
            "{r:#?}"
        );
    }

    /// An EC2 client answering from recorded EC2 responses: `answer` maps a request's form body
    /// (Action=...&NextToken=...) to the XML of the reply.
    fn recorded_ec2(answer: fn(&str) -> String) -> aws_sdk_ec2::Client {
        let http = aws_smithy_http_client::test_util::infallible_client_fn(move |req| {
            let body = std::str::from_utf8(req.body().bytes().unwrap_or_default()).unwrap_or("").to_string();
            http::Response::builder().status(200).body(answer(&body)).unwrap()
        });
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ec2::config::Credentials::new("a", "b", None, None, "test"))
            .http_client(http)
            .build();
        aws_sdk_ec2::Client::from_conf(conf)
    }

    /// The Bedrock runtime endpoint on DescribeVpcEndpoints' second page (52bd361 read one page).
    #[tokio::test]
    async fn a_vpc_endpoint_on_a_later_page_counts() {
        let client = recorded_ec2(|body| {
            let (service, next) = if body.contains("NextToken=page-2") {
                ("bedrock-runtime", "")
            } else {
                ("dynamodb", "<nextToken>page-2</nextToken>")
            };
            format!(
                r#"<DescribeVpcEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcEndpointSet><item><vpcEndpointId>vpce-{service}</vpcEndpointId><vpcId>vpc-1</vpcId><serviceName>com.amazonaws.us-east-1.{service}</serviceName><state>Available</state></item></vpcEndpointSet>{next}</DescribeVpcEndpointsResponse>"#
            )
        });
        let services = ["dynamodb".to_string(), "bedrock-runtime".to_string()];
        let v = golive::probe::aws::ec2::vpc_endpoints(&client, &services).await.unwrap_or_else(|v| v);
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "VPC endpoints available for dynamodb, bedrock-runtime"),
            "{v:?}"
        );
    }

    /// The load balancer that uses the HTTPS group is on DescribeLoadBalancers' second page: only
    /// then is its 443 from anywhere allowed (52bd361 read one page and failed the group).
    #[tokio::test]
    async fn a_load_balancer_on_a_later_page_vouches_for_its_group() {
        use aws_sdk_elasticloadbalancingv2::Client;
        use aws_sdk_elasticloadbalancingv2::operation::describe_load_balancers::DescribeLoadBalancersOutput;
        use aws_sdk_elasticloadbalancingv2::types::LoadBalancer;
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let ec2 = recorded_ec2(|_| {
            r#"<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><securityGroupInfo><item><groupId>sg-web</groupId><groupName>agent-web</groupName><vpcId>vpc-1</vpcId><ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissions></item></securityGroupInfo></DescribeSecurityGroupsResponse>"#.to_string()
        });
        let first = mock!(Client::describe_load_balancers)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| {
                let lb =
                    LoadBalancer::builder().load_balancer_name("other").security_groups("sg-other").build();
                DescribeLoadBalancersOutput::builder().load_balancers(lb).next_marker("page-2").build()
            });
        let second = mock!(Client::describe_load_balancers)
            .match_requests(|r| r.marker() == Some("page-2"))
            .then_output(|| {
                let lb =
                    LoadBalancer::builder().load_balancer_name("agent-alb").security_groups("sg-web").build();
                DescribeLoadBalancersOutput::builder().load_balancers(lb).build()
            });
        let elb = mock_client!(aws_sdk_elasticloadbalancingv2, RuleMode::MatchAny, [&first, &second]);
        let ctx = crate::agents();
        let v = golive::probe::aws::ec2::security_groups(&ctx, &ec2, &elb).await.unwrap_or_else(|v| v);
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "no security group of 1 in scope is open to the internet"),
            "{v:?}"
        );
    }

    /// A runtime in VPC mode is not private when its subnet is public.
    #[tokio::test]
    async fn an_agentcore_runtime_in_a_public_subnet_fails() {
        let account = moto::build_account("bad");
        let script = r#"
import sys, boto3
endpoint, account = sys.argv[1:3]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/golive-probe", RoleSessionName="fixtures")["Credentials"]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
ec2 = boto3.client("ec2", **kw)
public = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["agent-public-b"]}])["Subnets"][0]["SubnetId"]
group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["agent-app-sg"]}])["SecurityGroups"][0]["GroupId"]
boto3.client("bedrock-agentcore-control", **kw).create_agent_runtime(agentRuntimeName="agent_edge",
    roleArn=f"arn:aws:iam::{account}:role/agent-task", agentRuntimeArtifact={"containerConfiguration": {"containerUri": "agent:1"}},
    networkConfiguration={"networkMode": "VPC", "networkModeConfig": {"subnets": [public], "securityGroups": [group]}})
"#;
        let out = std::process::Command::new(moto::python())
            .args(["-c", script, &moto::url(), &account])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let config = moto::config(moto::role_creds(&account).await).await;
        let session = connect_with(config, Duration::from_secs(10), "default").await.unwrap();
        let target = golive::probe::target::Target {
            agent_runtimes: vec!["agent_edge".into()],
            ..moto::fixture_target(&account)
        };
        let ctx = Arc::new(Ctx::new(Ok(session), target));
        let spec = vec![ProbeSpec { kind: "aws.agentcore.network".into(), params: Default::default() }];
        let r = engine::run_job(ctx, spec, Duration::from_secs(20)).await;
        assert_eq!(
            (r.outcome, r.summary.as_str()),
            (Outcome::Fail, "not in private VPC subnets: agent_edge"),
            "{r:#?}"
        );
        assert!(
            r.evidence[0].contains("network mode VPC, 1 subnets, 1 security groups; public subnets: subnet-"),
            "{r:#?}"
        );
    }

    #[tokio::test]
    async fn ebs_encryption_by_default() {
        let (ok, bad) = accounts();
        let r = probe(ok, "aws.ec2.ebs-encryption").await;
        assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Pass, "EBS encryption by default is on"));
        let r = probe(bad, "aws.ec2.ebs-encryption").await;
        assert_eq!(r.outcome, Outcome::Fail);
    }

    #[tokio::test]
    async fn encryption_at_rest_covers_dynamodb_s3_and_ebs() {
        let (ok, bad) = accounts();
        let r = probe_spec(ok, &item_spec("security.encryption-at-rest")).await;
        assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
        let r = probe_spec(bad, &item_spec("security.encryption-at-rest")).await;
        assert_eq!(r.outcome, Outcome::Fail, "{r:#?}");
        assert!(
            r.summary.ends_with("EBS encryption by default is off: new volumes are unencrypted"),
            "{r:#?}"
        );
    }
}

/// Without the ec2 feature the EC2 kinds are known but say which build they need, without calling
/// AWS: undecided, never a warning that lets a release through (it was a warning on 52bd361).
#[cfg(not(feature = "ec2"))]
#[tokio::test]
async fn ec2_probes_say_they_need_the_ec2_build() {
    let ctx = Arc::new(Ctx::new(Err(golive::probe::Verdict::error("no AWS here")), Default::default()));
    let subnets = [ProbeSpec { kind: "aws.ec2.private-subnets".into(), params: Default::default() }];
    let r = engine::run_job(ctx.clone(), subnets.to_vec(), Duration::from_secs(5)).await;
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(r.summary, "not checked: this golive was built without the `ec2` feature", "{r:#?}");
    // Merged into an item with other checks, the part that cannot run leaves it undecided.
    let (ok, _) = accounts();
    let r = probe_spec(ok, &item_spec("security.encryption-at-rest")).await;
    assert_eq!(r.outcome, Outcome::Error, "{r:#?}");
    assert!(r.summary.starts_with("not checked: this golive was built without the `ec2` feature"), "{r:#?}");
    assert!(r.evidence.iter().any(|e| e.starts_with("pass aws.s3.encryption: ")), "{r:#?}");
}

/// moto does not report global table replicas or issue renewable certificates: those passing
/// cases run on recorded responses through the SDK's mock client.
mod recorded {
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use golive::probe::Outcome;
    use golive::probe::aws::{acm, bedrock, dynamodb};
    use golive::probe::target::Target;

    /// moto's GetTraceSummaries reply with traces in it does not parse in the Rust SDK.
    #[tokio::test]
    async fn recent_traces_pass_and_none_fail() {
        use aws_sdk_xray::Client;
        use aws_sdk_xray::operation::get_trace_summaries::GetTraceSummariesOutput;
        use aws_sdk_xray::types::TraceSummary;
        let client = |n: usize| {
            let rule = mock!(Client::get_trace_summaries).then_output(move || {
                let mut out = GetTraceSummariesOutput::builder();
                for i in 0..n {
                    out = out.trace_summaries(TraceSummary::builder().id(format!("1-0-{i}")).build());
                }
                out.build()
            });
            mock_client!(aws_sdk_xray, RuleMode::MatchAny, [&rule])
        };
        // 24 hours are asked for in four 6-hour windows; each answers 2 here.
        let v = golive::probe::aws::xray::traces(&client(2), 24).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "8 traces recorded in the last 24 hours")
        );
        let v = golive::probe::aws::xray::traces(&client(0), 24).await;
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Fail, "no traces in the last 24 hours"));
    }

    /// moto does not implement GetSamplingRules. The built-in Default rule left as it is was a
    /// pass on 52bd361: it is nobody's decision.
    #[tokio::test]
    async fn sampling_chosen_below_100_percent_passes() {
        use aws_sdk_xray::Client;
        use aws_sdk_xray::operation::get_sampling_rules::GetSamplingRulesOutput;
        use aws_sdk_xray::types::{SamplingRule, SamplingRuleRecord};
        let client = |rules: Vec<(&'static str, f64)>| {
            let rules = mock!(Client::get_sampling_rules).then_output(move || {
                let mut out = GetSamplingRulesOutput::builder();
                for (name, rate) in rules.clone() {
                    let rule = SamplingRule::builder()
                        .rule_name(name)
                        .fixed_rate(rate)
                        .reservoir_size(1)
                        .priority(10000)
                        .resource_arn("*")
                        .service_name("*")
                        .service_type("*")
                        .host("*")
                        .http_method("*")
                        .url_path("*")
                        .version(1)
                        .build()
                        .unwrap();
                    out =
                        out.sampling_rule_records(SamplingRuleRecord::builder().sampling_rule(rule).build());
                }
                out.build()
            });
            mock_client!(aws_sdk_xray, RuleMode::MatchAny, [&rules])
        };
        let v = golive::probe::aws::xray::sampling(&client(vec![("Default", 0.05)])).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (
                Outcome::NeedsConfig,
                "only the built-in Default rule (5 %, 1/s): no sampling was chosen for the service"
            )
        );
        assert_eq!(v.evidence, ["rule Default: fixed rate 0.05, reservoir 1/s"]);
        let v =
            golive::probe::aws::xray::sampling(&client(vec![("agent-api", 0.1), ("Default", 0.05)])).await;
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Pass, "2 sampling rules, none at 100 %"));
        let v = golive::probe::aws::xray::sampling(&client(vec![("Default", 1.0)])).await;
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Fail, "sampling 100 %: Default"));
    }

    /// Composite alarms (alarms on alarms) are alarms too: 52bd361 listed metric alarms only, so
    /// a composite alarm without a runbook passed Alert Runbooks, and one paging on-call was not
    /// found. moto routes no PutCompositeAlarm: recorded responses.
    #[tokio::test]
    async fn composite_alarms_are_judged_with_the_metric_alarms() {
        use aws_sdk_cloudwatch::Client;
        use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
        use aws_sdk_cloudwatch::types::{CompositeAlarm, MetricAlarm, StateValue};
        let alarms = mock!(Client::describe_alarms).then_output(|| {
            let latency = MetricAlarm::builder()
                .alarm_name("agent-HighLatency")
                .alarm_description("Runbook: https://wiki/runbooks/latency")
                .alarm_actions("arn:aws:sns:us-east-1:1:oncall")
                .state_value(StateValue::Ok)
                .build();
            let errors = CompositeAlarm::builder()
                .alarm_name("agent-HighErrorRate")
                .alarm_rule("ALARM(agent-5xx) OR ALARM(agent-timeouts)")
                .alarm_actions("arn:aws:sns:us-east-1:1:oncall")
                .actions_enabled(true)
                .state_value(StateValue::Ok)
                .build();
            DescribeAlarmsOutput::builder().metric_alarms(latency).composite_alarms(errors).build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&alarms]);
        let ctx = crate::agents();
        let v: golive::probe::Verdict = golive::probe::aws::cloudwatch::runbooks(&client, &ctx).await.into();
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Fail, "no runbook link: agent-HighErrorRate"));
        let v: golive::probe::Verdict =
            golive::probe::aws::cloudwatch::alarm(&client, &ctx, "HighErrorRate").await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "HighErrorRate alarms with actions: agent-HighErrorRate")
        );
    }

    /// moto does not implement DescribeAlarmHistory.
    #[tokio::test]
    async fn alarms_are_tested_when_their_history_shows_alarm() {
        use aws_sdk_cloudwatch::Client;
        use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
        use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
        use aws_sdk_cloudwatch::types::{AlarmHistoryItem, MetricAlarm, StateValue};
        let client = |fired: bool| {
            let alarms = mock!(Client::describe_alarms).then_output(|| {
                let a = MetricAlarm::builder()
                    .alarm_name("agent-HighErrorRate")
                    .state_value(StateValue::Ok)
                    .build();
                DescribeAlarmsOutput::builder().metric_alarms(a).build()
            });
            let summary = if fired {
                "Alarm updated from OK to ALARM"
            } else {
                "Alarm updated from INSUFFICIENT_DATA to OK"
            };
            let history = mock!(Client::describe_alarm_history).then_output(move || {
                DescribeAlarmHistoryOutput::builder()
                    .alarm_history_items(AlarmHistoryItem::builder().history_summary(summary).build())
                    .build()
            });
            mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&alarms, &history])
        };
        let ctx = crate::agents();
        let v: golive::probe::Verdict =
            golive::probe::aws::cloudwatch::tested(&client(true), &ctx).await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "1 alarm in scope, all fired at least once")
        );
        let v: golive::probe::Verdict =
            golive::probe::aws::cloudwatch::tested(&client(false), &ctx).await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "never tested (never in ALARM): agent-HighErrorRate")
        );
    }

    /// Every listing follows its pages: here the one offending resource is on the second page,
    /// and ListCertificates asks for every key type (without the filter ACM lists RSA 1024/2048
    /// only, so an expiring ECDSA certificate was never judged).
    #[tokio::test]
    async fn an_ecdsa_certificate_on_a_later_page_is_judged() {
        use aws_sdk_acm::Client;
        use aws_sdk_acm::operation::describe_certificate::DescribeCertificateOutput;
        use aws_sdk_acm::operation::list_certificates::{ListCertificatesInput, ListCertificatesOutput};
        use aws_sdk_acm::types::{CertificateDetail, CertificateSummary, KeyAlgorithm, RenewalEligibility};
        let every_key = |r: &ListCertificatesInput| {
            r.includes().is_some_and(|f| {
                [KeyAlgorithm::EcPrime256v1, KeyAlgorithm::EcSecp384r1, KeyAlgorithm::Rsa4096]
                    .iter()
                    .all(|k| f.key_types().contains(k))
            })
        };
        let arn = |n: u8| format!("arn:aws:acm:us-east-1:111122223333:certificate/{n}");
        let first = mock!(Client::list_certificates)
            .match_requests(move |r| every_key(r) && r.next_token().is_none())
            .then_output(move || {
                ListCertificatesOutput::builder()
                    .certificate_summary_list(CertificateSummary::builder().certificate_arn(arn(1)).build())
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::list_certificates)
            .match_requests(move |r| every_key(r) && r.next_token() == Some("page-2"))
            .then_output(move || {
                ListCertificatesOutput::builder()
                    .certificate_summary_list(CertificateSummary::builder().certificate_arn(arn(2)).build())
                    .build()
            });
        let now = chrono::Utc::now().timestamp();
        let detail = move |n: u8, domain: &str, days: i64| {
            let detail = CertificateDetail::builder()
                .certificate_arn(arn(n))
                .domain_name(domain)
                .status(aws_sdk_acm::types::CertificateStatus::Issued)
                .renewal_eligibility(RenewalEligibility::Eligible)
                .not_after(aws_sdk_acm::primitives::DateTime::from_secs(now + days * 86_400 + 3600))
                .build();
            DescribeCertificateOutput::builder().certificate(detail).build()
        };
        let rsa = mock!(Client::describe_certificate)
            .match_requests(move |r| r.certificate_arn() == Some(arn(1).as_str()))
            .then_output(move || detail(1, "rsa.agent.example.com", 300));
        let ecdsa = mock!(Client::describe_certificate)
            .match_requests(move |r| r.certificate_arn() == Some(arn(2).as_str()))
            .then_output(move || detail(2, "ecdsa.agent.example.com", 3));
        let client = mock_client!(aws_sdk_acm, RuleMode::MatchAny, [&first, &second, &rsa, &ecdsa]);
        let v = acm::certificates(&client, 30).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "ecdsa.agent.example.com expires in 3 days"),
            "{v:?}"
        );
    }

    /// An EMF metric carries dimensions: CloudWatch answers a query without them with nothing,
    /// so 52bd361 failed a service publishing every day. The baseline it saw is recorded. (moto
    /// matches a query without dimensions to every series and computes no percentiles.)
    #[tokio::test]
    async fn the_baseline_reads_the_metric_with_its_dimensions_and_records_p50_p95() {
        use aws_sdk_cloudwatch::Client;
        use aws_sdk_cloudwatch::operation::get_metric_statistics::GetMetricStatisticsOutput;
        use aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput;
        use aws_sdk_cloudwatch::primitives::DateTime;
        use aws_sdk_cloudwatch::types::{Datapoint, Dimension, Metric};
        let dim = || Dimension::builder().name("Service").value("agent-api").build();
        let list = mock!(Client::list_metrics).then_output(move || {
            let m = Metric::builder()
                .namespace("AgentService")
                .metric_name("requests_total")
                .dimensions(dim())
                .build();
            ListMetricsOutput::builder().metrics(m).build()
        });
        let now = chrono::Utc::now().timestamp();
        let daily = mock!(Client::get_metric_statistics)
            .match_requests(move |r| r.dimensions() == [dim()] && r.period() == Some(86_400))
            .then_output(move || {
                let mut out = GetMetricStatisticsOutput::builder();
                for day in 0..7 {
                    out = out.datapoints(
                        Datapoint::builder()
                            .timestamp(DateTime::from_secs(now - day * 86_400 - 3600))
                            .sample_count(120.0)
                            .build(),
                    );
                }
                out.build()
            });
        let week = mock!(Client::get_metric_statistics)
            .match_requests(move |r| r.dimensions() == [dim()] && r.extended_statistics() == ["p50", "p95"])
            .then_output(move || {
                let point = Datapoint::builder()
                    .timestamp(DateTime::from_secs(now - 7 * 86_400))
                    .extended_statistics("p50", 0.21)
                    .extended_statistics("p95", 1.8)
                    .build();
                GetMetricStatisticsOutput::builder().datapoints(point).build()
            });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&list, &daily, &week]);
        let scope = Target { metrics_namespace: Some("AgentService".into()), ..Target::default() };
        let ctx = crate::offline(scope);
        let v: golive::probe::Verdict =
            golive::probe::aws::cloudwatch::baseline(&client, &ctx, "requests_total", 7).await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (
                Outcome::Pass,
                "requests_total has data on 7 of the past 7 days; baseline p50 0.21, p95 1.8 over 7 days (Service=agent-api)"
            ),
            "{v:?}"
        );
        assert_eq!(
            v.evidence[0],
            "✓ metric AgentService/requests_total (Service=agent-api): data on 7 of the past 7 days"
        );
    }

    /// A target group with health checks off on DescribeTargetGroups' second page.
    #[tokio::test]
    async fn a_target_group_on_a_later_page_is_judged() {
        use aws_sdk_elasticloadbalancingv2::Client;
        use aws_sdk_elasticloadbalancingv2::operation::describe_target_groups::DescribeTargetGroupsOutput;
        use aws_sdk_elasticloadbalancingv2::operation::describe_target_health::DescribeTargetHealthOutput;
        use aws_sdk_elasticloadbalancingv2::types::{
            TargetDescription, TargetGroup, TargetHealth, TargetHealthDescription, TargetHealthStateEnum,
        };
        let group = |name: &str, checks: bool| {
            TargetGroup::builder()
                .target_group_name(name)
                .target_group_arn(format!("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/{name}/1"))
                .health_check_enabled(checks)
                .health_check_path("/health")
                .build()
        };
        let first = mock!(Client::describe_target_groups)
            .match_requests(|r| r.marker().is_none())
            .then_output(move || {
                DescribeTargetGroupsOutput::builder()
                    .target_groups(group("agent-api", true))
                    .next_marker("page-2")
                    .build()
            });
        let second = mock!(Client::describe_target_groups)
            .match_requests(|r| r.marker() == Some("page-2"))
            .then_output(move || {
                DescribeTargetGroupsOutput::builder().target_groups(group("agent-worker", false)).build()
            });
        let health = mock!(Client::describe_target_health).then_output(|| {
            let healthy = TargetHealthDescription::builder()
                .target(TargetDescription::builder().id("10.0.1.10").port(8080).build())
                .target_health(TargetHealth::builder().state(TargetHealthStateEnum::Healthy).build())
                .build();
            DescribeTargetHealthOutput::builder().target_health_descriptions(healthy).build()
        });
        let client =
            mock_client!(aws_sdk_elasticloadbalancingv2, RuleMode::MatchAny, [&first, &second, &health]);
        let ctx = crate::agents();
        let v: golive::probe::Verdict = golive::probe::aws::elbv2::health_checks(&client, &ctx).await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "agent-worker has health checks off"),
            "{v:?}"
        );
    }

    /// A wildcard policy on ListRolePolicies' second page, and a managed one on
    /// ListAttachedRolePolicies' second page.
    #[tokio::test]
    async fn role_policies_on_later_pages_are_judged() {
        use aws_sdk_iam::Client;
        use aws_sdk_iam::operation::get_policy::GetPolicyOutput;
        use aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput;
        use aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput;
        use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
        use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
        use aws_sdk_iam::types::{AttachedPolicy, Policy, PolicyVersion};
        let doc = |action: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"arn:aws:s3:::agent-data/*"}}]}}"#
            )
        };
        let inline_1 =
            mock!(Client::list_role_policies).match_requests(|r| r.marker().is_none()).then_output(|| {
                ListRolePoliciesOutput::builder()
                    .policy_names("read")
                    .is_truncated(true)
                    .marker("page-2")
                    .build()
                    .unwrap()
            });
        let inline_2 = mock!(Client::list_role_policies)
            .match_requests(|r| r.marker() == Some("page-2"))
            .then_output(|| ListRolePoliciesOutput::builder().policy_names("wide").build().unwrap());
        let get_inline = mock!(Client::get_role_policy).then_output(move || {
            GetRolePolicyOutput::builder()
                .role_name("agent-task")
                .policy_name("any")
                .policy_document(doc("s3:GetObject"))
                .build()
                .unwrap()
        });
        let wide = mock!(Client::get_role_policy)
            .match_requests(|r| r.policy_name() == Some("wide"))
            .then_output(move || {
                GetRolePolicyOutput::builder()
                    .role_name("agent-task")
                    .policy_name("wide")
                    .policy_document(doc("s3:*"))
                    .build()
                    .unwrap()
            });
        let attached_1 =
            mock!(Client::list_attached_role_policies).match_requests(|r| r.marker().is_none()).then_output(
                || ListAttachedRolePoliciesOutput::builder().is_truncated(true).marker("page-2").build(),
            );
        let arn = "arn:aws:iam::1:policy/agent-admin";
        let attached_2 = mock!(Client::list_attached_role_policies)
            .match_requests(|r| r.marker() == Some("page-2"))
            .then_output(move || {
                ListAttachedRolePoliciesOutput::builder()
                    .attached_policies(AttachedPolicy::builder().policy_arn(arn).build())
                    .build()
            });
        let policy = mock!(Client::get_policy).then_output(move || {
            GetPolicyOutput::builder()
                .policy(Policy::builder().arn(arn).default_version_id("v1").build())
                .build()
        });
        let version = mock!(Client::get_policy_version).then_output(move || {
            GetPolicyVersionOutput::builder()
                .policy_version(PolicyVersion::builder().document(doc("dynamodb:*")).build())
                .build()
        });
        let client = mock_client!(
            aws_sdk_iam,
            RuleMode::MatchAny,
            [&inline_1, &inline_2, &wide, &get_inline, &attached_1, &attached_2, &policy, &version]
        );
        let scope = Target { task_role: Some("agent-task".into()), ..Target::default() };
        let ctx = crate::offline(scope);
        let v: golive::probe::Verdict = golive::probe::aws::iam::judge_policies(
            &client,
            &ctx,
            "agent-task",
            golive::probe::aws::iam::Rule::Actions,
        )
        .await
        .into();
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let text = v.evidence.join("\n");
        assert!(text.contains("inline policy wide") && text.contains("s3:*"), "{text}");
        assert!(
            text.contains("managed policy arn:aws:iam::1:policy/agent-admin") && text.contains("dynamodb:*"),
            "{text}"
        );
    }

    /// GetLogEvents may answer a page with no events and a backward token while older events
    /// remain: the sample follows it. On 52bd361 the first (empty) page was all that was read.
    #[tokio::test]
    async fn structured_logging_follows_the_backward_token() {
        use aws_sdk_cloudwatchlogs::Client;
        use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
        use aws_sdk_cloudwatchlogs::operation::describe_log_streams::DescribeLogStreamsOutput;
        use aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsOutput;
        use aws_sdk_cloudwatchlogs::types::{LogGroup, LogStream, OutputLogEvent};
        let now = chrono::Utc::now().timestamp_millis();
        let groups = mock!(Client::describe_log_groups).then_output(|| {
            DescribeLogGroupsOutput::builder()
                .log_groups(LogGroup::builder().log_group_name("agent-app").build())
                .build()
        });
        let streams = mock!(Client::describe_log_streams).then_output(move || {
            let s = LogStream::builder().log_stream_name("task-1").last_event_timestamp(now - 60_000).build();
            DescribeLogStreamsOutput::builder().log_streams(s).build()
        });
        let empty =
            mock!(Client::get_log_events).match_requests(|r| r.next_token().is_none()).then_output(|| {
                GetLogEventsOutput::builder().next_backward_token("b/older").next_forward_token("f/1").build()
            });
        let older = mock!(Client::get_log_events)
            .match_requests(|r| r.next_token() == Some("b/older"))
            .then_output(move || {
                GetLogEventsOutput::builder()
                    .events(
                        OutputLogEvent::builder()
                            .timestamp(now - 120_000)
                            .message("plain text, no JSON")
                            .build(),
                    )
                    .next_backward_token("b/older")
                    .build()
            });
        let client =
            mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&groups, &streams, &empty, &older]);
        let ctx = crate::agents();
        let v: golive::probe::Verdict =
            golive::probe::aws::logs::structured(&client, &ctx, "request_id").await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "unstructured events in agent-app"),
            "{v:?}"
        );
        assert_eq!(v.evidence[1], "  e.g. stream task-1: plain text, no JSON");
    }

    /// A dashboard without widgets on ListDashboards' second page.
    #[tokio::test]
    async fn an_empty_dashboard_on_a_later_page_fails() {
        use aws_sdk_cloudwatch::Client;
        use aws_sdk_cloudwatch::operation::get_dashboard::GetDashboardOutput;
        use aws_sdk_cloudwatch::operation::list_dashboards::ListDashboardsOutput;
        use aws_sdk_cloudwatch::types::DashboardEntry;
        let first =
            mock!(Client::list_dashboards).match_requests(|r| r.next_token().is_none()).then_output(|| {
                ListDashboardsOutput::builder()
                    .dashboard_entries(DashboardEntry::builder().dashboard_name("agent-main").build())
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::list_dashboards)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(|| {
                ListDashboardsOutput::builder()
                    .dashboard_entries(DashboardEntry::builder().dashboard_name("agent-empty").build())
                    .build()
            });
        let main = mock!(Client::get_dashboard)
            .match_requests(|r| r.dashboard_name() == Some("agent-main"))
            .then_output(|| {
                GetDashboardOutput::builder()
                    .dashboard_name("agent-main")
                    .dashboard_body(r#"{"widgets":[{"type":"text"}]}"#)
                    .build()
            });
        let empty = mock!(Client::get_dashboard)
            .match_requests(|r| r.dashboard_name() == Some("agent-empty"))
            .then_output(|| {
                GetDashboardOutput::builder()
                    .dashboard_name("agent-empty")
                    .dashboard_body(r#"{"widgets":[]}"#)
                    .build()
            });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&first, &second, &main, &empty]);
        let ctx = crate::agents();
        let v: golive::probe::Verdict =
            golive::probe::aws::cloudwatch::dashboards(&client, &ctx).await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "dashboards without widgets: agent-empty")
        );
    }

    /// An alarm whose firing is on the second page of its history has been tested.
    #[tokio::test]
    async fn alarm_history_is_read_past_its_first_page() {
        use aws_sdk_cloudwatch::Client;
        use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
        use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
        use aws_sdk_cloudwatch::types::{AlarmHistoryItem, MetricAlarm, StateValue};
        let alarms = mock!(Client::describe_alarms).then_output(|| {
            let a =
                MetricAlarm::builder().alarm_name("agent-HighErrorRate").state_value(StateValue::Ok).build();
            DescribeAlarmsOutput::builder().metric_alarms(a).build()
        });
        let item = |s: &str| AlarmHistoryItem::builder().history_summary(s).build();
        let first = mock!(Client::describe_alarm_history)
            .match_requests(|r| r.next_token().is_none())
            .then_output(move || {
                DescribeAlarmHistoryOutput::builder()
                    .alarm_history_items(item("Alarm updated from INSUFFICIENT_DATA to OK"))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::describe_alarm_history)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(move || {
                DescribeAlarmHistoryOutput::builder()
                    .alarm_history_items(item("Alarm updated from OK to ALARM"))
                    .build()
            });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&alarms, &first, &second]);
        let ctx = crate::agents();
        let v: golive::probe::Verdict = golive::probe::aws::cloudwatch::tested(&client, &ctx).await.into();
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "1 alarm in scope, all fired at least once")
        );
    }

    /// A 100 % sampling rule on GetSamplingRules' second page.
    #[tokio::test]
    async fn a_sampling_rule_on_a_later_page_is_judged() {
        use aws_sdk_xray::Client;
        use aws_sdk_xray::operation::get_sampling_rules::GetSamplingRulesOutput;
        use aws_sdk_xray::types::{SamplingRule, SamplingRuleRecord};
        let record = |name: &str, rate: f64| {
            let rule = SamplingRule::builder()
                .rule_name(name)
                .fixed_rate(rate)
                .reservoir_size(1)
                .priority(100)
                .resource_arn("*")
                .service_name("*")
                .service_type("*")
                .host("*")
                .http_method("*")
                .url_path("*")
                .version(1)
                .build()
                .unwrap();
            SamplingRuleRecord::builder().sampling_rule(rule).build()
        };
        let first = mock!(Client::get_sampling_rules)
            .match_requests(|r| r.next_token().is_none())
            .then_output(move || {
                GetSamplingRulesOutput::builder()
                    .sampling_rule_records(record("agent-api", 0.1))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::get_sampling_rules)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(move || {
                GetSamplingRulesOutput::builder().sampling_rule_records(record("agent-debug", 1.0)).build()
            });
        let client = mock_client!(aws_sdk_xray, RuleMode::MatchAny, [&first, &second]);
        let v = golive::probe::aws::xray::sampling(&client).await;
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Fail, "sampling 100 %: agent-debug"));
    }

    #[tokio::test]
    async fn dynamodb_tables_with_replicas_pass_and_can_be_required() {
        use aws_sdk_dynamodb::Client;
        use aws_sdk_dynamodb::operation::describe_table::DescribeTableOutput;
        use aws_sdk_dynamodb::operation::list_tables::ListTablesOutput;
        use aws_sdk_dynamodb::types::{ReplicaDescription, TableDescription};
        let list = mock!(Client::list_tables)
            .then_output(|| ListTablesOutput::builder().table_names("agent-sessions").build());
        let describe = mock!(Client::describe_table).then_output(|| {
            let replica = ReplicaDescription::builder().region_name("eu-west-1").build();
            DescribeTableOutput::builder()
                .table(TableDescription::builder().table_name("agent-sessions").replicas(replica).build())
                .build()
        });
        let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&list, &describe]);
        let target = Target { name_prefix: Some("agent-".into()), ..Default::default() };
        let ctx = crate::offline(target);
        let v: golive::probe::Verdict = dynamodb::replicas(&client, &ctx, true).await.into();
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Pass, "replicas on all 1 tables in scope"));
        assert_eq!(v.evidence, ["✓ table agent-sessions: replicas in eu-west-1"]);
    }

    fn acm_client(
        status: aws_sdk_acm::types::CertificateStatus,
        renewal: aws_sdk_acm::types::RenewalEligibility,
        days: i64,
    ) -> aws_sdk_acm::Client {
        use aws_sdk_acm::Client;
        use aws_sdk_acm::operation::describe_certificate::DescribeCertificateOutput;
        use aws_sdk_acm::operation::list_certificates::ListCertificatesOutput;
        use aws_sdk_acm::types::{CertificateDetail, CertificateSummary};
        let arn = "arn:aws:acm:us-east-1:111122223333:certificate/1";
        let list = mock!(Client::list_certificates).then_output(move || {
            ListCertificatesOutput::builder()
                .certificate_summary_list(CertificateSummary::builder().certificate_arn(arn).build())
                .build()
        });
        let not_after = aws_sdk_acm::primitives::DateTime::from_secs(
            chrono::Utc::now().timestamp() + days * 86_400 + 3600,
        );
        let describe = mock!(Client::describe_certificate).then_output(move || {
            let detail = CertificateDetail::builder()
                .certificate_arn(arn)
                .domain_name("api.agent.example.com")
                .status(status.clone())
                .renewal_eligibility(renewal.clone())
                .not_after(not_after)
                .in_use_by("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/agent/1")
                .build();
            DescribeCertificateOutput::builder().certificate(detail).build()
        });
        mock_client!(aws_sdk_acm, RuleMode::MatchAny, [&list, &describe])
    }

    #[tokio::test]
    async fn an_issued_renewing_certificate_passes_and_expiry_warns_then_fails() {
        use aws_sdk_acm::types::{CertificateStatus as S, RenewalEligibility as R};
        let v = acm::certificates(&acm_client(S::Issued, R::Eligible, 90), 30).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "1 certificates issued, renewing, valid over 30 days"),
            "{v:?}"
        );
        let v = acm::certificates(&acm_client(S::Issued, R::Eligible, 20), 30).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Warn, "api.agent.example.com expires in 20 days")
        );
        let v = acm::certificates(&acm_client(S::Issued, R::Ineligible, 200), 30).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Warn, "api.agent.example.com does not renew automatically")
        );
        let v = acm::certificates(&acm_client(S::Issued, R::Eligible, 3), 30).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "api.agent.example.com expires in 3 days")
        );
    }

    #[tokio::test]
    /// A guardrail that is not READY, or READY but filtering nothing, passed on 52bd361.
    async fn bedrock_guardrails_must_be_ready_and_filter_content() {
        use aws_sdk_bedrock::Client;
        use aws_sdk_bedrock::operation::get_guardrail::GetGuardrailOutput;
        use aws_sdk_bedrock::operation::list_guardrails::ListGuardrailsOutput;
        use aws_sdk_bedrock::types::{
            GuardrailContentFilter, GuardrailContentFilterType, GuardrailContentPolicy,
            GuardrailFilterStrength, GuardrailStatus, GuardrailSummary,
        };
        let at = aws_sdk_bedrock::primitives::DateTime::from_secs(0);
        let client = |guardrails: Vec<GuardrailStatus>, filtered: bool| {
            let list = mock!(Client::list_guardrails).then_output(move || {
                let all = guardrails.iter().map(|status| {
                    GuardrailSummary::builder()
                        .id("gr-1")
                        .arn("arn:aws:bedrock:us-east-1:111122223333:guardrail/gr-1")
                        .name("agent-content")
                        .version("DRAFT")
                        .status(status.clone())
                        .created_at(at)
                        .updated_at(at)
                        .build()
                        .unwrap()
                });
                ListGuardrailsOutput::builder().set_guardrails(Some(all.collect())).build().unwrap()
            });
            let get = mock!(Client::get_guardrail).then_output(move || {
                let mut out = GetGuardrailOutput::builder()
                    .name("agent-content")
                    .guardrail_id("gr-1")
                    .guardrail_arn("arn:aws:bedrock:us-east-1:111122223333:guardrail/gr-1")
                    .version("DRAFT")
                    .status(GuardrailStatus::Ready)
                    .created_at(at)
                    .updated_at(at)
                    .blocked_input_messaging("blocked")
                    .blocked_outputs_messaging("blocked");
                if filtered {
                    let filter = GuardrailContentFilter::builder()
                        .r#type(GuardrailContentFilterType::PromptAttack)
                        .input_strength(GuardrailFilterStrength::High)
                        .output_strength(GuardrailFilterStrength::None)
                        .build()
                        .unwrap();
                    out = out.content_policy(GuardrailContentPolicy::builder().filters(filter).build());
                }
                out.build().unwrap()
            });
            mock_client!(aws_sdk_bedrock, RuleMode::MatchAny, [&list, &get])
        };
        let ctx = crate::agents();
        let v = bedrock::guardrails(&client(vec![GuardrailStatus::Ready], true), &ctx).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Pass, "READY with content filters: agent-content")
        );
        assert_eq!(
            v.evidence,
            ["guardrail agent-content (gr-1): version DRAFT, READY, content filters PROMPT_ATTACK HIGH"]
        );
        let v = bedrock::guardrails(&client(vec![GuardrailStatus::Ready], false), &ctx).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "no guardrail is READY with content filters: agent-content")
        );
        let v = bedrock::guardrails(&client(vec![GuardrailStatus::Creating], true), &ctx).await;
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        assert_eq!(v.evidence, ["guardrail agent-content (gr-1): version DRAFT, CREATING"]);
        let v = bedrock::guardrails(&client(vec![], true), &ctx).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Fail, "no Bedrock guardrails whose name starts with \"agent-\"")
        );
    }

    #[tokio::test]
    async fn bedrock_provisioned_throughput_is_listed_never_failed() {
        use aws_sdk_bedrock::Client;
        use aws_sdk_bedrock::operation::list_provisioned_model_throughputs::ListProvisionedModelThroughputsOutput;
        use aws_sdk_bedrock::types::{ProvisionedModelStatus, ProvisionedModelSummary};
        let client = |n: usize| {
            let rule = mock!(Client::list_provisioned_model_throughputs).then_output(move || {
                let p = ProvisionedModelSummary::builder()
                    .provisioned_model_name("agent-claude")
                    .provisioned_model_arn("arn:aws:bedrock:us-east-1:111122223333:provisioned-model/p1")
                    .model_arn("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet")
                    .desired_model_arn(
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet",
                    )
                    .foundation_model_arn(
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet",
                    )
                    .model_units(2)
                    .desired_model_units(2)
                    .status(ProvisionedModelStatus::InService)
                    .creation_time(aws_sdk_bedrock::primitives::DateTime::from_secs(0))
                    .last_modified_time(aws_sdk_bedrock::primitives::DateTime::from_secs(0))
                    .build()
                    .unwrap();
                ListProvisionedModelThroughputsOutput::builder()
                    .set_provisioned_model_summaries(Some(vec![p; n]))
                    .build()
            });
            mock_client!(aws_sdk_bedrock, RuleMode::MatchAny, [&rule])
        };
        let v = bedrock::provisioned(&client(1)).await;
        assert_eq!((v.outcome, v.summary.as_str()), (Outcome::Pass, "1 provisioned throughputs"));
        assert_eq!(
            v.evidence,
            [
                "agent-claude: 2 model units of arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet, InService"
            ]
        );
        let v = bedrock::provisioned(&client(0)).await;
        assert_eq!(
            (v.outcome, v.summary.as_str()),
            (Outcome::Warn, "no provisioned throughput: all model use is on demand")
        );
    }
}
