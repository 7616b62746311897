//! `golive check`: the probes without a terminal, for pipelines. Results go into the session like
//! the TUI's; the report goes to stdout; the exit code is the gate.

use crate::checklist::Checklist;
use crate::probe::aws::{self, Identity};
use crate::probe::engine::{self, Event, Job};
use crate::probe::local::command::Consent;
use crate::probe::{Outcome, ProbeResult, Verdict, registry};
use crate::session::{Session, Status};
use chrono::{DateTime, SubsecRound, Utc};
use std::io::IsTerminal;
use std::sync::Arc;

/// What one `golive check` found.
pub struct Run {
    pub generated: DateTime<Utc>,
    pub identity: Option<Identity>,
    /// Probed items, in checklist order.
    pub results: Vec<(usize, ProbeResult)>,
    pub skipped: Skipped,
}

impl Run {
    /// 1 when any probe failed, else 2 when any could not decide, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.results.iter().any(|(_, r)| r.outcome == Outcome::Fail) {
            1
        } else if self.results.iter().any(|(_, r)| r.outcome.is_undecided()) {
            2
        } else {
            0
        }
    }

    pub fn count(&self, o: Outcome) -> usize {
        self.results.iter().filter(|(_, r)| r.outcome == o).count()
    }
}

/// Automated items not probed, and why (a person marked them n/a).
pub type Skipped = Vec<(usize, String)>;

pub struct Selection {
    pub only: Vec<String>,
    /// 1-based section number.
    pub section: Option<usize>,
}

/// The items to probe: those with a probe, narrowed by the selection; items a person marked n/a
/// are skipped and said so.
pub fn select(c: &Checklist, session: &Session, sel: &Selection) -> anyhow::Result<(Vec<Job>, Skipped)> {
    for id in &sel.only {
        let i = c.index_of(id).ok_or_else(|| anyhow::anyhow!("--only {id}: no such item in {}", c.source))?;
        anyhow::ensure!(c.items[i].is_automated(), "--only {id}: this item has no automated check");
    }
    if let Some(n) = sel.section {
        anyhow::ensure!(
            (1..=c.sections.len()).contains(&n),
            "--section {n}: the checklist has {} sections",
            c.sections.len()
        );
    }
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for (i, item) in c.items.iter().enumerate() {
        if !item.is_automated() {
            continue;
        }
        if !sel.only.is_empty() && !sel.only.contains(&item.id) {
            continue;
        }
        if sel.section.is_some_and(|n| item.section + 1 != n) {
            continue;
        }
        match session.record(&item.id) {
            Some(r) if r.status == Status::NotApplicable && !r.status_by_probe => {
                let who = r.by.as_deref().unwrap_or("someone");
                skipped.push((i, format!("n/a by {who}: {}", r.reason.as_deref().unwrap_or(""))));
            }
            _ => jobs.push(Job { item: i, specs: item.probes.clone() }),
        }
    }
    Ok((jobs, skipped))
}

/// Runs the jobs. AWS probes run only in the expected account; when the session has none yet, the
/// account found is recorded as expected (said on stderr) so later runs hold to it.
pub async fn probe(
    c: &Checklist,
    session: &mut Session,
    jobs: Vec<Job>,
    opts: engine::Opts,
    commands: Consent,
    repo: Result<std::path::PathBuf, Verdict>,
) -> (Option<Identity>, Vec<(usize, ProbeResult)>) {
    let needs_aws = jobs.iter().any(|j| registry::needs_aws(&j.specs));
    let mut identity = None;
    let aws = if needs_aws {
        match aws::connect(&session.target, opts.timeout).await {
            Ok(s) => {
                identity = Some(s.identity.clone());
                if session.target.account_id.is_none() {
                    crate::text::tell(&format!(
                        "no expected AWS account in the session; recording {} from this run",
                        s.identity.account
                    ));
                    session.target.account_id = Some(s.identity.account.clone());
                }
                aws::check_account(s, session.target.account_id.as_deref())
            }
            Err(v) => Err(v),
        }
    } else {
        Err(Verdict::error("no AWS probe in this run"))
    };
    let total = jobs.len();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = std::io::stderr().is_terminal();
    let ids: Vec<String> = c.items.iter().map(|i| i.id.clone()).collect();
    let report = move |item: usize, ev: Event| {
        if let (true, Event::Done(r)) = (progress, &ev) {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            eprintln!(
                "[{n}/{total}] {} {:<12} {} ({} ms)",
                r.outcome.glyph(),
                r.outcome.word(),
                ids[item],
                r.duration_ms
            );
        }
    };
    let results = engine::run_all(
        Arc::new(
            engine::Ctx::new(aws, session.target.clone())
                .allowing(commands)
                .with_repo(repo)
                .allowing_link_local(opts.allow_link_local),
        ),
        jobs,
        opts,
        Arc::new(report),
    )
    .await;
    (identity, results)
}

/// Puts the results into the session (status where no person set one) and logs status changes.
pub fn record(c: &Checklist, session: &mut Session, results: &[(usize, ProbeResult)], who: &str) {
    for (i, r) in results {
        let item = &c.items[*i];
        let kind = item.probe_kinds();
        let before = session.status(&item.id);
        session.apply_probe(&item.id, &kind, r.clone());
        let after = session.status(&item.id);
        if before != after {
            let now = Utc::now().trunc_subsecs(0);
            session.log(
                now,
                who,
                Some(&item.id),
                format!("status {} -> {} by probe {kind}", before.word(), after.word()),
            );
        }
    }
}
