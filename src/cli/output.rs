//! Where reports go: stdout, or the file the person named with `-o`.

use std::path::Path;

/// Writes a report to stdout, made safe for a terminal. A reader that stops early (`golive export | head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let text = crate::text::for_terminal(text);
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

pub fn write_report(path: &Path, text: &str) -> anyhow::Result<()> {
    // Into a device or pipe (`-o /dev/stdout`) the report is the output; say nothing beside it.
    let quiet = crate::atomic::writes_through(path);
    crate::atomic::write_output(path, crate::text::for_terminal(text).as_bytes())?;
    if !quiet {
        crate::text::tell(&format!("report written to {}", path.display()));
    }
    Ok(())
}
