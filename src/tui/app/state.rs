//! The small pieces of view state: panes, overlays, the editors that have the keyboard, the
//! flash line, search and the rows of the items pane.

use crate::session::Status;
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Sections,
    Items,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help { scroll: u16 },
    SignOff { row: usize },
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
}

impl PromptKind {
    pub fn title(self) -> &'static str {
        match self {
            PromptKind::NaReason { .. } => "Why does this item not apply?",
            PromptKind::Evidence { .. } => "Evidence: URL, file path or text",
            PromptKind::Search { .. } => "Search titles and descriptions",
            PromptKind::Reviewer { .. } => "Reviewer",
            PromptKind::Override { .. } => "Why override the probe's verdict?",
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
    /// The target form: AWS profile, region and expected account.
    Form {
        fields: Vec<TextArea<'static>>,
        focus: usize,
    },
    Confirm(ConfirmKind),
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
