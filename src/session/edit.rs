//! A person's edits of a session. Each edit writes its own history line, so every front end
//! records the same words, and says whether (or what) it changed, so the caller knows whether
//! there is anything to save.

use super::model::{Evidence, EvidenceKind, Session, SignOff, SignStatus, Status, Waiver};
pub use super::signoff::SignSlot;
use crate::checklist::Checklist;
use crate::probe::target::Target;
use chrono::{DateTime, Utc};

/// Who makes an edit, and when: written into the record and its history line.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub who: &'a str,
    pub at: DateTime<Utc>,
}

/// What goes with an approval beyond who and when.
#[derive(Debug, Clone, Default)]
pub struct Signing {
    /// The signer's AWS identity (STS caller ARN), where golive knows it.
    pub arn: Option<String>,
    /// The exceptions a final approval is given with while the gate says NO-GO.
    pub reason: Option<String>,
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

    /// Approves a sign-off for its reviewer (the person at the keyboard when none is named),
    /// recording who pressed it, their AWS identity when known, the exceptions it was given with,
    /// and a fingerprint of what it signs for.
    pub fn approve(&mut self, checklist: &Checklist, slot: SignSlot, sign: Signing, by: By) {
        let items = super::signoff::items_of(checklist, slot);
        let fingerprint = super::signoff::fingerprint(checklist, self, &items);
        let s = self.signoff_mut(slot);
        if s.reviewer.trim().is_empty() {
            s.reviewer = by.who.to_string();
        }
        s.status = SignStatus::Approved;
        s.date = Some(by.at.date_naive());
        (s.by, s.at, s.arn) = (Some(by.who.to_string()), Some(by.at), sign.arn);
        s.reason = sign.reason.clone();
        s.fingerprint = Some(fingerprint);
        let mut line = format!("sign-off {}: approved by {} for {}", slot.label(), by.who, s.reviewer);
        if let Some(r) = sign.reason {
            line.push_str(&format!(" with exceptions ({r})"));
        }
        self.log(by.at, by.who, None, line);
    }

    /// Rejects a sign-off, with the reason.
    pub fn reject(&mut self, slot: SignSlot, reason: String, arn: Option<String>, by: By) {
        let s = self.signoff_mut(slot);
        if s.reviewer.trim().is_empty() {
            s.reviewer = by.who.to_string();
        }
        s.status = SignStatus::Rejected;
        s.date = Some(by.at.date_naive());
        (s.by, s.at, s.arn) = (Some(by.who.to_string()), Some(by.at), arn);
        s.reason = Some(reason.clone());
        s.fingerprint = None;
        let line = format!("sign-off {}: rejected by {} for {} ({reason})", slot.label(), by.who, s.reviewer);
        self.log(by.at, by.who, None, line);
    }

    /// Takes a sign-off back to pending; returns whether it was anything else.
    pub fn reopen(&mut self, slot: SignSlot, by: By) -> bool {
        let s = self.signoff_mut(slot);
        if s.status == SignStatus::Pending {
            return false;
        }
        let reviewer = std::mem::take(&mut s.reviewer);
        *s = SignOff { reviewer, date: Some(by.at.date_naive()), ..SignOff::default() };
        self.log(by.at, by.who, None, format!("sign-off {}: pending", slot.label()));
        true
    }

    /// Waives an item: the gate accepts it as it is until the waiver expires. Refused (with why)
    /// without a reason or an approver, with an expiry already past, or on a critical item whose
    /// approver is the person asking.
    pub fn waive(&mut self, id: &str, critical: bool, waiver: Waiver, by: By) -> Result<String, String> {
        if waiver.reason.trim().is_empty() {
            return Err("A waiver needs a reason.".into());
        }
        if waiver.approved_by.trim().is_empty() {
            return Err("A waiver needs the name of who approved it.".into());
        }
        if waiver.expired(by.at.date_naive()) {
            return Err(format!("The expiry {} has passed: a waiver ends on a later day.", waiver.expires));
        }
        if critical && waiver.one_name() {
            return Err(format!(
                "A critical item's waiver needs a second name: {} cannot approve their own.",
                waiver.asked_by
            ));
        }
        let mut line = format!(
            "waived until {} (approved by {}): {}",
            waiver.expires, waiver.approved_by, waiver.reason
        );
        if let Some(t) = &waiver.ticket {
            line.push_str(&format!(" [{t}]"));
        }
        self.record_mut(id).waiver = Some(waiver);
        self.log(by.at, by.who, Some(id), line.clone());
        Ok(line)
    }

