//! The likely relations of a span (`c`): every pair the selected span makes
//! with a span of its paragraph, in either direction, read by the relation
//! engine (its best type for the pair, with the score), likeliest first;
//! one is shown at a time, as an arc in the article and a row in the
//! inspector. Enter makes it; x, Tab or → shows the next, Shift+Tab or ←
//! the previous; a type's key or its number makes it with that type; Esc
//! stops. The span stays selected, so `c` again offers the next one.
//!
//! Drawing a relation the engine scored under the suggestion threshold
//! costs the key that reaches one of its ends, `c`, and Enter when it is
//! the likeliest of that span (with `r`: the head, r, the tail, the type).
//!
//! Shift+C reaches the span first, by name: the first letters of a word of
//! its name select, as they are typed, the first span so named after the
//! caret (↓ / ↑ the next / previous one), and Enter lists its likely
//! relations. A relation between two spans not selected costs Shift+C, a
//! letter or two, Enter, and Enter again when it is the likeliest.
//!
//! Every change is an [`Edit`] applied through [`SpanlabApp::edit`]. Must
//! not touch: the relation engine's insides (its public scores only).

use super::super::SpanlabApp;
use super::super::state::{Dialog, PickReading, RelationChoice, RelationPick, Selection};
use super::relations::tail_distance;
use crate::model::edit::Edit;
use crate::model::everywhere::fold_loosely;
use crate::model::{CharIdx, RelationEnd, SpanId};

impl SpanlabApp {
    /// The selected span, or a selected relation's head (the relation just
    /// made: the next one from the same head).
    pub(super) fn span_for_relations(&self) -> Option<SpanId> {
        let open = self.open.as_ref()?;
        match open.selection {
            Selection::Span(id) => Some(id),
            Selection::Relation(id) => open.doc.relation(id).map(|r| r.head),
            _ => None,
        }
    }

