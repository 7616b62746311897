//! A person's edits of a session. Each edit writes its own history line, so every front end
//! records the same words, and says whether (or what) it changed, so the caller knows whether
//! there is anything to save.

use super::model::{Evidence, EvidenceKind, Session, SignOff, SignStatus, Status};
use crate::probe::target::Target;
use chrono::{DateTime, Utc};

/// Who makes an edit, and when: written into the record and its history line.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub who: &'a str,
    pub at: DateTime<Utc>,
}

/// Which sign-off: an area the checklist names, or the final approval after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignSlot<'a> {
    Area(&'a str),
    Final,
}

impl<'a> SignSlot<'a> {
    fn label(self) -> &'a str {
        match self {
            SignSlot::Area(a) => a,
            SignSlot::Final => "Final Approval",
        }
    }
}

impl EvidenceKind {
    /// The word in the file and in history lines.
    pub fn word(self) -> &'static str {
        match self {
            EvidenceKind::Url => "url",
            EvidenceKind::File => "file",
            EvidenceKind::Text => "text",
        }
    }

    /// What a person calls it when asked about one ("Delete evidence 2: link …?").
    pub fn noun(self) -> &'static str {
        match self {
            EvidenceKind::Url => "link",
            EvidenceKind::File => "file",
            EvidenceKind::Text => "note",
        }
    }
}

impl Session {
    /// A person sets an item's status (with the reason n/a or an override needs). Returns the
    /// history line, or `None` when the person only repeated what the record already says.
    pub fn set_status(&mut self, id: &str, status: Status, reason: Option<String>, by: By) -> Option<String> {
        let rec = self.record_mut(id);
        let old = rec.status;
        if old == status && rec.reason == reason && !rec.status_by_probe {
            return None;
        }
        rec.status_by_probe = false;
        rec.status = status;
        rec.reason = reason.clone();
        rec.by = Some(by.who.to_string());
        rec.at = Some(by.at);
        let mut change = format!("status {} -> {}", old.word(), status.word());
        if let Some(r) = reason {
            change.push_str(&format!(" ({r})"));
        }
        self.log(by.at, by.who, Some(id), change.clone());
        Some(change)
    }

    /// Adds evidence to an item; returns its index.
    pub fn add_evidence(&mut self, id: &str, evidence: Evidence, by: By) -> usize {
        let what = format!("evidence added ({})", evidence.kind.word());
        let rec = self.record_mut(id);
        rec.evidence.push(evidence);
        let index = rec.evidence.len() - 1;
        self.log(by.at, by.who, Some(id), what);
        index
    }

    /// Removes an item's evidence `index`; returns it, or `None` when there is no such evidence.
    pub fn remove_evidence(&mut self, id: &str, index: usize, by: By) -> Option<Evidence> {
        let rec = self.items.get_mut(id)?;
        if index >= rec.evidence.len() {
            return None;
        }
        let gone = rec.evidence.remove(index);
        self.tidy(id);
        self.log(by.at, by.who, Some(id), format!("evidence removed ({})", gone.kind.word()));
        Some(gone)
    }

    /// Puts the text of notes being edited into the record, without a history line (that is
    /// written once, when editing ends). Returns whether the notes changed.
    pub fn draft_notes(&mut self, id: &str, text: String) -> bool {
        if self.record(id).map_or("", |r| r.notes.as_str()) == text {
            return false;
        }
        self.record_mut(id).notes = text;
        self.tidy(id);
        true
    }

    /// Editing notes has ended: logs it when the notes differ from `original`.
    pub fn notes_edited(&mut self, id: &str, original: &str, by: By) -> bool {
        if self.record(id).map_or("", |r| r.notes.as_str()) == original {
            return false;
        }
        self.log(by.at, by.who, Some(id), "notes edited".into());
        true
    }

    pub fn sign_off(&self, slot: SignSlot) -> SignOff {
        match slot {
            SignSlot::Area(area) => self.signoff.get(area).cloned().unwrap_or_default(),
            SignSlot::Final => self.final_approval.clone().unwrap_or_default(),
        }
    }

    fn signoff_mut(&mut self, slot: SignSlot) -> &mut SignOff {
        match slot {
            SignSlot::Area(area) => self.signoff.entry(area.to_string()).or_default(),
            SignSlot::Final => self.final_approval.get_or_insert_with(SignOff::default),
        }
    }

    /// Names the reviewer of a sign-off (dated today when it has no date yet). Returns whether
    /// anything changed.
    pub fn set_reviewer(&mut self, slot: SignSlot, reviewer: &str, by: By) -> bool {
        let s = self.signoff_mut(slot);
        if s.reviewer == reviewer {
            return false;
        }
        s.reviewer = reviewer.to_string();
        s.date.get_or_insert(by.at.date_naive());
        self.log(by.at, by.who, None, format!("sign-off {}: reviewer {reviewer:?}", slot.label()));
        true
    }

    /// Moves a sign-off to its next status, dated today; returns the new status.
    pub fn cycle_signoff(&mut self, slot: SignSlot, by: By) -> SignStatus {
        let s = self.signoff_mut(slot);
        s.status = s.status.cycled();
        s.date = Some(by.at.date_naive());
        let status = s.status;
        self.log(by.at, by.who, None, format!("sign-off {}: {}", slot.label(), status.word()));
        status
    }

    /// Replaces the target; returns whether it changed.
    pub fn set_target(&mut self, target: Target, by: By) -> bool {
        if target == self.target {
            return false;
        }
        self.target = target;
        self.log(by.at, by.who, None, "target changed".into());
        true
    }

