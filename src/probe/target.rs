//! Where probes look: the session's `[target]`, the AWS account and the resource scope, the
//! service's endpoint, domain and repository. One struct, edited with `t` and the CLI flags.

use serde::{Deserialize, Serialize};

/// Where probes look: the AWS profile, region and account, the resource scope, and the service itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The account probes must run in; any other is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// More regions every AWS probe also runs in (each account, each region: one part).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// More accounts every AWS probe also runs in, each through a role assumed from the
    /// credentials' account: `{ id = "111122223333", role = "golive-probe" }`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountRole>,
    /// Every active account of the credentials' AWS Organization (ListAccounts), whose name
    /// contains `filter`, through `role`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Narrows discovery to resources whose name starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// Every resource in the account and region is the service's: discovery needs no prefix,
    /// tags or names. Without it (or them) discovery judges nothing rather than everything.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_account: bool,
    /// Narrows discovery to resources carrying these tags (`key=value`, or `key` for any value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The tag keys every resource in scope must carry for cost allocation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost_tags: Vec<String>,
    /// Explicit names where discovery cannot work; when set they replace discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<String>,
    /// AgentCore runtimes, gateways and memories: names, ids or ARNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent_runtimes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memories: Vec<String>,
    /// The CloudWatch namespace the service publishes its metrics in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_namespace: Option<String>,
    /// The service's public base URL (`https://api.example.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The domain DNS and TLS checks look at; without one, the endpoint's host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// What the domain must resolve to: a CNAME target (the load balancer's DNS name) or an address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_expect: Option<String>,
    /// The name server DNS checks ask (`IP` or `IP:PORT`); without one, the system's resolvers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_server: Option<String>,
    /// A PEM file of CA certificates TLS checks trust instead of the platform roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Paths the smoke test requests (default `/health`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub smoke_paths: Vec<String>,
    /// Paths that must refuse a request without credentials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protected_paths: Vec<String>,
    /// Paths that answer long responses as a stream (server-sent events).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stream_paths: Vec<String>,
    /// The service's repository: where file, secrets and command checks look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// Findings of the secrets scan that are known false positives (`FILE:LINE` or `FILE`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets_allow: Vec<String>,
    /// Environment variables the service needs; their values are never read into golive's files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_vars: Vec<String>,
    /// Commands by name (`rollback`, `unit`, `integration`, `regression`, `security`), run in the
    /// repository only with consent.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub commands: std::collections::BTreeMap<String, String>,
    /// Where the file checks look, by their name (`runbooks = ["ops/**/*.md"]`), replacing the
    /// checklist's default globs.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub files: std::collections::BTreeMap<String, Vec<String>>,
}

/// An account probes run in through a role: the role's name in that account, or its whole ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRole {
    pub id: String,
    pub role: String,
}

/// The accounts of an AWS Organization probes run in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The role assumed in each account (its name; the same in every account).
    pub role: String,
    /// Only accounts whose name contains this (all active accounts without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

impl AccountRole {
    /// The role's ARN: as given when it is one, else the name in this account.
    pub fn arn(&self) -> String {
        if self.role.starts_with("arn:") {
            self.role.clone()
        } else {
            format!("arn:aws:iam::{}:role/{}", self.id, self.role)
        }
    }
}

/// One setting as the target form shows it; lists are comma-separated.
pub struct Field {
    pub label: &'static str,
    get: fn(&Target) -> String,
    /// Stores the trimmed text, or says why it is not acceptable.
    set: fn(&mut Target, &str) -> Result<(), String>,
}

fn one(v: &str) -> Option<String> {
    Some(v.to_string()).filter(|v| !v.is_empty())
}

