//! Markdown checklists (a wiki page, a repo's LAUNCH.md) read as golive checklists. The result is
//! checklist TOML, so `golive import` can write it for a team to attach probes to, and an `.md`
//! opened directly goes through the same validation as any `.toml`.
//!
//! The reading: the one leading `#` heading names the checklist; of the headings with task items
//! under them, the shallowest level are sections and the next groups (deeper ones are groups
//! named "Group / Sub"); `- [ ]` items (any bullet, numbered too) are items, `**Title** - text`
//! split into title and description; fenced code is the group's guidance; a "Quick reference" or
//! "critical" list marks the items it names as critical; a sign-off table or list gives the
//! sign-off areas. A table with a title column ("Check name", "Check", "Item") and a
//! "Description" column, as several published production-readiness checklists are written, is
//! read as items too (a "Critical" or "Priority" column marks them).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;

/// One block of the document, in order; roles are decided once the whole file is read.
#[derive(Debug)]
enum Block {
    Heading {
        level: usize,
        text: String,
    },
    Task(Task),
    Code {
        lang: Option<String>,
        text: String,
    },
    Paragraph(String),
    /// A plain (non-task) list item: what a quick-reference list is made of.
    Bullet(String),
    /// A table row; `head` for the header row.
    TableRow {
        cells: Vec<String>,
        head: bool,
    },
}

struct OpenItem {
    inline: Inline,
    task: bool,
    notes: Vec<String>,
    /// Where in the blocks it began: tasks nested in it are pushed before it ends.
    start: usize,
}

#[derive(Debug, Default)]
struct Task {
    title: String,
    description: String,
    /// Plain sub-points under the task, kept in its description.
    notes: Vec<String>,
    /// Marked critical where it was written (a table's "Critical" column).
    critical: bool,
}

/// Inline text rendered twice: links as their text (for titles) and as "text (url)" (for
/// descriptions), with where a leading `**bold**` ended in each.
#[derive(Default)]
struct Inline {
    title: String,
    desc: String,
    lead_strong: Option<(usize, usize)>,
    strong_open: bool,
    at_start: bool,
}

impl Inline {
    fn new() -> Inline {
        Inline { at_start: true, ..Inline::default() }
    }
    fn push(&mut self, s: &str) {
        if !s.is_empty() {
            self.at_start = false;
        }
        self.title.push_str(s);
        self.desc.push_str(s);
    }
    fn split(self) -> (String, String) {
        match self.lead_strong {
            Some((t, d)) => {
                let title = tidy(&self.title[..t]);
                let rest = self.desc[d..].trim_start();
                let rest = rest.trim_start_matches([':', '-', '–', '—']).trim_start();
                (title, tidy(rest))
            }
            None => (tidy(&self.title), String::new()),
        }
    }
}

fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the markdown into blocks.
fn blocks(md: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    // Open list items, innermost last.
    let mut items: Vec<OpenItem> = Vec::new();
    let mut heading: Option<(usize, Inline)> = None;
    let mut para: Option<Inline> = None;
    let mut code: Option<(Option<String>, String)> = None;
    let mut row: Option<(Vec<String>, bool)> = None;
    let mut cell: Option<Inline> = None;
    let mut link: Vec<String> = Vec::new();
    for event in Parser::new_ext(md, opts) {
        // Where inline text goes: a table cell, a heading, the innermost list item, a paragraph.
        macro_rules! target {
            () => {
                if let Some(c) = cell.as_mut() {
                    Some(c)
                } else if let Some((_, h)) = heading.as_mut() {
                    Some(h)
                } else if let Some(i) = items.last_mut() {
                    Some(&mut i.inline)
                } else {
                    para.as_mut()
                }
            };
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((heading_level(level), Inline::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, h)) = heading.take() {
                    out.push(Block::Heading { level, text: tidy(&h.title) });
                }
            }
            Event::Start(Tag::Item) => items.push(OpenItem {
                inline: Inline::new(),
                task: false,
                notes: Vec::new(),
                start: out.len(),
            }),
            Event::TaskListMarker(_) => {
                if let Some(i) = items.last_mut() {
                    i.task = true;
                }
            }
            Event::End(TagEnd::Item) => {
                let Some(item) = items.pop() else { continue };
                match (item.task, items.last_mut()) {
                    (true, _) => {
                        let (title, description) = item.inline.split();
                        // Tasks nested in this one ended first: this one goes ahead of them.
                        out.insert(
                            item.start,
                            Block::Task(Task { title, description, notes: item.notes, critical: false }),
                        );
                    }
                    // A plain sub-point of a task belongs to that task.
                    (false, Some(parent)) if parent.task => parent.notes.push(tidy(&item.inline.desc)),
                    (false, _) => out.push(Block::Bullet(tidy(&item.inline.title))),
                }
            }
            Event::Start(Tag::Paragraph) if items.is_empty() => para = Some(Inline::new()),
            Event::End(TagEnd::Paragraph) => match (items.last_mut(), para.take()) {
                // Paragraphs of a loose list item run on in its text.
                (Some(i), _) => i.inline.push(" "),
                (None, Some(p)) => out.push(Block::Paragraph(tidy(&p.desc))),
                (None, None) => {}
            },
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().filter(|l| !l.is_empty()).map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, text)) = code.take() {
                    out.push(Block::Code { lang, text: text.trim_end().to_string() });
                }
            }
            Event::Start(Tag::TableHead) => row = Some((Vec::new(), true)),
            Event::Start(Tag::TableRow) => row = Some((Vec::new(), false)),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                if let Some((cells, head)) = row.take() {
                    out.push(Block::TableRow { cells, head });
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(Inline::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((cells, _))) = (cell.take(), row.as_mut()) {
                    cells.push(tidy(&c.title));
                }
            }
            Event::Start(Tag::Strong) => {
                if let Some(t) = target!()
                    && t.at_start
                    && t.lead_strong.is_none()
                {
                    t.strong_open = true;
                }
            }
            Event::End(TagEnd::Strong) => {
                if let Some(t) = target!()
                    && t.strong_open
                {
                    t.strong_open = false;
                    t.lead_strong = Some((t.title.len(), t.desc.len()));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let (Some(url), Some(t)) = (link.pop(), target!())
                    && !url.is_empty()
                    && !t.desc.ends_with(url.as_str())
                {
                    t.desc.push_str(&format!(" ({url})"));
                }
            }
            Event::Text(s) => match (code.as_mut(), target!()) {
                (Some((_, text)), _) => text.push_str(&s),
                (None, Some(t)) => t.push(&s),
                _ => {}
            },
            Event::Code(s) => {
                if let Some(t) = target!() {
                    t.push(&format!("`{s}`"));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(t) = target!() {
                    t.title.push(' ');
                    t.desc.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

fn heading_level(level: HeadingLevel) -> usize {
    level as usize
}

#[derive(Serialize)]
struct Doc {
    schema_version: i64,
    id: String,
    name: String,
    version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    sections: Vec<SectionOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signoff: Vec<SignoffOut>,
}

#[derive(Serialize)]
struct SectionOut {
    id: String,
    title: String,
    groups: Vec<GroupOut>,
}

#[derive(Serialize)]
struct GroupOut {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    guidance_lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    guidance: Option<String>,
    items: Vec<ItemOut>,
}

#[derive(Serialize)]
struct ItemOut {
    id: String,
    title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    critical: bool,
}

#[derive(Serialize)]
struct SignoffOut {
    area: String,
}

/// What the headings that hold no items are for.
#[derive(PartialEq)]
enum Context {
    Items,
    QuickReference,
    SignOff,
    Other,
}

/// The golive checklist (TOML) that the markdown `md` describes; `file` names it in messages and
/// gives the checklist its name when no `#` heading does.
pub fn to_toml(file: &str, md: &str) -> anyhow::Result<String> {
    let doc = assemble(file, md)?;
    let header = format!(
        "# Imported by `golive import` from {file}.\n# Ids come from the titles; attach checks with \
         `probe = {{ kind = ... }}` (see `golive probes`).\n\n"
    );
    Ok(header + &toml::to_string(&doc).expect("an imported checklist serialises"))
}

fn assemble(file: &str, md: &str) -> anyhow::Result<Doc> {
    let blocks = table_items(blocks(md));
    let headings: Vec<(usize, usize)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Heading { level, .. } => Some((i, *level)),
            _ => None,
        })
        .collect();
    // The one `#` heading that opens the file names the checklist.
    let title_at = match headings.first() {
        Some(&(i, 1)) if headings.iter().filter(|(_, l)| *l == 1).count() == 1 => Some(i),
        _ => None,
    };
    // Whether a heading has tasks under it (before the next heading at its level or above).
    let has_tasks = |at: usize, level: usize| {
        blocks[at + 1..]
            .iter()
            .take_while(|b| !matches!(b, Block::Heading { level: l, .. } if *l <= level))
            .any(|b| matches!(b, Block::Task(_)))
    };
    let mut levels: Vec<usize> =
        headings.iter().filter(|&&(i, l)| Some(i) != title_at && has_tasks(i, l)).map(|&(_, l)| l).collect();
    levels.sort_unstable();
    levels.dedup();
    let section_level = levels.first().copied().unwrap_or(usize::MAX);
    let group_level = levels.get(1).copied().unwrap_or(usize::MAX);

    let name = match title_at.map(|i| &blocks[i]) {
        Some(Block::Heading { text, .. }) if !text.is_empty() => text.clone(),
        _ => file_stem(file),
    };
    let mut description = String::new();
    let mut sections: Vec<SectionOut> = Vec::new();
    let mut group_base: Option<String> = None;
    let mut context = Context::Other;
    let mut quick: Vec<String> = Vec::new();
    let mut signoff: Vec<SignoffOut> = Vec::new();
    let mut section_ids = Ids::default();
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { .. } if Some(i) == title_at => {}
            Block::Heading { level, text } => {
                let text = strip_number(text);
                let tasks = has_tasks(i, *level);
                if *level <= section_level {
                    group_base = None;
                    // A heading with items is a section whatever it is called ("Critical checks").
                    context = if tasks { Context::Items } else { special(&text).unwrap_or(Context::Other) };
                    if context == Context::Items {
                        let id = section_ids.next(&slug(&text, "section"));
                        sections.push(SectionOut { id, title: text, groups: Vec::new() });
                    }
                } else if !tasks && let Some(c) = special(&text) {
                    context = c;
                } else if context == Context::Items {
                    let title = match (&group_base, *level <= group_level) {
                        (Some(base), false) => format!("{base} / {text}"),
                        _ => {
                            group_base = Some(text.clone());
                            text
                        }
                    };
                    if let Some(s) = sections.last_mut() {
                        s.groups.push(GroupOut { title, guidance_lang: None, guidance: None, items: vec![] });
                    }
                }
            }
            Block::Task(task) => {
                if context != Context::Items || sections.is_empty() {
                    // Tasks outside any section heading: one section named for the checklist.
                    context = Context::Items;
                    let id = section_ids.next(&slug(&name, "checklist"));
                    sections.push(SectionOut { id, title: name.clone(), groups: Vec::new() });
                }
                let section = sections.last_mut().expect("a section exists");
                if section.groups.is_empty() {
                    let title = section.title.clone();
                    section.groups.push(GroupOut {
                        title,
                        guidance_lang: None,
                        guidance: None,
                        items: vec![],
                    });
                }
                let group = section.groups.last_mut().expect("a group exists");
                let mut description = task.description.clone();
                for note in task.notes.iter().filter(|n| !n.is_empty()) {
                    if !description.is_empty() {
                        description.push_str("; ");
                    }
                    description.push_str(note);
                }
                let title = if task.title.is_empty() { description.clone() } else { task.title.clone() };
                if title.is_empty() {
                    continue;
                }
                group.items.push(ItemOut { id: String::new(), title, description, critical: task.critical });
            }
            Block::Code { lang, text } => {
                if context == Context::Items
                    && let Some(g) = sections.last_mut().and_then(|s| s.groups.last_mut())
                {
                    match &mut g.guidance {
                        Some(existing) => {
                            existing.push_str("\n\n");
                            existing.push_str(text);
                        }
                        None => {
                            g.guidance = Some(text.clone());
                            g.guidance_lang = lang.clone();
                        }
                    }
                }
            }
            Block::Paragraph(text) => {
                if sections.is_empty() && description.is_empty() && context == Context::Other {
                    description = text.clone();
                }
            }
            Block::Bullet(text) => {
                if context == Context::QuickReference {
                    quick.push(text.clone());
                }
                // A "Sign-offs required" list: each line an area ("Security lead: name, date").
                let area = text
                    .split([':', '('])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_end_matches(['-', '–'])
                    .trim();
                if context == Context::SignOff && !area.is_empty() && !signoff.iter().any(|s| s.area == area)
                {
                    signoff.push(SignoffOut { area: area.to_string() });
                }
            }
            Block::TableRow { cells, head } => {
                if context == Context::SignOff
                    && !head
                    && let Some(area) = cells.first().filter(|a| !a.is_empty())
                    && !signoff.iter().any(|s| &s.area == area)
                {
                    signoff.push(SignoffOut { area: area.clone() });
                }
            }
        }
    }
    for s in &mut sections {
        s.groups.retain(|g| !g.items.is_empty());
    }
    sections.retain(|s| !s.groups.is_empty());
    if sections.is_empty() {
        anyhow::bail!(
            "{file}: no checklist items found (an item is a task list line: `- [ ] Title - description`)"
        );
    }
    let mut item_ids = Ids::default();
    for s in &mut sections {
        for g in &mut s.groups {
            for item in &mut g.items {
                item.id = item_ids.next(&format!("{}.{}", s.id, slug(&item.title, "item")));
            }
        }
    }
    mark_critical(&mut sections, &quick);
    Ok(Doc {
        schema_version: 1,
        id: slug(&name, "imported"),
        name,
        version: version_of(md),
        description,
        sections,
        signoff,
    })
}

