//! Relation patterns, French and English, written from the definitions of
//! the guidelines' relation labels and general knowledge of how news states
//! them (never from an evaluation sentence).
//!
//! Owns: the trigger lexicons ([`PATTERNS`]) and [`fire`], which says which
//! patterns a pair of mentions matches, with the direction each gives.
//! Must not touch: scores (a fired pattern is one feature of the scorer)
//! and the schema (the caller checks that the labels are allowed).
//!
//! A pattern reads the words of a [`PairText`]; its phrases are written as
//! text and cut into words the same way (`"s'est rendu à"` is
//! `s' est rendu à`). The kinds:
//! - [`Shape::Between`]: a phrase among the words between the mentions
//!   (`[A]{PER} a rencontré [B]{PER}`), optionally with the words between
//!   ending in a preposition (`[A]{PER}, ministre de [B]{GPE}`);
//! - [`Shape::Exact`]: the words between are one of the phrases
//!   (`[A]{GPE} ([B]{GPE})`, `[A]{EVENT} le [B]{DATE}`);
//! - [`Shape::Before`]: a phrase in the words before the first mention and
//!   few words between (`l'entretien entre [A]{PER} et [B]{PER}`,
//!   `le porte-parole du [A]{ORG}, [B]{PER}`);
//! - [`Shape::After`]: a conjunction between and a phrase after the second
//!   (`[A]{PER} et [B]{PER} se sont rencontrés`);
//! - [`Shape::Titles`]: only title words between (`[A]{GPE}'s foreign
//!   minister [B]{PER}`).

use std::sync::OnceLock;

use super::context::{PairText, UNKNOWN, Vocab, Word, words};
use table::{DETERMINERS, NEXT_VERB, OBJECT_ENDS, QUOTES, ROLES, TITLE_WORDS, TITLE_WORDS_MOST};
pub use table::{Dir, PATTERNS, Pattern, Shape};

pub mod table;

/// A set of word ids.
#[derive(Debug, Default)]
struct Ids(Vec<u64>);

impl Ids {
    fn of<'w>(words: impl IntoIterator<Item = &'w str>) -> Self {
        let v = Vocab::global();
        let mut bits = vec![0u64; v.len().div_ceil(64)];
        for id in words.into_iter().map(|w| v.id(w)).filter(|&id| id != UNKNOWN) {
            if let Some(b) = bits.get_mut(id as usize / 64) {
                *b |= 1 << (id % 64);
            }
        }
        Self(bits)
    }

    fn has(&self, id: u32) -> bool {
        self.0.get(id as usize / 64).is_some_and(|b| b & (1 << (id % 64)) != 0)
    }
}

/// Phrases cut into word ids, with the ids they start with (a word that
/// starts none is passed over at once).
#[derive(Debug, Default)]
struct Phrases {
    /// Every phrase, in order, the empty one included.
    all: Vec<Vec<u32>>,
    firsts: Ids,
}

impl Phrases {
    fn of<'p>(phrases: impl IntoIterator<Item = &'p str>) -> Self {
        let v = Vocab::global();
        let cut: Vec<Vec<String>> = phrases.into_iter().map(words).collect();
        let firsts = Ids::of(cut.iter().filter_map(|w| w.first()).map(String::as_str));
        Self { all: cut.iter().map(|w| w.iter().map(|x| v.id(x)).collect()).collect(), firsts }
    }

    /// True when `words` holds one of the (non-empty) phrases as a run.
    fn any_in(&self, words: &[Word]) -> bool {
        (0..words.len()).any(|i| {
            let rest = words.get(i..).unwrap_or(&[]);
            rest.first().is_some_and(|w| self.firsts.has(w.id)) && self.all.iter().any(|ph| starts_with(rest, ph))
        })
    }
}

/// True when `words` starts with the non-empty `phrase`.
fn starts_with(words: &[Word], phrase: &[u32]) -> bool {
    !phrase.is_empty() && words.len() >= phrase.len() && words.iter().zip(phrase).all(|(w, &id)| w.id == id)
}

