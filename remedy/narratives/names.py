"""The scrub's rules for names: the names it is told (whole, by part, with or without
accents), names after a title or "my name is" in English, French and Chinese, and runs of
capitalised words that look like a person's name. Plain Python.

An everyday word that is also part of a known name stays when written in lower case ("I
will", "un petit salaire"); month and weekday names are never taken for names; a run of
capitalised words with a word of institutions in it ("the Danish Tax Agency") is not a
person's name.
"""

import re
import unicodedata

from remedy.narratives.spans import (
    CJK,
    LAT,
    MARK,
    SP,
    WORD,
    ZH_CHAR,
    apply_spans,
    find_spans,
)

# --- words that are not names -----------------------------------------------------------

MONTHS = set("""january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec janvier février fevrier mars avril
mai juin juillet août aout septembre octobre novembre décembre decembre janv févr fevr avr
juil déc""".split())
_WEEKDAYS = set("""monday tuesday wednesday thursday friday saturday sunday mon tue tues wed
thu thur thurs fri sat sun lundi mardi mercredi jeudi vendredi samedi dimanche""".split())
_TITLES = set("""mr mrs ms miss mx dr prof sir madam madame mme mlle me pr mgr monsieur
mademoiselle docteur docteure professeur professeure maître maitre doctor professor dear
cher chère""".split())
# Common words, never part of a name, even capitalised (at the start of a sentence, say).
STOP_WORDS = MONTHS | _WEEKDAYS | _TITLES | set("""i a an the this that these those there then
than and or but so if when while after before since because although though however
finally first next last later now today yesterday tomorrow recently unfortunately
fortunately also still yet even only just again once twice my your his her its our their
we you he she they it me him us them who what where which why how not no yes ok okay all
any some every each many most much more few several both other another such same on in at
to of for from by with without about into onto over under between during within through
against among as be is was were are been being have has had do does did can could will
would shall should may might must let please thank thanks hello hi dear sincerely regards
best kind here hope according despite meanwhile instead perhaps maybe indeed actually
je tu il elle on nous vous ils elles le la les l un une des du de d au aux ce cet cette
ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs et ou mais donc or ni
car puis alors ensuite enfin après avant depuis pendant quand lorsque si comme que qui
quoi dont où ça cela ceci voici voilà hier aujourd demain bonjour merci madame monsieur
oui non pas ne plus très trop bien aussi encore déjà toujours jamais tout tous toute
toutes chaque certains plusieurs avec sans pour par dans sur sous chez entre vers selon
malgré""".split())
# Words of institutions and firms: a run of capitalised words with one of them is not a
# person's name (it is replaced only if it looks like one).
_ORG_WORDS = set("""union european agency authority office ministry department council court
commission act regulation law centre center service services bank university school
college hospital clinic police government institute association foundation committee
tribunal board rights human protection security social data tax national federal state
city county municipality company group inc ltd llc plc corp corporation gmbh sa sas sarl
ab as bv nv ag co limited trust fund insurance parliament assembly ombudsman article
ministère agence autorité conseil cour préfecture mairie caisse sécurité sociale emploi
pôle défenseur droits nationale national université hôpital banque assurance assurances
direction haut haute commissariat syndicat fédération groupe société""".split())
_PARTICLES = set("""de du des la le les van von der den da di del della dos das do y e el al
bin ibn ben ter ten st""".split())
# Everyday words that are also names: left alone when written in lower case.
_COMMON_WORDS = set("""will mark rose may june april august grace hope joy faith bill frank
guy pat art rich dawn summer ray sky sandy sue page case long young white black brown green
king small little bell hill wood stone rice lane ash amber ivy iris pierre claire blanc
blanche petit grand fort roux brun noir boucher berger boulanger marchand fontaine
chevalier meunier olive marguerite constant aimé aimée léger martin""".split())


def _is_name_word(token: str) -> bool:
    """A capitalised word that could be part of a person's name."""
    low = token.casefold()
    return (len(token) >= 2 and token[0].isupper() and not token.isupper()
            and low not in STOP_WORDS and low not in _ORG_WORDS)


def _is_capitals(token: str) -> bool:
    """A surname written in capitals ("Jean DUPONT")."""
    return len(token) >= 2 and token.isupper() and token.casefold() not in STOP_WORDS


# --- names ----------------------------------------------------------------------------------

