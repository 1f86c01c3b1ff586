"""Things a report names: official document codes and references to them, named models and
movements, organisations, indicators (a number with what it counts) and places.

``extract_entities(sentences)`` takes the sentence table and returns one row per mention with
its span in the *document* (sentence ``start`` + offset in the sentence), so every entity can
be quoted from its report. Matching runs on :func:`dvlib.normalize.match_form`, which has the
same length as the NFC text: a span found in the match form is sliced from the original, so
``text`` keeps the report's own spelling while "Uỷ ban MTTQ" and "Ủy ban MTTQ" match alike.

Lookup tables are data files: ``organisations.csv`` (alias -> canonical organisation),
``abbreviations.csv`` (glossary), ``document_kinds.csv`` (document kinds with their code
letters, and the words that introduce a named model). The few closed-class words the number
grammar needs (multipliers, measure and time units, function words that end a noun) are
constants below: they are Vietnamese grammar, not a lexicon a user would extend.

``detail`` by kind (parse it with :func:`parse_detail`):
  document_code       kind=Đề án;issuer=TU;number=19[;date=2023-10-27][;year=2016]
  document_reference  kind=Chỉ thị;number=22[;of=Tỉnh ủy]   (``linked_to``: "22-CT/TU")
  named_model         the word that introduces it ("phong trào thi đua", "mô hình", "quỹ")
  organisation        type=front[;level=province]
  indicator           [qualifier=hơn][;of=209][;counted=chủ nhà trọ]
  place               level=district;province=Tuyên Quang[;district=...][;ambiguous=1]
Places come from :func:`dvlib.gazetteer.find_places`; the counted noun of an indicator uses
underthesea's ``pos_tag`` on the few words after the number (offline, cached per window).
"""
from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd

from dvlib.normalize import match_form as _match_form_uncached
from dvlib.normalize import nfc
from dvlib.normalize import normalize_tones as _normalize_tones_uncached
from dvlib.paths import data_file
from dvlib.schema import ENTITY_COLUMNS

OUTPUT_COLUMNS = ENTITY_COLUMNS + ["detail", "linked_to"]
KINDS = ("document_code", "document_reference", "named_model", "organisation", "indicator",
         "place")


# Every finder needs the tone and match forms of the same sentence: compute them once. The
# match form is the lower case of the tone form (what dvlib.normalize.match_form computes), so
# deriving it from the cached tone form saves a second tone normalisation, the costly part.
normalize_tones = lru_cache(maxsize=4096)(_normalize_tones_uncached)


@lru_cache(maxsize=4096)
def match_form(text: str) -> str:
    out = normalize_tones(text).lower()
    if len(out) != len(nfc(text)):  # the rare characters lower() lengthens: the slow path
        return _match_form_uncached(text)
    return out


# --------------------------------------------------------------------------- lookup tables

def _read_table(name: str) -> pd.DataFrame:
    return pd.read_csv(data_file(name), dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def _document_kinds() -> pd.DataFrame:
    return _read_table("document_kinds.csv")


@lru_cache(maxsize=1)
def _organisations() -> pd.DataFrame:
    return _read_table("organisations.csv")


@lru_cache(maxsize=1)
def _glossary() -> pd.DataFrame:
    return _read_table("abbreviations.csv")


def document_kinds() -> pd.DataFrame:
    """word, code, name_en, document (1 = an official document kind), introduces_name."""
    return _document_kinds().copy()


def organisation_aliases() -> pd.DataFrame:
    """alias, canonical, canonical_en, type, level, case_sensitive."""
    return _organisations().copy()


def glossary() -> pd.DataFrame:
    """The abbreviation glossary: abbr, expansion_vi, expansion_en."""
    return _glossary().copy()


def _words_pattern(words: Iterable[str]) -> str:
    """An alternation of phrases, longest first, a space matching any run of white space."""
    uniq = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)


