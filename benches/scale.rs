//! Big corpora and long documents: `cargo bench --bench scale` generates,
//! in a temporary folder, a corpus of 10,000 articles (each with an
//! annotation file; `SPANLAB_SCALE_DOCS=100000` for the hundred thousand of
//! the performance table), one article of a million words with 50,000
//! spans and 5,000 relations, and one article of 200 MB, then prints:
//!
//! - the time to open the corpus (`Project::open`: what the window does
//!   before its first frame; the summary cache, written as the generator
//!   saved the documents, spares reading their annotation files), to export
//!   it as the gold JSON (as `spanlab export` does), to open it without the
//!   cache, and from launch to the window's first frame;
//! - the corpus search: typing names and words in the corpus list's search
//!   box, the frame time per keystroke (p50, p99) once the index is built
//!   in the background, and the frames while it is built;
//! - the everywhere scan of 10,000 documents for a name, with the index
//!   and without it;
//! - the time to load the long article with its annotations, and to write
//!   them back (one save);
//! - the process's peak memory against the corpus text's size;
//! - the 200 MB article opened in the window (its own process, for its own
//!   peak memory): `SPANLAB_SCALE_PART=article cargo bench --bench scale`
//!   runs it alone, `SPANLAB_SCALE_ARTICLE_MB=30` makes it 30 MB; and on
//!   it, the time and the characters read by one press of f (the jump
//!   hints), n and Shift+N (the next free name), and of n where no name is
//!   free (it reads its budget and stops), and of n where every name it
//!   reads is taken (a rejected suggestion or a span on each, so it asks
//!   the document about all of them); `SPANLAB_SCALE_WHOLE_NAMES=1`
//!   also times the names of the whole text, what n read before.
//!
//! `SPANLAB_SCALE_KEEP=DIR` generates the corpus into `DIR/corpus-N` once
//! and reuses it in later runs; `SPANLAB_SCALE_ONLY=open` stops after the
//! corpus's open, export, cold open and launch (then prints the peak memory);
//! `SPANLAB_SCALE_ONLY=corpus` leaves out only the 200 MB article.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use spanlab::app::everywhere::{Found, Scan};
use spanlab::app::forms::{EverywhereForm, NameAction};
use spanlab::app::search::CorpusIndex;
use spanlab::app::{AppOptions, SpanlabApp};
use spanlab::model::{CharIdx, Document, ExportOptions, Schema};
use spanlab::store::Project;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: u64 = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0);
    kib as f64 / 1024.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    ms(sorted[((sorted.len() as f64 - 1.0) * p).round() as usize])
}

fn launch(project: Project) -> Harness<'static, SpanlabApp> {
    Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()))
}

