//! Big corpora and long documents: `cargo bench --bench scale` generates,
//! in a temporary folder, a corpus of 10,000 articles (each with an
//! annotation file) and one article of a million words with 50,000 spans
//! and 5,000 relations, then prints:
//!
//! - the time to open the big corpus (`Project::open`: what the window does
//!   before its first frame) and to export it as the gold JSON;
//! - the time to load the long article with its annotations, and to write
//!   them back (one save);
//! - the process's peak memory against the corpus text's size.
//!
//! `SPANLAB_SCALE_ARTICLES=N` changes the corpus size.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::time::Instant;

use spanlab::app::{AppOptions, SpanlabApp};
use spanlab::model::{CharIdx, Document, ExportOptions, Schema};
use spanlab::store::Project;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0)
}

fn main() {
    let articles: usize = std::env::var("SPANLAB_SCALE_ARTICLES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let schema = Schema::news();

    // The big corpus: articles of 300 words, each with 20 spans saved.
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    let t = Instant::now();
    let mut text_bytes = 0usize;
    {
        for i in 0..articles {
            let text = common::article(300, i);
            text_bytes += text.len();
            std::fs::write(corpus.join(format!("a{i:05}.txt")), &text).expect("write");
        }
        let mut project = Project::open(&corpus, None).expect("opens");
        for i in 0..project.entries.len() {
            let mut doc = project.load(i).expect("loads").doc;
            for k in 0..20 {
                let e = doc.add_span_edit(CharIdx::new(k * 60), CharIdx::new(k * 60 + 4), "PER");
                let _ = doc.apply(e, &schema);
            }
            project.save(&doc).expect("saves");
        }
    }
    println!(
        "generated {articles} articles ({:.1} MB of text) with 20 spans each in {:.1} s",
        text_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let project = Project::open(&corpus, None).expect("opens");
    let open = t.elapsed();
    let t = Instant::now();
    let (dataset, _) = project.export(ExportOptions::default(), |_| {}).expect("exports");
    let json = dataset.to_json();
    std::fs::write(dir.path().join("export.json"), &json).expect("write");
    let export = t.elapsed();
    println!(
        "open {} documents: {:.3} s (target ≤ 1 s); export as gold JSON ({:.1} MB): {:.2} s (target ≤ 2 s)",
        project.entries.len(),
        open.as_secs_f64(),
        json.len() as f64 / 1e6,
        export.as_secs_f64()
    );
    drop(json);
    drop(dataset);

    // The long article: a million words, 50,000 spans, 5,000 relations.
    let long_dir = dir.path().join("long");
    std::fs::create_dir_all(&long_dir).expect("mkdir");
    let text = common::article(1_000_000, 0);
    let long_bytes = text.len();
    std::fs::write(long_dir.join("long.txt"), &text).expect("write");
    let mut project = Project::open(&long_dir, None).expect("opens");
    let mut doc: Document = project.load(0).expect("loads").doc;
    let t = Instant::now();
    common::annotate_long(&mut doc, 50_000, &schema);
    println!(
        "built the long article: {} spans, {} relations in {:.2} s",
        doc.spans().len(),
        doc.relations().count(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    project.save(&doc).expect("saves");
    let save = t.elapsed();
    let t = Instant::now();
    let loaded = project.load(0).expect("loads").doc;
    let load = t.elapsed();
    assert_eq!(loaded.spans().len(), doc.spans().len());
    println!("long article ({:.1} MB): save {:.2} s, load {:.2} s", long_bytes as f64 / 1e6, save.as_secs_f64(), load.as_secs_f64());
    let peak = peak_rss_kib() as f64 / 1024.0;
    let budget = 3.0 * (text_bytes.max(long_bytes)) as f64 / 1e6 + 100.0;
    println!("peak memory: {peak:.0} MiB (target ≤ 3 × the corpus text + 100 MB = {budget:.0} MB)");

    // Launch to an interactive window on the big corpus (headless, through
    // egui_kittest): open the project, create the app, draw its first frame
    // with the first document open. After the memory figure: the window's
    // fonts and GPU-less renderer are not the corpus's cost.
    let t = Instant::now();
    let project = Project::open(&corpus, None).expect("opens");
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()));
    h.step();
    let shown = h.state().open.as_ref().map(|o| o.doc.id.0.clone()).unwrap_or_default();
    println!(
        "launch to the first frame of the window on the {articles} articles ({shown} open): {:.3} s (target ≤ 1 s)",
        t.elapsed().as_secs_f64()
    );
    // Then scrolling the corpus list: frames stay short whatever its length.
    let mut times = Vec::new();
    for _ in 0..60 {
        h.input_mut().events.push(egui::Event::PointerMoved(egui::pos2(100.0, 500.0)));
        h.input_mut().events.push(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!("frames scrolling the corpus list: p50 {:.2} ms, max {:.2} ms", ms(times[times.len() / 2]), ms(times[times.len() - 1]));
}
