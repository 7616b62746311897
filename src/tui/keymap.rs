//! The one key table: dispatch, the footer hints and the `?` help overlay all read it.

use crate::session::Status;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    /// Jump to the section named by the digit pressed.
    JumpSection,
    CycleStatus,
    SetStatus(Status),
    EditNotes,
    AddEvidence,
    DeleteEvidence,
    ScrollDetailDown,
    ScrollDetailUp,
    Search,
    NextMatch,
    PrevMatch,
    ToggleCritical,
    FilterStatus,
    SignOff,
    Export,
    Help,
    Quit,
    ForceQuit,
    RunProbe,
    RunSection,
    RunAll,
    CancelProbes,
    EditTarget,
    NextField,
    /// Enter in a form: the next field, and on the last one, save (a half-filled form is never
    /// saved by a stray Enter).
    NextOrSave,
    PrevField,
    EditReviewer,
    Approve,
    Reject,
    Reopen,
    /// "Why not GO": the gate's reasons.
    WhyNotGo,
    Waive,
    /// Go to what the selected reason names.
    Jump,
    Close,
    FinishEdit,
    Submit,
    Cancel,
    Confirm,
    /// A merge's review: this person's value for every field listed.
    KeepMine,
    /// A merge's review: the other side's value for every field listed.
    KeepTheirs,
    /// Open the review of the fields a merge decided by rule.
    ReviewMerge,
    /// Watch on or off: every probe again each interval, each change told once.
    ToggleWatch,
}

/// Where a binding applies. `Global` bindings apply everywhere, even inside the editors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyScope {
    Global,
    Main,
    SignOff,
    Gate,
    Help,
    Notes,
    Prompt,
    Form,
    Confirm,
    /// What a merge with someone else's save decided by rule, for the person to settle.
    Merged,
    /// The session picker, shown before the checklist.
    Picker,
}

impl KeyScope {
    pub const ALL: [KeyScope; 11] = [
        KeyScope::Main,
        KeyScope::SignOff,
        KeyScope::Gate,
        KeyScope::Notes,
        KeyScope::Prompt,
        KeyScope::Form,
        KeyScope::Confirm,
        KeyScope::Merged,
        KeyScope::Help,
        KeyScope::Global,
        KeyScope::Picker,
    ];

    pub fn title(self) -> &'static str {
        match self {
            KeyScope::Global => "Everywhere",
            KeyScope::Main => "Checklist",
            KeyScope::SignOff => "Sign-off view",
            KeyScope::Gate => "Why not GO",
            KeyScope::Help => "Help",
            KeyScope::Notes => "Notes editor (all other keys type)",
            KeyScope::Prompt => "Input line (all other keys type)",
            KeyScope::Form => "Form: target or waiver (all other keys type)",
            KeyScope::Confirm => "Confirmation",
            KeyScope::Merged => "Merged with someone else's save",
            KeyScope::Picker => "Session picker",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
    /// The digits 1 to 9.
    Digits,
}

impl Key {
    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        match (self, ev.code) {
            (Key::Char(c), KeyCode::Char(k)) => !ctrl && !alt && c == k,
            (Key::Ctrl(c), KeyCode::Char(k)) => ctrl && c.eq_ignore_ascii_case(&k),
            (Key::Digits, KeyCode::Char(k)) => !ctrl && !alt && ('1'..='9').contains(&k),
            (Key::Code(c), code) => !ctrl && c == code,
            _ => false,
        }
    }

    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Digits => "1-9".into(),
            Key::Code(code) => match code {
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "S-Tab".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                other => format!("{other:?}"),
            },
        }
    }
}

pub struct Binding {
    pub scope: KeyScope,
    pub keys: &'static [Key],
    pub action: Action,
    pub desc: &'static str,
    /// The word shown in the footer; bindings without one appear only in the help.
    pub hint: Option<&'static str>,
}

impl Binding {
    pub fn label(&self) -> String {
        self.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/")
    }

    /// The keys as the footer shows them: a pair (`j/↓`), else the first (`Tab`); help has all.
    pub fn hint_label(&self) -> String {
        if self.keys.len() == 2 { self.label() } else { self.keys[0].label() }
    }
}

use Action as A;
use Key::{Char as C, Code, Ctrl};

const fn b(
    scope: KeyScope,
    keys: &'static [Key],
    action: Action,
    desc: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding { scope, keys, action, desc, hint }
}

