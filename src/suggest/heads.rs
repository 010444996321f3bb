//! Head-noun names (recognizer name `"heads"`): a capitalised word followed
//! by lower-case words or a `de` complement, the shape of institution names
//! in languages that write them so (`Cour suprême`, `Armée syrienne libre`,
//! `Chambre des communes`, `Conseil d'Etat`), which no other recognizer
//! proposes (the capitalisation rule stops at the first lower-case word).
//!
//! Owns: [`HeadsRecognizer`], the shape ([`head_spans`]) and where names
//! end ([`NameEnds`]). Must not
//! touch: files, the UI, the engine's votes (the engine decides whether its
//! candidates are heard: [`crate::suggest::Engine`] keeps them only where
//! the corrections vouched for them).
//!
//! The shape is found by case alone: a capitalised word that is not a
//! function word and does not follow another capitalised word (it would be
//! inside a capitalised run), then lower-case words that are not function
//! words, calendar words or numbers, and `de`/`of` complements (`de`, `du`,
//! `des`, `d'`, `of`, an optional article, then a lower-case word, or a run
//! of capitalised words that ends the name).
//!
//! The label: the one the corrected documents gave names of that shape
//! with the same first word (learned, [`Recognizer::learn`]: `Conseil
//! d'Etat` corrected as `INST` makes `Conseil constitutionnel` an `INST`),
//! else the kind of name its first word is the head noun of in the lexicon
//! (`ORG`, `EVENT`, `LOC`), else none and no candidate. Nothing here is heard
//! before corrections: the engine keeps the rule's candidates of a label
//! only once the corrected documents gave it such candidates more often
//! than anything else, no span included.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};

use super::lexicon::Lexicon;
use super::{Candidate, Engine, Feedback, Recognizer};
use crate::model::tokenize::{TokenKind, Tokenized, is_capitalized};
use crate::model::{CharIdx, RecognizerName, Text};

/// The recognizer's name.
pub const HEADS: &str = "heads";

/// Score of a candidate whose label the corrections taught for its first word.
pub const SCORE_LEARNED: f32 = 0.6;
/// Score of a candidate whose label the lexicon's head nouns give.
const SCORE_KEYWORD: f32 = 0.5;

/// Words that open a complement inside a name.
const COMPLEMENTS: &[&str] = &["de", "du", "des", "d'", "of"];
/// Articles allowed after a complement word (`Chambre de la culture`).
const ARTICLES: &[&str] = &["la", "le", "l'", "les", "the"];

/// Proposes head-noun names with the label learned for their first word
/// or given by the lexicon. Clones share what they learn (the engine holds
/// one, whoever built it may read what it learned: [`HeadsRecognizer::name_ends`]).
#[derive(Clone, Debug, Default)]
pub struct HeadsRecognizer {
    /// First word's key → (label → corrected names of the shape).
    learned: Arc<RwLock<BTreeMap<String, BTreeMap<String, u32>>>>,
    /// Where names end ([`NameEnds`]).
    ends: Arc<RwLock<NameEnds>>,
}

/// Where names end, as corrections taught it: the keys of the lower-case
/// words found right after a corrected span (`ont`, `estime`) and of those
/// found inside one; a name ends before a word of the first set that is
/// not in the second. Kept in a model file (`name_ends`, see
/// [`crate::suggest::Tagger::name_ends`]), so that an engine over a project
/// model starts from what its documents taught.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameEnds {
    /// Words seen right after a corrected span.
    pub after: BTreeSet<String>,
    /// Words seen inside a corrected span.
    pub inside: BTreeSet<String>,
}

impl NameEnds {
    /// True when a name ends before the word `key`.
    pub fn ends_before(&self, key: &str) -> bool {
        self.after.contains(key) && !self.inside.contains(key)
    }

    /// True when nothing was taught.
    pub fn is_empty(&self) -> bool {
        self.after.is_empty() && self.inside.is_empty()
    }
}

