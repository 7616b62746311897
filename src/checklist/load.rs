//! Parsing and validating a checklist definition. Every error names FILE:LINE:COL.

use super::model::{Checklist, Group, Item, Section};
use crate::located::{Located, read_text};
use crate::probe::{ProbeSpec, registry};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use toml::Spanned;

pub const DEFAULT_NAME: &str = "embedded:agentcore-production.toml";
const SCHEMA_VERSION: i64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    schema_version: Spanned<i64>,
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    signoff: Vec<RawSignoff>,
    #[serde(default)]
    gate: Option<Spanned<super::Policy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    groups: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    title: Spanned<String>,
    #[serde(default)]
    guidance: Option<String>,
    #[serde(default)]
    guidance_lang: Option<String>,
    #[serde(default)]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    critical: bool,
    #[serde(default)]
    probe: Option<Spanned<ProbeSpec>>,
    /// Several checks on one item; the worst outcome decides.
    #[serde(default)]
    probes: Vec<Spanned<ProbeSpec>>,
    /// The probes check what the item says in full: their pass ticks the item. Otherwise a pass
    /// waits for a person to confirm it.
    #[serde(default)]
    decided_by_probe: Option<Spanned<bool>>,
    /// The id (or ids) this item had in an earlier version: answers given under it move here.
    #[serde(default)]
    replaces: Option<Spanned<OneOrMany>>,
    /// n/a exempts the item at the gate [default: for manual items only].
    #[serde(default)]
    allow_na: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignoff {
    area: Spanned<String>,
    /// The section ids the area signs for [default: the section whose id is the area's name in
    /// lowercase, or whose title starts with it].
    #[serde(default)]
    sections: Option<Spanned<Vec<String>>>,
}

/// Reads a checklist file: TOML, or markdown (`.md`, `.markdown`) imported on the fly.
pub fn load_file(path: &Path) -> anyhow::Result<Checklist> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    if is_markdown(path) {
        let toml = super::import::to_toml(&name, &text)?;
        let mut checklist = parse(&format!("{name} (imported)"), &toml)?;
        checklist.source = name;
        checklist.imported = true;
        return Ok(checklist);
    }
    Ok(parse(&name, &text)?)
}

pub fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

