"""The family cue lexicon (``data/family_cues.yaml``) compiled, and the queries the features
and rules ask of it: does a list match, how many of its patterns, the first match, the cues of a
family with their masks applied.

Patterns are numbered in one :class:`dvlib.text.lexicon.PatternIndex`, each list of the lexicon
an id range, so a sentence's :class:`~dvlib.text.lexicon.Scan` says which lists may match it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from dvlib.schema import FAMILIES
from dvlib.text.data import data_file
from dvlib.text.lexicon import PatternIndex, Scan, compile_entry as _compile
from dvlib.text.normalize import match_form

CUE_FILE = "family_cues.yaml"
STRONG, WEAK = 2.0, 1.0


@dataclass(frozen=True)
class CueLexicon:
    """Compiled cue lexicon (see ``data/family_cues.yaml``)."""

    cues: dict          # family -> tuple of (entry, pattern, weight)
    masks: dict         # family -> tuple of patterns whose spans do not count for that family
    imperative: tuple   # patterns anchored at the sentence start
    sections: dict      # kind -> tuple of patterns
    result_words: tuple
    framing: tuple
    domain: tuple
    headline_events: tuple
    furniture: dict       # evidence kind -> patterns (always "other")
    event_framing: dict   # dateline / event / attendance / chair / caption -> patterns
    structures: dict = field(default_factory=dict)  # model_intro / model_list / ... -> patterns
    index: PatternIndex = field(repr=False, compare=False, default=None)
    cue_weights: dict = field(repr=False, compare=False, default_factory=dict)  # id -> weight
    # lists holding a pattern anchored at the start ("^tuy nhiên"), or of unknown start: masking
    # (which only blanks whole words) may expose a match there; elsewhere it cannot create one
    anchored: frozenset = field(repr=False, compare=False, default=frozenset())


@lru_cache(maxsize=4)
def load_cue_lexicon(path: str | None = None) -> CueLexicon:
    """Load and compile the cue lexicon (cached; pass a path to use another YAML file)."""
    raw = yaml.safe_load(Path(path or data_file(CUE_FILE)).read_text(encoding="utf-8"))
    cues, masks = {}, {}
    for fam in FAMILIES:
        spec = raw["families"].get(fam, {}) or {}
        items = [(e, _compile(e), STRONG) for e in spec.get("strong", []) or []]
        items += [(e, _compile(e), WEAK) for e in spec.get("weak", []) or []]
        cues[fam] = tuple(sorted(items, key=lambda t: -t[2]))  # strong first (see cue_hits)
        masks[fam] = tuple(_compile(e) for e in spec.get("mask", []) or [])
    imperative = tuple(
        re.compile(r"^\W*(?:" + re.escape(match_form(v).strip()) + r")(?!\w)")
        for v in raw.get("imperative_verbs", [])
    )
    sections = {k: tuple(_compile(e) for e in v or []) for k, v in raw.get("sections", {}).items()}
    # trailer headings must be the whole line, not a phrase inside a sentence
    sections["trailer_headings"] = tuple(
        re.compile(r"^\W*" + re.escape(match_form(e).strip()) + r"\W*$")
        for e in raw.get("sections", {}).get("trailer_headings", [])
    )
    lex = dict(
        cues=cues,
        masks=masks,
        imperative=imperative,
        sections=sections,
        result_words=tuple(_compile(e) for e in raw.get("result_words", [])),
        framing=tuple(_compile(e) for e in raw.get("framing", [])),
        domain=tuple(_compile(e) for e in raw.get("domain_terms", [])),
        headline_events=tuple(_compile(e) for e in raw.get("headline_events", [])),
        furniture={k: tuple(_compile(e) for e in v) for k, v in (raw.get("furniture") or {}).items()},
        event_framing={k: tuple(_compile(e) for e in v) for k, v in (raw.get("event_framing") or {}).items()},
        structures={k: tuple(_compile(e) for e in v) for k, v in (raw.get("structures") or {}).items()},
    )
    # one numbering of every pattern; each list of the lexicon is a range of ids
    lists = {("cue", f): [p for _, p, _ in cues[f]] for f in FAMILIES}
    lists.update({("mask", f): masks[f] for f in FAMILIES})
    lists.update({(k, None): lex[k] for k in ("imperative", "result_words", "framing", "domain",
                                              "headline_events")})
    lists.update({("section", k): v for k, v in sections.items()})
    lists.update({("furniture", k): v for k, v in lex["furniture"].items()})
    lists.update({("event", k): v for k, v in lex["event_framing"].items()})
    lists.update({("structure", k): v for k, v in lex["structures"].items()})
    index = PatternIndex(lists)
    weights = {index.ranges[("cue", f)][0] + k: w for f in FAMILIES for k, (_, _, w) in enumerate(cues[f])}
    anchored = frozenset(key for key, (a, b) in index.ranges.items()
                         if any(start is None or start[0] == "bos" for start in index.starts[a:b]))
    return CueLexicon(**lex, index=index, cue_weights=weights, anchored=anchored)


def any_match(lex: CueLexicon, key: tuple, scan: Scan, text: str) -> bool:
    """Whether a pattern of a list matches ``text`` (``scan`` is of ``text`` or a superstring)."""
    pids = scan.lists.get(key)
    if pids:
        find = lex.index.find
        for pid in pids:
            if find[pid](text):
                return True
    return False


def count_matches(lex: CueLexicon, key: tuple, scan: Scan, text: str) -> int:
    """How many patterns of a list match ``text``."""
    n = 0
    pids = scan.lists.get(key)
    if pids:
        find = lex.index.find
        for pid in pids:
            if find[pid](text):
                n += 1
    return n


def first_match(lex: CueLexicon, key: tuple, scan: Scan, mf: str, text: str,
                 whole: bool = False) -> str | None:
    """The report's own words for the first pattern that matches (the whole line if ``whole``)."""
    find = lex.index.find
    for pid in scan.lists.get(key, ()):
        m = find[pid](mf)
        if m:
            return text if whole else text[m.start():m.end()].strip()
    return None


