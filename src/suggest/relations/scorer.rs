//! The learned scorer of relation candidates: a logistic model over sparse
//! features of a pair, which starts from the patterns and learns online.
//!
//! Owns: the features of one `(pair, label, direction)` ([`features`]),
//! the shipped prior weights ([`prior`]), and [`Scorer`], which adds what
//! it learned to them and turns the sum into a score in `(0, 1)`. Must not
//! touch: which pairs are candidates, the schema (the engine decides),
//! anything shipped: what is learned lives in the scorer's own map, the
//! priors are code.
//!
//! Shipped, a candidate with no pattern scores about 0.05 and one whose
//! pattern fired with few words between about 0.88: the patterns decide
//! until corrections teach the words, distances and labels that matter.

use std::collections::HashMap;

use super::context::PairText;
use super::patterns::{Dir, PATTERNS, Pattern};

/// The features of one candidate relation, all of weight 1.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features(pub Vec<String>);

/// What the scorer knows of a pair besides its words.
#[derive(Clone, Copy, Debug)]
pub struct PairFacts<'a> {
    /// The relation label.
    pub label: &'a str,
    /// Which mention is the head.
    pub dir: Dir,
    /// The head's entity label.
    pub head: &'a str,
    /// The tail's entity label.
    pub tail: &'a str,
    /// Other mentions lying between the two.
    pub mentions_between: usize,
}

fn distance_bucket(words: usize) -> &'static str {
    match words {
        0..=2 => "0-2",
        3..=5 => "3-5",
        6..=9 => "6-9",
        10..=14 => "10-14",
        15..=24 => "15-24",
        _ => "25+",
    }
}

/// How many words between are read as features: all of a short gap, the
/// first and last of a long one.
const GAP_WORDS: usize = 8;

/// The features of a candidate: its label, labels and direction, distance
/// in words, sentences and mentions, the words between and around, the
/// punctuation between, the trigger lexicons present between and the
/// patterns that fired (`fired`, those of this label and direction).
pub fn features(p: &PairText, facts: PairFacts<'_>, fired: &[&Pattern]) -> Features {
    let PairFacts { label: l, dir, head, tail, mentions_between } = facts;
    let d = dir.as_str();
    let mut f = vec![
        format!("bias|{l}"),
        format!("labels|{l}|{head}>{tail}|{d}"),
        format!("dist|{l}|{}", distance_bucket(p.between_word_count())),
        format!("sent|{l}|{}", p.sentences_apart.min(2)),
        format!("ents|{l}|{}", mentions_between.min(2)),
    ];
    let same = if dir == Dir::Forward { head } else { tail };
    if p.labels_between.iter().any(|x| x == same) {
        f.push(format!("samelab|{l}|{d}"));
    }
    let mut any = false;
    for pat in fired.iter().filter(|pat| pat.label == l && pat.dir == dir) {
        f.push(format!("pat|{}", pat.name));
        any = true;
    }
    if !any {
        f.push(format!("nopat|{l}"));
    }
    let n = p.between.len();
    for (i, w) in p.between.iter().enumerate() {
        if i < GAP_WORDS || i + GAP_WORDS >= n {
            if w.chars().any(char::is_alphanumeric) {
                f.push(format!("w|{l}|{d}|{w}"));
            } else {
                f.push(format!("p|{l}|{w}"));
            }
        }
    }
    if n == 0 {
        f.push(format!("w|{l}|{d}|<none>"));
    }
    for w in p.before.iter().rev().take(3) {
        f.push(format!("b|{l}|{d}|{w}"));
    }
    for w in p.after.iter().take(3) {
        f.push(format!("a|{l}|{d}|{w}"));
    }
    for pat in PATTERNS {
        if pat.phrases.iter().any(|ph| {
            let ph = super::context::phrase_words(ph);
            !ph.is_empty() && ph.iter().all(|w| w.chars().any(char::is_alphanumeric)) && p.between.windows(ph.len()).any(|w| w == ph)
        }) {
            f.push(format!("lex|{l}|{}", pat.name));
        }
    }
    f.sort();
    f.dedup();
    Features(f)
}

/// The shipped weight of a feature: the patterns' say, and what distance
/// costs. Everything else starts at 0.
pub fn prior(feature: &str) -> f32 {
    let mut parts = feature.split('|');
    let kind = parts.next().unwrap_or("");
    let _label = parts.next();
    let value = parts.next().unwrap_or("");
    match kind {
        "bias" => -3.0,
        "pat" => 5.0,
        "dist" => match value {
            "0-2" => 0.0,
            "3-5" => -0.2,
            "6-9" => -0.6,
            "10-14" => -0.7,
            "15-24" => -1.8,
            _ => -3.0,
        },
        "sent" => match value {
            "0" => 0.0,
            "1" => -2.0,
            _ => -4.0,
        },
        "ents" => match value {
            "0" => 0.0,
            "1" => -0.4,
            _ => -0.6,
        },
        _ => 0.0,
    }
}

/// How far one pass over a document's example may move a feature's weight,
/// at most (AdaGrad's rate: a feature's steps shrink as its squared
/// gradients add up).
pub const LEARNING_RATE: f32 = 0.05;

