//! Relation patterns, French and English, written from the definitions of
//! the guidelines' relation labels and general knowledge of how news states
//! them (never from an evaluation sentence).
//!
//! Owns: the trigger lexicons ([`PATTERNS`]) and [`fire`], which says which
//! patterns a pair of mentions matches, with the direction each gives.
//! Must not touch: scores (a fired pattern is one feature of the scorer)
//! and the schema (the caller checks that the labels are allowed).
//!
//! A pattern reads the words of a [`PairText`]; its phrases are written as
//! text and cut into words the same way (`"s'est rendu à"` is
//! `s' est rendu à`). The kinds:
//! - [`Shape::Between`]: a phrase among the words between the mentions
//!   (`[A]{PER} a rencontré [B]{PER}`), optionally with the words between
//!   ending in a preposition (`[A]{PER}, ministre de [B]{GPE}`);
//! - [`Shape::Exact`]: the words between are one of the phrases
//!   (`[A]{GPE} ([B]{GPE})`, `[A]{EVENT} le [B]{DATE}`);
//! - [`Shape::Before`]: a phrase in the words before the first mention and
//!   few words between (`l'entretien entre [A]{PER} et [B]{PER}`,
//!   `le porte-parole du [A]{ORG}, [B]{PER}`);
//! - [`Shape::After`]: a conjunction between and a phrase after the second
//!   (`[A]{PER} et [B]{PER} se sont rencontrés`);
//! - [`Shape::Titles`]: only title words between (`[A]{GPE}'s foreign
//!   minister [B]{PER}`).

use std::sync::OnceLock;

use super::context::{PairText, UNKNOWN, Vocab, Word, words};

/// Which mention is the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// The first mention in the text is the head.
    Forward,
    /// The second mention is the head.
    Backward,
}

impl Dir {
    /// `fwd` or `back`, as features spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Forward => "fwd",
            Dir::Backward => "back",
        }
    }
}

/// How a pattern reads a pair.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// A phrase between, at most `max` words between; when `ends` is not
    /// empty the words between (less trailing determiners) end with one of
    /// them.
    Between {
        /// The most words between.
        max: usize,
        /// Words one of which ends the words between (any when empty).
        ends: &'static [&'static str],
    },
    /// The words between are one of the phrases.
    Exact,
    /// A phrase among the last words before the first mention, ending at
    /// most `gap` words before it, and at most `max` words between, the
    /// first of which is one of `joins` (any when empty).
    Before {
        /// The most words between the phrase and the first mention.
        gap: usize,
        /// The most words between the mentions.
        max: usize,
        /// Words one of which starts the words between (any when empty).
        joins: &'static [&'static str],
        /// Words one of which stands right before the first mention, less
        /// determiners (any when empty): `soutien de la [A] à [B]`.
        adjoins: &'static [&'static str],
    },
    /// The words between are one of `joins` (at most `max` words, holding
    /// one of them), a phrase among the words after.
    After {
        /// The most words between the mentions.
        max: usize,
        /// Words one of which stands between.
        joins: &'static [&'static str],
    },
    /// At most `max` words between, each a title word, one of them a role.
    Titles {
        /// The most words between the mentions.
        max: usize,
    },
}

/// One pattern: a relation label, the labels it applies to, a direction.
#[derive(Clone, Copy, Debug)]
pub struct Pattern {
    /// Its name, as the `pattern` feature and the tests say it.
    pub name: &'static str,
    /// The relation label it proposes.
    pub label: &'static str,
    /// Allowed head labels (any the schema allows when empty).
    pub heads: &'static [&'static str],
    /// Allowed tail labels (any the schema allows when empty).
    pub tails: &'static [&'static str],
    /// Which mention is the head.
    pub dir: Dir,
    /// How it reads the pair.
    pub shape: Shape,
    /// The phrases it looks for.
    pub phrases: &'static [&'static str],
}

const PREPS: &[&str] = &["de", "du", "des", "d'", "of", "for", "at", "auprès"];

