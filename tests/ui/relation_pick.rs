//! Issue 15: the relations the engine scores under the suggestion
//! threshold, one key away. `c` on a span shows its likely relations one
//! at a time (type and score on the arc, the list in the inspector),
//! likeliest first: Enter makes the one shown, x shows the next, a type's
//! key makes it with that type; the span stays selected; on a relation
//! just drawn, `c` goes on from its head. A relabel the span's
//! relations forbid offers, in place, to drop them (Enter), in one undo
//! step. Alt+A accepts the entity suggestions and leaves the suggested
//! relations to review (Enter, x; Shift+A takes those left).

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanlab::app::{Mode, Selection, SpanlabApp};

use super::relations::relations;
use super::*;

/// "Ada Quill a rencontré Boris Venn à Kessel, puis Carl Dunn.", every
/// name a span, nothing suggested.
fn four_names(h: &mut Harness<'_, SpanlabApp>, text: &str) {
    clear_suggestions(h);
    let at = |n: &str| text[..text.find(n).expect("in the text")].chars().count();
    let list: Vec<(usize, usize, &str)> = [("Ada Quill", "PER"), ("Boris Venn", "PER"), ("Kessel", "GPE"), ("Carl Dunn", "PER")]
        .iter()
        .filter(|(n, _)| text.contains(n))
        .map(|&(n, l)| (at(n), at(n) + n.chars().count(), l))
        .collect();
    add_suggestions(h, &list);
    key_mod(h, Modifiers::SHIFT, Key::A);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_relation_suggestions().len()), Some(0));
}

/// A window on one article of `text`, every name a span, nothing
/// suggested, and no relation suggested by itself (threshold 1.0): the
/// relations there are the ones the test makes. The fixture holds the
/// project's folder: keep it as long as the window.
fn four_names_window(text: &str) -> (Fixture, Harness<'static, SpanlabApp>) {
    let f = fixture(&[("a.txt", text)]);
    let mut h = harness(&f.root);
    h.state_mut().settings.relation_min_score = 1.0;
    four_names(&mut h, text);
    (f, h)
}

fn select_span(h: &mut Harness<'_, SpanlabApp>, name: &str) {
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    h.run_ok();
    for _ in 0..10 {
        key(h, Key::Tab);
        if selected_text(h) == name {
            return;
        }
    }
    panic!("Tab never reached {name}");
}

fn selected_text(h: &Harness<'_, SpanlabApp>) -> String {
    let open = h.state().open.as_ref().expect("open");
    match open.selection {
        Selection::Span(id) => open.doc.spans().get(id).map(|s| open.doc.span_text(s).to_owned()).unwrap_or_default(),
        other => format!("{other:?}"),
    }
}

/// The likely relation shown, as "head TYPE tail".
fn shown(h: &Harness<'_, SpanlabApp>) -> Option<String> {
    let open = h.state().open.as_ref()?;
    let r = open.pick.as_ref()?.shown()?.best()?;
    let name = |id| open.doc.spans().get(id).map(|s| open.doc.span_text(s).to_owned()).unwrap_or_default();
    Some(format!("{} {} {}", name(r.head), r.label, name(r.tail)))
}

#[test]
fn c_shows_a_spans_likely_relations_one_at_a_time_enter_makes_one() {
    let text = "Ada Quill a rencontré Boris Venn à Kessel.";
    let (_f, mut h) = four_names_window(text);
    select_span(&mut h, "Boris Venn");
    key(&mut h, Key::C);
    assert_eq!(h.state().mode(), Mode::ChoosingRelation);
    assert_eq!(shown(&h).as_deref(), Some("Ada Quill MEETS Boris Venn"), "\"a rencontré\": the likeliest");
    // The inspector lists them, with the type and the score.
    assert!(h.query_by_label_contains("Likely relations of “Boris Venn”").is_some());
    assert!(h.query_all_by_label_contains("Ada Quill —MEETS→ Boris Venn").next().is_some());
    // x shows the next; Shift+Tab goes back.
    key(&mut h, Key::X);
    let second = shown(&h).expect("a second one");
    assert_ne!(second, "Ada Quill MEETS Boris Venn");
    assert!(relations(&h).is_empty(), "x makes nothing");
    key_mod(&mut h, Modifiers::SHIFT, Key::Tab);
    assert_eq!(shown(&h).as_deref(), Some("Ada Quill MEETS Boris Venn"));
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    assert_eq!(h.state().mode(), Mode::Annotating);
    assert_eq!(selected_text(&h), "Boris Venn", "the span stays selected");
    // c again: the pair related comes last; a type's key makes the one
    // shown with that type.
    key(&mut h, Key::C);
    let next = shown(&h).expect("more");
    assert!(next.contains("Kessel"), "{next}");
    key(&mut h, Key::S);
    let rels = relations(&h);
    assert_eq!(rels.len(), 2, "{rels:?}");
    assert!(rels[1].contains(" SUPPORTS ") && rels[1].contains("Kessel"), "{rels:?}");
    // Esc stops without making anything; undo takes one back.
    key(&mut h, Key::C);
    key(&mut h, Key::Escape);
    assert_eq!(h.state().mode(), Mode::Annotating);
    assert_eq!(selected_text(&h), "Boris Venn");
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    // The help lists c once; the palette finds it.
    help_lists_once_and_palette_finds(&mut h, "Likely relations of the selected span", "likely relations", |_| ());
}

