//! A session answered against an older version of its checklist, brought up to date: answers of
//! renamed items (`replaces = "old-id"`) move to the new id; answers whose item is gone stay in
//! the file as orphans, shown in the banner and the report, never dropped.

use super::model::Session;
use crate::checklist::Checklist;
use chrono::{DateTime, Utc};

/// What an upgrade changed, for the history and the banner.
#[derive(Debug, Clone, PartialEq)]
pub struct Upgrade {
    /// The checklist version the session was answered against, and the one it now answers.
    pub from: String,
    pub to: String,
    /// Answers moved from an old id to the item that replaces it.
    pub moved: Vec<(String, String)>,
}

/// Moves answers to the items that replace theirs and records the checklist version answered.
/// `None` when the session already answers this version and nothing moved.
pub fn upgrade(
    session: &mut Session,
    checklist: &Checklist,
    now: DateTime<Utc>,
    who: &str,
) -> Option<Upgrade> {
    let mut moved = Vec::new();
    for item in &checklist.items {
        for old in &item.replaces {
            // An answer already given under the new id wins; the old one then stays an orphan.
            if session.items.contains_key(&item.id) {
                continue;
            }
            if let Some(record) = session.items.remove(old) {
                session.items.insert(item.id.clone(), record);
                if session.ui.item.as_deref() == Some(old.as_str()) {
                    session.ui.item = Some(item.id.clone());
                }
                moved.push((old.clone(), item.id.clone()));
            }
        }
    }
    if moved.is_empty() && session.checklist_version == checklist.version {
        return None;
    }
    let up = Upgrade { from: session.checklist_version.clone(), to: checklist.version.clone(), moved };
    let mut change = format!("checklist version {} -> {}", up.from, up.to);
    for (old, new) in &up.moved {
        change.push_str(&format!("; {old} -> {new}"));
    }
    let gone = orphans(session, checklist);
    if !gone.is_empty() {
        change.push_str(&format!("; kept as orphans: {}", gone.join(", ")));
    }
    session.log(now, who, None, change);
    session.checklist_version = checklist.version.clone();
    Some(up)
}

/// The ids of answers whose item is not in the checklist, in id order.
pub fn orphans<'a>(session: &'a Session, checklist: &Checklist) -> Vec<&'a str> {
    session.items.keys().filter(|id| checklist.index_of(id).is_none()).map(String::as_str).collect()
}
