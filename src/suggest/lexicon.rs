//! Closed word lists for French and English shared by the recognizers and
//! the tagger's features: determiners, function words, name particles,
//! nationality words, months and weekdays, titles, ministerial portfolios
//! and the head nouns of organisation, event and place names.
//!
//! Owns: the lists and their lookup sets, the fast hash maps and sets the
//! recognizers use for them, and telling English lines from French ones
//! ([`Lexicon::english_ranges`]). Every entry is a lookup key in the
//! sense of [`normalize`] (lower case, `'` for apostrophes).
//! Must not touch: anything but `std`, the tokenizer and the hasher
//! ([`crate::model::hash`]).

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

pub use crate::model::hash::FxHasher;
use crate::model::tokenize::{Tokenized, is_capitalized, normalize, tokenize};

/// Articles and determiners: a span never starts with one.
pub const DETERMINERS: &str = "\
    le la les l' un une des du de d' au aux ce cet cette ces son sa ses leur leurs mon ma mes \
    notre nos votre vos the a an this that these those his her its their our my your";

/// Function and other common words that start sentences; a capitalised one
/// there says nothing about a name.
pub const STOPWORDS: &str = "\
    le la les l' un une des du de d' au aux ce cet cette ces c' ça cela ceci celui celle ceux \
    celles son sa ses leur leurs mon ma mes notre nos votre vos il elle ils elles on nous vous \
    je j' tu et ou mais donc or ni car si s' quand lorsque lorsqu' comme selon après avant \
    pendant depuis dans en pour par sur sous avec sans chez entre vers contre malgré hier \
    aujourd'hui demain lors dès cependant toutefois pourtant ainsi alors enfin puis encore aussi \
    même tous toutes tout toute plusieurs certains certaines chaque aucun aucune quel quelle \
    quels quelles qui que qu' quoi où dont voici voilà oui non ne n' pas plus moins très trop \
    peu beaucoup déjà toujours jamais ici là désormais outre face grâce afin parmi durant jusqu' \
    à a est sont était été être avoir fait faire dit nouveau nouvelle premier première dernier \
    dernière autre autres notamment surtout environ près loin bien mal rien personne chacun \
    chacune lui eux moi toi soi y tel telle tels telles ensuite auparavant d'abord d'après côté \
    the a an this that these those his her its their our my your he she it they we you i in on \
    at by for from with without of to into onto after before during since while when where why \
    how what which who whom whose if but and or so yet as also however meanwhile although though \
    because despite according both all some many most several each every no not there here then \
    now today yesterday tomorrow last next earlier later new first other such more less only \
    even still just about over under between among against through across behind beyond within \
    upon once again further already is are was were be been has have had do does did will would \
    can could should may might must shall following amid unlike like asked speaking writing \
    please thanks yes well";

/// Lower-case words allowed inside a name between capitalised words
/// (`Charles de Gaulle`, `Ursula von der Leyen`, `Bank of England`).
pub const NAME_PARTICLES: &str = "\
    de du des d' la le van von der den ter ten bin ben bint ibn al el di da dos das del della y \
    of the and &";

/// Prefixes of Arabic names written in lower case (`al-Assad`).
pub const LOWER_NAME_PREFIXES: &str = "\
    al- el- ad- ash- as- ar- an- at- az- ben- bin-";

/// French month names (also unaccented) and abbreviations.
pub const MONTHS_FR: &str = "\
    janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre \
    décembre decembre janv. févr. fév. avr. juil. sept. oct. nov. déc.";

/// English month names and abbreviations.
pub const MONTHS_EN: &str = "\
    january february march april may june july august september october november december jan. \
    feb. apr. aug. sep. sept. oct. nov. dec.";

/// French days of the week.
pub const WEEKDAYS_FR: &str = "\
    lundi mardi mercredi jeudi vendredi samedi dimanche";

/// English days of the week.
pub const WEEKDAYS_EN: &str = "\
    monday tuesday wednesday thursday friday saturday sunday";

/// Words before a bare year or month that make it a date (`en 2025`,
/// `since May`).
pub const TEMPORAL_WORDS: &str = "\
    en depuis dès avant après fin début mi jusqu'en d'ici année années l'année été hiver \
    printemps automne pour vers entre pendant in since by until till before after early late mid \
    from between during around circa through summer winter spring autumn fall year of the this \
    last next fiscal";

