//! Any text given as a checklist loads or is refused with a located error; never a panic, and an
//! error's line and column lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = golive::checklist::parse("fuzz.toml", text) {
        assert!(e.line >= 1 && e.line <= text.lines().count().max(1) + 1, "{e}");
        assert!(e.col >= 1, "{e}");
    }
});
