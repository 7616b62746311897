//! Three sessions in, one out: what two people changed since the version both started from,
//! merged item by item and field by field: `golive merge` (a git merge driver), a shared session's
//! saves and a file changed on disk under the TUI all go through here. Changes to different items, or different fields of one item,
//! merge by themselves; the same field changed on both sides is decided by rule and reported, so
//! a person (or the report) can see it: a status, a waiver or a sign-off goes to the later one,
//! notes keep both texts. History lines from both sides are kept, in time order.

use super::model::{Change, Evidence, ItemRecord, Session, SignOff, Status, Waiver};
use crate::probe::target::Target;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// A field both sides changed, what each side held and what the merge kept: enough for the
/// person to take the other side's instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The item id, sign-off area, `final approval` or `target`.
    pub place: String,
    pub field: &'static str,
    pub kept: Kept,
    pub ours: Value,
    pub theirs: Value,
}

/// An answer: the status with who gave it, when, why, and whether a probe set it.
pub type Answer = (Status, Option<String>, Option<DateTime<Utc>>, Option<String>, bool);

/// One side's value of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Status(Answer),
    Notes(String),
    Waiver(Option<Waiver>),
    SignOff(Option<SignOff>),
    Target(Box<Target>),
}

/// The place name the final approval goes by in a conflict.
pub const FINAL: &str = "final approval";

impl Conflict {
    /// Puts `value` (one side's, `self.ours` or `self.theirs`) in `session`.
    pub fn apply(&self, session: &mut Session, value: &Value) {
        match value {
            Value::Status(a) => {
                let r = session.record_mut(&self.place);
                (r.status, r.by, r.at, r.reason, r.status_by_probe) = a.clone();
            }
            Value::Notes(n) => session.record_mut(&self.place).notes = n.clone(),
            Value::Waiver(w) => session.record_mut(&self.place).waiver = w.clone(),
            Value::SignOff(s) if self.place == FINAL => session.final_approval = s.clone(),
            Value::SignOff(Some(s)) => {
                session.signoff.insert(self.place.clone(), s.clone());
            }
            Value::SignOff(None) => {
                session.signoff.remove(&self.place);
            }
            Value::Target(t) => session.target = (**t).clone(),
        }
    }
}