fn main() {
    if matches!(std::env::var("SPANLAB_SCALE_PART").as_deref(), Ok("big-article" | "article")) {
        big_article();
        return;
    }
    let docs: usize =
        ["SPANLAB_SCALE_DOCS", "SPANLAB_SCALE_ARTICLES"].iter().find_map(|v| std::env::var(v).ok()?.parse().ok()).unwrap_or(10_000);
    let schema = Schema::news();
    // `SPANLAB_SCALE_KEEP=DIR`: the corpus is generated into DIR once and
    // reused by later runs (generating 100,000 articles takes minutes);
    // otherwise a temporary folder.
    let temp = tempfile::tempdir().expect("a temporary folder");
    let keep = std::env::var_os("SPANLAB_SCALE_KEEP").map(std::path::PathBuf::from);
    let root = keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
    // `SPANLAB_SCALE_ONLY=open`: only the corpus's open, export, cold open
    // and launch, then the peak memory (for iterating on them).
    let only_open = std::env::var("SPANLAB_SCALE_ONLY").as_deref() == Ok("open");

    // The corpus: articles of 300 words, each with 20 spans saved.
    let corpus = root.join(format!("corpus-{docs}"));
    let done = root.join(format!("corpus-{docs}.done"));
    let t = Instant::now();
    let mut text_bytes = 0usize;
    if done.exists() {
        for i in 0..docs {
            text_bytes += std::fs::metadata(corpus.join(format!("a{i:06}.txt"))).expect("a kept article").len() as usize;
        }
        println!("reusing the {docs} articles kept in {}", corpus.display());
    } else {
        if corpus.exists() {
            std::fs::remove_dir_all(&corpus).expect("an unfinished corpus removed");
        }
        std::fs::create_dir_all(&corpus).expect("mkdir");
        for i in 0..docs {
            let text = common::article(300, i);
            text_bytes += text.len();
            std::fs::write(corpus.join(format!("a{i:06}.txt")), &text).expect("write");
        }
        let mut project = Project::open(&corpus, None).expect("opens");
        for i in 0..project.entries.len() {
            let mut doc = project.load(i).expect("loads").doc;
            for k in 0..20 {
                let e = doc.add_span_edit(CharIdx::new(k * 60), CharIdx::new(k * 60 + 4), "PER");
                let _ = doc.apply(e, &schema);
            }
            project.save(&doc).expect("saves");
        }
        if keep.is_some() {
            std::fs::write(&done, b"").expect("the corpus marked complete");
        }
    }
    let text_mb = text_bytes as f64 / 1e6;
    println!("generated {docs} articles ({text_mb:.1} MB of text) with 20 spans each in {:.1} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let project = Project::open(&corpus, None).expect("opens");
    let open = t.elapsed();
    println!("open {} documents: {:.3} s (target ≤ 1 s) ({text_mb:.1} MB of text)", project.entries.len(), open.as_secs_f64());
    // What `spanlab export DIR --out F` and the window's export do: the
    // gold JSON written document by document.
    let t = Instant::now();
    let out = root.join("export.json");
    spanlab::store::convert::export_project(
        &project,
        ExportOptions::default(),
        &spanlab::store::project::InMemory::new(),
        spanlab::store::formats::Format::Spanlab,
        &spanlab::store::formats::Options::default(),
        &spanlab::store::formats::format_tokens,
        &out,
        false,
        |_| {},
    )
    .expect("exports");
    let export = t.elapsed();
    let json_mb = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("export as gold JSON ({json_mb:.1} MB) of the {docs} documents: {:.2} s (target ≤ 5 s)", export.as_secs_f64());
    drop(project);

    // The same open without the summary cache (a fresh checkout, a cache
    // removed): every annotation file read, and the cache written again.
    std::fs::remove_file(corpus.join("annotations").join(spanlab::store::summaries::SUMMARIES_FILE)).expect("the cache is there");
    let t = Instant::now();
    let project = Project::open(&corpus, None).expect("opens");
    println!(
        "cold open (no summary cache; every annotation file read, the cache rebuilt) of {} documents: {:.3} s",
        project.entries.len(),
        t.elapsed().as_secs_f64()
    );
    drop(project);

    // Launch to an interactive window on the corpus (headless, through
    // egui_kittest): open the project, create the app, draw its first frame
    // with the first document open.
    let t = Instant::now();
    let project = Project::open(&corpus, None).expect("opens");
    let mut h = launch(project);
    h.step();
    let shown = h.state().open.as_ref().map(|o| o.doc.id.0.clone()).unwrap_or_default();
    println!(
        "launch to the first frame of the window on the {docs} documents ({shown} open): {:.3} s (target ≤ 1 s)",
        t.elapsed().as_secs_f64()
    );

    if only_open {
        drop(h);
        println!("peak memory: {:.0} MiB (the open, export and launch only)", peak_rss_mib());
        return;
    }
    // Scrolling the corpus list: frames stay short whatever its length.
    let mut times = Vec::new();
    for _ in 0..60 {
        wheel(&mut h, egui::pos2(100.0, 500.0), -400.0);
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
    }
    times.sort();
    println!("frames scrolling the corpus list: p50 {:.2} ms, max {:.2} ms", percentile(&times, 0.5), ms(times[times.len() - 1]));

    // The corpus search: the first letter starts the index in the
    // background; frames go on while it reads every article.
    let t = Instant::now();
    let mut indexing = Vec::new();
    h.state_mut().filter.query = "l".into();
    loop {
        let f = Instant::now();
        h.step();
        indexing.push(f.elapsed());
        if h.state().search.as_ref().is_some_and(|s| !s.indexing()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let built = t.elapsed();
    indexing.sort();
    // Then typing: names (of the last and a middle document), words, a
    // name that is nowhere; a keystroke is one frame with the query one
    // letter longer (or shorter: backspace).
    let last = format!("a{:06}", docs - 1);
    let middle = format!("a{:06}", docs / 2);
    let mut keystrokes = Vec::new();
    let mut shown_rows = 0;
    for word in [last.as_str(), "lavrov", middle.as_str(), "pekin", "économie", "zelensky"] {
        let mut query = String::new();
        for c in word.chars().chain(std::iter::once('\u{8}')) {
            if c == '\u{8}' {
                query.pop();
            } else {
                query.push(c);
            }
            h.state_mut().filter.query = query.clone();
            let t = Instant::now();
            h.step();
            keystrokes.push(t.elapsed());
        }
        shown_rows += h.state().corpus_rows().len();
    }
    keystrokes.sort();
    println!(
        "corpus search ({} keystrokes typing names and words in the corpus list's box, {shown_rows} rows found; index built in the background in {:.1} s, frames meanwhile p99 {:.1} ms): p50 {:.2} ms, p99 {:.2} ms (target ≤ 50 ms)",
        keystrokes.len(),
        built.as_secs_f64(),
        percentile(&indexing, 0.99),
        percentile(&keystrokes, 0.5),
        percentile(&keystrokes, 0.99)
    );
    drop(h);

    // The everywhere scan of 10,000 documents for a name, without the
    // corpus index (every document read) and with it.
    let scan_project = Project::open(&corpus, None).expect("opens");
    let scanned = scan_project.entries.len().min(10_000);
    let mut scan_project = scan_project;
    scan_project.entries.truncate(scanned);
    let mut index = CorpusIndex::start(&scan_project);
    while index.indexing() {
        std::thread::sleep(Duration::from_millis(5));
        index.take_read();
    }
    let texts = index.complete();
    for (name, with_index) in [("Lavrov", false), ("Lavrov", true), ("Zelensky", false), ("Zelensky", true)] {
        let form = EverywhereForm::name(name, NameAction::Label, "PER", true);
        let t = Instant::now();
        let scan = Scan::start(scan_project.clone(), form, None, Default::default(), if with_index { texts.clone() } else { None });
        let (mut docs_found, mut rows) = (0, 0);
        for found in scan.rx.iter() {
            if let Found::Doc(d) = found {
                docs_found += 1;
                rows += d.rows.len();
            }
        }
        println!(
            "everywhere scan of {scanned} documents for {name:?} {}: {:.2} s ({docs_found} documents, {rows} occurrences)",
            if with_index { "with the corpus index" } else { "reading every document" },
            t.elapsed().as_secs_f64()
        );
    }
    drop(index);
    drop(texts);

    // The long article: a million words, 50,000 spans, 5,000 relations.
    let long_dir = temp.path().join("long");
    std::fs::create_dir_all(&long_dir).expect("mkdir");
    let text = common::article(1_000_000, 0);
    let long_bytes = text.len();
    std::fs::write(long_dir.join("long.txt"), &text).expect("write");
    drop(text);
    let mut project = Project::open(&long_dir, None).expect("opens");
    let mut doc: Document = project.load(0).expect("loads").doc;
    let t = Instant::now();
    common::annotate_long(&mut doc, 50_000, &schema);
    println!(
        "built the long article: {} spans, {} relations in {:.2} s",
        doc.spans().len(),
        doc.relations().count(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    project.save(&doc).expect("saves");
    let save = t.elapsed();
    let t = Instant::now();
    let loaded = project.load(0).expect("loads").doc;
    let load = t.elapsed();
    assert_eq!(loaded.spans().len(), doc.spans().len());
    println!("long article ({:.1} MB): save {:.2} s, load {:.2} s", long_bytes as f64 / 1e6, save.as_secs_f64(), load.as_secs_f64());
    let budget = 2.0 * text_mb + 100.0;
    println!("peak memory: {:.0} MiB (target ≤ 2 × the corpus text + 100 MB = {budget:.0} MB)", peak_rss_mib());

    if std::env::var("SPANLAB_SCALE_ONLY").as_deref() == Ok("corpus") {
        return;
    }
    // The 200 MB article, in a process of its own.
    let child = std::process::Command::new(std::env::current_exe().expect("this bench"))
        .env("SPANLAB_SCALE_PART", "big-article")
        .output()
        .expect("runs");
    print!("{}", String::from_utf8_lossy(&child.stdout));
    eprint!("{}", String::from_utf8_lossy(&child.stderr));
}

/// A 200 MB article opened in the window: the project, the first frame with
/// it open, a few frames scrolling; the process's peak memory.
fn big_article() {
    let mb: usize = std::env::var("SPANLAB_SCALE_ARTICLE_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("huge.txt");
    {
        // Written a paragraph at a time: the generator's string is not the
        // window's cost.
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        let mut written = 0;
        let mut seed = 0;
        while written < mb * 1_000_000 {
            let para = common::article(6_000, seed);
            f.write_all(para.as_bytes()).expect("write");
            written += para.len();
            seed += 1;
        }
        f.flush().expect("flush");
    }
    let bytes = std::fs::metadata(&path).expect("meta").len();
    let size_mb = bytes as f64 / 1e6;
    let before = peak_rss_mib();
    let t = Instant::now();
    let project = Project::open(dir.path(), None).expect("opens");
    let mut h = launch(project);
    h.step();
    let first = t.elapsed();
    let open = h.state().open.as_ref().map_or(0, |o| o.doc.text().len_chars());
    let mut times = Vec::new();
    for i in 0..40 {
        wheel(&mut h, egui::pos2(700.0, 500.0), if i % 10 == 9 { -400_000.0 } else { -300.0 });
        let t = Instant::now();
        h.step();
        times.push(t.elapsed());
    }
    // Whatever runs in the background on it (suggestions) has its time.
    let t = Instant::now();
    while h.state().is_suggesting() && t.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
    times.sort();
    let budget = 4.0 * size_mb + 200.0;
    // f and n where the scrolling left the view: what one press reads and
    // how long it takes (five presses each, the slowest printed); and a
    // press of n with no free name anywhere, which reads its budget and
    // stops.
    let app = h.state();
    let (f_time, f_read) = slowest(&mut || app.jump_hints_reading().1);
    let (n_time, n_read) = slowest(&mut || app.name_step(true).1);
    let (back_time, back_read) = slowest(&mut || app.name_step(false).1);
    let (none_time, none_read) = app.open.as_ref().map_or((Duration::ZERO, 0), |o| {
        let text = o.doc.text();
        slowest(&mut || {
            let mut search = spanlab::model::names::NameSearch::new(text, spanlab::app::NAME_SEARCH_BUDGET);
            let _ = search.find(CharIdx::ZERO, text.end(), false, |_| false);
            search.read()
        })
    });
    println!(
        "200 MB article, one key press: f {:.1} ms ({f_read} characters read), n {:.1} ms ({n_read}), Shift+N {:.1} ms ({back_read}), n with no free name {:.1} ms ({none_read}, the budget: it stops there)",
        ms(f_time),
        ms(n_time),
        ms(back_time),
        ms(none_time)
    );
    println!(
        "200 MB article ({size_mb:.1} MB, {open} characters open in the window): first frame after {:.2} s, frames scrolling p50 {:.1} ms, p99 {:.1} ms; peak memory {:.0} MiB (target ≤ 4 × its size + 200 MB = {budget:.0} MB; {before:.0} MiB before opening)",
        first.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        peak_rss_mib()
    );
    // n where every name it reads is taken, after the peak memory above
    // (the spans and suggestions added copy the document if the writer
    // still holds it).
    n_with_every_name_taken(&mut h);
    // What n read on every press before (the names of the whole text),
    // after the peak memory above: `SPANLAB_SCALE_WHOLE_NAMES=1`.
    if std::env::var_os("SPANLAB_SCALE_WHOLE_NAMES").is_some()
        && let Some(open) = h.state().open.as_ref()
    {
        let t = Instant::now();
        let names = spanlab::model::names::names(open.doc.text()).len();
        println!(
            "200 MB article, the names of the whole text (what n read on every press before): {:.2} s, {names} names",
            t.elapsed().as_secs_f64()
        );
    }
}

/// Five runs of `f`, which says how many characters it read: the slowest
/// run's time and what it read.
fn slowest(f: &mut dyn FnMut() -> usize) -> (Duration, usize) {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            let read = f();
            (t.elapsed(), read)
        })
        .max()
        .unwrap_or_default()
}

/// A press of n from the start of the open article when every name it
/// reads within its budget is taken, so that it asks the document about
/// each of them and stops: first with each name not under a pending
/// suggestion exactly a rejected suggestion (the dearest answer: no span,
/// no pending suggestion, then the decided one found, three look-ups),
/// then with a span over every name (the first look-up answers).
fn n_with_every_name_taken(h: &mut Harness<'static, SpanlabApp>) {
    use spanlab::app::{NAME_SEARCH_BUDGET, NameStep, Selection};
    use spanlab::model::free::{FreeCheck, is_free};
    use spanlab::model::names::{NameSearch, names_in};
    use spanlab::model::{Suggestion, SuggestionState};
    let app = h.state_mut();
    let schema = app.project.schema.clone();
    let Some(open) = app.open.as_mut() else { return };
    open.selection = Selection::Text { anchor: CharIdx::ZERO, head: CharIdx::ZERO };
    // Where a press stops when no name is free: every name before it is
    // asked about.
    let text = open.doc.text();
    let stop = match NameSearch::new(text, NAME_SEARCH_BUDGET).find(CharIdx::ZERO, text.end(), false, |_| false) {
        Err(at) => at,
        Ok(_) => text.end(),
    };
    let names = names_in(text, CharIdx::ZERO, stop);
    let doc = open.doc_mut();
    let unsuggested: Vec<(CharIdx, CharIdx)> =
        names.iter().copied().filter(|&(a, b)| doc.pending_overlapping(a, b).next().is_none()).collect();
    let pending = names.len() - unsuggested.len();
    let rejected: Vec<Suggestion> = unsuggested
        .into_iter()
        .map(|(start, end)| {
            let (id, label, recognizer) = (doc.fresh_suggestion_id(), "PER".into(), "bench".into());
            Suggestion { id, start, end, label, recognizer, score: 0.5, state: SuggestionState::Rejected }
        })
        .collect();
    doc.apply(spanlab::model::Edit::AddSuggestions { suggestions: rejected }, &schema).expect("suggestions inside the text");
    let press = |app: &SpanlabApp| {
        let (step, read) = app.name_step(true);
        assert!(matches!(step, NameStep::Stopped(_)), "n found {step:?} with every name taken");
        read
    };
    let (rejected_time, rejected_read) = slowest(&mut || press(h.state()));
    // The same press's look-ups alone, without reading the names: one
    // at a time in the position indexes (`is_free`, what n did before),
    // and a window at a time (`FreeCheck`, what it does).
    let lookups = |app: &SpanlabApp, windows: bool| {
        let Some(open) = app.open.as_ref() else { return 0 };
        let doc = &open.doc;
        let mut check = FreeCheck::new(doc);
        let free = names.iter().filter(|&&(a, b)| if windows { check.is_free(a, b) } else { is_free(doc, a, b) }).count();
        assert_eq!(free, 0, "a name is free");
        names.len()
    };
    let lookup_times =
        |h: &Harness<'static, SpanlabApp>| (slowest(&mut || lookups(h.state(), false)).0, slowest(&mut || lookups(h.state(), true)).0);
    let (lookup_time, window_time) = lookup_times(h);
    let app = h.state_mut();
    let Some(open) = app.open.as_mut() else { return };
    let doc = open.doc_mut();
    for &(a, b) in &names {
        let e = doc.add_span_edit(a, b, "PER");
        doc.apply(e, &schema).expect("names do not overlap");
    }
    let (spans_time, spans_read) = slowest(&mut || press(h.state()));
    let (spans_lookup_time, spans_window_time) = lookup_times(h);
    println!(
        "200 MB article, n with every name taken ({} names before the budget ran out): {:.1} ms ({rejected_read} characters read; the look-ups alone {:.1} ms one name at a time, {:.1} ms a window at a time) with {pending} of them under a pending suggestion and the others rejected suggestions; {:.1} ms ({spans_read}; {:.1} ms, {:.1} ms) with a span over each",
        names.len(),
        ms(rejected_time),
        ms(lookup_time),
        ms(window_time),
        ms(spans_time),
        ms(spans_lookup_time),
        ms(spans_window_time)
    );
}

/// The pointer at `at`, then the wheel turned by `dy` points (one frame's input).
fn wheel<S>(h: &mut egui_kittest::Harness<'_, S>, at: egui::Pos2, dy: f32) {
    h.input_mut().events.push(egui::Event::PointerMoved(at));
    h.input_mut().events.push(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
}
