//! Tests of the suggestion engine: sentences it must read, the schema and
//! threshold, learning, models from files, odd texts and properties.

use super::*;
use crate::model::markup::parse_markup;
use proptest::prelude::*;

fn show(text: &Text, spans: impl IntoIterator<Item = (CharIdx, CharIdx, String)>) -> Vec<String> {
    spans.into_iter().map(|(a, b, l)| format!("{}:{l}", text.slice(a, b).unwrap_or("<bad>"))).collect()
}

/// Checks that the engine finds exactly the marked spans.
fn check(markup: &str) {
    let (text, gold) = parse_markup(markup);
    let text = Text::from(text.as_str());
    let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
    assert_eq!(show(&text, got.into_iter().map(|c| (c.start, c.end, c.label))), show(&text, gold), "in {markup:?}");
}

#[test]
fn french_sentences() {
    check("Le ministre russe des Affaires étrangères [Sergueï Lavrov]{PER} est arrivé à [Pyongyang]{GPE} le [11 juillet 2025]{DATE}.");
    check(
        "[Wang Yi]{PER} a rencontré son homologue russe [Sergey Lavrov]{PER} à [Pékin]{GPE} avant le sommet de l'[OCS]{ORG} à [Tianjin]{GPE}.",
    );
    check("Selon l’[AFP]{ORG}, la [Corée du Nord]{GPE} soutient la [Russie]{GPE} depuis [février 2022]{DATE} et l'[ONU]{ORG} s'inquiète.");
    check("Le porte-parole du [Kremlin]{ORG}, [Dmitri Peskov]{PER}, a parlé [dimanche]{DATE} de la [péninsule coréenne]{LOC}.");
    check(
        "La [Banque de France]{ORG} et l'[Organisation de coopération de Shanghai]{ORG} se réunissent le [1er avril]{DATE} en [Asie centrale]{LOC}.",
    );
}

#[test]
fn english_sentences() {
    check("Russian Foreign Minister [Sergei Lavrov]{PER} arrived in [Pyongyang]{GPE} on [July 11, 2025]{DATE}, [Reuters]{ORG} reported.");
    check(
        "[NATO]{ORG} and the [European Union]{ORG} met in [Brussels]{GPE} on [Monday]{DATE} as [China]{GPE}'s envoy visited [Moscow]{GPE}.",
    );
    check("President [Xi Jinping]{PER} said the [Second World War]{EVENT} ended in [1945]{DATE}? No: in [September 1945]{DATE}.");
}

#[test]
fn schema_and_min_score_filter() {
    let text = Text::from("Hier, Lavrov a vu le ministre Wang Yi à Pékin le 3 mars.");
    let all = Engine::rules().suggest(&Text::from("Hier, Sergueï Lavrov a vu Wang Yi."), &Schema::news(), 0.0);
    assert!(all.iter().any(|c| c.recognizer == RecognizerName::Capitals && c.label == "PER"), "{all:?}");
    let engine = Engine::builtin();
    let strict = engine.suggest(&text, &Schema::news(), 0.8);
    let strict = show(&text, strict.iter().map(|c| (c.start, c.end, c.label.clone())));
    let loose = engine.suggest(&text, &Schema::news(), 0.3);
    let loose = show(&text, loose.iter().map(|c| (c.start, c.end, c.label.clone())));
    assert_eq!(loose, ["Lavrov:PER", "Wang Yi:PER", "Pékin:GPE", "3 mars:DATE"]);
    assert!(strict.len() < loose.len() && strict.iter().all(|s| loose.contains(s)));
    assert!(strict.contains(&"Pékin:GPE".to_string()), "{strict:?}");
    let dates_only = Schema::from_label_names("d", &["DATE"], &[]);
    let got = engine.suggest(&text, &dates_only, 0.0);
    assert!(got.iter().all(|c| c.label == "DATE") && got.len() == 1, "{got:?}");
    assert!(engine.suggest(&text, &Schema::news(), f32::NAN).is_empty());
}

