//! A long article suggested a section at a time, with the setting "open
//! documents with suggestions accepted" on: every section's entity
//! suggestions are accepted as they arrive (one undo step each), never one
//! the user gave back or rejected, never over a span of the user's.
//! Small sizes stand for the 16 MB / 2 MB of a real session
//! ([`spanlab::app::Sectioning`]).

use super::*;

/// Sections of about 6,000 bytes in an article over 10,000 bytes.
const CUT: spanlab::app::Sectioning = spanlab::app::Sectioning { long_article_bytes: 10_000, section_bytes: 6_000 };

/// About 36,000 bytes: six sections, each longer than a view.
fn long_article() -> String {
    let mut t = String::new();
    for i in 0..480 {
        t.push_str(&format!("Ligne {i:03} : Emmanuel Macron a rencontré Olaf Scholz à Berlin.\n"));
    }
    t
}

/// The window on `root` with the setting on (in the settings file it
/// reads, as a person set it in an earlier session) and small sections.
fn accepting_harness(root: &std::path::Path, settings: &std::path::Path) -> Harness<'static, SpanlabApp> {
    spanlab::app::Settings { accept_on_open: true, ..Default::default() }.save(settings).expect("settings");
    let project = Project::open(root, None).expect("project opens");
    harness_with(project, AppOptions { settings_path: Some(settings.to_owned()), sections: CUT, ..AppOptions::default() })
}

/// [`long_article`] in a project, opened with the setting on: its text,
/// the project (kept while the window is) and the window.
fn long_article_opened_accepting() -> (String, Fixture, Harness<'static, SpanlabApp>) {
    let text = long_article();
    let f = fixture(&[("long.txt", text.as_str())]);
    let h = accepting_harness(&f.root, &f.root.parent().expect("parent").join("settings.json"));
    (text, f, h)
}

/// Brings `at` into view (as a jump or a scroll does) and waits for the
/// suggestions of the section the view reached, if it asked for any.
fn view_at(h: &mut Harness<'_, SpanlabApp>, at: usize) {
    h.state_mut().open.as_mut().expect("open").scroll_to = Some(CharIdx::new(at).into());
    h.run_ok();
    h.run_ok();
    settle(h);
}

/// Takes the view through the article, 1,000 code points at a time to its
/// end (`len`), and returns the sections asked for.
fn view_through(h: &mut Harness<'_, SpanlabApp>, len: usize) -> Vec<(usize, usize)> {
    for at in (0..len).step_by(1_000).chain([len]) {
        view_at(h, at);
    }
    asked(h)
}

/// The sections asked for so far, in text order.
fn asked(h: &Harness<'_, SpanlabApp>) -> Vec<(usize, usize)> {
    let mut v: Vec<_> = h.state().open.as_ref().expect("open").sections_asked.iter().map(|s| (s.0.get(), s.1.get())).collect();
    v.sort_unstable();
    v
}

/// Pending entity suggestions in `from..to`.
fn pending_in(h: &Harness<'_, SpanlabApp>, (from, to): (usize, usize)) -> usize {
    let doc = &h.state().open.as_ref().expect("open").doc;
    doc.pending_suggestions().iter().filter(|s| s.start.get() >= from && s.end.get() <= to).count()
}

fn spans_in(h: &Harness<'_, SpanlabApp>, (from, to): (usize, usize)) -> usize {
    let doc = &h.state().open.as_ref().expect("open").doc;
    doc.spans().iter().filter(|s| s.start.get() >= from && s.end.get() <= to).count()
}

/// Opened with the setting on, the article's later sections arrive as
/// the view reaches them: each is accepted as it arrives, and once the
/// view went through the article nothing is left pending.
#[test]
fn every_section_of_a_long_article_opened_with_the_setting_on_is_accepted() {
    let (text, _f, mut h) = long_article_opened_accepting();
    let len = text.chars().count();
    let first = *asked(&h).first().expect("the first section asked for");
    assert!(first.1 < len, "a long article, suggested a section at a time: {first:?} of {len}");
    assert!(spans_in(&h, first) > 10, "the first section accepted on opening");
    let sections = view_through(&mut h, len);
    assert!(sections.len() >= 5, "{sections:?}");
    assert_eq!(sections.first().map(|s| s.0), Some(0));
    assert_eq!(sections.last().map(|s| s.1), Some(len), "the view went through the whole article: {sections:?}");
    for &s in &sections {
        assert!(spans_in(&h, s) > 10, "section {s:?} accepted: {} spans", spans_in(&h, s));
    }
    assert_eq!(pending(&h), [], "nothing left pending");
}

