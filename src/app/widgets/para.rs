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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_not_laid_out_is_small_and_maps_characters_to_themselves() {
        assert!(std::mem::size_of::<Para>() <= 32, "{} bytes", std::mem::size_of::<Para>());
        let p = Para { start: CharIdx::new(3), end: CharIdx::new(9), laid: None, height: 12.0 };
        assert!(p.galley().is_none());
        assert_eq!(p.map(), &GlyphMap::default());
    }
}
