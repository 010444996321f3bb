//! Reading CoNLL: lines grouped into documents and sentences, tags read in
//! whichever scheme the file uses (IOB2, IOB1, BIOES/BILOU), and tokens
//! re-attached to the original texts when they are given.
//!
//! Owns: the parsing of token lines and the errors that name the line.
//! Must not touch: writing (`write`), or the file system.

use super::{DOCSTART, QUOTE, REBUILT, SCHEMA_NAME, join_sentences, quote, quote_n};
use crate::model::Dataset;
use crate::model::dataset::DocRecord;
use crate::store::formats::{FormatError, RawDoc, RawEntity, Report, dataset_of, numbered_id};

/// A tag of a token line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag<'a> {
    /// `O`.
    Outside,
    /// `B-X`.
    Begin(&'a str),
    /// `I-X`.
    Inside(&'a str),
    /// `E-X`, `L-X`.
    End(&'a str),
    /// `S-X`, `U-X`.
    Single(&'a str),
}

impl<'a> Tag<'a> {
    fn parse(tag: &'a str) -> Option<Self> {
        if tag == "O" {
            return Some(Tag::Outside);
        }
        let (scheme, label) = tag.split_once('-')?;
        if label.is_empty() {
            return None;
        }
        match scheme {
            "B" => Some(Tag::Begin(label)),
            "I" => Some(Tag::Inside(label)),
            "E" | "L" => Some(Tag::End(label)),
            "S" | "U" => Some(Tag::Single(label)),
            _ => None,
        }
    }
}

/// A token line of the file.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    token: &'a str,
    tag: Tag<'a>,
    /// 1-based line number.
    number: usize,
}

/// One document of the file.
#[derive(Debug, Default)]
struct Block<'a> {
    /// The line of its `-DOCSTART-`; 1 for the document a file starts without one.
    number: usize,
    sentences: Vec<Vec<Line<'a>>>,
}

impl<'a> Block<'a> {
    fn lines(&self) -> impl Iterator<Item = &Line<'a>> + '_ {
        self.sentences.iter().flatten()
    }

    /// The line a message about the end of this document names.
    fn last_line(&self) -> usize {
        self.lines().last().map_or(self.number, |l| l.number)
    }
}

/// Reads CoNLL (IOB2, IOB1 or BIOES). With `texts`, the n-th document of the
/// file is the n-th of `texts`: its tokens are found in that text (skipping
/// only whitespace), and id, source, status and text come from it. Without,
/// texts are rebuilt from the tokens and documents numbered `doc-0001`, ….
pub fn read(text: &str, texts: Option<&Dataset>, report: &mut Report) -> Result<Dataset, FormatError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let blocks = parse(text)?;
    if let Some(texts) = texts {
        check_count(&blocks, texts, text)?;
    }
    let iob1 = is_iob1(&blocks);
    let mut records = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let entities = entities_of(block, iob1)?;
        let (raw, offsets) = match texts.and_then(|t| t.documents.get(i)) {
            Some(original) => {
                let offsets = attach(block, original)?;
                let raw = RawDoc {
                    id: original.id.clone(),
                    source: original.source.clone(),
                    text: original.text.clone(),
                    status: Some(original.status),
                    extra: original.extra.clone(),
                    ..RawDoc::default()
                };
                (raw, offsets)
            }
            None => {
                let (rebuilt, offsets) = rebuild(block);
                let id = numbered_id(i);
                report.lose(REBUILT, || format!("document {id}"));
                (RawDoc { id, text: rebuilt, ..RawDoc::default() }, offsets)
            }
        };
        let mut raw = raw;
        for (a, b, label) in entities {
            let (Some(&(start, _)), Some(&(_, end))) = (offsets.get(a), offsets.get(b)) else {
                continue;
            };
            raw.entities.push(RawEntity { start, end, label: label.to_owned(), ..RawEntity::default() });
        }
        records.push(raw.into_record(report));
    }
    Ok(match texts {
        Some(t) => with_schema_of(dataset_of(records, &t.schema.name), t),
        None => dataset_of(records, SCHEMA_NAME),
    })
}

