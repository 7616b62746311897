//! Probes: automated checks attached to checklist items. A probe kind is a function registered by
//! name in `registry`; `engine` runs many at once, bounded, each with a timeout; each family of
//! probes (AWS services, ...) has its own module and only probes.

pub mod aws;
pub mod ctx;
pub mod engine;
pub mod evidence;
pub mod kind;
pub mod local;
pub mod registry;
pub mod service;
pub mod target;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A probe as the checklist declares it: a registered kind plus its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeSpec {
    pub kind: String,
    #[serde(flatten)]
    pub params: toml::Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
    /// The probe could not decide: no credentials, access denied, timeout.
    Error,
    /// A target setting the probe needs is not set yet.
    NeedsConfig,
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
            Outcome::NeedsConfig => "needs-config",
        }
    }

    /// Pass and warn let a pipeline go; fail stops it; error and needs-config leave it undecided.
    pub fn is_undecided(self) -> bool {
        matches!(self, Outcome::Error | Outcome::NeedsConfig)
    }

    /// How bad an outcome is, for merging several (an item's probes, its account/region parts,
    /// "got worse" between sweeps): a known failure outranks not knowing.
    pub fn severity(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Warn => 1,
            Outcome::NeedsConfig => 2,
            Outcome::Error => 3,
            Outcome::Fail => 4,
        }
    }

    pub fn glyph(self) -> &'static str {
        match self {
            Outcome::Pass => "✓",
            Outcome::Warn => "!",
            Outcome::Fail => "✗",
            Outcome::Error => "?",
            Outcome::NeedsConfig => "~",
        }
    }
}

/// What a probe function decides; the engine adds when it ran and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub summary: String,
    pub evidence: Vec<String>,
}

impl Verdict {
    pub fn new(outcome: Outcome, summary: impl Into<String>, evidence: Vec<String>) -> Verdict {
        Verdict { outcome, summary: summary.into(), evidence }
    }

    pub fn error(summary: impl Into<String>) -> Verdict {
        Verdict::new(Outcome::Error, summary, vec![])
    }

    /// One verdict from several probes of an item: the worst outcome, except that needs-config
    /// parts count only when no part decided; the summary says what was not a pass (or all when
    /// everything passed); the evidence is grouped under each probe.
    pub fn merge(parts: Vec<(&str, Verdict)>) -> Verdict {
        // A part with nothing in scope (no buckets, say) does not hold back parts that decided.
        let decided =
            parts.iter().any(|(_, v)| matches!(v.outcome, Outcome::Pass | Outcome::Warn | Outcome::Fail));
        let counts = |o: Outcome| !(decided && o == Outcome::NeedsConfig);
        let outcome = parts
            .iter()
            .map(|(_, v)| v.outcome)
            .filter(|o| counts(*o))
            .max_by_key(|o| o.severity())
            .unwrap_or(Outcome::Error);
        let notable: Vec<&(&str, Verdict)> =
            parts.iter().filter(|(_, v)| v.outcome != Outcome::Pass && counts(v.outcome)).collect();
        let shown: Vec<&(&str, Verdict)> = if notable.is_empty() { parts.iter().collect() } else { notable };
        let summary = shown.iter().map(|(_, v)| v.summary.as_str()).collect::<Vec<_>>().join("; ");
        let mut evidence = Vec::new();
        for (kind, v) in &parts {
            evidence.push(format!("{} {kind}: {}", v.outcome.word(), v.summary));
            evidence.extend(v.evidence.iter().map(|e| format!("  {e}")));
        }
        Verdict::new(outcome, summary, evidence)
    }

    /// Pass saying `ok` when nothing is `wrong`; otherwise `bad` saying "{label}: a, b".
    pub fn unless<S: AsRef<str>>(
        wrong: &[S],
        bad: Outcome,
        ok: String,
        label: &str,
        evidence: Vec<String>,
    ) -> Verdict {
        if wrong.is_empty() {
            Verdict::new(Outcome::Pass, ok, evidence)
        } else {
            Verdict::new(bad, format!("{label}: {}", evidence::listed(wrong)), evidence)
        }
    }
}

/// What a probe run found, kept with the item in the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeResult {
    pub outcome: Outcome,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    pub at: DateTime<Utc>,
    pub duration_ms: u64,
}

/// An error and its causes, by their messages only (their Debug forms can carry whole responses),
/// each said once.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let msg = c.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        cause = c.source();
    }
    out
}
