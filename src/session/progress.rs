//! Counting statuses over a set of items: one place for the header, the panes and the report.

use crate::checklist::{Checklist, Item};
use crate::session::{Session, Status};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub todo: usize,
    pub pass: usize,
    pub fail: usize,
    pub blocked: usize,
    pub na: usize,
}

impl Tally {
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Item>, session: &Session) -> Tally {
        let mut t = Tally::default();
        for item in items {
            t.add(session.status(&item.id));
        }
        t
    }

    pub fn add(&mut self, status: Status) {
        match status {
            Status::Todo => self.todo += 1,
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Blocked => self.blocked += 1,
            Status::NotApplicable => self.na += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.todo + self.pass + self.fail + self.blocked + self.na
    }

    pub fn done(&self) -> usize {
        self.pass + self.na
    }

    pub fn percent(&self) -> usize {
        (self.done() * 100).checked_div(self.total()).unwrap_or(0)
    }

    fn todo(n: usize) -> Tally {
        Tally { todo: n, ..Tally::default() }
    }

    fn sum(tallies: &[Tally]) -> Tally {
        tallies.iter().fold(Tally::default(), |a, t| Tally {
            todo: a.todo + t.todo,
            pass: a.pass + t.pass,
            fail: a.fail + t.fail,
            blocked: a.blocked + t.blocked,
            na: a.na + t.na,
        })
    }
}

/// Every count a frame shows, from one pass over the answers given (not a lookup per item per
/// pane: at 10,000 items that was most of a frame's time).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub sections: Vec<Tally>,
    /// Per section, its critical items only.
    pub sections_critical: Vec<Tally>,
    pub total: Tally,
    pub critical: Tally,
}

impl Progress {
    pub fn of(checklist: &Checklist, session: &Session) -> Progress {
        let items = &checklist.items;
        let mut sections: Vec<Tally> =
            checklist.sections.iter().map(|s| Tally::todo(s.items.len())).collect();
        let mut sections_critical: Vec<Tally> = checklist
            .sections
            .iter()
            .map(|s| Tally::todo(items[s.items.clone()].iter().filter(|i| i.critical).count()))
            .collect();
        for (id, record) in &session.items {
            if record.status == Status::Todo {
                continue;
            }
            let Some(item) = checklist.index_of(id).map(|i| &items[i]) else { continue };
            let answer = |t: &mut Tally| {
                t.todo -= 1;
                t.add(record.status);
            };
            answer(&mut sections[item.section]);
            if item.critical {
                answer(&mut sections_critical[item.section]);
            }
        }
        let total = Tally::sum(&sections);
        let critical = Tally::sum(&sections_critical);
        Progress { sections, sections_critical, total, critical }
    }
}
