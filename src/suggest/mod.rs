//! Rule-based entity suggestions: recognizers propose spans, the engine
//! keeps the best non-overlapping ones.
//!
//! Owns: [`Candidate`], the [`Recognizer`] trait and the [`Engine`], plus
//! the reusable pieces a later statistical tagger builds on: the tokenizer
//! ([`tokenize`]), the word lists ([`lexicon`]), the gazetteer
//! ([`gazetteer`], data compiled in from `assets/gazetteer/`) and the
//! recognizers ([`patterns`] for dates and titled persons, [`capitals`] for
//! the capitalisation heuristic).
//! Must not touch: files, the UI, threads; it reads the model only.
//!
//! Scores order the sources: titled persons (0.76–0.93), dates (0.45 for a
//! bare year before a noun, else 0.7–0.95) and gazetteer names (0.74–0.9)
//! above the capitalisation heuristic (0.2–0.5), except that a head noun
//! with a known name (`Banque de France`, 0.92) beats the known name inside
//! it, as the guidelines keep the longer name.

pub mod capitals;
pub mod external;
pub mod gazetteer;
pub mod lexicon;
pub mod patterns;
pub mod tokenize;

use std::collections::BTreeMap;
use std::fmt;

pub use capitals::CapitalsRecognizer;
pub use gazetteer::{Gazetteer, GazetteerRecognizer};
pub use patterns::{DateRecognizer, TitleRecognizer};
pub use tokenize::{Token, TokenKind, Tokenized, tokenize};

use crate::model::{CharIdx, Schema, Text};

/// One proposed span.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// First code point.
    pub start: CharIdx,
    /// One past the last code point.
    pub end: CharIdx,
    /// Entity label.
    pub label: String,
    /// Confidence in `[0, 1]`; higher wins overlaps.
    pub score: f32,
    /// The name of the recognizer that proposed it.
    pub recognizer: String,
}

impl Candidate {
    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.end.0.saturating_sub(self.start.0)
    }
}

/// Something that proposes spans for a text.
pub trait Recognizer: Send + Sync {
    /// A short name, stored as a suggestion's origin.
    fn name(&self) -> &str;

    /// Proposes spans for a text; they may overlap.
    fn recognize(&self, text: &Text) -> Vec<Candidate>;

    /// The same on tokens already made from the text by [`Tokenized::new`]
    /// (the engine tokenizes once for all recognizers). The default ignores
    /// the tokens.
    fn recognize_tokens(&self, text: &Text, tokens: &Tokenized) -> Vec<Candidate> {
        let _ = tokens;
        self.recognize(text)
    }
}

/// The built-in engine: combines recognizers into one ranked,
/// non-overlapping list.
pub struct Engine {
    recognizers: Vec<Box<dyn Recognizer>>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine").field("recognizers", &self.recognizer_names()).finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Engine {
    /// All built-in recognizers: gazetteer, dates, titles, capitals.
    pub fn builtin() -> Self {
        let gazetteer = Gazetteer::builtin();
        Self::with(vec![
            Box::new(GazetteerRecognizer::new(gazetteer.clone())),
            Box::new(DateRecognizer::new()),
            Box::new(TitleRecognizer::new()),
            Box::new(CapitalsRecognizer::new(gazetteer)),
        ])
    }

    /// An engine over the given recognizers (earlier ones win exact ties).
    pub fn with(recognizers: Vec<Box<dyn Recognizer>>) -> Self {
        Self { recognizers }
    }

    /// The recognizers' names, in order.
    pub fn recognizer_names(&self) -> Vec<&str> {
        self.recognizers.iter().map(|r| r.name()).collect()
    }

    /// Non-overlapping candidates sorted by (start, end), only labels the
    /// schema has, score >= min_score.
    pub fn suggest(&self, text: &Text, schema: &Schema, min_score: f32) -> Vec<Candidate> {
        let doc = Tokenized::new(text.as_str());
        let len = text.len_chars();
        let mut all = Vec::new();
        for r in &self.recognizers {
            all.extend(r.recognize_tokens(text, &doc).into_iter().filter(|c| {
                c.start < c.end && c.end.0 <= len && c.score.is_finite() && c.score >= min_score && schema.entity(&c.label).is_some()
            }));
        }
        resolve_overlaps(all)
    }
}