_HAS_CJK = re.compile(f"[{CJK}]")
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "夏侯",
                      "尉迟", "公孙", "长孙", "宇文", "司徒", "端木", "西门", "南宫")
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
             "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
             "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁"
             "岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉"
             "骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农卓古吉缪简车项芦麦褚娄"
             "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁沙荣巫寇桑"
             "郎甄丛仲虞敖巩佘池查麻苑迟邝")
_ZH_TITLED = re.compile(
    rf"(?P<x>(?:{'|'.join(_COMPOUND_SURNAMES)}|[{_SURNAMES}]){ZH_CHAR}{{0,2}}?)(?:先生|女士|小姐|太太)")
_ZH_INTRODUCED = re.compile(
    rf"(?:我叫|名叫|我的名字是|我的名字叫|我名叫|本人叫){SP}*"
    rf"(?P<x>{ZH_CHAR}{{2,3}}|[{LAT}]+(?:{SP}[{LAT}]+)?)")
_ZH_SURNAME = re.compile(rf"我姓{SP}*(?P<x>{ZH_CHAR}{{1,2}})")
_TOKEN = re.compile(rf"[A-Z]\.(?={SP})|[{LAT}]+(?:['’-][{LAT}]+)*")
_TITLE = re.compile(
    rf"(?<![{WORD}.])(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Mme|Mlle|Me|Pr|Mgr)\.?|M\.|"
    rf"(?i:monsieur|madame|mademoiselle|docteure?|professeure?|maître|maitre|madam|doctor|"
    rf"professor)){SP}+(?=[{LAT}])")
_INTRODUCER = re.compile(
    rf"(?<![{WORD}])(?i:my{SP}+name{SP}+is|my{SP}+name['’]s|i{SP}+am{SP}+called|i['’]m{SP}+called|"
    rf"je{SP}+m['’]appelle|je{SP}+me{SP}+nomme|mon{SP}+nom{SP}+est|mon{SP}+nom{SP}+c['’]est){SP}+"
    rf"(?=[{LAT}])")
_WEAK_INTRODUCER = re.compile(rf"(?<![{WORD}])(?i:je{SP}+suis){SP}+(?=[{LAT}])")


def _fold_classes() -> dict[str, str]:
    """Each base letter, with every accented letter built on it, both cases."""
    variants: dict[str, set[str]] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            variants.setdefault(base.lower(), {base.lower(), base.upper()}).update(
                {char, char.lower(), char.upper()})
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in variants.items()}


_FOLD = _fold_classes()


def loose(value: str) -> str:
    """A regex for a name as typed, with or without its accents, spaces flexible."""
    out = []
    for char in value:
        base = unicodedata.normalize("NFD", char)[0].lower()
        if char.isspace():
            out.append(rf"{SP}+")
        elif char in "'’":
            out.append("['’]")
        elif base in _FOLD:
            out.append(_FOLD[base])
        else:
            out.append(re.escape(char))
    return "".join(out)


