"""The scrub's rules for details: email addresses, web addresses and user names, exact
dates, street addresses, identity and account numbers, and phone numbers, in English,
French and Chinese forms. Plain Python.

Not replaced: bare years ("in 2024"), months without a day ("in March 2026"), amounts and
counts ("300 euros", "120 000 people"), year ranges ("2019-2024").
"""

import re

from remedy.narratives.names import MONTHS, STOP_WORDS
from remedy.narratives.spans import (
    LAT,
    MARKS,
    SP,
    WORD,
    ZH_CHAR,
    apply_spans,
    find_spans,
)

# --- email addresses and links -----------------------------------------------------------

_EMAIL = re.compile(
    rf"(?<![{WORD}.%+-])[{LAT}0-9._%+-]+"
    rf"(?:@|＠|{SP}?[\[(]at[\])]{SP}?)"
    rf"[{LAT}0-9-]+(?:(?:\.|{SP}?[\[(]dot[\])]{SP}?)[{LAT}0-9-]+)+", re.IGNORECASE)
_URL = re.compile(rf"(?<![{WORD}@])(?:https?://|www\.)[^\s<>\"'）)\]]+[^\s<>\"'）)\].,;:!?。，]",
                  re.IGNORECASE)
_DOMAIN_PATH = re.compile(
    rf"(?<![{WORD}@./-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|io|me|eu|fr|cn|uk|dk|de|"
    rf"se|be|ch|ca|us)/[^\s<>\"'）)\]]*[^\s<>\"'）)\].,;:!?。，]", re.IGNORECASE)
_HANDLE = re.compile(rf"(?<![{WORD}@.])@[A-Za-z0-9_]{{2,30}}(?![{WORD}@])")
_ACCOUNT = re.compile(
    r"(?:wechat|weixin|skype|telegram|whatsapp|instagram|twitter|facebook|linkedin|tiktok|"
    r"微信号?|QQ号?|抖音号?|微博)"
    rf"(?:{SP}*(?:id|ID|号){SP}*[:：]?|{SP}*[:：]){SP}*(?P<x>[A-Za-z0-9_.-]{{3,40}})",
    re.IGNORECASE)


def replace_emails_and_links(text: str, counts: dict) -> str:
    text = apply_spans(text, find_spans(_EMAIL, "email", text), counts)
    for pattern in (_URL, _DOMAIN_PATH, _ACCOUNT, _HANDLE):
        text = apply_spans(text, find_spans(pattern, "link", text), counts)
    return text


# --- exact dates ---------------------------------------------------------------------------

_EN_MONTH = (r"January|February|March|April|May|June|July|August|September|October|November|"
             r"December")
_FR_MONTH = r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_ABBR = r"Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|janv|févr|fevr|avr|juil|déc"
_MONTH = rf"(?:{_EN_MONTH}|{_FR_MONTH}|(?:{_ABBR})(?:\.(?={SP}?\d))?)(?![{LAT}])"
_WEEKDAY = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Tues|Tue|Wed|Thurs|"
            r"Thur|Thu|Fri|Sat|Sun|Mon|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
            rf"(?![{LAT}])")
_DAY = rf"(?<!\d)(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th|er|re|ème|eme|e)?(?![{LAT}\d])"
_YEAR = r"(?:1[89]|20)\d{2}(?!\d)"
_WEEKDAY_PREFIX = rf"(?:{_WEEKDAY},?{SP}+(?:(?:the|le){SP}+)?)?"

_DAY_MONTH = re.compile(
    rf"(?<![{WORD}]){_WEEKDAY_PREFIX}{_DAY}(?:{SP}+of)?{SP}+{_MONTH}(?:,?{SP}+{_YEAR})?",
    re.IGNORECASE)
_MONTH_DAY = re.compile(
    rf"(?<![{WORD}]){_WEEKDAY_PREFIX}(?P<month>{_MONTH}){SP}+{_DAY}(?:,?{SP}+{_YEAR})?",
    re.IGNORECASE)
_WEEKDAY_DAY = re.compile(
    rf"(?<![{WORD}])(?P<weekday>{_WEEKDAY}),?{SP}+(?P<the>(?:the|le){SP}+)?(?P<day>{_DAY})",
    re.IGNORECASE)
_NUMERIC_DATE = re.compile(
    rf"(?<![{WORD}])(?<!\d[-/.])(?:"
    r"(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}|\d{2})"
    rf")(?![{WORD}]|[-/.]\d)")
_SHORT_DATE = re.compile(
    rf"(?<![{WORD}])(?:(?:on|the|le|du|au|since|depuis|until|from|dès|jusqu['’]au){SP}+"
    rf"(?P<x>(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}}))|(?<!\d[-/.])(?P<y>(?P<c>\d{{2}})/(?P<d>\d{{2}})))"
    rf"(?![{WORD}]|[-/.]\d)", re.IGNORECASE)
