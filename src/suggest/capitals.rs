//! A low-scoring capitalisation heuristic (recognizer name `"capitals"`):
//! capitalised words that are not at the start of a sentence are probably
//! names.
//!
//! Owns: [`CapitalsRecognizer`]. Must not touch: files, the UI.
//!
//! Rules, in order:
//! - a run is a sequence of capitalised words, with lower-case name
//!   particles inside (`Charles de Gaulle`, `Bank of England`); titles,
//!   nationality words, months and weekdays break runs;
//! - at the start of a sentence (or after `:` or an opening quote) the first
//!   word says nothing: it is dropped when it is a function word or alone;
//! - a run that starts with a determiner (`Le Monde`) is dropped;
//! - a run the gazetteer knows as a whole is left to the gazetteer;
//! - a run with the head noun of an organisation, event or place name
//!   (`Banque`, `Sommet`, `Mer`, `University`) gets that label; when it is
//!   that noun plus a known name (`Banque de France`, `Oxford University`)
//!   it outranks the known name inside it, as the guidelines keep the longer
//!   name;
//! - other runs are split before a particle that precedes a known name
//!   (`Vladimir Putin of Russia`); a part with a known name after its first
//!   word is an ORG (`Air France`), other parts are PER (`Jordan Bardella`),
//!   a lone word with a lower score;
//! - a word of 2–6 capital letters (`OCS`, `KCNA`) is an ORG unless it is a
//!   common abbreviation, a Roman numeral or part of a line in capitals;
//! - a headline in title case (`Putin And Xi Sign Pact`) gives no run.
//!
//! Scores stay below the gazetteer's and the patterns' so they win.

use std::sync::Arc;

use super::gazetteer::Gazetteer;
use super::lexicon::{FastSet, Lexicon};
use super::{Candidate, Recognizer};
use crate::model::tokenize::{TokenKind, Tokenized, is_all_caps, is_capitalized, is_hyphen, sentences};
use crate::model::{RecognizerName, Text};

/// Score of a lone capitalised word.
const SCORE_SINGLE: f32 = 0.2;
/// Score of a word the document uses as a surname elsewhere.
const SCORE_SURNAME: f32 = 0.45;
/// Score of a run of capitalised words taken for a person.
const SCORE_PERSON: f32 = 0.35;
/// Score of a run holding a known name, taken for an organisation (above
/// the known name's own score: the longer name wins).
const SCORE_WITH_KNOWN: f32 = 0.91;

/// Compass words that make a place of a place (`East Germany`).
const COMPASS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "upper",
    "lower",
    "greater",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
];
/// Score of an acronym.
const SCORE_ACRONYM: f32 = 0.4;
/// Score of a run with a head noun.
const SCORE_KEYWORD: f32 = 0.5;
/// Score of a head noun with a known name (above the gazetteer's).
const SCORE_KEYWORD_KNOWN: f32 = 0.92;

/// Capitalised abbreviations that are not organisations.
const NOT_ORG_ACRONYMS: &[&str] = &[
    "OK", "TV", "PM", "AM", "CEO", "PDG", "PIB", "GDP", "USD", "EUR", "UTC", "GMT", "HT", "TTC", "NB", "VIP", "ADN", "DNA", "SIDA", "AIDS",
    "SMS", "PDF", "URL", "USB", "FAQ", "RIP", "LOL", "OMG", "AI", "IA", "TVA", "VAT", "PME", "SUV", "GPS", "ID", "IT", "HQ", "QG", "CV",
    "COVID", "KM", "CO", "PS", "PC", "MP", "RN", "JO", "BD", "DR", "MR", "MRS", "MME", "PHD", "FR", "EN", "AFP", "UPDATE", "PHOTO",
    "VIDEO", "LIVE", "NEW", "NEWS", "ET", "OU", "OR", "AND",
];

/// English function words that a headline capitalises; they end a run.
pub(super) const TITLE_CASE_BREAKERS: &[&str] = &[
    "and", "or", "in", "on", "at", "by", "for", "from", "with", "to", "of", "the", "a", "an", "as", "is", "are", "was", "were", "be",
    "after", "before", "over", "under", "into", "amid", "says", "say", "said", "will", "has", "have", "not", "but", "this", "that", "its",
    "his", "her", "their",
];

