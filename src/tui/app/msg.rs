//! What reaches `update` (messages) and what it asks the loop to do (effects).

use crate::consent::{self, Grant};
use crate::probe::aws::Identity;
use crate::probe::engine::Event;
use crate::session::{Evidence, Fingerprint, Session};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// An evidence entry after the loop looked at it (a file gets its size and hash).
    EvidenceReady {
        item: usize,
        evidence: Evidence,
    },
    /// A consent was written to the person's store, or why not.
    ConsentKept(Result<(), String>),
    /// The loop handed a save to the writer: "saving…" until its answer comes.
    SaveSent,
    /// A save finished: the fingerprint of what it wrote, or why it failed.
    Saved(Result<Fingerprint, String>),
    /// A save found the file changed by something else since golive read or wrote it: nothing
    /// was written.
    ChangedOnDisk,
    /// The other version was kept as a backup and this one written, or that version loaded.
    Resolved(Result<Resolution, String>),
    /// Text pasted into the terminal (bracketed paste): one event, whatever it holds.
    Paste(String),
    /// SIGTERM or SIGHUP: keep what was typed, save, quit.
    Shutdown,
    /// Reading the terminal failed: it went away. Handled as `Shutdown`.
    TerminalLost(String),
    Exported(Result<PathBuf, String>),
    /// No input for a moment: a good time to save a note being typed.
    Idle,
    /// Evidence files read again: which changed or went since they were attached.
    FilesChecked(Vec<crate::session::evidence::Recheck>),
    /// Something to keep in view for the whole run (a checklist upgrade, orphaned answers).
    Notice(String),
    /// Time passes while probes run: the spinner turns.
    Tick,
    /// The AWS identity a sweep found before its probes ran.
    Aws(AwsView),
    Probe {
        item: usize,
        run: u64,
        event: Event,
    },
    /// Someone else's changes, merged by the saver into what it wrote.
    Merged(Box<Merge>),
    /// A shared session was published (or is as shared as it can be), or why it is not.
    Shared(Result<(), String>),
    /// The others in a shared session, and when each was last seen.
    Present(Vec<(String, chrono::DateTime<chrono::Utc>)>),
}

/// A merge the saver wrote: `merged` is `base` (a session the app sent) with someone else's
/// changes; the app's own edits since `base` are merged over it the same way.
#[derive(Debug)]
pub struct Merge {
    pub base: Session,
    pub merged: Session,
    pub conflicts: Vec<crate::session::merge::Conflict>,
    /// Which merge this is: the app's saves say the last one they include.
    pub seen: u64,
    /// The file's fingerprint with the merge written.
    pub disk: Option<Fingerprint>,
}

/// How a conflict with a change on disk ended.
#[derive(Debug)]
pub enum Resolution {
    /// Ours written; theirs kept at the path.
    KeptMine { backup: PathBuf, disk: Fingerprint },
    /// Theirs loaded; ours kept at the path.
    TookTheirs { backup: PathBuf, session: Box<Session>, disk: Option<Fingerprint> },
}

/// What the header shows about AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsView {
    NotConnected,
    Connecting,
    Connected(Identity),
    /// The credentials' account is not yet the session's expected account; asks the user.
    Unconfirmed(Identity),
    /// No AWS probe may run: no credentials, wrong account...; the identity when there is one.
    Refused {
        identity: Option<Identity>,
        why: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Save,
    /// Write the markdown report to this path (relative: to the working directory).
    Export {
        path: PathBuf,
    },
    /// Keep the file on disk as a backup, then write this session over it.
    Overwrite,
    /// Keep this session as a backup, then load the file on disk.
    Reload,
    /// Classify the entry (URL, file or text) and, for a file, record its size and SHA-256.
    InspectEvidence {
        item: usize,
        evidence: Evidence,
    },
    /// Run these items' probes as sweep `run`, against the session's target.
    RunProbes {
        run: u64,
        items: Vec<usize>,
    },
    CancelProbes,
    /// Remember that the person allowed this command (in their consent store, not the session).
    Consent(Grant),
    /// Keep a person's no to a command, so a restart does not ask again.
    Refuse(Grant),
    /// Remember that the person set the repository to this directory outside the checkout.
    ConfirmRepo(consent::RepoGrant),
    /// The terminal's bell: a watched sweep found bad news.
    Bell,
    Quit,
}
