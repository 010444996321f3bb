//! What the corrected documents made of each rule's candidates, by the
//! shape of the name: the rule votes ([`crate::suggest::Engine::rule_votes`])
//! counted for a recognizer as a whole and for each [`NameShape`] of its
//! candidates, and whether a rule is trusted with a label the project's
//! schema lacks.
//!
//! Owns: [`NameShape`], the vote keys ([`shaped`]), [`count`] and
//! [`trusted`]. Must not touch: the recognizers, the tagger's weights,
//! files (the votes are kept in a project model by the caller).
//!
//! Why shapes: one rule's candidates of one label are not one kind of
//! thing. In the new-label simulation of the learning bench, the
//! capitalisation rule's `ORG` runs were, in the 20 corrected articles,
//! places 20 times and the project's `INST` 14 times, so the rule as a
//! whole is not trusted with `INST`; but its acronyms (`BEA`, `OMI`,
//! `WWE`) and its names of several words (`Conseil d'Etat`, `Université
//! Notre-Dame`) were `INST` as often as anything else, its one-word names
//! (`Savoie`, `Drôme`) places. Nothing here names a shape's label: each
//! shape's votes are learned from the project's corrections, and a shape
//! with fewer than [`SHAPE_VOTES`] votes is judged with the rule's.

use std::collections::BTreeMap;

use super::{Candidate, Engine, RecognizerName};
use crate::model::{CharIdx, Text};

/// The shape of a candidate's name, as far as a rule vote tells shapes
/// apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameShape {
    /// Letters only, all upper case, at least two (`CFDT`, `GM&S`,
    /// `CNDD-FDD`); no digit (`A8` is a road, `M1` a degree).
    Acronym,
    /// One word otherwise (`Savoie`, `EgyptAir`).
    OneWord,
    /// Several words (`Conseil d'Etat`, `Front al-Nosra`).
    Words,
}

impl NameShape {
    /// The shape of `name`: `"CFDT"` is an acronym, `"Drôme"` one word,
    /// `"Conseil d'Etat"` words.
    pub fn of(name: &str) -> Self {
        let name = name.trim();
        if name.chars().any(char::is_whitespace) {
            return Self::Words;
        }
        let letters = name.chars().filter(|c| c.is_alphabetic()).count();
        let acronym = letters >= 2
            && name.chars().all(|c| c.is_uppercase() || matches!(c, '&' | '-' | '.'))
            && !name.chars().any(|c| c.is_ascii_digit());
        if acronym { Self::Acronym } else { Self::OneWord }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Acronym => "acronym",
            Self::OneWord => "one-word",
            Self::Words => "words",
        }
    }
}

/// The recognizer key under which votes for `recognizer`'s candidates of
/// one shape are counted: `capitals@acronym`. (Kept in a project model's
/// rule votes beside the recognizer's own, which need no new field.)
pub fn shaped(recognizer: &str, shape: NameShape) -> String {
    format!("{recognizer}@{}", shape.key())
}

/// The fewest votes a shape needs before it is judged on its own rather
/// than with its rule's.
pub const SHAPE_VOTES: i32 = 4;

/// Votes: `(recognizer key, label, project's label or "" for no span)` →
/// count.
pub type Votes = BTreeMap<(String, String, String), i32>;

/// Counts one candidate of `recognizer` labelled `label`, whose name is
/// `name`, as what the corrected document made of it (`to`, `""` for no
/// span): once for the rule, once for the rule and the name's shape.
pub fn count(votes: &mut Votes, recognizer: &str, name: &str, label: &str, to: &str) {
    for key in [recognizer.to_owned(), shaped(recognizer, NameShape::of(name))] {
        *votes.entry((key, label.to_owned(), to.to_owned())).or_default() += 1;
    }
}