/// Words naming an office or a role.
const ROLES: &[&str] = &[
    "ministre",
    "président",
    "présidente",
    "porte-parole",
    "chef",
    "cheffe",
    "dirigeant",
    "dirigeante",
    "leader",
    "ambassadeur",
    "ambassadrice",
    "secrétaire",
    "directeur",
    "directrice",
    "chancelier",
    "chancelière",
    "roi",
    "reine",
    "député",
    "députée",
    "sénateur",
    "maire",
    "gouverneur",
    "conseiller",
    "conseillère",
    "représentant",
    "représentante",
    "vice-président",
    "commandant",
    "patron",
    "patronne",
    "envoyé",
    "émissaire",
    "numéro un",
    "haut représentant",
    "minister",
    "president",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "head",
    "chief",
    "ambassador",
    "secretary",
    "director",
    "chancellor",
    "king",
    "queen",
    "mayor",
    "governor",
    "envoy",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "commander",
    "representative",
    "vice president",
    "premier",
];

/// Words that may stand between a place and a person's name in a title
/// (`Russia's foreign minister`), besides [`ROLES`].
const TITLE_WORDS: &[&str] = &[
    "'", "'s", "s", "foreign", "deputy", "vice", "defence", "defense", "interior", "finance", "prime", "press", "affairs", "general",
    "acting", "top", "senior", "then", "former", "state", "first", "supreme", "ministre", "minister",
];

