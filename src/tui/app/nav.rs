//! Moving around: sections, items, panes, the mouse, scrolling and search. [`Nav`] owns where
//! the person is and keeps what follows from it in step; `App` adds what the session remembers.

use super::*;

/// Where the person is: the pane with focus, the selected item and how the panes are scrolled.
#[derive(Debug, Clone)]
pub struct Nav {
    pub focus: Pane,
    /// Index into `checklist.items`.
    pub selected: usize,
    pub critical_only: bool,
    /// The evidence line selected in the detail pane.
    pub evidence_sel: usize,
    pub detail_scroll: u16,
    /// The first row the items pane shows.
    pub items_offset: usize,
    /// The item last selected in each section, to return to it.
    last_in_section: Vec<usize>,
}

impl Nav {
    pub(super) fn new(checklist: &Checklist, selected: usize, critical_only: bool) -> Nav {
        Nav {
            focus: Pane::Items,
            selected,
            critical_only,
            evidence_sel: 0,
            detail_scroll: 0,
            items_offset: 0,
            last_in_section: checklist.sections.iter().map(|s| s.items.start).collect(),
        }
    }

    pub fn section(&self, checklist: &Checklist) -> usize {
        checklist.items[self.selected].section
    }

    /// Items the middle pane shows, in order.
    pub fn visible_items(&self, checklist: &Checklist) -> Vec<usize> {
        if self.critical_only {
            (0..checklist.items.len()).filter(|&i| checklist.items[i].critical).collect()
        } else {
            checklist.sections[self.section(checklist)].items.clone().collect()
        }
    }

    pub fn rows(&self, checklist: &Checklist) -> Vec<Row> {
        let mut rows = Vec::new();
        if self.critical_only {
            let mut last = None;
            for i in self.visible_items(checklist) {
                let s = checklist.items[i].section;
                if last != Some(s) {
                    rows.push(Row::Heading { section: s, group: None });
                    last = Some(s);
                }
                rows.push(Row::Item(i));
            }
        } else {
            let s = self.section(checklist);
            for (g, group) in checklist.sections[s].groups.iter().enumerate() {
                rows.push(Row::Heading { section: s, group: Some(g) });
                rows.extend(group.items.clone().map(Row::Item));
            }
        }
        rows
    }

    /// Selects item `i`: a new item starts with its detail unscrolled, and its section remembers it.
    fn select(&mut self, checklist: &Checklist, i: usize, height: usize) {
        if i != self.selected {
            self.evidence_sel = 0;
            self.detail_scroll = 0;
        }
        self.selected = i;
        self.last_in_section[checklist.items[i].section] = i;
        self.scroll_items(checklist, height);
    }

    /// Keeps the selected row (and its heading, when there is room) inside an items pane of
    /// `height` rows.
    fn scroll_items(&mut self, checklist: &Checklist, height: usize) {
        let height = height.max(1);
        let rows = self.rows(checklist);
        let Some(idx) = rows.iter().position(|r| *r == Row::Item(self.selected)) else { return };
        let top = if idx > 0 && matches!(rows[idx - 1], Row::Heading { .. }) { idx - 1 } else { idx };
        if top < self.items_offset {
            self.items_offset = top;
        } else if idx >= self.items_offset + height {
            self.items_offset = idx + 1 - height;
        }
        self.items_offset = self.items_offset.min(rows.len().saturating_sub(height));
    }

    fn cycle_pane(&mut self, delta: i8) {
        const ORDER: [Pane; 3] = [Pane::Sections, Pane::Items, Pane::Detail];
        let i = ORDER.iter().position(|p| *p == self.focus).unwrap_or(1) as i8;
        self.focus = ORDER[(i + delta).rem_euclid(3) as usize];
    }

    /// Moves the evidence selection when there is evidence (`n` lines), else scrolls the detail.
    fn step_detail(&mut self, delta: isize, n: usize) {
        if n > 0 {
            self.evidence_sel =
                (self.evidence_sel as isize).saturating_add(delta).clamp(0, n as isize - 1) as usize;
        } else {
            self.detail_scroll = self.detail_scroll.saturating_add_signed(delta.clamp(-1000, 1000) as i16);
        }
    }

    pub(super) fn scroll_detail(&mut self, delta: i16) {
        self.detail_scroll = self.detail_scroll.saturating_add_signed(delta);
    }
}

impl App {
    /// Items the middle pane shows, in order.
    pub fn visible_items(&self) -> Vec<usize> {
        self.nav.visible_items(&self.checklist)
    }

    pub fn rows(&self) -> Vec<Row> {
        self.nav.rows(&self.checklist)
    }

