//! Issue 15, the window a user can trust: what is on screen is what the
//! keys act on, in any theme and size (theme switches, scroll offsets,
//! fast keys, selection, counts and notices, small windows, dialogs).
//! Shares the helpers of `main.rs`.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanlab::app::{AppOptions, Selection, SpanlabApp};
use spanlab::model::CharIdx;
use spanlab::store::Project;

use super::small_window::harness_sized;
use super::*;

/// The pixels that differ between two renderings of the window, above its
/// status bar (which says what happened last).
fn differing_pixels(a: &image::RgbaImage, b: &image::RgbaImage) -> usize {
    assert_eq!(a.dimensions(), b.dimensions());
    let above = a.height().saturating_sub(40);
    a.enumerate_pixels().filter(|&(x, y, p)| y < above && b.get_pixel(x, y) != p).count()
}

/// Issue 15, item 1: switching the theme garbled the article (its cached
/// layouts pointed into the font atlas egui rebuilds for the other theme):
/// after two switches the window looks exactly as before.
#[test]
fn the_article_looks_the_same_after_switching_the_theme_twice() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    h.remove_cursor();
    // The header says "saving…" until the writer has the document's
    // suggestions: wait for "saved", so only the theme can differ.
    h.state_mut().flush_writes();
    h.run_ok();
    let before = h.render().expect("renders");
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::L);
    assert!(h.state().settings.dark);
    h.state_mut().flush_writes();
    h.run_ok();
    let dark = h.render().expect("renders");
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::L);
    h.state_mut().flush_writes();
    h.run_ok();
    let after = h.render().expect("renders");
    if let Some(dir) = std::env::var_os("SPANLAB_TEST_SHOTS") {
        let dir = std::path::PathBuf::from(dir);
        before.save(dir.join("theme-before.png")).expect("png");
        dark.save(dir.join("theme-dark.png")).expect("png");
        after.save(dir.join("theme-after.png")).expect("png");
    }
    assert_eq!(differing_pixels(&before, &after), 0, "the light theme again looks as before");
    // In the dark theme the text is drawn from the new atlas too: a fresh
    // window started dark looks the same.
    let project = Project::open(&f.root, None).expect("opens");
    let options = AppOptions { dark: Some(true), ..AppOptions::default() };
    let mut fresh = harness_with(project, options);
    fresh.remove_cursor();
    fresh.state_mut().flush_writes();
    fresh.run_ok();
    let started_dark = fresh.render().expect("renders");
    if let Some(dir) = std::env::var_os("SPANLAB_TEST_SHOTS") {
        started_dark.save(std::path::PathBuf::from(dir).join("theme-started-dark.png")).expect("png");
    }
    assert_eq!(differing_pixels(&dark, &started_dark), 0, "switched to dark looks like started dark");
}

/// A key press and its release, as one frame's events.
pub(super) fn press_events(key: Key, modifiers: Modifiers) -> [egui::Event; 2] {
    let ev = |pressed| egui::Event::Key { key, physical_key: None, pressed, repeat: false, modifiers };
    [ev(true), ev(false)]
}

/// A typed character: its key, the text it types, the release.
pub(super) fn typed_events(key: Key, c: char) -> [egui::Event; 3] {
    let ev = |pressed| egui::Event::Key { key, physical_key: None, pressed, repeat: false, modifiers: Modifiers::NONE };
    [ev(true), egui::Event::Text(c.to_string()), ev(false)]
}

/// Issue 15, item 5: keys typed with no delay after Ctrl+P (all in one
/// frame) went to the shortcuts (`e` labelled the selection EVENT) instead
/// of the palette's field.
#[test]
fn keys_typed_in_the_frame_that_opens_the_palette_go_to_the_palette() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    assert!(matches!(h.state().open.as_ref().map(|o| o.selection), Some(Selection::Suggestion(_))));
    let dark = h.state().settings.dark;
    let mut events: Vec<egui::Event> = press_events(Key::P, Modifiers::COMMAND).into();
    for (k, c) in [(Key::T, 't'), (Key::H, 'h'), (Key::E, 'e'), (Key::M, 'm'), (Key::E, 'e')] {
        events.extend(typed_events(k, c));
    }
    events.extend(press_events(Key::Enter, Modifiers::NONE));
    h.input_mut().events.extend(events);
    h.run_ok();
    assert!(spans(&h).is_empty(), "no key acted as a shortcut: {:?}", spans(&h));
    assert_ne!(h.state().settings.dark, dark, "the palette ran the theme command");
    assert_eq!(h.state().dialog, spanlab::app::Dialog::None);
}

/// Audit: the first letter typed in the frame of the Ctrl+F (or Ctrl+P)
/// that opens a field was lost: its key was held back for the field, but
/// the text it typed was taken for the shortcut's own (`xdotool type` right
/// after Ctrl+F gave "ang" for "Wang").
#[test]
fn the_first_letter_typed_in_the_frame_that_opens_a_field_is_kept() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    let typed = |h: &mut Harness<'_, SpanlabApp>, opener: Key, word: &[(Key, char)]| {
        let mut events: Vec<egui::Event> = press_events(opener, Modifiers::COMMAND).into();
        for &(k, c) in word {
            events.extend(typed_events(k, c));
        }
        h.input_mut().events.extend(events);
        h.run_ok();
    };
    typed(&mut h, Key::F, &[(Key::W, 'W'), (Key::A, 'a'), (Key::N, 'n'), (Key::G, 'g')]);
    match &h.state().dialog {
        spanlab::app::Dialog::Find { query, .. } => assert_eq!(query, "Wang"),
        other => panic!("the find bar is open: {other:?}"),
    }
    key(&mut h, Key::Escape);
    key(&mut h, Key::Escape);
    typed(&mut h, Key::P, &[(Key::T, 't'), (Key::H, 'h')]);
    match &h.state().dialog {
        spanlab::app::Dialog::Palette { query, .. } => assert_eq!(query, "th"),
        other => panic!("the palette is open: {other:?}"),
    }
}

