//! IAM: the role the service runs as is one only AWS services assume, and its policies grant no
//! more than needed.

use super::{describe, session};
use crate::probe::ctx::Ctx;
use crate::probe::kind::Kind;
use crate::probe::kind::{Judged, judged};
use crate::probe::{Outcome, Verdict};
use aws_sdk_iam::Client;
use serde_json::Value;
use std::sync::Arc;

/// The IAM actions this module's calls need (see `policy`).
pub const CALLS: &[&str] = &[
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListRoleTags",
];

pub const NO_WILDCARD_ACTIONS: Kind = Kind::aws(
    "aws.iam.no-wildcard-actions",
    "IAM: no Allow statement in the task role's inline or attached policies grants actions by \
     wildcard (\"*\", \"s3:*\", \"s3:Put*\", \"s3:Get*\"; a wildcard over metadata reads such as \
     \"logs:Describe*\" is fine) or by NotAction (everything but a list). The roles are the \
     target's task_role and the roles the AgentCore runtimes and gateways in scope run as.",
    |ctx, _| judged(check(ctx, Rule::Actions)),
)
.meaning(
    "no statement of the service's roles grants actions by wildcard or NotAction",
    "whether each named action is needed: least privilege needs a person's review",
);

pub const NO_WILDCARD_RESOURCES: Kind = Kind::aws(
    "aws.iam.no-wildcard-resources",
    "IAM: no Allow statement in the task role's policies grants a write action (anything but \
     Get/List/Describe/Query/Scan/BatchGet/Head/View), or a read of sensitive data \
     (secretsmanager:GetSecretValue, s3:GetObject, dynamodb:Scan/Query/GetItem, kms:Decrypt, \
     ssm:GetParameter), on every resource: Resource \"*\", a pattern naming no resource \
     (arn:aws:s3:::*, table/*, log-group:*) or NotResource. Actions match in any case. The roles \
     are the target's task_role and those of the AgentCore runtimes and gateways in scope.",
    |ctx, _| judged(check(ctx, Rule::Resources)),
)
.meaning(
    "no write or sensitive read of the service's roles applies to every resource",
    "whether the named resources are the right ones, or reads of non-sensitive data on *",
);

pub const SERVICE_ROLE: Kind = Kind::aws(
    "aws.iam.service-role",
    "IAM GetRole: the service runs as roles (the target's task_role, the AgentCore runtimes' and \
     gateways' roles) that only AWS services may assume: every principal its trust policy allows is a Service (ecs-tasks.amazonaws.com, \
     bedrock-agentcore.amazonaws.com, ...), none an IAM user, an account, a federation or \"*\".",
    |ctx, _| judged(service_role(ctx)),
)
.meaning(
    "only AWS services may assume the roles the service runs as",
    "what the role may do (the IAM checks), or other credentials the code might load",
);

/// What the IAM checks look for in the role's policies.
#[derive(Clone, Copy)]
pub enum Rule {
    /// Wildcard actions (`*`, `s3:*`, `s3:Put*`, NotAction).
    Actions,
    /// Writes, and reads of sensitive data, on every resource.
    Resources,
}

/// A policy document by name: inline policies by their name, managed ones by ARN.
async fn documents(client: &Client, role: &str) -> Result<Vec<(String, String)>, Verdict> {
    let mut docs = Vec::new();
    let inline: Result<Vec<String>, _> =
        client.list_role_policies().role_name(role).into_paginator().items().send().collect().await;
    let inline = match inline {
        Ok(o) => o,
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => {
            return Err(Verdict::new(Outcome::Fail, format!("the task role {role} does not exist"), vec![]));
        }
        Err(e) => return Err(Verdict::error(describe("IAM ListRolePolicies", &e))),
    };
    for name in &inline {
        let out = client
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("IAM GetRolePolicy", &e)))?;
        docs.push((format!("inline policy {name}"), decode(out.policy_document())));
    }
    let attached: Vec<_> = client
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(|e| Verdict::error(describe("IAM ListAttachedRolePolicies", &e)))?;
    for p in &attached {
        let Some(arn) = p.policy_arn() else { continue };
        let policy = client
            .get_policy()
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("IAM GetPolicy", &e)))?;
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else { continue };
        let out = client
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send()
            .await
            .map_err(|e| Verdict::error(describe("IAM GetPolicyVersion", &e)))?;
        if let Some(doc) = out.policy_version().and_then(|v| v.document()) {
            docs.push((format!("managed policy {arn}"), decode(doc)));
        }
    }
    Ok(docs)
}

