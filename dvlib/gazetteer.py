"""Places in Vietnamese text, and the province a report comes from.

The tables are the pre-2025 administrative units (63 provinces, their districts and communes,
``gazetteer_*.csv``) plus hand-kept data: province-name variants (``province_aliases.csv``),
bare names that are no evidence (``place_stoplist.csv``: historical battles, the President,
rivers, common words), person-name parts (``person_name_parts.csv``: "Nguyễn Văn Lâm" is a
man, not Văn Lâm district) and outlet/dateline marks (``outlet_marks.csv``).

Matching runs on :func:`dvlib.normalize.match_form` syllables, so NFD input, old/new tone
placement ("Chiêm Hoá"/"Chiêm Hóa") and case all match alike; offsets are offsets into the
NFC text (the same as into the input when it is NFC, which every dvlib text is).

A wrong province is the worst failure, so :func:`infer_province` returns "" when there is no
evidence or when the evidence contradicts itself; every answer carries its evidence.
"""
from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .normalize import match_form, nfc, normalize_tones
from .paths import data_file

_TOKEN = re.compile(r"\w+")
# Between the syllables of one name: spaces, or a dash / dot / apostrophe ("Bà Rịa - Vũng Tàu",
# "TP.HCM", "M'Đrắk"); never a line break or a comma.
_INNER_GAP = re.compile(r"[ \t\u00a0]{1,3}|[ \t\u00a0]*[-–—.'’][ \t\u00a0]*")
# Between a type word and the name ("tỉnh Bắc Giang", "TP.HCM", "TP. Vinh").
_TYPE_GAP = re.compile(r"[ \t\u00a0]{1,3}|\.[ \t\u00a0]*")

# Type words (match form, as syllable tuples) -> the level they introduce. Longest first, so
# "thị xã X" is a district and not a commune, "tỉnh ủy X" a province.
_TYPE_WORDS: list[tuple[tuple[str, ...], str]] = sorted([
    (("tỉnh",), "province"), (("tỉnh", "ủy"), "province"),
    (("thành", "phố"), "city"), (("tp",), "city"), (("thành", "ủy"), "city"),
    (("huyện",), "district"), (("huyện", "ủy"), "district"), (("quận",), "district"),
    (("quận", "ủy"), "district"), (("thị", "xã"), "district"), (("thị", "ủy"), "district"),
    (("tx",), "district"), (("huyện", "đảo"), "district"),
    (("xã",), "commune"), (("phường",), "commune"), (("thị", "trấn"), "commune"),
], key=lambda t: -len(t[0]))
# The gazetteer's own type names, to prefer "thành phố Hòa Bình" (a city) over the district.
_TYPE_NAMES = {("thành", "phố"): "Thành phố", ("tp",): "Thành phố", ("thành", "ủy"): "Thành phố",
               ("huyện",): "Huyện", ("huyện", "ủy"): "Huyện", ("huyện", "đảo"): "Huyện",
               ("quận",): "Quận", ("quận", "ủy"): "Quận", ("thị", "xã"): "Thị xã",
               ("thị", "ủy"): "Thị xã", ("tx",): "Thị xã", ("xã",): "Xã",
               ("phường",): "Phường", ("thị", "trấn"): "Thị trấn"}


@lru_cache(maxsize=None)
def _key(name: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(match_form(name)))


@dataclass(frozen=True)
class _Entry:
    level: str          # province | district | commune
    canonical: str      # the gazetteer's spelling
    province: str
    district: str = ""
    unit_type: str = ""  # Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn
    requires_type: bool = False
    stop: bool = False   # a bare mention is no evidence (stoplist)
    caps: tuple[bool, ...] = ()  # which syllables the name capitalises
    acronym: bool = False        # written in capitals ("TP.HCM", "BR-VT")


