//! The saved sessions in the data dir: `--session NAME` resolves there, `golive sessions` lists
//! them, and the TUI offers them when more than one exists and none is named.

use super::model::Session;
use super::progress::Tally;
use crate::checklist::Checklist;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Where named sessions live: `DATA_DIR/sessions`.
pub fn dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "golive")
        .ok_or_else(|| anyhow::anyhow!("cannot find a home directory for sessions; pass --session PATH"))?;
    Ok(dirs.data_dir().join("sessions"))
}

/// `--session` as given: a bare name (`launch-eu`) is a session in `dir`; anything with a path
/// separator or a `.toml` ending is a path.
pub fn resolve(arg: &Path, dir: &Path) -> PathBuf {
    let text = arg.to_string_lossy();
    let is_path = text.contains(std::path::MAIN_SEPARATOR)
        || text.contains('/')
        || arg.extension().is_some_and(|e| e == "toml")
        || text.starts_with('.');
    if is_path { arg.to_path_buf() } else { dir.join(format!("{text}.toml")) }
}

/// One saved session, as listed.
#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub path: PathBuf,
    /// What the file holds, or why it could not be read (listed, never skipped).
    pub summary: Result<Summary, String>,
}

#[derive(Debug)]
pub struct Summary {
    pub checklist: String,
    pub checklist_version: String,
    /// Items done, and of how many when the session answers `checklist`.
    pub done: usize,
    pub total: Option<usize>,
    pub last_change: Option<DateTime<Utc>>,
}

/// The sessions in `dir`, newest change first. A session that does not parse is listed with
/// the reason; backups and temp files are not sessions.
pub fn list(dir: &Path, checklist: &Checklist) -> anyhow::Result<Vec<Entry>> {
    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(anyhow::anyhow!("{}: {e}", dir.display())),
    };
    let mut entries = Vec::new();
    for entry in read {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(name) = name.strip_suffix(".toml").filter(|n| !n.starts_with('.')) else { continue };
        entries.push(Entry { name: name.to_string(), summary: summarise(&path, checklist), path });
    }
    entries.sort_by(|a, b| {
        let at = |e: &Entry| e.summary.as_ref().ok().and_then(|s| s.last_change);
        at(b).cmp(&at(a)).then_with(|| a.name.cmp(&b.name))
    });
    Ok(entries)
}

fn summarise(path: &Path, checklist: &Checklist) -> Result<Summary, String> {
    let text = crate::located::read_text(path).map_err(|e| format!("{e:#}"))?;
    // Any checklist's session is listed, so it is read without checking it against one.
    let session: Session = toml::from_str(&text).map_err(|e| {
        crate::located::Located::from_toml(&path.display().to_string(), &text, &e).to_string()
    })?;
    let (done, total) = if session.checklist == checklist.id {
        (Tally::of(&checklist.items, &session).done(), Some(checklist.items.len()))
    } else {
        (session.items.values().filter(|r| r.status.is_done()).count(), None)
    };
    let last_change = session.history.last().map(|c| c.at).or(Some(session.created));
    Ok(Summary {
        checklist: session.checklist,
        checklist_version: session.checklist_version,
        done,
        total,
        last_change,
    })
}

/// Where golive keeps the sessions opened by path (outside the data dir): the state dir.
fn opened_file() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "golive")?;
    Some(dirs.state_dir().unwrap_or(dirs.data_local_dir()).join("opened-sessions"))
}

/// How many sessions opened by path are remembered.
const OPENED: usize = 20;

/// Remembers a session opened by path (one outside `dir`), so `golive sessions` lists it too.
/// Best effort: a listing is not worth failing a launch over.
pub fn remember(path: &Path, dir: &Path) {
    let Some(file) = opened_file() else { return };
    let Ok(abs) = std::path::absolute(path) else { return };
    if abs.starts_with(dir) {
        return;
    }
    let mut paths = opened_paths(&file);
    paths.retain(|p| *p != abs);
    paths.insert(0, abs);
    paths.truncate(OPENED);
    let text: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    if let Some(parent) = file.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = crate::atomic::write_atomic(&file, text.as_bytes());
}

fn opened_paths(file: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// The sessions opened by path that are still there, newest first, named by their path.
pub fn opened(checklist: &Checklist) -> Vec<Entry> {
    let Some(file) = opened_file() else { return Vec::new() };
    opened_paths(&file)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|path| Entry { name: path.display().to_string(), summary: summarise(&path, checklist), path })
        .collect()
}

/// The listing `golive sessions` prints.
pub fn table(entries: &[Entry]) -> String {
    let mut out = String::new();
    if entries.is_empty() {
        return "No saved sessions.\n".into();
    }
    let width = entries.iter().map(|e| e.name.chars().count()).max().unwrap_or(0).max(4);
    out.push_str(&format!("{:width$}  {:32}  {:>14}  {}\n", "NAME", "CHECKLIST", "PROGRESS", "LAST CHANGE"));
    for e in entries {
        match &e.summary {
            Ok(s) => {
                let progress = match s.total {
                    Some(t) => format!("{}/{t} ({}%)", s.done, (s.done * 100).checked_div(t).unwrap_or(0)),
                    None => format!("{} done", s.done),
                };
                let when = s.last_change.map_or("-".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
                let checklist = format!("{} v{}", s.checklist, s.checklist_version);
                out.push_str(&format!("{:width$}  {checklist:32}  {progress:>14}  {when}\n", e.name));
            }
            Err(why) => out.push_str(&format!("{:width$}  unreadable: {why}\n", e.name)),
        }
    }
    out
}