/// Proposes runs of capitalised words (recognizer name `"capitals"`).
#[derive(Clone, Debug)]
pub struct CapitalsRecognizer {
    gazetteer: Arc<Gazetteer>,
}

impl CapitalsRecognizer {
    /// A recognizer that consults `gazetteer` for known names.
    pub fn new(gazetteer: Arc<Gazetteer>) -> Self {
        Self { gazetteer }
    }

    /// A recognizer over the rules' gazetteer ([`Gazetteer::for_rules`]).
    pub fn builtin() -> Self {
        Self::new(Gazetteer::for_rules())
    }
}

/// What kind of name a run's head noun says.
pub(super) fn keyword_label(lex: &Lexicon, key: &str) -> Option<&'static str> {
    if lex.org_keywords.contains(key) {
        Some("ORG")
    } else if lex.event_keywords.contains(key) {
        Some("EVENT")
    } else if lex.loc_keywords.contains(key) {
        Some("LOC")
    } else {
        None
    }
}

struct View<'a> {
    s: &'a str,
    doc: &'a Tokenized,
    lex: &'static Lexicon,
    gazetteer: &'a Gazetteer,
    /// [`View::compute_cap_word`] for each token.
    cap: Vec<bool>,
    /// [`View::compute_acronym`] for each token.
    acr: Vec<bool>,
    /// Keys of words the document uses as a person's surname: the last
    /// word of a run of two or more capitalised words taken for a person,
    /// or a word right after a title (`Chancellor Merkel`).
    surnames: FastSet,
    /// Keys of words the document writes in lower case somewhere: common
    /// words, whose capital says nothing.
    lower: FastSet,
}

