//! What every probe of a sweep may use: the AWS connection, the target, the consent to run
//! commands, the vetted repository, and answers several probes share. A leaf of the probe layer.

use super::aws::conn::AwsConn;
use super::target::Target;
use super::{Outcome, Verdict};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Which commands may run.
#[derive(Debug, Clone, Default)]
pub enum Consent {
    /// None: the probe says what it would run and how to allow it.
    #[default]
    Nothing,
    /// Exactly these command texts (allowed by this person on this machine: see `consent`).
    Approved(Vec<String>),
    /// Every command (`golive check --allow-commands`).
    All,
}

impl Consent {
    pub fn allows(&self, command: &str) -> bool {
        match self {
            Consent::Nothing => false,
            Consent::Approved(list) => list.iter().any(|c| c == command),
            Consent::All => true,
        }
    }
}

/// What every probe of a sweep may use.
pub struct Ctx {
    /// The AWS session, or why AWS probes cannot run (no credentials, wrong account...).
    pub aws: Result<AwsConn, Verdict>,
    /// Where to look: scope settings and explicit resource names.
    pub target: Target,
    /// Which commands command probes may run.
    pub commands: Consent,
    /// Whether HTTP probes may ask link-local and metadata addresses (`--allow-link-local`).
    pub allow_link_local: bool,
    /// The repository file, secrets and command probes look in, as the sweep resolved and vetted
    /// it against the session's checkout (see `local::resolve_repo`), or why there is none.
    pub repo: Result<PathBuf, Verdict>,
    /// What several probes of the sweep look at (the alarms, the tables, the tag filter's ARNs...):
    /// by kind of answer and key, each fetched once.
    shared: Mutex<HashMap<(TypeId, String), Arc<dyn Any + Send + Sync>>>,
}

impl Ctx {
    pub fn new(aws: Result<AwsConn, Verdict>, target: Target) -> Ctx {
        // A repository path is a session's word, not a fact: it counts only once a sweep has
        // vetted it (`with_repo`).
        let repo = Err(match target.repo {
            None => no_repo(),
            Some(_) => Verdict::error("the repository was not checked against the session's checkout"),
        });
        Ctx {
            aws,
            target,
            commands: Consent::Nothing,
            allow_link_local: false,
            repo,
            shared: Default::default(),
        }
    }

    pub fn with_repo(self, repo: Result<PathBuf, Verdict>) -> Ctx {
        Ctx { repo, ..self }
    }

    /// Lets HTTP probes ask link-local and metadata addresses: the person's choice, on the command
    /// line, never a file's.
    pub fn allowing_link_local(self, allow: bool) -> Ctx {
        Ctx { allow_link_local: allow, ..self }
    }

    pub fn allowing(self, commands: Consent) -> Ctx {
        Ctx { commands, ..self }
    }

    /// The answer to `key` for this sweep: the first probe to ask runs `fetch`, the others wait
    /// for its answer (a failure included) instead of asking AWS again: several probes read the
    /// same alarms, load balancers and tables, and the API's rate limits count every call
    /// (BENCHMARKS.md has the calls a sweep makes). A fetch whose probe is cancelled (timed out)
    /// is taken over by the next that asks.
    pub async fn shared<T, F, Fut>(&self, key: &str, fetch: F) -> Result<T, Verdict>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, Verdict>>,
    {
        let cell = {
            let mut map = self.shared.lock().unwrap_or_else(|p| p.into_inner());
            let any = map
                .entry((TypeId::of::<T>(), key.to_string()))
                .or_insert_with(|| Arc::new(tokio::sync::OnceCell::<Result<T, Verdict>>::new()))
                .clone();
            any.downcast::<tokio::sync::OnceCell<Result<T, Verdict>>>().expect("keyed by its type")
        };
        cell.get_or_init(fetch).await.clone()
    }
}

/// Why file, secrets and command probes have nothing to look at.
pub fn no_repo() -> Verdict {
    Verdict::new(Outcome::NeedsConfig, "no repository in the target", vec![])
}