/// After a relation is drawn with r (and selected, for a type's key), c
/// goes through the likely relations of its head: the next one from the
/// same head without reaching it again.
#[test]
fn c_on_a_drawn_relation_goes_through_its_heads_likely_relations() {
    let text = "Ada Quill a rencontré Boris Venn à Kessel.";
    let (_f, mut h) = four_names_window(text);
    select_span(&mut h, "Ada Quill");
    key(&mut h, Key::R);
    key(&mut h, Key::Enter);
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    assert_eq!(h.state().mode(), Mode::RelationSelected);
    key(&mut h, Key::C);
    assert_eq!(h.state().mode(), Mode::ChoosingRelation, "from the relation's head");
    assert_eq!(selected_text(&h), "Ada Quill");
    let next = shown(&h).expect("a likely relation");
    assert!(next.contains("Kessel"), "Boris Venn, related already, comes last: {next}");
    key(&mut h, Key::Enter);
    let rels = relations(&h);
    assert_eq!(rels.len(), 2, "{rels:?}");
    assert!(rels[1].starts_with("Ada Quill ") && rels[1].ends_with(" Kessel"), "{rels:?}");
}

/// Relabelling a span whose relation the new label forbids used to be
/// refused ("VISITS cannot go from PER to ORG"): now the notice says so and
/// Enter relabels and drops the relation, in one undo step; any other key
/// leaves everything as it was.
#[test]
fn a_relabel_the_relations_forbid_is_offered_with_the_fix_in_place() {
    let text = "Ada Quill a rencontré Boris Venn à Kessel.";
    let (_f, mut h) = four_names_window(text);
    select_span(&mut h, "Ada Quill");
    key(&mut h, Key::R);
    for _ in 0..3 {
        if h.state().open.as_ref().and_then(|o| o.draft.as_ref()).is_some_and(|d| {
            d.candidates.get(d.index).and_then(|&t| h.state().open.as_ref()?.doc.spans().get(t)).is_some_and(|s| s.label == "GPE")
        }) {
            break;
        }
        key(&mut h, Key::Tab);
    }
    key(&mut h, Key::Enter);
    key(&mut h, Key::V);
    assert_eq!(relations(&h), ["Ada Quill VISITS Kessel"]);
    // Kessel as ORG: VISITS cannot end on an organization.
    select_span(&mut h, "Kessel");
    key(&mut h, Key::O);
    assert!(h.query_by_label_contains("press Enter to relabel and drop it").is_some(), "the notice offers the fix");
    assert!(h.query_by_label_contains("Ada Quill VISITS Kessel").is_some(), "and names the relation");
    assert_eq!(spans(&h).iter().find(|s| s.0 == "Kessel").map(|s| s.1.as_str()), Some("GPE"), "nothing changed yet");
    // Another key: the offer goes, nothing changes.
    key(&mut h, Key::ArrowRight);
    select_span(&mut h, "Kessel");
    key(&mut h, Key::Enter);
    assert_eq!(spans(&h).iter().find(|s| s.0 == "Kessel").map(|s| s.1.as_str()), Some("GPE"));
    assert_eq!(relations(&h), ["Ada Quill VISITS Kessel"]);
    // The label key again, then Enter: relabelled, the relation dropped.
    key(&mut h, Key::O);
    key(&mut h, Key::Enter);
    assert_eq!(spans(&h).iter().find(|s| s.0 == "Kessel").map(|s| s.1.as_str()), Some("ORG"));
    assert!(relations(&h).is_empty());
    // One undo step brings both back.
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans(&h).iter().find(|s| s.0 == "Kessel").map(|s| s.1.as_str()), Some("GPE"));
    assert_eq!(relations(&h), ["Ada Quill VISITS Kessel"]);
}

