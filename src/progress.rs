//! Counting statuses over a set of items: one place for the header, the panes and the report.

use crate::checklist::Item;
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
}