pub const BINDINGS: &[Binding] = &[
    b(KeyScope::Global, &[Ctrl('c')], A::ForceQuit, "quit now (everything is saved)", None),
    b(KeyScope::Main, &[C('j'), Code(KeyCode::Down)], A::Down, "move down", Some("move")),
    b(KeyScope::Main, &[C('k'), Code(KeyCode::Up)], A::Up, "move up", None),
    b(KeyScope::Main, &[C('g'), Code(KeyCode::Home)], A::Top, "go to top", None),
    b(KeyScope::Main, &[C('G'), Code(KeyCode::End)], A::Bottom, "go to bottom", None),
    b(
        KeyScope::Main,
        &[Code(KeyCode::Tab), C('l'), Code(KeyCode::Right)],
        A::NextPane,
        "next pane",
        Some("pane"),
    ),
    b(
        KeyScope::Main,
        &[Code(KeyCode::BackTab), C('h'), Code(KeyCode::Left)],
        A::PrevPane,
        "previous pane",
        None,
    ),
    b(KeyScope::Main, &[Key::Digits], A::JumpSection, "jump to section", None),
    b(KeyScope::Main, &[C(' ')], A::CycleStatus, "cycle status: todo, pass, fail, blocked", Some("status")),
    b(KeyScope::Main, &[C('p')], A::SetStatus(Status::Pass), "set pass", Some("pass")),
    b(KeyScope::Main, &[C('f')], A::SetStatus(Status::Fail), "set fail", Some("fail")),
    b(KeyScope::Main, &[C('b')], A::SetStatus(Status::Blocked), "set blocked", Some("blocked")),
    b(
        KeyScope::Main,
        &[C('-')],
        A::SetStatus(Status::NotApplicable),
        "set n/a (asks for a reason)",
        Some("n/a"),
    ),
    b(KeyScope::Main, &[C('u')], A::SetStatus(Status::Todo), "set back to todo", None),
    b(KeyScope::Main, &[C('r')], A::RunProbe, "run the item's probe", Some("probe")),
    b(KeyScope::Main, &[C('R')], A::RunSection, "run the section's probes", None),
    b(KeyScope::Main, &[C('A')], A::RunAll, "run all probes", Some("all probes")),
    b(
        KeyScope::Main,
        &[C('W')],
        A::ToggleWatch,
        "watch: every probe again each interval, each change told once",
        None,
    ),
    b(KeyScope::Main, &[C('M')], A::ReviewMerge, "review what a merge decided by rule", None),
    b(KeyScope::Main, &[Code(KeyCode::Esc)], A::CancelProbes, "cancel running probes", None),
    b(KeyScope::Main, &[C('t')], A::EditTarget, "edit the target: AWS profile, region, account, scope", None),
    b(KeyScope::Main, &[C('e')], A::EditNotes, "edit notes", Some("notes")),
    b(KeyScope::Main, &[C('a')], A::AddEvidence, "add evidence: URL, file path or text", Some("evidence")),
    b(KeyScope::Main, &[C('d')], A::DeleteEvidence, "delete the selected evidence (asks first)", None),
    b(
        KeyScope::Main,
        &[Code(KeyCode::PageDown), Ctrl('d')],
        A::ScrollDetailDown,
        "scroll the detail pane down",
        None,
    ),
    b(
        KeyScope::Main,
        &[Code(KeyCode::PageUp), Ctrl('u')],
        A::ScrollDetailUp,
        "scroll the detail pane up",
        None,
    ),
    b(KeyScope::Main, &[C('/')], A::Search, "search titles and descriptions", Some("search")),
    b(KeyScope::Main, &[C('n')], A::NextMatch, "next match", None),
    b(KeyScope::Main, &[C('N')], A::PrevMatch, "previous match", None),
    b(
        KeyScope::Main,
        &[C('c')],
        A::ToggleCritical,
        "critical items only (Quick Reference)",
        Some("critical"),
    ),
    b(
        KeyScope::Main,
        &[C('F')],
        A::FilterStatus,
        "only fail, then blocked, then todo items; again: all",
        None,
    ),
    b(KeyScope::Main, &[C('w')], A::Waive, "waive the item until a date (reason, approver, ticket)", None),
    b(KeyScope::Main, &[C('v')], A::WhyNotGo, "why not GO: what keeps the gate from GO", Some("why")),
    b(KeyScope::Main, &[C('s')], A::SignOff, "sign-off view", Some("sign-off")),
    b(
        KeyScope::Main,
        &[C('x')],
        A::Export,
        "export the markdown report (asks where: the working directory by default)",
        Some("export"),
    ),
    b(KeyScope::Main, &[C('?')], A::Help, "show all keys", Some("help")),
    b(KeyScope::Main, &[C('q')], A::Quit, "save and quit", Some("quit")),
    b(KeyScope::SignOff, &[C('j'), Code(KeyCode::Down)], A::Down, "next area", Some("move")),
    b(KeyScope::SignOff, &[C('k'), Code(KeyCode::Up)], A::Up, "previous area", None),
    b(
        KeyScope::SignOff,
        &[Code(KeyCode::Enter), C('r')],
        A::EditReviewer,
        "set the reviewer",
        Some("reviewer"),
    ),
    b(
        KeyScope::SignOff,
        &[C('a')],
        A::Approve,
        "approve (asks for whom; lists what is open first)",
        Some("approve"),
    ),
    b(KeyScope::SignOff, &[C('x')], A::Reject, "reject (asks why)", Some("reject")),
    b(KeyScope::SignOff, &[C('u')], A::Reopen, "back to pending", None),
    b(
        KeyScope::SignOff,
        &[Code(KeyCode::Esc), C('s'), C('q')],
        A::Close,
        "back to the checklist",
        Some("back"),
    ),
    b(KeyScope::Gate, &[C('j'), Code(KeyCode::Down)], A::Down, "next reason", Some("move")),
    b(KeyScope::Gate, &[C('k'), Code(KeyCode::Up)], A::Up, "previous reason", None),
    b(KeyScope::Gate, &[Code(KeyCode::Enter)], A::Jump, "go to the item or sign-off it names", Some("go to")),
    b(KeyScope::Gate, &[Code(KeyCode::Esc), C('v'), C('q')], A::Close, "back to the checklist", Some("back")),
    b(KeyScope::Help, &[C('j'), Code(KeyCode::Down)], A::Down, "scroll down", Some("scroll")),
    b(KeyScope::Help, &[C('k'), Code(KeyCode::Up)], A::Up, "scroll up", None),
    b(KeyScope::Help, &[Code(KeyCode::Esc), C('?'), C('q')], A::Close, "close help", Some("close")),
    b(
        KeyScope::Notes,
        &[Code(KeyCode::Esc), Ctrl('s')],
        A::FinishEdit,
        "keep the notes and stop editing",
        Some("done"),
    ),
    b(KeyScope::Prompt, &[Code(KeyCode::Enter)], A::Submit, "accept", Some("accept")),
    b(KeyScope::Prompt, &[Code(KeyCode::Esc)], A::Cancel, "cancel", Some("cancel")),
    b(KeyScope::Form, &[Code(KeyCode::Tab), Code(KeyCode::Down)], A::NextField, "next field", Some("next")),
    b(KeyScope::Form, &[Code(KeyCode::BackTab), Code(KeyCode::Up)], A::PrevField, "previous field", None),
    b(KeyScope::Form, &[Code(KeyCode::Enter)], A::NextOrSave, "next field; on the last one, save", None),
    b(KeyScope::Form, &[Ctrl('s')], A::Submit, "save from any field", Some("save")),
    b(KeyScope::Form, &[Code(KeyCode::Esc)], A::Cancel, "cancel", Some("cancel")),
    b(KeyScope::Confirm, &[C('y')], A::Confirm, "yes", Some("yes")),
    b(KeyScope::Confirm, &[C('j'), Code(KeyCode::Down)], A::Down, "scroll a long question down", None),
    b(KeyScope::Confirm, &[C('k'), Code(KeyCode::Up)], A::Up, "scroll a long question up", None),
    b(KeyScope::Confirm, &[C('n'), Code(KeyCode::Esc)], A::Cancel, "no", Some("no")),
    b(
        KeyScope::Merged,
        &[Code(KeyCode::Enter), C('y')],
        A::Confirm,
        "keep what the merge kept",
        Some("keep"),
    ),
    b(KeyScope::Merged, &[C('m')], A::KeepMine, "yours for every field listed", Some("mine")),
    b(KeyScope::Merged, &[C('t')], A::KeepTheirs, "theirs for every field listed", Some("theirs")),
    b(KeyScope::Merged, &[Code(KeyCode::Esc)], A::Close, "decide later (M reopens it)", Some("later")),
    b(KeyScope::Picker, &[Code(KeyCode::Up), C('k')], A::Up, "previous session", Some("up")),
    b(KeyScope::Picker, &[Code(KeyCode::Down), C('j')], A::Down, "next session", Some("down")),
    b(KeyScope::Picker, &[Code(KeyCode::Enter)], A::Submit, "open the session", Some("open")),
    b(KeyScope::Picker, &[C('q'), Code(KeyCode::Esc)], A::Quit, "quit without opening one", Some("quit")),
];