/// Where the last run of `phrase` in `words` ends, counted from the end.
fn last_end_from_end(words: &[Word], phrase: &[u32]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return None;
    }
    (0..=words.len() - phrase.len())
        .rev()
        .find(|&i| starts_with(words.get(i..).unwrap_or(&[]), phrase))
        .map(|i| words.len() - (i + phrase.len()))
}

/// A pattern with its words as ids.
#[derive(Debug)]
struct Compiled {
    pattern: &'static Pattern,
    phrases: Phrases,
    /// Its phrases made of words only (no punctuation): the scorer's
    /// trigger lexicon ([`lexicon_between`]).
    lexicon: Phrases,
    ends: Ids,
    joins: Ids,
    adjoins: Ids,
}

/// The lists single words are compared with, as ids.
#[derive(Debug)]
struct Lists {
    quotes: Ids,
    determiners: Ids,
    /// Words a title is made of: each word of a role, [`TITLE_WORDS`], `-`.
    title_words: Ids,
    roles: Phrases,
    apostrophe_s: u32,
    /// [`OBJECT_ENDS`].
    object_ends: Ids,
    /// [`NEXT_VERB`].
    next_verb: Ids,
    /// `and`, `et`.
    and: Ids,
    /// `avant`, which starts the next verb before `de` (`avant de partir`).
    avant: u32,
    /// `de`, `d'`.
    de: Ids,
    /// `,`.
    comma: u32,
    /// `'` and `s`, as `'s` is cut.
    possessive: [u32; 2],
    /// Words that open a role's complement: `minister of …`.
    complements: Ids,
}

/// The patterns and lists as ids, made once per process.
fn compiled() -> &'static (Vec<Compiled>, Lists) {
    static COMPILED: OnceLock<(Vec<Compiled>, Lists)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let patterns = PATTERNS
            .iter()
            .map(|pattern| {
                let (ends, joins, adjoins): (&[&str], &[&str], &[&str]) = match pattern.shape {
                    Shape::Between { ends, .. } => (ends, &[], &[]),
                    Shape::Before { joins, adjoins, .. } => (&[], joins, adjoins),
                    Shape::After { joins, .. } => (&[], joins, &[]),
                    Shape::Exact | Shape::Titles { .. } => (&[], &[], &[]),
                };
                let lexical = |ph: &&str| {
                    let w = words(ph);
                    !w.is_empty() && w.iter().all(|w| w.chars().any(char::is_alphanumeric))
                };
                Compiled {
                    pattern,
                    phrases: Phrases::of(pattern.phrases.iter().copied()),
                    lexicon: Phrases::of(pattern.phrases.iter().copied().filter(lexical)),
                    ends: Ids::of(ends.iter().copied()),
                    joins: Ids::of(joins.iter().copied()),
                    adjoins: Ids::of(adjoins.iter().copied()),
                }
            })
            .collect();
        let lists = Lists {
            quotes: Ids::of(QUOTES.iter().copied()),
            determiners: Ids::of(DETERMINERS.iter().copied()),
            title_words: Ids::of(ROLES.iter().flat_map(|r| r.split(' ')).chain(TITLE_WORDS.iter().copied()).chain(["-"])),
            roles: Phrases::of(ROLES.iter().copied()),
            apostrophe_s: Vocab::global().id("'s"),
            complements: Ids::of(["of", "for"]),
            object_ends: Ids::of(OBJECT_ENDS.iter().copied()),
            next_verb: Ids::of(NEXT_VERB.iter().copied()),
            and: Ids::of(["and", "et"]),
            avant: Vocab::global().id("avant"),
            de: Ids::of(["de", "d'"]),
            comma: Vocab::global().id(","),
            possessive: [Vocab::global().id("'"), Vocab::global().id("s")],
        };
        (patterns, lists)
    })
}

fn without_trailing_determiners<'w>(words: &'w [Word], lists: &Lists) -> &'w [Word] {
    let mut end = words.len();
    while end > 0 && words.get(end - 1).is_some_and(|w| lists.determiners.has(w.id)) {
        end -= 1;
    }
    words.get(..end).unwrap_or(&[])
}

