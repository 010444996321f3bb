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
