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