/// Titles that introduce a name only when capitalised (`M.`, `Dr`, `Premier`).
pub const TITLES_CAPITALISED: &str = "\
    M. MM. Mme Mme. Mmes Mlle Dr Dr. Pr Pr. Prof. Me Mgr Mgr. Mr Mr. Mrs Mrs. Ms Ms. Gen. Lt. \
    Col. Sen. Rep. Gov. Premier";

/// Titles and roles that introduce a person's name (left out of the span),
/// separated by `|`; multi-word titles are tokenized as text is.
pub const TITLES: &str = "\
    président | présidente | vice-président | vice-présidente | président-directeur général | \
    ministre | premier ministre | première ministre | vice-premier ministre | vice-ministre | \
    ministre délégué | ministre déléguée | secrétaire général | secrétaire générale | \
    secrétaire d'État | sous-secrétaire | secrétaire | porte-parole | chancelier | chancelière | \
    chef de la diplomatie | chef d'État | chef de l'État | chef du gouvernement | \
    chef d'état-major | homologue | roi | reine | prince | princesse | pape | général | colonel | \
    lieutenant-colonel | maréchal | amiral | capitaine | commandant | sénateur | sénatrice | \
    député | députée | maire | gouverneur | gouverneure | ambassadeur | ambassadrice | \
    envoyé spécial | envoyée spéciale | envoyé | envoyée | émir | cheikh | ayatollah | dirigeant | \
    dirigeante | leader | commissaire | juge | procureur | procureure | directeur | directrice | \
    directeur général | directrice générale | PDG | patron | patronne | conseiller | conseillère | \
    haut représentant | haute représentante | négociateur | négociatrice | opposant | opposante | \
    militant | militante | journaliste | correspondant | correspondante | analyste | chercheur | \
    chercheuse | professeur | professeure | avocat | avocate | écrivain | écrivaine | candidat | \
    candidate | dictateur | tsar | empereur | impératrice | médiateur | rapporteur | rapporteuse | \
    president | vice president | vice-president | president-elect | prime minister | \
    deputy prime minister | vice-minister | vice minister | deputy minister | vice-premier | \
    deputy foreign minister | minister | foreign minister | defence minister | defense minister | \
    finance minister | interior minister | foreign secretary | home secretary | \
    secretary of state | secretary-general | secretary general | secretary | chancellor | \
    spokesman | spokeswoman | spokesperson | king | queen | princess | pope | colonel | admiral | \
    senator | representative | congressman | congresswoman | mayor | governor | ambassador | \
    envoy | special envoy | emir | sheikh | commissioner | judge | prosecutor | director | CEO | \
    chairman | chairwoman | adviser | advisor | counterpart | negotiator | activist | journalist | \
    correspondent | analyst | researcher | professor | lawyer | attorney | attorney general | \
    candidate | dictator | czar | emperor | empress | captain | sergeant | opposition leader";

/// Ministerial portfolios that may follow a title (`ministre des Affaires
/// étrangères`, `Minister of Foreign Affairs`).
pub const PORTFOLIOS: &str = "\
    affaires défense defense defence intérieur finances finance économie economy justice santé \
    health éducation education agriculture commerce trade culture travail labour labor armées \
    transports transport environnement environment énergie energy industrie industry budget \
    sports logement housing écologie numérique recherche enseignement solidarités outre-mer \
    immigration communication information sécurité security interior treasury foreign affairs \
    home europe diplomatie renseignement intelligence unification réunification développement \
    development coopération cooperation planification urgences emergency situations anciens \
    combattants veterans state relations extérieures intégration équipement resources ressources \
    water eau natural mines pêche fisheries tourisme tourism infrastructures infrastructure \
    famille family femmes women jeunesse youth sport territoires ville retraites pensions mer \
    maritime mines pétrole oil gaz gas climat climate transition écologique télécommunications \
    postes affaires";

/// Lower-case words that may follow a portfolio (`des Affaires étrangères`).
pub const PORTFOLIO_ADJECTIVES: &str = "\
    étrangères étranger extérieures extérieur nationale national publique publiques publics \
    intérieure intérieures civile sociales sociale d'urgence internationales européennes \
    économique numérique naturelles hydrauliques africaine européenne écologique solidaire";

