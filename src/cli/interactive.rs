//! `golive` (or `golive tui`): the interactive checklist on this terminal.

use crate::session;
use crate::tui::{self, app::App};
use chrono::Utc;
use std::io::IsTerminal;

/// The checklist on this terminal; `watch_every`: seconds between the sweeps of the watch (`W`).
pub fn run(on: super::open::OnSession, mouse: bool, watch_every: u64) -> anyhow::Result<u8> {
    let super::open::OnSession { path, open, who, opts, shared } = on;
    let super::open::Open { _lock, checklist, opened, trust, target_changed, layers } = open;
    let session::open::Opened { session, mut disk, notes } = opened;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!("the checklist needs a terminal; in scripts use `golive check` or `golive export`");
    }
    if target_changed {
        disk = Some(session::save(path, &session)?);
    }
    let checklist = std::sync::Arc::new(checklist);
    let mut app = App::new(checklist.clone(), session, path.to_path_buf(), who.to_string(), Utc::now)
        .with_disk(disk)
        .with_trust(trust.grants, trust.repos, trust.checkout)
        .with_refused(trust.refused)
        .with_layers(layers)
        .with_report_dir(std::env::current_dir()?)
        .with_watch_every(watch_every);
    if shared.is_some() {
        app = app.with_shared();
    }
    for note in notes {
        app.update(tui::app::Msg::Notice(note));
    }
    let files = session::evidence::recheck(app.session(), &app.trust().checkout);
    app.update(tui::app::Msg::FilesChecked(files));
    match tui::run(app, opts, mouse, shared.map(|s| (s, who.to_string())))? {
        tui::Ended::Quit => {
            // Where the work went, and where it stands, on the terminal the person returns to.
            if let Ok(Some(s)) = session::load(path, &checklist) {
                let t = crate::session::progress::Progress::of(&checklist, &s).total;
                let decision = crate::gate::of_session(&checklist, &s, Utc::now());
                crate::text::tell(&format!(
                    "saved {}: done {}/{} ({} fail, {} blocked, {} todo); {}",
                    path.display(),
                    t.done(),
                    t.total(),
                    t.fail,
                    t.blocked,
                    t.todo,
                    decision.headline()
                ));
            }
            Ok(0)
        }
        tui::Ended::Signal(sig) => {
            crate::text::tell(&format!("stopped by signal {sig}; the session is saved"));
            Ok(128 + sig as u8)
        }
        tui::Ended::TerminalLost(why) => {
            crate::text::tell(&format!("the terminal went away ({why}); the session is saved"));
            Ok(1)
        }
    }
}
