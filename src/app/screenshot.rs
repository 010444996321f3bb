//! `spanlab --screenshot OUT.png`: renders the window as it would appear,
//! offscreen (wgpu through egui_kittest's renderer, no display needed), and
//! writes a PNG.

use std::path::Path;

use super::{AppOptions, SpanlabApp};
use crate::store::Project;

/// Renders the app on `project` at `size` and writes a PNG.
pub fn screenshot(project: Project, options: AppOptions, size: (f32, f32), out: &Path) -> Result<(), String> {
    let dark = options.dark.unwrap_or(false);
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light })
        .with_max_steps(16)
        .build_eframe(|cc| SpanlabApp::new(&cc.egui_ctx, project, options));
    harness.run_steps(2);
    // Let the background suggestions arrive (the built-in engine takes
    // milliseconds; a slow external recommender is given its timeout).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while harness.state().is_suggesting() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.run_steps(1);
    }
    harness.run_steps(3);
    let image = harness.render().map_err(|e| format!("rendering failed: {e}"))?;
    image.save(out).map_err(|e| format!("{}: {e}", out.display()))
}
