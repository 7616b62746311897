//! docs/checklist-format.md's complete example is a checklist this golive loads as described.

#[test]
fn the_documented_example_loads() {
    let doc = include_str!("../docs/checklist-format.md");
    let example =
        doc.split("```toml\n").nth(1).and_then(|rest| rest.split("\n```").next()).expect("a toml example");
    let c = golive::checklist::parse("docs/checklist-format.md", example).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.id.as_str(), c.version.as_str()), ("payments-launch", "3"));
    let ids: Vec<&str> = c.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["ops.rollback", "ops.on-call", "ops.health", "ops.status-page"]);
    assert!(c.items[1].allow_na && !c.items[2].allow_na && !c.items[3].allow_na);
    assert_eq!(c.gate.sections, ["ops"]);
    assert_eq!(c.gate.max_probe_age_hours, 24);
    // Operations finds the section titled "Operations"; Security names its own.
    assert_eq!(c.signoff_sections, [vec![0], vec![0]]);
    assert!(c.items[0].critical && c.items[0].is_automated());
    assert_eq!(c.items[1].replaces, ["ops.pager"]);
    assert_eq!(c.items[2].probes.len(), 2);
    assert_eq!(c.signoff_areas, ["Operations", "Security"]);
    assert_eq!(c.sections[0].groups[0].guidance_lang.as_deref(), Some("bash"));
}