def _words_trie(words: Iterable[str]) -> str:
    """The alternation of :func:`_words_pattern` as a trie ("ban (?:dân vận|tuyên giáo)").

    The same matches: phrases that match at one position are prefixes of one another, and
    the trie, like the longest-first alternation, tries the longer before the shorter. Python's
    ``re`` tries an alternation branch by branch at every position; the trie reads each
    character once, which makes scanning for ~100 aliases several times faster.
    """
    root: dict = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch])
                    for ch in sorted(node) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        # A phrase ending here is an empty last branch, not "(...)?": sre runs "?" on a group
        # through its slow repeat machinery.
        return "(?:" + "|".join(branches) + ("|)" if "" in node else ")")

    return emit(root)


_WHITESPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


# --------------------------------------------------------------------------- document codes

# An issuer: upper-case letters (TU, TW, TƯ, BDVTU, HĐND) and, for state documents, mixed ones
# such as "TTg"; it must start upper case so ordinary words never qualify.
_ISSUER = r"[A-ZĐƯ][A-ZĐƯa-zđư0-9]*"
_DATE_AFTER = re.compile(
    r"\s*,?\s*ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")


@lru_cache(maxsize=1)
def _code_tables() -> tuple[re.Pattern, dict, dict, dict]:
    kinds = _document_kinds()
    docs = kinds[kinds["document"] == "1"]
    default_kind: dict[str, str] = {}
    letters_of: dict[str, set] = {}
    word_of: dict[str, str] = {}
    for word, code in zip(docs["word"], docs["code"]):
        word_of.setdefault(match_form(word), word)
        if code:
            default_kind.setdefault(code, word)
            letters_of.setdefault(match_form(word), set()).add(code)
    words = _words_pattern(docs["word"])
    pattern = re.compile(rf"(?:(?P<kw>(?i:{words}))\s+(?:(?i:số)\s+)?)?{_code_core(docs)}")
    return pattern, default_kind, letters_of, word_of


def _code_core(docs: pd.DataFrame) -> str:
    """The code itself ("19-ĐA/TU", "1234/QĐ-UBND"), without the kind word before it."""
    code_alt = _words_pattern(c for c in docs["code"] if c)
    return (
        rf"(?:(?<![\w/.-])(?P<num>\d{{1,5}})\s*-\s*(?P<code>{code_alt})\s*/\s*(?P<iss>{_ISSUER})"
        rf"|(?<![\w/.-])(?P<snum>\d{{1,5}})(?:/(?P<year>(?:19|20)\d\d))?\s*/\s*"
        rf"(?P<scode>{code_alt})\s*-\s*(?P<siss>{_ISSUER}(?:-{_ISSUER})*))(?![\w])"
    )


# Every code has a digit before a dash or a slash. The full pattern tries the optional kind
# word at every position, which is slow; most sentences have no code, and a sentence without
# this cheap sign, or without the code proper, has none.
_CODE_SIGN = re.compile(r"\d\s*[-/]")


@lru_cache(maxsize=1)
def _code_core_pattern() -> re.Pattern:
    kinds = _document_kinds()
    return re.compile(_code_core(kinds[kinds["document"] == "1"]))


def find_document_codes(text: str) -> list[dict]:
    """Official document codes in ``text``: "Đề án số 19-ĐA/TU", "Chỉ thị 05 -CT/TW",
    "Quyết định số 1234/QĐ-UBND". Spans are offsets into ``text``.

    Each dict: start, end, text, normalised ("19-ĐA/TU"), kind ("Đề án"), code ("ĐA"),
    number, issuer, date (ISO or ""), detail.
    """
    text = nfc(text)
    tones = normalize_tones(text)
    if not _CODE_SIGN.search(tones) or not _code_core_pattern().search(tones):
        return []
    pattern, default_kind, _, word_of = _code_tables()
    out = []
    for m in pattern.finditer(tones):
        if m.group("num"):
            num, code, iss, year = m.group("num"), m.group("code"), m.group("iss"), ""
            normalised = f"{num}-{code}/{iss}"
        else:
            num, code, iss, year = m.group("snum"), m.group("scode"), m.group("siss"), m.group("year") or ""
            normalised = f"{num}/{year + '/' if year else ''}{code}-{iss}"
        kw = m.group("kw")
        # The word in the text names the kind ("Quy định 124-QĐ/TW" is a regulation although
        # QĐ alone defaults to a decision); without one, the code letters decide.
        kind = word_of.get(match_form(_squash(kw)), kw) if kw else default_kind.get(code, code)
        date = ""
        d = _DATE_AFTER.match(text, m.end())
        if d:
            day, month, yr = int(d.group(1)), int(d.group(2)), d.group(3)
            if 1 <= day <= 31 and 1 <= month <= 12:
                date = f"{yr}-{month:02d}-{day:02d}"
        detail = f"kind={kind};issuer={iss};number={num}"
        if year:
            detail += f";year={year}"
        if date:
            detail += f";date={date}"
        out.append(dict(start=m.start(), end=m.end(), text=text[m.start():m.end()],
                        normalised=normalised, kind=kind, code=code, number=num, issuer=iss,
                        date=date, detail=detail))
    return out


