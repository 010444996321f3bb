//! The corpus index: every article's text, folded loosely (case, accents,
//! apostrophes, dashes: [`fold_loosely`]), read on a background thread
//! into a few large buffers, and every document's name folded the same
//! way. Typing in the corpus list's search box asks it which documents
//! match and never reads a file in the frame; the everywhere scan takes it,
//! once complete, to pass over the documents a name cannot be in.
//!
//! A query is searched with one `memmem` pass over the buffers (100,000
//! articles, 180 MB, in a few milliseconds), and a query that extends the
//! last one (typing) only within the documents that matched it.
//!
//! Owns: the reading thread, the folded texts and the matches of the last
//! query. Must not touch: the window, or any file but the articles
//! (read-only).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use memchr::memmem::Finder;

use crate::model::everywhere::fold_loosely;
use crate::store::Project;
use crate::store::project::SourceCache;

/// Texts go into buffers of this size (a longer text gets one of its own):
/// growing one buffer of the whole corpus would double it in memory.
const CHUNK_BYTES: usize = 8 << 20;

/// One buffer of folded texts, each followed by a NUL (no match spans two).
#[derive(Default)]
struct Chunk {
    text: String,
    /// (offset of a text in `text`, its entry index), by offset.
    starts: Vec<(usize, usize)>,
}

/// The folded texts of a corpus, as far as they have been read.
#[derive(Default)]
pub struct CorpusText {
    chunks: Vec<Chunk>,
    /// By entry index: (chunk, start, end) of its text; `None` until read
    /// (or unreadable).
    places: Vec<Option<(usize, usize, usize)>>,
}

impl CorpusText {
    fn push(&mut self, index: usize, text: &str) {
        let fits = self.chunks.last().is_some_and(|c| c.text.len() + text.len() < c.text.capacity());
        if !fits {
            self.chunks.push(Chunk { text: String::with_capacity(CHUNK_BYTES.max(text.len() + 1)), starts: Vec::new() });
        }
        let chunk_no = self.chunks.len() - 1;
        let Some(chunk) = self.chunks.last_mut() else { return };
        let start = chunk.text.len();
        chunk.text.push_str(text);
        chunk.text.push('\0');
        chunk.starts.push((start, index));
        if let Some(place) = self.places.get_mut(index) {
            *place = Some((chunk_no, start, start + text.len()));
        }
    }

    /// The folded text of document `index`, if read.
    fn text(&self, index: usize) -> Option<&str> {
        let (c, start, end) = (*self.places.get(index)?)?;
        self.chunks.get(c)?.text.get(start..end)
    }

    /// Whether document `index` may hold `folded` (a [`fold_loosely`]
    /// text): false only when its text was read and does not.
    pub fn may_contain(&self, index: usize, folded: &str) -> bool {
        self.text(index).is_none_or(|t| memchr::memmem::find(t.as_bytes(), folded.as_bytes()).is_some())
    }

    /// Marks in `out` every read document whose text contains `finder`'s needle.
    fn mark_all(&self, finder: &Finder<'_>, out: &mut [bool]) {
        for chunk in &self.chunks {
            let hay = chunk.text.as_bytes();
            let mut from = 0;
            while let Some(at) = hay.get(from..).and_then(|h| finder.find(h)).map(|h| h + from) {
                let k = chunk.starts.partition_point(|&(s, _)| s <= at).saturating_sub(1);
                let Some(&(_, index)) = chunk.starts.get(k) else { break };
                if let Some(m) = out.get_mut(index) {
                    *m = true;
                }
                // On to the next text: one hit per document is enough.
                from = chunk.starts.get(k + 1).map_or(hay.len(), |&(s, _)| s);
            }
        }
    }
}

/// The corpus index and the matches of the last query.
pub struct CorpusIndex {
    /// Document names (ids), folded, by entry index.
    names: Vec<String>,
    data: Arc<CorpusText>,
    /// Articles read so far (readable or not).
    read: usize,
    rx: Option<Receiver<(usize, Option<String>)>>,
    stop: Arc<AtomicBool>,
    /// The folded query the matches are for, and how many articles had been read then.
    matched_for: Option<(String, usize)>,
    /// By entry index: whether its name or text contains that query.
    matches: Vec<bool>,
    /// The entry indices that match, in order.
    hits: Vec<usize>,
}

impl CorpusIndex {
    /// Starts reading every article of `project` in the background.
    pub fn start(project: &Project) -> Self {
        let total = project.entries.len();
        let names = project.entries.iter().map(|e| fold_loosely(&e.id.0)).collect();
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (project, flag) = (project.clone(), stop.clone());
        let spawned = std::thread::Builder::new().name("spanlab-corpus-index".into()).spawn(move || {
            // JSONL and dataset sources are read once for the whole corpus.
            let mut cache = SourceCache::default();
            for i in 0..project.entries.len() {
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                let text = project.load_cached(i, &mut cache).ok().map(|l| fold_loosely(l.doc.text().as_str()));
                if tx.send((i, text)).is_err() {
                    return;
                }
            }
        });
        let rx = spawned.ok().map(|_| rx);
        // Without a thread nothing is indexed: names still match.
        let read = if rx.is_some() { 0 } else { total };
        let data = CorpusText { chunks: Vec::new(), places: vec![None; total] };
        Self { names, data: Arc::new(data), read, rx, stop, matched_for: None, matches: vec![false; total], hits: Vec::new() }
    }