def _read(name: str) -> list[dict]:
    with open(data_file(name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _caps(name: str) -> tuple[bool, ...]:
    return tuple(t[0].isupper() for t in _TOKEN.findall(nfc(name)))


@lru_cache(maxsize=1)
def _tables():
    """Index: syllable tuple -> entries; plus lookups. Loaded once."""
    index: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
    provinces = _read("gazetteer_provinces.csv")
    stop = {(_key(r["name"]), r["level"]) for r in _read("place_stoplist.csv")}
    by_key: dict[tuple[str, ...], str] = {}
    p2025: dict[str, str] = {}
    ptype: dict[str, str] = {}
    for r in provinces:
        k = _key(r["province"])
        by_key[k] = r["province"]
        p2025[r["province"]] = r["province_2025"]
        ptype[r["province"]] = r["province_type"]
        index[k].append(_Entry("province", r["province"], r["province"], unit_type=r["province_type"],
                               requires_type=len(k) < 2, stop=(k, "province") in stop,
                               caps=_caps(r["province"])))
    for r in _read("province_aliases.csv"):
        k = _key(r["alias"])
        prov = r["province"]
        if prov not in p2025:
            raise ValueError(f"province_aliases.csv: unknown province {prov!r}")
        by_key.setdefault(k, prov)
        if any(e.level == "province" for e in index[k]):
            continue  # the canonical row (or an earlier spelling) is already there
        index[k].append(_Entry("province", prov, prov, unit_type=ptype[prov],
                               requires_type=r["requires_type"] == "1" or len(k) < 2,
                               stop=(k, "province") in stop, caps=_caps(r["alias"]),
                               acronym=r["alias"].isupper()))
    for r in _read("gazetteer_districts.csv"):
        k = _key(r["district"])
        index[k].append(_Entry("district", r["district"], r["province"], r["district"],
                               r["district_type"], requires_type=len(k) < 2 or k[0].isdigit(),
                               stop=(k, "district") in stop, caps=_caps(r["district"])))
    for r in _read("gazetteer_communes.csv"):
        k = _key(r["ward"])
        if not k or k[0].isdigit():
            continue  # "Phường 1" exists in dozens of towns
        index[k].append(_Entry("commune", r["ward"], r["province"], r["district"], r["ward_type"],
                               requires_type=True, caps=_caps(r["ward"])))
    parts = _read("person_name_parts.csv")
    names = {match_form(r["form"]) for r in parts if r["kind"] in ("surname", "middle")}
    titles = sorted((match_form(r["form"]) for r in parts if r["kind"] == "title"), key=len,
                    reverse=True)
    title_rx = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in titles) + r")\s*:?\s*$")
    return dict(index), max(len(k) for k in index), by_key, p2025, names, title_rx


@lru_cache(maxsize=1)
def _prefixes() -> dict[bool, tuple[frozenset, frozenset]]:
    """First syllables and all syllable prefixes of the names, for a name after a possible
    type word (True) and for a bare name (False: only names that may stand bare). Most
    syllables of a text start no name, and a run stops growing as soon as no name continues it.
    """
    index = _tables()[0]
    out = {}
    for typed in (True, False):
        prefixes = frozenset(
            k[:n] for k, entries in index.items()
            if entries and (typed or _allowed(entries, None, None))
            for n in range(1, len(k) + 1))
        out[typed] = (frozenset(k[0] for k in prefixes), prefixes)
    return out


@lru_cache(maxsize=8)
def _stripped_forms(core: str) -> tuple[str, str]:
    tones = normalize_tones(core)
    mf = tones.lower()
    if len(mf) != len(core):  # the rare case match_form handles character by character
        mf = match_form(core)
    return tones, mf


def _forms(text: str) -> tuple[str, str, str]:
    """(NFC, normalize_tones, match_form) of ``text``, normalising once per report.

    Cached on the text without its surrounding white space, which both forms leave as it
    is: a report's text and its masked text (often the same but for a final newline) are
    each scanned by several functions in a row.
    """
    t = nfc(text)
    core = t.strip()
    tones, mf = _stripped_forms(core)
    if len(core) != len(t):
        lead = len(t) - len(t.lstrip())
        before, after = t[:lead], t[lead + len(core):]
        tones, mf = before + tones + after, before + mf + after
    return t, tones, mf


