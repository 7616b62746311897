//! What the screen shows, on ratatui's TestBackend, compared with reviewed snapshots.

mod common;

use common::{app, press, render, screen_text, typed};
use golive::probe::{Outcome, ProbeResult};
use golive::session::{Evidence, EvidenceKind};
use golive::tui::app::{Effect, Msg};
use golive::tui::keymap::{BINDINGS, KeyScope};
use ratatui::crossterm::event::KeyCode;

fn busy_app() -> golive::tui::app::App {
    let mut a = app();
    typed(&mut a, "pjfjbj-");
    typed(&mut a, "no secrets here");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "ge");
    typed(&mut a, "Checked every route with curl.");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "Only /health is public.");
    press(&mut a, KeyCode::Esc);
    let evidence = Evidence {
        kind: EvidenceKind::Url,
        value: "https://ci.example/run/42".into(),
        size: None,
        sha256: None,
        by: "alice".into(),
        at: common::fixed_now(),
    };
    a.update(Msg::EvidenceReady { item: 0, evidence });
    common::reload(&mut a, |s| {
        s.record_mut("security.api-authentication").probe = Some(ProbeResult {
            outcome: Outcome::Warn,
            summary: "1 of 12 routes answers without credentials".into(),
            evidence: vec!["GET /metrics -> 200".into()],
            at: common::fixed_now(),
            duration_ms: 230,
        })
    });
    a
}

#[test]
fn main_screen_wide() {
    let mut a = busy_app();
    insta::assert_snapshot!(render(&mut a, 160, 40).backend());
}

#[test]
fn main_screen_80x24() {
    let mut a = busy_app();
    insta::assert_snapshot!(render(&mut a, 80, 24).backend());
}

#[test]
fn help_overlay() {
    let mut a = app();
    typed(&mut a, "?");
    insta::assert_snapshot!(render(&mut a, 100, 60).backend());
}

#[test]
fn notes_editor() {
    let mut a = busy_app();
    typed(&mut a, "e");
    typed(&mut a, " More.");
    insta::assert_snapshot!(render(&mut a, 100, 30).backend());
}

#[test]
fn sign_off_view() {
    let mut a = busy_app();
    typed(&mut a, "s");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "Carol");
    press(&mut a, KeyCode::Enter);
    // Security has a failed and a blocked item: approving it asks first.
    typed(&mut a, "a");
    press(&mut a, KeyCode::Enter);
    insta::assert_snapshot!("sign_off_asks_before_approving_open_items", render(&mut a, 100, 30).backend());
    typed(&mut a, "yja");
    press(&mut a, KeyCode::Enter);
    // A change in Security after it was signed: stale, with what changed and by whom.
    press(&mut a, KeyCode::Esc);
    typed(&mut a, "j");
    typed(&mut a, "p");
    typed(&mut a, "s");
    insta::assert_snapshot!(render(&mut a, 100, 30).backend());
}

#[test]
fn why_not_go_80x24_and_200x50() {
    let mut a = busy_app();
    typed(&mut a, "v");
    insta::assert_snapshot!("why_not_go_80x24", render(&mut a, 80, 24).backend());
    insta::assert_snapshot!("why_not_go_200x50", render(&mut a, 200, 50).backend());
}

#[test]
fn search_prompt_and_matches() {
    let mut a = busy_app();
    typed(&mut a, "/");
    typed(&mut a, "alert");
    insta::assert_snapshot!(render(&mut a, 120, 30).backend());
}

#[test]
fn critical_view() {
    let mut a = busy_app();
    typed(&mut a, "c");
    insta::assert_snapshot!(render(&mut a, 120, 30).backend());
}

#[test]
fn help_lists_exactly_the_key_table() {
    let lines: Vec<String> = golive::tui::ui::overlays::help_lines()
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    // After the legend of marks, one line a binding.
    let keys = lines.iter().position(|l| l == KeyScope::ALL[0].title()).unwrap();
    assert_eq!(lines[0], "Marks");
    assert!(lines[..keys].iter().any(|l| l.contains("⚙") && l.contains("needs a target setting")));
    let entries: Vec<&String> = lines[keys..].iter().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(entries.len(), BINDINGS.len());
    let in_help_order = KeyScope::ALL.into_iter().flat_map(golive::tui::keymap::in_scope);
    for (line, b) in entries.iter().zip(in_help_order) {
        assert_eq!(line.split_whitespace().next().unwrap(), b.label());
        assert!(line.ends_with(b.desc), "{line}");
    }
}