/// Adjectives that may sit between a title and a name (`président sortant`).
pub const ROLE_ADJECTIVES: &str = "\
    sortant sortante élu élue adjoint adjointe délégué déléguée intérimaire actuel actuelle \
    nouveau nouvel nouvelle ancien ancienne défunt défunte déchu déchue fédéral fédérale \
    régional régionale local locale spécial spéciale principal principale suprême démissionnaire \
    par intérim en exercice chargé chargée acting former outgoing incoming deputy chief top \
    senior junior";

/// Head nouns of organisation names.
pub const ORG_KEYWORDS: &str = "\
    organisation organization union banque bank fonds fund agence agency conseil council \
    ministère ministry parti party association institut institute université university \
    compagnie company groupe group corporation corp corp. inc inc. ltd ltd. news times post \
    journal tribune herald gazette press presse radio télévision television tv armée army forces \
    navy assemblée assembly commission committee comité front alliance fédération federation \
    ligue league club fc court cour tribunal parlement parliament congrès congress sénat senate \
    gouvernement government département department office bureau service services foundation \
    fondation académie academy école school hôpital hospital église church mouvement movement \
    brigade brigades airlines airways motors holdings technologies systems petroleum pharma \
    communauté community secrétariat secretariat programme program coalition chambre chamber \
    haut-commissariat commissariat garde guard police gendarmerie";

/// Head nouns of event names.
pub const EVENT_KEYWORDS: &str = "\
    guerre war sommet summit jeux games coupe cup conférence conference forum opération \
    operation festival exposition expo championnat championship révolution revolution crise \
    crisis olympiques olympics biennale marathon tournoi tournament massacre bataille battle \
    printemps dialogue rencontres assises jubilé cop";

/// Head nouns of place names that are not GPEs (geography and facilities).
pub const LOC_KEYWORDS: &str = "\
    mer sea océan ocean mont mount mountains monts lac lake fleuve rivière river golfe gulf \
    détroit strait île îles island islands désert desert canal cap cape vallée valley péninsule \
    peninsula baie bay plateau aéroport airport gare pont bridge place square avenue rue street \
    boulevard parc park forêt forest plaine plain massif bassin basin coast barrage dam palais \
    palace stade stadium musée museum cathédrale cathedral base tower mosquée mosque centrale \
    région region";

/// Capitalised common nouns that are not names on their own
/// (`l'État`, `le Gouvernement`).
pub const GENERIC_CAPS: &str = "\
    état etat gouvernement république constitution parlement conseil cour assemblée église union \
    défense intérieur affaires finances justice santé économie armées dieu god internet web \
    covid covid-19 nation nations occident ouest est nord sud north south east west etat-major \
    état-major ministère ministry président presidency présidence premier première ok hello \
    bonjour merci breaking update photo vidéo video source sources lire read voir see partager \
    share commentaires comments publicité advertisement états etats chambre coalition grand \
    grande saint sainte san santa";

/// English roles and forms of address that are not in [`TITLES`] but
/// introduce a person as titles do (`Coach Jürgen Klopp`, `Father Gianni`,
/// `First Lady Michelle Obama`). Read by the capitalisation rule only (the
/// tagger's features do not see this list).
pub const ROLES_EN: &str = "\
    soldier father brother sister mother officer inspector superintendent superintendant \
    detective constable sergeant corporal lieutenant commander marshal coach manager striker \
    goalkeeper midfielder defender forward captain skipper player driver pilot priest bishop \
    archbishop cardinal rabbi imam cleric reverend rev rev. pastor monk nun lady lord sir dame \
    baron baroness count countess duke duchess prince co-ceo cfo coo cto founder co-founder \
    chairperson vice-chairman dean rector chancellor-elect vice-chancellor presidents ministers \
    premier-elect mayor-elect governor-elect senators judges magistrate sheriff ombudsman editor \
    publisher author director-general commissioner-general head leader spokesman singer rapper \
    actor actress artist painter writer novelist poet composer conductor pianist violinist \
    guitarist drummer designer architect photographer filmmaker producer economist historian \
    scientist physicist chemist biologist researcher doctor dr surgeon nurse student teacher \
    lecturer former late ex-president ex-chancellor ex-minister";