/// Alt+A accepts the entity suggestions and leaves the suggested relations
/// to review (j): a wrong one costs x (after Shift+A it cost reaching it
/// with period, then Delete); Shift+A takes those left, even with a
/// suggested relation selected (there a plain a gives the type DATE_OF,
/// and Shift+A was taken for it).
#[test]
fn alt_a_accepts_the_entities_and_the_suggested_relations_wait_for_review() {
    let f = fixture(&[("a.txt", super::relations::SAMPLE)]);
    let mut h = harness(&f.root);
    super::relations::sample(&mut h);
    key_mod(&mut h, Modifiers::ALT, Key::A);
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.doc.pending_count(), 0, "every entity suggestion accepted");
    assert_eq!(open.doc.spans().len(), 3);
    assert!(relations(&h).is_empty(), "no relation accepted unseen");
    assert_eq!(open.doc.pending_relation_suggestions().len(), 3);
    assert!(h.query_by_label_contains("3 suggested relations to review (j: the first").is_some());
    key(&mut h, Key::J);
    assert_eq!(h.state().mode(), Mode::SuggestedRelationSelected, "j reaches the first");
    key(&mut h, Key::X);
    assert_eq!(h.state().mode(), Mode::SuggestedRelationSelected, "then the next");
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    assert_eq!(relations(&h), ["Ada Quill VISITS Kessel", "Boris Venn VISITS Kessel"], "Shift+A took those left");
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_count()), Some(2), "undo, step by step");
    h.key_press(Key::F1);
    h.run_ok();
    assert_eq!(h.query_all_by_label_contains("Accept all entity suggestions; the suggested relations wait").count(), 1);
}

/// When the last suggested relation is decided, the window suggests those
/// the spans as they are now make possible (what Ctrl+R does) and the
/// review goes on with the first: no Ctrl+R to remember.
#[test]
fn deciding_the_last_suggested_relation_suggests_those_the_spans_now_allow() {
    use spanlab::model::edit::Edit;
    use spanlab::model::{RecognizerName, RelationEnd, RelationSuggestion, RelationSuggestionState};
    let text = "Ada Quill a rencontré Boris Venn mardi, puis elle est arrivée à Kessel.";
    let f = fixture(&[("a.txt", text)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(0, 9, "PER"), (22, 32, "PER"), (64, 70, "GPE")]);
    key_mod(&mut h, Modifiers::ALT, Key::A);
    // One suggested relation to review: Ada MEETS Boris.
    let schema = h.state().project.schema.clone();
    let open = h.state_mut().open.as_mut().expect("open");
    let ids: Vec<_> = open.doc.spans().iter().map(|s| s.id).collect();
    let id = open.doc_mut().fresh_suggestion_id();
    let meets = RelationSuggestion {
        id,
        head: RelationEnd::Span(ids[0]),
        tail: RelationEnd::Span(ids[1]),
        label: "MEETS".into(),
        recognizer: RecognizerName::Relations,
        score: 0.9,
        state: RelationSuggestionState::Pending,
    };
    open.doc_mut().apply(Edit::AddRelationSuggestions { suggestions: vec![meets] }, &schema).expect("suggested");
    h.run_ok();
    key(&mut h, Key::J);
    assert_eq!(h.state().mode(), Mode::SuggestedRelationSelected);
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    let open = h.state().open.as_ref().expect("open");
    let doc = &open.doc;
    let name = |e| doc.end_place(e).and_then(|p| doc.text().slice(p.0, p.1)).unwrap_or("").to_owned();
    let next: Vec<String> =
        doc.pending_relation_suggestions().iter().map(|r| format!("{} {} {}", name(r.head), r.label, name(r.tail))).collect();
    assert!(next.iter().any(|r| r.ends_with(" Kessel")), "\"est arrivée à\" points at Kessel: {next:?}");
    assert_eq!(h.state().mode(), Mode::SuggestedRelationSelected, "the first new one is selected");
    assert!(h.query_by_label_contains("the review goes on").is_some());
}

