"""Indicators: a number (Vietnamese notation: 2.137 = 2137) with what it counts, found with
underthesea's part-of-speech tags on the few words after it."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable


from dvlib.text.data import read_yaml
from dvlib.text.normalize import nfc
from dvlib.extract.common import match_form, normalize_tones, squash

# --------------------------------------------------------------------------- indicators

WORDS_FILE = "indicator_words.yaml"

# A number not glued to a word, a decimal, a date or a range before it. The check on what
# precedes comes after the first digit so that the pattern starts with a digit, which lets
# ``re`` skip ahead to the digits instead of trying the look-behind at every position.
_NUMBER = re.compile(r"\d(?<![\w.,/:\-–]\d)\d*(?:[.,]\d+)*(?!\w)")
_TIME_OR_RANGE = re.compile(r":\d|\s*[-–]\s*\d")
_FRACTION = re.compile(r"/(\d+(?:[.,]\d+)*)(?!\w)")
_VN_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_VN_PLAIN = re.compile(r"\d+(?:,\d+)?")
# The words read around a number live in dvlib/data/indicator_words.yaml.
_WORDS = read_yaml(WORDS_FILE)
_MULTIPLIERS = {str(k): float(v) for k, v in _WORDS["multipliers"].items()}
_CURRENCY = {str(k): str(v) for k, v in _WORDS["currency"].items()}
_MEASURES = frozenset(map(str, _WORDS["measures"]))
_TIME_UNITS = frozenset(map(str, _WORDS["time_units"]))
_STOP = frozenset(map(str, _WORDS["stop"]))


def _alternation(key: str) -> str:
    """The words of a list of the data file as regex alternatives, in the file's order."""
    return "|".join(re.escape(str(w)).replace("\\ ", " ") for w in _WORDS[key])


_MULTIPLIER = re.compile(rf"\s*({'|'.join(map(re.escape, _MULTIPLIERS))})(?!\w)")
_QUALIFIER = re.compile(rf"(?<!\w)({_alternation('qualifiers')})\s+$")
_NOT_COUNT_BEFORE = re.compile(rf"(?<!\w)({_alternation('not_count_before')})\s*$")
_DATE_BEFORE = re.compile(rf"(?<!\w)({_alternation('date_before')})\s*\(?\s*$")
_SYLLABLE = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)*")


def _format_number(value: float) -> str:
    """136e9 -> "136000000000", 1.5 -> "1.5": plain digits, no exponent, no separators."""
    if float(value).is_integer():
        return str(int(value))
    return format(value, "f").rstrip("0").rstrip(".")


def parse_vn_number(s: str) -> float | None:
    """A number written the Vietnamese way: "2.137" -> 2137, "1,5" -> 1.5, "12.500" -> 12500.

    Anything else ("1,107,571", "1.5", "2.12") is not read: it is another convention or a
    label, and a wrong value is worse than none.
    """
    if _VN_THOUSANDS.fullmatch(s):
        return float(s.replace(".", "").replace(",", "."))
    if _VN_PLAIN.fullmatch(s):
        return float(s.replace(",", "."))
    return None


_GAP = re.compile(r"[ \t\u00a0]*")


def _next_syllable(mf: str, pos: int, limit: int) -> tuple[int, int, str] | None:
    """The syllable after ``pos`` if only spaces stand between (start, end, match form)."""
    j = _GAP.match(mf, pos).end()
    w = _SYLLABLE.match(mf, j)
    if not w or w.end() > limit:
        return None
    return w.start(), w.end(), w.group(0)


_NOUN_TAGS = {"N", "Nc", "Nu", "Np", "Ny", "Nb", "A", "M"}
_FUNCTION_TAGS = {"E", "C", "CC", "CH", "P", "R", "L", "T", "X", "I", "Z"}
_CLAUSE_END = re.compile(r"[,;.:!?()\[\]“”\"‘’«»…]|\s[-–]\s")
MAX_COUNTED_WORDS = 4
MAX_COUNTED_SYLLABLES = 6


@lru_cache(maxsize=20_000)
def _pos_tag(window: str) -> tuple[tuple[str, str], ...]:
    from underthesea import pos_tag  # imported here: only indicators need the tagger

    return tuple(pos_tag(window))