/// The lines of a file grouped into documents and sentences.
fn parse(text: &str) -> Result<Vec<Block<'_>>, FormatError> {
    let mut blocks: Vec<Block> = vec![Block { number: 1, sentences: Vec::new() }];
    let mut sentence: Vec<Line> = Vec::new();
    for (n, raw) in text.split('\n').enumerate() {
        let number = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let columns: Vec<&str> = line.split([' ', '\t']).filter(|c| !c.is_empty()).collect();
        let (Some(&token), Some(&last)) = (columns.first(), columns.last()) else {
            end_sentence(&mut blocks, &mut sentence);
            continue;
        };
        if token == DOCSTART {
            end_sentence(&mut blocks, &mut sentence);
            blocks.push(Block { number, sentences: Vec::new() });
            continue;
        }
        let tag = if columns.len() >= 2 { Tag::parse(last) } else { None };
        if token.starts_with('#') && tag.is_none() {
            // CoNLL-U's `# newdoc` (`# newdoc id = X`) starts a document.
            let comment = line.trim_start().trim_start_matches('#').trim_start();
            if comment.strip_prefix("newdoc").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t'])) {
                end_sentence(&mut blocks, &mut sentence);
                blocks.push(Block { number, sentences: Vec::new() });
            }
            continue;
        }
        if columns.len() < 2 {
            return Err(FormatError::new(
                format!("line {number}"),
                format!("expected a token and a tag separated by a space or a tab, found one column {}", quote(token)),
            ));
        }
        let Some(tag) = tag else {
            return Err(FormatError::new(
                format!("line {number}"),
                format!("unknown tag {} (expected O, or B-, I-, E-, L-, S- or U- and a type)", quote(last)),
            ));
        };
        sentence.push(Line { token, tag, number });
    }
    end_sentence(&mut blocks, &mut sentence);
    // The document before the first `-DOCSTART-` exists only if it has tokens.
    if blocks.first().is_some_and(|b| b.sentences.is_empty()) {
        blocks.remove(0);
    }
    Ok(blocks)
}

fn end_sentence<'a>(blocks: &mut [Block<'a>], sentence: &mut Vec<Line<'a>>) {
    if sentence.is_empty() {
        return;
    }
    if let Some(block) = blocks.last_mut() {
        block.sentences.push(std::mem::take(sentence));
    }
}

/// An error unless the file has as many documents as `texts`.
fn check_count(blocks: &[Block], texts: &Dataset, file: &str) -> Result<(), FormatError> {
    let (found, expected) = (blocks.len(), texts.documents.len());
    if let Some(extra) = blocks.get(expected) {
        return Err(FormatError::new(
            format!("line {}", extra.number),
            format!("document {} of the file has no original text: the texts have {expected} documents", expected + 1),
        ));
    }
    if found < expected {
        let last = file.lines().count().max(1);
        return Err(FormatError::new(
            format!("line {last}"),
            format!("the file ends after {found} documents but the original texts have {expected}"),
        ));
    }
    Ok(())
}

/// True when some `I-X` arrives with no entity open (after `O`, a sentence
/// break, `E-` or `S-`): the file is IOB1, where `I-` may begin an entity.
fn is_iob1(blocks: &[Block]) -> bool {
    blocks.iter().flat_map(|b| &b.sentences).any(|sentence| {
        let mut open = false;
        for line in sentence {
            match line.tag {
                Tag::Inside(_) if !open => return true,
                Tag::Begin(_) | Tag::Inside(_) => open = true,
                Tag::Outside | Tag::End(_) | Tag::Single(_) => open = false,
            }
        }
        false
    })
}