impl Value {
    /// A few words for the person: `pass (bob, 10:02)`, the notes' first line, ...
    pub fn describe(&self) -> String {
        let when = |at: &Option<DateTime<Utc>>| at.map(|a| a.format("%H:%M").to_string());
        match self {
            Value::Status((s, by, at, ..)) => match (by, when(at)) {
                (Some(by), Some(at)) => format!("{} ({by}, {at})", s.word()),
                (Some(by), None) => format!("{} ({by})", s.word()),
                _ => s.word().to_string(),
            },
            Value::Notes(n) => {
                let last = n.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("(none)");
                format!("notes ending \"{}\"", crate::text::printable(last))
            }
            Value::Waiver(None) => "no waiver".into(),
            Value::Waiver(Some(w)) => format!("waived by {}", w.asked_by),
            Value::SignOff(None) => "not signed".into(),
            Value::SignOff(Some(s)) => format!("{} by {}", s.status.word(), s.reviewer),
            Value::Target(_) => "another target".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Ours,
    Theirs,
    Both,
}

impl Kept {
    /// What the merge did, in words for the person.
    pub fn words(self) -> &'static str {
        match self {
            Kept::Ours => "kept this side's (the later)",
            Kept::Theirs => "kept the other side's (the later)",
            Kept::Both => "kept both",
        }
    }
}

pub struct Merged {
    pub session: Session,
    pub conflicts: Vec<Conflict>,
}

/// Merges `ours` and `theirs`, both changed from `base`.
pub fn merge(base: &Session, ours: &Session, theirs: &Session) -> Merged {
    let mut conflicts = Vec::new();
    let mut out = ours.clone();
    let ids: BTreeSet<&String> = ours.items.keys().chain(theirs.items.keys()).collect();
    out.items = ids
        .into_iter()
        .filter_map(|id| {
            let (b, o, t) = (base.items.get(id), ours.items.get(id), theirs.items.get(id));
            let merged = match (o, t) {
                (Some(o), Some(t)) => Some(item(id, b, o, t, &mut conflicts)),
                // One side has it, the other never had it or removed it: the change stands.
                (Some(x), None) | (None, Some(x)) => (b != Some(x)).then(|| x.clone()),
                (None, None) => None,
            };
            merged.map(|m| (id.clone(), m))
        })
        .collect();
    let signed = |s: Option<&SignOff>| Value::SignOff(s.cloned());
    let areas: BTreeSet<&String> = ours.signoff.keys().chain(theirs.signoff.keys()).collect();
    out.signoff = areas
        .into_iter()
        .filter_map(|area| {
            let (b, o, t) = (base.signoff.get(area), ours.signoff.get(area), theirs.signoff.get(area));
            let kept = three_way(b, o, t, |o, t| o.at >= t.at, signed, area, "sign-off", &mut conflicts);
            kept.cloned().map(|s| (area.clone(), s))
        })
        .collect();
    out.final_approval = three_way(
        base.final_approval.as_ref(),
        ours.final_approval.as_ref(),
        theirs.final_approval.as_ref(),
        |o, t| o.at >= t.at,
        signed,
        FINAL,
        "sign-off",
        &mut conflicts,
    )
    .cloned();
    out.target = three_way(
        Some(&base.target),
        Some(&ours.target),
        Some(&theirs.target),
        |_, _| true,
        |t: Option<&Target>| Value::Target(Box::new(t.cloned().unwrap_or_default())),
        "target",
        "target",
        &mut conflicts,
    )
    .cloned()
    .unwrap_or_default();
    // Every line either side wrote, in time order: a line is kept as often as the side that
    // holds it most often does (two identical edits in one second are two lines).
    let mut history = ours.history.clone();
    history.extend(new_lines(&ours.history, &theirs.history).into_iter().cloned());
    // One order whichever side merges: lines of the same second by who, item and words, so two
    // participants merging the same versions write the same file (and do not re-publish forever).
    history.sort_by(|a, b| (a.at, &a.by, &a.item, &a.change).cmp(&(b.at, &b.by, &b.item, &b.change)));
    out.history = history;
    // Watch sweeps of either side, once each, in time order.
    let mut sweeps = ours.sweeps.clone();
    sweeps.extend(theirs.sweeps.iter().filter(|s| !ours.sweeps.contains(s)).cloned());
    sweeps.sort_by_key(|s| s.at);
    let excess = sweeps.len().saturating_sub(super::SWEEPS_KEPT);
    sweeps.drain(..excess);
    out.sweeps = sweeps;
    Merged { session: out, conflicts }
}

/// The history lines of `after` that `before` does not hold, counted as often as they stand (two
/// identical edits in one second are two lines).
pub fn new_lines<'a>(before: &[Change], after: &'a [Change]) -> Vec<&'a Change> {
    let mut have: std::collections::HashMap<&Change, usize> = std::collections::HashMap::new();
    for line in before {
        *have.entry(line).or_default() += 1;
    }
    after
        .iter()
        .filter(|line| match have.get_mut(line) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// Notes both sides wrote: ours, then theirs under a line that says so.
pub fn both_notes(ours: &str, theirs: &str) -> String {
    format!("{ours}\n\n--- merged: the other version of these notes ---\n{theirs}")
}

/// The side that changed from `base` (ours when both changed alike); when both changed it
/// differently, the one `ours_wins` picks, reported.
#[allow(clippy::too_many_arguments)]
fn three_way<'a, T: PartialEq>(
    base: Option<&T>,
    ours: Option<&'a T>,
    theirs: Option<&'a T>,
    ours_wins: impl Fn(&T, &T) -> bool,
    value: impl Fn(Option<&T>) -> Value,
    place: &str,
    field: &'static str,
    conflicts: &mut Vec<Conflict>,
) -> Option<&'a T> {
    if ours == theirs || theirs == base {
        return ours;
    }
    if ours == base {
        return theirs;
    }
    match (ours, theirs) {
        (Some(o), Some(t)) => {
            let ours_kept = ours_wins(o, t);
            let kept = if ours_kept { Kept::Ours } else { Kept::Theirs };
            conflicts.push(Conflict {
                place: place.to_string(),
                field,
                kept,
                ours: value(ours),
                theirs: value(theirs),
            });
            if ours_kept { ours } else { theirs }
        }
        // Removed on one side and changed on the other: the change is kept.
        (Some(_), None) => ours,
        (None, _) => theirs,
    }
}

