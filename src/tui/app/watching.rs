//! The watch toggle (`W`): while golive is open, every probe again each interval and each change
//! told once, as `golive watch` tells it (`crate::watch`): a flash, and the terminal's bell for
//! bad news. Each watched sweep goes into the session's run log.

use super::*;
use crate::watch::{Change, Snapshot};

pub struct Watching {
    pub on: bool,
    pub every: chrono::TimeDelta,
    /// When the next sweep starts.
    pub next: Option<DateTime<Utc>>,
    /// What the last watched sweep found: the next is told against it.
    before: Option<Snapshot>,
}

impl Default for Watching {
    fn default() -> Self {
        Watching { on: false, every: chrono::TimeDelta::seconds(60), next: None, before: None }
    }
}

impl App {
    /// Seconds between watched sweeps (the project file's `[watch] interval`).
    pub fn with_watch_every(mut self, seconds: u64) -> App {
        self.watching.every = chrono::TimeDelta::seconds(seconds.max(1) as i64);
        self
    }

    pub fn watching(&self) -> &Watching {
        &self.watching
    }

    pub(super) fn toggle_watch(&mut self) -> Vec<Effect> {
        if self.watching.on {
            self.watching = Watching { every: self.watching.every, ..Watching::default() };
            self.info("Watch off.".into());
            return vec![];
        }
        self.watching.on = true;
        self.watching.next = Some(self.now() + self.watching.every);
        let secs = self.watching.every.num_seconds();
        let fx = self.run_probes((0..self.checklist.items.len()).collect());
        self.info(format!("Watching: every probe again each {secs} s, each change told once (W stops)."));
        fx
    }

    /// Time passes: the next watched sweep starts when it is due and nothing else runs or asks.
    pub(super) fn watch_tick(&mut self) -> Vec<Effect> {
        let due = self.watching.next.is_some_and(|n| self.now() >= n);
        if !self.watching.on || !due || !self.runs.running.is_empty() || self.input.is_some() {
            return vec![];
        }
        self.watching.next = Some(self.now() + self.watching.every);
        self.run_probes((0..self.checklist.items.len()).collect())
    }

    /// A sweep ended: while watching, what changed since the last one is told (once).
    pub(super) fn watch_sweep_ended(&mut self) -> Vec<Effect> {
        if !self.watching.on {
            return vec![];
        }
        let results: Vec<(usize, crate::probe::ProbeResult)> = (0..self.checklist.items.len())
            .filter_map(|i| Some((i, self.session.record(&self.checklist.items[i].id)?.probe.clone()?)))
            .collect();
        let now = Snapshot::of(&self.checklist, &self.session, &results);
        let changes =
            self.watching.before.as_ref().map(|b| now.changes_since(b, &self.checklist)).unwrap_or_default();
        let at = self.now();
        self.session.log_sweep(at, now.counts(), changes.len());
        self.watching.before = Some(now);
        let Some(first) = changes.first() else { return vec![Effect::Save] };
        let more = match changes.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let text = format!("Watch: {}{more}", first.text());
        if changes.iter().any(Change::is_bad) {
            self.error(text);
            vec![Effect::Save, Effect::Bell]
        } else {
            self.info(text);
            vec![Effect::Save]
        }
    }
}
