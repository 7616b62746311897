//! This machine's side of a shared session: the working copy (written first on every save: the
//! journal), the base (the version of the object last seen and its ETag, in `WORKING.shared`),
//! and publishing: the working copy written over the base's ETag, merged with whatever someone
//! else wrote first, as often as that happens.

use super::bucket::{Bucket, Put, Remote};
use crate::checklist::Checklist;
use crate::session::merge::{Conflict, merge};
use crate::session::{self, Session};
use anyhow::Context;
use std::path::PathBuf;

pub struct Shared {
    pub bucket: Bucket,
    /// This machine's copy, which every front end reads and writes as a local session.
    pub working: PathBuf,
    base: Option<Remote>,
}

/// What publishing did.
#[derive(Debug, Default)]
pub struct Published {
    /// How many times someone else had saved first and their version was merged in.
    pub merges: usize,
    /// The fields both sides had changed, decided by rule.
    pub conflicts: Vec<Conflict>,
    /// Whether anything was written (false: S3 already held the working copy).
    pub wrote: bool,
}

/// How long publishing keeps trying while others' writes land first (each refusal means someone
/// else's write went in: progress for the team, if not yet for this save).
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

impl Shared {
    /// This machine's side of the session in `bucket`: the base as last seen, if any.
    pub fn open(bucket: Bucket) -> anyhow::Result<Shared> {
        let working = bucket.location.working_copy()?;
        Shared::at(bucket, working)
    }