/// Reviewing the suggested relations, Shift+X rejects those left (each as
/// x would), as Shift+A accepts them.
#[test]
fn shift_x_rejects_the_suggested_relations_left() {
    let f = fixture(&[("a.txt", super::relations::SAMPLE)]);
    let mut h = harness(&f.root);
    super::relations::sample(&mut h);
    key_mod(&mut h, Modifiers::ALT, Key::A);
    key(&mut h, Key::J);
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_relation_suggestions().len()), Some(2));
    key_mod(&mut h, Modifiers::SHIFT, Key::X);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_relation_suggestions().len()), Some(0), "both rejected");
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.spans().len()), Some(3), "the spans stay");
}

/// Shift+C reaches a span by the first letters of a word of its name and
/// lists its likely relations: a relation between two spans not selected
/// costs Shift+C, a letter or two, Enter, and Enter again when it is the
/// likeliest (Ctrl+F, the letters, Esc, then c was one key more).
#[test]
fn shift_c_reaches_a_span_by_name_and_lists_its_likely_relations() {
    let text = "Ada Quill a rencontré Boris Venn à Kessel, puis Carl Dunn et Bob Kent.";
    let (_f, mut h) = four_names_window(text);
    // Bob Kent: a fifth span, a second name with a word starting "k".
    let at = text[..text.find("Bob Kent").expect("in the text")].chars().count();
    add_suggestions(&mut h, &[(at, at + "Bob Kent".len(), "PER")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    select_span(&mut h, "Ada Quill");
    key_mod(&mut h, Modifiers::SHIFT, Key::C);
    // The prompt: the letters select, as typed, the first span so named
    // after the caret (a word of the name: "k" is Kessel, then Bob Kent).
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Span named").type_text("k");
    h.run_ok();
    assert_eq!(selected_text(&h), "Kessel");
    assert!(h.query_by_label("1 of 2").is_some(), "which of the spans so named");
    key(&mut h, Key::ArrowDown);
    assert_eq!(selected_text(&h), "Bob Kent", "↓: the next span so named");
    key(&mut h, Key::ArrowUp);
    assert_eq!(selected_text(&h), "Kessel", "↑: the previous one");
    // Enter: the prompt closes and the span's likely relations show, as c.
    key(&mut h, Key::Enter);
    assert_eq!(h.state().dialog, spanlab::app::Dialog::None);
    assert_eq!(h.state().mode(), Mode::ChoosingRelation);
    assert_eq!(selected_text(&h), "Kessel");
    let first = shown(&h).expect("a likely relation of Kessel");
    assert!(first.contains("Kessel"), "{first}");
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), [first]);
    // Esc closes the prompt with the span found selected, and nothing made.
    key_mod(&mut h, Modifiers::SHIFT, Key::C);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Span named").type_text("CÁRL");
    h.run_ok();
    assert_eq!(selected_text(&h), "Carl Dunn", "case and accents do not matter");
    key(&mut h, Key::Escape);
    assert_eq!(h.state().dialog, spanlab::app::Dialog::None);
    assert_eq!(h.state().mode(), Mode::Annotating);
    assert_eq!(selected_text(&h), "Carl Dunn");
    assert_eq!(relations(&h).len(), 1);
    // The help lists it once; the palette finds it.
    help_lists_once_and_palette_finds(&mut h, "Likely relations of a span reached by name", "span reached by name", |h| {
        assert_eq!(h.query_all_by_label("Shift+C").count(), 1, "Shift+C is this command's key only");
    });
}

/// A keyboard's Shift+C also types "C": that text is the shortcut's, not
/// the first letter of a name (it would put "C" in the prompt it opens,
/// and the letters typed next would find nothing).
#[test]
fn the_c_that_shift_c_types_stays_out_of_its_prompt() {
    let text = "Ada Quill a rencontré Boris Venn à Kessel.";
    let (_f, mut h) = four_names_window(text);
    select_span(&mut h, "Ada Quill");
    let shift_c = |pressed| egui::Event::Key { key: Key::C, physical_key: None, pressed, repeat: false, modifiers: Modifiers::SHIFT };
    h.input_mut().events.extend([shift_c(true), egui::Event::Text("C".into()), shift_c(false)]);
    h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Span named").type_text("ke");
    h.run_ok();
    let query = match &h.state().dialog {
        spanlab::app::Dialog::Relate { query, .. } => query.clone(),
        other => panic!("the prompt is open, got {other:?}"),
    };
    assert_eq!(query, "ke");
    assert_eq!(selected_text(&h), "Kessel");
}
