//! Bringing a requested position into view ([`ScrollTarget`]): the row of
//! one code point, or of two (a relation's ends) when both fit in the view.
//!
//! A child of the article view, so that it reads its layout; it lays out
//! the paragraphs it scrolls to and asks egui to scroll, nothing more.
//! Must not touch: the document.

use egui::{Align, Rect, Ui, pos2, vec2};

use super::{ArticleView, Metrics, ScrollTarget, TOP_MARGIN, row_top_of};
use crate::model::{CharIdx, Document};

impl ArticleView {
    /// Scrolls so that `target.at` shows, with `target.with` when both
    /// rows fit in the view (then centred together); nothing when what is
    /// asked for shows already. `viewport`: the part shown (content
    /// coordinates).
    pub(super) fn scroll_into_view(&mut self, ui: &Ui, doc: &Document, target: ScrollTarget, viewport: Rect, width: f32, fs: f32) {
        // In text order: laying out a paragraph moves only those after it.
        let mut wanted: Vec<CharIdx> = std::iter::once(target.at).chain(target.with).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let rows: Vec<(CharIdx, Rect)> = wanted.iter().filter_map(|&c| Some((c, self.row_rect(ui, doc, c, width, fs)?))).collect();
        let shown = wanted.iter().all(|&c| self.text_band_of(c).is_some_and(|(a, b)| a >= viewport.min.y && b <= viewport.max.y));
        if shown {
            return;
        }
        let Some(at) = rows.iter().find(|(c, _)| *c == target.at).or(rows.first()).map(|x| x.1) else { return };
        let both = rows.iter().fold(at, |r, x| r.union(x.1));
        let r = if both.height() <= viewport.height() { both } else { at };
        ui.scroll_to_rect(r, Some(Align::Center));
    }

    /// The row holding `target` (screen coordinates, a line high), its
    /// paragraph laid out first; `None` when no paragraph holds it.
    fn row_rect(&mut self, ui: &Ui, doc: &Document, target: CharIdx, width: f32, fs: f32) -> Option<Rect> {
        let last = self.paras.len().saturating_sub(1);
        // The first paragraph that holds it (sorted by start: a binary
        // search, not a walk over a million paragraphs).
        let after = self.paras.partition_point(|p| p.end < target);
        let k = self.paras.get(after).filter(|p| target >= p.start).map(|_| after).or_else(|| {
            // Past every paragraph: the last one.
            self.paras.last().filter(|p| target >= p.start).map(|_| last)
        })?;
        // Its top before it is laid out (which changes only its own height).
        let y = self.tops.top(k);
        self.layout(ui, doc, k, width, fs);
        let p = self.paras.get(k)?;
        let row_y = p.galley().map_or(0.0, |g| row_top_of(g, p.map(), target - p.start));
        let top = ui.min_rect().top() + TOP_MARGIN + y + row_y;
        Some(Rect::from_min_size(pos2(ui.min_rect().left(), top), vec2(10.0, Metrics::new(fs).line)))
    }
}
