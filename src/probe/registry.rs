//! Every probe kind by name, with its parameters. The checklist loader validates probe specs here,
//! the engine looks up the function to run, and the detail pane shows what a kind checks.

pub use super::kind::{
    Kind, Param, ParamType, ProbeFuture, build_hint, flag, int, list, not_built, percent, text,
};
use super::{ProbeSpec, aws, local, service};

pub const KINDS: &[Kind] = &[
    aws::sts::ASSUMED_ROLE,
    aws::budgets::ALERTS,
    aws::budgets::SPENDING_LIMIT,
    aws::dynamodb::ENCRYPTION,
    aws::dynamodb::PITR,
    aws::dynamodb::REPLICAS,
    aws::dynamodb::TTL,
    aws::logs::RETENTION,
    aws::logs::STRUCTURED,
    aws::secrets::EXIST,
    aws::cloudtrail::LOGGING,
    aws::acm::CERTIFICATES,
    aws::autoscaling::MIN_CAPACITY,
    aws::autoscaling::POLICIES,
    aws::iam::SERVICE_ROLE,
    aws::iam::NO_WILDCARD_ACTIONS,
    aws::iam::NO_WILDCARD_RESOURCES,
    aws::cloudwatch::ALARM,
    aws::cloudwatch::RUNBOOKS,
    aws::cloudwatch::TESTED,
    aws::cloudwatch::ACTIVE,
    aws::cloudwatch::DASHBOARDS,
    aws::cloudwatch::METRICS,
    aws::cloudwatch::BASELINE,
    aws::elbv2::WAF,
    aws::elbv2::RATE_LIMIT,
    aws::elbv2::TLS,
    aws::elbv2::MULTI_AZ,
    aws::ecs::MULTI_AZ,
    aws::ecs::ENVIRONMENT,
    aws::agentcore::AUTHORIZER,
    aws::agentcore::NETWORK,
    aws::agentcore::LIFECYCLE,
    aws::agentcore::ENVIRONMENT,
    aws::agentcore::READY,
    aws::agentcore::ROLLBACK,
    aws::agentcore::MEMORY,
    aws::agentcore::LOG_LEVEL,
    aws::agentcore::GATEWAY_EXCEPTIONS,
    aws::ecs::MEMORY_LIMITS,
    aws::tagging::REQUIRED_TAGS,
    aws::bedrock::INVOCATION_LOGGING,
    aws::elbv2::HEALTH_CHECKS,
    aws::xray::TRACES,
    aws::xray::SAMPLING,
    aws::s3::ENCRYPTION,
    aws::s3::LIFECYCLE,
    aws::tagging::COST_TAGS,
    aws::bedrock::PROVISIONED,
    aws::bedrock::GUARDRAILS,
    aws::ec2::PRIVATE_SUBNETS,
    aws::ec2::SECURITY_GROUPS,
    aws::ec2::VPC_ENDPOINTS,
    aws::ec2::EBS_ENCRYPTION,
    local::files::EXISTS,
    local::command::RUN,
    local::env::SET,
    local::secrets::SCAN,
    service::dns::RESOLVES,
    service::http::GET,
    service::tls::HANDSHAKE,
];

pub fn find(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// Whether any of these probes needs an AWS identity.
pub fn needs_aws(specs: &[ProbeSpec]) -> bool {
    specs.iter().any(|s| find(&s.kind).is_some_and(|k| k.aws && k.missing_feature().is_none()))
}

/// Checks a spec against its kind: the kind exists, every parameter is known and well typed.
pub fn validate(spec: &ProbeSpec) -> Result<&'static Kind, String> {
    let kind = find(&spec.kind).ok_or_else(|| {
        let known: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        format!("unknown probe kind {:?} (known: {})", spec.kind, known.join(", "))
    })?;
    for (name, value) in &spec.params {
        let param = kind.params.iter().find(|p| p.name == name).ok_or_else(|| {
            let known: Vec<&str> = kind.params.iter().map(|p| p.name).collect();
            let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
            format!("probe {} has no parameter {name:?} (parameters: {known})", kind.name)
        })?;
        let ok = match param.ty {
            ParamType::Percent => value.as_integer().is_some_and(|n| (1..=1000).contains(&n)),
            ParamType::Days => value.as_integer().is_some_and(|n| (1..=36500).contains(&n)),
            ParamType::Count => value.as_integer().is_some_and(|n| (1..=10000).contains(&n)),
            ParamType::Bool => value.is_bool(),
            ParamType::Str => value.is_str(),
            ParamType::StrList => value.as_array().is_some_and(|a| a.iter().all(toml::Value::is_str)),
        };
        if !ok {
            return Err(format!("probe parameter {name} must be {}, not {value}", param.ty.words()));
        }
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A launch lead signs what a pass means: every kind says it, and says what it leaves out.
    #[test]
    fn every_kind_says_what_its_pass_means_and_what_it_does_not_check() {
        for k in KINDS {
            for (what, line) in [("passes", k.passes), ("misses", k.misses)] {
                assert!(!line.is_empty(), "{}: no {what} line", k.name);
                assert!(!line.ends_with('.') && line.len() < 120, "{}: {what} {line:?}", k.name);
            }
        }
    }
}