impl View<'_> {
    fn text(&self, i: usize) -> &str {
        self.doc.get(i).map_or("", |t| t.text(self.s))
    }

    fn key(&self, i: usize) -> &str {
        self.doc.get(i).map_or("", |_| self.doc.key(i))
    }

    fn continues(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| !t.sentence_start)
    }

    fn acronym(&self, i: usize) -> bool {
        self.acr.get(i).copied().unwrap_or(false)
    }

    fn cap_word(&self, i: usize) -> bool {
        self.cap.get(i).copied().unwrap_or(false)
    }

    fn compute_acronym(&self, i: usize) -> bool {
        let Some(t) = self.doc.get(i) else {
            return false;
        };
        let text = t.text(self.s);
        let letters = text.chars().count();
        t.kind == TokenKind::Word && (2..=6).contains(&letters) && text.chars().all(char::is_uppercase)
    }

    /// A capitalised word that may be part of a name.
    fn compute_cap_word(&self, i: usize) -> bool {
        let Some(t) = self.doc.get(i) else {
            return false;
        };
        if !t.is_wordlike() {
            return false;
        }
        let text = t.text(self.s);
        let key = self.key(i);
        let capital = self.lex.name_cased(text, key);
        if !capital || (is_all_caps(text) && text.chars().count() > 1 && !text.contains('.')) {
            return false;
        }
        !self.lex.title_words.contains(key)
            && !self.lex.roles_en.contains(key)
            && !self.lex.demonyms.contains(key)
            && !self.lex.is_calendar_word(key)
            && key != "i"
            && !key.ends_with('\'')
            // Capitalised English function words ("And", "In" in a headline)
            // end a run.
            && !TITLE_CASE_BREAKERS.contains(&key)
    }

    /// A function word, unless written in capitals (`UN` is not `un`).
    fn function_word(&self, i: usize, list: &FastSet) -> bool {
        list.contains(self.key(i)) && !is_all_caps(self.text(i))
    }

    fn particle(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| t.is_wordlike() || self.text(i) == "&")
            && self.lex.particles.contains(self.key(i))
            && !is_capitalized(self.text(i))
    }

    /// A lower-case word that continues a run after an organisation's head
    /// noun (`Committee on World Food Security`, `Institute for Security
    /// Studies`), where persons' names have none.
    fn org_joiner(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| t.is_wordlike()) && matches!(self.text(i), "for" | "on" | "against")
    }

    /// True when the word at `i` is a title, a role or a form of address
    /// (`Chancellor`, `Coach`, `Mr.`).
    fn title_like(&self, i: usize) -> bool {
        let key = self.key(i);
        self.lex.title_words.contains(key)
            || self.lex.roles_en.contains(key)
            || self.lex.titles.get(key).is_some_and(|l| l.iter().any(|(k, cap)| *cap && k.len() == 1))
    }

    /// True for a capitalised word at a sentence start that is a common
    /// word: a connective or adverb (`Meanwhile`, `Reportedly`), or one the
    /// document writes in lower case elsewhere.
    fn common_start(&self, i: usize) -> bool {
        let key = self.key(i);
        self.lex.sentence_starts_en.contains(key) || (key.ends_with("ly") && key.chars().count() > 4) || self.lower.contains(key)
    }

    /// True for a word that looks like an adjective or a group rather than
    /// a name: `Islamist`, `Bavarian`, `Islamic`, `Sudanese`, `Turkish`,
    /// `Marxism`, or a compound with a lower-case or nationality part
    /// (`Soviet-style`, `German-French`, `B-list`).
    fn adjective_like(&self, i: usize) -> bool {
        let text = self.text(i);
        let key = self.key(i);
        if text.contains(is_hyphen) {
            let parts: Vec<&str> = key.split(is_hyphen).collect();
            let raw: Vec<&str> = text.split(is_hyphen).collect();
            return raw.iter().skip(1).any(|p| p.chars().next().is_some_and(char::is_lowercase))
                || parts.iter().any(|p| self.lex.demonyms.contains(*p));
        }
        let n = key.chars().count();
        if n < 5 {
            return false;
        }
        // Slavic surnames end in -ić, -vić, -dić, -zić (`Djokovic`, `Mladic`);
        // adjectives in -mic, -tic, -nic, -ric, -lic (`Islamic`, `Baltic`).
        let before_ic = key.strip_suffix("ics").or_else(|| key.strip_suffix("ic")).and_then(|k| k.chars().last());
        let adjective_ic = key.ends_with("ics") || before_ic.is_some_and(|c| "mtnrlf".contains(c) || "aeiouy".contains(c));
        ["ist", "ists", "ism", "isms", "ian", "ians", "ean", "eans", "ese", "ish"].iter().any(|sfx| key.ends_with(sfx)) || adjective_ic
    }

    /// True where the capital of a word says nothing about a name.
    fn initial(&self, i: usize) -> bool {
        capital_says_nothing(self.doc, self.s, i).unwrap_or(false)
    }

    /// The known name starting at `i`: its length in tokens.
    fn known_at(&self, i: usize) -> Option<usize> {
        self.gazetteer.match_at(self.s, self.doc, i).map(|(n, _)| n)
    }

    fn span(&self, a: usize, b: usize, label: &str, score: f32, out: &mut Vec<Candidate>) {
        if b <= a {
            return;
        }
        if let (Some(x), Some(y)) = (self.doc.get(a), self.doc.get(b - 1)) {
            out.push(Candidate { start: x.start, end: y.end, label: label.to_owned(), score, recognizer: RecognizerName::Capitals });
        }
    }

    /// True when the document names a person by the word at `i` alone.
    fn surname(&self, i: usize) -> bool {
        self.surnames.contains(self.key(i))
    }

    /// Labels the run of tokens `[a, b)`.
    fn run(&self, mut a: usize, b: usize, out: &mut Vec<Candidate>) {
        if b - a == 1 && self.surname(a) {
            self.span(a, b, "PER", SCORE_SURNAME, out);
            return;
        }
        if self.initial(a) && (b - a == 1 || self.function_word(a, &self.lex.stopwords) || self.common_start(a)) {
            a += 1;
            while a < b && self.particle(a) {
                a += 1;
            }
        }
        if a >= b || self.function_word(a, &self.lex.determiners) {
            return;
        }
        if self.known_at(a).is_some_and(|n| a + n >= b) {
            return;
        }
        let words: Vec<usize> = (a..b).filter(|&k| !self.particle(k) && !self.org_joiner(k)).collect();
        let french = (a..b).any(|k| self.particle(k) && matches!(self.key(k), "de" | "du" | "des" | "d'"));
        let keyword = if french {
            words.iter().find_map(|&k| keyword_label(self.lex, self.key(k)))
        } else {
            words.iter().rev().find_map(|&k| keyword_label(self.lex, self.key(k)).or_else(|| self.org_head(k).then_some("ORG")))
        };
        if let Some(label) = keyword {
            // A nationality word before an organisation's name is part of it
            // (`Norwegian Refugee Council`).
            if label == "ORG"
                && a > 0
                && self.continues(a)
                && self.lex.demonyms.contains(self.key(a - 1))
                && is_capitalized(self.text(a - 1))
            {
                a -= 1;
            }
            if b - a >= 2 {
                let score = if self.keyword_with_known(a, b) { SCORE_KEYWORD_KNOWN } else { SCORE_KEYWORD };
                self.span(a, b, label, score, out);
            }
            return;
        }
        // "Deputy Foreign Minister": words before a capitalised title are
        // part of the title.
        let before_title = self.continues(b) && is_capitalized(self.text(b)) && self.title_like(b);
        if self.names_a_thing(a, b) || self.quoted(a, b) || before_title {
            return;
        }
        // "Schäuble and Merkel", "SPD and Greens": two names.
        let mut part = a;
        for k in a..=b {
            if k == b || (self.particle(k) && self.key(k) == "and") {
                self.split_known(part, k, out);
                part = k + 1;
            }
        }
    }

    /// True for a head noun of an organisation's name that only the English
    /// rules read ([`Lexicon::org_heads_en`]).
    fn org_head(&self, k: usize) -> bool {
        self.lex.org_heads_en.contains(self.key(k)) && is_capitalized(self.text(k))
    }

    /// True when the run `[a, b)` names a prize, a law, a work or a product
    /// (`Nobel Peace Prize`, `Stop Online Piracy Act`, `Most Valuable
    /// Player`), none of which the news schema labels.
    fn names_a_thing(&self, a: usize, b: usize) -> bool {
        let last = (a..b).rev().find(|&k| !self.particle(k));
        let head = |k: usize| self.lex.thing_heads_en.contains(self.key(k));
        self.lex.award_starts_en.contains(self.key(a))
            || last.is_some_and(|k| head(k) && k > a)
            || (b - a >= 3 && head(a) && self.key(a + 1) == "of")
    }

    /// True when the run `[a, b)` is all there is between quotes: a title
    /// of a book, a film or a show (`"The Robbers"`).
    fn quoted(&self, a: usize, b: usize) -> bool {
        let quote = |k: usize| matches!(self.text(k), "\"" | "“" | "”" | "«" | "»" | "„");
        a > 0 && quote(a - 1) && quote(b)
    }

    /// Splits the run `[a, b)` before particles that precede a known name,
    /// and labels each part.
    fn split_known(&self, a: usize, b: usize, out: &mut Vec<Candidate>) {
        let mut seg = a;
        let mut k = a;
        while k < b {
            if self.particle(k) {
                let mut after = k;
                while after < b && self.particle(after) {
                    after += 1;
                }
                if after < b && self.known_at(after).is_some() {
                    self.segment(seg, k, out);
                    seg = after;
                }
                k = after;
            } else {
                k += 1;
            }
        }
        self.segment(seg, b, out);
    }

    /// True for `head noun + particles + known name` (`Banque de France`) or
    /// `known name + head nouns` (`Oxford University`).
    fn keyword_with_known(&self, a: usize, b: usize) -> bool {
        let is_kw = |k: usize| keyword_label(self.lex, self.key(k)).is_some();
        // Head nouns first.
        let mut k = a;
        while k < b && (is_kw(k) || (k > a && self.cap_word(k) && !self.particle(k) && self.known_at(k).is_none())) {
            if self.particle(k) {
                break;
            }
            k += 1;
        }
        if k > a && k < b && self.particle(k) {
            let mut m = k;
            while m < b && self.particle(m) {
                m += 1;
            }
            if self.known_at(m).is_some_and(|n| m + n == b) {
                return true;
            }
        }
        // Known name first.
        if let Some(n) = self.known_at(a)
            && a + n < b
            && (a + n..b).all(is_kw)
        {
            return true;
        }
        false
    }

    /// Labels a run part without head noun.
    fn segment(&self, a: usize, b: usize, out: &mut Vec<Candidate>) {
        let mut b = b;
        while b > a && self.particle(b - 1) {
            b -= 1;
        }
        if b <= a {
            return;
        }
        if b - a == 1 && self.acronym(a) {
            self.acronym_org(a, out);
            return;
        }
        if self.known_at(a).is_some_and(|n| a + n >= b) {
            return;
        }
        if b - a == 1 {
            let key = self.key(a);
            if self.initial(a)
                || self.lex.generic_caps.contains(key)
                || self.lex.portfolios.contains(key)
                || self.function_word(a, &self.lex.stopwords)
                || self.text(a).chars().count() < 2
                || self.text(a).ends_with('.')
                || self.adjective_like(a)
                || self.lower.contains(key)
            {
                return;
            }
            // A person is named in full at least once (news style): a lone
            // word the document never uses as a surname is more often an
            // organisation, a club or a brand than a person.
            self.span(a, b, "ORG", SCORE_SINGLE, out);
            return;
        }
        // "East Germany", "Northern Ireland": a compass word and a known
        // place are a place, above the place inside.
        if COMPASS.contains(&self.key(a))
            && let Some((n, e)) = self.gazetteer.match_at(self.s, self.doc, a + 1)
            && a + 1 + n == b
        {
            self.span(a, b, &e.label, SCORE_KEYWORD_KNOWN, out);
            return;
        }
        // "Air France", "Borussia Dortmund", "Banque Populaire de Chine"; but
        // a known name first is more often a first name ("Jordan Bardella")
        // than an organisation, unless it is a city or a region ("Manchester
        // City", "Dallas Mavericks"). Both outrank the known name inside, as
        // the longer name wins.
        let holds_known = (a + 1..b).any(|k| self.known_at(k).is_some());
        let city_first = self.gazetteer.match_at(self.s, self.doc, a).is_some_and(|(n, e)| e.label == "GPE" && e.score < 0.9 && a + n < b);
        if holds_known || city_first {
            self.span(a, b, "ORG", SCORE_WITH_KNOWN, out);
        } else {
            self.span(a, b, "PER", SCORE_PERSON, out);
        }
    }

    /// Proposes an acronym at `i` when it looks like an organisation.
    fn acronym_org(&self, i: usize, out: &mut Vec<Candidate>) {
        let text = self.text(i);
        if NOT_ORG_ACRONYMS.contains(&text)
            || self.lex.stopwords.contains(self.key(i))
            || text.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
            || self.known_at(i).is_some()
        {
            return;
        }
        // A line in capitals is a headline, not a row of acronyms.
        let shouting = |k: usize| {
            self.doc.get(k).is_some_and(|t| t.is_wordlike() && is_all_caps(t.text(self.s)) && t.text(self.s).chars().count() > 1)
        };
        if (i > 0 && self.continues(i) && shouting(i - 1)) || (self.continues(i + 1) && shouting(i + 1)) {
            return;
        }
        self.span(i, i + 1, "ORG", SCORE_ACRONYM, out);
    }
}

