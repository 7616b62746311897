//! The decision itself: each item, sign-off and waiver judged against the rule, in checklist
//! order, each reason kept with the words a report prints.

use crate::checklist::{Checklist, Item};
use crate::checklist::{Policy, Require};
use crate::probe::Outcome;
use crate::session::edit::SignSlot;
use crate::session::signoff::{self, SignState};
use crate::session::{ItemRecord, Session, Status};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Go,
    NoGo,
    /// Nothing blocks, but some checks could not be decided (error, needs-config, none ran).
    Undecided,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Go => "GO",
            Verdict::NoGo => "NO-GO",
            Verdict::Undecided => "UNDECIDED",
        }
    }

    /// `golive check`'s exit status: 0 GO, 1 NO-GO, 2 UNDECIDED (3 is golive failing to run).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Go => 0,
            Verdict::NoGo => 1,
            Verdict::Undecided => 2,
        }
    }
}

/// What a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Item(usize),
    /// A sign-off area, by its index in the checklist.
    Area(usize),
    Final,
    /// The run as a whole (no check ran).
    Run,
}

/// Why something keeps the gate from GO.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    Failed,
    Blocked,
    /// A required item nobody (and no deciding probe) answered.
    Unanswered,
    /// n/a on an item the checklist does not let n/a exempt.
    NaNotAllowed,
    NaWithoutReason,
    /// The probe's verdict that set the status is older than the rule allows.
    StaleResult(DateTime<Utc>),
    Warning,
    /// The probe could not decide and nobody answered: UNDECIDED, not NO-GO.
    Undecided(Outcome),
    WaiverExpired(NaiveDate, Box<Why>),
    /// A critical item's waiver approved by the person who asked for it.
    WaiverOneName(Box<Why>),
    SignoffMissing,
    SignoffRejected,
    SignoffStale(Vec<String>),
    NothingRan,
}

impl Why {
    /// The short name reports count by ("3 failed, 1 blocked").
    pub fn word(&self) -> &'static str {
        match self {
            Why::Failed => "failed",
            Why::Blocked => "blocked",
            Why::Unanswered => "unanswered",
            Why::NaNotAllowed => "n/a not allowed",
            Why::NaWithoutReason => "n/a without reason",
            Why::StaleResult(_) => "stale result",
            Why::Warning => "warning",
            Why::Undecided(_) => "undecided",
            Why::WaiverExpired(..) => "waiver expired",
            Why::WaiverOneName(_) => "waiver needs a second name",
            Why::SignoffMissing => "sign-off missing",
            Why::SignoffRejected => "sign-off rejected",
            Why::SignoffStale(_) => "sign-off stale",
            Why::NothingRan => "no check ran",
        }
    }

    pub fn blocks(&self) -> bool {
        !matches!(self, Why::Undecided(_) | Why::NothingRan)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    pub subject: Subject,
    pub why: Why,
    /// The whole reason as a report prints it.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// Everything that keeps it from GO (blocking reasons and undecided checks), items in
    /// checklist order, then sign-offs.
    pub blockers: Vec<Blocker>,
    /// Items the gate let through under a waiver, with what the waiver covers.
    pub waived: Vec<(usize, Why)>,
    /// Items exempted as n/a.
    pub not_applicable: usize,
    /// How many items the decision looked at.
    pub items: usize,
    /// Set when the decision covers a selection (`--only`, `--section`) and not the launch.
    pub selection: bool,
    /// The rule in words.
    pub rule: String,
    /// The final approval was given with exceptions: these.
    pub exceptions: Option<String>,
}

/// What the gate decides from.
pub struct Input<'a> {
    pub checklist: &'a Checklist,
    pub session: &'a Session,
    pub policy: &'a Policy,
    pub now: DateTime<Utc>,
    /// Only these items: the verdict covers them alone (each must pass), without sign-offs.
    pub selection: Option<&'a [usize]>,
    /// For pipelines: a person's n/a on an item with a probe, and a pass over a failing probe,
    /// do not count (a branch's session cannot choose its own verdict).
    pub strict: bool,
    /// How many checks this run ran, for a run (`golive check`); `None` deciding from the session.
    pub ran: Option<usize>,
}

