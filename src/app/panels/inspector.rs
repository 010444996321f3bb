//! The inspector: the selected span (label, text, provenance, relations in
//! and out) or suggestion, the relation being drawn, the document's
//! relations with jump-to, its status and comment.

use egui::{RichText, Ui};

use super::super::state::OpenDoc;
use super::super::{Command, Selection, SpanlabApp};
use crate::model::{Origin, Status};

/// At most `n` characters of `s`, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n.saturating_sub(1)).collect::<String>()) }
}

/// Suggested relations: the list (a click selects one), then the selected
/// one with its types ranked by the relation engine, numbered as the keys
/// that accept it with that type.
fn suggested_relations_ui(open: &OpenDoc, scored: &[(String, f32)], clashes: &[String], ui: &mut Ui, cmds: &mut Vec<Command>) {
    let doc = &open.doc;
    let pending = doc.pending_relation_suggestions();
    if pending.is_empty() {
        return;
    }
    let name = |end| doc.end_place(end).and_then(|(a, b, _)| doc.text().slice(a, b)).unwrap_or("").to_owned();
    ui.separator();
    ui.heading(format!("Suggested relations ({})", pending.len()));
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical().id_salt("suggested relations").max_height(row_height * 10.0).auto_shrink([false, true]).show_rows(
        ui,
        row_height,
        pending.len(),
        |ui, range| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            for r in pending.get(range).unwrap_or(&[]) {
                let selected = open.selection == Selection::RelationSuggestion(r.id);
                let text = format!("{} —{}?→ {}  {:.2}", short(&name(r.head), 24), r.label, short(&name(r.tail), 24), r.score);
                if ui
                    .selectable_label(selected, &text)
                    .on_hover_text(format!("suggested by {} with score {:.2}", r.recognizer, r.score))
                    .clicked()
                {
                    cmds.push(Command::SelectRelationSuggestion(r.id));
                }
            }
        },
    );
    let Selection::RelationSuggestion(id) = open.selection else { return };
    let Some(r) = doc.relation_suggestion(id).filter(|r| r.is_pending()) else { return };
    ui.label(RichText::new(format!("{} —{}?→ {}", name(r.head), r.label, name(r.tail))).strong());
    ui.label(format!("suggested by {} with score {:.2}", r.recognizer, r.score));
    ui.horizontal_wrapped(|ui| {
        if ui.button("Accept (Enter)").clicked() {
            cmds.push(Command::AcceptSuggestion);
        }
        if ui.button("Reject (x)").clicked() {
            cmds.push(Command::RejectSuggestion);
        }
    });
    ui.label(RichText::new("Accept as another type (its number or its key):").weak().small());
    ui.horizontal_wrapped(|ui| {
        for (n, (label, score)) in scored.iter().enumerate() {
            let text = if n < 9 { format!("{} {label} {score:.2}", n + 1) } else { format!("{label} {score:.2}") };
            if ui.selectable_label(*label == r.label, text).clicked() {
                cmds.push(Command::RelationType(label.clone()));
            }
        }
    });
    for clash in clashes {
        ui.label(RichText::new(clash).weak().small());
    }
}