/// IAM returns policy documents URL-encoded.
fn decode(doc: &str) -> String {
    percent_encoding::percent_decode_str(doc).decode_utf8_lossy().into_owned()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => vec![],
    }
}

fn is_read(action: &str) -> bool {
    let verb = action.split(':').nth(1).unwrap_or(action).to_ascii_lowercase();
    ["get", "list", "describe", "query", "scan", "batchget", "head", "view"]
        .iter()
        .any(|p| verb.starts_with(p))
}

/// Reads that hand out the data itself: on every resource they are as wide as a write.
const SENSITIVE_READS: [&str; 10] = [
    "secretsmanager:getsecretvalue",
    "s3:getobject",
    "dynamodb:scan",
    "dynamodb:query",
    "dynamodb:getitem",
    "dynamodb:batchgetitem",
    "kms:decrypt",
    "ssm:getparameter",
    "ssm:getparameters",
    "ssm:getparametersbypath",
];

/// Whether an action (a pattern with `*` and `?`, in any case) grants a sensitive read.
fn reads_sensitive(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    SENSITIVE_READS.iter().any(|s| matches_pattern(&action, s))
}

/// IAM's wildcard matching: `*` any run of characters, `?` one.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    // On bytes: a policy's text is not ours, and slicing a str there could split a character.
    fn bytes(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.iter().position(|&b| b == b'*') {
            None => {
                pattern.len() == text.len() && pattern.iter().zip(text).all(|(p, t)| *p == b'?' || p == t)
            }
            Some(star) => {
                let (head, rest) = (&pattern[..star], &pattern[star + 1..]);
                text.len() >= head.len()
                    && bytes(head, &text[..head.len()])
                    && (head.len()..=text.len()).any(|i| bytes(rest, &text[i..]))
            }
        }
    }
    bytes(pattern.as_bytes(), text.as_bytes())
}

/// Whether a Resource names every resource of a kind rather than some: `*`, `arn:aws:s3:::*`,
/// `arn:aws:dynamodb:…:table/*`, `arn:aws:logs:…:log-group:*`. (`arn:aws:s3:::bucket/*` names
/// one bucket's objects.)
fn every_resource(resource: &str) -> bool {
    let part = resource.splitn(6, ':').nth(5).unwrap_or(resource);
    if part.starts_with('*') {
        return true;
    }
    // The service field, in any partition (aws, aws-cn, aws-us-gov).
    let is_s3 = resource.split(':').nth(2) == Some("s3");
    match part.split_once(['/', ':']) {
        Some((kind, "*")) => !is_s3 && kind.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
        _ => false,
    }
}

