//! The editors that have the keyboard: notes, one-line prompts, the target form, confirmations,
//! and where a paste goes.

use super::*;

impl App {
    /// A paste goes whole into the field that has focus and nowhere else: never to the keys, so
    /// no status changes and nothing runs, whatever letters or line ends it holds.
    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
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

    pub(super) fn notes_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
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
    pub(super) fn finish_notes(&mut self) -> Vec<Effect> {
        let mut fx = self.save_draft();
        let Some(Input::Notes { item, original, .. }) = self.input.take() else { return fx };
        let id = self.checklist.items[item].id.clone();
        let by = By { who: &self.who, at: self.now() };
        if self.session.notes_edited(&id, &original, by) {
            self.info("Notes saved.".into());
            fx = vec![Effect::Save];
        }
        fx
    }

    /// Puts the editor's text into the session while editing continues, so a crash or a dropped
    /// SSH connection loses at most the last moment of typing.
    pub(super) fn save_draft(&mut self) -> Vec<Effect> {
        let Some(Input::Notes { item, area, .. }) = &self.input else { return vec![] };
        let text = area.lines().join("\n").trim_end().to_string();
        let id = &self.checklist.items[*item].id;
        if self.session.draft_notes(id, text) { vec![Effect::Save] } else { vec![] }
    }

    pub(super) fn prompt_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
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
                    self.nav.critical_only = origin_critical;
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

    pub(super) fn submit_prompt(&mut self, kind: PromptKind, text: String) -> Vec<Effect> {
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
                let checklist = self.checklist.clone();
                let by = By { who: &self.who, at: self.now() };
                if self.session.set_reviewer(signoff_slot(&checklist, row), &text, by) {
                    vec![Effect::Save]
                } else {
                    vec![]
                }
            }
        }
    }

    pub(super) fn confirm_key(&mut self, action: Option<Action>) -> Vec<Effect> {
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
                        let command = self.runs.offered_commands[command].clone();
                        let grant = Grant {
                            command: command.clone(),
                            repo: self.session.target.repo.clone(),
                            session: consent::session_key(&self.session_path),
                            by: self.who.clone(),
                            at: self.now(),
                        };
                        self.trust.grants.push(grant.clone());
                        let by = By { who: &self.who, at: self.now() };
                        self.session.command_allowed(&command, by);
                        let mut fx = vec![Effect::Consent(grant), Effect::Save];
                        let sweep = self.runs.take_pending();
                        fx.extend(self.run_probes(sweep));
                        return fx;
                    }
                    ConfirmKind::ExportWithLeaks => return vec![Effect::Export],
                    ConfirmKind::ChangedOnDisk => return vec![Effect::Overwrite],
                    ConfirmKind::TrustAccount { account } => {
                        let account = self.runs.offered_accounts[account].clone();
                        let by = By { who: &self.who, at: self.now() };
                        self.session.trust_account(&account, by);
                        self.info(format!("Probing account {account}: t changes it."));
                        let mut fx = vec![Effect::Save];
                        fx.extend(self.run_probes(self.runs.last()));
                        return fx;
                    }
                };
                let id = self.checklist.items[item].id.clone();
                let by = By { who: &self.who, at: self.now() };
                let Some(gone) = self.session.remove_evidence(&id, index, by) else { return vec![] };
                self.nav.evidence_sel = index.saturating_sub(1);
                self.info(format!("Evidence deleted: {}", gone.value));
                vec![Effect::Save]
            }
            Some(Action::Cancel) => {
                self.input = None;
                if let ConfirmKind::RunCommand { .. } = kind {
                    // Refused: the sweep goes on; that check reports it was not allowed.
                    let sweep = self.runs.take_pending();
                    return self.run_probes(sweep);
                }
                if let ConfirmKind::ChangedOnDisk = kind {
                    return vec![Effect::Reload];
                }
                if let ConfirmKind::ExportWithLeaks = kind {
                    self.info("Not exported: remove the credential from the note (e edits it).".into());
                }
                if let ConfirmKind::TrustAccount { account } = kind {
                    let account = &self.runs.offered_accounts[account];
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

    pub(super) fn form_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
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
                    let path = self.trust.checkout.join(repo);
                    self.trust.repo_grants.push(path.clone());
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
                let by = By { who: &self.who, at: self.now() };
                self.session.set_target(target, by);
                self.runs.aws = AwsView::NotConnected;
                self.info("Target saved: probes use it from the next run.".into());
                return fx;
            }
            _ => {
                fields[*focus].input(ev);
            }
        }
        vec![]
    }

    pub(super) fn prompt(&mut self, kind: PromptKind, initial: &str) {
        let mut area = TextArea::new(vec![initial.to_string()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.input = Some(Input::Prompt { kind, area: Box::new(area) });
    }
}

/// The sign-off a row of the sign-off view holds: an area, or the final approval after them.
pub(super) fn signoff_slot(checklist: &Checklist, row: usize) -> SignSlot<'_> {
    match checklist.signoff_areas.get(row) {
        Some(area) => SignSlot::Area(area),
        None => SignSlot::Final,
    }
}