    pub(super) fn on_mouse(&mut self, ev: MouseEvent) -> Vec<Effect> {
        if self.input.is_some() || self.overlay != Overlay::None {
            return vec![];
        }
        let a = self.areas();
        let (x, y) = (ev.column, ev.row);
        match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if layout::contains(a.sections, x, y) {
                    self.nav.focus = Pane::Sections;
                    let row = y.saturating_sub(a.sections.y + 1) as usize;
                    if y > a.sections.y && row < self.checklist.sections.len() {
                        self.goto_section(row);
                    }
                } else if layout::contains(a.items, x, y) {
                    self.nav.focus = Pane::Items;
                    let row = self.nav.items_offset + y.saturating_sub(a.items.y + 1) as usize;
                    if y > a.items.y
                        && let Some(Row::Item(i)) = self.rows().get(row)
                    {
                        self.select(*i);
                    }
                } else if layout::contains(a.detail, x, y) {
                    self.nav.focus = Pane::Detail;
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if ev.kind == MouseEventKind::ScrollDown { 1 } else { -1 };
                if layout::contains(a.detail, x, y) {
                    self.nav.scroll_detail(delta as i16 * 3);
                } else if layout::contains(a.sections, x, y) {
                    let s = self.section() as isize + delta;
                    if s >= 0 && (s as usize) < self.checklist.sections.len() {
                        self.goto_section(s as usize);
                    }
                } else if layout::contains(a.items, x, y) {
                    self.move_item(delta);
                }
            }
            _ => {}
        }
        vec![]
    }

    pub(super) fn step(&mut self, delta: isize) {
        match self.nav.focus {
            Pane::Sections => {
                let n = self.checklist.sections.len() as isize;
                let s = (self.section() as isize).saturating_add(delta).clamp(0, n - 1) as usize;
                self.goto_section(s);
            }
            Pane::Items => self.move_item(delta),
            Pane::Detail => {
                let n = self.session.record(&self.item_id()).map_or(0, |r| r.evidence.len());
                self.nav.step_detail(delta, n);
            }
        }
    }

    pub(super) fn move_item(&mut self, delta: isize) {
        let visible = self.visible_items();
        let pos = visible.iter().position(|&i| i == self.nav.selected).unwrap_or(0) as isize;
        let new = pos.saturating_add(delta).clamp(0, visible.len() as isize - 1) as usize;
        self.select(visible[new]);
    }

    pub(super) fn cycle_pane(&mut self, delta: i8) {
        self.nav.cycle_pane(delta);
    }

    pub(super) fn goto_section(&mut self, s: usize) {
        let remembered = self.nav.last_in_section[s];
        if self.nav.critical_only {
            let first = self.visible_items().into_iter().find(|&i| self.checklist.items[i].section == s);
            match first {
                Some(i) if !self.checklist.items[remembered].critical => self.select(i),
                Some(_) => self.select(remembered),
                None => self.info(format!("Section {} has no critical items (c shows all).", s + 1)),
            }
        } else {
            self.select(remembered);
        }
    }

    /// Selects item `i`; everything that follows from the selection is kept in step here, the
    /// session's memory of it included.
    pub(super) fn select(&mut self, i: usize) {
        let height = layout::inner_height(self.areas().items);
        self.nav.select(&self.checklist, i, height);
        self.session.ui.item = Some(self.checklist.items[i].id.clone());
        self.session.ui.critical_only = self.nav.critical_only;
    }

    /// Keeps the selected row inside the items pane (after the pane changed size).
    pub(super) fn scroll_items(&mut self) {
        let height = layout::inner_height(self.areas().items);
        self.nav.scroll_items(&self.checklist, height);
    }

    pub(super) fn half_page(&self) -> u16 {
        (layout::inner_height(self.areas().detail) / 2).max(1) as u16
    }

    /// Selects an item even when the critical view hides it.
    pub(super) fn show(&mut self, i: usize) {
        if self.nav.critical_only && !self.checklist.items[i].critical {
            self.nav.critical_only = false;
        }
        self.select(i);
    }

    pub(super) fn run_search(&mut self, query: &str, origin: usize) {
        let q = query.trim().to_lowercase();
        self.search.query = query.trim().to_string();
        self.search.matches = if q.is_empty() {
            vec![]
        } else {
            self.checklist
                .items
                .iter()
                .enumerate()
                .filter(|(_, it)| {
                    it.title.to_lowercase().contains(&q) || it.description.to_lowercase().contains(&q)
                })
                .map(|(i, _)| i)
                .collect()
        };
        // Live: jump to the first match at or after where the search started.
        let m = &self.search.matches;
        if let Some(&i) = m.iter().find(|&&i| i >= origin).or(m.first()) {
            self.show(i);
        } else {
            self.select(origin);
        }
    }

    pub(super) fn next_match(&mut self, delta: isize) {
        let m = &self.search.matches;
        if m.is_empty() {
            self.info("No search: press / to search.".into());
            return;
        }
        let next = if delta > 0 {
            m.iter().find(|&&i| i > self.nav.selected).or(m.first())
        } else {
            m.iter().rev().find(|&&i| i < self.nav.selected).or(m.last())
        };
        let i = *next.expect("matches are not empty");
        let pos = m.iter().position(|&x| x == i).unwrap_or(0);
        let n = m.len();
        self.show(i);
        self.info(format!("Match {}/{n} for {:?}", pos + 1, self.search.query));
    }
}
