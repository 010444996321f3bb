//! Issue 17, models: what the engine learned comes back in the next
//! session, the window and the command line train the same project model,
//! its suggestions say they come from it, and Settings pick a model file.
//! Shares the helpers of `main.rs`.

use super::*;

#[test]
fn what_the_engine_learned_comes_back_in_the_next_session() {
    let vendrasque_org = |p: &[(String, String)]| p.iter().any(|(t, l)| t == "Vendrasque" && l == "ORG");
    // Control: on its own, the engine does not call Vendrasque an ORG.
    let control = fixture(&[("b.txt", B)]);
    let h = harness(&control.root);
    assert!(!vendrasque_org(&pending(&h)), "{:?}", pending(&h));
    drop(h);

    // Session 1: Vendrasque marked as an ORG in a, and a marked done.
    let f = fixture(&[("a.txt", A), ("b.txt", B)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(22, 32, "ORG")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key_mod(&mut h, Modifiers::COMMAND, Key::Enter);
    drop(h);

    // Session 2, a new window: it learns from a (done) before suggesting for b.
    let mut h = harness(&f.root);
    run_until(&mut h, "learning and suggesting settle", |a| a.learn_progress.is_none() && !a.is_suggesting());
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.as_str()), Some("b"));
    assert!(vendrasque_org(&pending(&h)), "{:?}", pending(&h));
}

/// The two articles of [`vendrasque_marked_done`].
const A: &str = "Le rapport du cabinet Vendrasque sera publié demain.";
const B: &str = "Selon le cabinet Vendrasque, la croissance ralentit.";

