//! The fixture of the tests of hostile inputs and of the edges of issue 14
//! (`hostile.rs`, `quit.rs`, `edited_articles.rs`, `project_files.rs`,
//! `export_import.rs`): a project with saved annotations and an earlier
//! export, snapshots that prove nothing saved changed, and the window on it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use egui_kittest::Harness;
use serde_json::{Value, json};
use spanlab::app::{AppOptions, SpanlabApp};
use spanlab::model::{CharIdx, DocId, Schema};
use spanlab::store::Project;

use super::{path_str, spanlab, stderr, stdout};

pub const TEXT_A: &str = "Sergueï Lavrov a rencontré Wang Yi à Pékin le 3 mars 2025.";
pub const TEXT_B: &str = "L'ONU 😀 siège à New York.";

/// Code-point offsets of the first `needle` in `text`.
pub fn find(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

pub fn entity(text: &str, id: &str, needle: &str, label: &str) -> Value {
    let (s, e) = find(text, needle);
    json!({"id": id, "start": s, "end": e, "label": label, "text": needle})
}

pub fn news_schema() -> Value {
    json!({"name": "news", "entity_labels": ["PER","ORG","GPE","LOC","DATE","EVENT"],
           "relation_labels": ["MEETS","ROLE_IN","VISITS","MEMBER_OF","LOCATED_IN","SUPPORTS","OPPOSES","PARTICIPATES_IN","DATE_OF"]})
}

pub fn dataset(documents: Value) -> Value {
    json!({"format": "spanlab-dataset", "version": 1, "schema": news_schema(), "documents": documents})
}

/// The dataset every project of these tests starts from: two documents with
/// spans and a relation.
pub fn gold() -> Value {
    dataset(json!([
        {"id": "a", "source": "a.txt", "text": TEXT_A, "status": "done",
         "entities": [entity(TEXT_A, "T1", "Sergueï Lavrov", "PER"), entity(TEXT_A, "T2", "Wang Yi", "PER"), entity(TEXT_A, "T3", "Pékin", "GPE")],
         "relations": [{"id": "R1", "head": "T1", "tail": "T2", "label": "MEETS"}]},
        {"id": "b", "source": "b.txt", "text": TEXT_B, "status": "in_progress",
         "entities": [entity(TEXT_B, "T1", "ONU", "ORG"), entity(TEXT_B, "T2", "New York", "GPE")]}
    ]))
}

/// One document `h` over [`TEXT_A`] with these entities and relations.
pub fn one_doc(entities: Value, relations: Value) -> Value {
    dataset(json!([{"id": "h", "source": "h.txt", "text": TEXT_A, "status": "new", "entities": entities, "relations": relations}]))
}

/// Every file under `root` (a symbolic link as `-> target`, a folder as an
/// empty entry ending in `/`), by path relative to `root`.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(list) = fs::read_dir(dir) else { return };
        for e in list.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).expect("inside").to_string_lossy().into_owned();
            // The summary cache is spanlab's own, derived from the
            // annotation files and refreshed by any opening of the project
            // (store::summaries): not something a user saved.
            if rel == "annotations/summaries.jsonl" {
                continue;
            }
            let meta = fs::symlink_metadata(&p).expect("metadata");
            if meta.file_type().is_symlink() {
                out.insert(rel, format!("-> {}", fs::read_link(&p).expect("link").display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                out.insert(rel, fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// A project with saved annotations (imported from [`gold`]) and an earlier
/// export, in a temporary folder that also holds the hostile inputs.
pub struct Saved {
    pub dir: tempfile::TempDir,
    pub project: PathBuf,
    pub export: PathBuf,
    pub project_before: BTreeMap<String, Vec<u8>>,
    pub export_before: Vec<u8>,
}

impl Saved {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let gold_path = dir.path().join("gold.json");
        fs::write(&gold_path, gold().to_string()).expect("write");
        let project = dir.path().join("P");
        let o = spanlab(&["import", path_str(&gold_path), "--into", path_str(&project)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let export = dir.path().join("export.json");
        let o = spanlab(&["export", path_str(&project), "--out", path_str(&export)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let project_before = snapshot(&project);
        assert!(project_before.contains_key("annotations/documents/a.json"), "{:?}", project_before.keys());
        let export_before = fs::read(&export).expect("read");
        Self { dir, project, export, project_before, export_before }
    }

    /// A path for an input or output beside the project.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a hostile input beside the project.
    pub fn input(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, bytes).expect("write");
        p
    }

    /// Adds a file to the project folder and takes it into the snapshot.
    pub fn add(&mut self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.project.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, bytes).expect("write");
        self.project_before = snapshot(&self.project);
        p
    }

    /// Nothing saved changed, but the window may have saved suggestions for
    /// the documents it opened, and its project model (trained on the done
    /// documents): new annotation files only.
    pub fn assert_kept(&self) {
        let now = snapshot(&self.project);
        for (k, v) in &self.project_before {
            assert!(now.get(k) == Some(v), "{k} changed");
        }
        for k in now.keys().filter(|k| !self.project_before.contains_key(*k)) {
            // The window's own files: its journal (while edits are unsaved),
            // its lock, and the .gitignore that keeps them out of git.
            let name = k.strip_prefix("annotations/").unwrap_or("");
            let own = (name.starts_with("journal-") && name.ends_with(".jsonl"))
                || name.starts_with(".lock-")
                || name == ".gitignore"
                || name == "project-model.bin";
            assert!(own || (k.starts_with("annotations/documents/") && k.ends_with(".json")), "{k} appeared");
        }
        assert!(fs::read(&self.export).expect("read") == self.export_before, "the earlier export changed");
    }

    /// Nothing saved changed: the project's files and the earlier export.
    pub fn assert_unchanged(&self) {
        let now = snapshot(&self.project);
        assert_eq!(now.keys().collect::<Vec<_>>(), self.project_before.keys().collect::<Vec<_>>(), "the project's files");
        for (k, v) in &self.project_before {
            assert!(now.get(k) == Some(v), "{k} changed");
        }
        assert!(fs::read(&self.export).expect("read") == self.export_before, "the earlier export changed");
    }

    /// Runs `import` of `input` into the project, expecting a refusal whose
    /// message names each of `needles`, and nothing changed.
    pub fn import_refused(&self, input: &Path, format: &str, extra: &[&str], needles: &[&str]) -> String {
        let mut args = vec!["import", path_str(input), "--into", path_str(&self.project), "--format", format];
        args.extend(extra);
        let o = spanlab(&args);
        let err = refused(&o, needles);
        self.assert_unchanged();
        err
    }

    pub fn load(&self, id: &str) -> Result<spanlab::store::Loaded, spanlab::store::StoreError> {
        let p = Project::open(&self.project, None).expect("the project opens");
        p.load(p.position(&DocId(id.into())).expect("listed"))
    }
}

/// Asserts a command failed with a message (stderr, else stdout) naming each
/// needle; returns the message.
pub fn refused(o: &Output, needles: &[&str]) -> String {
    let msg = format!("{}{}", stderr(o), stdout(o));
    assert!(!o.status.success(), "expected a refusal, got success:\n{msg}");
    assert!(!msg.contains("panicked"), "a panic:\n{msg}");
    for n in needles {
        assert!(msg.contains(n), "missing {n:?} in:\n{msg}");
    }
    // Each cause is said once (not "file: cause: cause").
    if let Some(err) = stderr(o).lines().find_map(|l| l.strip_prefix("spanlab: error: ")) {
        let parts: Vec<&str> = err.split(": ").collect();
        for k in 1..parts.len() {
            let tail = parts[k..].join(": ");
            assert!(tail.len() < 12 || !parts[..k].join(": ").ends_with(&tail), "said twice: {err}");
        }
    }
    msg
}

pub fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}{}", stderr(o), stdout(o));
    stdout(o)
}

/// The texts of a project's documents, by id, as the library reads them.
pub fn texts(root: &Path) -> BTreeMap<String, Result<String, String>> {
    let p = Project::open(root, None).expect("opens");
    p.entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.0.clone(), p.load(i).map(|l| l.doc.text().as_str().to_owned()).map_err(|e| e.to_string())))
        .collect()
}

pub fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

pub fn utf16be(s: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
    out.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    out
}

/// The first `n` bytes of `s`, or a little fewer to end on a character.
pub fn cut(s: &str, n: usize) -> &str {
    &s[..s.floor_char_boundary(n)]
}

/// Nesting `[[[…]]]` `depth` deep.
pub fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Whether this process can write into a folder whose permissions say it
/// cannot (root): checked by trying.
pub fn permissions_enforced(dir: &Path) -> bool {
    fs::write(dir.join(".probe"), b"x").is_err()
}

#[cfg(unix)]
pub fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Adds a span over `needle` to a document and saves it.
pub fn annotate(project: &mut Project, id: &str, needle: &str, label: &str) -> Result<(), spanlab::store::StoreError> {
    let i = project.position(&DocId(id.into())).expect("listed");
    let mut doc = project.load(i)?.doc;
    let (s, e) = find(doc.text().as_str(), needle);
    let edit = doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), label);
    doc.apply(edit, &Schema::news()).expect("a valid span");
    project.save(&doc)
}

pub fn harness(root: &Path) -> Harness<'static, SpanlabApp> {
    let project = Project::open(root, None).expect("the project opens");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()));
    h.run_ok();
    h
}

/// Runs frames until `done` holds (then one more, so that the widgets show
/// the state waited for); panics after about five seconds.
pub fn run_until(h: &mut Harness<'_, SpanlabApp>, done: impl Fn(&SpanlabApp) -> bool) {
    for _ in 0..1000 {
        h.run_ok();
        if done(h.state()) {
            h.run_ok();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("never happened");
}

/// Runs frames until background suggestions are in (or a few seconds passed).
pub fn settle(h: &mut Harness<'_, SpanlabApp>) {
    for _ in 0..500 {
        h.run_ok();
        if !h.state().is_suggesting() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

pub fn messages(h: &Harness<'_, SpanlabApp>) -> String {
    h.state().messages.iter().map(|m| m.text.clone()).collect::<Vec<_>>().join("\n")
}

/// Document `a`'s saved annotation file as JSON, to damage.
pub fn saved_a() -> Value {
    let s = Saved::new();
    serde_json::from_slice(&s.project_before["annotations/documents/a.json"]).expect("json")
}