# --------------------------------------------------------------------------- references

@lru_cache(maxsize=1)
def _reference_pattern() -> re.Pattern:
    kinds = _document_kinds()
    docs = kinds[kinds["document"] == "1"]
    words = _words_trie(match_form(w) for w in docs["word"])
    # The number must not go on into a code ("22 -CT/TU"), a date ("25/6") or a decimal.
    return re.compile(rf"(?<!\w)(?P<kw>{words})\s+(?P<so>số\s+)?(?P<num>\d{{1,4}})"
                      r"(?![\w]|[.,/:]\d|\s*[-/]\s*[^\W\d_])")


_DIGIT = re.compile(r"\d")
_OF = re.compile(r"\s+của\s+")


def find_document_references(text: str, codes: list[dict] | None = None) -> list[dict]:
    """References to a document by kind and number without its issuer: "Chỉ thị số 33",
    "Kết luận số 43", "Đề án 02", "Chương trình hành động số 17".

    A mention inside a full code (``codes``, found if not given) is not a reference. Without
    "số" the kind word must be capitalised and the number not a year ("Kế hoạch 2024" is not
    a reference). Each dict: start, end, text, normalised ("Chỉ thị 33"), kind, number, detail.
    """
    text = nfc(text)
    mf = match_form(text)
    if not _DIGIT.search(mf):
        return []  # every reference has a number
    if codes is None:
        codes = find_document_codes(text)
    _, _, _, word_of = _code_tables()
    out = []
    for m in _reference_pattern().finditer(mf):
        s, e = m.start(), m.end()
        if any(c["start"] < e and s < c["end"] for c in codes):
            continue
        num = m.group("num")
        if not m.group("so"):
            if not text[s].isupper():
                continue
            if len(num) == 4 and 1900 <= int(num) <= 2100:
                continue
        kind = word_of.get(_squash(m.group("kw")), m.group("kw"))
        detail = f"kind={kind};number={num}"
        of = _OF.match(mf, e)
        if of:
            orgs = [o for o in find_organisations(text) if o["start"] == of.end()]
            if orgs:
                detail += f";of={orgs[0]['normalised']}"
        out.append(dict(start=s, end=e, text=text[s:e], normalised=f"{kind} {num}", kind=kind,
                        number=num, detail=detail))
    return out


def _link_references(codes: list[dict], refs: list[dict]) -> None:
    """Give each reference the full code the same report gives for its kind and number."""
    _, _, letters_of, _ = _code_tables()
    for r in refs:
        letters = letters_of.get(match_form(r["kind"]), set())
        hits = []
        for c in codes:
            if c["code"] in letters and int(c["number"]) == int(r["number"]) \
                    and c["normalised"] not in hits:
                hits.append(c["normalised"])
        r["linked_to"] = "|".join(hits)


# --------------------------------------------------------------------------- organisations

_LEVEL_AFTER = re.compile(
    r"\s+(?:cấp\s+)?(tỉnh|huyện|thị xã|thành phố|xã|phường|thị trấn|trung ương|các cấp)(?!\w)")
_LEVELS = {"tỉnh": "province", "huyện": "district", "thị xã": "district",
           "thành phố": "district", "xã": "commune", "phường": "commune",
           "thị trấn": "commune", "trung ương": "central", "các cấp": "all"}