impl HeadsRecognizer {
    /// A recognizer that learned nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A recognizer that starts from where names end (a model's, see
    /// [`NameEnds`]).
    pub fn with_ends(ends: NameEnds) -> Self {
        Self { ends: Arc::new(RwLock::new(ends)), ..Self::default() }
    }

    /// Where names end, as learned so far.
    pub fn name_ends(&self) -> NameEnds {
        self.ends.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The label taught for names whose first word's key is `head` (most
    /// corrected names; among equals, the first label).
    fn learned_label(&self, head: &str) -> Option<String> {
        let learned = self.learned.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        learned.get(head)?.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(l, _)| l.clone())
    }
}

/// True when token `i` is a lower-case word that can be part of a name: a
/// word (hyphens allowed) of three letters or more (`se`, `y` are not),
/// not a function word, calendar word or number.
fn inner_word(doc: &Tokenized, s: &str, lex: &Lexicon, i: usize) -> bool {
    let Some(t) = doc.get(i) else {
        return false;
    };
    let key = doc.key(i);
    t.kind == TokenKind::Word
        && t.len_chars() >= 3
        && t.text(s).chars().next().is_some_and(char::is_lowercase)
        && !lex.stopwords.contains(key)
        && !lex.determiners.contains(key)
        && !lex.is_calendar_word(key)
}

/// True when token `i` is a capitalised word (not a function word).
fn cap_word(doc: &Tokenized, s: &str, lex: &Lexicon, i: usize) -> bool {
    doc.get(i).is_some_and(|t| t.is_wordlike() && is_capitalized(t.text(s)) && !lex.stopwords.contains(doc.key(i)))
}

/// The head-noun names of a tokenized text: `(first token, end token)`,
/// the first token being the head noun. A name has at least two tokens,
/// and ends before a lower-case word for which `ends_before` is true.
pub fn head_spans(s: &str, doc: &Tokenized, ends_before: &dyn Fn(&str) -> bool) -> Vec<(usize, usize)> {
    let inner = |i: usize| inner_word(doc, s, Lexicon::get(), i) && !ends_before(doc.key(i));
    let lex = Lexicon::get();
    let mut out = Vec::new();
    for i in 0..doc.len() {
        if !cap_word(doc, s, lex, i) || doc.get(i).is_some_and(|t| t.kind != TokenKind::Word) {
            continue;
        }
        // Inside a capitalised run (`Grande Mosquée`): the run's own.
        if i > 0 && cap_word(doc, s, lex, i - 1) && doc.get(i).is_some_and(|t| !t.sentence_start) {
            continue;
        }
        let mut j = i + 1;
        let mut end = None;
        loop {
            // No name runs over a line or sentence break.
            if doc.get(j).is_none_or(|t| t.sentence_start || t.newline_before) {
                break;
            }
            if inner(j) {
                j += 1;
                end = Some(j);
                continue;
            }
            if COMPLEMENTS.contains(&doc.key(j)) {
                let mut k = j + 1;
                if ARTICLES.contains(&doc.key(k)) {
                    k += 1;
                }
                if doc.get(k).is_none_or(|t| t.newline_before || t.sentence_start) {
                    break;
                }
                if cap_word(doc, s, lex, k) {
                    // A capitalised complement ends the name.
                    let mut e = k + 1;
                    while cap_word(doc, s, lex, e) && doc.get(e).is_some_and(|t| !t.sentence_start && !t.newline_before) {
                        e += 1;
                    }
                    end = Some(e);
                    break;
                }
                if inner(k) {
                    j = k + 1;
                    end = Some(j);
                    continue;
                }
            }
            break;
        }
        if let Some(e) = end {
            out.push((i, e));
        }
    }
    out
}

