//! The environment a workload is given (an ECS task definition, an AgentCore runtime), judged
//! one way wherever it is read: every required variable present, and no plain value that looks
//! like a credential. Only variable names ever leave here, never values.

use crate::probe::ctx::Ctx;
use crate::probe::evidence::listed;
use crate::probe::{Outcome, Verdict};

/// The required names: the probe's own, else the target's `env_vars`; none is needs-config.
pub fn required(ctx: &Ctx, names: Vec<String>) -> Result<Vec<String>, Verdict> {
    let names = if names.is_empty() { ctx.target.env_vars.clone() } else { names };
    if names.is_empty() {
        return Err(Verdict::new(
            Outcome::NeedsConfig,
            "name the environment variables the service needs (env_vars in the target)",
            vec![],
        ));
    }
    Ok(names)
}

/// One workload's variables: plain ones with their values, and secret references by name.
pub struct Given<'a> {
    pub plain: Vec<(&'a str, &'a str)>,
    pub secrets: Vec<&'a str>,
}

/// What is wrong with one workload's variables.
pub struct Judged<'a> {
    pub missing: Vec<&'a str>,
    /// Plain variables whose value looks like a credential: anyone who can read the workload's
    /// configuration can read it.
    pub exposed: Vec<&'a str>,
}

pub fn judge<'a>(required: &'a [String], given: &Given<'a>) -> Judged<'a> {
    let has =
        |n: &str| given.plain.iter().any(|(k, v)| *k == n && !v.is_empty()) || given.secrets.contains(&n);
    let missing = required.iter().map(String::as_str).filter(|n| !has(n)).collect();
    let mut exposed: Vec<&str> = given
        .plain
        .iter()
        .filter(|(k, v)| !crate::mask::find(&format!("{k}={v}")).is_empty())
        .map(|(k, _)| *k)
        .collect();
    exposed.sort_unstable();
    Judged { missing, exposed }
}

impl Judged<'_> {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.exposed.is_empty()
    }

    /// The evidence detail: what is missing or exposed, by name.
    pub fn detail(&self, required: usize) -> String {
        let mut detail = match self.missing.as_slice() {
            [] => format!("all {required} variables given"),
            m => format!("missing {}", m.join(", ")),
        };
        if !self.exposed.is_empty() {
            detail.push_str(&format!("; a credential in plain text: {}", self.exposed.join(", ")));
        }
        detail
    }

    /// The problems of workload `name`, for the summary.
    pub fn problems(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.missing.is_empty() {
            out.push(format!("{name} lacks {}", listed(&self.missing)));
        }
        if !self.exposed.is_empty() {
            out.push(format!("{name} holds a credential in plain text in {}", listed(&self.exposed)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_reference_counts_and_a_plain_credential_is_named_never_shown() {
        let required = vec!["LOG_LEVEL".to_string(), "API_KEY".to_string(), "DB_URL".to_string()];
        let key = ["AKIA", "Q3EGRV5TXPL7KZ2M"].concat();
        let given =
            Given { plain: vec![("LOG_LEVEL", "info"), ("LEGACY_KEY", &key)], secrets: vec!["API_KEY"] };
        let judged = judge(&required, &given);
        assert_eq!(judged.missing, ["DB_URL"]);
        assert_eq!(judged.exposed, ["LEGACY_KEY"]);
        let text = format!("{} {:?}", judged.detail(3), judged.problems("agent_api"));
        assert_eq!(judged.detail(3), "missing DB_URL; a credential in plain text: LEGACY_KEY");
        assert!(!text.contains(&key));
    }
}