#[test]
fn footer_hints_come_from_the_key_table() {
    let mut a = app();
    let text = screen_text(&render(&mut a, 200, 30));
    let footer = text.lines().last().unwrap();
    for b in BINDINGS.iter().filter(|b| b.scope == KeyScope::Main) {
        match b.hint {
            Some(h) => assert!(footer.contains(&format!("{} {h}", b.hint_label())), "{footer}"),
            None => assert!(!footer.contains(b.desc)),
        }
    }
    // Narrow: help and quit still show.
    let text = screen_text(&render(&mut a, 80, 24));
    let footer = text.lines().last().unwrap();
    assert!(footer.contains("? help") && footer.contains("q quit"), "{footer}");
    // ...and at 80x24 the probe keys do too, before the rarer status keys.
    assert!(footer.contains("r probe") && footer.contains("A all probes"), "{footer}");
}

#[test]
fn a_terminal_too_small_says_so_and_what_size_it_needs() {
    let mut a = app();
    let text = screen_text(&render(&mut a, 40, 12));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Terminal too small: 40x12. golive needs 50x12"), "{text}");
    assert!(words.contains("q quits"), "{text}");
    // Keys still work: q quits.
    assert_eq!(typed(&mut a, "q"), vec![Effect::Save, Effect::Quit]);
}

#[test]
fn control_characters_in_user_text_never_reach_the_terminal() {
    let mut a = app();
    typed(&mut a, "e");
    a.update(Msg::Key(ratatui::crossterm::event::KeyEvent::from(KeyCode::Char('x'))));
    press(&mut a, KeyCode::Esc);
    common::reload(&mut a, |s| {
        s.record_mut("security.api-authentication").notes = "bad \x1b[31mred\x1b[0m \x07bell".into()
    });
    let text = screen_text(&render(&mut a, 160, 40));
    assert!(!text.contains('\x1b') && !text.contains('\x07'));
    assert!(text.contains("bad ␛[31mred␛[0m ␇bell"), "{text}");
}

#[test]
fn tiny_terminals_draw_every_view_without_panicking() {
    for setup in ["", "?", "s", "e", "/", "a", "-", "c", "\t"] {
        for (w, h) in [(1, 1), (10, 4), (30, 8), (79, 23)] {
            let mut a = busy_app();
            typed(&mut a, setup);
            let text = screen_text(&render(&mut a, w, h));
            assert_eq!(text.lines().count(), h as usize);
        }
    }
}

#[test]
fn probes_running_and_done() {
    use golive::probe::aws::Identity;
    use golive::probe::engine::Event;
    use golive::tui::app::AwsView;
    let mut a = app();
    typed(&mut a, "A");
    let id = |a: &golive::tui::app::App, s: &str| a.checklist().index_of(s).unwrap();
    let (slr, alerts, limits) = (
        id(&a, "security.service-linked-roles"),
        id(&a, "cost.budget-alerts"),
        id(&a, "cost.spending-limits"),
    );
    a.update(Msg::Aws(AwsView::Connected(Identity {
        account: "123456789012".into(),
        arn: "arn:aws:sts::123456789012:assumed-role/ops/lead".into(),
        region: "eu-west-1".into(),
    })));
    a.update(Msg::Probe { item: slr, run: 1, event: Event::Started });
    a.update(Msg::Probe { item: alerts, run: 1, event: Event::Started });
    a.update(Msg::Probe {
        item: alerts,
        run: 1,
        event: Event::Done(ProbeResult {
            outcome: Outcome::Pass,
            summary: "alert at or below 80% on monthly".into(),
            evidence: vec!["budget monthly: limit 5000 USD (COST, MONTHLY)".into()],
            at: common::fixed_now(),
            duration_ms: 87,
        }),
    });
    a.update(Msg::Probe { item: limits, run: 1, event: Event::Started });
    a.update(Msg::Tick);
    a.update(Msg::Tick);
    typed(&mut a, "6");
    common::clear_flash(&mut a);
    insta::assert_snapshot!(render(&mut a, 160, 30).backend());
}