    /// Takes the texts read since last time (no file is read here).
    pub fn take_read(&mut self) {
        let Some(rx) = &self.rx else { return };
        // Not shared while it is being read (see `complete`).
        let Some(data) = Arc::get_mut(&mut self.data) else { return };
        loop {
            match rx.try_recv() {
                Ok((i, text)) => {
                    if let Some(t) = text {
                        data.push(i, &t);
                    }
                    self.read += 1;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.read = self.names.len();
                    self.rx = None;
                    break;
                }
            }
        }
    }

    /// Takes the texts read since last time, and finds the documents whose
    /// name or text contains `query` (folded) when the query or the texts
    /// changed.
    pub fn update(&mut self, query: &str) {
        self.take_read();
        let query = fold_loosely(query);
        let key = (query, self.read);
        if self.matched_for.as_ref() == Some(&key) {
            return;
        }
        let query = &key.0;
        // Typing one more letter: only the documents that matched may match.
        let narrowing =
            self.matched_for.as_ref().is_some_and(|(q, read)| *read == self.read && !q.is_empty() && query.starts_with(q.as_str()));
        let finder = Finder::new(query.as_bytes());
        if query.is_empty() {
            self.matches.fill(false);
            self.hits.clear();
        } else if narrowing {
            let before = std::mem::take(&mut self.hits);
            for i in before {
                let name = self.names.get(i).is_some_and(|n| finder.find(n.as_bytes()).is_some());
                let text = self.data.text(i).is_some_and(|t| finder.find(t.as_bytes()).is_some());
                if name || text {
                    self.hits.push(i);
                } else if let Some(m) = self.matches.get_mut(i) {
                    *m = false;
                }
            }
        } else {
            self.matches.fill(false);
            for (m, name) in self.matches.iter_mut().zip(&self.names) {
                *m = finder.find(name.as_bytes()).is_some();
            }
            self.data.mark_all(&finder, &mut self.matches);
            self.hits = self.matches.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i).collect();
        }
        self.matched_for = Some(key);
    }

    /// Whether document `index`'s name or text contains the query of the
    /// last [`CorpusIndex::update`] (a text not read yet does not).
    pub fn matches(&self, index: usize) -> bool {
        self.matches.get(index).copied().unwrap_or(false)
    }

    /// Whether articles are still being read.
    pub fn indexing(&self) -> bool {
        self.read < self.names.len()
    }

    /// (articles read, articles in the corpus).
    pub fn progress(&self) -> (usize, usize) {
        (self.read.min(self.names.len()), self.names.len())
    }

    /// The folded texts, once every article has been read (for another
    /// thread: the everywhere scan).
    pub fn complete(&self) -> Option<Arc<CorpusText>> {
        (!self.indexing() && self.rx.is_none()).then(|| self.data.clone())
    }
}

impl Drop for CorpusIndex {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn indexed(files: &[(&str, &str)]) -> (tempfile::TempDir, CorpusIndex) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let project = Project::open(dir.path(), None).expect("opens");
        let mut index = CorpusIndex::start(&project);
        for _ in 0..500 {
            index.update("");
            if !index.indexing() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        (dir, index)
    }

    #[test]
    fn finds_documents_by_their_text_once_read() {
        let (_dir, mut index) = indexed(&[("a.txt", "La Chine et la Russie."), ("b.txt", "Emmanuel Macron à Berlin.")]);
        assert_eq!(index.progress(), (2, 2));
        index.update("russie");
        assert!(index.matches(0));
        assert!(!index.matches(1));
        index.update("berlin");
        assert!(!index.matches(0));
        assert!(index.matches(1));
    }

    #[test]
    fn typing_narrows_and_deleting_widens_with_names_accents_and_case() {
        let (_dir, mut index) = indexed(&[
            ("pekin-1.txt", "Sergueï Lavrov est à Pékin."),
            ("pekin-2.txt", "Wang Yi reçoit à PÉKIN l’envoyé."),
            ("rome.txt", "Le pontife à Rome."),
        ]);
        let found = |index: &CorpusIndex| (0..3).filter(|&i| index.matches(i)).collect::<Vec<_>>();
        index.update("p");
        assert_eq!(found(&index), [0, 1, 2], "every name or text has a p");
        index.update("pe");
        assert_eq!(found(&index), [0, 1], "names pekin-…");
        index.update("pek");
        index.update("peki");
        assert_eq!(found(&index), [0, 1]);
        index.update("pekin-2");
        assert_eq!(found(&index), [1], "by its name only");
        index.update("pek");
        assert_eq!(found(&index), [0, 1], "deleting letters widens again");
        index.update("ROME");
        assert_eq!(found(&index), [2]);
        index.update("l'envoye");
        assert_eq!(found(&index), [1], "apostrophes and accents fold");
        index.update("pekin.wang");
        assert!(found(&index).is_empty(), "a match never runs from one text into the next");
    }

    #[test]
    fn the_complete_index_says_which_documents_may_hold_a_name() {
        let (_dir, index) = indexed(&[("a.txt", "Sergueï Lavrov."), ("b.txt", "Wang Yi.")]);
        let data = index.complete().expect("complete");
        let name = fold_loosely("LAVROV");
        assert!(data.may_contain(0, &name));
        assert!(!data.may_contain(1, &name));
        assert!(data.may_contain(7, &name), "a document it does not know may");
    }
}
