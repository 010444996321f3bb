//! Person names completed over a whole document, after the recognizers'
//! candidates are combined ([`complete_persons`]): what one mention of a
//! name tells about the others, and what a capital inside a name tells
//! about the words next to it.
//!
//! Owns: [`complete_persons`] and its two rules, by case alone (any
//! language that writes names with capitals):
//! - **a capitalised article inside a name**: a determiner or name
//!   particle of the language (`Un`, `Son`, `Le`, `De`, `Van`; not one a
//!   headline capitalises, `The`, `Of`, nor a conjunction, `Comme`, which
//!   starts a sentence the text did not end) written with a capital in the
//!   middle of a sentence, after a capitalised word, inside a run of
//!   capitalised words that are no common word of the document (`Kim Jong
//!   Un`, `Jean De La Fontaine`), is part of a person's name: the run is a
//!   PER. Three words at least, two of them not function words, none a
//!   title, a form of address, a nationality, a month, a head noun of an
//!   organisation, a place or an event, or a known name; only where nothing
//!   but PER pieces lay (a tagger that reads `Un` as the article stops
//!   before it or drops the whole name), and over pieces only when they
//!   left such a word out (then from the first piece on);
//! - **a part of a person's name used alone**: a word that a PER of two
//!   words or more of the document holds, but its last (`Wang` of `Wang
//!   Yi`: family names come first in many languages; the last word alone
//!   the recognizers find already, and taking it too added 5 wrong PER to
//!   WiNER-fr dev for 1 right), written alone with a capital in the middle
//!   of a sentence, is that person: where nothing was found, or over a
//!   weak guess of the word alone (below [`WEAK_ALONE`]). Only from names
//!   suggested with some confidence ([`PART_OF_MIN_SCORE`]); not a
//!   function word, a word the document writes in lower case, a known name,
//!   nor a word next to another capitalised one.
//!
//! Neither rule reads a headline in title case, where capitals say
//! nothing. Their candidates say `capitals` (the capitalisation heuristic);
//! the user's rejections veto them as the others.
//! Must not touch: files, the UI, threads: candidates in, candidates out.

use super::capitals::{TITLE_CASE_BREAKERS, capital_says_nothing, keyword_label};
use super::gazetteer::Gazetteer;
use super::lexicon::{FastSet, Lexicon};
use super::{Candidate, Engine};
use crate::model::tokenize::{TokenKind, Tokenized, is_all_caps, is_capitalized};
use crate::model::{RecognizerName, Text};

/// Score of a name completed over a capitalised function word.
const SCORE_FUNCTION_WORD: f32 = 0.5;
/// Score of a part of a person's name used alone.
const SCORE_PART: f32 = 0.45;
/// A part of a person's name is taken alone only from names suggested
/// from this score on (the capitalisation rule's guesses, 0.35, are not:
/// `Crimean Tatars`).
const PART_OF_MIN_SCORE: f32 = 0.5;
/// A suggestion of the word alone scored below this gives way to the part
/// of a person's name (the tagger's lone `LOC` or `ORG` guesses, the
/// capitalisation rule's lone `ORG`, 0.2): measured at 0.5, 0.6, 0.75 and
/// 0.9, from 0.75 on one more wrong PER on WiNER-fr dev.
const WEAK_ALONE: f32 = 0.6;
/// Forms of address the lists of titles lack (`Monsieur Dupont`).
const ADDRESS: &[&str] = &["monsieur", "madame", "mademoiselle", "messieurs", "mesdames", "mesdemoiselles"];

impl Engine {
    /// Person names completed over the document ([`complete_persons`]),
    /// but those the user rejected.
    pub(super) fn complete_persons(&self, text: &Text, doc: &Tokenized, out: Vec<Candidate>, can_veto: bool) -> Vec<Candidate> {
        complete_persons(text.as_str(), doc, &Gazetteer::for_rules(), out, |c| !self.vetoed(text, c, can_veto))
    }
}

