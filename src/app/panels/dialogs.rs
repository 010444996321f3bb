//! Dialogs: export, import, open folder, settings, find, a span by name
//! (Shift+C), the conflict with
//! the disk, quitting with unsaved edits (drawn by `quit.rs`), the shortcut help and the command palette (both listing the
//! one command table). They edit their forms and return commands; the app
//! runs the export, the import or the folder change after the frame. File
//! choosers use the native dialog where there is one; the path field
//! always works, so no button is ever dead.

use egui::{RichText, Ui};

use super::super::SpanlabApp;
use super::super::chooser::{self, Choice};
use super::super::commands::{Command, CommandTable, ConflictChoice, Entry, shortcut_text, when_text};
use super::super::state::{Dialog, Hint};
use crate::store::formats::{Format, Offsets};

/// Asks the native file dialog; `None` when the user cancels or there is no
/// native dialog (the path field stays usable).
fn native_save(current: &str, format: Format) -> Option<String> {
    if format.is_folder() {
        return native_folder();
    }
    let mut d = rfd::FileDialog::new().add_filter(format.title(), &[format.extension()]);
    let p = std::path::Path::new(current);
    if let Some(dir) = p.parent().filter(|d| d.is_dir()) {
        d = d.set_directory(dir);
    }
    if let Some(name) = p.file_name() {
        d = d.set_file_name(name.to_string_lossy());
    }
    d.save_file().map(|p| p.display().to_string())
}

fn native_open_file() -> Option<String> {
    rfd::FileDialog::new()
        .add_filter("Datasets", &["json", "jsonl", "spacy", "conll", "iob", "txt"])
        .add_filter("All files", &["*"])
        .pick_file()
        .map(|p| p.display().to_string())
}

fn native_folder() -> Option<String> {
    rfd::FileDialog::new().pick_folder().map(|p| p.display().to_string())
}

/// How wide the dialogs with a path field are (points).
const PATH_DIALOG_WIDTH: f32 = 560.0;

/// A path field with its Browse… button. With no chooser on the desktop,
/// Browse… says so under the row and puts the cursor in the field.
/// The labels of the first path field of each dialog that has one.
const FIRST_PATH_LABELS: [&str; 4] = ["Folder", "File", "Dataset folder", "Dataset"];

/// Where a dialog's first path field remembers it took the cursor.
fn path_focus_id(label: &str) -> egui::Id {
    egui::Id::unique(("path focus", label))
}

/// A path field with its label and a Browse… button; returns whether Enter
/// was pressed in the field (the dialog then does what its main button
/// does). The first path field of a dialog has the cursor as the dialog
/// opens (`first`), so a path can be typed at once.
fn path_row(ui: &mut Ui, label: &str, value: &mut String, native: bool, first: bool, browse: impl FnOnce() -> Option<String>) -> bool {
    let note_id = ui.make_persistent_id(("no chooser", label));
    let focus_id = path_focus_id(label);
    let entered = ui
        .horizontal(|ui| {
            let l = ui.label(label);
            // The field takes what the button leaves, so the row never grows
            // the dialog (which would be drawn a frame late, Browse… clipped).
            let button = ui.fonts_mut(|f| {
                f.layout_no_wrap("Browse…".to_owned(), egui::TextStyle::Button.resolve(ui.style()), egui::Color32::PLACEHOLDER).size().x
            }) + 2.0 * ui.spacing().button_padding.x
                + ui.spacing().item_spacing.x;
            let width = (ui.available_width() - button).max(120.0);
            let field = ui.add(egui::TextEdit::singleline(value).desired_width(width)).labelled_by(l.id);
            // The cursor, once per opening of the dialog (the mark is
            // forgotten while no dialog with a path is open, see
            // `dialogs_ui`), its text selected: what is typed replaces the
            // path it holds (an absolute path typed was added to it).
            if first && !ui.data(|d| d.get_temp::<bool>(focus_id).unwrap_or(false)) {
                field.request_focus();
                let mut state = egui::text_edit::TextEditState::load(ui.ctx(), field.id).unwrap_or_default();
                state.cursor.set_char_range(Some(egui::text::CCursorRange::select_all_str(value)));
                state.store(ui.ctx(), field.id);
                ui.data_mut(|d| d.insert_temp(focus_id, true));
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            // A dialog still open next frame (the folder did not open, the
            // export was refused) gives the field the cursor back.
            if entered && first {
                ui.data_mut(|d| d.remove::<bool>(focus_id));
            }
            if ui.button("Browse…").on_hover_text("the desktop's file chooser; type the path if none opens").clicked() {
                match chooser::choose(native, browse) {
                    Choice::Path(p) => {
                        *value = p;
                        ui.data_mut(|d| d.remove::<String>(note_id));
                    }
                    Choice::Cancelled => {}
                    Choice::NoChooser(why) => {
                        ui.data_mut(|d| d.insert_temp(note_id, why));
                        field.request_focus();
                    }
                }
            }
            entered
        })
        .inner;
    if let Some(why) = ui.data(|d| d.get_temp::<String>(note_id)) {
        ui.label(RichText::new(why).color(ui.visuals().warn_fg_color));
    }
    entered
}

/// A conversion's report: what was carried, then what was not (in the
/// warning colour), scrolling when long.
fn report_ui(ui: &mut Ui, report: &str) {
    egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
        let mut losing = false;
        for line in report.lines() {
            losing |= line.starts_with("not carried");
            let colour = if losing { ui.visuals().warn_fg_color } else { ui.visuals().hyperlink_color };
            ui.label(RichText::new(line).color(colour));
        }
    });
}

