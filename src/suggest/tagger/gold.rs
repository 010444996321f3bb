//! A document's gold BILOU tags ([`gold_tags`]) and the segments learning
//! works on ([`segments`]: sentences, merged where a gold span crosses a
//! sentence start), for training (`train`) and online learning (`online`)
//! alike.
//!
//! Owns: [`gold_tags`], [`segments`]. Must not touch: weights, files,
//! threads.

use super::lattice::{Part, part, tag_of};
use crate::model::CharIdx;
use crate::model::tokenize::Tokenized;
use crate::suggest::features::DocFeatures;

/// Gold tags per token (`None`: a token of a span whose label the tag set
/// does not know), from code-point spans; a span keeps the tokens that lie
/// inside it.
pub(super) fn gold_tags(
    doc: &Tokenized,
    spans: &[(CharIdx, CharIdx, String)],
    label_index: &dyn Fn(&str) -> Option<usize>,
) -> Vec<Option<u16>> {
    let tokens = doc.tokens();
    let mut tags: Vec<Option<u16>> = vec![Some(0); tokens.len()];
    let mut taken = vec![false; tokens.len()];
    let mut sorted: Vec<&(CharIdx, CharIdx, String)> = spans.iter().collect();
    sorted.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
    for (s, e, label) in sorted {
        let first = tokens.partition_point(|t| t.start < *s);
        let mut end = first;
        while tokens.get(end).is_some_and(|t| t.end <= *e) {
            end += 1;
        }
        if end == first || (first..end).any(|i| taken.get(i).copied().unwrap_or(true)) {
            continue;
        }
        for i in first..end {
            if let Some(t) = taken.get_mut(i) {
                *t = true;
            }
        }
        let k = label_index(label);
        for i in first..end {
            let tag = k.map(|k| {
                let p = match (end - first, i - first) {
                    (1, _) => Part::Unit(k),
                    (_, 0) => Part::Begin(k),
                    (n, j) if j + 1 == n => Part::Last(k),
                    _ => Part::Inside(k),
                };
                tag_of(p) as u16
            });
            if let Some(slot) = tags.get_mut(i) {
                *slot = tag;
            }
        }
    }
    tags
}

/// Sentence ranges, merged where a gold span crosses a sentence start.
pub(super) fn segments(f: &DocFeatures<'_>, gold: &[Option<u16>]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for r in &f.sentences {
        let continues = gold.get(r.start).copied().flatten().is_some_and(|t| matches!(part(t as usize), Part::Inside(_) | Part::Last(_)));
        match out.last_mut() {
            Some(last) if continues && last.end == r.start => last.end = r.end,
            _ => out.push(r.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    #[test]
    fn gold_tags_follow_tokens() {
        let (text, spans) = parse_markup("Selon l'[AFP]{ORG}, [Jean-Yves Le Drian]{PER} est à [Moscou]{X}.");
        let doc = Tokenized::new(&text);
        let labels = ["ORG".to_string(), "PER".to_string()];
        let tags = gold_tags(&doc, &spans, &|l| labels.iter().position(|x| x == l));
        let parts: Vec<Option<Part>> = tags.iter().map(|t| t.map(|t| part(t as usize))).collect();
        assert_eq!(
            parts,
            [
                Some(Part::Out),
                Some(Part::Out),
                Some(Part::Unit(0)),
                Some(Part::Out),
                Some(Part::Begin(1)),
                Some(Part::Inside(1)),
                Some(Part::Last(1)),
                Some(Part::Out),
                Some(Part::Out),
                None,
                Some(Part::Out),
            ]
        );
    }
}