/// Audit: a document edited, left and opened again said "saving…" for
/// ever after its next edit, and its file was no longer written (the
/// writer counted the edits from the first opening, the window from the
/// second).
#[test]
fn a_document_opened_again_is_saved_after_its_next_edit() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Un autre texte.")]);
    let mut h = harness(&f.root);
    key(&mut h, Key::X);
    h.state_mut().flush_writes();
    key_mod(&mut h, Modifiers::ALT, Key::ArrowDown);
    key_mod(&mut h, Modifiers::ALT, Key::ArrowUp);
    settle(&mut h);
    assert_eq!(h.state().open.as_ref().map(|o| o.index), Some(0));
    key(&mut h, Key::X);
    h.state_mut().flush_writes();
    h.run_ok();
    let open = h.state().open.as_ref().expect("open");
    assert_eq!((open.journaled, open.saved), (open.sent, open.sent), "every edit journaled and saved");
    assert!(h.query_by_label("saving…").is_none(), "the header says saved");
    let on_disk = Project::open(&f.root, None).expect("opens").load(0).expect("loads").doc;
    assert_eq!(on_disk.pending_count(), h.state().open.as_ref().map_or(0, |o| o.doc.pending_count()), "the file has both rejections");
}

/// Audit: with every edit saved, a file changed on disk by another window
/// opened the conflict dialog ("while you had unsaved changes") and the
/// header said "not saved", because anything in the undo history counted as
/// unsaved. As the README says, nothing unsaved: the file is reloaded.
#[test]
fn a_file_changed_on_disk_with_everything_saved_is_reloaded() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    key(&mut h, Key::X);
    h.state_mut().flush_writes();
    h.run_ok();
    // Another window labels Pékin in the file.
    let mut other = Project::open(&f.root, None).expect("opens");
    let mut theirs = other.load(0).expect("loads").doc;
    let e = theirs.add_span_edit(CharIdx::new(49), CharIdx::new(54), "GPE");
    theirs.apply(e, &other.schema).expect("valid");
    other.save(&theirs).expect("saved");
    std::thread::sleep(spanlab::app::CHECK_EVERY + std::time::Duration::from_millis(100));
    h.run_ok();
    h.state_mut().flush_writes();
    h.run_ok();
    assert_ne!(h.state().dialog, spanlab::app::Dialog::Conflict, "nothing unsaved to ask about");
    let open = h.state().open.as_ref().expect("open");
    assert!(open.doc.spans().iter().any(|s| s.start == CharIdx::new(49)), "the version on disk is shown");
    assert!(open.save_error.is_none(), "{:?}", open.save_error);
}

/// Issue 15, item 5: keys typed in the frame of the click that focuses the
/// corpus search box go into the box, not to the shortcuts.
#[test]
fn keys_typed_in_the_frame_of_a_click_on_the_search_box_go_into_it() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Un autre texte.")]);
    let mut h = harness(&f.root);
    let pending = h.state().open.as_ref().map(|o| o.doc.pending_count());
    let at = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Search").rect().center();
    let click = |pressed| egui::Event::PointerButton { pos: at, button: egui::PointerButton::Primary, pressed, modifiers: Modifiers::NONE };
    let mut events = vec![egui::Event::PointerMoved(at), click(true), click(false)];
    events.extend(typed_events(Key::E, 'e'));
    events.extend(typed_events(Key::X, 'x'));
    h.input_mut().events.extend(events);
    h.run_ok();
    assert_eq!(h.state().filter.query, "ex");
    assert!(spans(&h).is_empty(), "e labelled nothing: {:?}", spans(&h));
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_count()), pending, "x rejected nothing");
}

/// Issue 15, item 5: `r Enter Enter` typed within one frame draws the
/// relation (the Enters used to accept suggestions, read in the mode the
/// frame started in).
#[test]
fn keys_typed_within_one_frame_act_in_order_in_the_mode_each_one_finds() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(20, 26, "PER"), (39, 46, "PER"), (49, 54, "GPE"), (58, 69, "DATE")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    add_suggestions(&mut h, &[(3, 11, "ORG")]);
    key(&mut h, Key::Tab);
    let lavrov = h.state().open.as_ref().and_then(|o| o.doc.spans().iter().next().map(|s| s.id)).expect("span");
    h.state_mut().open.as_mut().expect("open").selection = Selection::Span(lavrov);
    let mut events: Vec<egui::Event> = press_events(Key::R, Modifiers::NONE).into();
    events.extend(press_events(Key::Enter, Modifiers::NONE));
    events.extend(press_events(Key::Enter, Modifiers::NONE));
    h.input_mut().events.extend(events);
    h.run_ok();
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.doc.relation_count(), 1, "r Enter Enter drew a relation");
    assert_eq!(open.doc.pending_count(), 1, "no Enter accepted the suggestion");
}

/// Issue 15, item 5: six Enters in one frame accept six suggestions.
#[test]
fn six_quick_enters_accept_six_suggestions() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(
        &mut h,
        &[(12, 26, "PER"), (39, 46, "PER"), (49, 54, "GPE"), (58, 69, "DATE"), (74, 79, "GPE"), (86, 92, "GPE"), (111, 114, "ORG")],
    );
    key(&mut h, Key::J);
    let events: Vec<egui::Event> = (0..6).flat_map(|_| press_events(Key::Enter, Modifiers::NONE)).collect();
    h.input_mut().events.extend(events);
    h.run_ok();
    let open = h.state().open.as_ref().expect("open");
    assert_eq!((open.doc.spans().len(), open.doc.pending_count()), (6, 1));
}

