//! `spanlab --screenshot OUT.png`: renders the window as it would appear,
//! offscreen (wgpu through egui_kittest's renderer, no display needed), and
//! writes a PNG.

use std::path::Path;

use super::{AppOptions, SpanlabApp};
use crate::store::Project;

/// Renders the app on `project` at `size` and writes a PNG.
///
/// egui_kittest's renderer panics when wgpu finds no adapter (no GPU and no
/// Mesa software renderer); that panic is caught here and returned as an
/// error saying what to install, with no file written.
pub fn screenshot(project: Project, options: AppOptions, size: (f32, f32), out: &Path) -> Result<(), String> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(project, options, size, out)));
    std::panic::set_hook(previous_hook);
    match rendered {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("unknown cause");
            if message.contains("adapter") || message.contains("render state") {
                Err(format!(
                    "--screenshot found no renderer ({message}): it needs a GPU or Mesa's software renderers \
                     (Debian: apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri mesa-vulkan-drivers)"
                ))
            } else {
                Err(format!("--screenshot failed while rendering: {message}"))
            }
        }
    }
}

fn render(project: Project, options: AppOptions, size: (f32, f32), out: &Path) -> Result<(), String> {
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
