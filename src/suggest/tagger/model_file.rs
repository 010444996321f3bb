//! The binary model format: [`Tagger::to_bytes`] and
//! [`Tagger::from_bytes`], which never panics on bad input.
//!
//! Owns: [`MAGIC`], [`FORMAT_VERSION`], [`OLDEST_FORMAT_VERSION`],
//! [`TaggerError`], the JSON header
//! and the varint body. Must not touch: files (bytes in, bytes out),
//! decoding, threads.
//!
//! The format (all integers little-endian):
//! `SPANLAB-NER\n`, `u32` format version, `u32` header length, the header
//! (JSON: labels, tag scheme, feature and hash version, weight step,
//! confidence calibration, online-learning defaults, training corpus and its
//! attribution), then the body: transition and end weights, the row count
//! and each row (feature id as a delta from the previous one, a bit mask of
//! the tags with a non-zero weight, those weights), every number an
//! unsigned or zigzag LEB128 varint of the weight divided by the step; then
//! the SHA-256 of everything before it.
//!
//! Versions: 2 has everything but where names end; 3 adds `name_ends`
//! (the head-noun rule's, [`crate::suggest::heads::NameEnds`]). Both are
//! read. A model is written in the oldest version that holds it: version 2
//! unless it has name ends, so the shipped model keeps its bytes and an
//! older spanlab reads every model that has none (a version 3 file it
//! refuses by its version, not as a bad header).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::decode::Calibration;
use super::online::OnlineOptions;
use super::train::{TrainOptions, TrainingInfo};
use super::{MAX_LABELS, Tagger, TaughtName};
use crate::suggest::features::{FEATURES_VERSION, HASH_NAME, OFFSETS};
use crate::suggest::heads::NameEnds;

/// The first bytes of a model file.
pub const MAGIC: &[u8; 12] = b"SPANLAB-NER\n";
/// The newest model format version this module reads and writes.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest model format version this module reads (and writes, for a
/// model that has nothing newer).
pub const OLDEST_FORMAT_VERSION: u32 = 2;
/// The `format` field of the header.
const FORMAT_NAME: &str = "spanlab-ner-tagger";
/// The tag scheme.
const TAG_SCHEME: &str = "BILOU";

/// Why a model could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TaggerError {
    /// The bytes do not start like a model file.
    #[error("not a spanlab tagger model (the file does not start with {MAGIC:?})")]
    BadMagic,
    /// Another format version.
    #[error("tagger model format version {0} is not supported (this reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION})")]
    UnsupportedVersion(u32),
    /// The file ends early.
    #[error("tagger model is truncated: {0}")]
    Truncated(&'static str),
    /// The checksum does not match.
    #[error("tagger model is corrupt or truncated: its SHA-256 checksum does not match its contents")]
    Checksum,
    /// The header is not valid.
    #[error("tagger model header is invalid: {0}")]
    Header(String),
    /// The weights are not valid.
    #[error("tagger model data is invalid at byte {at}: {what}")]
    Data {
        /// Byte offset in the file.
        at: usize,
        /// What is wrong.
        what: &'static str,
    },
}

/// The header of a model file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u32,
    labels: Vec<String>,
    tag_scheme: String,
    features: FeatureHeader,
    weights: WeightHeader,
    confidence: Calibration,
    online: OnlineOptions,
    /// Labels added by online learning (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    online_labels: Vec<String>,
    training: TrainingInfo,
    /// The names the corpus taught (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    names: Vec<TaughtName>,
    /// What the corpus calls the recognizers' labels (absent when nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    label_votes: Vec<super::LabelVote>,
    /// How often the recognizers' candidates were right in the corpus
    /// (absent when nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rule_votes: Vec<super::RuleVote>,
    /// Where names end (version 3 on; absent when nothing was taught).
    #[serde(default, skip_serializing_if = "EndsHeader::is_empty")]
    name_ends: EndsHeader,
}

/// [`NameEnds`] as written: each list sorted, without repeats.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndsHeader {
    after: Vec<String>,
    inside: Vec<String>,
}

impl EndsHeader {
    fn is_empty(&self) -> bool {
        self.after.is_empty() && self.inside.is_empty()
    }

