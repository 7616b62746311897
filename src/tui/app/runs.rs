//! What is running and what was offered: [`Runs`]. A result counts only for the run that is
//! current for its item, so a cancelled or superseded run changes nothing.

use super::msg::AwsView;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Runs {
    pub aws: AwsView,
    /// Items whose probe is queued or running: their run and whether it has started.
    pub running: BTreeMap<usize, (u64, bool)>,
    pub spinner: usize,
    /// Ids of the accounts offered for trust (index into this list in ConfirmKind).
    pub offered_accounts: Vec<String>,
    /// Commands asked about (index into this list in ConfirmKind); those refused are not asked
    /// again until golive restarts.
    pub offered_commands: Vec<String>,
    /// The sweep waiting for answers about its commands.
    pending: Vec<usize>,
    runs: u64,
    /// The last sweep started, to run again once an account is trusted.
    last: Vec<usize>,
    /// The outcomes of the probes that finished since the running set was last empty.
    pub tally: BTreeMap<&'static str, usize>,
}

impl Runs {
    pub(super) fn new() -> Runs {
        Runs {
            aws: AwsView::NotConnected,
            running: BTreeMap::new(),
            spinner: 0,
            offered_accounts: Vec::new(),
            offered_commands: Vec::new(),
            pending: Vec::new(),
            runs: 0,
            last: Vec::new(),
            tally: BTreeMap::new(),
        }
    }

    /// Starts a run of `items`; returns its number.
    pub(super) fn start(&mut self, items: &[usize], needs_aws: bool) -> u64 {
        self.runs += 1;
        if self.running.is_empty() {
            self.tally.clear();
        }
        for &i in items {
            self.running.insert(i, (self.runs, false));
        }
        if needs_aws {
            self.aws = AwsView::Connecting;
        }
        self.last = items.to_vec();
        self.runs
    }

    /// Holds `items` back while the person is asked about `command`; returns its index.
    pub(super) fn ask_command(&mut self, command: String, items: Vec<usize>) -> usize {
        self.offered_commands.push(command);
        self.pending = items;
        self.offered_commands.len() - 1
    }

    /// The sweep held back for an answer, which is now given.
    pub(super) fn take_pending(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.pending)
    }

    pub(super) fn last(&self) -> Vec<usize> {
        self.last.clone()
    }

    /// Offers an account for trust; returns its index.
    pub(super) fn offer_account(&mut self, account: String) -> usize {
        self.offered_accounts.push(account);
        self.offered_accounts.len() - 1
    }

    /// What the finished sweep found, in counts ("12 pass, 3 fail, 1 error").
    pub(super) fn summary(&self) -> String {
        const ORDER: [&str; 5] = ["pass", "warn", "fail", "error", "needs-config"];
        let mut parts: Vec<String> =
            ORDER.iter().filter_map(|w| self.tally.get(w).map(|n| format!("{n} {w}"))).collect();
        parts.extend(self.tally.iter().filter(|(w, _)| !ORDER.contains(w)).map(|(w, n)| format!("{n} {w}")));
        parts.join(", ")
    }

    /// Stops waiting for every running probe; returns how many there were.
    pub(super) fn cancel(&mut self) -> usize {
        let n = self.running.len();
        self.running.clear();
        n
    }

    pub(super) fn tick(&mut self) {
        self.spinner = self.spinner.wrapping_add(1);
    }
}
