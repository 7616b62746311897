//! The real binary in a pseudo-terminal, its screen read through a VT100 parser.

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Option<Box<dyn Write + Send>>,
    parser: Arc<Mutex<vt100::Parser>>,
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    /// Tells the reader to let go of its copy of the master, so the terminal can be closed.
    closing: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl Tui {
    pub fn spawn(args: &[&str], home: &Path, cols: u16, rows: u16) -> Tui {
        Tui::spawn_env(args, home, cols, rows, &[])
    }

    pub fn spawn_env(args: &[&str], home: &Path, cols: u16, rows: u16, env: &[(String, String)]) -> Tui {
        let pty =
            native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_golive"));
        cmd.args(args);
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(home);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        // The reader's own copy of the master, read only when poll says there is something, so
        // it can be let go of on `hang_up` (a read blocked on it would hold the terminal open).
        let fd = pty.master.as_raw_fd().expect("a unix pty");
        // SAFETY: dup(2) of a descriptor the master owns; the copy is owned by `mine` alone.
        let mine = unsafe { OwnedFd::from_raw_fd(libc::dup(fd)) };
        let mut reader = std::fs::File::from(mine);
        // Our own copy to write with: portable-pty's writer sends a newline and EOF when dropped,
        // which no closed window or dropped connection does.
        // SAFETY: dup(2) of a descriptor the master owns; the copy is owned by the File alone.
        let writer: Box<dyn Write + Send> =
            Box::new(std::fs::File::from(unsafe { OwnedFd::from_raw_fd(libc::dup(fd)) }));
        let parser =
            Arc::new(Mutex::new(vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0)));
        let p = parser.clone();
        let closing = Arc::new(AtomicBool::new(false));
        let stop = closing.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::SeqCst) {
                let mut fds = [libc::pollfd {
                    fd: std::os::fd::AsRawFd::as_raw_fd(&reader),
                    events: libc::POLLIN,
                    revents: 0,
                }];
                // SAFETY: poll(2) on one pollfd that lives across the call.
                if unsafe { libc::poll(fds.as_mut_ptr(), 1, 20) } <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => p.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        Tui { child, writer: Some(writer), parser, master: Some(pty.master), closing, reader: Some(reader) }
    }

    /// Closes the terminal under golive, as a closed window or a dropped SSH connection does:
    /// every descriptor of the master side goes. The test sends no signal (the kernel may).
    pub fn hang_up(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        self.writer.take();
        self.master.take();
    }

    pub fn send(&mut self, bytes: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(bytes.as_bytes()).unwrap();
        writer.flush().unwrap();
        // A lone Esc is only read as Esc when nothing follows it at once.
        if bytes.ends_with('\x1b') {
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Pastes `text` as a terminal with bracketed paste does: one block between the markers.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Waits until the screen shows `text`; fails with the screen when it does not within 10 s.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("screen never showed {text:?}; it shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the screen shows `text` and no save is out: the change it shows is on disk.
    pub fn wait_saved(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) && !s.contains("saving…") {
                return s;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("screen never showed {text:?} saved; it shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the process has ended (without waiting).
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_some()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain the last bytes (the terminal restore).
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("golive did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
