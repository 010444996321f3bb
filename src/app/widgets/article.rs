//! The article view: the text, wrapped, with entity spans highlighted in their
//! label's colour and labelled, suggestions outlined, and relations drawn as
//! labelled arcs (brat-style) between spans.
//!
//! Owns: paragraph layout and its cache (one galley per paragraph, or per
//! piece of a very long one, keyed by the document's text hash, the wrap
//! width and the font size; only paragraphs near the visible part are laid
//! out), hit-testing, drawing. A galley's glyphs point into egui's font
//! atlas, which egui rebuilds when the theme changes (light and dark text
//! are rasterized differently), the fonts change or the atlas fills up: the
//! cached galleys are dropped then (see [`ArticleView::ui`]).
//! Returns [`Command`]s; it never changes the document.

use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Align, Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, StrokeKind, TextFormat, Ui, pos2, vec2};

use super::super::commands::Command;
use super::super::parts::{part_at, snap_to_parts};
use super::super::state::{RelationChoice, RelationDraft, ScrollTarget, Selection};
use super::arcs::{ArcStyle, arc, dashed_rect};
use super::glyph_map::GlyphMap;
use super::para::{Laid, Para, Tops};
use crate::model::{CharIdx, Document, RelationEnd, Schema, SpanId, SuggestionId};

#[path = "article_scroll.rs"]
mod scroll;

/// Documents shorter than this are laid out whole on open (exact heights);
/// longer ones paragraph by paragraph as they come into view.
const EAGER_LAYOUT_CHARS: usize = 200_000;
/// A paragraph longer than this is laid out in pieces of about this size
/// (each piece starts a row): laying out a 10 MB line at once took the
/// window most of a minute.
const LONG_PARAGRAPH_CHARS: usize = 4_000;
/// Paragraphs near (not in) the view laid out per frame, ahead of scrolling.
const PREFETCH_PER_FRAME: usize = 2;
/// Room above the first row for arcs.
const TOP_MARGIN: f32 = 30.0;

/// What the article view needs to draw one frame.
pub struct ArticleInput<'a> {
    pub doc: &'a Document,
    pub schema: &'a Schema,
    pub selection: Selection,
    pub draft: Option<&'a RelationDraft>,
    /// The likely relation shown (`c`): drawn as the relation being drawn is.
    pub pick: Option<&'a RelationChoice>,
    pub show_relations: bool,
    pub font_size: f32,
    /// Bring this code point (and another with it, if both fit) into view.
    pub scroll_to: Option<ScrollTarget>,
}

/// What the article view asks for.
#[derive(Default)]
pub struct ArticleOutput {
    pub commands: Vec<Command>,
    /// The requested scroll was done.
    pub scrolled: bool,
    /// The text drawn this frame `(start, end)`: from the first visible
    /// paragraph's start to the last one's end.
    pub in_view: Option<(CharIdx, CharIdx)>,
}

/// Layout cache and drag state of the article view.
#[derive(Default)]
pub struct ArticleView {
    key: Option<(String, u32, u32)>,
    paras: Vec<Para>,
    /// Where each paragraph starts (their heights' running sums).
    tops: Tops,
    drag_anchor: Option<CharIdx>,
    /// Where the first paragraph was drawn last frame (screen coordinates).
    origin: Option<Pos2>,
    /// Paragraph layouts computed so far (for tests and benchmarks).
    pub layouts: usize,
    /// A small galley laid out through egui's cache every frame: when egui
    /// hands back another one, it has rebuilt its font atlas and every
    /// cached galley points into the old one.
    atlas_probe: Option<Arc<Galley>>,
    /// The part of the scroll area shown last frame (content coordinates).
    viewport: Option<Rect>,
    /// Where that part was on screen.
    view_rect: Option<Rect>,
    /// The width the text was wrapped at last frame.
    wrap_width: f32,
    /// Views to scroll by next frame (±∞: to an end; −∞ on another document).
    scroll_pages: Option<f32>,
    /// The relations of each span, for the document and revision drawn
    /// (only the relations of the spans in view are drawn: going through
    /// all 35,000 of a long article cost a few milliseconds a frame).
    relations_by_span: Option<((String, u64), RelationsBySpan)>,
}

/// The relations each span is an end of, each list sorted by id.
type RelationsBySpan = std::collections::HashMap<SpanId, Vec<crate::model::RelationId>>;

/// [`RelationsBySpan`] of a document.
fn relations_by_span(doc: &Document) -> RelationsBySpan {
    let mut by: RelationsBySpan = Default::default();
    for r in doc.relations() {
        by.entry(r.head).or_default().push(r.id);
        if r.tail != r.head {
            by.entry(r.tail).or_default().push(r.id);
        }
    }
    by
}

/// Vertical metrics of one text row.
struct Metrics {
    line: f32,
    text: f32,
    chip: f32,
}