/// `(votes for project_label, most votes for any other outcome)` of one
/// recognizer key and label, and their total.
pub(super) fn tally(votes: &Votes, key: &str, label: &str, project_label: &str) -> (i32, i32, i32) {
    let (mut right, mut other, mut total) = (0, 0, 0);
    for ((_, _, to), n) in
        votes.range((key.to_owned(), label.to_owned(), String::new())..).take_while(|((r, l, _), _)| r == key && l == label)
    {
        total += n;
        if to == project_label {
            right = *n;
        } else {
            other = other.max(*n);
        }
    }
    (right, other, total)
}

/// True when the corrections trust `recognizer`'s candidates of `label`
/// named `name` as `project_label`: when what the rule's candidates most
/// often were, no span included, is that label (a rule never seen is given
/// the benefit of the doubt), or else what candidates of that shape most
/// often were, from [`SHAPE_VOTES`] of them on. A shape only adds trust:
/// a rule trusted as a whole stays trusted for every shape.
pub fn trusted(votes: &Votes, recognizer: &str, name: &str, label: &str, project_label: &str) -> bool {
    let (right, other, _) = tally(votes, recognizer, label, project_label);
    if right >= other {
        return true;
    }
    let (right, other, total) = tally(votes, &shaped(recognizer, NameShape::of(name)), label, project_label);
    total >= SHAPE_VOTES && right >= other
}

