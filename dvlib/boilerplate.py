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
are left alone: they are metadata evidence for the date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

import pandas as pd
import yaml

from dvlib.normalize import match_form, nfc
from dvlib.paths import data_file
from dvlib.schema import BOILERPLATE_KINDS

PATTERNS_FILE = "boilerplate_patterns.yaml"
TABLE_COLUMNS = ["doc_id", "start", "end", "kind", "text"]

# Per-line kinds in the order they are tried (the first that matches wins).
_LINE_KINDS = ["visitor_counter", "rating_widget", "share_widget", "source_line", "site_header"]
# What may stand between widget phrases on one line ("Gửi phản hồi | In bài viết").
_SEP = r"[\s|•·/:,»«›>\-–—]"
# Bullets and arrows in front of a line ("  • Hôm nay2,057", "» Tin liên quan").
_LEAD = re.compile(r"^[\s•·▪►●○◦■□*+»›>\-–—|]+")
_NUMBER_LINE = re.compile(r"\d{1,4}(?: +\d{1,4})*")
_MAX_LINE_CHARS = 600
_NOT_NEWLINE = re.compile(r"[^\n]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


class Span(NamedTuple):
    start: int   # offsets into the NFC text: text[start:end] == span.text
    end: int
    kind: str
    text: str


@dataclass
class _KindRules:
    line: re.Pattern | None = None     # whole-line rule on the key, or None
    max_words: int = 1_000
    extra: dict = field(default_factory=dict)


def _phrase_alternation(phrases: Iterable[str]) -> str:
    items = sorted({p.strip() for p in phrases if str(p).strip()}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in items)


def _compile_kind(spec: dict) -> re.Pattern | None:
    alternatives = []
    phrases = _phrase_alternation(spec.get("phrases") or [])
    if phrases:
        # a line made only of widget phrases and separators
        alternatives.append(rf"{_SEP}*(?:{phrases})(?:{_SEP}*(?:{phrases}))*{_SEP}*")
    counters = _phrase_alternation(spec.get("counters") or [])
    if counters:
        # "Hôm nay2,057", "Lượt xem: 1.234 lượt"
        alternatives.append(rf"(?:{counters}) ?:? ?\d[\d., ]*(?: (?:lượt|người|khách))?")
    alternatives.extend(str(p) for p in spec.get("patterns") or [])
    if not alternatives:
        return None
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> dict[str, _KindRules]:
    """The compiled rules of the patterns file (the shipped one by default)."""
    source = Path(path) if path else data_file(PATTERNS_FILE)
    with open(source, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    unknown = set(spec) - set(BOILERPLATE_KINDS)
    if unknown:
        raise ValueError(f"{source}: kinds not in schema.BOILERPLATE_KINDS: {sorted(unknown)}")
    rules = {}
    for kind, kind_spec in spec.items():
        kind_spec = kind_spec or {}
        rules[kind] = _KindRules(
            line=_compile_kind(kind_spec), max_words=int(kind_spec.get("max_words", 1_000)),
            extra=dict(kind_spec),
        )
    return rules


def line_key(line: str) -> str:
    """What the rules see: match form, leading bullets dropped, single spaces."""
    key = re.sub(r"\s+", " ", match_form(line)).strip()
    return _LEAD.sub("", key).strip()


def _line_keys(lines, rules: dict[str, _KindRules]) -> list[str]:
    """:func:`line_key` of each line, but a line with more words than any rule reads keeps its
    own letters (its case and tone marks): match_form, syllable by syllable, is the slow part,
    and the rules only count such a line's words and look at its final punctuation, which
    match_form leaves as they are (it changes letters only, keeping the length)."""
    kinds = [rules[k] for k in ["trailer", *_LINE_KINDS] if k in rules]
    phrases = (rules["pagination"].extra.get("phrases") or []) if "pagination" in rules else []
    limit = max([r.max_words for r in kinds] + [len(str(w).split()) for w in phrases])
    keys = []
    for _, _, raw in lines:
        shape = _LEAD.sub("", re.sub(r"\s+", " ", nfc(raw)).strip()).strip()
        if shape and (len(shape.split()) <= limit or _NUMBER_LINE.fullmatch(shape)):
            shape = line_key(raw)
        keys.append(shape)
    return keys


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _matches(rules: _KindRules, key: str) -> bool:
    # Furniture lines are short; the length checks also keep the regexes cheap.
    return (rules.line is not None and len(key) <= _MAX_LINE_CHARS
            and len(key.split()) <= rules.max_words and rules.line.fullmatch(key) is not None)


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
    if "pagination" in rules:
        marks.update(_pagination_marks(keys, marks, rules["pagination"]))
    if "duplicate_caption" in rules:
        marks.update(_duplicate_marks(lines, keys, marks, rules["duplicate_caption"]))
    return _merge(lines, keys, marks, text)


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