@lru_cache(maxsize=1)
def _org_matchers() -> tuple[re.Pattern | None, re.Pattern | None, dict, dict]:
    t = _organisations()
    ci_rows: dict[str, dict] = {}
    cs_rows: dict[str, dict] = {}
    for row in t.to_dict("records"):
        if row["case_sensitive"] == "1":
            cs_rows[_squash(normalize_tones(row["alias"]))] = row
        else:
            ci_rows[_squash(match_form(row["alias"]))] = row

    def compile_(keys):
        if not keys:
            return None
        # A lookahead finds the longest alias starting at every position (overlaps allowed);
        # the longest-first selection below then keeps one reading of each stretch.
        return re.compile(rf"(?<!\w)(?=({_words_trie(keys)})(?!\w))")

    return compile_(ci_rows), compile_(cs_rows), ci_rows, cs_rows


def find_organisations(text: str) -> list[dict]:
    """Organisations named in ``text`` via the alias table, longest match first.

    Each dict: start, end, text, normalised (canonical name), type, level, detail.
    """
    text = nfc(text)
    mf = match_form(text)
    tones = normalize_tones(text)
    ci, cs, ci_rows, cs_rows = _org_matchers()
    cands = []
    for rx, source, rows in ((ci, mf, ci_rows), (cs, tones, cs_rows)):
        if rx is None:
            continue
        for m in rx.finditer(source):
            s, e = m.start(1), m.end(1)
            cands.append((s, e, rows[_squash(m.group(1))]))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, dict]] = []
    for s, e, row in cands:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, row))
    out = []
    for s, e, row in sorted(taken, key=lambda c: c[0]):
        level = row["level"]
        if not level:
            lm = _LEVEL_AFTER.match(mf, e)
            level = _LEVELS.get(_squash(lm.group(1)), "") if lm else ""
        detail = f"type={row['type']}" + (f";level={level}" if level else "")
        out.append(dict(start=s, end=e, text=text[s:e], normalised=row["canonical"],
                        type=row["type"], level=level, detail=detail))
    return out


# --------------------------------------------------------------------------- named models

_DOUBLE_OPEN = set("“\"«„")
_DOUBLE_CLOSE = set("”\"»“")
_QUOTE_MARK = re.compile(r"‘‘|’’|''|[“”\"«»„‘’]")
MAX_NAME_CHARS = 300


def quoted_spans(text: str) -> list[tuple[int, int, int, int]]:
    """Quoted stretches as (open_start, name_start, name_end, close_end).

    Reports mix their quote marks: "Nhà trọ ...” opens straight and closes curly, ‘‘...“
    opens with two single marks and closes with an opening double mark. A mark that can only
    close (” ’ ») outside a quote is a stray and is ignored; an unclosed quote gives nothing.
    """
    out = []
    open_at = None  # (start, end, kind) of the opening mark
    for m in _QUOTE_MARK.finditer(text):
        mark = m.group(0)
        double = len(mark) == 2 or mark in _DOUBLE_OPEN or mark in _DOUBLE_CLOSE
        if open_at is None:
            if mark in _DOUBLE_OPEN or mark in ("‘‘", "''", "‘"):
                open_at = (m.start(), m.end(), mark)
            continue
        o_start, o_end, o_mark = open_at
        if double and o_mark == "‘":
            continue
        if not double and o_mark != "‘":
            continue  # a single mark inside a double-quoted name (an apostrophe, a nested quote)
        if mark == "“" and o_mark == "“":
            continue  # “ closes only quotes opened some other way ("‘‘...“")
        out.append((o_start, o_end, m.start(), m.end()))
        open_at = None
    return out


@lru_cache(maxsize=1)
def _intro_pattern() -> re.Pattern:
    kinds = _document_kinds()
    intros = [match_form(w) for w in kinds.loc[kinds["introduces_name"] == "1", "word"]]
    words = _words_pattern(intros)
    long_words = _words_pattern(w for w in intros if len(w.split()) > 1)
    # Up to two more syllables may stand between a word of two syllables or more and the
    # quote ("phong trào thi đua yêu nước", "Sân chơi Văn hoá "Giờ thứ 9""); one-syllable words
    # must touch it, or "giải quyết “...”" would read as a prize ("giải") and "nhà nước “...”"
    # as a house. An unquoted name must always follow its word directly.
    quoted = re.compile(rf"(?<!\w)(?:(?P<intro>{words})|(?P<long>{long_words})"
                        rf"(?:\s+[^\W\d_]+){{1,2}})\s*$")
    return quoted


