//! Letters then a key that steers a dialog (↓ / ↑ through the spans so
//! named, Enter to the next occurrence, ↓ through the palette's rows, Tab,
//! Esc then a shortcut), all within one frame (`xdotool type --delay 5`),
//! leave the model as the same keys typed one frame each: in the frame
//! that brings them and the next, and once the window has settled.

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use spanlab::app::{Selection, SpanlabApp};

use super::fields::typed_word;
use super::window::press_events;
use super::*;

/// Names sharing first letters: "bo" names Boris Venn and Boris Kahn,
/// "b" Bruno Vidal too; "Ve" is in Venn and Vella.
const CROWD: &str = "Ada Quill a rencontré Boris Venn à Kessel, puis Bruno Vidal et Boris Kahn à Vella.";

/// The names of [`CROWD`] and their labels.
const CROWD_NAMES: [(&str, &str); 6] =
    [("Ada Quill", "PER"), ("Boris Venn", "PER"), ("Kessel", "GPE"), ("Bruno Vidal", "PER"), ("Boris Kahn", "PER"), ("Vella", "GPE")];

/// A window on [`CROWD`], every name a span, nothing selected.
fn crowd_window() -> (Fixture, Harness<'static, SpanlabApp>) {
    spans_window(CROWD, &CROWD_NAMES)
}

/// A window on [`CROWD`], every name a pending suggestion.
fn pending_window() -> (Fixture, Harness<'static, SpanlabApp>) {
    suggested_window(CROWD, &CROWD_NAMES)
}

/// What the keys may have changed: the dialog (its query, its highlighted
/// row), the selection, the mode, the theme, the spans.
fn model(h: &Harness<'_, SpanlabApp>) -> String {
    let app = h.state();
    let open = app.open.as_ref().expect("open");
    let selected = match open.selection {
        Selection::Span(id) => open.doc.spans().get(id).map(|s| open.doc.span_text(s).to_owned()).unwrap_or_default(),
        other => format!("{other:?}"),
    };
    format!("{:?} · selected {selected} · {:?} · dark {} · spans {:?}", app.dialog, app.mode(), app.settings.dark, spans(h))
}

/// A plain key's press and release.
fn press(key: Key) -> Vec<Event> {
    press_events(key, Modifiers::NONE).to_vec()
}

/// Each letter of `word` as its own press.
fn letters(word: &str) -> Vec<Vec<Event>> {
    word.chars().map(|c| typed_word(&c.to_string())).collect()
}