/// Heads of names of things that the news schema does not label (prizes,
/// laws, treaties, plans, works, products): a run of capitalised words
/// ending in one of them (`Nobel Peace Prize`, `Stop Online Piracy Act`,
/// `Stability and Growth Pact`) or opening with one before `of`
/// (`Capital of Culture`) is not a person. Read by the capitalisation rule
/// only.
pub const THING_HEADS_EN: &str = "\
    prize prizes award awards medal medals trophy laureate act acts law laws bill bills treaty \
    treaties pact accord accords agreement agreements charter protocol declaration resolution \
    amendment directive regulation ordinance decree plan plans doctrine strategy initiative \
    report reports index guide guidelines handbook manual recipe casserole menu dish album song \
    single film movie novel book opera symphony requiem mass anthem painting sculpture disease \
    syndrome virus vaccine drug pill app model engine version edition title rank status \
    principle rule rules code theory method test rate tax footballer player actor actress coach \
    athlete sportsman sportswoman personality person woman man";

/// First words of award and honour names (`Best Supporting Actor`, `Most
/// Valuable Player`): a run that starts with one is not a person. Read by
/// the capitalisation rule only.
pub const AWARD_STARTS_EN: &str = "best most outstanding lifetime";

/// Heads of organisation names beyond [`ORG_KEYWORDS`], in English and in
/// the languages whose names English news quotes as they are (German,
/// Italian, Spanish, Portuguese, Dutch): media, authorities, firms, parties,
/// clubs. Read by the capitalisation rule only.
pub const ORG_HEADS_EN: &str = "\
    authority authorities administration directorate inspectorate board observatory monitor \
    watch daily weekly magazine magazin newspaper telegraph express chronicle observer guardian \
    mirror courier sentinel dispatch bulletin review broadcasting broadcaster network channel \
    studio studios records label institution society societies trust consortium syndicate cartel \
    mafia gang militia insurgency rebels partnership union unions confederation chamber chambers \
    exchange bourse commerce industries industry enterprises group airline airport-authority \
    railway railways rail transit telecom telecommunications media entertainment publishing \
    pictures productions labs laboratory laboratories research consulting partners investments \
    securities insurance assurance energy electric power oil gas mining chemicals steel \
    automotive auto autos pharmaceuticals software electronics foods brewery university college \
    polytechnic seminary hospital clinic parliament assembly cabinet presidium politburo junta \
    regime corps battalion regiment division squad squadron unit units command zeitung stiftung \
    verein verband gesellschaft institut partei bund bank ministerium amt gmbh ag kg se sa spa \
    s.p.a. nv bv plc llc co compagnia società banca partito polizia policía polícia compañía \
    empresa banco partido fundación fundação associação asociación sindicato federación ejército \
    exército marine marines";

/// Words that start English sentences without being names (adverbs and
/// connectives); a capitalised one there says nothing about a name. Read by
/// the capitalisation rule only (words ending in `-ly` count too).
pub const SENTENCE_STARTS_EN: &str = "\
    maybe perhaps yet still thus hence instead indeed meanwhile nevertheless nonetheless besides \
    furthermore moreover therefore otherwise elsewhere overall together altogether afterwards \
    later earlier soon once twice first second third fourth fifth finally eventually initially \
    ultimately recently previously currently apparently obviously clearly certainly \
    unfortunately fortunately surprisingly interestingly importantly officially reportedly \
    allegedly separately additionally similarly likewise conversely consequently accordingly \
    regardless anyway anyhow whether unless until while whereas despite although though because \
    since given following according asked told speaking writing talking looking adding noting \
    saying critics experts officials analysts observers residents witnesses police authorities \
    investigators prosecutors sources supporters opponents protesters demonstrators activists \
    voters citizens people many most some several few others both neither either none nobody \
    everyone everybody someone somebody anyone nothing everything something another other such \
    what who whom whose which where when why how there here this these that those it its it's we \
    our they their he his she her you your i my me us them all every each no not nor only just \
    even also too very quite rather almost nearly about around roughly some-time sometimes often \
    always never usually generally typically traditionally historically politically economically \
    financially legally technically personally today tonight yesterday tomorrow now then";

/// Frequent French function words, to tell a French text from an English
/// one.
pub const FRENCH_MARKERS: &str = "\
    le la les l' de des du d' et est une un dans pour que qui sur avec au aux pas par ce il \
    elle ont été sont a son sa ses cette entre depuis mais plus";

/// Frequent English function words, to tell an English text from a French
/// one (every marker, French or English, has at most six bytes).
pub const ENGLISH_MARKERS: &str = "\
    the and of to in is was for that with as by at from his her are were has have its their \
    said this which it be been will after";