_AFTER_CODE = re.compile(
    r"\s*(?:,?\s*ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})?\s*,?\s*(?:về\s*(?:việc\s*)?)?")
# Between two names of one list: a separator and at most two syllables ("”, đường cờ “").
# "”, với phương châm “" is longer, and rightly not a list: a motto follows, not a model.
_LIST_GAP = re.compile(r"\s*(?:[,;]|và|hoặc|hay)(?:\s+[^\W\d_]+){0,2}\s*")
# An unquoted name must end where the phrase ends ("Ngày hội Đại đoàn kết toàn dân tộc" is
# another name than "đại đoàn kết").
_NAME_END = re.compile(r"\s*(?:[^\w\s]|$)|\s+(?:" + "|".join(sorted(
    ["và", "với", "của", "cho", "trong", "tại", "ở", "về", "được", "đã", "để", "là", "có",
     "theo", "từ", "đến", "các", "những", "thì", "mà", "nhưng", "hay", "hoặc", "khi", "do",
     "trên", "nhằm", "gồm", "cần", "phải", "sẽ", "đang", "không", "chưa", "còn", "đều",
     "này", "đó", "nay"], key=len, reverse=True)) + r")(?!\w)")


def _quote_candidates(text: str, mf: str, codes: list[dict]) -> list[dict]:
    """Every quoted stretch of a sentence with the word that introduces it ("" if none)."""
    quoted_intro = _intro_pattern()
    out = []
    for o_start, n_start, n_end, c_end in quoted_spans(text):
        raw = text[n_start:n_end]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        s, e = n_start + lead, n_end - trail
        if e <= s or e - s > MAX_NAME_CHARS or not re.search(r"[^\W\d_]", raw):
            continue
        prefix = mf[max(0, o_start - 80):o_start]
        intro = ""
        m = quoted_intro.search(prefix)
        if m:
            intro = _squash(m.group("intro") or m.group("long"))
        else:
            # "Đề án số 02-ĐA/TU ngày 23-5-2021 về “...”": the code names the kind.
            for c in codes:
                if c["end"] <= o_start and _AFTER_CODE.fullmatch(mf, c["end"], o_start):
                    intro = match_form(c["kind"])
        out.append(dict(start=s, end=e, open_start=o_start, close_end=c_end, text=text[s:e],
                        normalised=_squash(mf[s:e]), intro=intro))
    return out


def _resolve_quotes(cands: list[dict], mf: str, known: dict[str, str]) -> list[dict]:
    """Which quoted stretches name a model: introduced by a model word, listed right after
    one that is, or a name the corpus introduces elsewhere. Others are quotations."""
    accepted = []
    prev = None
    for c in cands:
        intro = c["intro"]
        ok = bool(intro)
        if not ok and prev is not None and _LIST_GAP.fullmatch(mf, prev["close_end"], c["open_start"]):
            intro, ok = prev["detail"], True
        if not ok and c["normalised"] in known:
            intro, ok = known[c["normalised"]], True
        if ok:
            item = dict(c, detail=intro)
            accepted.append(item)
            prev = item
        else:
            prev = None
    return accepted


@lru_cache(maxsize=1)
def _intro_forward() -> re.Pattern:
    kinds = _document_kinds()
    words = _words_trie(match_form(w) for w in kinds.loc[kinds["introduces_name"] == "1", "word"])
    return re.compile(rf"(?<!\w)(?=(?P<intro>{words})\s+)")


def _known_regex(names: Iterable[str]) -> re.Pattern | None:
    names = [n for n in names if len(n.split()) >= 2]  # one syllable is too common a word
    if not names:
        return None
    return re.compile(rf"(?:{_words_pattern(names)})(?!\w)")


