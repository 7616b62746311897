//! What a sign-off signed: a digest of its items as they were, so a change afterwards shows the
//! sign-off as stale (with what changed, and by whom) until someone signs again.

use super::model::{Session, SignOff, SignStatus};
use crate::checklist::Checklist;
use sha2::{Digest, Sha256};

/// Which sign-off: an area the checklist names, or the final approval after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignSlot<'a> {
    Area(&'a str),
    Final,
}

impl<'a> SignSlot<'a> {
    pub fn label(self) -> &'a str {
        match self {
            SignSlot::Area(a) => a,
            SignSlot::Final => "Final Approval",
        }
    }
}

impl Session {
    /// The sign-off of a slot as it stands (pending when nobody touched it).
    pub fn sign_off(&self, slot: SignSlot) -> SignOff {
        match slot {
            SignSlot::Area(area) => self.signoff.get(area).cloned().unwrap_or_default(),
            SignSlot::Final => self.final_approval.clone().unwrap_or_default(),
        }
    }
}

/// Where a sign-off stands once its items are compared with what was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignState {
    Pending,
    Approved,
    Rejected,
    /// Approved, but its items changed since: these changes (newest last), or why it cannot tell.
    Stale(Vec<String>),
}

impl SignState {
    pub fn word(&self) -> &'static str {
        match self {
            SignState::Pending => "pending",
            SignState::Approved => "approved",
            SignState::Rejected => "rejected",
            SignState::Stale(_) => "stale",
        }
    }

    pub fn glyph(&self) -> &'static str {
        match self {
            SignState::Pending => "[ ]",
            SignState::Approved => "[x]",
            SignState::Rejected => "[✗]",
            SignState::Stale(_) => "[?]",
        }
    }
}

/// The items a sign-off covers: an area's sections, or every item for the final approval.
pub fn items_of(checklist: &Checklist, slot: SignSlot) -> Vec<usize> {
    match slot {
        SignSlot::Area(name) => match checklist.signoff_areas.iter().position(|a| a == name) {
            Some(n) => checklist.area_items(n).collect(),
            None => Vec::new(),
        },
        SignSlot::Final => (0..checklist.items.len()).collect(),
    }
}

/// A digest of what a person would sign for these items: statuses and who set them, reasons,
/// notes, evidence, the probes' verdicts (not their timing: a rerun that finds the same is no
/// change) and waivers.
pub fn fingerprint(checklist: &Checklist, session: &Session, items: &[usize]) -> String {
    let mut h = Sha256::new();
    for &i in items {
        let id = &checklist.items[i].id;
        let Some(r) = session.record(id) else { continue };
        let mut part = format!("{id}\0{}\0{:?}\0{}\0", r.status.word(), r.reason, r.notes);
        for e in &r.evidence {
            part.push_str(&format!("{}\0{}\0{:?}\0", e.kind.word(), e.value, e.sha256));
        }
        if let Some(p) = &r.probe {
            part.push_str(&format!("probe {}\0", p.outcome.word()));
        }
        if let Some(w) = &r.waiver {
            part.push_str(&format!(
                "waiver {}\0{}\0{}\0{}\0",
                w.reason, w.asked_by, w.approved_by, w.expires
            ));
        }
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("{:x}", h.finalize())[..32].to_string()
}

/// Where a sign-off stands now.
pub fn state(checklist: &Checklist, session: &Session, slot: SignSlot) -> SignState {
    let s = session.sign_off(slot);
    match s.status {
        SignStatus::Pending => SignState::Pending,
        SignStatus::Rejected => SignState::Rejected,
        SignStatus::Approved => {
            let items = items_of(checklist, slot);
            match &s.fingerprint {
                Some(f) if *f == fingerprint(checklist, session, &items) => SignState::Approved,
                Some(_) => SignState::Stale(changes_since(checklist, session, slot, &items)),
                None => {
                    SignState::Stale(vec!["approved without a record of what was signed: sign again".into()])
                }
            }
        }
    }
}

/// The history lines of the slot's items written after its last approval, newest last (at most
/// five, and how many more).
fn changes_since(checklist: &Checklist, session: &Session, slot: SignSlot, items: &[usize]) -> Vec<String> {
    let signed = format!("sign-off {}: approved", slot.label());
    let ids: std::collections::HashSet<&str> =
        items.iter().map(|&i| checklist.items[i].id.as_str()).collect();
    let mut lines = Vec::new();
    for c in session.history.iter().rev() {
        if c.item.is_none() && c.change.starts_with(&signed) {
            break;
        }
        if let Some(id) = c.item.as_deref().filter(|id| ids.contains(id)) {
            lines.push(format!("{} {id}: {} ({})", c.by, c.change, c.at.format("%Y-%m-%d %H:%M")));
        }
    }
    lines.reverse();
    if lines.is_empty() {
        return vec!["probe results changed since it was signed".into()];
    }
    if lines.len() > 5 {
        let more = lines.len() - 5;
        lines.drain(..more);
        lines.insert(0, format!("{more} earlier changes"));
    }
    lines
}