    /// The name ends, or what is wrong and where.
    fn read(self) -> Result<NameEnds, String> {
        for (field, words) in [("after", &self.after), ("inside", &self.inside)] {
            for (i, w) in words.iter().enumerate() {
                if w.is_empty() || w.chars().any(char::is_whitespace) {
                    return Err(format!("name_ends.{field}[{i}] {w:?} is not a word"));
                }
                if i > 0 && words.get(i - 1).is_some_and(|prev| prev >= w) {
                    return Err(format!("name_ends.{field}[{i}] {w:?} is out of order or repeated"));
                }
            }
        }
        Ok(NameEnds { after: self.after.into_iter().collect(), inside: self.inside.into_iter().collect() })
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeatureHeader {
    version: u32,
    hash: String,
    offsets: Vec<isize>,
    gazetteer: String,
    /// The rule recognizers' proposals are features.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    hints: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightHeader {
    step: f32,
    encoding: String,
    rows: usize,
}

impl Tagger {
    /// The model as bytes: the magic, the format version, a JSON header, the
    /// weights as varints and a SHA-256 of it all (the `model_file` module's
    /// documentation gives the details).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.st.n;
        let q = |w: f32| -> i64 {
            let v = w.round();
            if v.is_finite() { v as i64 } else { 0 }
        };
        let mut rows: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        let mut body = Vec::new();
        for &w in self.trans.iter().chain(&self.end) {
            put_varint(&mut body, zigzag(q(w)));
        }
        let mut kept = Vec::with_capacity(rows.len());
        for (key, r) in rows {
            let r = r as usize;
            let Some(w) = self.weights.get(r * n..(r + 1) * n) else {
                continue;
            };
            let qs: Vec<i64> = w.iter().map(|&x| i64::from(x)).collect();
            if qs.iter().any(|&v| v != 0) {
                kept.push((key, qs));
            }
        }
        put_varint(&mut body, kept.len() as u64);
        let mut prev = 0u64;
        for (key, qs) in &kept {
            put_varint(&mut body, key.wrapping_sub(prev));
            prev = *key;
            let mask = qs.iter().enumerate().filter(|(_, v)| **v != 0).fold(0u64, |m, (t, _)| m | (1 << t));
            put_varint(&mut body, mask);
            for &v in qs.iter().filter(|v| **v != 0) {
                put_varint(&mut body, zigzag(v));
            }
        }
        let version = if self.name_ends.is_empty() { OLDEST_FORMAT_VERSION } else { FORMAT_VERSION };
        let header = Header {
            format: FORMAT_NAME.into(),
            version,
            labels: self.labels.clone(),
            tag_scheme: TAG_SCHEME.into(),
            features: FeatureHeader {
                version: FEATURES_VERSION,
                hash: HASH_NAME.into(),
                offsets: OFFSETS.to_vec(),
                gazetteer: "builtin".into(),
                hints: self.hints,
            },
            weights: WeightHeader { step: self.step, encoding: "zigzag-leb128".into(), rows: kept.len() },
            confidence: self.calibration,
            online: self.online,
            online_labels: self.online_labels.clone(),
            training: self.info.clone(),
            names: self.names.clone(),
            label_votes: self.label_votes.clone(),
            rule_votes: self.rule_votes.clone(),
            name_ends: EndsHeader {
                after: self.name_ends.after.iter().cloned().collect(),
                inside: self.name_ends.inside.iter().cloned().collect(),
            },
        };
        let header = serde_json::to_vec_pretty(&header).unwrap_or_default();
        let mut out = Vec::with_capacity(body.len() + header.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&body);
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// Reads a model written by [`Tagger::to_bytes`]. Never panics: bad
    /// input gives an error saying what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, TaggerError> {
        if bytes.len() < MAGIC.len() || bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
            return Err(TaggerError::BadMagic);
        }
        let mut rd = Reader { bytes, at: MAGIC.len() };
        let version = rd.u32("format version")?;
        if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(TaggerError::UnsupportedVersion(version));
        }
        let checked_len = bytes.len().checked_sub(32).ok_or(TaggerError::Truncated("no checksum"))?;
        let (content, digest) = bytes.split_at(checked_len);
        if content.len() < rd.at + 4 {
            return Err(TaggerError::Truncated("no header"));
        }
        if Sha256::digest(content).as_slice() != digest {
            return Err(TaggerError::Checksum);
        }
        rd.bytes = content;
        let header_len = rd.u32("header length")? as usize;
        let header_bytes = rd.take(header_len, "header")?;
        let header: Header = serde_json::from_slice(header_bytes).map_err(|e| TaggerError::Header(e.to_string()))?;
        let bad = |m: String| Err(TaggerError::Header(m));
        if header.format != FORMAT_NAME || header.version != version {
            return bad(format!("format {:?} version {}, expected {FORMAT_NAME:?} version {version}", header.format, header.version));
        }
        if header.tag_scheme != TAG_SCHEME {
            return bad(format!("tag scheme {:?}, expected {TAG_SCHEME:?}", header.tag_scheme));
        }
        if header.features.version != FEATURES_VERSION || header.features.hash != HASH_NAME || header.features.offsets != OFFSETS {
            return bad(format!(
                "features version {} with hash {:?}, this reads version {FEATURES_VERSION} with {HASH_NAME:?}",
                header.features.version, header.features.hash
            ));
        }
        let labels = header.labels;
        if labels.is_empty() || labels.len() > MAX_LABELS {
            return bad(format!("{} labels (expected 1 to {MAX_LABELS})", labels.len()));
        }
        let mut sorted = labels.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != labels.len() || labels.iter().any(|l| l.trim().is_empty()) {
            return bad("labels must be distinct and not empty".into());
        }
        let step = header.weights.step;
        if !(step.is_finite() && step > 0.0 && step.log2().fract() == 0.0) {
            return bad(format!("weight step {step} is not a power of two"));
        }
        let c = header.confidence;
        if !(c.a.is_finite() && c.b.is_finite()) {
            return bad("confidence calibration is not finite".into());
        }
        let o = header.online;
        if !(o.rate.is_finite() && o.rate >= 0.0) || o.passes > 1000 {
            return bad("online settings out of range".into());
        }
        let options = TrainOptions { calibration: c, online: o, ..TrainOptions::default() };
        if header.online_labels.iter().any(|l| !labels.contains(l)) {
            return bad("online labels must be among the labels".into());
        }
        let mut tagger = Tagger::empty(labels, &options, header.training);
        tagger.online_labels = header.online_labels;
        tagger.hints = header.features.hints;
        if header.names.iter().any(|(tokens, label, _)| tokens.is_empty() || tokens.iter().any(|t| t.is_empty()) || label.trim().is_empty())
        {
            return bad("a taught name has no token or no label".into());
        }
        tagger.set_names(header.names);
        if header.label_votes.iter().any(|(from, to, n)| from.trim().is_empty() || to.trim().is_empty() || *n <= 0) {
            return bad("a label vote has no label or no vote".into());
        }
        tagger.set_label_votes(header.label_votes);
        if header.rule_votes.iter().any(|(r, l, _, n)| r.trim().is_empty() || l.trim().is_empty() || *n <= 0) {
            return bad("a rule vote has no recognizer, no label or no count".into());
        }
        tagger.set_rule_votes(header.rule_votes);
        if version < 3 && !header.name_ends.is_empty() {
            return bad(format!("name_ends needs format version 3, the file is version {version}"));
        }
        tagger.set_name_ends(header.name_ends.read().map_err(TaggerError::Header)?);
        tagger.step = step;
        let n = tagger.st.n;
        for w in tagger.trans.iter_mut().chain(tagger.end.iter_mut()) {
            let v = unzigzag(rd.varint()?);
            if v.unsigned_abs() > 1 << 24 {
                return Err(rd.error("transition weight out of range"));
            }
            *w = v as f32;
        }
        let count = rd.varint()?;
        if count != header.weights.rows as u64 {
            return Err(rd.error("row count differs from the header"));
        }
        // Each row takes at least three bytes: a cheap bound before allocating.
        if count > (rd.bytes.len().saturating_sub(rd.at) / 3) as u64 {
            return Err(TaggerError::Truncated("fewer rows than announced"));
        }
        let count = count as usize;
        tagger.weights = vec![0; count * n];
        tagger.rows.reserve(count);
        let mut key = 0u64;
        for r in 0..count {
            let delta = rd.varint()?;
            if r > 0 && delta == 0 {
                return Err(rd.error("feature ids are not increasing"));
            }
            key = key.wrapping_add(delta);
            let mask = rd.varint()?;
            if mask == 0 || (n < 64 && mask >> n != 0) {
                return Err(rd.error("tag mask out of range"));
            }
            let row = tagger.weights.get_mut(r * n..(r + 1) * n).ok_or(TaggerError::Truncated("row"))?;
            for (t, w) in row.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *w = i16::try_from(unzigzag(rd.varint()?)).map_err(|_| rd.error("weight out of range"))?;
                }
            }
            if tagger.rows.insert(key, r as u32).is_some() {
                return Err(rd.error("duplicate feature id"));
            }
        }
        if rd.at != rd.bytes.len() {
            return Err(rd.error("unexpected bytes after the weights"));
        }
        Ok(tagger)
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &'static str) -> TaggerError {
        TaggerError::Data { at: self.at, what }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], TaggerError> {
        let end = self.at.checked_add(n).ok_or(TaggerError::Truncated(what))?;
        let out = self.bytes.get(self.at..end).ok_or(TaggerError::Truncated(what))?;
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, TaggerError> {
        let b = self.take(4, what)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_le_bytes(a))
    }

    fn varint(&mut self) -> Result<u64, TaggerError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at).ok_or(TaggerError::Truncated("weights"))?;
            self.at += 1;
            if shift == 63 && b > 1 {
                return Err(self.error("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.error("varint overflows 64 bits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::tagger::testing::corpus;
    use crate::suggest::tagger::train::SplitMix;

    #[test]
    fn corrupt_models_are_rejected() {
        let good = Tagger::train(&corpus()[..4], 1, 1).to_bytes();
        assert_eq!(Tagger::from_bytes(b"").err(), Some(TaggerError::BadMagic));
        assert_eq!(Tagger::from_bytes(b"hello world, not a model").err(), Some(TaggerError::BadMagic));
        let mut v1 = good.clone();
        v1[MAGIC.len()] = 1;
        assert_eq!(Tagger::from_bytes(&v1).err(), Some(TaggerError::UnsupportedVersion(1)));
        for cut in [MAGIC.len() + 2, MAGIC.len() + 8, good.len() / 2, good.len() - 1] {
            assert!(Tagger::from_bytes(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = good.clone();
        let mid = good.len() / 2;
        flipped[mid] ^= 0x55;
        assert_eq!(Tagger::from_bytes(&flipped).err(), Some(TaggerError::Checksum));
        // A well-formed file with a bad header is named as such.
        let mut bad_header = good[..MAGIC.len() + 4].to_vec();
        let header = b"{\"format\":1}";
        bad_header.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bad_header.extend_from_slice(header);
        let digest = Sha256::digest(&bad_header);
        bad_header.extend_from_slice(&digest);
        assert!(matches!(Tagger::from_bytes(&bad_header), Err(TaggerError::Header(_))));
        let msg = TaggerError::Checksum.to_string();
        assert!(msg.contains("corrupt"), "{msg}");
    }

    /// A project model written before name ends were kept (format
    /// version 2, by `train_model` on two done documents).
    const VERSION_2: &[u8] = include_bytes!("testdata/project-model-v2.bin");

    /// `bytes` with its header edited by `edit` and the version set to
    /// `version`, checksum made again.
    fn rewritten(bytes: &[u8], version: u32, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
        let at = MAGIC.len() + 8;
        let len = u32::from_le_bytes(bytes[MAGIC.len() + 4..at].try_into().expect("4 bytes")) as usize;
        let mut header: serde_json::Value = serde_json::from_slice(&bytes[at..at + len]).expect("a JSON header");
        header["version"] = version.into();
        edit(&mut header);
        let header = serde_json::to_vec_pretty(&header).expect("JSON");
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&bytes[at + len..bytes.len() - 32]);
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    fn ends(after: &[&str], inside: &[&str]) -> NameEnds {
        NameEnds { after: after.iter().map(|w| (*w).to_owned()).collect(), inside: inside.iter().map(|w| (*w).to_owned()).collect() }
    }

    #[test]
    fn a_version_2_project_model_still_loads_and_keeps_everything() {
        let old = Tagger::from_bytes(VERSION_2).expect("version 2 reads");
        assert_eq!(old.labels(), ["LOC", "PER", "INST"]);
        assert!(!old.names().is_empty() && !old.label_votes().is_empty() && !old.rule_votes().is_empty());
        assert!(old.name_ends().is_empty(), "version 2 kept no name ends");
        assert_eq!(old.to_bytes(), VERSION_2, "saved again, the same bytes, in the same version");
    }

    #[test]
    fn name_ends_are_saved_in_version_3_and_nothing_saved_is_lost() {
        let mut t = Tagger::from_bytes(VERSION_2).expect("version 2 reads");
        t.set_name_ends(ends(&["estime", "ont"], &["comptes"]));
        let bytes = t.to_bytes();
        assert_eq!(bytes[MAGIC.len()..MAGIC.len() + 4], 3u32.to_le_bytes());
        let again = Tagger::from_bytes(&bytes).expect("version 3 reads");
        assert_eq!(again.name_ends(), &ends(&["estime", "ont"], &["comptes"]));
        assert_eq!((again.names(), again.label_votes(), again.rule_votes()), (t.names(), t.label_votes(), t.rule_votes()));
        assert_eq!(again.to_bytes(), bytes);
    }

    #[test]
    fn a_bad_name_ends_header_says_where() {
        let mut t = Tagger::from_bytes(VERSION_2).expect("version 2 reads");
        t.set_name_ends(ends(&["estime", "ont"], &[]));
        let good = t.to_bytes();
        let said = |bytes: &[u8]| Tagger::from_bytes(bytes).err().map(|e| e.to_string()).unwrap_or_default();
        let blank = rewritten(&good, 3, |h| h["name_ends"]["after"][1] = "o t".into());
        assert_eq!(said(&blank), r#"tagger model header is invalid: name_ends.after[1] "o t" is not a word"#);
        let unsorted = rewritten(&good, 3, |h| h["name_ends"]["after"] = serde_json::json!(["ont", "estime"]));
        assert!(said(&unsorted).contains("name_ends.after[1] \"estime\" is out of order or repeated"), "{}", said(&unsorted));
        let typed = rewritten(&good, 3, |h| h["name_ends"]["inside"] = 7.into());
        assert!(said(&typed).contains("line ") && said(&typed).contains("column "), "{}", said(&typed));
        let in_v2 = rewritten(&good, 2, |_| {});
        assert_eq!(said(&in_v2), "tagger model header is invalid: name_ends needs format version 3, the file is version 2");
        let v4 = rewritten(&good, 4, |_| {});
        assert_eq!(said(&v4), "tagger model format version 4 is not supported (this reads versions 2 to 3)");
        // The header's version is the file's.
        let mut mixed = rewritten(&good, 3, |h| h["version"] = 2.into());
        assert!(said(&mixed).contains("version 2, expected"), "{}", said(&mixed));
        mixed = rewritten(&good, 3, |_| {});
        assert_eq!(Tagger::from_bytes(&mixed).map(|t| t.to_bytes()).ok(), Some(good), "the helper changes nothing else");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let good = Tagger::train(&corpus()[..4], 1, 1).to_bytes();
        let mut rng = SplitMix(5);
        for _ in 0..300 {
            let mut b = good.clone();
            let k = (rng.next() % 4 + 1) as usize;
            for _ in 0..k {
                let i = (rng.next() % b.len() as u64) as usize;
                b[i] = rng.next() as u8;
            }
            let _ = Tagger::from_bytes(&b);
            let cut = (rng.next() % b.len() as u64) as usize;
            let _ = Tagger::from_bytes(&b[..cut]);
        }
    }
}