pub fn parse(file: &str, text: &str) -> Result<Checklist, Located> {
    let raw: RawChecklist = toml::from_str(text).map_err(|e| Located::from_toml(file, text, &e))?;
    let err = |span: std::ops::Range<usize>, msg: String| Located::at(file, text, span.start, msg);

    if *raw.schema_version.get_ref() != SCHEMA_VERSION {
        return Err(err(
            raw.schema_version.span(),
            format!(
                "unsupported checklist schema_version {} (this golive reads {SCHEMA_VERSION})",
                raw.schema_version.get_ref()
            ),
        ));
    }
    non_empty(&raw.id, "checklist id").map_err(|m| err(raw.id.span(), m))?;
    non_empty(&raw.name, "checklist name").map_err(|m| err(raw.name.span(), m))?;
    if raw.sections.is_empty() {
        return Err(Located::at(file, text, 0, "checklist has no [[sections]]"));
    }

    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut section_ids: HashMap<String, usize> = HashMap::new();
    let mut sections = Vec::new();
    let mut items = Vec::new();
    for (s_idx, rs) in raw.sections.into_iter().enumerate() {
        unique_id(&mut section_ids, &rs.id, "section", text).map_err(|m| err(rs.id.span(), m))?;
        non_empty(&rs.title, "section title").map_err(|m| err(rs.title.span(), m))?;
        let section_start = items.len();
        let mut groups = Vec::new();
        for (g_idx, rg) in rs.groups.into_iter().enumerate() {
            non_empty(&rg.title, "group title").map_err(|m| err(rg.title.span(), m))?;
            let group_start = items.len();
            for ri in rg.items {
                unique_id(&mut ids, &ri.id, "item", text).map_err(|m| err(ri.id.span(), m))?;
                non_empty(&ri.title, "item title").map_err(|m| err(ri.title.span(), m))?;
                if let (Some(p), Some(_)) = (&ri.probe, ri.probes.first()) {
                    return Err(err(p.span(), "an item has either probe or probes, not both".into()));
                }
                let probes: Vec<Spanned<ProbeSpec>> = ri.probe.into_iter().chain(ri.probes).collect();
                let decided_by_probe = match ri.decided_by_probe {
                    Some(d) if *d.get_ref() && probes.is_empty() => {
                        return Err(err(d.span(), "decided_by_probe on an item without a probe".into()));
                    }
                    d => d.is_some_and(|d| d.into_inner()),
                };
                for p in &probes {
                    registry::validate(p.get_ref()).map_err(|m| err(p.span(), m))?;
                }
                let replaces = match ri.replaces {
                    None => Vec::new(),
                    Some(r) => {
                        let span = r.span();
                        let ids = match r.into_inner() {
                            OneOrMany::One(id) => vec![id],
                            OneOrMany::Many(ids) => ids,
                        };
                        if let Some(same) = ids.iter().find(|id| **id == *ri.id.get_ref()) {
                            return Err(err(span, format!("item {same:?} replaces itself")));
                        }
                        ids
                    }
                };
                let allow_na = ri.allow_na.unwrap_or(probes.is_empty());
                items.push(Item {
                    allow_na,
                    id: ri.id.into_inner(),
                    title: ri.title.into_inner(),
                    description: ri.description,
                    critical: ri.critical,
                    decided_by_probe,
                    section: s_idx,
                    group: g_idx,
                    probes: probes.into_iter().map(Spanned::into_inner).collect(),
                    replaces,
                });
            }
            if items.len() == group_start {
                return Err(err(rg.title.span(), format!("group {:?} has no items", rg.title.get_ref())));
            }
            groups.push(Group {
                title: rg.title.into_inner(),
                guidance: rg.guidance.filter(|g| !g.trim().is_empty()),
                guidance_lang: rg.guidance_lang,
                items: group_start..items.len(),
            });
        }
        if items.len() == section_start {
            return Err(err(rs.title.span(), format!("section {:?} has no items", rs.title.get_ref())));
        }
        sections.push(Section {
            id: rs.id.into_inner(),
            title: rs.title.into_inner(),
            groups,
            items: section_start..items.len(),
        });
    }

    let mut signoff_areas: Vec<String> = Vec::new();
    let mut signoff_sections: Vec<Vec<usize>> = Vec::new();
    for a in raw.signoff {
        non_empty(&a.area, "sign-off area").map_err(|m| err(a.area.span(), m))?;
        if signoff_areas.contains(a.area.get_ref()) {
            return Err(err(a.area.span(), format!("duplicate sign-off area {:?}", a.area.get_ref())));
        }
        let covered = match a.sections {
            Some(ids) => {
                let span = ids.span();
                let mut covered = Vec::new();
                for id in ids.into_inner() {
                    let Some(s) = sections.iter().position(|s| s.id == id) else {
                        return Err(err(
                            span,
                            format!("sign-off area names section {id:?}, which the checklist does not have"),
                        ));
                    };
                    covered.push(s);
                }
                covered
            }
            None => {
                let name = a.area.get_ref().to_lowercase();
                sections
                    .iter()
                    .position(|s| s.id == name || s.title.to_lowercase().starts_with(&name))
                    .into_iter()
                    .collect()
            }
        };
        signoff_areas.push(a.area.into_inner());
        signoff_sections.push(covered);
    }
    let gate = match raw.gate {
        None => super::Policy::default(),
        Some(g) => {
            let span = g.span();
            let g = g.into_inner();
            if let Some(id) = g.sections.iter().find(|id| !section_ids.contains_key(*id)) {
                return Err(err(
                    span,
                    format!("[gate] sections names {id:?}, which the checklist does not have"),
                ));
            }
            g
        }
    };

    Ok(Checklist {
        id: raw.id.into_inner(),
        name: raw.name.into_inner(),
        version: raw.version.unwrap_or_else(|| "1".into()),
        description: raw.description.unwrap_or_default(),
        source: file.to_string(),
        imported: false,
        index: items.iter().enumerate().map(|(n, i)| (i.id.clone(), n)).collect(),
        sections,
        items,
        signoff_areas,
        signoff_sections,
        gate,
    })
}

fn non_empty(value: &Spanned<String>, what: &str) -> Result<(), String> {
    if value.get_ref().trim().is_empty() { Err(format!("{what} is empty")) } else { Ok(()) }
}

/// Whether `s` is an id: lowercase letters, digits, '.', '-', '_'; at most 200 characters.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

/// Ids key the user's answers in session files, so they are restricted to characters that read
/// the same in TOML keys, URLs and shells, and must be unique; `seen` maps each to its offset.
fn unique_id(
    seen: &mut HashMap<String, usize>,
    id: &Spanned<String>,
    what: &str,
    text: &str,
) -> Result<(), String> {
    let s = id.get_ref();
    if let Some(first) = seen.insert(s.clone(), id.span().start) {
        let (line, _) = crate::located::line_col(text, first);
        return Err(format!("duplicate {what} id {s:?} (first at line {line})"));
    }
    if is_id(s) {
        Ok(())
    } else {
        Err(format!("invalid id {s:?}: use lowercase letters, digits, '.', '-', '_'"))
    }
}
