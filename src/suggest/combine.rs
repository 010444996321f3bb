//! Combining recognizers' candidates into one ranked, non-overlapping
//! list: by the [`Policy`] when a tagger is among them ([`combine_in`]), by
//! score otherwise ([`resolve_overlaps`]), and an external recommender's
//! candidates with the engine's ([`merge_external`]).
//!
//! Owns: [`Policy`], [`RulePolicy`] and the overlap resolution (a bit set
//! of taken code points, or a tree of kept spans for very long texts). How
//! the built-in policy decides is told in the [module above](super).
//! Must not touch: recognizers, texts beyond counting a candidate's words,
//! files, threads: candidates in, candidates out.

use std::collections::BTreeMap;

use super::{Candidate, heads};
use crate::model::{CharIdx, RecognizerName, Text};

/// How a rule recognizer's candidates combine with the tagger's spans.
#[derive(Clone, Debug, PartialEq)]
pub struct RulePolicy {
    /// The rule recognizer.
    pub recognizer: RecognizerName,
    /// From this score on, a candidate replaces the tagger spans it
    /// overlaps.
    pub overrides_at: f32,
    /// From this score on, a candidate is kept where no tagger span
    /// overlaps it…
    pub alone_at: f32,
    /// … if it has at least this many words.
    pub alone_words: usize,
    /// A candidate whose overlapping tagger spans are all pieces of it,
    /// with its label, replaces them from `alone_at` on (the tagger cut
    /// `2022-08-06` into `2022` and `08`).
    pub joins_pieces: bool,
}

/// How the engine combines recognizers when a tagger is among them.
/// Recognizers not listed compete with the tagger's spans by score; the
/// [memory](RecognizerName::Memory) always wins.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Per rule recognizer.
    pub rules: Vec<RulePolicy>,
}

/// A score no candidate reaches.
pub(super) const NEVER: f32 = 2.0;

impl Default for Policy {
    /// The built-in combination (tuned on held-out training data, see the
    /// module documentation).
    fn default() -> Self {
        let rule = |recognizer: RecognizerName, overrides_at: f32, alone_at: f32, alone_words: usize, joins_pieces: bool| RulePolicy {
            recognizer,
            overrides_at,
            alone_at,
            alone_words,
            joins_pieces,
        };
        Self {
            rules: vec![
                rule(RecognizerName::Gazetteer, NEVER, 0.7, 2, false),
                rule(RecognizerName::Dates, NEVER, 0.8, 1, true),
                rule(RecognizerName::Titles, NEVER, NEVER, 1, false),
                rule(RecognizerName::Capitals, NEVER, NEVER, 1, false),
                // Only heard where the corrections vouched for it (`heads`),
                // then over the tagger spans inside its names.
                rule(heads::HEADS.into(), NEVER, 0.0, 1, false),
            ],
        }
    }
}

impl Policy {
    pub(super) fn rule(&self, recognizer: &RecognizerName) -> Option<&RulePolicy> {
        self.rules.iter().find(|r| r.recognizer == *recognizer)
    }
}

/// True when `c` overlaps one of the sorted, disjoint `ranges`.
pub(super) fn overlaps_any(ranges: &[(CharIdx, CharIdx)], c: &Candidate) -> bool {
    let i = ranges.partition_point(|r| r.1 <= c.start);
    ranges.get(i).is_some_and(|r| r.0 < c.end)
}

/// True when one of the sorted, disjoint `tagged` spans (indices, with
/// their `span`, none longer than `longest`) holds `c` and is longer.
fn within_longer(tagged: &[usize], longest: usize, span: &dyn Fn(usize) -> (CharIdx, CharIdx), c: &Candidate) -> bool {
    let from = c.start.saturating_sub(longest);
    let lo = tagged.partition_point(|&t| span(t).0 < from);
    let hi = tagged.partition_point(|&t| span(t).0 <= c.start);
    tagged.get(lo..hi).unwrap_or(&[]).iter().any(|&t| {
        let (a, b) = span(t);
        a <= c.start && c.end <= b && b - a > c.len_chars()
    })
}

/// True when two labels name the same kind of place or are equal.
fn same_label(a: &str, b: &str) -> bool {
    a == b || matches!((a, b), ("GPE", "LOC") | ("LOC", "GPE"))
}