def _noun_after(text: str, pos: int, limit: int) -> tuple[int, str]:
    """The counted noun after a number: "2.137 tổ tự quản về ANTT" -> "tổ tự quản".

    Words (underthesea) up to the clause's end, a function word or a verb that is the
    clause's predicate ("209/209 cơ sở phối hợp ..." counts "cơ sở"); a verb right after a
    one-syllable head is its modifier ("tổ tự quản", "đoàn giám sát", "khâu đột phá").
    At most four words and six syllables. Returns (end, match form) or (pos, "").
    """
    tones = normalize_tones(text)
    lead = _GAP.match(tones, pos).end()
    stop = _CLAUSE_END.search(tones, lead, limit)
    window = tones[lead:stop.start() if stop else limit].rstrip()
    if not window or not _SYLLABLE.match(window):
        return pos, ""
    cursor, end, words, syllables = 0, 0, [], 0
    for token, tag in _pos_tag(window):
        at = window.find(token, cursor)
        if at < 0 or window[cursor:at].strip():
            break  # the tagger rewrote the token: stop rather than guess offsets
        if token == "/" and at == end and words:
            cursor = at + 1
            continue  # "xã/phường/thị trấn"
        if token == "/" or not _SYLLABLE.fullmatch(token.replace(" ", "")):
            break
        n = len(token.split())
        first = match_form(token.split()[0])
        if first in _STOP or len(words) >= MAX_COUNTED_WORDS or syllables + n > MAX_COUNTED_SYLLABLES:
            break
        if words:
            if tag in _FUNCTION_TAGS:
                break
            if tag not in _NOUN_TAGS and not (len(words) == 1 and syllables == 1):
                break
        elif tag in _FUNCTION_TAGS:
            break
        words.append(token)
        syllables += n
        cursor = end = at + len(token)
    if not words:
        return pos, ""
    return lead + end, squash(match_form(window[:end]))


def find_indicators(text: str, exclude: Iterable[tuple[int, int]] = ()) -> list[dict]:
    """Numbers with what they count: "2.137 tổ tự quản", "hơn 136 tỷ đồng", "209/209 xã",
    "100% chủ nhà trọ". Years, dates, times, ordinals, labels ("Bài 2") and numbers inside
    ``exclude`` spans (document codes and references) are left out, as are durations.

    Each dict: start, end, text, value, unit, detail (qualifier=, of=, counted=).
    """
    text = nfc(text)
    mf = match_form(text)
    exclude = sorted(exclude)
    out = []
    for m in _NUMBER.finditer(mf):
        s, e = m.start(), m.end()
        if any(xs < e and s < xe for xs, xe in exclude):
            continue
        value = parse_vn_number(m.group(0))
        if value is None:
            continue
        rest = mf[e:]
        if _TIME_OR_RANGE.match(rest):  # a time (2:54) or a range/date (23-5-2021)
            continue
        prefix = mf[max(0, s - 40):s]
        detail = []
        frac = _FRACTION.match(rest)
        if frac:
            if re.match(r"/\d", rest[frac.end():]):  # 15/10/1930
                continue
            of = parse_vn_number(frac.group(1))
            if of is None or value > of or _DATE_BEFORE.search(prefix):
                continue  # 27/12 (a date), not a share
            detail.append(f"of={frac.group(1).replace('.', '')}")
            e += frac.end()
        else:
            digits = m.group(0)
            if digits.isdigit() and len(digits) == 4 and 1900 <= int(digits) <= 2100:
                continue  # a year ("năm 2023", "2022-2025"); thousands are written "2.129"
        if _NOT_COUNT_BEFORE.search(prefix):
            continue
        limit = min([xs for xs, xe in exclude if xs >= e] + [len(mf)])
        unit, counted = "", ""
        pos = e
        mult = _MULTIPLIER.match(mf[pos:])
        if mult:
            value *= _MULTIPLIERS[mult.group(1)]
            pos += mult.end()
        pct = re.match(r"\s*(%|phần trăm(?!\w))", mf[pos:])
        first = None if pct else _next_syllable(mf, pos, limit)
        if pct:
            unit = "%"
            pos += pct.end()
            end, counted = _noun_after(text, pos, limit)
            if counted:
                pos = end
        elif first is None:
            if not mult:
                continue  # a bare number (a page, a counter): nothing says what it counts
        elif first[2] in _CURRENCY:
            nxt = _next_syllable(mf, first[1], limit)
            # "đồng" is money after tỷ/triệu or when no noun goes on ("2 đồng chí" is not)
            if mult or nxt is None or nxt[2] in _STOP or text[nxt[0]].isupper():
                unit, pos = _CURRENCY[first[2]], first[1]
            else:
                pos, unit = _noun_after(text, pos, limit)
        elif first[2] in _MEASURES:
            unit, pos = first[2], first[1]
            end, counted = _noun_after(text, pos, limit)
            if counted:
                pos = end
        elif first[2] in _TIME_UNITS and not re.match(r"ngày\s+công(?!\w)", mf[first[0]:]):
            continue  # a duration or an anniversary ("6 tháng đầu năm", "94 năm")
        else:
            pos, unit = _noun_after(text, pos, limit)
            if not unit:
                continue
        if mult and not unit:
            unit = mult.group(1)
        q = _QUALIFIER.search(prefix)
        start = s
        if q:
            detail.insert(0, f"qualifier={squash(q.group(1))}")
            start = s - (len(prefix) - q.start())
        if counted:
            detail.append(f"counted={counted}")
        norm = _format_number(value) + (f"/{_format_number(of)}" if frac else "")
        norm += unit if unit == "%" else f" {unit}"
        if counted:
            norm += f" {counted}"
        out.append(dict(start=start, end=pos, text=text[start:pos], value=value, unit=unit,
                        normalised=norm, detail=";".join(detail)))
    return out