_ZH_NUMERAL = "〇零一二三四五六七八九十"
_ZH_DATE = re.compile(
    rf"(?<!\d)(?:(?:\d{{4}}|[{_ZH_NUMERAL}]{{4}}){SP}*年{SP}*)?"
    rf"(?:\d{{1,2}}|[{_ZH_NUMERAL}]{{1,3}}){SP}*月{SP}*(?:\d{{1,2}}|[{_ZH_NUMERAL}]{{1,3}}){SP}*[日号號]"
    r"(?:\s*[（(]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?)?")


def _plausible(day: str, month: str) -> bool:
    d, m = int(day), int(month)
    return (1 <= d <= 31 and 1 <= m <= 12) or (1 <= m <= 31 and 1 <= d <= 12)


def _numeric_date(match) -> str | None:
    if match.group("y1"):
        return "date" if 1 <= int(match.group("m1")) <= 12 and 1 <= int(match.group("d1")) <= 31 \
            else None
    return "date" if _plausible(match.group("a"), match.group("b")) else None


def _short_date(match) -> str | None:
    if match.group("x"):
        return "date" if _plausible(match.group("a"), match.group("b")) else None
    c, d = int(match.group("c")), int(match.group("d"))
    return "date" if 1 <= c <= 31 and 1 <= d <= 12 else None


def _month_day(match) -> str | None:
    # "may" in lower case is a verb ("you may 2 ..."): only the capitalised month counts.
    return None if match.group("month") == "may" else "date"


