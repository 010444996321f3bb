//! The relation memory: what the annotator decided about two named things
//! holds in the next article about the same story. Every relation kept
//! (accepted, drawn, retyped to) or rejected is remembered as `(head name,
//! tail name, label)`; a later pair of mentions with the same names in one
//! sentence has that label's score raised (and is suggested on the memory
//! alone when the names were related every time they met), a remembered
//! rejection suppresses it.
//!
//! Owns: name keys ([`name_keys`]), the [`RelationMemory`] (per corrected
//! document: the name pairs seen together and the decisions, summed over
//! documents into [`Evidence`]; per label, the trigger stems seen between
//! related mentions) and how evidence moves a score
//! ([`Evidence::adjust`]). Must not touch: which pairs are candidates, the
//! scorer's weights (the engine combines the two), files, the UI.
//!
//! Names are keyed loosely, as a reader matches them: case, accents,
//! apostrophes and dashes folded, a leading elided article dropped
//! (`l'OCS` is `ocs`); a person named by two words or more is keyed by the
//! initial of the first and the last word, so transliterations agree
//! (`Sergueï Lavrov`, `Sergey Lavrov`: `s lavrov`), and a person named by
//! one word takes the key of a fuller name of the same document holding
//! that word, the nearest before it first (`Lavrov` after `Sergueï Lavrov`,
//! `Wang` after `Wang Yi`).
//!
//! How much a memory says is counted, not assumed: per ordered pair of
//! names, how often two mentions of them stood in one sentence of a
//! corrected document (`together`), and how often a relation of each label
//! was kept or rejected between them. Names that meet often but were
//! related once are weak evidence; names related each time they met are
//! strong. One sentence, not one paragraph: counted by paragraph, the
//! learning bench's suggestions were no better and no fewer wrong.
//!
//! A fact is stated once or twice in an article, not in every sentence
//! naming both: of the relations the memory alone made, one per names and
//! label is kept in a document ([`once_per_names`]), and only where the
//! words between could state it: none (the names side by side), or one
//! whose stem ([`trigger_stems`]: its first five letters, folded) stood
//! between the mentions of a relation of that label kept before
//! ([`RelationMemory::trigger_allows`]). Names related in one sentence
//! often meet again in a sentence that does not relate them (a leader and
//! his capital in a sentence about a visit of someone else); the learning
//! bench's wrong relations made by the memory alone were such (over the
//! fixed entities, k = 4: −9.0 % → −18.0 %).
//!
//! A document is identified by a digest of its text: learning the same
//! document again (the window relearns every done document when one more
//! is marked done) replaces what it taught instead of counting it twice.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::everywhere::fold_loosely;
use crate::model::{RecognizerName, Text};

use super::RelationCandidate;
use super::context::{Mention, PairText};

/// Whether two mentions stand together as the memory counts and recalls
/// them: in one sentence.
pub fn stands_together(pair: &PairText) -> bool {
    pair.sentences_apart == 0
}

/// A name's key: entity label, then its folded words (see the module
/// header), e.g. `PER:s lavrov`, `GPE:coree du nord`.
pub type NameKey = String;

/// The loose words of a name: folded, split on anything not a letter or a
/// digit, a leading elided `l'`/`d'` dropped: `"l’Organisation
/// Mondiale"` reads `["organisation", "mondiale"]`.
pub fn name_words(name: &str) -> Vec<String> {
    let folded = fold_loosely(name);
    let mut words: Vec<String> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    if words.len() > 1 && matches!(words.first().map(String::as_str), Some("l" | "d")) {
        words.remove(0);
    }
    words
}

/// The key of a name of `label` given as its [`name_words`].
fn key_of(label: &str, words: &[String]) -> NameKey {
    match words {
        [first, .., last] if label == PERSON => {
            let initial: String = first.chars().take(1).collect();
            format!("{label}:{initial} {last}")
        }
        _ => format!("{label}:{}", words.join(" ")),
    }
}