/// The entities of a document as (first token, last token, label), token
/// indices counted across its sentences. An entity never crosses a
/// sentence break.
fn entities_of<'a>(block: &Block<'a>, iob1: bool) -> Result<Vec<(usize, usize, &'a str)>, FormatError> {
    let mut out = Vec::new();
    let mut k = 0;
    for sentence in &block.sentences {
        let mut open: Option<(usize, &str)> = None;
        for line in sentence {
            match line.tag {
                Tag::Outside => {
                    if let Some((a, label)) = open.take() {
                        out.push((a, k - 1, label));
                    }
                }
                Tag::Begin(x) => {
                    if let Some((a, label)) = open.replace((k, x)) {
                        out.push((a, k - 1, label));
                    }
                }
                Tag::Inside(x) => match open {
                    Some((_, label)) if label == x => {}
                    Some((a, label)) if iob1 => {
                        out.push((a, k - 1, label));
                        open = Some((k, x));
                    }
                    Some((_, label)) => {
                        return Err(FormatError::new(
                            format!("line {}", line.number),
                            format!("I-{x} inside a {label} entity: a tag cannot change type mid-entity"),
                        ));
                    }
                    None => open = Some((k, x)),
                },
                Tag::End(x) => match open.take() {
                    Some((a, label)) if label == x => out.push((a, k, x)),
                    Some((_, label)) => {
                        return Err(FormatError::new(
                            format!("line {}", line.number),
                            format!("end tag of a {x} entity inside a {label} entity: a tag cannot change type mid-entity"),
                        ));
                    }
                    None => {
                        return Err(FormatError::new(
                            format!("line {}", line.number),
                            format!("end tag of a {x} entity that was not begun"),
                        ));
                    }
                },
                Tag::Single(x) => {
                    if let Some((a, label)) = open.take() {
                        out.push((a, k - 1, label));
                    }
                    out.push((k, k, x));
                }
            }
            k += 1;
        }
        if let Some((a, label)) = open {
            out.push((a, k - 1, label));
        }
    }
    Ok(out)
}

/// The code-point range of each token in the original text, each found
/// after the previous one with only whitespace between; an error naming the
/// line of the first token not found there, or of the last token when the
/// text goes on after it.
fn attach(block: &Block, original: &DocRecord) -> Result<Vec<(usize, usize)>, FormatError> {
    let chars: Vec<char> = original.text.chars().collect();
    let skip_space = |mut at: usize| {
        while chars.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        at
    };
    let there = |at: usize, len: usize| -> String {
        let rest: String = chars.iter().skip(at).take(len + 1).collect();
        if rest.is_empty() { "the end of the text".to_owned() } else { format!("text has {}", quote_n(&rest, len)) }
    };
    let mut out = Vec::new();
    let mut at = 0;
    for line in block.lines() {
        at = skip_space(at);
        let len = line.token.chars().count();
        let found = chars.get(at..at + len).is_some_and(|w| w.iter().copied().eq(line.token.chars()));
        if !found {
            return Err(FormatError::new(
                format!("line {}", line.number),
                format!("token {:?} not found at code point {at} of document {}: {}", line.token, original.id, there(at, len.max(QUOTE))),
            ));
        }
        out.push((at, at + len));
        at += len;
    }
    let at = skip_space(at);
    if at < chars.len() {
        return Err(FormatError::new(
            format!("line {}", block.last_line()),
            format!("document {} goes on after its last token, at code point {at}: {}", original.id, there(at, QUOTE)),
        ));
    }
    Ok(out)
}

/// A text rebuilt from a document's tokens, and each token's code-point range.
fn rebuild(block: &Block) -> (String, Vec<(usize, usize)>) {
    let text = join_sentences(block.sentences.iter().map(|s| s.iter().map(|l| l.token)));
    let mut offsets = Vec::new();
    let mut at = 0;
    for sentence in &block.sentences {
        for line in sentence {
            let len = line.token.chars().count();
            offsets.push((at, at + len));
            at += len + 1;
        }
    }
    (text, offsets)
}

/// A dataset read with the original texts keeps their schema: its labels
/// first, then any new ones.
fn with_schema_of(mut dataset: Dataset, texts: &Dataset) -> Dataset {
    let found = std::mem::take(&mut dataset.schema.entity_labels);
    let mut labels = texts.schema.entity_labels.clone();
    labels.extend(found.into_iter().filter(|l| !texts.schema.entity_labels.contains(l)));
    dataset.schema.entity_labels = labels;
    dataset.schema.relation_labels = texts.schema.relation_labels.clone();
    dataset
}
