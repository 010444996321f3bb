//! Custom widgets.

pub mod article;
