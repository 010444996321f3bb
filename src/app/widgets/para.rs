//! The article view's paragraphs: where each starts and ends, its height,
//! and its layout once it has one.
//!
//! Owns: the [`Para`] record, kept small (32 bytes): a 200 MB article has a
//! million paragraphs, and only those near the view are laid out. Must not
//! touch: the document (the view cuts the text into paragraphs).

use std::sync::Arc;

use egui::Galley;

use super::glyph_map::GlyphMap;
use crate::model::CharIdx;

/// A paragraph (or a piece of a long one): its code points, without the
/// line break, `(start, end)` end exclusive.
pub(super) struct Para {
    pub start: CharIdx,
    pub end: CharIdx,
    /// Its layout, once laid out.
    pub laid: Option<Box<Laid>>,
    /// Its height: measured once laid out, estimated before.
    pub height: f32,
}

/// A paragraph's layout.
pub(super) struct Laid {
    pub galley: Arc<Galley>,
    /// Which of the galley's glyphs draws which character.
    pub map: GlyphMap,
}

/// The glyph map of a paragraph not laid out: the identity.
static IDENTITY: GlyphMap = GlyphMap::IDENTITY;

impl Para {
    /// Its galley, once laid out.
    pub fn galley(&self) -> Option<&Arc<Galley>> {
        self.laid.as_ref().map(|l| &l.galley)
    }

    /// Which of its galley's glyphs draws which character.
    pub fn map(&self) -> &GlyphMap {
        self.laid.as_ref().map_or(&IDENTITY, |l| &l.map)
    }
}

/// The paragraphs' tops: their heights' running sums (a Fenwick tree, in
/// `f64` so a million heights add up exactly enough), so that where a
/// paragraph starts and which paragraph a height falls in cost
/// `O(log n)`, not a walk over every paragraph each frame.
#[derive(Default)]
pub(super) struct Tops {
    /// `tree[i]` (from 1) sums the heights of paragraphs `i - (i & -i)` to `i - 1`.
    tree: Vec<f64>,
}

impl Tops {
    /// The tops of paragraphs of these heights.
    pub fn new(heights: impl Iterator<Item = f32>) -> Self {
        let mut tree = vec![0.0];
        tree.extend(heights.map(f64::from));
        let n = tree.len();
        for i in 1..n {
            let parent = i + (i & i.wrapping_neg());
            if parent < n {
                let v = tree.get(i).copied().unwrap_or(0.0);
                if let Some(t) = tree.get_mut(parent) {
                    *t += v;
                }
            }
        }
        Self { tree }
    }

    /// How many paragraphs.
    pub fn len(&self) -> usize {
        self.tree.len().saturating_sub(1)
    }

    /// Paragraph `k`'s height changed by `delta`.
    pub fn add(&mut self, k: usize, delta: f32) {
        let mut i = k + 1;
        while let Some(t) = self.tree.get_mut(i) {
            *t += f64::from(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// Where paragraph `k` starts: the heights of those before it (all of
    /// them for `k` past the last).
    pub fn top(&self, k: usize) -> f32 {
        let mut i = k.min(self.len());
        let mut sum = 0.0;
        while i > 0 {
            sum += self.tree.get(i).copied().unwrap_or(0.0);
            i -= i & i.wrapping_neg();
        }
        sum as f32
    }

    /// The height of every paragraph.
    pub fn total(&self) -> f32 {
        self.top(self.len())
    }

    /// The paragraph that height `y` falls in (the first whose bottom is
    /// below `y`): 0 above the first, [`len`](Self::len) past the last.
    pub fn at(&self, y: f32) -> usize {
        let n = self.len();
        let mut pos = 0;
        let mut rest = f64::from(y);
        let mut step = n.checked_ilog2().map_or(0, |b| 1usize << b);
        while step > 0 {
            if let Some(&t) = self.tree.get(pos + step)
                && t <= rest
            {
                pos += step;
                rest -= t;
            }
            step /= 2;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tops_are_running_sums_and_find_the_paragraph_at_a_height() {
        let mut heights: Vec<f32> = (0..1000).map(|i| 10.0 + (i * 7 % 13) as f32).collect();
        let mut tops = Tops::new(heights.iter().copied());
        let check = |tops: &Tops, heights: &[f32]| {
            let mut y = 0.0f32;
            for (k, h) in heights.iter().enumerate() {
                assert!((tops.top(k) - y).abs() < 1e-2, "top of {k}");
                assert_eq!(tops.at(y), k, "at the top of {k}");
                assert_eq!(tops.at(y + h / 2.0), k, "inside {k}");
                y += h;
            }
            assert!((tops.total() - y).abs() < 1e-2);
            assert_eq!(tops.at(y + 1.0), heights.len(), "past the last");
            assert_eq!(tops.at(-5.0), 0, "above the first");
        };
        check(&tops, &heights);
        // Paragraphs laid out: their heights change.
        for k in [0, 1, 499, 998, 999, 500] {
            let h = 31.5;
            tops.add(k, h - heights[k]);
            heights[k] = h;
        }
        check(&tops, &heights);
        assert_eq!(Tops::default().at(3.0), 0);
        assert_eq!(Tops::new(std::iter::empty()).total(), 0.0);
    }

    #[test]
    fn a_paragraph_not_laid_out_is_small_and_maps_characters_to_themselves() {
        assert!(std::mem::size_of::<Para>() <= 32, "{} bytes", std::mem::size_of::<Para>());
        let p = Para { start: CharIdx::new(3), end: CharIdx::new(9), laid: None, height: 12.0 };
        assert!(p.galley().is_none());
        assert_eq!(p.map(), &GlyphMap::default());
    }
}
