//! A session shared through S3 (issue 21), against moto_server: conditional writes, the merge when
//! someone else saved first, participants in several processes at once, a participant offline
//! or killed mid-save, and the TUI's saver picking up others' changes.

mod common;

use common::moto;
use golive::checklist::Checklist;
use golive::session::edit::By;
use golive::session::shared::{Bucket, Location, Shared};
use golive::session::{self, Session, Status};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// A bucket no other test uses, and the URL of a session in it.
fn bucket() -> (String, String) {
    let name = format!("golive-shared-{}", moto::fresh_account());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s3 = aws_sdk_s3::Client::new(&moto::config(moto::user_creds()).await);
        s3.create_bucket().bucket(&name).send().await.expect("creating the bucket");
    });
    let url = format!("s3://{name}/launch/eu.toml");
    (name, url)
}

/// One participant in this process: its own working copy.
fn participant(url: &str, dir: &Path) -> Shared {
    let location = Location::parse(Path::new(url)).unwrap().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = rt.block_on(moto::config(moto::user_creds()));
    let bucket = Bucket::with_config(rt, location, &config);
    Shared::at(bucket, dir.join("eu.toml")).unwrap()
}

/// What S3 holds now.
fn object(url: &str, c: &Checklist) -> Session {
    let dir = tempfile::tempdir().unwrap();
    let remote = participant(url, dir.path()).bucket.get().unwrap().expect("the object");
    session::parse(url, &remote.text, c).unwrap()
}

/// Edits the working copy as a person would, saves it and publishes.
fn edit(
    p: &mut Shared,
    c: &Checklist,
    who: &str,
    f: impl FnOnce(&mut Session, By),
) -> session::shared::Published {
    let mut s = session::load(&p.working, c).unwrap().unwrap_or_else(|| Session::new(c, chrono::Utc::now()));
    f(&mut s, By { who, at: chrono::Utc::now() });
    session::save(&p.working, &s).unwrap();
    p.publish(c).unwrap()
}

fn manual_items(c: &Checklist) -> Vec<String> {
    c.items.iter().filter(|i| i.probes.is_empty()).map(|i| i.id.clone()).collect()
}

#[test]
fn every_save_refused_by_a_concurrent_write_is_merged_and_written() {
    let c = Checklist::embedded();
    let (_, url) = bucket();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut alice, mut bob) = (participant(&url, da.path()), participant(&url, db.path()));
    let items = manual_items(&c);
    // The first write goes in with If-None-Match: bob's is refused, and merged.
    let first = edit(&mut alice, &c, "alice", |s, by| {
        s.set_status(&items[0], Status::Pass, None, by);
    });
    assert_eq!((first.wrote, first.merges), (true, 0));
    // Each round bob saves first, so every save of alice's is refused once (a 412) and merged.
    for round in 1..=12 {
        let b = edit(&mut bob, &c, "bob", |s, by| {
            s.set_status(&items[2 * round], Status::Blocked, None, by);
        });
        assert!(b.wrote);
        let a = edit(&mut alice, &c, "alice", |s, by| {
            s.set_status(&items[2 * round + 1], Status::Fail, None, by);
        });
        assert_eq!(
            (a.wrote, a.merges),
            (true, 1),
            "round {round}: alice's write was refused once, then merged"
        );
        assert!(a.conflicts.is_empty());
    }
    let s = object(&url, &c);
    assert_eq!(s.status(&items[0]), Status::Pass);
    for round in 1..=12 {
        assert_eq!(s.status(&items[2 * round]), Status::Blocked, "bob's answer {round}");
        assert_eq!(s.status(&items[2 * round + 1]), Status::Fail, "alice's answer {round}");
    }
    // Every history line of both, in time order.
    assert_eq!(s.history.iter().filter(|h| h.by == "alice").count(), 13);
    assert_eq!(s.history.iter().filter(|h| h.by == "bob").count(), 12);
    assert!(s.history.windows(2).all(|w| w[0].at <= w[1].at));

    // The same field changed on both sides: the later answer wins, and it is reported.
    let item = &items[1];
    let early = chrono::Utc::now() - chrono::TimeDelta::minutes(5);
    edit(&mut bob, &c, "bob", |s, _| {
        s.set_status(item, Status::Fail, None, By { who: "bob", at: early });
        s.record_mut(item).notes = "bob: failing in eu-west-1".into();
    });
    let a = edit(&mut alice, &c, "alice", |s, by| {
        s.set_status(item, Status::Pass, None, by);
        s.record_mut(item).notes = "alice: fixed".into();
    });
    assert_eq!(a.merges, 1);
    let fields: Vec<_> = a.conflicts.iter().map(|c| (c.place.as_str(), c.field, c.kept)).collect();
    use golive::session::merge::Kept;
    assert_eq!(fields, [(item.as_str(), "status", Kept::Ours), (item.as_str(), "notes", Kept::Both)]);
    let s = object(&url, &c);
    let r = s.record(item).unwrap();
    assert_eq!(r.status, Status::Pass);
    assert!(r.notes.contains("alice: fixed") && r.notes.contains("bob: failing in eu-west-1"), "{}", r.notes);
}