struct Fixed(Vec<(usize, usize, &'static str, f32)>);

impl Recognizer for Fixed {
    fn name(&self) -> RecognizerName {
        "fixed".into()
    }

    fn recognize(&self, _text: &Text) -> Vec<Candidate> {
        self.0
            .iter()
            .map(|&(a, b, l, s)| Candidate {
                start: CharIdx::new(a),
                end: CharIdx::new(b),
                label: l.into(),
                score: s,
                recognizer: "fixed".into(),
            })
            .collect()
    }
}

#[test]
fn overlaps_prefer_score_then_length_and_bad_spans_are_dropped() {
    let engine = Engine::with(vec![Box::new(Fixed(vec![
        (0, 5, "PER", 0.5),
        (3, 9, "ORG", 0.9),
        (10, 12, "GPE", 0.6),
        (10, 14, "LOC", 0.6),
        (12, 16, "PER", 0.6),
        (16, 18, "DATE", 0.1),
        (18, 18, "PER", 0.9),
        (19, 99, "PER", 0.9),
        (17, 19, "MISC", 0.9),
    ]))]);
    let text = Text::from("abcdefghijklmnopqrstu");
    let got: Vec<(usize, usize, String)> =
        engine.suggest(&text, &Schema::news(), 0.0).into_iter().map(|c| (c.start.get(), c.end.get(), c.label)).collect();
    assert_eq!(got, [(3, 9, "ORG".into()), (10, 14, "LOC".into()), (16, 18, "DATE".into())]);
    assert_eq!(engine.recognizer_names(), ["fixed".into()]);
}

#[test]
fn engine_is_shareable_between_threads() {
    fn check<T: Send + Sync>() {}
    check::<Engine>();
    let engine = std::sync::Arc::new(Engine::builtin());
    let e2 = engine.clone();
    let handle = std::thread::spawn(move || e2.suggest(&Text::from("à Pékin"), &Schema::news(), 0.5).len());
    assert_eq!(handle.join().ok(), Some(1));
    assert!(format!("{engine:?}").contains("gazetteer"));
}

#[test]
fn empty_and_odd_texts_give_nothing_or_valid_spans() {
    let engine = Engine::builtin();
    for s in ["", " ", "\r\n\r\n", "😀😀", "\u{301}", "« »", "...", "1 000 000", "L'", "'s"] {
        let text = Text::from(s);
        assert!(engine.suggest(&text, &Schema::news(), 0.0).is_empty(), "{s:?}");
    }
}

#[test]
fn builtin_names_its_sources() {
    let engine = Engine::builtin();
    use RecognizerName::{Capitals, Dates, Gazetteer, Memory, Tagger, Titles};
    assert_eq!(engine.recognizer_names(), [Tagger, Memory, Gazetteer, Dates, Titles, Capitals, heads::HEADS.into()]);
    let text = Text::from("Le 13 juillet 2025, M. Lavrov a vu Kim Jong Un à Pyongyang.");
    let got = engine.suggest(&Text::from("Le 13 juillet 2025, M. Lavrov est arrivé à Pyongyang."), &Schema::news(), 0.0);
    assert_eq!(
        show(&Text::from("Le 13 juillet 2025, M. Lavrov est arrivé à Pyongyang."), got.iter().map(|c| (c.start, c.end, c.label.clone()))),
        ["13 juillet 2025:DATE", "Lavrov:PER", "Pyongyang:GPE"]
    );
    assert!(got.iter().all(|c| c.recognizer == Tagger), "{got:?}");
    let rules = Engine::rules();
    assert_eq!(rules.recognizer_names(), [Gazetteer, Dates, Titles, Capitals]);
    let got = rules.suggest(&text, &Schema::news(), 0.0);
    let sources: Vec<&str> = got.iter().map(|c| c.recognizer.as_str()).collect();
    assert_eq!(sources, ["dates", "titles", "capitals", "gazetteer"], "{got:?}");
}

#[test]
fn english_texts_are_left_to_the_rules() {
    let text = Text::from("The minister said that Lavrov arrived in Pyongyang on Monday.");
    let got = Engine::builtin().suggest(&text, &Schema::news(), 0.0);
    assert!(got.iter().all(|c| c.recognizer != RecognizerName::Tagger), "{got:?}");
    assert_eq!(got, Engine::rules().suggest(&text, &Schema::news(), 0.0));
}

/// The texts of the DATE spans the shipped engine suggests from 0.3.
fn dates_in(text: &Text) -> Vec<String> {
    Engine::builtin()
        .suggest(text, &Schema::news(), 0.3)
        .into_iter()
        .filter(|c| c.label == "DATE")
        .map(|c| text.slice(c.start, c.end).unwrap_or("").to_owned())
        .collect()
}

#[test]
fn an_iso_date_is_one_span() {
    let text = Text::from("Wang Yi rencontre Sergueï Lavrov\n2022-08-06 23:52\n\nLe 5 août 2022, à Phnom Penh.");
    assert_eq!(dates_in(&text), ["2022-08-06", "5 août 2022"]);
}

#[test]
fn a_bare_number_is_no_date_but_a_year_is() {
    // A number of five digits or more opening a line reads to the tagger
    // as a year would ("1998."); a date written in digits alone is a year.
    let text = Text::from(
        "Bilan\n\n202415. Le conseil municipal de Lyon a voté le budget.\n\nEn 1998, la mairie a fermé.\n\n123456. Marie Curie est arrivée à Paris.\n\n2003. Le pont est ouvert.",
    );
    assert_eq!(dates_in(&text), ["1998", "2003"]);
}

#[test]
fn learning_from_a_correction_changes_later_suggestions() {
    let engine = Engine::builtin();
    let schema = Schema::news();
    let (text, gold) = parse_markup("Le groupe [Zorglub Nexa]{ORG} a signé avec [Wonsan Kalma]{LOC} un accord sur Mars.");
    let text = Text::from(text.as_str());
    let later = Text::from("Hier, Zorglub Nexa et Wonsan Kalma ont parlé de Mars.");
    let before = engine.suggest(&later, &schema, 0.0);
    engine.learn(&text, &gold);
    let after = engine.suggest(&later, &schema, 0.0);
    let shown = show(&later, after.iter().map(|c| (c.start, c.end, c.label.clone())));
    assert!(shown.contains(&"Zorglub Nexa:ORG".to_string()), "{shown:?}");
    assert!(shown.contains(&"Wonsan Kalma:LOC".to_string()), "{shown:?}");
    assert_ne!(before, after);
    // What the user removed is not suggested again.
    let mars = |v: &[Candidate]| v.iter().any(|c| later.slice(c.start, c.end) == Some("Mars"));
    assert!(!mars(&after), "{after:?}");
    engine.remember("Kalma", "GPE");
    let again = engine.suggest(&Text::from("à Kalma"), &schema, 0.0);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].recognizer, RecognizerName::Memory);
}