impl Metrics {
    fn new(font_size: f32) -> Self {
        Self { line: (font_size * 3.1).round(), text: (font_size * 1.35).round(), chip: (font_size * 0.9).round() }
    }
}

/// The article's text colour: near black on the light page, near white on
/// the dark one (egui's default text grey fell to 2.4:1 on a span's fill
/// in the dark theme; WCAG AA asks 4.5:1).
pub fn text_color(visuals: &egui::Visuals) -> Color32 {
    if visuals.dark_mode { Color32::from_gray(228) } else { Color32::from_gray(28) }
}

/// The page the article is drawn on (the central panel's fill).
pub fn page_color(visuals: &egui::Visuals) -> Color32 {
    visuals.panel_fill
}

/// The fill behind a gold span of a label colour, drawn on the page.
pub fn span_fill(rgb: [u8; 3], dark_mode: bool) -> Color32 {
    color32(rgb, if dark_mode { 80 } else { 70 })
}

fn color32(rgb: [u8; 3], alpha: u8) -> Color32 {
    Color32::from_rgba_unmultiplied(rgb[0], rgb[1], rgb[2], alpha)
}

/// The label colour for lines and text drawn on the page background: light
/// colours (yellow) are darkened on a light background, dark ones lightened
/// on a dark background.
fn readable(rgb: [u8; 3], dark_mode: bool) -> [u8; 3] {
    let l = 0.299 * f32::from(rgb[0]) + 0.587 * f32::from(rgb[1]) + 0.114 * f32::from(rgb[2]);
    let scale = |k: f32| rgb.map(|c| (f32::from(c) * k).clamp(0.0, 255.0) as u8);
    if !dark_mode && l > 170.0 {
        scale(0.62)
    } else if dark_mode && l < 90.0 {
        rgb.map(|c| c.saturating_add(90))
    } else {
        rgb
    }
}

/// Black or white, whichever reads better on `rgb`.
fn ink_on(rgb: [u8; 3]) -> Color32 {
    let l = 0.299 * f32::from(rgb[0]) + 0.587 * f32::from(rgb[1]) + 0.114 * f32::from(rgb[2]);
    if l > 140.0 { Color32::BLACK } else { Color32::WHITE }
}

impl ArticleView {
    /// Forgets the layout (another document, or settings changed).
    pub fn reset(&mut self) {
        self.key = None;
        self.paras.clear();
        self.tops = Tops::default();
        self.drag_anchor = None;
        self.origin = None;
        self.viewport = None;
        self.scroll_pages = Some(f32::NEG_INFINITY);
        self.relations_by_span = None;
    }

    /// Scrolls by `pages` views (less a line each) next frame; ±∞: to an end.
    pub fn scroll_pages(&mut self, pages: f32) {
        self.scroll_pages = Some(pages);
    }

    /// The width the text was wrapped at last frame (points).
    pub fn wrap_width(&self) -> f32 {
        self.wrap_width
    }

    /// The part of the text's layout in view last frame (the scroll
    /// area's viewport).
    pub fn viewport(&self) -> Option<Rect> {
        self.viewport
    }

    /// The code point at the middle of the view last frame (where the row
    /// there starts, about): the place to come back to. `None` before the
    /// article was drawn.
    pub fn middle_char(&self) -> Option<CharIdx> {
        let y = self.viewport?.center().y - TOP_MARGIN;
        let k = self.tops.at(y);
        let p = self.paras.get(k).or(self.paras.last())?;
        let Some(g) = p.galley() else { return Some(p.start) };
        let at = g.cursor_from_pos(vec2(0.0, y - self.tops.top(k))).index.0;
        Some(p.start + p.map().char_at_glyph(at).min(p.end - p.start))
    }

    /// Where the article's view was on screen last frame.
    pub fn view_rect(&self) -> Option<Rect> {
        self.view_rect
    }

    /// Whether the row holding character `c` was in view last frame (its
    /// text, not only the room above it for labels and arcs); `None` before
    /// the article was drawn (nothing is known about the view).
    pub fn shows(&self, c: CharIdx) -> Option<bool> {
        let viewport = self.viewport?;
        let (top, bottom) = self.text_band_of(c)?;
        Some(top >= viewport.min.y - 0.5 && bottom <= viewport.max.y + 0.5)
    }

    /// Whether any of the row holding character `c` was in view last frame
    /// (a row the view's edge cuts counts): where a pointer could have made
    /// a selection. `None` before the article was drawn.
    pub fn shows_part(&self, c: CharIdx) -> Option<bool> {
        let viewport = self.viewport?;
        let (top, bottom) = self.text_band_of(c)?;
        Some(bottom > viewport.min.y && top < viewport.max.y)
    }

