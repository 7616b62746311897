//! The gate's rule: what must hold before GO. A checklist may carry one (`[gate]`), and so may a
//! project file; without it the default fits the seed checklist. Data the checklist holds, so it
//! lives here; the gate decides by it.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Which items must pass (or be n/a where allowed, or waived).
    #[serde(default)]
    pub require: Require,
    /// Section ids whose every item must pass as well.
    #[serde(default)]
    pub sections: Vec<String>,
    /// n/a counts only with a reason.
    #[serde(default = "yes")]
    pub na_needs_reason: bool,
    /// Every sign-off area approved, and not stale.
    #[serde(default = "yes")]
    pub signoffs: bool,
    /// The final approval given, and not stale.
    #[serde(default = "yes")]
    pub final_approval: bool,
    /// The oldest a probe's verdict may be and still count; 0: no limit.
    #[serde(default = "day")]
    pub max_probe_age_hours: u32,
    /// A probe's warning blocks like a failure.
    #[serde(default)]
    pub warnings_block: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Require {
    /// Every critical item.
    #[default]
    Critical,
    /// Every item.
    All,
    /// None by this rule (`sections`, failures and sign-offs still count).
    None,
}

fn yes() -> bool {
    true
}

fn day() -> u32 {
    24
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            require: Require::Critical,
            sections: Vec::new(),
            na_needs_reason: true,
            signoffs: true,
            final_approval: true,
            max_probe_age_hours: day(),
            warnings_block: false,
        }
    }
}

impl Policy {
    /// The rule in a few words, for reports ("critical items pass; sign-offs and the final
    /// approval given; probe results at most 24 h old").
    pub fn describe(&self) -> String {
        let mut parts = vec![match self.require {
            Require::Critical => "critical items pass".to_string(),
            Require::All => "every item passes".to_string(),
            Require::None => "no item is required".to_string(),
        }];
        if !self.sections.is_empty() {
            parts.push(format!("every item of {} passes", self.sections.join(", ")));
        }
        parts.push("nothing failed or blocked".into());
        match (self.signoffs, self.final_approval) {
            (true, true) => parts.push("every sign-off and the final approval given".into()),
            (true, false) => parts.push("every sign-off given".into()),
            (false, true) => parts.push("the final approval given".into()),
            (false, false) => {}
        }
        if self.max_probe_age_hours > 0 {
            parts.push(format!("probe results at most {} h old", self.max_probe_age_hours));
        }
        if self.warnings_block {
            parts.push("no probe warnings".into());
        }
        parts.join("; ")
    }
}
