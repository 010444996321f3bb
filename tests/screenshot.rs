//! `spanlab --screenshot` renders the window offscreen and writes a PNG of
//! the requested size (needs a wgpu adapter: Mesa's software renderers do;
//! without one the test fails under `CI=true` and skips elsewhere).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{path_str, spanlab, stderr};

#[test]
fn screenshot_writes_a_png_of_the_requested_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::write(corpus.join("a.txt"), "Le président Zoë Durand est arrivée à Tōkyō (東京) 😀 le 3 mars 2025.").expect("write");
    let out = dir.path().join("shot.png");
    let o = spanlab(&["--screenshot", path_str(&out), "--size", "900x600", path_str(&corpus)]);
    let no_adapter = !o.status.success() && stderr(&o).contains("found no renderer");
    let Some(()) = common::require((!no_adapter).then_some(()), "a wgpu adapter (Mesa's software renderers)") else { return };
    assert!(o.status.success(), "{}", stderr(&o));
    let img = image::open(&out).expect("a PNG").to_rgba8();
    assert_eq!(img.dimensions(), (900, 600));
    let first = *img.get_pixel(0, 0);
    assert!(img.pixels().filter(|p| **p != first).count() > 10_000, "the picture has content");
    assert!(!corpus.join("annotations").exists(), "a screenshot writes no annotations");
}

/// Without any renderer (here: wgpu told to use a backend this platform does
/// not have), `--screenshot` ends with an error that says what is missing,
/// not a panic, and writes no file.
#[test]
fn screenshot_without_a_renderer_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::write(corpus.join("a.txt"), "Une phrase.").expect("write");
    let out = dir.path().join("shot.png");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_spanlab"))
        .args(["--screenshot", path_str(&out), path_str(&corpus)])
        .env("WGPU_BACKEND", "metal")
        .output()
        .expect("spanlab runs");
    let err = stderr(&o);
    assert!(!o.status.success(), "no renderer cannot succeed");
    assert!(!err.contains("panicked"), "a panic instead of an error: {err}");
    assert!(err.contains("--screenshot") && err.contains("renderer"), "the error says what is missing: {err}");
    assert!(!out.exists(), "no file written");
}
