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
            Some(Input::Form { fields, focus, .. }) => one_line(&mut fields[*focus]),
            Some(Input::Confirm(_) | Input::Merged) | None => {
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
        // The other version merged in while typing is below this person's text now: settled.
        let before = self.team.pending.len();
        self.team.pending.retain(|c| !(c.place == id && c.field == "notes"));
        if self.session.notes_edited(&id, &original, by) {
            self.info(if self.team.pending.len() < before {
                "Notes saved, with the other version merged in while you typed below yours.".into()
            } else {
                "Notes saved.".into()
            });
            fx = vec![Effect::Save];
        }
        fx
    }

    /// Puts the editor's text into the session while editing continues, so a crash or a dropped
    /// SSH connection loses at most the last moment of typing.
    pub(super) fn save_draft(&mut self) -> Vec<Effect> {
        let Some(Input::Notes { item, area, .. }) = &self.input else { return vec![] };
        let text = area.lines().join("\n").trim_end().to_string();
        let id = self.checklist.items[*item].id.clone();
        // Someone else's notes for this item, merged in while this person types: kept below.
        let text = match self.team().pending.iter().find(|c| c.place == id && c.field == "notes") {
            Some(crate::session::merge::Conflict {
                theirs: crate::session::merge::Value::Notes(t), ..
            }) if !text.contains(t.as_str()) => crate::session::merge::both_notes(&text, t),
            _ => text,
        };
        if self.session.draft_notes(&id, text) { vec![Effect::Save] } else { vec![] }
    }

    pub(super) fn prompt_key(&mut self, action: Option<Action>, ev: KeyEvent) -> Vec<Effect> {
        let Some(Input::Prompt { kind, area }) = &mut self.input else { return vec![] };
        let kind = *kind;
        match action {
            Some(Action::Submit) => {
                let text = area.lines().join(" ").trim().to_string();
                // A reason the person has not typed yet keeps the prompt open: Enter is not "no".
                if text.is_empty()
                    && let Some(why) = kind.needs_text()
                {
                    self.error(format!("{why}: type it, or Esc to cancel."));
                    return vec![];
                }
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
                let ctrl_u = ev.code == ratatui::crossterm::event::KeyCode::Char('u')
                    && ev.modifiers.contains(ratatui::crossterm::event::KeyModifiers::CONTROL);
                if ctrl_u {
                    // As in a shell: the line is cleared (the text area's own Ctrl-U is undo).
                    area.select_all();
                    area.cut();
                } else {
                    area.input(ev);
                }
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
            PromptKind::ExportPath => {
                let path = if text.is_empty() { self.report_path() } else { std::path::PathBuf::from(text) };
                vec![Effect::Export { path }]
            }
            PromptKind::SignAs { row } => {
                let text = if text.is_empty() { self.who.clone() } else { text };
                let checklist = self.checklist.clone();
                let by = By { who: &self.who, at: self.now() };
                self.session.set_reviewer(signoff_slot(&checklist, row), &text, by);
                self.approve_step(row)
            }
            PromptKind::Exceptions { row } => {
                if text.is_empty() {
                    self.error(format!(
                        "Not approved: the gate says {}; approving anyway needs the exceptions in words.",
                        self.decision.verdict.word()
                    ));
                    return vec![Effect::Save];
                }
                self.sign(row, Some(text))
            }
            PromptKind::Reject { row } => {
                if text.is_empty() {
                    self.error("A rejection needs a reason: not rejected.".into());
                    return vec![];
                }
                let checklist = self.checklist.clone();
                let arn = self.signer_arn();
                let by = By { who: &self.who, at: self.now() };
                self.session.reject(signoff_slot(&checklist, row), text, arn, by);
                vec![Effect::Save]
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
                            repo: self.target().repo.clone(),
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
                    ConfirmKind::ExportWithLeaks => {
                        self.ask_report_path();
                        return vec![];
                    }
                    ConfirmKind::ApproveOpen { row } => return self.sign(row, None),
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
                if let ConfirmKind::RunCommand { command, .. } = kind {
                    // Refused, and remembered: the sweep goes on; that check reports it was not
                    // allowed; later sweeps do not ask again (`r` on the item does).
                    let no = Grant {
                        command: self.runs.offered_commands[command].clone(),
                        repo: self.target().repo.clone(),
                        session: consent::session_key(&self.session_path),
                        by: self.who.clone(),
                        at: self.now(),
                    };
                    self.trust.refused.push(no.clone());
                    let sweep = self.runs.take_pending();
                    let mut fx = vec![Effect::Refuse(no)];
                    fx.extend(self.run_probes(sweep));
                    return fx;
                }
                if let ConfirmKind::ChangedOnDisk = kind {
                    return vec![Effect::Reload];
                }
                if let ConfirmKind::ExportWithLeaks = kind {
                    self.info("Not exported: remove the credential from the note (e edits it).".into());
                }
                if let ConfirmKind::ApproveOpen { .. } = kind {
                    self.info("Not approved.".into());
                    return vec![Effect::Save];
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
        let Some(Input::Form { kind, fields, focus }) = &mut self.input else { return vec![] };
        let action = match action {
            Some(Action::NextOrSave) if *focus + 1 < fields.len() => Some(Action::NextField),
            Some(Action::NextOrSave) => Some(Action::Submit),
            other => other,
        };
        if let (FormKind::Waiver { item }, Some(Action::Submit)) = (*kind, action) {
            let values: Vec<String> = fields.iter().map(|a| a.lines().join("").trim().to_string()).collect();
            return self.submit_waiver(item, values);
        }
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

    /// Asks where the report goes, offering the working directory (not the data dir, where a
    /// session without a path lives).
    pub(super) fn ask_report_path(&mut self) {
        let default = self.report_path().display().to_string();
        self.prompt(PromptKind::ExportPath, &default);
    }

    pub(super) fn prompt(&mut self, kind: PromptKind, initial: &str) {
        let mut area = TextArea::new(vec![initial.to_string()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        // The last search comes back selected: typing replaces it, an arrow key keeps it.
        if matches!(kind, PromptKind::Search { .. }) && !initial.is_empty() {
            area.select_all();
        }
        self.input = Some(Input::Prompt { kind, area: Box::new(area) });
    }
}

impl App {
    /// After the name: an area with failed or blocked items asks first, listing them; the final
    /// approval while the gate says NO-GO asks for the exceptions; otherwise it is signed.
    fn approve_step(&mut self, row: usize) -> Vec<Effect> {
        let checklist = self.checklist.clone();
        match signoff_slot(&checklist, row) {
            SignSlot::Area(_) if !self.open_items(row).is_empty() => {
                self.input = Some(Input::Confirm(ConfirmKind::ApproveOpen { row }));
                vec![Effect::Save]
            }
            SignSlot::Final if self.decision.verdict == crate::gate::Verdict::NoGo => {
                self.prompt(PromptKind::Exceptions { row }, "");
                vec![Effect::Save]
            }
            _ => self.sign(row, None),
        }
    }

    /// The failed and blocked items of a sign-off row's area.
    pub fn open_items(&self, row: usize) -> Vec<usize> {
        if row >= self.checklist.signoff_areas.len() {
            return Vec::new();
        }
        self.checklist
            .area_items(row)
            .filter(|&i| {
                matches!(self.session.status(&self.checklist.items[i].id), Status::Fail | Status::Blocked)
            })
            .collect()
    }

    fn sign(&mut self, row: usize, exceptions: Option<String>) -> Vec<Effect> {
        let checklist = self.checklist.clone();
        let slot = signoff_slot(&checklist, row);
        let sign = crate::session::edit::Signing { arn: self.signer_arn(), reason: exceptions };
        let by = By { who: &self.who, at: self.now() };
        self.session.approve(&checklist, slot, sign, by);
        self.info(format!("{} approved.", slot.label()));
        vec![Effect::Save]
    }

    /// The AWS identity of the person signing, when this run connected.
    fn signer_arn(&self) -> Option<String> {
        match &self.runs.aws {
            AwsView::Connected(id) => Some(id.arn.clone()),
            _ => None,
        }
    }

    fn submit_waiver(&mut self, item: usize, values: Vec<String>) -> Vec<Effect> {
        let id = self.checklist.items[item].id.clone();
        let now = self.now();
        if values[0].is_empty() {
            self.input = None;
            let by = By { who: &self.who, at: now };
            if self.session.unwaive(&id, by) {
                self.info("Waiver withdrawn.".into());
                return vec![Effect::Save];
            }
            return vec![];
        }
        let today = now.date_naive();
        let expires = match values[2].strip_suffix('d').and_then(|n| n.trim().parse::<u64>().ok()) {
            Some(days) => Some(today + chrono::Days::new(days)),
            None => chrono::NaiveDate::parse_from_str(&values[2], "%Y-%m-%d").ok(),
        };
        let Some(expires) = expires else {
            self.set_focus(2);
            self.error(format!("Expiry {:?}: a date (YYYY-MM-DD) or a number of days (14d).", values[2]));
            return vec![];
        };
        let waiver = crate::session::Waiver {
            reason: values[0].clone(),
            asked_by: self.who.clone(),
            approved_by: values[1].clone(),
            expires,
            ticket: Some(values[3].clone()).filter(|t| !t.is_empty()),
            at: now,
        };
        let critical = self.checklist.items[item].critical;
        let by = By { who: &self.who, at: now };
        match self.session.waive(&id, critical, waiver, by) {
            Ok(_) => {
                self.input = None;
                self.info(format!("Waived until {expires}."));
                vec![Effect::Save]
            }
            Err(why) => {
                self.set_focus(if why.contains("reason") {
                    0
                } else if why.contains("expiry") {
                    2
                } else {
                    1
                });
                self.error(why);
                vec![]
            }
        }
    }

    fn set_focus(&mut self, n: usize) {
        if let Some(Input::Form { focus, .. }) = &mut self.input {
            *focus = n;
        }
    }
}

/// The sign-off a row of the sign-off view holds: an area, or the final approval after them.
pub(super) fn signoff_slot(checklist: &Checklist, row: usize) -> SignSlot<'_> {
    match checklist.signoff_areas.get(row) {
        Some(area) => SignSlot::Area(area),
        None => SignSlot::Final,
    }
}
