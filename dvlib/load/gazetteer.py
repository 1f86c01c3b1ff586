"""Places in Vietnamese text, and the province a report comes from.

The tables are the pre-2025 administrative units (63 provinces, their districts and communes,
``gazetteer_*.csv``) plus hand-kept data: province-name variants (``province_aliases.csv``),
bare names that are no evidence (``place_stoplist.csv``: historical battles, the President,
rivers, common words), person-name parts (``person_name_parts.csv``: "Nguyễn Văn Lâm" is a
man, not Văn Lâm district) and outlet/dateline marks (``outlet_marks.csv``).

Matching runs on :func:`dvlib.text.normalize.match_form` syllables, so NFD input, old/new tone
placement ("Chiêm Hoá"/"Chiêm Hóa") and case all match alike; offsets are offsets into the
NFC text (the same as into the input when it is NFC, which every dvlib text is).

A wrong province is the worst failure, so :func:`infer_province` returns "" when there is no
evidence or when the evidence contradicts itself; every answer carries its evidence.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from dvlib.text.normalize import match_form, nfc, normalize_tones
from dvlib.config import data_file
from dvlib.text.patterns import admin_levels

_TOKEN = re.compile(r"\w+")
# Between the syllables of one name: spaces, or a dash / dot / apostrophe ("Bà Rịa - Vũng Tàu",
# "TP.HCM", "M'Đrắk"); never a line break or a comma.
_INNER_GAP = re.compile(r"[ \t\u00a0]{1,3}|[ \t\u00a0]*[-–—.'’][ \t\u00a0]*")
# Between a type word and the name ("tỉnh Bắc Giang", "TP.HCM", "TP. Vinh").
_TYPE_GAP = re.compile(r"[ \t\u00a0]{1,3}|\.[ \t\u00a0]*")

# Type words (match form, as syllable tuples) -> the level they introduce, from
# dvlib/data/admin_levels.csv. Longest first, so "thị xã X" is a district and not a commune,
# "tỉnh ủy X" a province.
_ADMIN_LEVELS = [r for r in admin_levels() if r["place_type"]]
_TYPE_WORDS: list[tuple[tuple[str, ...], str]] = sorted(
    [(tuple(r["word"].split()), r["place_type"]) for r in _ADMIN_LEVELS], key=lambda t: -len(t[0]))
# The gazetteer's own type names, to prefer "thành phố Hòa Bình" (a city) over the district.
_TYPE_NAMES = {tuple(r["word"].split()): r["type_name"] for r in _ADMIN_LEVELS if r["type_name"]}


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


def read_gazetteer_table(name: str) -> list[dict]:
    with open(data_file(name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _caps(name: str) -> tuple[bool, ...]:
    return tuple(t[0].isupper() for t in _TOKEN.findall(nfc(name)))


@lru_cache(maxsize=1)
def _tables():
    """Index: syllable tuple -> entries; plus lookups. Loaded once."""
    index: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
    provinces = read_gazetteer_table("gazetteer_provinces.csv")
    stop = {(_key(r["name"]), r["level"]) for r in read_gazetteer_table("place_stoplist.csv")}
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
    for r in read_gazetteer_table("province_aliases.csv"):
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
    for r in read_gazetteer_table("gazetteer_districts.csv"):
        k = _key(r["district"])
        index[k].append(_Entry("district", r["district"], r["province"], r["district"],
                               r["district_type"], requires_type=len(k) < 2 or k[0].isdigit(),
                               stop=(k, "district") in stop, caps=_caps(r["district"])))
    for r in read_gazetteer_table("gazetteer_communes.csv"):
        k = _key(r["ward"])
        if not k or k[0].isdigit():
            continue  # "Phường 1" exists in dozens of towns
        index[k].append(_Entry("commune", r["ward"], r["province"], r["district"], r["ward_type"],
                               requires_type=True, caps=_caps(r["ward"])))
    parts = read_gazetteer_table("person_name_parts.csv")
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


def text_forms(text: str) -> tuple[str, str, str]:
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
    t, _, mf = text_forms(text)
    return find_places_in_forms(t, mf)


def find_places_in_forms(t: str, mf: str) -> list[dict]:
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