impl Recognizer for HeadsRecognizer {
    fn name(&self) -> RecognizerName {
        HEADS.into()
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, doc: &Tokenized) -> Vec<Candidate> {
        let s = text.as_str();
        let lex = Lexicon::get();
        let mut out = Vec::new();
        let ends = self.ends.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (a, b) in head_spans(s, doc, &|key| ends.ends_before(key)) {
            let (Some(first), Some(last)) = (doc.get(a), doc.get(b - 1)) else {
                continue;
            };
            let head = doc.key(a);
            let (label, score) = match self.learned_label(head) {
                Some(l) => (l, SCORE_LEARNED),
                None => match super::capitals::keyword_label(lex, head) {
                    Some(l) => (l.to_owned(), SCORE_KEYWORD),
                    None => continue,
                },
            };
            out.push(Candidate { start: first.start, end: last.end, label, score, recognizer: HEADS.into() });
        }
        out
    }

    /// Each corrected span of the shape (a capitalised first word, then a
    /// lower-case word or a complement) teaches its first word's label;
    /// the lower-case word right after any corrected span teaches where
    /// names end (`ont` in `[Conseil d'Etat] ont jugé`), unless corrected
    /// spans hold it.
    fn learn(&self, text: &Text, feedback: &Feedback<'_>) {
        let s = text.as_str();
        let doc = Tokenized::new(s);
        let lex = Lexicon::get();
        let tokens = doc.tokens();
        let mut taught: Vec<(String, String)> = Vec::new();
        let (mut after, mut inside) = (Vec::new(), Vec::new());
        let lower =
            |i: usize| doc.get(i).is_some_and(|t| t.kind == TokenKind::Word && t.text(s).chars().next().is_some_and(char::is_lowercase));
        for (a, b, label) in feedback.gold {
            let i = tokens.partition_point(|t| t.start < *a);
            let e = tokens.partition_point(|t| t.end <= *b);
            inside.extend((i + 1..e).filter(|&k| lower(k)).map(|k| doc.key(k).to_owned()));
            if lower(e) {
                after.push(doc.key(e).to_owned());
            }
            if e < i + 2 || doc.get(i).is_none_or(|t| t.start != *a || t.kind != TokenKind::Word) || !cap_word(&doc, s, lex, i) {
                continue;
            }
            let next = i + 1;
            if inner_word(&doc, s, lex, next) || COMPLEMENTS.contains(&doc.key(next)) {
                taught.push((doc.key(i).to_owned(), label.clone()));
            }
        }
        {
            let mut ends = self.ends.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            ends.after.extend(after);
            ends.inside.extend(inside);
        }
        if taught.is_empty() {
            return;
        }
        let mut learned = self.learned.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (head, label) in taught {
            *learned.entry(head).or_default().entry(label).or_default() += 1;
        }
    }
}

impl Engine {
    /// True when the corrections vouched for a candidate of the head-noun
    /// rule (this module) that proposed it as `own_label` and is suggested as
    /// `c.label`: that label is what they gave its candidates of
    /// `own_label` most often, no span included, and at least once, or
    /// (for a label taught for its first word) not less often than
    /// anything else.
    pub(super) fn vouched(&self, c: &Candidate, own_label: &str) -> bool {
        let votes = self.rule_votes.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (right, other, _) = super::votes::tally(&votes, HEADS, own_label, &c.label);
        right >= other && (right >= 1 || c.score >= SCORE_LEARNED)
    }
}