/// The offset unit picker.
fn offsets_ui(ui: &mut Ui, offsets: &mut Offsets, salt: &str) {
    let l = ui.label("Offsets");
    egui::ComboBox::from_id_salt(salt)
        .selected_text(offsets_title(*offsets))
        .show_ui(ui, |ui| {
            for o in Offsets::ALL {
                ui.selectable_value(offsets, o, offsets_title(o));
            }
        })
        .response
        .on_hover_text("how the file counts offsets; written in its metadata where the format has room")
        .labelled_by(l.id);
}

fn offsets_title(o: Offsets) -> &'static str {
    match o {
        Offsets::Chars => "code points (Python)",
        Offsets::Utf16 => "UTF-16 units (JavaScript)",
        Offsets::Bytes => "UTF-8 bytes",
    }
}

/// For the find bar: which occurrence of `query` the selection is (from 1),
/// and how many there are (kept per document and query: a long article is
/// not searched every frame).
fn find_count(app: &mut SpanlabApp, query: &str) -> (Option<usize>, usize) {
    let Some(open) = &app.open else { return (None, 0) };
    let start = match open.selection {
        crate::app::Selection::Text { anchor, head } => Some(anchor.min(head)),
        crate::app::Selection::Span(id) => open.doc.spans().get(id).map(|s| s.start),
        _ => None,
    };
    let start = start.and_then(|s| open.doc.text().char_to_byte(s));
    let hits = app.find_hits(query);
    let at = start.and_then(|s| hits.binary_search(&s).ok()).map(|i| i + 1);
    (at, hits.len())
}

/// The prompt that reaches a span by the first letters of a word of its
/// name (Shift+C): the span is selected as they are typed. Its keys
/// (↓ / ↑ or Tab / Shift+Tab: the next / previous span so named; Enter:
/// its likely relations, as c) are the app's, applied in the order typed
/// (`ui.rs`, `prompt_key`).
fn relate_ui(app: &mut SpanlabApp, ctx: &egui::Context, query: &mut String, fresh: &mut bool, origin: crate::model::CharIdx) {
    let mut run = None;
    let spans = app.spans_named(query);
    let selected = app.open.as_ref().map(|o| o.selection);
    let at = spans.iter().position(|s| Some(crate::app::Selection::Span(s.1)) == selected);
    egui::Window::new("Likely relations of").collapsible(false).resizable(false).anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0)).show(
        ctx,
        |ui| {
            ui.horizontal(|ui| {
                let r = typed_line(ui, "Span named", query, 200.0, fresh);
                if r.changed() {
                    run = Some(Command::NameFrom(query.clone(), origin));
                }
                let status = match at {
                    _ if query.trim().is_empty() => String::new(),
                    _ if spans.is_empty() => "no such span".to_owned(),
                    Some(i) => format!("{} of {}", i + 1, spans.len()),
                    None => format!("{} found", spans.len()),
                };
                ui.label(status);
            });
            ui.label(
                RichText::new("First letters of a word of its name · ↓ ↑ (Tab): next / previous span so named · Enter: its likely relations · Esc: close (the span stays selected)")
                    .weak()
                    .small(),
            );
        },
    );
    if let Some(c) = run {
        app.queued.push(c);
    }
}