def _weekday_day(match) -> str | None:
    """"lundi 4", "Monday the 4th" (an English weekday needs "the" or an ordinal)."""
    english = match.group("weekday").casefold() not in (
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    has_ordinal = not match.group("day")[-1].isdigit()
    if english and not (match.group("the") or has_ordinal):
        return None
    return "date"


def replace_dates(text: str, counts: dict) -> str:
    text = apply_spans(text, find_spans(_NUMERIC_DATE, None, text, _numeric_date), counts)
    text = apply_spans(text, find_spans(_DAY_MONTH, "date", text), counts)
    text = apply_spans(text, find_spans(_MONTH_DAY, None, text, _month_day), counts)
    text = apply_spans(text, find_spans(_WEEKDAY_DAY, None, text, _weekday_day), counts)
    text = apply_spans(text, find_spans(_ZH_DATE, "date", text), counts)
    return apply_spans(text, find_spans(_SHORT_DATE, None, text, _short_date), counts)


# --- street addresses ----------------------------------------------------------------------

_NOT_A_YEAR = r"(?!(?:19|20)\d\d(?![\dA-Za-z]))"  # "in 2020 Acme Park": a year
_CAP = rf"[A-Z\u00c0-\u00d6\u00d8-\u00de][{LAT}'’]*(?:-[{LAT}'’]+)*(?![0-9])"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?" + SP + r"?\d[A-Z]{2}"
_EN_TYPES = (r"(?:Street|St|Road|Rd|Avenue|Ave|Av|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Close|"
             r"Court|Ct|Place|Pl|Square|Sq|Terrace|Crescent|Cres|Gardens|Grove|Hill|Row|Mews|"
             r"Parade|Walk|Highway|Hwy|Park|Rise|Green|Wharf|Quay|Circle|Parkway|Pkwy)"
             r"(?![A-Za-z])\.?")
_EN_ADDRESS = re.compile(
    rf"(?<![{WORD}])(?:(?:Flat|Apartment|Apt\.?|Unit|Suite|Room|Floor){SP}+\d{{1,4}}[A-Za-z]?,?{SP}+)?"
    rf"{_NOT_A_YEAR}\d{{1,5}}[A-Za-z]?(?:[-/]\d{{1,5}}[A-Za-z]?)?,?{SP}+(?:{_CAP}{SP}+){{1,4}}{_EN_TYPES}"
    rf"(?:,{SP}*(?!{_UK_POSTCODE}){_CAP}(?:{SP}+{_CAP})?)?(?:,?{SP}*{_UK_POSTCODE}(?![{WORD}]))?")
_EN_UNIT = re.compile(rf"(?<![{WORD}])(?:Flat|Apartment|Apt\.?|P\.?O\.?{SP}*Box){SP}+\d{{1,5}}[A-Za-z]?(?![{WORD}])")
_EN_STREET = re.compile(
    rf"(?<![{WORD}'’-])(?P<x>(?:{_CAP}{SP}+){{1,3}}(?:Street|Road|Avenue|Lane|Boulevard|Crescent|Terrace))"
    rf"(?![A-Za-z])")
_POSTCODE_ALONE = re.compile(rf"(?<![{WORD}]){_UK_POSTCODE}(?![{WORD}])")

_FR_ALWAYS = r"rue|avenue|boulevard|impasse|allée|allee|quai|faubourg"
_FR_TYPES = (_FR_ALWAYS + r"|av\.|bd|bld|fbg|place|pl\.|chemin|route|rte|cours|square|"
             r"passage|voie|sentier|rond-point|résidence|residence|cité|cite|lotissement|hameau|"
             r"lieu-dit|parvis|esplanade|promenade|villa|ruelle|cour|montée|traverse")
_FR_PART = rf"(?:de{SP}+la|de{SP}+l['’]|d['’]|du|des|de|la|le|les|l['’]|aux|au|à{SP}+la|à|sur|sous|en)"
_FR_WORD = rf"(?:{_CAP}|[{MARKS}])"
_FR_NAME = (rf"(?:{_FR_PART}{SP}*)?{_FR_WORD}"
            rf"(?:(?:{SP}+|-)(?:{_FR_PART}{SP}*)?{_FR_WORD}){{0,5}}")
_CITY = (rf"[A-Z\u00c0-\u00de][{LAT}'’]*(?:[- ][A-Z\u00c0-\u00de][{LAT}'’]*){{0,3}}"
         rf"(?:{SP}+(?:CEDEX|Cedex)(?:{SP}+\d{{1,2}})?)?")
_FR_TAIL = rf"(?:,?{SP}*\d{{5}}{SP}+{_CITY})?"
_FR_ADDRESS = re.compile(
    rf"(?<![{WORD}]){_NOT_A_YEAR}\d{{1,4}}(?:{SP}*(?:bis|ter|quater|[A-Da-d])(?![{WORD}]))?,?{SP}+"
    rf"(?i:{_FR_TYPES})(?:{SP}+|(?<=\.))(?-i:{_FR_NAME}){_FR_TAIL}")
_FR_STREET = re.compile(
    rf"(?<![{WORD}'’-])(?i:{_FR_ALWAYS}){SP}+(?-i:{_FR_NAME}){_FR_TAIL}")
_FR_POSTCODE_CITY = re.compile(rf"(?<![{WORD}])\d{{5}}{SP}+(?P<city>{_CITY})")

_ZH_NUM = rf"(?:\d+|[{_ZH_NUMERAL}百千]+)"
# The road's name, with the province, city and district before it ("北京市朝阳区建国路").
_ZH_ROAD = rf"(?:{ZH_CHAR}{{1,20}}?(?:大道|大街|路|街|道|巷|胡同|里))"
_ZH_UNIT = rf"(?:{_ZH_NUM}{SP}*(?:号楼|号院|号|弄|栋|幢|座|楼|层|单元|室|户))"
# "…路…号", "…街…号", with the city and district before; or a lane or a flat ("…弄", "…室").
_ZH_ADDRESS = re.compile(
    rf"(?P<road>{_ZH_ROAD}{_ZH_UNIT}{{1,6}})"
    rf"|(?<![\d{_ZH_NUMERAL}百千])(?P<units>{_ZH_UNIT}{{1,6}})")

_NOT_A_CITY = {"euros", "euro", "eur", "usd", "dollars", "personnes", "people", "persons",
               "km", "kr", "dkk", "sek", "chf", "yuan", "rmb"}


def _chinese_address(match) -> str | None:
    units = match.group("units")
    return "address" if units is None or "弄" in units or "室" in units else None


def _postcode_city(match) -> str | None:
    first = match.group("city").split()[0].casefold()
    return None if first in _NOT_A_CITY or first in MONTHS or first in STOP_WORDS else "address"


def _english_street(match) -> tuple | None:
    """"Baker Street", not "On Baker Street": capitalised words before the street's kind,
    without the sentence's first word if that is a common one."""
    start = match.start("x")
    for word in re.finditer(r"\S+", match.group("x")):
        if word.group(0).casefold() not in STOP_WORDS:
            break
        start = match.start("x") + word.end() + 1
    rest = match.string[start:match.end("x")].split()
    return (start, match.end("x"), "address") if len(rest) >= 2 else None


def replace_addresses(text: str, counts: dict) -> str:
    text = apply_spans(text, find_spans(_EN_ADDRESS, "address", text), counts)
    text = apply_spans(text, find_spans(_FR_ADDRESS, "address", text), counts)
    text = apply_spans(text, find_spans(_FR_STREET, "address", text), counts)
    text = apply_spans(text, find_spans(_ZH_ADDRESS, None, text, _chinese_address), counts)
    text = apply_spans(text, find_spans(_EN_UNIT, "address", text), counts)
    text = apply_spans(text, find_spans(_EN_STREET, None, text, _english_street), counts)
    text = apply_spans(text, find_spans(_FR_POSTCODE_CITY, None, text, _postcode_city), counts)
    return apply_spans(text, find_spans(_POSTCODE_ALONE, "address", text), counts)


# --- identity and account numbers, phone numbers ----------------------------------------------

_IBAN = re.compile(rf"(?<![{WORD}])[A-Z]{{2}}\d{{2}}(?:{SP}?[A-Z0-9]{{4}}){{2,7}}(?:{SP}?[A-Z0-9]{{1,3}})?(?![{WORD}])")
_CN_ID = re.compile(rf"(?<![{WORD}])\d{{17}}[\dXx](?![{WORD}])")
_UK_NI = re.compile(rf"(?<![{WORD}])[A-Z]{{2}}{SP}?\d{{2}}{SP}?\d{{2}}{SP}?\d{{2}}{SP}?[A-D](?![{WORD}])")
_ALNUM = re.compile(
    rf"(?<![{WORD}/-])(?=[A-Za-z0-9/-]*\d)(?=[A-Za-z0-9/-]*[A-Za-z])"
    rf"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?![{WORD}])")
_UNIT_SUFFIX = re.compile(
    r"^\d+(?:st|nd|rd|th|er|re|e|ème|s|km|kg|cm|mm|ml|m|g|h|min|mn|l|x|k|gb|mb|go|mo|ghz|mhz)$",
    re.IGNORECASE)
_CURRENCY_CODES = {"eur", "usd", "gbp", "dkk", "sek", "nok", "chf", "rmb", "cny", "jpy"}
# Digits in groups: "+33 (0)1 23 45 67 89", "(555) 123-4567", "4111 1111 1111 1111".
_NUMBER = re.compile(
    rf"(?<![{WORD}.,/+-])(?:\+{SP}?)?(?:\(\+?\d{{1,5}}\){SP}?)?\d+"
    rf"(?:(?:{SP}|[-./–])\d+|{SP}?\(\d{{1,5}}\){SP}?\d+)*(?![{WORD}]|[.,/-]?\d)")
_AMOUNT_BEFORE = re.compile(r"(?:[€$£¥₹]|\b(?:EUR|USD|GBP|DKK|SEK|NOK|CHF|RMB|CNY))[ \u00a0]?$",
                            re.IGNORECASE)
_AMOUNT_AFTER = re.compile(
    rf"^{SP}?(?:(?:de|d['’]|of){SP}?)?(?:[€$£¥₹元块万亿人名位个]|(?:euros?|eur|usd|dollars?|"
    r"pounds?|gbp|kr|kroner|dkk|sek|nok|chf|yuan|rmb|cny|people|persons|personnes|users|"
    r"utilisateurs|applicants|candidats|candidates|employees|workers|salariés|habitants|"
    r"inhabitants|households|ménages|cases|dossiers|complaints|plaintes|km|kilomètres|"
    r"kilometres|miles|views|vues|followers|abonnés|times|fois|copies|pages|words|mots)"
    rf"(?![{LAT}]))", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^(?:1[89]|20)\d\d(?:[-/–](?:1[89]|20)\d\d)$")


def _alnum_identifier(match) -> str | None:
    token = match.group(0)
    compact = re.sub(r"[-/]", "", token)
    digits = sum(c.isdigit() for c in compact)
    letters = "".join(c for c in compact if c.isalpha())
    if digits < 3 or len(compact) < 5 or _UNIT_SUFFIX.match(compact):
        return None
    if letters.casefold() in _CURRENCY_CODES:
        return None
    if not any(c.isupper() for c in letters) and digits < 5:
        return None
    return "identifier"


def _number(text: str):
    def check(match) -> str | None:
        value = match.group(0)
        compact = re.sub(r"\D", "", value)
        if len(compact) < 6 or _YEAR_RANGE.match(value):
            return None
        if _AMOUNT_BEFORE.search(text[max(0, match.start() - 4):match.start()]) \
                or _AMOUNT_AFTER.match(text[match.end():match.end() + 16]):
            return None
        groups = [g for g in re.split(r"[^\d]+", value) if g]
        spaces_only = not re.search(r"[-./–()+]", value)
        if spaces_only and len(groups) == 2 and min(len(g) for g in groups) < 4:
            return None  # "2023 12", "120 000": two numbers, or a count
        phone = (value.startswith(("+", "(", "00")) or re.fullmatch(r"1[3-9]\d{9}", compact)
                 or (compact.startswith("0") and 9 <= len(compact) <= 12 and len(groups) > 1)
                 or (compact.startswith("0") and len(compact) == 10))
        return "phone" if phone else "identifier"

    return check


def replace_numbers(text: str, counts: dict) -> str:
    for pattern in (_IBAN, _CN_ID, _UK_NI):
        text = apply_spans(text, find_spans(pattern, "identifier", text), counts)
    text = apply_spans(text, find_spans(_ALNUM, None, text, _alnum_identifier), counts)
    return apply_spans(text, find_spans(_NUMBER, None, text, _number(text)), counts)