/// The entity label whose one-word mentions stand for a fuller name.
const PERSON: &str = "PER";

/// The key of each mention (same order as `mentions`): a person named by
/// one word takes the key of the nearest fuller person name of the
/// document holding that word, before it if any, else after it.
pub fn name_keys(text: &Text, mentions: &[Mention]) -> Vec<NameKey> {
    let words: Vec<Vec<String>> = mentions.iter().map(|m| text.slice(m.start, m.end).map(name_words).unwrap_or_default()).collect();
    let full = |i: usize, w: &String| {
        let holds =
            |j: &usize| mentions.get(*j).is_some_and(|m| m.label == PERSON) && words.get(*j).is_some_and(|v| v.len() > 1 && v.contains(w));
        let at = |j: usize| mentions.get(j).map_or(0, |m| m.start.get());
        let here = mentions.get(i).map_or(0, |m| m.start.get());
        let before = (0..mentions.len()).filter(holds).filter(|&j| at(j) < here).max_by_key(|&j| at(j));
        before.or_else(|| (0..mentions.len()).filter(holds).filter(|&j| at(j) > here).min_by_key(|&j| at(j)))
    };
    mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let own = words.get(i).map_or(&[][..], Vec::as_slice);
            match own {
                [w] if m.label == PERSON => match full(i, w).and_then(|j| words.get(j)) {
                    Some(fuller) => key_of(PERSON, fuller),
                    None => key_of(PERSON, own),
                },
                _ => key_of(&m.label, own),
            }
        })
        .collect()
}

/// What the memory knows of one relation between two names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Times a relation of this label between them was kept.
    pub kept: u32,
    /// Times one was rejected.
    pub rejected: u32,
    /// Times two mentions of them stood in one sentence.
    pub together: u32,
}

/// How far a memory may move a score, in log-odds, when the names were
/// related every time they stood together.
pub const MEMORY_WEIGHT: f32 = 4.0;

/// The [`Evidence::rate`] from which the memory alone makes a suggestion
/// (lifts the score to the rate): names related in every sentence they
/// shared, once at least (1 of 1 gives 0.5). Under it the memory only
/// moves the scorer's score.
pub const SURE_RATE: f32 = 0.5;

impl Evidence {
    /// True when it says nothing.
    pub fn is_empty(&self) -> bool {
        self.kept == 0 && self.rejected == 0
    }

    /// How often the names were related so when they stood together, with
    /// one unseen meeting added (`kept / (together + 1)`, at most 1): two
    /// names related in the one sentence they shared give 0.5, in 3 of 3
    /// give 0.75.
    pub fn rate(&self) -> f32 {
        let kept = self.kept.saturating_sub(self.rejected);
        (kept as f32 / (self.together.max(self.kept) as f32 + 1.0)).min(1.0)
    }

    /// `score` (the scorer's, in `(0, 1)`) moved by the memory: a
    /// rejection remembered at least as often as a keep suppresses the
    /// relation (0), a kept one adds [`MEMORY_WEIGHT`] × [`Evidence::rate`]
    /// to its log-odds and, from a rate of [`SURE_RATE`], lifts it to at
    /// least the rate.
    pub fn adjust(&self, score: f32) -> f32 {
        if self.is_empty() {
            return score;
        }
        if self.rejected >= self.kept {
            return 0.0;
        }
        let rate = self.rate();
        let s = score.clamp(1e-6, 1.0 - 1e-6);
        let moved = 1.0 / (1.0 + (-((s / (1.0 - s)).ln() + MEMORY_WEIGHT * rate)).exp());
        if rate >= SURE_RATE { moved.max(rate) } else { moved }
    }
}