/// French nationality words (masculine singular); the other forms are made
/// by [`french_forms`].
const DEMONYMS_FR: &str = "\
    russe chinois américain français ukrainien nord-coréen sud-coréen coréen japonais allemand \
    britannique anglais italien espagnol portugais polonais turc iranien irakien syrien libanais \
    israélien palestinien saoudien qatari émirati égyptien algérien marocain tunisien libyen \
    soudanais éthiopien kényan nigérian sénégalais malien nigérien burkinabé ivoirien \
    camerounais congolais sud-africain indien pakistanais afghan bangladais vietnamien \
    thaïlandais indonésien philippin malaisien birman cambodgien laotien mongol kazakh ouzbek \
    kirghiz tadjik turkmène azerbaïdjanais arménien géorgien biélorusse moldave roumain bulgare \
    serbe croate bosnien albanais grec hongrois tchèque slovaque slovène autrichien suisse belge \
    néerlandais luxembourgeois danois suédois norvégien finlandais islandais irlandais écossais \
    gallois estonien letton lituanien canadien mexicain cubain vénézuélien colombien brésilien \
    argentin chilien péruvien bolivien équatorien uruguayen paraguayen australien néo-zélandais \
    taïwanais hongkongais européen africain asiatique occidental oriental arabe kurde soviétique \
    latino-américain nord-américain sud-américain yéménite jordanien omanais koweïtien bahreïni \
    chypriote maltais tchadien centrafricain gabonais togolais béninois ghanéen guinéen \
    mauritanien somalien érythréen djiboutien rwandais burundais ougandais tanzanien mozambicain \
    angolais zambien zimbabwéen malgache namibien haïtien dominicain jamaïcain sri-lankais \
    népalais singapourien eurasiatique sahélien maghrébin transatlantique atlantique musulman \
    chrétien juif chiite sunnite catholique protestant orthodoxe communiste socialiste \
    républicain démocrate conservateur travailliste libéral écologiste";

/// English nationality words; plurals are made by [`english_forms`].
const DEMONYMS_EN: &str = "\
    russian chinese american french ukrainian korean japanese german british english italian \
    spanish portuguese polish turkish iranian iraqi syrian lebanese israeli palestinian saudi \
    qatari emirati egyptian algerian moroccan tunisian libyan sudanese ethiopian kenyan nigerian \
    senegalese malian somali somalian african indian pakistani afghan bangladeshi vietnamese thai indonesian \
    filipino malaysian burmese cambodian mongolian kazakh uzbek kyrgyz tajik turkmen azerbaijani \
    armenian georgian belarusian moldovan romanian bulgarian serbian croatian bosnian albanian \
    greek hungarian czech slovak slovenian austrian swiss belgian dutch danish swedish norwegian \
    finnish icelandic irish scottish welsh estonian latvian lithuanian canadian mexican cuban \
    venezuelan colombian brazilian argentine argentinian chilean peruvian australian taiwanese \
    european asian western eastern arab arabic kurdish soviet yemeni jordanian cypriot haitian \
    turk kurd pole swede dane finn scot brit briton muslim christian jewish shiite sunni \
    catholic protestant orthodox communist socialist republican democrat democratic conservative \
    liberal north-korean south-korean sino-russian";

/// The four forms of a French nationality adjective.
fn french_forms(m: &str) -> Vec<String> {
    let special = |a: &str, b: &str, c: &str| vec![m.to_owned(), a.to_owned(), b.to_owned(), c.to_owned()];
    match m {
        "turc" => return special("turque", "turcs", "turques"),
        "grec" => return special("grecque", "grecs", "grecques"),
        "occidental" => return special("occidentale", "occidentaux", "occidentales"),
        "oriental" => return special("orientale", "orientaux", "orientales"),
        "libéral" => return special("libérale", "libéraux", "libérales"),
        "juif" => return special("juive", "juifs", "juives"),
        "conservateur" => return special("conservatrice", "conservateurs", "conservatrices"),
        _ => {}
    }
    if m.ends_with('e') {
        return vec![m.to_owned(), format!("{m}s")];
    }
    if m.ends_with("en") {
        return vec![m.to_owned(), format!("{m}ne"), format!("{m}s"), format!("{m}nes")];
    }
    if m.ends_with('s') || m.ends_with('x') {
        return vec![m.to_owned(), format!("{m}e"), format!("{m}es")];
    }
    vec![m.to_owned(), format!("{m}e"), format!("{m}s"), format!("{m}es")]
}

