//! Custom widgets.

pub mod article;
pub mod glyph_map;