    /// The vertical extent of the text of the row holding `c`, in the
    /// scroll area's content coordinates, if its paragraph is laid out.
    fn text_band_of(&self, c: CharIdx) -> Option<(f32, f32)> {
        // The first paragraph that holds `c` (its end included).
        let i = self.paras.partition_point(|p| p.end < c);
        let p = self.paras.get(i).filter(|p| c >= p.start)?;
        let y = TOP_MARGIN + self.tops.top(i);
        let g = p.galley()?;
        let k = p.map().caret_glyph(c - p.start);
        let mut seen = 0;
        for row in &g.rows {
            let n = row.glyphs.len();
            if k < seen + n || std::ptr::eq(row, g.rows.last().unwrap_or(row)) {
                // Where its glyphs are painted: a row of the view's line
                // height holds its text above its bottom, not on it.
                return Some(match row.glyphs.first() {
                    Some(gl) => {
                        let top = y + row.pos.y + gl.pos.y - gl.font_ascent;
                        (top, top + gl.font_height)
                    }
                    None => (y + row.pos.y, y + row.pos.y + row.size.y),
                });
            }
            seen += n;
        }
        Some((y, y + p.height))
    }

    /// Where character `c` was drawn last frame (the middle of its glyph,
    /// screen coordinates), if its paragraph was laid out: what a pointer
    /// aims at to point at it.
    pub fn screen_pos(&self, c: CharIdx) -> Option<Pos2> {
        let origin = self.origin?;
        // The paragraph that holds `c` (its end excluded).
        let i = self.paras.partition_point(|p| p.end <= c);
        let p = self.paras.get(i).filter(|p| c >= p.start && c < p.end)?;
        let g = p.galley()?;
        // The code point starts where it is drawn: at a wrapped row's break,
        // the next row's start (not the end of the row above).
        let mut at = egui::text::CCursor::new(p.map().caret_glyph(c - p.start));
        at.prefer_next_row = true;
        let r = g.pos_from_cursor(at);
        let next = g.pos_from_cursor(egui::text::CCursor::new(p.map().caret_glyph(c - p.start + 1)));
        let x = if (next.center().y - r.center().y).abs() < 1.0 { (r.left() + next.left()) / 2.0 } else { r.left() + 2.0 };
        // The row's rect holds the room for labels above the text: the
        // glyph's middle is the middle of the text's band.
        let (top, bottom) = self.text_band_of(c)?;
        Some(pos2(origin.x + x, origin.y - TOP_MARGIN + (top + bottom) / 2.0))
    }

    /// Drops the cached galleys (keeping the paragraphs' heights, so
    /// nothing moves) when egui rebuilt its font atlas since last frame.
    fn check_atlas(&mut self, ui: &Ui, font_size: f32) {
        let probe = ui.painter().layout_no_wrap("Ag".to_owned(), FontId::proportional(font_size), Color32::PLACEHOLDER);
        if self.atlas_probe.as_ref().is_some_and(|p| !Arc::ptr_eq(p, &probe)) {
            for p in &mut self.paras {
                p.laid = None;
            }
        }
        self.atlas_probe = Some(probe);
    }

    fn prepare(&mut self, doc: &Document, width: f32, font_size: f32) {
        let key = (doc.sha256().to_owned(), width.to_bits(), font_size.to_bits());
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let m = Metrics::new(font_size);
        self.paras.clear();
        let mut start = CharIdx::ZERO;
        let mut prev_cr = false;
        let mut i = CharIdx::ZERO;
        let approx_chars_per_row = (width / (font_size * 0.5)).max(10.0);
        let push = |s: CharIdx, e: CharIdx, paras: &mut Vec<Para>| {
            let n = e.distance_from(s) as f32;
            let rows = (n / approx_chars_per_row).ceil().max(1.0);
            let height = if e == s { m.line * 0.4 } else { rows * m.line };
            paras.push(Para { start: s, end: e, laid: None, height });
        };
        // Where a giant paragraph (a 10 MB line) may be cut: after its last space.
        let mut after_space = None;
        for c in doc.text().as_str().chars() {
            if c == '\n' {
                let end = if prev_cr { i - 1 } else { i };
                push(start, end, &mut self.paras);
                start = i + 1;
                after_space = None;
            } else if i - start >= LONG_PARAGRAPH_CHARS && !prev_cr {
                let cut = after_space.filter(|&a| a > start).unwrap_or(i);
                push(start, cut, &mut self.paras);
                start = cut;
                after_space = None;
            }
            if c == ' ' {
                after_space = Some(i + 1);
            }
            prev_cr = c == '\r';
            i += 1;
        }
        push(start, i, &mut self.paras);
        self.tops = Tops::new(self.paras.iter().map(|p| p.height));
        self.key = Some(key);
    }

