//! The patterns on sentences written for them (none taken from a seed or
//! an evaluation set).

use super::super::context::{Layout, Mention};
use super::*;
use crate::model::Text;
use crate::model::markup::parse_markup;

/// The `(label, direction)` of the patterns fired on the first two
/// marked mentions.
fn fired(markup: &str) -> Vec<(&'static str, Dir)> {
    fired_on(markup, 0, 1)
}

/// The same on mentions `i` and `j` (`i` first), the others lying
/// between them noted.
fn fired_on(markup: &str, i: usize, j: usize) -> Vec<(&'static str, Dir)> {
    let (s, spans) = parse_markup(markup);
    let text = Text::new(s);
    let all: Vec<Mention> = spans.iter().map(|(a, b, l)| Mention { start: *a, end: *b, label: l.clone() }).collect();
    let m = [all[i].clone(), all[j].clone()];
    let layout = Layout::with_words(&text);
    let mut p = PairText::new(&text, &layout, &m[0], &m[1]).expect("in order");
    p.set_mentions_between(&text, &layout, &all[i + 1..j], &m[1]);
    let schema = crate::model::Schema::news();
    let allowed = |pat: &Pattern| {
        let (h, t) = if pat.dir == Dir::Forward { (&m[0].label, &m[1].label) } else { (&m[1].label, &m[0].label) };
        schema.relation(pat.label).is_some_and(|r| r.allows(h, t))
    };
    let mut out: Vec<(&'static str, Dir)> =
        fire(&p, &m[0].label, &m[1].label).into_iter().filter(|pat| allowed(pat)).map(|pat| (pat.label, pat.dir)).collect();
    out.dedup();
    out
}

use Dir::{Backward, Forward};

#[test]
fn french_meetings() {
    assert_eq!(fired("[Ada Quill]{PER} a rencontré mardi [Boris Venn]{PER}."), [("MEETS", Forward)]);
    assert_eq!(fired("[Ada Quill]{PER} s’est entretenue avec son homologue [Boris Venn]{PER}."), [("MEETS", Forward)]);
    assert_eq!(fired("Un entretien entre [Ada Quill]{PER} et [Boris Venn]{PER} a eu lieu."), [("MEETS", Forward)]);
    assert_eq!(fired("[Ada Quill]{PER} et [Boris Venn]{PER} se sont rencontrés hier."), [("MEETS", Forward)]);
}

#[test]
fn english_meetings() {
    assert_eq!(fired("[Ada Quill]{PER} met her counterpart [Boris Venn]{PER} on Monday."), [("MEETS", Forward)]);
    assert_eq!(fired("Talks between [Ada Quill]{PER} and [Boris Venn]{PER} ended late."), [("MEETS", Forward)]);
}

#[test]
fn roles_both_ways() {
    assert_eq!(fired("[Ada Quill]{PER}, ministre de l'Énergie de la [Vornie]{GPE}, a parlé."), [("ROLE_IN", Forward)]);
    assert_eq!(fired("Le porte-parole du [Conseil vert]{ORG}, [Ada Quill]{PER}, a démenti."), [("ROLE_IN", Backward)]);
    assert_eq!(fired("[Vornia]{GPE}'s foreign minister [Ada Quill]{PER} said no."), [("ROLE_IN", Backward)]);
    // A possessive: any portfolio before the role, a complement after it,
    // a comma before the name.
    assert_eq!(fired("[Vornia]{GPE}'s environment minister, [Ada Quill]{PER}, said no."), [("ROLE_IN", Backward)]);
    assert_eq!(fired("[Vornia]{GPE}'s water minister [Ada Quill]{PER} said no."), [("ROLE_IN", Backward)]);
    assert_eq!(fired("[Vornia]{GPE}'s deputy minister of natural resources, [Ada Quill]{PER}, met him."), [("ROLE_IN", Backward)]);
    // Not a title: a sentence runs between.
    assert!(fired("[Vornia]{GPE}'s plan angered the minister, [Ada Quill]{PER}, at once.").is_empty());
    assert!(fired("[Vornia]{GPE}'s minister of state for the long and winding affairs of water, [Ada Quill]{PER}, spoke.").is_empty());
    assert_eq!(fired("[Ada Quill]{PER}, spokeswoman for the [Green Council]{ORG}, denied it."), [("ROLE_IN", Forward)]);
    // A role of someone else: the words between do not end on a preposition.
    assert!(fired("[Ada Quill]{PER} a critiqué le ministre à [Vornic]{GPE}.").iter().all(|f| f.0 != "ROLE_IN"));
}

#[test]
fn visits_and_places() {
    assert_eq!(fired("[Ada Quill]{PER} s'est rendue dimanche à [Vornic]{GPE}."), [("VISITS", Forward)]);
    assert_eq!(fired("À son arrivée à [Vornic]{GPE}, [Ada Quill]{PER} a salué la foule."), [("VISITS", Backward)]);
    assert_eq!(fired("[Ada Quill]{PER} arrived in [Vornic]{GPE} late."), [("VISITS", Forward)]);
    assert_eq!(fired("[Ada Quill]{PER} achève un long séjour d'étude en [Vornie]{GPE}."), [("VISITS", Forward)]);
    assert_eq!(fired("[Kessel]{GPE}, ville portuaire du sud de la [Vornie]{GPE}, compte dix mille habitants."), [("LOCATED_IN", Forward)]);
    assert_eq!(fired("[Kessel]{GPE} ([Vornie]{GPE}) est calme."), [("LOCATED_IN", Forward)]);
    assert_eq!(fired("Le [sommet des Lacs]{EVENT} à [Kessel]{GPE} s'ouvre."), [("LOCATED_IN", Forward)]);
}

#[test]
fn stances_membership_events() {
    assert_eq!(fired("[Vornie]{GPE} soutient pleinement [Kessel]{GPE}."), [("SUPPORTS", Forward)]);
    assert_eq!(fired("[Vornie]{GPE} a condamné les frappes de [Kessel]{GPE}."), [("OPPOSES", Forward)]);
    assert_eq!(fired("[Vornia]{GPE} condemned [Kessel]{GPE} on Monday."), [("OPPOSES", Forward)]);
    assert_eq!(fired("[Vornie]{GPE}, membre de l'[Union des Lacs]{ORG}, a voté."), [("MEMBER_OF", Forward)]);
    assert_eq!(fired("[Vornie]{GPE} a participé à la [conférence de Kessel]{EVENT}."), [("PARTICIPATES_IN", Forward)]);
    assert_eq!(fired("Le [sommet des Lacs]{EVENT}, le [3 mai]{DATE}, fut bref."), [("DATE_OF", Forward)]);
}

/// A stance verb's party is its object, a few words after it at most:
/// past them the verb has its object already, and the name after is about
/// something else.
#[test]
fn a_stance_is_towards_the_name_right_after_its_verb() {
    assert!(fired_on("[Ada Quill]{PER} said [Kessel]{GPE} supports the plan and will host a summit in [Lorn]{GPE}.", 1, 2).is_empty());
    assert!(fired_on("[Ada Quill]{PER} dit que [Kessel]{GPE} soutient le projet et accueillera un sommet à [Lorn]{GPE}.", 1, 2).is_empty());
    assert!(
        fired_on("[Ada Quill]{PER} dit que [Kessel]{GPE} condamne la décision, prise hier après une longue nuit en [Lorn]{GPE}.", 1, 2)
            .is_empty()
    );
    assert!(fired_on("[Ada Quill]{PER} warned against haste, and the officer [Boris Venn]{PER} agreed.", 0, 1).is_empty());
    assert!(fired("[Vornia]{GPE} denounced the violence which [Kessel]{GPE} saw.").is_empty());
    assert!(fired("[Vornie]{GPE} dénonce la violence dont [Kessel]{GPE} a souffert.").is_empty());
    // A few words between the verb and its party still say it.
    assert_eq!(fired("[Vornie]{GPE} condamne fermement l'offensive de [Kessel]{GPE}."), [("OPPOSES", Forward)]);
    assert_eq!(fired("The [Lake Council]{ORG} condemned an attack by the armed group [Kessel Front]{ORG}."), [("OPPOSES", Forward)]);
    assert_eq!(fired("[Ada Quill]{PER} a dénoncé un « acte odieux » du régime de [Boris Venn]{PER}."), [("OPPOSES", Forward)]);
    // A comma right before the party sets it beside the object.
    assert_eq!(fired("[Ada Quill]{PER} ran against the mayor, [Boris Venn]{PER}, in May."), [("OPPOSES", Forward)]);
    assert_eq!(fired("[Vornia]{GPE} firmly backs the government of [Kessel]{GPE}."), [("SUPPORTS", Forward)]);
}

/// A title naming a place before the person (`Y's foreign minister, B`)
/// is the verb's object, not another party: the verb before it reaches B.
#[test]
fn a_verb_reaches_a_person_past_a_possessive_title() {
    let meet = "[Ada Quill]{PER} will meet [Vornia]{GPE}'s foreign minister, [Boris Venn]{PER}, on Friday.";
    assert_eq!(fired_on(meet, 0, 2), [("MEETS", Forward)]);
    assert_eq!(fired_on(meet, 1, 2), [("ROLE_IN", Backward)]);
    let condemn = "[Ada Quill]{PER} condemned [Vornia]{GPE}'s interior minister, [Boris Venn]{PER}.";
    assert_eq!(fired_on(condemn, 0, 2), [("OPPOSES", Forward)]);
    // Not a title: the verb's object is the place.
    assert!(fired_on("[Ada Quill]{PER} will meet [Vornia]{GPE} officials; [Boris Venn]{PER} stays home.", 0, 2).is_empty());
    assert!(
        fired_on("[Ada Quill]{PER} will meet [Vornia]{GPE}'s envoy and then [Lorn]{GPE}'s minister, [Boris Venn]{PER}.", 0, 3).is_empty()
    );
}

/// A verb after `puis` or `then` shares the clause's subject, not the name
/// just before it: that one is no party.
#[test]
fn a_name_before_then_is_not_the_subject_of_the_next_verb() {
    let fr = "[Ada Quill]{PER} a été reçue par [Boris Venn]{PER}, puis s'est entretenue avec [Cora Lind]{PER}.";
    assert!(fired_on(fr, 1, 2).is_empty());
    let en = "[Ada Quill]{PER} was received by [Boris Venn]{PER}, then met [Cora Lind]{PER}.";
    assert!(fired_on(en, 1, 2).is_empty());
    assert!(fired_on("[Ada Quill]{PER} a reçu [Boris Venn]{PER} avant de se rendre à [Kessel]{GPE}.", 1, 2).is_empty());
    // Without it, the name before the verb is its subject.
    assert_eq!(fired("[Ada Quill]{PER} avant lui, a visité [Kessel]{GPE}."), [("VISITS", Forward)]);
    assert_eq!(
        fired_on("[Ada Quill]{PER} a remercié [Boris Venn]{PER}, qui s'est entretenu avec [Cora Lind]{PER}.", 1, 2),
        [("MEETS", Forward)]
    );
}

/// A visit's place follows the noun closely: `une visite de trois jours
/// à [B]`, not `une visite consacrée à la sécurité au [B]`.
#[test]
fn a_visit_s_place_follows_the_noun() {
    assert_eq!(fired("[Ada Quill]{PER} entame une visite de travail de trois jours en [Vornie]{GPE}."), [("VISITS", Forward)]);
    assert!(fired("[Ada Quill]{PER} entame une visite de trois jours consacrée à la sécurité au [Lorn]{LOC}.").is_empty());
    assert!(fired("[Ada Quill]{PER} began a visit focused on water and on security in [Lorn]{LOC}.").is_empty());
}

#[test]
fn the_nearest_head_takes_the_trigger() {
    // The visit is Boris Venn's, not Ada Quill's.
    assert_eq!(fired("[Ada Quill]{PER} a reçu [Boris Venn]{PER}, en visite à [Kessel]{GPE}."), [("MEETS", Forward)]);
    assert!(fired_on("[Ada Quill]{PER} a reçu [Boris Venn]{PER}, en visite à [Kessel]{GPE}.", 0, 2).is_empty());
    assert_eq!(fired_on("[Ada Quill]{PER} a reçu [Boris Venn]{PER}, en visite à [Kessel]{GPE}.", 1, 2), [("VISITS", Forward)]);
}

#[test]
fn nouns_and_commas() {
    assert_eq!(fired("Le soutien total de la [Vornie]{GPE} à [Kessel]{GPE} est acquis."), [("SUPPORTS", Forward)]);
    // Who supports is the one after "de": here neither of the two.
    assert!(fired("Son soutien à la [Vornie]{GPE} aux [Nations Lacustres]{ORG} fut net.").is_empty());
    assert_eq!(fired("Une réunion à [Kessel]{GPE}, en [Vornie]{GPE}, a eu lieu."), [("LOCATED_IN", Forward)]);
    assert_eq!(fired("L'« [opération Nord]{EVENT} » en [Vornie]{GPE} dure."), [("LOCATED_IN", Forward)]);
    assert_eq!(fired("La rencontre d'hier entre le juge [Ada Quill]{PER} et le maire [Boris Venn]{PER} fut longue."), [("MEETS", Forward)]);
}

#[test]
fn nothing_across_sentences_or_without_trigger() {
    assert!(fired("[Ada Quill]{PER} a parlé. Elle a rencontré [Boris Venn]{PER}.").is_empty());
    assert!(fired("[Ada Quill]{PER} et [Boris Venn]{PER} ont voté la loi.").is_empty());
    assert!(fired("[Vornie]{GPE}, [Kessel]{GPE} et d'autres.").is_empty());
}