def _bare_models(text: str, mf: str, rx: re.Pattern | None, taken: list[dict]) -> list[dict]:
    """Unquoted mentions of names the corpus quotes (``rx``), right after a model word
    ("mô hình, điển hình dân vận khéo"), ending where the phrase ends."""
    if rx is None:
        return []
    out = []
    for im in _intro_forward().finditer(mf):
        s = im.end("intro")
        s += len(mf[s:]) - len(mf[s:].lstrip())
        m = rx.match(mf, s)
        if not m:
            continue
        e = m.end()
        if any(t["open_start"] <= s and e <= t["close_end"] for t in taken + out):
            continue
        if not _NAME_END.match(mf, e):
            continue
        out.append(dict(start=s, end=e, open_start=s, close_end=e, text=text[s:e],
                        normalised=_squash(m.group(0)), detail=_squash(im.group("intro"))))
    return out


# --------------------------------------------------------------------------- indicators

# A number not glued to a word, a decimal, a date or a range before it. The check on what
# precedes comes after the first digit so that the pattern starts with a digit, which lets
# ``re`` skip ahead to the digits instead of trying the look-behind at every position.
_NUMBER = re.compile(r"\d(?<![\w.,/:\-–]\d)\d*(?:[.,]\d+)*(?!\w)")
_TIME_OR_RANGE = re.compile(r":\d|\s*[-–]\s*\d")
_FRACTION = re.compile(r"/(\d+(?:[.,]\d+)*)(?!\w)")
_VN_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_VN_PLAIN = re.compile(r"\d+(?:,\d+)?")
_MULTIPLIERS = {"tỷ": 1e9, "tỉ": 1e9, "triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3, "trăm": 1e2}
_CURRENCY = {"đồng": "đồng", "vnđ": "đồng", "vnd": "đồng", "đ": "đồng", "usd": "USD"}
_MEASURES = {"ha", "hecta", "héc-ta", "km", "km2", "m", "m2", "m²", "m3", "kg", "tấn", "tạ", "lít"}
_TIME_UNITS = {"năm", "tháng", "ngày", "giờ", "phút", "giây", "tuần", "quý"}
# Words that end the counted noun: function words, verbs of reporting, and "năm" (a year
# follows). Kept short on purpose; the counted noun is at most four syllables anyway.
_STOP = {
    "và", "với", "của", "cho", "trong", "tại", "ở", "về", "được", "đã", "để", "là", "có",
    "theo", "từ", "đến", "tới", "các", "những", "thì", "mà", "nhưng", "hay", "hoặc", "khi",
    "do", "bởi", "vì", "như", "cùng", "trên", "dưới", "sau", "trước", "nhằm", "gồm", "cần",
    "phải", "sẽ", "đang", "vào", "qua", "không", "chưa", "còn", "thuộc", "đều", "bị", "này",
    "đó", "nay", "ấy", "mỗi", "mọi", "năm", "đạt", "tham", "thực", "góp", "nhận", "hỗ",
}
_QUALIFIER = re.compile(
    r"(?<!\w)(hơn|gần|trên|khoảng|chừng|ước tính|ước|xấp xỉ|lên tới|lên đến|ít nhất|tối thiểu|"
    r"tối đa|dưới|không quá|gần như|hàng)\s+$")
# A number right after these words is a date, an ordinal, a label or an address, not a count.
_NOT_COUNT_BEFORE = re.compile(
    r"(?<!\w)(năm|tháng|ngày|quý|bài|thứ|số|điều|khoản|mục|chương|phần|kỳ|khóa|tập|trang|đợt|"
    r"lần|giai đoạn|nhiệm kỳ|lúc|hồi|sáng|chiều|tối|trưa|đêm|hôm|đoàn|khu|tổ|ấp|thôn|xóm|bản|"
    r"khối|phường|quận|đường|quốc lộ|tỉnh lộ|phòng|lô|covid|hạng|vòng|câu|bước|mức|từ|đến)\s*$")
_DATE_BEFORE = re.compile(r"(?<!\w)(ngày|sáng|chiều|tối|trưa|đêm|hôm|từ|đến|tới|lúc)\s*\(?\s*$")
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
    return lead + end, _squash(match_form(window[:end]))


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
        mult = re.match(r"\s*(tỷ|tỉ|triệu|nghìn|ngàn|trăm)(?!\w)", mf[pos:])
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
            detail.insert(0, f"qualifier={_squash(q.group(1))}")
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


# --------------------------------------------------------------------------- places

def _find_places(text: str) -> list[dict] | None:
    try:
        from dvlib.gazetteer import find_places
    except ImportError as exc:  # written in parallel; the other kinds still work without it
        warnings.warn(f"place extraction skipped: {exc}", RuntimeWarning, stacklevel=3)
        return None
    out = []
    for p in find_places(text):
        detail = f"level={p.get('level', '')};province={p.get('province', '')}"
        if p.get("district") and p.get("level") != "district":
            detail += f";district={p['district']}"
        if p.get("ambiguous"):
            detail += ";ambiguous=1"
        out.append(dict(start=p["start"], end=p["end"], text=text[p["start"]:p["end"]],
                        normalised=p.get("canonical") or p.get("name", ""), detail=detail))
    return out


# --------------------------------------------------------------------------- the table

def _row(kind: str, item: dict, value: float = np.nan, unit: str = "") -> tuple:
    """What the table keeps of a found item; its offsets are still into the sentence."""
    return (kind, item["text"], item["normalised"], value, unit, item["start"], item["end"],
            item.get("detail", ""))


def extract_entities(sentences: pd.DataFrame, *, kinds: Iterable[str] | None = None,
                     known_models: Iterable[str] | None = None) -> pd.DataFrame:
    """Entities of every sentence (columns doc_id, sentence_id, start, text; rows whose
    ``boilerplate`` is non-empty are skipped).

    Returns :data:`OUTPUT_COLUMNS`: doc_id, sentence_id, kind, text (the report's spelling),
    normalised, value, unit, start, end (offsets into the document), detail, linked_to.
    Named models found in quotes anywhere in ``sentences`` (plus ``known_models``) are also
    found unquoted after a model word in every report, so pass the whole corpus at once.
    """
    kinds = set(kinds) if kinds is not None else set(KINDS)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"unknown entity kinds: {sorted(unknown)}")
    missing = {"doc_id", "sentence_id", "start", "text"} - set(sentences.columns)
    if missing:
        raise ValueError(f"sentences lack columns: {sorted(missing)}")
    frame = sentences
    if "boilerplate" in frame.columns:
        bp = frame["boilerplate"].fillna("").astype(str)
        frame = frame[bp == ""]

    doc_ids = frame["doc_id"].tolist()
    texts = [nfc("" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw))
             for raw in frame["text"]]

    # Every finder is a function of the sentence's text alone (only the link of a reference
    # to its code depends on the report), and reports repeat sentences (syndicated articles,
    # set phrases), so each distinct text is analysed once and its entities reused. One pass
    # runs every finder on a text while its normalised forms are still cached; only named
    # models wait for the second, as they need the names quoted anywhere in the corpus.
    want_places = "place" in kinds
    first: dict[str, tuple] = {}
    known: dict[str, str] = {}
    for text in texts:
        if text in first:
            continue
        mf = match_form(text)
        codes = find_document_codes(text)
        refs = find_document_references(text, codes) \
            if kinds & {"document_reference", "indicator"} else []
        quotes = _quote_candidates(text, mf, codes) if "named_model" in kinds else []
        for q in _resolve_quotes(quotes, mf, {}):
            known.setdefault(q["normalised"], q["detail"])
        rest = []  # in output order, as compact rows (see _row)
        if "organisation" in kinds:
            rest += [_row("organisation", o) for o in find_organisations(text)]
        if "indicator" in kinds:
            spans = [(c["start"], c["end"]) for c in codes]
            spans += [(r["start"], r["end"]) for r in refs]
            rest += [_row("indicator", i, i["value"], i["unit"])
                     for i in find_indicators(text, spans)]
        if want_places:
            places = _find_places(text)
            if places is None:
                want_places = False
            else:
                rest += [_row("place", p) for p in places]
        first[text] = (mf, codes, refs, quotes, rest)
    for name in known_models or ():
        known.setdefault(_squash(match_form(name)).strip(), "")

    known_rx = _known_regex(known)
    by_doc_codes: dict[str, list[dict]] = {}
    for doc_id, text in zip(doc_ids, texts):
        by_doc_codes.setdefault(doc_id, []).extend(first[text][1])

    # text -> (codes, references, the other kinds after them)
    found: dict[str, tuple[list, list, list]] = {}
    for text, (mf, codes, refs, quotes, rest) in first.items():
        head = [_row("document_code", c) for c in codes] if "document_code" in kinds else []
        models = []
        if "named_model" in kinds:
            models = _resolve_quotes(quotes, mf, known)
            models += _bare_models(text, mf, known_rx, models)
            models = [_row("named_model", q) for q in sorted(models, key=lambda q: q["start"])]
        found[text] = (head, refs if "document_reference" in kinds else [], models + rest)

    rows = []
    for doc_id, sid, base, text in zip(doc_ids, frame["sentence_id"].tolist(),
                                       frame["start"].tolist(), texts):
        head, refs, tail = found[text]
        base = int(base)
        for kind, txt, norm, value, unit, start, end, detail in head:
            rows.append((doc_id, sid, kind, txt, norm, value, unit, base + start, base + end,
                         detail, ""))
        if refs:  # shared by every repeat of the text: linked anew for each report
            _link_references(by_doc_codes.get(doc_id, []), refs)
            for r in refs:
                rows.append((doc_id, sid, "document_reference", r["text"], r["normalised"],
                             np.nan, "", base + r["start"], base + r["end"], r.get("detail", ""),
                             r["linked_to"]))
        for kind, txt, norm, value, unit, start, end, detail in tail:
            rows.append((doc_id, sid, kind, txt, norm, value, unit, base + start, base + end,
                         detail, ""))

    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    out["value"] = out["value"].astype("float64")
    for col in ("start", "end"):
        out[col] = out[col].astype("int64")
    order = {d: i for i, d in enumerate(pd.unique(frame["doc_id"]))}
    out["_doc"] = out["doc_id"].map(order)
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    out = out.sort_values(["_doc", "start", "_kind", "end"], kind="stable")
    return out.drop(columns=["_doc", "_kind"]).reset_index(drop=True)