#[test]
fn a_label_the_schema_lacks_is_suggested_as_the_one_the_corrections_give_it() {
    let schema = Schema::from_label_names("project", &["PER", "INST", "GPE", "LOC", "DATE"], &[]);
    let engine = Engine::builtin();
    let later = Text::from("Le directeur de Greenpeace a écrit à Interpol.");
    let inst = |e: &Engine| e.suggest(&later, &schema, 0.0).into_iter().filter(|c| c.label == "INST").count();
    assert_eq!(inst(&engine), 0, "ORG is dropped: the schema lacks it");
    let (text, gold) = parse_markup("Un rapport de l'[OTAN]{INST} cite la [Banque mondiale]{INST} et l'[UNESCO]{INST}.");
    engine.learn(&Text::from(text.as_str()), &gold);
    let votes = engine.label_votes();
    assert!(votes.iter().any(|(from, to, n)| from == "ORG" && to == "INST" && *n >= LABEL_MAP_VOTES), "{votes:?}");
    let got: Vec<(String, String)> =
        engine.suggest(&later, &schema, 0.0).into_iter().map(|c| (later.slice(c.start, c.end).unwrap_or("").to_owned(), c.label)).collect();
    assert!(got.contains(&("Greenpeace".to_string(), "INST".to_string())), "{got:?}");
    assert!(got.contains(&("Interpol".to_string(), "INST".to_string())), "{got:?}");
    // With the news schema, which has ORG, nothing is mapped.
    let news = engine.suggest(&later, &Schema::news(), 0.0);
    assert!(news.iter().all(|c| c.label != "INST"), "{news:?}");
    // A model keeps the votes the documents gave, and an engine over it starts from them.
    let mut tagger = builtin_tagger().cloned().expect("the shipped model");
    tagger.set_label_votes(votes.clone());
    let rules = engine.rule_votes();
    assert!(rules.iter().any(|(r, from, to, n)| r == "gazetteer" && from == "ORG" && to == "INST" && *n > 0), "{rules:?}");
    tagger.set_rule_votes(rules.clone());
    let again = Tagger::from_bytes(&tagger.to_bytes()).expect("reads");
    assert_eq!(again.label_votes(), votes.as_slice());
    assert_eq!(again.rule_votes(), rules.as_slice());
    assert_eq!(inst(&Engine::with_tagger(Some(again))), 2);
}

