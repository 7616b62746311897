//! Every probe kind by name, with its parameters. The checklist loader validates probe specs here,
//! the engine looks up the function to run, and the detail pane shows what a kind checks.

use super::{ProbeSpec, Verdict, aws, local, service};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type ProbeFuture = Pin<Box<dyn Future<Output = Verdict> + Send>>;

pub struct Kind {
    pub name: &'static str,
    /// Exactly what the probe checks, shown with the item.
    pub doc: &'static str,
    pub params: &'static [Param],
    /// Needs an AWS identity (checked against the expected account) before it may run.
    pub aws: bool,
    /// The cargo feature this kind's code is compiled under, when it is optional.
    pub feature: Option<&'static str>,
    /// The probe keeps its own time limit (a test suite runs for minutes), not the engine's.
    pub own_timeout: bool,
    pub run: fn(Arc<super::engine::Ctx>, toml::Table) -> ProbeFuture,
}

pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub enum ParamType {
    /// An integer percentage, 1 to 1000.
    Percent,
    /// A whole number of days, 1 to 36500.
    Days,
    /// A count, 1 to 10000.
    Count,
    Bool,
    Str,
    /// A list of strings.
    StrList,
}

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

impl Kind {
    /// The cargo feature this build lacks to run the kind, if any. Such kinds stay known so one
    /// checklist loads in every build; running one says what build it needs.
    pub fn missing_feature(&self) -> Option<&'static str> {
        self.feature.filter(|f| !BUILT_FEATURES.contains(f))
    }
}

/// The optional probe features compiled into this binary.
const BUILT_FEATURES: &[&str] = &[
    #[cfg(feature = "ec2")]
    "ec2",
];

/// What a probe says when this build cannot run it.
pub fn not_built(feature: &str) -> String {
    format!(
        "not checked: this golive was built without the `{feature}` feature \
         (cargo install --path . --features {feature}, or cargo run --release --features {feature})"
    )
}

impl ParamType {
    pub fn words(self) -> &'static str {
        match self {
            ParamType::Percent => "a whole percentage from 1 to 1000",
            ParamType::Days => "a whole number of days from 1 to 36500",
            ParamType::Count => "a whole number from 1 to 10000",
            ParamType::Bool => "true or false",
            ParamType::Str => "a string",
            ParamType::StrList => "a list of strings",
        }
    }
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

pub fn flag(params: &toml::Table, name: &str) -> bool {
    params.get(name).and_then(toml::Value::as_bool).unwrap_or(false)
}

pub fn int(params: &toml::Table, name: &str, default: i64) -> i64 {
    params.get(name).and_then(toml::Value::as_integer).unwrap_or(default)
}

pub fn text<'a>(params: &'a toml::Table, name: &str, default: &'a str) -> &'a str {
    params.get(name).and_then(toml::Value::as_str).unwrap_or(default)
}

pub fn list(params: &toml::Table, name: &str) -> Vec<String> {
    params
        .get(name)
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A parameter already validated as a percentage, or its default.
pub fn percent(params: &toml::Table, name: &str, default: i64) -> f64 {
    params.get(name).and_then(toml::Value::as_integer).unwrap_or(default) as f64
}
