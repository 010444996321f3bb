//! Helpers for the tagger's tests: a small synthetic corpus and the spans
//! a tagger finds, as text and label. Test builds only.

use super::{Example, Tagger};
use crate::model::Text;
use crate::model::markup::parse_markup;
use crate::model::tokenize::Tokenized;

fn example(markup: &str) -> Example {
    let (text, spans) = parse_markup(markup);
    Example { text, spans }
}

/// A small synthetic corpus: persons after titles, places after `à`,
/// organisations in capitals, dates.
pub(super) fn corpus() -> Vec<Example> {
    let persons = ["Jean Dupont", "Marie Curie", "Paul Martin", "Anne Morel", "Luc Girard", "Sophie Leroy", "Hugo Bernard", "Claire Petit"];
    let places = ["Lyon", "Brest", "Nantes", "Tulle", "Vannes", "Quimper", "Arras", "Dole"];
    let orgs = ["CGT", "SNCF", "INSEE", "CNRS", "RATP", "UNEF", "FNSEA", "CFDT"];
    let mut out = Vec::new();
    for i in 0..32 {
        let p = persons[i % persons.len()];
        let l = places[(i * 3) % places.len()];
        let o = orgs[(i * 5) % orgs.len()];
        out.push(example(&format!(
            "Le ministre [{p}]{{PER}} est arrivé à [{l}]{{LOC}} lundi. La [{o}]{{ORG}} proteste depuis [{}]{{DATE}}.",
            2000 + i
        )));
    }
    out
}

pub(super) fn tags_of(t: &Tagger, s: &str) -> Vec<(String, String)> {
    let doc = Tokenized::new(s);
    let text = Text::from(s);
    t.tag(s, &doc).into_iter().map(|sp| (text.slice(sp.start, sp.end).unwrap_or("").to_owned(), sp.label)).collect()
}
