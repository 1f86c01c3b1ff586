"""The head of a formal document: letterhead, number, place-and-date line, heading, subject.

A report of a Party committee opens like an official document ("ĐẢNG BỘ TỈNH ...", "Số
186-BC/BDVTU", "Thái Nguyên, ngày 16 tháng 12 năm 2024", "BÁO CÁO" and its subject).
:func:`formal_head` finds those lines' indices (dvlib.load.boilerplate marks the letterhead
as furniture); :func:`document_head` returns their text for dvlib.load.metadata (title,
outlet, date). Both read the ``document_furniture`` rules of the boilerplate patterns file.
"""
from __future__ import annotations

import re
from functools import lru_cache

from dvlib.text.normalize import match_form, nfc
from dvlib.load.boilerplate_rules import KindRules as _KindRules
from dvlib.load.boilerplate_rules import is_caps as _is_caps
from dvlib.load.boilerplate_rules import line_keys as _line_keys
from dvlib.load.boilerplate_rules import load_rules


_NUMBERED = re.compile(r"(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s")
_SUBJECT_MAX_WORDS = 40


def _is_heading(key: str, raw: str, headings: frozenset) -> str:
    """ "exact" for a line holding only a document kind ("BÁO CÁO"), "inline" for an all-caps
    line opening with one ("BÁO CÁO KẾT QUẢ ..."), else ""."""
    if key in headings:
        return "exact"
    if _is_caps(raw) and any(key.startswith(h + " ") for h in headings):
        return "inline"
    return ""


@lru_cache(maxsize=4)
def _headings(words: tuple) -> frozenset:
    return frozenset(match_form(str(h)) for h in words)


def formal_head(lines, keys, rules: _KindRules) -> dict:
    """Line indices of a formal document's head: letterhead, number, place_date, heading
    (and whether it is "exact" or "inline") and subject. Letterhead is [] unless it holds a
    document number or a heading follows it."""
    rx = rules.regex
    headings = _headings(tuple(rules.extra.get("headings") or ()))
    max_words = int(rules.extra.get("letterhead_max_words", 14))
    head_lines = int(rules.extra.get("head_lines", 12))
    out = {"letterhead": [], "number": None, "place_date": None, "heading": None,
           "heading_form": "", "subject": []}
    letter: list[int] = []
    seen = 0
    for i in range(len(lines)):
        key, raw = keys[i], lines[i][2]
        if not key:
            continue
        seen += 1
        if seen > head_lines:
            break
        form = _is_heading(key, raw, headings)
        if form:
            out["heading"], out["heading_form"] = i, form
            break
        if "number" in rx and out["number"] is None and rx["number"].fullmatch(key):
            out["number"] = i
        elif ("formal" in rx and rx["formal"].fullmatch(key)) or \
                (rules.line is not None and rules.line.fullmatch(key)):
            pass
        elif "place_date" in rx and out["place_date"] is None and rx["place_date"].fullmatch(key):
            out["place_date"] = i
            continue  # the place-and-date line dates the document: not furniture
        elif not (_is_caps(raw) and len(key.split()) <= max_words):
            break
        letter.append(i)
    if letter and (out["number"] is not None or out["heading"] is not None):
        out["letterhead"] = letter
    if out["heading_form"] == "exact":
        # the subject: the lines right under the heading, up to the first body line
        for j in range(out["heading"] + 1, len(lines)):
            key = keys[j]
            if not key:
                continue
            if (len(out["subject"]) >= 3 or len(key.split()) > _SUBJECT_MAX_WORDS
                    or (rules.line is not None and rules.line.fullmatch(key))
                    or _NUMBERED.match(key) or key.startswith("kính gửi")
                    or re.search(r"[.;:]$", key) and not key.endswith("...")
                    or re.search(r"[.!?] [^\W\d_]", key)):
                break
            out["subject"].append(j)
    return out


class _LazyKeys:
    """The keys of ``lines``, each computed when first read: the head of a news article is
    left after its first line, so the lines under it need no key."""

    def __init__(self, lines, rules):
        self.lines, self.rules, self.cache = lines, rules, {}

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, i):
        if i not in self.cache:
            self.cache[i] = _line_keys([self.lines[i]], self.rules)[0]
        return self.cache[i]


def _head_lines(text: str, non_empty: int) -> list[tuple[int, int, str]]:
    """The lines (as split_lines gives them) up to the ``non_empty``-th non-empty line."""
    out, pos = [], 0
    for raw in text.split("\n", 4 * non_empty)[:4 * non_empty]:
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
        non_empty -= bool(raw.strip())
        if non_empty <= 0:
            break
    return out


def document_head(text: str, rules: dict[str, _KindRules] | None = None) -> dict:
    """The head of a formal document, as written in ``text`` (in NFC).

    dict(letterhead: list of lines, number: "Số 186-BC/BDVTU" or "", place_date: the
    "Thái Nguyên, ngày 16 tháng 12 năm 2024" line or "", heading: "BÁO CÁO" or "" (or an
    all-caps line opening with a document kind), subject: the lines under a bare heading).
    Empty values for a text that does not open like a formal document.
    """
    text = nfc(text)
    if rules is None:
        # metadata asks for the title and the outlet of the same text: read its head once
        return {k: list(v) if isinstance(v, tuple) else v for k, v in _document_head(text).items()}
    return _read_head(text, rules)


@lru_cache(maxsize=8)
def _document_head(text: str) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v
            for k, v in _read_head(text, load_rules()).items()}


def _read_head(text: str, rules: dict[str, _KindRules]) -> dict:
    empty = {"letterhead": [], "number": "", "place_date": "", "heading": "", "subject": []}
    if "document_furniture" not in rules:
        return empty
    spec = rules["document_furniture"]
    # Only the head is read: the lines the letterhead, heading and subject may take.
    lines = _head_lines(text, int(spec.extra.get("head_lines", 12)) + 4)
    head = formal_head(lines, _LazyKeys(lines, rules), spec)

    def raw(i):
        return " ".join(lines[i][2].split()) if i is not None else ""

    return {"letterhead": [raw(i) for i in head["letterhead"]],
            "number": raw(head["number"]) if head["letterhead"] else "",
            "place_date": raw(head["place_date"]),
            "heading": raw(head["heading"]), "subject": [raw(i) for i in head["subject"]]}