/// The jump hints (f): each hint's letters in a small tag at the start of
/// what it marks, those not matching the letters typed so far left out,
/// and a line saying what to do.
fn jump_hints_ui(app: &mut SpanlabApp, ctx: &egui::Context, typed: &str, hints: &[Hint]) {
    let shown = egui::Window::new("Jump")
        .collapsible(false)
        .resizable(false)
        .title_bar(false)
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -40.0))
        .show(ctx, |ui| {
            let typed_text = if typed.is_empty() { String::new() } else { format!(", typed {}", typed.to_uppercase()) };
            ui.label(format!(
                "Jump: type the letters of a hint ({} shown){typed_text}  ·  Space / Shift+Space: scroll  ·  Esc: none",
                hints.len()
            ));
            ui.visuals().clone()
        });
    app.jump_tags.clear();
    let Some((visuals, line)) = shown.and_then(|r| r.inner.map(|v| (v, r.response.rect))) else { return };
    let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("jump hints")));
    let font = egui::FontId::monospace(13.0);
    let view = app.article_view().view_rect().unwrap_or(egui::Rect::EVERYTHING);
    // The tags drawn so far at each start: a second one there goes beside.
    let mut placed: Vec<(crate::model::CharIdx, egui::Rect)> = Vec::new();
    for h in hints.iter().filter(|h| h.letters.starts_with(typed)) {
        // Hints made before the view last moved (a letter typed since)
        // may mark what left it: no tag, not over the header.
        let Some(at) = app.article_view().screen_pos(h.range.0).filter(|&at| view.contains(at)) else { continue };
        let galley = painter.layout_no_wrap(h.letters.to_uppercase(), font.clone(), visuals.strong_text_color());
        let size = galley.size() + egui::vec2(6.0, 2.0);
        let above = egui::Rect::from_min_size(at - egui::vec2(6.0, galley.size().y + 8.0), size);
        let under = egui::Rect::from_min_size(at + egui::vec2(-6.0, app.settings.font_size * 0.6 + 2.0), size);
        // A tag stands above its name, a part of a hyphenated name's under
        // the text (the whole name's is above it); each on the other side
        // where the article's view would cut it (the first row's tags went
        // over the header and the toolbar).
        let (first, second) = if h.part { (under, above) } else { (above, under) };
        let mut rect = if first.top() >= view.top() && first.bottom() <= view.bottom() { first } else { second };
        for (c, r) in &placed {
            if *c == h.range.0 && r.intersects(rect) {
                rect = rect.translate(egui::vec2(r.right() + 2.0 - rect.left(), 0.0));
            }
        }
        // Inside the view whatever its size.
        let dy = (view.top() - rect.top()).max(0.0) + (view.bottom() - rect.bottom()).min(0.0);
        let rect = rect.translate(egui::vec2((view.left() - rect.left()).max(0.0), dy));
        placed.push((h.range.0, rect));
        // Not over the line that says what to do (the hint stays typeable).
        if rect.intersects(line) {
            continue;
        }
        painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
        painter.rect_stroke(rect, 3.0, egui::Stroke::new(1.5, visuals.warn_fg_color), egui::StrokeKind::Inside);
        painter.galley(rect.min + egui::vec2(3.0, 1.0), galley, visuals.strong_text_color());
        app.jump_tags.push((h.letters.clone(), rect));
    }
}

