//! What the person at the keyboard vouches for, kept on their machine: the flags they give
//! become the session's target, the repositories outside the checkout they confirm, the commands
//! they allowed (see `crate::consent`).

use crate::config::{Origin, TargetLayers};
use crate::consent;
use crate::session::Session;
use anyhow::Context;
use chrono::{SubsecRound, Utc};
use std::path::{Path, PathBuf};

/// The repositories the target's layers name, vetted.
///
/// `--repo` (or `GOLIVE_REPO`) is the person's own word: inside the session's checkout it is kept
/// relative to it (the team shares the session, each from their own clone); outside, it is kept as
/// given and confirmed on this machine, so a session cannot carry it to someone else's. The
/// project file's stays inside the project's directory (see `Project::target_from`): it counts as
/// confirmed for this run only.
pub fn vet_layers(mut layers: TargetLayers, trust: &mut Trust) -> anyhow::Result<TargetLayers> {
    for (_, t) in &mut layers.above {
        if let Some(r) = t.repo.take() {
            let r = PathBuf::from(r);
            let abs = std::path::absolute(&r).unwrap_or(r);
            let abs = abs.canonicalize().unwrap_or(abs);
            t.repo = Some(match abs.strip_prefix(&trust.checkout) {
                Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
                Ok(rel) => rel.display().to_string(),
                Err(_) => {
                    trust.confirm_repo(&abs)?;
                    abs.display().to_string()
                }
            });
        }
    }
    for (origin, t) in &layers.below {
        if let (Origin::Project(_), Some(repo)) = (origin, &t.repo) {
            let dir = PathBuf::from(repo);
            trust.repos.push(dir.canonicalize().unwrap_or(dir));
        }
    }
    Ok(layers)
}

/// What this person trusts for one session, kept on this machine (see `crate::consent`): the
/// commands they allowed, the repositories outside the checkout they confirmed.
pub struct Trust {
    store: Option<PathBuf>,
    session: String,
    pub checkout: PathBuf,
    pub grants: Vec<consent::Grant>,
    pub repos: Vec<PathBuf>,
    /// The commands this person said no to for this session.
    pub refused: Vec<consent::Grant>,
    who: String,
}

impl Trust {
    pub fn load(session_path: &Path, who: &str) -> anyhow::Result<Trust> {
        let store = consent::default_path();
        let session = consent::session_key(session_path);
        let (grants, repos, refused) = match &store {
            Some(store) => (
                consent::for_session(store, &session)?,
                consent::repos_for(store, &session)?,
                consent::refusals_for(store, &session)?,
            ),
            None => (vec![], vec![], vec![]),
        };
        let checkout = crate::probe::local::checkout_of(session_path);
        Ok(Trust { store, session, checkout, grants, repos, refused, who: who.to_string() })
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