/// Combines candidates by a policy: without tagger candidates, the
/// best-scored of overlapping ones win ([`resolve_overlaps`]); with them,
/// see the module documentation. Sorted by (start, end), not overlapping.
pub fn combine(candidates: Vec<Candidate>, policy: &Policy) -> Vec<Candidate> {
    combine_in(None, candidates, policy, &[])
}

/// [`combine`], with the text (for [`RulePolicy::alone_words`]) and the
/// sorted code-point ranges where the tagger was not heard (English lines),
/// where the other recognizers compete by score.
pub fn combine_in(text: Option<&Text>, candidates: Vec<Candidate>, policy: &Policy, unheard: &[(CharIdx, CharIdx)]) -> Vec<Candidate> {
    combine_preferring(text, candidates, policy, unheard, &[])
}

/// [`combine_in`], where the candidates whose `preferred` flag is set (a
/// rule's candidates of a label the tagger never learned, mapped to the
/// project's by the corrections) replace the tagger spans lying inside
/// them, whatever their label, and are kept where the tagger found
/// nothing, whatever the rule's policy; one that would cut a longer tagger
/// span is combined as the policy says.
pub(super) fn combine_preferring(
    text: Option<&Text>,
    candidates: Vec<Candidate>,
    policy: &Policy,
    unheard: &[(CharIdx, CharIdx)],
    preferred: &[bool],
) -> Vec<Candidate> {
    if !candidates.iter().any(|c| c.recognizer.is_tagger()) {
        return resolve_overlaps(candidates);
    }
    // The tagger's spans (not overlapping each other), by position.
    let mut tagged: Vec<usize> = (0..candidates.len()).filter(|&i| candidates.get(i).is_some_and(|c| c.recognizer.is_tagger())).collect();
    let span = |i: usize| candidates.get(i).map_or((CharIdx::ZERO, CharIdx::ZERO), |c| (c.start, c.end));
    if !tagged.is_sorted_by_key(|&i| span(i)) {
        tagged.sort_by_key(|&i| span(i));
    }
    // The longest tagger span, to bound the search for overlaps.
    let longest = tagged.iter().map(|&i| span(i).1 - span(i).0).max().unwrap_or(0);
    // Priorities (NaN: dropped) and, for tagger spans, the best score of a
    // rule that agrees exactly.
    let mut priority = vec![f32::NAN; candidates.len()];
    let mut raised = vec![f32::NEG_INFINITY; candidates.len()];
    for (i, c) in candidates.iter().enumerate() {
        let p = match (&c.recognizer, policy.rule(&c.recognizer)) {
            (r, _) if r.is_tagger() => 1.0 + c.score,
            // A remembered name inside a longer tagger span is part of a
            // longer name: the tagger's span wins.
            (RecognizerName::Memory, _) if within_longer(&tagged, longest, &span, c) => c.score,
            (RecognizerName::Memory, _) => 3.0 + c.score,
            (_, Some(_)) if overlaps_any(unheard, c) => 1.0 + c.score,
            (_, Some(rule)) => {
                // Tagger spans start before c ends, and at most `longest`
                // before c starts.
                let from = c.start.saturating_sub(longest);
                let lo = tagged.partition_point(|&t| span(t).0 < from);
                let hi = tagged.partition_point(|&t| span(t).0 < c.end);
                let mut any = false;
                // Every overlapping tagger span is a piece of c, with c's
                // label: the tagger cut in pieces what the rule sees whole.
                let mut pieces = true;
                // Every overlapping tagger span lies inside c, whatever its label.
                let mut inside = true;
                let mut agrees = None;
                for &t in tagged.get(lo..hi).unwrap_or(&[]) {
                    let Some(tc) = candidates.get(t) else {
                        continue;
                    };
                    if c.start < tc.end {
                        any = true;
                        inside &= c.start <= tc.start && tc.end <= c.end;
                        pieces &= inside && same_label(&tc.label, &c.label);
                        if tc.start == c.start && tc.end == c.end && same_label(&tc.label, &c.label) {
                            agrees = Some(t);
                        }
                    }
                }
                if let Some(t) = agrees {
                    if let Some(r) = raised.get_mut(t) {
                        *r = r.max(c.score);
                    }
                    continue;
                }
                if preferred.get(i).copied().unwrap_or(false) && inside {
                    2.0 + c.score
                } else if any {
                    if c.score < rule.overrides_at && !(pieces && rule.joins_pieces && c.score >= rule.alone_at) {
                        continue;
                    }
                    2.0 + c.score
                } else {
                    let words = || text.and_then(|t| t.slice(c.start, c.end)).map_or(1, |s| s.split_whitespace().count());
                    if c.score < rule.alone_at || (rule.alone_words > 1 && words() < rule.alone_words) {
                        continue;
                    }
                    c.score
                }
            }
            (_, None) => 1.0 + c.score,
        };
        if let Some(slot) = priority.get_mut(i) {
            *slot = p;
        }
    }
    let kept = resolve_indices(&candidates, &priority);
    let mut slots: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    let mut out: Vec<Candidate> = Vec::with_capacity(kept.len());
    for i in kept {
        if let Some(mut c) = slots.get_mut(i).and_then(Option::take) {
            if let Some(&r) = raised.get(i) {
                c.score = c.score.max(r);
            }
            out.push(c);
        }
    }
    out.sort_unstable_by_key(|c| (c.start, c.end));
    out
}

