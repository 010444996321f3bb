//! The fonts the window uses, embedded so every machine (and the headless
//! tests) renders accented Latin, Greek, Cyrillic, Arabic, CJK and emoji
//! without tofu. See assets/fonts/README.md for sources and licences.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

const NOTO_SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
const NOTO_ARABIC: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
const DROID_FALLBACK: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallback.ttf");

/// egui's fonts plus Noto Sans (combining marks), Noto Sans Arabic and Droid
/// Sans Fallback (CJK) as fallbacks, in that order, then Hack for arrows and
/// shapes.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in [("NotoSans", NOTO_SANS), ("NotoSansArabic", NOTO_ARABIC), ("DroidSansFallback", DROID_FALLBACK)] {
        fonts.font_data.insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push(name.to_owned());
        }
    }
    // Hack (bundled with egui) has arrows and geometric shapes that the
    // proportional fonts lack.
    if let Some(list) = fonts.families.get_mut(&FontFamily::Proportional) {
        list.push("Hack".to_owned());
    }
    fonts
}

/// Installs the fonts on a context.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
