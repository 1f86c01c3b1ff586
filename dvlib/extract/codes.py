"""Official document codes ("22-CT/TU", with kind, issuer, number, date) and the references
to them ("Chỉ thị số 22 của Tỉnh ủy"), linked to the codes."""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from dvlib.text.normalize import nfc
from dvlib.extract.common import kinds_table, match_form, normalize_tones, squash, words_pattern, words_trie
from dvlib.extract.organisations import find_organisations

# --------------------------------------------------------------------------- document codes

# An issuer: upper-case letters (TU, TW, TƯ, BDVTU, HĐND) and, for state documents, mixed ones
# such as "TTg"; it must start upper case so ordinary words never qualify.
_ISSUER = r"[A-ZĐƯ][A-ZĐƯa-zđư0-9]*"
_DATE_AFTER = re.compile(
    r"\s*,?\s*ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")


@lru_cache(maxsize=1)
def _code_tables() -> tuple[re.Pattern, dict, dict, dict]:
    kinds = kinds_table()
    docs = kinds[kinds["document"] == "1"]
    default_kind: dict[str, str] = {}
    letters_of: dict[str, set] = {}
    word_of: dict[str, str] = {}
    for word, code in zip(docs["word"], docs["code"]):
        word_of.setdefault(match_form(word), word)
        if code:
            default_kind.setdefault(code, word)
            letters_of.setdefault(match_form(word), set()).add(code)
    words = words_pattern(docs["word"])
    pattern = re.compile(rf"(?:(?P<kw>(?i:{words}))\s+(?:(?i:số)\s+)?)?{_code_core(docs)}")
    return pattern, default_kind, letters_of, word_of


def _code_core(docs: pd.DataFrame) -> str:
    """The code itself ("19-ĐA/TU", "1234/QĐ-UBND"), without the kind word before it."""
    code_alt = words_pattern(c for c in docs["code"] if c)
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
    kinds = kinds_table()
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
        kind = word_of.get(match_form(squash(kw)), kw) if kw else default_kind.get(code, code)
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
    kinds = kinds_table()
    docs = kinds[kinds["document"] == "1"]
    words = words_trie(match_form(w) for w in docs["word"])
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
        kind = word_of.get(squash(m.group("kw")), m.group("kw"))
        detail = f"kind={kind};number={num}"
        of = _OF.match(mf, e)
        if of:
            orgs = [o for o in find_organisations(text) if o["start"] == of.end()]
            if orgs:
                detail += f";of={orgs[0]['normalised']}"
        out.append(dict(start=s, end=e, text=text[s:e], normalised=f"{kind} {num}", kind=kind,
                        number=num, detail=detail))
    return out


def link_references(codes: list[dict], refs: list[dict]) -> None:
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


