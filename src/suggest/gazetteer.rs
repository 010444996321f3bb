//! A gazetteer: known names with their labels, matched over tokens.
//!
//! Owns: [`Gazetteer`] (names indexed by their first token's key),
//! [`Entry`], the built-in data files ([`BUILTIN_FILES`], embedded from
//! `assets/gazetteer/`, see its README for sources and licences) and the
//! [`GazetteerRecognizer`] (recognizer name `"gazetteer"`).
//! Must not touch: files (the data is compiled in), the UI.
//!
//! Matching is the longest entry at each token, left to right, over tokens
//! made by the tokenizer, so `l’ONU` finds `ONU` and `Russia's` finds
//! `Russia`. Keys are case-folded with `’` as `'`, with three case rules:
//! an entry that starts with a capital only matches a capitalised token
//! (`Chine`, not `chine`); a token of an entry written in capitals
//! (`ONU`, `UN`) only matches itself (so `Un` is not `UN`); the rest of the
//! letters may differ in case (`Nations Unies`, `CHINE` in a headline).
//! A multi-word entry also matches its hyphenated form (`Corée-du-Nord`),
//! and a part of a hyphenated token matches a one-word entry
//! (`Moscou-Pékin`).

use std::sync::{Arc, OnceLock};

use super::lexicon::FastMap;
use super::{Candidate, Recognizer};
use crate::model::tokenize::{TokenKind, Tokenized, is_all_caps, is_capitalized, is_hyphen, normalize, tokenize};
use crate::model::{RecognizerName, Text};

/// One embedded data file: `name<TAB>label` lines, `#` comments.
#[derive(Clone, Copy, Debug)]
pub struct GazetteerFile {
    /// File name under `assets/gazetteer/`.
    pub name: &'static str,
    /// The file's text.
    pub tsv: &'static str,
    /// The score given to its matches.
    pub score: f32,
}

/// The built-in data, in order of precedence (a name listed twice keeps
/// the label of the first file).
pub const BUILTIN_FILES: [GazetteerFile; 6] = [
    GazetteerFile { name: "org.tsv", tsv: include_str!("../../assets/gazetteer/org.tsv"), score: 0.9 },
    GazetteerFile { name: "loc.tsv", tsv: include_str!("../../assets/gazetteer/loc.tsv"), score: 0.88 },
    GazetteerFile { name: "events.tsv", tsv: include_str!("../../assets/gazetteer/events.tsv"), score: 0.88 },
    GazetteerFile { name: "countries.tsv", tsv: include_str!("../../assets/gazetteer/countries.tsv"), score: 0.9 },
    GazetteerFile { name: "regions.tsv", tsv: include_str!("../../assets/gazetteer/regions.tsv"), score: 0.78 },
    GazetteerFile { name: "cities.tsv", tsv: include_str!("../../assets/gazetteer/cities.tsv"), score: 0.82 },
];

/// Data read by the rules only ([`Gazetteer::for_rules`]), after
/// [`BUILTIN_FILES`]: the tagger's features do not see it, so it can grow
/// without changing what a trained model means.
pub const RULE_FILES: [GazetteerFile; 2] = [
    GazetteerFile { name: "org_world.tsv", tsv: include_str!("../../assets/gazetteer/org_world.tsv"), score: 0.9 },
    GazetteerFile { name: "world.tsv", tsv: include_str!("../../assets/gazetteer/world.tsv"), score: 0.88 },
];

/// How much of a match's score a part of a hyphenated token keeps.
const PART_FACTOR: f32 = 0.9;

/// A known name.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The name as written in the data.
    pub name: String,
    /// Its entity label.
    pub label: String,
    /// The score of its matches.
    pub score: f32,
    /// The tokens' keys.
    keys: Vec<String>,
    /// For tokens written in capitals, the exact form (with `'`).
    exact: Vec<Option<String>>,
    /// Whether the first token must be capitalised.
    needs_capital: bool,
}

impl Entry {
    /// The number of tokens of the name.
    pub fn len_tokens(&self) -> usize {
        self.keys.len()
    }
}

/// Names indexed by the key of their first token.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    by_first: FastMap<Vec<Entry>>,
    len: usize,
}