/// The findings of one policy document under a rule, one line each.
pub fn findings(policy: &str, doc: &str, rule_resources: bool) -> Result<Vec<String>, String> {
    let v: Value = serde_json::from_str(doc).map_err(|e| format!("{policy}: not JSON: {e}"))?;
    let mut out = Vec::new();
    for (n, st) in statements(&v).iter().enumerate() {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map_or(format!("#{}", n + 1), |s| s.to_string());
        let actions = strings(st.get("Action"));
        let not_actions = strings(st.get("NotAction"));
        let resources = strings(st.get("Resource"));
        let not_resources = strings(st.get("NotResource"));
        if rule_resources {
            // NotAction grants writes whatever it lists.
            let mut wide: Vec<&str> =
                actions.iter().filter(|a| !is_read(a) || reads_sensitive(a)).map(String::as_str).collect();
            if !not_actions.is_empty() {
                wide.push("NotAction");
            }
            let everywhere = if !not_resources.is_empty() {
                Some(format!("NotResource {}", not_resources.join(", ")))
            } else {
                resources.iter().find(|r| every_resource(r)).map(|r| format!("Resource \"{r}\""))
            };
            if let (Some(on), false) = (everywhere, wide.is_empty()) {
                out.push(format!("{policy} statement {sid}: {} on {on}", wide.join(", ")));
            }
        } else {
            // A wildcard over metadata reads (logs:Describe*) grants no more than it says; one
            // that can match a write or a sensitive read (s3:Put*, s3:Get*) does.
            let wide = |a: &&String| a.contains(['*', '?']) && (!is_read(a) || reads_sensitive(a));
            let wild: Vec<&str> = actions.iter().filter(wide).map(String::as_str).collect();
            if !wild.is_empty() {
                out.push(format!("{policy} statement {sid}: Action {}", wild.join(", ")));
            }
            if !not_actions.is_empty() {
                out.push(format!(
                    "{policy} statement {sid}: NotAction {} (every other action)",
                    not_actions.join(", ")
                ));
            }
        }
    }
    Ok(out)
}

/// The roles the service runs as: the target's task role, and the roles its AgentCore runtimes
/// and gateways in scope run as (each said once), with what each is.
async fn service_roles(ctx: &Ctx) -> Result<Vec<(String, &'static str)>, Verdict> {
    let mut roles: Vec<(String, &'static str)> =
        ctx.target.task_role.iter().map(|r| (r.clone(), "task role")).collect();
    for (arn, whose) in super::agentcore::role_arns(ctx).await? {
        let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
        if !roles.iter().any(|(r, _)| *r == name) {
            roles.push((name, whose));
        }
    }
    if roles.is_empty() {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "name the role the service runs as (task_role in the target), or its AgentCore runtimes",
            vec![],
        ));
    }
    Ok(roles)
}

/// One verdict per role, merged when there are several.
fn per_role(mut parts: Vec<(String, Verdict)>) -> Verdict {
    if parts.len() == 1 {
        return parts.remove(0).1;
    }
    let labels: Vec<String> = parts.iter().map(|(r, _)| format!("role {r}")).collect();
    Verdict::merge(labels.iter().map(String::as_str).zip(parts.into_iter().map(|(_, v)| v)).collect())
}

async fn service_role(ctx: Arc<Ctx>) -> Judged {
    let client = crate::aws_client!(aws_sdk_iam, "iam", &session(&ctx).config);
    let mut parts = Vec::new();
    for (role, whose) in service_roles(&ctx).await? {
        let verdict = match client.get_role().role_name(&role).send().await {
            Ok(out) => {
                let doc =
                    out.role().and_then(|r| r.assume_role_policy_document()).map(decode).unwrap_or_default();
                trust_of(whose, &role, &doc)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => {
                Verdict::new(Outcome::Fail, format!("the {whose} {role} does not exist"), vec![])
            }
            Err(e) => return Err(Verdict::error(describe("IAM GetRole", &e))),
        };
        parts.push((role, verdict));
    }
    Ok(per_role(parts))
}

/// Who a task role's trust policy lets assume it: a pass only when every principal is an AWS
/// service.
pub fn trust(role: &str, doc: &str) -> Verdict {
    trust_of("task role", role, doc)
}

fn trust_of(whose: &str, role: &str, doc: &str) -> Verdict {
    let Ok(v) = serde_json::from_str::<Value>(doc) else {
        return Verdict::error(format!("the trust policy of {role} is not JSON"));
    };
    let (mut services, mut others) = (Vec::new(), Vec::new());
    for st in statements(&v) {
        let assumes =
            strings(st.get("Action")).iter().any(|a| a.to_ascii_lowercase().starts_with("sts:assumerole"));
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") || !assumes {
            continue;
        }
        match st.get("Principal") {
            Some(Value::Object(p)) => {
                for (kind, who) in p {
                    let names = strings(Some(who));
                    if kind == "Service" {
                        services.extend(names);
                    } else {
                        others.extend(names.into_iter().map(|n| format!("{kind} {n}")));
                    }
                }
            }
            Some(p) => others.extend(strings(Some(p)).into_iter().map(|n| format!("Principal {n}"))),
            None => others.push("any principal (NotPrincipal)".into()),
        }
    }
    let mut evidence: Vec<String> = services.iter().map(|s| format!("trusted: Service {s}")).collect();
    evidence.extend(others.iter().map(|o| format!("trusted: {o}")));
    if !others.is_empty() {
        Verdict::new(
            Outcome::Fail,
            format!("the {whose} {role} can be assumed by {}", others.join(", ")),
            evidence,
        )
    } else if services.is_empty() {
        Verdict::new(Outcome::Fail, format!("no AWS service may assume the {whose} {role}"), evidence)
    } else {
        let summary = format!("the {whose} {role} is assumed only by AWS services: {}", services.join(", "));
        Verdict::new(Outcome::Pass, summary, evidence)
    }
}