/// Scrolls the article with the mouse wheel (negative: down).
pub(super) fn wheel(h: &mut Harness<'_, SpanlabApp>, dy: f32) {
    let at = h.state().article_view().screen_pos(CharIdx::ZERO).map_or(egui::pos2(700.0, 400.0), |p| p + egui::vec2(100.0, 60.0));
    h.hover_at(at);
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    });
    h.run_ok();
    h.run_ok();
}

/// The start of what is selected.
fn selection_start(h: &Harness<'_, SpanlabApp>) -> Option<CharIdx> {
    let open = h.state().open.as_ref()?;
    match open.selection {
        Selection::Span(id) => open.doc.spans().get(id).map(|s| s.start),
        Selection::Suggestion(id) => open.doc.suggestion(id).map(|s| s.start),
        _ => None,
    }
}

/// Issue 15, item 2: a document opened at the previous one's scroll offset,
/// its first suggestion selected but off screen, and Enter accepted it
/// unseen. Now it opens at its top, and a key that acts on the selection
/// first brings it into view.
#[test]
fn a_document_opens_at_its_top_and_no_key_acts_on_what_is_out_of_view() {
    let long: String = (0..60).map(|i| format!("Paragraphe {i} : le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin.\n")).collect();
    let f = fixture(&[("a.txt", &long), ("b.txt", &long)]);
    let mut h = harness(&f.root);
    wheel(&mut h, -4000.0);
    assert_eq!(h.state().article_view().shows(CharIdx::ZERO), Some(false), "scrolled down in a");
    key_mod(&mut h, Modifiers::ALT, Key::ArrowDown);
    settle(&mut h);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.as_str()), Some("b"));
    assert_eq!(h.state().article_view().shows(CharIdx::ZERO), Some(true), "b opens at its top");
    let first = selection_start(&h).expect("the first suggestion is selected");
    assert_eq!(h.state().article_view().shows(first), Some(true), "and it is in view");
    // Scrolled away from the selection, Enter first shows it, then accepts it.
    wheel(&mut h, -4000.0);
    assert_eq!(h.state().article_view().shows(first), Some(false));
    let pending = h.state().open.as_ref().map(|o| o.doc.pending_count());
    key(&mut h, Key::Enter);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_count()), pending, "nothing accepted unseen");
    h.run_ok();
    assert_eq!(h.state().article_view().shows(first), Some(true), "the suggestion was brought into view");
    key(&mut h, Key::Enter);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_count()), pending.map(|p| p - 1), "now Enter accepts it");
}

/// Issue 15, item 12: a relation type's key changes the type of the
/// selected relation.
#[test]
fn a_relation_type_key_changes_the_selected_relation() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(12, 26, "PER"), (49, 54, "GPE")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key(&mut h, Key::Tab);
    key(&mut h, Key::R);
    key(&mut h, Key::Enter);
    key(&mut h, Key::Enter);
    let label = |h: &Harness<'_, SpanlabApp>| h.state().open.as_ref().and_then(|o| o.doc.relations().next().map(|r| r.label.clone()));
    assert!(matches!(h.state().open.as_ref().map(|o| o.selection), Some(Selection::Relation(_))));
    assert_eq!(label(&h).as_deref(), Some("ROLE_IN"), "the likeliest for PER → GPE");
    key(&mut h, Key::V);
    assert_eq!(label(&h).as_deref(), Some("VISITS"));
    key(&mut h, Key::M);
    assert_eq!(label(&h).as_deref(), Some("VISITS"), "MEETS does not join PER → GPE");
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.relation_count()), Some(1));
}

/// Issue 15, item 12: Escape closes the dashboard and every dialog.
#[test]
fn escape_closes_the_dashboard_and_every_dialog() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    let cmd = Modifiers::COMMAND;
    for (m, k) in [(cmd, Key::E), (cmd, Key::O), (cmd, Key::I), (cmd, Key::Comma), (cmd, Key::F), (cmd, Key::P), (Modifiers::NONE, Key::F1)]
    {
        key_mod(&mut h, m, k);
        assert_ne!(h.state().dialog, spanlab::app::Dialog::None, "{m:?} {k:?} opens a dialog");
        key(&mut h, Key::Escape);
        assert_eq!(h.state().dialog, spanlab::app::Dialog::None, "Escape closes the dialog of {m:?} {k:?}");
    }
    key_mod(&mut h, cmd | Modifiers::SHIFT, Key::B);
    assert!(h.state().dashboard.is_some());
    key(&mut h, Key::Escape);
    assert!(h.state().dashboard.is_none(), "Escape closes the dashboard");
}

/// Issue 15, item 12: the help lists each command once, with its keys as
/// they are typed (`j`, not `J`).
#[test]
fn the_help_lists_each_command_once_with_keys_as_typed() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    key(&mut h, Key::F1);
    if let Some(dir) = std::env::var_os("SPANLAB_TEST_SHOTS") {
        h.render().expect("renders").save(std::path::PathBuf::from(dir).join("help.png")).expect("png");
    }
    let names: Vec<String> = h.state().commands.entries().iter().map(|e| e.name.to_string()).collect();
    for name in &names {
        let n = h.query_all_by_label(name).count();
        assert_eq!(n, 1, "{name:?} is listed {n} times");
    }
    assert!(h.query_all_by_label("j").count() > 0, "j as typed");
    assert_eq!(h.query_all_by_label("J").count(), 0, "not J");
    assert!(h.query_all_by_label("Shift+A").count() > 0);
    assert!(h.query_all_by_label("Ctrl+Shift+L").count() > 0);
}

