//! A sweep: which probes run, in which AWS account, with which consent and repository, and how
//! their results go into the session. The TUI and `golive check` both sweep through here; each
//! keeps only its own plumbing (the TUI its channel and spinner, `check` its report and exit code).

pub mod parts;
pub mod run;

use crate::checklist::Checklist;
use crate::probe::aws::{self, Identity};
use crate::probe::engine::{Ctx, Job, Opts};
use crate::probe::local::command::Consent;
use crate::probe::target::Target;
use crate::probe::{Outcome, ProbeResult, Verdict, registry};
use crate::session::Session;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// The probes of `items` that have any, as jobs; whether any of them needs AWS.
pub fn plan(checklist: &Checklist, items: impl IntoIterator<Item = usize>) -> (Vec<Job>, bool) {
    let jobs: Vec<Job> = items
        .into_iter()
        .filter(|&i| checklist.items[i].is_automated())
        .map(|i| Job { item: i, specs: checklist.items[i].probes.clone() })
        .collect();
    let needs_aws = jobs.iter().any(|j| registry::needs_aws(&j.specs));
    (jobs, needs_aws)
}

/// Which AWS account probes may run in, when the session expects none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountPolicy {
    /// Ask the person first: nothing runs until they confirm the account found.
    Ask,
    /// Record the account found as the expected one (`golive check`, said on stderr).
    RecordFirst,
}

/// How connecting to AWS went.
#[derive(Debug)]
pub enum Connection {
    /// Probes may run in this account.
    Ready(Box<aws::AwsConn>),
    /// Credentials found, for an account the session does not expect yet: the person decides.
    Unconfirmed(Identity, Verdict),
    /// No AWS probe may run: no credentials, another account...; the identity when there is one.
    Refused(Option<Identity>, Verdict),
}

impl Connection {
    pub fn identity(&self) -> Option<&Identity> {
        match self {
            Connection::Ready(s) => Some(&s.identity),
            Connection::Unconfirmed(id, _) | Connection::Refused(Some(id), _) => Some(id),
            Connection::Refused(None, _) => None,
        }
    }

    /// What the probes get: the session, or why AWS probes cannot run.
    pub fn into_aws(self) -> Result<aws::AwsConn, Verdict> {
        match self {
            Connection::Ready(s) => Ok(*s),
            Connection::Unconfirmed(_, v) | Connection::Refused(_, v) => Err(v),
        }
    }
}

/// Connects with the target's credentials and holds to the session's expected account: only
/// there may AWS probes run. With none expected yet, `policy` decides; `RecordFirst` writes the
/// account found into `target`, which the caller saves.
pub async fn connect(target: &mut Target, timeout: std::time::Duration, policy: AccountPolicy) -> Connection {
    let session = match aws::connect(target, timeout).await {
        Ok(s) => s,
        Err(v) => return Connection::Refused(None, v),
    };
    let identity = session.identity.clone();
    if target.account_id.is_none() {
        match policy {
            AccountPolicy::Ask => {
                let why = format!("account {} not confirmed as the expected account", identity.account);
                return Connection::Unconfirmed(identity, Verdict::new(Outcome::NeedsConfig, why, vec![]));
            }
            AccountPolicy::RecordFirst => target.account_id = Some(identity.account.clone()),
        }
    }
    match aws::check_account(session, target.account_id.as_deref()) {
        Ok(s) => Connection::Ready(Box::new(s)),
        Err(v) => Connection::Refused(Some(identity), v),
    }
}

/// The context every probe of a sweep shares.
pub fn context(
    aws: Result<aws::AwsConn, Verdict>,
    target: Target,
    commands: Consent,
    repo: Result<PathBuf, Verdict>,
    opts: Opts,
) -> Ctx {
    Ctx::new(aws, target).allowing(commands).with_repo(repo).allowing_link_local(opts.allow_link_local)
}

/// Puts a result into the session (the status too, unless a person set one) and writes the
/// history line when the status changed. Returns whether it did.
pub fn record(
    checklist: &Checklist,
    session: &mut Session,
    item: usize,
    result: ProbeResult,
    who: &str,
    now: DateTime<Utc>,
) -> bool {
    let it = &checklist.items[item];
    let kind = it.probe_kinds();
    let before = session.status(&it.id);
    session.apply_probe(&it.id, &kind, result, it.decided_by_probe);
    let after = session.status(&it.id);
    if before != after {
        session.log(
            now,
            who,
            Some(&it.id),
            format!("status {} -> {} by probe {kind}", before.word(), after.word()),
        );
    }
    before != after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::engine;
    use crate::session::Status;
    use std::sync::Arc;

    /// A sweep without either front end: planned, run without AWS (whose probes say why) and
    /// recorded, with the repository vetted and commands without consent.
    #[tokio::test]
    async fn a_sweep_is_planned_run_and_recorded_on_its_own() {
        let c = Checklist::embedded();
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join("docs/runbooks")).unwrap();
        std::fs::write(repo.path().join("docs/runbooks/restart.md"), "# Restart\nRTO 4 h, RPO 15 min\n")
            .unwrap();
        let ids = [
            "operations.runbooks",
            "reliability.rto-rpo-defined",
            "security.service-linked-roles",
            "security.pii-handling",
        ];
        let items: Vec<usize> = ids.iter().map(|id| c.index_of(id).unwrap()).collect();
        let (jobs, needs_aws) = plan(&c, items.clone());
        assert_eq!(jobs.len(), 3, "the manual item has no probe");
        assert!(needs_aws);
        let mut target = Target { profile: Some("no-such-profile-here".into()), ..Default::default() };
        let conn = connect(&mut target, std::time::Duration::from_secs(2), AccountPolicy::Ask).await;
        assert!(matches!(conn, Connection::Refused(None, _)), "{conn:?}");
        let ctx = context(
            conn.into_aws(),
            target,
            Consent::Nothing,
            Ok(repo.path().to_path_buf()),
            Opts::default(),
        );
        let results = engine::run_all(Arc::new(ctx), jobs, Opts::default(), Arc::new(|_, _| {})).await;
        let mut s = Session::new(&c, Utc::now());
        for (item, r) in results {
            record(&c, &mut s, item, r, "sweeper", Utc::now());
        }
        // The checklist says this probe decides its item: its pass ticks it.
        assert_eq!(s.status("reliability.rto-rpo-defined"), Status::Pass);
        assert!(s.record("reliability.rto-rpo-defined").unwrap().status_by_probe);
        // A runbook file is a part of "procedures documented": its pass waits for a person.
        let runbooks = s.record("operations.runbooks").unwrap();
        assert_eq!(
            (runbooks.status, runbooks.status_by_probe, runbooks.by.as_deref()),
            (Status::Todo, false, None)
        );
        assert_eq!(runbooks.probe.as_ref().unwrap().outcome, crate::probe::Outcome::Pass);
        let slr = s.record("security.service-linked-roles").unwrap();
        assert_eq!(slr.status, Status::Todo);
        assert!(slr.probe.as_ref().unwrap().outcome.is_undecided(), "{slr:?}");
        assert_eq!(s.history.len(), 1, "one status changed: {:?}", s.history);
        assert_eq!(s.history[0].change, "status todo -> pass by probe file");
    }
}