/// Every pattern.
pub const PATTERNS: &[Pattern] = &[
    // MEETS: two persons meet, talk or call; from the first mention.
    Pattern {
        name: "meets-verb",
        label: "MEETS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 16, ends: &[] },
        phrases: &[
            "a rencontré",
            "ont rencontré",
            "rencontre",
            "rencontrera",
            "rencontrait",
            "va rencontrer",
            "doit rencontrer",
            "a reçu",
            "reçoit",
            "recevra",
            "a accueilli",
            "accueille",
            "reçu par",
            "reçue par",
            "reçus par",
            "accueilli par",
            "accueillie par",
            "received by",
            "welcomed by",
            "hosted by",
            "accueillera",
            "s'est entretenu avec",
            "s'est entretenue avec",
            "s'entretient avec",
            "s'entretiendra avec",
            "s'est réuni avec",
            "s'est réunie avec",
            "a eu un entretien avec",
            "a eu des entretiens avec",
            "entretien avec",
            "entretiens avec",
            "discussions avec",
            "pourparlers avec",
            "négociations avec",
            "rencontre avec",
            "réunion avec",
            "a discuté avec",
            "a parlé avec",
            "a téléphoné à",
            "au téléphone avec",
            "appel téléphonique avec",
            "s'est entretenu par téléphone avec",
            "a serré la main de",
            "serrant la main de",
            "serre la main de",
            "a été reçu",
            "a été reçue",
            "ont été reçus",
            "was received",
            "was welcomed",
            "son homologue",
            "sa homologue",
            "leur homologue",
            "met",
            "meets",
            "meet",
            "meeting with",
            "met with",
            "held talks with",
            "holds talks with",
            "talks with",
            "spoke with",
            "spoke to",
            "speaks with",
            "talked with",
            "talked to",
            "phoned",
            "called",
            "received",
            "receives",
            "hosted",
            "hosts",
            "welcomed",
            "shook hands with",
            "his counterpart",
            "her counterpart",
            "their counterpart",
        ],
    },
    Pattern {
        name: "meets-between",
        label: "MEETS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Before { gap: 2, max: 3, joins: &["et", "and"], adjoins: &[] },
        phrases: &[
            "entretien entre",
            "entretiens entre",
            "rencontre entre",
            "réunion entre",
            "sommet entre",
            "entrevue entre",
            "discussions entre",
            "pourparlers entre",
            "négociations entre",
            "échange entre",
            "conversation entre",
            "appel entre",
            "talks between",
            "meeting between",
            "summit between",
            "call between",
            "conversation between",
        ],
    },
    Pattern {
        name: "meets-entre",
        label: "MEETS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Before { gap: 2, max: 4, joins: &["et", "and"], adjoins: &[] },
        phrases: &["entre", "between"],
    },
    Pattern {
        name: "meets-together",
        label: "MEETS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::After { max: 3, joins: &["et", "and"] },
        phrases: &[
            "se sont rencontrés",
            "se sont rencontrées",
            "se rencontrent",
            "se rencontreront",
            "se sont entretenus",
            "se sont réunis",
            "se sont parlé",
            "se sont téléphoné",
            "se sont serré la main",
            "ont eu un entretien",
            "ont eu des entretiens",
            "ont discuté",
            "ont tenu des",
            "met",
            "meet",
            "will meet",
            "have met",
            "held talks",
            "hold talks",
            "spoke",
            "talked",
            "shook hands",
        ],
    },
    // ROLE_IN: a person holds office in, leads or speaks for a body or a state.
    Pattern {
        name: "role-apposition",
        label: "ROLE_IN",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 8, ends: PREPS },
        phrases: ROLES,
    },
    Pattern {
        name: "role-title",
        label: "ROLE_IN",
        heads: &[],
        tails: &[],
        dir: Dir::Backward,
        shape: Shape::Before { gap: 4, max: 3, joins: &[], adjoins: PREPS },
        phrases: ROLES,
    },
    Pattern {
        name: "role-possessive",
        label: "ROLE_IN",
        heads: &[],
        tails: &[],
        dir: Dir::Backward,
        shape: Shape::Titles { max: 4 },
        phrases: &[],
    },
    // VISITS: a person travels to a place.
    Pattern {
        name: "visits-verb",
        label: "VISITS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 12, ends: &[] },
        phrases: &[
            "s'est rendu",
            "s'est rendue",
            "se rend",
            "se rendra",
            "se rendait",
            "doit se rendre",
            "va se rendre",
            "en visite",
            "en voyage",
            "en déplacement",
            "en tournée",
            "visite officielle",
            "visite d'état",
            "visite de travail",
            "state visit",
            "official visit",
            "arrivé à",
            "arrivée à",
            "arrivé en",
            "arrivée en",
            "arrivé au",
            "arrivée au",
            "est arrivé",
            "est arrivée",
            "arrive à",
            "arrive en",
            "a atterri",
            "a visité",
            "visite à",
            "visite en",
            "visite au",
            "visitera",
            "s'est déplacé",
            "s'est déplacée",
            "voyage à",
            "voyage en",
            "déplacement à",
            "déplacement en",
            "séjour à",
            "séjour en",
            "visited",
            "visits",
            "will visit",
            "is visiting",
            "visit to",
            "arrived in",
            "arrives in",
            "arrived at",
            "travelled to",
            "traveled to",
            "travels to",
            "trip to",
            "landed in",
            "flew to",
            "flies to",
            "went to",
        ],
    },
    Pattern {
        name: "visits-noun",
        label: "VISITS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 16, ends: &["à", "en", "au", "aux", "in", "to"] },
        phrases: &["visite", "séjour", "voyage", "déplacement", "tournée", "visit", "trip", "tour", "stay", "journey"],
    },
    Pattern {
        name: "visits-arrival",
        label: "VISITS",
        heads: &[],
        tails: &[],
        dir: Dir::Backward,
        shape: Shape::Before { gap: 1, max: 6, joins: &[","], adjoins: &["à", "en", "au", "aux", "in", "to"] },
        phrases: &[
            "visite à",
            "visite en",
            "visite au",
            "arrivée à",
            "arrivée en",
            "arrivée au",
            "séjour à",
            "séjour en",
            "voyage à",
            "voyage en",
            "déplacement à",
            "déplacement en",
            "visit to",
            "arrival in",
            "trip to",
            "stay in",
        ],
    },
    // MEMBER_OF: a state or body belongs to an organization.
    Pattern {
        name: "member",
        label: "MEMBER_OF",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 8, ends: &[] },
        phrases: &[
            "membre de",
            "membres de",
            "membre du",
            "membres du",
            "membre des",
            "membres des",
            "membre fondateur",
            "adhésion à",
            "adhésion au",
            "a adhéré",
            "adhère",
            "a rejoint",
            "rejoint",
            "rejoindre",
            "a intégré",
            "fait partie de",
            "font partie de",
            "fait partie du",
            "font partie du",
            "member of",
            "members of",
            "member state",
            "member states",
            "joined",
            "joins",
            "join",
            "membership in",
            "membership of",
            "accession to",
        ],
    },
    // LOCATED_IN: a place, body or event is in a place.
    Pattern {
        name: "located-apposition",
        label: "LOCATED_IN",
        heads: &["GPE", "LOC"],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 8, ends: &["de", "du", "des", "d'", "en", "au", "aux", "dans", "of", "in"] },
        phrases: &[
            "ville",
            "capitale",
            "région",
            "province",
            "port",
            "localité",
            "village",
            "commune",
            "cité",
            "métropole",
            "située",
            "situé",
            "nord",
            "sud",
            "est",
            "ouest",
            "centre",
            "city",
            "capital",
            "region",
            "town",
            "village",
            "located",
            "north",
            "south",
            "east",
            "west",
        ],
    },
    Pattern {
        name: "located-parenthesis",
        label: "LOCATED_IN",
        heads: &["GPE", "LOC", "ORG"],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Exact,
        phrases: &["("],
    },
    Pattern {
        name: "located-event",
        label: "LOCATED_IN",
        heads: &["EVENT"],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Exact,
        phrases: &[
            "à",
            "en",
            "au",
            "aux",
            "in",
            "at",
            "qui se tient à",
            "qui s'est tenu à",
            "qui se tiendra à",
            "held in",
            "to be held in",
        ],
    },
    Pattern {
        name: "located-seat",
        label: "LOCATED_IN",
        heads: &["ORG"],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 6, ends: &[] },
        phrases: &["basé à", "basée à", "basé en", "basée en", "siège à", "siège est à", "siégeant à", "based in", "headquartered in"],
    },
    Pattern {
        name: "located-comma",
        label: "LOCATED_IN",
        heads: &["GPE", "LOC"],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Exact,
        phrases: &[", au", ", en", ", aux", ", dans le", ", dans la", ", in"],
    },
    // SUPPORTS: one party states support for another.
    Pattern {
        name: "supports-noun",
        label: "SUPPORTS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Before { gap: 4, max: 2, joins: &["à", "au", "aux", "for", "to"], adjoins: &["de", "du", "des", "d'", "of"] },
        phrases: &["soutien", "appui", "aide", "support", "backing"],
    },
    Pattern {
        name: "supports",
        label: "SUPPORTS",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 12, ends: &[] },
        phrases: &[
            "soutient",
            "soutiennent",
            "a soutenu",
            "ont soutenu",
            "soutiendra",
            "soutenir",
            "soutien à",
            "soutien au",
            "soutien aux",
            "soutien total",
            "soutien indéfectible",
            "son soutien",
            "leur soutien",
            "appuie",
            "appuient",
            "a appuyé",
            "se range derrière",
            "aux côtés de",
            "aux côtés du",
            "solidarité avec",
            "solidaire de",
            "allié de",
            "alliée de",
            "alliés de",
            "alliance avec",
            "aide militaire à",
            "livre des armes à",
            "fournit des armes à",
            "supports",
            "supported",
            "support for",
            "backs",
            "backed",
            "stands with",
            "stand with",
            "in favour of",
            "in favor of",
            "ally of",
            "allied with",
            "military aid to",
            "weapons to",
        ],
    },
    // OPPOSES: one party is at war with, condemns or opposes another.
    Pattern {
        name: "opposes",
        label: "OPPOSES",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 10, ends: &[] },
        phrases: &[
            "condamne",
            "condamnent",
            "a condamné",
            "ont condamné",
            "dénonce",
            "dénoncent",
            "a dénoncé",
            "ont dénoncé",
            "accuse",
            "accusent",
            "a accusé",
            "ont accusé",
            "contre",
            "s'oppose à",
            "s'opposent à",
            "opposé à",
            "opposée à",
            "à l'encontre",
            "en guerre avec",
            "guerre avec",
            "a attaqué",
            "attaque",
            "attaquent",
            "a envahi",
            "envahit",
            "invasion de",
            "menace",
            "menacent",
            "a menacé",
            "hostile à",
            "bombarde",
            "a bombardé",
            "condemns",
            "condemned",
            "condemn",
            "denounced",
            "denounces",
            "accused",
            "accuses",
            "against",
            "opposes",
            "opposed",
            "sanctions on",
            "war on",
            "at war with",
            "attacked",
            "attacks",
            "invaded",
            "invades",
            "invasion of",
            "threatens",
            "threatened",
            "criticized",
            "criticised",
            "critique",
            "a critiqué",
        ],
    },
    Pattern {
        name: "opposes-between",
        label: "OPPOSES",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Before { gap: 2, max: 3, joins: &["et", "and"], adjoins: &[] },
        phrases: &[
            "guerre entre",
            "conflit entre",
            "hostilités entre",
            "affrontements entre",
            "war between",
            "conflict between",
            "fighting between",
        ],
    },
    // PARTICIPATES_IN: a party takes part in a named event.
    Pattern {
        name: "participates",
        label: "PARTICIPATES_IN",
        heads: &[],
        tails: &[],
        dir: Dir::Forward,
        shape: Shape::Between { max: 10, ends: &[] },
        phrases: &[
            "participe",
            "participera",
            "participé",
            "participent",
            "participeront",
            "participation",
            "prend part",
            "prendra part",
            "pris part",
            "prennent part",
            "assiste",
            "assistera",
            "assisté",
            "présent au",
            "présente au",
            "présents au",
            "présent à",
            "invité au",
            "invitée au",
            "invité à",
            "took part",
            "take part",
            "takes part",
            "will attend",
            "attend",
            "attends",
            "attended",
            "attending",
            "participate",
            "participated",
            "participates",
            "participating",
            "participation",
            "fought in",
            "a combattu",
        ],
    },
    // DATE_OF: a named event happens on a date.
    Pattern {
        name: "date-of",
        label: "DATE_OF",
        heads: &["EVENT"],
        tails: &["DATE"],
        dir: Dir::Forward,
        shape: Shape::Exact,
        phrases: &[
            "",
            ",",
            "le",
            ", le",
            "du",
            "en",
            "on",
            "in",
            "of",
            "(",
            "prévu le",
            "prévue le",
            "qui aura lieu le",
            "qui se tiendra le",
            "qui s'est tenu le",
            "qui s'est tenue le",
            "held on",
            "scheduled for",
            "on",
        ],
    },
];

