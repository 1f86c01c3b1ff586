"""Mark the site furniture of web reports; never delete it.

A report saved from a provincial website carries the site around it: "Các tin khác" and the
unrelated news after it, visitor counters, rating and share widgets, source lines, repeated
photo captions, pagination, banners and session notices. :func:`find_boilerplate` returns
whole-line spans with their kind (``dvlib.schema.BOILERPLATE_KINDS``); the text itself is kept,
and :func:`mask_boilerplate` blanks the spans (same length) for stages that must not count
them, such as province inference (places in a trailer are no evidence).

The vocabulary lives in ``dvlib/data/boilerplate_patterns.yaml``; this module holds the logic.
Every rule matches a whole line, so a content sentence that mentions "truy cập" or "tin khác"
in passing is never marked. Datelines ("Cập nhật: ...", "Thứ bảy - 13/01/2024 08:00 62 0")
are left alone: they are metadata evidence for the date. Two exceptions to whole lines: a
photo credit closing a caption line ("Quang cảnh hội nghị. Ảnh: H.L") is marked alone.

A formal document (a "BÁO CÁO" of a Party committee) carries furniture of its own: the
letterhead above its heading and the "Nơi nhận:" list and signature block at its end
(kind ``document_furniture``); :func:`document_head` reads its head (letterhead, number,
place-and-date line, heading and subject) for dvlib.load.metadata.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file
# The rules and the head reader live in their own modules; the names tests and callers import
# from here stay importable from here.
from dvlib.load.boilerplate_rules import (PATTERNS_FILE, load_rules, line_key,  # noqa: F401
                                          KindRules as _KindRules, LINE_KINDS as _LINE_KINDS,
                                          NUMBER_LINE as _NUMBER_LINE, is_caps as _is_caps,
                                          line_keys as _line_keys, matches_line as _matches,
                                          phrase_alternation as _phrase_alternation,
                                          split_lines as _lines)
from dvlib.load.document_head import document_head, formal_head as _head  # noqa: F401

TABLE_COLUMNS = ["doc_id", "start", "end", "kind", "text"]

_NOT_NEWLINE = re.compile(r"[^\n]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


class Span(NamedTuple):
    start: int   # offsets into the NFC text: text[start:end] == span.text
    end: int
    kind: str
    text: str


def _trailer_marks(lines, keys, text_len: int, rules: _KindRules) -> dict[int, str]:
    """Line index -> "trailer" for each related-news heading and what follows it."""
    marks: dict[int, str] = {}
    min_position = float(rules.extra.get("min_position", 0.3))
    first_content = next((i for i, k in enumerate(keys) if k), None)
    i = 0
    while i < len(lines):
        if i == first_content or not _matches(rules, keys[i]):
            i += 1
            continue
        if lines[i][0] >= min_position * text_len:
            # the page's closing list of other articles: the heading and everything after it
            for j in range(i, len(lines)):
                marks[j] = "trailer"
            break
        # An early heading is a related-news box inside the article: mark it and the
        # headline-like lines right under it (short, no final full stop), then resume.
        marks[i] = "trailer"
        j = i + 1
        while (j < len(lines) and j <= i + 15 and keys[j] and len(keys[j].split()) <= 25
               and not _SENTENCE_END.search(keys[j])):
            marks[j] = "trailer"
            j += 1
        i = j
    return marks


def _pagination_marks(keys, taken: dict[int, str], rules: _KindRules) -> dict[int, str]:
    """Runs of lines holding only consecutive small integers (blank lines allowed between)."""
    words = {match_form(str(w)) for w in rules.extra.get("phrases") or []}
    min_run = int(rules.extra.get("min_run", 3))
    max_number = int(rules.extra.get("max_number", 500))
    marks: dict[int, str] = {}

    def usable(idx: int) -> bool:
        key = keys[idx]
        return idx not in taken and (not key or key in words or _NUMBER_LINE.fullmatch(key) is not None)

    i = 0
    while i < len(keys):
        if not usable(i) or not _NUMBER_LINE.fullmatch(keys[i] or "x"):
            i += 1
            continue
        j, numbers, last_number_line = i, [], i
        while j < len(keys) and usable(j):
            if _NUMBER_LINE.fullmatch(keys[j] or "x"):
                numbers.extend(int(n) for n in keys[j].split())
                last_number_line = j
            j += 1
        consecutive = all(b == a + 1 for a, b in zip(numbers, numbers[1:]))
        if len(numbers) >= min_run and consecutive and max(numbers) <= max_number:
            for k in range(i, last_number_line + 1):
                if keys[k]:
                    marks[k] = "pagination"
            # page-navigation words right after the numbers ("Trang sau", "»")
            for k in range(last_number_line + 1, j):
                if keys[k]:
                    marks[k] = "pagination"
        i = j
    return marks


def _duplicate_marks(lines, keys, taken: dict[int, str], rules: _KindRules) -> dict[int, str]:
    """A short line equal to the previous non-empty line: the second copy is marked."""
    max_words = rules.max_words
    marks: dict[int, str] = {}
    previous = None
    for idx, (_, _, raw) in enumerate(lines):
        if not keys[idx]:
            continue
        current = " ".join(nfc(raw).split())
        if (idx not in taken and current == previous and len(current.split()) <= max_words
                and re.search(r"[^\W\d_]", current)):
            marks[idx] = "duplicate_caption"
        previous = current
    return marks


def _closing_marks(lines, keys, taken: dict[int, str], text_len: int, rules: _KindRules,
                   letterhead: bool) -> dict[int, str]:
    """Line index -> "document_furniture" for the "Nơi nhận:" list and the signature block:
    from the first closing line of the short lines that end the text, to the end."""
    rx = rules.regex
    max_words = int(rules.extra.get("closing_max_words", 20))
    min_position = float(rules.extra.get("min_position", 0.5)) * text_len
    starts = []
    for i in range(len(lines) - 1, -1, -1):
        key = keys[i]
        if not key or i in taken:
            continue  # other furniture after the signature (a share widget) is no content
        if len(key.split()) > max_words or lines[i][0] < min_position:
            break
        if ("receivers" in rx and rx["receivers"].fullmatch(key)) or \
                (letterhead and "closing" in rx and rx["closing"].fullmatch(key)):
            starts.append(i)
    if not starts:
        return {}
    return {i: "document_furniture" for i in range(min(starts), len(lines))
            if keys[i] and i not in taken}


@lru_cache(maxsize=1)
def _surnames() -> frozenset:
    """Surnames of person_name_parts.csv, in match form ("hoàng", "nguyễn")."""
    parts = pd.read_csv(data_file("person_name_parts.csv"), dtype=str, keep_default_na=False)
    return frozenset(match_form(f) for f in parts.loc[parts["kind"] == "surname", "form"])


_BYLINE = re.compile(r"(?P<name>[^\W\d_]+(?: [^\W\d_]+)*)"
                     r"(?: ?[-–—] ?(?P<unit>[^\W\d_][^\d.!?;:()]*)| ?\((?P<punit>[^\W\d_][^\d.!?;:()]*)\))?")


def _name_syllables(name: str, lo: int, hi: int) -> bool:
    """2-4 syllables, each capitalised ("Thanh Hà") or all of them in capitals ("HOÀNG LIÊN")."""
    parts = name.split()
    return lo <= len(parts) <= hi and (all(p[0].isupper() and p[1:].islower() for p in parts)
                                       or all(p.isupper() for p in parts))


def _byline_marks(lines, keys, taken: dict[int, str], rules: _KindRules) -> dict[int, str]:
    """A bare-name byline as the article's last line, or an all-caps name under the headline."""
    lo, hi = (int(n) for n in rules.extra.get("byline_syllables") or (2, 4))
    unit_words = int(rules.extra.get("byline_unit_max_words", 8))
    content = [i for i, k in enumerate(keys) if k and i not in taken]
    marks: dict[int, str] = {}
    if len(content) >= 4:
        last = content[-1]
        m = _BYLINE.fullmatch(" ".join(nfc(lines[last][2]).split()))
        unit = m and (m["unit"] or m["punit"] or "")
        if m and _name_syllables(m["name"], lo, hi) and len(unit.split()) <= unit_words \
                and (not unit or unit[0].isupper()):
            marks[last] = "source_line"
    head = content[1:int(rules.extra.get("byline_head_lines", 4))]
    for i in head:
        raw = " ".join(nfc(lines[i][2]).split())
        if _is_caps(raw) and _BYLINE.fullmatch(raw) and _name_syllables(raw, lo, hi) \
                and " " in raw and match_form(raw.split()[0]) in _surnames() \
                and not any(c in raw for c in "-–—("):
            marks[i] = "source_line"
    return marks