def canonical_province(name: str) -> str:
    """The gazetteer spelling of a pre-2025 province ("TP.HCM" -> "Hồ Chí Minh"); "" if unknown.

    Accepts variants and type words: "tỉnh Bắc Giang", "Thừa Thiên - Huế", "BR-VT", NFD input.
    """
    if not isinstance(name, str) or not name.strip():
        return ""
    _, _, by_key, _, _, _ = _tables()
    k = _key(name)
    for words, _level in _TYPE_WORDS:
        if k[:len(words)] == words and k[len(words):] in by_key:
            return by_key[k[len(words):]]
    return by_key.get(k, "")


def province_2025(province: str) -> str:
    """The province after the 2025 merger (Bắc Giang -> Bắc Ninh); "" for an unknown name."""
    canon = canonical_province(province)
    return _tables()[3].get(canon, "") if canon else ""


def provinces() -> list[str]:
    """The 63 pre-2025 provinces, in gazetteer order."""
    return list(_tables()[3])


_TYPE_LAST = {words[-1] for words, _ in _TYPE_WORDS}


def _type_before(mf: str, toks: list, i: int) -> tuple[str, tuple[str, ...]] | tuple[None, None]:
    """The type word right before token ``i`` ("huyện" in "huyện Chiêm Hóa"), if any."""
    if i == 0 or toks[i - 1][2] not in _TYPE_LAST:
        return None, None
    for words, level in _TYPE_WORDS:
        n = len(words)
        if i - n < 0 or tuple(t[2] for t in toks[i - n:i]) != words:
            continue
        if not _TYPE_GAP.fullmatch(mf[toks[i - 1][1]:toks[i][0]]):
            continue
        if n == 2 and not re.fullmatch(r"[ \t\u00a0]{1,3}", mf[toks[i - 2][1]:toks[i - 1][0]]):
            continue
        return level, words
    return None, None


def _allowed(entries: list[_Entry], level: str | None, words) -> list[_Entry]:
    """The entries a name can be, given the type word before it (None: a bare name)."""
    if level is None:
        prov = [e for e in entries if e.level == "province" and not e.requires_type]
        if prov:
            return prov
        return [e for e in entries if e.level == "district" and not e.requires_type]
    if level == "province":
        return [e for e in entries if e.level == "province"]
    want = _TYPE_NAMES.get(words, "")
    if level == "city":  # thành phố X: a centrally-run city, else a provincial city
        prov = [e for e in entries if e.level == "province" and e.unit_type == "Thành phố"]
        if prov:
            return prov
        dist = [e for e in entries if e.level == "district"]
        typed = [e for e in dist if e.unit_type == want]
        return typed or dist or [e for e in entries if e.level == "province"]
    pool = [e for e in entries if e.level == level]
    typed = [e for e in pool if e.unit_type == want]
    return typed or pool


def _looks_like_person(t: str, mf: str, toks: list, i: int, j: int, names: set, title_rx) -> bool:
    """A bare name that is part of a person's name: "Nguyễn Văn Lâm", "đồng chí Mai Sơn"."""
    if i > 0 and re.fullmatch(r"[ \t\u00a0]{1,3}", t[toks[i - 1][1]:toks[i][0]]):
        prev = t[toks[i - 1][0]:toks[i - 1][1]]
        if prev[:1].isupper() and prev[1:].islower() and toks[i - 1][2] in names:
            return True
    if j < len(toks) and re.fullmatch(r"[ \t\u00a0]{1,3}", t[toks[j - 1][1]:toks[j][0]]):
        nxt = t[toks[j][0]:toks[j][1]]
        if nxt[:1].isupper() and nxt[1:].islower():
            return True  # the start of a longer proper name ("Hà Nội Mới", "Phú Riềng Đỏ")
    return bool(title_rx.search(mf[max(0, toks[i][0] - 20):toks[i][0]]))


