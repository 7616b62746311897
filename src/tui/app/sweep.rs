//! Starting sweeps from the app (asking about commands first) and taking their results in.
//! [`Runs`] owns what is running and what was offered: a result counts only for the run that
//! is current for its item, so a cancelled or superseded run changes nothing.

use super::*;

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
        }
    }

    /// Starts a run of `items`; returns its number.
    fn start(&mut self, items: &[usize], needs_aws: bool) -> u64 {
        self.runs += 1;
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
    fn ask_command(&mut self, command: String, items: Vec<usize>) -> usize {
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

impl App {
    /// Starts a sweep over the probes of `items` (items without a probe are skipped), first asking
    /// about each command it would run that nobody has allowed yet.
    pub(super) fn run_probes(&mut self, items: Vec<usize>) -> Vec<Effect> {
        let items: Vec<usize> =
            items.into_iter().filter(|&i| self.checklist.items[i].is_automated()).collect();
        if items.is_empty() {
            self.info("No automated checks here.".into());
            return vec![];
        }
        let allowed = self.allowed_commands();
        let unasked = items
            .iter()
            .flat_map(|&i| &self.checklist.items[i].probes)
            .filter_map(|spec| command_of(spec, &self.session.target))
            .find(|c| !allowed.contains(c) && !self.runs.offered_commands.contains(c));
        if let Some(command) = unasked {
            let command = self.runs.ask_command(command, items);
            self.input = Some(Input::Confirm(ConfirmKind::RunCommand { command, scroll: 0 }));
            return vec![];
        }
        let needs_aws = items.iter().any(|&i| registry::needs_aws(&self.checklist.items[i].probes));
        let run = self.runs.start(&items, needs_aws);
        vec![Effect::RunProbes { run, items }]
    }

    /// The commands this person allowed to run against the current target.
    pub fn allowed_commands(&self) -> Vec<String> {
        self.trust.allowed(self.session.target.repo.as_deref())
    }

    pub(super) fn on_probe(&mut self, item: usize, run: u64, event: Event) -> Vec<Effect> {
        // Results of a cancelled or superseded run are dropped.
        if self.runs.running.get(&item).map(|r| r.0) != Some(run) {
            return vec![];
        }
        match event {
            Event::Started => {
                self.runs.running.insert(item, (run, true));
                vec![]
            }
            Event::Done(result) => {
                self.runs.running.remove(&item);
                let outcome = result.outcome;
                let now = self.now();
                crate::sweep::record(&self.checklist, &mut self.session, item, result, &self.who, now);
                if self.runs.running.is_empty() {
                    let title = self.checklist.items[item].title.clone();
                    self.info(format!("Probes done; last: {} {title}", outcome.word()));
                }
                vec![Effect::Save]
            }
        }
    }
}