/// For each token, whether its sentence is a headline in title case
/// (four or more words, three in four capitalised), where capitals say
/// nothing.
fn title_case_sentences(v: &View<'_>) -> Vec<bool> {
    let mut out = vec![false; v.doc.len()];
    for range in sentences(v.doc.tokens()) {
        let words = range.clone().filter(|&k| v.doc.get(k).is_some_and(|t| t.kind == TokenKind::Word));
        let (mut n, mut caps) = (0, 0);
        for k in words {
            n += 1;
            if is_capitalized(v.text(k)) {
                caps += 1;
            }
        }
        if n >= 4 && caps * 4 >= n * 3 {
            out.iter_mut().take(range.end).skip(range.start).for_each(|x| *x = true);
        }
    }
    out
}

/// Whether the capital of the word at token `i` says nothing about a name:
/// a sentence start, or after an opening quote, a colon or a dash with
/// nothing but punctuation between; `None` when there is no token `i`.
pub(super) fn capital_says_nothing(doc: &Tokenized, s: &str, i: usize) -> Option<bool> {
    let t = doc.get(i)?;
    if t.sentence_start {
        return Some(true);
    }
    let mut k = i;
    while k > 0 {
        k -= 1;
        let Some(p) = doc.get(k) else {
            return Some(true);
        };
        if p.is_wordlike() || p.kind == TokenKind::Number {
            return Some(false);
        }
        let text = p.text(s);
        let opening = matches!(text, ":" | "«" | "“" | "„" | "—" | "–" | "•" | "‹")
            || (matches!(text, "\"" | "'" | "-") && (p.space_before || p.sentence_start));
        if opening || p.sentence_start {
            return Some(true);
        }
    }
    Some(true)
}