def _capitalised(t: str, toks: list, i: int, j: int, entry: _Entry) -> bool:
    """Vietnamese capitalises place names: "hòa bình" (peace) is not Hòa Bình. In an
    all-capitals headline ("VÌ MỘT THẾ GIỚI HÒA BÌNH") case says nothing, so a bare name
    there is no evidence either."""
    whole = t[toks[i][0]:toks[j - 1][1]]
    if whole.isupper() and not entry.acronym and len(whole) > 3:
        return False
    written = [t[s] for s, _, _ in toks[i:j]]
    caps = entry.caps if len(entry.caps) == len(written) else (True,) * len(written)
    return all(c.isupper() or not need for c, need in zip(written, caps))


def find_places(text: str) -> list[dict]:
    """Place mentions in ``text``, left to right.

    Each is a dict: start, end (offsets into the NFC text), name (as written), canonical,
    level (province|district|commune), province ("" if ambiguous), district, ambiguous (bool),
    typed (bool: introduced by "tỉnh", "huyện", "xã" ...), type_word.
    Typed mentions count for every level; bare names only for provinces and multi-syllable
    districts that are capitalised, not on the stoplist and not part of a person's name;
    communes only when typed. A name shared by several provinces is ambiguous unless exactly
    one of them is also named in the text.
    """
    t, _, mf = _forms(text)
    return _find_places(t, mf)


def _find_places(t: str, mf: str) -> list[dict]:
    """:func:`find_places` on the NFC text ``t`` and its match form ``mf``."""
    index, maxlen, _, _, names, title_rx = _tables()
    sets = _prefixes()
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(mf)]
    out: list[dict] = []
    i, n = 0, len(toks)
    while i < n:
        # Without a type word right before, only names that may stand bare can match.
        firsts, prefixes = sets[i > 0 and toks[i - 1][2] in _TYPE_LAST]
        if toks[i][2] not in firsts:
            i += 1
            continue
        # The names that start at i: follow syllables joined by an inner gap while some name
        # still continues them (at most maxlen syllables).
        key = (toks[i][2],)
        keys = [key]
        while (len(key) < maxlen and i + len(key) < n
               and _INNER_GAP.fullmatch(mf, toks[i + len(key) - 1][1], toks[i + len(key)][0])):
            key = key + (toks[i + len(key)][2],)
            if key not in prefixes:
                break
            keys.append(key)
        hit = None
        level = words = None
        for key in reversed(keys):  # longest first
            entries = index.get(key)
            if not entries:
                continue
            if level is None and words is None:
                level, words = _type_before(mf, toks, i)
            allowed = _allowed(entries, level, words)
            if allowed:
                hit = (len(key), allowed)
                break
        if hit is None:
            i += 1
            continue
        length, allowed = hit
        j = i + length
        if level is None:
            if all(e.stop for e in allowed):
                i = j  # consume it: "Điện Biên Phủ" must not leave "Điện Biên" behind
                continue
            allowed = [e for e in allowed if not e.stop]
            if not _capitalised(t, toks, i, j, allowed[0]) or _looks_like_person(
                    t, mf, toks, i, j, names, title_rx):
                i = j if _capitalised(t, toks, i, j, allowed[0]) else i + 1
                continue
        first = allowed[0]
        provs = sorted({e.province for e in allowed})
        dists = sorted({e.district for e in allowed})
        out.append({
            "start": toks[i][0], "end": toks[j - 1][1], "name": t[toks[i][0]:toks[j - 1][1]],
            "canonical": first.canonical, "level": first.level,
            "province": provs[0] if len(provs) == 1 else "",
            "district": dists[0] if len(dists) == 1 else "",
            "ambiguous": len(provs) > 1, "typed": level is not None,
            "type_word": " ".join(words) if words else "",
            "_candidates": allowed,
        })
        i = j
    # A shared name ("Châu Thành") is resolved by a province named elsewhere in the text.
    named = {p["province"] for p in out if p["level"] == "province"}
    anchors = named | {p["province"] for p in out if p["level"] == "district" and not p["ambiguous"]}
    for p in out:
        cands = p.pop("_candidates")
        if not p["ambiguous"]:
            continue
        pool = named if p["level"] == "district" else anchors
        keep = [e for e in cands if e.province in pool]
        if len({e.province for e in keep}) == 1:
            p["province"] = keep[0].province
            dists = {e.district for e in keep}
            p["district"] = dists.pop() if len(dists) == 1 else ""
            p["ambiguous"] = False
    return out


