//! The summary cache: what the corpus list shows of each annotated document
//! (its id, article, status and counts), kept in `summaries.jsonl` beside
//! the `documents/` folder so that opening a project of 100,000 documents
//! does not parse 100,000 annotation files.
//!
//! Owns: the cache file's shape, reading it, appending to it and
//! rewriting it, and the [`Stamp`] that says whether an entry still holds.
//! The file is a header line (`{"format":"spanlab-summaries","version":1}`)
//! then one line per annotation file written (later lines win). Saving a
//! document appends its line; opening a project rewrites the file when
//! most of its lines are out of date.
//!
//! Never trusted blindly: an entry is used only when its annotation file's
//! size, modification time (and, on Unix, inode and change time) from the
//! folder listing are those recorded, and its id is the one the file's name
//! is for; any other file is read as before. A torn or corrupt line is
//! passed over, a file of another shape ignored whole (and rebuilt). The
//! cache holds no annotation: losing it loses nothing but time. What it
//! cannot see is an edit that keeps a file's size, times and inode alike
//! (which ordinary writes, editors and `touch` do not).
//! Must not touch: the annotation files themselves (see `annotations`).

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use crate::model::{Document, Status};

/// The cache file, inside an annotator's annotations folder.
pub const SUMMARIES_FILE: &str = "summaries.jsonl";
/// The header line's `format`.
const FORMAT: &str = "spanlab-summaries";
/// The header line's `version`.
const VERSION: u32 = 1;

/// What an annotation file looked like on disk when its entry was made:
/// size and modification time in nanoseconds, and on Unix its inode and
/// change time (which no tool sets back). Any write changes one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp(pub [u64; 4]);

impl Stamp {
    /// The stamp of a regular file's metadata; `None` for anything else
    /// (a link, a folder) or a time before 1970, which is never cached.
    pub fn of(meta: &fs::Metadata) -> Option<Self> {
        if !meta.is_file() {
            return None;
        }
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        let mtime = u64::try_from(modified.as_nanos()).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ctime =
                u64::try_from(meta.ctime()).ok()?.checked_mul(1_000_000_000)?.checked_add(u64::try_from(meta.ctime_nsec()).ok()?)?;
            Some(Self([meta.len(), mtime, meta.ino(), ctime]))
        }
        #[cfg(not(unix))]
        {
            Some(Self([meta.len(), mtime, 0, 0]))
        }
    }

    /// The stamp of the file at `path` (not following a link).
    pub fn of_path(path: &Path) -> Option<Self> {
        Self::of(&fs::symlink_metadata(path).ok()?)
    }
}

/// What an annotation file says that opening a project needs: the
/// document's id, its `source`, its `article` link, and its summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub id: String,
    pub source: String,
    pub article: Option<String>,
    pub summary: Summary,
}

/// One line of the cache file.
#[derive(Serialize, Deserialize)]
struct Line {
    /// The annotation file's name in `documents/`.
    file: String,
    stamp: Stamp,
    id: String,
    source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    article: Option<String>,
    status: Status,
    /// Spans, relations, pending suggestions, suggestions, orphans.
    counts: [usize; 5],
}

impl Line {
    fn new(file: &str, stamp: Stamp, known: &Known) -> Self {
        let s = &known.summary;
        Self {
            file: file.to_owned(),
            stamp,
            id: known.id.clone(),
            source: known.source.clone(),
            article: known.article.clone(),
            status: s.status,
            counts: [s.spans, s.relations, s.pending, s.suggestions, s.orphans],
        }
    }

    fn into_known(self) -> (String, Stamp, Known) {
        let [spans, relations, pending, suggestions, orphans] = self.counts;
        let summary = Summary { status: self.status, spans, relations, pending, suggestions, orphans, annotated: true, broken: None };
        (self.file, self.stamp, Known { id: self.id, source: self.source, article: self.article, summary })
    }

