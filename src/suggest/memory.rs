//! What the user taught: names accepted, created or rejected in corrected
//! documents, suggested again wherever the same text occurs (the string
//! matcher of INCEpTION), recognizer name `"memory"`.
//!
//! Owns: [`Memory`] (names with their labels and votes) and the
//! [`MemoryRecognizer`] that shares one behind a lock.
//! Must not touch: files (the app decides whether a memory is saved), the UI.
//!
//! Matching is on whole tokens, case-sensitive (apostrophes `’`/`ʼ` read as
//! `'`), longest name first, never across a sentence start. Each
//! `(name, label)` has a vote: +1 each time the user keeps or makes it, −1
//! each time the user removes a suggestion of it. Names with a positive
//! vote are suggested (the label with the highest vote wins); names with a
//! negative vote are *vetoed*: the engine drops other recognizers'
//! suggestions of that exact name and label. A name removed where the user
//! labelled nothing is vetoed for every label it was never kept as
//! ([`ANY_LABEL`]).

use std::sync::{Arc, PoisonError, RwLock};

use super::lexicon::FastMap;
use super::{Candidate, Feedback, Recognizer};
use crate::model::tokenize::{Tokenized, tokenize};
use crate::model::{RecognizerName, Text};

/// The score of a remembered name.
pub const MEMORY_SCORE: f32 = 0.96;

/// The label of a vote against a name whatever its label: the user
/// removed it where they labelled nothing (a deleted span, a rejected
/// suggestion with no gold span over it), so it is no entity at all.
pub const ANY_LABEL: &str = "*";

/// One remembered name.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    /// Its tokens, apostrophes normalised.
    tokens: Vec<String>,
    /// Votes per label, in first-seen order.
    votes: Vec<(String, i32)>,
}

impl Entry {
    /// The label with the best positive vote.
    fn label(&self) -> Option<&str> {
        let mut best: Option<(&str, i32)> = None;
        for (l, v) in &self.votes {
            if *v > 0 && l != ANY_LABEL && best.is_none_or(|(_, b)| *v > b) {
                best = Some((l, *v));
            }
        }
        best.map(|(l, _)| l)
    }

    /// Vetoed for `label`: removed more often than kept as one, or removed
    /// where nothing was labelled ([`ANY_LABEL`]) and never kept as one.
    fn vetoed(&self, label: &str) -> bool {
        let vote = |of: &str| self.votes.iter().find(|(l, _)| l == of).map_or(0, |(_, v)| *v);
        let own = vote(label);
        own < 0 || (own <= 0 && vote(ANY_LABEL) < 0)
    }
}

fn norm_token(s: &str) -> String {
    s.replace(['’', 'ʼ'], "'")
}

/// Names the user taught, by their first token.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    by_first: FastMap<Vec<Entry>>,
}

impl Memory {
    /// An empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when nothing was taught.
    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// Adds `by` to the vote of `(name, label)`. Names without a token are
    /// ignored.
    pub fn vote(&mut self, name: &str, label: &str, by: i32) {
        let tokens: Vec<String> = tokenize(name).iter().map(|t| norm_token(t.text(name))).collect();
        self.vote_tokens(tokens, label, by);
    }

    /// [`Memory::vote`] for a name given as its tokens.
    pub fn vote_tokens(&mut self, tokens: Vec<String>, label: &str, by: i32) {
        let tokens: Vec<String> = tokens.iter().map(|t| norm_token(t)).collect();
        let Some(first) = tokens.first().cloned() else {
            return;
        };
        let list = self.by_first.entry(first).or_default();
        let at = match list.iter().position(|e| e.tokens == tokens) {
            Some(at) => at,
            None => {
                // Longest first, so the first match found is the longest.
                let at = list.partition_point(|e| e.tokens.len() >= tokens.len());
                list.insert(at, Entry { tokens, votes: Vec::new() });
                at
            }
        };
        let Some(entry) = list.get_mut(at) else {
            return;
        };
        match entry.votes.iter_mut().find(|(l, _)| l == label) {
            Some((_, v)) => *v = v.saturating_add(by),
            None => entry.votes.push((label.to_owned(), by)),
        }
    }

    /// Every name with a vote, as `(tokens, label, vote)`, sorted.
    pub fn votes(&self) -> Vec<(Vec<String>, String, i32)> {
        let mut out: Vec<(Vec<String>, String, i32)> = self
            .by_first
            .values()
            .flatten()
            .flat_map(|e| e.votes.iter().filter(|(_, v)| *v != 0).map(|(l, v)| (e.tokens.clone(), l.clone(), *v)))
            .collect();
        out.sort();
        out
    }