/// Quotation marks, which [`Shape::Exact`] reads through
/// (`l'« [opération X]{EVENT} » en [Y]{GPE}`).
const QUOTES: &[&str] = &["«", "»", "\"", "“", "”", "‹", "›"];

/// Determiners dropped from the end of the words between before `ends` is
/// checked (`ministre de la [Russie]`).
const DETERMINERS: &[&str] = &["la", "le", "les", "l'", "the"];

/// Every word the patterns name: their phrases cut by [`words`], and the
/// lists they compare single words with. The [`Vocab`] gives each an id.
pub fn named_words() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let lists = [QUOTES, DETERMINERS, TITLE_WORDS, PREPS, &["-", "'s"]];
    out.extend(lists.iter().flat_map(|l| l.iter()).map(|w| (*w).to_owned()));
    for role in ROLES {
        out.extend(words(role));
        out.extend(role.split(' ').map(str::to_owned));
    }
    for pat in PATTERNS {
        out.extend(pat.phrases.iter().flat_map(|ph| words(ph)));
        let (a, b): (&[&str], &[&str]) = match pat.shape {
            Shape::Between { ends, .. } => (ends, &[]),
            Shape::Before { joins, adjoins, .. } => (joins, adjoins),
            Shape::After { joins, .. } => (joins, &[]),
            Shape::Exact | Shape::Titles { .. } => (&[], &[]),
        };
        out.extend(a.iter().chain(b).map(|w| (*w).to_owned()));
    }
    out
}

