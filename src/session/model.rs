//! The session's model: what a person or a probe produced, keyed by item id.

use crate::probe::target::Target;
use crate::probe::{Outcome, ProbeResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The session file format this golive reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    // A hand-written session may hold only a target, or part of the header: what is missing is
    // filled in when it is read (see `store::interpret`) and written on the first save.
    #[serde(default = "schema_version")]
    pub schema_version: i64,
    /// The id of the checklist this session answers.
    #[serde(default)]
    pub checklist: String,
    #[serde(default)]
    pub checklist_version: String,
    #[serde(default = "now")]
    pub created: DateTime<Utc>,
    /// Where probes look (AWS profile, region, expected account).
    #[serde(default, skip_serializing_if = "Target::is_empty")]
    pub target: Target,
    #[serde(default)]
    pub ui: UiState,
    #[serde(default)]
    pub items: BTreeMap<String, ItemRecord>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signoff: BTreeMap<String, SignOff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_approval: Option<SignOff>,
    /// Consent an older golive kept in the session. Never honoured: a session travels, consent
    /// does not (see `consent`). Read so such a file still opens, and dropped on the next save.
    #[serde(rename = "approved_commands", default, skip_serializing)]
    pub carried_approvals: Vec<String>,
    /// Append-only log of who changed what; note text itself is not copied here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
    /// `golive watch`'s sweeps over the launch window: when, and how many items came out how.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sweeps: Vec<SweepLog>,
}

/// One sweep of `golive watch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepLog {
    pub at: DateTime<Utc>,
    /// Items by outcome word (pass, warn, fail, error, needs-config).
    pub counts: BTreeMap<String, usize>,
    /// Changes told (each once) after this sweep.
    #[serde(default)]
    pub changes: usize,
}

/// How many sweeps a session keeps: a week of ten-minute sweeps.
pub const SWEEPS_KEPT: usize = 1000;

fn schema_version() -> i64 {
    SCHEMA_VERSION
}

fn now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 0)
}

/// Where the user was, so reopening resumes there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub critical_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRecord {
    #[serde(default)]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Why the item does not apply (required for n/a).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The status was set by the probe, not by a person (a person's status wins over probes).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub status_by_probe: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeResult>,
    /// Earlier probe results, newest last, without their evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probe_history: Vec<ProbeRun>,
    /// The gate accepts the item as it is until the waiver expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
}

/// A launch with a known gap, accepted by name until a date: the gate lets the item through
/// until `expires` (inclusive) and blocks it again after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub reason: String,
    /// Who asked for it (the person at the keyboard).
    pub asked_by: String,
    /// Who accepted the risk; for a critical item, someone else than `asked_by`.
    pub approved_by: String,
    /// The last day the waiver holds.
    pub expires: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub at: DateTime<Utc>,
}

impl Waiver {
    pub fn expired(&self, today: NaiveDate) -> bool {
        today > self.expires
    }

