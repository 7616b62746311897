//! The TUI's state and its pure `update`: a message in, the state changed, effects out. Nothing
//! here touches the terminal, the clock (it is injected) or the disk; the loop in `tui::run`
//! performs the effects.

use super::keymap::{self, Action, KeyScope};
use super::layout::{self, Areas};
use crate::checklist::Checklist;
use crate::consent::{self, Grant};
use crate::probe::engine::Event;
use crate::probe::local::command::command_of;
use crate::probe::registry;
use crate::session::{Evidence, EvidenceKind, Fingerprint, Session, SignOff, Status};
use chrono::{DateTime, SubsecRound, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use ratatui_textarea::{TextArea, WrapMode};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

mod edit;
mod keys;
mod msg;
mod nav;
mod state;
mod sweep;

pub use msg::{AwsView, Effect, Msg, Resolution};
pub use state::{ConfirmKind, Flash, FlashLevel, Input, Overlay, Pane, PromptKind, Row, Search};

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
    pub disk: Option<Fingerprint>,
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

    /// The session file as golive read it (its fingerprint; `None`: no file yet).
    pub fn with_disk(self, disk: Option<Fingerprint>) -> App {
        App { disk, ..self }
    }

    /// What the person trusts on this machine for this session: commands allowed, repositories
    /// outside the checkout confirmed, and the checkout itself.
    pub fn with_trust(self, grants: Vec<Grant>, repo_grants: Vec<PathBuf>, checkout: PathBuf) -> App {
        App { grants, repo_grants, checkout, ..self }
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.focus == Pane::Detail, self.banner.len())
    }

    pub fn section(&self) -> usize {
        self.checklist.items[self.selected].section
    }

    /// The context whose key bindings apply now.
    pub fn key_scope(&self) -> KeyScope {
        match (&self.input, self.overlay) {
            (Some(Input::Notes { .. }), _) => KeyScope::Notes,
            (Some(Input::Prompt { .. }), _) => KeyScope::Prompt,
            (Some(Input::Confirm(_)), _) => KeyScope::Confirm,
            (Some(Input::Form { .. }), _) => KeyScope::Form,
            (None, Overlay::Help { .. }) => KeyScope::Help,
            (None, Overlay::SignOff { .. }) => KeyScope::SignOff,
            (None, Overlay::None) => KeyScope::Main,
        }
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
            Msg::SaveSent => {
                self.saving += 1;
                vec![]
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
        let ctx = self.key_scope();
        let action = keymap::lookup(ctx, &ev);
        match ctx {
            KeyScope::Notes => self.notes_key(action, ev),
            KeyScope::Prompt => self.prompt_key(action, ev),
            KeyScope::Form => self.form_key(action, ev),
            KeyScope::Confirm => self.confirm_key(action),
            KeyScope::Help => self.help_key(action),
            KeyScope::SignOff => self.signoff_key(action),
            KeyScope::Main | KeyScope::Global => match action {
                Some(a) => self.main_action(a, ev),
                None => vec![],
            },
        }
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
        self.flash = Some(Flash { text, level: FlashLevel::Info });
    }

    fn error(&mut self, text: String) {
        self.flash = Some(Flash { text, level: FlashLevel::Error });
    }
}

fn kind_word(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Url => "url",
        EvidenceKind::File => "file",
        EvidenceKind::Text => "text",
    }
}