/// Each arrival is one undo step: Ctrl+Z gives back that section's
/// suggestions (the others stay accepted). A later section's arrival
/// accepts its own suggestions only: never those the user gave back or
/// rejected in an earlier one, never over a span the user drew meanwhile.
#[test]
fn a_section_arriving_accepts_its_own_suggestions_only_and_ctrl_z_gives_them_back() {
    let (text, _f, mut h) = long_article_opened_accepting();
    let len = text.chars().count();
    let first = *asked(&h).first().expect("the first section asked for");
    let accepted = spans_in(&h, first);
    assert!(accepted > 10);
    // The user gives the first section's back, to review them one by one,
    // and rejects the first.
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans(&h), []);
    assert_eq!(pending_in(&h, first), accepted, "given back");
    key(&mut h, Key::J);
    let Some(Selection::Suggestion(rejected)) = h.state().open.as_ref().map(|o| o.selection) else { panic!("a suggestion selected") };
    key(&mut h, Key::X);
    let state = |h: &Harness<'_, SpanlabApp>, id| h.state().open.as_ref().and_then(|o| o.doc.suggestion(id)).map(|s| s.state);
    assert_eq!(state(&h, rejected), Some(SuggestionState::Rejected));

    // The view reaches the second section: its suggestions are accepted,
    // the first's stay as the user left them.
    view_at(&mut h, first.1 + 500);
    let second = *asked(&h).get(1).expect("the second section asked for");
    assert!(spans_in(&h, second) > 10, "the second section accepted: {}", spans_in(&h, second));
    assert_eq!(pending_in(&h, second), 0);
    assert_eq!(pending_in(&h, first), accepted - 1, "the first section's stay pending");
    assert_eq!(state(&h, rejected), Some(SuggestionState::Rejected));
    assert_eq!(spans_in(&h, first), 0);

    // The third: asked for, and before it arrives the user labels a name
    // there ("Olaf" alone, as ORG, where the engine finds "Olaf Scholz").
    let third_at = second.1 + 500;
    h.state_mut().open.as_mut().expect("open").scroll_to = Some(CharIdx::new(third_at).into());
    // One frame at a time: the answer is taken in at the start of a frame,
    // so none is taken before the label below.
    for _ in 0..5 {
        h.step();
        if h.state().is_suggesting() {
            break;
        }
    }
    assert!(h.state().is_suggesting(), "the third section asked for");
    let third = *asked(&h).get(2).expect("the third section asked for");
    let line_start = text[..].char_indices().map(|(b, _)| b).nth(third.0).expect("in text");
    let olaf = text[line_start..].find("Olaf").expect("a name") + line_start;
    let olaf = text[..olaf].chars().count();
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::SelectText(CharIdx::new(olaf), CharIdx::new(olaf + 4)));
    h.state_mut().apply(&ctx, spanlab::app::Command::Label("ORG".into()));
    settle(&mut h);
    let open = h.state().open.as_ref().expect("open");
    let over: Vec<_> = open
        .doc
        .spans()
        .overlapping(CharIdx::new(olaf), CharIdx::new(olaf + 4))
        .map(|s| (s.start.get(), s.end.get(), s.label.clone()))
        .collect();
    assert_eq!(over, [(olaf, olaf + 4, "ORG".to_owned())], "the user's span, alone");
    assert!(spans_in(&h, third) > 10, "the rest of the third section accepted");
    assert_eq!(pending_in(&h, third), 0);

    // Ctrl+Z: the third section's acceptance, then the second's.
    let before = spans_in(&h, second);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans_in(&h, third), 1, "only the user's span left there");
    assert!(pending_in(&h, third) > 10, "the third section's suggestions given back");
    assert_eq!(spans_in(&h, second), before, "the second's stay accepted");
    assert!(h.state().messages.iter().any(|m| m.text.contains("arrived")), "the undo says what it gave back: {:?}", h.state().messages);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans_in(&h, third), 0, "the user's span undone");
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans_in(&h, second), 0, "the second section given back");
    assert!(pending_in(&h, second) > 10);
    assert!(len > third.1);
}

