//! The one writer of the session file, on its own thread, so the UI never waits for a save (a
//! large session takes a while to serialise and write; BENCHMARKS.md has the figures). Requests are written
//! in order; saves waiting behind a newer save are folded into it. Every request is answered with
//! a message, and the header says "saving…" until all are: what the screen shows as saved is on
//! disk.
//!
//! The writer also merges: a file changed on disk by something else (a `git pull`, another tool)
//! is merged item by item with what golive holds, and a session shared through S3 is published
//! after every save and asked for others' changes every few seconds. A merge the app has not yet
//! seen is folded into each save it sends meanwhile, so nothing either side wrote is lost.

use super::app::{Merge, Msg, Resolution};
use crate::checklist::Checklist;
use crate::session::merge::{Conflict, merge};
use crate::session::shared::Shared;
use crate::session::{self, Fingerprint, SaveError, Session};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often a shared session's object is asked whether it changed (a HEAD request).
pub const POLL: Duration = Duration::from_secs(2);
/// How often this participant's presence is written and the others' read.
pub const PRESENCE: Duration = Duration::from_secs(10);
/// How often S3 is tried while it does not answer (each try may wait for a connection timeout).
pub const OFFLINE_POLL: Duration = Duration::from_secs(10);

pub enum Request {
    /// The session as the app holds it, and the last merge (`Msg::Merged::seen`) it has applied.
    Save(Box<Session>, u64),
    /// Keep the file on disk as a backup, then write this session over it.
    KeepMine(Box<Session>),
    /// Keep this session as a backup, then load the file on disk.
    TakeTheirs(Box<Session>),
}

pub struct Saver {
    tx: mpsc::Sender<Request>,
    handle: JoinHandle<Option<Fingerprint>>,
}

impl Saver {
    /// Starts the writer for `path`, which golive last read or wrote as `disk` (`None`: no file)
    /// holding `session`; with `shared`, the S3 object the session is shared through.
    pub fn start(
        path: PathBuf,
        checklist: Arc<Checklist>,
        disk: Option<Fingerprint>,
        session: &Session,
        shared: Option<(Shared, String)>,
        reply: mpsc::Sender<Msg>,
    ) -> Saver {
        let (tx, rx) = mpsc::channel();
        let writer = Writer {
            path,
            checklist,
            disk,
            reply,
            sent: vec![(0, session.clone())],
            written: session.clone(),
            merges: 0,
            shared,
            polled: Instant::now(),
            presence: None,
            offline: false,
        };
        let handle = std::thread::Builder::new()
            .name("golive-saver".into())
            .spawn(move || writer.run(rx))
            .expect("spawning the saver thread");
        Saver { tx, handle }
    }

    pub fn send(&self, request: Request) {
        // The writer only stops when the Saver is finished; a send cannot fail before that.
        let _ = self.tx.send(request);
    }

    /// Waits until every request is written; returns the file's fingerprint as last written.
    pub fn finish(self) -> Option<Fingerprint> {
        drop(self.tx);
        self.handle.join().unwrap_or(None)
    }
}