/// The relations found in a document, each with whether only the memory
/// lifted it over the threshold (`alone`), thinned: a fact is stated once
/// or twice in an article, not at every sentence that names both, so of
/// the relations the memory alone lifted, only the best-scored per names
/// and label stays, and none when the scorer found that relation between
/// those names elsewhere in the document. `keys` are the mentions' name
/// keys; `symmetric` says which labels hold both ways.
pub fn once_per_names(keys: &[NameKey], found: Vec<(RelationCandidate, bool)>, symmetric: impl Fn(&str) -> bool) -> Vec<RelationCandidate> {
    let names = |c: &RelationCandidate| {
        let (h, t) = (keys.get(c.head).cloned().unwrap_or_default(), keys.get(c.tail).cloned().unwrap_or_default());
        let (h, t) = if symmetric(&c.label) && t < h { (t, h) } else { (h, t) };
        (h, t, c.label.clone())
    };
    let mut best: HashMap<(NameKey, NameKey, String), (bool, f32)> = HashMap::new();
    for (c, alone) in &found {
        let e = best.entry(names(c)).or_insert((*alone, c.score));
        if !*alone {
            *e = (false, f32::INFINITY);
        } else if e.0 && c.score > e.1 {
            e.1 = c.score;
        }
    }
    let mut taken: Vec<(NameKey, NameKey, String)> = Vec::new();
    found
        .into_iter()
        .filter(|(c, alone)| {
            if !*alone || keys.is_empty() {
                return true;
            }
            let n = names(c);
            let keep = best.get(&n).is_some_and(|&(a, s)| a && s == c.score) && !taken.contains(&n);
            if keep {
                taken.push(n);
            }
            keep
        })
        .map(|(c, _)| c)
        .collect()
}

/// How many letters a word between two mentions needs to be a trigger
/// stem, and how many of them the stem keeps: `déclaré`, `déclare` and
/// `déclarations` read `decla`; shorter words (`et`, `la`, `avec`, `lors`)
/// say nothing of the relation.
pub const STEM_LETTERS: usize = 5;

/// The words between mentions `a` and `b` (indices into `mentions`, in
/// either order) that may say what relates them: outside every mention,
/// folded loosely, of [`STEM_LETTERS`] letters or more, each cut to its
/// first [`STEM_LETTERS`] (a lemma-ish stem), each once, in order.
pub fn trigger_stems(text: &Text, mentions: &[Mention], a: usize, b: usize) -> Vec<String> {
    let (Some(ma), Some(mb)) = (mentions.get(a), mentions.get(b)) else { return Vec::new() };
    let (first, second) = if ma.start <= mb.start { (ma, mb) } else { (mb, ma) };
    if first.end > second.start {
        return Vec::new();
    }
    // The gaps between the mentions lying between the two.
    let mut inside: Vec<&Mention> = mentions.iter().filter(|m| m.start >= first.end && m.end <= second.start).collect();
    inside.sort_by_key(|m| (m.start, m.end));
    let mut gaps = Vec::with_capacity(inside.len() + 1);
    let mut at = first.end;
    for m in inside {
        if m.start > at {
            gaps.push((at, m.start));
        }
        at = at.max(m.end);
    }
    gaps.push((at, second.start));
    let mut out: Vec<String> = Vec::new();
    for (s, e) in gaps {
        let Some(gap) = text.slice(s, e) else { continue };
        for w in fold_loosely(gap).split(|c: char| !c.is_alphabetic()) {
            if w.chars().count() >= STEM_LETTERS {
                let stem: String = w.chars().take(STEM_LETTERS).collect();
                if !out.contains(&stem) {
                    out.push(stem);
                }
            }
        }
    }
    out
}

/// One decision on a relation of a document, by where its ends are.
#[derive(Clone, Debug, PartialEq)]
struct Decision {
    head: NameKey,
    tail: NameKey,
    symmetric: bool,
    kept: bool,
    /// The [`trigger_stems`] between its mentions.
    stems: Vec<String>,
}

/// Where a relation is: head start and end, tail start and end, label.
type Place = (usize, usize, usize, usize, String);

