//! The dashboard (Ctrl+Shift+B): corpus progress by status, spans by label,
//! spans per document, agreement per label between annotators, and what
//! became of the suggestions of each source. The figures are read in the
//! background ([`Dashboard`](super::super::figures::Dashboard)), so a big
//! corpus never freezes the window; Refresh and closing return commands.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::super::{Command, SpanlabApp};

/// One fate's count among a source's suggestions.
type Count = fn(&crate::model::document::SuggestionOutcomes) -> usize;

fn rgb(c: [u8; 3]) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

/// What a bar plot shows: its bars' names, what its axes count, its
/// highest value (the y axis goes from 0 to above it).
struct Axes<'a> {
    names: Vec<String>,
    x: &'a str,
    y: &'a str,
    max: f64,
}

/// A small bar plot whose x axis names its bars, both axes labelled. With a
/// legend, the y axis reaches well above the highest bar, so the legend
/// (top right) never covers one.
fn bars_plot(ui: &mut Ui, id: &str, axes: Axes<'_>, charts: Vec<BarChart>, legend: bool) {
    let names = axes.names;
    let top = axes.max.max(1.0) * if legend { 1.6 } else { 1.1 };
    let mut plot = Plot::new(id)
        .height(180.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .include_y(0.0)
        .include_y(top)
        .x_axis_label(axes.x)
        .y_axis_label(axes.y)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 { names.get(i as usize).cloned().unwrap_or_default() } else { String::new() }
        });
    if legend {
        plot = plot.legend(Legend::default().position(egui_plot::Corner::RightTop));
    }
    plot.show(ui, |p| {
        for c in charts {
            p.bar_chart(c);
        }
    });
}

