//! The label schema: which entity and relation labels exist, their colours and
//! hotkeys, which entity labels a relation may join, and whether spans may
//! overlap.
//!
//! Owns: [`Schema`], parsed from and written to JSON (`assets/schema/news.json`
//! is the default, compiled in). Must not touch: files (the store reads them).

use serde::{Deserialize, Serialize};

/// The default "news" schema of the annotation guidelines, as shipped.
pub const NEWS_SCHEMA_JSON: &str = include_str!("../../assets/schema/news.json");

/// Colours given to labels a schema file names without a colour
/// (Okabe–Ito, colour-blind safe), in order.
const FALLBACK_COLORS: [&str; 7] = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"];

/// An entity label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityLabel {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `#RRGGBB`.
    #[serde(default)]
    pub color: String,
    /// One character typed to give a span this label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
}

impl EntityLabel {
    /// The colour as RGB; grey when the schema's string is not `#RRGGBB`.
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([128, 128, 128])
    }
}

/// A relation label and the entity labels it may join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationLabel {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Entity labels allowed at the head; empty means any.
    #[serde(default)]
    pub head: Vec<String>,
    /// Entity labels allowed at the tail; empty means any.
    #[serde(default)]
    pub tail: Vec<String>,
    /// A symmetric relation is annotated once, from the earlier mention.
    #[serde(default)]
    pub symmetric: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<String>,
}

impl RelationLabel {
    /// Whether this label may join a head of `head` and a tail of `tail`.
    pub fn allows(&self, head: &str, tail: &str) -> bool {
        (self.head.is_empty() || self.head.iter().any(|h| h == head)) && (self.tail.is_empty() || self.tail.iter().any(|t| t == tail))
    }
}

/// A label schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    #[serde(default = "one")]
    pub version: u32,
    /// Whether two entity spans may overlap.
    #[serde(default)]
    pub allow_overlap: bool,
    pub entity_labels: Vec<EntityLabel>,
    #[serde(default)]
    pub relation_labels: Vec<RelationLabel>,
}

fn one() -> u32 {
    1
}

/// A schema file that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SchemaError {
    #[error("invalid schema JSON: {0}")]
    Json(String),
    #[error("schema has no entity labels")]
    NoLabels,
    #[error("label {0:?} is defined twice")]
    DuplicateLabel(String),
    #[error("label name {0:?} is empty or holds whitespace")]
    BadName(String),
    #[error("hotkey {hotkey:?} is used by both {first} and {second}")]
    DuplicateHotkey { hotkey: String, first: String, second: String },
    #[error("hotkey {hotkey:?} of {label} must be one character")]
    BadHotkey { hotkey: String, label: String },
    #[error("relation {relation} names unknown entity label {label:?}")]
    UnknownEndLabel { relation: String, label: String },
}

impl Default for Schema {
    fn default() -> Self {
        Self::news()
    }
}

impl Schema {
    /// The default "news" schema.
    pub fn news() -> Self {
        match Self::from_json(NEWS_SCHEMA_JSON) {
            Ok(schema) => schema,
            // The shipped file is checked by a test; this keeps the app alive
            // even if a broken file were ever compiled in.
            Err(_) => Self::from_label_names("news", &["PER", "ORG", "GPE", "LOC", "DATE", "EVENT"], &[]),
        }
    }

    /// Parses and checks a schema file's text.
    pub fn from_json(json: &str) -> Result<Self, SchemaError> {
        let mut schema: Schema = serde_json::from_str(json).map_err(|e| SchemaError::Json(e.to_string()))?;
        schema.fill_colors();
        schema.check()?;
        Ok(schema)
    }

