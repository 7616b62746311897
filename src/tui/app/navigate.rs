//! Moving around: sections, items, panes, the mouse, scrolling and search, with what the session
//! remembers of it.

use super::*;

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

    /// `F`: only fail items, then blocked, then todo, then all again; a status nothing has is
    /// passed over.
    pub(super) fn cycle_filter(&mut self) {
        use crate::session::Status;
        const ORDER: [Status; 3] = [Status::Fail, Status::Blocked, Status::Todo];
        let start = match self.nav.filter {
            None => 0,
            Some(f) => ORDER.iter().position(|s| *s == f).map_or(3, |n| n + 1),
        };
        for &status in &ORDER[start.min(3)..] {
            let items = self.matching(status);
            if let Some(&first) = items.first() {
                self.nav.filter = Some(status);
                self.nav.filtered = items;
                let pick =
                    if self.nav.filtered.contains(&self.nav.selected) { self.nav.selected } else { first };
                self.select(pick);
                return;
            }
        }
        self.nav.filter = None;
        self.nav.filtered.clear();
        self.select(self.nav.selected);
        if start == 0 {
            self.info("Nothing is fail, blocked or todo.".into());
        }
    }

    /// The items (critical ones in the critical view) whose status is `status`.
    fn matching(&self, status: crate::session::Status) -> Vec<usize> {
        (0..self.checklist.items.len())
            .filter(|&i| !self.nav.critical_only || self.checklist.items[i].critical)
            .filter(|&i| self.session.status(&self.checklist.items[i].id) == status)
            .collect()
    }

    /// The filter's items again after a change; the selected item stays until the selection moves.
    pub(super) fn refilter(&mut self) {
        let Some(status) = self.nav.filter else { return };
        let mut items = self.matching(status);
        if !items.contains(&self.nav.selected) {
            items.push(self.nav.selected);
            items.sort_unstable();
        }
        self.nav.filtered = items;
    }

    pub(super) fn goto_section(&mut self, s: usize) {
        // A section is asked for: the whole of it, not the filter's part.
        self.nav.filter = None;
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
        if self.nav.filter.is_some() && !self.nav.filtered.contains(&i) {
            self.nav.filter = None;
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
