"""Turn a free-text job location into ``(city, region, country_iso2)`` with a small curated gazetteer.

The gazetteer covers major tech cities, every country name a job board commonly writes, US
states, Canadian provinces and macro regions (EMEA, APAC, ...). Anything it does not know is
kept as the city text with no region or country (unless the source gave a country hint).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# city | aliases (comma-separated) | region | country
_CITIES = """
New York|new york city,nyc,manhattan,brooklyn|NY|US
San Francisco|sf,san francisco bay area,bay area,sfo|CA|US
Los Angeles||CA|US
San Jose||CA|US
San Diego||CA|US
Palo Alto||CA|US
Mountain View||CA|US
Sunnyvale||CA|US
Menlo Park||CA|US
Seattle||WA|US
Redmond||WA|US
Austin||TX|US
Dallas||TX|US
Houston||TX|US
Boston||MA|US
Chicago||IL|US
Denver||CO|US
Boulder||CO|US
Atlanta||GA|US
Miami||FL|US
Washington|washington dc,washington d.c.|DC|US
Portland||OR|US
Philadelphia||PA|US
Pittsburgh||PA|US
Raleigh||NC|US
Salt Lake City||UT|US
Phoenix||AZ|US
Minneapolis||MN|US
Detroit||MI|US
Nashville||TN|US
Toronto||ON|CA
Vancouver||BC|CA
Montreal|montréal|QC|CA
Ottawa||ON|CA
Calgary||AB|CA
Waterloo||ON|CA
London||England|GB
Manchester||England|GB
Cambridge||England|GB
Oxford||England|GB
Bristol||England|GB
Edinburgh||Scotland|GB
Glasgow||Scotland|GB
Belfast||Northern Ireland|GB
Dublin||Leinster|IE
Cork||Munster|IE
Berlin||Berlin|DE
Munich|münchen,munchen,muenchen|Bavaria|DE
Hamburg||Hamburg|DE
Frankfurt|frankfurt am main,frankfurt/main|Hesse|DE
Cologne|köln,koln,koeln|North Rhine-Westphalia|DE
Düsseldorf|dusseldorf,duesseldorf|North Rhine-Westphalia|DE
Stuttgart||Baden-Württemberg|DE
Karlsruhe||Baden-Württemberg|DE
Leipzig||Saxony|DE
Dresden||Saxony|DE
Nuremberg|nürnberg,nurnberg|Bavaria|DE
Vienna|wien|Vienna|AT
Zurich|zürich,zuerich|Zurich|CH
Geneva|genève,geneve,genf|Geneva|CH
Basel||Basel-Stadt|CH
Lausanne||Vaud|CH
Bern|berne|Bern|CH
Amsterdam||North Holland|NL
Rotterdam||South Holland|NL
The Hague|den haag,'s-gravenhage|South Holland|NL
Utrecht||Utrecht|NL
Eindhoven||North Brabant|NL
Brussels|bruxelles,brussel|Brussels|BE
Antwerp|antwerpen|Flanders|BE
Luxembourg|luxembourg city||LU
Paris||Île-de-France|FR
Lyon||Auvergne-Rhône-Alpes|FR
Madrid||Madrid|ES
Barcelona||Catalonia|ES
Valencia||Valencia|ES
Málaga|malaga|Andalusia|ES
Lisbon|lisboa|Lisbon|PT
Porto|oporto|Porto|PT
Milan|milano|Lombardy|IT
Rome|roma|Lazio|IT
Warsaw|warszawa,warschau|Masovia|PL
Kraków|krakow,cracow|Lesser Poland|PL
Wrocław|wroclaw|Lower Silesia|PL
Gdańsk|gdansk|Pomerania|PL
Poznań|poznan|Greater Poland|PL
Prague|praha,prag|Prague|CZ
Brno||South Moravia|CZ
Budapest||Budapest|HU
Bucharest|bucurești,bucuresti,bukarest|Bucharest|RO
Cluj-Napoca|cluj,cluj napoca|Cluj|RO
Iași|iasi,jassy|Iași|RO
Timișoara|timisoara|Timiș|RO
Brașov|brasov|Brașov|RO
Sibiu||Sibiu|RO
Constanța|constanta|Constanța|RO
Oradea||Bihor|RO
Craiova||Dolj|RO
Chișinău|chisinau,chişinău,kishinev,кишинев,кишинэу,chisinev|Chișinău|MD
Bălți|balti,bălţi,бельцы|Bălți|MD
Cahul||Cahul|MD
Orhei||Orhei|MD
Ungheni||Ungheni|MD
Soroca||Soroca|MD
Comrat||Gagauzia|MD
Tiraspol||Transnistria|MD
Kyiv|kiev,київ,киев|Kyiv|UA
Lviv|lvov,львів|Lviv|UA
Kharkiv|kharkov|Kharkiv|UA
Odesa|odessa|Odesa|UA
Stockholm||Stockholm|SE
Gothenburg|göteborg,goteborg|Västra Götaland|SE
Malmö|malmo|Skåne|SE
Oslo||Oslo|NO
Copenhagen|københavn,kobenhavn|Capital Region|DK
Aarhus||Central Jutland|DK
Helsinki||Uusimaa|FI
Tallinn||Harju|EE
Riga||Riga|LV
Vilnius||Vilnius|LT
Sofia||Sofia|BG
Belgrade|beograd|Belgrade|RS
Athens|athina|Attica|GR
Istanbul|İstanbul|Istanbul|TR
Tel Aviv|tel aviv-yafo,tel-aviv|Tel Aviv|IL
Dubai||Dubai|AE
Bangalore|bengaluru|Karnataka|IN
Hyderabad||Telangana|IN
Pune||Maharashtra|IN
Mumbai|bombay|Maharashtra|IN
Chennai||Tamil Nadu|IN
New Delhi|delhi|Delhi|IN
Gurgaon|gurugram|Haryana|IN
Noida||Uttar Pradesh|IN
Singapore|||SG
Tokyo||Tokyo|JP
Osaka||Osaka|JP
Seoul||Seoul|KR
Taipei||Taipei|TW
Hong Kong|||HK
Shanghai||Shanghai|CN
Beijing||Beijing|CN
Shenzhen||Guangdong|CN
Sydney||NSW|AU
Melbourne||VIC|AU
Brisbane||QLD|AU
Perth||WA|AU
Auckland||Auckland|NZ
Wellington||Wellington|NZ
São Paulo|sao paulo|São Paulo|BR
Mexico City|ciudad de méxico,cdmx|CDMX|MX
Buenos Aires||Buenos Aires|AR
Cape Town||Western Cape|ZA
Johannesburg||Gauteng|ZA
Lagos||Lagos|NG
Nairobi||Nairobi|KE
Cairo||Cairo|EG
"""

_COUNTRIES = {
    "US": "united states,united states of america,usa,us,u.s.,u.s.a.,america,estados unidos",
    "CA": "canada",
    "GB": "united kingdom,uk,u.k.,great britain,britain,england,scotland,wales,northern ireland,gb",
    "IE": "ireland,éire",
    "DE": "germany,deutschland,germania,allemagne",
    "AT": "austria,österreich,osterreich",
    "CH": "switzerland,schweiz,suisse,svizzera",
    "NL": "netherlands,the netherlands,holland,nederland",
    "BE": "belgium,belgique,belgië",
    "LU": "luxembourg",
    "FR": "france,franța,franta",
    "ES": "spain,españa,espana,spania",
    "PT": "portugal",
    "IT": "italy,italia",
    "PL": "poland,polska,polonia",
    "CZ": "czech republic,czechia,česko,cesko",
    "SK": "slovakia",
    "HU": "hungary,magyarország",
    "RO": "romania,românia,rumänien,rumaenien",
    "MD": "moldova,republic of moldova,moldova republic of,republica moldova,r. moldova,rm,молдова,moldawien",
    "UA": "ukraine,україна,ucraina",
    "BG": "bulgaria",
    "RS": "serbia",
    "HR": "croatia",
    "SI": "slovenia",
    "GR": "greece",
    "TR": "turkey,türkiye,turkiye",
    "SE": "sweden,sverige",
    "NO": "norway,norge",
    "DK": "denmark,danmark",
    "FI": "finland,suomi",
    "IS": "iceland",
    "EE": "estonia",
    "LV": "latvia",
    "LT": "lithuania",
    "CY": "cyprus",
    "MT": "malta",
    "IL": "israel",
    "AE": "united arab emirates,uae",
    "IN": "india",
    "PK": "pakistan",
    "SG": "singapore",
    "JP": "japan",
    "KR": "south korea,korea",
    "CN": "china",
    "TW": "taiwan",
    "HK": "hong kong",
    "PH": "philippines",
    "VN": "vietnam,viet nam",
    "ID": "indonesia",
    "MY": "malaysia",
    "TH": "thailand",
    "AU": "australia",
    "NZ": "new zealand",
    "BR": "brazil,brasil",
    "MX": "mexico,méxico",
    "AR": "argentina",
    "CO": "colombia",
    "CL": "chile",
    "ZA": "south africa",
    "NG": "nigeria",
    "KE": "kenya",
    "EG": "egypt",
}

_US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "FL": "florida", "GA": "georgia",
    "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa", "KS": "kansas",
    "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland", "MA": "massachusetts",
    "MI": "michigan", "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico",
    "NY": "new york state", "NC": "north carolina", "ND": "north dakota", "OH": "ohio",
    "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island",
    "SC": "south carolina", "SD": "south dakota", "TN": "tennessee", "TX": "texas", "UT": "utah",
    "VT": "vermont", "VA": "virginia", "WA": "washington state", "WV": "west virginia",
    "WI": "wisconsin", "WY": "wyoming", "DC": "district of columbia",
}
_CA_PROVINCES = {
    "ON": "ontario", "BC": "british columbia", "QC": "quebec,québec", "AB": "alberta",
    "MB": "manitoba", "SK": "saskatchewan", "NS": "nova scotia", "NB": "new brunswick",
    "NL": "newfoundland and labrador,newfoundland", "PE": "prince edward island",
}
_MACRO_REGIONS = {
    "emea": "EMEA", "apac": "APAC", "latam": "LATAM", "latin america": "LATAM",
    "europe": "Europe", "eu": "Europe", "european union": "Europe", "europa": "Europe",
    "cet": "Europe", "cet timezone": "Europe", "north america": "North America", "americas": "Americas",
    "asia": "Asia", "asia pacific": "APAC", "middle east": "Middle East", "africa": "Africa",
    "nordics": "Nordics", "dach": "DACH", "cee": "CEE", "eastern europe": "CEE",
}
_ANYWHERE = frozenset(
    "anywhere,worldwide,global,globally,anywhere in the world,world,earth,international,remote,"
    "fully remote,100% remote,remote only,remote first,work from home,wfh,hybrid,onsite,on-site,"
    "on site,in office,office,flexible,multiple locations,various locations,tbd,n/a,none".split(",")
)
# Words around a place that are about the workplace, not the place ("Remote - US only").
_NOISE_WORDS = re.compile(
    r"\b(?:fully\s+remote|remote[- ](?:first|friendly|only|ok)|remote|hybrid|on[- ]?site|in[- ]office|"
    r"office|only|based|within|timezones?|time\s+zones?|tz|work\s+from\s+home|wfh|anywhere\s+in(?:\s+the)?|"
    r"candidates?\s+in|must\s+(?:be\s+)?(?:located|based)\s+in|located\s+in|residents?\s+of|preferred|"
    r"home\s*office|la\s+distan[țţt][ăa])\b|\b100\s*%",
    re.IGNORECASE,
)
_SPLIT_LOCATIONS = re.compile(
    r"\s*(?:;|\||\n|\s+or\s+|\s+/\s+|\s+&\s+|\s+and\s+|\s+sau\s+|\s+oder\s+)\s*", re.IGNORECASE
)
_SPLIT_PARTS = re.compile(r"\s*(?:,|\(|\)|\[|\]|·|•|\s[-–—]\s|^[-–—]\s|\s[-–—]$|:)\s*")
_CITYISH = re.compile(r"^[^\W\d_][^\d@/\\<>{}=_#*]{0,48}$")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("ı", "i").split()).strip(" .")


def _build_city_index() -> dict[str, tuple[str, str | None, str]]:
    index: dict[str, tuple[str, str | None, str]] = {}
    for line in _CITIES.strip().splitlines():
        name, aliases, region, country = line.split("|")
        entry = (name, region or None, country)
        for spelling in [name, *filter(None, aliases.split(","))]:
            index.setdefault(_fold(spelling), entry)
    return index


def _build_country_index() -> dict[str, str]:
    index = {}
    for code, names in _COUNTRIES.items():
        for name in names.split(","):
            index[_fold(name)] = code
    return index


def _build_region_index() -> dict[str, tuple[str, str]]:
    index = {}
    for code, name in _US_STATES.items():
        index[_fold(name)] = (code, "US")
    for code, names in _CA_PROVINCES.items():
        for name in names.split(","):
            index[_fold(name)] = (code, "CA")
    for code, name in (("NSW", "new south wales"), ("VIC", "victoria"), ("QLD", "queensland")):
        index[_fold(name)] = (code, "AU")
        index[code.lower()] = (code, "AU")
    index["bavaria"] = index["bayern"] = ("Bavaria", "DE")
    index["california state"] = ("CA", "US")
    return index


_CITY_INDEX = _build_city_index()
_COUNTRY_INDEX = _build_country_index()
_REGION_INDEX = _build_region_index()
_COUNTRY_CODES = frozenset(_COUNTRIES)
_AU_STATES = frozenset({"NSW", "VIC", "QLD", "WA", "SA", "TAS", "NT", "ACT"})


def parse_location(text: str | None, country_hint: str | None = None) -> tuple[str | None, str | None, str | None]:
    """``(city, region, country_iso2)`` for a location text; never raises.

    Multi-location texts ("Berlin; Munich") are read by their first location. A country given
    by the source (``country_hint``) is used when the text names none.
    """
    return _parse_location(
        text if isinstance(text, str) else None,
        country_hint if isinstance(country_hint, str) else None,
    )


# Feeds repeat the same few hundred location strings thousands of times.
@lru_cache(maxsize=8192)
def _parse_location(text: str | None, country_hint: str | None) -> tuple[str | None, str | None, str | None]:
    hint = country_hint.strip().upper() if country_hint and len(country_hint.strip()) == 2 else None
    if not text or not text.strip():
        return None, None, hint
    first = next((p for p in _SPLIT_LOCATIONS.split(text.strip()) if p and p.strip(" -–—,")), "")
    whole = _fold(first)
    if whole in _ANYWHERE or _fold(text) in _ANYWHERE:
        return None, None, hint
    parts = [p.strip(" .-–—") for p in _SPLIT_PARTS.split(_NOISE_WORDS.sub(" ", first))]
    parts = [p for p in parts if p and _fold(p) and _fold(p) not in _ANYWHERE]
    if not parts:
        return None, None, hint

    city = region = country = macro = None
    unknown: list[str] = []
    for index, part in enumerate(parts):
        key = _fold(part)
        if city is None and key in _CITY_INDEX:
            city_name, city_region, city_country = _CITY_INDEX[key]
            city, region, country = city_name, region or city_region, country or city_country
            continue
        if key in _MACRO_REGIONS:
            macro = macro or _MACRO_REGIONS[key]
            continue
        code = _code_of(part, key, index, city_country=country, hint=hint)
        if code is not None:
            kind, value, owner = code
            if kind == "country":
                country = value if country is None or country == value or city is None else country
            elif kind == "moved":
                region, country = value, owner
            else:
                region, country = value, country or owner
            continue
        unknown.append(part)

    if city is None and unknown:
        candidate = unknown[0]
        city = candidate if _CITYISH.match(candidate) else None
    if country is None:
        country = hint
    if region is None and country is None:
        region = macro
    return city, region, country


def _code_of(part: str, key: str, index: int, city_country: str | None, hint: str | None):
    """Classify a part as ("country", ISO2, None), ("region", code, ISO2) or ("moved", code, ISO2)
    (a state or province that overrides the country of a gazetteer city), or None."""
    if key in _COUNTRY_INDEX and not (len(part) == 2 and part.isupper()):
        return "country", _COUNTRY_INDEX[key], None
    if key in _REGION_INDEX:
        code, owner = _REGION_INDEX[key]
        return "region", code, owner
    token = part.strip()
    if len(token) == 2 and token.isalpha() and token.isupper():
        is_state = token in _US_STATES
        is_province = token in _CA_PROVINCES
        is_country = token in _COUNTRY_CODES or token == "UK"
        after_place = index > 0
        # "Chisinau, MD" is Moldova but "Baltimore, MD" is Maryland: the known city decides;
        # for an unknown city, the US "City, ST" convention does, unless the hint says otherwise.
        if is_country and city_country == (token if token != "UK" else "GB"):
            return "country", city_country, None
        if token in _AU_STATES and city_country == "AU":
            return "region", token, "AU"  # "Perth, WA" is Western Australia
        if is_state and (city_country == "US" or (after_place and city_country is None and hint in (None, "US"))):
            return "region", token, "US"
        if is_province and (city_country == "CA" or (after_place and city_country is None and hint == "CA")):
            return "region", token, "CA"
        if after_place and city_country is not None and (is_state or is_province):
            # A namesake abroad: "Cambridge, MA", "Paris, TX", "London, ON".
            return "moved", token, "US" if is_state else "CA"
        if is_country:
            return "country", "GB" if token == "UK" else token, None
        if is_state:
            return "region", token, "US"
    if key in _COUNTRY_INDEX:
        return "country", _COUNTRY_INDEX[key], None
    return None