# --------------------------------------------------------------------------------------------
# Outlet and dateline marks

@lru_cache(maxsize=1)
def _marks() -> list[dict]:
    rows = _read("outlet_marks.csv")
    for r in rows:
        mark = normalize_tones(r["mark"])
        r["tones"] = mark  # a plain substring test first: most texts hold no mark at all
        r["rx"] = re.compile(r"(?<!\w)" + re.escape(mark) + r"(?!\w)")
        r["rx_ci"] = re.compile(r"(?<!\w)" + re.escape(match_form(r["mark"])) + r"(?!\w)")
    return rows


@lru_cache(maxsize=1)
def _any_mark() -> re.Pattern:
    """All marks in one alternation: one scan of a text finds which marks it may hold (a
    substring test per mark costs a scan each, and most texts hold none)."""
    marks = sorted({r["tones"] for r in _marks()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(m) for m in marks))


_DATELINE_END = re.compile(r"\s*\)?\s*[-–—]")
_SOURCE_LINE = re.compile(r"^\s*(?:theo|nguồn(?: tin)?\s*:|nguồn\s)", re.I)
_BAO = re.compile(r"(?<!\w)báo\s+")


def _is_source_line(line: str) -> bool:
    """ "Theo Báo BGĐT", "Nguồn: Báo Sóc Trăng": short; "Theo báo cáo của ..." is content."""
    return bool(_SOURCE_LINE.match(line)) and len(line.strip()) <= 80


