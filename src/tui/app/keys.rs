//! What the keys of the checklist, the help and the sign-off view do, and a person setting a
//! status.

use super::*;

impl App {
    pub(super) fn main_action(&mut self, action: Action, ev: KeyEvent) -> Vec<Effect> {
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
                if !self.checklist.items[self.nav.selected].is_automated() {
                    self.info("This item has no automated check.".into());
                    return vec![];
                }
                return self.run_probes(vec![self.nav.selected]);
            }
            Action::RunSection => {
                let items = self.checklist.sections[self.section()].items.clone().collect();
                return self.run_probes(items);
            }
            Action::RunAll => return self.run_probes((0..self.checklist.items.len()).collect()),
            Action::CancelProbes => {
                let n = self.runs.cancel();
                if n == 0 {
                    return vec![];
                }
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
                self.input = Some(Input::Form { kind: FormKind::Target, fields, focus: 0 });
            }
            Action::Waive => {
                let today = self.now().date_naive();
                let values = match self.session.record(&self.item_id()).and_then(|r| r.waiver.as_ref()) {
                    Some(w) => vec![
                        w.reason.clone(),
                        w.approved_by.clone(),
                        w.expires.to_string(),
                        w.ticket.clone().unwrap_or_default(),
                    ],
                    None => vec![
                        String::new(),
                        String::new(),
                        (today + chrono::Days::new(14)).to_string(),
                        String::new(),
                    ],
                };
                let fields = values
                    .into_iter()
                    .map(|v| {
                        let mut a = TextArea::new(vec![v]);
                        a.move_cursor(ratatui_textarea::CursorMove::End);
                        a
                    })
                    .collect();
                self.input = Some(Input::Form {
                    kind: FormKind::Waiver { item: self.nav.selected },
                    fields,
                    focus: 0,
                });
            }
            Action::WhyNotGo => {
                if self.decision.blockers.is_empty() {
                    self.info(format!("{}: nothing keeps the gate from GO.", self.decision.headline()));
                } else {
                    self.overlay = Overlay::Gate { row: 0 };
                }
            }
            Action::EditNotes => {
                let notes = self.session.record(&self.item_id()).map(|r| r.notes.clone()).unwrap_or_default();
                let mut area = TextArea::new(notes.lines().map(str::to_string).collect());
                area.set_wrap_mode(WrapMode::WordOrGlyph);
                area.move_cursor(ratatui_textarea::CursorMove::Bottom);
                area.move_cursor(ratatui_textarea::CursorMove::End);
                self.input =
                    Some(Input::Notes { item: self.nav.selected, area: Box::new(area), original: notes });
            }
            Action::AddEvidence => self.prompt(PromptKind::Evidence { item: self.nav.selected }, ""),
            Action::DeleteEvidence => {
                let n = self.session.record(&self.item_id()).map_or(0, |r| r.evidence.len());
                if n == 0 {
                    self.info("This item has no evidence to delete.".into());
                } else {
                    let index = self.nav.evidence_sel.min(n - 1);
                    self.input =
                        Some(Input::Confirm(ConfirmKind::DeleteEvidence { item: self.nav.selected, index }));
                }
            }
            Action::ScrollDetailDown => {
                self.nav.detail_scroll = self.nav.detail_scroll.saturating_add(self.half_page())
            }
            Action::ScrollDetailUp => {
                self.nav.detail_scroll = self.nav.detail_scroll.saturating_sub(self.half_page())
            }
            Action::Search => {
                let origin =
                    PromptKind::Search { origin: self.nav.selected, origin_critical: self.nav.critical_only };
                let query = self.search.query.clone();
                self.prompt(origin, &query);
            }
            Action::NextMatch => self.next_match(1),
            Action::PrevMatch => self.next_match(-1),
            Action::ToggleCritical => {
                if !self.checklist.items.iter().any(|i| i.critical) {
                    self.info("This checklist marks no item as critical.".into());
                } else {
                    self.nav.critical_only = !self.nav.critical_only;
                    if self.nav.critical_only && !self.checklist.items[self.nav.selected].critical {
                        // The first critical item from the current section on.
                        let s = self.section();
                        let visible = self.visible_items();
                        let pick = visible.iter().find(|&&i| self.checklist.items[i].section >= s);
                        self.select(*pick.unwrap_or(&visible[0]));
                    } else {
                        self.select(self.nav.selected);
                    }
                }
            }
            Action::FilterStatus => self.cycle_filter(),
            Action::SignOff => self.overlay = Overlay::SignOff { row: 0 },
            Action::Export => {
                if self.session.leaks().is_empty() {
                    self.ask_report_path();
                } else {
                    self.input = Some(Input::Confirm(ConfirmKind::ExportWithLeaks));
                }
            }
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::ReviewMerge => self.review_merge(),
            Action::ToggleWatch => return self.toggle_watch(),
            Action::Quit | Action::ForceQuit => return vec![Effect::Save, Effect::Quit],
            _ => {}
        }
        vec![]
    }

    pub(super) fn help_key(&mut self, action: Option<Action>) -> Vec<Effect> {
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

    pub(super) fn signoff_key(&mut self, action: Option<Action>) -> Vec<Effect> {
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
            Some(Action::Approve) => {
                let current = self.signoff_get(row).reviewer;
                let name = if current.is_empty() { self.who.clone() } else { current };
                self.prompt(PromptKind::SignAs { row }, &name);
            }
            Some(Action::Reject) => self.prompt(PromptKind::Reject { row }, ""),
            Some(Action::Reopen) => {
                let checklist = self.checklist.clone();
                let by = By { who: &self.who, at: self.now() };
                if self.session.reopen(edit::signoff_slot(&checklist, row), by) {
                    return vec![Effect::Save];
                }
            }
            Some(Action::Close) => self.overlay = Overlay::None,
            Some(Action::ForceQuit) => return vec![Effect::Save, Effect::Quit],
            _ => {}
        }
        vec![]
    }

    pub(super) fn gate_key(&mut self, action: Option<Action>) -> Vec<Effect> {
        let Overlay::Gate { row } = self.overlay else { return vec![] };
        let last = self.decision.blockers.len().saturating_sub(1);
        match action {
            Some(Action::Down) => self.overlay = Overlay::Gate { row: (row + 1).min(last) },
            Some(Action::Up) => self.overlay = Overlay::Gate { row: row.saturating_sub(1) },
            Some(Action::Jump) => match self.decision.blockers.get(row).map(|b| b.subject) {
                Some(crate::gate::Subject::Item(i)) => {
                    self.overlay = Overlay::None;
                    if self.nav.critical_only && !self.checklist.items[i].critical {
                        self.nav.critical_only = false;
                    }
                    self.select(i);
                }
                Some(crate::gate::Subject::Area(n)) => self.overlay = Overlay::SignOff { row: n },
                Some(crate::gate::Subject::Final) => {
                    self.overlay = Overlay::SignOff { row: self.checklist.signoff_areas.len() }
                }
                _ => {}
            },
            Some(Action::Close) => self.overlay = Overlay::None,
            Some(Action::ForceQuit) => return vec![Effect::Save, Effect::Quit],
            _ => {}
        }
        vec![]
    }

    /// Where a row's sign-off stands against what it signed.
    pub fn signoff_state(&self, row: usize) -> crate::session::signoff::SignState {
        self.signed.get(row).cloned().unwrap_or(crate::session::signoff::SignState::Pending)
    }

    /// The sign-off of a row of the sign-off view: an area, or the final approval after them.
    pub fn signoff_get(&self, row: usize) -> SignOff {
        self.session.sign_off(edit::signoff_slot(&self.checklist, row))
    }

    /// A person sets a status. Overriding a probe's verdict asks why; n/a always does.
    pub(super) fn person_sets(&mut self, status: Status) -> Vec<Effect> {
        let item = self.nav.selected;
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

    pub(super) fn set_status(&mut self, item: usize, status: Status, reason: Option<String>) -> Vec<Effect> {
        let id = self.checklist.items[item].id.clone();
        let by = By { who: &self.who, at: self.now() };
        match self.session.set_status(&id, status, reason, by) {
            Some(_) => vec![Effect::Save],
            None => vec![],
        }
    }
}
