//! Issue 15: a key path to every accepted relation. Period steps through
//! the relations in reading order (by head, then tail), comma steps back;
//! from a selected span the first relation headed there is one key away;
//! then Delete removes it and a type's key retypes it.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use spanlab::app::{Mode, Selection};

use super::relations::{relations, sample, selection};
use super::*;

fn selected_relation(h: &Harness<'_, SpanlabApp>) -> String {
    let open = h.state().open.as_ref().expect("open");
    let doc = &open.doc;
    let Selection::Relation(id) = open.selection else { return format!("{:?}", open.selection) };
    let r = doc.relation(id).expect("the selected relation exists");
    let name = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
    format!("{} {} {}", name(r.head), r.label, name(r.tail))
}

#[test]
fn period_and_comma_reach_every_accepted_relation_to_delete_or_retype_it() {
    let f = fixture(&[("a.txt", super::relations::SAMPLE)]);
    let mut h = harness(&f.root);
    sample(&mut h);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    assert_eq!(relations(&h).len(), 3, "accept all took the three suggested relations");
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    h.run_ok();
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Ada Quill MEETS Boris Venn");
    assert_eq!(h.state().mode(), Mode::RelationSelected);
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Ada Quill VISITS Kessel");
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Boris Venn VISITS Kessel");
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Ada Quill MEETS Boris Venn", "it wraps");
    key(&mut h, Key::Comma);
    assert_eq!(selected_relation(&h), "Boris Venn VISITS Kessel", "comma steps back, wrapping");
    // A type's key retypes the selected relation.
    key(&mut h, Key::S);
    assert_eq!(selected_relation(&h), "Boris Venn SUPPORTS Kessel");
    // From a selected span, period reaches the first relation headed there.
    key(&mut h, Key::Escape);
    key(&mut h, Key::Tab);
    key(&mut h, Key::Tab);
    assert!(matches!(selection(&h), Selection::Span(_)), "Boris Venn");
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Boris Venn SUPPORTS Kessel");
    // Delete removes it, and only it.
    key(&mut h, Key::Delete);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn", "Ada Quill VISITS Kessel"]);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(relations(&h).len(), 3, "undo brings it back");
    // The help and the palette list the keys.
    h.key_press(Key::F1);
    h.run_ok();
    assert!(h.query_by_label_contains("Next relation, in reading order by its head").is_some());
    key(&mut h, Key::Escape);
    key_mod(&mut h, Modifiers::COMMAND, Key::P);
    type_text(&mut h, "previous relation");
    assert!(h.query_by_label_contains("Previous relation, in reading order").is_some());
}

#[test]
fn period_in_a_document_without_relations_says_so() {
    let f = fixture(&[("a.txt", "Ada Quill dort.")]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    key(&mut h, Key::Period);
    assert_eq!(selection(&h), Selection::None);
    assert!(h.query_by_label_contains("no relations in this document yet").is_some());
}

/// After r the engine's most likely tail is under the cursor (not merely
/// the nearest span), with its most likely type first: r, Enter, Enter.
/// A tail already related to the head comes after the others.
#[test]
fn r_preselects_the_tail_the_relation_engine_finds_most_likely() {
    let f = fixture(&[("a.txt", "Depuis Kessel, Ada Quill a rencontré Boris Venn hier soir.")]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(7, 13, "GPE"), (15, 24, "PER"), (37, 47, "PER")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    let ada = |h: &mut Harness<'_, SpanlabApp>| {
        h.state_mut().open.as_mut().expect("open").selection = Selection::None;
        key(h, Key::Tab);
        key(h, Key::Tab);
        assert!(matches!(selection(h), Selection::Span(_)), "Ada Quill");
    };
    ada(&mut h);
    key(&mut h, Key::R);
    assert_eq!(h.state().mode(), Mode::ChoosingTail);
    key(&mut h, Key::Enter);
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"], "Kessel is nearer, but \"a rencontré\" points at Boris Venn");
    ada(&mut h);
    key(&mut h, Key::R);
    key(&mut h, Key::Enter);
    key(&mut h, Key::Enter);
    let rels = relations(&h);
    assert_eq!(rels.len(), 2);
    assert!(rels[1].starts_with("Ada Quill ") && rels[1].ends_with(" Kessel"), "Boris Venn, related already, comes last: {rels:?}");
}

