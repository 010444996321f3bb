//! Custom widgets.

mod arcs;
pub mod article;
pub mod glyph_map;
mod para;