/// Draws the open dialog, if any.
pub fn dialogs_ui(app: &mut SpanlabApp, ctx: &egui::Context) {
    let mut dialog = std::mem::take(&mut app.dialog);
    let mut keep = true;
    let native = app.options.native_chooser;
    if !matches!(dialog, Dialog::OpenFolder(_) | Dialog::Export(_) | Dialog::Import(_)) {
        ctx.data_mut(|d| FIRST_PATH_LABELS.iter().for_each(|l| d.remove::<bool>(path_focus_id(l))));
    }
    if !matches!(dialog, Dialog::Jump { .. }) {
        app.jump_tags.clear();
    }
    match &mut dialog {
        Dialog::None => keep = false,
        Dialog::Everywhere(form) => keep = super::everywhere::everywhere_ui(app, ctx, form),
        Dialog::Export(form) => {
            egui::Window::new("Export annotations")
                .collapsible(false)
                .default_width(PATH_DIALOG_WIDTH)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
                .show(ctx, |ui| {
                    ui.label(
                        "Writes the annotations, validated first, as the gold dataset (shared/dataset-format.md) or another tool's format.",
                    );
                    let mut format = form.format;
                    ui.horizontal(|ui| {
                        let l = ui.label("Format");
                        egui::ComboBox::from_id_salt("export format")
                            .selected_text(format.title())
                            .show_ui(ui, |ui| {
                                for f in Format::ALL {
                                    ui.selectable_value(&mut format, f, f.title());
                                }
                            })
                            .response
                            .labelled_by(l.id);
                        offsets_ui(ui, &mut form.offsets, "export offsets");
                    });
                    if format != form.format {
                        form.set_format(format);
                    }
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut form.done_only, false, "All documents");
                        ui.radio_value(&mut form.done_only, true, "Only documents marked done");
                    });
                    ui.checkbox(&mut form.include_suggestions, "Include suggestions not yet accepted (marked \"suggestion\")");
                    ui.checkbox(&mut form.strict, "Strict: refuse to write if the format cannot carry everything");
                    let current = form.path.clone();
                    let f = form.format;
                    let entered = path_row(ui, if f.is_folder() { "Folder" } else { "File" }, &mut form.path, native, true, || {
                        native_save(&current, f)
                    });
                    ui.horizontal(|ui| {
                        if ui.button(RichText::new("Export").strong()).clicked() || entered {
                            app.queued.push(Command::RunExport(Box::new(form.clone())));
                        }
                        if ui.button("Close").clicked() {
                            keep = false;
                        }
                    });
                    match &form.result {
                        Some(Ok(msg)) => report_ui(ui, msg),
                        Some(Err(e)) => {
                            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
                        }
                        None => {}
                    }
                });
        }
        Dialog::OpenFolder(path) => {
            egui::Window::new("Open folder")
                .collapsible(false)
                .default_width(PATH_DIALOG_WIDTH)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
                .show(ctx, |ui| {
                    ui.label("A folder of articles (.txt, .md, .html, .jsonl, dataset .json). Annotations go to its annotations/ folder.");
                    let entered = path_row(ui, "Folder", path, native, true, native_folder);
                    ui.horizontal(|ui| {
                        if ui.button(RichText::new("Open").strong()).clicked() || entered {
                            // The dialog closes once the folder is open.
                            app.queued.push(Command::OpenProject(std::path::PathBuf::from(path.trim())));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                });
        }
        Dialog::Import(form) => {
            egui::Window::new("Import a dataset")
                .collapsible(false)
                .default_width(PATH_DIALOG_WIDTH)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
                .show(ctx, |ui| {
                    ui.label("Imports a dataset into a project folder (its texts become article files) and opens it.");
                    ui.horizontal(|ui| {
                        let l = ui.label("Format");
                        egui::ComboBox::from_id_salt("import format")
                            .selected_text(form.format.map_or("Guess from the file", Format::title))
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut form.format, None, "Guess from the file");
                                for f in Format::ALL {
                                    ui.selectable_value(&mut form.format, Some(f), f.title());
                                }
                            })
                            .response
                            .labelled_by(l.id);
                        let mut offsets = form.offsets.unwrap_or_default();
                        offsets_ui(ui, &mut offsets, "import offsets");
                        form.offsets = (offsets != Offsets::Chars).then_some(offsets);
                    });
                    let folder = form.format.is_some_and(Format::is_folder);
                    let mut entered = path_row(
                        ui,
                        if folder { "Dataset folder" } else { "Dataset" },
                        &mut form.file,
                        native,
                        true,
                        if folder { native_folder } else { native_open_file },
                    );
                    if form.format == Some(Format::Conll) {
                        entered |= path_row(ui, "Original texts (optional)", &mut form.texts, native, false, native_open_file);
                    }
                    entered |= path_row(ui, "Into folder", &mut form.into, native, false, native_folder);
                    ui.checkbox(&mut form.strict, "Strict: refuse to import if anything cannot be carried");
                    ui.horizontal(|ui| {
                        if ui.button(RichText::new("Import").strong()).clicked() || entered {
                            // The dialog closes once the import is open, or says why not.
                            app.queued.push(Command::RunImport(Box::new(form.clone())));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                    if let Some(e) = &form.error {
                        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
                    }
                });
        }
        Dialog::Conflict => {
            let name = app.open.as_ref().map(|o| o.doc.id.0.clone()).unwrap_or_default();
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("conflict")).show(ctx, |ui| {
                ui.heading(format!("{name} changed on disk"));
                ui.label("Its annotation file was changed by something else (a git pull, another spanlab) while you had unsaved changes. Nothing was overwritten.");
                ui.horizontal(|ui| {
                    if ui.button("Merge").on_hover_text("load the version on disk and apply your unsaved changes onto it").clicked() {
                        choice = Some(ConflictChoice::Merge);
                    }
                    if ui.button("Keep mine").on_hover_text("write your version over the one on disk").clicked() {
                        choice = Some(ConflictChoice::KeepMine);
                    }
                    if ui.button("Reload").on_hover_text("load the version on disk; your unsaved changes are dropped").clicked() {
                        choice = Some(ConflictChoice::Reload);
                    }
                });
            });
            if let Some(c) = choice {
                app.queued.push(Command::ResolveConflict(c));
            }
        }
        Dialog::Quit(form) => {
            if let Some(c) = super::quit::quit_ui(ctx, form) {
                app.queued.push(c);
            }
        }
        Dialog::Shortcuts => {
            // As wide as the window allows, its rows wrapped: a row too long
            // to fit made it wider than the screen, its text off both edges.
            let width = (ctx.content_rect().width() - 80.0).clamp(300.0, 1100.0);
            let wrapped = |ui: &mut Ui, text: RichText| {
                ui.add(egui::Label::new(text).wrap());
            };
            let m = egui::Modal::new(egui::Id::unique("shortcuts")).show(ctx, |ui| {
                ui.set_max_width(width);
                ui.heading("Keys and commands");
                egui::ScrollArea::vertical().max_height(ctx.content_rect().height() * 0.75).show(ui, |ui| {
                    let column = (width - 3.0 * ui.spacing().item_spacing.x - 24.0) / 3.0;
                    egui::Grid::new("shortcut grid").striped(true).max_col_width(column).show(ui, |ui| {
                        let mut group = None;
                        for e in app.commands.by_group() {
                            if group != Some(e.group) {
                                group = Some(e.group);
                                ui.label(RichText::new(e.group.title()).strong());
                                ui.end_row();
                            }
                            wrapped(ui, RichText::new(shortcut_text(e)).monospace());
                            wrapped(ui, RichText::new(e.name.as_ref()));
                            wrapped(ui, RichText::new(when_text(e)).weak());
                            ui.end_row();
                        }
                        ui.label(RichText::new("Tips").strong());
                        ui.end_row();
                        ui.label(RichText::new("r Enter Enter").monospace());
                        wrapped(
                            ui,
                            RichText::new(
                                "relation to the nearest allowed span, likeliest type (Tab/→ picks another tail; the type's key or 1–9 another type)",
                            ),
                        );
                        ui.end_row();
                        ui.label(RichText::new("drag").monospace());
                        wrapped(ui, RichText::new("select words (hold Alt for exact characters)"));
                        ui.end_row();
                    });
                });
                if ui.button("Close").clicked() {
                    ui.close();
                }
            });
            if m.should_close() {
                keep = false;
            }
        }
        Dialog::Settings(form) => {
            let in_use = app.model_in_use.clone();
            // Never wider than the window: the line naming the models in use
            // wraps (at 800×600 it made the dialog wider, its labels cut off).
            let width = (ctx.content_rect().width() - 40.0).clamp(300.0, 640.0);
            egui::Window::new("Settings")
                .collapsible(false)
                .resizable(false)
                .min_width(width)
                .max_width(width)
                .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
                .show(ctx, |ui| {
                egui::Grid::new("settings grid").num_columns(2).max_col_width(width * 0.6).show(ui, |ui| {
                    let l = ui.label("Suggestion threshold");
                    ui.add(egui::Slider::new(&mut form.min_score, 0.0..=1.0).step_by(0.05)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Relation suggestions from score");
                    ui.add(egui::Slider::new(&mut form.relation_min_score, 0.0..=1.0).step_by(0.05)).labelled_by(l.id);
                    ui.end_row();
                    ui.label("");
                    ui.checkbox(&mut form.uncertain_first, "Review the least certain suggestions first (j/k by score)");
                    ui.end_row();
                    ui.label("");
                    ui.checkbox(&mut form.accept_on_open, "Open documents with suggestions accepted (as Alt+A)");
                    ui.end_row();
                    let l = ui.label("Annotator");
                    ui.add(egui::TextEdit::singleline(&mut form.annotator).desired_width(260.0)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Text size");
                    ui.add(egui::Slider::new(&mut form.font_size, 12.0..=28.0).step_by(1.0)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("External recommender");
                    ui.add(egui::TextEdit::singleline(&mut form.recommender).hint_text("python3 examples/spacy_recommender.py  or  http://127.0.0.1:8000").desired_width(360.0))
                        .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Recommender timeout (ms)");
                    ui.add(egui::DragValue::new(&mut form.timeout_ms).range(100..=600_000)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Model file");
                    ui.add(egui::TextEdit::singleline(&mut form.model).hint_text("empty: the shipped model  (spanlab train … --out MODEL)").desired_width(360.0))
                        .labelled_by(l.id);
                    ui.end_row();
                    ui.label("Models in use");
                    ui.add(egui::Label::new(in_use).wrap());
                    ui.end_row();
                });
                ui.label(RichText::new("The threshold and the recommender apply to documents opened from now on; Suggest again (Ctrl+Shift+G) refreshes this one.").weak().small());
                ui.horizontal(|ui| {
                    if ui.button(RichText::new("Save").strong()).clicked() {
                        app.queued.push(Command::ApplySettings(Box::new(form.clone())));
                        keep = false;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            });
        }
        Dialog::Find { query, fresh, origin } => {
            let mut run = None;
            let counted = find_count(app, query);
            egui::Window::new("Find").collapsible(false).resizable(false).anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0)).show(
                ctx,
                |ui| {
                    ui.horizontal(|ui| {
                        let r = typed_line(ui, "Find", query, 240.0, fresh);
                        // Selects as it is typed, from where the caret was
                        // (Enter, the next, is the app's key: `prompt_key`).
                        if r.changed() {
                            run = Some(Command::FindFrom(query.clone(), *origin));
                        }
                        if ui.button("Next").clicked() {
                            run = Some(Command::FindNext(query.clone()));
                        }
                        // Which occurrence is selected, of how many.
                        let status = match counted {
                            _ if query.is_empty() => String::new(),
                            (_, 0) => "not found".to_owned(),
                            (Some(n), m) => format!("{n} of {m}"),
                            (None, m) => format!("{m} found"),
                        };
                        ui.label(status);
                    });
                    ui.label(RichText::new("Selects as you type · Enter (Tab): next · Esc: close (the span the text lies in is selected), then press a label key").weak().small());
                },
            );
            if let Some(c) = run {
                app.queued.push(c);
            }
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
                keep = false;
                // The span (or suggestion) the found text lies in is selected.
                app.queued.push(Command::FindDone);
            }
        }
        Dialog::Relate { query, fresh, origin } => relate_ui(app, ctx, query, fresh, *origin),
        Dialog::Jump { typed, hints, refresh, view, .. } => {
            let now = app.article_view().viewport();
            // Just scrolled: the hints follow the view for a few frames;
            // and, until a letter is typed, wherever the view moves.
            if *refresh > 0 {
                *refresh -= 1;
                *hints = app.jump_hints();
                *view = now;
                ctx.request_repaint();
            } else if typed.is_empty() && *view != now {
                *hints = app.jump_hints();
                *view = now;
            }
            jump_hints_ui(app, ctx, typed, hints);
        }
        Dialog::Palette { query, selected } => {
            let mut run: Option<Command> = None;
            let mut field = None;
            let m = egui::Modal::new(egui::Id::unique("palette")).show(ctx, |ui| {
                ui.set_width(560.0);
                let l = ui.label("Command");
                let r = ui
                    .add(
                        egui::TextEdit::singleline(query)
                            .hint_text("type to filter commands")
                            .desired_width(f32::INFINITY)
                            .lock_focus(true),
                    )
                    .labelled_by(l.id);
                // Asked again only when lost: asking anew each frame
                // would drop its lock (a Tab would take the keyboard away).
                if !r.has_focus() {
                    r.request_focus();
                }
                field = Some(r.id);
                // Filtered by what the field holds now, this frame's typing
                // included. ↓ ↑ (Tab) and Enter are the app's keys, applied
                // in the order typed (`ui.rs`, `prompt_key`).
                let matches = palette_matches(&app.commands, query);
                *selected = (*selected).min(matches.len().saturating_sub(1));
                // The list keeps its height while it is filtered: the
                // window does not jump under the pointer.
                let height = 360.0;
                egui::ScrollArea::vertical().min_scrolled_height(height).max_height(height).auto_shrink([false, false]).show(ui, |ui| {
                    if matches.is_empty() {
                        ui.label(RichText::new("no command matches").weak());
                    }
                    // A row is as wide as the palette, a long name cut
                    // short (whole on hover): rows as wide as the longest
                    // name drew the palette past the window's left edge.
                    for (k, e) in matches.iter().enumerate() {
                        let name = format!("{} › {}", e.group.title(), e.name);
                        let row = egui::Button::selectable(k == *selected, name.as_str())
                            .truncate()
                            .shortcut_text(RichText::new(shortcut_text(e)).monospace())
                            .min_size(egui::vec2(ui.available_width(), 0.0));
                        if ui.add(row).on_hover_text(name.as_str()).clicked() {
                            run = Some(e.command.clone());
                        }
                    }
                });
            });
            if m.should_close() {
                keep = false;
            }
            if let Some(c) = run {
                keep = false;
                app.queued.push(c);
            }
            // Closed: its field lets go of the keyboard now, so a shortcut
            // typed right after the Esc is a shortcut, not typing.
            if let Some(id) = field.filter(|_| !keep) {
                ctx.memory_mut(|mem| mem.surrender_focus(id));
            }
        }
    }
    if keep && app.dialog == Dialog::None {
        app.dialog = dialog;
    }
}

/// The palette's rows for `query` (a command whose name or group holds it,
/// whatever the case), in the table's order.
pub(crate) fn palette_matches<'a>(commands: &'a CommandTable, query: &str) -> Vec<&'a Entry> {
    let q = query.to_lowercase();
    commands.entries().iter().filter(|e| e.name.to_lowercase().contains(&q) || e.group.title().to_lowercase().contains(&q)).collect()
}

/// A labelled line to type in, given the keyboard when the dialog has just
/// opened (`fresh`, then cleared).
fn typed_line(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32, fresh: &mut bool) -> egui::Response {
    let l = ui.label(label);
    // Tab is the prompt's key (the next), not egui's way out of the field.
    let r = ui.add(egui::TextEdit::singleline(text).desired_width(width).lock_focus(true)).labelled_by(l.id);
    if std::mem::take(fresh) {
        r.request_focus();
    }
    r
}