/// What one document taught.
#[derive(Clone, Debug, Default)]
struct DocumentFacts {
    /// The name pairs of its mention pairs standing in one sentence.
    together: Vec<(NameKey, NameKey)>,
    /// Its decisions, by place.
    decided: BTreeMap<Place, Decision>,
}

/// Per ordered pair of names: how often together, and per label how often
/// kept and rejected.
#[derive(Clone, Debug, Default)]
struct Tally {
    together: u32,
    labels: BTreeMap<String, (u32, u32)>,
}

/// One relation decided on a document, for [`RelationMemory::decide`]:
/// indices into the mentions it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Decided {
    /// The head mention's index.
    pub head: usize,
    /// The tail mention's index.
    pub tail: usize,
    /// The label.
    pub label: String,
    /// Whether the label is symmetric (MEETS): then the names are related
    /// in either order.
    pub symmetric: bool,
    /// Kept (accepted, drawn, retyped to) or rejected.
    pub kept: bool,
}

/// Relations the annotator decided, by the names they join (see the
/// module header).
#[derive(Clone, Debug, Default)]
pub struct RelationMemory {
    documents: HashMap<u64, DocumentFacts>,
    tallies: HashMap<(NameKey, NameKey), Tally>,
    /// Per label, the [`trigger_stems`] seen between the mentions of a kept
    /// relation, and how often.
    triggers: HashMap<String, HashMap<String, u32>>,
}

