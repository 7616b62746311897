//! The TUI's state and its pure `update`: a message in, the state changed, effects out. Nothing
//! here touches the terminal, the clock (it is injected) or the disk; the loop in `tui::run`
//! performs the effects.

use super::keymap::{self, Action, Ctx};
use super::layout::{self, Areas};
use crate::checklist::Checklist;
use crate::consent::{self, Grant};
use crate::probe::aws::Identity;
use crate::probe::engine::Event;
use crate::probe::local::command::command_of;
use crate::probe::registry;
use crate::session::{Evidence, EvidenceKind, Session, SignOff, Status};
use chrono::{DateTime, SubsecRound, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use ratatui_textarea::{TextArea, WrapMode};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// A save finished: the fingerprint of what it wrote, or why it failed.
    Saved(Result<u64, String>),
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
}

/// How a conflict with a change on disk ended.
#[derive(Debug)]
pub enum Resolution {
    /// Ours written; theirs kept at the path.
    KeptMine { backup: PathBuf, disk: u64 },
    /// Theirs loaded; ours kept at the path.
    TookTheirs { backup: PathBuf, session: Box<Session>, disk: Option<u64> },
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
    Export,
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
    /// Remember that the person set the repository to this directory outside the checkout.
    ConfirmRepo(consent::RepoGrant),
    Quit,
}

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
pub enum Level {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub level: Level,
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

pub struct App {
    /// Shared with the saver, which reads a reloaded file against it.
    pub checklist: Arc<Checklist>,
    pub session: Session,
    pub session_path: PathBuf,
    pub who: String,
    pub clock: fn() -> DateTime<Utc>,
    pub size: Rect,
    pub focus: Pane,
    /// Index into `checklist.items`.
    pub selected: usize,
    pub critical_only: bool,
    pub overlay: Overlay,
    pub input: Option<Input>,
    pub search: Search,
    pub evidence_sel: usize,
    pub detail_scroll: u16,
    pub items_offset: usize,
    pub flash: Option<Flash>,
    /// The last save failed: shown until a save succeeds, because the user must know.
    pub save_error: Option<String>,
    /// The fingerprint of the session file as golive last read or wrote it (`None`: no file);
    /// a save over anything else asks first.
    pub disk: Option<u64>,
    /// A save was refused because the file changed on disk, and no choice has been made yet.
    pub conflict: bool,
    /// Saves asked for and not yet answered: the header says "saving…" until they are.
    pub saving: usize,
    /// Lines kept under the header for the whole run (see `Msg::Notice`).
    pub banner: Vec<String>,
    pub aws: AwsView,
    /// Items whose probe is queued or running: their sweep and whether it has started.
    pub running: BTreeMap<usize, (u64, bool)>,
    pub spinner: usize,
    /// Ids of the accounts offered for trust (index into this list in ConfirmKind).
    pub offered_accounts: Vec<String>,
    /// Commands asked about (index into this list in ConfirmKind); those refused are not asked
    /// again until golive restarts.
    pub offered_commands: Vec<String>,
    /// The commands this person allowed for this session, from their own consent store.
    pub grants: Vec<Grant>,
    /// Repositories outside the checkout this person confirmed for this session.
    pub repo_grants: Vec<PathBuf>,
    /// The checkout the session belongs to: a repository path from the session is relative to it.
    pub checkout: PathBuf,
    /// The sweep waiting for answers about its commands.
    pending_sweep: Vec<usize>,
    runs: u64,
    last_sweep: Vec<usize>,
    last_in_section: Vec<usize>,
}

impl App {
    pub fn new(
        checklist: impl Into<Arc<Checklist>>,
        session: Session,
        session_path: PathBuf,
        who: String,
        clock: fn() -> DateTime<Utc>,
    ) -> App {
        let checklist = checklist.into();
        let checkout = session_path.parent().map(PathBuf::from).unwrap_or_default();
        let selected = session.ui.item.as_deref().and_then(|id| checklist.index_of(id)).unwrap_or(0);
        let critical_only = session.ui.critical_only && checklist.items.iter().any(|i| i.critical);
        let last_in_section = checklist.sections.iter().map(|s| s.items.start).collect();
        let mut app = App {
            checklist,
            session,
            session_path,
            who,
            clock,
            size: Rect::new(0, 0, 80, 24),
            focus: Pane::Items,
            selected,
            critical_only,
            overlay: Overlay::None,
            input: None,
            search: Search::default(),
            evidence_sel: 0,
            detail_scroll: 0,
            items_offset: 0,
            flash: None,
            save_error: None,
            disk: None,
            conflict: false,
            saving: 0,
            banner: Vec::new(),
            aws: AwsView::NotConnected,
            running: BTreeMap::new(),
            spinner: 0,
            offered_accounts: Vec::new(),
            offered_commands: Vec::new(),
            grants: Vec::new(),
            repo_grants: Vec::new(),
            checkout,
            pending_sweep: Vec::new(),
            runs: 0,
            last_sweep: Vec::new(),
            last_in_section,
        };
        if app.critical_only && !app.checklist.items[app.selected].critical {
            app.critical_only = false;
        }
        app.select(app.selected);
        app
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.focus == Pane::Detail, self.banner.len())
    }