/// The likely relations of a span (`c`): the pair shown first with every
/// relation the schema allows between them, numbered (the keys that make
/// it), then the pairs, likeliest first, the one shown marked.
fn pick_ui(open: &OpenDoc, pick: &crate::app::RelationPick, schema: &crate::model::Schema, ui: &mut Ui, cmds: &mut Vec<Command>) {
    let doc = &open.doc;
    let name = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
    let span = name(pick.span);
    ui.heading(format!("Likely relations of “{}” ({} of {})", short(&span, 24), pick.index + 1, pick.readings.len()));
    ui.label(
        RichText::new(
            "Enter makes the one shown · x / Tab next pair · Shift+Tab previous · a type's key or number: that relation · Esc stops",
        )
        .weak(),
    );
    if let Some(r) = pick.shown() {
        if let Some(c) = r.best() {
            ui.label(RichText::new(format!("{} —{}?→ {}  {:.2}", name(c.head), c.label, name(c.tail), c.score)).strong());
        }
        for (n, c) in r.choices.iter().enumerate() {
            let key = schema.relation(&c.label).and_then(|x| x.hotkey.clone()).unwrap_or_default();
            let number = if n < 9 { format!("{} ", n + 1) } else { String::new() };
            let text = format!("{number}{} —{} ({key})→ {}  {:.2}", short(&name(c.head), 16), c.label, short(&name(c.tail), 16), c.score);
            if ui.selectable_label(n == 0, text).clicked() && n < 9 {
                cmds.push(Command::RelationTypeAt(n));
            }
        }
    }
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical().id_salt("likely relations").max_height(row_height * 10.0).auto_shrink([false, true]).show_rows(
        ui,
        row_height,
        pick.readings.len(),
        |ui, range| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            for k in range {
                let Some(c) = pick.readings.get(k).and_then(|r| r.best()) else { continue };
                let mark = if k == pick.index { "▶" } else { " " };
                let text = format!("{mark} {} —{}→ {}  {:.2}", short(&name(c.head), 20), c.label, short(&name(c.tail), 20), c.score);
                ui.add(egui::Label::new(text).selectable(false));
            }
        },
    );
}