    /// Days until it expires (0 on its last day, and once expired).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.expires - today).num_days().max(0)
    }

    /// Asker and approver are one person (names compared as people type them).
    pub fn one_name(&self) -> bool {
        self.asked_by.trim().eq_ignore_ascii_case(self.approved_by.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeRun {
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
    pub summary: String,
}

/// How many earlier probe results an item keeps.
pub const PROBE_HISTORY: usize = 10;

impl ItemRecord {
    pub fn is_empty(&self) -> bool {
        *self == ItemRecord::default()
    }

    /// The probe's outcome when a person's status says otherwise than the probe's verdict.
    pub fn overridden_probe(&self) -> Option<Outcome> {
        let p = self.probe.as_ref()?;
        let verdict = Status::from_outcome(p.outcome);
        // Todo is nobody's decision: a pass left for a person to confirm is not overridden.
        let decided = self.status != Status::Todo;
        (!self.status_by_probe && decided && verdict != Status::Todo && self.status != verdict)
            .then_some(p.outcome)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[default]
    #[serde(rename = "todo")]
    Todo,
    #[serde(rename = "pass")]
    Pass,
    #[serde(rename = "fail")]
    Fail,
    #[serde(rename = "blocked")]
    Blocked,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Todo, Status::Pass, Status::Fail, Status::Blocked, Status::NotApplicable];

    pub fn word(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Blocked => "blocked",
            Status::NotApplicable => "n/a",
        }
    }

    /// Never colour alone: every status has its own glyph.
    pub fn glyph(self) -> &'static str {
        match self {
            Status::Todo => "[ ]",
            Status::Pass => "[x]",
            Status::Fail => "[✗]",
            Status::Blocked => "[!]",
            Status::NotApplicable => "[~]",
        }
    }

    /// The status a probe outcome stands for: pass and fail are verdicts; warn, error and
    /// needs-config leave the item for a person.
    pub fn from_outcome(o: Outcome) -> Status {
        match o {
            Outcome::Pass => Status::Pass,
            Outcome::Fail => Status::Fail,
            _ => Status::Todo,
        }
    }

    /// Pass and n/a both settle an item.
    pub fn is_done(self) -> bool {
        matches!(self, Status::Pass | Status::NotApplicable)
    }

    /// Space cycles through the statuses that need no reason; n/a has its own key.
    pub fn cycled(self) -> Status {
        match self {
            Status::Todo => Status::Pass,
            Status::Pass => Status::Fail,
            Status::Fail => Status::Blocked,
            Status::Blocked | Status::NotApplicable => Status::Todo,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub value: String,
    /// For files: size and SHA-256 when recorded, so a report can show the file is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    Url,
    File,
    Text,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// Whose sign-off this is (the name typed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub status: SignStatus,
    /// Who pressed approve or reject, and when: not always the reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// The signer's AWS identity (STS caller ARN) where golive knew it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Why: a rejection's reason, or the exceptions a final approval was given with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What was signed: a digest of the area's items (statuses, notes, evidence, probe verdicts,
    /// waivers). Anything changed since makes the sign-off stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
}

impl SignStatus {
    pub fn word(self) -> &'static str {
        match self {
            SignStatus::Pending => "pending",
            SignStatus::Approved => "approved",
            SignStatus::Rejected => "rejected",
        }
    }

    pub fn glyph(self) -> &'static str {
        match self {
            SignStatus::Pending => "[ ]",
            SignStatus::Approved => "[x]",
            SignStatus::Rejected => "[✗]",
        }
    }

    pub fn cycled(self) -> SignStatus {
        match self {
            SignStatus::Pending => SignStatus::Approved,
            SignStatus::Approved => SignStatus::Rejected,
            SignStatus::Rejected => SignStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub change: String,
}

/// Something in a person's text that looks like a credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Leak {
    pub item: String,
    /// Where: "note line 3", "evidence 2", "n/a reason".
    pub place: String,
    /// What it looks like ("AWS secret access key").
    pub what: &'static str,
}

impl Session {
    /// Credentials people typed into notes, evidence or reasons, in item id order: an export
    /// would carry them into a ticket or a repository, so golive asks (or warns) first.
    pub fn leaks(&self) -> Vec<Leak> {
        let mut out = Vec::new();
        for (id, rec) in &self.items {
            let mut check = |place: String, text: &str| {
                for f in text.lines().flat_map(crate::mask::find) {
                    out.push(Leak { item: id.clone(), place: place.clone(), what: f.rule.what });
                }
            };
            for (n, line) in rec.notes.lines().enumerate() {
                check(format!("note line {}", n + 1), line);
            }
            for (n, e) in rec.evidence.iter().enumerate() {
                check(format!("evidence {}", n + 1), &e.value);
            }
            if let Some(reason) = &rec.reason {
                check("n/a reason".into(), reason);
            }
        }
        out
    }

    pub fn new(checklist: &crate::checklist::Checklist, now: DateTime<Utc>) -> Session {
        Session {
            schema_version: SCHEMA_VERSION,
            checklist: checklist.id.clone(),
            checklist_version: checklist.version.clone(),
            created: now,
            target: Target::default(),
            ui: UiState::default(),
            items: BTreeMap::new(),
            signoff: BTreeMap::new(),
            final_approval: None,
            carried_approvals: Vec::new(),
            history: Vec::new(),
            sweeps: Vec::new(),
        }
    }

    pub fn status(&self, id: &str) -> Status {
        self.items.get(id).map_or(Status::Todo, |r| r.status)
    }

    pub fn record(&self, id: &str) -> Option<&ItemRecord> {
        self.items.get(id)
    }

    /// The same answers, sign-offs, target and history: equal but for where each person's view
    /// was (`ui`), which is theirs alone and never worth publishing.
    pub fn same_answers(&self, other: &Session) -> bool {
        // Every field named, so a field added later is compared unless it is left out here too.
        let Session {
            schema_version,
            checklist,
            checklist_version,
            created,
            target,
            ui: _,
            items,
            signoff,
            final_approval,
            carried_approvals,
            history,
            sweeps,
        } = self;
        *schema_version == other.schema_version
            && *checklist == other.checklist
            && *checklist_version == other.checklist_version
            && *created == other.created
            && *target == other.target
            && *items == other.items
            && *signoff == other.signoff
            && *final_approval == other.final_approval
            && *carried_approvals == other.carried_approvals
            && *history == other.history
            && *sweeps == other.sweeps
    }

    /// Keeps one of `golive watch`'s sweeps in the run log (the oldest go past [`SWEEPS_KEPT`]).
    pub fn log_sweep(&mut self, at: DateTime<Utc>, counts: BTreeMap<String, usize>, changes: usize) {
        self.sweeps.push(SweepLog { at, counts, changes });
        let excess = self.sweeps.len().saturating_sub(SWEEPS_KEPT);
        self.sweeps.drain(..excess);
    }

    /// The record to change; an emptied record is removed again by [`Session::tidy`].
    pub fn record_mut(&mut self, id: &str) -> &mut ItemRecord {
        self.items.entry(id.to_string()).or_default()
    }

    /// Drops records that hold nothing, so the file keeps only what someone produced.
    pub fn tidy(&mut self, id: &str) {
        if self.items.get(id).is_some_and(ItemRecord::is_empty) {
            self.items.remove(id);
        }
    }

    /// Records a probe result. It sets the status unless a person has: fail is a verdict, and so is
    /// pass where the probes decide the item (`decides`); a pass of probes that check a part, warn,
    /// error and needs-config leave the item for a person (todo, and not "set by probe").
    pub fn apply_probe(&mut self, id: &str, kind: &str, result: ProbeResult, decides: bool) {
        let rec = self.record_mut(id);
        if let Some(old) = rec.probe.take() {
            rec.probe_history.push(ProbeRun { at: old.at, outcome: old.outcome, summary: old.summary });
            let excess = rec.probe_history.len().saturating_sub(PROBE_HISTORY);
            rec.probe_history.drain(..excess);
        }
        if rec.status_by_probe || rec.status == Status::Todo {
            let status = match Status::from_outcome(result.outcome) {
                Status::Pass if !decides => Status::Todo,
                s => s,
            };
            if status == Status::Todo {
                // Nothing was set: no "set by probe" on an item the probe left to a person.
                if rec.status_by_probe {
                    (rec.by, rec.at) = (None, None);
                }
                rec.status_by_probe = false;
            } else {
                rec.status_by_probe = true;
                rec.by = Some(format!("probe {kind}"));
                rec.at = Some(result.at);
            }
            rec.status = status;
            rec.reason = None;
        }
        rec.probe = Some(result);
    }

    pub fn log(&mut self, at: DateTime<Utc>, by: &str, item: Option<&str>, change: String) {
        self.history.push(Change { at, by: by.to_string(), item: item.map(str::to_string), change });
    }
}