/// Draws the dashboard window.
pub fn dashboard_ui(app: &mut SpanlabApp, ctx: &egui::Context) {
    let Some(d) = app.dashboard.as_mut() else { return };
    d.poll();
    if d.reading() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
    let mut open = true;
    let mut refresh = false;
    let schema = app.project.schema.clone();
    egui::Window::new("Dashboard").open(&mut open).default_size([900.0, 760.0]).min_width(600.0).vscroll(true).show(ctx, |ui| {
        let Some(d) = app.dashboard.as_ref() else { return };
        ui.horizontal(|ui| {
            if d.reading() {
                ui.add(egui::Spinner::new());
                ui.label("reading every document…");
            } else if ui.button("Refresh").clicked() {
                refresh = true;
            }
        });
        if let Some(e) = &d.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if let Some(what) = &d.not_counted {
            ui.colored_label(ui.visuals().warn_fg_color, format!("not counted: {what}, whose save failed: the figures are of their files"));
        }
        let Some(f) = &d.figures else { return };
        for u in &f.unreadable {
            ui.colored_label(ui.visuals().warn_fg_color, u);
        }
        let done = f.by_status.iter().find(|(s, _)| *s == crate::model::Status::Done).map_or(0, |x| x.1);
        ui.label(RichText::new(format!("{} documents, {done} done", f.documents)).strong());
        ui.columns(2, |cols| {
            let [left, right] = cols else { return };
            {
                let ui = left;
                ui.label("Progress by status");
                let colors = [
                    Color32::GRAY,
                    Color32::from_rgb(0xE6, 0x9F, 0x00),
                    Color32::from_rgb(0x00, 0x9E, 0x73),
                    Color32::from_rgb(0xCC, 0x79, 0xA7),
                ];
                let bars: Vec<BarChart> = f
                    .by_status
                    .iter()
                    .enumerate()
                    .map(|(i, (s, n))| {
                        BarChart::new(s.as_str(), vec![Bar::new(i as f64, *n as f64).name(s.as_str()).width(0.7)])
                            .color(colors.get(i).copied().unwrap_or(Color32::GRAY))
                    })
                    .collect();
                let axes = Axes {
                    names: f.by_status.iter().map(|(s, _)| s.as_str().to_owned()).collect(),
                    x: "status",
                    y: "documents",
                    max: f.by_status.iter().map(|x| x.1).max().unwrap_or(0) as f64,
                };
                bars_plot(ui, "status", axes, bars, false);
            }
            {
                let ui = right;
                ui.label("Spans by label");
                let bars: Vec<BarChart> = f
                    .by_label
                    .iter()
                    .enumerate()
                    .map(|(i, (l, n))| {
                        let color = schema.entity(l).map_or(Color32::GRAY, |x| rgb(x.rgb()));
                        BarChart::new(l.clone(), vec![Bar::new(i as f64, *n as f64).name(l).width(0.7)]).color(color)
                    })
                    .collect();
                let axes = Axes {
                    names: f.by_label.iter().map(|(l, _)| l.clone()).collect(),
                    x: "label",
                    y: "spans",
                    max: f.by_label.iter().map(|x| x.1).max().unwrap_or(0) as f64,
                };
                bars_plot(ui, "labels", axes, bars, false);
            }
        });
        ui.add_space(8.0);
        ui.columns(2, |cols| {
            let [left, right] = cols else { return };
            {
                let ui = left;
                ui.label("Spans per document (how many documents have that many)");
                let max = f.spans_per_document.iter().copied().max().unwrap_or(0);
                let width = (max / 10).max(1);
                let mut counts = vec![0usize; max / width + 1];
                for &n in &f.spans_per_document {
                    if let Some(c) = counts.get_mut(n / width) {
                        *c += 1;
                    }
                }
                let names: Vec<String> = (0..counts.len())
                    .map(|i| if width == 1 { format!("{i}") } else { format!("{}–{}", i * width, i * width + width - 1) })
                    .collect();
                let bars = counts
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| Bar::new(i as f64, c as f64).name(names.get(i).map_or("", String::as_str)).width(0.8))
                    .collect();
                let axes =
                    Axes { names, x: "spans in the document", y: "documents", max: counts.iter().copied().max().unwrap_or(0) as f64 };
                bars_plot(
                    ui,
                    "per document",
                    axes,
                    vec![BarChart::new("documents", bars).color(Color32::from_rgb(0x56, 0xB4, 0xE9))],
                    false,
                );
            }
            {
                let ui = right;
                ui.label("Agreement per label (exact and partial span F1)");
                if f.annotators.len() < 2 {
                    ui.label(RichText::new("needs two or more annotators with files (Settings → annotator)").weak());
                } else {
                    let exact = f
                        .agreement
                        .iter()
                        .enumerate()
                        .filter_map(|(i, a)| Some(Bar::new(i as f64 - 0.2, a.exact_f1?).width(0.38).name(&a.label)));
                    let partial = f
                        .agreement
                        .iter()
                        .enumerate()
                        .filter_map(|(i, a)| Some(Bar::new(i as f64 + 0.2, a.partial_f1?).width(0.38).name(&a.label)));
                    let charts = vec![
                        BarChart::new("exact", exact.collect()).color(Color32::from_rgb(0x00, 0x72, 0xB2)),
                        BarChart::new("partial", partial.collect()).color(Color32::from_rgb(0x56, 0xB4, 0xE9)),
                    ];
                    ui.label(RichText::new(format!("between {}", f.annotators.join(", "))).weak().small());
                    let axes = Axes { names: f.agreement.iter().map(|a| a.label.clone()).collect(), x: "label", y: "F1", max: 1.0 };
                    bars_plot(ui, "agreement", axes, charts, true);
                }
            }
        });
        ui.add_space(8.0);
        ui.label("Suggestions by source: what became of them");
        if f.by_source.is_empty() {
            ui.label(RichText::new("no suggestions yet").weak());
        } else {
            let series: [(&str, Color32, Count); 5] = [
                ("accepted unchanged", Color32::from_rgb(0x00, 0x9E, 0x73), |o| o.accepted),
                ("accepted then edited", Color32::from_rgb(0xE6, 0x9F, 0x00), |o| o.edited),
                ("rejected", Color32::from_rgb(0xD5, 0x5E, 0x00), |o| o.rejected),
                ("accepted then deleted", Color32::from_rgb(0x99, 0x99, 0x99), |o| o.deleted_after_accept),
                ("pending", Color32::from_rgb(0xCC, 0xCC, 0xCC), |o| o.pending),
            ];
            let mut charts: Vec<BarChart> = Vec::new();
            for (name, color, get) in series {
                let bars =
                    f.by_source.iter().enumerate().map(|(i, (src, o))| Bar::new(i as f64, get(o) as f64).width(0.6).name(src)).collect();
                let refs: Vec<&BarChart> = charts.iter().collect();
                let chart = BarChart::new(name, bars).color(color).stack_on(&refs);
                charts.push(chart);
            }
            let max =
                f.by_source.iter().map(|(_, o)| o.accepted + o.edited + o.rejected + o.deleted_after_accept + o.pending).max().unwrap_or(0);
            let axes = Axes { names: f.by_source.iter().map(|(s, _)| s.clone()).collect(), x: "source", y: "suggestions", max: max as f64 };
            bars_plot(ui, "sources", axes, charts, true);
        }
    });
    if refresh {
        app.queued.push(Command::RefreshDashboard);
    }
    if !open {
        app.queued.push(Command::Dashboard);
    }
}
