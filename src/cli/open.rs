//! `spanlab [DIR]`: opens the window (or renders it with --screenshot).
//! With no DIR, the sample corpus: the repository's `assets/corpus` with its
//! annotations in the top-level `annotations/`, or, when the binary runs
//! away from its sources, an embedded copy unpacked into the user's data
//! folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::app::{AppOptions, Settings, SpanlabApp};
use crate::store::Project;
use crate::store::atomic::write_atomic;

pub struct Args {
    pub dir: Option<PathBuf>,
    pub annotations: Option<PathBuf>,
    pub screenshot: Option<PathBuf>,
    pub doc: Option<String>,
    pub size: String,
    pub dark: bool,
    pub annotator: Option<String>,
}

/// The sample corpus, embedded so the app opens it from anywhere.
const SAMPLE: &[(&str, &[u8])] = &[
    ("breves-fr-en.jsonl", include_bytes!("../../assets/corpus/breves-fr-en.jsonl")),
    ("en-arctic-council.html", include_bytes!("../../assets/corpus/en-arctic-council.html")),
    ("en-water-summit-multiscript.txt", include_bytes!("../../assets/corpus/en-water-summit-multiscript.txt")),
    ("fr-budget-cp1252.txt", include_bytes!("../../assets/corpus/fr-budget-cp1252.txt")),
    ("fr-conseil-europeen.md", include_bytes!("../../assets/corpus/fr-conseil-europeen.md")),
    ("fr-forum-pacifique.txt", include_bytes!("../../assets/corpus/fr-forum-pacifique.txt")),
    ("fr-sommet-lisbonne-nbsp.txt", include_bytes!("../../assets/corpus/fr-sommet-lisbonne-nbsp.txt")),
    ("fr-visite-dakar-crlf.txt", include_bytes!("../../assets/corpus/fr-visite-dakar-crlf.txt")),
];

/// The sample project's folder and annotations folder.
pub fn sample_project() -> Result<(PathBuf, PathBuf)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = repo.join("assets").join("corpus");
    if corpus.is_dir() {
        return Ok((corpus, repo.join("annotations")));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
        .context("neither XDG_DATA_HOME nor HOME is set: name a folder to open")?;
    let root = base.join("spanlab").join("sample");
    for (name, bytes) in SAMPLE {
        let path = root.join(name);
        if !path.exists() {
            write_atomic(&path, bytes).with_context(|| format!("unpacking the sample corpus to {}", path.display()))?;
        }
    }
    Ok((root.clone(), root.join("annotations")))
}

fn parse_size(s: &str) -> Result<(f32, f32)> {
    let Some((w, h)) = s.split_once(['x', 'X']) else { bail!("--size expects WIDTHxHEIGHT, e.g. 1280x800, got {s:?}") };
    let (w, h): (f32, f32) = (w.trim().parse()?, h.trim().parse()?);
    if !(200.0..=8000.0).contains(&w) || !(200.0..=8000.0).contains(&h) {
        bail!("--size {s}: each side must be between 200 and 8000 pixels");
    }
    Ok((w, h))
}

pub fn run(a: Args) -> Result<ExitCode> {
    let (root, annotations) = match a.dir {
        Some(d) => (d, a.annotations),
        None => {
            let (r, ann) = sample_project()?;
            (r, Some(a.annotations.unwrap_or(ann)))
        }
    };
    let project = Project::open(&root, annotations.as_deref())?;
    if let Some(out) = a.screenshot {
        let size = parse_size(&a.size)?;
        let options =
            AppOptions { settings_path: None, first_doc: a.doc, dark: Some(a.dark), read_only: true, annotator: a.annotator.clone() };
        crate::app::screenshot::screenshot(project, options, size, &out).map_err(anyhow::Error::msg)?;
        println!("wrote {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let options = AppOptions {
        settings_path: Settings::default_path(),
        first_doc: a.doc,
        dark: a.dark.then_some(true),
        read_only: false,
        annotator: a.annotator,
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("spanlab")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0]),
        ..Default::default()
    };
    eframe::run_native("spanlab", native, Box::new(move |cc| Ok(Box::new(SpanlabApp::new(&cc.egui_ctx, project, options)))))
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
