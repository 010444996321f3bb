//! The corpus search's index: every article's text, lowercased, read on a
//! background thread, so typing in the corpus list's search box never
//! reads a file in the frame (10,000 articles took seconds). The frame
//! takes what has been read so far and asks which documents match; the
//! list says "indexing…" until every article is in.
//!
//! Owns: the reading thread and the matches of the last query. Must not
//! touch: the window, or any file but the articles (read-only).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::store::Project;
use crate::store::project::SourceCache;

/// The texts of a project's articles, as far as they have been read.
pub struct CorpusIndex {
    /// Lowercased texts by entry index; `None` until read (or unreadable).
    texts: Vec<Option<String>>,
    /// Articles read so far (readable or not).
    read: usize,
    rx: Option<Receiver<(usize, Option<String>)>>,
    stop: Arc<AtomicBool>,
    /// The query the matches are for, and how many articles had been read then.
    matched_for: Option<(String, usize)>,
    /// Entry indices whose text contains that query, sorted.
    matches: BTreeSet<usize>,
}

impl CorpusIndex {
    /// Starts reading every article of `project` in the background.
    pub fn start(project: &Project) -> Self {
        let total = project.entries.len();
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (project, flag) = (project.clone(), stop.clone());
        let spawned = std::thread::Builder::new().name("spanlab-search-index".into()).spawn(move || {
            // JSONL and dataset sources are read once for the whole corpus.
            let mut cache = SourceCache::default();
            for i in 0..project.entries.len() {
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                let text = project.load_cached(i, &mut cache).ok().map(|l| l.doc.text().as_str().to_lowercase());
                if tx.send((i, text)).is_err() {
                    return;
                }
            }
        });
        let rx = spawned.ok().map(|_| rx);
        // Without a thread nothing is indexed: names still match.
        let read = if rx.is_some() { 0 } else { total };
        Self { texts: vec![None; total], read, rx, stop, matched_for: None, matches: BTreeSet::new() }
    }

    /// Takes the texts read since last time, and finds the documents whose
    /// text contains `query` (lowercase) when the query or the texts changed.
    pub fn update(&mut self, query: &str) {
        if let Some(rx) = &self.rx {
            loop {
                match rx.try_recv() {
                    Ok((i, text)) => {
                        if let Some(slot) = self.texts.get_mut(i) {
                            *slot = text;
                        }
                        self.read += 1;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        self.read = self.texts.len();
                        self.rx = None;
                        break;
                    }
                }
            }
        }
        let key = (query.to_owned(), self.read);
        if self.matched_for.as_ref() == Some(&key) {
            return;
        }
        self.matches = self
            .texts
            .iter()
            .enumerate()
            .filter(|(_, t)| !query.is_empty() && t.as_ref().is_some_and(|t| t.contains(query)))
            .map(|(i, _)| i)
            .collect();
        self.matched_for = Some(key);
    }

    /// Whether document `index`'s text contains the query of the last
    /// [`CorpusIndex::update`] (false while it is unread).
    pub fn matches(&self, index: usize) -> bool {
        self.matches.contains(&index)
    }

    /// Whether articles are still being read.
    pub fn indexing(&self) -> bool {
        self.read < self.texts.len()
    }

    /// (articles read, articles in the corpus).
    pub fn progress(&self) -> (usize, usize) {
        (self.read.min(self.texts.len()), self.texts.len())
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

    #[test]
    fn finds_documents_by_their_text_once_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "La Chine et la Russie.").expect("write");
        std::fs::write(dir.path().join("b.txt"), "Emmanuel Macron à Berlin.").expect("write");
        let project = Project::open(dir.path(), None).expect("opens");
        let mut index = CorpusIndex::start(&project);
        for _ in 0..500 {
            index.update("russie");
            if !index.indexing() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(index.progress(), (2, 2));
        assert!(index.matches(0));
        assert!(!index.matches(1));
        index.update("berlin");
        assert!(!index.matches(0));
        assert!(index.matches(1));
    }
}