/// Proposes each occurrence of its words with its label, under its name.
struct Words(&'static str, &'static [&'static str], &'static str);

impl Recognizer for Words {
    fn name(&self) -> RecognizerName {
        self.0.into()
    }

    fn recognize(&self, text: &Text) -> Vec<Candidate> {
        let s = text.as_str();
        self.1
            .iter()
            .flat_map(|w| s.match_indices(w))
            .map(|(i, w)| {
                let start = s[..i].chars().count();
                Candidate {
                    start: CharIdx::new(start),
                    end: CharIdx::new(start + w.chars().count()),
                    label: self.2.into(),
                    score: 0.8,
                    recognizer: self.0.into(),
                }
            })
            .collect()
    }
}

#[test]
fn a_rule_the_corrections_mostly_contradict_is_not_mapped() {
    let schema = Schema::from_label_names("project", &["PER", "INST", "LOC"], &[]);
    let engine = Engine::with(vec![
        Box::new(Words("list", &["Zorgco", "Blimpex", "Quarnel"], "ORG")),
        Box::new(Words("guess", &["Zorgco", "Blimpex", "Varnholt", "Ostrelia", "Kessa"], "ORG")),
    ]);
    // The annotator leaves out most of what the second rule proposes.
    let (text, gold) = parse_markup("[Zorgco]{INST} et [Blimpex]{INST} vont à Varnholt, Ostrelia et Kessa.");
    engine.learn(&Text::from(text.as_str()), &gold);
    let votes = engine.rule_votes();
    let count = |r: &str, to: &str| votes.iter().find(|v| v.0 == r && v.1 == "ORG" && v.2 == to).map_or(0, |v| v.3);
    assert_eq!((count("list", "INST"), count("guess", "INST"), count("guess", "")), (2, 2, 3), "{votes:?}");
    let later = Text::from("Quarnel et Zorgco partent pour Varnholt.");
    let got: Vec<(String, String, String)> = engine
        .suggest(&later, &schema, 0.0)
        .into_iter()
        .map(|c| (later.slice(c.start, c.end).unwrap_or("").to_owned(), c.label, c.recognizer.to_string()))
        .collect();
    // ORG is INST (two votes), but only from the rule whose ORG mostly was one.
    let list = |t: &str| (t.to_owned(), "INST".to_owned(), "list".to_owned());
    assert_eq!(got, [list("Quarnel"), list("Zorgco")]);
}

#[test]
fn a_model_read_from_a_file_is_named_in_its_suggestions() {
    let schema = Schema::news();
    let text = Text::from("Le ministre Sergueï Lavrov est arrivé à Pékin lundi pour rencontrer Wang Yi.");
    let shipped = Engine::builtin().suggest(&text, &schema, 0.0);
    let tagger = builtin_tagger().cloned();
    let named = Engine::with_tagger_named(tagger, RecognizerName::model("mine.bin")).suggest(&text, &schema, 0.0);
    let spans = |v: &[Candidate]| v.iter().map(|c| (c.start, c.end, c.label.clone())).collect::<Vec<_>>();
    assert_eq!(spans(&named), spans(&shipped), "the same tagger, combined as a tagger");
    let by = |v: &[Candidate], r: &RecognizerName| v.iter().filter(|c| &c.recognizer == r).count();
    assert!(by(&shipped, &RecognizerName::Tagger) > 0);
    assert_eq!(by(&named, &RecognizerName::model("mine.bin")), by(&shipped, &RecognizerName::Tagger));
    assert_eq!(by(&named, &RecognizerName::Tagger), 0);
    assert_eq!(RecognizerName::model("mine.bin").model_description().as_deref(), Some("the model file mine.bin"));
}

#[test]
fn models_load_from_bytes() {
    let engine = Engine::with_model(BUILTIN_MODEL).expect("the built-in model loads");
    assert_eq!(engine.recognizer_names()[0], RecognizerName::Tagger);
    assert!(matches!(Engine::with_model(b"not a model").err(), Some(TaggerError::BadMagic)));
    let tagger = builtin_tagger().expect("built-in model");
    assert_eq!(tagger.labels(), ["DATE", "EVENT", "LOC", "MISC", "ORG", "PER"]);
    assert!(tagger.training_info().corpus.contains("WiNER"));
    assert_eq!(tagger.to_bytes(), BUILTIN_MODEL, "the shipped bytes round-trip");
}

#[test]
fn offsets_survive_emoji_crlf_and_combining_marks() {
    let (text, gold) = parse_markup("😀👍🏽 Le\r\nministre [Zoe\u{301} Dupont]{PER} est à [Moscou]{GPE}\u{a0}! 🇫🇷 [13 juillet]{DATE}");
    let text = Text::from(text.as_str());
    let got = Engine::builtin().suggest(&text, &Schema::news(), 0.3);
    assert_eq!(show(&text, got.into_iter().map(|c| (c.start, c.end, c.label))), show(&text, gold));
}

#[test]
fn a_long_text_is_handled_in_one_pass() {
    let para = "Le ministre russe des Affaires étrangères Sergueï Lavrov est arrivé à Pyongyang le 11 juillet 2025. \
                Selon l'AFP, la Chine et la Russie ont signé un accord avec l'ONU en 2024.\r\n";
    let engine = Engine::builtin();
    let alone = engine.suggest(&Text::from(para), &Schema::news(), 0.3);
    let alone_shown = show(&Text::from(para), alone.iter().map(|c| (c.start, c.end, c.label.clone())));
    assert_eq!(
        alone_shown,
        ["Sergueï Lavrov:PER", "Pyongyang:GPE", "11 juillet 2025:DATE", "AFP:ORG", "Chine:GPE", "Russie:GPE", "ONU:ORG", "2024:DATE"]
    );
    let text = Text::from(para.repeat(500).as_str());
    let got = engine.suggest(&text, &Schema::news(), 0.3);
    assert!(got.windows(2).all(|w| w[0].end <= w[1].start));
    // Paragraph k holds exactly the spans of the paragraph alone, shifted
    // by its offset, with the same labels, scores and recognizers.
    let para_len = Text::from(para).len_chars();
    let mut by_paragraph: Vec<Vec<Candidate>> = vec![Vec::new(); 500];
    for c in got {
        let k = c.start.get() / para_len;
        assert!(c.end.get() <= (k + 1) * para_len, "{c:?} crosses a paragraph end");
        by_paragraph[k].push(c);
    }
    for (k, spans) in by_paragraph.into_iter().enumerate() {
        let shift = k * para_len;
        let back: Vec<Candidate> = spans.into_iter().map(|c| Candidate { start: c.start - shift, end: c.end - shift, ..c }).collect();
        assert_eq!(back, alone, "paragraph {k} (at code point {shift})");
    }
}

proptest! {
    #[test]
    fn suggestions_are_in_bounds_sorted_and_disjoint(
        s in "[A-Za-zéÉ’' .,;:!?«»\\-0-9\u{a0}\r\n😀\u{301}]{0,200}"
    ) {
        let text = Text::from(s.as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.0);
        for c in &got {
            prop_assert!(c.start < c.end && c.end.get() <= text.len_chars());
            let slice = text.slice(c.start, c.end).unwrap_or("");
            prop_assert_eq!(slice.trim(), slice, "no outer whitespace");
        }
        prop_assert!(got.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn words_from_names_are_found_anywhere(
        pre in "[a-z ]{0,20}", post in "[a-z ]{0,20}"
    ) {
        let s = format!("{pre} à Pékin {post}");
        let text = Text::from(s.as_str());
        let got = Engine::builtin().suggest(&text, &Schema::news(), 0.5);
        prop_assert!(got.iter().any(|c| text.slice(c.start, c.end) == Some("Pékin") && c.label == "GPE"));
    }
}