    /// The person trusts `account` as the one the probes may look at.
    pub fn trust_account(&mut self, account: &str, by: By) {
        self.target.account_id = Some(account.to_string());
        self.log(by.at, by.who, None, format!("expected AWS account set to {account}"));
    }

    /// The person allowed a command check to run `command`: the audit line names it exactly,
    /// never masked.
    pub fn command_allowed(&mut self, command: &str, by: By) {
        self.log(by.at, by.who, None, format!("command allowed: {command}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Checklist;
    use chrono::TimeZone;

    fn session() -> Session {
        let cl = Checklist::embedded();
        Session::new(&cl, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
    }

    fn by(who: &str) -> By<'_> {
        By { who, at: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap() }
    }

    fn evidence(kind: EvidenceKind, value: &str) -> Evidence {
        Evidence { kind, value: value.into(), size: None, sha256: None, by: "a".into(), at: by("a").at }
    }

    #[test]
    fn a_status_change_is_recorded_with_its_reason_and_a_repeat_is_not() {
        let mut s = session();
        let line = s.set_status("x", Status::NotApplicable, Some("no users".into()), by("alice"));
        assert_eq!(line.as_deref(), Some("status todo -> n/a (no users)"));
        let rec = s.record("x").unwrap();
        assert_eq!(
            (rec.status, rec.by.as_deref(), rec.reason.as_deref()),
            (Status::NotApplicable, Some("alice"), Some("no users"))
        );
        assert_eq!(s.set_status("x", Status::NotApplicable, Some("no users".into()), by("bob")), None);
        assert_eq!(s.history.len(), 1);
        assert_eq!(s.history[0].by, "alice");
        assert_eq!(s.history[0].item.as_deref(), Some("x"));
    }

    #[test]
    fn a_person_repeating_a_probe_verdict_takes_it_over() {
        let mut s = session();
        let rec = s.record_mut("x");
        rec.status = Status::Pass;
        rec.status_by_probe = true;
        assert_eq!(
            s.set_status("x", Status::Pass, None, by("alice")).as_deref(),
            Some("status pass -> pass")
        );
        assert!(!s.record("x").unwrap().status_by_probe);
    }

    #[test]
    fn evidence_is_added_and_removed_with_history_and_an_emptied_record_goes() {
        let mut s = session();
        assert_eq!(s.add_evidence("x", evidence(EvidenceKind::Url, "https://a"), by("a")), 0);
        assert_eq!(s.add_evidence("x", evidence(EvidenceKind::Text, "t"), by("a")), 1);
        assert_eq!(s.remove_evidence("x", 5, by("a")), None);
        assert_eq!(s.remove_evidence("x", 0, by("a")).map(|e| e.value), Some("https://a".into()));
        assert_eq!(s.remove_evidence("x", 0, by("a")).map(|e| e.kind), Some(EvidenceKind::Text));
        assert!(s.record("x").is_none(), "an emptied record is removed");
        let lines: Vec<_> = s.history.iter().map(|c| c.change.as_str()).collect();
        assert_eq!(
            lines,
            [
                "evidence added (url)",
                "evidence added (text)",
                "evidence removed (url)",
                "evidence removed (text)"
            ]
        );
    }

    #[test]
    fn notes_drafts_change_the_record_and_only_the_end_of_editing_is_logged() {
        let mut s = session();
        assert!(s.draft_notes("x", "first".into()));
        assert!(!s.draft_notes("x", "first".into()));
        assert!(s.history.is_empty());
        assert!(!s.notes_edited("x", "first", by("a")));
        assert!(s.notes_edited("x", "", by("a")));
        assert_eq!(s.history.last().unwrap().change, "notes edited");
        assert!(s.draft_notes("x", String::new()));
        assert!(s.record("x").is_none());
    }

    #[test]
    fn sign_offs_cycle_and_name_their_reviewer() {
        let mut s = session();
        assert!(s.set_reviewer(SignSlot::Area("Security"), "carol", by("a")));
        assert!(!s.set_reviewer(SignSlot::Area("Security"), "carol", by("a")));
        assert_eq!(s.cycle_signoff(SignSlot::Final, by("a")), SignStatus::Approved);
        assert_eq!(s.cycle_signoff(SignSlot::Final, by("a")), SignStatus::Rejected);
        assert_eq!(s.sign_off(SignSlot::Area("Security")).reviewer, "carol");
        assert_eq!(s.sign_off(SignSlot::Final).date, Some(by("a").at.date_naive()));
        let lines: Vec<_> = s.history.iter().map(|c| c.change.as_str()).collect();
        assert_eq!(
            lines,
            [
                "sign-off Security: reviewer \"carol\"",
                "sign-off Final Approval: approved",
                "sign-off Final Approval: rejected"
            ]
        );
    }

    #[test]
    fn a_target_change_is_logged_once_and_an_account_trusted_is_named() {
        let mut s = session();
        assert!(!s.set_target(Target::default(), by("a")));
        let t = Target { region: Some("eu-west-1".into()), ..Target::default() };
        assert!(s.set_target(t.clone(), by("a")));
        assert_eq!(s.target, t);
        s.trust_account("123456789012", by("a"));
        s.command_allowed("make check", by("a"));
        assert_eq!(s.target.account_id.as_deref(), Some("123456789012"));
        let lines: Vec<_> = s.history.iter().map(|c| c.change.as_str()).collect();
        assert_eq!(
            lines,
            ["target changed", "expected AWS account set to 123456789012", "command allowed: make check"]
        );
    }
}
