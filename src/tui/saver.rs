//! The one writer of the session file, on its own thread, so the UI never waits for a save (a
//! large session takes a while to serialise and write; BENCHMARKS.md has the figures). Requests are written
//! in order; saves waiting behind a newer save are folded into it. Every request is answered with
//! a message, and the header says "saving…" until all are: what the screen shows as saved is on
//! disk.

use super::app::{Msg, Resolution};
use crate::checklist::Checklist;
use crate::session::{self, Fingerprint, SaveError, Session};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

pub enum Request {
    Save(Box<Session>),
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
    /// Starts the writer for `path`, which golive last read or wrote as `disk` (`None`: no file).
    pub fn start(
        path: PathBuf,
        checklist: Arc<Checklist>,
        disk: Option<Fingerprint>,
        reply: mpsc::Sender<Msg>,
    ) -> Saver {
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("golive-saver".into())
            .spawn(move || Writer { path, checklist, disk, reply }.run(rx))
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
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Request>) -> Option<Fingerprint> {
        let mut next = rx.recv().ok();
        while let Some(mut request) = next.take() {
            // Saves queued behind this one are older than the newest: write only the newest.
            let mut folded = 0;
            while let Ok(more) = rx.try_recv() {
                match (&request, more) {
                    (Request::Save(_), Request::Save(newer)) => {
                        request = Request::Save(newer);
                        folded += 1;
                    }
                    (_, other) => {
                        next = Some(other);
                        break;
                    }
                }
            }
            let msg = self.perform(request);
            for _ in 0..folded {
                let _ = self.reply.send(self.copy(&msg));
            }
            let _ = self.reply.send(msg);
            if next.is_none() {
                next = rx.recv().ok();
            }
        }
        self.disk
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
            Request::Save(s) => match session::save_over(&self.path, &s, self.disk) {
                Ok(disk) => {
                    self.disk = Some(disk);
                    Msg::Saved(Ok(disk))
                }
                Err(SaveError::Changed) => {
                    tracing::warn!(target: "golive", "save refused: {} changed on disk", self.path.display());
                    Msg::ChangedOnDisk
                }
                Err(SaveError::Failed(e)) => {
                    tracing::warn!(target: "golive", "save failed: {e:#}");
                    Msg::Saved(Err(format!("{e:#}")))
                }
            },
            Request::KeepMine(s) => Msg::Resolved(self.keep_mine(&s)),
            Request::TakeTheirs(s) => Msg::Resolved(self.take_theirs(&s)),
        }
    }

    fn keep_mine(&mut self, mine: &Session) -> Result<Resolution, String> {
        let theirs = std::fs::read(&self.path).unwrap_or_default();
        let backup = session::keep(&self.path, &theirs).map_err(|e| format!("{e:#}"))?;
        let disk = session::save(&self.path, mine).map_err(|e| format!("{e:#}"))?;
        self.disk = Some(disk);
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
        Ok(Resolution::TookTheirs { backup, session: Box::new(theirs), disk })
    }
}
