//! Models users train and use: a tagger trained on their corpus, fresh or
//! continued from the shipped model or another one ([`train_model`]), with
//! the names the corpus teaches; and reading a model file for a project
//! ([`load_model`]), refused with an error naming the file when it is of
//! another version, corrupt, truncated, or made for labels the project's
//! schema does not have.
//!
//! Owns: [`train_model`], [`load_model`], [`ModelError`], [`builtin_base`],
//! [`labels_missing`], [`name_ends_taught`]. Must not touch: files (the caller reads and writes
//! the bytes and names the file), threads (training extracts features on
//! scoped threads, see [`super::tagger`]).
//!
//! What a model continued on a project's documents holds (the window's
//! project model, `spanlab train DIR --base builtin`):
//! - the base's weights, moved by training on the documents: every feature
//!   may move, so a label the base never saw gets its shapes, affixes,
//!   contexts and words, and so does a language it never saw; features
//!   that carry across languages (shape, capitalisation, affixes, gazetteer
//!   hits, position) start from what the base learned;
//! - the rules' proposals as features ("hints", [`super::tagger`]): from a
//!   few documents the tagger learns how far to trust each rule in this
//!   project, which words alone would need many documents to teach. Such a
//!   tagger is heard on every language it was trained on, and the rules'
//!   candidates fill in where it found nothing (the engine's policy);
//! - the names the documents teach, as the engine's memory starts from them
//!   ([`super::Tagger::names`]): each name the annotator kept gets a vote
//!   for its label, and each suggestion of the model's own engine that the
//!   documents do not have gets a vote against, document by document, as
//!   the window's online learning does. A name the project leaves out (a
//!   news agency in a photo credit) is then not suggested again;
//! - what the documents call the recognizers' labels
//!   ([`super::Engine::label_votes`]): a project whose schema calls
//!   organisations `INST` gets the gazetteer's and the base's `ORG`
//!   candidates as `INST`; and how often each rule's candidates were right
//!   ([`super::Engine::rule_votes`]), so that a rule the documents mostly
//!   contradict is not mapped;
//! - where names end ([`NameEnds`]): the lower-case word right after a
//!   corrected name (`estime` in `[Cour des comptes] estime`), so that
//!   the head-noun rule of an engine over the model stops there as the
//!   window's did after the same documents (format version 3).
//!
//! Measured by `cargo bench --bench learning` (English news from the shipped
//! state, a new label; see the README).

use sha2::{Digest, Sha256};

use super::heads::{HeadsRecognizer, NameEnds};
use super::memory::{Memory, MemoryRecognizer};
use super::tagger::{BaseModel, Example, TaggerError, TaughtName, TrainOptions, examples_from, info_from};
pub use super::tagger::{LabelVote, RuleVote};
use super::{BUILTIN_MODEL, Engine, Tagger};
use crate::model::{Dataset, Schema, Text};

/// The name of the shipped model as a base (`--base builtin`).
pub const BUILTIN_NAME: &str = "builtin";

/// Why a model file could not be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    /// The bytes are not a model this version reads.
    #[error("{source} in {file}")]
    Unreadable {
        /// The file, as the user named it.
        file: String,
        /// What is wrong with it.
        source: TaggerError,
    },
    /// The model suggests labels the project's schema does not have.
    #[error("the model suggests labels the project's schema does not have ({missing}; the schema has {schema}) in {file}")]
    Labels {
        /// The file, as the user named it.
        file: String,
        /// The labels the schema lacks, comma-separated.
        missing: String,
        /// The schema's entity labels, comma-separated.
        schema: String,
    },
}

/// The shipped model as a base: its name, digest and labels.
pub fn builtin_base() -> BaseModel {
    let labels = Tagger::from_bytes(BUILTIN_MODEL).map(|t| t.labels().to_vec()).unwrap_or_default();
    BaseModel { name: BUILTIN_NAME.into(), sha256: sha256_hex(BUILTIN_MODEL), labels }
}