    /// The likely relations of `span`: one entry per span of its paragraph
    /// (but another mention of its name), holding every relation the
    /// schema allows between the two, either way, scored by the engine,
    /// best first (a symmetric type once, from the earlier mention); the
    /// entries sorted by their best score, the nearest first among equals,
    /// pairs already related last.
    pub(crate) fn relation_readings(&self, span: SpanId) -> Vec<PickReading> {
        let Some(open) = &self.open else { return Vec::new() };
        let doc = &open.doc;
        let Some(s) = doc.spans().get(span) else { return Vec::new() };
        let related = |a: SpanId, b: SpanId| doc.relations().any(|r| (r.head, r.tail) == (a, b) || (r.head, r.tail) == (b, a));
        let symmetric = |label: &str| self.project.schema.relation(label).is_some_and(|r| r.symmetric);
        let mut out: Vec<(bool, f32, usize, PickReading)> = Vec::new();
        let name = doc.span_text(s);
        // Another mention of the same name is the same entity, not a party
        // to a relation with it.
        for t in doc.spans().iter().filter(|t| t.id != span && doc.span_text(t) != name) {
            let distance = tail_distance(doc.text(), s, t);
            // Relations join mentions of one paragraph.
            if distance >= 1_000_000 {
                continue;
            }
            let (first, second) = if t.start < s.start { (t.id, span) } else { (span, t.id) };
            let mut choices: Vec<RelationChoice> = Vec::new();
            for (head, tail) in [(span, t.id), (t.id, span)] {
                for (label, score) in self.scored_types(RelationEnd::Span(head), RelationEnd::Span(tail)) {
                    // MEETS read from the other end is the same relation.
                    let (head, tail) = if symmetric(&label) { (first, second) } else { (head, tail) };
                    if choices.iter().any(|c| (c.head, c.tail) == (head, tail) && c.label == label) {
                        continue;
                    }
                    choices.push(RelationChoice { head, tail, label, score });
                }
            }
            choices.sort_by(|a, b| b.score.total_cmp(&a.score));
            let Some(best) = choices.first().map(|c| c.score) else { continue };
            out.push((related(span, t.id), best, distance, PickReading { choices }));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        out.into_iter().map(|x| x.3).collect()
    }

    /// Starts going through the likely relations of the selected span.
    pub(super) fn start_pick(&mut self) {
        let Some(span) = self.span_for_relations() else {
            self.info("select a span first (Tab), then press c for its likely relations");
            return;
        };
        let readings = self.relation_readings(span);
        if readings.is_empty() {
            self.info("no span of this paragraph can be related to this one");
            return;
        }
        let n = readings.len();
        if let Some(open) = self.open.as_mut() {
            open.draft = None;
            open.selection = Selection::Span(span);
            open.pick = Some(RelationPick { span, readings, index: 0 });
        }
        self.show_pick();
        let s = if n == 1 { "" } else { "s" };
        self.info(format!(
            "{n} likely relation{s}: Enter makes the one shown, x or Tab the next, a type's key or number retypes, Esc stops"
        ));
    }

    /// Shows the next (or previous) likely relation, wrapping.
    pub(super) fn step_pick(&mut self, forward: bool) {
        let Some(pick) = self.open.as_mut().and_then(|o| o.pick.as_mut()) else { return };
        let n = pick.readings.len().max(1);
        pick.index = if forward { (pick.index + 1) % n } else { (pick.index + n - 1) % n };
        self.show_pick();
    }

    /// Brings the other end of the pair shown into view.
    fn show_pick(&mut self) {
        let Some(open) = self.open.as_mut() else { return };
        let Some(pick) = &open.pick else { return };
        let other = pick.shown().and_then(|r| r.best()).map(|r| if r.head == pick.span { r.tail } else { r.head });
        open.scroll_to = other.and_then(|o| open.doc.spans().get(o)).map(|s| s.start.into());
    }

    /// Makes the relation of the pair shown: its best, or the best of type
    /// `label`; the span stays selected.
    pub(super) fn take_pick(&mut self, label: Option<&str>) {
        let Some(reading) = self.open.as_ref().and_then(|o| o.pick.as_ref()).and_then(|p| p.shown()) else { return };
        let choice = match label {
            None => reading.best(),
            Some(l) => reading.choices.iter().find(|c| c.label == l),
        };
        match choice.cloned() {
            Some(c) => self.make_choice(c),
            None => {
                let Some(open) = &self.open else { return };
                let (a, b) = reading.best().map_or((SpanId(0), SpanId(0)), |c| (c.head, c.tail));
                let place = |id| open.doc.spans().get(id).map(|s| s.label.clone()).unwrap_or_default();
                let text = format!("{} does not join {} and {}", label.unwrap_or(""), place(a), place(b));
                self.info(text);
            }
        }
    }

    /// Makes the relation at place `n` (from 0) of the pair shown's list.
    pub(super) fn take_pick_at(&mut self, n: usize) {
        let choice = self.open.as_ref().and_then(|o| o.pick.as_ref()).and_then(|p| p.shown()).and_then(|r| r.choices.get(n)).cloned();
        if let Some(c) = choice {
            self.make_choice(c);
        }
    }

    /// Makes one relation of the pair shown, teaches the engine, and keeps
    /// the span selected.
    fn make_choice(&mut self, c: RelationChoice) {
        let Some(open) = self.open.as_ref() else { return };
        let Some(span) = open.pick.as_ref().map(|p| p.span) else { return };
        let RelationChoice { head, tail, label, .. } = c;
        let labels = (
            open.doc.spans().get(head).map(|s| s.label.clone()).unwrap_or_default(),
            open.doc.spans().get(tail).map(|s| s.label.clone()).unwrap_or_default(),
        );
        let name = |id| open.doc.spans().get(id).map(|s| open.doc.span_text(s).to_owned()).unwrap_or_default();
        let what = format!("{} {label} {}", name(head), name(tail));
        let Some(open) = self.open.as_mut() else { return };
        // The pair suggested already (any type, this direction): accepting
        // that suggestion makes the relation, so none stays pending beside it.
        let doc = open.doc_mut();
        let suggested = doc
            .pending_relation_suggestions()
            .into_iter()
            .find(|r| doc.end_span(r.head) == Some(head) && doc.end_span(r.tail) == Some(tail))
            .map(|r| r.id);
        let edit = match suggested.and_then(|id| doc.accept_relation_suggestion_edit(id, Some(&label))) {
            Some(edit) => edit,
            None => doc.add_relation_edit(head, tail, &label),
        };
        if !matches!(edit, Edit::AddRelation { .. } | Edit::Batch { .. }) {
            return;
        }
        self.teach_drawn(head, tail, &label);
        if self.edit(edit, &format!("new {label} relation")) {
            *self.relation_counts.entry((labels.0, labels.1, label.clone())).or_default() += 1;
            if let Some(open) = self.open.as_mut() {
                open.pick = None;
                open.selection = Selection::Span(span);
            }
            self.info(format!("{what}; c again for the next likely relation of this span"));
        }
    }
}

/// Whether a word of `name` starts with `letters` (both folded loosely:
/// case, accents, apostrophes and dashes do not matter).
fn named(name: &str, letters: &str) -> bool {
    let (name, letters) = (fold_loosely(name), fold_loosely(letters));
    let letters = letters.trim_start();
    if letters.is_empty() {
        return false;
    }
    let mut word_start = true;
    for (i, c) in name.char_indices() {
        if word_start && name.get(i..).is_some_and(|rest| rest.starts_with(letters)) {
            return true;
        }
        word_start = !c.is_alphanumeric();
    }
    false
}

impl SpanlabApp {
    /// Opens the prompt that reaches a span by the first letters of its
    /// name (Shift+C), searching from the caret.
    pub(super) fn show_relate_by_name(&mut self) {
        if self.open.is_none() {
            return;
        }
        let origin = self.find_origin();
        self.dialog = Dialog::Relate { query: String::new(), fresh: true, origin };
    }

