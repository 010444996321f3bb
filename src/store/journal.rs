//! The journals of edits: every applied edit is appended to its writer's
//! own journal (`annotations/journal-PID-STAMP.jsonl`) and flushed to disk
//! before it counts as done, so a crash or a power cut between two saves of
//! a document loses no completed edit. On the next start, [`recover`]
//! replays what the annotation files lack, and says what it recovered.
//!
//! Owns: the journal files, their locks and the recovery rule.
//!
//! **One journal per writer.** Each writer (a window, the crash test's
//! helper) creates its own journal and holds an exclusive lock on it
//! (`flock`) for as long as it runs; the kernel drops the lock when the
//! process ends, however it ends. So two windows on one project never
//! touch each other's edits: a writer empties only its own journal, and
//! recovery takes only journals whose lock it can get, those of writers
//! that are gone. The journal `journal.jsonl` of earlier versions is
//! recovered the same way, unless the old-style `.lock` names a live process.
//!
//! One JSON object a line:
//!
//! - `{"doc": ID, "base": H}`: the document's annotation file had SHA-256
//!   `H` (empty: no file yet) when the edits that follow began;
//! - `{"doc": ID, "seq": N, "edit": {…}}`: the N-th edit since `base`;
//! - `{"doc": ID, "saving": H, "upto": N}`: a save of the document with the
//!   edits up to N is about to replace its file with bytes of SHA-256 `H`.
//!
//! **Appends are whole or absent**: a failed append (a full disk) is cut
//! off again, so the next one never glues onto half a line; if even that
//! fails, the next append starts on a new line.
//!
//! Recovery for a document: the current file's hash is compared with its
//! `base` and with every `saving` hash; the latest match tells which edits
//! the file already has, and the later ones are replayed, in order, as long
//! as none is missing. A file matching none of them was changed by someone
//! else: its edits are not replayed onto it but kept in
//! `journal.unrecovered-N.jsonl`, and the notice says so and why. A line
//! that cannot be read is skipped (a torn last line is what a crash
//! mid-write leaves: its edit was never acknowledged) and reading goes on.
//! Must not touch: the annotation files' format (see `annotations`).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::annotations::annotation_path;
use crate::model::{DocId, Edit, Schema};

/// The journal's file name in the annotations folder of earlier versions
/// (one journal shared by every window); still recovered.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// How the name of a writer's own journal starts (`journal-PID-STAMP.jsonl`).
const PREFIX: &str = "journal-";
/// How a journal's name ends.
const SUFFIX: &str = ".jsonl";
/// How the name of a journal being created ends (before it is locked and renamed).
const CREATING: &str = ".jsonl.tmp-new";

/// The `.gitignore` written into every project's annotations folder: the
/// journals, the locks and temporary files belong to this machine's running
/// sessions, never to the project's history; the summary cache
/// (`store::summaries`) is rebuilt wherever the project is opened.
pub const GITIGNORE: &str = "# Written by spanlab: the files of running sessions (journals of unsaved\n\
# edits, locks, temporary files) belong to this machine, not to the project.\n\
journal.jsonl\n\
journal-*.jsonl\n\
.lock\n\
.lock-*\n\
.*.tmp-*\n\
summaries.jsonl\n";

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    /// A document's chain of edits starts on its file with this hash.
    Base { doc: String, base: String },
    /// The `seq`-th edit of a document's chain.
    Edit { doc: String, seq: u64, edit: Edit },
    /// A save with the chain's edits up to `upto` is about to write a file with this hash.
    Saving { doc: String, saving: String, upto: u64 },
}

impl Entry {
    /// The document the entry is about.
    pub fn doc(&self) -> &str {
        match self {
            Entry::Base { doc, .. } | Entry::Edit { doc, .. } | Entry::Saving { doc, .. } => doc,
        }
    }
}

/// A writer's own journal, open for appending and locked.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    /// The length of the whole lines written since it was last emptied.
    len: u64,
    /// A failed append could not be cut off: the next one starts on a new line.
    torn: bool,
}

