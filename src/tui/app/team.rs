//! The others working on the same session: their changes as they land (merged by the saver,
//! then over what this person did meanwhile), who is here, and whether ours is shared yet.

use super::{App, Effect, Input, Merge};
use crate::session::merge::{Conflict, Kept, merge, new_lines};
use chrono::{DateTime, Utc};

/// What the header and the flash say about the team.
#[derive(Debug, Default)]
pub struct Team {
    /// The last merge applied: saves say it, so the saver knows what they include.
    pub seen: u64,
    /// `None` for a session on this disk only; otherwise whether the last save reached S3.
    pub shared: Option<Result<(), String>>,
    /// The others in a shared session, last seen within [`PRESENT_FOR`].
    pub present: Vec<(String, DateTime<Utc>)>,
    /// Fields both sides changed, decided by rule, that the person has not yet settled.
    pub pending: Vec<Conflict>,
}

/// How long after their last sign of life someone counts as here (presence is written every
/// few seconds while golive runs).
pub const PRESENT_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

impl App {
    /// Someone else's changes: merged over this person's edits since the saver's base, the
    /// selection and anything being typed left as they are.
    pub(super) fn on_merged(&mut self, m: Merge) -> Vec<Effect> {
        let Merge { base, merged, conflicts, seen, disk } = m;
        self.team.seen = self.team.seen.max(seen);
        if disk.is_some() {
            self.save.disk = disk;
        }
        let landed: Vec<String> = new_lines(&base.history, &merged.history)
            .into_iter()
            .filter(|line| line.by != self.who)
            .map(|line| {
                let change = line.change.strip_prefix("status ").unwrap_or(&line.change);
                match line.item.as_deref() {
                    Some(id) => {
                        let title =
                            self.checklist.index_of(id).map_or(id, |i| &self.checklist.items[i].title);
                        format!("{}: {title}: {change}", line.by)
                    }
                    None => format!("{}: {change}", line.by),
                }
            })
            .collect();
        let out = merge(&base, &self.session, &merged);
        let unsent = !out.session.same_answers(&merged);
        self.session = out.session;
        let both: Vec<Conflict> = conflicts.into_iter().chain(out.conflicts).collect();
        if !both.is_empty() {
            // The same field again replaces what was pending for it.
            self.team.pending.retain(|p| !both.iter().any(|c| c.place == p.place && c.field == p.field));
            self.team.pending.extend(both);
            // Asked at once, unless the person is typing: then the header says M reviews it.
            if self.input.is_none() {
                self.input = Some(Input::Merged);
            }
        } else if let Some(last) = landed.last() {
            let more = landed.len() - 1;
            self.info(if more > 0 { format!("{last} (+{more} more)") } else { last.clone() });
        }
        // The selection stays on the same item: rows are the checklist's, not the session's.
        self.select(self.nav.selected.min(self.checklist.items.len().saturating_sub(1)));
        if unsent { vec![Effect::Save] } else { vec![] }
    }

    pub(super) fn on_present(&mut self, present: Vec<(String, DateTime<Utc>)>) {
        let now = self.now();
        self.team.present = present.into_iter().filter(|(_, at)| now - *at <= PRESENT_FOR).collect();
    }

    pub fn team(&self) -> &Team {
        &self.team
    }

    /// The session is shared through S3: the header says whether the last save got there.
    pub fn with_shared(mut self) -> App {
        self.team.shared = Some(Ok(()));
        self
    }
}

impl App {
    /// A place's name for the person: the item's title, else the area or `target` as it is.
    pub fn place_title<'a>(&'a self, c: &'a Conflict) -> &'a str {
        self.checklist.index_of(&c.place).map_or(c.place.as_str(), |i| self.checklist.items[i].title.as_str())
    }

    pub(super) fn review_merge(&mut self) {
        if self.team.pending.is_empty() {
            self.info("Nothing a merge decided by rule is waiting for you.".into());
        } else {
            self.input = Some(Input::Merged);
        }
    }

    pub(super) fn merged_key(&mut self, action: Option<crate::tui::keymap::Action>) -> Vec<Effect> {
        use crate::tui::keymap::Action;
        let mine = match action {
            Some(Action::Confirm) => None,
            Some(Action::KeepMine) => Some(true),
            Some(Action::KeepTheirs) => Some(false),
            Some(Action::Close) => {
                self.input = None;
                let n = self.team.pending.len();
                self.info(format!("{n} merged field{} to review later: M.", if n == 1 { "" } else { "s" }));
                return vec![];
            }
            _ => return vec![],
        };
        self.input = None;
        let pending = std::mem::take(&mut self.team.pending);
        let Some(mine) = mine else {
            self.info("Kept as merged.".into());
            return vec![];
        };
        let by = crate::session::edit::By { who: &self.who, at: self.now() };
        let mut changed = 0;
        for c in &pending {
            let (value, side) = if mine { (&c.ours, "mine") } else { (&c.theirs, "theirs") };
            let already = matches!((c.kept, mine), (Kept::Ours, true) | (Kept::Theirs, false));
            if already {
                continue;
            }
            c.apply(&mut self.session, value);
            let item = self.checklist.index_of(&c.place).map(|_| c.place.as_str());
            self.session.log(by.at, by.who, item, format!("merge: {} {side} kept", c.field));
            changed += 1;
        }
        self.info(format!(
            "{} kept for {} field{}.",
            if mine { "Yours" } else { "Theirs" },
            pending.len(),
            if pending.len() == 1 { "" } else { "s" }
        ));
        if changed > 0 { vec![Effect::Save] } else { vec![] }
    }
}
