//! The rule recognizers' proposals as the tagger's features ("hints"):
//! known names, capitalised runs, titled persons and dates, each with its
//! label. A model
//! trained with them learns how far to trust each rule in its corpus (the
//! capitalisation rule's persons that a project calls clubs, the agencies a
//! project leaves out of photo credits) from a few documents, where words
//! alone would need many.
//!
//! Owns: [`rule_hints`]. Must not touch: weights, files, threads.

use crate::model::Text;
use crate::model::tokenize::Tokenized;
use crate::suggest::{CapitalsRecognizer, DateRecognizer, Gazetteer, GazetteerRecognizer, Recognizer, TitleRecognizer};

/// What the rules propose in a tokenized text: `(first token, end token,
/// recognizer, label)`, in recognizer order.
pub(super) fn rule_hints(s: &str, doc: &Tokenized) -> Vec<(usize, usize, String, String)> {
    let text = Text::from(s);
    let tokens = doc.tokens();
    let mut out = Vec::new();
    let gazetteer = Gazetteer::for_rules();
    let rules: [&dyn Recognizer; 4] = [
        &GazetteerRecognizer::new(gazetteer.clone()),
        &CapitalsRecognizer::new(gazetteer),
        &TitleRecognizer::new(),
        &DateRecognizer::new(),
    ];
    for r in rules {
        let name = r.name().to_string();
        for c in r.recognize_tokens(&text, doc) {
            let a = tokens.partition_point(|t| t.start < c.start);
            let b = tokens.partition_point(|t| t.end <= c.end);
            if a < b {
                out.push((a, b, name.clone(), c.label));
            }
        }
    }
    out
}