    /// The schema as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A schema for a dataset that names only its labels: labels the news
    /// schema knows keep their colours, hotkeys and constraints; others get
    /// palette colours, no hotkey and (for relations) no constraint.
    pub fn from_label_names(name: &str, entities: &[&str], relations: &[&str]) -> Self {
        let news = Self::from_json(NEWS_SCHEMA_JSON).ok();
        let known_entity = |n: &str| news.as_ref().and_then(|s| s.entity(n).cloned());
        let entity_labels: Vec<EntityLabel> = entities
            .iter()
            .map(|&n| {
                known_entity(n).unwrap_or(EntityLabel {
                    name: n.to_owned(),
                    description: String::new(),
                    color: String::new(),
                    hotkey: None,
                })
            })
            .collect();
        let relation_labels = relations
            .iter()
            .map(|&n| {
                let known = news.as_ref().and_then(|s| s.relation(n).cloned());
                match known {
                    // Keep the known constraints only where their labels exist here.
                    Some(mut r) => {
                        let present = |l: &String| entities.contains(&l.as_str());
                        if !r.head.iter().all(present) || !r.tail.iter().all(present) {
                            r.head.retain(present);
                            r.tail.retain(present);
                        }
                        r
                    }
                    None => RelationLabel {
                        name: n.to_owned(),
                        description: String::new(),
                        head: Vec::new(),
                        tail: Vec::new(),
                        symmetric: false,
                        hotkey: None,
                    },
                }
            })
            .collect();
        let mut schema = Schema { name: name.to_owned(), version: 1, allow_overlap: false, entity_labels, relation_labels };
        schema.fill_colors();
        // Drop hotkeys that clash after mixing known and new labels.
        let mut seen = std::collections::BTreeSet::new();
        for l in &mut schema.entity_labels {
            if let Some(h) = &l.hotkey
                && !seen.insert(h.clone())
            {
                l.hotkey = None;
            }
        }
        schema
    }

    /// Gives each label without a valid colour one of the palette's: first
    /// those no label has yet, in order, then the whole palette again.
    fn fill_colors(&mut self) {
        let used: Vec<[u8; 3]> = self.entity_labels.iter().filter_map(|l| parse_hex_color(&l.color)).collect();
        let unused = FALLBACK_COLORS.iter().filter(|c| parse_hex_color(c).is_none_or(|rgb| !used.contains(&rgb)));
        let mut fallback = unused.chain(FALLBACK_COLORS.iter().cycle());
        for label in &mut self.entity_labels {
            if parse_hex_color(&label.color).is_none()
                && let Some(color) = fallback.next()
            {
                label.color = (*color).to_owned();
            }
        }
    }

    fn check(&self) -> Result<(), SchemaError> {
        if self.entity_labels.is_empty() {
            return Err(SchemaError::NoLabels);
        }
        let mut names = std::collections::BTreeSet::new();
        let all_names = self.entity_labels.iter().map(|l| &l.name).chain(self.relation_labels.iter().map(|r| &r.name));
        for name in all_names {
            if name.is_empty() || name.chars().any(char::is_whitespace) {
                return Err(SchemaError::BadName(name.clone()));
            }
            if !names.insert(name.as_str()) {
                return Err(SchemaError::DuplicateLabel(name.clone()));
            }
        }
        for (kind, list) in [
            ("entity", self.entity_labels.iter().map(|l| (&l.name, &l.hotkey)).collect::<Vec<_>>()),
            ("relation", self.relation_labels.iter().map(|l| (&l.name, &l.hotkey)).collect()),
        ] {
            let mut hotkeys: std::collections::BTreeMap<&str, &str> = Default::default();
            for (name, hotkey) in list {
                let Some(h) = hotkey else { continue };
                if h.chars().count() != 1 {
                    return Err(SchemaError::BadHotkey { hotkey: h.clone(), label: format!("{kind} label {name}") });
                }
                if let Some(first) = hotkeys.insert(h, name) {
                    return Err(SchemaError::DuplicateHotkey { hotkey: h.clone(), first: first.to_owned(), second: name.clone() });
                }
            }
        }
        for r in &self.relation_labels {
            for l in r.head.iter().chain(&r.tail) {
                if self.entity(l).is_none() {
                    return Err(SchemaError::UnknownEndLabel { relation: r.name.clone(), label: l.clone() });
                }
            }
        }
        Ok(())
    }

    /// The entity label of this name.
    pub fn entity(&self, name: &str) -> Option<&EntityLabel> {
        self.entity_labels.iter().find(|l| l.name == name)
    }

    /// The relation label of this name.
    pub fn relation(&self, name: &str) -> Option<&RelationLabel> {
        self.relation_labels.iter().find(|l| l.name == name)
    }

    /// The entity label whose hotkey is `key`.
    pub fn entity_by_hotkey(&self, key: &str) -> Option<&EntityLabel> {
        self.entity_labels.iter().find(|l| l.hotkey.as_deref() == Some(key))
    }