pub fn decide(input: &Input) -> Decision {
    let Input { checklist, session, policy, now, selection, .. } = *input;
    let today = now.date_naive();
    let items: Vec<usize> = match selection {
        Some(s) => s.to_vec(),
        None => (0..checklist.items.len()).collect(),
    };
    let mut d = Decision {
        verdict: Verdict::Go,
        blockers: Vec::new(),
        waived: Vec::new(),
        not_applicable: 0,
        items: items.len(),
        selection: selection.is_some(),
        rule: if selection.is_some() { "each selected check passes".into() } else { policy.describe() },
        exceptions: None,
    };
    for &i in &items {
        let item = &checklist.items[i];
        let rec = session.record(&item.id);
        let required = selection.is_some() || required(policy, checklist, item);
        let status = answer(item, rec, input.strict);
        if status == Status::NotApplicable && item.allow_na {
            d.not_applicable += 1;
        }
        let Some(why) = judge(item, rec, status, required, input) else { continue };
        let why = match rec.and_then(|r| r.waiver.as_ref()) {
            Some(w) if w.expired(today) => Why::WaiverExpired(w.expires, Box::new(why)),
            Some(w) if item.critical && w.one_name() => Why::WaiverOneName(Box::new(why)),
            Some(_) => {
                d.waived.push((i, why));
                continue;
            }
            None => why,
        };
        let text = format!("{} ({}): {}", item.id, item.title, explain(&why, item, rec, policy));
        d.blockers.push(Blocker { subject: Subject::Item(i), why, text });
    }
    if input.ran == Some(0) {
        d.blockers.push(Blocker {
            subject: Subject::Run,
            why: Why::NothingRan,
            text: "no check ran: a verdict needs at least one".into(),
        });
    }
    if selection.is_none() {
        let mut slots: Vec<(Subject, SignSlot)> = Vec::new();
        if policy.signoffs {
            slots.extend(
                checklist
                    .signoff_areas
                    .iter()
                    .enumerate()
                    .map(|(n, a)| (Subject::Area(n), SignSlot::Area(a))),
            );
        }
        if policy.final_approval {
            slots.push((Subject::Final, SignSlot::Final));
        }
        for (subject, slot) in slots {
            let s = session.sign_off(slot);
            let state = signoff::state(checklist, session, slot);
            if slot == SignSlot::Final && matches!(state, SignState::Approved) {
                d.exceptions = s.reason.clone();
            }
            let why = match state {
                SignState::Approved => continue,
                SignState::Pending => Why::SignoffMissing,
                SignState::Rejected => Why::SignoffRejected,
                SignState::Stale(changes) => Why::SignoffStale(changes),
            };
            let text = match &why {
                Why::SignoffMissing => format!("{}: not signed", label(slot)),
                Why::SignoffRejected => format!(
                    "{}: rejected by {}{}",
                    label(slot),
                    s.by.as_deref().unwrap_or(&s.reviewer),
                    s.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
                ),
                Why::SignoffStale(changes) => {
                    format!("{}: stale, changed since it was signed: {}", label(slot), changes.join("; "))
                }
                _ => unreachable!("only sign-off reasons here"),
            };
            d.blockers.push(Blocker { subject, why, text });
        }
    }
    d.verdict = if d.blockers.iter().any(|b| b.why.blocks()) {
        Verdict::NoGo
    } else if d.blockers.is_empty() {
        Verdict::Go
    } else {
        Verdict::Undecided
    };
    d
}

fn label(slot: SignSlot) -> String {
    match slot {
        SignSlot::Area(a) => format!("sign-off {a}"),
        SignSlot::Final => "final approval".into(),
    }
}

fn required(policy: &Policy, checklist: &Checklist, item: &Item) -> bool {
    let by_rule = match policy.require {
        Require::Critical => item.critical,
        Require::All => true,
        Require::None => false,
    };
    by_rule || policy.sections.contains(&checklist.sections[item.section].id)
}

/// The status the gate counts: the session's, except under `strict` on an item with a probe,
/// where only the probe can pass it: a person's pass counts as the confirmation of a passing
/// probe that checks a part, and their n/a not at all. A person's fail or blocked always counts.
fn answer(item: &Item, rec: Option<&ItemRecord>, strict: bool) -> Status {
    let Some(rec) = rec else { return Status::Todo };
    if !strict || !item.is_automated() || rec.status_by_probe {
        return rec.status;
    }
    let probe = rec.probe.as_ref().map(|p| p.outcome);
    match (rec.status, probe) {
        (s @ (Status::Fail | Status::Blocked), _) => s,
        (Status::Pass, Some(Outcome::Pass)) => Status::Pass,
        (_, Some(Outcome::Pass)) if item.decided_by_probe => Status::Pass,
        (_, Some(Outcome::Fail)) => Status::Fail,
        _ => Status::Todo,
    }
}

