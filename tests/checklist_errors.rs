//! An invalid checklist definition fails with FILE:LINE:COL and a clear message.

use golive::checklist::{load_file, parse};

const GOOD: &str = r#"schema_version = 1
id = "mini"
name = "Mini"

[[sections]]
id = "one"
title = "One"

[[sections.groups]]
title = "G"

[[sections.groups.items]]
id = "one.a"
title = "A"
description = "first"
"#;

fn err(text: &str) -> String {
    parse("team.toml", text).expect_err("should be rejected").to_string()
}

#[test]
fn the_small_example_loads() {
    let c = parse("team.toml", GOOD).unwrap();
    assert_eq!(c.items.len(), 1);
    assert_eq!(c.items[0].id, "one.a");
    assert_eq!(c.version, "1");
}

#[test]
fn bad_toml_points_at_the_line() {
    let text = GOOD.replace("title = \"A\"", "title = \"A");
    assert_eq!(err(&text), "team.toml:14:11: invalid basic string, expected `\"`");
}

#[test]
fn duplicate_item_ids() {
    let text = format!("{GOOD}\n[[sections.groups.items]]\nid = \"one.a\"\ntitle = \"B\"\n");
    assert_eq!(err(&text), "team.toml:18:6: duplicate item id \"one.a\" (first at line 13)");
}

#[test]
fn missing_title() {
    let text = GOOD.replace("title = \"A\"\n", "");
    assert_eq!(err(&text), "team.toml:12:1: missing field `title`");
}

#[test]
fn unknown_key() {
    let text = GOOD.replace("description = \"first\"", "descripton = \"first\"");
    let e = err(&text);
    assert!(e.starts_with("team.toml:15:1: unknown field `descripton`, expected one of"), "{e}");
}

#[test]
fn empty_section() {
    let text = format!("{GOOD}\n[[sections]]\nid = \"two\"\ntitle = \"Two\"\n");
    assert_eq!(err(&text), "team.toml:19:9: section \"Two\" has no items");
}

#[test]
fn empty_group() {
    let text = GOOD
        .replace("[[sections.groups.items]]\nid = \"one.a\"\ntitle = \"A\"\ndescription = \"first\"\n", "");
    assert_eq!(err(&text), "team.toml:10:9: group \"G\" has no items");
}

#[test]
fn empty_title_and_bad_id() {
    assert_eq!(err(&GOOD.replace("title = \"A\"", "title = \"  \"")), "team.toml:14:9: item title is empty");
    assert_eq!(
        err(&GOOD.replace("id = \"one.a\"", "id = \"One A\"")),
        "team.toml:13:6: invalid id \"One A\": use lowercase letters, digits, '.', '-', '_'"
    );
}

#[test]
fn wrong_type() {
    let text = GOOD.replace("description = \"first\"", "description = \"first\"\ncritical = \"yes\"");
    assert_eq!(err(&text), "team.toml:16:12: invalid type: string \"yes\", expected a boolean");
}

#[test]
fn unsupported_schema_version() {
    let text = GOOD.replace("schema_version = 1", "schema_version = 7");
    assert_eq!(err(&text), "team.toml:1:18: unsupported checklist schema_version 7 (this golive reads 1)");
}

#[test]
fn no_sections() {
    assert_eq!(
        err("schema_version = 1\nid = \"x\"\nname = \"X\"\n"),
        "team.toml:1:1: checklist has no [[sections]]"
    );
}

#[test]
fn non_utf8_file_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("first").unwrap();
    bytes[at] = 0xff;
    std::fs::write(&path, bytes).unwrap();
    let e = format!("{:#}", load_file(&path).unwrap_err());
    assert_eq!(e, format!("{}:15:16: file is not valid UTF-8", path.display()));
}

#[test]
fn an_item_may_carry_a_probe_with_parameters() {
    let text = GOOD.replace(
        "description = \"first\"",
        "description = \"first\"\nprobe = { kind = \"aws.budgets.alerts\", max_threshold_percent = 80 }",
    );
    let c = parse("team.toml", &text).unwrap();
    let probe = &c.items[0].probes[0];
    assert_eq!(probe.kind, "aws.budgets.alerts");
    assert_eq!(probe.params["max_threshold_percent"].as_integer(), Some(80));
    let e = err(&text.replace("kind = \"aws.budgets.alerts\", ", ""));
    assert!(e.starts_with("team.toml:16:9: missing field `kind`"), "{e}");
}

#[test]
fn an_item_may_carry_several_probes_but_not_probe_and_probes() {
    let two = "probes = [{ kind = \"aws.s3.encryption\" }, { kind = \"aws.ec2.ebs-encryption\" }]";
    let text = GOOD.replace("description = \"first\"", &format!("description = \"first\"\n{two}"));
    let c = parse("team.toml", &text).unwrap();
    let kinds: Vec<&str> = c.items[0].probes.iter().map(|p| p.kind.as_str()).collect();
    // EC2 kinds are known in every build, so one checklist loads with or without the ec2 feature.
    assert_eq!(kinds, ["aws.s3.encryption", "aws.ec2.ebs-encryption"]);
    let e = err(&text.replace("aws.ec2.ebs-encryption", "aws.ec2.nope"));
    assert!(e.starts_with("team.toml:16:43: unknown probe kind \"aws.ec2.nope\""), "{e}");
    let both = text.replace(two, &format!("probe = {{ kind = \"aws.s3.lifecycle\" }}\n{two}"));
    assert_eq!(err(&both), "team.toml:16:9: an item has either probe or probes, not both");
}

#[test]
fn duplicate_section_ids() {
    let text = format!("{GOOD}\n[[sections]]\nid = \"one\"\ntitle = \"Again\"\n");
    assert_eq!(err(&text), "team.toml:18:6: duplicate section id \"one\" (first at line 6)");
}

#[test]
fn unknown_probe_kinds_and_bad_parameters_are_rejected_where_they_stand() {
    let with = |probe: &str| {
        GOOD.replace("description = \"first\"", &format!("description = \"first\"\nprobe = {probe}"))
    };
    let e = err(&with("{ kind = \"aws.budgets.alert\" }"));
    assert!(
        e.starts_with(
            "team.toml:16:9: unknown probe kind \"aws.budgets.alert\" (known: aws.sts.assumed-role, "
        ),
        "{e}"
    );
    assert_eq!(
        err(&with("{ kind = \"aws.budgets.alerts\", max_threshold_percent = 0 }")),
        "team.toml:16:9: probe parameter max_threshold_percent must be a whole percentage from 1 to 1000, not 0"
    );
    assert_eq!(
        err(&with("{ kind = \"aws.budgets.alerts\", threshold = 80 }")),
        "team.toml:16:9: probe aws.budgets.alerts has no parameter \"threshold\" (parameters: max_threshold_percent)"
    );
    assert_eq!(
        err(&with("{ kind = \"aws.cloudwatch.metrics\", metrics = [\"a\", 1] }")),
        "team.toml:16:9: probe parameter metrics must be a list of strings, not [\"a\", 1]"
    );
}
