//! `golive watch`'s judgement: what changed between two sweeps of the launch window. A verdict
//! that got worse (or better), a resource newly failing, a sign-off gone stale: each is one
//! change, told once, when it happens; the same state in the next sweep is no change.

use crate::checklist::Checklist;
use crate::probe::{Outcome, ProbeResult, evidence};
use crate::session::Session;
use crate::session::signoff::{self, SignSlot, SignState};
use std::collections::{BTreeMap, BTreeSet};

/// What one sweep found, as far as changes are told.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// By item id: the verdict and its failing evidence lines (one per failing resource).
    items: BTreeMap<String, (Outcome, BTreeSet<String>, String)>,
    /// Sign-off areas (and the final approval) that are stale.
    stale: BTreeSet<String>,
}

/// One thing that changed, told once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Item {
        id: String,
        title: String,
        /// `None`: the item's verdict is the same, only its failing resources changed.
        verdict: Option<(Outcome, Outcome)>,
        /// Evidence lines of resources failing now that were not before.
        newly_failing: Vec<String>,
        summary: String,
    },
    /// An approved sign-off whose items changed since.
    Stale { area: String },
}

impl Snapshot {
    pub fn of(c: &Checklist, session: &Session, results: &[(usize, ProbeResult)]) -> Snapshot {
        let items = results
            .iter()
            .map(|(i, r)| {
                let failing = r
                    .evidence
                    .iter()
                    .filter(|l| l.trim_start().starts_with(evidence::FAILING))
                    .map(|l| l.trim().to_string())
                    .collect();
                (c.items[*i].id.clone(), (r.outcome, failing, r.summary.clone()))
            })
            .collect();
        let slots = c
            .signoff_areas
            .iter()
            .map(|a| (a.clone(), SignSlot::Area(a)))
            .chain([("final approval".to_string(), SignSlot::Final)]);
        let stale = slots
            .filter(|(_, slot)| matches!(signoff::state(c, session, *slot), SignState::Stale(_)))
            .map(|(name, _)| name)
            .collect();
        Snapshot { items, stale }
    }

    /// What changed from `before` to `self`.
    pub fn changes_since(&self, before: &Snapshot, c: &Checklist) -> Vec<Change> {
        let mut out = Vec::new();
        for (id, (now, failing, summary)) in &self.items {
            let Some((was, failed, _)) = before.items.get(id) else { continue };
            let newly_failing: Vec<String> = failing.difference(failed).cloned().collect();
            let verdict = (was != now).then_some((*was, *now));
            if verdict.is_some() || !newly_failing.is_empty() {
                let title = c.index_of(id).map_or_else(|| id.clone(), |i| c.items[i].title.clone());
                out.push(Change::Item {
                    id: id.clone(),
                    title,
                    verdict,
                    newly_failing,
                    summary: summary.clone(),
                });
            }
        }
        for area in self.stale.difference(&before.stale) {
            out.push(Change::Stale { area: area.clone() });
        }
        out
    }

    /// How many items each outcome has.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (o, ..) in self.items.values() {
            *counts.entry(o.word().to_string()).or_default() += 1;
        }
        counts
    }
}

impl Change {
    /// Whether it is news someone must act on (worse, or a new failing resource, or stale).
    pub fn is_bad(&self) -> bool {
        match self {
            Change::Item { verdict: Some((was, now)), .. } => now.severity() > was.severity(),
            Change::Item { newly_failing, .. } => !newly_failing.is_empty(),
            Change::Stale { .. } => true,
        }
    }

    /// One line for a person: the item and what changed, naming the resources.
    pub fn text(&self) -> String {
        match self {
            Change::Item { id, title, verdict, newly_failing, summary } => {
                let mut s = match verdict {
                    Some((was, now)) => {
                        format!("{title} ({id}): {} -> {}: {summary}", was.word(), now.word())
                    }
                    None => format!("{title} ({id}): still {summary}"),
                };
                if !newly_failing.is_empty() {
                    s.push_str(&format!("; newly failing: {}", newly_failing.join("; ")));
                }
                s
            }
            Change::Stale { area } => {
                format!("sign-off {area} is stale: its items changed since it was approved")
            }
        }
    }
}