/// Quick-reference lines read "Scope: phrase, phrase"; each phrase marks the item in that section
/// or group whose title shares the most words with it (description words count half).
fn mark_critical(sections: &mut [SectionOut], quick: &[String]) {
    for line in quick {
        let (scope, phrases) = match line.split_once(':') {
            Some((scope, rest)) => (words(scope), rest),
            None => (HashSet::new(), line.as_str()),
        };
        let in_scope = |section: &SectionOut, group: &GroupOut| {
            scope.is_empty()
                || !scope.is_disjoint(&words(&section.title))
                || !scope.is_disjoint(&words(&group.title))
        };
        let scoped = sections.iter().any(|s| s.groups.iter().any(|g| in_scope(s, g)));
        for phrase in phrases.split([',', ';']).flat_map(|p| p.split(" and ")) {
            let want = words(phrase);
            if want.is_empty() {
                continue;
            }
            let mut best: Option<((usize, usize, usize), usize)> = None;
            for (si, s) in sections.iter().enumerate() {
                for (gi, g) in s.groups.iter().enumerate() {
                    if scoped && !in_scope(s, g) {
                        continue;
                    }
                    for (ii, item) in g.items.iter().enumerate() {
                        let score = 2 * want.intersection(&words(&item.title)).count()
                            + want.intersection(&words(&item.description)).count();
                        if score >= 2 && best.is_none_or(|(_, b)| score > b) {
                            best = Some(((si, gi, ii), score));
                        }
                    }
                }
            }
            if let Some(((si, gi, ii), _)) = best {
                sections[si].groups[gi].items[ii].critical = true;
            }
        }
    }
}