impl Recognizer for CapitalsRecognizer {
    fn name(&self) -> RecognizerName {
        RecognizerName::Capitals
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        self.recognize_tokens(text, &Tokenized::new(text.as_str()))
    }

    fn recognize_tokens(&self, text: &Text, doc: &Tokenized) -> Vec<Candidate> {
        let mut v = View {
            s: text.as_str(),
            doc,
            lex: Lexicon::get(),
            gazetteer: &self.gazetteer,
            cap: Vec::new(),
            acr: Vec::new(),
            surnames: FastSet::default(),
            lower: FastSet::default(),
        };
        v.lower = (0..doc.len())
            .filter(|&i| {
                doc.get(i).is_some_and(|t| t.kind == TokenKind::Word && t.text(v.s).chars().next().is_some_and(char::is_lowercase))
            })
            .map(|i| doc.key(i).to_owned())
            .collect();
        v.cap = (0..doc.len()).map(|i| v.compute_cap_word(i)).collect();
        v.acr = (0..doc.len()).map(|i| v.compute_acronym(i)).collect();
        let title_case = title_case_sentences(&v);
        // The runs, then what the document says of its surnames, then each
        // run's label.
        let mut runs: Vec<(usize, usize, bool)> = Vec::new();
        let mut i = 0;
        while i < doc.len() {
            if title_case.get(i).copied().unwrap_or(false) {
                if v.acronym(i) {
                    runs.push((i, i + 1, false));
                }
                i += 1;
                continue;
            }
            if !v.cap_word(i) && !v.acronym(i) {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            loop {
                // `and` before an article starts another name (`the Rowing
                // Club and the Green Party`).
                if v.key(end) == "and" && matches!(v.key(end + 1), "the" | "a" | "an") {
                    break;
                }
                let mut k = end;
                // After an organisation's head noun, `for` and `on` go on
                // (`Committee on World Food Security`).
                let org = (i..end).any(|j| keyword_label(v.lex, v.key(j)) == Some("ORG") || v.org_head(j));
                while k < end + 2 && v.continues(k) && (v.particle(k) || (org && k == end && v.org_joiner(k))) {
                    k += 1;
                }
                if v.continues(k) && (v.cap_word(k) || v.acronym(k)) {
                    end = k + 1;
                } else {
                    break;
                }
            }
            runs.push((i, end, (i..end).any(|k| v.cap_word(k))));
            i = end;
        }
        v.surnames = surnames(&v, &runs);
        let mut out = Vec::new();
        for (i, end, words) in runs {
            if words {
                // Acronyms inside a name: "UN Environment Programme".
                v.run(i, end, &mut out);
            } else {
                for k in (i..end).filter(|&k| v.acronym(k)) {
                    v.acronym_org(k, &mut out);
                }
            }
        }
        out
    }
}

/// The keys of the words a document uses as surnames (see
/// [`View::surnames`]).
fn surnames(v: &View<'_>, runs: &[(usize, usize, bool)]) -> FastSet {
    let mut out = FastSet::default();
    for &(a, b, words) in runs {
        if !words {
            continue;
        }
        let after_title = a > 0 && v.continues(a) && v.title_like(a - 1);
        let mut found = Vec::new();
        v.run(a, b, &mut found);
        let person = found.iter().any(|c| c.label == "PER");
        let multi = (a..b).filter(|&k| v.cap_word(k)).count() >= 2;
        if (person && multi) || (after_title && b - a == 1) {
            let last = (a..b).rev().find(|&k| v.cap_word(k));
            if let Some(k) = last.filter(|&k| v.text(k).chars().count() >= 3) {
                out.insert(v.key(k).to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;

    fn check(markup: &str) {
        let (text, gold) = parse_markup(markup);
        let t = Text::from(text.as_str());
        let got: Vec<String> = CapitalsRecognizer::builtin()
            .recognize(&t)
            .into_iter()
            .map(|c| format!("{}:{}", t.slice(c.start, c.end).unwrap_or(""), c.label))
            .collect();
        let want: Vec<String> = gold.iter().map(|(a, b, l)| format!("{}:{l}", t.slice(*a, *b).unwrap_or(""))).collect();
        assert_eq!(got, want, "in {markup:?}");
    }

    #[test]
    fn runs_not_at_sentence_start() {
        check("Hier, [Vladimir Poutine]{PER} et [Kim Jong Un]{PER} ont parlé avec [Lavrov]{ORG}. [Poutine]{PER} est reparti.");
        check("Selon [Charles de Gaulle]{PER}, [Ursula von der Leyen]{PER} et [Bachar al-Assad]{PER}.");
        check("[Sergueï Lavrov]{PER} est arrivé. Il a vu Le Monde et les Russes lundi.");
    }

    #[test]
    fn head_nouns_and_known_names() {
        check("Il parle à la [Banque de Tunisie]{ORG} et au [Sommet de Tianjin]{EVENT}, puis chez [Air Tunisie]{ORG}.");
        check("She studied at [Bramley University]{ORG} near the [Harvard Business School]{ORG}.");
        check("Talks with [Vladimir Putin]{PER} of Russia and the Russian President.");
        check("The [UN Fisheries Programme]{ORG} will publish it.");
        check("Putin And Xi Sign Pact In Beijing");
    }

    #[test]
    fn acronyms_are_orgs_but_not_shouting_or_numerals() {
        check("Selon la [SNTV]{ORG} et la [CGT]{ORG}, la TVA et [Louis XIV]{PER}. LA RUSSIE ATTAQUE. L'ONU.");
    }

    #[test]
    fn known_names_are_left_to_the_gazetteer() {
        check("Il a vu la Corée du Nord et les Nations unies à Pyongyang.");
    }

    #[test]
    fn english_things_clubs_and_groups_are_not_persons() {
        // Connectives and adverbs at a sentence start.
        check("Meanwhile, the vote was delayed. Reportedly, the talks failed.");
        // Heads of organisation names.
        check("Yesterday [Riverside FC]{ORG} met the [Harbour Rowing Club]{ORG} and the [Green Future Party]{ORG}.");
        // Prizes, laws and works are not labelled.
        check("She won the Nobel Peace Prize after the Clean Rivers Act passed.");
        // Nationality and group words.
        check("The talks between Sudanese and Islamists went on.");
        // Known names are the gazetteer's, not the rule's.
        check("Soldiers of the Bundeswehr watched a Schalke game on Deutsche Welle.");
        // A lone word the text never uses for a person is taken for an
        // organisation, one it uses as a surname for a person.
        check("The crowd at [Holtenau]{ORG} cheered as [Mara Kessing]{PER} scored; [Kessing]{PER} ran.");
    }
}