    /// The spans with a word of their name starting with `letters`, in text order.
    pub fn spans_named(&self, letters: &str) -> Vec<(CharIdx, SpanId)> {
        let Some(open) = &self.open else { return Vec::new() };
        let doc = &open.doc;
        let mut v: Vec<(CharIdx, SpanId)> =
            doc.spans().iter().filter(|s| named(doc.span_text(s), letters)).map(|s| (s.start, s.id)).collect();
        v.sort();
        v
    }

    /// Selects the first span so named that starts at or after `from`
    /// (wrapping), or says there is none.
    pub(super) fn name_from(&mut self, letters: &str, from: CharIdx) {
        let spans = self.spans_named(letters);
        match spans.iter().find(|s| s.0 >= from).or(spans.first()) {
            Some(&(_, id)) => self.select(Selection::Span(id)),
            None if !letters.trim().is_empty() => self.info(format!("no span's name has a word starting with {letters:?}")),
            None => {}
        }
    }

    /// Selects the next (or previous) span so named after (before) the
    /// selected one, wrapping.
    pub(super) fn step_named(&mut self, letters: &str, forward: bool) {
        let spans = self.spans_named(letters);
        let here = self.open.as_ref().and_then(|o| match o.selection {
            Selection::Span(id) => spans.iter().position(|s| s.1 == id),
            _ => None,
        });
        let n = spans.len();
        let next = match here {
            Some(i) if forward => spans.get((i + 1) % n),
            Some(i) => spans.get((i + n - 1) % n),
            None => spans.first(),
        };
        if let Some(&(_, id)) = next {
            self.select(Selection::Span(id));
        }
    }