/// Two articles naming the cabinet Vendrasque; in the first, its name
/// accepted as an ORG and the document marked done (Ctrl+Enter, which
/// rebuilds the project model in the background): the fixture and the
/// window.
fn vendrasque_marked_done() -> (Fixture, Harness<'static, SpanlabApp>) {
    let f = fixture(&[("a.txt", A), ("b.txt", B)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(22, 32, "ORG")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key_mod(&mut h, Modifiers::COMMAND, Key::Enter);
    (f, h)
}

#[test]
fn the_window_and_the_command_line_train_the_same_project_model() {
    let (f, mut h) = vendrasque_marked_done();
    // Marking a document done rebuilds the project model in the background.
    run_until(&mut h, "the project model is rebuilt", |a| {
        a.learn_progress.is_none() && !a.is_suggesting() && a.model_in_use.contains("project model")
    });
    assert!(h.state().model_in_use.contains("trained on 1 done documents"), "{}", h.state().model_in_use);
    drop(h);
    // A new window uses the project model of the done document.
    let mut h = harness(&f.root);
    run_until(&mut h, "learning and suggesting settle", |a| a.learn_progress.is_none() && !a.is_suggesting());
    let kept = h.state().project.annotations.join(spanlab::app::project_model::MODEL_FILE);
    let window_model = std::fs::read(&kept).expect("the window keeps its project model in the annotations folder");
    let dir = tempfile::tempdir().expect("tempdir");
    let cli_model = dir.path().join("m.bin");
    let o = common::spanlab(&["train", common::path_str(&f.root), "--base", "builtin", "--out", common::path_str(&cli_model)]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(window_model == std::fs::read(&cli_model).expect("model"), "the window's project model is the command line's, byte for byte");
    // So both suggest alike.
    let engine = spanlab::suggest::Engine::with_model(&window_model).expect("loads");
    let schema = h.state().project.schema.clone();
    let min = h.state().settings.min_score;
    let text = spanlab::model::Text::from(B);
    let cli: Vec<(String, String)> =
        engine.suggest(&text, &schema, min).into_iter().map(|c| (text.slice(c.start, c.end).unwrap_or("").to_owned(), c.label)).collect();
    assert_eq!(pending(&h), cli);
    assert!(cli.iter().any(|(t, l)| t == "Vendrasque" && l == "ORG"), "{cli:?}");
    // Unchanged done documents: the next window reuses the kept model.
    let modified = std::fs::metadata(&kept).and_then(|m| m.modified()).expect("mtime");
    drop(h);
    let mut h = harness(&f.root);
    for _ in 0..500 {
        if h.state().learn_progress.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_ok();
    }
    assert_eq!(std::fs::metadata(&kept).and_then(|m| m.modified()).expect("mtime"), modified, "not trained again");
}

/// A project model of format 2 (written before name ends were kept) for
/// the done documents as they are: it was reused without name ends until
/// the done documents changed. Now the name ends are learned from the done
/// documents as soon as the project opens (the window's own way to the
/// project model, `project_model::build`, and a new window), and the file
/// becomes what `spanlab train` writes now, format 3, byte for byte.
#[test]
fn a_format_2_project_model_gets_its_name_ends_when_the_project_opens() {
    let (f, mut h) = vendrasque_marked_done();
    run_until(&mut h, "the project model is built", |a| a.learn_progress.is_none() && a.model_in_use.contains("project model"));
    let project = h.state().project.clone();
    drop(h);
    let kept = project.annotations.join(spanlab::app::project_model::MODEL_FILE);
    let current = std::fs::read(&kept).expect("the project model");
    let taught = spanlab::suggest::Tagger::from_bytes(&current).expect("reads").name_ends().clone();
    assert!(taught.after.contains("sera"), "the word after the corrected name ends names: {taught:?}");
    // The same model as an earlier version saved it: no name ends.
    let format_2 = || {
        let mut old = spanlab::suggest::Tagger::from_bytes(&current).expect("reads");
        old.set_name_ends(Default::default());
        let bytes = old.to_bytes();
        std::fs::write(&kept, &bytes).expect("write");
        bytes
    };
    let old = format_2();
    assert_ne!(old, current);
    // The window's way to its project model: the one on disk, with its name ends.
    let base = spanlab::app::project_model::base_model(&project, None).expect("the shipped model");
    let built = spanlab::app::project_model::build(&project, &base, |_, _| {}).expect("builds").expect("a done document");
    assert_eq!(built.name_ends(), &taught, "learned from the done documents");
    assert_eq!(std::fs::read(&kept).expect("kept"), current, "saved as format 3");
    // A new window on the project does the same.
    format_2();
    let mut h = harness(&f.root);
    run_until(&mut h, "learning settles", |a| a.learn_progress.is_none() && a.model_in_use.contains("project model"));
    assert_eq!(std::fs::read(&kept).expect("kept"), current, "the window learned the name ends and saved them");
    let dir = tempfile::tempdir().expect("tempdir");
    let cli_model = dir.path().join("m.bin");
    let o = common::spanlab(&["train", common::path_str(&f.root), "--base", "builtin", "--out", common::path_str(&cli_model)]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(current == std::fs::read(&cli_model).expect("model"), "what spanlab train writes, byte for byte");
}

#[test]
fn suggestions_from_the_project_model_say_so_and_the_inspector_says_it_in_words() {
    const C: &str = "Le ministre Sergueï Lavrov est arrivé à Pékin lundi pour rencontrer Wang Yi.";
    let f = fixture(&[("a.txt", A), ("b.txt", B), ("c.txt", C)]);
    let mut h = harness(&f.root);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.as_str()), Some("a"));
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(22, 32, "ORG")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key_mod(&mut h, Modifiers::COMMAND, Key::Enter);
    run_until(&mut h, "the project model is trained", |a| {
        a.learn_progress.is_none() && !a.is_suggesting() && a.model_in_use.contains("project model")
    });
    // A document opened now gets its suggestions from the project model.
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::OpenDocument(2));
    h.run_ok();
    settle(&mut h);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.as_str()), Some("c"));
    let project_model = spanlab::model::RecognizerName::model(spanlab::app::project_model::MODEL_FILE);
    assert_eq!(project_model.as_str(), "tagger:project-model.bin");
    let by: Vec<(String, String, spanlab::model::RecognizerName)> = {
        let open = h.state().open.as_ref().expect("open");
        open.doc
            .pending_suggestions()
            .iter()
            .map(|s| (open.doc.text().slice(s.start, s.end).unwrap_or("").to_owned(), s.label.clone(), s.recognizer.clone()))
            .collect()
    };
    assert!(by.iter().any(|(t, l, r)| t == "Sergueï Lavrov" && l == "PER" && *r == project_model), "{by:?}");
    assert!(by.iter().all(|(_, _, r)| *r != spanlab::model::RecognizerName::Tagger), "none says the shipped model: {by:?}");
    // The inspector says it in words for the selected suggestion.
    key(&mut h, Key::J);
    let selected = {
        let open = h.state().open.as_ref().expect("open");
        match open.selection {
            Selection::Suggestion(id) => open.doc.suggestion(id).map(|s| s.recognizer.clone()),
            _ => None,
        }
    };
    assert_eq!(selected.as_ref(), Some(&project_model), "j selects the first suggestion, the project model's");
    assert!(h.query_by_label_contains("proposed by the model file project-model.bin").is_some(), "the inspector names the project model");
}

