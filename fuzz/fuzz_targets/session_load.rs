//! Any text given as a session loads or is refused with a located error; a session that loads
//! saves to text that loads back to the same session.
#![no_main]

use golive::checklist::Checklist;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CHECKLIST: LazyLock<Checklist> = LazyLock::new(Checklist::embedded);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match golive::session::parse("fuzz.toml", text, &CHECKLIST) {
        Err(e) => assert!(e.line >= 1 && e.col >= 1, "{e}"),
        Ok(session) => {
            let saved = toml::to_string(&session).expect("a loaded session serialises");
            let again = golive::session::parse("saved.toml", &saved, &CHECKLIST)
                .unwrap_or_else(|e| panic!("a saved session does not load: {e}\n{saved}"));
            assert_eq!(again, session, "the round trip changed the session");
        }
    }
});