    /// The same with the working copy at `working` (tests, several participants in one process).
    pub fn at(bucket: Bucket, working: PathBuf) -> anyhow::Result<Shared> {
        let mut shared = Shared { bucket, working, base: None };
        shared.base = match std::fs::read_to_string(shared.base_path()) {
            Ok(text) => text
                .split_once('\n')
                .map(|(etag, text)| Remote { etag: etag.to_string(), text: text.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {}", shared.base_path().display())),
        };
        Ok(shared)
    }

    fn base_path(&self) -> PathBuf {
        let mut name = self.working.file_name().unwrap_or_default().to_os_string();
        name.push(".shared");
        self.working.with_file_name(name)
    }

    /// The version of the object both this machine and the others started from: the last seen.
    pub fn base_session(&self, checklist: &Checklist) -> anyhow::Result<Session> {
        match &self.base {
            Some(b) => Ok(session::parse(&self.base_path().display().to_string(), &b.text, checklist)?),
            None => Ok(Session::new(checklist, chrono::DateTime::UNIX_EPOCH)),
        }
    }

    pub fn base_etag(&self) -> Option<&str> {
        self.base.as_ref().map(|b| b.etag.as_str())
    }

    /// Whether `text` is what S3 holds as far as this machine knows.
    pub fn is_shared(&self, text: &str) -> bool {
        self.base.as_ref().is_some_and(|b| b.text == text)
    }

    /// Takes `remote` as the version last seen.
    pub fn adopt(&mut self, remote: Remote) -> anyhow::Result<()> {
        let bytes = format!("{}\n{}", remote.etag, remote.text);
        crate::atomic::write_atomic(&self.base_path(), bytes.as_bytes())?;
        self.base = Some(remote);
        Ok(())
    }

    /// Writes `text` over the version last seen; written, it is the version last seen.
    pub fn push(&mut self, text: &str) -> anyhow::Result<Put> {
        let put = self.bucket.put(text, self.base_etag())?;
        if let Put::Written(etag) = &put {
            self.adopt(Remote { etag: etag.clone(), text: text.to_string() })?;
        }
        Ok(put)
    }

    /// Someone else's version, when the object changed since this machine last saw it (a HEAD
    /// first, so asking often costs little).
    pub fn newer(&self) -> anyhow::Result<Option<Remote>> {
        match self.bucket.etag()? {
            None => Ok(None),
            Some(etag) if Some(etag.as_str()) == self.base_etag() => Ok(None),
            Some(_) => self.bucket.get(),
        }
    }

    /// Others' changes since this machine last looked, merged into the working copy: the fields
    /// both changed, or `None` when nothing changed.
    pub fn refresh(&mut self, checklist: &Checklist) -> anyhow::Result<Option<Vec<Conflict>>> {
        match self.newer()? {
            Some(remote) => self.take(checklist, remote).map(Some),
            None => Ok(None),
        }
    }

    /// Brings the working copy up to date with S3 before a session is opened: their changes
    /// merged into the edits not yet shared (the journal of a run that could not reach S3, or was
    /// killed before it did).
    pub fn pull(&mut self, checklist: &Checklist) -> anyhow::Result<Vec<Conflict>> {
        match self.bucket.get()? {
            Some(remote) if Some(remote.etag.as_str()) != self.base_etag() => self.take(checklist, remote),
            _ => Ok(Vec::new()),
        }
    }

    /// Merges `remote` into the working copy (or makes it the working copy when there is none)
    /// and takes it as the version last seen.
    fn take(&mut self, checklist: &Checklist, remote: Remote) -> anyhow::Result<Vec<Conflict>> {
        let conflicts = match session::load(&self.working, checklist)? {
            None => {
                crate::atomic::write_atomic(&self.working, remote.text.as_bytes())?;
                Vec::new()
            }
            Some(ours) => {
                let (_, text, conflicts) = self.merged_with(checklist, &ours, &remote)?;
                crate::atomic::write_atomic(&self.working, text.as_bytes())?;
                conflicts
            }
        };
        self.adopt(remote)?;
        Ok(conflicts)
    }

    /// `mine` merged with `remote` against the base: the merge, its text (the remote's own
    /// bytes when the merge adds nothing of ours, so there is nothing to publish) and the fields
    /// both changed.
    fn merged_with(
        &self,
        checklist: &Checklist,
        mine: &Session,
        remote: &Remote,
    ) -> anyhow::Result<(Session, String, Vec<Conflict>)> {
        let theirs = session::parse(&self.bucket.location.to_string(), &remote.text, checklist)?;
        let merged = merge(&self.base_session(checklist)?, mine, &theirs);
        let text = if merged.session.same_answers(&theirs) {
            remote.text.clone()
        } else {
            toml::to_string(&merged.session).context("serialising the session")?
        };
        Ok((merged.session, text, merged.conflicts))
    }

    /// Publishes the working copy: written over the version last seen, and when someone else
    /// wrote first, their version merged in and the write tried again. The merge is kept in
    /// memory until a write succeeds (then the working copy, then the base, in that order: a
    /// crash between them only costs a merge more), so a retry is a GET, a merge and a PUT,
    /// quicker than a participant's next save: a busy session does not starve anyone.
    pub fn publish(&mut self, checklist: &Checklist) -> anyhow::Result<Published> {
        let mut out = Published::default();
        let mut text = match std::fs::read_to_string(&self.working) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.working.display())),
        };
        let file = self.working.display().to_string();
        let mut ours: Option<Session> = None;
        let started = std::time::Instant::now();
        for attempt in 0.. {
            if started.elapsed() > PATIENCE {
                break;
            }
            if self.is_shared(&text) {
                break;
            }
            // Only where this person's view was differs: nothing the team needs.
            if attempt == 0 && self.base.is_some() {
                let mine = session::parse(&file, &text, checklist)?;
                if mine.same_answers(&self.base_session(checklist)?) {
                    return Ok(out);
                }
                ours = Some(mine);
            }
            if let Put::Written(etag) = self.bucket.put(&text, self.base_etag())? {
                if out.merges > 0 {
                    crate::atomic::write_atomic(&self.working, text.as_bytes())?;
                }
                self.adopt(Remote { etag, text })?;
                out.wrote = true;
                return Ok(out);
            }
            out.merges += 1;
            tracing::debug!(target: "golive", "{}: write {attempt} refused, merging", self.bucket.location);
            let mine = match ours.take() {
                Some(s) => s,
                None => session::parse(&file, &text, checklist)?,
            };
            match self.bucket.get()? {
                Some(remote) => {
                    let (merged, merged_text, conflicts) = self.merged_with(checklist, &mine, &remote)?;
                    out.conflicts.extend(conflicts);
                    (text, ours) = (merged_text, Some(merged));
                    self.base = Some(remote);
                }
                // Removed meanwhile: ours is written as the first version.
                None => {
                    ours = Some(mine);
                    self.base = None;
                }
            }
            // Many refusals in a row: someone saves in a tight loop; a moment's pause lets ours in.
            if attempt >= 5 {
                std::thread::sleep(jitter(attempt));
            }
        }
        if out.merges > 0 {
            // Given up, or the merge equals what S3 holds: the working copy keeps the merge.
            crate::atomic::write_atomic(&self.working, text.as_bytes())?;
            if let Some(b) = self.base.clone() {
                self.adopt(b)?;
            } else {
                let _ = std::fs::remove_file(self.base_path());
            }
        }
        if self.is_shared(&text) {
            return Ok(out);
        }
        anyhow::bail!(
            "{}: others' writes went first for {} s; the working copy {} keeps yours",
            self.bucket.location,
            PATIENCE.as_secs(),
            self.working.display()
        )
    }
}

/// Up to 10 ms per attempt so far (at most 100), from the clock's nanoseconds: enough to break a
/// lockstep.
fn jitter(attempt: usize) -> std::time::Duration {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().subsec_nanos();
    std::time::Duration::from_millis(u64::from(nanos) % (10 * attempt.min(10) as u64 + 1))
}
