//! The small pieces of view state: panes, overlays, the editors that have the keyboard, the
//! flash line, search, the rows of the items pane, the save state and what the person trusts.

use crate::consent::Grant;
use crate::session::{Fingerprint, Status};
use ratatui_textarea::TextArea;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Sections,
    Items,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: u16,
    },
    SignOff {
        row: usize,
    },
    /// "Why not GO": the gate's reasons, each a jump to what it names.
    Gate {
        row: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    NaReason {
        item: usize,
    },
    Evidence {
        item: usize,
    },
    Search {
        origin: usize,
        origin_critical: bool,
    },
    Reviewer {
        row: usize,
    },
    /// A person overrides the probe's verdict and says why.
    Override {
        item: usize,
        status: Status,
    },
    /// Approving a sign-off: for whom (the reviewer's name).
    SignAs {
        row: usize,
    },
    /// Approving the final approval while the gate says NO-GO: the exceptions.
    Exceptions {
        row: usize,
    },
    /// Rejecting a sign-off: why.
    Reject {
        row: usize,
    },
    /// Where the markdown report goes.
    ExportPath,
}

impl PromptKind {
    /// What the prompt cannot do without, for the kinds Enter may not submit empty.
    pub fn needs_text(self) -> Option<&'static str> {
        match self {
            PromptKind::NaReason { .. } => Some("n/a needs a reason"),
            PromptKind::Override { .. } => Some("Overriding the probe needs a reason"),
            PromptKind::Reject { .. } => Some("A rejection needs a reason"),
            PromptKind::Exceptions { .. } => {
                Some("Approving while the gate says NO-GO needs the exceptions in words")
            }
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PromptKind::NaReason { .. } => "Why does this item not apply?",
            PromptKind::Evidence { .. } => "Evidence: URL, file path or text",
            PromptKind::Search { .. } => "Search titles and descriptions",
            PromptKind::ExportPath => "Write the report to (Enter: this path)",
            PromptKind::Reviewer { .. } => "Reviewer",
            PromptKind::Override { .. } => "Why override the probe's verdict?",
            PromptKind::SignAs { .. } => "Approve for (the reviewer's name)",
            PromptKind::Exceptions { .. } => "The gate says NO-GO: approve with which exceptions?",
            PromptKind::Reject { .. } => "Why is it rejected?",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    DeleteEvidence {
        item: usize,
        index: usize,
    },
    /// Trust this account as the session's expected account, then rerun the sweep.
    TrustAccount {
        account: usize,
    },
    /// Allow a command check to run this command (index into `offered_commands`), then go on
    /// starting the sweep.
    RunCommand {
        command: usize,
        /// How far the question is scrolled: a command is shown whole, however long.
        scroll: u16,
    },
    /// Export although a note looks like it holds a credential.
    ExportWithLeaks,
    /// The session file changed on disk: write ours (theirs kept) or load theirs (ours kept).
    ChangedOnDisk,
    /// Approve a sign-off area whose items are not all settled (failed, blocked or todo).
    ApproveOpen {
        row: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// AWS profile, region, expected account, scope, service.
    Target,
    /// Reason, approver, expiry, ticket.
    Waiver { item: usize },
}

/// The waiver form's fields, in order.
pub const WAIVER_FIELDS: [&str; 4] = [
    "Reason (empty withdraws the waiver)",
    "Approved by (for a critical item, not you)",
    "Expires: YYYY-MM-DD, or a number of days (14d)",
    "Ticket or link (optional)",
];

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            FormKind::Target => "Target",
            FormKind::Waiver { .. } => "Waive this item",
        }
    }

    pub fn label(self, n: usize) -> &'static str {
        match self {
            FormKind::Target => crate::probe::target::FIELDS[n].label,
            FormKind::Waiver { .. } => WAIVER_FIELDS[n],
        }
    }
}

/// A text input that has the keyboard: typed letters go to it, never to commands.
#[derive(Debug)]
pub enum Input {
    /// `original` is the text when editing began, for the history entry when it ends.
    Notes {
        item: usize,
        area: Box<TextArea<'static>>,
        original: String,
    },
    Prompt {
        kind: PromptKind,
        area: Box<TextArea<'static>>,
    },
    /// A form: the target, or a waiver.
    Form {
        kind: FormKind,
        fields: Vec<TextArea<'static>>,
        focus: usize,
    },
    Confirm(ConfirmKind),
    /// The fields a merge decided by rule (`Team::pending`), for the person to settle.
    Merged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashLevel {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub level: FlashLevel,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub matches: Vec<usize>,
}

/// A line of the items pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A group heading (or, in the critical view, a section heading).
    Heading {
        section: usize,
        group: Option<usize>,
    },
    Item(usize),
}

/// What the app knows about writing the session file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveState {
    /// The fingerprint of the file as golive last read or wrote it (`None`: no file); a save over
    /// anything else asks first.
    pub disk: Option<Fingerprint>,
    /// Saves asked for and not yet answered: the header says "saving…" until they are.
    pub in_flight: usize,
    /// A save was refused because the file changed on disk, and no choice has been made yet.
    pub conflict: bool,
    /// The last save failed: shown until a save succeeds, because the person must know.
    pub error: Option<String>,
}

impl SaveState {
    pub(super) fn sent(&mut self) {
        self.in_flight += 1;
    }

    /// A save was answered, written or not.
    pub(super) fn answered(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// A save was written: the file on disk is now `disk`.
    pub(super) fn saved(&mut self, disk: Fingerprint) {
        self.answered();
        self.disk = Some(disk);
        self.error = None;
    }

    /// A conflict was settled: the file on disk is now `disk` (as golive wrote it or took it).
    pub(super) fn settled(&mut self, disk: Option<Fingerprint>) {
        self.answered();
        self.disk = disk;
        self.conflict = false;
        self.error = None;
    }

    pub(super) fn conflicted(&mut self) {
        self.answered();
        self.conflict = true;
        self.error = Some("the file changed on disk; not saved until you choose".into());
    }

    pub(super) fn failed(&mut self, error: String) {
        self.answered();
        self.error = Some(error);
    }
}

/// What the person trusts on this machine for this session.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The commands this person allowed for this session, from their own consent store.
    pub grants: Vec<Grant>,
    /// Repositories outside the checkout this person confirmed for this session.
    pub repo_grants: Vec<PathBuf>,
    /// The checkout the session belongs to: a repository path from the session is relative to it.
    pub checkout: PathBuf,
    /// The commands this person said no to for this session (asked again only by `r`).
    pub refused: Vec<Grant>,
}

impl Trust {
    /// The commands allowed to run in `repo`.
    pub fn allowed(&self, repo: Option<&str>) -> Vec<String> {
        crate::consent::allowed(&self.grants, repo)
    }
}