/// The setting turned on by A right after Alt+A in a long article: the
/// article counts as opened with it on (Alt+A accepted what had arrived),
/// so its later sections are accepted as they arrive too.
#[test]
fn a_after_alt_a_in_a_long_article_accepts_its_later_sections_too() {
    let text = long_article();
    let len = text.chars().count();
    let f = fixture(&[("long.txt", text.as_str())]);
    let project = Project::open(&f.root, None).expect("project opens");
    let mut h = harness_with(project, AppOptions { sections: CUT, ..AppOptions::default() });
    assert!(!pending(&h).is_empty(), "the setting off: pending");
    key_mod(&mut h, Modifiers::ALT, Key::A);
    key(&mut h, Key::A);
    assert!(h.state().settings.accept_on_open);
    let sections = view_through(&mut h, len);
    assert_eq!(sections.last().map(|s| s.1), Some(len), "{sections:?}");
    for &s in &sections {
        assert!(spans_in(&h, s) > 10, "section {s:?} accepted: {} spans", spans_in(&h, s));
    }
    assert_eq!(pending(&h), [], "nothing left pending");
}

/// [`long_article`] and a short article after it, in a project opened with
/// the setting on: the long one open, its first section accepted.
fn long_and_short_opened_accepting() -> (String, Fixture, std::path::PathBuf, Harness<'static, SpanlabApp>) {
    let text = long_article();
    let f = fixture(&[("a_long.txt", text.as_str()), ("b_short.txt", "Olaf Scholz est arrivé à Paris.\n")]);
    let settings = f.root.parent().expect("parent").join("settings.json");
    let h = accepting_harness(&f.root, &settings);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.source.as_str()), Some("a_long.txt"));
    (text, f, settings, h)
}

/// Goes a little way into the open long article: its first two sections
/// accepted, the rest not suggested yet.
fn go_a_little_way(h: &mut Harness<'_, SpanlabApp>, len: usize) {
    let first = *asked(h).first().expect("the first section asked for");
    view_at(h, first.1 + 500);
    let reached = asked(h);
    assert_eq!(reached.len(), 2, "{reached:?}");
    for &s in &reached {
        assert!(spans_in(h, s) > 10, "section {s:?} accepted");
    }
    assert!(reached.iter().all(|s| s.1 < len), "the article's end not reached yet: {reached:?}");
}

/// Ctrl+End, then waits for the suggestions of the sections the view
/// reached; the sections at the end asked for then.
fn to_the_end(h: &mut Harness<'_, SpanlabApp>, len: usize) -> Vec<(usize, usize)> {
    key_mod(h, Modifiers::COMMAND, Key::End);
    for _ in 0..4 {
        h.run_ok();
        settle(h);
    }
    let at_end: Vec<_> = asked(h).into_iter().filter(|s| s.1 == len).collect();
    assert_eq!(at_end.len(), 1, "the last section asked for: {:?}", asked(h));
    at_end
}

/// Opens the next document (Alt+Down), then comes back to the long
/// article (Alt+Up) at once, and checks it holds what it held when left.
fn there_and_back(h: &mut Harness<'_, SpanlabApp>) {
    let left = spans(h);
    key_mod(h, Modifiers::ALT, Key::ArrowDown);
    settle(h);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.source.as_str()), Some("b_short.txt"));
    key_mod(h, Modifiers::ALT, Key::ArrowUp);
    settle(h);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.source.as_str()), Some("a_long.txt"));
    assert_eq!(spans(h).len(), left.len(), "reopened as it was left");
    assert!(spans(h) == left, "the same spans");
}

/// A document left and opened again at once is read as it was saved when
/// left: its save may still be with the writer (a long article's file
/// takes a while), and was read as it had been before (here: no file yet,
/// so the article opened as new, its second section's acceptance lost,
/// then overwritten by the next save).
#[test]
fn a_document_left_and_opened_again_at_once_holds_what_it_held() {
    let (text, _f, _settings, mut h) = long_and_short_opened_accepting();
    go_a_little_way(&mut h, text.chars().count());
    for _ in 0..3 {
        there_and_back(&mut h);
    }
}