/// The article's code point `c` on screen (where the layout put it).
fn char_pos(h: &Harness<'_, SpanlabApp>, c: usize) -> egui::Pos2 {
    h.state().article_view().screen_pos(CharIdx::new(c)).expect("laid out")
}

fn double_click_at(h: &mut Harness<'_, SpanlabApp>, at: egui::Pos2) {
    let button =
        |pressed| egui::Event::PointerButton { pos: at, button: egui::PointerButton::Primary, pressed, modifiers: Modifiers::NONE };
    h.input_mut().events.extend([egui::Event::PointerMoved(at), button(true), button(false), button(true), button(false)]);
    h.run_ok();
}

fn selected_text(h: &Harness<'_, SpanlabApp>) -> String {
    let open = h.state().open.as_ref().expect("open");
    match open.selection {
        Selection::Text { anchor, head } => open.doc.text().slice(anchor.min(head), anchor.max(head)).unwrap_or("").to_owned(),
        other => panic!("a text selection, got {other:?}"),
    }
}

const COMPOUND: &str = "Le conflit Iran-Israël inquiète Pékin et Saint-Pétersbourg.";

/// Issue 15, item 7: a double click selects a word, and a hyphenated
/// compound's parts are words of their own: "Iran-Israël" becomes two
/// spans with two double clicks and two keys.
#[test]
fn a_double_click_selects_a_word_and_a_compound_by_its_parts() {
    let f = fixture(&[("a.txt", COMPOUND)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    h.run_ok();
    let at = char_pos(&h, 12);
    double_click_at(&mut h, at);
    assert_eq!(selected_text(&h), "Iran");
    key(&mut h, Key::G);
    let at = char_pos(&h, 18);
    double_click_at(&mut h, at);
    assert_eq!(selected_text(&h), "Israël");
    key(&mut h, Key::G);
    assert_eq!(spans(&h), [("Iran".to_owned(), "GPE".to_owned()), ("Israël".to_owned(), "GPE".to_owned())]);
    // A drag over both parts takes the compound.
    let (from, to) = (char_pos(&h, 42), char_pos(&h, 52));
    h.hover_at(from);
    h.run_ok();
    h.drag_at(from);
    h.run_ok();
    h.hover_at(to);
    h.run_ok();
    h.drop_at(to);
    h.run_ok();
    assert_eq!(selected_text(&h), "Saint-Pétersbourg");
}

/// Issue 15, item 7: a drag starts at the character under the pointer
/// where the button went down (it started where egui noticed the drag, a
/// few pixels on); with Alt the selection is exactly the characters.
#[test]
fn an_alt_drag_selects_exactly_from_the_character_under_the_pointer() {
    let f = fixture(&[("a.txt", COMPOUND)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    h.run_ok();
    let from = char_pos(&h, 12) - egui::vec2(2.0, 0.0);
    h.event(egui::Event::ModifiersChanged(Modifiers::ALT));
    h.hover_at(from);
    h.run_ok();
    h.drag_at(from);
    h.run_ok();
    for c in [13, 15, 17] {
        h.hover_at(char_pos(&h, c));
        h.run_ok();
    }
    let to = char_pos(&h, 18) - egui::vec2(2.0, 0.0);
    h.hover_at(to);
    h.run_ok();
    h.drop_at(to);
    h.run_ok();
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    h.run_ok();
    assert_eq!(selected_text(&h), "ran-Is");
}

/// Issue 15, item 7: a label key on a selection that starts or ends inside
/// a word takes the whole word (its part of a compound); Alt and the label
/// key keep the exact characters.
#[test]
fn a_label_key_snaps_a_selection_inside_a_word_alt_keeps_it_exact() {
    let f = fixture(&[("a.txt", COMPOUND)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::SelectText(CharIdx::new(17), CharIdx::new(20)));
    key(&mut h, Key::G);
    assert_eq!(spans(&h), [("Israël".to_owned(), "GPE".to_owned())]);
    h.state_mut().apply(&ctx, spanlab::app::Command::SelectText(CharIdx::new(33), CharIdx::new(36)));
    key_mod(&mut h, Modifiers::ALT, Key::G);
    assert_eq!(spans(&h), [("Israël".to_owned(), "GPE".to_owned()), ("éki".to_owned(), "GPE".to_owned())]);
}

/// Issue 15, item 8: Alt+←/→ (the start) and Alt+Shift+←/→ (the end) on a
/// pending suggestion move its boundary in one key: it becomes an
/// accepted, edited span.
#[test]
fn alt_arrows_on_a_suggestion_move_its_boundary_and_accept_it() {
    let f = fixture(&[("a.txt", "La Charte des Nations unies est claire. Le Conseil de sécurité se réunit.")]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(3, 27, "ORG"), (43, 62, "ORG")]);
    key(&mut h, Key::J);
    key_mod(&mut h, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(spans(&h), [("des Nations unies".to_owned(), "ORG".to_owned())]);
    key_mod(&mut h, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(spans(&h), [("Nations unies".to_owned(), "ORG".to_owned())], "the span stays selected");
    let open = h.state().open.as_ref().expect("open");
    assert!(matches!(open.doc.spans().iter().next().map(|s| &s.origin), Some(Origin::Suggested { edited: true, .. })));
    assert_eq!(open.doc.pending_count(), 1);
    let o = open.doc.suggestion_outcomes();
    assert_eq!((o.accepted, o.edited), (0, 1));
    key(&mut h, Key::J);
    key_mod(&mut h, Modifiers::ALT | Modifiers::SHIFT, Key::ArrowLeft);
    assert_eq!(spans(&h)[1], ("Conseil de".to_owned(), "ORG".to_owned()));
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans(&h).len(), 1, "one undo takes the accepted, moved span back to a suggestion");
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_count()), Some(1));
}

/// Saves `doc` in the project at `root` with spans on these ranges and, if
/// `done`, marked done.
fn save_annotated(root: &std::path::Path, index: usize, spans: &[(usize, usize, &str)], done: bool) {
    let schema = spanlab::model::Schema::news();
    let mut p = Project::open(root, None).expect("opens");
    let mut doc = p.load(index).expect("loads").doc;
    for &(s, e, l) in spans {
        let edit = doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), l);
        doc.apply(edit, &schema).expect("span");
    }
    if done {
        doc.apply(Edit::SetStatus { status: Status::Done }, &schema).expect("status");
    }
    p.save(&doc).expect("saved");
}

/// Issue 15, item 4: "Relations (2)" stood above a list of one (the
/// selected span's).
#[test]
fn the_relations_heading_counts_the_rows_it_lists() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(12, 26, "PER"), (39, 46, "PER"), (49, 54, "GPE")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key(&mut h, Key::Tab);
    // The second r offers Pékin first: Wang Yi is related already.
    for _ in 0..2 {
        key(&mut h, Key::Tab);
        key(&mut h, Key::Tab);
        key(&mut h, Key::Tab);
        let lavrov = h.state().open.as_ref().and_then(|o| o.doc.spans().iter().next().map(|s| s.id)).expect("span");
        h.state_mut().open.as_mut().expect("open").selection = Selection::Span(lavrov);
        key(&mut h, Key::R);
        key(&mut h, Key::Enter);
        key(&mut h, Key::Enter);
    }
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.relation_count()), Some(2));
    let wang = h.state().open.as_ref().and_then(|o| o.doc.spans().iter().nth(1).map(|s| s.id)).expect("span");
    h.state_mut().open.as_mut().expect("open").selection = Selection::Span(wang);
    h.run_ok();
    assert!(h.query_by_label("Relations (2)").is_none(), "not the document's count above the span's list");
    h.get_by_label("Relations of “Wang Yi” (1 of 2)");
    key(&mut h, Key::Escape);
    h.get_by_label("Relations (2)");
}