/// Trains a model with `spanlab train` on one English document whose spans
/// are `(start, end, label)`.
fn train_model_file(dir: &std::path::Path, name: &str, spans: &[(usize, usize, &str)]) -> std::path::PathBuf {
    let text = "Mara Kessing sold the Zorblex in Vienna.";
    let labels: Vec<&str> = spans.iter().map(|s| s.2).collect();
    let entities: Vec<serde_json::Value> = spans
        .iter()
        .enumerate()
        .map(|(i, (a, b, l))| serde_json::json!({"id": format!("T{}", i + 1), "start": a, "end": b, "label": l, "text": &text[*a..*b]}))
        .collect();
    let ds = serde_json::json!({"format": "spanlab-dataset", "version": 1,
        "schema": {"name": "t", "entity_labels": labels, "relation_labels": []},
        "documents": [{"id": "d", "source": "d.txt", "text": text, "status": "done", "entities": entities, "relations": []}]});
    let json = dir.join(format!("{name}.json"));
    std::fs::write(&json, ds.to_string()).expect("write");
    let out = dir.join(name);
    let o = common::spanlab(&["train", common::path_str(&json), "--out", common::path_str(&out), "--epochs", "2"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    out
}

#[test]
fn settings_pick_a_model_refuse_a_bad_one_and_say_which_models_are_in_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let product = train_model_file(dir.path(), "product.bin", &[(0, 12, "PER"), (22, 29, "PRODUCT"), (33, 39, "GPE")]);
    let good = train_model_file(dir.path(), "good.bin", &[(0, 12, "PER"), (33, 39, "GPE")]);
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    assert!(h.state().model_in_use.contains("shipped model"), "{}", h.state().model_in_use);
    let pick = |h: &mut Harness<'_, SpanlabApp>, model: &std::path::Path| {
        let form = spanlab::app::forms::SettingsForm {
            min_score: 0.3,
            font_size: 17.0,
            timeout_ms: 10_000,
            model: model.display().to_string(),
            ..Default::default()
        };
        let ctx = h.ctx.clone();
        h.state_mut().apply(&ctx, spanlab::app::Command::ApplySettings(Box::new(form)));
        h.run_ok();
        run_until(h, "the model is read", |a| a.learn_progress.is_none());
    };
    pick(&mut h, &product);
    let last_error = h.state().messages.iter().rev().find(|m| m.error).map(|m| m.text.clone()).unwrap_or_default();
    assert!(last_error.contains("product.bin") && last_error.contains("PRODUCT"), "{last_error}");
    assert!(h.state().model_in_use.contains("shipped model"), "{}", h.state().model_in_use);
    pick(&mut h, &good);
    assert!(h.state().model_in_use.contains("good.bin (chosen in Settings)"), "{}", h.state().model_in_use);
    // And how its suggestions say where they came from.
    assert!(h.state().model_in_use.contains("tagger:good.bin"), "{}", h.state().model_in_use);
    // The settings dialog shows it.
    h.state_mut().dialog = spanlab::app::Dialog::Settings(spanlab::app::forms::SettingsForm::from_settings(&h.state().settings));
    h.run_ok();
    let in_use = h.state().model_in_use.clone();
    assert!(h.query_by_label(&in_use).is_some(), "the settings say which model is in use: {in_use}");
}