def outlet_marks(text: str, outlet: str = "") -> list[dict]:
    """Outlet and dateline marks: dicts mark, outlet, province, where, strength, start, end.

    ``where`` is "dateline" (a line starting "ĐBP -"), "source" (a line "Theo Báo BGĐT",
    "Nguồn: ..."), "anywhere" (a distinctive abbreviation such as "BGĐT") or "outlet" (found
    in the ``outlet`` argument). "Báo <province>" ("Báo Bắc Giang") counts as that province's
    party paper in a dateline or source line. Offsets are into the NFC text (-1 for "outlet").
    """
    _, t, _ = _forms(text)
    found: list[dict] = []
    lines, pos = [], 0
    for line in t.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1

    def add(r, where, start, end):
        found.append({"mark": r["mark"], "outlet": r["outlet"], "province": r["province"],
                      "where": where, "strength": r["strength"], "start": start, "end": end,
                      "note": r["note"]})

    seen = {m.group(0) for m in _any_mark().finditer(t)}
    for r in _marks():
        # a mark inside a longer one found at the same place is still looked for
        if not any(r["tones"] in hit for hit in seen):
            continue
        for m in r["rx"].finditer(t):
            line_start = t.rfind("\n", 0, m.start()) + 1
            line = t[line_start:t.find("\n", m.start()) if "\n" in t[m.start():] else len(t)]
            lead = t[line_start:m.start()]
            if re.fullmatch(r"[\s•·*>\-(]*", lead) and _DATELINE_END.match(t, m.end()):
                add(r, "dateline", m.start(), m.end())
            elif _is_source_line(line) or (line.strip() == m.group(0)):
                add(r, "source", m.start(), m.end())
            elif r["where"] == "anywhere":
                add(r, "anywhere", m.start(), m.end())
    # "Báo <province>" in a source line or a dateline: the provincial party paper.
    for line_start, line in lines:
        if not _is_source_line(line):
            continue
        mfl = match_form(line)
        for m in _BAO.finditer(mfl):
            places = find_places(line[m.end():m.end() + 40])
            if places and places[0]["start"] == 0 and places[0]["level"] == "province":
                s = line_start + m.start()
                e = line_start + m.end() + places[0]["end"]
                if not any(f["start"] <= s < f["end"] for f in found):
                    found.append({"mark": t[s:e], "outlet": f"Báo {places[0]['canonical']}",
                                  "province": places[0]["province"], "where": "source",
                                  "strength": "strong", "start": s, "end": e,
                                  "note": "provincial party paper named in a source line"})
    if outlet:
        outlet = nfc(outlet)
        mo = match_form(outlet)
        for r in _marks():
            if r["rx_ci"].search(mo):
                add(r, "outlet", -1, -1)
        # An outlet named after its province: "Báo Bắc Giang", "Ban Dân vận Tỉnh ủy Bình Phước".
        for p in find_places(outlet):
            if p["level"] == "province" and p["province"]:
                found.append({"mark": outlet, "outlet": outlet, "province": p["province"],
                              "where": "outlet", "strength": "strong", "start": -1, "end": -1,
                              "note": "outlet named after its province"})
    # A mark inside a longer one ("BGĐT" inside a source line already counted) is kept once.
    found.sort(key=lambda f: (f["start"], -f["end"]))
    return found


# --------------------------------------------------------------------------------------------
# Province inference

# Weights of one mention; outlet/dateline marks and "Ban Dân vận Tỉnh ủy X" say where the
# report is *from* and are used to settle a contest, not added to the score.
_WEIGHTS = {("province", True): 3, ("province", False): 2, ("district", True): 2,
            ("district", False): 1, ("commune", True): 1}
_FROM_ORG = re.compile(r"ban dân vận (?:tỉnh|thành) ủy\s+$")


def _count(n: int) -> str:
    return f" ×{n}" if n > 1 else ""


