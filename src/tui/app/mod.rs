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
use crate::session::edit::{By, SignSlot};
use crate::session::{Evidence, EvidenceKind, Fingerprint, Session, SignOff, Status};
use chrono::{DateTime, SubsecRound, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use ratatui_textarea::{TextArea, WrapMode};
use std::path::PathBuf;
use std::sync::Arc;

mod edit;
mod keys;
mod msg;
mod nav;
mod navigate;
mod runs;
mod state;
mod sweep;
mod team;
mod watching;

pub use msg::{AwsView, Effect, Merge, Msg, Resolution};
pub use nav::Nav;
pub use runs::Runs;
pub use state::{
    ConfirmKind, Flash, FlashLevel, FormKind, Input, Overlay, Pane, PromptKind, Row, SaveState, Search,
    Trust, WAIVER_FIELDS,
};
pub use team::Team;
pub use watching::Watching;

/// The whole state of the TUI. Only `update` (and what it calls) changes it: the loop that
/// performs effects reports back through messages, and draw functions read it through the
/// accessors below.
pub struct App {
    /// Shared with the saver, which reads a reloaded file against it.
    checklist: Arc<Checklist>,
    session: Session,
    session_path: PathBuf,
    who: String,
    clock: fn() -> DateTime<Utc>,
    size: Rect,
    nav: Nav,
    search: Search,
    overlay: Overlay,
    input: Option<Input>,
    flash: Option<Flash>,
    /// Lines kept under the header for the whole run (see `Msg::Notice`).
    banner: Vec<String>,
    runs: Runs,
    save: SaveState,
    trust: Trust,
    /// The gate's decision on the session as it stands; recomputed when the session changes.
    decision: crate::gate::Decision,
    /// Evidence files as last read again (at start and at each export).
    files: Vec<crate::session::evidence::Recheck>,
    /// Each sign-off row's state, kept with the decision: a frame reads it, never hashes items.
    signed: Vec<crate::session::signoff::SignState>,
    /// The user and project files, variables and flags around the session's target.
    layers: crate::config::TargetLayers,
    /// Where `x` offers to write the report: the working directory golive started in.
    report_dir: Option<PathBuf>,
    team: Team,
    watching: Watching,
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
        // The critical view is kept only when it holds the remembered item.
        let critical_only = session.ui.critical_only && checklist.items[selected].critical;
        let nav = Nav::new(&checklist, selected, critical_only);
        let decision = crate::gate::of_session(&checklist, &session, clock().trunc_subsecs(0));
        let mut app = App {
            decision,
            files: Vec::new(),
            signed: Vec::new(),
            layers: Default::default(),
            report_dir: None,
            checklist,
            session,
            session_path,
            who,
            clock,
            size: Rect::new(0, 0, 80, 24),
            nav,
            search: Search::default(),
            overlay: Overlay::None,
            input: None,
            flash: None,
            banner: Vec::new(),
            runs: Runs::new(),
            save: SaveState::default(),
            trust: Trust { checkout, ..Trust::default() },
            team: Team::default(),
            watching: Watching::default(),
        };
        app.select(selected);
        app.judge();
        app
    }

    /// The gate's decision and the sign-offs' states, from the session as it stands.
    fn judge(&mut self) {
        self.refilter();
        self.decision = crate::gate::of_session(&self.checklist, &self.session, self.now());
        self.signed = (0..self.signoff_rows())
            .map(|row| {
                let slot = edit::signoff_slot(&self.checklist, row);
                crate::session::signoff::state(&self.checklist, &self.session, slot)
            })
            .collect();
    }

    /// What surrounds the session's target in this run (files, variables, flags).
    pub fn with_layers(mut self, layers: crate::config::TargetLayers) -> App {
        self.layers = layers;
        self
    }

    /// The directory `x` offers for the report (without one: beside the session).
    pub fn with_report_dir(mut self, dir: PathBuf) -> App {
        self.report_dir = Some(dir);
        self
    }

    /// The report's default path: `<session name>-report.md` in the report directory.
    pub fn report_path(&self) -> PathBuf {
        let beside = crate::export::report_path(&self.session_path);
        match (&self.report_dir, beside.file_name()) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => beside,
        }
    }

    /// Where probes look: the session's target between the files and this run's flags.
    pub fn target(&self) -> crate::probe::target::Target {
        self.layers.over(Some(&self.session.target))
    }

    /// The session file as golive read it (its fingerprint; `None`: no file yet).
    pub fn with_disk(mut self, disk: Option<Fingerprint>) -> App {
        self.save.disk = disk;
        self
    }

    /// What the person trusts on this machine for this session: commands allowed, repositories
    /// outside the checkout confirmed, and the checkout itself.
    pub fn with_trust(self, grants: Vec<Grant>, repo_grants: Vec<PathBuf>, checkout: PathBuf) -> App {
        App { trust: Trust { grants, repo_grants, checkout, refused: self.trust.refused.clone() }, ..self }
    }

    /// The commands this person said no to before, on this machine.
    pub fn with_refused(mut self, refused: Vec<Grant>) -> App {
        self.trust.refused = refused;
        self
    }

    pub fn checklist(&self) -> &Arc<Checklist> {
        &self.checklist
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn session_path(&self) -> &std::path::Path {
        &self.session_path
    }

    pub fn who(&self) -> &str {
        &self.who
    }

    pub fn nav(&self) -> &Nav {
        &self.nav
    }

    pub fn search(&self) -> &Search {
        &self.search
    }

    pub fn overlay(&self) -> Overlay {
        self.overlay
    }

    pub fn input(&self) -> Option<&Input> {
        self.input.as_ref()
    }

    pub fn flash(&self) -> Option<&Flash> {
        self.flash.as_ref()
    }

    pub fn banner(&self) -> &[String] {
        &self.banner
    }

    pub fn runs(&self) -> &Runs {
        &self.runs
    }

    pub fn save(&self) -> &SaveState {
        &self.save
    }

    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    pub fn decision(&self) -> &crate::gate::Decision {
        &self.decision
    }

    pub fn files(&self) -> &[crate::session::evidence::Recheck] {
        &self.files
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.nav.focus == Pane::Detail, self.banner.len())
    }

    pub fn section(&self) -> usize {
        self.nav.section(&self.checklist)
    }

    /// The context whose key bindings apply now.
    pub fn key_scope(&self) -> KeyScope {
        match (&self.input, self.overlay) {
            (Some(Input::Notes { .. }), _) => KeyScope::Notes,
            (Some(Input::Prompt { .. }), _) => KeyScope::Prompt,
            (Some(Input::Confirm(_)), _) => KeyScope::Confirm,
            (Some(Input::Merged), _) => KeyScope::Merged,
            (Some(Input::Form { .. }), _) => KeyScope::Form,
            (None, Overlay::Help { .. }) => KeyScope::Help,
            (None, Overlay::SignOff { .. }) => KeyScope::SignOff,
            (None, Overlay::Gate { .. }) => KeyScope::Gate,
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
        let settled = matches!(msg, Msg::Resolved(_) | Msg::Probe { .. } | Msg::Idle | Msg::Merged(_));
        let fx = self.handle(msg);
        // The decision follows the session: after any change, and now and then for the clock
        // (waivers expire, probe results age).
        if settled || fx.iter().any(|e| matches!(e, Effect::Save)) {
            self.judge();
        }
        fx
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
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
                let value = evidence.value.trim();
                // A typed path that names no file is a typo, not text: asked again, nothing lost.
                let path_like = !value.contains(char::is_whitespace)
                    && (value.starts_with(['/', '~']) || value.starts_with("./") || value.starts_with("../"));
                if evidence.kind == crate::session::EvidenceKind::Text && path_like {
                    self.error(format!("No file at {value}: correct the path, or Esc."));
                    self.prompt(PromptKind::Evidence { item }, value);
                    return vec![];
                }
                let same =
                    |e: &crate::session::Evidence| e.kind == evidence.kind && e.value == evidence.value;
                if self.session.record(&id).is_some_and(|r| r.evidence.iter().any(same)) {
                    self.info(format!("Already attached: {}", evidence.value));
                    return vec![];
                }
                self.info(format!("Evidence added: {}", evidence.value));
                let by = By { who: &self.who, at: self.now() };
                self.nav.evidence_sel = self.session.add_evidence(&id, evidence, by);
                vec![Effect::Save]
            }
            Msg::Merged(m) => self.on_merged(*m),
            Msg::Shared(r) => {
                if let (Err(e), Some(Ok(()))) = (&r, &self.team.shared) {
                    self.error(format!("Not shared: {e}. Kept on this machine; shared when S3 answers."));
                }
                self.team.shared = Some(r);
                vec![]
            }
            Msg::Present(p) => {
                self.on_present(p);
                vec![]
            }
            Msg::SaveSent => {
                self.save.sent();
                vec![]
            }
            Msg::Saved(Ok(disk)) => {
                self.save.saved(disk);
                vec![]
            }
            Msg::ChangedOnDisk => {
                self.save.conflicted();
                if !matches!(self.input, Some(Input::Confirm(ConfirmKind::ChangedOnDisk))) {
                    self.save_draft();
                    self.input = Some(Input::Confirm(ConfirmKind::ChangedOnDisk));
                }
                vec![]
            }
            Msg::Resolved(Ok(Resolution::KeptMine { backup, disk })) => {
                self.save.settled(Some(disk));
                self.info(format!("Saved yours; the version on disk is kept as {}.", backup.display()));
                vec![]
            }
            Msg::Resolved(Ok(Resolution::TookTheirs { backup, session, disk })) => {
                self.save.settled(disk);
                self.session = *session;
                self.select(self.nav.selected.min(self.checklist.items.len() - 1));
                self.info(format!("Loaded the version on disk; yours is kept as {}.", backup.display()));
                vec![]
            }
            Msg::Resolved(Err(e)) => {
                self.save.answered();
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
                self.save.failed(e);
                vec![]
            }
            Msg::FilesChecked(files) => {
                let changed = files
                    .iter()
                    .filter(|f| {
                        f.check.flag().is_some_and(|_| {
                            !matches!(f.check, crate::session::evidence::FileCheck::NotChecked(_))
                        })
                    })
                    .count();
                if changed > 0 {
                    self.error(format!(
                        "{changed} evidence file{} changed or gone since attached: see the item's evidence.",
                        if changed == 1 { "" } else { "s" }
                    ));
                }
                self.files = files;
                vec![]
            }
            Msg::Exported(Ok(path)) => {
                self.info(format!("Report written to {}", path.display()));
                vec![]
            }
            Msg::Idle => {
                let mut fx = self.save_draft();
                fx.extend(self.watch_tick());
                fx
            }
            Msg::Notice(text) => {
                self.banner.push(text);
                vec![]
            }
            Msg::Tick => {
                self.runs.tick();
                vec![]
            }
            Msg::Aws(view) => {
                if let AwsView::Unconfirmed(id) = &view {
                    let account = self.runs.offer_account(id.account.clone());
                    if self.input.is_none() {
                        self.input = Some(Input::Confirm(ConfirmKind::TrustAccount { account }));
                    }
                }
                self.runs.aws = view;
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
            KeyScope::Merged => self.merged_key(action),
            KeyScope::Help => self.help_key(action),
            KeyScope::SignOff => self.signoff_key(action),
            KeyScope::Gate => self.gate_key(action),
            KeyScope::Main | KeyScope::Global | KeyScope::Picker => match action {
                Some(a) => self.main_action(a, ev),
                None => vec![],
            },
        }
    }

    pub fn item_id(&self) -> String {
        self.checklist.items[self.nav.selected].id.clone()
    }

    fn info(&mut self, text: String) {
        self.flash = Some(Flash { text, level: FlashLevel::Info });
    }

    fn error(&mut self, text: String) {
        self.flash = Some(Flash { text, level: FlashLevel::Error });
    }
}