/// A set of word ids.
#[derive(Debug, Default)]
struct Ids(Vec<u64>);

impl Ids {
    fn of<'w>(words: impl IntoIterator<Item = &'w str>) -> Self {
        let v = Vocab::global();
        let mut bits = vec![0u64; v.len().div_ceil(64)];
        for id in words.into_iter().map(|w| v.id(w)).filter(|&id| id != UNKNOWN) {
            if let Some(b) = bits.get_mut(id as usize / 64) {
                *b |= 1 << (id % 64);
            }
        }
        Self(bits)
    }

    fn has(&self, id: u32) -> bool {
        self.0.get(id as usize / 64).is_some_and(|b| b & (1 << (id % 64)) != 0)
    }
}

/// Phrases cut into word ids, with the ids they start with (a word that
/// starts none is passed over at once).
#[derive(Debug, Default)]
struct Phrases {
    /// Every phrase, in order, the empty one included.
    all: Vec<Vec<u32>>,
    firsts: Ids,
}

impl Phrases {
    fn of<'p>(phrases: impl IntoIterator<Item = &'p str>) -> Self {
        let v = Vocab::global();
        let cut: Vec<Vec<String>> = phrases.into_iter().map(words).collect();
        let firsts = Ids::of(cut.iter().filter_map(|w| w.first()).map(String::as_str));
        Self { all: cut.iter().map(|w| w.iter().map(|x| v.id(x)).collect()).collect(), firsts }
    }

    /// True when `words` holds one of the (non-empty) phrases as a run.
    fn any_in(&self, words: &[Word]) -> bool {
        (0..words.len()).any(|i| {
            let rest = words.get(i..).unwrap_or(&[]);
            rest.first().is_some_and(|w| self.firsts.has(w.id)) && self.all.iter().any(|ph| starts_with(rest, ph))
        })
    }
}

