//! The next name without a span (n, Shift+N) and extending a selection
//! through the next name (Alt+N): names as `model::names` finds them, the
//! same f tags, read a stretch at a time from the selection on, so a
//! long article is read near the caret and never whole on a key press.
//!
//! Must not touch: the document (nothing here edits it).

use super::super::SpanlabApp;
use super::super::state::Selection;
use crate::model::CharIdx;
use crate::model::free::FreeCheck;
use crate::model::names::NameSearch;

/// How many code points one press of n or Alt+N reads at most: with no
/// name left within about that much of the caret, the caret moves to
/// where the search stopped and the next press goes on from there. Texts
/// up to about 1.5 million code points are searched whole, wrapping.
pub const NAME_SEARCH_BUDGET: usize = 2_000_000;

/// What n found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameStep {
    /// The name to select, `[start, end)`.
    Name(CharIdx, CharIdx),
    /// Every name has a span or a suggestion (or was turned down here).
    None,
    /// The search read its budget without finding one: it stopped here.
    Stopped(CharIdx),
}

impl SpanlabApp {
    /// Selects the next (or previous) name of the text (`model::names`)
    /// that no span or pending suggestion touches and that is not exactly
    /// a suggestion already decided on, after (or before) the selection,
    /// wrapping: a name the suggestions missed is then one label key away.
    pub(super) fn step_name(&mut self, forward: bool) {
        match self.name_step(forward).0 {
            NameStep::Name(a, b) => self.select(Selection::Text { anchor: a, head: b }),
            NameStep::None => self.info("every name of this document has a span or a suggestion"),
            NameStep::Stopped(at) => {
                self.select(Selection::Text { anchor: at, head: at });
                self.info(format!(
                    "no name without a span or suggestion within {NAME_SEARCH_BUDGET} characters {}: the caret is where the search stopped, {} goes on from there",
                    if forward { "after the selection" } else { "before the selection" },
                    if forward { "n" } else { "Shift+N" }
                ));
            }
        }
    }

    /// What n (`forward`) or Shift+N selects now, and how many code points
    /// of the text it read to find it.
    pub fn name_step(&self, forward: bool) -> (NameStep, usize) {
        let Some(open) = self.open.as_ref() else { return (NameStep::None, 0) };
        let doc = &open.doc;
        let text = doc.text();
        let range = |a: CharIdx, b: CharIdx| (a.min(b), a.max(b));
        let (lo, hi) = match open.selection {
            Selection::Text { anchor, head } => range(anchor, head),
            Selection::Span(id) => doc.spans().get(id).map_or((CharIdx::ZERO, CharIdx::ZERO), |s| (s.start, s.end)),
            Selection::Suggestion(id) => doc.suggestion(id).map_or((CharIdx::ZERO, CharIdx::ZERO), |s| (s.start, s.end)),
            Selection::Relation(_) | Selection::RelationSuggestion(_) | Selection::None => (self.selection_start(), self.selection_start()),
        };
        // The names come in text order (or the reverse): the spans and
        // suggestions near them are read a window at a time.
        let mut check = FreeCheck::new(doc);
        let mut free = |a: CharIdx, b: CharIdx| check.is_free(a, b);
        let mut search = NameSearch::new(text, NAME_SEARCH_BUDGET);
        let found = if forward {
            // The first free name from the selection's end, else the first
            // of the text.
            search.find(hi, text.end(), false, |(a, b)| free(a, b)).and_then(|n| match n {
                Some(n) => Ok(Some(n)),
                None => search.find(CharIdx::ZERO, hi, false, |(a, b)| free(a, b)),
            })
        } else {
            // The last free name ending by the selection's start, else the
            // last of the text (the name running across `lo` last of all).
            let mut across = None;
            search
                .find(CharIdx::ZERO, lo, true, |(a, b)| {
                    if b > lo {
                        across = across.or(Some((a, b)).filter(|_| free(a, b)));
                        return false;
                    }
                    free(a, b)
                })
                .and_then(|n| match n {
                    Some(n) => Ok(Some(n)),
                    None => search.find(lo, text.end(), true, |(a, b)| free(a, b)).map(|n| n.or(across)),
                })
        };
        let step = match found {
            Ok(Some((a, b))) => NameStep::Name(a, b),
            Ok(None) => NameStep::None,
            Err(at) => NameStep::Stopped(at),
        };
        (step, search.read())
    }

    /// Those of `ranges` that no span or pending suggestion touches and
    /// that are not exactly a suggestion already decided on
    /// ([`crate::model::free::is_free`], a window at a time: [`FreeCheck`]).
    pub(super) fn free_of(&self, ranges: Vec<(CharIdx, CharIdx)>) -> Vec<(CharIdx, CharIdx)> {
        let Some(open) = self.open.as_ref() else { return ranges };
        let mut check = FreeCheck::new(&open.doc);
        ranges.into_iter().filter(|&(a, b)| check.is_free(a, b)).collect()
    }

    /// Extends the text selection through the next name (`model::names`)
    /// that starts at or after its head: `[Organisation] de coopération de
    /// Shanghai` → `[Organisation de coopération de Shanghai]`.
    pub(super) fn extend_to_name(&mut self) {
        let Some(open) = self.open.as_ref() else { return };
        let Selection::Text { anchor, head } = open.selection else {
            self.info("select some text first (n selects the next name)");
            return;
        };
        let (from, to) = (anchor.min(head), anchor.max(head));
        let text = open.doc.text();
        match NameSearch::new(text, NAME_SEARCH_BUDGET).find(to, text.end(), false, |_| true) {
            Ok(Some((_, end))) => self.select(Selection::Text { anchor: from, head: end }),
            Ok(None) => self.info("no name after the selection"),
            Err(_) => self.info(format!("no name within {NAME_SEARCH_BUDGET} characters after the selection")),
        }
    }
}