def _credit_spans(lines, taken: dict[int, str], text: str, rules: _KindRules) -> list[Span]:
    """A photo credit closing a caption line: "Quang cảnh hội nghị. Ảnh: H.L" -> "Ảnh: H.L"."""
    labels = _phrase_alternation(rules.extra.get("credit_labels") or [])
    if not labels:
        return []
    most = int(rules.extra.get("credit_max_words", 4))
    rx = _credit_rx(labels, most)
    spans = []
    for idx, (start, end, raw) in enumerate(lines):
        # The credit ends the line: only its tail is read (match_form of a whole paragraph
        # is the slow part); a syllable cut at the tail's start cannot be part of a credit.
        tail = raw[-_CREDIT_TAIL:]
        if idx in taken or "ảnh" not in tail.lower():
            continue
        m = rx.search(match_form(tail))
        if m:
            shift = start + len(raw) - len(tail)
            s, e = shift + m.start("credit"), shift + m.end("credit")
            spans.append(Span(s, e, "source_line", text[s:e]))
    return spans


_CREDIT_TAIL = 120


@lru_cache(maxsize=4)
def _credit_rx(labels: str, most: int) -> re.Pattern:
    # after a sentence end, a dash or before a bracket: "... hội nghị. Ảnh: H.L",
    # "... hội nghị - Ảnh: H.L", "... hội nghị (Ảnh: H.L)"
    return re.compile(rf"(?:[.!?…][\"'”’)]*\s+|\s+[-–—]\s+|\s*(?=\())"
                      rf"(?P<credit>\(?(?:{labels}) ?: ?[^\W\d_][^\s!?:;()]*"
                      rf"(?: [^\s!?:;()]+){{0,{most - 1}}}\)?)\s*$")


