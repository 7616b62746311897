//! The probe reference `golive probes` prints and the README carries: every registered kind, its
//! parameters, the checklist items using it and an example, written from the registry so the
//! documentation cannot drift from the code.

use crate::checklist::Checklist;
use crate::probe::ProbeSpec;
use crate::probe::registry::KINDS;

/// Markdown, one entry per probe kind, naming the items of `checklist` that use each.
pub fn markdown(checklist: &Checklist) -> String {
    let mut out = String::new();
    for kind in KINDS {
        let uses: Vec<(&str, &ProbeSpec)> = checklist
            .items
            .iter()
            .flat_map(|item| {
                item.probes.iter().filter(|s| s.kind == kind.name).map(|s| (item.title.as_str(), s))
            })
            .collect();
        let build =
            kind.feature.map(|f| format!(" (only in a build with the `{f}` feature)")).unwrap_or_default();
        out.push_str(&format!("- **`{}`**{build}: {}\n", kind.name, kind.doc));
        out.push_str(&format!("  - A pass means: {}.\n  - Not checked: {}.\n", kind.passes, kind.misses));
        if kind.params.is_empty() {
            out.push_str("  - Parameters: none.\n");
        } else {
            out.push_str("  - Parameters:\n");
            for p in kind.params {
                out.push_str(&format!("    - `{}` ({}): {}\n", p.name, p.ty.words(), p.doc));
            }
        }
        let mut titles: Vec<&str> = uses.iter().map(|(t, _)| *t).collect();
        titles.dedup();
        let used =
            if titles.is_empty() { "no item of this checklist".to_string() } else { titles.join(", ") };
        out.push_str(&format!("  - Used by: {used}.\n"));
        let example = uses
            .first()
            .map(|(_, s)| *s)
            .cloned()
            .unwrap_or_else(|| ProbeSpec { kind: kind.name.to_string(), params: toml::Table::new() });
        out.push_str(&format!("  - Example: `probe = {}`\n", inline(&example)));
    }
    out
}

/// A spec as the checklist writes it: `{ kind = "...", param = value }`.
fn inline(spec: &ProbeSpec) -> String {
    let mut parts = vec![format!("kind = {:?}", spec.kind)];
    parts.extend(spec.params.iter().map(|(k, v)| format!("{k} = {v}")));
    format!("{{ {} }}", parts.join(", "))
}
