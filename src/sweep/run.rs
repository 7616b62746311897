//! A sweep run to its end without a terminal (`golive check`, for pipelines): the selection, the
//! run, and the results going into the session like the TUI's. The reports of a run are in
//! `export::run_report`.

use super::{self as sweep, AccountPolicy};
use crate::checklist::Checklist;
use crate::probe::aws::Identity;
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
    /// Probed items, in checklist order (none when deciding from the session alone).
    pub results: Vec<(usize, ProbeResult)>,
    pub skipped: Skipped,
    /// The items the run was about: the selection, or every item.
    pub selection: Option<Vec<usize>>,
    /// Per account and region, how its AWS probes came out (several accounts or regions only).
    pub parts: super::parts::Tally,
}

impl Run {
    pub fn count(&self, o: Outcome) -> usize {
        self.results.iter().filter(|(_, r)| r.outcome == o).count()
    }
}

/// What a sweep found: who the credentials are, each item's result, and per account and region
/// how the AWS probes came out (several accounts or regions only).
pub type Swept = (Option<Identity>, Vec<(usize, ProbeResult)>, super::parts::Tally);

/// Automated items not probed, and why (a person marked them n/a).
pub type Skipped = Vec<(usize, String)>;

pub struct Selection {
    pub only: Vec<String>,
    /// 1-based section number.
    pub section: Option<usize>,
}

/// The items to probe: those with a probe, narrowed by the selection. Items a person marked n/a
/// are skipped and said so, where the checklist lets n/a exempt them and not under `strict`.
pub fn select(
    c: &Checklist,
    session: &Session,
    sel: &Selection,
    strict: bool,
) -> anyhow::Result<(Vec<Job>, Skipped)> {
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
    let mut chosen = Vec::new();
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
            Some(r)
                if r.status == Status::NotApplicable && !r.status_by_probe && item.allow_na && !strict =>
            {
                let who = r.by.as_deref().unwrap_or("someone");
                skipped.push((i, format!("n/a by {who}: {}", r.reason.as_deref().unwrap_or(""))));
            }
            _ => chosen.push(i),
        }
    }
    Ok((sweep::plan(c, chosen).0, skipped))
}

impl Selection {
    /// The items a selection names, in checklist order; `None` when it names none (the launch).
    pub fn items(&self, c: &Checklist) -> Option<Vec<usize>> {
        if self.only.is_empty() && self.section.is_none() {
            return None;
        }
        Some(
            (0..c.items.len())
                .filter(|&i| {
                    let item = &c.items[i];
                    item.is_automated()
                        && (self.only.is_empty() || self.only.contains(&item.id))
                        && self.section.is_none_or(|n| item.section + 1 == n)
                })
                .collect(),
        )
    }
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
) -> Swept {
    let needs_aws = jobs.iter().any(|j| registry::needs_aws(&j.specs));
    let (identity, aws) = if needs_aws {
        let expected = session.target.account_id.clone();
        let conn = sweep::connect(&mut session.target, opts.timeout, AccountPolicy::RecordFirst).await;
        if expected.is_none()
            && let Some(found) = &session.target.account_id
        {
            crate::text::tell(&format!(
                "no expected AWS account in the session; recording {found} from this run"
            ));
        }
        (conn.identity().cloned(), conn.into_aws())
    } else {
        (None, Err(Verdict::error("no AWS probe in this run")))
    };
    let total = jobs.len();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = std::io::stderr().is_terminal();
    let ids: Vec<String> = c.items.iter().map(|i| i.id.clone()).collect();
    let report = move |item: usize, ev: Event| {
        if let (true, Event::Done(r)) = (progress, &ev) {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let line = format!(
                "[{n}/{total}] {} {:<12} {} ({} ms)",
                r.outcome.glyph(),
                r.outcome.word(),
                ids[item],
                r.duration_ms
            );
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{}", crate::text::for_terminal(&line));
        }
    };
    // Several accounts or regions: every AWS probe once in each, the worst part deciding.
    if let (true, Ok(conn)) = (sweep::parts::is_multi(&session.target), &aws) {
        let parts = sweep::parts::connect(conn, &session.target, opts.timeout, opts.allow_accounts).await;
        let target = session.target.clone();
        let (results, tally) = sweep::parts::run(&parts, jobs, opts, |aws| {
            sweep::context(aws, target.clone(), commands.clone(), repo.clone(), opts)
        })
        .await;
        for (i, r) in &results {
            report(*i, Event::Done(r.clone()));
        }
        return (identity, results, tally);
    }
    let ctx = sweep::context(aws, session.target.clone(), commands, repo, opts);
    let results = engine::run_all(Arc::new(ctx), jobs, opts, Arc::new(report)).await;
    (identity, results, Vec::new())
}

/// Puts the results into the session (status where no person set one) and logs status changes.
pub fn record(c: &Checklist, session: &mut Session, results: &[(usize, ProbeResult)], who: &str) {
    for (i, r) in results {
        sweep::record(c, session, *i, r.clone(), who, Utc::now().trunc_subsecs(0));
    }
}
