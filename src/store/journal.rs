//! The project's journal of edits (`annotations/journal.jsonl`): every
//! applied edit is appended and flushed to disk before it counts as done,
//! so a crash or a power cut between two saves of a document loses no
//! completed edit. On the next start, [`recover`] replays what the
//! annotation files lack, and says what it recovered.
//!
//! Owns: the journal file and the recovery rule. One JSON object a line:
//!
//! - `{"doc": ID, "base": H}`: the document's annotation file had SHA-256
//!   `H` (empty: no file yet) when the edits that follow began;
//! - `{"doc": ID, "seq": N, "edit": {…}}`: the N-th edit since `base`;
//! - `{"doc": ID, "saving": H, "upto": N}`: a save of the document with the
//!   edits up to N is about to replace its file with bytes of SHA-256 `H`.
//!
//! Recovery for a document: the current file's hash is compared with its
//! `base` and with every `saving` hash; the latest match tells which edits
//! the file already has, and the later ones are replayed. A file matching
//! none of them was changed by someone else: its edits are not replayed
//! onto it but kept in `journal.unrecovered-N.jsonl`, and the notice says
//! so. A torn last line (the crash hit mid-write) is ignored: its edit was
//! never acknowledged. Once every document is saved, the journal is emptied.
//! Must not touch: the annotation files' format (see `annotations`).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::annotations::annotation_path;
use crate::model::{DocId, Edit, Schema};

/// The journal's file name in the annotations folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    Base { doc: String, base: String },
    Edit { doc: String, seq: u64, edit: Edit },
    Saving { doc: String, saving: String, upto: u64 },
}

/// The journal, open for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Lines written since the journal was last emptied.
    lines: usize,
}

