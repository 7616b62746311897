//! Markdown checklists read as golive checklists: the seed gives the embedded checklist's items,
//! messy real-world files give sensible items, and files without items are refused clearly.

use golive::checklist::{self, Checklist, import};

const SEED: &str = include_str!("fixtures/production-deployment-checklist.md");

fn imported(name: &str, md: &str) -> Checklist {
    let toml = import::to_toml(name, md).unwrap();
    checklist::parse(name, &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

#[test]
fn the_seed_imports_as_the_embedded_checklist() {
    let c = imported("production-deployment-checklist.md", SEED);
    let e = Checklist::embedded();
    assert_eq!(c.items.len(), 98);
    let shape = |c: &Checklist| -> Vec<(String, String, String, String)> {
        c.items
            .iter()
            .map(|i| {
                let s = &c.sections[i.section];
                (s.title.clone(), s.groups[i.group].title.clone(), i.title.clone(), i.description.clone())
            })
            .collect()
    };
    assert_eq!(shape(&c), shape(&e));
    assert_eq!(c.name, "Production Deployment Checklist");
    assert_eq!(c.signoff_areas, e.signoff_areas);
    // Guidance: the same code examples, in the same groups, with their languages.
    let guidance = |c: &Checklist| -> Vec<(Option<String>, Option<String>)> {
        // The embedded copy dropped trailing blanks on the lines of one example.
        let trim = |g: &str| g.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
        c.sections
            .iter()
            .flat_map(|s| &s.groups)
            .map(|g| (g.guidance.as_deref().map(trim), g.guidance_lang.clone()))
            .collect()
    };
    assert_eq!(guidance(&c), guidance(&e));
    // The quick reference names 12 things; 11 are the embedded checklist's critical items. The
    // twelfth, "basic metrics", reads as Business Metrics (first of the metrics items) where the
    // embedded checklist chose Technical Metrics.
    let critical = |c: &Checklist| -> Vec<String> {
        c.items.iter().filter(|i| i.critical).map(|i| i.title.clone()).collect()
    };
    let mut want = critical(&e);
    let technical = want.iter().position(|t| t == "Technical Metrics").unwrap();
    want[technical] = "Business Metrics".into();
    want.sort();
    let mut got = critical(&c);
    got.sort();
    assert_eq!(got, want);
    // Ids are the section and the title, stable across imports.
    assert_eq!(c.items[0].id, "security.api-authentication");
    assert_eq!(
        c.items.iter().map(|i| &i.id).collect::<Vec<_>>(),
        imported("x.md", SEED).items.iter().map(|i| &i.id).collect::<Vec<_>>()
    );
}

/// Written with CRLF line endings, as a file saved on Windows would be.
fn messy() -> String {
    "Launch checklist for the payments API.

* [ ] Freeze `main` - no merges after 14:00
* [x] Tell [support](https://wiki.example/support) about the window
   - include the rollback plan
   - and the status page link

## Database

1. [ ] **Backups** - last snapshot < 24h, see [runbook](https://wiki.example/db#restore)
2. [ ] **Migrations**: applied on staging
   - [ ] Nested: migration 0042 verified

#### Replicas

- [ ] Replica lag under 1 s

```sql
SELECT now() - pg_last_xact_replay_timestamp();
```

## Notes

Just prose here, and a plain list:

- not an item
"
    .replace('\n', "\r\n")
}

#[test]
fn a_messy_file_gives_sensible_items() {
    let c = imported("payments-launch.md", &messy());
    let rows: Vec<(String, String, String, String, String)> = c
        .items
        .iter()
        .map(|i| {
            let s = &c.sections[i.section];
            (
                s.title.clone(),
                s.groups[i.group].title.clone(),
                i.id.clone(),
                i.title.clone(),
                i.description.clone(),
            )
        })
        .collect();
    let row = |s: &str, g: &str, id: &str, t: &str, d: &str| {
        (s.to_string(), g.to_string(), id.to_string(), t.to_string(), d.to_string())
    };
    assert_eq!(
        rows,
        vec![
            // Items before any heading: a section named for the file.
            row(
                "Payments launch",
                "Payments launch",
                "payments-launch.freeze-main-no-merges-after-14-00",
                "Freeze `main` - no merges after 14:00",
                ""
            ),
            row(
                "Payments launch",
                "Payments launch",
                "payments-launch.tell-support-about-the-window",
                "Tell support about the window",
                "include the rollback plan; and the status page link"
            ),
            row(
                "Database",
                "Database",
                "database.backups",
                "Backups",
                "last snapshot < 24h, see runbook (https://wiki.example/db#restore)"
            ),
            row("Database", "Database", "database.migrations", "Migrations", "applied on staging"),
            row(
                "Database",
                "Database",
                "database.nested-migration-0042-verified",
                "Nested: migration 0042 verified",
                ""
            ),
            // A heading deeper than the sections: a group of its own.
            row("Database", "Replicas", "database.replica-lag-under-1-s", "Replica lag under 1 s", ""),
        ]
    );
    assert_eq!(c.name, "Payments launch");
    assert_eq!(c.description, "Launch checklist for the payments API.");
    let replicas = &c.sections[1].groups[1];
    assert_eq!(replicas.guidance.as_deref(), Some("SELECT now() - pg_last_xact_replay_timestamp();"));
    assert_eq!(replicas.guidance_lang.as_deref(), Some("sql"));
    assert!(c.signoff_areas.is_empty());
}

#[test]
fn headings_deeper_than_groups_name_their_group_after_both() {
    let md = "# Launch\n\n## Ops\n\n### Deploy\n\n- [ ] Pipeline green\n\n#### Canary\n\n- [ ] Canary at 5%\n\n\
              ## Ops again\n\n- [ ] Pager tested\n- [ ] Pager tested\n";
    let c = imported("launch.md", md);
    let groups: Vec<(&str, &str)> = c
        .items
        .iter()
        .map(|i| (c.sections[i.section].groups[i.group].title.as_str(), i.id.as_str()))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("Deploy", "ops.pipeline-green"),
            ("Deploy / Canary", "ops.canary-at-5"),
            ("Ops again", "ops-again.pager-tested"),
            // The same title twice: ids stay unique.
            ("Ops again", "ops-again.pager-tested-2"),
        ]
    );
}

#[test]
fn files_without_items_are_refused_naming_the_file() {
    for (name, md) in
        [("empty.md", ""), ("prose.md", "# Launch\n\nWe will launch.\n\n- a plain list\n- of things\n")]
    {
        let err = import::to_toml(name, md).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{name}: no checklist items found (an item is a task list line: `- [ ] Title - description`)"
            )
        );
    }
}