/// Keeps the best of overlapping candidates (higher score, then longer
/// span, then earlier start, then earlier in the list) and sorts the result
/// by (start, end).
pub fn resolve_overlaps(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut ranked: Vec<(usize, Candidate)> = candidates.into_iter().enumerate().collect();
    ranked.sort_by(|(ia, a), (ib, b)| {
        b.score.total_cmp(&a.score).then(b.len_chars().cmp(&a.len_chars())).then(a.start.cmp(&b.start)).then(ia.cmp(ib))
    });
    // Accepted spans by start; they never overlap, so only the one that
    // starts last before a candidate's end can overlap it.
    let mut taken: BTreeMap<CharIdx, CharIdx> = BTreeMap::new();
    let mut kept = Vec::new();
    for (_, c) in ranked {
        let overlaps = taken.range(..c.end).next_back().is_some_and(|(_, &end)| end > c.start);
        if !overlaps {
            taken.insert(c.start, c.end);
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| (c.start, c.end));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use proptest::prelude::*;

    fn show(text: &Text, spans: impl IntoIterator<Item = (CharIdx, CharIdx, String)>) -> Vec<String> {
        spans.into_iter().map(|(a, b, l)| format!("{}:{l}", text.slice(a, b).unwrap_or("<bad>"))).collect()
    }

    /// Checks that the engine finds exactly the marked spans.
    fn check(markup: &str) {
        let (text, gold) = parse_markup(markup);
        let text = Text::from(text.as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
        assert_eq!(show(&text, got.into_iter().map(|c| (c.start, c.end, c.label))), show(&text, gold), "in {markup:?}");
    }

    #[test]
    fn french_sentences() {
        check("Le ministre russe des Affaires étrangères [Sergueï Lavrov]{PER} est arrivé à [Pyongyang]{GPE} le [11 juillet 2025]{DATE}.");
        check(
            "[Wang Yi]{PER} a rencontré son homologue russe [Sergey Lavrov]{PER} à [Pékin]{GPE} avant le sommet de l'[OCS]{ORG} à [Tianjin]{GPE}.",
        );
        check(
            "Selon l’[AFP]{ORG}, la [Corée du Nord]{GPE} soutient la [Russie]{GPE} depuis [février 2022]{DATE} et l'[ONU]{ORG} s'inquiète.",
        );
        check("Le porte-parole du [Kremlin]{ORG}, [Dmitri Peskov]{PER}, a parlé [dimanche]{DATE} de la [péninsule coréenne]{LOC}.");
        check(
            "La [Banque de France]{ORG} et l'[Organisation de coopération de Shanghai]{ORG} se réunissent le [1er avril]{DATE} en [Asie centrale]{LOC}.",
        );
    }

    #[test]
    fn english_sentences() {
        check(
            "Russian Foreign Minister [Sergei Lavrov]{PER} arrived in [Pyongyang]{GPE} on [July 11, 2025]{DATE}, [Reuters]{ORG} reported.",
        );
        check(
            "[NATO]{ORG} and the [European Union]{ORG} met in [Brussels]{GPE} on [Monday]{DATE} as [China]{GPE}'s envoy visited [Moscow]{GPE}.",
        );
        check("President [Xi Jinping]{PER} said the [Second World War]{EVENT} ended in [1945]{DATE}? No: in [September 1945]{DATE}.");
    }

    #[test]
    fn schema_and_min_score_filter() {
        let text = Text::from("Hier, Lavrov a vu le ministre Wang Yi à Pékin le 3 mars.");
        let engine = Engine::builtin();
        let all = engine.suggest(&text, &Schema::news(), 0.0);
        assert!(all.iter().any(|c| c.recognizer == "capitals" && c.label == "PER"), "{all:?}");
        let strict = engine.suggest(&text, &Schema::news(), 0.8);
        assert_eq!(show(&text, strict.iter().map(|c| (c.start, c.end, c.label.clone()))), ["Wang Yi:PER", "Pékin:GPE", "3 mars:DATE"]);
        let dates_only = Schema::from_label_names("d", &["DATE"], &[]);
        let got = engine.suggest(&text, &dates_only, 0.0);
        assert!(got.iter().all(|c| c.label == "DATE") && got.len() == 1, "{got:?}");
        assert!(engine.suggest(&text, &Schema::news(), f32::NAN).is_empty());
    }

    struct Fixed(Vec<(usize, usize, &'static str, f32)>);

    impl Recognizer for Fixed {
        fn name(&self) -> &str {
            "fixed"
        }

        fn recognize(&self, _text: &Text) -> Vec<Candidate> {
            self.0
                .iter()
                .map(|&(a, b, l, s)| Candidate {
                    start: CharIdx(a),
                    end: CharIdx(b),
                    label: l.into(),
                    score: s,
                    recognizer: "fixed".into(),
                })
                .collect()
        }
    }

    #[test]
    fn overlaps_prefer_score_then_length_and_bad_spans_are_dropped() {
        let engine = Engine::with(vec![Box::new(Fixed(vec![
            (0, 5, "PER", 0.5),
            (3, 9, "ORG", 0.9),
            (10, 12, "GPE", 0.6),
            (10, 14, "LOC", 0.6),
            (12, 16, "PER", 0.6),
            (16, 18, "DATE", 0.1),
            (18, 18, "PER", 0.9),
            (19, 99, "PER", 0.9),
            (17, 19, "MISC", 0.9),
        ]))]);
        let text = Text::from("abcdefghijklmnopqrstu");
        let got: Vec<(usize, usize, String)> =
            engine.suggest(&text, &Schema::news(), 0.0).into_iter().map(|c| (c.start.0, c.end.0, c.label)).collect();
        assert_eq!(got, [(3, 9, "ORG".into()), (10, 14, "LOC".into()), (16, 18, "DATE".into())]);
        assert_eq!(engine.recognizer_names(), ["fixed"]);
    }

    #[test]
    fn engine_is_shareable_between_threads() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
        let engine = std::sync::Arc::new(Engine::builtin());
        let e2 = engine.clone();
        let handle = std::thread::spawn(move || e2.suggest(&Text::from("à Pékin"), &Schema::news(), 0.5).len());
        assert_eq!(handle.join().ok(), Some(1));
        assert!(format!("{engine:?}").contains("gazetteer"));
    }

    #[test]
    fn resolve_overlaps_keeps_the_best_and_sorts() {
        let c = |a: usize, b: usize, score: f32| Candidate {
            start: CharIdx(a),
            end: CharIdx(b),
            label: "X".into(),
            score,
            recognizer: "t".into(),
        };
        let got = resolve_overlaps(vec![c(5, 8, 0.5), c(0, 3, 0.5), c(2, 6, 0.9), c(6, 9, 0.5), c(0, 2, 0.1)]);
        let spans: Vec<(usize, usize)> = got.iter().map(|c| (c.start.0, c.end.0)).collect();
        assert_eq!(spans, [(0, 2), (2, 6), (6, 9)]);
        assert!(resolve_overlaps(Vec::new()).is_empty());
    }

    #[test]
    fn empty_and_odd_texts_give_nothing_or_valid_spans() {
        let engine = Engine::builtin();
        for s in ["", " ", "\r\n\r\n", "😀😀", "\u{301}", "« »", "...", "1 000 000", "L'", "'s"] {
            let text = Text::from(s);
            assert!(engine.suggest(&text, &Schema::news(), 0.0).is_empty(), "{s:?}");
        }
    }

    #[test]
    fn builtin_names_its_sources() {
        let engine = Engine::builtin();
        assert_eq!(engine.recognizer_names(), ["gazetteer", "dates", "titles", "capitals"]);
        let text = Text::from("Le 13 juillet 2025, M. Lavrov a vu Kim Jong Un à Pyongyang.");
        let got = engine.suggest(&text, &Schema::news(), 0.0);
        let sources: Vec<&str> = got.iter().map(|c| c.recognizer.as_str()).collect();
        assert_eq!(sources, ["dates", "titles", "capitals", "gazetteer"], "{got:?}");
    }

    #[test]
    fn offsets_survive_emoji_crlf_and_combining_marks() {
        let (text, gold) = parse_markup("😀👍🏽 Le\r\nministre [Zoe\u{301} Dupont]{PER} est à [Moscou]{GPE}\u{a0}! 🇫🇷 [13 juillet]{DATE}");
        let text = Text::from(text.as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
        assert_eq!(show(&text, got.into_iter().map(|c| (c.start, c.end, c.label))), show(&text, gold));
    }

    #[test]
    fn a_long_text_is_handled_in_one_pass() {
        let para = "Le ministre russe des Affaires étrangères Sergueï Lavrov est arrivé à Pyongyang le 11 juillet 2025. \
                    Selon l'AFP, la Chine et la Russie ont signé un accord avec l'ONU en 2024.\r\n";
        let text = Text::from(para.repeat(500).as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
        assert_eq!(got.len(), 500 * 8, "{:?}", &got[..8]);
        assert!(got.windows(2).all(|w| w[0].end <= w[1].start));
    }

    proptest! {
        #[test]
        fn suggestions_are_in_bounds_sorted_and_disjoint(
            s in "[A-Za-zéÉ’' .,;:!?«»\\-0-9\u{a0}\r\n😀\u{301}]{0,200}"
        ) {
            let text = Text::from(s.as_str());
            let got = Engine::builtin().suggest(&text, &Schema::news(), 0.0);
            for c in &got {
                prop_assert!(c.start < c.end && c.end.0 <= text.len_chars());
                let slice = text.slice(c.start, c.end).unwrap_or("");
                prop_assert_eq!(slice.trim(), slice, "no outer whitespace");
            }
            prop_assert!(got.windows(2).all(|w| w[0].end <= w[1].start));
        }

        #[test]
        fn words_from_names_are_found_anywhere(
            pre in "[a-z ]{0,20}", post in "[a-z ]{0,20}"
        ) {
            let s = format!("{pre} à Pékin {post}");
            let text = Text::from(s.as_str());
            let got = Engine::builtin().suggest(&text, &Schema::news(), 0.5);
            prop_assert!(got.iter().any(|c| text.slice(c.start, c.end) == Some("Pékin") && c.label == "GPE"));
        }
    }
}