/// Adds an external recommender's candidates to the built-in engine's
/// suggestions: external ones scored below `min_score` are left out (the
/// engine already left out its own), then the best of overlapping
/// candidates win as in [`resolve_overlaps`], the built-in ones on exact
/// ties. Sorted by (start, end), not overlapping.
///
/// Built-in `(0, 5) PER 0.6` and external `(3, 9) ORG 0.9`, `(12, 15) GPE
/// 0.2` with `min_score` 0.3 give `(3, 9) ORG 0.9`.
pub fn merge_external(builtin: Vec<Candidate>, external: Vec<Candidate>, min_score: f32) -> Vec<Candidate> {
    let mut all = builtin;
    all.extend(external.into_iter().filter(|c| c.score >= min_score));
    resolve_overlaps(all)
}

/// Keeps the best of overlapping candidates (higher score, then longer
/// span, then earlier start, then earlier in the list) and sorts the result
/// by (start, end).
pub fn resolve_overlaps(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let keys: Vec<f32> = candidates.iter().map(|c| c.score).collect();
    let kept = resolve_indices(&candidates, &keys);
    let mut slots: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    let mut out: Vec<Candidate> = kept.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();
    out.sort_unstable_by_key(|c| (c.start, c.end));
    out
}

/// The indices of the candidates kept when the best by `keys` (then
/// longer, then earlier start, then earlier in the list) win overlaps;
/// candidates whose key is NaN are left out.
fn resolve_indices(candidates: &[Candidate], keys: &[f32]) -> Vec<usize> {
    // Sort keys: a float's order as an integer, descending, then length
    // descending, start and index ascending.
    let order_bits = |x: f32| {
        let b = x.to_bits() as i32;
        b ^ (((b >> 31) as u32) >> 1) as i32
    };
    let mut ranked: Vec<(i32, std::cmp::Reverse<usize>, CharIdx, usize)> = candidates
        .iter()
        .zip(keys)
        .enumerate()
        .filter(|(_, (_, k))| !k.is_nan())
        .map(|(i, (c, k))| (-order_bits(*k), std::cmp::Reverse(c.len_chars()), c.start, i))
        .collect();
    ranked.sort_unstable();
    let limit = candidates.iter().map(|c| c.end.get()).max().unwrap_or(0);
    let order = ranked.into_iter().map(|(_, _, _, i)| i);
    if limit <= BITSET_LIMIT { keep_disjoint_bitset(candidates, order, limit) } else { keep_disjoint_tree(candidates, order) }
}

/// Up to this many code points, taken code points are kept in a bit set.
const BITSET_LIMIT: usize = 1 << 26;

/// The candidates, in `order`, that overlap none kept before them; taken
/// code points in a bit set of `limit` bits.
fn keep_disjoint_bitset(candidates: &[Candidate], order: impl Iterator<Item = usize>, limit: usize) -> Vec<usize> {
    let mut taken = vec![0u64; limit / 64 + 1];
    let mut kept = Vec::new();
    for i in order {
        let Some(c) = candidates.get(i) else { continue };
        let (a, b) = (c.start.get(), c.end.get());
        if a >= b {
            continue;
        }
        let free = (a..b).all(|k| taken.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) == 0));
        if free {
            for k in a..b {
                if let Some(w) = taken.get_mut(k / 64) {
                    *w |= 1 << (k % 64);
                }
            }
            kept.push(i);
        }
    }
    kept
}

