//! The article view's tests: colours, layout, boxes and arcs.

use egui::Vec2;
use egui::epaint::CubicBezierShape;

use super::*;

/// WCAG 2 relative luminance of an opaque colour.
fn luminance(c: Color32) -> f32 {
    let lin = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.040_45 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `over` drawn with its alpha on the opaque `page`.
fn blend(over: Color32, page: Color32) -> Color32 {
    let a = f32::from(over.a()) / 255.0;
    // Color32 is premultiplied: its channels already carry the alpha.
    let mix = |o: u8, p: u8| (f32::from(o) + f32::from(p) * (1.0 - a)).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(mix(over.r(), page.r()), mix(over.g(), page.g()), mix(over.b(), page.b()))
}

/// One paragraph laid out as the view does, with the window's fonts.
fn laid_out(text: &str) -> Arc<Galley> {
    laid_out_at(text, f32::INFINITY, 16.0).0
}

/// One paragraph wrapped at `width` as the view does, with the
/// window's fonts, and the size of a relation label's text at that
/// font size.
fn laid_out_at(text: &str, width: f32, font_size: f32) -> (Arc<Galley>, Vec2) {
    let ctx = egui::Context::default();
    crate::app::fonts::install(&ctx);
    let (mut galley, mut label) = (None, Vec2::ZERO);
    // The fonts apply from the next pass.
    for _ in 0..2 {
        let mut out = ctx.run_pass(egui::RawInput::default(), |ctx| {
            galley = Some(ctx.fonts_mut(|f| f.layout_job(paragraph_job(text.to_owned(), width, font_size))));
            label = ctx.fonts_mut(|f| f.layout_no_wrap("MEMBER_OF".into(), FontId::proportional(font_size * 0.58), Color32::BLACK).size());
        });
        out.textures_delta.clear();
    }
    (galley.expect("laid out"), label)
}

/// The characters whose glyphs' middles fall inside `rects`.
fn drawn_inside(g: &Galley, rects: &[Rect]) -> String {
    let mut out = String::new();
    for row in &g.rows {
        for gl in &row.glyphs {
            let mid = pos2(row.pos.x + gl.pos.x + gl.advance_width / 2.0, row.pos.y + row.size.y / 2.0);
            if rects.iter().any(|r| r.x_range().contains(mid.x) && r.y_range().contains(mid.y)) {
                out.push(gl.chr);
            }
        }
    }
    out
}

/// The boxes the view draws for the characters `[a, b)` of a galley.
fn boxes(g: &Galley, a: usize, b: usize, m: &Metrics) -> Vec<Rect> {
    range_rects(g, &glyph_map(g), a, b, m)
}

/// A span after Arabic text in the same paragraph is boxed over its own
/// words: egui shapes a right-to-left run with fewer glyphs than
/// characters (a lam-alef ligature is one glyph), so counting glyphs as
/// characters shifted every box after it.
#[test]
fn a_span_after_right_to_left_text_is_boxed_over_its_own_words() {
    let m = Metrics::new(16.0);
    for (text, name) in [
        ("Selon le journal الأهرام اليومي, le ministre Karim Benali est allé à Rabat.", "Karim Benali"),
        ("Le reportage « رحلة إلى القاهرة » de Nadia Fares sera diffusé à Paris.", "Nadia Fares"),
        ("Sans arabe, le ministre Karim Benali est allé à Rabat.", "Karim Benali"),
    ] {
        let g = laid_out(text);
        let byte = text.find(name).expect("in the text");
        let a = text[..byte].chars().count();
        let b = a + name.chars().count();
        let rects = boxes(&g, a, b, &m);
        assert_eq!(drawn_inside(&g, &rects), name, "{text}");
    }
}

/// The pieces of an arc from `a` to `b` and its label's box (for a
/// label text `text` big), as the view draws them in a text column
/// `column`.
fn drawn_arc(a: Pos2, b: Pos2, m: &Metrics, column: (f32, f32), text: Vec2) -> (Vec<[Pos2; 4]>, Rect) {
    let size = text + super::super::arcs::LABEL_PAD;
    let path = super::super::arcs::arc_path(a, b, lane_height(m), column, size);
    (path.pieces, Rect::from_center_size(path.label, size))
}

/// Issue 15: in a window 800 px wide, an arc between spans on different
/// rows crossed the text of the row between them, and its label (at the
/// curve's middle) covered a word. The label's box overlaps no word of
/// any row and the curve stays out of every row's text, on one row or
/// up to five, head first or tail first (a 430 px column, the article's
/// in an 800 px window).
#[test]
fn an_arc_keeps_to_the_gaps_between_rows_and_its_label_covers_no_word() {
    let (fs, width) = (17.0, 430.0);
    let m = Metrics::new(fs);
    let text = "Le ministre Sergueï Lavrov a rencontré à Pyongyang son homologue Choe Son Hui, puis il s'est rendu au sommet de \
                Tianjin avec Wang Yi, où la Russie et la Chine ont soutenu la Corée du Nord face aux États-Unis et au Japon, \
                selon le Kremlin.";
    let (g, label) = laid_out_at(text, width, fs);
    assert!(g.rows.len() >= 4, "{} rows", g.rows.len());
    let bands: Vec<(f32, f32)> = g.rows.iter().map(|r| text_band(r, &m)).collect();
    let words: Vec<Rect> =
        g.rows
            .iter()
            .flat_map(|row| {
                let (top, bottom) = text_band(row, &m);
                row.glyphs.iter().filter(|gl| !gl.chr.is_whitespace()).map(move |gl| {
                    Rect::from_min_max(pos2(row.pos.x + gl.pos.x, top), pos2(row.pos.x + gl.pos.x + gl.advance_width, bottom))
                })
            })
            .collect();
    // A name's chip top (where arcs end) and its row.
    let anchor = |name: &str| {
        let byte = text.find(name).expect("in the text");
        let a = text[..byte].chars().count();
        let r = boxes(&g, a, a + name.chars().count(), &m)[0];
        let row = bands.iter().position(|b| (b.0 + b.1) / 2.0 >= r.top() && (b.0 + b.1) / 2.0 <= r.bottom()).expect("a row");
        (chip_rect(r, 22.0, &m).center_top(), row)
    };
    let mut rows_apart = std::collections::BTreeSet::new();
    for (head, tail) in [
        ("Lavrov", "Pyongyang"),
        ("Lavrov", "Tianjin"),
        ("Tianjin", "Lavrov"),
        ("Lavrov", "Kremlin"),
        ("Kremlin", "Choe Son Hui"),
        ("Choe Son Hui", "Tianjin"),
        ("Wang Yi", "Japon"),
        ("Japon", "Wang Yi"),
    ] {
        let ((a, ra), (b, rb)) = (anchor(head), anchor(tail));
        rows_apart.insert(ra.abs_diff(rb));
        let (pieces, label_box) = drawn_arc(a, b, &m, (0.0, width), label);
        let covered: Vec<&Rect> = words.iter().filter(|w| w.shrink(0.5).intersects(label_box)).collect();
        assert!(covered.is_empty(), "{head} → {tail} (rows {ra}, {rb}): the label {label_box:?} covers words at {covered:?}");
        for piece in pieces {
            let curve = CubicBezierShape::from_points_stroke(piece, false, Color32::TRANSPARENT, Stroke::new(1.0, Color32::BLACK));
            for p in curve.flatten(Some(0.5)) {
                let inside = bands.iter().position(|&(top, bottom)| p.y > top + 0.5 && p.y < bottom - 0.5);
                assert!(inside.is_none(), "{head} → {tail} (rows {ra}, {rb}): the curve crosses row {inside:?}'s text at {p:?}");
            }
        }
    }
    assert_eq!(rows_apart.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3, 4], "one row, and two to five rows");
}

/// Issue 15, item 14: the article's text reads at WCAG AA contrast
/// (4.5:1) on the page and on every label's span fill, in both themes
/// (egui's default grey on a dark span fill: 2.4:1).
#[test]
fn article_text_has_aa_contrast_on_the_page_and_on_span_fills_in_both_themes() {
    let schema = Schema::news();
    for visuals in [egui::Visuals::light(), egui::Visuals::dark()] {
        let (text, page) = (text_color(&visuals), page_color(&visuals));
        let on_page = contrast(text, page);
        assert!(on_page >= 4.5, "dark {}: {on_page:.2} on the page", visuals.dark_mode);
        for l in &schema.entity_labels {
            let fill = blend(span_fill(l.rgb(), visuals.dark_mode), page);
            let c = contrast(text, fill);
            assert!(c >= 4.5, "dark {}: {c:.2} on a {} span", visuals.dark_mode, l.name);
        }
    }
}