    /// Closes the prompt and goes through the likely relations of the span
    /// it selected.
    pub(super) fn relate_named(&mut self) {
        self.dialog = Dialog::None;
        if matches!(self.open.as_ref().map(|o| o.selection), Some(Selection::Span(_))) {
            self.start_pick();
        } else {
            self.info("no span selected: type the first letters of a word of its name");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::testing::app_with;
    use crate::app::{Command, Mode};

    const TEXT: &str = "[Ada Quill]{PER} a rencontré [Boris Venn]{PER} à [Kessel]{GPE}.\n[Carl Dunn]{PER} dort.";

    #[test]
    fn c_lists_the_pairs_of_the_paragraph_either_way_likeliest_first() {
        let mut f = app_with(&[("a", TEXT)]);
        let boris = f.span("Boris Venn");
        let readings = f.app.relation_readings(boris);
        let doc = &f.open().doc;
        let name = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
        let best: Vec<_> = readings.iter().filter_map(|r| r.best()).collect();
        let shown: Vec<String> = best.iter().map(|r| format!("{} {} {}", name(r.head), r.label, name(r.tail))).collect();
        assert_eq!(shown.first().map(String::as_str), Some("Ada Quill MEETS Boris Venn"), "{shown:?}");
        assert_eq!(shown.len(), 2, "one entry per other span of the paragraph (Carl Dunn is in another): {shown:?}");
        assert!(shown.iter().any(|r| r.contains("Kessel")), "{shown:?}");
        assert!(best.windows(2).all(|w| w[0].score >= w[1].score), "best first");
        let ada = &readings[0].choices;
        assert_eq!(ada.iter().filter(|c| c.label == "MEETS").count(), 1, "MEETS is read once per pair: {ada:?}");
        assert!(ada.iter().any(|c| c.label == "SUPPORTS" && name(c.head) == "Boris Venn"), "both ways: {ada:?}");
        assert!(ada.windows(2).all(|w| w[0].score >= w[1].score), "best first");
        f.run(Command::SelectSpan(boris));
        f.run(Command::PickRelation);
        assert_eq!(f.app.mode(), Mode::ChoosingRelation);
        f.run(Command::TakePick);
        assert_eq!(f.relation_lines(), ["Ada Quill MEETS Boris Venn"]);
        assert_eq!(f.selected(), "Boris Venn PER", "the span stays selected");
        assert_eq!(f.app.mode(), Mode::Annotating);
        // Again: the pair made comes last.
        let again = f.app.relation_readings(boris);
        assert_eq!(again.last().and_then(|r| r.best()).map(|r| r.label.as_str()), Some("MEETS"), "related pairs last");
    }

    #[test]
    fn a_span_is_named_by_the_first_letters_of_any_word_of_its_name() {
        use super::named;
        assert!(named("Sergueï Lavrov", "la"));
        assert!(named("Sergueï Lavrov", "SERGUEI"), "case and accents do not matter");
        assert!(named("Organisation de coopération de Shanghai", "coop"));
        assert!(named("Kim Jong-un", "un"), "a word after a dash");
        assert!(!named("Sergueï Lavrov", "av"), "not inside a word");
        assert!(!named("Lavrov", ""), "no letters name nothing");
    }

    /// Making with c the relation a pending suggestion already proposes
    /// accepts that suggestion: no second copy waits for review (seen under
    /// Xvfb: after Alt+A, c and Enter on "Wang Yi" made MEETS and the
    /// suggested MEETS stayed in the list, drawn twice).
    #[test]
    fn c_making_a_suggested_relation_accepts_the_suggestion() {
        use crate::model::edit::Edit;
        use crate::model::{RecognizerName, RelationEnd, RelationSuggestion, RelationSuggestionState};
        let mut f = app_with(&[("a", TEXT)]);
        let (ada, boris) = (f.span("Ada Quill"), f.span("Boris Venn"));
        let schema = f.app.project.schema.clone();
        let open = f.app.open.as_mut().unwrap();
        let id = open.doc_mut().fresh_suggestion_id();
        let suggestions = vec![RelationSuggestion {
            id,
            head: RelationEnd::Span(ada),
            tail: RelationEnd::Span(boris),
            label: "MEETS".into(),
            recognizer: RecognizerName::Relations,
            score: 0.86,
            state: RelationSuggestionState::Pending,
        }];
        open.doc_mut().apply(Edit::AddRelationSuggestions { suggestions }, &schema).unwrap();
        f.run(Command::SelectSpan(boris));
        f.run(Command::PickRelation);
        f.run(Command::TakePick);
        assert_eq!(f.relation_lines(), ["Ada Quill MEETS Boris Venn"]);
        let doc = &f.open().doc;
        assert!(doc.pending_relation_suggestions().is_empty(), "the suggestion was taken, not left pending");
        assert!(!doc.relation_suggestion(id).unwrap().is_pending());
    }
}
