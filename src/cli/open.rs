//! Opening the session a pipeline writes: the checklist loading meanwhile, the lock, the read
//! and upgrade, the target flags.

use super::trust;
use crate::checklist::{self, Checklist};
use crate::config::{Config, TargetLayers};
use crate::probe::engine;
use crate::session;
use std::path::{Path, PathBuf};

/// What a pipeline that writes a session works with: the session opened, where it lives, who
/// is at the keyboard and the probes' options.
pub struct OnSession<'a> {
    pub path: &'a Path,
    pub open: Open,
    pub who: &'a str,
    pub opts: engine::Opts,
    /// The S3 object the session is shared through (`--session s3://…`); `path` is then this
    /// machine's working copy of it.
    pub shared: Option<session::shared::Shared>,
}

/// A session opened for writing, with the target flags applied.
pub struct Open {
    /// Held until the pipeline ends.
    pub _lock: session::SessionLock,
    pub checklist: Checklist,
    pub opened: session::open::Opened,
    pub trust: trust::Trust,
    /// `--save-target` changed the session's target: the session is worth saving now.
    pub target_changed: bool,
    /// What surrounds the session's target in this run: user and project files, variables, flags.
    pub layers: TargetLayers,
}

/// Locks and opens the session at `path` for `who`, upgrading it to the checklist (which finishes
/// loading meanwhile), and sets the target's layers (written into the session with `save_target`).
pub fn open(
    path: &Path,
    checklist: Loading,
    config: &Config,
    given: &crate::config::Given,
    save_target: bool,
    who: &str,
    shared: Option<&mut session::shared::Shared>,
) -> anyhow::Result<Open> {
    let lock = session::lock(path, who)?;
    let mut pulled = Vec::new();
    let mut checklist = checklist;
    if let Some(shared) = shared {
        pulled = pull(shared, checklist.get()?);
    }
    // Read first: a bad session file is the more useful error, wherever golive runs.
    let unchecked = session::read(path);
    tracing::debug!(target: "golive", "session parsed at {:.1} ms", crate::log::uptime_ms());
    let mut checklist = checklist.into_inner()?;
    if let Some(gate) = config.project.as_ref().and_then(|(_, p)| p.gate.clone()) {
        checklist.gate = gate;
    }
    let mut opened = session::open::open(path, &checklist, unchecked?, who)?;
    opened.notes.extend(pulled);
    tracing::debug!(target: "golive", "checklist and session loaded at {:.1} ms", crate::log::uptime_ms());
    let mut trust = trust::Trust::load(path, who)?;
    let layers = trust::vet_layers(config.target_layers(given)?, &mut trust)?;
    let target_changed = save_target && {
        let saved = layers.saved_into(&opened.session.target);
        std::mem::replace(&mut opened.session.target, saved) != opened.session.target
    };
    Ok(Open { _lock: lock, checklist, opened, trust, target_changed, layers })
}

/// Brings the working copy up to date with the shared session; what the person should be told.
/// S3 out of reach is no reason to stop: the working copy is worked on and shared later.
fn pull(shared: &mut session::shared::Shared, checklist: &Checklist) -> Vec<String> {
    match shared.pull(checklist) {
        Ok(conflicts) => conflicts.iter().map(|c| merged_note(shared, c)).collect(),
        Err(e) => vec![format!(
            "{:#}: working on this machine's copy ({}); not yet shared, golive shares it when S3 answers",
            e,
            shared.working.display()
        )],
    }
}

/// Publishes a pipeline's working copy at `path` (`check`, `answer`, `watch`): the fields both
/// sides changed are said on stderr, and when others' answers were merged into the file,
/// `session` and `disk` become the merged file's. `Ok(Some(e))`: not shared, why (the working
/// copy keeps everything; the next golive that reaches S3 shares it).
pub fn share(
    shared: &mut session::shared::Shared,
    checklist: &Checklist,
    path: &Path,
    session: &mut session::Session,
    disk: &mut Option<session::Fingerprint>,
) -> anyhow::Result<Option<anyhow::Error>> {
    let not_shared = match shared.publish(checklist) {
        Ok(p) => {
            for c in &p.conflicts {
                crate::text::tell(&merged_note(shared, c));
            }
            None
        }
        Err(e) => Some(e),
    };
    // A merge is written into the file even when S3 then refused to take it.
    let now = session::fingerprint(path)?;
    if now != *disk {
        if let Some(merged) = session::load(path, checklist)? {
            *session = merged;
        }
        *disk = now;
    }
    Ok(not_shared)
}

/// What a person is told of a field both sides changed.
pub fn merged_note(shared: &session::shared::Shared, c: &session::merge::Conflict) -> String {
    format!(
        "merged with {}: {} {} was changed on both sides; {}",
        shared.bucket.location,
        c.place,
        c.field,
        c.kept.words()
    )
}

/// The checklist, loading on its own thread until it is needed.
pub struct Loading {
    job: Option<std::thread::JoinHandle<anyhow::Result<Checklist>>>,
    ready: Option<Checklist>,
}

impl Loading {
    pub fn start(path: Option<PathBuf>) -> Loading {
        let job = std::thread::spawn(move || {
            let checklist = match path {
                Some(path) => checklist::load_file(&path),
                None => Ok(Checklist::embedded()),
            };
            tracing::debug!(target: "golive", "checklist parsed at {:.1} ms", crate::log::uptime_ms());
            checklist
        });
        Loading { job: Some(job), ready: None }
    }

    pub fn get(&mut self) -> anyhow::Result<&Checklist> {
        if let Some(job) = self.job.take() {
            self.ready = Some(job.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?);
        }
        Ok(self.ready.as_ref().expect("loaded by the first call"))
    }

    pub fn into_inner(mut self) -> anyhow::Result<Checklist> {
        self.get()?;
        Ok(self.ready.take().expect("loaded by the first call"))
    }
}