fn golive(home: &Path, env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_golive"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", home).envs(env.iter().cloned());
    cmd
}

/// A tiny deterministic generator: the test is the same every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn two_processes_and_a_check_edit_one_session_and_nothing_acknowledged_is_lost() {
    let c = Checklist::embedded();
    let (_, url) = bucket();
    let env = moto::env(&moto::user_creds());
    // Twelve items both write to, so many edits land on the same item from both sides.
    let pool: Vec<String> = manual_items(&c).into_iter().take(12).collect();
    let statuses = ["pass", "fail", "blocked", "todo"];
    let mut rng = Lcg(21);
    let mut inputs: BTreeMap<&str, Vec<(String, String, String)>> = BTreeMap::new();
    for who in ["alice", "bob"] {
        let lines = (0..250)
            .map(|n| {
                let id = pool[rng.next(pool.len())].clone();
                (id, statuses[rng.next(statuses.len())].to_string(), format!("{who}-edit-{n}"))
            })
            .collect();
        inputs.insert(who, lines);
    }
    let homes: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut children = Vec::new();
    for (n, (who, lines)) in inputs.iter().enumerate() {
        let mut child = golive(homes[n].path(), &env)
            .args(["--session", &url, "--who", who, "answer", "--from", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let text: String = lines.iter().map(|(id, st, note)| format!("{id} {st} {note}\n")).collect();
        std::thread::spawn(move || stdin.write_all(text.as_bytes()).unwrap());
        children.push((*who, child));
    }
    // A third participant: a pipeline's check, its probe results published into the same object.
    let probed =
        c.items.iter().find(|i| i.probes.iter().any(|p| p.kind.starts_with("aws."))).unwrap().id.clone();
    let check = golive(homes[2].path(), &env)
        .args(["--session", &url, "--who", "ci", "check", "--only", &probed])
        .output()
        .unwrap();
    let code = check.status.code();
    assert!(matches!(code, Some(0..=2)), "check: {code:?} {}", String::from_utf8_lossy(&check.stderr));

    let mut acked: BTreeMap<&str, usize> = BTreeMap::new();
    for (who, child) in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{who}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!stdout.contains("not yet shared"), "{who}: {stdout}");
        acked.insert(who, stdout.lines().filter(|l| l.starts_with("saved ")).count());
    }
    assert_eq!(acked.values().sum::<usize>(), 500, "every edit acknowledged");

    let s = object(&url, &c);
    for (who, lines) in &inputs {
        let mut per_item: BTreeMap<&str, usize> = BTreeMap::new();
        for (id, status, note) in &lines[..acked[who]] {
            let notes = &s.record(id).map(|r| r.notes.clone()).unwrap_or_default();
            assert!(notes.lines().any(|l| l == note), "{who}'s {note} ({id} {status}) is not in the notes");
            *per_item.entry(id).or_default() += 1;
        }
        // Every acknowledged edit's history line, none lost and none doubled.
        for (id, n) in per_item {
            let lines = s
                .history
                .iter()
                .filter(|h| h.by == *who && h.item.as_deref() == Some(id) && h.change == "notes edited")
                .count();
            assert_eq!(lines, n, "{who}'s history lines for {id}");
        }
    }
    assert!(
        s.record(&probed).and_then(|r| r.probe.as_ref()).is_some(),
        "the check's result is in the object too: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(s.history.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn offline_or_killed_mid_save_nothing_acknowledged_is_lost() {
    let c = Checklist::embedded();
    let (_, url) = bucket();
    let env = moto::env(&moto::user_creds());
    let items = manual_items(&c);
    let home = tempfile::tempdir().unwrap();
    // Bob writes first.
    let bob_home = tempfile::tempdir().unwrap();
    let out = golive(bob_home.path(), &env)
        .args(["--session", &url, "--who", "bob", "answer", &items[0], "blocked", "--note", "bob-1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Alice is offline: S3 does not answer. Her answer is kept in her working copy and said so.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let offline = moto::with_endpoint(env.clone(), &closed);
    let out = golive(home.path(), &offline)
        .args(["--session", &url, "--who", "alice", "answer", &items[1], "pass", "--note", "alice-offline"])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("(not yet shared)"), "{stdout}");
    assert!(stderr.contains("shared by the next golive"), "{stderr}");
    assert_eq!(object(&url, &c).status(&items[1]), Status::Todo, "nothing reached S3");
    // Meanwhile bob changes another item.
    let out = golive(bob_home.path(), &env)
        .args(["--session", &url, "--who", "bob", "answer", &items[2], "fail", "--note", "bob-2"])
        .output()
        .unwrap();
    assert!(out.status.success());

    // Online again, alice answers a stream of items and is killed (-9) in the middle of it.
    let mut child = golive(home.path(), &env)
        .args(["--session", &url, "--who", "alice", "answer", "--from", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut acked = Vec::new();
    for n in 0..40 {
        let id = &items[3 + n % 20];
        writeln!(stdin, "{id} pass alice-stream-{n}").unwrap();
        stdin.flush().unwrap();
        if n == 39 {
            // Killed while this last one is being saved and shared.
            std::thread::sleep(std::time::Duration::from_millis(5));
            break;
        }
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with("saved "), "{line}");
        acked.push((id.clone(), format!("alice-stream-{n}")));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // The next golive alice runs shares what the killed one kept.
    let out = golive(home.path(), &env)
        .args(["--session", &url, "--who", "alice", "answer", &items[1], "pass"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = object(&url, &c);
    let notes = |id: &str| s.record(id).map(|r| r.notes.clone()).unwrap_or_default();
    assert_eq!(s.status(&items[1]), Status::Pass);
    assert!(notes(&items[1]).contains("alice-offline"), "the offline answer was shared");
    assert_eq!(
        (s.status(&items[0]), s.status(&items[2])),
        (Status::Blocked, Status::Fail),
        "bob's answers stand"
    );
    for (id, note) in acked {
        assert!(notes(&id).lines().any(|l| l == note), "{note} on {id} was acknowledged and is lost");
    }
}

/// Two people's TUIs, without terminals: each an `App` fed by its own saver, as `tui::run` does.
struct Desk {
    app: golive::tui::app::App,
    saver: Option<golive::tui::saver::Saver>,
    rx: std::sync::mpsc::Receiver<golive::tui::app::Msg>,
}

impl Desk {
    fn open(url: &str, dir: &Path, who: &str) -> Desk {
        use std::sync::Arc;
        let c = Arc::new(Checklist::embedded());
        let mut shared = participant(url, dir);
        shared.pull(&c).unwrap();
        let path = shared.working.clone();
        let session =
            session::load(&path, &c).unwrap().unwrap_or_else(|| Session::new(&c, chrono::Utc::now()));
        let disk = session::fingerprint(&path).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let saver = golive::tui::saver::Saver::start(
            path.clone(),
            c.clone(),
            disk,
            &session,
            Some((shared, who.to_string())),
            tx,
        );
        let mut app =
            golive::tui::app::App::new(c, session, path, who.into(), chrono::Utc::now).with_shared();
        app.update(golive::tui::app::Msg::Resize(120, 40));
        Desk { app, saver: Some(saver), rx }
    }

    /// Feeds `msg` to the app and performs its saves (the only effect these tests need).
    fn feed(&mut self, msg: golive::tui::app::Msg) {
        use golive::tui::app::{Effect, Msg};
        use golive::tui::saver::Request;
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            for fx in self.app.update(msg) {
                if fx == Effect::Save {
                    let s = Box::new(self.app.session().clone());
                    self.saver.as_ref().unwrap().send(Request::Save(s, self.app.team().seen));
                    queue.push(Msg::SaveSent);
                }
            }
        }
    }

    fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            let ev = ratatui::crossterm::event::KeyEvent::new(
                ratatui::crossterm::event::KeyCode::Char(c),
                ratatui::crossterm::event::KeyModifiers::NONE,
            );
            self.feed(golive::tui::app::Msg::Key(ev));
        }
    }

    /// Delivers what the saver said so far.
    fn pump(&mut self) {
        while let Ok(msg) = self.rx.try_recv() {
            self.feed(msg);
        }
    }

    fn selected_id(&self) -> String {
        self.app.checklist().items[self.app.nav().selected].id.clone()
    }
}

/// Pumps both desks until `done` holds, or fails after `secs`.
fn until(desks: &mut [&mut Desk], secs: u64, what: &str, done: impl Fn(&[&mut Desk]) -> bool) {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        for d in desks.iter_mut() {
            d.pump();
        }
        if done(desks) {
            return;
        }
        assert!(std::time::Instant::now() < end, "{what}: not within {secs} s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn two_tuis_see_each_others_changes_and_a_choice_between_them_sticks() {
    use golive::tui::app::Input;
    let c = Checklist::embedded();
    let (_, url) = bucket();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The object exists before either opens it.
    let mut first = participant(&url, tempfile::tempdir().unwrap().path());
    edit(&mut first, &c, "carol", |s, by| {
        s.set_status("security.pii-handling", Status::Pass, None, by);
    });
    let mut alice = Desk::open(&url, da.path(), "alice");
    let mut bob = Desk::open(&url, db.path(), "bob");
    // Bob answers an item; alice sees it land, her selection where it was.
    bob.keys("jjp");
    let bobs = bob.selected_id();
    alice.keys("jjjjj");
    let alices_selection = alice.selected_id();
    until(&mut [&mut alice, &mut bob], 10, "bob's answer in alice's TUI", |d| {
        d[0].app.session().status(&bobs) == Status::Pass
    });
    assert_eq!(alice.selected_id(), alices_selection);
    assert!(alice.app.flash().is_some_and(|f| f.text.starts_with("bob: ")), "{:?}", alice.app.flash());
    // Both present in each other's header.
    until(&mut [&mut alice, &mut bob], 15, "presence", |d| {
        d[0].app.team().present.iter().any(|(w, _)| w == "bob")
            && d[1].app.team().present.iter().any(|(w, _)| w == "alice")
    });

    // The same item answered on both sides at once: one of them is asked.
    alice.keys("gj");
    bob.keys("gj");
    let item = alice.selected_id();
    alice.keys("f");
    bob.keys("b");
    until(&mut [&mut alice, &mut bob], 15, "a merge review", |d| {
        d.iter().any(|d| matches!(d.app.input(), Some(Input::Merged)))
    });
    let (asked, other) = if matches!(alice.app.input(), Some(Input::Merged)) {
        (&mut alice, &mut bob)
    } else {
        (&mut bob, &mut alice)
    };
    let pending = asked.app.team().pending.clone();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!((pending[0].place.as_str(), pending[0].field), (item.as_str(), "status"));
    // The person asked takes the other side's answer, whatever the rule kept.
    let golive::session::merge::Value::Status(theirs) = pending[0].theirs.clone() else { panic!() };
    asked.keys("t");
    until(&mut [asked, other], 15, "the choice everywhere", |d| {
        d.iter().all(|d| d.app.session().status(&item) == theirs.0)
    });
    // And it stays: a few more polls change nothing.
    std::thread::sleep(std::time::Duration::from_secs(5));
    alice.pump();
    bob.pump();
    assert_eq!(alice.app.session().status(&item), theirs.0);
    assert_eq!(bob.app.session().status(&item), theirs.0);
    assert_eq!(object(&url, &c).status(&item), theirs.0);
    assert_eq!(object(&url, &c).status(&bobs), Status::Pass);
    for d in [&mut alice, &mut bob] {
        d.saver.take().unwrap().finish();
    }
}

/// A committed `.golive.toml` naming a shared session does not get golive to send the session
/// there: refused, saying how to consent, until the person gives the same URL themselves once.
#[test]
fn a_bucket_a_project_file_names_is_used_only_once_the_person_gave_it() {
    let (_, url) = bucket();
    let env = moto::env(&moto::user_creds());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".golive.toml"), format!("[defaults]\nsession = \"{url}\"\n")).unwrap();
    let home = dir.path().join("home");
    let run = |args: &[&str]| golive(&home, &env).current_dir(dir.path()).args(args).output().unwrap();
    let out = run(&["--who", "alice", "answer", "security.pii-handling", "pass"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains(&format!("run once with --session {url}")), "{err}");
    let c = Checklist::embedded();
    assert!(
        participant(&url, tempfile::tempdir().unwrap().path()).bucket.get().unwrap().is_none(),
        "nothing sent"
    );
    // Given by the person: used, and remembered on this machine.
    let out = run(&["--session", &url, "--who", "alice", "answer", "security.pii-handling", "pass"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["--who", "alice", "answer", "reliability.circuit-breakers", "fail"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = object(&url, &c);
    assert_eq!(
        (s.status("security.pii-handling"), s.status("reliability.circuit-breakers")),
        (Status::Pass, Status::Fail)
    );
}