    fn to_json(&self) -> Option<String> {
        serde_json::to_string(self).ok().map(|mut s| {
            s.push('\n');
            s
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
}

fn header() -> String {
    format!("{{\"format\":\"{FORMAT}\",\"version\":{VERSION}}}\n")
}

/// What the corpus list shows of a document without loading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub status: Status,
    pub spans: usize,
    pub relations: usize,
    pub pending: usize,
    /// Suggestions in any state (pending, accepted, rejected).
    pub suggestions: usize,
    pub orphans: usize,
    /// An annotation file exists.
    pub annotated: bool,
    /// The annotation file could not be read: the document is read-only until fixed.
    pub broken: Option<String>,
}

impl Summary {
    /// The summary of a loaded document.
    pub fn of(doc: &Document) -> Self {
        Self {
            status: doc.status(),
            spans: doc.spans().len(),
            relations: doc.relation_count(),
            pending: doc.pending_count(),
            suggestions: doc.suggestions().count(),
            orphans: doc.orphans.len(),
            annotated: true,
            broken: None,
        }
    }
}

/// The cache as read from disk, by annotation file name.
#[derive(Debug, Default)]
pub struct SummaryCache {
    entries: HashMap<String, (Stamp, Known)>,
    /// Lines read (entries and the ones they replaced or that were torn).
    lines: usize,
    /// The file was there with the right header.
    intact: bool,
}

impl SummaryCache {
    /// Reads the cache of an annotations folder; an empty cache when it is
    /// missing, unreadable or of another shape.
    pub fn read(annotations: &Path) -> Self {
        let path = annotations.join(SUMMARIES_FILE);
        let Ok(meta) = fs::symlink_metadata(&path) else { return Self::default() };
        if !meta.is_file() {
            return Self::default();
        }
        let Ok(bytes) = fs::read(&path) else { return Self::default() };
        Self::parse(&bytes)
    }

    fn parse(bytes: &[u8]) -> Self {
        let mut lines = bytes.split(|b| *b == b'\n');
        let intact =
            lines.next().and_then(|h| serde_json::from_slice::<Header>(h).ok()).is_some_and(|h| h.format == FORMAT && h.version == VERSION);
        if !intact {
            return Self::default();
        }
        let mut cache = Self { intact, ..Self::default() };
        for line in lines.filter(|l| !l.is_empty()) {
            cache.lines += 1;
            if let Ok(line) = serde_json::from_slice::<Line>(line) {
                let (file, stamp, known) = line.into_known();
                cache.entries.insert(file, (stamp, known));
            }
        }
        cache
    }

    /// The entry of an annotation file, when it was made from the file as
    /// it is (same stamp); taken out of the cache.
    pub fn take(&mut self, file: &str, stamp: Stamp) -> Option<Known> {
        match self.entries.remove(file) {
            Some((s, known)) if s == stamp => Some(known),
            _ => None,
        }
    }

    /// Whether the file should be written whole rather than appended to:
    /// it is missing or of another shape, or most of its lines are out of
    /// date (for `live` files).
    pub fn needs_rewrite(&self, live: usize) -> bool {
        !self.intact || self.lines > 2 * live + 64
    }
}

/// An entry to write: the annotation file's name, its stamp, what it says.
pub type Record = (String, Stamp, Known);

/// Writes the cache of an annotations folder whole (atomically).
pub fn rewrite(annotations: &Path, records: &[Record]) -> io::Result<()> {
    let mut out = header();
    for (file, stamp, known) in records {
        if let Some(line) = Line::new(file, *stamp, known).to_json() {
            out.push_str(&line);
        }
    }
    write_atomic(&annotations.join(SUMMARIES_FILE), out.as_bytes())
}

/// Appends entries to the cache of an annotations folder (one write, so
/// that two processes appending do not mix their lines); writes it whole
/// when it is missing.
pub fn append(annotations: &Path, records: &[Record]) -> io::Result<()> {
    let path = annotations.join(SUMMARIES_FILE);
    match fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() && meta.len() > 0 => {}
        Ok(meta) if !meta.is_file() => return Ok(()),
        _ => return rewrite(annotations, records),
    }
    let mut out = String::new();
    for (file, stamp, known) in records {
        if let Some(line) = Line::new(file, *stamp, known).to_json() {
            out.push_str(&line);
        }
    }
    let mut f = OpenOptions::new().append(true).open(&path)?;
    f.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str, spans: usize) -> Known {
        Known {
            id: id.to_owned(),
            source: format!("{id}.txt"),
            article: None,
            summary: Summary {
                status: Status::Done,
                spans,
                relations: 1,
                pending: 2,
                suggestions: 3,
                orphans: 0,
                annotated: true,
                broken: None,
            },
        }
    }

    #[test]
    fn entries_round_trip_and_later_lines_win() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Stamp([10, 20, 30, 40]);
        append(dir.path(), &[("a.json".into(), s, known("a", 1))]).expect("writes");
        append(dir.path(), &[("a.json".into(), Stamp([11, 20, 30, 41]), known("a", 2)), ("b.json".into(), s, known("b", 5))])
            .expect("appends");
        let mut cache = SummaryCache::read(dir.path());
        assert!(!cache.needs_rewrite(2));
        assert_eq!(cache.take("a.json", s), None, "the older stamp no longer holds");
        let mut cache = SummaryCache::read(dir.path());
        assert_eq!(cache.take("a.json", Stamp([11, 20, 30, 41])), Some(known("a", 2)));
        assert_eq!(cache.take("b.json", s), Some(known("b", 5)));
        assert_eq!(cache.take("c.json", s), None);
    }

    #[test]
    fn torn_lines_are_passed_over_and_another_shape_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Stamp([1, 2, 3, 4]);
        rewrite(dir.path(), &[("a.json".into(), s, known("a", 1)), ("b.json".into(), s, known("b", 1))]).expect("writes");
        let path = dir.path().join(SUMMARIES_FILE);
        let text = fs::read_to_string(&path).expect("read");
        // The last line cut in the middle (a crash while appending).
        fs::write(&path, &text[..text.len() - 10]).expect("write");
        let mut cache = SummaryCache::read(dir.path());
        assert_eq!(cache.take("a.json", s), Some(known("a", 1)));
        assert_eq!(cache.take("b.json", s), None);
        fs::write(&path, text.replacen(FORMAT, "something-else", 1)).expect("write");
        let mut cache = SummaryCache::read(dir.path());
        assert_eq!(cache.take("a.json", s), None);
        assert!(cache.needs_rewrite(1));
        fs::write(&path, b"\x00\xff garbage").expect("write");
        assert!(SummaryCache::read(dir.path()).needs_rewrite(0));
    }
}