/// An item whose check needs the `ec2` build says so in the detail pane before anyone runs it.
#[test]
fn the_detail_says_plainly_when_a_check_needs_the_ec2_build() {
    let mut s = golive::session::Session::new(&golive::checklist::Checklist::embedded(), common::fixed_now());
    s.ui.item = Some("security.encryption-at-rest".into());
    let mut a = common::app_with(s);
    let text = screen_text(&render(&mut a, 200, 60));
    assert!(text.contains("aws.s3.encryption: S3 GetBucketEncryption"), "{text}");
    assert!(text.contains("aws.ec2.ebs-encryption: EC2 GetEbsEncryptionByDefault"), "{text}");
    let says = text.contains("not checked: this golive was built without the `ec2` feature");
    assert_eq!(says, !cfg!(feature = "ec2"), "{text}");
}

/// A probe that judged 150 log groups shows a count and the failing one in the detail pane, not
/// 150 lines; the session keeps every line.
#[test]
fn the_detail_pane_summarises_a_long_listing() {
    use golive::probe::evidence::finding;
    let mut s = golive::session::Session::new(&golive::checklist::Checklist::embedded(), common::fixed_now());
    s.ui.item = Some("observability.log-retention".into());
    let evidence: Vec<String> = (0..150)
        .map(|i| match i {
            117 => finding(false, "log group", "svc-lg-117", "never expires"),
            _ => finding(true, "log group", &format!("svc-lg-{i:03}"), "retention 30 days"),
        })
        .collect();
    s.record_mut("observability.log-retention").probe = Some(ProbeResult {
        outcome: Outcome::Fail,
        summary: "1 of 150 log groups never expire: svc-lg-117".into(),
        evidence,
        at: common::fixed_now(),
        duration_ms: 410,
    });
    let mut a = common::app_with(s);
    let text = screen_text(&render(&mut a, 160, 40));
    assert!(text.contains("150 log groups, 1 failing: svc-lg-117"), "{text}");
    assert!(text.contains("✗ log group svc-lg-117: never expires"), "{text}");
    assert!(!text.contains("svc-lg-116"), "{text}");
    insta::assert_snapshot!(render(&mut a, 160, 40).backend());
}

/// An AgentCore item's detail pane names the runtime its probe judged, at 80x24 and at 200x50.
#[test]
fn an_agentcore_item_shows_the_runtime_it_judged() {
    use golive::probe::evidence::finding;
    let mut s = golive::session::Session::new(&golive::checklist::Checklist::embedded(), common::fixed_now());
    s.ui.item = Some("security.session-management".into());
    s.record_mut("security.session-management").probe = Some(ProbeResult {
        outcome: Outcome::Fail,
        summary: "agent_api: idle timeout not set, maximum lifetime not set".into(),
        evidence: vec![
            finding(false, "runtime", "agent_api", "idle timeout unset, maximum lifetime unset"),
            "scope: account 123456789012 in eu-west-1; names starting \"agent-\"".into(),
        ],
        at: common::fixed_now(),
        duration_ms: 38,
    });
    let mut a = common::app_with(s);
    for (w, h) in [(80, 24), (200, 50)] {
        let text = screen_text(&render(&mut a, w, h));
        assert!(text.contains("agent_api"), "{w}x{h}:\n{text}");
    }
    insta::assert_snapshot!("agentcore_detail_80x24", render(&mut a, 80, 24).backend());
    insta::assert_snapshot!("agentcore_detail_200x50", render(&mut a, 200, 50).backend());
}

/// A narrow items pane shortens titles with an ellipsis and keeps the marks after them.
#[test]
fn narrow_titles_end_in_an_ellipsis_and_keep_their_marks() {
    let mut a = app();
    let text = screen_text(&render(&mut a, 52, 16));
    let line = text.lines().find(|l| l.contains("[ ] API Auth")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("API Authentica… ○"), "{line}");
    // The header keeps every number: zero counts give way first.
    assert!(text.contains("Done 0/98 (0%) todo 98  │ critical 0/12"), "{text}");
}