    pub fn section(&self) -> usize {
        self.checklist.items[self.selected].section
    }

    /// The context whose key bindings apply now.
    pub fn ctx(&self) -> Ctx {
        match (&self.input, self.overlay) {
            (Some(Input::Notes { .. }), _) => Ctx::Notes,
            (Some(Input::Prompt { .. }), _) => Ctx::Prompt,
            (Some(Input::Confirm(_)), _) => Ctx::Confirm,
            (Some(Input::Form { .. }), _) => Ctx::Form,
            (None, Overlay::Help { .. }) => Ctx::Help,
            (None, Overlay::SignOff { .. }) => Ctx::SignOff,
            (None, Overlay::None) => Ctx::Main,
        }
    }

    /// Items the middle pane shows, in order.
    pub fn visible_items(&self) -> Vec<usize> {
        if self.critical_only {
            (0..self.checklist.items.len()).filter(|&i| self.checklist.items[i].critical).collect()
        } else {
            self.checklist.sections[self.section()].items.clone().collect()
        }
    }

    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        if self.critical_only {
            let mut last = None;
            for i in self.visible_items() {
                let s = self.checklist.items[i].section;
                if last != Some(s) {
                    rows.push(Row::Heading { section: s, group: None });
                    last = Some(s);
                }
                rows.push(Row::Item(i));
            }
        } else {
            let s = self.section();
            for (g, group) in self.checklist.sections[s].groups.iter().enumerate() {
                rows.push(Row::Heading { section: s, group: Some(g) });
                rows.extend(group.items.clone().map(Row::Item));
            }
        }
        rows
    }

    pub fn signoff_rows(&self) -> usize {
        self.checklist.signoff_areas.len() + 1
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(0)
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(ev) => {
                self.flash = None;
                self.on_key(ev)
            }
            Msg::Paste(text) => {
                self.flash = None;
                self.on_paste(&text)
            }
            Msg::Mouse(ev) => self.on_mouse(ev),
            Msg::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.scroll_items();
                vec![]
            }
            Msg::EvidenceReady { item, evidence } => {
                let id = self.checklist.items[item].id.clone();
                let what = format!("evidence added ({})", kind_word(evidence.kind));
                self.info(format!("Evidence added: {}", evidence.value));
                let rec = self.session.record_mut(&id);
                rec.evidence.push(evidence);
                self.evidence_sel = rec.evidence.len() - 1;
                self.log(Some(&id), what);
                vec![Effect::Save]
            }
            Msg::Saved(Ok(disk)) => {
                self.saving = self.saving.saturating_sub(1);
                self.save_error = None;
                self.disk = Some(disk);
                vec![]
            }
            Msg::ChangedOnDisk => {
                self.saving = self.saving.saturating_sub(1);
                if !matches!(self.input, Some(Input::Confirm(ConfirmKind::ChangedOnDisk))) {
                    self.save_draft();
                    self.input = Some(Input::Confirm(ConfirmKind::ChangedOnDisk));
                }
                self.conflict = true;
                self.save_error = Some("the file changed on disk; not saved until you choose".into());
                vec![]
            }
            Msg::Resolved(Ok(Resolution::KeptMine { backup, disk })) => {
                self.saving = self.saving.saturating_sub(1);
                self.conflict = false;
                self.save_error = None;
                self.disk = Some(disk);
                self.info(format!("Saved yours; the version on disk is kept as {}.", backup.display()));
                vec![]
            }
            Msg::Resolved(Ok(Resolution::TookTheirs { backup, session, disk })) => {
                self.saving = self.saving.saturating_sub(1);
                self.conflict = false;
                self.save_error = None;
                self.disk = disk;
                self.session = *session;
                self.select(self.selected.min(self.checklist.items.len() - 1));
                self.info(format!("Loaded the version on disk; yours is kept as {}.", backup.display()));
                vec![]
            }
            Msg::Resolved(Err(e)) => {
                self.saving = self.saving.saturating_sub(1);
                // Nothing changed: ask again, with the reason on screen.
                self.error(e);
                self.input = Some(Input::Confirm(ConfirmKind::ChangedOnDisk));
                vec![]
            }
            Msg::Shutdown | Msg::TerminalLost(_) => {
                if matches!(self.input, Some(Input::Notes { .. })) {
                    self.finish_notes();
                }
                vec![Effect::Save, Effect::Quit]
            }
            Msg::Saved(Err(e)) => {
                self.saving = self.saving.saturating_sub(1);
                self.save_error = Some(e);
                vec![]
            }
            Msg::Exported(Ok(path)) => {
                self.info(format!("Report written to {}", path.display()));
                vec![]
            }
            Msg::Idle => self.save_draft(),
            Msg::Notice(text) => {
                self.banner.push(text);
                vec![]
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                vec![]
            }
            Msg::Aws(view) => {
                if let AwsView::Unconfirmed(id) = &view {
                    self.offered_accounts.push(id.account.clone());
                    let account = self.offered_accounts.len() - 1;
                    if self.input.is_none() {
                        self.input = Some(Input::Confirm(ConfirmKind::TrustAccount { account }));
                    }
                }
                self.aws = view;
                vec![]
            }
            Msg::Probe { item, run, event } => self.on_probe(item, run, event),
            Msg::ConsentKept(Ok(())) => vec![],
            Msg::ConsentKept(Err(e)) => {
                self.error(format!("Allowed for this run only: could not remember it ({e})."));
                vec![]
            }
            Msg::Exported(Err(e)) => {
                self.error(format!("Export failed: {e}"));
                vec![]
            }
        }
    }

    fn on_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let ctx = self.ctx();
        let action = keymap::lookup(ctx, &ev);
        match ctx {
            Ctx::Notes => self.notes_key(action, ev),
            Ctx::Prompt => self.prompt_key(action, ev),
            Ctx::Form => self.form_key(action, ev),
            Ctx::Confirm => self.confirm_key(action),
            Ctx::Help => self.help_key(action),
            Ctx::SignOff => self.signoff_key(action),
            Ctx::Main | Ctx::Global => match action {
                Some(a) => self.main_action(a, ev),
                None => vec![],
            },
        }
    }

    fn main_action(&mut self, action: Action, ev: KeyEvent) -> Vec<Effect> {
        match action {
            Action::Down => self.step(1),
            Action::Up => self.step(-1),
            Action::Top => self.step(isize::MIN),
            Action::Bottom => self.step(isize::MAX),
            Action::NextPane => self.cycle_pane(1),
            Action::PrevPane => self.cycle_pane(-1),
            Action::JumpSection => {
                if let ratatui::crossterm::event::KeyCode::Char(c) = ev.code {
                    let n = c.to_digit(10).unwrap_or(1) as usize;
                    if n <= self.checklist.sections.len() {
                        self.goto_section(n - 1);
                    }
                }
            }
            Action::CycleStatus => {
                let next = self.session.status(&self.item_id()).cycled();
                return self.person_sets(next);
            }
            Action::SetStatus(s) => return self.person_sets(s),
            Action::RunProbe => {
                if !self.checklist.items[self.selected].is_automated() {
                    self.info("This item has no automated check.".into());
                    return vec![];
                }
                return self.run_probes(vec![self.selected]);
            }
            Action::RunSection => {
                let items = self.checklist.sections[self.section()].items.clone().collect();
                return self.run_probes(items);
            }
            Action::RunAll => return self.run_probes((0..self.checklist.items.len()).collect()),
            Action::CancelProbes => {
                if self.running.is_empty() {
                    return vec![];
                }
                let n = self.running.len();
                self.running.clear();
                self.info(format!("Cancelled {n} probe{}.", if n == 1 { "" } else { "s" }));
                return vec![Effect::CancelProbes];
            }
            Action::EditTarget => {
                let fields = self
                    .session
                    .target
                    .to_fields()
                    .into_iter()
                    .map(|v| {
                        let mut a = TextArea::new(vec![v]);
                        a.move_cursor(ratatui_textarea::CursorMove::End);
                        a
                    })
                    .collect();
                self.input = Some(Input::Form { fields, focus: 0 });
            }
            Action::EditNotes => {
                let notes = self.session.record(&self.item_id()).map(|r| r.notes.clone()).unwrap_or_default();
                let mut area = TextArea::new(notes.lines().map(str::to_string).collect());
                area.set_wrap_mode(WrapMode::WordOrGlyph);
                area.move_cursor(ratatui_textarea::CursorMove::Bottom);
                area.move_cursor(ratatui_textarea::CursorMove::End);
                self.input =
                    Some(Input::Notes { item: self.selected, area: Box::new(area), original: notes });
            }
            Action::AddEvidence => self.prompt(PromptKind::Evidence { item: self.selected }, ""),
            Action::DeleteEvidence => {
                let n = self.session.record(&self.item_id()).map_or(0, |r| r.evidence.len());
                if n == 0 {
                    self.info("This item has no evidence to delete.".into());
                } else {
                    let index = self.evidence_sel.min(n - 1);
                    self.input =
                        Some(Input::Confirm(ConfirmKind::DeleteEvidence { item: self.selected, index }));
                }
            }
            Action::ScrollDetailDown => {
                self.detail_scroll = self.detail_scroll.saturating_add(self.half_page())
            }
            Action::ScrollDetailUp => {
                self.detail_scroll = self.detail_scroll.saturating_sub(self.half_page())
            }
            Action::Search => {
                let origin =
                    PromptKind::Search { origin: self.selected, origin_critical: self.critical_only };
                let query = self.search.query.clone();
                self.prompt(origin, &query);
            }
            Action::NextMatch => self.next_match(1),
            Action::PrevMatch => self.next_match(-1),
            Action::ToggleCritical => {
                if !self.checklist.items.iter().any(|i| i.critical) {
                    self.info("This checklist marks no item as critical.".into());
                } else {
                    self.critical_only = !self.critical_only;
                    if self.critical_only && !self.checklist.items[self.selected].critical {
                        // The first critical item from the current section on.
                        let s = self.section();
                        let visible = self.visible_items();
                        let pick = visible.iter().find(|&&i| self.checklist.items[i].section >= s);
                        self.select(*pick.unwrap_or(&visible[0]));
                    } else {
                        self.select(self.selected);
                    }
                }
            }
            Action::SignOff => self.overlay = Overlay::SignOff { row: 0 },
            Action::Export => {
                if self.session.leaks().is_empty() {
                    return vec![Effect::Export];
                }
                self.input = Some(Input::Confirm(ConfirmKind::ExportWithLeaks));
            }
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::Quit | Action::ForceQuit => return vec![Effect::Save, Effect::Quit],
            _ => {}
        }
        vec![]
    }

    /// A paste goes whole into the field that has focus and nowhere else: never to the keys, so
    /// no status changes and nothing runs, whatever letters or line ends it holds.
    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        let one_line = |area: &mut TextArea<'static>| {
            let (line, joined) = crate::text::pasted_line(text);
            area.insert_str(line);
            joined
        };
        let joined = match &mut self.input {
            Some(Input::Notes { area, .. }) => {
                area.insert_str(crate::text::pasted(text));
                false
            }
            Some(Input::Prompt { kind, area }) => {
                let joined = one_line(area);
                if let PromptKind::Search { origin, .. } = *kind {
                    let query = area.lines().join(" ");
                    self.run_search(&query, origin);
                }
                joined
            }
            Some(Input::Form { fields, focus }) => one_line(&mut fields[*focus]),
            Some(Input::Confirm(_)) | None => {
                self.info("Paste ignored: nothing here takes text (e edits notes, a adds evidence).".into());
                return vec![];
            }
        };
        if joined {
            self.info("Pasted several lines as one: this field holds one line.".into());
        }
        vec![]
    }

    fn notes_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
        match action {
            Some(Action::FinishEdit) => self.finish_notes(),
            Some(Action::ForceQuit) => {
                self.finish_notes();
                vec![Effect::Save, Effect::Quit]
            }
            _ => {
                if let Some(Input::Notes { area, .. }) = &mut self.input {
                    area.input(ev);
                }
                vec![]
            }
        }
    }

    /// Ends editing and keeps what was typed; Esc never throws text away.
    fn finish_notes(&mut self) -> Vec<Effect> {
        let mut fx = self.save_draft();
        let Some(Input::Notes { item, original, .. }) = self.input.take() else { return fx };
        let id = self.checklist.items[item].id.clone();
        if self.session.record(&id).map_or("", |r| r.notes.as_str()) != original {
            self.log(Some(&id), "notes edited".into());
            self.info("Notes saved.".into());
            fx = vec![Effect::Save];
        }
        fx
    }

    /// Puts the editor's text into the session while editing continues, so a crash or a dropped
    /// SSH connection loses at most the last moment of typing.
    fn save_draft(&mut self) -> Vec<Effect> {
        let Some(Input::Notes { item, area, .. }) = &self.input else { return vec![] };
        let text = area.lines().join("\n").trim_end().to_string();
        let id = self.checklist.items[*item].id.clone();
        if self.session.record(&id).map_or("", |r| r.notes.as_str()) == text {
            return vec![];
        }
        self.session.record_mut(&id).notes = text;
        self.session.tidy(&id);
        vec![Effect::Save]
    }

    fn prompt_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
        let Some(Input::Prompt { kind, area }) = &mut self.input else { return vec![] };
        let kind = *kind;
        match action {
            Some(Action::Submit) => {
                let text = area.lines().join(" ").trim().to_string();
                self.input = None;
                self.submit_prompt(kind, text)
            }
            Some(Action::Cancel) => {
                self.input = None;
                if let PromptKind::Search { origin, origin_critical } = kind {
                    self.search = Search::default();
                    self.critical_only = origin_critical;
                    self.select(origin);
                }
                vec![]
            }
            Some(Action::ForceQuit) => {
                self.input = None;
                vec![Effect::Save, Effect::Quit]
            }
            _ => {
                area.input(ev);
                if let PromptKind::Search { origin, .. } = kind {
                    let query = area.lines().join(" ");
                    self.run_search(&query, origin);
                }
                vec![]
            }
        }
    }

    fn submit_prompt(&mut self, kind: PromptKind, text: String) -> Vec<Effect> {
        match kind {
            PromptKind::NaReason { item } => {
                if text.is_empty() {
                    self.error("n/a needs a reason: status unchanged.".into());
                    return vec![];
                }
                self.set_status(item, Status::NotApplicable, Some(text))
            }
            PromptKind::Override { item, status } => {
                if text.is_empty() {
                    self.error("Overriding the probe needs a reason: status unchanged.".into());
                    return vec![];
                }
                self.set_status(item, status, Some(text))
            }
            PromptKind::Evidence { item } => {
                if text.is_empty() {
                    return vec![];
                }
                let evidence = Evidence {
                    kind: EvidenceKind::Text,
                    value: text,
                    size: None,
                    sha256: None,
                    by: self.who.clone(),
                    at: self.now(),
                };
                vec![Effect::InspectEvidence { item, evidence }]
            }
            PromptKind::Search { .. } => {
                let n = self.search.matches.len();
                if self.search.query.is_empty() {
                    self.search = Search::default();
                } else if n == 0 {
                    self.error(format!("No item matches {:?}.", self.search.query));
                } else {
                    self.info(format!(
                        "{n} match{} for {:?}: n next, N previous.",
                        if n == 1 { "" } else { "es" },
                        self.search.query
                    ));
                }
                vec![]
            }
            PromptKind::Reviewer { row } => {
                let text = if text.is_empty() { self.who.clone() } else { text };
                let now = self.now();
                let (area, slot) = self.signoff_slot(row);
                if slot.reviewer == text {
                    return vec![];
                }
                slot.reviewer = text.clone();
                slot.date.get_or_insert(now.date_naive());
                self.log(None, format!("sign-off {area}: reviewer {text:?}"));
                vec![Effect::Save]
            }
        }
    }

    fn confirm_key(&mut self, action: Option<Action>) -> Vec<Effect> {
        let Some(Input::Confirm(kind)) = self.input else { return vec![] };
        match action {
            Some(Action::Down | Action::Up) => {
                if let Some(Input::Confirm(ConfirmKind::RunCommand { scroll, .. })) = &mut self.input {
                    *scroll = if action == Some(Action::Down) {
                        scroll.saturating_add(1)
                    } else {
                        scroll.saturating_sub(1)
                    };
                }
                vec![]
            }
            Some(Action::Confirm) => {
                self.input = None;
                let (item, index) = match kind {
                    ConfirmKind::DeleteEvidence { item, index } => (item, index),
                    ConfirmKind::RunCommand { command, .. } => {
                        let command = self.offered_commands[command].clone();
                        let grant = Grant {
                            command: command.clone(),
                            repo: self.session.target.repo.clone(),
                            session: consent::session_key(&self.session_path),
                            by: self.who.clone(),
                            at: self.now(),
                        };
                        self.grants.push(grant.clone());
                        // The audit line names exactly what was allowed: never masked.
                        self.log(None, format!("command allowed: {command}"));
                        let mut fx = vec![Effect::Consent(grant), Effect::Save];
                        let sweep = std::mem::take(&mut self.pending_sweep);
                        fx.extend(self.run_probes(sweep));
                        return fx;
                    }
                    ConfirmKind::ExportWithLeaks => return vec![Effect::Export],
                    ConfirmKind::ChangedOnDisk => return vec![Effect::Overwrite],
                    ConfirmKind::TrustAccount { account } => {
                        let account = self.offered_accounts[account].clone();
                        self.session.target.account_id = Some(account.clone());
                        self.log(None, format!("expected AWS account set to {account}"));
                        self.info(format!("Probing account {account}: t changes it."));
                        let mut fx = vec![Effect::Save];
                        fx.extend(self.run_probes(self.last_sweep.clone()));
                        return fx;
                    }
                };
                let id = self.checklist.items[item].id.clone();
                let rec = self.session.record_mut(&id);
                if index < rec.evidence.len() {
                    let gone = rec.evidence.remove(index);
                    self.evidence_sel = index.saturating_sub(1);
                    self.session.tidy(&id);
                    self.log(Some(&id), format!("evidence removed ({})", kind_word(gone.kind)));
                    self.info(format!("Evidence deleted: {}", gone.value));
                    return vec![Effect::Save];
                }
                vec![]
            }
            Some(Action::Cancel) => {
                self.input = None;
                if let ConfirmKind::RunCommand { .. } = kind {
                    // Refused: the sweep goes on; that check reports it was not allowed.
                    let sweep = std::mem::take(&mut self.pending_sweep);
                    return self.run_probes(sweep);
                }
                if let ConfirmKind::ChangedOnDisk = kind {
                    return vec![Effect::Reload];
                }
                if let ConfirmKind::ExportWithLeaks = kind {
                    self.info("Not exported: remove the credential from the note (e edits it).".into());
                }
                if let ConfirmKind::TrustAccount { account } = kind {
                    let account = &self.offered_accounts[account];
                    self.error(format!(
                        "Account {account} not trusted: AWS probes will not run (t sets the account)."
                    ));
                }
                vec![]
            }
            Some(Action::ForceQuit) => {
                self.input = None;
                vec![Effect::Save, Effect::Quit]
            }
            _ => vec![],
        }
    }

    fn form_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
        let Some(Input::Form { fields, focus }) = &mut self.input else { return vec![] };
        match action {
            Some(Action::NextField) => *focus = (*focus + 1) % fields.len(),
            Some(Action::PrevField) => *focus = (*focus + fields.len() - 1) % fields.len(),
            Some(Action::Cancel) => self.input = None,
            Some(Action::ForceQuit) => {
                self.input = None;
                return vec![Effect::Save, Effect::Quit];
            }
            Some(Action::Submit) => {
                let values: Vec<String> = fields.iter().map(|a| a.lines().join("")).collect();
                let target = match self.session.target.from_fields(&values) {
                    Ok(t) => t,
                    Err((field, why)) => {
                        *focus = field;
                        self.error(why);
                        return vec![];
                    }
                };
                self.input = None;
                if target == self.session.target {
                    return vec![];
                }
                let mut fx = vec![Effect::Save];
                // A repository the person typed is theirs to vouch for, even outside the checkout.
                if target.repo != self.session.target.repo
                    && let Some(repo) = target.repo.as_deref().map(std::path::Path::new)
                    && (repo.is_absolute() || repo.components().any(|c| c == std::path::Component::ParentDir))
                {
                    let path = self.checkout.join(repo);
                    self.repo_grants.push(path.clone());
                    fx.insert(
                        0,
                        Effect::ConfirmRepo(consent::RepoGrant {
                            path: path.display().to_string(),
                            session: consent::session_key(&self.session_path),
                            by: self.who.clone(),
                            at: self.now(),
                        }),
                    );
                }
                self.session.target = target;
                self.aws = AwsView::NotConnected;
                self.log(None, "target changed".into());
                self.info("Target saved: probes use it from the next run.".into());
                return fx;
            }
            _ => {
                fields[*focus].input(ev);
            }
        }
        vec![]
    }

    /// Starts a sweep over the probes of `items` (items without a probe are skipped), first asking
    /// about each command it would run that nobody has allowed yet.
    fn run_probes(&mut self, items: Vec<usize>) -> Vec<Effect> {
        let items: Vec<usize> =
            items.into_iter().filter(|&i| self.checklist.items[i].is_automated()).collect();
        if items.is_empty() {
            self.info("No automated checks here.".into());
            return vec![];
        }
        let unasked = items
            .iter()
            .flat_map(|&i| &self.checklist.items[i].probes)
            .filter_map(|spec| command_of(spec, &self.session.target))
            .find(|c| !self.allowed_commands().contains(c) && !self.offered_commands.contains(c));
        if let Some(command) = unasked {
            self.offered_commands.push(command);
            self.pending_sweep = items;
            self.input = Some(Input::Confirm(ConfirmKind::RunCommand {
                command: self.offered_commands.len() - 1,
                scroll: 0,
            }));
            return vec![];
        }
        self.runs += 1;
        let run = self.runs;
        for &i in &items {
            self.running.insert(i, (run, false));
        }
        if items.iter().any(|&i| self.needs_aws(i)) {
            self.aws = AwsView::Connecting;
        }
        self.last_sweep = items.clone();
        vec![Effect::RunProbes { run, items }]
    }

    /// The commands this person allowed to run against the current target.
    pub fn allowed_commands(&self) -> Vec<String> {
        consent::allowed(&self.grants, self.session.target.repo.as_deref())
    }

    fn needs_aws(&self, item: usize) -> bool {
        registry::needs_aws(&self.checklist.items[item].probes)
    }

    fn on_probe(&mut self, item: usize, run: u64, event: Event) -> Vec<Effect> {
        // Results of a cancelled or superseded run are dropped.
        if self.running.get(&item).map(|r| r.0) != Some(run) {
            return vec![];
        }
        match event {
            Event::Started => {
                self.running.insert(item, (run, true));
                vec![]
            }
            Event::Done(result) => {
                self.running.remove(&item);
                let outcome = result.outcome;
                let now = self.now();
                crate::sweep::record(&self.checklist, &mut self.session, item, result, &self.who, now);
                if self.running.is_empty() {
                    let title = self.checklist.items[item].title.clone();
                    self.info(format!("Probes done; last: {} {title}", outcome.word()));
                }
                vec![Effect::Save]
            }
        }
    }

    /// A person sets a status. Overriding a probe's verdict asks why; n/a always does.
    fn person_sets(&mut self, status: Status) -> Vec<Effect> {
        let item = self.selected;
        if status == Status::NotApplicable {
            let reason = self.session.record(&self.item_id()).and_then(|r| r.reason.clone());
            self.prompt(PromptKind::NaReason { item }, reason.as_deref().unwrap_or(""));
            return vec![];
        }
        let probe_says = self
            .session
            .record(&self.item_id())
            .and_then(|r| r.probe.as_ref())
            .map(|p| Status::from_outcome(p.outcome));
        if probe_says.is_some_and(|p| p != status && p != Status::Todo) && status != Status::Todo {
            self.prompt(PromptKind::Override { item, status }, "");
            return vec![];
        }
        self.set_status(item, status, None)
    }

    fn help_key(&mut self, action: Option<Action>) -> Vec<Effect> {
        let Overlay::Help { scroll } = &mut self.overlay else { return vec![] };
        match action {
            // The help has fewer lines than twice the bindings; no need to scroll into the void.
            Some(Action::Down) => *scroll = scroll.saturating_add(1).min(keymap::BINDINGS.len() as u16 * 2),
            Some(Action::Up) => *scroll = scroll.saturating_sub(1),
            Some(Action::Close) => self.overlay = Overlay::None,
            Some(Action::ForceQuit) => return vec![Effect::Save, Effect::Quit],
            _ => {}
        }
        vec![]
    }

    fn signoff_key(&mut self, action: Option<Action>) -> Vec<Effect> {
        let Overlay::SignOff { row } = self.overlay else { return vec![] };
        let last = self.signoff_rows() - 1;
        match action {
            Some(Action::Down) => self.overlay = Overlay::SignOff { row: (row + 1).min(last) },
            Some(Action::Up) => self.overlay = Overlay::SignOff { row: row.saturating_sub(1) },
            Some(Action::EditReviewer) => {
                let current = self.signoff_get(row).reviewer;
                self.prompt(PromptKind::Reviewer { row }, &current);
                if let Some(Input::Prompt { area, .. }) = &mut self.input {
                    area.set_placeholder_text(format!("empty for {}", self.who));
                }
            }
            Some(Action::CycleSignOff) => {
                let now = self.now();
                let (area, slot) = self.signoff_slot(row);
                slot.status = slot.status.cycled();
                slot.date = Some(now.date_naive());
                let word = slot.status.word();
                self.log(None, format!("sign-off {area}: {word}"));
                return vec![Effect::Save];
            }
            Some(Action::Close) => self.overlay = Overlay::None,
            Some(Action::ForceQuit) => return vec![Effect::Save, Effect::Quit],
            _ => {}
        }
        vec![]
    }

    /// The sign-off of a row of the sign-off view: an area, or the final approval after them.
    pub fn signoff_get(&self, row: usize) -> SignOff {
        match self.checklist.signoff_areas.get(row) {
            Some(area) => self.session.signoff.get(area).cloned().unwrap_or_default(),
            None => self.session.final_approval.clone().unwrap_or_default(),
        }
    }

    fn signoff_slot(&mut self, row: usize) -> (String, &mut SignOff) {
        match self.checklist.signoff_areas.get(row) {
            Some(area) => (area.clone(), self.session.signoff.entry(area.clone()).or_default()),
            None => {
                ("Final Approval".into(), self.session.final_approval.get_or_insert_with(SignOff::default))
            }
        }
    }

    fn on_mouse(&mut self, ev: MouseEvent) -> Vec<Effect> {
        if self.input.is_some() || self.overlay != Overlay::None {
            return vec![];
        }
        let a = self.areas();
        let (x, y) = (ev.column, ev.row);
        match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if layout::contains(a.sections, x, y) {
                    self.focus = Pane::Sections;
                    let row = y.saturating_sub(a.sections.y + 1) as usize;
                    if y > a.sections.y && row < self.checklist.sections.len() {
                        self.goto_section(row);
                    }
                } else if layout::contains(a.items, x, y) {
                    self.focus = Pane::Items;
                    let row = self.items_offset + y.saturating_sub(a.items.y + 1) as usize;
                    if y > a.items.y
                        && let Some(Row::Item(i)) = self.rows().get(row)
                    {
                        self.select(*i);
                    }
                } else if layout::contains(a.detail, x, y) {
                    self.focus = Pane::Detail;
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if ev.kind == MouseEventKind::ScrollDown { 1 } else { -1 };
                if layout::contains(a.detail, x, y) {
                    self.detail_scroll = self.detail_scroll.saturating_add_signed(delta as i16 * 3);
                } else if layout::contains(a.sections, x, y) {
                    let s = self.section() as isize + delta;
                    if s >= 0 && (s as usize) < self.checklist.sections.len() {
                        self.goto_section(s as usize);
                    }
                } else if layout::contains(a.items, x, y) {
                    self.move_item(delta);
                }
            }
            _ => {}
        }
        vec![]
    }

    fn step(&mut self, delta: isize) {
        match self.focus {
            Pane::Sections => {
                let n = self.checklist.sections.len() as isize;
                let s = (self.section() as isize).saturating_add(delta).clamp(0, n - 1) as usize;
                self.goto_section(s);
            }
            Pane::Items => self.move_item(delta),
            Pane::Detail => {
                let n = self.session.record(&self.item_id()).map_or(0, |r| r.evidence.len());
                if n > 0 {
                    self.evidence_sel =
                        (self.evidence_sel as isize).saturating_add(delta).clamp(0, n as isize - 1) as usize;
                } else {
                    self.detail_scroll =
                        self.detail_scroll.saturating_add_signed(delta.clamp(-1000, 1000) as i16);
                }
            }
        }
    }

    fn move_item(&mut self, delta: isize) {
        let visible = self.visible_items();
        let pos = visible.iter().position(|&i| i == self.selected).unwrap_or(0) as isize;
        let new = pos.saturating_add(delta).clamp(0, visible.len() as isize - 1) as usize;
        self.select(visible[new]);
    }

    fn cycle_pane(&mut self, delta: i8) {
        const ORDER: [Pane; 3] = [Pane::Sections, Pane::Items, Pane::Detail];
        let i = ORDER.iter().position(|p| *p == self.focus).unwrap_or(1) as i8;
        self.focus = ORDER[(i + delta).rem_euclid(3) as usize];
    }

    fn goto_section(&mut self, s: usize) {
        let remembered = self.last_in_section[s];
        if self.critical_only {
            let first = self.visible_items().into_iter().find(|&i| self.checklist.items[i].section == s);
            match first {
                Some(i) if !self.checklist.items[remembered].critical => self.select(i),
                Some(_) => self.select(remembered),
                None => self.info(format!("Section {} has no critical items (c shows all).", s + 1)),
            }
        } else {
            self.select(remembered);
        }
    }

    /// Selects item `i`; everything that follows from the selection is kept in step here.
    pub fn select(&mut self, i: usize) {
        if i != self.selected {
            self.evidence_sel = 0;
            self.detail_scroll = 0;
        }
        self.selected = i;
        let item = &self.checklist.items[i];
        self.last_in_section[item.section] = i;
        self.session.ui.item = Some(item.id.clone());
        self.session.ui.critical_only = self.critical_only;
        self.scroll_items();
    }

    /// Keeps the selected row (and its heading, when there is room) inside the items pane.
    fn scroll_items(&mut self) {
        let height = layout::inner_height(self.areas().items).max(1);
        let rows = self.rows();
        let Some(idx) = rows.iter().position(|r| *r == Row::Item(self.selected)) else { return };
        let top = if idx > 0 && matches!(rows[idx - 1], Row::Heading { .. }) { idx - 1 } else { idx };
        if top < self.items_offset {
            self.items_offset = top;
        } else if idx >= self.items_offset + height {
            self.items_offset = idx + 1 - height;
        }
        self.items_offset = self.items_offset.min(rows.len().saturating_sub(height));
    }

    fn half_page(&self) -> u16 {
        (layout::inner_height(self.areas().detail) / 2).max(1) as u16
    }

    fn run_search(&mut self, query: &str, origin: usize) {
        let q = query.trim().to_lowercase();
        self.search.query = query.trim().to_string();
        self.search.matches = if q.is_empty() {
            vec![]
        } else {
            self.checklist
                .items
                .iter()
                .enumerate()
                .filter(|(_, it)| {
                    it.title.to_lowercase().contains(&q) || it.description.to_lowercase().contains(&q)
                })
                .map(|(i, _)| i)
                .collect()
        };
        // Live: jump to the first match at or after where the search started.
        let m = &self.search.matches;
        if let Some(&i) = m.iter().find(|&&i| i >= origin).or(m.first()) {
            self.show(i);
        } else {
            self.select(origin);
        }
    }

    fn next_match(&mut self, delta: isize) {
        let m = &self.search.matches;
        if m.is_empty() {
            self.info("No search: press / to search.".into());
            return;
        }
        let next = if delta > 0 {
            m.iter().find(|&&i| i > self.selected).or(m.first())
        } else {
            m.iter().rev().find(|&&i| i < self.selected).or(m.last())
        };
        let i = *next.expect("matches are not empty");
        let pos = m.iter().position(|&x| x == i).unwrap_or(0);
        let n = m.len();
        self.show(i);
        self.info(format!("Match {}/{n} for {:?}", pos + 1, self.search.query));
    }

    /// Selects an item even when the critical view hides it.
    fn show(&mut self, i: usize) {
        if self.critical_only && !self.checklist.items[i].critical {
            self.critical_only = false;
        }
        self.select(i);
    }

    fn set_status(&mut self, item: usize, status: Status, reason: Option<String>) -> Vec<Effect> {
        let now = self.now();
        let id = self.checklist.items[item].id.clone();
        let who = self.who.clone();
        let rec = self.session.record_mut(&id);
        let old = rec.status;
        if old == status && rec.reason == reason && !rec.status_by_probe {
            return vec![];
        }
        rec.status_by_probe = false;
        rec.status = status;
        rec.reason = reason.clone();
        rec.by = Some(who);
        rec.at = Some(now);
        let mut change = format!("status {} -> {}", old.word(), status.word());
        if let Some(r) = reason {
            change.push_str(&format!(" ({r})"));
        }
        self.log(Some(&id), change);
        vec![Effect::Save]
    }

    fn prompt(&mut self, kind: PromptKind, initial: &str) {
        let mut area = TextArea::new(vec![initial.to_string()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.input = Some(Input::Prompt { kind, area: Box::new(area) });
    }

    pub fn item_id(&self) -> String {
        self.checklist.items[self.selected].id.clone()
    }

    fn log(&mut self, item: Option<&str>, change: String) {
        let now = self.now();
        let who = self.who.clone();
        self.session.log(now, &who, item, change);
    }

    fn info(&mut self, text: String) {
        self.flash = Some(Flash { text, level: Level::Info });
    }

    fn error(&mut self, text: String) {
        self.flash = Some(Flash { text, level: Level::Error });
    }
}

fn kind_word(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Url => "url",
        EvidenceKind::File => "file",
        EvidenceKind::Text => "text",
    }
}