/// [`keep_disjoint_bitset`] for any offsets: kept spans by start in a tree.
fn keep_disjoint_tree(candidates: &[Candidate], order: impl Iterator<Item = usize>) -> Vec<usize> {
    // Kept spans never overlap, so only the one that starts last before a
    // candidate's end can overlap it.
    let mut taken: BTreeMap<CharIdx, CharIdx> = BTreeMap::new();
    let mut kept = Vec::new();
    for i in order {
        let Some(c) = candidates.get(i) else { continue };
        if c.start >= c.end {
            continue;
        }
        let overlaps = taken.range(..c.end).next_back().is_some_and(|(_, &end)| end > c.start);
        if !overlaps {
            taken.insert(c.start, c.end);
            kept.push(i);
        }
    }
    kept
}

#[cfg(test)]
impl Candidate {
    /// A candidate over `start..end` (code points), for tests.
    pub(crate) fn at(start: usize, end: usize, label: &str, score: f32, recognizer: &str) -> Self {
        Candidate { start: CharIdx::new(start), end: CharIdx::new(end), label: label.into(), score, recognizer: recognizer.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn bit_set_and_tree_keep_the_same(
            spans in proptest::collection::vec((0usize..60, 0usize..12, 0u8..5), 0..40)
        ) {
            let cands: Vec<Candidate> = spans
                .iter()
                .map(|&(a, n, s)| Candidate {
                    start: CharIdx::new(a),
                    end: CharIdx::new(a + n),
                    label: "X".into(),
                    score: f32::from(s) / 4.0,
                    recognizer: "t".into(),
                })
                .collect();
            let order: Vec<usize> = (0..cands.len()).rev().collect();
            prop_assert_eq!(
                keep_disjoint_bitset(&cands, order.iter().copied(), 80),
                keep_disjoint_tree(&cands, order.iter().copied())
            );
        }
    }

    /// A candidate from `a` to `b` (code points) by recognizer `r`.
    #[test]
    fn resolve_overlaps_keeps_the_best_and_sorts() {
        let c = |a: usize, b: usize, score: f32| Candidate {
            start: CharIdx::new(a),
            end: CharIdx::new(b),
            label: "X".into(),
            score,
            recognizer: "t".into(),
        };
        let got = resolve_overlaps(vec![c(5, 8, 0.5), c(0, 3, 0.5), c(2, 6, 0.9), c(6, 9, 0.5), c(0, 2, 0.1)]);
        let spans: Vec<(usize, usize)> = got.iter().map(|c| (c.start.get(), c.end.get())).collect();
        assert_eq!(spans, [(0, 2), (2, 6), (6, 9)]);
        assert!(resolve_overlaps(Vec::new()).is_empty());
    }

    #[test]
    fn external_candidates_merge_by_score_above_the_threshold() {
        let c = Candidate::at;
        let builtin = vec![c(0, 5, "PER", 0.6, "tagger"), c(20, 25, "GPE", 0.7, "tagger"), c(30, 34, "ORG", 0.5, "tagger")];
        let external = vec![
            c(12, 15, "GPE", 0.2, "ext"),
            c(3, 9, "ORG", 0.9, "ext"),
            c(20, 25, "LOC", 0.7, "ext"),
            c(31, 33, "ORG", 0.4, "ext"),
            c(40, 44, "DATE", 0.3, "ext"),
        ];
        let got = merge_external(builtin.clone(), external, 0.3);
        let got: Vec<(usize, &str, &str)> = got.iter().map(|c| (c.start.get(), c.label.as_str(), c.recognizer.as_str())).collect();
        assert_eq!(got, [(3, "ORG", "ext"), (20, "GPE", "tagger"), (30, "ORG", "tagger"), (40, "DATE", "ext")]);
        assert_eq!(merge_external(builtin.clone(), Vec::new(), 0.9), builtin, "the built-in suggestions are kept as they are");
    }

    #[test]
    fn a_preferred_candidate_replaces_the_tagger_spans_inside_it_and_no_longer_one() {
        let c = Candidate::at;
        let candidates = vec![
            c(0, 5, "LOC", 0.9, "tagger"),
            c(0, 5, "INST", 0.75, "gazetteer"),
            c(10, 20, "PER", 0.9, "tagger"),
            c(12, 16, "INST", 0.8, "gazetteer"),
            c(30, 35, "INST", 0.5, "gazetteer"),
            c(40, 45, "INST", 0.5, "gazetteer"),
            c(50, 53, "PER", 0.6, "tagger"),
            c(50, 60, "INST", 0.8, "gazetteer"),
        ];
        let preferred = [false, true, false, true, true, false, false, true];
        let got = combine_preferring(None, candidates.clone(), &Policy::default(), &[], &preferred);
        let got: Vec<(usize, usize, &str)> = got.iter().map(|c| (c.start.get(), c.end.get(), c.recognizer.as_str())).collect();
        assert_eq!(got, [(0, 5, "gazetteer"), (10, 20, "tagger"), (30, 35, "gazetteer"), (50, 60, "gazetteer")]);
        // Without the flags, the policy keeps the tagger's spans and drops lone one-word names.
        let plain = combine_in(None, candidates, &Policy::default(), &[]);
        let plain: Vec<(usize, &str)> = plain.iter().map(|c| (c.start.get(), c.recognizer.as_str())).collect();
        assert_eq!(plain, [(0, "tagger"), (10, "tagger"), (50, "tagger")]);
    }

    #[test]
    fn rules_override_the_tagger_only_as_the_policy_says() {
        let c = Candidate::at;
        let policy = Policy {
            rules: vec![RulePolicy { recognizer: "rule".into(), overrides_at: 0.9, alone_at: 0.5, alone_words: 1, joins_pieces: false }],
        };
        let got = combine(
            vec![
                c(0, 5, "PER", 0.6, "tagger"),
                c(0, 8, "ORG", 0.95, "rule"),
                c(10, 14, "LOC", 0.7, "tagger"),
                c(10, 12, "GPE", 0.85, "rule"),
                c(20, 24, "GPE", 0.5, "tagger"),
                c(20, 24, "LOC", 0.8, "rule"),
                c(30, 33, "DATE", 0.6, "rule"),
                c(40, 43, "DATE", 0.4, "rule"),
                c(50, 53, "ORG", 0.3, "other"),
                c(50, 55, "ORG", 0.2, "tagger"),
                c(60, 65, "PER", 0.9, "tagger"),
                c(60, 62, "ORG", 0.96, "memory"),
                c(70, 75, "PER", 0.9, "tagger"),
                c(70, 75, "ORG", 0.96, "memory"),
                c(80, 85, "LOC", 0.9, "tagger"),
                c(83, 88, "ORG", 0.96, "memory"),
            ],
            &policy,
        );
        let got: Vec<(usize, &str, f32, &str)> =
            got.iter().map(|c| (c.start.get(), c.label.as_str(), c.score, c.recognizer.as_str())).collect();
        assert_eq!(
            got,
            [
                (0, "ORG", 0.95, "rule"),
                (10, "LOC", 0.7, "tagger"),
                (20, "GPE", 0.8, "tagger"),
                (30, "DATE", 0.6, "rule"),
                (50, "ORG", 0.3, "other"),
                (60, "PER", 0.9, "tagger"),
                (70, "ORG", 0.96, "memory"),
                (83, "ORG", 0.96, "memory"),
            ]
        );
        // Without tagger candidates: the best score wins, as before.
        let plain = combine(vec![c(0, 5, "PER", 0.3, "rule"), c(2, 8, "ORG", 0.4, "rule")], &policy);
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].label, "ORG");
        // A rule that joins pieces replaces tagger spans lying inside it with
        // its label, and only those.
        let mut joining = policy.clone();
        joining.rules[0].joins_pieces = true;
        let pieces = vec![
            c(0, 4, "DATE", 0.96, "tagger"),
            c(5, 7, "DATE", 0.4, "tagger"),
            c(0, 10, "DATE", 0.8, "rule"),
            c(20, 24, "PER", 0.9, "tagger"),
            c(20, 30, "DATE", 0.8, "rule"),
            c(40, 44, "DATE", 0.9, "tagger"),
            c(38, 44, "DATE", 0.4, "rule"),
        ];
        let joined = combine(pieces.clone(), &joining);
        let got: Vec<(usize, usize, &str)> = joined.iter().map(|c| (c.start.get(), c.end.get(), c.recognizer.as_str())).collect();
        assert_eq!(got, [(0, 10, "rule"), (20, 24, "tagger"), (40, 44, "tagger")]);
        assert_eq!(combine(pieces, &policy).len(), 4, "without it, the tagger's pieces stay");
    }
}