    /// Remembers that `name` is a `label` (one vote for it).
    pub fn remember(&mut self, name: &str, label: &str) {
        self.vote(name, label, 1);
    }

    /// Remembers that `name` was wrongly suggested as a `label`.
    pub fn reject(&mut self, name: &str, label: &str) {
        self.vote(name, label, -1);
    }

    /// The longest entry starting at token `i`, with its token count.
    fn match_at(&self, s: &str, doc: &Tokenized, i: usize) -> Option<(usize, &Entry)> {
        let t = doc.get(i)?;
        let list = self.by_first.get(norm_token(t.text(s)).as_str())?;
        'entries: for e in list {
            for (k, want) in e.tokens.iter().enumerate().skip(1) {
                let Some(t) = doc.get(i + k) else {
                    continue 'entries;
                };
                if t.sentence_start || norm_token(t.text(s)) != *want {
                    continue 'entries;
                }
            }
            return Some((e.tokens.len(), e));
        }
        None
    }

    /// Every remembered name in a text with a positive vote: candidates,
    /// longest first at each token, not overlapping.
    pub fn find(&self, s: &str, doc: &Tokenized) -> Vec<Candidate> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        let mut i = 0;
        while let Some(t) = doc.get(i) {
            let found = self.match_at(s, doc, i).and_then(|(n, e)| Some((n, e.label()?)));
            match found {
                Some((n, label)) => {
                    let end = doc.get(i + n - 1).map_or(t.end, |l| l.end);
                    out.push(Candidate {
                        start: t.start,
                        end,
                        label: label.to_owned(),
                        score: MEMORY_SCORE,
                        recognizer: RecognizerName::Memory,
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }

    /// True when the user removed `name` as a `label` more often than they
    /// kept it.
    pub fn vetoes(&self, name: &str, label: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let doc = Tokenized::new(name);
        self.match_at(name, &doc, 0).is_some_and(|(n, e)| n == doc.len() && e.vetoed(label))
    }
}

/// The memory as a recognizer (name `"memory"`).
#[derive(Clone, Debug, Default)]
pub struct MemoryRecognizer {
    memory: Arc<RwLock<Memory>>,
}

impl MemoryRecognizer {
    /// A recognizer with an empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// A recognizer that starts from a memory.
    pub fn with_memory(memory: Memory) -> Self {
        Self { memory: Arc::new(RwLock::new(memory)) }
    }

    /// The shared memory.
    pub fn memory(&self) -> &Arc<RwLock<Memory>> {
        &self.memory
    }
}

impl Recognizer for MemoryRecognizer {
    fn name(&self) -> RecognizerName {
        RecognizerName::Memory
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, tokens: &Tokenized) -> Vec<Candidate> {
        let memory = self.memory.read().unwrap_or_else(PoisonError::into_inner);
        memory.find(text.as_str(), tokens)
    }

    fn learn(&self, text: &Text, feedback: &Feedback<'_>) {
        let mut memory = self.memory.write().unwrap_or_else(PoisonError::into_inner);
        for (a, b, label) in feedback.gold {
            if let Some(name) = text.slice(*a, *b) {
                memory.remember(name, label);
            }
        }
        // `rejected` holds only suggestions with no gold span over them:
        // no entity there, whatever the label.
        for (a, b, label) in feedback.rejected {
            if let Some(name) = text.slice(*a, *b) {
                memory.reject(name, label);
                memory.reject(name, ANY_LABEL);
            }
        }
    }

    fn remember(&self, name: &str, label: &str) {
        let mut memory = self.memory.write().unwrap_or_else(PoisonError::into_inner);
        memory.remember(name, label);
    }

    fn reject(&self, name: &str, label: &str) {
        let mut memory = self.memory.write().unwrap_or_else(PoisonError::into_inner);
        memory.reject(name, label);
    }

    fn can_veto(&self) -> bool {
        let memory = self.memory.read().unwrap_or_else(PoisonError::into_inner);
        !memory.is_empty()
    }

    fn vetoes(&self, name: &str, label: &str) -> bool {
        let memory = self.memory.read().unwrap_or_else(PoisonError::into_inner);
        memory.vetoes(name, label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(m: &Memory, s: &str) -> Vec<(String, String)> {
        let text = Text::from(s);
        m.find(s, &Tokenized::new(s)).into_iter().map(|c| (text.slice(c.start, c.end).unwrap_or("").to_owned(), c.label)).collect()
    }

    #[test]
    fn remembered_names_are_found_elsewhere() {
        let mut m = Memory::new();
        assert!(m.is_empty() && found(&m, "Wonsan Kalma").is_empty());
        m.remember("aéroport Wonsan Kalma", "LOC");
        m.remember("Wonsan", "GPE");
        m.remember("l’OCS", "ORG");
        assert_eq!(
            found(&m, "Depuis l'aéroport Wonsan Kalma, vers Wonsan. Aéroport Wonsan. L’OCS et l'OCS."),
            [
                ("aéroport Wonsan Kalma".into(), "LOC".into()),
                ("Wonsan".into(), "GPE".into()),
                ("Wonsan".to_string(), "GPE".to_string()),
                ("l'OCS".into(), "ORG".into()),
            ]
        );
        // Case-sensitive and whole tokens.
        assert!(found(&m, "wonsan Wonsanais").is_empty());
    }

    #[test]
    fn votes_pick_the_label_and_veto() {
        let mut m = Memory::new();
        m.remember("Kremlin", "LOC");
        m.remember("Kremlin", "ORG");
        m.remember("Kremlin", "ORG");
        assert_eq!(found(&m, "le Kremlin"), [("Kremlin".into(), "ORG".into())]);
        m.reject("Twitter", "ORG");
        assert!(m.vetoes("Twitter", "ORG") && !m.vetoes("Twitter", "PER"));
        assert!(found(&m, "sur Twitter").is_empty());
        m.remember("Twitter", "ORG");
        assert!(!m.vetoes("Twitter", "ORG"), "back to zero");
        assert!(found(&m, "sur Twitter").is_empty(), "zero is not a suggestion");
        m.vote("", "ORG", 1);
    }

    #[test]
    fn matches_do_not_cross_sentences() {
        let mut m = Memory::new();
        m.remember("Nord Stream", "ORG");
        assert!(found(&m, "au Nord.\nStream").is_empty());
    }

    #[test]
    fn recognizer_learns_from_feedback() {
        let r = MemoryRecognizer::new();
        let text = Text::from("Le Zorglub et Twitter.");
        let gold = [(crate::model::CharIdx::new(3), crate::model::CharIdx::new(10), "ORG".to_string())];
        let rejected = [(crate::model::CharIdx::new(14), crate::model::CharIdx::new(21), "ORG".to_string())];
        r.learn(&text, &Feedback { gold: &gold, rejected: &rejected });
        let got = r.recognize(&Text::from("Zorglub !"));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].recognizer, RecognizerName::Memory);
        assert!(r.vetoes("Twitter", "ORG"));
        r.remember("Pyongyang", "GPE");
        assert_eq!(r.recognize(&Text::from("à Pyongyang")).len(), 1);
        r.reject("Charte des Nations unies", "ORG");
        assert!(r.vetoes("Charte des Nations unies", "ORG") && !r.vetoes("Nations unies", "ORG"));
    }

    /// A name removed where the user labelled nothing (a deleted span, a
    /// rejected suggestion, no gold span over it) is no entity of any
    /// label: "Route" deleted as a PER in one article came back as a GPE in
    /// the next. A cut or a relabel (`Memory::reject`) stays with its label,
    /// and a name the user labels later is suggested again.
    #[test]
    fn a_name_removed_with_nothing_labelled_there_is_vetoed_for_every_label() {
        let r = MemoryRecognizer::new();
        let text = Text::from("La Vorgne et Twitter.");
        let rejected = [(crate::model::CharIdx::new(3), crate::model::CharIdx::new(9), "PER".to_string())];
        r.learn(&text, &Feedback { gold: &[], rejected: &rejected });
        assert!(r.vetoes("Vorgne", "PER") && r.vetoes("Vorgne", "GPE") && r.vetoes("Vorgne", "ORG"));
        assert!(r.recognize(&Text::from("la Vorgne")).is_empty(), "a veto suggests nothing");
        r.remember("Vorgne", "LOC");
        assert!(!r.vetoes("Vorgne", "LOC") && r.vetoes("Vorgne", "GPE"), "the label the user gave wins over the veto");
        assert_eq!(r.recognize(&Text::from("la Vorgne")).len(), 1);
        r.reject("Twitter", "ORG");
        assert!(r.vetoes("Twitter", "ORG") && !r.vetoes("Twitter", "PER"), "a cut or a relabel keeps its label");
    }
}