    /// The relation labels allowed from a head of `head` to a tail of `tail`,
    /// in schema order.
    pub fn relations_allowed(&self, head: &str, tail: &str) -> Vec<&RelationLabel> {
        self.relation_labels.iter().filter(|r| r.allows(head, tail)).collect()
    }

    /// Entity label names in schema order.
    pub fn entity_names(&self) -> Vec<String> {
        self.entity_labels.iter().map(|l| l.name.clone()).collect()
    }

    /// Relation label names in schema order.
    pub fn relation_names(&self) -> Vec<String> {
        self.relation_labels.iter().map(|l| l.name.clone()).collect()
    }
}

/// Parses `#RRGGBB`.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_news_schema_matches_the_guidelines() {
        let s = Schema::from_json(NEWS_SCHEMA_JSON).expect("shipped schema parses");
        assert_eq!(s.name, "news");
        assert_eq!(s.entity_names(), ["PER", "ORG", "GPE", "LOC", "DATE", "EVENT"]);
        assert_eq!(
            s.relation_names(),
            ["MEETS", "ROLE_IN", "VISITS", "MEMBER_OF", "LOCATED_IN", "SUPPORTS", "OPPOSES", "PARTICIPATES_IN", "DATE_OF"]
        );
        assert!(!s.allow_overlap);
        let names = |v: Vec<&RelationLabel>| v.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(s.relations_allowed("PER", "PER")), ["MEETS", "SUPPORTS", "OPPOSES"]);
        assert_eq!(names(s.relations_allowed("EVENT", "DATE")), ["DATE_OF"]);
        assert!(s.relations_allowed("DATE", "PER").is_empty());
        for l in &s.entity_labels {
            assert!(parse_hex_color(&l.color).is_some(), "{} has a colour", l.name);
            assert!(l.hotkey.is_some(), "{} has a hotkey", l.name);
        }
    }

    #[test]
    fn bad_schemas_are_refused_with_a_reason() {
        let dup = r#"{"name":"x","entity_labels":[{"name":"A","hotkey":"a"},{"name":"B","hotkey":"a"}]}"#;
        assert!(matches!(Schema::from_json(dup), Err(SchemaError::DuplicateHotkey { .. })));
        let unknown = r#"{"name":"x","entity_labels":[{"name":"A"}],"relation_labels":[{"name":"R","head":["Z"]}]}"#;
        assert!(matches!(Schema::from_json(unknown), Err(SchemaError::UnknownEndLabel { .. })));
        assert!(matches!(Schema::from_json("{"), Err(SchemaError::Json(_))));
    }

    /// Labels without a colour got the palette from its start, whatever the
    /// others had: a brat schema widened by its event types gave `Binding`
    /// the colour of `Protein`. They take the palette's colours no label
    /// has yet, in order, and only cycle once all are used.
    #[test]
    fn missing_colours_skip_the_ones_in_use() {
        let json =
            r##"{"name":"x","entity_labels":[{"name":"A","color":"#E69F00"},{"name":"B","color":"#56b4e9"},{"name":"C"},{"name":"D"}]}"##;
        let s = Schema::from_json(json).expect("parses");
        let colours: Vec<&str> = s.entity_labels.iter().map(|l| l.color.as_str()).collect();
        assert_eq!(colours, ["#E69F00", "#56b4e9", "#009E73", "#F0E442"]);
        let many: Vec<String> = (0..9).map(|i| format!(r#"{{"name":"L{i}"}}"#)).collect();
        let s = Schema::from_json(&format!(r#"{{"name":"x","entity_labels":[{}]}}"#, many.join(","))).expect("parses");
        let colours: Vec<&str> = s.entity_labels.iter().map(|l| l.color.as_str()).collect();
        assert_eq!(colours[..7], FALLBACK_COLORS, "the palette in order");
        assert_eq!(colours[7..], FALLBACK_COLORS[..2], "then again from its start");
    }

    #[test]
    fn label_names_alone_give_a_usable_schema() {
        let s = Schema::from_label_names("winer", &["PER", "LOC", "MISC"], &["MEETS", "CUSTOM"]);
        assert_eq!(s.entity("PER").and_then(|l| l.hotkey.clone()), Some("p".into()));
        assert!(parse_hex_color(&s.entity("MISC").map(|l| l.color.clone()).unwrap_or_default()).is_some());
        assert!(s.relation("CUSTOM").is_some_and(|r| r.allows("LOC", "MISC")));
        assert!(s.check().is_ok());
    }
}
