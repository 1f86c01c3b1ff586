"""The rules of dvlib.load.boilerplate: the patterns file compiled, and what they read.

``dvlib/data/boilerplate_patterns.yaml`` holds the vocabulary of each furniture kind
(phrases, counters, whole-line patterns and the numbers that tune a rule); :func:`load_rules`
compiles it once into one :class:`KindRules` per kind. Every rule reads a line's *key*
(:func:`line_key`: match form, leading bullets dropped, single spaces), so the finder
(dvlib.load.boilerplate) and the document-head reader (dvlib.load.document_head) share it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file
from dvlib.schema import BOILERPLATE_KINDS


PATTERNS_FILE = "boilerplate_patterns.yaml"

# Per-line kinds in the order they are tried (the first that matches wins).
LINE_KINDS = ["visitor_counter", "rating_widget", "share_widget", "source_line", "site_header"]
# What may stand between widget phrases on one line ("Gửi phản hồi | In bài viết").
SEP = r"[\s|•·/:,»«›>\-–—]"
# Bullets and arrows in front of a line ("  • Hôm nay2,057", "» Tin liên quan").
LEAD = re.compile(r"^[\s•·▪►●○◦■□*+»›>\-–—|]+")
NUMBER_LINE = re.compile(r"\d{1,4}(?: +\d{1,4})*")
MAX_LINE_CHARS = 600


@dataclass
class KindRules:
    """One furniture kind's compiled rules: its whole-line pattern, word limit, the
    patterns file's other entries (``extra``) and those of them that are regexes."""
    line: re.Pattern | None = None     # whole-line rule on the key, or None
    max_words: int = 1_000
    extra: dict = field(default_factory=dict)
    regex: dict = field(default_factory=dict)  # the extra entries that are patterns, compiled


# Entries of a kind's spec that are regular expressions on a key (one, or a list of them).
REGEX_ENTRIES = ("number", "formal", "place_date", "receivers", "closing")


def phrase_alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of the phrases, escaped, longest first (so the longest wins)."""
    items = sorted({p.strip() for p in phrases if str(p).strip()}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in items)


def compile_kind(spec: dict) -> re.Pattern | None:
    """A kind's whole-line regex (phrases, counters, patterns), or None if it has none."""
    alternatives = []
    phrases = phrase_alternation(spec.get("phrases") or [])
    if phrases:
        # a line made only of widget phrases and separators
        alternatives.append(rf"{SEP}*(?:{phrases})(?:{SEP}*(?:{phrases}))*{SEP}*")
    counters = phrase_alternation(spec.get("counters") or [])
    if counters:
        # "Hôm nay2,057", "Lượt xem: 1.234 lượt"
        alternatives.append(rf"(?:{counters}) ?:? ?\d[\d., ]*(?: (?:lượt|người|khách))?")
    alternatives.extend(str(p) for p in spec.get("patterns") or [])
    if not alternatives:
        return None
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> dict[str, KindRules]:
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
        for name in REGEX_ENTRIES:
            if kind_spec.get(name):
                items = kind_spec[name] if isinstance(kind_spec[name], list) else [kind_spec[name]]
                regex[name] = re.compile("|".join(f"(?:{p})" for p in items))
        rules[kind] = KindRules(
            line=compile_kind(kind_spec), max_words=int(kind_spec.get("max_words", 1_000)),
            extra=dict(kind_spec), regex=regex,
        )
    return rules


def line_key(line: str) -> str:
    """What the rules see: match form, leading bullets dropped, single spaces."""
    key = re.sub(r"\s+", " ", match_form(line)).strip()
    return LEAD.sub("", key).strip()


def line_keys(lines, rules: dict[str, KindRules]) -> list[str]:
    """:func:`line_key` of each line, but a line with more words than any rule reads keeps its
    own letters (its case and tone marks): match_form, syllable by syllable, is the slow part,
    and the rules only count such a line's words and look at its final punctuation, which
    match_form leaves as they are (it changes letters only, keeping the length)."""
    kinds = [rules[k] for k in ["trailer", *LINE_KINDS] if k in rules]
    phrases = (rules["pagination"].extra.get("phrases") or []) if "pagination" in rules else []
    limit = max([r.max_words for r in kinds] + [len(str(w).split()) for w in phrases])
    keys = []
    for _, _, raw in lines:
        shape = LEAD.sub("", re.sub(r"\s+", " ", nfc(raw)).strip()).strip()
        if shape and (len(shape.split()) <= limit or NUMBER_LINE.fullmatch(shape)):
            shape = line_key(raw)
        keys.append(shape)
    return keys


def split_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) of every line of ``text``, offsets into it (newlines excluded)."""
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def matches_line(rules: KindRules, key: str) -> bool:
    """Whether a line's key is, as a whole, furniture of the kind ``rules`` describe."""
    # Furniture lines are short; the length checks also keep the regexes cheap.
    return (rules.line is not None and len(key) <= MAX_LINE_CHARS
            and len(key.split()) <= rules.max_words and rules.line.fullmatch(key) is not None)


def is_caps(raw: str) -> bool:
    """A line with letters and no lower-case letter ("BAN DÂN VẬN", "ĐẢNG BỘ TỈNH ...")."""
    return any(c.isalpha() for c in raw) and not any(c.islower() for c in raw)