def find_boilerplate(text: str, rules: dict[str, _KindRules] | None = None) -> list[Span]:
    """Whole-line spans of site furniture in ``text`` (NFC, as read by ``read_report``).

    Adjacent lines of the same kind (blank lines between them allowed) form one span.
    """
    rules = rules or load_rules()
    lines = _lines(text)
    keys = _line_keys(lines, rules)
    marks: dict[int, str] = {}
    if "trailer" in rules:
        marks.update(_trailer_marks(lines, keys, len(text), rules["trailer"]))
    for idx, key in enumerate(keys):
        if idx in marks or not key:
            continue
        for kind in _LINE_KINDS:
            if kind in rules and _matches(rules[kind], key):
                marks[idx] = kind
                break
    letterhead = False
    if "document_furniture" in rules:
        head = _head(lines, keys, rules["document_furniture"])
        letterhead = bool(head["letterhead"])
        for idx in head["letterhead"]:
            marks.setdefault(idx, "document_furniture")
        marks.update(_closing_marks(lines, keys, marks, len(text), rules["document_furniture"],
                                    letterhead))
    credits: list[Span] = []
    if "source_line" in rules:
        marks.update(_byline_marks(lines, keys, marks, rules["source_line"]))
        credits = _credit_spans(lines, marks, text, rules["source_line"])
    if "pagination" in rules:
        marks.update(_pagination_marks(keys, marks, rules["pagination"]))
    if "duplicate_caption" in rules:
        marks.update(_duplicate_marks(lines, keys, marks, rules["duplicate_caption"]))
    spans = _merge(lines, keys, marks, text)
    return sorted(spans + credits, key=lambda sp: sp.start) if credits else spans


def _merge(lines, keys, marks: dict[int, str], text: str) -> list[Span]:
    spans: list[Span] = []
    current = None  # [start, end, kind, last line index]
    for idx in sorted(marks):
        start, end, _ = lines[idx]
        kind = marks[idx]
        if not keys[idx]:
            continue  # blank lines never start or end a span
        gap_blank = current is not None and all(not keys[k] for k in range(current[3] + 1, idx))
        if current is not None and current[2] == kind and gap_blank:
            current[1], current[3] = end, idx
        else:
            if current is not None:
                spans.append(Span(current[0], current[1], current[2], text[current[0]:current[1]]))
            current = [start, end, kind, idx]
    if current is not None:
        spans.append(Span(current[0], current[1], current[2], text[current[0]:current[1]]))
    return spans


def mask_boilerplate(text: str, spans) -> str:
    """``text`` with every span blanked to spaces; newlines and the length are kept."""
    # The spans' union, a slice at a time (spans may overlap or come in any order).
    ranges = sorted((max(int(span[0]), 0), min(int(span[1]), len(text))) for span in spans)
    out, pos = [], 0
    for start, end in ranges:
        start = max(start, pos)
        if end <= start:
            continue
        out += [text[pos:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def boilerplate_table(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per span for a table with columns ``doc_id`` and ``text``."""
    rows = [
        {"doc_id": doc_id, "start": s.start, "end": s.end, "kind": s.kind, "text": s.text}
        for doc_id, text in zip(documents["doc_id"], documents["text"])
        for s in find_boilerplate(text)
    ]
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    return table.astype({"start": "int64", "end": "int64"})