impl Journal {
    /// Opens (creating) the journal of an annotations folder.
    pub fn open(annotations: &Path) -> Result<Self, StoreError> {
        fs::create_dir_all(annotations).map_err(|e| io(annotations, e))?;
        let path = annotations.join(JOURNAL_FILE);
        let file = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| io(&path, e))?;
        let lines = fs::read(&path).map(|b| b.iter().filter(|&&c| c == b'\n').count()).unwrap_or(0);
        Ok(Self { path, file, lines })
    }

    /// Appends entries and flushes them to the disk; when this returns Ok
    /// they survive a crash.
    pub fn append(&mut self, entries: &[Entry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for e in entries {
            serde_json::to_writer(&mut buf, e).map_err(|e| StoreError::Annotation { path: self.path.clone(), message: e.to_string() })?;
            buf.push(b'\n');
        }
        self.file.write_all(&buf).map_err(|e| io(&self.path, e))?;
        self.file.sync_data().map_err(|e| io(&self.path, e))?;
        self.lines += entries.len();
        Ok(())
    }

    /// Empties the journal (every document it spoke of is saved).
    pub fn clear(&mut self) -> Result<(), StoreError> {
        if self.lines == 0 {
            return Ok(());
        }
        self.file.set_len(0).map_err(|e| io(&self.path, e))?;
        self.file.sync_all().map_err(|e| io(&self.path, e))?;
        self.lines = 0;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What recovery did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Documents whose files got edits back, with how many.
    pub recovered: Vec<(String, usize)>,
    /// Documents whose files changed on disk since: their edits are kept in
    /// `kept_in`, not replayed.
    pub conflicts: Vec<String>,
    /// Where the journal was kept when something could not be recovered.
    pub kept_in: Option<PathBuf>,
    /// Lines that could not be read (a torn last line is normal after a crash).
    pub torn_lines: usize,
}

impl Recovery {
    /// A one-line notice for the window and the command line; `None` when
    /// there was nothing to recover.
    pub fn notice(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.recovered.is_empty() {
            let edits: usize = self.recovered.iter().map(|r| r.1).sum();
            let docs: Vec<&str> = self.recovered.iter().map(|r| r.0.as_str()).collect();
            parts.push(format!("recovered {edits} unsaved edits from the journal ({})", docs.join(", ")));
        }
        if !self.conflicts.is_empty() {
            parts.push(format!(
                "{} changed on disk after the crash: their unsaved edits were not applied and are kept in {}",
                self.conflicts.join(", "),
                self.kept_in.as_ref().map_or_else(String::new, |p| p.display().to_string())
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The SHA-256 of an annotation file's bytes, or empty when it does not exist.
pub fn file_hash(path: &Path) -> Result<String, StoreError> {
    match fs::read(path) {
        Ok(bytes) => Ok(crate::model::document::sha256_bytes_hex(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(io(path, e)),
    }
}

/// Reads a journal's entries, stopping at the first line that does not
/// parse (returned as the count of lines left unread).
pub fn read_entries(path: &Path) -> Result<(Vec<Entry>, usize), StoreError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(io(path, e)),
    };
    let mut entries = Vec::new();
    let lines: Vec<&[u8]> = bytes.split(|&c| c == b'\n').filter(|l| !l.is_empty()).collect();
    for (i, line) in lines.iter().enumerate() {
        match serde_json::from_slice::<Entry>(line) {
            Ok(e) => entries.push(e),
            Err(_) => return Ok((entries, lines.len() - i)),
        }
    }
    Ok((entries, 0))
}

/// Replays the journal of an annotations folder onto the annotation files
/// (see the module documentation), then empties it. `load` gives a document
/// as its file has it (the store's `Project::load_by_id`), `save` writes one.
pub fn recover(
    annotations: &Path,
    schema: &Schema,
    mut load: impl FnMut(&DocId) -> Result<crate::model::Document, StoreError>,
    mut save: impl FnMut(&crate::model::Document) -> Result<(), StoreError>,
) -> Result<Recovery, StoreError> {
    let path = annotations.join(JOURNAL_FILE);
    let (entries, torn) = read_entries(&path)?;
    let mut out = Recovery { torn_lines: torn, ..Recovery::default() };
    if entries.is_empty() {
        if torn > 0 {
            truncate(&path)?;
        }
        return Ok(out);
    }
    // Per document, in order: its states (hash, edits already in it) and edits.
    #[derive(Default)]
    struct Story {
        states: Vec<(String, u64)>,
        edits: Vec<(u64, Edit)>,
    }
    let mut stories: BTreeMap<String, Story> = BTreeMap::new();
    for e in entries {
        match e {
            Entry::Base { doc, base } => {
                // A new chain: edits numbered from 1 on top of `base`.
                let s = stories.entry(doc).or_default();
                s.states = vec![(base, 0)];
                s.edits.clear();
            }
            Entry::Edit { doc, seq, edit } => stories.entry(doc).or_default().edits.push((seq, edit)),
            Entry::Saving { doc, saving, upto } => stories.entry(doc).or_default().states.push((saving, upto)),
        }
    }
    let mut unrecovered = false;
    for (id, story) in stories {
        let doc_id = DocId(id.clone());
        let current = file_hash(&annotation_path(annotations, &doc_id))?;
        let Some(&(_, upto)) = story.states.iter().rev().find(|(h, _)| *h == current) else {
            if !story.edits.is_empty() {
                out.conflicts.push(id);
                unrecovered = true;
            }
            continue;
        };
        let missing: Vec<&Edit> = story.edits.iter().filter(|(seq, _)| *seq > upto).map(|(_, e)| e).collect();
        if missing.is_empty() {
            continue;
        }
        let Ok(mut doc) = load(&doc_id) else {
            out.conflicts.push(id);
            unrecovered = true;
            continue;
        };
        let mut applied = 0;
        for edit in &missing {
            if doc.apply((*edit).clone(), schema).is_err() {
                break;
            }
            applied += 1;
        }
        if applied < missing.len() {
            out.conflicts.push(id.clone());
            unrecovered = true;
        }
        if applied > 0 {
            save(&doc)?;
            out.recovered.push((id, applied));
        }
    }
    if unrecovered {
        let mut n = 1;
        let kept = loop {
            let p = annotations.join(format!("journal.unrecovered-{n}.jsonl"));
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        fs::copy(&path, &kept).map_err(|e| io(&kept, e))?;
        out.kept_in = Some(kept);
    }
    truncate(&path)?;
    Ok(out)
}

fn truncate(path: &Path) -> Result<(), StoreError> {
    let f = OpenOptions::new().write(true).open(path).map_err(|e| io(path, e))?;
    f.set_len(0).map_err(|e| io(path, e))?;
    f.sync_all().map_err(|e| io(path, e))
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::sha256_bytes_hex;
    use crate::model::{CharIdx, Document};

    /// An annotations folder whose document `a` has a file with `content`.
    fn folder(content: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = annotation_path(dir.path(), &DocId("a".into()));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        (dir, path)
    }

    fn edits(n: usize) -> (Document, Vec<Edit>) {
        let mut doc = Document::new(DocId("a".into()), "a.txt".into(), "un deux trois quatre cinq six".into());
        let schema = Schema::news();
        let mut out = Vec::new();
        let mut scratch = doc.clone();
        for k in 0..n {
            let e = scratch.add_span_edit(CharIdx::new(k * 3), CharIdx::new(k * 3 + 2), "PER");
            scratch.apply(e.clone(), &schema).unwrap();
            out.push(e);
        }
        doc.extra.clear();
        (doc, out)
    }

    fn run(dir: &Path, doc: &Document) -> (Recovery, Vec<usize>) {
        let mut saved = Vec::new();
        let r = recover(
            dir,
            &Schema::news(),
            |_| Ok(doc.clone()),
            |d| {
                saved.push(d.spans().len());
                Ok(())
            },
        )
        .unwrap();
        (r, saved)
    }

    #[test]
    fn edits_after_the_last_state_on_disk_are_replayed() {
        let (dir, _) = folder(b"v0");
        let (doc, e) = edits(3);
        let mut j = Journal::open(dir.path()).unwrap();
        let id = "a".to_owned();
        j.append(&[
            Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
            Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
            Entry::Edit { doc: id.clone(), seq: 2, edit: e[1].clone() },
            Entry::Edit { doc: id.clone(), seq: 3, edit: e[2].clone() },
        ])
        .unwrap();
        // A torn last line, as a crash mid-write leaves.
        let mut f = OpenOptions::new().append(true).open(dir.path().join(JOURNAL_FILE)).unwrap();
        f.write_all(br#"{"doc": "a", "seq": 4, "ed"#).unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!(r.recovered, vec![("a".to_owned(), 3)]);
        assert_eq!(saved, vec![3]);
        assert_eq!(r.torn_lines, 1);
        assert_eq!(fs::read(dir.path().join(JOURNAL_FILE)).unwrap(), b"", "emptied");
    }

    #[test]
    fn a_save_that_reached_the_disk_is_not_replayed_twice() {
        let (dir, path) = folder(b"v1");
        let (mut doc, e) = edits(3);
        doc.apply(e[0].clone(), &Schema::news()).unwrap();
        doc.apply(e[1].clone(), &Schema::news()).unwrap();
        let id = "a".to_owned();
        let mut j = Journal::open(dir.path()).unwrap();
        j.append(&[
            Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
            Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
            Entry::Edit { doc: id.clone(), seq: 2, edit: e[1].clone() },
            Entry::Saving { doc: id.clone(), saving: sha256_bytes_hex(b"v1"), upto: 2 },
            Entry::Edit { doc: id.clone(), seq: 3, edit: e[2].clone() },
        ])
        .unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!(r.recovered, vec![("a".to_owned(), 1)], "only the edit after the save");
        assert_eq!(saved, vec![3]);
        // Nothing to do when the last save has everything.
        fs::write(&path, b"v1").unwrap();
        let mut j = Journal::open(dir.path()).unwrap();
        j.append(&[
            Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
            Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
            Entry::Saving { doc: id, saving: sha256_bytes_hex(b"v1"), upto: 1 },
        ])
        .unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert!(r.recovered.is_empty() && saved.is_empty() && r.notice().is_none());
    }

    #[test]
    fn a_file_changed_by_someone_else_keeps_the_edits_aside() {
        let (dir, _) = folder(b"changed by git pull");
        let (doc, e) = edits(1);
        let mut j = Journal::open(dir.path()).unwrap();
        j.append(&[
            Entry::Base { doc: "a".into(), base: sha256_bytes_hex(b"v0") },
            Entry::Edit { doc: "a".into(), seq: 1, edit: e[0].clone() },
        ])
        .unwrap();
        let before = fs::read(dir.path().join(JOURNAL_FILE)).unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert!(saved.is_empty(), "the changed file is not touched");
        assert_eq!(r.conflicts, vec!["a".to_owned()]);
        let kept = r.kept_in.clone().unwrap();
        assert_eq!(fs::read(&kept).unwrap(), before, "the edits are kept");
        assert!(r.notice().unwrap().contains("journal.unrecovered-1.jsonl"));
    }
}
