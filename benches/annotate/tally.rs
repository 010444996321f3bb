//! What the annotate bench's keys were for: a kind per key ([`Cat`]) and
//! the count per kind ([`Tally`]), printed per article and per flow.

use std::collections::BTreeMap;

/// What a key was pressed for, as the bench tallies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cat {
    /// Accepting a suggestion as it is (Enter, Shift+A).
    Accept,
    /// Rejecting a suggestion (x, Shift+X).
    Reject,
    /// Accepting or keeping a span under another label (a label key on it).
    Relabel,
    /// Moving a span's or suggestion's boundaries.
    Boundary,
    /// Deleting a wrong span.
    Delete,
    /// Selecting and labelling a span no suggestion had.
    Missed,
    /// Getting somewhere: Tab, j, the arrows to a place, Find.
    Navigate,
    /// Everywhere and filtered actions, their preview's Enter or Esc.
    Everywhere,
    /// Suggesting for the corpus, marking done.
    Document,
    /// Drawing relations.
    Relation,
}

impl Cat {
    pub const ALL: [Cat; 10] = [
        Cat::Accept,
        Cat::Reject,
        Cat::Relabel,
        Cat::Boundary,
        Cat::Delete,
        Cat::Missed,
        Cat::Navigate,
        Cat::Everywhere,
        Cat::Document,
        Cat::Relation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Cat::Accept => "accept",
            Cat::Reject => "reject",
            Cat::Relabel => "relabel",
            Cat::Boundary => "boundary",
            Cat::Delete => "delete",
            Cat::Missed => "missed",
            Cat::Navigate => "navigate",
            Cat::Everywhere => "everywhere",
            Cat::Document => "document",
            Cat::Relation => "relation",
        }
    }
}

/// Keys per category.
#[derive(Clone, Default)]
pub struct Tally(pub BTreeMap<Cat, usize>);

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        for (c, n) in &other.0 {
            *self.0.entry(*c).or_default() += n;
        }
    }

    /// "accept 40, reject 3, …" (the entity categories, then relations).
    pub fn line(&self) -> String {
        Cat::ALL.iter().map(|c| format!("{} {}", c.name(), self.0.get(c).copied().unwrap_or(0))).collect::<Vec<_>>().join(", ")
    }
}
