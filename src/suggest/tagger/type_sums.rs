//! The decoder's memory of word types across texts: for a word's text and
//! kind, the sums of the weights of its text's features at each offset
//! −2…+2, so that a word seen in an earlier text costs a copy instead of a
//! few dozen feature look-ups.
//!
//! Owns: [`TypeSums`]. Must not touch: the weights (the tagger clears it
//! whenever they change, see `online` and [`super::Tagger::add_labels`]),
//! files, threads (it is a lock, taken briefly by the tagging threads).
//!
//! Why: a text's word types are summed once per text (`decode`), and news
//! articles are short, so most of the tagger's time went to summing the
//! same common words again in every text (a 945,000-word file was faster
//! than the same words in 3,968 files). Sums of 16-bit weights in units of
//! the model's step are whole numbers far below 2²⁴, exact in `f32` in any
//! order, so a remembered sum is the sum the text would have made: the
//! suggestions stay the same, byte for byte.
//!
//! It holds at most [`TypeSums::CAPACITY`] types (the first ones met,
//! which in news are the common words), about 17 MB with the shipped
//! model's 25 tags.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Mutex, PoisonError};

use crate::model::tokenize::TokenKind;
use crate::suggest::lexicon::FxHasher;

/// What is remembered of one word type: its key's hash, its short shape's
/// hash and where its sums start.
#[derive(Clone, Copy, Debug)]
struct Entry {
    kind: TokenKind,
    key_hash: u64,
    shape_hash: u64,
    at: usize,
}

#[derive(Default)]
struct Inner {
    /// By text; a type of another kind than the remembered one is not
    /// remembered.
    index: HashMap<Box<str>, Entry, BuildHasherDefault<FxHasher>>,
    /// `5 × tags` per entry.
    sums: Vec<f32>,
}

/// Word types' weight sums, shared by the threads tagging with one tagger
/// (see the module's header). A clone starts empty.
#[derive(Default)]
pub(super) struct TypeSums {
    inner: Mutex<Inner>,
}

impl Clone for TypeSums {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for TypeSums {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeSums").field("types", &self.len()).finish()
    }
}

impl TypeSums {
    /// At most this many types are remembered.
    pub(super) const CAPACITY: usize = 1 << 15;

    /// The number of types remembered.
    pub(super) fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).index.len()
    }

    /// Forgets every type (the weights changed).
    pub(super) fn clear(&mut self) {
        let inner = self.inner.get_mut().unwrap_or_else(PoisonError::into_inner);
        inner.index.clear();
        inner.sums.clear();
    }

    /// Copies the sums of each of `types` (a text and its kind) in turn,
    /// under one lock (the look-ups do not wait on one another): the sums
    /// of the `k`-th go into `out[k × size..]`; gives its key's and short
    /// shape's hashes, or `None` (and its sums untouched) when it is not
    /// remembered.
    pub(super) fn copy_all<'t>(
        &self,
        types: impl Iterator<Item = (&'t str, TokenKind)>,
        out: &mut [f32],
        size: usize,
    ) -> Vec<Option<(u64, u64)>> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        types
            .zip(out.chunks_exact_mut(size.max(1)))
            .map(|((text, kind), out)| {
                let e = inner.index.get(text).filter(|e| e.kind == kind)?;
                let sums = inner.sums.get(e.at..e.at + out.len())?;
                out.copy_from_slice(sums);
                Some((e.key_hash, e.shape_hash))
            })
            .collect()
    }

    /// Remembers the sums of each of `types` (a text, its kind, its hashes
    /// and sums) in turn, under one lock, while there is room and the text
    /// is not remembered (with another kind).
    pub(super) fn insert_all<'t>(&self, types: impl Iterator<Item = (&'t str, TokenKind, (u64, u64), &'t [f32])>) {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let inner = &mut *guard;
        for (text, kind, hashes, sums) in types {
            if inner.index.len() >= Self::CAPACITY || inner.index.contains_key(text) {
                continue;
            }
            let at = inner.sums.len();
            inner.sums.extend_from_slice(sums);
            inner.index.insert(text.into(), Entry { kind, key_hash: hashes.0, shape_hash: hashes.1, at });
        }
    }
}
