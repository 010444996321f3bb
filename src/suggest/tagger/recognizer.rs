//! The tagger as a [`Recognizer`]: its spans as candidates in the news
//! schema's labels.
//!
//! Owns: [`TaggerRecognizer`] and [`news_label`] (WiNER's labels to the
//! news schema's). Must not touch: the weights except through
//! [`Tagger::update`] when it learns; it holds the shared tagger's read
//! lock while tagging and its write lock while learning. No files, no
//! threads of its own.

use std::sync::{Arc, PoisonError, RwLock};

use super::Tagger;
use crate::model::tokenize::Tokenized;
use crate::model::{RecognizerName, Text};
use crate::suggest::gazetteer::Gazetteer;
use crate::suggest::{Candidate, Feedback, Recognizer};

/// The tagger as a recognizer (name `"tagger"`, or `"tagger:FILE"` with a
/// model read from a file): its spans as candidates, `LOC` as `GPE` when
/// the gazetteer knows the name as one, `MISC` left out. Shares the tagger,
/// so online updates show at once.
#[derive(Clone, Debug)]
pub struct TaggerRecognizer {
    tagger: Arc<RwLock<Tagger>>,
    name: RecognizerName,
}

impl TaggerRecognizer {
    /// A recognizer over a shared tagger with the shipped model.
    pub fn new(tagger: Arc<RwLock<Tagger>>) -> Self {
        Self::named(tagger, RecognizerName::Tagger)
    }

    /// A recognizer over a shared tagger whose candidates say `name`
    /// (which model proposed them; a tagger's name,
    /// [`RecognizerName::is_tagger`]).
    pub fn named(tagger: Arc<RwLock<Tagger>>, name: RecognizerName) -> Self {
        let name = if name.is_tagger() { name } else { RecognizerName::Tagger };
        Self { tagger, name }
    }

    /// The shared tagger.
    pub fn tagger(&self) -> &Arc<RwLock<Tagger>> {
        &self.tagger
    }
}

/// The most digits a date written in digits alone has: a year. The tagger
/// reads any number opening a line as it reads a year there (`1998.`), so
/// `202415.` came out a DATE; none of its training dates is a bare number
/// of five digits or more.
const YEAR_DIGITS: usize = 4;

/// The news schema's label for a tagger span.
pub fn news_label(label: &str, text: &str, gazetteer: &Gazetteer) -> Option<String> {
    match label {
        "MISC" => None,
        "DATE" if text.len() > YEAR_DIGITS && text.bytes().all(|b| b.is_ascii_digit()) => None,
        "LOC" => {
            let gpe = gazetteer.lookup(text).is_some_and(|e| e.label == "GPE");
            Some(if gpe { "GPE" } else { "LOC" }.to_owned())
        }
        other => Some(other.to_owned()),
    }
}

impl Recognizer for TaggerRecognizer {
    fn name(&self) -> RecognizerName {
        self.name.clone()
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, tokens: &Tokenized) -> Vec<Candidate> {
        let tagger = self.tagger.read().unwrap_or_else(PoisonError::into_inner);
        let s = text.as_str();
        tagger
            .tag(s, tokens)
            .into_iter()
            .filter_map(|span| {
                let name = text.slice(span.start, span.end)?;
                let label = news_label(&span.label, name, &tagger.gazetteer)?;
                Some(Candidate { start: span.start, end: span.end, label, score: span.confidence, recognizer: self.name.clone() })
            })
            .collect()
    }

    fn learned_the_rules(&self) -> bool {
        self.tagger.read().unwrap_or_else(PoisonError::into_inner).uses_hints()
    }

    fn knows_language(&self, language: &str) -> bool {
        self.tagger.read().unwrap_or_else(PoisonError::into_inner).knows_language(language)
    }

    fn learn(&self, text: &Text, feedback: &Feedback<'_>) {
        let mut tagger = self.tagger.write().unwrap_or_else(PoisonError::into_inner);
        tagger.update(text, feedback.gold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizer_maps_labels_to_the_news_schema() {
        let g = Gazetteer::builtin();
        assert_eq!(news_label("LOC", "Pékin", &g).as_deref(), Some("GPE"));
        assert_eq!(news_label("LOC", "Zorglubie", &g).as_deref(), Some("LOC"));
        assert_eq!(news_label("MISC", "Twitter", &g), None);
        assert_eq!(news_label("PER", "Lavrov", &g).as_deref(), Some("PER"));
    }
}
