//! Writing files so that a crash, a power cut or a full disk never leaves half of one: the
//! session, its backups, reports, imports and the consent store all go through here.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Whether `path` is a device or a named pipe (`/dev/stdout`, `/dev/null`, a FIFO): written into,
/// never renamed over, which would replace the node with a regular file.
pub fn writes_through(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes an output the person named (`-o FILE`): into a device or pipe they named (see
/// [`writes_through`]), else as [`write_atomic`] does.
pub fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if writes_through(path) {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        return f.write_all(bytes).with_context(|| format!("writing {}", path.display()));
    }
    write_atomic(path, bytes)
}

/// Writes `bytes` to `path` through a 0600 temp file in the same directory, fsynced and renamed
/// over the target, then fsyncs the directory so the rename itself survives a power cut. Never
/// through what is at `path`: a link or a device there is replaced, not written into.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // tempfile creates the file with mode 0600 on Unix.
    // Named for the file it replaces, so a temp file left by a kill -9 is recognisably its own.
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.golive-"))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temp file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("replacing {}", path.display()))?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