/// Issue 15, item 4: a notice stays true: after a second document is
/// marked done the window no longer says the engine learns from one; "select
/// some text first" goes once something else was done.
#[test]
fn notices_say_what_is_true_now() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Wang Yi est à Pékin."), ("c.txt", "La Chine.")]);
    save_annotated(&f.root, 0, &[(12, 26, "PER")], true);
    let mut h = harness(&f.root);
    run_until(&mut h, "learning from a", |a| a.learn_progress.is_none());
    h.run_ok();
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.as_str()), Some("b"));
    clear_suggestions(&mut h);
    key(&mut h, Key::ArrowRight);
    key(&mut h, Key::P);
    assert!(h.query_by_label_contains("select some text first").is_some());
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Key::G);
    assert!(h.query_by_label_contains("select some text first").is_none(), "the hint went once a span was made");
    key_mod(&mut h, Modifiers::COMMAND, Key::Enter);
    settle(&mut h);
    assert!(h.query_by_label_contains("from 1 done document").is_none(), "two are done");
    assert!(h.query_by_label_contains("from 2 done documents").is_some(), "and the window says so");
}

/// Issue 15, item 4: after a crash the restarted window says what it
/// recovered, and the notice stays until dismissed (it was hidden at once
/// by the next message).
#[test]
fn after_a_crash_the_window_says_what_it_recovered() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Wang Yi est à Pékin.")]);
    save_annotated(&f.root, 1, &[(0, 7, "PER")], true);
    // A writer journals an edit to a; the process dies before a's file is written.
    let project = Project::open(&f.root, None).expect("opens");
    let mut doc = project.load(0).expect("loads").doc;
    let edit = doc.add_span_edit(CharIdx::new(12), CharIdx::new(26), "PER");
    let w = spanlab::store::writer::Writer::start(project).expect("writer");
    w.send(spanlab::store::writer::Job::Opened { doc: doc.id.clone() });
    w.send(spanlab::store::writer::Job::Edits { doc: doc.id.clone(), edits: vec![edit] });
    w.flush();
    drop(w);
    assert!(!f.root.join("annotations/documents/a.json").exists(), "only in the journal");
    let mut h = harness(&f.root);
    run_until(&mut h, "learning from b", |a| a.learn_progress.is_none());
    h.run_ok();
    assert!(h.query_by_label_contains("1 unsaved edit was recovered").is_some(), "{:?}", h.state().messages);
    assert!(h.query_by_label_contains("in a (1 edit)").is_some());
    key(&mut h, Key::Tab);
    key(&mut h, Key::Tab);
    assert!(h.query_by_label_contains("recovered").is_some(), "it stays until dismissed");
    h.get_by_label("dismiss").click();
    h.run_ok();
    assert!(h.query_by_label_contains("recovered").is_none());
}