fn judge(
    item: &Item,
    rec: Option<&ItemRecord>,
    status: Status,
    required: bool,
    input: &Input,
) -> Option<Why> {
    let policy = input.policy;
    let probe = rec.and_then(|r| r.probe.as_ref());
    match status {
        Status::Fail => Some(Why::Failed),
        Status::Blocked => Some(Why::Blocked),
        Status::NotApplicable if !item.allow_na => Some(Why::NaNotAllowed),
        Status::NotApplicable => {
            let reason = rec.and_then(|r| r.reason.as_deref()).unwrap_or("").trim();
            (required && policy.na_needs_reason && reason.is_empty()).then_some(Why::NaWithoutReason)
        }
        Status::Todo => match probe.map(|p| p.outcome) {
            Some(o) if o.is_undecided() => Some(Why::Undecided(o)),
            Some(Outcome::Warn) if policy.warnings_block => Some(Why::Warning),
            // A selection is decided by its checks: a pass (or a warning) is theirs to give, even
            // where a person confirms the rest of the item for the launch.
            Some(Outcome::Pass | Outcome::Warn) if input.selection.is_some() => None,
            _ => required.then_some(Why::Unanswered),
        },
        Status::Pass => {
            let by_probe = rec.is_some_and(|r| r.status_by_probe);
            let max = chrono::Duration::hours(i64::from(policy.max_probe_age_hours));
            match probe {
                Some(p) if by_probe && policy.max_probe_age_hours > 0 && input.now - p.at > max => {
                    Some(Why::StaleResult(p.at))
                }
                _ => None,
            }
        }
    }
}

/// The reason in words, with who or what said so.
fn explain(why: &Why, item: &Item, rec: Option<&ItemRecord>, policy: &Policy) -> String {
    let probe = rec.and_then(|r| r.probe.as_ref());
    let by = rec.and_then(|r| r.by.as_deref());
    let who = |what: &str| match (rec.is_some_and(|r| r.status_by_probe), by, probe) {
        (true, _, Some(p)) => format!("{what} by probe {}: {}", item.probe_kinds(), p.summary),
        (_, Some(by), _) => match rec.and_then(|r| r.reason.as_deref()) {
            Some(r) => format!("{what} by {by}: {r}"),
            None => format!("{what} by {by}"),
        },
        _ => what.to_string(),
    };
    match why {
        Why::Failed => who("failed"),
        Why::Blocked => who("blocked"),
        Why::Unanswered => match probe {
            Some(p) if p.outcome == Outcome::Pass => {
                "unanswered: its probe passed and checks a part; a person confirms the rest".into()
            }
            None if item.is_automated() => "unanswered: its check has not run".into(),
            _ => "unanswered".into(),
        },
        Why::NaNotAllowed => format!(
            "{}, which the checklist does not accept for this item: answer it, or waive it",
            who("n/a")
        ),
        Why::NaWithoutReason => "n/a without a reason".into(),
        Why::StaleResult(at) => format!(
            "passed by probe at {}, older than {} h: run it again",
            at.format("%Y-%m-%d %H:%M UTC"),
            policy.max_probe_age_hours
        ),
        Why::Warning => format!("probe warned: {}", probe.map_or("", |p| p.summary.as_str())),
        Why::Undecided(o) => {
            format!("could not be decided ({}): {}", o.word(), probe.map_or("", |p| p.summary.as_str()))
        }
        Why::WaiverExpired(on, under) => {
            format!("waiver expired on {on}; {}", explain(under, item, rec, policy))
        }
        Why::WaiverOneName(under) => format!(
            "waived by one person alone; a critical item's waiver needs a second name; {}",
            explain(under, item, rec, policy)
        ),
        _ => why.word().into(),
    }
}

impl Decision {
    pub fn exit_code(&self) -> u8 {
        self.verdict.exit_code()
    }