#[test]
fn a_markdown_checklist_loads_by_extension_with_its_source_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ours.md");
    std::fs::write(&path, "# Ours\n\n## Go\n\n- [ ] **Ship it** - when green\n").unwrap();
    let c = checklist::load_file(&path).unwrap();
    assert!(c.imported);
    assert_eq!(c.source, path.display().to_string());
    assert_eq!((c.id.as_str(), c.items[0].id.as_str()), ("ours", "go.ship-it"));
    // The version is the text's hash, so a session records which text it answered.
    assert!(c.version.starts_with("md-") && c.version.len() == 11, "{}", c.version);
    std::fs::write(&path, "# Ours\n\n## Go\n\n- [ ] **Ship it** - when green\n- [ ] Announce\n").unwrap();
    assert_ne!(checklist::load_file(&path).unwrap().version, c.version);
}

#[test]
fn a_heading_with_items_is_a_section_even_when_it_sounds_like_a_quick_reference() {
    let md = "# Launch\n\n## Critical checks\n\n- [ ] Pager works\n\n## Quick reference\n\n- **Critical checks**: pager\n";
    let c = imported("launch.md", md);
    assert_eq!(c.sections.len(), 1);
    assert_eq!(c.sections[0].title, "Critical checks");
    assert_eq!(c.items[0].id, "critical-checks.pager-works");
    assert!(c.items[0].critical, "named by the quick reference");
}

/// A checklist written as tables, one "Check name | Description" table per section, as several
/// published production-readiness checklists are; and a "Sign-offs required" list.
#[test]
fn a_table_checklist_imports_its_rows_as_items_and_its_signoff_list_as_areas() {
    let md = "\
# Payments API readiness

## Reliability

| Check name | Description | Critical |
|---|---|---|
| **Health checks** | The load balancer checks `/health` every 10 s | yes |
| Graceful shutdown | SIGTERM drains in-flight requests | no |

## Security

| # | Check | Description |
|---|-------|-------------|
| 1 | TLS only | HTTP redirects to HTTPS; TLS 1.2+ |
| 2 | Secrets in a vault | No secrets in env files or the repo |

## Contacts

| Role | Name | Phone |
|---|---|---|
| On-call | Dana | 555-0100 |

## Sign-offs required

- Engineering lead: name, date
- Security (CISO delegate)
- Product owner
";
    let c = imported("payments.md", md);
    assert_eq!(c.name, "Payments API readiness");
    let titles: Vec<(&str, &str, bool)> =
        c.items.iter().map(|i| (i.id.as_str(), i.title.as_str(), i.critical)).collect();
    assert_eq!(
        titles,
        [
            ("reliability.health-checks", "Health checks", true),
            ("reliability.graceful-shutdown", "Graceful shutdown", false),
            ("security.tls-only", "TLS only", false),
            ("security.secrets-in-a-vault", "Secrets in a vault", false),
        ]
    );
    assert_eq!(c.items[0].description, "The load balancer checks `/health` every 10 s");
    // The contacts table is not a table of checks: no section, no items from it.
    assert_eq!(c.sections.len(), 2, "{:?}", c.sections.iter().map(|s| &s.title).collect::<Vec<_>>());
    assert_eq!(c.signoff_areas, ["Engineering lead", "Security", "Product owner"]);
}