/// One item both sides hold, field group by field group.
fn item(
    id: &str,
    base: Option<&ItemRecord>,
    o: &ItemRecord,
    t: &ItemRecord,
    c: &mut Vec<Conflict>,
) -> ItemRecord {
    let empty = ItemRecord::default();
    let b = base.unwrap_or(&empty);
    let mut out = o.clone();
    // The status with who, when, why and whether a probe set it: one answer, not four fields.
    let status = |r: &ItemRecord| (r.status, r.by.clone(), r.at, r.reason.clone(), r.status_by_probe);
    let (sb, so, st) = (status(b), status(o), status(t));
    let answer = |a: Option<&Answer>| Value::Status(a.cloned().unwrap_or_default());
    if let Some(kept) = three_way(Some(&sb), Some(&so), Some(&st), |o, t| o.2 >= t.2, answer, id, "status", c)
    {
        (out.status, out.by, out.at, out.reason, out.status_by_probe) = kept.clone();
    }
    out.notes = if o.notes == t.notes || t.notes == b.notes {
        o.notes.clone()
    } else if o.notes == b.notes {
        t.notes.clone()
    } else {
        c.push(Conflict {
            place: id.to_string(),
            field: "notes",
            kept: Kept::Both,
            ours: Value::Notes(o.notes.clone()),
            theirs: Value::Notes(t.notes.clone()),
        });
        both_notes(&o.notes, &t.notes)
    };
    out.evidence = evidence(&b.evidence, &o.evidence, &t.evidence);
    // The newer probe result; the earlier ones of both sides, newest last, at most as many as kept.
    out.probe = match (&o.probe, &t.probe) {
        (Some(po), Some(pt)) => Some(if pt.at > po.at { pt.clone() } else { po.clone() }),
        (p, None) | (None, p) => p.clone(),
    };
    let mut runs = o.probe_history.clone();
    runs.extend(t.probe_history.iter().filter(|r| !o.probe_history.contains(r)).cloned());
    runs.sort_by_key(|r| r.at);
    let excess = runs.len().saturating_sub(super::PROBE_HISTORY);
    runs.drain(..excess);
    out.probe_history = runs;
    let later = |o: &crate::session::Waiver, t: &crate::session::Waiver| o.at >= t.at;
    let waiver = |w: Option<&Waiver>| Value::Waiver(w.cloned());
    out.waiver =
        three_way(b.waiver.as_ref(), o.waiver.as_ref(), t.waiver.as_ref(), later, waiver, id, "waiver", c)
            .cloned();
    out
}