    fn layout(&mut self, ui: &Ui, doc: &Document, k: usize, width: f32, font_size: f32) {
        let Some(p) = self.paras.get(k) else { return };
        if p.laid.is_some() || p.start == p.end {
            return;
        }
        let text = doc.text().slice(p.start, p.end).unwrap_or("").replace('\t', " ");
        let m = Metrics::new(font_size);
        let galley = ui.painter().layout_job(paragraph_job(text, width, font_size));
        let map = glyph_map(&galley);
        self.layouts += 1;
        if let Some(p) = self.paras.get_mut(k) {
            let height = galley.size().y.max(m.line);
            self.tops.add(k, height - p.height);
            p.height = height;
            p.laid = Some(Box::new(Laid { galley, map }));
        }
    }

    /// Draws the article and returns what the user asked for.
    pub fn ui(&mut self, ui: &mut Ui, input: &ArticleInput<'_>) -> ArticleOutput {
        let mut out = ArticleOutput::default();
        let doc = input.doc;
        let fs = input.font_size;
        let m = Metrics::new(fs);
        let mut scroll = egui::ScrollArea::vertical().auto_shrink(false).id_salt("article");
        if let Some(pages) = self.scroll_pages.take() {
            let v = self.viewport.unwrap_or(Rect::ZERO);
            let end = (self.tops.total() + m.line + TOP_MARGIN - v.height()).max(0.0);
            // A step over zero: ±∞ pages clamp to an end, never NaN.
            scroll = scroll.vertical_scroll_offset((v.min.y + pages * (v.height() - m.line).max(1.0)).clamp(0.0, end));
        }
        self.check_atlas(ui, fs);
        scroll.show_viewport(ui, |ui, viewport| {
            let width = (ui.available_width() - 24.0).max(120.0);
            let fresh = self.key.is_none();
            self.prepare(doc, width, fs);
            if fresh && doc.text().len_chars() <= EAGER_LAYOUT_CHARS {
                for k in 0..self.paras.len() {
                    self.layout(ui, doc, k, width, fs);
                }
            }
            // Lay out what is visible now, and a little of what is near it
            // (a few paragraphs a frame, so that a jump costs one screenful).
            let margin = 600.0;
            let mut ahead = PREFETCH_PER_FRAME;
            // From the paragraph at the margin's top (those above it are
            // not laid out here, so the tops found stay true).
            for k in self.tops.at(viewport.min.y - margin)..self.paras.len() {
                let y = self.tops.top(k);
                if y > viewport.max.y + margin {
                    break;
                }
                let Some((h, laid_out)) = self.paras.get(k).map(|p| (p.height, p.laid.is_some())) else { break };
                if y + h >= viewport.min.y && y <= viewport.max.y {
                    self.layout(ui, doc, k, width, fs);
                } else if y + h >= viewport.min.y - margin && y <= viewport.max.y + margin && !laid_out {
                    if ahead > 0 {
                        self.layout(ui, doc, k, width, fs);
                        ahead -= 1;
                    } else {
                        ui.ctx().request_repaint();
                    }
                }
            }
            // Bring a requested position into view.
            if let Some(target) = input.scroll_to {
                self.scroll_into_view(ui, doc, target, viewport, width, fs);
                out.scrolled = true;
            }
            let total: f32 = self.tops.total() + m.line + TOP_MARGIN;
            let (rect, response) = ui.allocate_exact_size(vec2(width + 16.0, total), Sense::click_and_drag());
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Document, true, "article text"));
            let origin = rect.min + vec2(8.0, TOP_MARGIN);
            self.origin = Some(origin);
            self.viewport = Some(viewport);
            self.view_rect = Some(ui.clip_rect());
            self.wrap_width = width;
            let painter = ui.painter().clone();

            // Visible paragraphs with their screen tops.
            let mut visible: Vec<(usize, Pos2)> = Vec::new();
            for k in self.tops.at(viewport.min.y - 40.0)..self.paras.len() {
                let y = self.tops.top(k);
                if y > viewport.max.y + 40.0 {
                    break;
                }
                visible.push((k, origin + vec2(0.0, y)));
            }
            out.in_view = match (visible.first().and_then(|v| self.paras.get(v.0)), visible.last().and_then(|v| self.paras.get(v.0))) {
                (Some(first), Some(last)) => Some((first.start, last.end)),
                _ => None,
            };

            // Input.
            let alt = ui.input(|i| i.modifiers.alt);
            let hit = |pos: Pos2| -> Option<CharIdx> {
                // The paragraph under the pointer (the first whose bottom is below it).
                let k = self.tops.at(pos.y - origin.y);
                let Some(p) = self.paras.get(k) else { return Some(doc.text().end()) };
                let y = origin.y + self.tops.top(k);
                Some(match p.galley() {
                    Some(g) => p.start + p.map().char_at_glyph(g.cursor_from_pos(pos - pos2(origin.x, y)).index.0).min(p.end - p.start),
                    None => p.start,
                })
            };
            if response.drag_started() {
                // Where the button went down, not where egui noticed the drag.
                let origin = ui.input(|i| i.pointer.press_origin()).or_else(|| response.interact_pointer_pos());
                self.drag_anchor = origin.and_then(hit);
            }
            if let (Some(anchor), Some(pos)) = (self.drag_anchor, response.interact_pointer_pos())
                && let Some(head) = hit(pos)
            {
                if response.drag_stopped() {
                    let (a, b) = if alt { (anchor.min(head), anchor.max(head)) } else { snap_to_parts(doc.text(), anchor, head) };
                    out.commands.push(Command::SelectText(a, b));
                    self.drag_anchor = None;
                } else if response.dragged() {
                    out.commands.push(Command::SelectText(anchor, head));
                }
            }
            if response.drag_stopped() {
                self.drag_anchor = None;
            }
            let hovered_char = response.hover_pos().and_then(hit);
            if response.double_clicked() {
                // A word, or one part of a hyphenated compound.
                // The pointer is on the character at its nearest boundary or the one before.
                let part =
                    |c: CharIdx| part_at(doc.text(), c).or_else(|| (c > CharIdx::ZERO).then(|| part_at(doc.text(), c - 1)).flatten());
                if let Some((a, b)) = response.interact_pointer_pos().and_then(hit).and_then(part) {
                    out.commands.push(Command::SelectText(a, b));
                }
            } else if response.clicked()
                && let Some(c) = response.interact_pointer_pos().and_then(hit)
            {
                let span = doc.spans().at(c).last().map(|s| s.id);
                let sugg = doc.pending_overlapping(c, c + 1).next().map(|s| s.id);
                match (input.draft, span, sugg) {
                    (Some(d), Some(s), _) if s != d.head => out.commands.push(Command::RelationTail(s)),
                    (_, Some(s), _) => out.commands.push(Command::SelectSpan(s)),
                    (_, None, Some(s)) => out.commands.push(Command::SelectSuggestion(s)),
                    _ => out.commands.push(Command::SelectText(c, c)),
                }
            }

            // Drawing.
            let dark = ui.visuals().dark_mode;
            let text_color = text_color(ui.visuals());
            let sel_color = ui.visuals().selection.stroke.color;
            let mut anchors: std::collections::HashMap<SpanId, Pos2> = Default::default();
            // Where the chips of pending suggestions are (suggested relations start and end there).
            let mut suggestion_anchors: std::collections::HashMap<SuggestionId, Pos2> = Default::default();
            let draft_tail = input.draft.and_then(|d| d.tail.or_else(|| d.candidates.get(d.index).copied()));
            let pick_ends = input.pick.map(|r| (r.head, r.tail));
            for &(k, top) in &visible {
                let Some(p) = self.paras.get(k) else { continue };
                let Some(g) = p.galley() else { continue };
                // Text selection.
                if let Selection::Text { anchor, head } = input.selection {
                    let (a, b) = (anchor.min(head), anchor.max(head));
                    if a == b && a >= p.start && a <= p.end {
                        if let Some(r) = range_rects(g, p.map(), a - p.start, a - p.start, &m).first() {
                            let x = r.left();
                            painter.line_segment([top + vec2(x, r.top()), top + vec2(x, r.bottom())], Stroke::new(2.0, sel_color));
                        }
                    } else if a < p.end && b > p.start {
                        for r in range_rects(g, p.map(), a.max(p.start) - p.start, b.min(p.end) - p.start, &m) {
                            painter.rect_filled(r.translate(top.to_vec2()), 2.0, ui.visuals().selection.bg_fill.gamma_multiply(0.6));
                        }
                    }
                }
                // Gold spans.
                for s in doc.spans().overlapping(p.start, p.end.max(p.start + 1)) {
                    let rgb = input.schema.entity(&s.label).map_or([128, 128, 128], |l| l.rgb());
                    let rects = range_rects(g, p.map(), s.start.max(p.start) - p.start, s.end.min(p.end) - p.start, &m);
                    for r in &rects {
                        let r = r.translate(top.to_vec2());
                        painter.rect_filled(r.expand2(vec2(1.0, 0.0)), 3.0, span_fill(rgb, dark));
                        painter.line_segment([r.left_bottom(), r.right_bottom()], Stroke::new(2.0, color32(rgb, 255)));
                    }
                    if let Some(first) = rects.first().filter(|_| s.start >= p.start) {
                        let r = first.translate(top.to_vec2());
                        let chip = chip_ui(&painter, r, &s.label, rgb, false, &m, fs);
                        anchors.insert(s.id, chip.center_top());
                    }
                    let selected = input.selection == Selection::Span(s.id) || input.draft.is_some_and(|d| d.head == s.id);
                    let is_tail = draft_tail == Some(s.id) || pick_ends.is_some_and(|(h, t)| h == s.id || t == s.id);
                    if selected || is_tail {
                        for r in &rects {
                            let color = if is_tail { Color32::from_rgb(0xD5, 0x5E, 0x00) } else { sel_color };
                            painter.rect_stroke(r.translate(top.to_vec2()).expand(2.0), 3.0, Stroke::new(2.5, color), StrokeKind::Outside);
                        }
                    }
                }
                // Pending suggestions: outlined, dashed chip.
                for s in doc.pending_overlapping(p.start, p.end.max(p.start + 1)) {
                    let rgb = readable(input.schema.entity(&s.label).map_or([128, 128, 128], |l| l.rgb()), dark);
                    let rects = range_rects(g, p.map(), s.start.max(p.start) - p.start, s.end.min(p.end) - p.start, &m);
                    let selected = input.selection == Selection::Suggestion(s.id);
                    for r in &rects {
                        let r = r.translate(top.to_vec2());
                        painter.rect_filled(r, 3.0, color32(rgb, if selected { 60 } else { 22 }));
                        let dash = dashed_rect(r, Stroke::new(if selected { 2.5 } else { 1.5 }, color32(rgb, 255)));
                        painter.extend(dash);
                        if selected {
                            painter.rect_stroke(r.expand(3.0), 3.0, Stroke::new(2.0, sel_color), StrokeKind::Outside);
                        }
                    }
                    if let Some(first) = rects.first().filter(|_| s.start >= p.start) {
                        let chip = chip_ui(&painter, first.translate(top.to_vec2()), &format!("{}?", s.label), rgb, true, &m, fs);
                        suggestion_anchors.insert(s.id, chip.center_top());
                    }
                }
                painter.galley(top, g.clone(), text_color);
            }

            // Relations.
            if input.show_relations {
                let page = ui.visuals().extreme_bg_color;
                let column = (origin.x, origin.x + width);
                let lane = lane_height(&m);
                let selected_span = match input.selection {
                    Selection::Span(id) => Some(id),
                    _ => None,
                };
                let selected_rel = match input.selection {
                    Selection::Relation(id) => Some(id),
                    _ => None,
                };
                let anything = selected_span.is_some() || selected_rel.is_some();
                // The relations with an end in view, in id order (the
                // document's own order): the others draw nothing.
                let key = (doc.id.0.clone(), doc.revision());
                if self.relations_by_span.as_ref().is_none_or(|(k, _)| *k != key) {
                    self.relations_by_span = Some((key, relations_by_span(doc)));
                }
                let mut in_view: Vec<crate::model::RelationId> = match &self.relations_by_span {
                    Some((_, by)) => anchors.keys().filter_map(|s| by.get(s)).flatten().copied().collect(),
                    None => Vec::new(),
                };
                in_view.sort_unstable();
                in_view.dedup();
                for r in in_view.iter().filter_map(|&id| doc.relation(id)) {
                    let focus = selected_rel == Some(r.id) || selected_span.is_some_and(|s| s == r.head || s == r.tail);
                    let alpha: u8 = if focus {
                        255
                    } else if anything {
                        70
                    } else {
                        170
                    };
                    let base = if focus { sel_color } else { text_color };
                    let color = base.gamma_multiply(f32::from(alpha) / 255.0);
                    let stroke = Stroke::new(if focus { 2.2 } else { 1.3 }, color);
                    match (anchors.get(&r.head), anchors.get(&r.tail)) {
                        (Some(&a), Some(&b)) => {
                            let style = ArcStyle { stroke, label_color: color, page, dashed: false, column, lane };
                            let label_rect = arc(&painter, a, b, &r.label, &style, fs);
                            let id = ui.scope_id().with(("relation", r.id.0));
                            if ui.interact(label_rect, id, Sense::click()).clicked() {
                                out.commands.push(Command::SelectRelation(r.id));
                            }
                        }
                        (Some(&a), None) | (None, Some(&a)) => {
                            // The far end is off screen: a stub that jumps there.
                            let other = if anchors.contains_key(&r.head) { r.tail } else { r.head };
                            let name = doc.spans().get(other).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
                            let off_below = doc
                                .spans()
                                .get(other)
                                .is_some_and(|s| visible.last().and_then(|&(k, _)| self.paras.get(k)).is_some_and(|p| s.start >= p.end));
                            let arrow = if off_below { "↓" } else { "↑" };
                            let dir = if anchors.contains_key(&r.head) { "→" } else { "←" };
                            let text = format!("{} {dir} {} {arrow}", r.label, short(&name, 24));
                            let tip = a + vec2(0.0, -m.line * 0.3);
                            painter.line_segment([a, tip], stroke);
                            let galley = painter.layout_no_wrap(text, FontId::proportional(fs * 0.62), color);
                            let rect = Rect::from_min_size(tip + vec2(3.0, -galley.size().y), galley.size()).expand(2.0);
                            painter.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
                            painter.galley(rect.min + vec2(2.0, 2.0), galley, color);
                            let id = ui.scope_id().with(("stub", r.id.0));
                            if ui.interact(rect, id, Sense::click()).on_hover_text("jump to the other end").clicked() {
                                out.commands.push(Command::SelectSpan(other));
                            }
                        }
                        (None, None) => {}
                    }
                }
                // Suggested relations: dashed arcs labelled with their type
                // and a question mark; the score on hover; a click selects.
                let end_anchor = |end: RelationEnd| match doc.end_span(end) {
                    Some(span) => anchors.get(&span).copied(),
                    None => match end {
                        RelationEnd::Suggestion(id) => suggestion_anchors.get(&id).copied(),
                        RelationEnd::Span(_) => None,
                    },
                };
                for r in doc.pending_relation_suggestions() {
                    let (Some(a), Some(b)) = (end_anchor(r.head), end_anchor(r.tail)) else { continue };
                    let selected = input.selection == Selection::RelationSuggestion(r.id);
                    let color = if selected { sel_color } else { text_color.gamma_multiply(if anything { 0.4 } else { 0.75 }) };
                    let stroke = Stroke::new(if selected { 2.2 } else { 1.3 }, color);
                    let label = format!("{}?", r.label);
                    let style = ArcStyle { stroke, label_color: color, page, dashed: true, column, lane };
                    let rect = arc(&painter, a, b, &label, &style, fs);
                    let id = ui.scope_id().with(("suggested relation", r.id.0));
                    let tip = format!(
                        "suggested {} (score {:.2}, {})\nEnter: accept (with its suggested ends) · x: reject · a type key or its number: accept as that type",
                        r.label, r.score, r.recognizer
                    );
                    if ui.interact(rect, id, Sense::click()).on_hover_text(tip).clicked() {
                        out.commands.push(Command::SelectRelationSuggestion(r.id));
                    }
                }
                // The relation being drawn.
                if let Some(d) = input.draft
                    && let (Some(&a), Some(tail)) = (anchors.get(&d.head), draft_tail)
                    && let Some(&b) = anchors.get(&tail)
                {
                    let color = Color32::from_rgb(0xD5, 0x5E, 0x00);
                    let label = d.types.first().map_or("?".to_owned(), |t| format!("{t}?"));
                    let style = ArcStyle { stroke: Stroke::new(2.2, color), label_color: color, page, dashed: false, column, lane };
                    arc(&painter, a, b, &label, &style, fs);
                }
                // The likely relation shown: its type and score on the arc.
                if let Some(r) = input.pick
                    && let (Some(&a), Some(&b)) = (anchors.get(&r.head), anchors.get(&r.tail))
                {
                    let color = Color32::from_rgb(0xD5, 0x5E, 0x00);
                    let label = format!("{}? {:.2}", r.label, r.score);
                    let style = ArcStyle { stroke: Stroke::new(2.2, color), label_color: color, page, dashed: true, column, lane };
                    arc(&painter, a, b, &label, &style, fs);
                }
            }

            // Hover: what a span or suggestion is.
            if let Some(c) = hovered_char {
                if let Some(s) = doc.pending_overlapping(c, c + 1).next() {
                    response.clone().on_hover_text_at_pointer(format!(
                        "suggested {} (score {:.2}, {})\nEnter: accept · x: reject · a label key: accept as that label",
                        s.label, s.score, s.recognizer
                    ));
                } else if let Some(s) = doc.spans().at(c).last() {
                    let origin = match &s.origin {
                        crate::model::Origin::Manual => "created by hand".to_owned(),
                        crate::model::Origin::Imported => "imported".to_owned(),
                        crate::model::Origin::Suggested { recognizer, score, edited } => {
                            format!("suggested by {recognizer} ({score:.2}), accepted{}", if *edited { " then edited" } else { "" })
                        }
                    };
                    response.clone().on_hover_text_at_pointer(format!("{} — {origin}", s.label));
                }
            }
        });
        out
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