/// True when two strings are equal once `’` and `ʼ` are read as `'`.
fn eq_apostrophes(a: &str, b: &str) -> bool {
    let norm = |c: char| if matches!(c, '’' | 'ʼ') { '\'' } else { c };
    a.chars().map(norm).eq(b.chars().map(norm))
}

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The gazetteer of the built-in data files ([`BUILTIN_FILES`]), built
    /// once: the one the tagger's features read.
    pub fn builtin() -> Arc<Gazetteer> {
        static BUILTIN: OnceLock<Arc<Gazetteer>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let mut g = Gazetteer::new();
                for f in BUILTIN_FILES {
                    g.load_tsv(f.tsv, f.score);
                }
                Arc::new(g)
            })
            .clone()
    }

    /// The gazetteer the rules read: [`BUILTIN_FILES`] then [`RULE_FILES`],
    /// built once.
    pub fn for_rules() -> Arc<Gazetteer> {
        static RULES: OnceLock<Arc<Gazetteer>> = OnceLock::new();
        RULES
            .get_or_init(|| {
                let mut g = Gazetteer::new();
                for f in BUILTIN_FILES.iter().chain(&RULE_FILES) {
                    g.load_tsv(f.tsv, f.score);
                }
                Arc::new(g)
            })
            .clone()
    }

    /// Adds a name; returns false (and keeps the earlier entry) when the
    /// same name is already there, or when the name has no token.
    pub fn insert(&mut self, name: &str, label: &str, score: f32) -> bool {
        let added = self.insert_one(name, label, score);
        if added {
            // "Corée du Nord" is also written "Corée-du-Nord".
            let words: Vec<&str> = name.split(' ').collect();
            if (2..=4).contains(&words.len()) && words.iter().all(|w| !w.is_empty() && w.chars().all(char::is_alphabetic)) {
                let hyphenated = words.join("-");
                if tokenize(&hyphenated).len() == 1 {
                    self.insert_one(&hyphenated, label, score);
                }
            }
        }
        added
    }

    fn insert_one(&mut self, name: &str, label: &str, score: f32) -> bool {
        let tokens = tokenize(name);
        let Some(first) = tokens.first() else {
            return false;
        };
        let keys: Vec<String> = tokens.iter().map(|t| normalize(t.text(name))).collect();
        let exact = tokens
            .iter()
            .map(|t| {
                let text = t.text(name);
                is_all_caps(text).then(|| text.replace(['’', 'ʼ'], "'"))
            })
            .collect();
        let entry =
            Entry { name: name.to_owned(), label: label.to_owned(), score, needs_capital: is_capitalized(first.text(name)), keys, exact };
        let list = self.by_first.entry(normalize(first.text(name))).or_default();
        if list.iter().any(|e| e.keys == entry.keys && e.exact == entry.exact) {
            return false;
        }
        // Longest first, so the first match found is the longest.
        let at = list.partition_point(|e| e.keys.len() >= entry.keys.len());
        list.insert(at, entry);
        self.len += 1;
        true
    }

    /// Loads `name<TAB>label` lines (blank lines and `#` comments skipped,
    /// malformed lines ignored); returns how many names were added.
    pub fn load_tsv(&mut self, tsv: &str, score: f32) -> usize {
        let mut added = 0;
        for line in tsv.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(name), Some(label)) = (fields.next(), fields.next()) else {
                continue;
            };
            let (name, label) = (name.trim(), label.trim());
            if name.is_empty() || label.is_empty() || label.contains(char::is_whitespace) {
                continue;
            }
            if self.insert(name, label, score) {
                added += 1;
            }
        }
        added
    }

    /// The number of names (hyphenated variants included).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there is no name.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The longest entry that starts at token `i` of `doc` (made from `s`),
    /// with its length in tokens. Entries never cross a sentence start.
    pub fn match_at<'g>(&'g self, s: &str, doc: &Tokenized, i: usize) -> Option<(usize, &'g Entry)> {
        let list = self.by_first.get(doc.key(i))?;
        let tokens = doc.tokens();
        let capitalized = tokens.get(i).is_some_and(|t| is_capitalized(t.text(s)));
        'entries: for e in list {
            let n = e.keys.len();
            if i + n > tokens.len() || (e.needs_capital && !capitalized) {
                continue;
            }
            for k in 0..n {
                let Some(t) = tokens.get(i + k) else {
                    continue 'entries;
                };
                if k > 0 && (t.sentence_start || e.keys.get(k).map(String::as_str) != Some(doc.key(i + k))) {
                    continue 'entries;
                }
                if let Some(Some(exact)) = e.exact.get(k)
                    && !eq_apostrophes(t.text(s), exact)
                {
                    continue 'entries;
                }
            }
            return Some((n, e));
        }
        None
    }

    /// The entry that is exactly `name` (under the matching rules).
    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        let doc = Tokenized::new(name);
        self.match_at(name, &doc, 0).filter(|(n, _)| *n == doc.len()).map(|(_, e)| e)
    }

    /// Every match in `doc` (made from `s`), longest first at each token,
    /// left to right, not overlapping: `(first token, token count, entry)`.
    pub fn find_all<'g>(&'g self, s: &str, doc: &Tokenized) -> Vec<(usize, usize, &'g Entry)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < doc.len() {
            if let Some((n, e)) = self.match_at(s, doc, i) {
                out.push((i, n, e));
                i += n;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// The recognizer that proposes every gazetteer match.
#[derive(Clone, Debug)]
pub struct GazetteerRecognizer {
    gazetteer: Arc<Gazetteer>,
}

impl GazetteerRecognizer {
    /// A recognizer over a gazetteer.
    pub fn new(gazetteer: Arc<Gazetteer>) -> Self {
        Self { gazetteer }
    }

    /// A recognizer over the built-in data.
    pub fn builtin() -> Self {
        Self::new(Gazetteer::builtin())
    }

    /// One-word entries inside a hyphenated token (`Moscou-Pékin`).
    fn parts(&self, s: &str, doc: &Tokenized, i: usize, out: &mut Vec<Candidate>) {
        let Some(t) = doc.get(i) else { return };
        let text = t.text(s);
        let mut start_char = t.start;
        let mut part_start_byte = 0;
        for (chars, (b, c)) in text.char_indices().chain(std::iter::once((text.len(), '-'))).enumerate() {
            if is_hyphen(c) {
                let part = text.get(part_start_byte..b).unwrap_or("");
                if is_capitalized(part)
                    && let Some(e) = self.gazetteer.lookup(part)
                {
                    out.push(Candidate {
                        start: start_char,
                        end: start_char + part.chars().count(),
                        label: e.label.clone(),
                        score: e.score * PART_FACTOR,
                        recognizer: RecognizerName::Gazetteer,
                    });
                }
                part_start_byte = b + c.len_utf8();
                start_char = t.start + chars + 1;
            }
        }
    }
}

impl Recognizer for GazetteerRecognizer {
    fn name(&self) -> RecognizerName {
        RecognizerName::Gazetteer
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, doc: &Tokenized) -> Vec<Candidate> {
        let s = text.as_str();
        let tokens = doc.tokens();
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(t) = tokens.get(i) {
            if let Some((n, e)) = self.gazetteer.match_at(s, doc, i) {
                let end = tokens.get(i + n - 1).map_or(t.end, |last| last.end);
                out.push(Candidate { start: t.start, end, label: e.label.clone(), score: e.score, recognizer: RecognizerName::Gazetteer });
                i += n;
                continue;
            }
            if t.kind == TokenKind::Word && t.text(s).contains(is_hyphen) {
                self.parts(s, doc, i, &mut out);
            }
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    fn found(g: &Gazetteer, s: &str) -> Vec<(String, String)> {
        let r = GazetteerRecognizer::new(Arc::new(g.clone()));
        let text = Text::from(s);
        r.recognize(&text).into_iter().map(|c| (text.slice(c.start, c.end).unwrap_or("").to_owned(), c.label)).collect()
    }

    fn small() -> Gazetteer {
        let mut g = Gazetteer::new();
        g.load_tsv(
            "# comment\nONU\tORG\nUN\tORG\nNations unies\tORG\nCorée du Nord\tGPE\nCorée\tGPE\n\
             Chine\tGPE\nCôte d'Ivoire\tGPE\nmer Noire\tLOC\nbad line\nNew York\tGPE\nNew York Times\tORG\n\
             Moscou\tGPE\nPékin\tGPE\nRussia\tGPE\n",
            0.9,
        );
        g
    }

    #[test]
    fn loads_tsv_and_keeps_the_first_label() {
        let mut g = small();
        assert!(g.lookup("ONU").is_some_and(|e| e.label == "ORG"));
        assert!(!g.insert("ONU", "GPE", 0.5), "duplicates keep the first entry");
        assert!(g.lookup("Chine").is_some());
        assert!(g.lookup("bad line").is_none());
        assert!(g.lookup("Corée-du-Nord").is_some(), "hyphenated variant");
    }

    #[test]
    fn longest_match_with_case_rules() {
        let g = small();
        let got = found(&g, "L’ONU et les Nations Unies, la Corée du Nord, la chine, Un jour le UN à New York (New York Times).");
        assert_eq!(
            got,
            [
                ("ONU".into(), "ORG".into()),
                ("Nations Unies".into(), "ORG".into()),
                ("Corée du Nord".into(), "GPE".into()),
                ("UN".into(), "ORG".into()),
                ("New York".into(), "GPE".into()),
                ("New York Times".into(), "ORG".into()),
            ]
        );
    }

    #[test]
    fn apostrophes_hyphens_and_possessives() {
        let g = small();
        let got = found(&g, "en Côte d’Ivoire, l'axe Moscou-Pékin, Russia's army, la mer Noire et la Mer Noire.");
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Côte d’Ivoire", "Moscou", "Pékin", "Russia", "mer Noire", "Mer Noire"]);
    }

    #[test]
    fn matches_do_not_cross_sentences() {
        let g = small();
        assert_eq!(found(&g, "Corée.\nNord"), [("Corée".to_owned(), "GPE".to_owned())]);
    }

    #[test]
    fn builtin_data_loads_and_knows_the_guideline_examples() {
        let g = Gazetteer::builtin();
        assert!(g.len() > 5000, "{}", g.len());
        for (name, label) in [
            ("Russie", "GPE"),
            ("Chine", "GPE"),
            ("Corée du Nord", "GPE"),
            ("États-Unis", "GPE"),
            ("Royaume-Uni", "GPE"),
            ("Pékin", "GPE"),
            ("Moscou", "GPE"),
            ("Pyongyang", "GPE"),
            ("Tianjin", "GPE"),
            ("Koursk", "GPE"),
            ("Saint-Pétersbourg", "GPE"),
            ("ONU", "ORG"),
            ("Nations unies", "ORG"),
            ("OTAN", "ORG"),
            ("NATO", "ORG"),
            ("UE", "ORG"),
            ("Union européenne", "ORG"),
            ("AFP", "ORG"),
            ("Reuters", "ORG"),
            ("FMI", "ORG"),
            ("OMS", "ORG"),
            ("BRICS", "ORG"),
            ("G20", "ORG"),
            ("OCS", "ORG"),
            ("Organisation de coopération de Shanghai", "ORG"),
            ("Union africaine", "ORG"),
            ("Kremlin", "ORG"),
            ("Asie centrale", "LOC"),
            ("Eurasie", "LOC"),
            ("péninsule coréenne", "LOC"),
            ("Asie-Pacifique", "LOC"),
            ("Seconde Guerre mondiale", "EVENT"),
        ] {
            assert_eq!(g.lookup(name).map(|e| e.label.as_str()), Some(label), "{name}");
        }
        assert!(g.lookup("Un").is_none() && g.lookup("Brent").is_none());
    }

    #[test]
    fn builtin_recognizer_on_a_sentence() {
        let (text, gold) =
            parse_markup("L’[ONU]{ORG} et l'[OTAN]{ORG} à [Pékin]{GPE} ; [Russia]{GPE}'s envoy in the [South China Sea]{LOC}.");
        let text = Text::from(text.as_str());
        let got: Vec<_> = GazetteerRecognizer::builtin().recognize(&text).into_iter().map(|c| (c.start, c.end, c.label)).collect();
        assert_eq!(got, gold);
    }
}