def parse_detail(detail: str) -> dict[str, str]:
    """``"kind=Đề án;issuer=TU;number=19"`` -> dict; a bare value (a named model's
    introducing word) comes back under ``"value"``."""
    out: dict[str, str] = {}
    for part in (detail or "").split(";"):
        if not part:
            continue
        key, sep, val = part.partition("=")
        if sep:
            out[key] = val
        else:
            out["value"] = part
    return out


# --------------------------------------------------------------------------- glossary

@lru_cache(maxsize=2)
def _abbr_regex() -> re.Pattern:
    abbrs = sorted(_glossary()["abbr"], key=lambda a: (-len(a), a))
    return re.compile(r"(?<![\w&/.-])(" + "|".join(map(re.escape, abbrs)) + r")(?![\w&/-])")


def expand_abbreviations(text: str, lang: str = "vi", first_only: bool = True) -> str:
    """Spell abbreviations out for a reader: "BTV Tỉnh ủy" -> "BTV (Ban Thường vụ) Tỉnh ủy".

    ``lang`` is "vi" or "en" (the expansion's language). Only the first occurrence of each
    abbreviation is expanded unless ``first_only=False``; one already in parentheses
    ("Ban Thường vụ (BTV)") or inside a document code ("19-ĐA/TU") is left alone.
    """
    if lang not in ("vi", "en"):
        raise ValueError("lang must be 'vi' or 'en'")
    table = _glossary().set_index("abbr")[f"expansion_{lang}"].to_dict()
    seen: set[str] = set()

    def repl(m: re.Match) -> str:
        abbr = m.group(1)
        s, e = m.span(1)
        if text[max(0, s - 1):s] == "(" and text[e:e + 1] == ")":
            seen.add(abbr)
            return abbr
        if first_only and abbr in seen:
            return abbr
        seen.add(abbr)
        return f"{abbr} ({table[abbr]})"

    text = nfc(text)
    return _abbr_regex().sub(repl, text)
