//! Jumping (f): a hint of a letter or two on every span, pending suggestion
//! and name without either (what n selects) whose start is in view;
//! typing a hint's letters selects what it marks, so any place on the
//! screen is two or three keys away (as link hints in a keyboard-driven
//! browser). The hints nearest after the selection get one letter.
//!
//! Must not touch: the document (nothing here edits it).

use super::super::SpanlabApp;
use super::super::state::{Dialog, Hint, Selection};
use crate::model::CharIdx;

/// How far either side of the view f reads the text for names: a
/// sentence opener is told from a name by the words written within this
/// many code points of it (`model::names::OPENER_REACH`), as n tells it.
pub const NAME_MARGIN: usize = crate::model::names::OPENER_REACH;

/// The letters hints are made of, the home row first.
const LETTERS: &[u8; 26] = b"asdfghjklqwertyuiopzxcvbnm";

/// `n` hints, none the prefix of another: one letter each while there
/// are letters enough, else as many one-letter hints as leave enough
/// letters to start two-letter ones. The first get one letter.
pub fn hint_letters(n: usize) -> Vec<String> {
    let k = LETTERS.len();
    let singles = if n <= k { n } else { (k * k).saturating_sub(n) / (k - 1) };
    let one = LETTERS.iter().take(singles).map(|&c| char::from(c).to_string());
    let two = LETTERS[singles.min(k)..].iter().flat_map(|&a| LETTERS.iter().map(move |&b| format!("{}{}", char::from(a), char::from(b))));
    one.chain(two).take(n).collect()
}

/// The parts of the name `[a, b)` when a hyphen inside it joins two
/// capitalised words ("Iran-Israël": Iran and Israël); none otherwise. A
/// part runs from the name's start or a hyphen to the next hyphen or the
/// name's end.
pub fn hyphen_parts(text: &str, a: CharIdx, b: CharIdx) -> Vec<(CharIdx, CharIdx)> {
    let chars: Vec<char> = text.chars().skip(a.get()).take(b.get().saturating_sub(a.get())).collect();
    let joins: Vec<usize> = (1..chars.len())
        .filter(|&i| {
            chars.get(i) == Some(&'-')
                && chars.get(i - 1).is_some_and(|c| c.is_alphanumeric())
                && chars.get(i + 1).is_some_and(|c| c.is_uppercase())
                // The word before the hyphen is capitalised too: not
                // "Corée-du-Nord".
                && {
                    let from = chars.iter().take(i).rposition(|&c| c == '-' || c.is_whitespace()).map_or(0, |p| p + 1);
                    chars.get(from).is_some_and(|c| c.is_uppercase())
                }
        })
        .collect();
    if joins.is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::with_capacity(joins.len() + 1);
    let mut start = 0;
    for &j in &joins {
        parts.push((CharIdx::new(a.get() + start), CharIdx::new(a.get() + j)));
        start = j + 1;
    }
    parts.push((CharIdx::new(a.get() + start), b));
    parts
}

impl SpanlabApp {
    /// The hints f shows now: every span, pending suggestion and name
    /// without either whose start was in view last frame, and every
    /// lower-case word there that a span of the document opens a phrase
    /// with (`ministère` where "ministère chinois des Affaires étrangères"
    /// is a span: "ministère russe des …" is then two keys away), those
    /// at or after the selection first (in text order), then those before
    /// it.
    pub fn jump_hints(&self) -> Vec<Hint> {
        self.jump_hints_reading().0
    }