/// Reopened in the same session (another document opened between), a
/// long article opened with the setting on goes on as it started: the
/// sections reached after coming back are accepted as they arrive.
#[test]
fn a_long_article_reopened_goes_on_accepting_its_sections() {
    let (text, _f, _settings, mut h) = long_and_short_opened_accepting();
    let len = text.chars().count();
    go_a_little_way(&mut h, len);
    there_and_back(&mut h);
    for s in to_the_end(&mut h, len) {
        assert!(spans_in(&h, s) > 10, "the last section {s:?} accepted: {} spans", spans_in(&h, s));
        assert_eq!(pending_in(&h, s), 0, "none pending in the last section {s:?}");
    }
}

/// The same after a restart: a new window on the same folder (the setting
/// still on) opens the article, which goes on accepting what arrives.
#[test]
fn a_long_article_reopened_after_a_restart_goes_on_accepting_its_sections() {
    let (text, f, settings, mut h) = long_and_short_opened_accepting();
    let len = text.chars().count();
    go_a_little_way(&mut h, len);
    let [first, second] = asked(&h)[..] else { panic!("two sections") };
    // The user gives the second section's back (Ctrl+Z): they stay so.
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    let given_back = pending_in(&h, second);
    assert!(given_back > 10);
    assert_eq!(spans_in(&h, second), 0);
    let kept = spans_in(&h, first);
    h.state_mut().flush_writes();
    drop(h);
    let mut h = accepting_harness(&f.root, &settings);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.source.as_str()), Some("a_long.txt"));
    assert_eq!(spans_in(&h, first), kept, "the first section accepted before, kept");
    for s in to_the_end(&mut h, len) {
        assert!(spans_in(&h, s) > 10, "the last section {s:?} accepted: {} spans", spans_in(&h, s));
        assert_eq!(pending_in(&h, s), 0, "none pending in the last section {s:?}");
        // One undo step for that arrival: Ctrl+Z gives it back alone.
        key_mod(&mut h, Modifiers::COMMAND, Key::Z);
        assert_eq!(spans_in(&h, s), 0, "the last section given back");
        assert!(pending_in(&h, s) > 10);
    }
    assert_eq!(spans_in(&h, first), kept, "the first section's stay accepted");
    assert_eq!((spans_in(&h, second), pending_in(&h, second)), (0, given_back), "what the user gave back stays so");
}

/// A long article opened with the setting off, where the user labelled a
/// name, stays as it is when the setting is turned on later: reopened,
/// its later sections arrive pending (only documents opened accepting go
/// on accepting).
#[test]
fn a_long_article_opened_with_the_setting_off_stays_so_when_it_is_turned_on() {
    let text = long_article();
    let len = text.chars().count();
    let f = fixture(&[("a_long.txt", text.as_str()), ("b_short.txt", "Olaf Scholz est arrivé à Paris.\n")]);
    let settings = f.root.parent().expect("parent").join("settings.json");
    spanlab::app::Settings::default().save(&settings).expect("settings");
    let project = Project::open(&f.root, None).expect("project opens");
    let mut h = harness_with(project, AppOptions { settings_path: Some(settings.clone()), sections: CUT, ..AppOptions::default() });
    assert!(!pending(&h).is_empty(), "the setting off: pending");
    assert_eq!(spans(&h), []);
    // The user accepts one (Enter), then goes to the other document and
    // turns the setting on there.
    key(&mut h, Key::Enter);
    assert_eq!(spans(&h).len(), 1);
    key_mod(&mut h, Modifiers::ALT, Key::ArrowDown);
    settle(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::ToggleAcceptOnOpen);
    assert!(h.state().settings.accept_on_open);
    key_mod(&mut h, Modifiers::ALT, Key::ArrowUp);
    settle(&mut h);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.source.as_str()), Some("a_long.txt"));
    assert_eq!(spans(&h).len(), 1, "left as it was");
    for s in to_the_end(&mut h, len) {
        assert_eq!(spans_in(&h, s), 0, "the last section {s:?} not accepted");
        assert!(pending_in(&h, s) > 10, "the last section {s:?} pending");
    }
}