struct Writer {
    path: PathBuf,
    checklist: Arc<Checklist>,
    disk: Option<Fingerprint>,
    reply: mpsc::Sender<Msg>,
    /// The merges sent to the app and not yet acknowledged by one of its saves, by number (0:
    /// the session it opened with). A save made on merge N is the app's edits over merge N.
    sent: Vec<(u64, Session)>,
    /// What the file holds now (the app's last save, or a merge the app may not have seen).
    written: Session,
    /// Merges sent to the app; a save that has not seen the last one is merged on the way.
    merges: u64,
    shared: Option<(Shared, String)>,
    polled: Instant,
    presence: Option<Instant>,
    /// S3 did not answer the last time: asked less often until it does.
    offline: bool,
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Request>) -> Option<Fingerprint> {
        // A shared session left unshared by an earlier run (offline, killed) is shared first.
        if self.shared.is_some() {
            self.refresh();
        }
        let mut next = self.next(&rx);
        while let Some(mut request) = next.take() {
            // Saves queued behind this one are older than the newest: write only the newest.
            let mut folded = 0;
            while let Ok(more) = rx.try_recv() {
                match (&request, more) {
                    (Request::Save(..), Request::Save(newer, seen)) => {
                        // The app's session only grows: the older save's edits are in this one.
                        request = Request::Save(newer, seen);
                        folded += 1;
                    }
                    (_, other) => {
                        next = Some(other);
                        break;
                    }
                }
            }
            let msg = self.perform(request);
            let saved = matches!(msg, Msg::Saved(Ok(_)));
            for _ in 0..folded {
                let _ = self.reply.send(self.copy(&msg));
            }
            let _ = self.reply.send(msg);
            // On disk first, and said so: S3 may take a while, or not answer at all.
            if saved {
                self.publish();
            }
            if next.is_none() {
                next = self.next(&rx);
            }
        }
        self.disk
    }

    /// The next request; a shared session is polled (and presence written) while none comes.
    fn next(&mut self, rx: &mpsc::Receiver<Request>) -> Option<Request> {
        if self.shared.is_none() {
            return rx.recv().ok();
        }
        loop {
            let every = if self.offline { OFFLINE_POLL } else { POLL };
            let wait = every.saturating_sub(self.polled.elapsed());
            match rx.recv_timeout(wait) {
                Ok(r) => return Some(r),
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                Err(mpsc::RecvTimeoutError::Timeout) => self.refresh(),
            }
        }
    }

    /// Asks S3 for others' changes (merged in and sent to the app), shares what is not yet
    /// shared, and keeps the presence records.
    fn refresh(&mut self) {
        self.polled = Instant::now();
        let Some((shared, who)) = self.shared.as_mut() else { return };
        if self.presence.is_none_or(|at| at.elapsed() >= PRESENCE) {
            self.presence = Some(Instant::now());
            let here = shared.bucket.here(who).and_then(|()| shared.bucket.present());
            if let Ok(present) = here {
                let others =
                    present.into_iter().filter(|(name, _)| *name != session::shared::presence_name(who));
                let _ = self.reply.send(Msg::Present(others.collect()));
            }
        }
        let pulled = shared.refresh(&self.checklist);
        match pulled {
            Ok(Some(conflicts)) => self.merged_into_file(conflicts),
            Ok(None) => {}
            Err(e) => {
                self.offline = true;
                let _ = self.reply.send(Msg::Shared(Err(format!("{e:#}"))));
                return;
            }
        }
        self.publish();
    }

    /// Shares the working copy; someone else's version merged on the way is sent to the app.
    fn publish(&mut self) {
        let Some((shared, _)) = self.shared.as_mut() else { return };
        match shared.publish(&self.checklist) {
            Ok(p) => {
                self.offline = false;
                let _ = self.reply.send(Msg::Shared(Ok(())));
                if p.merges > 0 {
                    self.merged_into_file(p.conflicts);
                }
            }
            Err(e) => {
                self.offline = true;
                tracing::warn!(target: "golive", "not shared: {e:#}");
                let _ = self.reply.send(Msg::Shared(Err(format!("{e:#}"))));
            }
        }
    }

    /// The working copy now holds a merge with someone else's version: tell the app.
    fn merged_into_file(&mut self, conflicts: Vec<Conflict>) {
        match session::load(&self.path, &self.checklist) {
            Ok(Some(merged)) => {
                self.disk = session::fingerprint(&self.path).ok().flatten();
                self.send_merge(merged, conflicts);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(target: "golive", "reading the merge back: {e:#}"),
        }
    }

    /// `merged` is now the file: the app is told, with what the file held before (everything of
    /// the app's it had written), so the app keeps its edits not yet written.
    fn send_merge(&mut self, merged: Session, conflicts: Vec<Conflict>) {
        self.merges += 1;
        tracing::debug!(target: "golive", "merge {} sent to the app, {} conflicts", self.merges, conflicts.len());
        let base = std::mem::replace(&mut self.written, merged.clone());
        self.sent.push((self.merges, merged.clone()));
        let merge = Merge { base, merged, conflicts, seen: self.merges, disk: self.disk };
        let _ = self.reply.send(Msg::Merged(Box::new(merge)));
    }

    /// A save from the app as it should be written: when the app made it before it saw the last
    /// merges, its edits since the merge it had seen are merged over what the file holds now.
    fn incoming(&mut self, s: Session, seen: u64) -> Session {
        tracing::debug!(target: "golive", "save: the app has seen merge {seen} of {}", self.merges);
        self.sent.retain(|(n, _)| *n >= seen);
        if seen >= self.merges {
            return s;
        }
        match self.sent.first() {
            Some((n, base)) if *n == seen => merge(base, &s, &self.written).session,
            // Not kept (cannot happen: the app only says merges it was sent): ours over the file.
            _ => merge(&self.written, &s, &self.written).session,
        }
    }

    /// Something else changed the file: merged item by item with ours and written, or, when the
    /// version on disk does not read as a session (a git conflict left in it), the person asked.
    fn merge_disk(&mut self, ours: &Session) -> Msg {
        let theirs = std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| session::parse(&self.path.display().to_string(), &text, &self.checklist).ok());
        let Some(theirs) = theirs else {
            tracing::warn!(target: "golive", "save refused: {} changed on disk", self.path.display());
            return Msg::ChangedOnDisk;
        };
        let m = merge(&self.written, ours, &theirs);
        match session::save(&self.path, &m.session) {
            Ok(disk) => {
                self.disk = Some(disk);
                self.written = ours.clone();
                self.send_merge(m.session, m.conflicts);
                Msg::Saved(Ok(disk))
            }
            Err(e) => Msg::Saved(Err(format!("{e:#}"))),
        }
    }

    /// The answer for a folded save: the same as the save that covered it.
    fn copy(&self, msg: &Msg) -> Msg {
        match msg {
            Msg::Saved(r) => Msg::Saved(r.clone()),
            _ => Msg::ChangedOnDisk,
        }
    }

    fn perform(&mut self, request: Request) -> Msg {
        match request {
            Request::Save(s, seen) => {
                let ours = self.incoming(*s, seen);
                match session::save_over(&self.path, &ours, self.disk) {
                    Ok(disk) => {
                        self.disk = Some(disk);
                        self.written = ours;
                        Msg::Saved(Ok(disk))
                    }
                    Err(SaveError::Changed) => self.merge_disk(&ours),
                    Err(SaveError::Failed(e)) => {
                        tracing::warn!(target: "golive", "save failed: {e:#}");
                        Msg::Saved(Err(format!("{e:#}")))
                    }
                }
            }
            Request::KeepMine(s) => Msg::Resolved(self.keep_mine(&s)),
            Request::TakeTheirs(s) => Msg::Resolved(self.take_theirs(&s)),
        }
    }

    fn keep_mine(&mut self, mine: &Session) -> Result<Resolution, String> {
        let theirs = std::fs::read(&self.path).unwrap_or_default();
        let backup = session::keep(&self.path, &theirs).map_err(|e| format!("{e:#}"))?;
        let disk = session::save(&self.path, mine).map_err(|e| format!("{e:#}"))?;
        self.disk = Some(disk);
        self.written = mine.clone();
        Ok(Resolution::KeptMine { backup, disk })
    }

    /// A version on disk that does not load is reported and nothing changes.
    fn take_theirs(&mut self, mine: &Session) -> Result<Resolution, String> {
        let path = &self.path;
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let theirs = session::parse(&path.display().to_string(), &text, &self.checklist)
            .map_err(|e| format!("The version on disk does not load, so yours stays: {e}"))?;
        let mine = toml::to_string(mine).map_err(|e| e.to_string())?;
        let backup = session::keep(path, mine.as_bytes()).map_err(|e| format!("{e:#}"))?;
        let disk = session::fingerprint(path).map_err(|e| e.to_string())?;
        self.disk = disk;
        self.written = theirs.clone();
        Ok(Resolution::TookTheirs { backup, session: Box::new(theirs), disk })
    }
}