/// A digest of a text (FNV-1a, 64 bits): the same text, the same digest,
/// in every process.
fn digest(text: &Text) -> u64 {
    text.as_str().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

impl RelationMemory {
    /// An empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when nothing was decided.
    pub fn is_empty(&self) -> bool {
        self.documents.values().all(|d| d.decided.is_empty())
    }

    /// True when the memory may make the relation `label` on its own
    /// between mentions with `stems` between ([`trigger_stems`]): none (the
    /// names stand side by side, coordinated or in apposition), or one seen
    /// between the mentions of a relation of that label kept before.
    pub fn trigger_allows(&self, label: &str, stems: &[String]) -> bool {
        stems.is_empty() || self.triggers.get(label).is_some_and(|seen| stems.iter().any(|s| seen.contains_key(s)))
    }

    /// What it knows of the relation `label` from the name `head` to the
    /// name `tail`.
    pub fn evidence(&self, head: &str, tail: &str, label: &str) -> Evidence {
        let Some(t) = self.tallies.get(&(head.to_owned(), tail.to_owned())) else { return Evidence::default() };
        let (kept, rejected) = t.labels.get(label).copied().unwrap_or((0, 0));
        Evidence { kept, rejected, together: t.together }
    }

    /// The score of the relation `label` from mention `head` to mention
    /// `tail` (indices into the mentions whose [`name_keys`] are `keys`),
    /// the scorer having given `score`, moved by what the memory knows of
    /// their names when they stand `together` ([`Evidence::adjust`]), with
    /// who made it: `relations:memory` when a kept relation moved it,
    /// `relations` otherwise. `keys` empty (nothing remembered) leaves the
    /// score alone.
    pub fn recall(&self, keys: &[NameKey], (head, tail): (usize, usize), label: &str, together: bool, score: f32) -> (f32, RecognizerName) {
        let (Some(h), Some(t), true) = (keys.get(head), keys.get(tail), together) else {
            return (score, RecognizerName::Relations);
        };
        let e = self.evidence(h, t, label);
        let by = if e.kept > e.rejected { RecognizerName::RelationMemory } else { RecognizerName::Relations };
        (e.adjust(score), by)
    }

    /// The relations `found` in a document (each with whether the memory
    /// alone lifted it), the head of a pattern's moved back to a name the
    /// annotator related instead. A pattern takes the mention nearest its
    /// trigger, but the subject before it may stand farther back, another
    /// name between (an agent, an apposition): `A a été accueillie par B
    /// lors d'une visite officielle en C` reads B VISITS C. When the
    /// memory never related the two names by that label, but related a name
    /// standing earlier in the same sentence (`in_one_sentence`: mention
    /// pairs, first before second) to the same tail, kept more often than
    /// rejected, the head goes to that name's mention (the best rate first,
    /// then the nearest), the score moved by what the memory knows
    /// ([`Evidence::adjust`]), said to be `relations:memory`. Only a head
    /// standing before its tail moves, and only to an earlier name: the
    /// words right after a trigger name what it is about (`en visite à
    /// Pyongyang, en Corée du Nord`: the city is the one named; `le
    /// porte-parole du Conseil, Ada Quill`: the council). Only labels
    /// `movable(label, head label, tail label)` allows (not a symmetric
    /// one: MEETS relates both persons anyway); a pair left with two labels
    /// keeps the better. With `keys` empty (nothing remembered), `found` is
    /// returned as it is.
    pub fn remembered_ends(
        &self,
        keys: &[NameKey],
        mentions: &[Mention],
        in_one_sentence: &HashSet<(usize, usize)>,
        found: Vec<(RelationCandidate, bool)>,
        movable: impl Fn(&str, &str, &str) -> bool,
    ) -> Vec<(RelationCandidate, bool)> {
        if keys.is_empty() {
            return found;
        }
        let start = |i: usize| mentions.get(i).map_or(0, |m| m.start.get());
        let label_of = |i: usize| mentions.get(i).map_or("", |m| m.label.as_str());
        // Per mention, those before it in its sentence.
        let mut before: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(a, b) in in_one_sentence {
            before.entry(b).or_default().push(a);
        }
        let mut out: Vec<(RelationCandidate, bool)> = Vec::with_capacity(found.len());
        for (mut c, alone) in found {
            let (Some(hk), Some(tk)) = (keys.get(c.head), keys.get(c.tail)) else {
                out.push((c, alone));
                continue;
            };
            // The memory made it, knows these names, or the head comes
            // after its tail: it stays.
            if c.recognizer == RecognizerName::RelationMemory
                || !self.evidence(hk, tk, &c.label).is_empty()
                || start(c.head) > start(c.tail)
            {
                out.push((c, alone));
                continue;
            }
            let moved = before
                .get(&c.tail)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| start(i) < start(c.head))
                .filter_map(|i| {
                    let key = keys.get(i)?;
                    if key == hk || !movable(&c.label, label_of(i), label_of(c.tail)) {
                        return None;
                    }
                    let e = self.evidence(key, tk, &c.label);
                    (e.kept > e.rejected).then_some((e, i))
                })
                .max_by(|a, b| a.0.rate().total_cmp(&b.0.rate()).then(start(a.1).cmp(&start(b.1))));
            if let Some((e, i)) = moved {
                (c.head, c.score, c.recognizer) = (i, e.adjust(c.score), RecognizerName::RelationMemory);
            }
            out.push((c, alone));
        }
        // One relation per pair: the better scored.
        let mut at: HashMap<(usize, usize), usize> = HashMap::new();
        let mut kept: Vec<(RelationCandidate, bool)> = Vec::with_capacity(out.len());
        for (c, alone) in out {
            let pair = (c.head.min(c.tail), c.head.max(c.tail));
            match at.get(&pair).and_then(|&k| kept.get_mut(k)) {
                Some(k) if k.0.score < c.score => *k = (c, alone),
                Some(_) => {}
                None => {
                    at.insert(pair, kept.len());
                    kept.push((c, alone));
                }
            }
        }
        kept
    }

    /// Adds (`sign` 1) or takes away (−1) what a document taught.
    fn count(&mut self, facts: &DocumentFacts, sign: i64) {
        let bump = |n: &mut u32| *n = u32::try_from((i64::from(*n) + sign).max(0)).unwrap_or(u32::MAX);
        for (a, b) in &facts.together {
            bump(&mut self.tallies.entry((a.clone(), b.clone())).or_default().together);
        }
        for ((.., label), d) in &facts.decided {
            let mut orders = vec![(d.head.clone(), d.tail.clone())];
            if d.symmetric && d.head != d.tail {
                orders.push((d.tail.clone(), d.head.clone()));
            }
            for order in orders {
                let counts = self.tallies.entry(order).or_default().labels.entry(label.clone()).or_default();
                bump(if d.kept { &mut counts.0 } else { &mut counts.1 });
            }
            if d.kept {
                let seen = self.triggers.entry(label.clone()).or_default();
                for stem in &d.stems {
                    bump(seen.entry(stem.clone()).or_default());
                }
            }
        }
        self.triggers.retain(|_, seen| {
            seen.retain(|_, n| *n > 0);
            !seen.is_empty()
        });
        self.tallies.retain(|_, t| {
            t.labels.retain(|_, c| *c != (0, 0));
            t.together > 0 || !t.labels.is_empty()
        });
    }

    /// Learns decisions on the document `text` whose mentions are
    /// `mentions` and whose mention pairs standing in one sentence are
    /// `together` (indices into `mentions`, first before second).
    ///
    /// With `whole` (a corrected document: `decided` is every relation it
    /// holds), what the document taught before is replaced: the pairs seen
    /// together, the relations kept; the rejections it remembered stay,
    /// unless a relation now kept at the same place contradicts them.
    /// Without it (one decision in the window), the decisions are added to
    /// the document's, a later one on the same place replacing an earlier.
    pub fn decide(&mut self, text: &Text, mentions: &[Mention], together: &[(usize, usize)], decided: &[Decided], whole: bool) {
        let keys = name_keys(text, mentions);
        let key = |i: usize| keys.get(i).cloned();
        let place = |i: usize| mentions.get(i).map(|m| (m.start.get(), m.end.get()));
        let id = digest(text);
        let old = self.documents.remove(&id).unwrap_or_default();
        self.count(&old, -1);
        let mut facts = old;
        facts.together = together
            .iter()
            .filter_map(|&(a, b)| Some((key(a)?, key(b)?)))
            .flat_map(|(a, b)| if a == b { vec![(a, b)] } else { vec![(a.clone(), b.clone()), (b, a)] })
            .collect();
        if whole {
            facts.decided.retain(|_, d| !d.kept);
        }
        for d in decided {
            let (Some((hs, he)), Some((ts, te)), Some(head), Some(tail)) = (place(d.head), place(d.tail), key(d.head), key(d.tail)) else {
                continue;
            };
            let stems = if d.kept { trigger_stems(text, mentions, d.head, d.tail) } else { Vec::new() };
            facts.decided.insert((hs, he, ts, te, d.label.clone()), Decision { head, tail, symmetric: d.symmetric, kept: d.kept, stems });
        }
        self.count(&facts, 1);
        self.documents.insert(id, facts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    fn doc(markup: &str) -> (Text, Vec<Mention>) {
        let (s, spans) = parse_markup(markup);
        (Text::new(s), spans.into_iter().map(|(a, b, l)| Mention { start: a, end: b, label: l }).collect())
    }

    fn kept(head: usize, tail: usize, label: &str) -> Decided {
        Decided { head, tail, label: label.into(), symmetric: label == "MEETS", kept: true }
    }

    #[test]
    fn names_fold_case_accents_and_articles() {
        assert_eq!(name_words("l’Organisation MONDIALE"), ["organisation", "mondiale"]);
        assert_eq!(name_words("Côte-d'Ivoire"), ["cote", "d", "ivoire"]);
        assert_eq!(name_words("L"), ["l"]);
        let (text, m) = doc("[Sergueï Lavrov]{PER} et [ÉTATS-UNIS]{GPE} puis [lavrov]{PER}, [Ivan Sokol]{PER} et [Sokol]{PER}.");
        assert_eq!(name_keys(&text, &m), ["PER:s lavrov", "GPE:etats unis", "PER:s lavrov", "PER:i sokol", "PER:i sokol"]);
    }

    #[test]
    fn a_lone_name_takes_the_nearest_fuller_one() {
        // Before it first, else after it; a surname shared by two persons
        // goes to the one named last.
        let (text, m) = doc(
            "[Nol]{PER} parle. [Ada Nol]{PER} arrive, [Nol]{PER} aussi. [Bea Nol]{PER} vient ; [Nol]{PER} repart. [Kessel]{GPE}, [Nol]{GPE}.",
        );
        assert_eq!(name_keys(&text, &m), ["PER:a nol", "PER:a nol", "PER:a nol", "PER:b nol", "PER:b nol", "GPE:kessel", "GPE:nol"]);
        // Transliterations of one person agree on the key.
        let (text, m) = doc("[Sergey Lavrov]{PER}, [Sergei Lavrov]{PER}, [Kim Jong-un]{PER}, [Kim Jong Un]{PER}.");
        let keys = name_keys(&text, &m);
        assert_eq!(keys[0], keys[1]);
        assert_eq!(keys[2], keys[3]);
    }

    #[test]
    fn counts_what_was_kept_against_how_often_the_names_met() {
        let mut mem = RelationMemory::new();
        assert!(mem.is_empty());
        let (text, m) = doc("[Ada Quill]{PER} est à [Vornie]{GPE}. [Quill]{PER} aime la [Vornie]{GPE}.");
        mem.decide(&text, &m, &[(0, 1), (2, 3)], &[kept(0, 1, "VISITS")], true);
        assert!(!mem.is_empty());
        let e = mem.evidence("PER:a quill", "GPE:vornie", "VISITS");
        assert_eq!(e, Evidence { kept: 1, rejected: 0, together: 2 });
        assert!((e.rate() - 1.0 / 3.0).abs() < 1e-6);
        assert!(mem.evidence("GPE:vornie", "PER:a quill", "VISITS").is_empty(), "VISITS has a direction");
        // Learning the same document again replaces it.
        mem.decide(&text, &m, &[(0, 1), (2, 3)], &[kept(0, 1, "VISITS"), kept(2, 3, "VISITS")], true);
        assert_eq!(mem.evidence("PER:a quill", "GPE:vornie", "VISITS"), Evidence { kept: 2, rejected: 0, together: 2 });
    }

    #[test]
    fn symmetric_labels_hold_both_ways_and_rejections_stay() {
        let mut mem = RelationMemory::new();
        let (text, m) = doc("[Ada Quill]{PER} a vu [Boris Venn]{PER}.");
        mem.decide(&text, &m, &[(0, 1)], &[kept(0, 1, "MEETS")], true);
        assert_eq!(mem.evidence("PER:b venn", "PER:a quill", "MEETS").kept, 1);
        let (t2, m2) = doc("[Ada Quill]{PER} a croisé [Vornie]{GPE}.");
        let no = Decided { head: 0, tail: 1, label: "VISITS".into(), symmetric: false, kept: false };
        mem.decide(&t2, &m2, &[(0, 1)], &[no], false);
        // The document, corrected, keeps nothing there: the rejection stays.
        mem.decide(&t2, &m2, &[(0, 1)], &[], true);
        assert_eq!(mem.evidence("PER:a quill", "GPE:vornie", "VISITS"), Evidence { kept: 0, rejected: 1, together: 1 });
        // Kept after all at the same place: the rejection goes.
        mem.decide(&t2, &m2, &[(0, 1)], &[kept(0, 1, "VISITS")], true);
        assert_eq!(mem.evidence("PER:a quill", "GPE:vornie", "VISITS"), Evidence { kept: 1, rejected: 0, together: 1 });
    }

    #[test]
    fn what_the_memory_alone_made_is_made_once_per_names() {
        let keys: Vec<NameKey> = ["PER:a quill", "GPE:vornie", "PER:a quill", "GPE:vornie", "PER:b venn"].map(String::from).to_vec();
        let c =
            |head, tail, score| RelationCandidate { head, tail, label: "VISITS".into(), score, recognizer: RecognizerName::RelationMemory };
        let kept = |found| once_per_names(&keys, found, |_| false).into_iter().map(|c| (c.head, c.tail)).collect::<Vec<_>>();
        // The best of the memory's own; what the scorer found stays, and the
        // memory adds nothing between names the scorer related.
        let found = vec![(c(0, 1, 0.5), true), (c(2, 3, 0.6), true), (c(4, 3, 0.5), true), (c(4, 1, 0.9), false)];
        assert_eq!(kept(found), [(2, 3), (4, 1)]);
        // The scorer found it between those names: the memory adds none.
        assert_eq!(kept(vec![(c(0, 1, 0.5), true), (c(2, 3, 0.4), false)]), [(2, 3)]);
        // Equal scores: the first.
        assert_eq!(kept(vec![(c(0, 1, 0.5), true), (c(2, 3, 0.5), true)]), [(0, 1)]);
    }

    #[test]
    fn trigger_stems_are_the_longer_words_between_outside_the_mentions() {
        let (text, m) = doc("[Ada Quill]{PER} a DÉCLARÉ, avec [Boris Venn]{PER} et ses déclarations, que la [Vornie]{GPE}.");
        // Either order; `Boris Venn` between is no trigger, `avec`, `que`, `la` too short.
        assert_eq!(trigger_stems(&text, &m, 0, 2), ["decla"]);
        assert_eq!(trigger_stems(&text, &m, 2, 0), ["decla"]);
        assert!(trigger_stems(&text, &m, 0, 1).iter().all(|s| s == "decla"));
        let (text, m) = doc("[Ada Quill]{PER}, [Vornie]{GPE}.");
        assert!(trigger_stems(&text, &m, 0, 1).is_empty());
    }

    #[test]
    fn trigger_stems_come_from_kept_relations_and_go_with_their_document() {
        let mut mem = RelationMemory::new();
        let (text, m) = doc("[Ada Quill]{PER} dirigeait la [Vornie]{GPE}. [Ada Quill]{PER} redoute la [Kessel]{GPE}.");
        let rejected = Decided { head: 2, tail: 3, label: "ROLE_IN".into(), symmetric: false, kept: false };
        mem.decide(&text, &m, &[(0, 1), (2, 3)], &[kept(0, 1, "ROLE_IN"), rejected], true);
        let allows = |mem: &RelationMemory, label: &str, stem: &str| mem.trigger_allows(label, &[stem.to_owned()]);
        assert!(allows(&mem, "ROLE_IN", "dirig"));
        assert!(!allows(&mem, "ROLE_IN", "redou"), "a rejected relation teaches no trigger");
        assert!(!allows(&mem, "VISITS", "dirig"), "triggers are per label");
        assert!(mem.trigger_allows("VISITS", &[]), "nothing between: allowed");
        // Relearned with nothing kept, the document's triggers go.
        mem.decide(&text, &m, &[(0, 1), (2, 3)], &[], true);
        assert!(!allows(&mem, "ROLE_IN", "dirig"));
    }

    #[test]
    fn evidence_moves_scores() {
        let none = Evidence::default();
        assert_eq!(none.adjust(0.2), 0.2);
        let rejected = Evidence { kept: 1, rejected: 1, together: 2 };
        assert_eq!(rejected.adjust(0.9), 0.0);
        let strong = Evidence { kept: 3, rejected: 0, together: 3 };
        let weak = Evidence { kept: 1, rejected: 0, together: 9 };
        assert!(strong.adjust(0.05) >= 0.75 && strong.adjust(0.05) > weak.adjust(0.05), "{}", strong.adjust(0.05));
        assert!(weak.adjust(0.05) > 0.05 && weak.adjust(0.05) < 0.3, "{}", weak.adjust(0.05));
        assert!(strong.adjust(0.5) > 0.9);
    }
}
