//! The checklist's model: sections, groups and items, read-only once loaded.

use crate::probe::ProbeSpec;
use std::collections::HashMap;
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct Checklist {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    /// Where the definition came from, for headers and messages.
    pub source: String,
    /// Read from markdown: it has no probes until it is imported to TOML and given some.
    pub imported: bool,
    pub sections: Vec<Section>,
    /// All items in checklist order; sections and groups hold ranges into it.
    pub items: Vec<Item>,
    pub signoff_areas: Vec<String>,
    /// Per sign-off area, the sections (indices) it signs for.
    pub signoff_sections: Vec<Vec<usize>>,
    /// What the gate requires before GO.
    pub gate: super::Policy,
    /// Item ids to their place in `items`: sessions look items up by id.
    pub index: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub groups: Vec<Group>,
    pub items: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    pub guidance: Option<String>,
    /// The language of the guidance code example (`python`, `yaml`...), if it is code.
    pub guidance_lang: Option<String>,
    pub items: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub description: String,
    pub critical: bool,
    /// The probes check what the item says in full: their pass ticks it. A pass of probes that
    /// check a part waits for a person; a fail always sets fail.
    pub decided_by_probe: bool,
    pub section: usize,
    pub group: usize,
    /// The automated checks; empty for a manual item.
    pub probes: Vec<ProbeSpec>,
    /// Ids this item had in earlier versions of the checklist.
    pub replaces: Vec<String>,
    /// n/a exempts the item at the gate. Manual items allow it by default; an item with a probe
    /// only where the checklist says so (elsewhere a waiver is the way to accept a gap).
    pub allow_na: bool,
}

impl Item {
    pub fn is_automated(&self) -> bool {
        !self.probes.is_empty()
    }

    /// The probe kinds, for "by probe ..." and listings.
    pub fn probe_kinds(&self) -> String {
        self.probes.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>().join(" + ")
    }
}

impl Checklist {
    pub fn group_of(&self, item: &Item) -> &Group {
        &self.sections[item.section].groups[item.group]
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The items a sign-off area signs for, in checklist order.
    pub fn area_items(&self, area: usize) -> impl Iterator<Item = usize> + '_ {
        self.signoff_sections[area].iter().flat_map(|&s| self.sections[s].items.clone())
    }
}
