"""Write jobsight/data/skills/spoken_languages.yml: the spoken languages of ISO 639-1, with the
names German and Romanian job ads use for them, from the ISO 639-2 tables and translations of
the iso-codes package (``apt-get install iso-codes``). Run it again when iso-codes changes;
the file it writes is committed, so Jobsight itself needs neither.

For each language: the English name ("German", and "German language"), the German name with the
compounds ads write ("Deutsch", "Deutschkenntnisse", "Deutschkenntnissen"), and the Romanian
name with and without diacritics, with "limba" and in the genitive after "limbii" ("limba
germană", "limbii germane"). A bare name counts only near words about language or level (the
extractor's rule for spoken languages); the longer forms count alone.
"""
from __future__ import annotations

import gettext
import json
import re
import unicodedata
from pathlib import Path

ISO_JSON = Path("/usr/share/iso-codes/json/iso_639-2.json")
LOCALES = Path("/usr/share/locale")
OUT = Path(__file__).resolve().parent.parent / "jobsight" / "data" / "skills" / "spoken_languages.yml"

# Names that are also everyday words in English, German or Romanian ("afară" is "outside"), or
# languages no job ad asks for: left out rather than risk false matches.
LEFT_OUT = {"Afar", "Nauru", "Cree", "Tonga (Tonga Islands)", "Ewe", "Ido", "Sango", "Twi", "Fulah", "Kongo",
            "Herero", "Ndonga", "Swati", "Venda", "Avaric", "Avestan", "Volapük",
            "Interlingua (International Auxiliary Language Association)", "Interlingue; Occidental",
            "Church Slavic; Old Slavonic; Church Slavonic; Old Bulgarian; Old Church Slavonic", "Pali", "Ojibwa",
            "Chamorro", "Hiri Motu", "Kanuri", "Marshallese", "Bislama", "Kuanyama; Kwanyama", "Sichuan Yi; Nuosu",
            "Luba-Katanga", "Ndebele, North; North Ndebele", "Ndebele, South; South Ndebele", "Northern Sami",
            "Walloon", "Limburgan; Limburger; Limburgish", "Aragonese", "Tsonga", "Komi", "Manx", "Sardinian",
            "Tahitian", "Zhuang; Chuang", "Navajo; Navaho", "Inupiaq", "Kalaallisut; Greenlandic",
            "Ossetian; Ossetic", "Aymara", "Divehi; Dhivehi; Maldivian", "Dzongkha", "Oriya", "Abkhazian",
            "Chichewa; Chewa; Nyanja", "Rundi", "Sotho, Southern", "Tswana", "Ganda", "Akan", "Bihari languages",
            "Bokmål, Norwegian; Norwegian Bokmål", "Norwegian Nynorsk; Nynorsk, Norwegian"}
# Display names where ISO's first name is not the one ads use.
DISPLAY = {"Greek, Modern (1453-)": "Greek", "Panjabi; Punjabi": "Punjabi", "Pushto; Pashto": "Pashto",
           "Dutch; Flemish": "Dutch", "Spanish; Castilian": "Spanish", "Catalan; Valencian": "Catalan",
           "Sinhala; Sinhalese": "Sinhala", "Kirghiz; Kyrgyz": "Kyrgyz", "Uighur; Uyghur": "Uyghur",
           "Gaelic; Scottish Gaelic": "Scottish Gaelic", "Central Khmer": "Khmer", "Haitian; Haitian Creole": "Haitian Creole",
           "Luxembourgish; Letzeburgesch": "Luxembourgish", "Occitan (post 1500)": "Occitan",
           "Norwegian Bokmål": "Norwegian Bokmål", "Persian": "Persian", "Malay": "Malay",
           "Romanian; Moldavian; Moldovan": "Romanian", "Chinese": "Chinese"}
