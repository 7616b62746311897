//! The probe author's API: what a kind declares (name, what it checks, parameters), the readers
//! of its parameters, and the future it returns. A leaf: it imports no probe.

use super::Verdict;
use super::ctx::Ctx;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type ProbeFuture = Pin<Box<dyn Future<Output = Verdict> + Send>>;

#[derive(Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    /// Exactly what the probe checks, shown with the item.
    pub doc: &'static str,
    /// What its pass means, in one line a launch lead can sign.
    pub passes: &'static str,
    /// What it does not check, in one line: what is left for a person.
    pub misses: &'static str,
    pub params: &'static [Param],
    /// Needs an AWS identity (checked against the expected account) before it may run.
    pub aws: bool,
    /// The cargo feature this kind's code is compiled under, when it is optional.
    pub feature: Option<&'static str>,
    /// The probe keeps its own time limit (a test suite runs for minutes), not the engine's.
    pub own_timeout: bool,
    pub run: Run,
}

/// Starts a probe of the kind: the sweep's context and the spec's parameters in, its future out.
pub type Run = fn(Arc<Ctx>, toml::Table) -> ProbeFuture;

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

impl Kind {
    /// A kind that looks at AWS: it runs only with an identity in the expected account.
    pub const fn aws(name: &'static str, doc: &'static str, run: Run) -> Kind {
        Kind { aws: true, ..Kind::local(name, doc, run) }
    }

    /// A kind that looks at something else: a file, a command, a service over the network.
    pub const fn local(name: &'static str, doc: &'static str, run: Run) -> Kind {
        Kind {
            name,
            doc,
            passes: "",
            misses: "",
            params: &[],
            aws: false,
            feature: None,
            own_timeout: false,
            run,
        }
    }

    /// What a pass means and what the kind does not check (a test holds every kind to both).
    pub const fn meaning(self, passes: &'static str, misses: &'static str) -> Kind {
        Kind { passes, misses, ..self }
    }

    pub const fn with_params(self, params: &'static [Param]) -> Kind {
        Kind { params, ..self }
    }

    /// Compiled only under the cargo feature `feature`.
    pub const fn under_feature(self, feature: &'static str) -> Kind {
        Kind { feature: Some(feature), ..self }
    }

    /// Keeps its own time limit instead of the engine's.
    pub const fn with_own_timeout(self) -> Kind {
        Kind { own_timeout: true, ..self }
    }

    /// The cargo feature this build lacks to run the kind, if any. Such kinds stay known so one
    /// checklist loads in every build; running one says what build it needs.
    pub fn missing_feature(&self) -> Option<&'static str> {
        self.feature.filter(|f| !BUILT_FEATURES.contains(f))
    }
}

/// What a probe says when this build cannot run it: undecided, never a warning that lets a
/// release through.
pub fn not_built(feature: &str) -> Verdict {
    Verdict::error(format!("not checked: this golive was built without the `{feature}` feature"))
}

/// How to get a build that can: for the person at the screen, not for a result or a report.
pub fn build_hint(feature: &str) -> String {
    format!("cargo install --path . --features {feature}, or cargo run --release --features {feature}")
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

/// The optional probe features compiled into this binary.
pub const BUILT_FEATURES: &[&str] = &[
    #[cfg(feature = "ec2")]
    "ec2",
];

/// What a probe's body returns: `Err` is a verdict reached early (nothing in scope, a lookup
/// that failed), so a body writes `?` where a lookup may end the probe. [`judged`] makes either
/// the probe's verdict.
pub type Judged = Result<Verdict, Verdict>;

pub fn judged(body: impl Future<Output = Judged> + Send + 'static) -> ProbeFuture {
    Box::pin(async move { Verdict::from(body.await) })
}

/// A body's early verdict is as much its verdict as its last one.
impl From<Judged> for Verdict {
    fn from(judged: Judged) -> Verdict {
        judged.unwrap_or_else(|early| early)
    }
}