/// Which glyph of a laid-out paragraph draws which of its characters.
fn glyph_map(g: &Galley) -> GlyphMap {
    let chars: Vec<char> = g.text().chars().collect();
    let glyphs: Vec<char> = g.rows.iter().flat_map(|r| r.glyphs.iter().map(|gl| gl.chr)).collect();
    GlyphMap::new(&chars, &glyphs)
}

/// The row holding glyph `k` (the last row past the end), with the index
/// of its first glyph.
fn row_of_glyph(g: &Galley, k: usize) -> Option<(&egui::epaint::text::PlacedRow, usize)> {
    let mut start = 0;
    for row in &g.rows {
        let n = row.glyphs.len();
        if k < start + n || std::ptr::eq(row, g.rows.last().unwrap_or(row)) {
            return Some((row, start));
        }
        start += n;
    }
    None
}

/// The top (galley-relative) of the row holding character `c`.
fn row_top_of(g: &Galley, map: &GlyphMap, c: usize) -> f32 {
    row_of_glyph(g, map.caret_glyph(c)).map_or(0.0, |(row, _)| row.pos.y)
}

/// One rectangle per row for the characters `[a, b)` of a paragraph's galley,
/// covering the text band of the row (galley-relative), from the glyphs
/// that draw them (`map`). A caret (`a == b`) gives a zero-width rectangle.
fn range_rects(g: &Galley, map: &GlyphMap, a: usize, b: usize, m: &Metrics) -> Vec<Rect> {
    let mut out = Vec::new();
    if a == b {
        let k = map.caret_glyph(a);
        if let Some((row, start)) = row_of_glyph(g, k) {
            let (top, bottom) = text_band(row, m);
            let x = row.glyphs.get(k - start).map_or_else(|| row.pos.x + row.size.x, |gl| row.pos.x + gl.pos.x);
            out.push(Rect::from_min_max(pos2(x, top), pos2(x, bottom)));
        }
        return out;
    }
    let mut glyphs = map.glyphs_of(a, b);
    glyphs.sort_unstable();
    let mut next = glyphs.iter().copied().peekable();
    let mut start = 0;
    for row in &g.rows {
        let n = row.glyphs.len();
        // Min/max rather than first/last: right-to-left runs are laid out
        // mirrored. Spaces count only when there is nothing else (a span
        // that wraps keeps the row's trailing space out of its box).
        let (mut ink, mut blank) = ((f32::INFINITY, f32::NEG_INFINITY), (f32::INFINITY, f32::NEG_INFINITY));
        while let Some(k) = next.next_if(|&k| k < start + n) {
            let Some(gl) = row.glyphs.get(k - start) else { continue };
            let side = if gl.chr.is_whitespace() { &mut blank } else { &mut ink };
            side.0 = side.0.min(gl.pos.x);
            side.1 = side.1.max(gl.pos.x + gl.advance_width);
        }
        let (left, right) = if ink.0 <= ink.1 { ink } else { blank };
        if left <= right {
            let (top, bottom) = text_band(row, m);
            out.push(Rect::from_min_max(pos2(row.pos.x + left, top), pos2(row.pos.x + right, bottom)));
        }
        start += n;
    }
    out
}