impl Journal {
    /// Creates this writer's journal in an annotations folder (creating
    /// the folder), locked for as long as the journal lives.
    pub fn create(annotations: &Path) -> Result<Self, StoreError> {
        fs::create_dir_all(annotations).map_err(|e| io(annotations, e))?;
        let pid = std::process::id();
        for attempt in 0u32..1000 {
            let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let name = format!("{PREFIX}{pid}-{stamp:x}{attempt}");
            let path = annotations.join(format!("{name}{SUFFIX}"));
            if fs::symlink_metadata(&path).is_ok() {
                continue;
            }
            // Locked before it takes its name, so that no recovery ever sees
            // it unlocked.
            let creating = annotations.join(format!(".{name}{CREATING}"));
            let file = match OpenOptions::new().create_new(true).read(true).append(true).open(&creating) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                // The folder, not the fresh name tried: a retry on a
                // read-only folder says the same thing again (and is said
                // once).
                Err(e) => return Err(io(annotations, e)),
            };
            let named = file
                .try_lock()
                .map_err(|e| match e {
                    fs::TryLockError::Error(e) => e,
                    fs::TryLockError::WouldBlock => std::io::Error::other("locked by another process"),
                })
                .and_then(|()| fs::rename(&creating, &path))
                .and_then(|()| super::atomic::sync_dir(annotations));
            if let Err(e) = named {
                let _ = fs::remove_file(&creating);
                return Err(io(annotations, e));
            }
            return Ok(Self { path, file, len: 0, torn: false });
        }
        Err(io(annotations, std::io::Error::other("cannot find a free name for a journal")))
    }

    /// Appends entries and flushes them to the disk; when this returns Ok
    /// they survive a crash. On an error nothing of them stays in the file
    /// (or, if it could not be cut off, the next append starts a new line).
    pub fn append(&mut self, entries: &[Entry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        if self.torn {
            buf.push(b'\n');
        }
        for e in entries {
            serde_json::to_writer(&mut buf, e).map_err(|e| StoreError::Annotation { path: self.path.clone(), message: e.to_string() })?;
            buf.push(b'\n');
        }
        match self.file.write_all(&buf).and_then(|()| self.file.sync_data()) {
            Ok(()) => {
                self.len = self.file.metadata().map_or(self.len + buf.len() as u64, |m| m.len());
                self.torn = false;
                Ok(())
            }
            Err(e) => {
                // Whole or absent: cut off what reached the file.
                if self.file.set_len(self.len).and_then(|()| self.file.sync_data()).is_err() {
                    self.torn = true;
                }
                Err(io(&self.path, e))
            }
        }
    }

    /// Empties the journal (every document it spoke of is saved).
    pub fn clear(&mut self) -> Result<(), StoreError> {
        if self.len == 0 && !self.torn {
            return Ok(());
        }
        self.file.set_len(0).map_err(|e| io(&self.path, e))?;
        self.file.sync_all().map_err(|e| io(&self.path, e))?;
        self.len = 0;
        self.torn = false;
        Ok(())
    }

    /// Whether the journal's name still leads to this journal: false once
    /// the annotations folder was removed or replaced (`rm -rf`, `git
    /// clean`, a checkout), when appending would write into a file nobody
    /// will read.
    pub fn is_intact(&self) -> bool {
        let Ok(named) = fs::metadata(&self.path) else { return false };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            self.file.metadata().is_ok_and(|mine| mine.dev() == named.dev() && mine.ino() == named.ino())
        }
        #[cfg(not(unix))]
        {
            named.is_file()
        }
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Journal {
    /// An empty journal (everything saved) is removed; one that still holds
    /// edits stays for the next start to recover.
    fn drop(&mut self) {
        if self.len == 0 && !self.torn && self.is_intact() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes the annotations folder's `.gitignore` ([`GITIGNORE`]) if it has
/// none; adds its lines to one that lacks them. Best effort: a folder that
/// cannot be written is not an error here.
pub fn ensure_gitignore(annotations: &Path) {
    let path = annotations.join(".gitignore");
    match fs::read_to_string(&path) {
        Ok(have) if have.lines().any(|l| l.trim() == "journal-*.jsonl") => {}
        Ok(have) => {
            let sep = if have.is_empty() || have.ends_with('\n') { "" } else { "\n" };
            let _ = super::atomic::write_atomic(&path, format!("{have}{sep}{GITIGNORE}").as_bytes());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if annotations.is_dir() {
                let _ = super::atomic::write_atomic(&path, GITIGNORE.as_bytes());
            }
        }
        Err(_) => {}
    }
}

/// What recovery did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Documents whose files got edits back, with how many.
    pub recovered: Vec<(String, usize)>,
    /// Documents whose edits could not all be replayed, each with why;
    /// their journal is kept in one of `kept_in`.
    pub conflicts: Vec<(String, String)>,
    /// Where journals were kept when something could not be recovered.
    pub kept_in: Vec<PathBuf>,
    /// Lines that could not be read (a torn last line is normal after a crash).
    pub torn_lines: usize,
    /// Of those, lines that were not the last of their journal (reported).
    pub damaged_lines: usize,
    /// Journals of spanlabs still running, left alone.
    pub live: usize,
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
            let each: Vec<String> = self.conflicts.iter().map(|(d, why)| format!("{d} ({why})")).collect();
            let kept: Vec<String> = self.kept_in.iter().map(|p| p.display().to_string()).collect();
            parts.push(format!("unsaved edits not applied to {}: they are kept in {}", each.join(", "), kept.join(", ")));
        }
        if self.damaged_lines > 0 {
            parts.push(format!("{} damaged journal line(s) skipped", self.damaged_lines));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The SHA-256 of an annotation file's bytes, or empty when it does not exist.
pub fn file_hash(path: &Path) -> Result<String, StoreError> {
    file_bytes(path).map(|b| b.map(|b| crate::model::document::sha256_bytes_hex(&b)).unwrap_or_default())
}

/// An annotation file's bytes, `None` when it does not exist.
pub fn file_bytes(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    // A named pipe would never end: only a regular file is read.
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        return Err(io(path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file")));
    }
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path, e)),
    }
}

/// What reading a journal found.
#[derive(Debug, Default)]
pub struct Read {
    /// Its entries, in order.
    pub entries: Vec<Entry>,
    /// Lines that did not parse (whatever could be read of them is in `entries`).
    pub torn: usize,
    /// Of those, lines before the last one.
    pub damaged: usize,
}

/// Reads a journal's entries, skipping lines that do not parse and reading
/// on. A line glued onto a torn one (by an earlier version, after a failed
/// append) gives back its whole entry.
pub fn read_entries(path: &Path) -> Result<Read, StoreError> {
    let Some(bytes) = file_bytes(path)? else { return Ok(Read::default()) };
    let mut out = Read::default();
    let lines: Vec<&[u8]> = bytes.split(|&c| c == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        if let Ok(e) = serde_json::from_slice::<Entry>(line) {
            out.entries.push(e);
            continue;
        }
        out.torn += 1;
        if i < last {
            out.damaged += 1;
        }
        let salvaged = line
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| **c == b'{')
            .find_map(|(at, _)| line.get(at..).and_then(|rest| serde_json::from_slice::<Entry>(rest).ok()));
        out.entries.extend(salvaged);
    }
    Ok(out)
}