    /// [`SpanlabApp::jump_hints`], and how many code points of the text
    /// they read: the part in view and 10,000 code points either side
    /// (`NAME_MARGIN`; and the rest of a word cut at either end), not the
    /// whole article as before.
    pub fn jump_hints_reading(&self) -> (Vec<Hint>, usize) {
        let Some(open) = self.open.as_ref() else { return (Vec::new(), 0) };
        let doc = &open.doc;
        let Some((from, to)) = open.in_view else { return (Vec::new(), 0) };
        let text = doc.text();
        let shows = |c: CharIdx| self.article.shows(c) == Some(true);
        let mut items: Vec<((CharIdx, CharIdx), Selection, bool)> = doc
            .spans()
            .overlapping(from, to)
            .filter(|s| shows(s.start))
            .map(|s| ((s.start, s.end), Selection::Span(s.id), false))
            .collect();
        // Those starting in `[from, to]` all overlap `[from, to + 1)`: the
        // position index finds them without listing every pending one.
        items.extend(
            doc.pending_overlapping(from, to + 1)
                .filter(|s| s.start >= from && s.start <= to && shows(s.start))
                .map(|s| ((s.start, s.end), Selection::Suggestion(s.id), false)),
        );
        // The names near the view are read once for both the names and
        // their hyphenated parts.
        let (near_from, near_to) = crate::model::names::reach(text, from, to, NAME_MARGIN);
        let (names, read) = crate::model::names::names_reading(text, from, to);
        items.extend(
            self.free_of(names.clone())
                .into_iter()
                .filter(|&(a, _)| shows(a))
                .map(|(a, b)| ((a, b), Selection::Text { anchor: a, head: b }, false)),
        );
        // Each part of a hyphenated name, as two names joined ("Iran-Israël",
        // "Paris-Berlin"), that nothing holds yet: its own hint, under the
        // text (Israël still has one once Iran has a span).
        let parts: Vec<(CharIdx, CharIdx)> = names
            .into_iter()
            .flat_map(|(a, b)| {
                text.slice(a, b)
                    .map(|name| hyphen_parts(name, CharIdx::ZERO, CharIdx::new(b - a)))
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |(x, y)| (a + x.get(), a + y.get()))
            })
            .collect();
        items.extend(
            self.free_of(parts).into_iter().filter(|&(x, _)| shows(x)).map(|(x, y)| ((x, y), Selection::Text { anchor: x, head: y }, true)),
        );
        // Lower-case words a span of the document opens a phrase with
        // (the spans near the view: a long article is not read whole).
        let openers: std::collections::HashSet<String> = doc
            .spans()
            .overlapping(near_from, near_to)
            .filter_map(|s| text.slice(s.start, s.end).and_then(crate::model::names::phrase_opener))
            .collect();
        let words = crate::model::names::openers_in(text, from, to, &openers);
        items.extend(
            self.free_of(words)
                .into_iter()
                .filter(|&(x, _)| shows(x))
                .map(|(x, y)| ((x, y), Selection::Text { anchor: x, head: y }, false)),
        );
        items.sort_by_key(|(r, _, part)| (r.0, *part, r.1));
        items.dedup_by_key(|(r, t, _)| (r.0, *t));
        let from_sel = self.selection_start();
        let after = items.partition_point(|(r, _, _)| r.0 < from_sel);
        items.rotate_left(after);
        let hints = hint_letters(items.len())
            .into_iter()
            .zip(items)
            .map(|(letters, (range, target, part))| Hint { letters, range, target, part })
            .collect();
        (hints, read)
    }

    /// Shows the jump hints (f); with none in view, Space still scrolls on.
    pub(super) fn show_jump(&mut self) {
        let hints = self.jump_hints();
        let view = self.article.viewport();
        self.dialog = Dialog::Jump { typed: String::new(), hints, refresh: 0, centre: None, view };
    }

    /// Space (or Shift+Space) while the hints show: the article scrolls a
    /// view on (the row just below the view comes to its top; up: the row
    /// just above it to its bottom), and the hints follow (the letters
    /// typed so far are forgotten).
    pub(super) fn jump_scroll(&mut self, down: bool) {
        let Dialog::Jump { hints, centre, .. } = &self.dialog else { return };
        let shown: Vec<CharIdx> = hints.iter().map(|h| h.range.0).chain(*centre).collect();
        let Some(open) = self.open.as_ref() else { return };
        let end = open.doc.text().end();
        let hidden = |c: CharIdx| self.article.shows(c) != Some(true);
        let from = if down { shown.iter().max() } else { shown.iter().min() }.copied().unwrap_or_else(|| self.selection_start());
        // The rows in view are one run: the first hidden character after
        // it (or the last before it), by halving.
        let target = if down {
            let (mut lo, mut hi) = (from.get(), end.get());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if hidden(CharIdx::new(mid)) { hi = mid } else { lo = mid + 1 }
            }
            (lo < end.get()).then(|| CharIdx::new(lo))
        } else {
            let (mut lo, mut hi) = (0, from.get());
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if hidden(CharIdx::new(mid - 1)) { lo = mid } else { hi = mid - 1 }
            }
            (lo > 0).then(|| CharIdx::new(lo - 1))
        };
        // Centre the row half a view further, so the row just past the
        // view's edge comes to its other edge: a whole view on.
        let half = self.article.view_rect().map_or(0.0, |r| r.height() / 2.0);
        let y = |c: CharIdx| self.article.screen_pos(c).map(|p| p.y);
        let target = target.map(|t| match y(t) {
            Some(y0) if down => {
                let (mut lo, mut hi) = (t.get(), end.get());
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if y(CharIdx::new(mid)).is_none_or(|m| m >= y0 + half) { hi = mid } else { lo = mid + 1 }
                }
                CharIdx::new(lo.min(end.get().saturating_sub(1)).max(t.get()))
            }
            Some(y0) => {
                let (mut lo, mut hi) = (0, t.get());
                while lo < hi {
                    let mid = lo + (hi - lo).div_ceil(2);
                    if y(CharIdx::new(mid)).is_none_or(|m| m <= y0 - half) { lo = mid } else { hi = mid - 1 }
                }
                CharIdx::new(lo.min(t.get()))
            }
            None => t,
        });
        let Some(target) = target else {
            self.info(if down { "the end of the article is in view" } else { "the start of the article is in view" });
            return;
        };
        if let Some(open) = self.open.as_mut() {
            open.scroll_to = Some(target.into());
        }
        self.dialog = Dialog::Jump { typed: String::new(), hints: Vec::new(), refresh: 3, centre: Some(target), view: None };
    }

    /// A letter typed while the hints show: the hint it completes is
    /// selected; letters no hint starts with close the hints.
    pub(super) fn jump_letter(&mut self, c: char) {
        let Dialog::Jump { typed, hints, .. } = &mut self.dialog else { return };
        typed.push(c.to_ascii_lowercase());
        let typed = typed.clone();
        let exact = hints.iter().find(|h| h.letters == typed).map(|h| h.target);
        let more = hints.iter().any(|h| h.letters.starts_with(&typed));
        match exact {
            Some(target) => {
                self.dialog = Dialog::None;
                self.select(target);
            }
            None if more => {}
            None => {
                self.dialog = Dialog::None;
                self.info(format!("no hint is {typed}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{hint_letters, hyphen_parts};
    use crate::model::CharIdx;

    #[test]
    fn a_hyphen_between_capitalised_words_splits_a_name_into_parts() {
        let parts = |t: &str| {
            let n = t.chars().count();
            hyphen_parts(&format!("Le {t}."), CharIdx::new(3), CharIdx::new(3 + n))
                .into_iter()
                .map(|(a, b)| t.chars().skip(a.get() - 3).take(b.get() - a.get()).collect::<String>())
                .collect::<Vec<_>>()
        };
        assert_eq!(parts("Iran-Israël"), ["Iran", "Israël"]);
        assert_eq!(parts("Émile-Élie Dupont"), ["Émile", "Élie Dupont"]);
        assert_eq!(parts("Paris-Berlin-Moscou"), ["Paris", "Berlin", "Moscou"]);
        assert!(parts("Corée-du-Nord").is_empty(), "a lower-case part: one name");
        assert!(parts("Emmanuel Macron").is_empty());
        assert!(parts("Macron-").is_empty());
    }

    #[test]
    fn hints_are_one_letter_while_letters_last_then_none_is_the_prefix_of_another() {
        assert_eq!(hint_letters(3), ["a", "s", "d"]);
        assert!(hint_letters(26).iter().all(|h| h.len() == 1));
        for n in [27, 40, 100, 676] {
            let h = hint_letters(n);
            assert_eq!(h.len(), n);
            for (i, a) in h.iter().enumerate() {
                for (j, b) in h.iter().enumerate() {
                    assert!(i == j || !b.starts_with(a.as_str()), "{a} starts {b} ({n} hints)");
                }
            }
        }
        let forty = hint_letters(40);
        assert_eq!(forty.iter().filter(|h| h.len() == 1).count(), 25, "{forty:?}");
        assert_eq!(forty[0], "a");
    }
}