/// A document's statements, whether it holds a list of them or one.
fn statements(v: &Value) -> Vec<Value> {
    match v.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => vec![],
    }
}

async fn check(ctx: Arc<Ctx>, rule: Rule) -> Judged {
    let client = crate::aws_client!(aws_sdk_iam, "iam", &session(&ctx).config);
    let mut parts = Vec::new();
    for (role, _) in service_roles(&ctx).await? {
        let verdict = match judge_policies(&client, &ctx, &role, rule).await {
            Ok(v) | Err(v) => v,
        };
        parts.push((role, verdict));
    }
    Ok(per_role(parts))
}

/// The task role's inline and attached policies judged by `rule`.
pub async fn judge_policies(client: &Client, ctx: &Ctx, role: &str, rule: Rule) -> Judged {
    let docs = ctx.shared(&format!("iam.role-policies/{role}"), || documents(client, role)).await?;
    if docs.is_empty() {
        return Ok(Verdict::new(
            Outcome::Pass,
            format!("the task role {role} has no policies"),
            vec![format!("role {role}: no inline or attached policies")],
        ));
    }
    let mut evidence: Vec<String> = docs.iter().map(|(name, _)| format!("role {role}: {name}")).collect();
    let mut found = Vec::new();
    for (name, doc) in &docs {
        match findings(name, doc, matches!(rule, Rule::Resources)) {
            Ok(f) => found.extend(f),
            Err(e) => return Ok(Verdict::error(e)),
        }
    }
    let what = match rule {
        Rule::Actions => "wildcard actions",
        Rule::Resources => "write actions on Resource \"*\"",
    };
    if found.is_empty() {
        Ok(Verdict::new(
            Outcome::Pass,
            format!("no {what} in {} of {role}", crate::text::count(docs.len(), "policy")),
            evidence,
        ))
    } else {
        let summary = format!("{} {what} in {role}: {}", found.len(), found[0]);
        evidence.extend(found);
        Ok(Verdict::new(Outcome::Fail, summary, evidence))
    }
}