/// Issue 15: after the entities are fixed, Ctrl+R suggests the relations
/// between the spans as they are (the first suggestions only saw the
/// engine's own entities), from the relation threshold on; the first is
/// selected, Enter accepts and moves on, x rejects; a pair decided is not
/// suggested again; the help and the palette list the key.
#[test]
fn ctrl_r_suggests_relations_between_the_spans_as_they_are() {
    let f = fixture(&[("a.txt", "Ada Quill a rencontré Boris Venn mardi, puis elle est arrivée à Kessel.")]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    // Named by hand: no relation was suggested with them.
    add_suggestions(&mut h, &[(0, 9, "PER"), (22, 32, "PER"), (64, 70, "GPE")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_relation_suggestions().len()), Some(0));
    // Above every score: nothing, and it says so.
    h.state_mut().settings.relation_min_score = 1.0;
    key_mod(&mut h, Modifiers::COMMAND, Key::R);
    assert!(h.query_by_label_contains("no new relation between the spans scores 1.00 or more").is_some());
    h.state_mut().settings.relation_min_score = spanlab::app::settings::DEFAULT_RELATION_MIN_SCORE;
    key_mod(&mut h, Modifiers::COMMAND, Key::R);
    assert_eq!(h.state().mode(), Mode::SuggestedRelationSelected, "the first is selected");
    let suggested = |h: &Harness<'_, SpanlabApp>| {
        let doc = &h.state().open.as_ref().expect("open").doc;
        let name = |e| doc.end_place(e).and_then(|p| doc.text().slice(p.0, p.1)).unwrap_or("").to_owned();
        doc.pending_relation_suggestions().iter().map(|r| format!("{} {} {}", name(r.head), r.label, name(r.tail))).collect::<Vec<_>>()
    };
    let first = suggested(&h);
    assert_eq!(first.first().map(String::as_str), Some("Ada Quill MEETS Boris Venn"), "{first:?}");
    assert!(first.iter().any(|r| r.ends_with(" Kessel")), "\"est arrivée à\" points at Kessel: {first:?}");
    key(&mut h, Key::Enter);
    assert_eq!(relations(&h), ["Ada Quill MEETS Boris Venn"]);
    assert_eq!(h.state().mode(), Mode::SuggestedRelationSelected, "the next is selected");
    let rejected = suggested(&h)[0].clone();
    key(&mut h, Key::X);
    let left = suggested(&h).len();
    // Again: what was accepted or rejected is not suggested again.
    key_mod(&mut h, Modifiers::COMMAND, Key::R);
    let again = suggested(&h);
    assert_eq!(again.len(), left, "{again:?}");
    assert!(!again.contains(&rejected), "{rejected} was rejected: {again:?}");
    assert!(!again.iter().any(|r| r == "Ada Quill MEETS Boris Venn"));
    // The help lists the key once; the palette finds the command.
    help_lists_once_and_palette_finds(&mut h, "Suggest relations between the spans as they are now", "suggest relations", |_| ());
}

/// Issue 15: after Delete on a relation a caret stays where its head
/// starts, so period goes on to the next relation in reading order (it
/// went back to the first one, and fixing relations in a long article
/// cost a walk from the top for each).
#[test]
fn after_deleting_a_relation_period_goes_on_from_where_it_was() {
    let text = "Ada Quill a vu Boris Venn. Carl Dunn a vu Dina Roy. Eva Lind a vu Finn Berg.";
    let f = fixture(&[("a.txt", text)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    let names = ["Ada Quill", "Boris Venn", "Carl Dunn", "Dina Roy", "Eva Lind", "Finn Berg"];
    let at = |n: &str| text[..text.find(n).expect("in the text")].chars().count();
    let list: Vec<(usize, usize, &str)> = names.iter().map(|n| (at(n), at(n) + n.chars().count(), "PER")).collect();
    add_suggestions(&mut h, &list);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    let ids: Vec<_> = h.state().open.as_ref().expect("open").doc.spans().iter().map(|s| s.id).collect();
    for pair in ids.chunks(2) {
        let edit = h.state_mut().open.as_mut().expect("open").doc_mut().add_relation_edit(pair[0], pair[1], "MEETS");
        assert!(h.state_mut().edit(edit, "draw"));
    }
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    key(&mut h, Key::Period);
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Carl Dunn MEETS Dina Roy");
    key(&mut h, Key::Delete);
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Eva Lind MEETS Finn Berg", "the next one, not the first");
}

/// Issue 15: Ctrl+F with a relation selected searches from its head (as
/// from a selected span), not from the top of the article: after drawing
/// a relation, the next head is a few letters away even when its name
/// occurs earlier too.
#[test]
fn find_from_a_selected_relation_starts_at_its_head() {
    let text = "Ada Quill a vu Boris Venn. Ada Quill a vu Carl Dunn.";
    let f = fixture(&[("a.txt", text)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(0, 9, "PER"), (15, 25, "PER"), (27, 36, "PER"), (42, 51, "PER")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    let ids: Vec<_> = h.state().open.as_ref().expect("open").doc.spans().iter().map(|s| s.id).collect();
    let edit = h.state_mut().open.as_mut().expect("open").doc_mut().add_relation_edit(ids[0], ids[1], "MEETS");
    assert!(h.state_mut().edit(edit, "draw"));
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    key(&mut h, Key::Period);
    assert_eq!(selected_relation(&h), "Ada Quill MEETS Boris Venn");
    key_mod(&mut h, Modifiers::COMMAND, Key::F);
    type_text(&mut h, "Ada");
    key(&mut h, Key::Escape);
    let open = h.state().open.as_ref().expect("open");
    let Selection::Span(id) = open.selection else { panic!("a span, got {:?}", open.selection) };
    assert_eq!(open.doc.spans().get(id).map(|s| s.start.get()), Some(27), "the Ada after the relation's head");
}

/// Seen under Xvfb after fast keys: "no relations in this document yet"
/// (period or comma with none) stayed until dismissed, one line per press,
/// and took the status bar over ("(7 older messages)"). It says so until
/// the next command, as any passing message.
#[test]
fn period_with_no_relation_says_so_until_the_next_command() {
    let f = fixture(&[("a.txt", "Ada Quill arrive à Lisbonne.")]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    for _ in 0..3 {
        key(&mut h, Key::Period);
    }
    let said = |h: &Harness<'_, SpanlabApp>| h.state().messages.iter().filter(|m| m.text.contains("no relations")).count();
    assert_eq!(said(&h), 1, "said once");
    key(&mut h, Key::J);
    assert_eq!(said(&h), 0, "gone with the next command");
}
