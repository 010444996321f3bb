//! Moving around: the selection, Tab and j/k through spans and
//! suggestions (in text order, or by score), the caret and the text
//! selection, find, Escape, and the next or unfinished document.
//!
//! Must not touch: the document (nothing here edits it).

use super::super::SpanlabApp;
use super::super::commands::Command;
use super::super::state::{Dialog, ScrollTarget, Selection};
use crate::model::words::{next_word_part_end, next_word_start, phrase_end, previous_word_part_start, previous_word_start};
use crate::model::{CharIdx, Status};

impl SpanlabApp {
    /// Spans and pending suggestions in text order, for Tab.
    fn items(&self) -> Vec<(CharIdx, Selection)> {
        let Some(open) = &self.open else {
            return Vec::new();
        };
        let mut v: Vec<(CharIdx, Selection)> = open.doc.spans().iter().map(|s| (s.start, Selection::Span(s.id))).collect();
        v.extend(open.doc.pending_suggestions().iter().map(|s| (s.start, Selection::Suggestion(s.id))));
        v.sort_by_key(|x| x.0);
        v
    }

    /// Where the selection starts (its head for a text selection).
    pub(super) fn selection_start(&self) -> CharIdx {
        let Some(open) = &self.open else { return CharIdx::ZERO };
        match open.selection {
            Selection::Span(id) => open.doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.start),
            Selection::Suggestion(id) => open.doc.suggestion(id).map_or(CharIdx::ZERO, |s| s.start),
            Selection::Text { head, .. } => head,
            Selection::Relation(id) => open.doc.relation(id).and_then(|r| open.doc.spans().get(r.head)).map_or(CharIdx::ZERO, |s| s.start),
            Selection::RelationSuggestion(id) => open.doc.relation_suggestion_at(id).unwrap_or(CharIdx::ZERO),
            Selection::None => CharIdx::ZERO,
        }
    }

    /// Selects something and brings it into view: a relation (accepted or
    /// suggested) with both its ends when they fit in the view, else its
    /// head.
    pub(super) fn select(&mut self, sel: Selection) {
        if let Some(open) = self.open.as_mut() {
            open.selection = sel;
            open.pick = None;
            let doc = &open.doc;
            let ends = |head: Option<CharIdx>, tail: Option<CharIdx>| head.map(|at| ScrollTarget { at, with: tail });
            open.scroll_to = match sel {
                Selection::Span(id) => doc.spans().get(id).map(|s| s.start.into()),
                Selection::Suggestion(id) => doc.suggestion(id).map(|s| s.start.into()),
                Selection::Text { head, .. } => Some(head.into()),
                Selection::Relation(id) => doc.relation(id).and_then(|r| {
                    let start = |e| doc.spans().get(e).map(|s| s.start);
                    ends(start(r.head), start(r.tail))
                }),
                Selection::RelationSuggestion(id) => doc.relation_suggestion(id).and_then(|r| {
                    let start = |e| doc.end_place(e).map(|p| p.0);
                    ends(start(r.head), start(r.tail))
                }),
                Selection::None => None,
            };
        }
    }

    /// Whether what is selected is in view, or being brought into view by
    /// the key that selected it (a text selection: its moving end). Before
    /// the article was drawn nothing is known, and it counts as in view.
    pub(crate) fn selection_in_view(&self) -> bool {
        let Some(open) = &self.open else { return true };
        if open.scroll_to.is_some() {
            return true;
        }
        let shows = |c| self.article.shows(c).unwrap_or(true);
        let doc = &open.doc;
        match open.selection {
            Selection::Span(id) => doc.spans().get(id).is_none_or(|s| shows(s.start)),
            Selection::Suggestion(id) => doc.suggestion(id).is_none_or(|s| shows(s.start)),
            Selection::Relation(id) => {
                doc.relation(id).is_none_or(|r| [r.head, r.tail].iter().any(|&e| doc.spans().get(e).is_some_and(|s| shows(s.start))))
            }
            // Where it is read (its later end) must show: the arc is drawn
            // from there.
            Selection::RelationSuggestion(id) => doc.relation_suggestion_at(id).is_none_or(shows),
            // Text is selected where it can be seen, if only in part (a row
            // the view's edge cuts): acting on it needs no scrolling.
            Selection::Text { anchor, head } => anchor == head || self.article.shows_part(head).unwrap_or(true),
            Selection::None => true,
        }
    }

    /// Scrolls the article to what is selected, and says so.
    pub(crate) fn bring_selection_into_view(&mut self) {
        let Some(sel) = self.open.as_ref().map(|o| o.selection) else { return };
        self.select(sel);
        self.info("the selection was out of view: it is shown now; press the key again to act on it");
    }

    /// The span or pending suggestion after (or before) the selection in
    /// text order (spans before suggestions that start at the same place),
    /// wrapping around; found by binary search, so Tab costs the same on a
    /// long article.
    fn neighbour_item(&self, forward: bool, suggestions_only: bool) -> Option<Selection> {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let open = self.open.as_ref()?;
        let doc = &open.doc;
        let spans = doc.spans().iter().as_slice();
        // (start, 0 for a span or 1 for a suggestion, the span's index or
        // the suggestion's end, the suggestion's id)
        type Key = (CharIdx, u8, usize, u64);
        const NOWHERE: Key = (CharIdx::ZERO, 0, 0, 0);
        let span_key = |i: usize, s: &crate::model::Span| -> Key { (s.start, 0, i, 0) };
        let sugg_key = |s: &crate::model::Suggestion| -> Key { (s.start, 1, s.end.get(), s.id.0) };
        // Where we are; `exact` when that is an item itself.
        let (here, exact): (Key, bool) = match open.selection {
            Selection::Span(id) if doc.spans().get(id).is_some() => {
                let i = doc.spans().index_of(id).unwrap_or(0);
                (spans.get(i).map_or(NOWHERE, |s| span_key(i, s)), true)
            }
            Selection::Suggestion(id) if doc.suggestion(id).is_some_and(|s| s.is_pending()) => {
                (doc.suggestion(id).map_or(NOWHERE, sugg_key), true)
            }
            // A text selection: from where it starts (after Find, Tab
            // takes the span under the found letters).
            Selection::Text { anchor, head } => ((anchor.min(head), 0, 0, 0), false),
            _ => ((self.selection_start(), 0, 0, 0), false),
        };
        let bound = |k: Key| (k.0, CharIdx::new(k.2), crate::model::SuggestionId(k.3));
        let at_start = |start: CharIdx| (start, CharIdx::ZERO, crate::model::SuggestionId(0));
        let span_at = |i: usize| spans.get(i).map(|s| (span_key(i, s), Selection::Span(s.id)));
        let (span, sugg) = if forward {
            // The first item after `here` (or at it, when `here` is no item).
            let i = match (exact, here.1) {
                (true, 0) => here.2 + 1,
                // Spans starting where a suggestion starts come before it.
                (true, _) => spans.partition_point(|s| s.start <= here.0),
                (false, _) => spans.partition_point(|s| s.start < here.0),
            };
            let from = match (exact, here.1) {
                (true, 1) => (Excluded(bound(here)), Unbounded),
                _ => (Included(at_start(here.0)), Unbounded),
            };
            (span_at(i), doc.pending_by_position(from).next().map(|s| (sugg_key(s), Selection::Suggestion(s.id))))
        } else {
            let i = match (exact, here.1) {
                (true, 0) => here.2.checked_sub(1),
                // Spans starting at or before a suggestion come before it.
                (true, _) => spans.partition_point(|s| s.start <= here.0).checked_sub(1),
                (false, _) => spans.partition_point(|s| s.start < here.0).checked_sub(1),
            };
            let to = match (exact, here.1) {
                (true, 1) => (Unbounded, Excluded(bound(here))),
                _ => (Unbounded, Excluded(at_start(here.0))),
            };
            (i.and_then(span_at), doc.pending_by_position(to).next_back().map(|s| (sugg_key(s), Selection::Suggestion(s.id))))
        };
        // The nearer of the two in the direction of travel.
        let pick = |span: Option<(Key, Selection)>, sugg: Option<(Key, Selection)>| match (span.filter(|_| !suggestions_only), sugg) {
            (Some(a), Some(b)) => Some(if (a.0 < b.0) == forward { a.1 } else { b.1 }),
            (a, b) => a.or(b).map(|x| x.1),
        };
        if let Some(sel) = pick(span, sugg) {
            return Some(sel);
        }
        // Wrap around.
        let all = (Unbounded, Unbounded);
        let (span, sugg) = if forward {
            (span_at(0), doc.pending_by_position(all).next().map(|s| (sugg_key(s), Selection::Suggestion(s.id))))
        } else {
            (
                spans.len().checked_sub(1).and_then(span_at),
                doc.pending_by_position(all).next_back().map(|s| (sugg_key(s), Selection::Suggestion(s.id))),
            )
        };
        pick(span, sugg)
    }

    /// Selects the next (or previous) span or suggestion, or suggestion
    /// only: in text order, or by score when reviewing uncertain ones first.
    pub(super) fn step_item(&mut self, forward: bool, suggestions_only: bool) {
        let relations_pending = self.open.as_ref().is_some_and(|o| !o.doc.pending_relation_suggestions().is_empty());
        if !(suggestions_only && (self.settings.uncertain_first || relations_pending)) {
            if let Some(sel) = self.neighbour_item(forward, suggestions_only) {
                self.select(sel);
            }
            return;
        }
        let here = self.selection_start();
        let current = self.open.as_ref().map(|o| o.selection);
        let mut items: Vec<(CharIdx, Selection)> = if suggestions_only { self.suggestion_items() } else { self.items() };
        if suggestions_only
            && self.settings.uncertain_first
            && let Some(open) = &self.open
        {
            let score = |s: &Selection| match s {
                Selection::Suggestion(id) => open.doc.suggestion(*id).map_or(0.0, |x| x.score),
                Selection::RelationSuggestion(id) => open.doc.relation_suggestion(*id).map_or(0.0, |x| x.score),
                _ => 0.0,
            };
            items.sort_by(|a, b| score(&a.1).total_cmp(&score(&b.1)).then(a.0.cmp(&b.0)));
        }
        if items.is_empty() {
            return;
        }
        let pos = items.iter().position(|(_, s)| Some(*s) == current);
        let next = match (pos, forward) {
            (Some(p), true) => (p + 1) % items.len(),
            (Some(p), false) => (p + items.len() - 1) % items.len(),
            (None, true) => items.iter().position(|(s, _)| *s >= here).unwrap_or(0),
            (None, false) => items.iter().rposition(|(s, _)| *s < here).unwrap_or(items.len() - 1),
        };
        if let Some(&(_, sel)) = items.get(next) {
            self.select(sel);
        }
    }

    /// Selects the next (or previous) accepted relation in reading order:
    /// by where its head starts, then where its tail starts. From a
    /// selected relation it steps on (and wraps); from anything else it
    /// starts at the selection, so a span selected first reaches the
    /// relations headed there in one key.
    pub(super) fn step_relation(&mut self, forward: bool) {
        let Some(open) = &self.open else { return };
        let doc = &open.doc;
        let start = |id| doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.start);
        let mut v: Vec<(CharIdx, CharIdx, crate::model::RelationId)> =
            doc.relations().map(|r| (start(r.head), start(r.tail), r.id)).collect();
        if v.is_empty() {
            self.info("no relations in this document yet");
            return;
        }
        v.sort();
        let here = self.selection_start();
        let pos = match open.selection {
            Selection::Relation(id) => v.iter().position(|x| x.2 == id),
            _ => None,
        };
        let n = v.len();
        let next = match (pos, forward) {
            (Some(p), true) => (p + 1) % n,
            (Some(p), false) => (p + n - 1) % n,
            (None, true) => v.iter().position(|x| x.0 >= here).unwrap_or(0),
            (None, false) => v.iter().rposition(|x| x.0 < here).unwrap_or(n - 1),
        };
        let id = v[next].2;
        self.select(Selection::Relation(id));
    }

    /// Pending entity and relation suggestions in reading order, for j/k:
    /// a relation where its later end starts, after the entity suggestions
    /// that start there (so both its ends were seen first).
    pub(super) fn suggestion_items(&self) -> Vec<(CharIdx, Selection)> {
        let Some(open) = &self.open else { return Vec::new() };
        let doc = &open.doc;
        let mut v: Vec<(CharIdx, u8, Selection)> =
            doc.pending_suggestions().iter().map(|s| (s.start, 0, Selection::Suggestion(s.id))).collect();
        v.extend(
            doc.pending_relation_suggestions()
                .iter()
                .filter_map(|r| Some((doc.relation_suggestion_at(r.id)?, 1, Selection::RelationSuggestion(r.id)))),
        );
        // A stable sort keeps the model's reading order within a place.
        v.sort_by_key(|x| (x.0, x.1));
        v.into_iter().map(|(at, _, sel)| (at, sel)).collect()
    }

    /// Where a search starts: after the selection (a relation: after its
    /// head), or at the caret.
    pub(super) fn find_origin(&self) -> CharIdx {
        let Some(open) = self.open.as_ref() else {
            return CharIdx::ZERO;
        };
        match open.selection {
            Selection::Text { anchor, head } => anchor.max(head),
            Selection::Span(id) => open.doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.end),
            Selection::Suggestion(id) => open.doc.suggestion(id).map_or(CharIdx::ZERO, |s| s.end),
            // A relation: from its head, as from that span (after drawing
            // one, the next head is a few letters away).
            Selection::Relation(id) => open.doc.relation(id).and_then(|r| open.doc.spans().get(r.head)).map_or(CharIdx::ZERO, |s| s.end),
            _ => CharIdx::ZERO,
        }
    }

    /// Selects the next occurrence of `query` after the caret (wrapping); an
    /// occurrence that is exactly a span selects the span.
    pub(super) fn find_next(&mut self, query: &str) {
        let from = self.find_origin();
        self.find_from(query, from);
    }

    /// Selects the first occurrence of `query` at or after `from` (wrapping);
    /// an occurrence that is exactly a span selects the span.
    pub(super) fn find_from(&mut self, query: &str, from: CharIdx) {
        if query.is_empty() {
            return;
        }
        let Some(from) =
            self.open.as_ref().map(|o| o.doc.text().char_to_byte(from).unwrap_or(crate::model::ByteIdx::new(o.doc.text().len_bytes())))
        else {
            return;
        };
        let hits = self.find_hits(query);
        let Some(start) = hits.iter().find(|&&h| h >= from).or(hits.first()).copied() else {
            self.info(format!("{query:?} is not in this document"));
            return;
        };
        let Some(open) = self.open.as_ref() else {
            return;
        };
        let Some(start) = open.doc.text().byte_to_char(start) else { return };
        let end = start + query.chars().count();
        let span = open.doc.spans().iter().find(|s| s.start == start && s.end == end).map(|s| s.id);
        match span {
            Some(id) => self.select(Selection::Span(id)),
            None => self.select(Selection::Text { anchor: start, head: end }),
        }
    }

    /// Where `query` occurs in the open document (byte offsets, as
    /// [`crate::model::Text::find_all`] finds them), searched incrementally
    /// ([`crate::model::find::IncrementalFind`]: a typed letter searches only
    /// within the last query's occurrences, an erased one searches nothing)
    /// and kept: the find bar counts the occurrences every frame and selects
    /// one as a letter is typed, from the same list.
    pub(crate) fn find_hits(&mut self, query: &str) -> &[crate::model::ByteIdx] {
        let Some(open) = &self.open else { return &[] };
        if self.find_hits.as_ref().is_none_or(|(doc, _)| *doc != open.doc.id) {
            self.find_hits = Some((open.doc.id.clone(), crate::model::find::IncrementalFind::new()));
        }
        match &mut self.find_hits {
            Some((_, find)) => find.hits(open.doc.text(), query),
            None => &[],
        }
    }

    /// The find bar closed: the span, else the pending suggestion, that
    /// the found text lies in is selected (Find a few letters of a name,
    /// Esc, and Delete or a boundary key acts on its span).
    pub(super) fn find_done(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        let Selection::Text { anchor, head } = open.selection else { return };
        let (a, b) = (anchor.min(head), anchor.max(head));
        if a == b {
            return;
        }
        let doc = &open.doc;
        let span = doc.spans().iter().find(|s| s.start <= a && b <= s.end).map(|s| Selection::Span(s.id));
        let suggestion = || doc.pending_overlapping(a, b).find(|s| s.start <= a && b <= s.end).map(|s| Selection::Suggestion(s.id));
        if let Some(sel) = span.or_else(suggestion) {
            self.select(sel);
        }
    }

    /// After accepting or rejecting, move to the next pending suggestion
    /// (entity or relation) in reading order.
    pub(super) fn after_decision(&mut self) {
        let here = self.selection_start();
        let kind = |s: &Selection| u8::from(matches!(s, Selection::RelationSuggestion(_)));
        let current = self.open.as_ref().map_or(0, |o| kind(&o.selection));
        let items = self.suggestion_items();
        // Onwards from the decided one: an entity suggestion still pending
        // where a decided relation is read came before it.
        let next = items.iter().find(|(at, s)| (*at, kind(s)) >= (here, current)).or(items.first()).map(|x| x.1);
        self.select(next.unwrap_or(Selection::None));
    }

    /// Drops a selection that no longer exists (after undo, delete, …).
    pub(super) fn fix_selection(&mut self) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let gone = match open.selection {
            Selection::Span(id) => open.doc.spans().get(id).is_none(),
            Selection::Suggestion(id) => !open.doc.suggestion(id).is_some_and(|s| s.is_pending()),
            Selection::Relation(id) => open.doc.relation(id).is_none(),
            Selection::RelationSuggestion(id) => !open.doc.pending_relation_suggestions().iter().any(|r| r.id == id),
            Selection::Text { anchor, head } => anchor.max(head) > open.doc.text().end(),
            Selection::None => false,
        };
        if gone {
            open.selection = Selection::None;
            open.draft = None;
        }
    }

    /// Moves the caret, or extends the text selection, by a word or a character.
    pub(super) fn move_caret(&mut self, command: &Command) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let text = open.doc.text();
        let (anchor, head) = match open.selection {
            Selection::Text { anchor, head } => (anchor, head),
            Selection::Span(id) => open.doc.spans().get(id).map_or((CharIdx::ZERO, CharIdx::ZERO), |s| (s.end, s.end)),
            Selection::Suggestion(id) => open.doc.suggestion(id).map_or((CharIdx::ZERO, CharIdx::ZERO), |s| (s.end, s.end)),
            _ => (CharIdx::ZERO, CharIdx::ZERO),
        };
        let new_head = match command {
            Command::CaretWordLeft => previous_word_start(text, head),
            // Extending goes by the parts of a hyphenated compound, as a
            // double-click selects them (Iran-Israël: Iran, then Israël).
            Command::ExtendWordLeft => previous_word_part_start(text, head),
            Command::CaretWordRight => next_word_start(text, head),
            Command::ExtendWordRight => next_word_part_end(text, head),
            Command::ExtendCharLeft => head.saturating_sub(1),
            Command::ExtendCharRight => (head + 1).min(text.end()),
            _ => head,
        };
        let extend =
            matches!(command, Command::ExtendWordLeft | Command::ExtendWordRight | Command::ExtendCharLeft | Command::ExtendCharRight);
        // Extending from a caret that sits before a word selects that word.
        let anchor = if extend { anchor } else { new_head };
        open.selection = Selection::Text { anchor, head: new_head };
        open.scroll_to = Some(new_head.into());
    }

    /// Extends the text selection (or a caret) to the end of the phrase
    /// after its head (`model::words::phrase_end`): `la [guerre] des
    /// Deux-Roses, puis` → `la [guerre des Deux-Roses], puis`.
    pub(super) fn extend_to_phrase_end(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        let Selection::Text { anchor, head } = open.selection else {
            self.info("select some text first (n selects the next name)");
            return;
        };
        let (from, to) = (anchor.min(head), anchor.max(head));
        let end = phrase_end(open.doc.text(), to);
        if end > to {
            self.select(Selection::Text { anchor: from, head: end });
        } else {
            self.info("no more words after the selection");
        }
    }

    /// Selects a text range without scrolling (the mouse made it).
    pub(super) fn select_text(&mut self, anchor: CharIdx, head: CharIdx) {
        if let Some(open) = self.open.as_mut() {
            open.selection = Selection::Text { anchor, head };
        }
    }

    /// Closes the dialog or the dashboard, or cancels the relation being
    /// drawn, or clears the selection.
    pub(super) fn escape(&mut self) {
        if self.dialog != Dialog::None {
            let found = matches!(self.dialog, Dialog::Find { .. });
            self.dialog = Dialog::None;
            if found {
                self.find_done();
            }
        } else if self.dashboard.is_some() {
            self.dashboard = None;
        } else if let Some(open) = self.open.as_mut()
            && open.pick.take().is_none()
            && open.draft.take().is_none()
        {
            open.selection = Selection::None;
        }
    }

    /// Opens the next (or previous) document of the corpus list, wrapping.
    pub(super) fn step_document(&mut self, forward: bool) {
        let n = self.project.entries.len();
        if n == 0 {
            return;
        }
        let here = self.open.as_ref().map_or(0, |o| o.index);
        let next = if forward { (here + 1) % n } else { (here + n - 1) % n };
        self.open_document(next);
    }

    /// The first document after `after` (wrapping) that is new or in progress.
    pub fn next_unfinished(&self, after: Option<usize>) -> Option<usize> {
        let n = self.project.entries.len();
        let start = after.map_or(0, |a| a + 1);
        (0..n).map(|k| (start + k) % n).find(|&i| {
            Some(i) != after && self.project.entries.get(i).is_some_and(|e| matches!(e.summary.status, Status::New | Status::InProgress))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::testing::app_with;
    use crate::app::Command;
    use crate::model::Status;

    const NEWS: &str = "Le ministre [Sergueï Lavrov]{PER} a rencontré [Wang Yi]{PER} à Pékin le 3 mars.";

    #[test]
    fn tab_steps_through_spans_and_suggestions_in_text_order_and_wraps() {
        let mut f = app_with(&[("a", NEWS)]);
        f.suggest("Pékin", "GPE", 0.9);
        f.suggest("ministre", "ORG", 0.4);
        let mut seen = Vec::new();
        for _ in 0..5 {
            f.run(Command::NextSpan);
            seen.push(f.selected());
        }
        assert_eq!(seen, ["ministre ORG?", "Sergueï Lavrov PER", "Wang Yi PER", "Pékin GPE?", "ministre ORG?"]);
        f.run(Command::PreviousSpan);
        assert_eq!(f.selected(), "Pékin GPE?", "Shift+Tab wraps back");
    }

    /// Find a few letters of a span, Esc: the span is selected, ready for
    /// Delete, the boundary keys or a label key (it was the letters, and
    /// Tab had to follow).
    #[test]
    fn closing_find_selects_the_span_or_suggestion_the_found_text_lies_in() {
        let mut f = app_with(&[("a", "[Wang Yi]{PER} et [Sergueï Lavrov]{PER} à Pékin puis Pékin.")]);
        f.suggest("Pékin", "GPE", 0.9);
        f.run(Command::FindNext("Lav".into()));
        f.run(Command::FindDone);
        assert_eq!(f.selected(), "Sergueï Lavrov PER");
        f.run(Command::FindNext("Péki".into()));
        f.run(Command::FindDone);
        assert_eq!(f.selected(), "Pékin GPE?");
        f.run(Command::FindNext("Péki".into()));
        f.run(Command::FindDone);
        assert_eq!(f.selected(), "[Péki]", "no span or suggestion there: the text stays selected");
    }

    /// Find, Esc, Tab reaches a span by a few letters of it: Tab from a
    /// text selection starts where the selection starts (it went past the
    /// span under the found letters).
    #[test]
    fn tab_after_find_selects_the_span_the_found_letters_start() {
        let mut f = app_with(&[("a", "[Wang Yi]{PER} et [Sergueï Lavrov]{PER} à [Pékin]{GPE}.")]);
        f.run(Command::FindNext("Serg".into()));
        assert_eq!(f.selected(), "[Serg]");
        f.run(Command::NextSpan);
        assert_eq!(f.selected(), "Sergueï Lavrov PER");
        f.run(Command::FindNext("Serg".into()));
        f.run(Command::PreviousSpan);
        assert_eq!(f.selected(), "Wang Yi PER");
    }

    #[test]
    fn j_and_k_visit_suggestions_only_or_by_score_when_uncertain_first() {
        let mut f = app_with(&[("a", NEWS)]);
        f.suggest("Pékin", "GPE", 0.9);
        f.suggest("ministre", "ORG", 0.4);
        f.suggest("3 mars", "DATE", 0.2);
        f.run(Command::NextSuggestion);
        f.run(Command::NextSuggestion);
        assert_eq!(f.selected(), "Pékin GPE?");
        f.run(Command::PreviousSuggestion);
        assert_eq!(f.selected(), "ministre ORG?");
        f.app.settings.uncertain_first = true;
        f.run(Command::NextSuggestion);
        assert_eq!(f.selected(), "Pékin GPE?", "after 0.4 comes 0.9");
        f.run(Command::NextSuggestion);
        assert_eq!(f.selected(), "3 mars DATE?", "then it wraps to the least certain");
    }

    #[test]
    fn the_caret_moves_by_words_and_shift_extends_the_selection() {
        let mut f = app_with(&[("a", NEWS)]);
        f.run(Command::CaretWordRight);
        f.run(Command::CaretWordRight);
        assert_eq!(f.selected(), "[]", "a caret before Sergueï");
        f.run(Command::ExtendWordRight);
        f.run(Command::ExtendWordRight);
        assert_eq!(f.selected(), "[Sergueï Lavrov]");
        f.run(Command::ExtendCharLeft);
        assert_eq!(f.selected(), "[Sergueï Lavro]");
    }

    #[test]
    fn find_selects_the_next_occurrence_or_the_span_that_is_exactly_it() {
        let mut f = app_with(&[("a", "[Lavrov]{PER} a vu Lavrov, puis Lavrov.")]);
        f.run(Command::FindNext("Lavrov".into()));
        assert_eq!(f.selected(), "Lavrov PER");
        f.run(Command::FindNext("Lavrov".into()));
        assert_eq!(f.selected(), "[Lavrov]");
        f.run(Command::FindNext("Zelensky".into()));
        assert!(f.last_message().contains("is not in this document"), "{}", f.last_message());
    }

    #[test]
    fn escape_cancels_the_draft_then_clears_the_selection() {
        let mut f = app_with(&[("a", NEWS)]);
        let head = f.span("Sergueï Lavrov");
        f.run(Command::SelectSpan(head));
        f.run(Command::StartRelation);
        assert!(f.open().draft.is_some());
        f.run(Command::Escape);
        assert!(f.open().draft.is_none());
        assert_eq!(f.selected(), "Sergueï Lavrov PER");
        f.run(Command::Escape);
        assert_eq!(f.selected(), "");
    }

    #[test]
    fn the_next_unfinished_document_skips_done_and_skipped_ones_and_wraps() {
        let mut f = app_with(&[("a", "A."), ("b", "B."), ("c", "C."), ("d", "D.")]);
        let status = [Status::InProgress, Status::Done, Status::Skipped, Status::New];
        for (e, s) in f.app.project.entries.iter_mut().zip(status) {
            e.summary.status = s;
        }
        assert_eq!(f.app.next_unfinished(Some(0)), Some(3));
        assert_eq!(f.app.next_unfinished(Some(3)), Some(0), "wraps");
        assert_eq!(f.app.next_unfinished(None), Some(0));
        f.app.project.entries[0].summary.status = Status::Done;
        assert_eq!(f.app.next_unfinished(Some(3)), None, "only itself is left");
    }

    #[test]
    fn next_and_previous_document_wrap() {
        let mut f = app_with(&[("a", "A."), ("b", "B.")]);
        f.run(Command::PreviousDocument);
        assert_eq!(f.open().doc.id.0, "b");
        f.run(Command::NextDocument);
        assert_eq!(f.open().doc.id.0, "a");
    }
}
