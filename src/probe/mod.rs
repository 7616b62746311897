//! Probes: automated checks attached to checklist items. This module holds the data both files
//! share (what to run, what it found); the engine that runs them comes later.

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