/// The span of code points of tokens `a..b` (for tests and callers that
/// hold token indices).
pub fn token_span(doc: &Tokenized, a: usize, b: usize) -> Option<(CharIdx, CharIdx)> {
    Some((doc.get(a)?.start, doc.get(b.checked_sub(1)?)?.end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Schema;
    use crate::model::markup::parse_markup;

    fn names(s: &str) -> Vec<String> {
        let doc = Tokenized::new(s);
        let text = Text::from(s);
        head_spans(s, &doc, &|_| false)
            .into_iter()
            .filter_map(|(a, b)| token_span(&doc, a, b))
            .map(|(a, b)| text.slice(a, b).unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn the_shape_is_a_head_then_lower_case_words_or_a_complement() {
        assert_eq!(
            names("La Haute cour fédérale a jugé, puis la Chambre des lords du royaume a voté et la Ligue arabe aussi."),
            ["Haute cour fédérale", "Chambre des lords du royaume", "Ligue arabe"]
        );
        assert_eq!(names("Le Comité d'Olympie et l'Office of Naval Research."), ["Comité d'Olympie", "Office of Naval Research"]);
        // No head: a function word, a capitalised run, a date, a line break.
        assert_eq!(names("Le pays. Selon lui, Jean Valbert en mars; Garde\nnationale."), Vec::<String>::new());
    }

    #[test]
    fn a_corrected_name_teaches_its_first_word_and_the_lexicon_gives_head_nouns() {
        let r = HeadsRecognizer::new();
        let text = Text::from("La Ligue arabe et la Tribu verte, hier.");
        let got = |r: &HeadsRecognizer| -> Vec<(String, String)> {
            r.recognize(&text).into_iter().map(|c| (text.slice(c.start, c.end).unwrap_or("").to_owned(), c.label)).collect()
        };
        // `ligue` is an organisation head noun in the lexicon; `tribu` is not.
        assert_eq!(got(&r), [("Ligue arabe".to_owned(), "ORG".to_owned())]);
        let (taught, gold) = parse_markup("La [Tribu rouge]{CLAN} et la [Ligue des sages]{CLAN} à [Ostra]{LOC}.");
        r.learn(&Text::from(taught.as_str()), &Feedback { gold: &gold, rejected: &[] });
        assert_eq!(got(&r), [("Ligue arabe".to_owned(), "CLAN".to_owned()), ("Tribu verte".to_owned(), "CLAN".to_owned())]);
    }

    fn by_heads(engine: &Engine, text: &Text, schema: &Schema) -> Vec<(String, String)> {
        engine
            .suggest(text, schema, 0.0)
            .into_iter()
            .filter(|c| c.recognizer.as_str() == HEADS)
            .map(|c| (text.slice(c.start, c.end).unwrap_or("").to_owned(), c.label))
            .collect()
    }

    #[test]
    fn the_engine_hears_the_rule_once_the_corrections_vouch_for_it() {
        let schema = Schema::from_label_names("project", &["PER", "INST", "LOC"], &[]);
        // Without the shipped tagger, which knows these names.
        let engine = Engine::with_tagger(None);
        let later = Text::from("Hier, la Cour suprême et le Conseil constitutionnel ont tranché.");
        assert_eq!(by_heads(&engine, &later, &schema), [], "nothing before corrections");
        let (text, gold) = parse_markup("Le [Conseil d'Etat]{INST} et la [Cour des comptes]{INST} ont rendu leur avis à [Ostrava]{LOC}.");
        engine.learn(&Text::from(text.as_str()), &gold);
        let inst = |name: &str| (name.to_owned(), "INST".to_owned());
        assert_eq!(by_heads(&engine, &later, &schema), [inst("Cour suprême"), inst("Conseil constitutionnel")]);
    }

    #[test]
    fn a_rule_the_corrections_left_out_is_not_heard() {
        let engine = Engine::with_tagger(None);
        let news = Schema::news();
        let later = Text::from("Selon elle, la Ligue bretonne et la Fédération internationale de judo se sont réunies.");
        assert_eq!(by_heads(&engine, &later, &news), [], "nothing before corrections");
        // The annotator left out every head-noun name of the document.
        let (text, gold) = parse_markup("La Banque alimentaire et la Ligue locale ont aidé [Marta Kessel]{PER}.");
        engine.learn(&Text::from(text.as_str()), &gold);
        assert_eq!(by_heads(&engine, &later, &news), []);
        // Another engine, whose corrections kept them.
        let engine = Engine::with_tagger(None);
        let (text, gold) = parse_markup("La [Banque alimentaire]{ORG} et la [Ligue locale]{ORG} ont aidé [Marta Kessel]{PER}.");
        engine.learn(&Text::from(text.as_str()), &gold);
        let org = |name: &str| (name.to_owned(), "ORG".to_owned());
        assert_eq!(by_heads(&engine, &later, &news), [org("Ligue bretonne"), org("Fédération internationale de judo")]);
    }
}