impl Engine {
    /// Each candidate (but the memory's and the tagger's) counts for the
    /// label of the gold span with its span, or for none
    /// ([`Engine::rule_votes`], by the shape of its name too:
    /// [`count`]); once per span, recognizer and label.
    pub(super) fn count_rule_votes(&self, text: &Text, all: &[Candidate], gold: &[(CharIdx, CharIdx, String)]) {
        let mut seen: Vec<(CharIdx, CharIdx, &RecognizerName, &str)> = Vec::new();
        for c in all.iter().filter(|c| c.recognizer != RecognizerName::Memory && !c.recognizer.is_tagger()) {
            let key = (c.start, c.end, &c.recognizer, c.label.as_str());
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        if seen.is_empty() {
            return;
        }
        let mut votes = self.rule_votes.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (a, b, recognizer, label) in seen {
            let to = gold.iter().find(|(ga, gb, _)| (*ga, *gb) == (a, b)).map_or("", |g| g.2.as_str());
            count(&mut votes, &recognizer.to_string(), text.slice(a, b).unwrap_or(""), label, to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use crate::model::{CharIdx, RecognizerName, Schema, Text};
    use crate::suggest::{Candidate, Engine, Recognizer};

    /// A rule proposing `ORG` for each of its (ASCII) words found.
    struct Guess(&'static [&'static str]);

    impl Recognizer for Guess {
        fn name(&self) -> RecognizerName {
            "guess".into()
        }

        fn recognize(&self, text: &Text) -> Vec<Candidate> {
            let s = text.as_str();
            self.0
                .iter()
                .flat_map(|w| s.match_indices(w))
                .map(|(i, w)| Candidate {
                    start: CharIdx::new(i),
                    end: CharIdx::new(i + w.len()),
                    label: "ORG".into(),
                    score: 0.8,
                    recognizer: "guess".into(),
                })
                .collect()
        }
    }

    #[test]
    fn the_engine_trusts_the_shape_the_corrections_kept() {
        let schema = Schema::from_label_names("project", &["PER", "INST", "LOC"], &[]);
        let words = &["QXR", "ZLP", "KVB", "TRV", "MNQ", "Kessel", "Vornie", "Morvie", "Lormand", "Ostra", "Brenn", "Dobb", "Sarn"];
        let engine = Engine::with(vec![Box::new(Guess(words))]);
        // Its acronyms were the project's INST, its one-word names mostly
        // nothing: as a whole (INST 4, none 5) the rule is not trusted.
        let (text, gold) = parse_markup(
            "[QXR]{INST}, [ZLP]{INST}, [KVB]{INST} et [TRV]{INST} contre [Kessel]{LOC}, [Vornie]{LOC}, Morvie, Lormand, Ostra, Brenn et Dobb.",
        );
        engine.learn(&Text::from(text.as_str()), &gold);
        let later = Text::from("MNQ et Sarn.");
        let got: Vec<(String, String)> = engine
            .suggest(&later, &schema, 0.0)
            .into_iter()
            .map(|c| (later.slice(c.start, c.end).unwrap_or("").to_owned(), c.label))
            .collect();
        assert_eq!(got, [("MNQ".to_owned(), "INST".to_owned())]);
    }

    #[test]
    fn shapes_of_names() {
        for (name, shape) in [
            ("CFDT", NameShape::Acronym),
            ("GM&S", NameShape::Acronym),
            ("CNDD-FDD", NameShape::Acronym),
            ("A8", NameShape::OneWord),
            ("M1", NameShape::OneWord),
            ("Drôme", NameShape::OneWord),
            ("EgyptAir", NameShape::OneWord),
            ("É", NameShape::OneWord),
            ("Conseil d'Etat", NameShape::Words),
            ("Front al-Nosra", NameShape::Words),
        ] {
            assert_eq!(NameShape::of(name), shape, "{name}");
        }
    }

    /// Made-up names: a rule whose one-word names were places and whose
    /// acronyms were the project's label.
    fn votes() -> Votes {
        let mut v = Votes::new();
        for (name, to) in [("Kessel", "LOC"), ("Vornie", "LOC"), ("Morvie", "LOC"), ("Lormand", "LOC"), ("Ostra", "")] {
            count(&mut v, "capitals", name, "ORG", to);
        }
        for (name, to) in [("QXR", "INST"), ("ZLP", "INST"), ("KVB", ""), ("WTF", "INST")] {
            count(&mut v, "capitals", name, "ORG", to);
        }
        v
    }

    #[test]
    fn a_shape_is_judged_on_its_own_votes() {
        let v = votes();
        // The rule as a whole: LOC 4, INST 3: not trusted.
        assert!(!trusted(&v, "capitals", "Brenn", "ORG", "INST"));
        // Acronyms: INST 3 of 4 votes.
        assert!(trusted(&v, "capitals", "MNQ", "ORG", "INST"));
        // Names of several words: no votes of their own, judged as the rule.
        assert!(!trusted(&v, "capitals", "Conseil des Brenn", "ORG", "INST"));
        // A rule never seen is trusted.
        assert!(trusted(&v, "gazetteer", "Brenn", "ORG", "INST"));
    }

    #[test]
    fn a_shape_needs_votes_and_never_takes_a_rules_trust_away() {
        let mut v = Votes::new();
        for name in ["Kessel", "Vornie", "Morvie", "Lormand"] {
            count(&mut v, "capitals", name, "ORG", "");
        }
        for name in ["QXR", "ZLP", "KVB"] {
            count(&mut v, "capitals", name, "ORG", "INST");
        }
        assert!(!trusted(&v, "capitals", "MNQ", "ORG", "INST"), "acronyms: 3 votes, under SHAPE_VOTES");
        count(&mut v, "capitals", "TRV", "ORG", "INST");
        assert!(trusted(&v, "capitals", "MNQ", "ORG", "INST"), "the rule: 4 INST against 4 none");
        count(&mut v, "capitals", "Brenn", "ORG", "");
        assert!(trusted(&v, "capitals", "MNQ", "ORG", "INST"), "acronyms: 4 INST of 4 votes");
        // One-word names were no span 5 times of 5, yet the rule as a whole
        // is trusted with another label: a shape only adds trust.
        count(&mut v, "capitals", "Brenn", "ORG", "LOC");
        assert!(!trusted(&v, "capitals", "Kessel", "ORG", "LOC"));
        for name in ["Ostra", "Vell", "Quarn", "Dobb", "Sarn"] {
            count(&mut v, "capitals", name, "ORG", "LOC");
        }
        assert!(trusted(&v, "capitals", "QXR", "ORG", "LOC"), "LOC 6 against INST 4, none 5");
    }
}