/// A model file as a base: its name (as given), digest and labels.
pub fn file_base(name: &str, bytes: &[u8], tagger: &Tagger) -> BaseModel {
    BaseModel { name: name.into(), sha256: sha256_hex(bytes), labels: tagger.labels().to_vec() }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The labels a model would suggest that `schema` does not have. The
/// shipped model's labels are not counted (the engine already drops those a
/// schema lacks, as it does with the shipped model itself: `MISC`, or `LOC`
/// when the schema has `GPE` instead); nor is `LOC` when the schema has
/// `GPE` (the tagger's `LOC` becomes `GPE` for known places).
pub fn labels_missing(tagger: &Tagger, schema: &Schema) -> Vec<String> {
    let shipped = builtin_base().labels;
    tagger
        .labels()
        .iter()
        .filter(|l| !shipped.contains(l) && schema.entity(l).is_none() && !(l.as_str() == "LOC" && schema.entity("GPE").is_some()))
        .cloned()
        .collect()
}

/// Reads a model for a project whose schema is `schema`; `file` names it in
/// errors.
pub fn load_model(bytes: &[u8], file: &str, schema: &Schema) -> Result<Tagger, ModelError> {
    let tagger = Tagger::from_bytes(bytes).map_err(|source| ModelError::Unreadable { file: file.into(), source })?;
    let missing = labels_missing(&tagger, schema);
    if !missing.is_empty() {
        return Err(ModelError::Labels { file: file.into(), missing: missing.join(", "), schema: schema.entity_names().join(", ") });
    }
    Ok(tagger)
}

/// Trains a model on datasets (documents with status `skipped` left out):
/// from scratch, or continued from `base` (the base tagger and what to
/// record of it). With [`TrainOptions::names`], the names the documents
/// teach are recorded too. The same datasets, base and options give the
/// same bytes. `progress(done, total)` counts documents × epochs, then the
/// documents read for their names.
pub fn train_model(
    datasets: &[Dataset],
    base: Option<(&Tagger, BaseModel)>,
    options: &TrainOptions,
    mut progress: impl FnMut(usize, usize),
) -> Tagger {
    let examples = examples_from(datasets);
    let mut info = info_from(datasets, options);
    let extra = if options.names { examples.len() } else { 0 };
    let total = options.epochs * examples.len() + extra;
    let mut tagger = match base {
        None => Tagger::train_with(&examples, options, info, |done, _| progress(done, total)),
        Some((base, about)) => {
            info.base = Some(about);
            Tagger::continue_with(base, &examples, options, info, |done, _| progress(done, total))
        }
    };
    if options.names {
        let done = options.epochs * examples.len();
        let (names, votes, rules, ends) = taught_names(&tagger, &examples, |k| progress(done + k, total));
        tagger.set_names(names);
        tagger.set_label_votes(votes);
        tagger.set_rule_votes(rules);
        tagger.set_name_ends(ends);
    }
    tagger
}

/// Where names end as `datasets` teach an engine over `tagger`: the
/// [`NameEnds`] [`train_model`] keeps with [`TrainOptions::names`], for a
/// tagger trained on them. A model saved before name ends were kept
/// (format 2) gets them so without being trained again: the tagger's
/// weights are all the pass reads of it.
pub fn name_ends_taught(tagger: &Tagger, datasets: &[Dataset]) -> NameEnds {
    let examples = examples_from(datasets);
    taught_names(tagger, &examples, |_| {}).3
}

/// The names documents teach an engine over `tagger`: the memory after it
/// learned each document in order ([`Engine::learn_names`]); what they call
/// the recognizers' labels ([`Engine::label_votes`]), how often each
/// recognizer was right ([`Engine::rule_votes`]) and where names end (the
/// head-noun rule's, [`NameEnds`]), as the window's online learning has
/// them after the same documents.
fn taught_names(
    tagger: &Tagger,
    examples: &[Example],
    mut progress: impl FnMut(usize),
) -> (Vec<TaughtName>, Vec<LabelVote>, Vec<RuleVote>, NameEnds) {
    let (memory, heads) = (MemoryRecognizer::new(), HeadsRecognizer::new());
    let engine = Engine::assemble(Some((tagger.clone(), crate::model::RecognizerName::Tagger)), memory.clone(), heads.clone());
    for (k, ex) in examples.iter().enumerate() {
        engine.learn_names(&Text::from(ex.text.as_str()), &ex.spans);
        progress(k + 1);
    }
    (memory.memory().read().map(|m| m.votes()).unwrap_or_default(), engine.label_votes(), engine.rule_votes(), heads.name_ends())
}

/// The memory that a model's taught names start.
pub fn memory_of(tagger: &Tagger) -> Memory {
    let mut m = Memory::new();
    for (tokens, label, vote) in tagger.names() {
        m.vote_tokens(tokens.clone(), label, *vote);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup::parse_markup;
    use crate::model::tokenize::Tokenized;
    use crate::suggest::tagger::TrainingInfo;

    fn examples(lines: &[&str]) -> Vec<Example> {
        lines
            .iter()
            .map(|l| {
                let (text, spans) = parse_markup(l);
                Example { text, spans }
            })
            .collect()
    }

    fn tiny(lines: &[&str]) -> Tagger {
        let options = TrainOptions { epochs: 4, prune: 0.0, ..TrainOptions::default() };
        Tagger::train_with(&examples(lines), &options, TrainingInfo::default(), |_, _| {})
    }

    /// A project's documents marked done, written in markup.
    fn done(schema: &Schema, lines: &[&str]) -> Dataset {
        let mut ds = Dataset::empty(schema);
        for (i, ex) in examples(lines).into_iter().enumerate() {
            let text = Text::from(ex.text.as_str());
            ds.documents.push(crate::model::dataset::DocRecord {
                id: format!("d{i}"),
                source: String::new(),
                text: ex.text.clone(),
                sha256: String::new(),
                status: crate::model::Status::Done,
                entities: ex
                    .spans
                    .iter()
                    .enumerate()
                    .map(|(k, (a, b, l))| crate::model::dataset::EntityRecord::new(k + 1, &text, *a, *b, l.clone()))
                    .collect(),
                relations: vec![],
                extra: Default::default(),
            });
        }
        ds
    }

    /// The head-noun rule's names in `s` by an engine over `tagger`.
    fn head_names(tagger: Tagger, s: &str) -> Vec<String> {
        let text = Text::from(s);
        Engine::with_tagger(Some(tagger))
            .candidates(&text)
            .into_iter()
            .filter(|c| c.recognizer.as_str() == crate::suggest::heads::HEADS)
            .map(|c| text.slice(c.start, c.end).unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn where_names_end_is_kept_in_the_project_model() {
        let schema = Schema::from_label_names("project", &["PER", "INST", "GPE", "LOC", "DATE"], &[]);
        // `estime` follows a corrected name: names end before it.
        let ds = done(
            &schema,
            &[
                "[Mara Kessing]{PER} estime que [Lyon]{LOC} a raison.",
                "La [Cour des comptes]{INST} estime que le [Conseil d'Etat]{INST} a raison.",
            ],
        );
        let base = tiny(&["[Mara Kessing]{PER} est à [Lyon]{LOC}.", "[Tomas Wendt]{PER} quitte [Nantes]{LOC}."]);
        let about = BaseModel { name: "base.bin".into(), sha256: "00".into(), labels: base.labels().to_vec() };
        let options = TrainOptions { epochs: 4, prune: 0.0, ..TrainOptions::continuing() };
        let model = train_model(std::slice::from_ref(&ds), Some((&base, about)), &options, |_, _| {});
        let saved = model.to_bytes();
        // Saved without them (format 2), they are taught again by the same documents.
        let mut old = model.clone();
        old.set_name_ends(NameEnds::default());
        assert!(!model.name_ends().is_empty());
        assert_eq!(&name_ends_taught(&Tagger::from_bytes(&old.to_bytes()).expect("reads"), std::slice::from_ref(&ds)), model.name_ends());
        let loaded = load_model(&saved, "annotations/project-model.bin", &schema).expect("reads its own output");
        let later = "Hier, la Cour suprême estime que le Conseil constitutionnel tranche.";
        assert_eq!(head_names(loaded, later), ["Cour suprême", "Conseil constitutionnel tranche"]);
    }

    #[test]
    fn a_model_is_refused_naming_the_file() {
        let good = tiny(&["[Mara Kessing]{PER} met the [Ostrava Rowing Club]{ORG}."]).to_bytes();
        let schema = Schema::news();
        assert!(load_model(&good, "good.bin", &schema).is_ok());
        let mut v9 = good.clone();
        if let Some(b) = v9.get_mut(12) {
            *b = 9;
        }
        let cut = good.get(..good.len() / 2).unwrap_or_default();
        for (bytes, says) in [(&v9[..], "version 9"), (cut, "truncated"), (b"not a model".as_slice(), "not a spanlab tagger model")] {
            let e = load_model(bytes, "dir/m.bin", &schema).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(says) && e.ends_with("in dir/m.bin"), "{e}");
        }
        let product = tiny(&["The [Zorblex 9]{PRODUCT} was sold by [Mara Kessing]{PER}."]).to_bytes();
        let e = load_model(&product, "p.bin", &schema).err();
        assert_eq!(
            e,
            Some(ModelError::Labels { file: "p.bin".into(), missing: "PRODUCT".into(), schema: schema.entity_names().join(", ") })
        );
        let with_product = Schema::from_label_names("mine", &["PER", "PRODUCT"], &[]);
        assert!(load_model(&product, "p.bin", &with_product).is_ok(), "the project's schema has PRODUCT");
    }

    #[test]
    fn continuing_adds_labels_and_records_the_base_and_corpus() {
        let base = tiny(&["[Mara Kessing]{PER} est à [Lyon]{LOC}.", "[Tomas Wendt]{PER} quitte [Nantes]{LOC}."]);
        let ds = done(
            &Schema::from_label_names("mine", &["PER", "LOC", "PRODUCT"], &[]),
            &["The [Zorblex 9]{PRODUCT} was sold in [Lyon]{LOC}.", "Buy the [Zorblex 7]{PRODUCT} now."],
        );
        let about = BaseModel { name: "base.bin".into(), sha256: "00".into(), labels: base.labels().to_vec() };
        let options = TrainOptions { epochs: 4, prune: 0.0, ..TrainOptions::continuing() };
        let a = train_model(std::slice::from_ref(&ds), Some((&base, about.clone())), &options, |_, _| {});
        let b = train_model(std::slice::from_ref(&ds), Some((&base, about.clone())), &options, |_, _| {});
        assert_eq!(a.to_bytes(), b.to_bytes(), "the same base and documents give the same bytes");
        assert_eq!(a.labels(), ["LOC", "PER", "PRODUCT"], "the base's labels first, then the new one");
        let info = a.training_info();
        assert_eq!(info.base.as_ref(), Some(&about));
        assert_eq!(info.languages.get("en"), Some(&2));
        assert_eq!(info.documents, 2);
        assert_eq!(info.spans, 3);
        assert_eq!(info.corpus_sha256.len(), 64);
        assert!(a.knows_language("en") && !base.knows_language("en"));
        let s = "The Zorblex 9 was sold in Lyon.";
        let got: Vec<String> = a.tag(s, &Tokenized::new(s)).into_iter().map(|t| t.label).collect();
        assert!(got.contains(&"PRODUCT".to_string()), "{got:?}");
        let again = Tagger::from_bytes(&a.to_bytes()).expect("reads its own output");
        assert_eq!(again.training_info(), info);
    }
}