/// The singular and plural of an English nationality word.
fn english_forms(w: &str) -> Vec<String> {
    let plural = w.ends_with("an")
        || w.ends_with('i')
        || w.ends_with("ine")
        || matches!(
            w,
            "turk"
                | "kurd"
                | "pole"
                | "swede"
                | "dane"
                | "finn"
                | "scot"
                | "brit"
                | "briton"
                | "greek"
                | "czech"
                | "afghan"
                | "kazakh"
                | "uzbek"
                | "filipino"
                | "arab"
                | "muslim"
                | "christian"
                | "catholic"
                | "protestant"
                | "communist"
                | "socialist"
                | "republican"
                | "democrat"
                | "conservative"
                | "liberal"
                | "sunni"
                | "shiite"
        );
    if plural { vec![w.to_owned(), format!("{w}s")] } else { vec![w.to_owned()] }
}

fn set(words: &str) -> FastSet {
    words.split_whitespace().map(normalize).collect()
}

/// A hash set of keys with [`FxHasher`].
pub type FastSet = HashSet<String, BuildHasherDefault<FxHasher>>;

/// A hash map from keys with [`FxHasher`].
pub type FastMap<V> = HashMap<String, V, BuildHasherDefault<FxHasher>>;

/// What a calendar word is: a month or a weekday name, in French or in
/// English (a key may be several: bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Calendar(u8);

impl Calendar {
    /// In [`MONTHS_FR`].
    pub const MONTH_FR: Calendar = Calendar(1);
    /// In [`MONTHS_EN`].
    pub const MONTH_EN: Calendar = Calendar(2);
    /// In [`WEEKDAYS_FR`].
    pub const WEEKDAY_FR: Calendar = Calendar(4);
    /// In [`WEEKDAYS_EN`].
    pub const WEEKDAY_EN: Calendar = Calendar(8);

    /// True when it is `what` (among other things).
    pub fn is(self, what: Calendar) -> bool {
        self.0 & what.0 != 0
    }
}

/// The keys of each list with what they are.
fn calendar() -> FastMap<Calendar> {
    let mut out: FastMap<Calendar> = FastMap::default();
    for (list, what) in [
        (MONTHS_FR, Calendar::MONTH_FR),
        (MONTHS_EN, Calendar::MONTH_EN),
        (WEEKDAYS_FR, Calendar::WEEKDAY_FR),
        (WEEKDAYS_EN, Calendar::WEEKDAY_EN),
    ] {
        for key in set(list) {
            out.entry(key).or_default().0 |= what.0;
        }
    }
    out
}

/// The lookup sets, built once.
pub struct Lexicon {
    /// [`DETERMINERS`].
    pub determiners: FastSet,
    /// [`STOPWORDS`].
    pub stopwords: FastSet,
    /// [`NAME_PARTICLES`].
    pub particles: FastSet,
    /// All forms of the French and English nationality words.
    pub demonyms: FastSet,
    /// French months.
    pub months_fr: FastSet,
    /// English months.
    pub months_en: FastSet,
    /// French weekdays.
    pub weekdays_fr: FastSet,
    /// English weekdays.
    pub weekdays_en: FastSet,
    /// Every month and weekday name, with what it is ([`Calendar`]): one
    /// look-up where the four sets above take four.
    pub calendar: FastMap<Calendar>,
    /// [`TEMPORAL_WORDS`].
    pub temporal: FastSet,
    /// [`PORTFOLIOS`].
    pub portfolios: FastSet,
    /// [`PORTFOLIO_ADJECTIVES`].
    pub portfolio_adjectives: FastSet,
    /// [`ROLE_ADJECTIVES`].
    pub role_adjectives: FastSet,
    /// [`ORG_KEYWORDS`].
    pub org_keywords: FastSet,
    /// [`EVENT_KEYWORDS`].
    pub event_keywords: FastSet,
    /// [`LOC_KEYWORDS`].
    pub loc_keywords: FastSet,
    /// [`GENERIC_CAPS`].
    pub generic_caps: FastSet,
    /// [`LOWER_NAME_PREFIXES`].
    pub lower_name_prefixes: Vec<String>,
    /// [`ROLES_EN`].
    pub roles_en: FastSet,
    /// [`THING_HEADS_EN`].
    pub thing_heads_en: FastSet,
    /// [`AWARD_STARTS_EN`].
    pub award_starts_en: FastSet,
    /// [`ORG_HEADS_EN`].
    pub org_heads_en: FastSet,
    /// [`SENTENCE_STARTS_EN`].
    pub sentence_starts_en: FastSet,
    /// Titles by their first key: the title's keys and whether it needs a
    /// capital, longest first.
    pub titles: FastMap<Vec<(Vec<String>, bool)>>,
    /// Every key that is a single-word title or the word of one (`ministre`,
    /// `minister`), to stop capitalised runs.
    pub title_words: FastSet,
    /// [`ENGLISH_MARKERS`] (true) and [`FRENCH_MARKERS`] (false).
    pub language_markers: FastMap<bool>,
}