def clean(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()


def name_variants(name: str) -> list[str]:
    """A person's name, whole, and each of its parts of two letters or more (not "de",
    "van"...). A Chinese name: whole, and the given name without the surname if that has
    two characters or more (a lone surname is left to the rules on titles)."""
    name = clean(name)
    if len(name) < 2:
        return []
    found = [name]
    if _HAS_CJK.search(name) and " " not in name:
        surname = 2 if name[:2] in _COMPOUND_SURNAMES else 1
        if len(name) - surname >= 2:
            found.append(name[surname:])
        return found
    for part in re.split(r"[\s\-‐]+", name):
        part = part.strip(".,'’()")
        if len(part) >= 2 and part.casefold() not in _PARTICLES and part != name:
            found.append(part)
    return found


def _known(text: str, counts: dict, names, phrases) -> str:
    variants = {variant for name in names for variant in name_variants(name)}
    variants |= {p for p in map(clean, phrases) if len(p) >= 2}
    if not variants:
        return text
    common = {v.casefold() for v in variants if v.casefold() in _COMMON_WORDS}
    spaced = sorted((v for v in variants if not _HAS_CJK.search(v)), key=len, reverse=True)
    unspaced = sorted((v for v in variants if _HAS_CJK.search(v)), key=len, reverse=True)
    if spaced:
        pattern = re.compile(rf"(?<![{WORD}])(?:{'|'.join(loose(v) for v in spaced)})(?![{WORD}])",
                             re.IGNORECASE)
        # An everyday word in lower case stays ("I will", "un petit salaire").
        text = apply_spans(text, find_spans(pattern, None, text, lambda m: None if (
            m.group(0).islower() and m.group(0).casefold() in common) else "name"), counts)
    if unspaced:
        pattern = re.compile("|".join(loose(v) for v in unspaced), re.IGNORECASE)
        text = apply_spans(text, find_spans(pattern, "name", text), counts)
    return text


def _name_run(text: str, start: int, *, lower_ok: bool = False, limit: int = 3) -> int:
    """Where a name that starts at `start` ends (`start` if there is none): up to `limit`
    capitalised words (or, after "my name is", any words that are not common ones), with
    "de", "van"... between them."""
    position, end, words = start, start, 0
    for match in _TOKEN.finditer(text, start):
        gap = text[position:match.start()]
        if match.start() != start and not re.fullmatch(SP, gap):
            break
        token = match.group(0)
        low = token.casefold()
        if words and low in _PARTICLES and not token[0].isupper():
            position = match.end()
            continue
        if low in STOP_WORDS or low in _ORG_WORDS:
            break
        if not (token[0].isupper() or lower_ok):
            break
        words += 1
        end = position = match.end()
        if words >= limit:
            break
    return end


def _introduced(text: str, counts: dict) -> str:
    spans = []
    for pattern, lower_ok in ((_TITLE, False), (_INTRODUCER, True), (_WEAK_INTRODUCER, False)):
        for match in pattern.finditer(text):
            end = _name_run(text, match.end(), lower_ok=lower_ok)
            if end > match.end():
                spans.append((match.end(), end, "name"))
    text = apply_spans(text, spans, counts)
    for pattern in (_ZH_TITLED, _ZH_INTRODUCED, _ZH_SURNAME):
        text = apply_spans(text, find_spans(pattern, "name", text), counts)
    return text


def _at_sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\u00a0\"'“‘«(")
    return not before or before[-1] in ".!?…。！？:;\n" or (
        before[-1] in "\"'”’»)" and len(before) > 1 and before[-2] in ".!?…:;")


def _runs(text: str):
    """Runs of words separated by one space: [(start, end, [token matches])]."""
    run = []
    for match in _TOKEN.finditer(text):
        if run and re.fullmatch(SP, text[run[-1].end():match.start()]):
            run.append(match)
            continue
        if run:
            yield run
        run = [match]
    if run:
        yield run


def _capitalised_names(text: str, counts: dict) -> str:
    """Two or more capitalised words that look like a person's name ("Maria Lopez", "Jean
    DUPONT", "J. Smith"); one capitalised word next to a name already replaced goes too."""
    spans = []
    name_mark = MARK["name"]
    for run in _runs(text):
        for words in _name_groups(run):
            start, end = words[0].start(), words[-1].end()
            names = [w for w in words if w.group(0).casefold() not in _PARTICLES]
            if len(names) >= 2 and any(_is_name_word(w.group(0)) for w in names):
                spans.append((start, end, "name"))
            elif len(names) == 1 and _is_name_word(names[0].group(0)):
                if text[start - 2:start] == name_mark + " ":
                    spans.append((start - 2, end, "name", False))
                elif text[end:end + 2] == " " + name_mark:
                    spans.append((start, end + 2, "name", False))
    return apply_spans(text, spans, counts)


def _name_groups(run):
    """The parts of a run that could be names: capitalised words (a surname may be in
    capitals, after a first name; an initial is "J."), with particles between them."""
    group: list = []
    for index, match in enumerate(run):
        token = match.group(0)
        low = token.casefold()
        first_of_sentence = index == 0 and _at_sentence_start(match.string, match.start())
        if group and low in _PARTICLES and not token[0].isupper():
            group.append(match)
            continue
        ok = (_is_name_word(token) or (len(token) == 2 and token[1] == ".")
              or (group and _is_capitals(token)))
        if first_of_sentence and low.endswith(("ly", "ment", "ing")):
            ok = False  # "Suddenly", "Heureusement", "Following": a sentence's first word
        if ok:
            group.append(match)
            continue
        yield from _trimmed(group)
        group = []
    yield from _trimmed(group)


def _trimmed(group):
    while group and group[-1].group(0).casefold() in _PARTICLES:
        group = group[:-1]
    if group and not any(w.group(0).casefold() in _ORG_WORDS for w in group):
        yield group


def replace_names(text: str, counts: dict, names, phrases) -> str:
    """The names it is told (`names` whole and by part, `phrases` whole), then names after a
    title or an introduction, then capitalised runs that look like a person's name."""
    text = _known(text, counts, names, phrases)
    text = _introduced(text, counts)
    return _capitalised_names(text, counts)