    /// How many reasons of each kind, most common first ("40 unanswered, 3 failed").
    pub fn counts(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for b in &self.blockers {
            let word = match (b.subject, &b.why) {
                (Subject::Final, Why::SignoffMissing) => "final approval missing",
                (Subject::Final, Why::SignoffRejected) => "final approval rejected",
                (Subject::Final, Why::SignoffStale(_)) => "final approval stale",
                (_, w) => w.word(),
            };
            match counts.iter_mut().find(|(w, _)| w == word) {
                Some((_, n)) => *n += 1,
                None => counts.push((word.to_string(), 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts
    }

    /// The one line a pipeline log and the header show.
    pub fn headline(&self) -> String {
        let scope = if self.selection {
            let n = self.items;
            format!(" for {n} selected check{}", if n == 1 { "" } else { "s" })
        } else {
            String::new()
        };
        let extra = {
            let mut parts = Vec::new();
            if !self.waived.is_empty() {
                parts.push(format!("{} waived", self.waived.len()));
            }
            if self.not_applicable > 0 {
                parts.push(format!("{} n/a", self.not_applicable));
            }
            if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
        };
        let counts = || self.counts().iter().map(|(w, n)| format!("{n} {w}")).collect::<Vec<_>>().join(", ");
        match self.verdict {
            Verdict::Go if self.selection => format!("GO{scope}: all passed{extra}"),
            Verdict::Go => format!("GO: {}{extra}", self.rule),
            Verdict::NoGo => format!("NO-GO{scope}: {}{extra}", counts()),
            Verdict::Undecided => format!("UNDECIDED{scope}: {}; nothing else blocks{extra}", counts()),
        }
    }
}

/// The launch's decision from the session as it stands (the TUI's header, `golive export`,
/// `golive check --gate`'s rule without a run).
pub fn of_session(checklist: &Checklist, session: &Session, now: DateTime<Utc>) -> Decision {
    decide(&Input {
        checklist,
        session,
        policy: &checklist.gate,
        now,
        selection: None,
        strict: false,
        ran: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Waiver;
    use crate::session::edit::By;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 12, 0, 0).unwrap()
    }

    /// The seed with a rule that asks for nothing but the answers: one failed item, waived.
    fn waived(expires: u32) -> (Checklist, Session) {
        let mut c = Checklist::embedded();
        c.gate =
            Policy { require: Require::None, signoffs: false, final_approval: false, ..Policy::default() };
        let mut s = Session::new(&c, at(1));
        let by = By { who: "alice", at: at(1) };
        s.set_status("security.pii-handling", Status::Fail, None, by);
        let w = Waiver {
            reason: "DPA signed next week".into(),
            asked_by: "alice".into(),
            approved_by: "bob".into(),
            expires: at(expires).date_naive(),
            ticket: None,
            at: at(1),
        };
        s.waive("security.pii-handling", false, w, by).unwrap();
        (c, s)
    }

    #[test]
    fn a_waiver_holds_through_its_last_day_and_blocks_the_day_after() {
        let (c, s) = waived(10);
        for (day, verdict) in [(2, Verdict::Go), (10, Verdict::Go), (11, Verdict::NoGo)] {
            let d = of_session(&c, &s, at(day));
            assert_eq!(d.verdict, verdict, "on the {day}th: {d:?}");
        }
        let d = of_session(&c, &s, at(11));
        assert_eq!(d.blockers[0].why, Why::WaiverExpired(at(10).date_naive(), Box::new(Why::Failed)));
        assert_eq!(d.headline(), "NO-GO: 1 waiver expired");
        assert_eq!(of_session(&c, &s, at(10)).headline().rsplit_once(" (").unwrap().1, "1 waived)");
    }

    #[test]
    fn a_blocking_reason_outranks_an_undecided_check() {
        let (mut c, mut s) = waived(10);
        c.gate.require = Require::None;
        let result = |outcome| crate::probe::ProbeResult {
            outcome,
            summary: "s".into(),
            evidence: vec![],
            at: at(2),
            duration_ms: 1,
        };
        s.apply_probe("security.least-privilege", "aws.iam", result(Outcome::Error), false);
        assert_eq!(of_session(&c, &s, at(2)).verdict, Verdict::Undecided);
        s.set_status("operations.runbooks", Status::Blocked, None, By { who: "bob", at: at(2) });
        let d = of_session(&c, &s, at(2));
        assert_eq!(d.verdict, Verdict::NoGo);
        assert_eq!(d.exit_code(), 1);
        assert_eq!(d.headline(), "NO-GO: 1 undecided, 1 blocked (1 waived)");
    }
}
