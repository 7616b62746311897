//! Errors that point at a place in a file, printed as `FILE:LINE:COL: message` so editors and
//! terminals can jump to them.

use std::fmt;
use std::ops::Range;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)
    }
}

impl std::error::Error for Located {}

impl Located {
    /// An error at byte `offset` of `text`; line and column are 1-based, the column counts
    /// characters so it matches what an editor shows.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        Located { file: file.to_string(), line, col, message: message.into() }
    }

    pub fn at_span(file: &str, text: &str, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self::at(file, text, span.map_or(0, |s| s.start), message)
    }

    /// A TOML syntax or type error, placed where the parser found it.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        Self::at_span(file, text, err.span(), err.message().trim_end())
    }
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The largest checklist or session file golive reads.
pub const MAX_FILE: u64 = 16 << 20;

/// Reads a file as UTF-8 text; invalid UTF-8 is reported at the line and column of the first bad
/// byte, because these files are hand-edited and a byte offset alone helps nobody.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    // A checklist of 10,000 items with notes on each is a few MB; anything this big is a mistake
    // (a log, a dump, a link to /dev/zero) and parsing it would only keep the user waiting. The
    // size is counted as read: a device or a /proc file says 0.
    let bytes = crate::fsx::read_bounded(path, MAX_FILE).map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => anyhow::anyhow!(
            "{}: {e} is too large for a golive checklist or session (at most {} MiB)",
            path.display(),
            MAX_FILE >> 20
        ),
        _ => anyhow::anyhow!("{}: {e}", path.display()),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        Located::at(&path.display().to_string(), &text, valid, "file is not valid UTF-8").into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_col(text, 6 + 1 + 2), (2, 3));
    }
}