impl Lexicon {
    /// The shared lexicon.
    pub fn get() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(Lexicon::build)
    }

    fn build() -> Self {
        let mut demonyms: FastSet = DEMONYMS_FR.split_whitespace().flat_map(french_forms).collect();
        demonyms.extend(DEMONYMS_EN.split_whitespace().flat_map(english_forms));
        let mut titles: FastMap<Vec<(Vec<String>, bool)>> = FastMap::default();
        let mut title_words = FastSet::default();
        let all_titles = TITLES_CAPITALISED.split_whitespace().map(|t| (t, true)).chain(TITLES.split('|').map(|t| (t.trim(), false)));
        for (title, cap) in all_titles {
            let keys: Vec<String> = tokenize(title).iter().map(|t| normalize(t.text(title))).collect();
            let Some(first) = keys.first().cloned() else {
                continue;
            };
            if keys.len() == 1 || !matches!(first.as_str(), "chef" | "haut" | "haute" | "envoyé" | "envoyée") {
                let words = keys.iter().filter(|k| k.chars().count() > 2 && !matches!(k.as_str(), "of" | "de" | "la" | "du"));
                title_words.extend(words.cloned());
            }
            titles.entry(first).or_default().push((keys, cap));
        }
        for list in titles.values_mut() {
            list.sort_by_key(|(keys, _)| std::cmp::Reverse(keys.len()));
        }
        // Words of titles that are also words of names.
        for w in ["state", "home", "foreign", "general", "deputy", "special", "vice"] {
            title_words.remove(w);
        }
        Self {
            determiners: set(DETERMINERS),
            stopwords: set(STOPWORDS),
            particles: set(NAME_PARTICLES),
            demonyms,
            months_fr: set(MONTHS_FR),
            months_en: set(MONTHS_EN),
            weekdays_fr: set(WEEKDAYS_FR),
            weekdays_en: set(WEEKDAYS_EN),
            calendar: calendar(),
            temporal: set(TEMPORAL_WORDS),
            portfolios: set(PORTFOLIOS),
            portfolio_adjectives: set(PORTFOLIO_ADJECTIVES),
            role_adjectives: set(ROLE_ADJECTIVES),
            org_keywords: set(ORG_KEYWORDS),
            event_keywords: set(EVENT_KEYWORDS),
            loc_keywords: set(LOC_KEYWORDS),
            generic_caps: set(GENERIC_CAPS),
            lower_name_prefixes: LOWER_NAME_PREFIXES.split_whitespace().map(str::to_owned).collect(),
            roles_en: set(ROLES_EN),
            thing_heads_en: set(THING_HEADS_EN),
            award_starts_en: set(AWARD_STARTS_EN),
            org_heads_en: set(ORG_HEADS_EN),
            sentence_starts_en: set(SENTENCE_STARTS_EN),
            titles,
            title_words,
            language_markers: FRENCH_MARKERS
                .split_whitespace()
                .map(|w| (normalize(w), false))
                .chain(ENGLISH_MARKERS.split_whitespace().map(|w| (normalize(w), true)))
                .collect(),
        }
    }

    /// True for a token written like a name: capitalised, or an Arabic
    /// article prefix before a capital (`al-Assad`).
    pub fn name_cased(&self, text: &str, key: &str) -> bool {
        is_capitalized(text)
            || self
                .lower_name_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()) && key.len() > p.len() && is_capitalized(text.get(p.len()..).unwrap_or("")))
    }

    /// True for a month or weekday name in either language.
    pub fn is_calendar_word(&self, key: &str) -> bool {
        self.calendar.contains_key(key)
    }

    /// True when a text has more English than French function words.
    pub fn is_english(&self, doc: &Tokenized) -> bool {
        let (en, fr) = self.count_markers(doc, 0..doc.len());
        en > fr
    }

    /// The language of a text: `en` when it has more English than French
    /// function words, `fr` when more French, `other` when as many (none,
    /// in a text in another language).
    pub fn language(&self, doc: &Tokenized) -> &'static str {
        let (en, fr) = self.count_markers(doc, 0..doc.len());
        match en.cmp(&fr) {
            std::cmp::Ordering::Greater => "en",
            std::cmp::Ordering::Less => "fr",
            std::cmp::Ordering::Equal => "other",
        }
    }

    fn count_markers(&self, doc: &Tokenized, range: std::ops::Range<usize>) -> (usize, usize) {
        let (mut en, mut fr) = (0usize, 0usize);
        for i in range {
            let key = doc.key(i);
            // Every marker is a short word (at most six bytes).
            if key.len() > 6 {
                continue;
            }
            match self.language_markers.get(key) {
                Some(true) => en += 1,
                Some(false) => fr += 1,
                None => {}
            }
        }
        (en, fr)
    }

    /// The token ranges of a text's English lines, merged: a line is
    /// English when it has more English than French function words; a line
    /// with as many of each (a short headline) belongs with the line before,
    /// or, at the start of the text, with the first line that has more of
    /// one kind.
    ///
    /// `"Le ministre est là.\nThe minister is here.\nOK"` gives the tokens
    /// of the second and third lines.
    pub fn english_ranges(&self, doc: &Tokenized) -> Vec<std::ops::Range<usize>> {
        let tokens = doc.tokens();
        // Lines, with their language when they say (more markers of one).
        let mut lines: Vec<(usize, usize, Option<bool>)> = Vec::new();
        let mut start = 0;
        while start < tokens.len() {
            let mut end = start + 1;
            while tokens.get(end).is_some_and(|t| !t.newline_before) {
                end += 1;
            }
            let (en, fr) = self.count_markers(doc, start..end);
            lines.push((start, end, (en != fr).then_some(en > fr)));
            start = end;
        }
        // Lines that do not say belong with the line before; the first ones
        // (a headline) with the first line that says.
        let mut english = lines.iter().find_map(|l| l.2).unwrap_or(false);
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        for (start, end, says) in lines {
            if let Some(e) = says {
                english = e;
            }
            if english {
                match out.last_mut() {
                    Some(last) if last.end == start => last.end = end,
                    _ => out.push(start..end),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nationality_words_have_all_their_forms() {
        let lex = Lexicon::get();
        for w in [
            "russe",
            "russes",
            "chinoise",
            "chinois",
            "ukrainienne",
            "nord-coréens",
            "turques",
            "occidentaux",
            "russian",
            "russians",
            "chinese",
            "iraqis",
            "swiss",
        ] {
            assert!(lex.demonyms.contains(w), "{w}");
        }
        assert!(!lex.demonyms.contains("chinoiss"));
    }

    #[test]
    fn titles_are_indexed_by_first_key_longest_first() {
        let lex = Lexicon::get();
        let premier = &lex.titles["premier"];
        assert_eq!(premier[0].0, ["premier", "ministre"]);
        let sec = &lex.titles["secrétaire"];
        assert!(sec.iter().any(|(k, _)| k == &["secrétaire", "d'", "état"]));
        assert!(lex.titles["m."].iter().all(|(_, cap)| *cap));
        assert!(lex.title_words.contains("ministre") && lex.title_words.contains("president"));
        assert!(!lex.title_words.contains("state"));
        assert!(lex.is_calendar_word("juillet") && lex.is_calendar_word("sunday"));
    }

    #[test]
    fn tells_english_from_french() {
        let lex = Lexicon::get();
        let en = Tokenized::new("The minister said that the talks in Beijing were over.");
        let fr = Tokenized::new("Le ministre a dit que les discussions à Pékin sont finies.");
        assert!(lex.is_english(&en) && !lex.is_english(&fr));
        assert!(!lex.is_english(&Tokenized::new("Lavrov, Pékin")));
        let mixed = Tokenized::new("Le ministre est là.\nThe minister is here.\nOK\nIl est parti.");
        let ranges = lex.english_ranges(&mixed);
        assert_eq!(ranges.len(), 1);
        assert_eq!((ranges[0].start, ranges[0].end), (5, 11));
        assert!(lex.english_ranges(&Tokenized::new("")).is_empty());
    }
}
