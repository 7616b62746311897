//! The embedded checklist is the seed checklist: every `- [ ]` item of the seed, in order, with
//! the same title and description, under the same sections and groups.

use golive::checklist::Checklist;

const SEED: &str = include_str!("fixtures/production-deployment-checklist.md");

struct SeedItem {
    section: String,
    group: String,
    title: String,
    description: String,
}

fn seed_items() -> Vec<SeedItem> {
    let (mut section, mut group) = (String::new(), String::new());
    let mut items = Vec::new();
    for line in SEED.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            section = h.split_once(". ").map(|(_, t)| t.to_string()).unwrap_or_default();
        } else if let Some(h) = line.strip_prefix("### ") {
            group = h.to_string();
        } else if let Some(rest) = line.strip_prefix("- [ ] **") {
            let (title, description) =
                rest.split_once("** - ").expect("seed items are **Title** - description");
            items.push(SeedItem {
                section: section.clone(),
                group: group.clone(),
                title: title.into(),
                description: description.into(),
            });
        }
    }
    items
}

#[test]
fn every_seed_item_is_in_the_embedded_checklist_in_order() {
    let c = Checklist::embedded();
    let seed = seed_items();
    assert_eq!(seed.len(), 98);
    assert_eq!(c.items.len(), seed.len());
    for (item, s) in c.items.iter().zip(&seed) {
        assert_eq!(item.title, s.title);
        assert_eq!(item.description, s.description, "{}", item.id);
        assert_eq!(c.sections[item.section].title, s.section, "{}", item.id);
        assert_eq!(c.group_of(item).title, s.group, "{}", item.id);
        assert!(item.id.starts_with(&format!("{}.", c.sections[item.section].id)), "{}", item.id);
    }
}

#[test]
fn nine_sections_and_the_seeds_groups() {
    let c = Checklist::embedded();
    let titles: Vec<&str> = c.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Security",
            "Reliability",
            "Performance",
            "Observability",
            "Operational Readiness",
            "Cost Management",
            "Compliance & Privacy",
            "Testing Verification",
            "Final Checks"
        ]
    );
    let seed_groups = SEED.lines().filter(|l| l.starts_with("### ")).count();
    assert_eq!(c.sections.iter().map(|s| s.groups.len()).sum::<usize>(), seed_groups);
    assert_eq!(seed_groups, 25);
}

#[test]
fn every_code_example_is_its_groups_guidance() {
    let c = Checklist::embedded();
    let mut group = String::new();
    let mut in_code = false;
    let mut code = String::new();
    let mut lang = String::new();
    let mut found = 0;
    for line in SEED.lines() {
        if in_code {
            if line.starts_with("```") {
                in_code = false;
                let g = c.sections.iter().flat_map(|s| &s.groups).find(|g| g.title == group).unwrap();
                let want: Vec<&str> = code.lines().map(str::trim_end).collect();
                let got: Vec<&str> = g.guidance.as_deref().unwrap().lines().collect();
                assert_eq!(got, want, "guidance of {group}");
                assert_eq!(g.guidance_lang.as_deref(), Some(lang.as_str()));
                found += 1;
            } else {
                code.push_str(line);
                code.push('\n');
            }
        } else if let Some(l) = line.strip_prefix("```") {
            in_code = true;
            lang = l.trim().to_string();
            code.clear();
        } else if let Some(h) = line.strip_prefix("### ") {
            group = h.to_string();
        }
    }
    assert_eq!(found, 10);
}

#[test]
fn quick_reference_items_are_critical() {
    let c = Checklist::embedded();
    let critical: Vec<&str> = c.items.iter().filter(|i| i.critical).map(|i| i.title.as_str()).collect();
    assert_eq!(
        critical,
        [
            "Secrets Management",
            "Least Privilege",
            "Multi-AZ Deployment",
            "Auto-Scaling Configured",
            "Load Balancer Health Checks",
            "Structured Logging",
            "Technical Metrics",
            "Critical Alerts",
            "CI/CD Pipeline",
            "Rollback Procedure",
            "Budget Alerts",
            "Spending Limits"
        ]
    );
}

#[test]
fn sign_off_areas_are_the_seeds_table() {
    let c = Checklist::embedded();
    let table: Vec<String> = SEED
        .lines()
        .skip_while(|l| !l.starts_with("## Sign-Off"))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Area"))
        .map(|l| l.trim_matches('|').split('|').next().unwrap().trim().to_string())
        .collect();
    assert_eq!(c.signoff_areas, table);
    assert_eq!(table.len(), 7);
}

#[test]
fn each_sign_off_area_signs_for_its_section_and_the_gate_asks_for_them() {
    let c = Checklist::embedded();
    let signed: Vec<String> = c.signoff_sections.iter().map(|s| c.sections[s[0]].title.clone()).collect();
    assert_eq!(
        signed,
        [
            "Security",
            "Reliability",
            "Performance",
            "Observability",
            "Operational Readiness",
            "Cost Management",
            "Compliance & Privacy"
        ]
    );
    assert!(c.signoff_sections.iter().all(|s| s.len() == 1));
    assert_eq!(c.gate, golive::gate::Policy::default(), "the default rule is the seed's");
}