/// True when `between` (the words between a place and a person) is made
/// of title words only, one of them a role: `'s foreign minister`.
fn plain_title(between: &[Word], lists: &Lists) -> bool {
    lists.roles.any_in(between) && between.iter().all(|w| lists.title_words.has(w.id))
}

/// True when `between` is a title: [`plain_title`] of at most `max` words,
/// or [`possessive_title`].
fn is_title(between: &[Word], max: usize, lists: &Lists) -> bool {
    (word_count(between, lists) <= max && plain_title(between, lists)) || possessive_title(between, lists)
}

/// The most words of a portfolio before a role in a possessive title, and
/// of its complement after it (`of natural resources`).
const PORTFOLIO_WORDS: usize = 3;

/// True when `between` is a possessive title: `'s`, at most
/// [`PORTFOLIO_WORDS`] words (no determiner), a role, then nothing or a
/// complement (`of` or `for` and at most [`PORTFOLIO_WORDS`] words), a
/// comma at the end allowed: `[A]'s environment minister, [B]`,
/// `[A]'s deputy minister of natural resources, [B]`.
fn possessive_title(between: &[Word], lists: &Lists) -> bool {
    let words = match between.split_last() {
        Some((last, rest)) if !last.alnum && last.id != lists.apostrophe_s => rest,
        _ => between,
    };
    // `'s` is cut as `'` and `s`.
    let words = match words {
        [first, rest @ ..] if first.id == lists.apostrophe_s => rest,
        [quote, s, rest @ ..] if [quote.id, s.id] == lists.possessive => rest,
        _ => return false,
    };
    // The role nearest the name.
    let Some((start, end)) = lists
        .roles
        .all
        .iter()
        .filter_map(|ph| last_end_from_end(words, ph).map(|e| (words.len() - e - ph.len(), words.len() - e)))
        .max_by_key(|&(start, end)| (end, std::cmp::Reverse(start)))
    else {
        return false;
    };
    let plain = |ws: &[Word]| ws.len() <= PORTFOLIO_WORDS && ws.iter().all(|w| w.alnum && !lists.determiners.has(w.id));
    let before = words.get(..start).unwrap_or(&[]);
    let after = words.get(end..).unwrap_or(&[]);
    plain(before)
        && match after.split_first() {
            None => true,
            Some((of, rest)) => {
                lists.complements.has(of.id)
                    && !rest.is_empty()
                    && word_count(rest, lists) <= PORTFOLIO_WORDS
                    && rest.iter().all(|w| w.alnum)
            }
        }
}

/// True when `between` starts (a comma before allowed, `and`/`et` too) with
/// one of [`NEXT_VERB`], or with `avant de`: the name before it is not the
/// next verb's subject.
fn starts_next_verb(between: &[Word], lists: &Lists) -> bool {
    let mut words = between.iter().skip_while(|w| w.id == lists.comma);
    match words.next() {
        Some(w) if lists.next_verb.has(w.id) => true,
        Some(w) if lists.and.has(w.id) => words.next().is_some_and(|w| lists.next_verb.has(w.id)),
        Some(w) if w.id == lists.avant => words.next().is_some_and(|w| lists.de.has(w.id)),
        _ => false,
    }
}

fn word_count(words: &[Word], lists: &Lists) -> usize {
    words.iter().filter(|w| w.alnum || w.id == lists.apostrophe_s).count()
}

