//! The others working on the same session: their changes as they land (merged by the saver,
//! then over what this person did meanwhile), who is here, and whether ours is shared yet.

use super::{App, Effect, Merge};
use crate::session::merge::{Kept, merge};
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
}

/// How long after their last sign of life someone counts as here (presence is written every
/// few seconds while golive runs).
pub const PRESENT_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

impl App {
    /// Someone else's changes: merged over this person's edits since the saver's base, the
    /// selection and anything being typed left as they are.
    pub(super) fn on_merged(&mut self, m: Merge) -> Vec<Effect> {
        let Merge { base, merged, conflicts, seen } = m;
        self.team.seen = self.team.seen.max(seen);
        let landed: Vec<String> = {
            let mut have: std::collections::HashMap<&crate::session::Change, usize> =
                std::collections::HashMap::new();
            for line in &base.history {
                *have.entry(line).or_default() += 1;
            }
            merged
                .history
                .iter()
                .filter(|line| match have.get_mut(line) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                })
                .filter(|line| line.by != self.who)
                .map(|line| {
                    let title = line
                        .item
                        .as_deref()
                        .and_then(|id| self.checklist.items.iter().find(|i| i.id == id))
                        .map_or_else(|| line.item.clone().unwrap_or_default(), |i| i.title.clone());
                    let change = line.change.strip_prefix("status ").unwrap_or(&line.change);
                    if title.is_empty() {
                        format!("{}: {change}", line.by)
                    } else {
                        format!("{}: {title}: {change}", line.by)
                    }
                })
                .collect()
        };
        let out = merge(&base, &self.session, &merged);
        let unsent = out.session != merged;
        self.session = out.session;
        let both: Vec<String> = conflicts
            .iter()
            .chain(&out.conflicts)
            .map(|c| {
                let title = self
                    .checklist
                    .items
                    .iter()
                    .find(|i| i.id == c.place)
                    .map_or(c.place.as_str(), |i| i.title.as_str());
                let kept = match c.kept {
                    Kept::Ours => "yours kept (the later)",
                    Kept::Theirs => "theirs kept (the later)",
                    Kept::Both => "both kept",
                };
                format!("{title} {} changed on both sides: {kept}", c.field)
            })
            .collect();
        if !both.is_empty() {
            self.error(format!("Merged: {}", both.join("; ")));
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