def mask(lex: CueLexicon, fam: str, scan: Scan, text: str) -> tuple[str, Scan]:
    """Blank out the family's mask spans in ``text`` (keeping length, so offsets still point
    into the text), in lexicon order; with the scan of the result. ``scan`` is that of
    ``text`` or of a superstring (as the match form for its stripped form)."""
    key = ("mask", fam)
    if key not in scan.lists:
        return text, scan
    if text == scan.text:  # the same text is masked for the cues and for the lead-ins
        if fam not in scan.masked:
            masked = _mask_all(lex, key, scan, text)
            scan.masked[fam] = masked if masked[1] is not scan else None  # (no cycle)
        return scan.masked[fam] or (text, scan)
    return _mask_all(lex, key, scan, text)


def _mask_all(lex: CueLexicon, key: tuple, scan: Scan, text: str) -> tuple[str, Scan]:
    """Apply the masks of list ``key`` in order (each to the result of the ones before)."""
    done = -1
    while True:
        for pid in scan.lists.get(key, ()):
            if pid <= done:
                continue
            done = pid
            new = lex.index.patterns[pid].sub(_blank, text)
            if new != text:  # later masks apply to the masked text: scan it
                text, scan = new, lex.index.scan(new)
                break
        else:
            return text, scan


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    for a, b in spans:
        if a <= start and end <= b:
            return True
    return False


def cue_hits(mf: str, text: str, lex: CueLexicon, fam: str,
              scan: Scan | None = None) -> list[tuple[str, float, int]]:
    """Distinct cues of one family in a sentence: (surface form in the report, weight, start).

    A weak cue inside a strong cue's span is not counted twice ("chưa" inside "chưa thực sự").
    ``scan`` is that of ``mf`` (computed when not given).
    """
    scan = scan or lex.index.scan(mf)
    if ("cue", fam) not in scan.lists and ("cue", fam) not in lex.anchored:
        # masks only blank whole words: no cue the text cannot match can match the masked text
        # (except one anchored at a start the masks moved)
        return []
    masked = mf
    if ("mask", fam) in scan.lists:
        masked, scan = mask(lex, fam, scan, mf)
    hits, covered = [], []
    pids = scan.lists.get(("cue", fam))
    if not pids:
        return hits
    find, weights = lex.index.find, lex.cue_weights
    for pid in pids:
        weight = weights[pid]
        m = find[pid](masked)
        if not m:
            continue
        start, end = m.span()
        if end == start:
            continue
        if weight < STRONG and _inside(start, end, covered):
            continue
        covered.append((start, end))
        hits.append((text[start:end].strip(), weight, start))
    return hits



def is_furniture(lex: CueLexicon, scan: Scan, stripped: str) -> bool:
    """Whether a line (``stripped`` match form, ``scan`` of it or its superstring) is site
    furniture: a counter, timestamp, byline, widget."""
    return any(any_match(lex, ("furniture", kind), scan, stripped) for kind in lex.furniture)