/// Both sides' attachments: what either added is kept, what either removed (of what both
/// started with) is gone.
fn evidence(base: &[Evidence], ours: &[Evidence], theirs: &[Evidence]) -> Vec<Evidence> {
    let same = |a: &Evidence, b: &Evidence| a.kind == b.kind && a.value == b.value;
    let removed = |e: &Evidence| {
        base.iter().any(|x| same(x, e))
            && (!ours.iter().any(|x| same(x, e)) || !theirs.iter().any(|x| same(x, e)))
    };
    let mut out: Vec<Evidence> = Vec::new();
    for e in ours.iter().chain(theirs) {
        if !removed(e) && !out.iter().any(|x| same(x, e)) {
            out.push(e.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Checklist;
    use crate::session::Status;
    use chrono::{TimeZone, Utc};

    fn at(minute: u32) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 10, minute, 0).unwrap()
    }

    fn set(s: &mut Session, id: &str, status: Status, who: &str, minute: u32) {
        let r = s.record_mut(id);
        (r.status, r.by, r.at) = (status, Some(who.into()), Some(at(minute)));
        s.history.push(crate::session::Change {
            at: at(minute),
            by: who.into(),
            item: Some(id.into()),
            change: format!("{id} -> {}", status.word()),
        });
    }

    #[test]
    fn different_items_and_fields_merge_and_the_same_field_goes_by_rule() {
        let c = Checklist::embedded();
        let base = Session::new(&c, at(0));
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        set(&mut ours, "security.api-authentication", Status::Pass, "alice", 1);
        set(&mut theirs, "reliability.multi-az", Status::Fail, "bob", 2);
        ours.record_mut("performance.load-tested").notes = "p95 180 ms".into();
        set(&mut theirs, "performance.load-tested", Status::Pass, "bob", 3);
        // The same status on both sides: the later answer wins, and it is reported.
        set(&mut ours, "security.least-privilege", Status::Fail, "alice", 5);
        set(&mut theirs, "security.least-privilege", Status::Pass, "bob", 4);
        // Notes on both sides: both kept.
        ours.record_mut("cost.budget-alerts").notes = "ops@ gets it".into();
        theirs.record_mut("cost.budget-alerts").notes = "finance@ too".into();

        let m = merge(&base, &ours, &theirs);
        let s = &m.session;
        assert_eq!(s.status("security.api-authentication"), Status::Pass);
        assert_eq!(s.status("reliability.multi-az"), Status::Fail);
        let load = s.record("performance.load-tested").unwrap();
        assert_eq!((load.status, load.notes.as_str()), (Status::Pass, "p95 180 ms"));
        assert_eq!(s.status("security.least-privilege"), Status::Fail, "alice's answer is the later one");
        let notes = &s.record("cost.budget-alerts").unwrap().notes;
        assert!(notes.starts_with("ops@ gets it") && notes.ends_with("finance@ too"), "{notes}");
        let found: Vec<_> = m.conflicts.iter().map(|c| (c.place.as_str(), c.field, c.kept)).collect();
        assert_eq!(
            found,
            [("cost.budget-alerts", "notes", Kept::Both), ("security.least-privilege", "status", Kept::Ours)]
        );
        // Either side's value can be put back.
        let mut s = m.session.clone();
        let c = &m.conflicts[1];
        c.apply(&mut s, &c.theirs);
        assert_eq!(s.status("security.least-privilege"), Status::Pass);
        assert_eq!(c.theirs.describe(), "pass (bob, 10:04)");
        // Every history line of both sides, once, in time order.
        let times: Vec<_> = s.history.iter().map(|h| h.at).collect();
        assert_eq!(times, [at(1), at(2), at(3), at(4), at(5)]);
    }

    #[test]
    fn evidence_added_on_either_side_is_kept_and_removed_on_either_side_is_gone() {
        let c = Checklist::embedded();
        let mut base = Session::new(&c, at(0));
        let ev = |v: &str| Evidence {
            kind: crate::session::EvidenceKind::Url,
            value: v.into(),
            size: None,
            sha256: None,
            by: "alice".into(),
            at: at(0),
        };
        base.record_mut("x.y").evidence = vec![ev("https://a"), ev("https://b")];
        let (mut ours, mut theirs) = (base.clone(), base.clone());
        ours.record_mut("x.y").evidence = vec![ev("https://a"), ev("https://b"), ev("https://c")];
        theirs.record_mut("x.y").evidence = vec![ev("https://b"), ev("https://d")];
        let m = merge(&base, &ours, &theirs);
        let kept: Vec<_> =
            m.session.record("x.y").unwrap().evidence.iter().map(|e| e.value.clone()).collect();
        assert_eq!(kept, ["https://b", "https://c", "https://d"]);
        assert!(m.conflicts.is_empty());
    }
}