/// Draws the inspector.
pub fn inspector_ui(app: &mut SpanlabApp, ui: &mut Ui) {
    // The selected suggested relation's types, ranked by the relation engine.
    let scored = match app.open.as_ref().map(|o| o.selection) {
        Some(Selection::RelationSuggestion(id)) => {
            app.open.as_ref().and_then(|o| o.doc.relation_suggestion(id)).map(|r| app.scored_types(r.head, r.tail)).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let clashes = app.commands.clashes().to_vec();
    let Some(open) = &app.open else { return };
    let doc = &open.doc;
    let schema = &app.project.schema;
    let mut cmds = Vec::new();
    egui::ScrollArea::vertical().id_salt("inspector").auto_shrink(false).show(ui, |ui| {
        // Whatever is selected, the inspector keeps its width: text wraps
        // and rows of buttons wrap (a wider row would widen the panel and
        // re-wrap the article).
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
        if let Some(p) = &open.pick {
            pick_ui(open, p, schema, ui, &mut cmds);
            ui.separator();
        }
        if let Some(d) = &open.draft {
            ui.heading("New relation");
            let head = doc.spans().get(d.head).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
            ui.label(format!("from “{head}”"));
            match d.tail {
                None => {
                    ui.label(
                        RichText::new(
                            "Choose the tail: Tab / → next, Shift+Tab / ← previous, Enter to confirm, or click a span. Esc cancels.",
                        )
                        .weak(),
                    );
                    for (k, t) in d.candidates.iter().enumerate().take(12) {
                        let Some(s) = doc.spans().get(*t) else { continue };
                        let text = format!("{} {} ({})", if k == d.index { "▶" } else { " " }, doc.span_text(s), s.label);
                        if ui.selectable_label(k == d.index, text).clicked() {
                            cmds.push(Command::RelationTail(*t));
                        }
                    }
                }
                Some(t) => {
                    let tail = doc.spans().get(t).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
                    ui.label(format!("to “{tail}”"));
                    ui.label(RichText::new("Type: Enter for the first, or its key").weak());
                    for (k, name) in d.types.iter().enumerate() {
                        let key = schema.relation(name).and_then(|r| r.hotkey.clone()).unwrap_or_default();
                        if ui.button(format!("{}  {name}  ({key})", k + 1)).clicked() {
                            cmds.push(Command::RelationType(name.clone()));
                        }
                    }
                }
            }
            ui.separator();
        }
        match open.selection {
            Selection::Span(id) => {
                if let Some(s) = doc.spans().get(id) {
                    ui.heading(format!("{} span", s.label));
                    ui.label(RichText::new(format!("“{}”", doc.span_text(s))).size(16.0));
                    ui.label(RichText::new(format!("characters {}–{}", s.start, s.end)).weak().small());
                    let origin = match &s.origin {
                        Origin::Manual => "created by hand".to_owned(),
                        Origin::Imported => "imported".to_owned(),
                        Origin::Suggested { recognizer, score, edited } => {
                            let model = recognizer.model_description().map(|m| format!(" with {m}")).unwrap_or_default();
                            format!("suggested by {recognizer}{model} (score {score:.2}), accepted{}", if *edited { " then edited" } else { "" })
                        }
                    };
                    ui.label(origin);
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Label:");
                        for l in &schema.entity_labels {
                            if ui.selectable_label(l.name == s.label, &l.name).clicked() && l.name != s.label {
                                cmds.push(Command::Label(l.name.clone()));
                            }
                        }
                    });
                    ui.horizontal_wrapped(|ui| {
                        if ui.button("Start relation (r)").clicked() {
                            cmds.push(Command::StartRelation);
                        }
                        if ui.button("Delete span").clicked() {
                            cmds.push(Command::DeleteSelected);
                        }
                    });
                    ui.label(RichText::new("Alt+←/→ moves the start, Alt+Shift+←/→ the end (add Ctrl for one character)").weak().small());
                }
            }
            Selection::Suggestion(id) => {
                if let Some(s) = doc.suggestion(id) {
                    ui.heading(format!("Suggested {}", s.label));
                    ui.label(RichText::new(format!("“{}”", doc.text().slice(s.start, s.end).unwrap_or(""))).size(16.0));
                    ui.label(format!("by {} with score {:.2}", s.recognizer, s.score));
                    if let Some(model) = s.recognizer.model_description() {
                        ui.label(RichText::new(format!("proposed by {model}")).weak());
                    }
                    ui.horizontal_wrapped(|ui| {
                        if ui.button("Accept (Enter)").clicked() {
                            cmds.push(Command::AcceptSuggestion);
                        }
                        if ui.button("Reject (x)").clicked() {
                            cmds.push(Command::RejectSuggestion);
                        }
                    });
                    ui.label(
                        RichText::new("or a label's key: accept it with that label; Alt+←/→ (start), Alt+Shift+←/→ (end): accept it with that boundary moved")
                            .weak()
                            .small(),
                    );
                }
            }
            Selection::Text { anchor, head } if anchor != head => {
                let (a, b) = (anchor.min(head), anchor.max(head));
                ui.heading("Selected text");
                ui.label(format!("“{}”", doc.text().slice(a, b).unwrap_or("")));
                ui.label(RichText::new("press a label's key, or click it in the palette").weak());
            }
            _ => {
                ui.label(RichText::new("Select a span (click, or Tab), a suggestion (j/k), or drag over text.").weak());
            }
        }
        ui.separator();
        let focus = match open.selection {
            Selection::Span(id) => Some(id),
            _ => None,
        };
        // Rows are cached per document revision and drawn a screenful at a
        // time: a long article has thousands of relations (see
        // `RelationRows`: the long list is not sorted again each Tab).
        let key = (doc.id.clone(), doc.revision(), focus);
        let rows: &[crate::model::RelationId] = app.relation_rows.rows(&key, || {
            let mut rels: Vec<_> = match focus {
                Some(f) => doc.relations_of(f),
                None => doc.relations().collect(),
            };
            // Each key looked up once (a sort comparing 35,000 relations
            // looked their heads up ~1 million times: 25-80 ms a Tab
            // between a span and a suggestion).
            rels.sort_by_cached_key(|r| (doc.spans().get(r.head).map(|s| s.start), r.id));
            rels.iter().map(|r| r.id).collect()
        });
        let name = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
        // The heading counts the rows below it.
        match focus {
            Some(f) => ui.heading(format!("Relations of “{}” ({} of {})", short(&name(f), 28), rows.len(), doc.relation_count())),
            None => ui.heading(format!("Relations ({})", doc.relation_count())),
        };
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical().id_salt("relations").max_height(row_height * 14.0).auto_shrink([false, true]).show_rows(
            ui,
            row_height,
            rows.len(),
            |ui, range| {
                // One line a row (the rows are drawn by their index): long
                // names are cut, and shown whole on hover.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                for &id in rows.get(range).unwrap_or(&[]) {
                    let Some(r) = doc.relation(id) else { continue };
                    let selected = open.selection == Selection::Relation(r.id);
                    let text = format!("{} —{}→ {}", name(r.head), r.label, name(r.tail));
                    if ui.selectable_label(selected, &text).on_hover_text(&text).clicked() {
                        cmds.push(Command::SelectRelation(r.id));
                    }
                }
            },
        );
        if let Selection::Relation(id) = open.selection
            && let Some(r) = doc.relation(id)
        {
            ui.label(RichText::new(format!("{} —{}→ {}", name(r.head), r.label, name(r.tail))).strong());
            ui.horizontal_wrapped(|ui| {
                let (h, t) = (doc.spans().get(r.head), doc.spans().get(r.tail));
                if let (Some(h), Some(t)) = (h, t) {
                    for rl in schema.relations_allowed(&h.label, &t.label) {
                        if ui.selectable_label(rl.name == r.label, &rl.name).clicked() && rl.name != r.label {
                            cmds.push(Command::RelationType(rl.name.clone()));
                        }
                    }
                }
            });
            ui.horizontal_wrapped(|ui| {
                if ui.button("Jump to head").clicked() {
                    cmds.push(Command::SelectSpan(r.head));
                }
                if ui.button("Jump to tail").clicked() {
                    cmds.push(Command::SelectSpan(r.tail));
                }
                if ui.button("Change tail").clicked() {
                    cmds.push(Command::RetargetRelation(r.id));
                }
                if ui.button("Delete").clicked() {
                    cmds.push(Command::DeleteRelation(r.id));
                }
            });
        }
        suggested_relations_ui(open, &scored, &clashes, ui, &mut cmds);
        if !doc.orphans.is_empty() {
            ui.separator();
            ui.heading(format!("To review ({})", doc.orphans.len()));
            ui.label(RichText::new("The article changed; these spans could not be placed again:").weak());
            for o in &doc.orphans {
                ui.label(format!("{} “{}” — {}", o.span.label, o.text, o.reason));
            }
        }
        ui.separator();
        ui.heading("Document");
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Status");
            egui::ComboBox::from_id_salt("doc status")
                .selected_text(doc.status().as_str())
                .show_ui(ui, |ui| {
                    for s in Status::ALL {
                        if ui.selectable_label(doc.status() == s, s.as_str()).clicked() && doc.status() != s {
                            cmds.push(Command::SetStatus(s));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let label = ui.label("Comment");
        let r =
            ui.add(egui::TextEdit::multiline(&mut app.comment_draft).desired_rows(3).desired_width(f32::INFINITY)).labelled_by(label.id);
        if r.lost_focus() {
            cmds.push(Command::SetComment(app.comment_draft.clone()));
        }
        // Counted once per revision: a long article has 100,000 suggestions.
        let key = (doc.id.clone(), doc.revision());
        let o = match &app.outcomes {
            Some((k, o)) if *k == key => *o,
            _ => {
                let o = doc.suggestion_outcomes();
                app.outcomes = Some((key, o));
                o
            }
        };
        ui.label(
            RichText::new(format!(
                "suggestions: {} pending, {} accepted, {} edited, {} rejected",
                o.pending, o.accepted, o.edited, o.rejected
            ))
            .weak()
            .small(),
        );
    });
    app.queued.extend(cmds);
}
