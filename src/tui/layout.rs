//! Where each pane sits for a terminal size. Rendering and mouse hit-testing both call this, so a
//! click always lands on what was drawn.

use ratatui::layout::{Constraint, Layout, Rect};

/// At this width and above the three panes stand side by side.
pub const WIDE: u16 = 120;

/// Banner lines shown under the header at most (there are three kinds of notice).
pub const MAX_BANNER: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub sections: Rect,
    pub items: Rect,
    pub detail: Rect,
    pub footer: Rect,
}

/// `zoom_detail`: on a narrow terminal the detail pane takes the whole body while it has focus,
/// so notes and evidence are readable at 80x24. `banner`: lines under the header (3 at most).
pub fn areas(size: Rect, zoom_detail: bool, banner: usize) -> Areas {
    use Constraint::{Fill, Length, Percentage};
    let header_rows = 2 + banner.min(MAX_BANNER) as u16;
    let [header, body, footer] = Layout::vertical([Length(header_rows), Fill(1), Length(1)]).areas(size);
    if size.width >= WIDE {
        let [sections, items, detail] = Layout::horizontal([Length(36), Percentage(36), Fill(1)]).areas(body);
        Areas { header, sections, items, detail, footer }
    } else if zoom_detail {
        let none = Rect { height: 0, ..body };
        Areas { header, sections: none, items: none, detail: body, footer }
    } else {
        // Narrow terminals (80x24): sections on the left, items above the detail on the right.
        let [sections, right] = Layout::horizontal([Length(28), Fill(1)]).areas(body);
        let [items, detail] = Layout::vertical([Percentage(55), Fill(1)]).areas(right);
        Areas { header, sections, items, detail, footer }
    }
}

/// Rows inside a bordered pane.
pub fn inner_height(r: Rect) -> usize {
    r.height.saturating_sub(2) as usize
}

/// A box centred in `area`, at most `w` x `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}
