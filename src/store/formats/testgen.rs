//! Random datasets for the converters' property tests, and the view of a
//! dataset that a round trip must keep.

use proptest::prelude::*;

use super::{RawDoc, RawEntity, RawRelation, Report, dataset_of};
use crate::model::{Dataset, Status};

/// Pieces of awkward text: emoji, combining marks, CRLF, right-to-left
/// script, no-break spaces, empty lines, CJK, apostrophes, plain words.
const PIECES: [&str; 16] = ["Paris", "a", "É", " ", " ", "\r\n", "😀", "e\u{301}", "\u{a0}", "مر", "東京", "\n\n", "’", "l'ONU", ".", "🇫🇷"];

const LABELS: [&str; 6] = ["PER", "ORG", "GPE", "LOC", "DATE", "EVENT"];
const RELATIONS: [&str; 3] = ["MEETS", "ROLE_IN", "LOCATED_IN"];

/// A random dataset of 1 to 3 documents. `overlaps`: entities may overlap;
/// `relations`: documents may have relations.
pub fn arb_dataset(overlaps: bool, relations: bool) -> impl Strategy<Value = Dataset> {
    let doc = (
        proptest::collection::vec(0..PIECES.len(), 0..40),
        proptest::collection::vec((0usize..400, 1usize..12, 0..LABELS.len()), 0..10),
        proptest::collection::vec((0usize..20, 0usize..20, 0..RELATIONS.len()), 0..6),
        0..Status::ALL.len(),
    );
    proptest::collection::vec(doc, 1..4).prop_map(move |docs| {
        let mut report = Report::new(super::Format::Spanlab, super::Direction::Import);
        let records = docs
            .into_iter()
            .enumerate()
            .map(|(i, (pieces, ents, rels, status))| {
                let text: String = pieces.iter().map(|&p| PIECES[p]).collect();
                let len = text.chars().count();
                let mut raw = RawDoc { id: format!("d{i}"), text, status: Status::ALL.get(status).copied(), ..RawDoc::default() };
                for (s, l, label) in ents {
                    if len == 0 {
                        break;
                    }
                    let start = s % len;
                    let end = (start + l).min(len);
                    let clash = raw.entities.iter().any(|e| e.start < end && start < e.end);
                    let same = raw.entities.iter().any(|e| e.start == start && e.end == end && e.label == LABELS[label]);
                    if start < end && !same && (overlaps || !clash) {
                        raw.entities.push(RawEntity { start, end, label: LABELS[label].to_owned(), ..RawEntity::default() });
                    }
                }
                let n = raw.entities.len();
                if relations && n >= 2 {
                    for (h, t, label) in rels {
                        if h % n != t % n {
                            raw.relations.push(RawRelation {
                                head: h % n,
                                tail: t % n,
                                label: RELATIONS[label].to_owned(),
                                ..RawRelation::default()
                            });
                        }
                    }
                }
                raw.into_record(&mut report)
            })
            .collect();
        dataset_of(records, "news")
    })
}

/// What a round trip compares: per document its id, text, status, entities
/// as `(start, end, label)` and relations as (head, tail, label) by position.
pub type Canon = Vec<(String, String, Status, Vec<(i64, i64, String)>, Vec<((i64, i64), (i64, i64), String)>)>;

pub fn canon(d: &Dataset) -> Canon {
    d.documents
        .iter()
        .map(|doc| {
            let pos = |id: &str| doc.entities.iter().find(|e| e.id == id).map_or((-1, -1), |e| (e.start, e.end));
            let mut rels: Vec<_> = doc.relations.iter().map(|r| (pos(&r.head), pos(&r.tail), r.label.clone())).collect();
            rels.sort();
            (doc.id.clone(), doc.text.clone(), doc.status, doc.entities.iter().map(|e| (e.start, e.end, e.label.clone())).collect(), rels)
        })
        .collect()
}
