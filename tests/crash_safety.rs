//! kill -9 at random moments while golive saves: after every kill the session file parses and
//! holds every edit the screen acknowledged before the kill. The real binary in a pseudo-terminal;
//! GOLIVE_CRASH_KILLS sets how many kills (200 here, 2000 in scripts/crash-test), GOLIVE_CRASH_SEED
//! replays a run.

mod common;

use common::pty::Tui;
use golive::checklist::Checklist;
use golive::session;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const ITEM: &str = "security.api-authentication";
/// Each key changes the first item's status; the screen shows the row once the change is saved.
const KEYS: [(&str, &str, &str); 3] = [
    ("p", "pass", "[x] API Authentication"),
    ("f", "fail", "[✗] API Authentication"),
    ("b", "blocked", "[!] API Authentication"),
];

/// xorshift64: enough randomness for kill timing, replayable from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[derive(Default, Debug)]
struct Tally {
    kills: usize,
    corrupt: usize,
    lost: usize,
    acknowledged: usize,
    /// Kills that left a temp file behind: they landed inside a save.
    mid_save: usize,
}

/// The statuses the session's history says the item went through, oldest first.
fn statuses(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let s = session::parse("s.toml", &text, &Checklist::embedded()).map_err(|e| e.to_string())?;
    Ok(s.history
        .iter()
        .filter(|c| c.item.as_deref() == Some(ITEM))
        .filter_map(|c| c.change.rsplit(" -> ").next().map(String::from))
        .collect())
}

fn temp_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        .count()
}

fn worker(kills: usize, seed: u64) -> Tally {
    let mut rng = Rng(seed | 1);
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("s.toml");
    let sp = path.to_str().unwrap().to_string();
    // What the file must hold: the statuses set so far, in order (the unsaved tail of a kill is
    // dropped once the file shows it was not saved).
    let mut sent: Vec<String> = Vec::new();
    let mut acked = 0usize;
    let mut tally = Tally::default();
    let mut next = 0usize;
    for _ in 0..kills {
        let mut tui = Tui::spawn(&["--session", &sp, "--who", "crash"], home.path(), 100, 30);
        tui.wait_for("1 Security");
        let pid = tui.pid().to_string();
        // The kill comes from another thread at a random moment while keys are being answered.
        let delay = Duration::from_micros(rng.next(300_000));
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            Command::new("kill").args(["-9", &pid]).status().unwrap();
        });
        let start = Instant::now();
        'keys: loop {
            // Never the status the item has now: every key is a change.
            let (key, word, row) = KEYS[next % 3];
            next += 1;
            if sent.last().map(String::as_str) == Some(word) {
                continue;
            }
            sent.push(word.to_string());
            tui.send(key);
            loop {
                // Acknowledged: the row shows the change, no save is out and none failed.
                let screen = tui.screen();
                if screen.contains(row) && !screen.contains("saving…") {
                    assert!(!screen.contains("NOT SAVED"), "a save failed:\n{screen}");
                    acked = sent.len();
                    tally.acknowledged += 1;
                    break;
                }
                if tui.exited() || start.elapsed() > Duration::from_secs(20) {
                    break 'keys;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        killer.join().unwrap();
        tui.wait_exit();
        tally.kills += 1;
        tally.mid_save += usize::from(temp_files(home.path()) > 0);
        match statuses(&path) {
            // Killed before the first save: nothing was acknowledged, and what was sent is gone.
            Err(e) if e.contains("No such file") && acked == 0 => sent.clear(),
            Err(e) => {
                eprintln!("corrupt after kill {}: {e}", tally.kills);
                tally.corrupt += 1;
                break;
            }
            Ok(saved) => {
                // The file holds a prefix of what was sent that covers everything acknowledged.
                if saved.len() < acked || saved[..] != sent[..saved.len()] {
                    eprintln!(
                        "lost after kill {}: acknowledged {:?}, saved {saved:?}",
                        tally.kills,
                        &sent[..acked]
                    );
                    tally.lost += 1;
                    break;
                }
                sent.truncate(saved.len());
                acked = sent.len();
            }
        }
    }
    // The next start sweeps the temp files killed saves left.
    let mut tui = Tui::spawn(&["--session", &sp], home.path(), 100, 30);
    tui.wait_for("1 Security");
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert_eq!(temp_files(home.path()), 0, "temp files left after a clean start");
    tally
}

#[test]
fn kill_9_during_autosave_never_corrupts_or_loses_an_acknowledged_edit() {
    let kills: usize = std::env::var("GOLIVE_CRASH_KILLS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let seed: u64 =
        std::env::var("GOLIVE_CRASH_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
        });
    let workers = 2;
    let start = Instant::now();
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let n = kills / workers + usize::from(w < kills % workers);
            std::thread::spawn(move || worker(n, seed.wrapping_add(w as u64 * 0x9e37_79b9)))
        })
        .collect();
    let mut total = Tally::default();
    for h in handles {
        let t = h.join().unwrap();
        total.kills += t.kills;
        total.corrupt += t.corrupt;
        total.lost += t.lost;
        total.acknowledged += t.acknowledged;
        total.mid_save += t.mid_save;
    }
    eprintln!(
        "crash harness (seed {seed}): {} kills in {:.0} s, {} acknowledged edits, {} kills mid-save \
         (temp file left), {} corrupt files, {} lost acknowledged edits",
        total.kills,
        start.elapsed().as_secs_f64(),
        total.acknowledged,
        total.mid_save,
        total.corrupt,
        total.lost
    );
    assert_eq!((total.corrupt, total.lost), (0, 0), "seed {seed}");
    assert_eq!(total.kills, kills, "seed {seed}");
    assert!(total.acknowledged > 0, "the harness made edits");
}