def infer_province(text: str, outlet: str = "") -> dict:
    """The province a report comes from: dict(province, evidence, district).

    ``text`` should have site boilerplate masked to spaces (a trailer of other news is no
    evidence). Evidence, strongest first: typed province mentions ("tỉnh Bắc Giang", "Tỉnh ủy
    Bắc Giang"), bare province names, districts (typed or unique bare names), typed communes.
    Outlet/dateline marks ("ĐBP -", "Theo Báo BGĐT", ``outlet``) and "Ban Dân vận Tỉnh ủy X"
    say where the report is from and decide between provinces that are both named. No
    evidence, or evidence for two provinces that nothing decides, gives province "".
    """
    t, _, mf = _forms(text)
    places = _find_places(t, mf)
    score: Counter = Counter()
    mentions: dict[str, Counter] = defaultdict(Counter)   # province -> "label" -> count
    districts: dict[str, Counter] = defaultdict(Counter)
    ambiguous: Counter = Counter()
    from_org: Counter = Counter()
    for p in places:
        if p["ambiguous"] or not p["province"]:
            ambiguous[p["canonical"]] += 1
            continue
        w = _WEIGHTS.get((p["level"], p["typed"]), 0)
        if not w:
            continue
        prov = p["province"]
        score[prov] += w
        if p["level"] == "province":
            mentions[prov]["typed" if p["typed"] else "bare"] += 1
            if _FROM_ORG.search(mf[max(0, p["start"] - 40):p["start"]]):
                from_org[prov] += 1
        else:
            label = f"{p['level']} {p['canonical']}"
            mentions[prov][label] += 1
            if p["level"] == "district":
                districts[prov][p["canonical"]] += 1
    marks = outlet_marks(text, outlet)
    strong = [m for m in marks if m["strength"] == "strong"]
    hints = [m for m in marks if m["strength"] == "hint"]
    from_outlet = Counter(m["province"] for m in strong if m["province"])

    def describe(prov: str) -> str:
        parts = []
        c = mentions.get(prov, Counter())
        named = c.get("typed", 0) + c.get("bare", 0)
        if named:
            typed = c.get("typed", 0)
            how = "" if not typed else " (typed)" if typed == named else f" ({typed} typed)"
            parts.append(f"province {prov}{_count(named)}{how}")
        for label, k in c.items():
            if label not in ("typed", "bare"):
                parts.append(f"{label} ({prov}){_count(k)}")
        return ", ".join(parts)

    def mark_text(m):
        if m["where"] == "outlet":
            return f"outlet '{outlet}': {m['province'] or 'no province'}"
        where = {"dateline": "dateline", "source": "source line", "anywhere": "mark"}[m["where"]]
        mark = m["mark"] + " -" if m["where"] == "dateline" else m["mark"]
        return f"{where} '{mark}': {m['outlet'] or 'outlet'}, {m['province'] or 'no province'}"

    def marks_for(prov):
        chosen = [m for m in strong if m["province"] == prov and m["where"] != "outlet"] or \
            [m for m in strong if m["province"] == prov][:1]
        return ", ".join(list(dict.fromkeys(mark_text(m) for m in chosen))[:2])

    def result(prov: str, lead: list[str]) -> dict:
        ev = [x for x in lead if x]
        if prov and not any(mentions.get(prov, {}).get(k) for k in ("typed", "bare")):
            ev.append("no province named")
        others = [describe(p) for p, _ in score.most_common() if p != prov]
        if others:
            ev.append(("also: " if prov else "mentions: ") + "; ".join(o for o in others if o))
        if ambiguous:
            ev.append("ambiguous: " + ", ".join(f"{k}{_count(v)}" for k, v in ambiguous.items()))
        if hints:
            ev.append("hint not used: " + ", ".join(f"{h['mark']} ({h['province']})" for h in hints))
        dist = districts.get(prov, Counter())
        return {"province": prov, "evidence": "; ".join(ev) or "no place named",
                "district": next(iter(dist)) if len(dist) == 1 else ""}

    # 1. The outlet / dateline says where the report is from, unless the text is plainly
    #    about another province and never names the outlet's own.
    if len(from_outlet) == 1:
        prov = next(iter(from_outlet))
        rival = [(p, sc) for p, sc in score.most_common() if p != prov and sc >= 3]
        if score[prov] == 0 and rival:
            return result("", [f"contradictory: {marks_for(prov)}, but the text names "
                               f"{rival[0][0]} (score {rival[0][1]}) and not {prov}"])
        return result(prov, [marks_for(prov), describe(prov)])
    if len(from_outlet) > 1:
        return result("", ["contradictory outlet marks: " + "; ".join(
            marks_for(p) for p in from_outlet)])
    if not score:
        return result("", ["no place named" if not ambiguous else "no unambiguous place named"])
    ranked = score.most_common()
    top, top_score = ranked[0]
    if len(ranked) == 1:
        return result(top, [describe(top)])
    second, second_score = ranked[1]
    # 2. "Ban Dân vận Tỉnh ủy X" names the author, when X is among the main provinces.
    if len(from_org) == 1:
        prov = next(iter(from_org))
        if score[prov] * 2 >= top_score:
            return result(prov, [describe(prov), f"from: Ban Dân vận Tỉnh ủy {prov}"])
    # 3. A clear majority.
    if top_score >= 2 * second_score:
        return result(top, [describe(top)])
    return result("", [f"contradictory: {top} (score {top_score}) vs {second} (score {second_score}),"
                       " no dateline or outlet to decide"])
