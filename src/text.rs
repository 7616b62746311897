//! Text from people and from probes, made safe to show: on the terminal and in a report someone
//! will `cat`, no character may act (move the cursor, recolour, retitle the window, ring the bell).

/// `s` with every control character replaced by something visible: C0 controls by their Unicode
/// pictures (ESC becomes ␛), DEL by ␡, C1 controls by �, a tab by a space.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => ' ',
            '\x7f' => '\u{2421}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Text on its way to a terminal outside the TUI (stdout, stderr, a report someone will `cat`):
/// lines and tabs kept, every other control character (C0, DEL, C1) shown as by [`printable`], so
/// no file, AWS answer or command output can move the cursor, retitle the window, write the
/// clipboard (OSC 52) or clear the screen.
pub fn for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let lines: Vec<String> = s.split('\n').map(|l| printable(&l.replace('\t', " "))).collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// Says `msg` on stderr, prefixed `golive: `, made safe for the terminal and ended by a newline.
/// A stderr that is gone (the terminal closed) is not a reason to panic.
pub fn tell(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "golive: {}", for_terminal(msg));
}

/// Pasted text as an editor takes it: line ends made `\n`, a tab a space, every other control
/// character dropped. A paste is text to keep, never keys to act on or escapes to pass on.
pub fn pasted(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' | '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Pasted text for a one-line field: its lines joined by a space (a trailing line end dropped);
/// true when lines were joined, which the user should be told.
pub fn pasted_line(s: &str) -> (String, bool) {
    let text = pasted(s);
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    (lines.join(" "), lines.len() > 1)
}

/// A count with its noun agreeing: "1 dashboard", "3 dashboards", "1 policy", "2 policies".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let plural = match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ if noun.ends_with('s') => format!("{noun}es"),
        _ => format!("{noun}s"),
    };
    format!("{n} {plural}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(super::count(1, "policy"), "1 policy");
        assert_eq!(super::count(2, "policy"), "2 policies");
        assert_eq!(super::count(3, "day"), "3 days");
        assert_eq!(super::count(0, "alarm"), "0 alarms");
    }

    use super::*;

    #[test]
    fn a_paste_keeps_text_and_drops_what_would_act() {
        assert_eq!(pasted("a\r\nb\rc\td\x1b[31me\x07"), "a\nb\nc d[31me");
        assert_eq!(
            pasted_line("https://runbook.example/a\nfpq"),
            ("https://runbook.example/a fpq".into(), true)
        );
        assert_eq!(pasted_line("https://runbook.example/a\n"), ("https://runbook.example/a".into(), false));
    }
}
