//! The README's probe reference is `golive probes`' output for the embedded checklist: this test
//! fails, printing the expected text, when a kind, a parameter or an item's probe changes and the
//! README does not.

use golive::checklist::Checklist;
use golive::export::probes as reference;
use golive::probe::registry::KINDS;

#[test]
fn readme_carries_the_probe_reference() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let want = reference::markdown(&Checklist::embedded());
    let block = format!("<!-- golive probes: begin -->\n{want}<!-- golive probes: end -->\n");
    assert!(readme.contains(&block), "README.md must contain `golive probes`' output exactly:\n\n{want}");
}

#[test]
fn the_reference_names_every_kind_and_the_items_using_it() {
    let text = reference::markdown(&Checklist::embedded());
    for kind in KINDS {
        assert!(text.contains(&format!("- **`{}`**", kind.name)), "{} missing", kind.name);
    }
    assert!(text.contains("- **`dns`**: Resolves the target's domain"));
    assert!(text.contains("  - Used by: DNS Configuration.\n  - Example: `probe = { kind = \"dns\" }`"));
    assert!(text.contains("  - Used by: SSL Certificates.\n  - Example: `probe = { kind = \"aws.acm.certificates\", warn_days = 30 }`"));
    assert!(text.contains("- **`aws.ec2.private-subnets`** (only in a build with the `ec2` feature): "));
}

#[test]
fn golive_probes_prints_the_reference_for_the_checklist_in_use() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_golive")).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&["probes"]), reference::markdown(&Checklist::embedded()));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        r#"schema_version = 1
id = "mine"
name = "Mine"
version = "1"
[[sections]]
id = "s"
title = "S"
[[sections.groups]]
title = "G"
[[sections.groups.items]]
id = "s.name"
title = "Our name resolves"
description = "d"
probe = { kind = "dns" }
"#,
    )
    .unwrap();
    let text = run(&["probes", "--checklist", file.to_str().unwrap()]);
    assert!(text.contains("  - Used by: Our name resolves.\n"), "{text}");
    assert!(text.contains("- **`tls`**"), "{text}");
    assert!(text.contains("  - Used by: no item of this checklist.\n"), "{text}");
}