/// True when `words` starts with the non-empty `phrase`.
fn starts_with(words: &[Word], phrase: &[u32]) -> bool {
    !phrase.is_empty() && words.len() >= phrase.len() && words.iter().zip(phrase).all(|(w, &id)| w.id == id)
}

/// Where the last run of `phrase` in `words` ends, counted from the end.
fn last_end_from_end(words: &[Word], phrase: &[u32]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return None;
    }
    (0..=words.len() - phrase.len())
        .rev()
        .find(|&i| starts_with(words.get(i..).unwrap_or(&[]), phrase))
        .map(|i| words.len() - (i + phrase.len()))
}

/// A pattern with its words as ids.
#[derive(Debug)]
struct Compiled {
    pattern: &'static Pattern,
    phrases: Phrases,
    /// Its phrases made of words only (no punctuation): the scorer's
    /// trigger lexicon ([`lexicon_between`]).
    lexicon: Phrases,
    ends: Ids,
    joins: Ids,
    adjoins: Ids,
}

/// The lists single words are compared with, as ids.
#[derive(Debug)]
struct Lists {
    quotes: Ids,
    determiners: Ids,
    /// Words a title is made of: each word of a role, [`TITLE_WORDS`], `-`.
    title_words: Ids,
    roles: Phrases,
    apostrophe_s: u32,
}

/// The patterns and lists as ids, made once per process.
fn compiled() -> &'static (Vec<Compiled>, Lists) {
    static COMPILED: OnceLock<(Vec<Compiled>, Lists)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let patterns = PATTERNS
            .iter()
            .map(|pattern| {
                let (ends, joins, adjoins): (&[&str], &[&str], &[&str]) = match pattern.shape {
                    Shape::Between { ends, .. } => (ends, &[], &[]),
                    Shape::Before { joins, adjoins, .. } => (&[], joins, adjoins),
                    Shape::After { joins, .. } => (&[], joins, &[]),
                    Shape::Exact | Shape::Titles { .. } => (&[], &[], &[]),
                };
                let lexical = |ph: &&str| {
                    let w = words(ph);
                    !w.is_empty() && w.iter().all(|w| w.chars().any(char::is_alphanumeric))
                };
                Compiled {
                    pattern,
                    phrases: Phrases::of(pattern.phrases.iter().copied()),
                    lexicon: Phrases::of(pattern.phrases.iter().copied().filter(lexical)),
                    ends: Ids::of(ends.iter().copied()),
                    joins: Ids::of(joins.iter().copied()),
                    adjoins: Ids::of(adjoins.iter().copied()),
                }
            })
            .collect();
        let lists = Lists {
            quotes: Ids::of(QUOTES.iter().copied()),
            determiners: Ids::of(DETERMINERS.iter().copied()),
            title_words: Ids::of(ROLES.iter().flat_map(|r| r.split(' ')).chain(TITLE_WORDS.iter().copied()).chain(["-"])),
            roles: Phrases::of(ROLES.iter().copied()),
            apostrophe_s: Vocab::global().id("'s"),
        };
        (patterns, lists)
    })
}