/// The role the service runs as with its tag keys, for the cost allocation check.
pub(super) async fn tag_keys(ctx: &Ctx) -> Result<Vec<super::scope::Tagged>, Verdict> {
    let Some(role) = ctx.target.task_role.clone() else { return Ok(vec![]) };
    let client = crate::aws_client!(aws_sdk_iam, "iam", &session(ctx).config);
    let mut keys = std::collections::BTreeSet::new();
    let mut marker = None;
    loop {
        let out = match client.list_role_tags().role_name(&role).set_marker(marker).send().await {
            Ok(o) => o,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => {
                return Err(Verdict::new(
                    Outcome::Fail,
                    format!("the task role {role} (named in the target) does not exist"),
                    vec![],
                ));
            }
            Err(e) => return Err(Verdict::error(describe("IAM ListRoleTags", &e))),
        };
        keys.extend(out.tags().iter().map(|t| t.key().to_string()));
        marker = out.marker().map(str::to_string);
        if marker.is_none() {
            break;
        }
    }
    let arn = super::global_arn(ctx, "iam", &format!("role/{role}"));
    Ok(vec![super::scope::Tagged { noun: "role", name: role, arn, keys }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_judged() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"*"},
            {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
            {"Sid":"Put","Effect":"Allow","Action":["dynamodb:PutItem"],"Resource":["*"]},
            {"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        assert_eq!(findings("p", doc, false).unwrap(), ["p statement #2: Action s3:*"]);
        // Reading any item of any table is as wide as writing one.
        assert_eq!(
            findings("p", doc, true).unwrap(),
            [
                "p statement Read: dynamodb:GetItem, dynamodb:Query on Resource \"*\"",
                "p statement Put: dynamodb:PutItem on Resource \"*\""
            ]
        );
        assert_eq!(decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
    }

    /// Each of these passed on 52bd361.
    #[test]
    fn not_action_partial_wildcards_patterns_and_sensitive_reads_are_judged() {
        let doc = r#"{"Statement":[
            {"Sid":"Puts","Effect":"Allow","Action":"s3:Put*","Resource":"arn:aws:s3:::b/*"},
            {"Sid":"AllBut","Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b"},
            {"Sid":"Tables","Effect":"Allow","Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:us-east-1:1:table/*"},
            {"Sid":"Buckets","Effect":"Allow","Action":"S3:DELETEOBJECT","Resource":"arn:aws:s3:::*"},
            {"Sid":"Secrets","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"*"},
            {"Sid":"Scan","Effect":"Allow","Action":"dynamodb:Scan","NotResource":"arn:aws:dynamodb:us-east-1:1:table/x"},
            {"Sid":"Logs","Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:1:log-group:*"},
            {"Sid":"Fine","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"},
            {"Sid":"Meta","Effect":"Allow","Action":"logs:Describe*","Resource":"*"},
            {"Sid":"Objects","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert_eq!(
            findings("p", doc, false).unwrap(),
            [
                "p statement Puts: Action s3:Put*",
                "p statement AllBut: NotAction iam:* (every other action)",
                "p statement Objects: Action s3:Get*"
            ]
        );
        assert_eq!(
            findings("p", doc, true).unwrap(),
            [
                "p statement Tables: dynamodb:PutItem on Resource \"arn:aws:dynamodb:us-east-1:1:table/*\"",
                "p statement Buckets: S3:DELETEOBJECT on Resource \"arn:aws:s3:::*\"",
                "p statement Secrets: secretsmanager:GetSecretValue on Resource \"*\"",
                "p statement Scan: dynamodb:Scan on NotResource arn:aws:dynamodb:us-east-1:1:table/x",
                "p statement Logs: logs:PutLogEvents on Resource \"arn:aws:logs:us-east-1:1:log-group:*\"",
            ]
        );
        assert!(matches_pattern("s3:get*", "s3:getobject") && !matches_pattern("s3:put*", "s3:getobject"));
        assert!(reads_sensitive("S3:Get*") && !reads_sensitive("logs:Get*"));
    }

    #[test]
    fn a_service_role_is_trusted_by_services_only() {
        let doc = |principal: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{principal}}}]}}"#
            )
        };
        let o = |p: &str| trust("r", &doc(p)).outcome;
        assert_eq!(o(r#"{"Service":"ecs-tasks.amazonaws.com"}"#), Outcome::Pass);
        assert_eq!(
            o(r#"{"Service":["ecs-tasks.amazonaws.com"],"AWS":"arn:aws:iam::1:user/bob"}"#),
            Outcome::Fail
        );
        assert_eq!(o(r#""*""#), Outcome::Fail);
        assert_eq!(o(r#"{"AWS":"arn:aws:iam::123456789012:root"}"#), Outcome::Fail);
        assert_eq!(trust("r", r#"{"Statement":[]}"#).outcome, Outcome::Fail);
    }
}
