//! Where the person is: [`Nav`] owns the selection and the scrolling of the panes and keeps what
//! follows from them in step.

use super::state::{Pane, Row};
use crate::checklist::Checklist;

/// Where the person is: the pane with focus, the selected item and how the panes are scrolled.
#[derive(Debug, Clone)]
pub struct Nav {
    pub focus: Pane,
    /// Index into `checklist.items`.
    pub selected: usize,
    pub critical_only: bool,
    /// Only the items with this status, across sections (`F`); `None`: no filter.
    pub filter: Option<crate::session::Status>,
    /// The items the filter shows, kept by the app as statuses change; the selected item stays
    /// in it until the selection moves, so an item does not vanish while it is being answered.
    pub(super) filtered: Vec<usize>,
    /// The evidence line selected in the detail pane.
    pub evidence_sel: usize,
    pub detail_scroll: u16,
    /// The first row the items pane shows.
    pub items_offset: usize,
    /// The item last selected in each section, to return to it.
    pub(super) last_in_section: Vec<usize>,
}

impl Nav {
    pub(super) fn new(checklist: &Checklist, selected: usize, critical_only: bool) -> Nav {
        Nav {
            focus: Pane::Items,
            selected,
            critical_only,
            filter: None,
            filtered: Vec::new(),
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
        if self.filter.is_some() {
            self.filtered.clone()
        } else if self.critical_only {
            (0..checklist.items.len()).filter(|&i| checklist.items[i].critical).collect()
        } else {
            checklist.sections[self.section(checklist)].items.clone().collect()
        }
    }

    pub fn rows(&self, checklist: &Checklist) -> Vec<Row> {
        let mut rows = Vec::new();
        if self.critical_only || self.filter.is_some() {
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
    pub(super) fn select(&mut self, checklist: &Checklist, i: usize, height: usize) {
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
    pub(super) fn scroll_items(&mut self, checklist: &Checklist, height: usize) {
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

    pub(super) fn cycle_pane(&mut self, delta: i8) {
        const ORDER: [Pane; 3] = [Pane::Sections, Pane::Items, Pane::Detail];
        let i = ORDER.iter().position(|p| *p == self.focus).unwrap_or(1) as i8;
        self.focus = ORDER[(i + delta).rem_euclid(3) as usize];
    }

    /// Moves the evidence selection when there is evidence (`n` lines), else scrolls the detail.
    pub(super) fn step_detail(&mut self, delta: isize, n: usize) {
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