/// The rate of one correction made in the window ([`Scorer::update`]): a
/// single step, where a document gets [`PASSES`].
pub const CORRECTION_RATE: f32 = 0.3;

/// The squared gradient a feature starts with, so that its first step is
/// not a full [`LEARNING_RATE`] on a single example.
const INITIAL_SQUARES: f32 = 1.0;

/// How many passes [`Scorer::train`] makes over one document's examples.
pub const PASSES: usize = 20;

/// The weights: the shipped priors plus what was learned.
#[derive(Clone, Debug, Default)]
pub struct Scorer {
    learned: HashMap<String, f32>,
    /// Per feature, the squared gradients seen so far (AdaGrad).
    squares: HashMap<String, f32>,
    updates: u64,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Scorer {
    /// The shipped scorer: the priors, nothing learned.
    pub fn shipped() -> Self {
        Self::default()
    }

    /// The weight of one feature.
    pub fn weight(&self, feature: &str) -> f32 {
        prior(feature) + self.learned.get(feature).copied().unwrap_or(0.0)
    }

    /// The score of a candidate, in `(0, 1)`.
    pub fn score(&self, f: &Features) -> f32 {
        sigmoid(f.0.iter().map(|x| self.weight(x)).sum())
    }

    /// One logistic step towards `truth` on every feature of the example
    /// (words, patterns, the label's bias, labels and direction, distances),
    /// each at its own AdaGrad rate. The priors stay where they are: what is
    /// learned is added to them.
    fn step(&mut self, f: &Features, truth: bool, rate: f32) {
        let y = if truth { 1.0 } else { 0.0 };
        let g = y - self.score(f);
        for x in &f.0 {
            let squares = self.squares.entry(x.clone()).or_insert(INITIAL_SQUARES);
            *squares += g * g;
            *self.learned.entry(x.clone()).or_insert(0.0) += rate / squares.sqrt() * g;
        }
    }

    /// Learns from one correction (the window's accept, reject, retype or
    /// draw): one step.
    pub fn update(&mut self, f: &Features, truth: bool) {
        self.step(f, truth, CORRECTION_RATE);
        self.updates += 1;
    }

    /// Learns from a whole corrected document: [`PASSES`] passes over its
    /// examples at [`LEARNING_RATE`], in their order (so the result is
    /// deterministic).
    pub fn train(&mut self, examples: &[(Features, bool)]) {
        for _ in 0..PASSES {
            for (f, truth) in examples {
                self.step(f, *truth, LEARNING_RATE);
            }
        }
        self.updates += 1;
    }

    /// How many corrections ([`Scorer::update`]) and documents
    /// ([`Scorer::train`]) it learned from.
    pub fn updates(&self) -> u64 {
        self.updates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(between: &[&str]) -> PairText {
        PairText { between: between.iter().map(|s| (*s).to_owned()).collect(), ..Default::default() }
    }

    const FACTS: PairFacts<'static> = PairFacts { label: "VISITS", dir: Dir::Forward, head: "PER", tail: "GPE", mentions_between: 0 };

    #[test]
    fn shipped_scores_follow_the_patterns() {
        let s = Scorer::shipped();
        let visit = PATTERNS.iter().find(|p| p.name == "visits-verb").expect("pattern");
        let fired = s.score(&features(&pair(&["est", "arrivée", "à"]), FACTS, &[visit]));
        let silent = s.score(&features(&pair(&["pense", "à"]), FACTS, &[]));
        assert!(fired > 0.8 && silent < 0.1, "{fired} {silent}");
        let far: Vec<&str> = std::iter::repeat_n("mot", 30).collect();
        let far = s.score(&features(&pair(&far), FACTS, &[visit]));
        assert!(far < fired, "distance costs: {far} vs {fired}");
    }

    #[test]
    fn learns_from_drawn_and_rejected_relations() {
        let mut s = Scorer::shipped();
        // The annotator keeps drawing VISITS over "parcourt" and rejecting
        // them over "évoque": both words matter after a few corrections.
        let drawn = features(&pair(&["parcourt", "à", "nouveau"]), FACTS, &[]);
        let rejected = features(&pair(&["évoque", "à", "nouveau"]), FACTS, &[]);
        let d0 = s.score(&drawn);
        for _ in 0..6 {
            s.update(&drawn, true);
            s.update(&rejected, false);
        }
        let unseen = features(&pair(&["parcourt", "seul"]), FACTS, &[]);
        assert!(s.score(&drawn) > d0 + 0.1, "{} from {d0}", s.score(&drawn));
        assert!(s.score(&rejected) < s.score(&drawn) - 0.1, "{} vs {}", s.score(&rejected), s.score(&drawn));
        assert!(s.score(&unseen) > s.score(&features(&pair(&["évoque", "seul"]), FACTS, &[])), "the word generalizes");
        assert_eq!(s.updates(), 12);
        assert_eq!(Scorer::shipped().score(&drawn), d0, "a new scorer starts from the priors");
    }
}
