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
        let allowed = self.allowed_commands();
        let target = self.target();
        // A no from an earlier run holds for sweeps; one item run on purpose (`r`) asks again. A
        // no in this run is not asked again until golive restarts.
        let one = items.len() == 1;
        let refused: Vec<&str> =
            self.trust.refused.iter().filter(|g| g.repo == target.repo).map(|g| g.command.as_str()).collect();
        // Without a repository no command can run (its check says so): nothing to ask.
        let runnable = target.repo.is_some();
        let unasked = items
            .iter()
            .filter(|_| runnable)
            .flat_map(|&i| &self.checklist.items[i].probes)
            .filter_map(|spec| command_of(spec, &target))
            .find(|c| {
                !allowed.contains(c)
                    && !self.runs.offered_commands.contains(c)
                    && (one || !refused.contains(&c.as_str()))
            });
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
        self.trust.allowed(self.target().repo.as_deref())
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
            Event::Skipped => {
                self.runs.running.remove(&item);
                vec![]
            }
            Event::Done(result) => {
                self.runs.running.remove(&item);
                *self.runs.tally.entry(result.outcome.word()).or_default() += 1;
                let now = self.now();
                crate::sweep::record(&self.checklist, &mut self.session, item, result, &self.who, now);
                if self.runs.running.is_empty() && !self.runs.tally.is_empty() {
                    let n: usize = self.runs.tally.values().sum();
                    let what = if n == 1 {
                        format!("{}: {}", self.checklist.items[item].title, self.runs.summary())
                    } else {
                        format!("{}: {}", crate::text::count(n, "check"), self.runs.summary())
                    };
                    self.info(format!("Probes done, {what}."));
                    let mut fx = vec![Effect::Save];
                    fx.extend(self.watch_sweep_ended().into_iter().filter(|e| *e != Effect::Save));
                    return fx;
                }
                vec![Effect::Save]
            }
        }
    }
}