/// Imports a doccano file of documents without spans into `into`, through
/// the window's import command.
fn import_without_spans(h: &mut Harness<'_, SpanlabApp>, dir: &std::path::Path, into: &std::path::Path, texts: &[(&str, &str)]) {
    let file = dir.join("in.jsonl");
    let lines: String = texts.iter().map(|(id, t)| format!("{}\n", serde_json::json!({"id": id, "text": t, "label": []}))).collect();
    std::fs::write(&file, lines).expect("write");
    let form = spanlab::app::forms::ImportForm { file: file.display().to_string(), into: into.display().to_string(), ..Default::default() };
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::RunImport(Box::new(form)));
    // The first document's suggestions are ready before the next frame
    // draws it (as on a fast machine).
    std::thread::sleep(std::time::Duration::from_millis(300));
    h.run_ok();
}

/// Issue 15, item 3: after importing a dataset whose documents have no
/// spans, "Suggest for all new documents" said every document already had
/// suggestions or annotations, the open one got none either, and the
/// inspector showed the counts of the project open before.
#[test]
fn an_imported_dataset_without_spans_gets_suggestions() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    let before = h.state().open.as_ref().map_or(0, |o| o.doc.pending_count());
    assert!(before >= 5, "{before}");
    let dir = f.root.parent().expect("parent").to_path_buf();
    let into = dir.join("imported");
    import_without_spans(
        &mut h,
        &dir,
        &into,
        &[("a", "Wang Yi est à Pékin."), ("b", "Le président Emmanuel Macron est à Berlin."), ("c", "La Chine et la Russie.")],
    );
    settle(&mut h);
    assert_eq!(h.state().project.root, into);
    let open = h.state().open.as_ref().expect("the first imported document is open");
    let pending = open.doc.pending_count();
    assert!(pending > 0, "the open document got suggestions");
    h.get_by_label(&format!("suggestions: {pending} pending, 0 accepted, 0 edited, 0 rejected"));
    h.get_by_label("Suggest for all new documents").click();
    h.run_ok();
    run_until(&mut h, "the corpus suggestions", |a| a.corpus_progress.is_none() && !a.is_suggesting());
    h.run_ok();
    assert!(h.query_by_label_contains("already has").is_none());
    h.get_by_label_contains("suggested for 2 documents");
    h.state_mut().flush_writes();
    let p = Project::open(&into, None).expect("opens");
    for i in 1..3 {
        assert!(p.load(i).expect("loads").doc.pending_count() > 0, "document {i} got suggestions");
    }
    // Asked again, it says why there is nothing left to do.
    h.get_by_label("Suggest for all new documents").click();
    h.run_ok();
    h.get_by_label_contains("no document needs suggestions");
}

/// Every file under `dir` with its bytes.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(list) = std::fs::read_dir(dir) else { return out };
    for entry in list.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
        }
    }
    out
}

/// Issue 15, item 6: the sample corpus (no folder named) saved into the
/// repository's tracked `annotations/`: a newcomer's `git status` changed
/// after one accepted suggestion. Its annotations go to the user's data
/// folder; the repository's files stay as they are.
#[test]
fn the_sample_corpus_saves_outside_the_repository() {
    let data = tempfile::tempdir().expect("tempdir");
    let (root, annotations) = spanlab::cli::sample_project_at(data.path()).expect("the sample");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let before = (files_under(&repo.join("annotations")), files_under(&repo.join("assets")));
    let project = Project::open(&root, Some(&annotations)).expect("opens");
    let mut h = harness_with(project, AppOptions::default());
    assert!(matches!(h.state().open.as_ref().map(|o| o.selection), Some(Selection::Suggestion(_))));
    key(&mut h, Key::Enter);
    h.state_mut().flush_writes();
    drop(h);
    let after = (files_under(&repo.join("annotations")), files_under(&repo.join("assets")));
    let changed: Vec<_> = after
        .0
        .keys()
        .chain(after.1.keys())
        .filter(|k| before.0.get(*k) != after.0.get(*k) || before.1.get(*k) != after.1.get(*k))
        .collect();
    assert!(before == after, "the repository's files changed: {changed:?}");
    assert!(annotations.starts_with(data.path()), "{}", annotations.display());
    assert_eq!(
        std::fs::read_dir(annotations.join("documents")).map(|d| d.count()).unwrap_or(0),
        1,
        "the accepted suggestion was saved there"
    );
}