fn without_trailing_determiners<'w>(words: &'w [Word], lists: &Lists) -> &'w [Word] {
    let mut end = words.len();
    while end > 0 && words.get(end - 1).is_some_and(|w| lists.determiners.has(w.id)) {
        end -= 1;
    }
    words.get(..end).unwrap_or(&[])
}

fn word_count(words: &[Word], lists: &Lists) -> usize {
    words.iter().filter(|w| w.alnum || w.id == lists.apostrophe_s).count()
}

impl Compiled {
    /// True when the pattern matches the pair whose first mention is
    /// labelled `first` and second `second`.
    fn matches(&self, p: &PairText<'_>, first: &str, second: &str, lists: &Lists) -> bool {
        let pat = self.pattern;
        let (head, tail) = match pat.dir {
            Dir::Forward => (first, second),
            Dir::Backward => (second, first),
        };
        if (!pat.heads.is_empty() && !pat.heads.contains(&head)) || (!pat.tails.is_empty() && !pat.tails.contains(&tail)) {
            return false;
        }
        if p.crosses_line || p.sentences_apart > 0 {
            return false;
        }
        match pat.shape {
            Shape::Between { max, ends } => {
                // A trigger after another mention of the head's kind is that one's.
                if pat.dir == Dir::Forward && p.labels_between.contains(&head) {
                    return false;
                }
                if word_count(&p.between, lists) > max || !self.phrases.any_in(p.between_since_last_mention()) {
                    return false;
                }
                ends.is_empty() || without_trailing_determiners(&p.between, lists).last().is_some_and(|w| self.ends.has(w.id))
            }
            Shape::Exact => {
                let between = || p.between.iter().filter(|w| !lists.quotes.has(w.id)).map(|w| w.id);
                self.phrases.all.iter().any(|ph| between().eq(ph.iter().copied()))
            }
            Shape::Before { gap, max, joins, adjoins } => {
                if word_count(&p.between, lists) > max {
                    return false;
                }
                if !adjoins.is_empty() && !without_trailing_determiners(&p.before, lists).last().is_some_and(|w| self.adjoins.has(w.id)) {
                    return false;
                }
                if !joins.is_empty() && !p.between.first().is_some_and(|w| self.joins.has(w.id)) {
                    return false;
                }
                self.phrases.all.iter().any(|ph| last_end_from_end(&p.before, ph).is_some_and(|g| g <= gap))
            }
            Shape::After { max, .. } => {
                word_count(&p.between, lists) <= max
                    && p.between.iter().any(|w| self.joins.has(w.id))
                    && p.between.iter().all(|w| self.joins.has(w.id) || !w.alnum || w.len <= 3)
                    && self.phrases.any_in(&p.after)
            }
            Shape::Titles { max } => {
                let n = word_count(&p.between, lists);
                n >= 1 && n <= max && lists.roles.any_in(&p.between) && p.between.iter().all(|w| lists.title_words.has(w.id))
            }
        }
    }
}

/// The patterns that `p` matches, with the relation label and direction
/// each gives, for a pair whose first mention is labelled `first` and
/// second `second`.
pub fn fire(p: &PairText<'_>, first: &str, second: &str) -> Vec<&'static Pattern> {
    fire_where(p, first, second, |_| true)
}

/// [`fire`] among the patterns `keep` accepts (those whose label and
/// direction the schema allows for the pair: the others cannot count).
pub fn fire_where(p: &PairText<'_>, first: &str, second: &str, keep: impl Fn(&Pattern) -> bool) -> Vec<&'static Pattern> {
    if p.crosses_line || p.sentences_apart > 0 {
        return Vec::new();
    }
    let (patterns, lists) = compiled();
    patterns.iter().filter(|c| keep(c.pattern) && c.matches(p, first, second, lists)).map(|c| c.pattern).collect()
}

/// The patterns one of whose phrases made of words only stands among the
/// words between (the scorer's `lex` features), in [`PATTERNS`] order.
pub fn lexicon_between(p: &PairText<'_>) -> Vec<&'static Pattern> {
    compiled().0.iter().filter(|c| c.lexicon.any_in(&p.between)).map(|c| c.pattern).collect()
}

#[cfg(test)]
mod tests;
