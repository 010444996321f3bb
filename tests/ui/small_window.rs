//! A small window (800×600): what it shows stays inside it, dialogs
//! included. Shares the helpers of `main.rs`.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

use super::*;

/// Seen under Xvfb: the keys and commands (?) were a window wider than the
/// screen, at 800×600 and at 1400×900, its text off both edges (a row of it
/// too long to fit, never wrapped). It fits the window, its rows wrapped.
#[test]
fn the_keys_and_commands_fit_a_small_window() {
    let f = fixture(&[("a.txt", TEXT)]);
    for (w, hgt) in [(800.0, 600.0), (1400.0, 900.0)] {
        let mut h = harness_sized(&f.root, egui::vec2(w, hgt));
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, hgt));
        key(&mut h, Key::Questionmark);
        for _ in 0..3 {
            h.run_ok();
        }
        for label in ["Keys and commands", "Close"] {
            let r = h.get_by_label(label).rect();
            assert!(window.contains_rect(r), "{w}×{hgt}: {label} at {r:?} is in the window");
        }
        // A row further down the list (scrolled to, not yet in view) is
        // within the window's width.
        let row = h.get_by_label("Next document").rect();
        assert!(row.left() >= 0.0 && row.right() <= w, "{w}×{hgt}: a row at {row:?} is within the window's width");
    }
}

/// Seen under Xvfb at 800×600: the settings were wider than the window
/// (the line naming the models in use is long), their labels cut off at
/// its left edge. They fit the window, that line wrapped.
#[test]
fn the_settings_fit_a_small_window() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness_sized(&f.root, egui::vec2(800.0, 600.0));
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0));
    h.state_mut().model_in_use =
        "the shipped model (French news, WiNER-fr; its suggestions say tagger) with the rules and the memory of names confirmed, and a project model trained on 12 documents marked done".to_owned();
    key_mod(&mut h, Modifiers::COMMAND, Key::Comma);
    for _ in 0..3 {
        h.run_ok();
    }
    for label in ["Suggestion threshold", "Models in use", "Save"] {
        for node in h.get_all_by_label(label) {
            let r = node.rect();
            assert!(window.contains_rect(r), "{label} at {r:?} is in the window");
        }
    }
}

/// Seen under Xvfb at 800×600: the status bar's hint ran off the window's
/// right edge, cut mid-word ("then j through the sugge"). It ends within
/// the window (with "…"; the whole hint on hover).
#[test]
fn the_status_hint_ends_within_a_small_window() {
    let f = fixture(&[("a.txt", TEXT)]);
    let h = harness_sized(&f.root, egui::vec2(800.0, 600.0));
    let hint = h.get_by_label_contains("?: shortcuts").rect();
    assert!(hint.right() <= 800.0, "the hint ends at x {}", hint.right());
}

/// Issue 15, item 10: at 800×600 the "Done" button was drawn over the
/// document's name, and at 1000×700 over its status tag; the side panels
/// left the article a sliver and could not be put away.
#[test]
fn a_small_window_cuts_nothing_off_and_its_side_panels_collapse() {
    let name = "fr-une-breve-au-nom-plutot-long";
    let f = fixture(&[(&format!("{name}.txt"), TEXT)]);
    for (w, hgt) in [(800.0, 600.0), (1000.0, 700.0)] {
        let mut h = harness_sized(&f.root, egui::vec2(w, hgt));
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, hgt));
        let done = h.get_by_label_contains("Done").rect();
        let title = h.get_by_label(name).rect();
        let status = h.get_by_label("[new]").rect();
        assert!(window.contains_rect(done), "{w}×{hgt}: Done {done:?} is in the window");
        assert!(!done.intersects(title), "{w}×{hgt}: Done {done:?} covers the name {title:?}");
        assert!(!done.intersects(status), "{w}×{hgt}: Done {done:?} covers the status tag {status:?}");
        let font = egui::TextStyle::Heading.resolve(&h.ctx.global_style());
        let full = h.ctx.fonts_mut(|f| f.layout_no_wrap(name.to_owned(), font, egui::Color32::PLACEHOLDER).size().x);
        assert!(title.width() + 1.0 >= full, "{w}×{hgt}: the name is shown whole ({} of {full} points)", title.width());
        let view = h.state().article_view().view_rect().expect("drawn");
        assert!(view.width() >= 0.4 * w, "{w}×{hgt}: the article gets {} of {w} points", view.width());
        // Both side panels put away, then back.
        let ctx = h.ctx.clone();
        h.state_mut().apply(&ctx, spanlab::app::Command::ToggleCorpusPanel);
        h.state_mut().apply(&ctx, spanlab::app::Command::ToggleInspector);
        h.run_ok();
        let wide = h.state().article_view().view_rect().expect("drawn");
        assert!(wide.width() > w - 60.0, "{w}×{hgt}: with both panels away the article gets {} of {w}", wide.width());
        assert!(h.query_by_label("Suggest for all new documents").is_none(), "the corpus panel is away");
        h.state_mut().apply(&ctx, spanlab::app::Command::ToggleCorpusPanel);
        h.state_mut().apply(&ctx, spanlab::app::Command::ToggleInspector);
        h.run_ok();
        assert_eq!(h.state().article_view().view_rect().expect("drawn").width(), view.width(), "{w}×{hgt}: back as they were");
    }
}

/// A harness with a window of this size.
pub(super) fn harness_sized(root: &std::path::Path, size: egui::Vec2) -> Harness<'static, SpanlabApp> {
    let project = Project::open(root, None).expect("project opens");
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()));
    h.run_ok();
    settle(&mut h);
    h
}