    /// Withdraws an item's waiver; returns whether it had one.
    pub fn unwaive(&mut self, id: &str, by: By) -> bool {
        let Some(rec) = self.items.get_mut(id) else { return false };
        if rec.waiver.take().is_none() {
            return false;
        }
        self.tidy(id);
        self.log(by.at, by.who, Some(id), "waiver withdrawn".into());
        true
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
    use chrono::{NaiveDate, TimeZone};

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
    fn a_sign_off_names_who_pressed_it_and_for_whom() {
        let cl = Checklist::embedded();
        let mut s = session();
        assert!(s.set_reviewer(SignSlot::Area("Security"), "Priya Natarajan", by("a")));
        assert!(!s.set_reviewer(SignSlot::Area("Security"), "Priya Natarajan", by("a")));
        s.approve(&cl, SignSlot::Area("Security"), Signing::default(), by("alice"));
        let sec = s.sign_off(SignSlot::Area("Security"));
        assert_eq!(
            (sec.status, sec.reviewer.as_str(), sec.by.as_deref()),
            (SignStatus::Approved, "Priya Natarajan", Some("alice"))
        );
        assert!(sec.fingerprint.is_some());
        let exceptions =
            Signing { arn: Some("arn:aws:iam::1:user/bob".into()), reason: Some("two waived".into()) };
        s.approve(&cl, SignSlot::Final, exceptions, by("bob"));
        assert_eq!(s.sign_off(SignSlot::Final).reviewer, "bob", "no name given: the signer's own");
        assert_eq!(s.sign_off(SignSlot::Final).arn.as_deref(), Some("arn:aws:iam::1:user/bob"));
        s.reject(SignSlot::Area("Cost"), "no budget alarm".into(), None, by("carol"));
        assert!(s.reopen(SignSlot::Area("Cost"), by("carol")));
        assert!(!s.reopen(SignSlot::Area("Cost"), by("carol")));
        let lines: Vec<_> = s.history.iter().map(|c| c.change.as_str()).collect();
        assert_eq!(
            lines,
            [
                "sign-off Security: reviewer \"Priya Natarajan\"",
                "sign-off Security: approved by alice for Priya Natarajan",
                "sign-off Final Approval: approved by bob for bob with exceptions (two waived)",
                "sign-off Cost: rejected by carol for carol (no budget alarm)",
                "sign-off Cost: pending",
            ]
        );
    }

    #[test]
    fn a_sign_off_goes_stale_when_an_item_in_its_area_changes_and_only_then() {
        use crate::session::signoff::{SignState, state};
        let cl = Checklist::embedded();
        let mut s = session();
        s.set_status("security.least-privilege", Status::Pass, None, by("a"));
        s.approve(&cl, SignSlot::Area("Security"), Signing::default(), by("alice"));
        s.approve(&cl, SignSlot::Area("Cost"), Signing::default(), by("alice"));
        assert_eq!(state(&cl, &s, SignSlot::Area("Security")), SignState::Approved);
        // Another area's item, and an edit that changes nothing, leave it signed.
        s.set_status("cost.budget-alerts", Status::Pass, None, by("bob"));
        s.set_status("security.least-privilege", Status::Pass, None, by("bob"));
        assert_eq!(state(&cl, &s, SignSlot::Area("Security")), SignState::Approved);
        assert!(matches!(state(&cl, &s, SignSlot::Area("Cost")), SignState::Stale(_)));
        s.draft_notes("security.least-privilege", "role split pending".into());
        s.notes_edited("security.least-privilege", "", by("bob"));
        let SignState::Stale(changes) = state(&cl, &s, SignSlot::Area("Security")) else {
            panic!("a note in the area makes it stale")
        };
        assert_eq!(changes, ["bob security.least-privilege: notes edited (2026-01-02 03:04)"]);
        // Putting it back as it was is what was signed.
        s.draft_notes("security.least-privilege", String::new());
        assert_eq!(state(&cl, &s, SignSlot::Area("Security")), SignState::Approved);
        // A probe's verdict is part of what was signed; its timing is not.
        let probe = |outcome, at| crate::probe::ProbeResult {
            outcome,
            summary: "x".into(),
            evidence: vec![],
            at,
            duration_ms: 1,
        };
        s.record_mut("security.secrets-management").probe =
            Some(probe(crate::probe::Outcome::Pass, by("a").at));
        s.approve(&cl, SignSlot::Area("Security"), Signing::default(), by("alice"));
        s.record_mut("security.secrets-management").probe =
            Some(probe(crate::probe::Outcome::Pass, Utc::now()));
        assert_eq!(state(&cl, &s, SignSlot::Area("Security")), SignState::Approved);
        s.record_mut("security.secrets-management").probe =
            Some(probe(crate::probe::Outcome::Fail, Utc::now()));
        assert_eq!(
            state(&cl, &s, SignSlot::Area("Security")),
            SignState::Stale(vec!["probe results changed since it was signed".into()])
        );
    }

    #[test]
    fn a_waiver_needs_a_reason_an_approver_a_later_day_and_for_a_critical_item_a_second_name() {
        let mut s = session();
        let w = |asked: &str, approved: &str, expires: (i32, u32, u32)| Waiver {
            reason: "vendor fix due".into(),
            asked_by: asked.into(),
            approved_by: approved.into(),
            expires: NaiveDate::from_ymd_opt(expires.0, expires.1, expires.2).unwrap(),
            ticket: Some("OPS-12".into()),
            at: by("a").at,
        };
        let refused = s.waive("x", true, w("alice", "Alice ", (2026, 2, 1)), by("alice")).unwrap_err();
        assert!(refused.contains("second name"), "{refused}");
        let past = s.waive("x", false, w("alice", "bob", (2026, 1, 1)), by("alice")).unwrap_err();
        assert!(past.contains("has passed"), "{past}");
        assert!(
            s.waive("x", false, Waiver { reason: " ".into(), ..w("a", "b", (2026, 2, 1)) }, by("a")).is_err()
        );
        assert!(s.record("x").is_none(), "nothing recorded by a refused waiver");
        assert_eq!(
            s.waive("x", false, w("alice", "alice", (2026, 2, 1)), by("alice")).unwrap(),
            "waived until 2026-02-01 (approved by alice): vendor fix due [OPS-12]"
        );
        let ok = s.waive("y", true, w("alice", "bob", (2026, 1, 2)), by("alice"));
        assert!(ok.is_ok(), "expiring today is still valid: {ok:?}");
        assert!(s.unwaive("x", by("alice")));
        assert!(s.record("x").is_none());
        assert!(!s.unwaive("x", by("alice")));
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