/// The action bound to `ev` in `ctx`; global bindings win so Ctrl-C works in every mode.
pub fn lookup(ctx: KeyScope, ev: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.scope == KeyScope::Global)
        .chain(BINDINGS.iter().filter(|b| b.scope == ctx))
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

pub fn in_scope(ctx: KeyScope) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.scope == ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for ctx in KeyScope::ALL.into_iter().filter(|c| *c != KeyScope::Global) {
            let keys: Vec<Key> = in_scope(ctx)
                .chain(in_scope(KeyScope::Global))
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{k:?} bound twice in {ctx:?}");
            }
        }
    }

    #[test]
    fn shifted_letters_and_ctrl_keys_dispatch() {
        let ev = |c, m| KeyEvent::new(KeyCode::Char(c), m);
        assert_eq!(lookup(KeyScope::Main, &ev('G', KeyModifiers::SHIFT)), Some(Action::Bottom));
        assert_eq!(lookup(KeyScope::Main, &ev('c', KeyModifiers::CONTROL)), Some(Action::ForceQuit));
        assert_eq!(lookup(KeyScope::Main, &ev('c', KeyModifiers::NONE)), Some(Action::ToggleCritical));
        assert_eq!(lookup(KeyScope::Main, &ev('7', KeyModifiers::NONE)), Some(Action::JumpSection));
        assert_eq!(lookup(KeyScope::Notes, &ev('q', KeyModifiers::NONE)), None);
        assert_eq!(lookup(KeyScope::Notes, &ev('s', KeyModifiers::CONTROL)), Some(Action::FinishEdit));
    }
}
