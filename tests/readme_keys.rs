//! The README's key tables are the key table: this test fails, printing the expected text, when
//! a binding changes and the README does not.

use golive::tui::keymap::{KeyScope, in_scope};

fn tables() -> String {
    let mut out = String::new();
    for ctx in KeyScope::ALL {
        out.push_str(&format!("**{}**\n\n| Key | Action |\n|---|---|\n", ctx.title()));
        for b in in_scope(ctx) {
            out.push_str(&format!("| `{}` | {} |\n", b.label(), b.desc));
        }
        out.push('\n');
    }
    out
}

#[test]
fn readme_lists_the_key_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let want = tables();
    assert!(readme.contains(&want), "README.md must contain the key tables exactly:\n\n{want}");
}
