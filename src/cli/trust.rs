//! What the person at the keyboard vouches for, kept on their machine: the flags they give
//! become the session's target, the repositories outside the checkout they confirm, the commands
//! they allowed (see `crate::consent`).

use super::args::TargetFlags;
use crate::consent;
use crate::session::Session;
use anyhow::Context;
use chrono::{SubsecRound, Utc};
use std::path::{Path, PathBuf};

/// Flags given on the command line become the session's target; true when it changed.
///
/// `--repo` is the person's own word: inside the session's checkout it is kept relative to it (the
/// team shares the session, each from their own clone); outside, it is kept as given and confirmed
/// on this machine, so the session cannot carry it to someone else's.
pub fn apply_target(flags: &TargetFlags, s: &mut Session, trust: &mut Trust) -> anyhow::Result<bool> {
    let before = s.target.clone();
    let t = &mut s.target;
    let repo = match &flags.repo {
        None => None,
        Some(r) => {
            let abs = std::path::absolute(r).unwrap_or(r.clone());
            let abs = abs.canonicalize().unwrap_or(abs);
            match abs.strip_prefix(&trust.checkout) {
                Ok(rel) if rel.as_os_str().is_empty() => Some(".".to_string()),
                Ok(rel) => Some(rel.display().to_string()),
                Err(_) => {
                    trust.confirm_repo(&abs)?;
                    Some(abs.display().to_string())
                }
            }
        }
    };
    for (flag, field) in [
        (&flags.profile, &mut t.profile),
        (&flags.region, &mut t.region),
        (&flags.account, &mut t.account_id),
        (&flags.endpoint, &mut t.endpoint),
        (&flags.domain, &mut t.domain),
        (&repo, &mut t.repo),
    ] {
        if flag.is_some() {
            field.clone_from(flag);
        }
    }
    Ok(s.target != before)
}

/// What this person trusts for one session, kept on this machine (see `crate::consent`): the
/// commands they allowed, the repositories outside the checkout they confirmed.
pub struct Trust {
    store: Option<PathBuf>,
    session: String,
    pub checkout: PathBuf,
    pub grants: Vec<consent::Grant>,
    pub repos: Vec<PathBuf>,
    who: String,
}

impl Trust {
    pub fn load(session_path: &Path, who: &str) -> anyhow::Result<Trust> {
        let store = consent::default_path();
        let session = consent::session_key(session_path);
        let (grants, repos) = match &store {
            Some(store) => (consent::for_session(store, &session)?, consent::repos_for(store, &session)?),
            None => (vec![], vec![]),
        };
        let checkout = crate::probe::local::checkout_of(session_path);
        Ok(Trust { store, session, checkout, grants, repos, who: who.to_string() })
    }

    fn confirm_repo(&mut self, path: &Path) -> anyhow::Result<()> {
        let store = self.store.as_ref().context("no home directory to keep the confirmation in")?;
        let grant = consent::RepoGrant {
            path: path.display().to_string(),
            session: self.session.clone(),
            by: self.who.clone(),
            at: Utc::now().trunc_subsecs(0),
        };
        consent::add_repo(store, &grant)?;
        self.repos.push(path.to_path_buf());
        Ok(())
    }

    /// The repository the session's target names, vetted against the checkout.
    pub fn repo(&self, s: &Session) -> Result<PathBuf, crate::probe::Verdict> {
        crate::probe::local::resolve_repo(s.target.repo.as_deref(), &self.checkout, &self.repos)
    }
}