# The forms ads use beyond ISO's names.
EXTRA = {"Chinese": ["mandarin", "mandarin chinese", "cantonese", "chinesisch", "chineză", "limba chineză"],
         "Persian": ["farsi"], "Norwegian": ["norsk", "bokmål", "nynorsk"], "Romanian": ["moldovan", "limba moldovenească", "limba moldoveneasca", "română", "romana", "limba română",
                      "limba romana", "limbii române", "limbii romane", "rumänisch", "rumänischkenntnisse"],
         "Spanish": ["español", "castellano"], "German": ["deutsche sprache"], "English": ["business english"],
         "French": ["français"], "Italian": ["italiano"], "Russian": ["русский", "русский язык"],
         "Ukrainian": ["українська"], "Greek": ["ελληνικά"], "Portuguese": ["português"],
         "Turkish": ["türkçe"], "Polish": ["polski", "język polski"], "Dutch": ["nederlands", "flemish"]}
# Bare names that are everyday words elsewhere ("Polish" the verb): only these capitalisations.
EXACT_CASE = {"Polish": ["Polish", "POLISH"], "Malay": ["Malay"], "Lao": ["Lao"], "Latin": ["Latin"],
              "Tamil": ["Tamil"], "Igbo": ["Igbo"], "Shona": ["Shona"], "Romansh": ["Romansh"]}


def _plain(text: str) -> str:
    """Without diacritics: "limba germană" → "limba germana" (ads write both)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _romanian(name: str) -> list[str]:
    name = name.split(";")[0].strip().lower()
    forms = {name, f"limba {name}"}
    if name.endswith("ă"):  # adjective: germană → limbii germane, cunoașterea limbii germane
        forms.add(f"limbii {name[:-1]}e")
    if name.endswith("ă") and not name.endswith("eană"):
        forms.add(name[:-1] + "a")  # definite form: engleza, germana
    return sorted(forms | {_plain(form) for form in forms})


def _german(name: str) -> list[str]:
    name = name.split(";")[0].strip()
    if " " in name or "-" in name:
        return [name.lower()]
    lower = name.lower()
    return [lower, f"{lower}kenntnisse", f"{lower}kenntnissen", f"{lower}kenntnis"]


def build() -> list[dict]:
    de = gettext.translation("iso_639-2", localedir=str(LOCALES), languages=["de"])
    ro = gettext.translation("iso_639-2", localedir=str(LOCALES), languages=["ro"])
    entries = json.loads(ISO_JSON.read_text())["639-2"]
    skills = []
    for entry in entries:
        iso = entry["name"]
        if "alpha_2" not in entry or iso in LEFT_OUT:
            continue
        display = DISPLAY.get(iso, re.sub(r"\s*\(.*\)", "", iso.split(";")[0]).split(",")[0].strip())
        english = {part.strip().lower() for part in re.sub(r"\(.*?\)", "", iso).split(";") if part.strip()}
        english = {name for name in english if "," not in name} | {display.lower()}
        aliases = set(english) | {f"{name} language" for name in english}
        for translation, forms in ((de.gettext(iso), _german), (ro.gettext(iso), _romanian)):
            if translation != iso:  # untranslated: the English name again
                aliases |= set(forms(translation))
        aliases |= set(EXTRA.get(display, ()))
        aliases.discard(display.lower())
        skill = {"name": display, "category": "spoken_language", "area": "languages",
                 "aliases": sorted(aliases), "ambiguous": True}
        if display in EXACT_CASE:
            skill["exact_case"] = EXACT_CASE[display]
        skills.append(skill)
    return sorted(skills, key=lambda skill: skill["name"])


def main() -> None:
    skills = build()
    lines = ["# Spoken languages (ISO 639-1), with German and Romanian forms: written by",
             "# scripts/build_spoken_languages.py from the iso-codes tables. Edit the script, not this file.",
             "skills:"]
    for skill in skills:
        lines.append("  - " + json.dumps(skill, ensure_ascii=False))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(skills)} spoken languages written to {OUT}")


if __name__ == "__main__":
    main()