/// Opens a window with `open`, then gives it `presses` one frame each, and
/// another window all of them in one frame: the model after that frame
/// and the next, and once settled, is the slow one's. Returns the latter.
fn slow_equals_fast(open: impl Fn(&mut Harness<'static, SpanlabApp>), presses: &[Vec<Event>]) -> String {
    slow_equals_fast_in(crowd_window, open, presses)
}

/// [`slow_equals_fast`] in windows made by `window`.
fn slow_equals_fast_in(
    window: fn() -> (Fixture, Harness<'static, SpanlabApp>),
    open: impl Fn(&mut Harness<'static, SpanlabApp>),
    presses: &[Vec<Event>],
) -> String {
    let (_f, mut slow) = window();
    open(&mut slow);
    for p in presses {
        slow.input_mut().events.extend(p.iter().cloned());
        slow.run_ok();
    }
    let expected = model(&slow);
    let (_g, mut fast) = window();
    open(&mut fast);
    fast.input_mut().events.extend(presses.iter().flatten().cloned());
    fast.step();
    fast.step();
    assert_eq!(model(&fast), expected, "after the frame of the keys and the next");
    fast.run_ok();
    assert_eq!(model(&fast), expected, "once settled");
    expected
}

/// Opens a prompt (`modifiers`+`key`) and types its first letters apart:
/// the keys under test then narrow what they named.
fn open_typed(h: &mut Harness<'static, SpanlabApp>, modifiers: Modifiers, key: Key, first: &str) {
    key_mod(h, modifiers, key);
    h.input_mut().events.extend(typed_word(first));
    h.run_ok();
}

fn shift_c(h: &mut Harness<'static, SpanlabApp>) {
    open_typed(h, Modifiers::SHIFT, Key::C, "b");
}

/// Shift+C, `b`, then `o ↓` at once: ↓ steps through the spans named
/// "bo" (Boris Venn, then Boris Kahn), not those named "b".
#[test]
fn letters_then_arrow_down_in_one_frame_of_the_span_prompt() {
    let mut presses = letters("o");
    presses.push(press(Key::ArrowDown));
    let end = slow_equals_fast(shift_c, &presses);
    assert!(end.contains("selected Boris Kahn"), "{end}");
}

/// Two ↓ (or ↑) in one frame step twice, as typed one frame each.
#[test]
fn letters_then_two_arrows_in_one_frame_of_the_span_prompt() {
    let mut presses = letters("o");
    presses.extend([press(Key::ArrowDown), press(Key::ArrowDown)]);
    let end = slow_equals_fast(shift_c, &presses);
    assert!(end.contains("selected Boris Venn"), "two steps through two spans: back to the first {end}");
    let mut presses = letters("r");
    presses.extend([press(Key::ArrowUp), press(Key::ArrowUp)]);
    let end = slow_equals_fast(shift_c, &presses);
    // "br": Bruno Vidal alone; ↑ ↑ stay on it.
    assert!(end.contains("selected Bruno Vidal"), "{end}");
    let presses = vec![press(Key::ArrowDown), press(Key::ArrowDown), press(Key::ArrowUp)];
    let end = slow_equals_fast(shift_c, &presses);
    // "b": Boris Venn, Bruno Vidal, Boris Kahn; ↓ ↓ ↑ ends on Bruno Vidal.
    assert!(end.contains("selected Bruno Vidal"), "{end}");
}

/// Shift+C, letters, Enter: the likely relations of the span they name.
#[test]
fn letters_arrow_and_enter_in_one_frame_of_the_span_prompt() {
    let mut presses = letters("o");
    presses.extend([press(Key::ArrowDown), press(Key::Enter)]);
    let end = slow_equals_fast(shift_c, &presses);
    assert!(end.contains("selected Boris Kahn") && end.contains("ChoosingRelation"), "{end}");
}

fn ctrl_f(h: &mut Harness<'static, SpanlabApp>) {
    open_typed(h, Modifiers::COMMAND, Key::F, "V");
}

/// Ctrl+F, `V`, then `e Enter` (and `e Enter Enter`) at once: each Enter
/// goes to the next occurrence of "Ve".
#[test]
fn letters_then_enters_in_one_frame_of_the_find_bar() {
    let mut presses = letters("e");
    presses.push(press(Key::Enter));
    let at = |word: &str| CROWD[..CROWD.find(word).expect("in the text")].chars().count();
    let end = slow_equals_fast(ctrl_f, &presses);
    assert!(end.contains(&format!("anchor: CharIdx({})", at("Vella"))), "Enter went from Venn to Vella: {end}");
    presses.push(press(Key::Enter));
    let end = slow_equals_fast(ctrl_f, &presses);
    assert!(end.contains(&format!("anchor: CharIdx({})", at("Venn"))), "a second Enter wrapped to Venn: {end}");
}

fn ctrl_p(h: &mut Harness<'static, SpanlabApp>) {
    open_typed(h, Modifiers::COMMAND, Key::P, "s");
}

/// The palette: letters then ↓ (one, two, then ↑) at once highlight the
/// row they would typed slowly; Enter then runs that row's command.
#[test]
fn letters_then_arrows_in_one_frame_of_the_palette() {
    let mut presses = letters("pan");
    presses.push(press(Key::ArrowDown));
    let end = slow_equals_fast(ctrl_p, &presses);
    assert!(end.contains("selected: 1"), "{end}");
    presses.extend([press(Key::ArrowDown), press(Key::ArrowUp), press(Key::ArrowDown)]);
    let end = slow_equals_fast(ctrl_p, &presses);
    assert!(end.contains("selected: 2"), "{end}");
    presses.push(press(Key::Enter));
    let end = slow_equals_fast(ctrl_p, &presses);
    assert!(end.contains("dialog: None") || end.starts_with("None"), "Enter ran the row: {end}");
}

/// Tab after letters in a prompt steers it as ↓ (the find bar: as Enter)
/// and the field keeps the keyboard: the letters after it are typed.
#[test]
fn letters_then_tab_in_one_frame_of_each_prompt() {
    type Open = fn(&mut Harness<'static, SpanlabApp>);
    let cases: [(Open, &str, &str, &str); 3] = [
        // Boris Venn, Tab: Boris Kahn, then "bor" names Boris Venn again.
        (shift_c, "o", "r", "query: \"bor\", fresh: false, origin: CharIdx(0) } · selected Boris Venn"),
        // "Ve" in Venn, Tab: in Vella, then "Vel" is only there.
        (ctrl_f, "e", "l", "query: \"Vel\""),
        (ctrl_p, "o", "r", "query: \"sor\""),
    ];
    for (open, before, after, expected) in cases {
        let mut presses = letters(before);
        presses.push(press(Key::Tab));
        presses.extend(letters(after));
        let end = slow_equals_fast(open, &presses);
        assert!(end.contains(expected), "{expected} in {end}");
    }
    let mut presses = letters("o");
    presses.push(press(Key::Tab));
    let end = slow_equals_fast(shift_c, &presses);
    assert!(end.contains("selected Boris Kahn"), "Tab stepped as ↓: {end}");
}

/// Letters, Esc then Tab (the next span) at once: Tab acts once the find
/// bar is closed, from the span it found.
#[test]
fn letters_escape_then_tab_in_one_frame_of_the_find_bar() {
    let mut presses = letters("enn");
    presses.extend([press(Key::Escape), press(Key::Tab)]);
    let end = slow_equals_fast(ctrl_f, &presses);
    assert!(end.contains("selected Kessel"), "Tab went from Boris Venn to Kessel: {end}");
    let mut presses = letters("o");
    presses.extend([press(Key::ArrowDown), press(Key::Escape), press(Key::Tab)]);
    let end = slow_equals_fast(shift_c, &presses);
    assert!(end.contains("selected Vella"), "Tab went from Boris Kahn to Vella: {end}");
}

/// The suggestion filter (Ctrl+Shift+F): letters in "Text contains" then
/// Enter at once accept the suggestions those letters keep, no others
/// (Enter applies what the preview shows; the preview follows the text).
#[test]
fn letters_then_enter_in_one_frame_of_the_suggestion_filter() {
    let open = |h: &mut Harness<'static, SpanlabApp>| {
        key_mod(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Text contains").click();
        h.run_ok();
        h.input_mut().events.extend(typed_word("B"));
        h.run_ok();
    };
    let mut presses = letters("or");
    presses.push(press(Key::Enter));
    let end = slow_equals_fast_in(pending_window, open, &presses);
    assert!(end.contains(r#"spans [("Boris Venn", "PER"), ("Boris Kahn", "PER")]"#), "{end}");
}
