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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

import pandas as pd
import yaml

from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file
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
    regex: dict = field(default_factory=dict)  # the extra entries that are patterns, compiled


# Entries of a kind's spec that are regular expressions on a key (one, or a list of them).
_REGEX_ENTRIES = ("number", "formal", "place_date", "receivers", "closing")


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
        regex = {}
        for name in _REGEX_ENTRIES:
            if kind_spec.get(name):
                items = kind_spec[name] if isinstance(kind_spec[name], list) else [kind_spec[name]]
                regex[name] = re.compile("|".join(f"(?:{p})" for p in items))
        rules[kind] = _KindRules(
            line=_compile_kind(kind_spec), max_words=int(kind_spec.get("max_words", 1_000)),
            extra=dict(kind_spec), regex=regex,
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


def _is_caps(raw: str) -> bool:
    """A line with letters and no lower-case letter ("BAN DÂN VẬN", "ĐẢNG BỘ TỈNH ...")."""
    return any(c.isalpha() for c in raw) and not any(c.islower() for c in raw)


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


def _head(lines, keys, rules: _KindRules) -> dict:
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
    """:func:`_lines` of the text up to its ``non_empty``-th non-empty line."""
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
    head = _head(lines, _LazyKeys(lines, rules), spec)

    def raw(i):
        return " ".join(lines[i][2].split()) if i is not None else ""

    return {"letterhead": [raw(i) for i in head["letterhead"]],
            "number": raw(head["number"]) if head["letterhead"] else "",
            "place_date": raw(head["place_date"]),
            "heading": raw(head["heading"]), "subject": [raw(i) for i in head["subject"]]}


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