fn many(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

fn shown(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

macro_rules! text {
    ($label:expr, $f:ident) => {
        Field { label: $label, get: |t| shown(&t.$f), set: |t, v| Ok(t.$f = one(v)) }
    };
}
macro_rules! list {
    ($label:expr, $f:ident) => {
        Field { label: $label, get: |t| t.$f.join(", "), set: |t, v| Ok(t.$f = many(v)) }
    };
}
macro_rules! command {
    ($label:expr, $name:literal) => {
        Field {
            label: $label,
            get: |t| t.commands.get($name).cloned().unwrap_or_default(),
            set: |t, v| {
                match one(v) {
                    Some(c) => t.commands.insert($name.into(), c),
                    None => t.commands.remove($name),
                };
                Ok(())
            },
        }
    };
}

/// Every setting of the target form, in order.
pub const FIELDS: &[Field] = &[
    text!("AWS profile", profile),
    text!("Region", region),
    Field {
        label: "Expected account id (12 digits)",
        get: |t| shown(&t.account_id),
        set: |t, v| {
            let digits = v.len() == 12 && v.chars().all(|c| c.is_ascii_digit());
            if !(v.is_empty() || digits) {
                return Err(format!("An AWS account id is 12 digits, not {v:?}."));
            }
            t.account_id = one(v);
            Ok(())
        },
    },
    text!("Name prefix of the service's resources", name_prefix),
    Field {
        label: "Tag filter (comma-separated key=value or key)",
        get: |t| t.tags.join(", "),
        set: |t, v| {
            let tags = many(v);
            if let Some(bad) = tags.iter().find(|f| f.starts_with('=')) {
                return Err(format!("A tag filter is key=value or key, not {bad:?}."));
            }
            t.tags = tags;
            Ok(())
        },
    },
    list!("Cost allocation tag keys (comma-separated)", cost_tags),
    text!("Task role name", task_role),
    text!("Metrics namespace", metrics_namespace),
    list!("Secrets (comma-separated names)", secrets),
    list!("DynamoDB tables (comma-separated; empty: by prefix)", tables),
    list!("Log groups (comma-separated; empty: by prefix)", log_groups),
    list!("S3 buckets (comma-separated; empty: by prefix)", buckets),
    list!("AgentCore runtimes (names or ARNs; empty: by prefix)", agent_runtimes),
    list!("AgentCore gateways (names or ids; empty: by prefix)", gateways),
    list!("AgentCore memories (names or ARNs; empty: by prefix)", memories),
    Field {
        label: "Service endpoint URL (https://...)",
        get: |t| shown(&t.endpoint),
        set: |t, v| {
            if !(v.is_empty() || v.starts_with("https://") || v.starts_with("http://")) {
                return Err(format!("The endpoint is a URL starting https:// or http://, not {v:?}."));
            }
            t.endpoint = one(v);
            Ok(())
        },
    },
    text!("Domain for DNS and TLS (empty: the endpoint's host)", domain),
    text!("Expected DNS answer (CNAME target or address)", dns_expect),
    Field {
        label: "Name server for DNS (IP or IP:PORT; empty: the system's)",
        get: |t| shown(&t.dns_server),
        set: |t, v| {
            if !v.is_empty() && name_server(v).is_none() {
                return Err(format!("The name server is an IP address, optionally with :PORT, not {v:?}."));
            }
            t.dns_server = one(v);
            Ok(())
        },
    },
    text!("CA file for TLS (PEM; empty: the platform's roots)", ca_file),
    list!("Smoke test paths (comma-separated; empty: /health)", smoke_paths),
    list!("Protected paths (refuse requests without credentials)", protected_paths),
    list!("Streaming paths (answer as text/event-stream)", stream_paths),
    text!("Repository path", repo),
    list!("Secrets scan allow-list (FILE or FILE:LINE)", secrets_allow),
    list!("Environment variables that must be set", env_vars),
    command!("Rollback command (e.g. ./rollback.sh --dry-run)", "rollback"),
    command!("Unit test command", "unit"),
    command!("Integration test command", "integration"),
    command!("Regression test command", "regression"),
    command!("Security test command", "security"),
    command!("Load test command (2x expected peak)", "load"),
    command!("Behavioral test command (the agent's evals)", "behavioral"),
];

/// The target form's label for the command `name` ("Unit test command" for `unit`): messages
/// name the field a person sees, not only the key in the file.
pub fn command_label(name: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|f| {
            let mut t = Target::default();
            (f.set)(&mut t, "x").is_ok() && t.commands.contains_key(name)
        })
        .map(|f| f.label)
}

/// A name server written as `IP` or `IP:PORT` (port 53 when left out).
pub fn name_server(s: &str) -> Option<std::net::SocketAddr> {
    s.parse().ok().or_else(|| s.parse::<std::net::IpAddr>().ok().map(|ip| (ip, 53).into()))
}

impl Target {
    pub fn to_fields(&self) -> Vec<String> {
        FIELDS.iter().map(|f| (f.get)(self)).collect()
    }

    /// This target with the form's fields applied, or the index of the bad field and why.
    pub fn from_fields(&self, values: &[String]) -> Result<Target, (usize, String)> {
        let mut t = self.clone();
        for (n, (field, value)) in FIELDS.iter().zip(values).enumerate() {
            (field.set)(&mut t, value.trim()).map_err(|why| (n, why))?;
        }
        Ok(t)
    }

    pub fn is_empty(&self) -> bool {
        *self == Target::default()
    }

    /// The resources to examine: the explicit names when there are any, else what discovery found
    /// narrowed by the name prefix.
    pub fn scope(&self, explicit: &[String], discovered: Vec<String>) -> Vec<String> {
        if !explicit.is_empty() {
            return explicit.to_vec();
        }
        match &self.name_prefix {
            Some(p) => discovered.into_iter().filter(|n| n.starts_with(p.as_str())).collect(),
            None => discovered,
        }
    }

    /// How the scope was chosen, for "nothing in scope" messages.
    /// Whether discovery may look: the target names resources (`explicit`), a name prefix or tags,
    /// or says the whole account is the service's.
    pub fn scoped(&self, explicit: &[String]) -> bool {
        self.whole_account || self.name_prefix.is_some() || !self.tags.is_empty() || !explicit.is_empty()
    }

    pub fn scope_words(&self, what: &str) -> String {
        let tags =
            if self.tags.is_empty() { String::new() } else { format!(" tagged {}", self.tags.join(", ")) };
        match &self.name_prefix {
            Some(p) => format!("no {what}{tags} whose name starts with {p:?}"),
            None if !tags.is_empty() => format!("no {what}{tags} in the account and region"),
            None => format!("no {what} in the account and region"),
        }
    }

    /// The scope AWS probes judged, in words, for every AWS result: what a pass covers.
    pub fn scope_description(&self) -> String {
        if self.whole_account {
            return "every resource in the account and region".into();
        }
        let mut parts = Vec::new();
        if let Some(p) = &self.name_prefix {
            parts.push(format!("names starting {p:?}"));
        }
        if !self.tags.is_empty() {
            parts.push(format!("tagged {}", self.tags.join(", ")));
        }
        for (what, names) in [
            ("tables", &self.tables),
            ("log groups", &self.log_groups),
            ("buckets", &self.buckets),
            ("secrets", &self.secrets),
            ("runtimes", &self.agent_runtimes),
            ("gateways", &self.gateways),
            ("memories", &self.memories),
        ] {
            if !names.is_empty() {
                parts.push(format!("{what} {}", names.join(", ")));
            }
        }
        if let Some(r) = &self.task_role {
            parts.push(format!("task role {r}"));
        }
        if let Some(ns) = &self.metrics_namespace {
            parts.push(format!("metrics in {ns}"));
        }
        if parts.is_empty() { "none set".into() } else { parts.join("; ") }
    }

    /// The tag filter as (key, value) pairs; no value matches any value.
    pub fn tag_filter(&self) -> Vec<(String, Option<String>)> {
        self.tags
            .iter()
            .map(|t| match t.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), Some(v.trim().to_string())),
                None => (t.trim().to_string(), None),
            })
            .collect()
    }
}
