//! The operations a person waits on, at the embedded checklist's 98 items and at 10,000 items with
//! notes on every one: loading checklist and session, one autosave, the markdown export, and one
//! frame drawn on a TestBackend.

#[path = "support/synthetic.rs"]
mod synthetic;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use golive::checklist::{self, Checklist};
use golive::session::{self, Session};
use golive::tui::app::{App, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::path::PathBuf;

struct Case {
    name: &'static str,
    checklist_text: String,
    checklist: Checklist,
    session: Session,
    session_text: String,
}

fn cases() -> Vec<Case> {
    let embedded_text = include_str!("../assets/checklists/agentcore-production.toml").to_string();
    let big_text = synthetic::checklist_toml(10_000);
    [("98 items", embedded_text), ("10000 items", big_text)]
        .into_iter()
        .map(|(name, text)| {
            let checklist = checklist::parse("bench.toml", &text).unwrap();
            let session = synthetic::session(&checklist);
            let session_text = toml::to_string(&session).unwrap();
            Case { name, checklist_text: text, checklist, session, session_text }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("load checklist + session");
    for case in &cases {
        g.bench_function(BenchmarkId::from_parameter(case.name), |b| {
            b.iter(|| {
                let c = checklist::parse("c.toml", black_box(&case.checklist_text)).unwrap();
                session::parse("s.toml", black_box(&case.session_text), &c).unwrap()
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("autosave");
    for case in &cases {
        let path = dir.path().join(format!("{}.toml", case.checklist.items.len()));
        g.bench_function(BenchmarkId::from_parameter(case.name), |b| {
            b.iter(|| session::save(&path, black_box(&case.session)).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("gate decision");
    for case in &cases {
        g.bench_function(BenchmarkId::from_parameter(case.name), |b| {
            b.iter(|| {
                golive::gate::of_session(&case.checklist, black_box(&case.session), case.session.created)
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("markdown export");
    for case in &cases {
        let decision = golive::gate::of_session(&case.checklist, &case.session, case.session.created);
        let meta = golive::export::markdown::Meta {
            session_path: "s.toml",
            generated: case.session.created,
            full_evidence: false,
            decision: &decision,
            files: &[],
        };
        g.bench_function(BenchmarkId::from_parameter(case.name), |b| {
            b.iter(|| golive::export::markdown::render(&case.checklist, black_box(&case.session), &meta))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("render one frame 160x48");
    for case in &cases {
        let mut app = App::new(
            case.checklist.clone(),
            case.session.clone(),
            PathBuf::from("s.toml"),
            "bench".into(),
            chrono::Utc::now,
        );
        app.update(Msg::Resize(160, 48));
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
        g.bench_function(BenchmarkId::from_parameter(case.name), |b| {
            b.iter(|| terminal.draw(|f| golive::tui::ui::draw(&app, f)).unwrap().area)
        });
    }
    g.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