impl Compiled {
    /// True when the pattern matches the pair whose first mention is
    /// labelled `first` and second `second`.
    fn matches(&self, p: &PairText<'_>, first: &str, second: &str, lists: &Lists) -> bool {
        let pat = self.pattern;
        let (head, tail) = match pat.dir {
            Dir::Forward => (first, second),
            Dir::Backward => (second, first),
        };
        if (!pat.heads.is_empty() && !pat.heads.contains(&head)) || (!pat.tails.is_empty() && !pat.tails.contains(&tail)) {
            return false;
        }
        if p.crosses_line || p.sentences_apart > 0 {
            return false;
        }
        match pat.shape {
            Shape::Between { max, ends, after } => {
                // A trigger after another mention of the head's kind is that
                // one's; one after `puis` or `then` is the clause subject's.
                if pat.dir == Dir::Forward && (p.labels_between.contains(&head) || starts_next_verb(&p.between, lists)) {
                    return false;
                }
                if word_count(&p.between, lists) > max {
                    return false;
                }
                // The words the phrase is looked for in: those after the
                // last other mention between, or, when they are a title
                // naming that one mention (`[A] will meet [Y]'s foreign
                // minister, [B]`), those before it.
                let since = p.between_since_last_mention();
                let scope = if self.phrases.any_in(since) {
                    since
                } else {
                    match &p.past_title {
                        Some(t) if is_title(&t.after, TITLE_WORDS_MOST, lists) => t.before.as_ref(),
                        _ => return false,
                    }
                };
                if !self.phrases.any_in(scope) {
                    return false;
                }
                // The words from the phrase's nearest run to the end of the
                // scope: the verb's object, no clause begun.
                if let Some(most) = after {
                    let nearest = self.phrases.all.iter().filter_map(|ph| last_end_from_end(scope, ph)).min().unwrap_or(0);
                    let object = scope.get(scope.len() - nearest..).unwrap_or(&[]);
                    // A comma right before the name sets it beside the
                    // object: `ran against the last president, [B]`.
                    let object = match object.split_last() {
                        Some((last, rest)) if last.id == lists.comma => rest,
                        _ => object,
                    };
                    if word_count(object, lists) > most || object.iter().any(|w| lists.object_ends.has(w.id)) {
                        return false;
                    }
                }
                ends.is_empty() || without_trailing_determiners(&p.between, lists).last().is_some_and(|w| self.ends.has(w.id))
            }
            Shape::Exact => {
                let between = || p.between.iter().filter(|w| !lists.quotes.has(w.id)).map(|w| w.id);
                self.phrases.all.iter().any(|ph| between().eq(ph.iter().copied()))
            }
            Shape::Before { gap, max, joins, adjoins } => {
                if word_count(&p.between, lists) > max {
                    return false;
                }
                if !adjoins.is_empty() && !without_trailing_determiners(&p.before, lists).last().is_some_and(|w| self.adjoins.has(w.id)) {
                    return false;
                }
                if !joins.is_empty() && !p.between.first().is_some_and(|w| self.joins.has(w.id)) {
                    return false;
                }
                self.phrases.all.iter().any(|ph| last_end_from_end(&p.before, ph).is_some_and(|g| g <= gap))
            }
            Shape::After { max, .. } => {
                word_count(&p.between, lists) <= max
                    && p.between.iter().any(|w| self.joins.has(w.id))
                    && p.between.iter().all(|w| self.joins.has(w.id) || !w.alnum || w.len <= 3)
                    && self.phrases.any_in(&p.after)
            }
            Shape::Titles { max } => word_count(&p.between, lists) >= 1 && is_title(&p.between, max, lists),
        }
    }
}

/// The patterns that `p` matches, with the relation label and direction
/// each gives, for a pair whose first mention is labelled `first` and
/// second `second`.
pub fn fire(p: &PairText<'_>, first: &str, second: &str) -> Vec<&'static Pattern> {
    fire_where(p, first, second, |_| true)
}

/// [`fire`] among the patterns `keep` accepts (those whose label and
/// direction the schema allows for the pair: the others cannot count).
pub fn fire_where(p: &PairText<'_>, first: &str, second: &str, keep: impl Fn(&Pattern) -> bool) -> Vec<&'static Pattern> {
    if p.crosses_line || p.sentences_apart > 0 {
        return Vec::new();
    }
    let (patterns, lists) = compiled();
    patterns.iter().filter(|c| keep(c.pattern) && c.matches(p, first, second, lists)).map(|c| c.pattern).collect()
}

/// The patterns one of whose phrases made of words only stands among the
/// words between (the scorer's `lex` features), in [`PATTERNS`] order.
pub fn lexicon_between(p: &PairText<'_>) -> Vec<&'static Pattern> {
    compiled().0.iter().filter(|c| c.lexicon.any_in(&p.between)).map(|c| c.pattern).collect()
}

#[cfg(test)]
mod tests;