/// The vertical extent of a row's glyphs (galley-relative).
fn text_band(row: &egui::epaint::text::PlacedRow, m: &Metrics) -> (f32, f32) {
    match row.glyphs.first() {
        Some(g) => {
            let top = row.pos.y + g.pos.y - g.font_ascent;
            (top, top + g.font_height)
        }
        None => {
            let bottom = row.pos.y + row.size.y;
            (bottom - m.text, bottom)
        }
    }
}

/// How a paragraph is laid out: wrapped at `width`, rows of the view's
/// line height.
fn paragraph_job(text: String, width: f32, font_size: f32) -> LayoutJob {
    let m = Metrics::new(font_size);
    let mut job = LayoutJob::single_section(
        text,
        TextFormat {
            font_id: FontId::proportional(font_size),
            color: Color32::PLACEHOLDER,
            line_height: Some(m.line),
            valign: Align::BOTTOM,
            ..Default::default()
        },
    );
    job.wrap.max_width = width;
    job
}

/// Draws a label chip above a span's first rectangle; returns its rectangle.
fn chip_ui(painter: &egui::Painter, span: Rect, label: &str, rgb: [u8; 3], suggestion: bool, m: &Metrics, fs: f32) -> Rect {
    let font = FontId::proportional(fs * 0.66);
    let ink = if suggestion { color32(rgb, 255) } else { ink_on(rgb) };
    let galley = painter.layout_no_wrap(label.to_owned(), font, ink);
    let rect = chip_rect(span, galley.size().x, m);
    if suggestion {
        painter.rect_stroke(rect, 3.0, Stroke::new(1.0, color32(rgb, 255)), StrokeKind::Inside);
    } else {
        painter.rect_filled(rect, 3.0, color32(rgb, 255));
    }
    painter.galley(pos2(rect.left() + 3.0, rect.center().y - galley.size().y / 2.0), galley, ink);
    rect
}

/// Where a span's label chip goes: above its first rectangle, as wide as
/// its text (`text_width`) and a margin. Relation arcs start and end at its
/// top's middle.
fn chip_rect(span: Rect, text_width: f32, m: &Metrics) -> Rect {
    let size = vec2(text_width + 6.0, m.chip);
    Rect::from_min_size(pos2(span.left(), span.top() - size.y - 1.0), size)
}

/// The free band above a row's chips, under the row above's text: arcs and
/// their labels run there, clear of every word. Its height.
fn lane_height(m: &Metrics) -> f32 {
    (m.line - m.text - m.chip - 1.0).max(4.0)
}

#[cfg(test)]
#[path = "article_tests.rs"]
mod tests;
