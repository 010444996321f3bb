//! Relation arcs in the article view: the path of an arc between two
//! span chips (one curve on a row; across rows, a piece in the gap above
//! each end's row, as brat draws them), its label in that gap, its arrow
//! head, and drawing it solid or dashed.
//!
//! Owns: arc geometry and painting. Must not touch: the layout (the
//! article view gives the chips' tops, the column and the lane height).

use egui::epaint::CubicBezierShape;
use egui::{Color32, FontId, Pos2, Rect, Stroke, Vec2, pos2, vec2};

/// The path of a relation arc between two chips' tops, as the view draws
/// it: cubic pieces and the middle of the label.
#[derive(Debug)]
pub(super) struct ArcPath {
    /// Each piece's four points (start, two controls, end).
    pub(super) pieces: Vec<[Pos2; 4]>,
    /// The middle of the label's box.
    pub(super) label: Pos2,
}

/// The arc from `a` (the head's chip top) to `b` (the tail's), its label
/// `label_size` big, in a text column from `column.0` to `column.1`
/// (screen x), each row with a free lane `lane` high above its chips.
///
/// On one row: one curve lifted into the lane above the row (higher the
/// longer it is, never out of the lane), the label in the lane at its
/// middle. On two rows, as brat draws it: two pieces, each in the lane of
/// its end's row, from the upper end to the column's right edge and from
/// the left edge to the lower end, so no row between them is crossed; the
/// label sits on the head's piece, in its lane (drawn at the curve's middle,
/// the label covered the words of the row in between).
pub(super) fn arc_path(a: Pos2, b: Pos2, lane: f32, column: (f32, f32), label_size: Vec2) -> ArcPath {
    // The label's box lies in the lane from its top (the row above's text
    // ends there) down, over the chips' tops when it is taller than the lane.
    let label_y = |p: Pos2| p.y - lane + label_size.y / 2.0;
    let (left, right) = column;
    let clamp_x = |x: f32| x.clamp(left + label_size.x / 2.0, (right - label_size.x / 2.0).max(left + label_size.x / 2.0));
    if (a.y - b.y).abs() < 1.0 {
        let lift = (lane * 0.9 + ((b.x - a.x).abs() * 0.04).min(8.0)).min((lane - 1.0) / 0.75);
        let (p1, p2) = (a + vec2(0.0, -lift), b + vec2(0.0, -lift));
        return ArcPath { pieces: vec![[a, p1, p2, b]], label: pos2((a.x + b.x) / 2.0, label_y(a)) };
    }
    let (upper, lower) = if a.y < b.y { (a, b) } else { (b, a) };
    let (yu, yl) = (upper.y - lane * 0.6, lower.y - lane * 0.6);
    let bend = |room: f32| room.abs().clamp(0.0, 20.0) * room.signum();
    let out = [upper, pos2(upper.x, yu), pos2(upper.x + bend((right - upper.x) / 2.0), yu), pos2(right.max(upper.x), yu)];
    let into = [pos2(left.min(lower.x), yl), pos2(lower.x - bend((lower.x - left) / 2.0), yl), pos2(lower.x, yl), lower];
    // A tail above its head: the upper piece ends at the tail; the arrow
    // head is drawn at `b` either way.
    let label = if a == upper {
        pos2(clamp_x((upper.x + right) / 2.0), label_y(upper))
    } else {
        pos2(clamp_x((left + lower.x) / 2.0), label_y(lower))
    };
    let out = if a == upper { out } else { [out[3], out[2], out[1], out[0]] };
    let into = if a == upper { into } else { [into[3], into[2], into[1], into[0]] };
    ArcPath { pieces: if a == upper { vec![out, into] } else { vec![into, out] }, label }
}

/// An arrow head at an arc's tail `b`, pointing down into its chip.
pub(super) fn arrow_head(painter: &egui::Painter, b: Pos2, color: Color32) {
    let head = [b, b + vec2(-4.0, -7.0), b + vec2(4.0, -7.0)];
    painter.add(egui::Shape::convex_polygon(head.to_vec(), color, Stroke::NONE));
}

/// The margin around a relation label's text, in its box.
pub(super) const LABEL_PAD: Vec2 = vec2(4.0, 2.0);

/// How an arc is drawn: its stroke, label colour and the page behind the
/// label, dashed (a suggested relation) or not, and the text column.
pub(super) struct ArcStyle {
    pub(super) stroke: Stroke,
    pub(super) label_color: Color32,
    pub(super) page: Color32,
    pub(super) dashed: bool,
    pub(super) column: (f32, f32),
    pub(super) lane: f32,
}

/// Draws a relation arc from `a` to `b` with its label (dashed for a
/// suggested relation); returns the label's rectangle.
pub(super) fn arc(painter: &egui::Painter, a: Pos2, b: Pos2, label: &str, style: &ArcStyle, fs: f32) -> Rect {
    let galley = painter.layout_no_wrap(label.to_owned(), FontId::proportional(fs * 0.58), style.label_color);
    let size = galley.size() + LABEL_PAD;
    let path = arc_path(a, b, style.lane, style.column, size);
    for piece in &path.pieces {
        let curve = CubicBezierShape::from_points_stroke(*piece, false, Color32::TRANSPARENT, style.stroke);
        if style.dashed {
            painter.extend(egui::Shape::dashed_line(&curve.flatten(Some(0.5)), style.stroke, 5.0, 3.0));
        } else {
            painter.add(curve);
        }
    }
    arrow_head(painter, b, style.stroke.color);
    let rect = Rect::from_center_size(path.label, size);
    painter.rect_filled(rect, 3.0, style.page);
    if style.dashed {
        painter.extend(dashed_rect(rect, Stroke::new(1.0, style.stroke.color)));
    }
    painter.galley(rect.min + vec2(2.0, 1.0), galley, style.label_color);
    rect
}

/// A dashed outline.
pub(super) fn dashed_rect(r: Rect, stroke: Stroke) -> Vec<egui::Shape> {
    let pts = [r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom(), r.left_top()];
    egui::Shape::dashed_line(&pts, stroke, 4.0, 3.0)
}