/// Lowercase words without the small ones, a plural `s` dropped, for matching phrases to titles.
fn words(text: &str) -> HashSet<String> {
    const SMALL: [&str; 12] = ["a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "with", "no"];
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !SMALL.contains(w))
        .map(|w| if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") { &w[..w.len() - 1] } else { w })
        .map(str::to_string)
        .collect()
}

/// Rows of a table of checks become task items; other tables are left as they are.
fn table_items(blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut columns: Option<(usize, usize, Option<usize>)> = None;
    for block in blocks {
        match block {
            Block::TableRow { cells, head: true } => {
                columns = item_columns(&cells);
                if columns.is_none() {
                    out.push(Block::TableRow { cells, head: true });
                }
            }
            Block::TableRow { cells, head: false } if columns.is_some() => {
                let (t, d, c) = columns.expect("checked");
                let cell = |i: usize| cells.get(i).map(|s| tidy(s)).unwrap_or_default();
                let critical = c.is_some_and(|c| {
                    let v = cell(c).to_lowercase();
                    ["yes", "y", "true", "x", "✓", "✔", "critical", "high", "p0", "p1", "required", "must"]
                        .contains(&v.trim_matches(['*', '`', ' ']))
                });
                let (title, description) = (cell(t), cell(d));
                if !title.is_empty() || !description.is_empty() {
                    out.push(Block::Task(Task { title, description, notes: vec![], critical }));
                }
            }
            other => {
                if !matches!(other, Block::TableRow { .. }) {
                    columns = None;
                }
                out.push(other);
            }
        }
    }
    out
}

/// A head row's title, description and (optional) criticality columns, when it is a table of
/// checks.
fn item_columns(head: &[String]) -> Option<(usize, usize, Option<usize>)> {
    let names: Vec<String> = head.iter().map(|c| c.trim().trim_matches('*').to_lowercase()).collect();
    let find = |want: &[&str]| names.iter().position(|n| want.contains(&n.as_str()));
    let title = find(&["check name", "check", "item", "control", "requirement", "title", "name", "task"])?;
    let description = find(&["description", "details", "what to check", "how to verify", "criteria"])?;
    let critical = find(&["critical", "priority", "severity", "required", "must have"]);
    (title != description).then_some((title, description, critical))
}

fn special(heading: &str) -> Option<Context> {
    let h = heading.to_lowercase();
    if h.contains("quick reference") || h.contains("critical") {
        Some(Context::QuickReference)
    } else if h.contains("sign-off") || h.contains("sign off") || h.contains("signoff") {
        Some(Context::SignOff)
    } else {
        None
    }
}

/// "1. Security" and "2.3) Network" are numbered for reading; the number is not the title.
fn strip_number(text: &str) -> String {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    match rest.strip_prefix(')').unwrap_or(rest).strip_prefix(' ') {
        Some(r) if rest.len() < text.len() && !r.trim().is_empty() => r.trim().to_string(),
        _ => text.to_string(),
    }
}

/// An id from a title: lowercase ASCII letters and digits, runs of anything else as one `-`.
fn slug(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() { fallback.to_string() } else { out.chars().take(60).collect() }
}

/// Hands out ids, numbering repeats (`-2`, `-3`) so every one is unique.
#[derive(Default)]
struct Ids(HashSet<String>);

impl Ids {
    fn next(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 1;
        while !self.0.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }
}

/// The checklist's version: the file's content hash, so a session records which text it answered.
fn version_of(md: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(md.replace("\r\n", "\n").as_bytes());
    format!("md-{}", digest.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>())
}

fn file_stem(file: &str) -> String {
    let stem = std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().to_string());
    let stem = stem.unwrap_or_else(|| "Checklist".into()).replace(['-', '_'], " ");
    let mut chars = stem.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Checklist".into(),
    }
}