/// Issue 15, item 14: Find selects as you type (from where the caret was)
/// and says which occurrence it shows: "n of m".
#[test]
fn find_selects_as_you_type_and_says_n_of_m() {
    let f = fixture(&[("a.txt", "Lavrov a vu Wang Yi. Puis Lavrov est parti, et Lavrov est revenu.")]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    key(&mut h, Key::ArrowRight);
    key(&mut h, Key::ArrowRight);
    key_mod(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find").type_text("Lav");
    h.run_ok();
    let sel = |h: &Harness<'_, SpanlabApp>| match h.state().open.as_ref().map(|o| o.selection) {
        Some(Selection::Text { anchor, head }) => (anchor.get(), head.get()),
        other => panic!("a text selection, got {other:?}"),
    };
    assert_eq!(sel(&h), (26, 29), "the first occurrence after the caret, without Enter");
    h.get_by_label("2 of 3");
    key(&mut h, Key::Enter);
    assert_eq!(sel(&h), (47, 50));
    h.get_by_label("3 of 3");
    key(&mut h, Key::Escape);
    assert_eq!(h.state().dialog, spanlab::app::Dialog::None);
    assert_eq!(sel(&h), (47, 50), "closing keeps the selection");
    key(&mut h, Key::P);
    assert_eq!(spans(&h), [("Lavrov".to_owned(), "PER".to_owned())], "a label key takes the whole word");
}

/// Issue 15, item 9: selecting a relation widened the inspector (its row of
/// buttons did not wrap) and re-wrapped the article.
#[test]
fn selecting_a_relation_keeps_the_inspector_and_the_article_in_place() {
    let text = "Le secrétaire général de l'Organisation du traité de l'Atlantique Nord s'adresse à l'Assemblée parlementaire du Conseil de l'Europe réunie à Strasbourg.";
    let f = fixture(&[("a.txt", text)]);
    let mut h = harness_sized(&f.root, egui::vec2(800.0, 600.0));
    clear_suggestions(&mut h);
    let at = |w: &str| {
        let b = text.find(w).expect("in the text");
        let s = text[..b].chars().count();
        (s, s + w.chars().count())
    };
    let (a, b) = (at("Organisation du traité de l'Atlantique Nord"), at("Conseil de l'Europe"));
    add_suggestions(&mut h, &[(a.0, a.1, "ORG"), (b.0, b.1, "ORG")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key(&mut h, Key::Tab);
    key(&mut h, Key::R);
    key(&mut h, Key::Enter);
    key(&mut h, Key::B);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.relation_count()), Some(1));
    key(&mut h, Key::Escape);
    h.run_ok();
    let width = h.state().article_view().wrap_width();
    let view = h.state().article_view().view_rect().expect("drawn");
    let rel = h.state().open.as_ref().and_then(|o| o.doc.relations().next().map(|r| r.id)).expect("relation");
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::SelectRelation(rel));
    h.run_ok();
    h.run_ok();
    assert_eq!(h.state().article_view().wrap_width(), width, "the article keeps its width");
    let after = h.state().article_view().view_rect().expect("drawn");
    assert_eq!(after.right(), view.right(), "the inspector keeps its width");
}

/// Issue 15, item 9: labelling a selection at the bottom edge of the view
/// scrolled the text under the pointer (the new span was "brought into
/// view", centred).
#[test]
fn labelling_at_the_edge_of_the_view_does_not_scroll() {
    let long: String = (0..40).map(|i| format!("Paragraphe {i} : le ministre a rencontré son homologue à Pékin hier soir.\n")).collect();
    let f = fixture(&[("a.txt", &long)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    h.run_ok();
    let view = h.state().article_view().view_rect().expect("drawn");
    // Scroll so that a row's middle sits on the view's bottom edge: the
    // edge cuts it, and a pointer can still point at its upper half.
    let n = long.chars().count();
    let below = (0..n)
        .filter_map(|c| h.state().article_view().screen_pos(CharIdx::new(c)).map(|p| p.y))
        .find(|&y| y > view.bottom())
        .expect("a row below the view");
    wheel(&mut h, -(below - view.bottom()));
    let view = h.state().article_view().view_rect().expect("drawn");
    let edge = (0..n)
        .find(|&c| h.state().article_view().screen_pos(CharIdx::new(c)).is_some_and(|p| (p.y - view.bottom()).abs() < 2.0))
        .expect("a row the edge cuts");
    let before = char_pos(&h, edge);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::SelectText(CharIdx::new(edge), CharIdx::new(edge + 1)));
    key(&mut h, Key::O);
    assert_eq!(spans(&h).len(), 1);
    h.run_ok();
    assert_eq!(char_pos(&h, edge), before, "the text under the pointer stayed");
}

/// Issue 15, item 11: with no desktop portal and no zenity, Browse… did
/// nothing at all. Now it says so, and what is typed next goes into the
/// path field.
#[test]
fn browse_without_a_file_chooser_says_so_and_puts_the_cursor_in_the_path_field() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::OpenFolder);
    h.run_ok();
    h.get_by_label("Browse…").click();
    h.run_ok();
    h.run_ok();
    assert!(h.query_by_label_contains("no file chooser").is_some(), "Browse… says why nothing opened");
    // Select what the field holds, then type over it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_ok();
    type_text(&mut h, "/tmp/typed");
    let spanlab::app::Dialog::OpenFolder(path) = &h.state().dialog else { panic!("the dialog stays open") };
    assert_eq!(path, "/tmp/typed", "the cursor was in the path field");
}

/// Seen under Xvfb as a new user: Ctrl+O, the path typed, Enter did
/// nothing. The field had no cursor (the letters went nowhere) and Enter in
/// it did not open. The cursor is now in the first path field of a dialog
/// as it opens, and Enter there does what the dialog's main button does.
/// Seen next: the path typed was added to the one the field held (the open
/// project's); that one is now selected as the dialog opens, so typing
/// replaces it.
#[test]
fn ctrl_o_a_path_typed_and_enter_open_the_folder() {
    let f = fixture(&[("a.txt", TEXT)]);
    let other = fixture(&[("b.txt", TEXT)]);
    let mut h = harness(&f.root);
    key_mod(&mut h, Modifiers::COMMAND, Key::O);
    h.run_ok();
    // The field holds the open project's path, selected: typing replaces it.
    type_text(&mut h, &other.root.display().to_string());
    key(&mut h, Key::Enter);
    for _ in 0..3 {
        h.run_ok();
    }
    assert_eq!(h.state().project.root, other.root, "Enter in the path field opened the folder typed");
    assert!(matches!(h.state().dialog, spanlab::app::Dialog::None), "the dialog closed");
}