/// Completes the person names of `candidates` (sorted by start, not
/// overlapping, as the engine combined them) by the module's two rules;
/// a new candidate is added only when `keep` says so (the user's
/// rejections). Sorted by start, not overlapping.
pub(super) fn complete_persons(
    s: &str,
    doc: &Tokenized,
    gazetteer: &Gazetteer,
    mut candidates: Vec<Candidate>,
    keep: impl Fn(&Candidate) -> bool,
) -> Vec<Candidate> {
    let v = View { s, doc, lex: Lexicon::get(), gazetteer };
    v.function_word_names(&mut candidates, &keep);
    v.parts_alone(&mut candidates, &keep);
    candidates
}

struct View<'a> {
    s: &'a str,
    doc: &'a Tokenized,
    lex: &'static Lexicon,
    gazetteer: &'a Gazetteer,
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

    /// A word written with a capital (not a line in capitals' word).
    fn capital(&self, i: usize) -> bool {
        let Some(t) = self.doc.get(i) else {
            return false;
        };
        let text = t.text(self.s);
        t.is_wordlike() && self.lex.name_cased(text, self.doc.key(i)) && !(is_all_caps(text) && text.chars().count() > 1)
    }

    fn function_word(&self, i: usize) -> bool {
        self.lex.stopwords.contains(self.key(i)) || self.lex.particles.contains(self.key(i))
    }

    /// A function word that names hold (`Le Drian`, `De Gaulle`, `Van
    /// Dijk`): a determiner or a name particle, but not one a headline
    /// capitalises (`The`, `Of`); a capitalised conjunction or adverb
    /// (`Comme`, `Selon`) starts a sentence the text did not end.
    fn article_like(&self, i: usize) -> bool {
        let key = self.key(i);
        (self.lex.determiners.contains(key) || self.lex.particles.contains(key)) && !TITLE_CASE_BREAKERS.contains(&key)
    }

    /// A capitalised word that may be a word of a person's name: no title,
    /// role, nationality, month or weekday, head noun or known name.
    fn name_word(&self, i: usize) -> bool {
        let key = self.key(i);
        self.capital(i)
            && !self.function_word(i)
            && !self.lex.title_words.contains(key)
            && !self.lex.titles.contains_key(key)
            && !ADDRESS.contains(&key)
            && !self.lex.roles_en.contains(key)
            && !self.lex.demonyms.contains(key)
            && !self.lex.is_calendar_word(key)
            && !self.lex.generic_caps.contains(key)
            && keyword_label(self.lex, key).is_none()
            && !self.lex.org_heads_en.contains(key)
            && !self.lex.thing_heads_en.contains(key)
            && !self.text(i).ends_with('.')
            && self.gazetteer.match_at(self.s, self.doc, i).is_none()
    }

    /// True where the capital of the word at `i` says nothing: a sentence
    /// start, or after an opening quote, a colon or a dash.
    fn initial(&self, i: usize) -> bool {
        capital_says_nothing(self.doc, self.s, i).unwrap_or(true)
    }

    /// True when the sentence holding token `i` is a headline in title
    /// case (four words or more, three in four capitalised).
    fn title_case(&self, i: usize) -> bool {
        let mut a = i;
        while a > 0 && self.continues(a) {
            a -= 1;
        }
        let mut b = i + 1;
        while b < self.doc.len() && self.continues(b) {
            b += 1;
        }
        let (mut n, mut caps) = (0, 0);
        for k in (a..b).filter(|&k| self.doc.get(k).is_some_and(|t| t.kind == TokenKind::Word)) {
            n += 1;
            if is_capitalized(self.text(k)) {
                caps += 1;
            }
        }
        n >= 4 && caps * 4 >= n * 3
    }

    /// The keys of `wanted` that the document writes in lower case.
    fn lower_among(&self, wanted: &FastSet) -> FastSet {
        // A few keys are compared by length first, no hashing per token.
        let few: Vec<&str> = if wanted.len() <= 8 { wanted.iter().map(String::as_str).collect() } else { Vec::new() };
        let mut out = FastSet::default();
        for (i, t) in self.doc.tokens().iter().enumerate() {
            if t.kind == TokenKind::Word && t.text(self.s).chars().next().is_some_and(char::is_lowercase) {
                let key = self.doc.key(i);
                let found = if few.is_empty() { wanted.contains(key) } else { few.iter().any(|w| w.len() == key.len() && *w == key) };
                if found {
                    out.insert(key.to_owned());
                }
            }
        }
        out
    }

    /// A cheap first test: a token in a sentence written with a capital
    /// first.
    fn upper_inside(&self, i: usize) -> bool {
        self.doc.get(i).is_some_and(|t| !t.sentence_start && t.text(self.s).chars().next().is_some_and(char::is_uppercase))
    }

    /// The candidates overlapping tokens `[a, b)`: their index range.
    fn overlapping(&self, candidates: &[Candidate], a: usize, b: usize) -> std::ops::Range<usize> {
        let (Some(first), Some(last)) = (self.doc.get(a), self.doc.get(b.saturating_sub(1))) else {
            return 0..0;
        };
        let lo = candidates.partition_point(|c| c.end <= first.start);
        let hi = candidates.partition_point(|c| c.start < last.end);
        lo..hi.max(lo)
    }

    fn candidate(&self, a: usize, b: usize, score: f32) -> Option<Candidate> {
        let (first, last) = (self.doc.get(a)?, self.doc.get(b.checked_sub(1)?)?);
        Some(Candidate { start: first.start, end: last.end, label: "PER".into(), score, recognizer: RecognizerName::Capitals })
    }

    /// The first rule of the module: runs of capitalised words holding a
    /// capitalised function word.
    fn function_word_names(&self, candidates: &mut Vec<Candidate>, keep: &impl Fn(&Candidate) -> bool) {
        // Runs `[a, b)` found, with the keys of their name words.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < self.doc.len() {
            let hit = self.upper_inside(i) && self.article_like(i) && self.capital(i) && !self.initial(i);
            if !hit {
                i += 1;
                continue;
            }
            let mut a = i;
            while a > 0 && self.continues(a) && self.capital(a - 1) {
                a -= 1;
            }
            let mut b = i + 1;
            while self.continues(b) && self.capital(b) {
                b += 1;
            }
            // `Selon`, `Le` before the name.
            while a < i && self.function_word(a) {
                a += 1;
            }
            let words = (a..b).filter(|&k| !self.function_word(k)).count();
            let all_names = (a..b).all(|k| if self.function_word(k) { self.article_like(k) } else { self.name_word(k) });
            if b - a >= 3 && a < i && words >= 2 && all_names && !self.function_word(a) && !self.title_case(i) {
                runs.push((a, b));
            }
            i = b;
        }
        if runs.is_empty() {
            return;
        }
        let keys: FastSet = runs.iter().flat_map(|&(a, b)| (a..b).map(|k| self.key(k).to_owned())).collect();
        let lower = self.lower_among(&keys);
        let mut added = Vec::new();
        for (a, b) in runs {
            if (a..b).any(|k| !self.function_word(k) && lower.contains(self.key(k))) {
                continue;
            }
            let range = self.overlapping(candidates, a, b);
            let Some(mut c) = self.candidate(a, b, SCORE_FUNCTION_WORD) else {
                continue;
            };
            let inside = candidates.get(range.clone()).unwrap_or(&[]);
            if !inside.iter().all(|o| o.label == "PER" && c.start <= o.start && o.end <= c.end) {
                continue;
            }
            // Over PER pieces, the name is theirs with the function words
            // they left out: from the first piece on, and only if it leaves
            // one out.
            if let Some(first) = inside.first() {
                let left_out = (a..b).any(|k| {
                    self.function_word(k)
                        && self
                            .doc
                            .get(k)
                            .is_some_and(|t| !inside.iter().any(|o| o.start <= t.start && t.end <= o.end) && t.start > first.start)
                });
                if !left_out {
                    continue;
                }
                c.start = first.start;
            }
            if !keep(&c) {
                continue;
            }
            c.score = inside.iter().map(|o| o.score).fold(c.score, f32::max);
            added.push((range, c));
        }
        if added.is_empty() {
            return;
        }
        // One pass (not a splice each: a long text has thousands); a run
        // over no piece has an empty range, where it goes.
        let old = std::mem::take(candidates);
        candidates.reserve(old.len() + added.len());
        let mut added = added.into_iter().peekable();
        for (k, c) in old.into_iter().enumerate() {
            while let Some((_, new)) = added.next_if(|(r, _)| r.is_empty() && r.start <= k) {
                candidates.push(new);
            }
            if let Some((r, _)) = added.peek()
                && r.contains(&k)
            {
                if k + 1 == r.end
                    && let Some((_, new)) = added.next()
                {
                    candidates.push(new);
                }
                continue;
            }
            candidates.push(c);
        }
        candidates.extend(added.map(|(_, new)| new));
    }

    /// The second rule of the module: parts of persons' names used alone.
    fn parts_alone(&self, candidates: &mut Vec<Candidate>, keep: &impl Fn(&Candidate) -> bool) {
        let tokens = self.doc.tokens();
        let mut parts = FastSet::default();
        for c in candidates.iter().filter(|c| c.label == "PER" && c.score >= PART_OF_MIN_SCORE) {
            let a = tokens.partition_point(|t| t.start < c.start);
            let b = tokens.partition_point(|t| t.start < c.end);
            let words: Vec<usize> = (a..b).filter(|&k| self.capital(k) && !self.function_word(k)).collect();
            if words.len() < 2 {
                continue;
            }
            // The last word is the surname the recognizers already find
            // alone; every word (the last too) added 5 wrong PER to WiNER-fr
            // dev for 1 right.
            for &k in words.iter().take(words.len() - 1) {
                let key = self.key(k);
                if key.chars().count() >= 2 && !self.text(k).ends_with('.') && !self.text(k).contains('.') {
                    parts.insert(key.to_owned());
                }
            }
        }
        if parts.is_empty() {
            return;
        }
        let mut hits = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if !self.upper_inside(i) || !t.is_wordlike() || !parts.contains(self.doc.key(i)) || !self.name_word(i) || self.initial(i) {
                continue;
            }
            let beside = |k: usize| self.capital(k) && !self.function_word(k);
            if (i > 0 && self.continues(i) && beside(i - 1)) || (self.continues(i + 1) && beside(i + 1)) {
                continue;
            }
            let over = self.overlapping(candidates, i, i + 1);
            // A weak guess of another label over the word alone gives way.
            let replaceable = over.len() == 1
                && candidates
                    .get(over.start)
                    .is_some_and(|o| o.score < WEAK_ALONE && self.doc.get(i).is_some_and(|t| (t.start, t.end) == (o.start, o.end)));
            if (!over.is_empty() && !replaceable) || self.title_case(i) {
                continue;
            }
            hits.push(i);
        }
        if hits.is_empty() {
            return;
        }
        let keys: FastSet = hits.iter().map(|&i| self.key(i).to_owned()).collect();
        let lower = self.lower_among(&keys);
        let mut added = Vec::new();
        for i in hits {
            if lower.contains(self.key(i)) {
                continue;
            }
            let Some(c) = self.candidate(i, i + 1, SCORE_PART) else {
                continue;
            };
            if keep(&c) {
                let at = candidates.partition_point(|o| o.start < c.start);
                match candidates.get_mut(at) {
                    Some(o) if (o.start, o.end) == (c.start, c.end) => *o = c,
                    _ => added.push(c),
                }
            }
        }
        if !added.is_empty() {
            // One merge of two sorted lists (not an insertion each: a long
            // text has thousands).
            let old = std::mem::take(candidates);
            candidates.reserve(old.len() + added.len());
            let mut added = added.into_iter().peekable();
            for c in old {
                while let Some(n) = added.next_if(|n| n.start < c.start) {
                    candidates.push(n);
                }
                candidates.push(c);
            }
            candidates.extend(added);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use crate::model::{CharIdx, Schema};

    /// The spans of `after` (markup) once the rules ran over the spans of
    /// `before` (the same text; its spans scored 0.9, as a sure tagger's).
    fn check(before: &str, after: &str) {
        let (text, given) = parse_markup(before);
        let (text_after, want) = parse_markup(after);
        assert_eq!(text, text_after, "the two markups differ in text");
        let doc = Tokenized::new(&text);
        let candidates = given
            .iter()
            .map(|(a, b, l)| Candidate { start: *a, end: *b, label: l.clone(), score: 0.9, recognizer: RecognizerName::Tagger })
            .collect();
        let got: Vec<(CharIdx, CharIdx, String)> = complete_persons(&text, &doc, &Gazetteer::for_rules(), candidates, |_| true)
            .into_iter()
            .map(|c| (c.start, c.end, c.label))
            .collect();
        let show = |spans: &[(CharIdx, CharIdx, String)]| -> Vec<String> {
            let t = Text::from(text.as_str());
            spans.iter().map(|(a, b, l)| format!("{}:{l}", t.slice(*a, *b).unwrap_or("?"))).collect()
        };
        assert_eq!(show(&got), show(&want), "in {before:?}");
    }

    #[test]
    fn a_capitalised_article_inside_a_name_belongs_to_it() {
        // The tagger stopped before the article, or found nothing.
        check("Le délégué [Tam Lok]{PER} Un a signé hier.", "Le délégué [Tam Lok Un]{PER} a signé hier.");
        check("Selon Pao Ding Un, la récolte sera bonne.", "Selon [Pao Ding Un]{PER}, la récolte sera bonne.");
        check("Hier, Rhee Son Mira a quitté Vélanne.", "Hier, [Rhee Son Mira]{PER} a quitté Vélanne.");
        check("Un poème de Jehan De La Brosse fut lu.", "Un poème de [Jehan De La Brosse]{PER} fut lu.");
        // Several in one text, among other spans.
        check(
            "[Ilse]{PER} et [Tam Lok]{PER} Un à [Vélanne]{LOC}, puis Pao Ding Un et [Rhee]{PER} à [Ostrava]{LOC}.",
            "[Ilse]{PER} et [Tam Lok Un]{PER} à [Vélanne]{LOC}, puis [Pao Ding Un]{PER} et [Rhee]{PER} à [Ostrava]{LOC}.",
        );
    }

    #[test]
    fn a_capitalised_function_word_that_starts_a_sentence_or_a_title_is_not_a_name() {
        // A sentence start: `Un` is the article there.
        check("Il a vu [Tam Lok]{PER}. Un homme est venu.", "Il a vu [Tam Lok]{PER}. Un homme est venu.");
        // A conjunction a heading left unfinished: a sentence starts.
        check("Il a parlé à [Tam Lok]{PER} Comme prévu la séance a repris.", "Il a parlé à [Tam Lok]{PER} Comme prévu la séance a repris.");
        // An English headline word.
        check("A chat with [Orla Brannick]{PER} The next day she left.", "A chat with [Orla Brannick]{PER} The next day she left.");
        // Two words only, or a word the document writes in lower case.
        check("Le délégué Lok Un a signé.", "Le délégué Lok Un a signé.");
        check("Le délégué Tam Récolte Un a signé. La récolte est bonne.", "Le délégué Tam Récolte Un a signé. La récolte est bonne.");
        // Another kind of name over it, or a title in title case.
        check("Il lit [Tam Lok Journal]{ORG} Un matin.", "Il lit [Tam Lok Journal]{ORG} Un matin.");
        check("Tam Lok Un Signe Un Accord Avec Vélanne", "Tam Lok Un Signe Un Accord Avec Vélanne");
    }

    #[test]
    fn the_article_the_tagger_already_holds_changes_nothing() {
        // `Van` is inside the tagger's span: the word before it is not
        // taken in.
        check("Le Batave [Korin Van Elst]{PER} a gagné.", "Le Batave [Korin Van Elst]{PER} a gagné.");
    }

    #[test]
    fn a_part_of_a_full_name_used_alone_is_that_person() {
        check(
            "Hier, [Tam Yiro]{PER} a parlé. Selon Tam, rien ne change.",
            "Hier, [Tam Yiro]{PER} a parlé. Selon [Tam]{PER}, rien ne change.",
        );
        // Before the full name too.
        check("Elle a vu Tam hier. [Tam Yiro]{PER} est reparti.", "Elle a vu [Tam]{PER} hier. [Tam Yiro]{PER} est reparti.");
    }

    #[test]
    fn a_weak_guess_over_the_part_alone_gives_way() {
        let text = "Hier, Tam Yiro a parlé. Selon Tam, rien.";
        let doc = Tokenized::new(text);
        let run = |score: f32| {
            let given = vec![Candidate::at(6, 14, "PER", 0.9, "tagger"), Candidate::at(30, 33, "LOC", score, "tagger")];
            complete_persons(text, &doc, &Gazetteer::for_rules(), given, |_| true).into_iter().map(|c| c.label).collect::<Vec<_>>()
        };
        assert_eq!(run(0.55), ["PER", "PER"]);
        assert_eq!(run(0.8), ["PER", "LOC"]);
    }

    #[test]
    fn a_part_alone_is_not_a_person_when_the_text_says_otherwise() {
        // At a sentence start the capital says nothing.
        check("Hier, [Tam Yiro]{PER} a parlé. Tam est reparti.", "Hier, [Tam Yiro]{PER} a parlé. Tam est reparti.");
        // A common word that is also a name part: the document writes it in
        // lower case.
        check(
            "Hier, [Rose Tamaris]{PER} a parlé. Une rose fleurit ; selon Rose, rien.",
            "Hier, [Rose Tamaris]{PER} a parlé. Une rose fleurit ; selon Rose, rien.",
        );
        // A function word, a known place, a word next to another capital.
        check(
            "Hier, [Son Tamaris]{PER} et [Paris Oyelaran]{PER} ont parlé de Son voyage à Paris et de Tam Ilo.",
            "Hier, [Son Tamaris]{PER} et [Paris Oyelaran]{PER} ont parlé de Son voyage à Paris et de Tam Ilo.",
        );
        check("Hier, [Tam Yiro]{PER} a vu Tam Ilo.", "Hier, [Tam Yiro]{PER} a vu Tam Ilo.");
        // A name of one word, or a mention already found.
        check("Hier, [Tamaris]{PER} a parlé à [Tam]{ORG}.", "Hier, [Tamaris]{PER} a parlé à [Tam]{ORG}.");
        check("Hier, [Tam Yiro]{PER} a vu [Tam]{ORG}.", "Hier, [Tam Yiro]{PER} a vu [Tam]{ORG}.");
    }

    #[test]
    fn the_last_word_and_weak_names_are_left_to_the_recognizers() {
        // The surname alone is the recognizers' (the tagger finds it).
        check("Hier, [Tam Yiro]{PER} a parlé. Selon Yiro, rien.", "Hier, [Tam Yiro]{PER} a parlé. Selon Yiro, rien.");
        // A name suggested with a low score teaches nothing.
        let text = "Hier, Tam Yiro a parlé. Selon Tam, rien.";
        let doc = Tokenized::new(text);
        let weak = vec![Candidate::at(6, 14, "PER", 0.35, "capitals")];
        let got = complete_persons(text, &doc, &Gazetteer::for_rules(), weak.clone(), |_| true);
        assert_eq!(got, weak);
        // Nor one the user rejected.
        let sure = vec![Candidate::at(6, 14, "PER", 0.9, "tagger")];
        let got = complete_persons(text, &doc, &Gazetteer::for_rules(), sure.clone(), |c| c.start.get() != 30);
        assert_eq!(got, sure);
    }

    #[test]
    fn the_engine_completes_names_where_its_schema_has_persons() {
        let text = Text::from("Le délégué Pao Ding Un a signé. Hier, Ruo Tenzil a parlé ; selon Ruo, rien ne change.");
        let show = |schema: &Schema| -> Vec<String> {
            Engine::builtin()
                .suggest(&text, schema, 0.0)
                .into_iter()
                .map(|c| format!("{}:{}", text.slice(c.start, c.end).unwrap_or("?"), c.label))
                .collect()
        };
        // The shipped tagger reads `Un` as the article and `Ruo` alone as a
        // place (0.55).
        assert_eq!(show(&Schema::news()), ["Pao Ding Un:PER", "Ruo Tenzil:PER", "Ruo:PER"]);
        let mut schema = Schema::news();
        schema.entity_labels.retain(|e| e.name != "PER");
        assert!(show(&schema).iter().all(|s| !s.ends_with(":PER")));
    }
}
