//! `spanlab [DIR]`: finds the project to open in the window (or to render
//! with --screenshot) and says so to `main.rs`, the only place that reaches
//! the app. With no DIR, the sample corpus: the repository's `assets/corpus`
//! (or, when the binary runs away from its sources, an embedded copy
//! unpacked into the user's data folder), its annotations always in the
//! user's data folder (`$XDG_DATA_HOME/spanlab/sample/annotations`), so
//! running the app changes no file of the repository.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::model::DocId;
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

/// The user's data folder for spanlab: `$XDG_DATA_HOME/spanlab`, or
/// `~/.local/share/spanlab`.
pub fn data_home() -> Result<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
        .context("neither XDG_DATA_HOME nor HOME is set: name a folder to open")?;
    Ok(base.join("spanlab"))
}

/// The sample project's folder and annotations folder.
pub fn sample_project() -> Result<(PathBuf, PathBuf)> {
    sample_project_at(&data_home()?)
}

/// The sample project's folder and annotations folder, with `data` as the
/// user's data folder.
pub fn sample_project_at(data: &Path) -> Result<(PathBuf, PathBuf)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = repo.join("assets").join("corpus");
    if corpus.is_dir() {
        // Running from the sources: the articles are the repository's, the
        // annotations the user's (running the app changes no tracked file).
        return Ok((corpus, data.join("sample").join("annotations")));
    }
    let root = data.join("sample");
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

/// What the command line asks the window to show.
pub struct Window {
    /// The project, opened.
    pub project: Project,
    /// The document to show first (its id).
    pub first_doc: Option<String>,
    /// Dark theme.
    pub dark: bool,
    /// Annotate as this annotator.
    pub annotator: Option<String>,
    /// Render the window to a PNG file instead of opening it.
    pub screenshot: Option<Screenshot>,
}

/// A rendering of the window to a PNG file.
pub struct Screenshot {
    /// The PNG file.
    pub out: PathBuf,
    /// The window's size in points (width, height).
    pub size: (f32, f32),
}

/// The document `--doc` names must be one of the project's: a typo stops
/// here, naming the folder and the ids holding what was typed (case
/// folded), or the first ids when none does, before any window opens.
fn check_first_doc(project: &Project, id: &str) -> Result<()> {
    if project.position(&DocId(id.to_owned())).is_some() {
        return Ok(());
    }
    let typed = id.to_lowercase();
    let ids = || project.entries.iter().map(|e| e.id.0.as_str());
    let near: Vec<&str> = ids().filter(|e| e.to_lowercase().contains(&typed)).collect();
    let first_ten = |v: Vec<&str>| v.get(..10).unwrap_or(&v).join(", ");
    let hint = match near.len() {
        0 => format!(
            " (its {} documents: {}{})",
            project.entries.len(),
            first_ten(ids().collect()),
            if project.entries.len() > 10 { ", …" } else { "" }
        ),
        1..=10 => format!("; ids holding it: {}", near.join(", ")),
        n => format!("; {n} ids hold it, among them {}", first_ten(near)),
    };
    bail!("{}: no document with id {id:?}{hint}", project.root.display())
}

/// Opens the project the command line names (the sample corpus by default).
pub fn run(a: Args) -> Result<Window> {
    let (root, annotations) = match a.dir {
        Some(d) => (d, a.annotations),
        None => {
            let (r, ann) = sample_project()?;
            (r, Some(a.annotations.unwrap_or(ann)))
        }
    };
    let project = Project::open(&root, annotations.as_deref())?;
    if let Some(id) = &a.doc {
        check_first_doc(&project, id)?;
    }
    let screenshot = match a.screenshot {
        Some(out) => Some(Screenshot { out, size: parse_size(&a.size)? }),
        None => None,
    };
    Ok(Window { project, first_doc: a.doc, dark: a.dark, annotator: a.annotator, screenshot })
}