/// Seen as a new user: a folder that does not exist typed, Enter; the
/// error said so, but the field had lost the cursor, and the path typed
/// next went nowhere. The cursor goes back to the field, the path it holds
/// selected.
#[test]
fn after_a_folder_that_does_not_open_the_next_path_typed_opens() {
    let f = fixture(&[("a.txt", TEXT)]);
    let other = fixture(&[("b.txt", TEXT)]);
    let mut h = harness(&f.root);
    key_mod(&mut h, Modifiers::COMMAND, Key::O);
    h.run_ok();
    type_text(&mut h, &other.root.join("no-such-folder").display().to_string());
    key(&mut h, Key::Enter);
    for _ in 0..3 {
        h.run_ok();
    }
    assert_eq!(h.state().project.root, f.root, "nothing opened");
    assert!(matches!(h.state().dialog, spanlab::app::Dialog::OpenFolder(_)), "the dialog stays open");
    type_text(&mut h, &other.root.display().to_string());
    key(&mut h, Key::Enter);
    for _ in 0..3 {
        h.run_ok();
    }
    assert_eq!(h.state().project.root, other.root, "the path typed next opened");
}

/// The export dialog: the cursor in its path field as it opens, Enter there
/// exports.
#[test]
fn the_export_dialog_takes_a_path_typed_and_enter() {
    let f = fixture(&[("a.txt", TEXT)]);
    let out = f.root.parent().expect("in a temporary folder").join("typed-export.json");
    let mut h = harness(&f.root);
    key_mod(&mut h, Modifiers::COMMAND, Key::E);
    h.run_ok();
    type_text(&mut h, &out.display().to_string());
    key(&mut h, Key::Enter);
    h.run_ok();
    let spanlab::app::Dialog::Export(form) = &h.state().dialog else { panic!("the dialog stays open, with the report") };
    assert_eq!(form.path, out.display().to_string(), "typed in the path field");
    assert!(out.is_file(), "Enter in the path field exported to {}: {:?}", out.display(), form.result);
}

/// Issue 15, items 10 and 11: the path rows of the dialogs were wider than
/// their windows, and Browse… was drawn outside, where nobody saw it.
#[test]
fn every_browse_button_is_inside_its_dialog() {
    let f = fixture(&[("a.txt", TEXT)]);
    for size in [egui::vec2(800.0, 600.0), egui::vec2(1400.0, 900.0)] {
        let mut h = harness_sized(&f.root, size);
        let ctx = h.ctx.clone();
        for (command, title) in [
            (spanlab::app::Command::OpenFolder, "Open folder"),
            (spanlab::app::Command::Import, "Import a dataset"),
            (spanlab::app::Command::Export, "Export annotations"),
        ] {
            h.state_mut().apply(&ctx, command);
            h.run_ok();
            h.run_ok();
            let window = h.ctx.memory(|m| m.area_rect(egui::Id::unique(Some(title)))).expect("the dialog is drawn");
            assert!(egui::Rect::from_min_size(egui::Pos2::ZERO, size).contains_rect(window), "{title} {window:?} in the window");
            for b in h.get_all_by_label("Browse…") {
                assert!(window.contains_rect(b.rect()), "{size:?} {title}: Browse… {:?} outside the dialog {window:?}", b.rect());
            }
            key(&mut h, Key::Escape);
        }
    }
}

/// Seen under Xvfb: the jump hint of a name that starts a wrapped row was
/// drawn at the end of the row above (a code point where the layout wraps
/// was placed where the previous row ends). Every code point of a word is
/// left of the next one on its row.
#[test]
fn a_word_that_starts_a_wrapped_row_is_placed_at_that_rows_start() {
    let long: String = (0..60).map(|i| format!("Tianjin{i} ")).collect();
    let f = fixture(&[("a.txt", &long)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    h.run_ok();
    let chars: Vec<char> = long.chars().collect();
    let mut rows = 0;
    for c in 0..chars.len().saturating_sub(1) {
        if chars[c] == ' ' || chars[c + 1] == ' ' {
            continue;
        }
        let (here, next) = (char_pos(&h, c), char_pos(&h, c + 1));
        if c > 0 && chars[c - 1] == ' ' && (here.y - char_pos(&h, c - 1).y).abs() > 1.0 {
            rows += 1;
        }
        assert!(here.x < next.x && (here.y - next.y).abs() < 1.0, "code point {c} ({here:?}) and the next ({next:?}) of one word");
    }
    assert!(rows > 1, "the paragraph wraps ({rows} rows started by a word)");
}

/// Page Down / Page Up move the article a view (less a line) and Ctrl+End
/// / Ctrl+Home to its end and its start: reading a long article by keys
/// (the window had no key for it; the wheel or the scroll bar only).
#[test]
fn page_keys_and_ctrl_end_scroll_the_article() {
    let long: String = (0..400).map(|i| format!("Paragraphe {i} : le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin.\n")).collect();
    let end = CharIdx::new(long.chars().count() - 2);
    let f = fixture(&[("a.txt", &long)]);
    let mut h = harness(&f.root);
    settle(&mut h);
    let view = |h: &Harness<'_, SpanlabApp>| h.state().open.as_ref().and_then(|o| o.in_view).expect("the view is known");
    let (from, to) = view(&h);
    assert_eq!(from, CharIdx::ZERO);
    key(&mut h, Key::PageDown);
    h.run_ok();
    let (from2, to2) = view(&h);
    assert!(from2 > from && from2 < to, "a view on, its last row kept in view: {from:?}..{to:?} then {from2:?}..{to2:?}");
    key(&mut h, Key::PageUp);
    h.run_ok();
    assert_eq!(view(&h).0, CharIdx::ZERO, "back at the top");
    key_mod(&mut h, Modifiers::COMMAND, Key::End);
    h.run_ok();
    assert_eq!(h.state().article_view().shows(end), Some(true), "the end in view");
    key_mod(&mut h, Modifiers::COMMAND, Key::Home);
    h.run_ok();
    assert_eq!(h.state().article_view().shows(CharIdx::ZERO), Some(true), "the start in view");
}
