//! Starting sweeps from the app (asking about commands first) and taking their results in.

use super::*;

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
        let unasked = items
            .iter()
            .flat_map(|&i| &self.checklist.items[i].probes)
            .filter_map(|spec| command_of(spec, &self.session.target))
            .find(|c| !self.allowed_commands().contains(c) && !self.offered_commands.contains(c));
        if let Some(command) = unasked {
            self.offered_commands.push(command);
            self.pending_sweep = items;
            self.input = Some(Input::Confirm(ConfirmKind::RunCommand {
                command: self.offered_commands.len() - 1,
                scroll: 0,
            }));
            return vec![];
        }
        self.runs += 1;
        let run = self.runs;
        for &i in &items {
            self.running.insert(i, (run, false));
        }
        if items.iter().any(|&i| self.needs_aws(i)) {
            self.aws = AwsView::Connecting;
        }
        self.last_sweep = items.clone();
        vec![Effect::RunProbes { run, items }]
    }

    /// The commands this person allowed to run against the current target.
    pub fn allowed_commands(&self) -> Vec<String> {
        consent::allowed(&self.grants, self.session.target.repo.as_deref())
    }

    pub(super) fn needs_aws(&self, item: usize) -> bool {
        registry::needs_aws(&self.checklist.items[item].probes)
    }

    pub(super) fn on_probe(&mut self, item: usize, run: u64, event: Event) -> Vec<Effect> {
        // Results of a cancelled or superseded run are dropped.
        if self.running.get(&item).map(|r| r.0) != Some(run) {
            return vec![];
        }
        match event {
            Event::Started => {
                self.running.insert(item, (run, true));
                vec![]
            }
            Event::Done(result) => {
                self.running.remove(&item);
                let outcome = result.outcome;
                let now = self.now();
                crate::sweep::record(&self.checklist, &mut self.session, item, result, &self.who, now);
                if self.running.is_empty() {
                    let title = self.checklist.items[item].title.clone();
                    self.info(format!("Probes done; last: {} {title}", outcome.word()));
                }
                vec![Effect::Save]
            }
        }
    }
}
