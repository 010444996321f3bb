//! What the benches generate: news-like articles, and the long article's
//! spans and relations.

use spanlab::model::{CharIdx, Document, Schema};

/// Words that look like news: capitalised names now and then, accents, digits.
const WORDS: [&str; 24] = [
    "le",
    "ministre",
    "Sergueï",
    "Lavrov",
    "a",
    "rencontré",
    "à",
    "Pékin",
    "son",
    "homologue",
    "Wang",
    "Yi",
    "le",
    "3",
    "mars",
    "2025",
    "pour",
    "évoquer",
    "la",
    "situation",
    "en",
    "Ukraine",
    "et",
    "l'économie",
];

/// An article of about `n` words, paragraphs of 60 words.
pub fn article(n: usize, seed: usize) -> String {
    let mut s = String::with_capacity(n * 8);
    for i in 0..n {
        s.push_str(WORDS[(i * 7 + seed) % WORDS.len()]);
        s.push_str(if i % 60 == 59 { ".\n\n" } else { " " });
    }
    s
}

/// Adds `spans` short spans spread over the text (pairs of persons every ten
/// spans) and a relation between each such pair: for 50,000 spans, 5,000
/// relations.
pub fn annotate_long(doc: &mut Document, spans: usize, schema: &Schema) {
    let len = doc.text().len_chars();
    let mut ids = Vec::new();
    for k in 0..spans {
        let start = k * (len / spans);
        let label = if k % 10 < 2 { "PER" } else { ["ORG", "GPE", "LOC", "DATE"][k % 4] };
        let e = doc.add_span_edit(CharIdx::new(start), CharIdx::new(start + 3), label);
        if doc.apply(e, schema).is_ok()
            && let Some(s) = doc.spans().at(CharIdx::new(start)).next()
        {
            ids.push(s.id);
        }
    }
    for k in 0..ids.len() / 10 {
        let e = doc.add_relation_edit(ids[k * 10], ids[k * 10 + 1], "MEETS");
        let _ = doc.apply(e, schema);
    }
}