/// The journals of an annotations folder (this version's and the earlier
/// shared one), oldest first.
pub fn journal_files(annotations: &Path) -> Vec<PathBuf> {
    let Ok(list) = fs::read_dir(annotations) else { return Vec::new() };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = list
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name == JOURNAL_FILE || (name.starts_with(PREFIX) && name.ends_with(SUFFIX))
        })
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), e.path()))
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// Opens a journal and takes its lock: `None` when a running writer holds it.
fn take(path: &Path) -> Result<Option<File>, StoreError> {
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path, e)),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(io(path, e)),
    }
}

/// Replays the journals of writers that are gone onto the annotation files
/// of an annotations folder (see the module documentation), then removes
/// them. Journals of running writers are left alone. `load` gives a
/// document as its file has it (the store's `Project::load_by_id`), `save`
/// writes one.
pub fn recover(
    annotations: &Path,
    schema: &Schema,
    mut load: impl FnMut(&DocId) -> Result<crate::model::Document, StoreError>,
    mut save: impl FnMut(&crate::model::Document) -> Result<(), StoreError>,
) -> Result<Recovery, StoreError> {
    let mut out = Recovery::default();
    for path in journal_files(annotations) {
        let legacy = path.file_name().is_some_and(|n| n == JOURNAL_FILE);
        // The shared journal of an earlier version is its window's while it runs.
        if legacy && super::lock::legacy_holder(annotations).is_some() {
            out.live += 1;
            continue;
        }
        let Some(file) = take(&path)? else {
            out.live += 1;
            continue;
        };
        recover_one(&path, annotations, schema, &mut load, &mut save, &mut out)?;
        // Emptied before it goes, so that a recovery that opened it meanwhile
        // finds nothing to replay twice.
        file.set_len(0).and_then(|()| file.sync_all()).map_err(|e| io(&path, e))?;
        if !legacy {
            fs::remove_file(&path).map_err(|e| io(&path, e))?;
        }
        drop(file);
    }
    // Journals whose creation a crash interrupted hold nothing.
    if let Ok(list) = fs::read_dir(annotations) {
        for e in list.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&format!(".{PREFIX}")) && name.ends_with(CREATING) && take(&e.path()).ok().flatten().is_some() {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    super::atomic::remove_stale_temporaries(&annotations.join("documents"));
    Ok(out)
}

/// Replays one journal (already locked) into `out`.
fn recover_one(
    path: &Path,
    annotations: &Path,
    schema: &Schema,
    load: &mut impl FnMut(&DocId) -> Result<crate::model::Document, StoreError>,
    save: &mut impl FnMut(&crate::model::Document) -> Result<(), StoreError>,
    out: &mut Recovery,
) -> Result<(), StoreError> {
    let read = read_entries(path)?;
    out.torn_lines += read.torn;
    out.damaged_lines += read.damaged;
    // Per document, in order: its states (hash, edits already in it) and edits.
    #[derive(Default)]
    struct Story {
        states: Vec<(String, u64)>,
        edits: BTreeMap<u64, Edit>,
    }
    let mut stories: BTreeMap<String, Story> = BTreeMap::new();
    for e in read.entries {
        match e {
            Entry::Base { doc, base } => {
                // A new chain: edits numbered from 1 on top of `base`.
                let s = stories.entry(doc).or_default();
                s.states = vec![(base, 0)];
                s.edits.clear();
            }
            Entry::Edit { doc, seq, edit } => {
                // A line written twice (a failed append that could not be cut
                // off, then written again) counts once.
                stories.entry(doc).or_default().edits.entry(seq).or_insert(edit);
            }
            Entry::Saving { doc, saving, upto } => stories.entry(doc).or_default().states.push((saving, upto)),
        }
    }
    let mut unrecovered = false;
    for (id, story) in stories {
        let doc_id = DocId(id.clone());
        let current = file_hash(&annotation_path(annotations, &doc_id))?;
        let Some(&(_, upto)) = story.states.iter().rev().find(|(h, _)| *h == current) else {
            if !story.edits.is_empty() {
                let why = if story.states.is_empty() {
                    "the journal lacks the start of its edits"
                } else {
                    "its file changed since these edits were made"
                };
                out.conflicts.push((id, why.to_owned()));
                unrecovered = true;
            }
            continue;
        };
        // The edits after `upto`, in order, up to the first one missing.
        let mut missing: Vec<&Edit> = Vec::new();
        let mut next = upto + 1;
        while let Some(e) = story.edits.get(&next) {
            missing.push(e);
            next += 1;
        }
        let gap = story.edits.keys().any(|&seq| seq > next);
        if missing.is_empty() && !gap {
            continue;
        }
        let mut doc = match load(&doc_id) {
            Ok(d) => d,
            Err(e) => {
                out.conflicts.push((id, format!("it could not be loaded: {e}")));
                unrecovered = true;
                continue;
            }
        };
        let mut applied = 0;
        for edit in &missing {
            if doc.apply((*edit).clone(), schema).is_err() {
                break;
            }
            applied += 1;
        }
        if applied < missing.len() {
            out.conflicts.push((id.clone(), "some of its edits no longer apply to its file".to_owned()));
            unrecovered = true;
        } else if gap {
            out.conflicts.push((id.clone(), "the journal lacks some of its edits (a damaged line)".to_owned()));
            unrecovered = true;
        }
        if applied > 0 {
            save(&doc)?;
            match out.recovered.iter_mut().find(|r| r.0 == id) {
                Some(r) => r.1 += applied,
                None => out.recovered.push((id, applied)),
            }
        }
    }
    if unrecovered {
        let mut n = 1;
        let kept = loop {
            let p = annotations.join(format!("journal.unrecovered-{n}.jsonl"));
            if fs::symlink_metadata(&p).is_err() {
                break p;
            }
            n += 1;
        };
        fs::copy(path, &kept).map_err(|e| io(&kept, e))?;
        out.kept_in.push(kept);
    }
    Ok(())
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

    /// A journal as a writer that is gone left it (unlocked).
    fn left(dir: &Path, entries: &[Entry]) -> PathBuf {
        let mut j = Journal::create(dir).unwrap();
        j.append(entries).unwrap();
        let path = j.path().to_path_buf();
        // Dropping a journal with lines keeps it; the lock goes with the file.
        drop(j);
        path
    }

    #[test]
    fn edits_after_the_last_state_on_disk_are_replayed() {
        let (dir, _) = folder(b"v0");
        let (doc, e) = edits(3);
        let id = "a".to_owned();
        let path = left(
            dir.path(),
            &[
                Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
                Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
                Entry::Edit { doc: id.clone(), seq: 2, edit: e[1].clone() },
                Entry::Edit { doc: id.clone(), seq: 3, edit: e[2].clone() },
            ],
        );
        // A torn last line, as a crash mid-write leaves.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"doc": "a", "seq": 4, "ed"#).unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!(r.recovered, vec![("a".to_owned(), 3)]);
        assert_eq!(saved, vec![3]);
        assert_eq!((r.torn_lines, r.damaged_lines), (1, 0));
        assert!(!path.exists(), "removed once replayed");
        assert_eq!(r.notice().unwrap(), "recovered 3 unsaved edits from the journal (a)", "a torn last line is normal");
    }

    #[test]
    fn a_save_that_reached_the_disk_is_not_replayed_twice() {
        let (dir, path) = folder(b"v1");
        let (mut doc, e) = edits(3);
        doc.apply(e[0].clone(), &Schema::news()).unwrap();
        doc.apply(e[1].clone(), &Schema::news()).unwrap();
        let id = "a".to_owned();
        left(
            dir.path(),
            &[
                Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
                Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
                Entry::Edit { doc: id.clone(), seq: 2, edit: e[1].clone() },
                Entry::Saving { doc: id.clone(), saving: sha256_bytes_hex(b"v1"), upto: 2 },
                Entry::Edit { doc: id.clone(), seq: 3, edit: e[2].clone() },
            ],
        );
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!(r.recovered, vec![("a".to_owned(), 1)], "only the edit after the save");
        assert_eq!(saved, vec![3]);
        // Nothing to do when the last save has everything.
        fs::write(&path, b"v1").unwrap();
        left(
            dir.path(),
            &[
                Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
                Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
                Entry::Saving { doc: id, saving: sha256_bytes_hex(b"v1"), upto: 1 },
            ],
        );
        let (r, saved) = run(dir.path(), &doc);
        assert!(r.recovered.is_empty() && saved.is_empty() && r.notice().is_none());
    }

    #[test]
    fn a_file_changed_by_someone_else_keeps_the_edits_aside() {
        let (dir, _) = folder(b"changed by git pull");
        let (doc, e) = edits(1);
        let path = left(
            dir.path(),
            &[Entry::Base { doc: "a".into(), base: sha256_bytes_hex(b"v0") }, Entry::Edit { doc: "a".into(), seq: 1, edit: e[0].clone() }],
        );
        let before = fs::read(&path).unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert!(saved.is_empty(), "the changed file is not touched");
        assert_eq!(r.conflicts, vec![("a".to_owned(), "its file changed since these edits were made".to_owned())]);
        assert_eq!(fs::read(&r.kept_in[0]).unwrap(), before, "the edits are kept");
        assert!(r.notice().unwrap().contains("journal.unrecovered-1.jsonl"));
    }

    /// D4: a damaged line in the middle (a failed append of an earlier
    /// version, with the next append glued onto it) no longer ends the
    /// reading: the glued entry and every later one are recovered.
    #[test]
    fn d4_a_damaged_line_is_skipped_and_reading_goes_on() {
        let (dir, _) = folder(b"v0");
        let (doc, e) = edits(4);
        let line = |entry: &Entry| serde_json::to_string(entry).unwrap();
        let id = "a".to_owned();
        let e2 = line(&Entry::Edit { doc: id.clone(), seq: 2, edit: e[1].clone() });
        let text = format!(
            "{}\n{}\n{}{}\n{}\n",
            line(&Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") }),
            line(&Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() }),
            &e2[..e2.len() / 2],
            e2,
            line(&Entry::Edit { doc: id.clone(), seq: 3, edit: e[2].clone() }),
        );
        fs::write(dir.path().join(JOURNAL_FILE), text).unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!(r.recovered, vec![("a".to_owned(), 3)], "{r:?}");
        assert_eq!(saved, vec![3]);
        assert_eq!((r.torn_lines, r.damaged_lines), (1, 1));
        assert!(r.notice().unwrap().contains("1 damaged journal line(s) skipped"));
    }

    /// An edit missing from the middle of a chain stops the replay there:
    /// the later edits are kept aside, never applied out of order.
    #[test]
    fn a_missing_edit_stops_the_replay_and_keeps_the_rest_aside() {
        let (dir, _) = folder(b"v0");
        let (doc, e) = edits(3);
        let id = "a".to_owned();
        left(
            dir.path(),
            &[
                Entry::Base { doc: id.clone(), base: sha256_bytes_hex(b"v0") },
                Entry::Edit { doc: id.clone(), seq: 1, edit: e[0].clone() },
                Entry::Edit { doc: id.clone(), seq: 3, edit: e[2].clone() },
            ],
        );
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!(r.recovered, vec![("a".to_owned(), 1)]);
        assert_eq!(saved, vec![1]);
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.kept_in.len(), 1);
    }

    /// D1/D2: a journal whose writer still runs is never replayed, emptied
    /// or removed, by anyone; one whose writer is gone is.
    #[test]
    fn a_live_writers_journal_is_left_alone() {
        let (dir, _) = folder(b"v0");
        let (doc, e) = edits(1);
        let mut live = Journal::create(dir.path()).unwrap();
        live.append(&[
            Entry::Base { doc: "a".into(), base: sha256_bytes_hex(b"v0") },
            Entry::Edit { doc: "a".into(), seq: 1, edit: e[0].clone() },
        ])
        .unwrap();
        let before = fs::read(live.path()).unwrap();
        let (r, saved) = run(dir.path(), &doc);
        assert!(saved.is_empty() && r.recovered.is_empty());
        assert_eq!(r.live, 1);
        assert_eq!(fs::read(live.path()).unwrap(), before, "untouched");
        let path = live.path().to_path_buf();
        drop(live);
        assert!(path.exists(), "a journal with edits outlives its writer");
        let (r, saved) = run(dir.path(), &doc);
        assert_eq!((r.recovered.len(), saved.len(), r.live), (1, 1, 0));
        assert!(!path.exists());
    }

    /// An emptied journal goes away with its writer; a replaced one is noticed.
    #[test]
    fn an_empty_journal_is_removed_and_a_replaced_one_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path()).unwrap();
        assert!(j.is_intact());
        j.append(&[Entry::Base { doc: "a".into(), base: String::new() }]).unwrap();
        j.clear().unwrap();
        let path = j.path().to_path_buf();
        drop(j);
        assert!(!path.exists());
        let j = Journal::create(dir.path()).unwrap();
        let other = dir.path().join("other");
        fs::write(&other, b"").unwrap();
        fs::rename(&other, j.path()).unwrap();
        assert!(!j.is_intact(), "a checkout put another file there");
        let path = j.path().to_path_buf();
        drop(j);
        assert!(path.exists(), "someone else's file is not removed");
    }

    #[test]
    fn the_gitignore_is_written_once_and_completes_a_users_own() {
        let dir = tempfile::tempdir().unwrap();
        ensure_gitignore(dir.path());
        assert_eq!(fs::read_to_string(dir.path().join(".gitignore")).unwrap(), GITIGNORE);
        ensure_gitignore(dir.path());
        assert_eq!(fs::read_to_string(dir.path().join(".gitignore")).unwrap(), GITIGNORE);
        fs::write(dir.path().join(".gitignore"), "export.json").unwrap();
        ensure_gitignore(dir.path());
        assert_eq!(fs::read_to_string(dir.path().join(".gitignore")).unwrap(), format!("export.json\n{GITIGNORE}"));
    }
}
