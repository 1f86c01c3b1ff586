"""Theme family of each sentence: limitation, priority, model, achievement or other.

The families and their tie rules are those of the annotation guide (copied into the docstring of
:class:`FamilyClassifier`). The classifier is a hybrid, because the gold set is small (374
sentences from ten reports: five seeds, ``data/gold_seed_sentences.csv``, and the five DEV
reports of the blind set, ``data/gold_dev_sentences.csv``) and the reports it must work on come
from other provinces:

1. **Cues as data** (``data/family_cues.yaml``): genre vocabulary per family, masks for look-alikes
   ("giải quyết khó khăn" is not a shortcoming, "ý kiến, kiến nghị của cử tri" is no
   recommendation, "tiếp tục được đẩy mạnh" reports work done), section lead-ins ("những hạn
   chế như:", "nhiệm vụ trọng tâm", "Thứ nhất:", dash bullets), sentence-initial imperative
   verbs, and genre structures (a model introduced and then described, lists of typical models,
   meeting proceedings, proposals, praise of results).
2. **Document context**: a per-document pass that tracks the section a sentence sits in (after a
   limitations lead-in or heading and the causes that follow it, inside a tasks section, inside
   a "Các tin khác" trailer, in the passage describing a model just introduced), the title,
   which year is the reviewed one and which the planned one ("năm 2024" in a report on 2023),
   neighbouring sentences' cues and position.
3. **A learned model**: logistic regression (class_weight="balanced") over those handcrafted
   features plus down-weighted syllable n-grams of the match form.
4. **High-precision rules** on top, in the guide's tie order: site furniture, trailer news,
   datelines, attendance/chair/caption lines, event headlines and meeting proceedings (awards,
   elections, pacts, discussion) are ``other``; items of a limitations list and the causes of
   shortcomings are ``limitation``; enumerated/imperative items of a tasks section, the sentence
   opening it ("Năm 2025 là năm ...", "Đồng chí ... đề nghị") and proposals of delegates are
   ``priority``; a strong task cue ("cần", "đề nghị", "thời gian tới" ...) before any "đã" makes
   ``priority``; otherwise a strong shortcoming cue ("chưa", "còn chậm", "hạn chế" ...) makes
   ``limitation``; a title "topic: claim" and praise of results are ``achievement``; a title
   naming a model, a list of named models, a sentence introducing a named model and the
   description that follows it are ``model``; a named model reported with figures or result
   words is ``achievement``.

Measured by ``scripts/evaluate_families.py`` (leave-one-report-out on seeds + dev and on the
seeds alone, the dev reports through the pipeline, held-out snippets, and once, after the rules
were final, the five blind TEST reports); without the rules the learned model alone scores lower.

Every label comes with ``family_score`` (probability-like, in [0, 1]) and ``family_evidence``
(the cue, section or rule that decided it), so a researcher can audit any row.
"""
from __future__ import annotations

import gc
import math
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from types import SimpleNamespace

try:  # CPython's regex parser, to read the lexicon's patterns (private: without it, no index)
    from re import _constants as _sre_c, _parser as _sre_parse
except ImportError:  # pragma: no cover
    _sre_c = _sre_parse = None

import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from dvlib.normalize import match_form, nfc
from dvlib.paths import data_file

FAMILIES = ("limitation", "priority", "model", "achievement", "other")
CUE_FILE = "family_cues.yaml"
GOLD_FILE = "gold_seed_sentences.csv"
DEV_GOLD_FILE = "gold_dev_sentences.csv"
GOLD_SUBSETS = {"seed": (GOLD_FILE,), "dev": (DEV_GOLD_FILE,), "all": (GOLD_FILE, DEV_GOLD_FILE)}

_STRONG, _WEAK = 2.0, 1.0
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_match_form = lru_cache(maxsize=4096)(match_form)  # for cue surface forms, which repeat


# --------------------------------------------------------------------------- lexicon


def _compile(entry: str) -> re.Pattern:
    """A lexicon entry -> regex on the match form, bounded at syllables.

    Literal phrases get syllable bounds on both sides; a regex ("re:...") gets a start bound,
    and an end bound when it ends in a letter or a group (not after "/", a quote, ":" or an
    escape such as ``\\s``: "^[-–]\\s" must match the bullet of "- Kinh phí ...").
    """
    entry = str(entry)
    if entry.startswith("re:"):
        body = entry[3:]
        end = r"(?!\w)" if re.search(r"(?<!\\)[\w)]$", body) else ""
        return re.compile(rf"(?<!\w)(?:{body}){end}")
    body = re.escape(match_form(entry).strip()).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


# --------------------------------------------------------------------------- fast matching
#
# A sentence is checked against ~400 lexicon patterns; searching each one was most of the cost
# of labelling. Each pattern gets, once, from its parse tree: (1) cheap necessary conditions —
# syllables it must contain as whole words (looked up in the sentence's set of syllables), a
# first word, or substrings — so a sentence is searched only with the few patterns that may
# match, and (2) the literal prefixes its matches start with, so the search starts where the
# first one occurs. Both are exact: a skipped pattern cannot match, and the match found is the
# one ``pattern.search`` returns (tests check this against plain searches).

_O = SimpleNamespace(**{name: getattr(_sre_c, name, None) for name in (
    "LITERAL", "IN", "BRANCH", "SUBPATTERN", "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT",
    "ATOMIC_GROUP", "ASSERT", "ASSERT_NOT", "AT", "CATEGORY", "NEGATE", "AT_BEGINNING",
    "AT_BEGINNING_STRING", "AT_END", "AT_END_STRING", "AT_BOUNDARY", "CATEGORY_WORD",
    "CATEGORY_SPACE", "CATEGORY_NOT_WORD")})
_REPEATS = {_O.MAX_REPEAT, _O.MIN_REPEAT, _O.POSSESSIVE_REPEAT} - {None}
_UNSAFE_FLAGS = re.IGNORECASE | re.ASCII | re.LOCALE


def _is_word(ch: str) -> bool:
    return _WORD.match(ch) is not None


def _nonword_set(items) -> bool:
    """A character set holding only non-word characters (so it bounds a syllable)."""
    for op, av in items:
        if op == _O.LITERAL and not _is_word(chr(av)):
            continue
        if op == _O.CATEGORY and av in (_O.CATEGORY_SPACE, _O.CATEGORY_NOT_WORD):
            continue
        return False
    return bool(items)


def _flat(items) -> list:
    """Inline groups that do not change flags (capturing does not change what matches)."""
    out = []
    for op, av in items:
        if op == _O.SUBPATTERN and not av[1] and not av[2]:
            out += _flat(av[3].data)
        else:
            out.append((op, av))
    return out


def _kind(op, av) -> tuple:
    """How an item bounds a neighbouring syllable: lit / nw (non-word, min length) / lb (left
    bound: ^, (?<!\\w)) / rb (right bound: $, (?!\\w)) / b (\\b) / u (unknown)."""
    if op == _O.LITERAL:
        return ("lit", chr(av))
    if op == _O.IN:
        return ("nw", 1) if _nonword_set(av) else ("u",)
    if op in _REPEATS:
        lo, _hi, sub = av
        data = sub.data if hasattr(sub, "data") else sub
        if len(data) == 1 and data[0][0] in (_O.IN, _O.LITERAL):
            o, a = data[0]
            items = a if o == _O.IN else [(o, a)]
            if _nonword_set(items):
                return ("nw", 1 if lo >= 1 else 0)
        return ("u",)
    if op == _O.AT:
        if av in (_O.AT_BEGINNING, _O.AT_BEGINNING_STRING):
            return ("lb",)
        if av in (_O.AT_END, _O.AT_END_STRING):
            return ("rb",)
        return ("b",) if av == _O.AT_BOUNDARY else ("u",)
    if op == _O.ASSERT_NOT:
        direction, sub = av
        data = sub.data if hasattr(sub, "data") else sub
        if (len(data) == 1 and data[0][0] == _O.IN
                and (_O.CATEGORY, _O.CATEGORY_WORD) in data[0][1]
                and all(o != _O.NEGATE for o, _ in data[0][1])):
            return ("lb",) if direction < 0 else ("rb",)
    return ("u",)


def _bounded(kinds, i: int, step: int, ctx: bool) -> bool:
    """Whether the character next to position i (stepping -1 = left, +1 = right) is a non-word
    character or the end of the text, whatever the items there match."""
    bound = "lb" if step < 0 else "rb"
    j = i
    while 0 <= j < len(kinds):
        k = kinds[j]
        if k[0] == "nw":
            if k[1] >= 1:
                return True
            j += step  # may match nothing: look further
            continue
        if k[0] == "lit":
            return not _is_word(k[1])
        return k[0] in (bound, "b")
    return ctx


def _best(reqs: list):
    """The most selective requirement: a whole syllable beats a substring; fewer, longer wins."""
    reqs = [r for r in reqs if r and any(s.strip() for s in r[1])]
    if not reqs:
        return None
    return min(reqs, key=lambda r: (r[0] != "tok", len(r[1]), -min(len(s) for s in r[1])))


def _requirement(items, lctx: bool, rctx: bool):
    """("tok", syllables) or ("sub", strings): every match holds one of them (None: unknown)."""
    items = _flat(items)
    kinds = [_kind(op, av) for op, av in items]
    reqs = []
    i = 0
    while i < len(items):  # literal runs: substrings, and syllables bounded on both sides
        if kinds[i][0] != "lit":
            i += 1
            continue
        j = i
        while j < len(items) and kinds[j][0] == "lit":
            j += 1
        reqs.append(("sub", frozenset(["".join(k[1] for k in kinds[i:j])])))
        k = i
        while k < j:
            if not _is_word(kinds[k][1]):
                k += 1
                continue
            e = k
            while e < j and _is_word(kinds[e][1]):
                e += 1
            if _bounded(kinds, k - 1, -1, lctx) and _bounded(kinds, e, 1, rctx):
                reqs.append(("tok", frozenset(["".join(x[1] for x in kinds[k:e])])))
            k = e
        i = j
    for k, (op, av) in enumerate(items):
        if op == _O.BRANCH:
            left, right = _bounded(kinds, k - 1, -1, lctx), _bounded(kinds, k + 1, 1, rctx)
            alts = [_best(_requirement(alt.data, left, right)) for alt in av[1]]
            if alts and all(alts):
                kind = "tok" if all(a[0] == "tok" for a in alts) else "sub"
                reqs.append((kind, frozenset().union(*(a[1] for a in alts))))
        elif op == _O.IN and av and all(o == _O.LITERAL for o, _ in av):
            reqs.append(("sub", frozenset(chr(a) for _, a in av)))
        elif op in _REPEATS and av[0] >= 1:
            sub = av[2].data if hasattr(av[2], "data") else av[2]
            reqs.append(_best(_requirement(sub, False, False)))
        elif op == _O.ATOMIC_GROUP:
            reqs.append(_best(_requirement(av.data, False, False)))
    return reqs


def _literal_run(items, n: int) -> str:
    """The characters of the literal items from position n on."""
    run = []
    for op, av in items[n:]:
        if op != _O.LITERAL:
            break
        run.append(chr(av))
    return "".join(run)


def _lead(items):
    """Literal runs (starting with a word character) one of which starts at the first word
    character of the text, for the rest of a pattern anchored at the start (None: unknown)."""
    for n, (op, av) in enumerate(items):
        if op in (_O.ASSERT, _O.ASSERT_NOT, _O.AT) or _kind(op, av)[0] == "nw":
            continue  # zero-width, or non-word characters only
        if op == _O.LITERAL:
            run = _literal_run(items, n)
            return frozenset([run]) if _is_word(run[0]) else None
        if op == _O.BRANCH:
            alts = [_lead(_flat(alt.data)) for alt in av[1]]
            return frozenset().union(*alts) if alts and all(alts) else None
        return None
    return None


def _starts(items, multiline: bool):
    """("bos", lead): matches start at 0 (see :func:`_lead`); ("pre", strings): every match
    starts with one of them."""
    items = _flat(items)
    for n, (op, av) in enumerate(items):
        if op == _O.AT:
            if av == _O.AT_BEGINNING_STRING or (av == _O.AT_BEGINNING and not multiline):
                return ("bos", _lead(items[n + 1:]))
            continue  # zero-width
        if op in (_O.ASSERT, _O.ASSERT_NOT):
            continue
        if op == _O.LITERAL:
            return ("pre", frozenset([_literal_run(items, n)]))
        if op == _O.IN and av and all(o == _O.LITERAL for o, _ in av):
            return ("pre", frozenset(chr(a) for _, a in av))
        if op == _O.BRANCH:
            alts = [_starts(alt.data, multiline) for alt in av[1]]
            if alts and all(a and a[0] == "pre" for a in alts):
                return ("pre", frozenset().union(*(a[1] for a in alts)))
            if alts and all(a and a[0] == "bos" for a in alts):
                leads = [a[1] for a in alts]
                return ("bos", frozenset().union(*leads) if all(leads) else None)
            return None
        if op in _REPEATS and av[0] >= 1:
            return _starts(av[2].data if hasattr(av[2], "data") else av[2], multiline)
        return None
    return None


def _analyse(pattern: re.Pattern):
    """(requirements, start) of a compiled pattern: every match meets each requirement (see
    :func:`_requirement`) and starts as :func:`_starts` says; ([], None) when unknown."""
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
        flags = pattern.flags | tree.state.flags
        if flags & _UNSAFE_FLAGS or not isinstance(pattern.pattern, str):
            return [], None
        reqs = [r for r in _requirement(tree.data, False, False) if r]
        return reqs, _starts(tree.data, bool(flags & re.MULTILINE))
    except Exception:  # an unknown construct: search the pattern every time (still correct)
        return [], None


class _Scan:
    """One text, its syllables, and the ids of the lexicon patterns that may match it, per
    lexicon list (ascending, i.e. in list order)."""

    __slots__ = ("text", "words", "lists", "masked")

    def __init__(self, text: str, words: list[str], lists: dict):
        self.text, self.words, self.lists = text, words, lists
        self.masked = {}  # family -> (masked text, its scan), see _mask


class _PatternIndex:
    """All compiled lexicon patterns, numbered; each list of the lexicon is an id range."""

    def __init__(self, lists: dict):
        self.patterns, self.ranges, self.list_of = (), {}, []
        for key, pats in lists.items():
            self.ranges[key] = (len(self.patterns), len(self.patterns) + len(pats))
            self.patterns += tuple(pats)
            self.list_of += [key] * len(pats)
        # syllable -> (ids needing nothing else, [(id, syllables all needed, syllable sets one
        # of each needed, leads)])
        self.by_token: dict[str, tuple[list, list]] = {}
        self.by_substring = []  # (id, search for the substrings one of which is needed, leads)
        self.by_lead = []  # (id, leads, substrings one of which is needed): anchored at 0
        self.starts = []
        known = set()
        for pid, pat in enumerate(self.patterns):
            reqs, start = _analyse(pat)
            self.starts.append(start)
            bos = bool(start) and start[0] == "bos"
            leads = tuple(sorted(start[1])) if bos and start[1] else None
            all_tokens = frozenset().union(*(r[1] for r in reqs if r[0] == "tok" and len(r[1]) == 1))
            sets = sorted({r[1] for r in reqs if r[0] == "tok" and len(r[1]) > 1}, key=len)[:2]
            known.update(all_tokens, *sets)
            if all_tokens:  # indexed under the longest syllable needed, the rest checked
                key = max(sorted(all_tokens), key=len)
                self._add(key, pid, all_tokens - {key}, tuple(sets), leads)
            elif sets:  # indexed under each syllable of the smallest set needed
                for tok in sets[0]:
                    self._add(tok, pid, frozenset(), tuple(sets[1:]), leads)
            elif not bos and _best(reqs):
                subs = re.compile("|".join(map(re.escape, sorted(_best(reqs)[1]))))
                self.by_substring.append((pid, subs, leads))
            else:  # anchored at the start: a test of the first word or a substring is enough
                best = _best(reqs)
                subs = tuple(sorted(best[1])) if best and len(best[1]) <= 3 else ()
                self.by_lead.append((pid, leads, subs))
        self.known = frozenset(known)
        self.find = [_finder(pat, start) for pat, start in zip(self.patterns, self.starts)]

    def _add(self, token: str, pid: int, rest: frozenset, sets: tuple, leads) -> None:
        direct, checked = self.by_token.setdefault(token, ([], []))
        if rest or sets or leads:
            checked.append((pid, rest, sets, leads))
        else:
            direct.append(pid)

    def scan(self, text: str) -> _Scan:
        words = _WORD.findall(text)
        hits = self.known.intersection(words)
        lead_at = text.find(words[0]) if words else -1  # the first word character
        ids = []
        by_token = self.by_token
        for tok in hits:
            entry = by_token.get(tok)
            if entry is None:
                continue
            ids += entry[0]
            for pid, rest, sets, leads in entry[1]:
                if (rest <= hits and (not sets or all(not s.isdisjoint(hits) for s in sets))
                        and (leads is None or (lead_at >= 0 and text.startswith(leads, lead_at)))):
                    ids.append(pid)
        for pid, leads, subs in self.by_lead:
            if ((leads is None or (lead_at >= 0 and text.startswith(leads, lead_at)))
                    and (not subs or any(s in text for s in subs))):
                ids.append(pid)
        for pid, subs, leads in self.by_substring:
            if (leads is None or (lead_at >= 0 and text.startswith(leads, lead_at))) and subs.search(text):
                ids.append(pid)
        lists: dict = {}
        list_of = self.list_of
        for pid in sorted(set(ids)):  # (a pattern may be found through two syllables)
            lists.setdefault(list_of[pid], []).append(pid)
        return _Scan(text, words, lists)

    def search(self, pid: int, text: str):
        """``patterns[pid].search(text)``, trying only offsets where a match can start."""
        return self.find[pid](text)


def _finder(pat: re.Pattern, start):
    """A function equal to ``pat.search``, starting where a match can first start."""
    if start is None:
        return pat.search
    if start[0] == "bos":
        return pat.match
    return partial(_search_from_prefix, pat, tuple(sorted(start[1])))


def _search_from_prefix(pat: re.Pattern, prefixes: tuple[str, ...], text: str):
    """``pat.search(text)`` for a pattern whose matches start with one of ``prefixes``: search
    from the first place one occurs (look-behinds still see the text before it)."""
    first = -1
    for p in prefixes:
        i = text.find(p)
        if i >= 0 and (first < 0 or i < first):
            first = i
    return pat.search(text, first) if first >= 0 else None


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
    index: _PatternIndex = field(repr=False, compare=False, default=None)
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
        items = [(e, _compile(e), _STRONG) for e in spec.get("strong", []) or []]
        items += [(e, _compile(e), _WEAK) for e in spec.get("weak", []) or []]
        cues[fam] = tuple(sorted(items, key=lambda t: -t[2]))  # strong first (see _cue_hits)
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
    index = _PatternIndex(lists)
    weights = {index.ranges[("cue", f)][0] + k: w for f in FAMILIES for k, (_, _, w) in enumerate(cues[f])}
    anchored = frozenset(key for key, (a, b) in index.ranges.items()
                         if any(start is None or start[0] == "bos" for start in index.starts[a:b]))
    return CueLexicon(**lex, index=index, cue_weights=weights, anchored=anchored)


def _any(lex: CueLexicon, key: tuple, scan: _Scan, text: str) -> bool:
    """Whether a pattern of a list matches ``text`` (``scan`` is of ``text`` or a superstring)."""
    pids = scan.lists.get(key)
    if pids:
        find = lex.index.find
        for pid in pids:
            if find[pid](text):
                return True
    return False


def _count(lex: CueLexicon, key: tuple, scan: _Scan, text: str) -> int:
    """How many patterns of a list match ``text``."""
    n = 0
    pids = scan.lists.get(key)
    if pids:
        find = lex.index.find
        for pid in pids:
            if find[pid](text):
                n += 1
    return n


def _first_match(lex: CueLexicon, key: tuple, scan: _Scan, mf: str, text: str,
                 whole: bool = False) -> str | None:
    """The report's own words for the first pattern that matches (the whole line if ``whole``)."""
    find = lex.index.find
    for pid in scan.lists.get(key, ()):
        m = find[pid](mf)
        if m:
            return text if whole else text[m.start():m.end()].strip()
    return None


def _mask(lex: CueLexicon, fam: str, scan: _Scan, text: str) -> tuple[str, _Scan]:
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


def _mask_all(lex: CueLexicon, key: tuple, scan: _Scan, text: str) -> tuple[str, _Scan]:
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


def _cue_hits(mf: str, text: str, lex: CueLexicon, fam: str,
              scan: _Scan | None = None) -> list[tuple[str, float, int]]:
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
        masked, scan = _mask(lex, fam, scan, mf)
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
        if weight < _STRONG and _inside(start, end, covered):
            continue
        covered.append((start, end))
        hits.append((text[start:end].strip(), weight, start))
    return hits


# --------------------------------------------------------------------------- input handling


def _prepare(sentences: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns: doc_id, sentence_index, paragraph_index, text, boilerplate."""
    df = sentences.copy()
    if "text" not in df.columns:
        if "sentence" not in df.columns:
            raise KeyError("sentences need a 'text' (or 'sentence') column")
        df["text"] = df["sentence"]
    if "doc_id" not in df.columns:
        df["doc_id"] = df["file"] if "file" in df.columns else "doc"
    if "sentence_index" not in df.columns:
        df["sentence_index"] = df.groupby("doc_id", sort=False).cumcount()
    if "paragraph_index" not in df.columns:
        df["paragraph_index"] = df["sentence_index"]
    if "boilerplate" not in df.columns:
        df["boilerplate"] = ""
    df["text"] = df["text"].fillna("").astype(str).map(nfc)
    df["boilerplate"] = df["boilerplate"].fillna("").astype(str)
    return df


# --------------------------------------------------------------------------- features

_YEAR = re.compile(r"(?<![\w/.-])(19[5-9]\d|20[0-4]\d)(?![\w/-]|\.\d)")
_YEAR_RANGE = re.compile(r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d")
_DATE = re.compile(r"(?<![\w.])\d{1,2}/\d{1,2}(/\d{2,4})?(?![\w/])")
_DOC_CODE = re.compile(
    r"\d+\s*-\s*[a-zđ]+/[\w/-]+|(đề án|chương trình|kế hoạch|nghị quyết|chỉ thị|kết luận|quyết định|"
    r"quy định|quy chế|bài|phần|kỳ|số|khóa|lần thứ|điều|khoản|mục|tháng|ngày|quý|giờ)\s+\d+(?![\d/-]|[.,]\d)"
)
_DURATION = re.compile(r"(?<![\w.,])\d+ (tháng|năm|quý|tuần|ngày)(?!\w)")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")
_RATIO = re.compile(r"(?<![\w.,/])(\d[\d.]*)\s?/\s?(\d[\d.]*)(?![\w/])")
_NUMBER = re.compile(r"(?<![\w])\d[\d.,]*(?![\w])")
_PERCENT = re.compile(r"\d\s?%")
_MONEY = re.compile(r"(tỷ|triệu|nghìn|ngàn)\s+đồng|\d\s*(đồng|usd)(?!\w)")
_DASH_DATE = re.compile(r"(?<![\w.])\d{1,2}-\d{1,2}-\d{4}(?!\w)|/(19|20)\d\d(?!\w)")
_QUOTED = re.compile(r"[“\"‘«][^”\"’»“]{2,200}[”\"’»]")
_END_PUNCT = re.compile(r"[.!?;…:]\W*$")
_FORWARD = re.compile(
    r"((nhiệm vụ|phương hướng|mục tiêu|chỉ tiêu)( trọng tâm| chủ yếu| công tác)?( trong)?"
    r"|(triển khai|ký kết|phát động|đăng ký)[^.;]{0,40}?) năm (20\d\d)"
)
_AGENDA = re.compile(
    r"(nhằm |để )?(đánh giá|tổng kết|sơ kết|triển khai|bàn|thảo luận|quán triệt)"
    r"( kết quả| công tác| nhiệm vụ| kế hoạch| phương hướng| chương trình)[^;.]*"
)
_REVIEW = re.compile(r"(kết quả|tổng kết|đánh giá|sơ kết)[^.;]{0,60}?năm (20\d\d)")
_ITEM_NUMBER = re.compile(r"^\(?\d{1,2}[.)](?=\s)")
_YEAR_OPENER = re.compile(r"\W*(?:trong |bước sang |bước vào |sang )?năm (20\d\d)(?!\w)")


def _needs(pattern: re.Pattern) -> tuple[re.Pattern, ...]:
    """Searches for strings: every match of ``pattern`` contains one string of each (a
    syllable required is also a substring); the two most selective, as a cheap pre-test."""
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
        if (pattern.flags | tree.state.flags) & _UNSAFE_FLAGS:
            return ()
        reqs = [r for r in _requirement(tree.data, False, False) if r]
    except Exception:
        return ()
    reqs = sorted({r[1] for r in reqs if any(s.strip() for s in r[1])},
                  key=lambda ss: (-min(len(s) for s in ss), len(ss), sorted(ss)))
    return tuple(re.compile("|".join(map(re.escape, sorted(ss)))) for ss in reqs[:2])


def _may_match(needs: tuple[re.Pattern, ...], text: str) -> bool:
    for need in needs:
        if need.search(text) is None:
            return False
    return True


_NEEDS = {p: _needs(p) for p in (_DURATION, _DASH_DATE, _TIME, _RATIO, _DATE, _YEAR, _FORWARD,
                                  _REVIEW, _AGENDA)}
# (patterns starting with a literal or a character set are found fast by re itself)
_NEEDS.update({p: () for p in (_DOC_CODE, _YEAR_RANGE)})
_NEEDS[_QUOTED] = (re.compile("[“\"‘«]"),)


def _doc_years(mfs: list[str], flats: list[str] | None = None,
               year_sets: list[set] | None = None) -> tuple[int | None, int | None]:
    """(planned year, reviewed year) of a document, or None when it cannot tell.

    A year named with a plan ("nhiệm vụ năm 2024", "ký kết thi đua năm 2024") is the planned
    one; failing that, when a document names both Y-1 and Y, Y is planned. ``flats`` (the match
    forms without year ranges) and their ``year_sets`` are computed when not given.
    """
    if flats is None:
        flats = [_YEAR_RANGE.sub(" ", mf) for mf in mfs]
    if year_sets is None:
        year_sets = [{int(y) for y in _YEAR.findall(f)} for f in flats]
    forward, review, years = set(), set(), set()
    for flat, ys in zip(flats, year_sets):
        if _may_match(_NEEDS[_FORWARD], flat):
            forward |= {int(m.group(6)) for m in _FORWARD.finditer(flat)}
        if _may_match(_NEEDS[_REVIEW], flat):
            review |= {int(m.group(2)) for m in _REVIEW.finditer(flat)}
        years |= ys
    # "kết quả thực hiện nhiệm vụ năm 2023" is a reviewed year even though it says nhiệm vụ
    ahead = forward - review
    planned = max(ahead) if ahead else None
    if planned is None and years and max(years) - 1 in years and max(years) not in review:
        planned = max(years)
    reviewed = (planned - 1) if planned else (max(review) if review else None)
    return planned, reviewed


def _quantities(mf: str) -> tuple[int, int, int, int]:
    """(numbers, ratios like 209/209, percents, money amounts) ignoring dates, years, codes and
    anything inside quotes (names like “5 không, 3 sạch”)."""
    mf = _blank_out(_QUOTED, mf)
    if mf[:1].isdigit() or mf[:1] == "(":  # the number of a list item ("2. ...") is no quantity
        mf = _ITEM_NUMBER.sub(" ", mf, count=1)
    if not _DIGIT.search(mf):  # numbers, ratios and percents need a digit; "tỷ đồng" does not
        return 0, 0, 0, len(_MONEY.findall(mf))
    flat = _blank_out(_DOC_CODE, mf)
    flat = _blank_out(_DURATION, flat)
    flat = _blank_out(_DASH_DATE, flat)
    flat = _blank_out(_TIME, flat)
    ratios = 0
    if _may_match(_NEEDS[_RATIO], flat):
        for m in _RATIO.finditer(flat):
            a, b = (int(re.sub(r"\D", "", g) or 0) for g in m.groups())
            if not (1 <= a <= 31 and 1 <= b <= 12):  # not a date
                ratios += 1
    flat = _blank_out(_DATE, flat)
    flat = _blank_out(_YEAR_RANGE, flat)
    flat = _blank_out(_YEAR, flat)
    numbers = len(_NUMBER.findall(flat))
    pct = len(_PERCENT.findall(mf)) if "%" in mf else 0
    return numbers, ratios, pct, len(_MONEY.findall(mf))


def _blank_out(pattern: re.Pattern, text: str) -> str:
    """``pattern.sub(" ", text)``, skipped when the pattern's cheap test says it cannot match."""
    return pattern.sub(" ", text) if _may_match(_NEEDS[pattern], text) else text


DENSE_FEATURES = [
    "cue_limitation", "cue_priority", "cue_model", "cue_achievement", "cue_other",
    "initial_limitation", "initial_priority", "imperative_initial", "enumerator",
    "planned_year", "past_year", "n_numbers", "has_ratio", "has_percent", "has_money",
    "n_quoted", "named_model", "result_words", "n_syllables", "heading_like", "ends_colon",
    "rel_position", "first_heading", "framing", "named_x_results", "named_clean", "n_named",
    "sec_limitation", "sec_priority", "sec_trailer", "leadin_limitation", "leadin_priority",
    "sec_pri_x_imperative", "sec_pri_x_enum", "sec_lim_x_nocue", "sec_lim_x_enum",
    "past_marker", "sec_pri_x_nopast",
    "prev_limitation", "prev_priority", "prev_achievement", "prev_model",
    "next_limitation", "next_priority", "next_achievement",
    "after_future", "after_limitation", "boilerplate", "domain_terms",
    "model_intro", "model_list", "model_passage",
]

FEATURE_LABELS = {  # human-readable names for evidence strings
    "cue_limitation": "limitation cues", "cue_priority": "task cues",
    "cue_model": "model cues", "cue_achievement": "result cues", "cue_other": "framing cues",
    "imperative_initial": "sentence-initial task verb", "enumerator": "list item",
    "planned_year": "names the planned year", "past_year": "names a past year",
    "n_numbers": "quantities", "has_ratio": "ratio like 209/209", "has_percent": "percent",
    "has_money": "money amount", "n_quoted": "quoted names", "named_model": "named model",
    "heading_like": "heading", "framing": "meeting framing",
    "sec_limitation": "in limitations section", "sec_priority": "in tasks section",
    "prev_limitation": "shortcoming words before", "prev_priority": "task words before",
    "prev_achievement": "result words before", "prev_model": "model words before",
    "next_limitation": "shortcoming words after", "next_priority": "task words after",
    "next_achievement": "result words after",
    "after_future": "after a forward-looking passage", "first_heading": "headline",
    "named_clean": "named model without results", "named_x_results": "named model with results",
    "model_intro": "introduces a named model", "model_list": "list of named models",
    "model_passage": "describes the model introduced before",
}


def family_features(sentences: pd.DataFrame, lexicon: CueLexicon | None = None) -> pd.DataFrame:
    """Handcrafted features of every sentence, computed per document in sentence order.

    Returns a frame in the row order of ``sentences`` (with a fresh RangeIndex) holding
    :data:`DENSE_FEATURES`, the strong-cue counts ``strong_<family>``, and bookkeeping columns
    used by the rules and the evidence (``_mf`` match form, ``_cues``, ``_section``,
    ``_section_leadin``, ``_planned_year`` ...).
    """
    lex = lexicon or load_cue_lexicon()
    df = _prepare(sentences).reset_index(drop=True)  # positional: the caller's index may repeat
    out = [pd.DataFrame(rows, index=pos) for pos, rows, _ in _doc_rows_all(df, lex)]
    if not out:
        return pd.DataFrame(columns=DENSE_FEATURES)
    return pd.concat(out).loc[df.index]


_BATCH = 4000  # sentences labelled at a time: feature rows are large, memory stays flat


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector: feature rows are many small acyclic containers
    (freed by reference counting), and collecting while they pile up costs ~20% of labelling."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _feature_rows(sentences: pd.DataFrame, lex: CueLexicon) -> tuple[list[dict], list[_Scan]]:
    """Feature rows (dicts, as in :func:`family_features`) and scans, in input order."""
    rows, scans = [None] * len(sentences), [None] * len(sentences)
    for pos, batch_rows, batch_scans in _feature_batches(sentences, lex, size=len(sentences)):
        for p, r, s in zip(pos, batch_rows, batch_scans):
            rows[p], scans[p] = r, s
    return rows, scans


def _feature_batches(sentences: pd.DataFrame, lex: CueLexicon, size: int | None = None):
    """(row positions, feature rows, scans) for batches of whole documents of about ``size``
    (default :data:`_BATCH`) sentences; documents are independent, so batches change nothing."""
    size = size or _BATCH
    df = _prepare(sentences).reset_index(drop=True)
    pos, rows, scans, done = [], [], [], 0
    for doc_pos, doc_rows, doc_scans in _doc_rows_all(df, lex):
        pos.append(doc_pos)
        rows += doc_rows
        scans += doc_scans
        if len(rows) >= size:
            done += len(rows)
            yield np.concatenate(pos), rows, scans
            pos, rows, scans = [], [], []
    if rows:
        done += len(rows)
        yield np.concatenate(pos), rows, scans
    if done != len(df):  # rows without a doc_id (as family_features would fail)
        raise KeyError("every sentence needs a doc_id")


def _doc_rows_all(df: pd.DataFrame, lex: CueLexicon):
    """(row positions in sentence order, feature rows, scans) for each document."""
    texts, paras = df["text"].tolist(), df["paragraph_index"].tolist()
    bps = df["boilerplate"].tolist()
    order = df["sentence_index"]
    numeric = isinstance(order.dtype, np.dtype) and order.dtype.kind in "iuf"  # else: pandas sorts
    order_values = order.to_numpy()
    for _doc, pos in df.groupby("doc_id", sort=False).indices.items():
        if numeric:
            pos = pos[np.argsort(order_values[pos], kind="stable")]
        else:
            pos = df.iloc[pos].sort_values(["sentence_index"], kind="stable").index.to_numpy()
        rows, scans = _doc_rows([texts[p] for p in pos], [paras[p] for p in pos],
                                [bps[p] for p in pos], lex)
        yield pos, rows, scans


_PRI_MASKED_LISTS = (("section", "priority_leadins"), ("structure", "proposal"))
_FAMILY_KEYS = tuple((fam, f"cue_{fam}", f"strong_{fam}") for fam in FAMILIES)


def _doc_rows(texts: list[str], paras: list, bps: list[str], lex: CueLexicon):
    """Feature rows of one document's sentences (in order), and the scan of each match form."""
    mfs = [match_form(t) for t in texts]  # same length as the text: cue spans quote the report
    n = len(texts)
    flats = [_blank_out(_YEAR_RANGE, mf) for mf in mfs]
    year_sets = [{int(y) for y in _YEAR.findall(f)} if _DIGIT.search(f) else set() for f in flats]
    planned, reviewed = _doc_years(mfs, flats, year_sets)
    # a heading stands alone in its paragraph (without paragraphs every sentence does)
    per_para = Counter(paras)
    alone = [per_para[p] == 1 for p in paras]
    index = lex.index
    rows, cue_lists, scans = [], [], []
    for text, mf, bp, single, years in zip(texts, mfs, bps, alone, year_sets):
        r: dict = {}
        scan = index.scan(mf)
        scans.append(scan)
        hits = {fam: _cue_hits(mf, text, lex, fam, scan) for fam in FAMILIES}
        cue_lists.append(hits)
        stripped = mf.strip()  # patterns below run on it; the scan of mf covers it
        lead = len(mf) - len(mf.lstrip())
        for fam, cue_key, strong_key in _FAMILY_KEYS:
            total, strong = 0.0, 0
            for _, w, _ in hits[fam]:
                total += w
                strong += w >= _STRONG
            r[cue_key] = math.log1p(total)
            r[strong_key] = float(strong)
        r["initial_limitation"] = float(any(s - lead <= 12 and w >= _STRONG for _, w, s in hits["limitation"]))
        r["initial_priority"] = float(any(s - lead <= 12 and w >= _STRONG for _, w, s in hits["priority"]))
        r["imperative_initial"] = float(_any(lex, ("imperative", None), scan, stripped))
        r["enumerator"] = float(_any(lex, ("section", "enumerators"), scan, stripped))
        r["planned_year"] = float(planned is not None and planned in years)
        # a year is "past" only relative to a planned year the document names
        r["past_year"] = float(planned is not None and any(y < planned for y in years))
        nums, ratios, pct, money = _quantities(mf)
        r["n_numbers"] = math.log1p(nums)
        r["has_ratio"], r["has_percent"], r["has_money"] = float(ratios > 0), float(pct > 0), float(money > 0)
        quotes = [m.span() for m in _QUOTED.finditer(text)] if _may_match(_NEEDS[_QUOTED], text) else []
        n_quotes = len(quotes)
        r["n_quoted"] = math.log1p(n_quotes)
        # shortcoming words outside quoted words (a villager's “lúc đầu bà con chưa quen”)
        r["_strong_lim_unquoted"] = sum(
            1 for _, w, st in hits["limitation"] if w >= _STRONG and not any(a <= st < b for a, b in quotes))
        r["named_model"] = float(any(w >= _STRONG for _, w, _ in hits["model"]))
        r["result_words"] = math.log1p(_count(lex, ("result_words", None), scan, mf))
        syl = len(scan.words)
        r["n_syllables"] = math.log1p(syl)
        r["heading_like"] = float(single and 0 < syl <= 15 and not _END_PUNCT.search(stripped))
        # a title may be longer than a section heading
        r["_title_like"] = bool(single and 0 < syl <= 30 and not _END_PUNCT.search(stripped))
        r["_colon_heading"] = bool(single and 0 < syl <= 15 and stripped.endswith(":"))
        r["ends_colon"] = float(stripped.endswith(":"))
        other_masked, other_scan = _mask(lex, "other", scan, stripped)
        r["framing"] = float(_any(lex, ("framing", None), other_scan, other_masked))
        results = nums > 0 or ratios > 0 or pct > 0 or r["result_words"] > 0
        r["n_named"] = math.log1p(sum(1 for _, w, _ in hits["model"] if w >= _STRONG))
        r["named_x_results"] = r["named_model"] * float(results)
        r["named_clean"] = r["named_model"] * float(not results and r["strong_limitation"] == 0)
        r["_quantities"] = nums + ratios + pct + money
        # an event-framing sentence ("X tổ chức hội nghị đánh giá kết quả ..., triển khai nhiệm
        # vụ năm 2024") whose only content words are in its agenda is framing
        r["_framing_only"] = False
        if r["framing"] and not r["_quantities"] and ";" not in mf and not r["imperative_initial"]:
            agenda_free = _AGENDA.sub(lambda m: " " * len(m.group(0)), mf)
            agenda_scan = index.scan(agenda_free)
            r["_framing_only"] = not any(
                w >= _STRONG for fam in ("limitation", "priority", "achievement", "model")
                for _, w, _ in _cue_hits(agenda_free, text, lex, fam, agenda_scan)
            )
        r["boilerplate"] = float(bool(bp))
        r["domain_terms"] = math.log1p(_count(lex, ("domain", None), scan, mf))
        # limitation words inside "để khắc phục những hạn chế trên, ... giải pháp sau:" are masked
        heading = r["heading_like"] or r["_colon_heading"]
        text_s = text.strip()  # aligned with `stripped` (match_form keeps lengths)
        lim_masked, lim_scan = _mask(lex, "limitation", scan, stripped)
        lim_quote = _first_match(lex, ("section", "limitation_leadins"), lim_scan, lim_masked, text_s)
        if lim_quote is None and heading:
            lim_quote = _first_match(lex, ("section", "limitation_headings"), scan, stripped, text_s, whole=True)
        if any(k in scan.lists or k in lex.anchored for k in _PRI_MASKED_LISTS):
            pri_masked, pri_scan = _mask(lex, "priority", scan, stripped)
        else:  # nothing to find there, masked or not: spare the masking
            pri_masked, pri_scan = stripped, scan
        pri_quote = _first_match(lex, ("section", "priority_leadins"), pri_scan, pri_masked, text_s)
        if pri_quote is None and heading:
            pri_quote = _first_match(lex, ("section", "priority_headings"), scan, stripped, text_s, whole=True)
        # a sentence naming the planned year with a task word opens the tasks part too
        if pri_quote is None and r["planned_year"] and hits["priority"] and r["strong_limitation"] == 0:
            pri_quote = text_s
        # "Năm 2025 là năm ...", "Bước sang năm 2025, ..." open the tasks part (the planned year)
        if (pri_quote is None and planned is not None and r["strong_limitation"] == 0
                and r["strong_achievement"] == 0 and not r["_quantities"] and not _DA.search(stripped)):
            m = _YEAR_OPENER.match(stripped)
            if m and int(m.group(1)) == planned:
                pri_quote = text_s
        # the agenda of a meeting ("tổng kết năm 2024, triển khai nhiệm vụ năm 2025") in a
        # headline or a framing sentence announces the tasks, it does not list them
        if pri_quote is not None and _may_match(_NEEDS[_AGENDA], stripped) and _AGENDA.search(stripped):
            agenda_free = _AGENDA.sub(lambda m: " " * len(m.group(0)), stripped)
            free_masked, free_scan = _mask(lex, "priority", index.scan(agenda_free), agenda_free)
            if (_first_match(lex, ("section", "priority_leadins"), free_scan, free_masked, text_s) is None
                    and not _cue_hits(agenda_free, text_s, lex, "priority", free_scan)):
                pri_quote = None
        r["_leadin_lim"] = lim_quote is not None
        r["_leadin_pri"] = pri_quote is not None and not r["framing"]
        r["_cause_leadin"] = _any(lex, ("section", "limitation_causes"), lim_scan, lim_masked)
        r["_furniture"] = None  # (site furniture: computed when needed, see _is_furniture)
        r["_model_intro"] = _any(lex, ("structure", "model_intro"), scan, mf)
        r["model_intro"] = float(r["_model_intro"])
        r["model_list"] = float(n_quotes >= 2 and _any(lex, ("structure", "model_list"), scan, mf))
        r["_model_desc"] = (_any(lex, ("structure", "model_description"), scan, stripped)
                            or _any(lex, ("structure", "speech"), scan, stripped))
        r["_photo_credit"] = _any(lex, ("structure", "photo_credit"), scan, stripped)
        r["_praise"] = _any(lex, ("structure", "praise"), scan, mf)
        r["_proposal"] = _any(lex, ("structure", "proposal"), pri_scan, pri_masked)
        r["_leadin_quote"] = lim_quote if r["_leadin_lim"] else (pri_quote or "")
        r["_event_headline"] = bool(
            r["_title_like"] and not r["_quantities"] and _any(lex, ("headline_events", None), scan, stripped)
        )
        r["_trailer_head"] = bool(_any(lex, ("section", "trailer_headings"), scan, stripped))
        r["_bp"] = bp
        rows.append(r)

    def furniture(i: int) -> bool:
        if rows[i]["_furniture"] is None:
            rows[i]["_furniture"] = _is_furniture(lex, scans[i], mfs[i].strip())
        return rows[i]["_furniture"]

    # the title: the first line that is neither site furniture nor boilerplate
    title = next((i for i, r in enumerate(rows) if not r["_bp"] and texts[i].strip() and not furniture(i)), None)

    # section pass: the section a sentence sits in is set by the lead-ins before it
    state, leadin_text = None, ""
    after_future = after_lim = False
    passage = 0  # sentences that may still describe the model introduced just before
    for i, r in enumerate(rows):
        if r["_trailer_head"] or r["_bp"] == "trailer":
            state, leadin_text = "trailer", texts[i].strip()
        r["_section"], r["_section_leadin"] = state, leadin_text
        r["_cause_after_lim"] = bool(r["_cause_leadin"] and after_lim and state != "trailer")
        # a caption (the line before a photo credit) or a description continues the passage
        caption = i + 1 < n and rows[i + 1]["_photo_credit"] and r["n_syllables"] <= math.log1p(40)
        r["_model_passage"] = bool(passage and state is None and (r["_model_desc"] or caption))
        r["model_passage"] = float(r["_model_passage"])
        r["sec_limitation"] = float(state == "limitation")
        r["sec_priority"] = float(state == "priority")
        r["sec_trailer"] = float(state == "trailer")
        r["leadin_limitation"] = float(r["_leadin_lim"])
        r["leadin_priority"] = float(r["_leadin_pri"])
        r["after_future"] = float(after_future)
        r["after_limitation"] = float(after_lim)
        if state == "trailer":
            continue
        own_other = r["strong_limitation"] == 0 and (r["strong_achievement"] + r["strong_priority"]) > 0
        # (a lead-in inside a section of its own kind keeps it: "IV. KIẾN NGHỊ" after "III.
        # NHIỆM VỤ" is not a heading that closes the tasks)
        if r["_leadin_lim"]:
            if state != "limitation":
                state, leadin_text = "limitation", r["_leadin_quote"]
        elif r["_leadin_pri"]:
            if state != "priority":
                state, leadin_text = "priority", r["_leadin_quote"]
        elif r["_cause_after_lim"]:
            if state != "limitation":
                state, leadin_text = "limitation", texts[i].strip()
        elif state == "limitation" and own_other and not r["enumerator"]:
            # a sentence with results or tasks of its own closes a limitations list
            state, leadin_text = None, ""
        elif state is not None and r["heading_like"] and not r["enumerator"] and r["cue_other"] == 0:
            # a new (sub)heading starts a new part of the report
            state, leadin_text = None, ""
        if r["_leadin_pri"]:
            after_future = True
        if r["strong_limitation"]:
            after_lim = True
        if r["_model_passage"]:
            passage -= 1
        elif not (passage and (r["_photo_credit"] or furniture(i))):  # a credit line: skip
            passage = 4 if (r["_model_intro"] and state is None) else 0

    # interactions and neighbours
    for i, r in enumerate(rows):
        no_other_cue = (r["strong_priority"] + r["strong_achievement"] + r["strong_model"]) == 0
        past = r["past_year"] or any(h[0] and _match_form(h[0]).startswith("đã") for h in cue_lists[i]["achievement"])
        r["sec_pri_x_imperative"] = r["sec_priority"] * r["imperative_initial"]
        r["sec_pri_x_enum"] = r["sec_priority"] * r["enumerator"]
        r["sec_lim_x_nocue"] = r["sec_limitation"] * float(no_other_cue)
        r["sec_lim_x_enum"] = r["sec_limitation"] * r["enumerator"]
        r["past_marker"] = float(bool(past))
        r["sec_pri_x_nopast"] = r["sec_priority"] * float(not past)
        r["_past"] = bool(past)
        prev = rows[i - 1] if i > 0 else None
        nxt = rows[i + 1] if i + 1 < n else None
        for fam in ("limitation", "priority", "achievement", "model"):
            r[f"prev_{fam}"] = prev[f"cue_{fam}"] if prev else 0.0
        for fam in ("limitation", "priority", "achievement"):
            r[f"next_{fam}"] = nxt[f"cue_{fam}"] if nxt else 0.0
        r["rel_position"] = i / max(n - 1, 1)
        r["first_heading"] = float(i == title and r["_title_like"])
        # a title "topic: claim" ("Tổng kết công tác dân vận năm 2024: Hệ thống dân vận ... tạo
        # đồng thuận") carries the claim; with no task or shortcoming word in it, a result
        r["_title_claim"] = False
        colon = mfs[i].find(":")
        if r["first_heading"] and colon > 0:
            head, claim = _WORD.findall(mfs[i][:colon]), _WORD.findall(mfs[i][colon + 1:])
            r["_title_claim"] = len(head) >= 3 and len(claim) >= 3 and not any(
                s > colon for fam in ("limitation", "priority") for _, _, s in cue_lists[i][fam]
            ) and not _any(lex, ("imperative", None), scans[i], mfs[i][colon + 1:])  # a slogan
        r["_mf"] = mfs[i]
        r["_cues"] = cue_lists[i]
        r["_text"] = texts[i]
        r["_planned_year"] = planned
        r["_reviewed_year"] = reviewed
    return rows, scans


# --------------------------------------------------------------------------- n-grams


def _ngram_text(mf: str) -> str:
    """Syllables of the match form, digits folded so numbers generalise."""
    return _DIGIT.sub("0", " ".join(_WORD.findall(mf)))


def _ngram_matrix(vectorizer: TfidfVectorizer, docs: list[str]):
    """``vectorizer.transform(docs)``, counting the n-grams in one pass per document (the
    analyzer sklearn builds costs more than the labelling rules). Only for the plain word
    n-grams FamilyClassifier configures; anything else goes through sklearn."""
    v = vectorizer
    tfidf = getattr(v, "_tfidf", None)
    plain = (v.analyzer == "word" and v.input == "content" and v.tokenizer is None
             and v.preprocessor is None and v.lowercase and v.strip_accents is None
             and v.stop_words is None and v.token_pattern == r"\S+" and not v.binary)
    if tfidf is None or not plain:
        return v.transform(docs)
    vocab, (min_n, max_n) = v.vocabulary_, v.ngram_range
    indices, counts, indptr = [], [], [0]
    for doc in docs:
        toks = doc.lower().split()  # = re.findall(r"\S+") (both split at str.isspace)
        grams = toks if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n, len(toks)) + 1):
            grams = grams + list(map(" ".join, zip(*(toks[i:] for i in range(n)))))
        found = Counter(map(vocab.get, grams))
        found.pop(None, None)  # out of vocabulary
        indices += found.keys()
        counts += found.values()
        indptr.append(len(indices))
    X = sparse.csr_matrix(
        (np.asarray(counts, dtype=np.intc), np.asarray(indices, dtype=np.int32),
         np.asarray(indptr, dtype=np.int32)),
        shape=(len(docs), len(vocab)), dtype=v.dtype)
    X.sort_indices()
    return tfidf.transform(X, copy=False)


# --------------------------------------------------------------------------- rules

_DA = re.compile(r"(?<!\w)đã(?!\w)")


def _is_furniture(lex: CueLexicon, scan: _Scan, stripped: str) -> bool:
    """Whether a line (``stripped`` match form, ``scan`` of it or its superstring) is site
    furniture: a counter, timestamp, byline, widget."""
    return any(_any(lex, ("furniture", kind), scan, stripped) for kind in lex.furniture)


def _other_rule(r: dict, lex: CueLexicon, scan: _Scan | None = None) -> str | None:
    """Evidence string when a sentence is clearly framing or site furniture, else None.
    (``scan`` is that of ``r["_mf"]``, computed when not given.)"""
    if r["_bp"]:
        return f"boilerplate: {r['_bp']}"
    if r["_section"] == "trailer" or r["_trailer_head"]:
        lead = r["_section_leadin"] or r["_text"].strip()
        return f'section: trailer after "{lead}"'
    s = r["_mf"].strip()
    scan = scan or lex.index.scan(r["_mf"])
    for kind in lex.furniture:
        if _any(lex, ("furniture", kind), scan, s):
            return f"framing: {kind}"

    def ev(kind: str) -> bool:  # an event-framing pattern matches (tested only when needed)
        return _any(lex, ("event", kind), scan, s)

    nsyl = len(scan.words)
    content = r["strong_limitation"] + r["strong_priority"] + r["strong_achievement"]
    if r["strong_limitation"] == 0 and not r["_quantities"] and ev("dateline") and ev("event"):
        return "framing: dateline"
    if r["_framing_only"]:
        return "framing: meeting"
    if (r["first_heading"] and r["_event_headline"] and not r["_title_claim"] and r["strong_limitation"] == 0
            and r["strong_priority"] == 0 and r["result_words"] == 0):
        return "framing: headline naming the event"
    if (r["strong_limitation"] == 0 and not (r["strong_priority"] and _task_before_past(r))
            and not r["_proposal"] and ev("proceedings_opening") and ev("proceedings")):
        return "framing: meeting proceedings"
    if r["strong_limitation"] == 0 and ev("attendance"):
        return "framing: attendance"
    if nsyl <= 45 and content == 0 and ev("chair"):
        return "framing: chair"
    if nsyl <= 14 and content == 0 and ev("caption"):
        return "framing: photo caption"
    return None


# --------------------------------------------------------------------------- classifier


class FamilyClassifier(ClassifierMixin, BaseEstimator):
    """Label each sentence of a report with a theme family (annotation guide).

    | family | the sentence mainly ... |
    |---|---|
    | limitation | states a shortcoming, weakness, difficulty or something not yet done |
    | priority | sets a task, direction or recommendation for the coming period |
    | model | identifies or describes a specific named model, movement, scheme, plan or contest |
    | achievement | reports a result, outcome or quantity that was reached |
    | other | frames the event or is not report content |

    Ties: a forward-looking task is priority; a shortcoming is limitation even inside a sentence
    crediting results; a named model as subject is model unless the sentence mainly reports what
    it achieved. Items after a limitations lead-in are limitations and items of a tasks section
    are priorities, even without a cue.

    Parameters
    ----------
    C : inverse regularisation of the logistic regression.
    ngram_weight : scale of the syllable n-gram block relative to the handcrafted features
        (0 switches n-grams off).
    ngram_range, min_df : of the syllable n-grams.
    rules : apply the high-precision rules (framing/furniture, section items) on top.
    lexicon_path : another cue lexicon (YAML) instead of ``data/family_cues.yaml``.
    random_state : seed of the solver (results are deterministic for a given value).
    """

    def __init__(self, C=0.2, ngram_weight=1.0, ngram_range=(1, 2), min_df=2, rules=True,
                 lexicon_path=None, random_state=0):
        self.C = C
        self.ngram_weight = ngram_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.rules = rules
        self.lexicon_path = lexicon_path
        self.random_state = random_state

    # -- helpers
    def _lexicon(self) -> CueLexicon:
        return load_cue_lexicon(str(self.lexicon_path) if self.lexicon_path else None)

    def _matrix(self, dense: np.ndarray, words: list[list[str]], fit: bool):
        """Scaled handcrafted features and weighted n-grams of the syllables ``words`` (of
        each match form)."""
        if fit:
            self.scaler_ = StandardScaler(with_mean=False).fit(dense)
        blocks = [sparse.csr_matrix(self.scaler_.transform(dense))]
        if self.ngram_weight:
            docs = [_DIGIT.sub("0", " ".join(w)) for w in words]  # as _ngram_text
            if fit:
                self.vectorizer_ = TfidfVectorizer(
                    analyzer="word", token_pattern=r"\S+", ngram_range=tuple(self.ngram_range),
                    min_df=self.min_df, sublinear_tf=True,
                )
                self.vectorizer_.fit(docs)
            blocks.append(_ngram_matrix(self.vectorizer_, docs) * float(self.ngram_weight))
        return sparse.hstack(blocks).tocsr()

    def _feature_names(self) -> list[str]:
        names = list(DENSE_FEATURES)
        if self.ngram_weight:
            names += [f'n-gram "{t}"' for t in self.vectorizer_.get_feature_names_out()]
        return names

    # -- sklearn API
    def fit(self, sentences: pd.DataFrame, y=None):
        if y is None:
            if "label" not in sentences.columns:
                raise KeyError("fit needs labels: a 'label' column or y")
            y = sentences["label"]
        y = np.asarray(y, dtype=object)
        unknown = set(y) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown family labels: {sorted(unknown)}")
        rows, scans = _feature_rows(sentences, self._lexicon())
        X = self._matrix(_dense(rows), [s.words for s in scans], fit=True)
        self.model_ = LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=5000, random_state=self.random_state,
        )
        # one BLAS thread: the problem is small, and on a busy machine threads only spin (10x)
        with threadpool_limits(limits=1, user_api="blas"):
            self.model_.fit(X, y)
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _decide(self, sentences: pd.DataFrame):
        """(labels, probabilities over classes_, scores, evidence) in input order."""
        if len(sentences) == 0:
            return (np.array([], dtype=object), np.zeros((0, len(self.classes_))), np.array([]), [])
        lex, n = self._lexicon(), len(sentences)
        names = self._feature_names()
        labels, scores = np.empty(n, dtype=object), np.empty(n)
        proba, evidence = np.empty((n, len(self.classes_))), [None] * n
        with _gc_paused():
            for pos, rows, scans in _feature_batches(sentences, lex):
                labels[pos], proba[pos], scores[pos], batch_evidence = self._decide_rows(rows, scans, lex, names)
                for p, ev in zip(pos.tolist(), batch_evidence):
                    evidence[p] = ev
        return labels, proba, scores, evidence

    def _decide_rows(self, rows: list[dict], scans: list[_Scan], lex: CueLexicon, names: list[str]):
        """(labels, probabilities, scores, evidence) of feature rows."""
        dense = _dense(rows)
        X = self._matrix(dense, [s.words for s in scans], fit=False)
        proba = self.model_.predict_proba(X)
        best, best_p = proba.argmax(axis=1), proba.max(axis=1)
        classes = list(self.classes_)
        labels, scores, rules_ev = [], [], []
        for k, r in enumerate(rows):
            p = proba[k]
            fam, ev_rule, rule_conf = None, None, None
            if self.rules:
                fam, ev_rule, rule_conf = _apply_rules(r, lex, scans[k])
            if fam is None or fam not in classes:
                fam = classes[int(best[k])]
                score = float(best_p[k])
                if self.rules:
                    tied, ev_tie = _tie_break(r, fam)
                    if tied != fam and tied in classes:
                        fam, ev_rule = tied, ev_tie
                        score = max(float(p[classes.index(fam)]), 0.6)
            else:
                score = max(float(p[classes.index(fam)]), rule_conf)
            labels.append(fam)
            scores.append(round(min(max(score, 0.0), 1.0), 4))
            rules_ev.append(ev_rule)
        # coefficients of each row's family (binary: one row, for classes_[1])
        coef = self.model_.coef_ if len(classes) > 2 else np.vstack([-self.model_.coef_[0], self.model_.coef_[0]])
        fam_idx = np.array([classes.index(f) for f in labels], dtype=np.intp)
        need = np.array([ev is None for ev in rules_ev], dtype=bool)
        tops = _top_contributions(X, dense, coef, fam_idx, need)
        evidence = [_evidence(r, fam, ev, tops.get(k), names)
                    for k, (r, fam, ev) in enumerate(zip(rows, labels, rules_ev))]
        return np.array(labels, dtype=object), proba, np.array(scores), evidence

    def predict(self, sentences: pd.DataFrame) -> np.ndarray:
        return self._decide(sentences)[0]

    def predict_proba(self, sentences: pd.DataFrame) -> np.ndarray:
        """Class probabilities (columns in ``classes_`` order); a rule's family gets at least
        the rule's confidence, and the row is renormalised."""
        labels, proba, scores, _ = self._decide(sentences)
        proba = proba.copy()
        classes = list(self.classes_)
        for k, fam in enumerate(labels):
            j = classes.index(fam)
            if proba[k, j] < scores[k]:
                rest = proba[k].sum() - proba[k, j]
                if rest > 0:
                    proba[k] *= (1 - scores[k]) / rest
                proba[k, j] = scores[k]
        return proba

    def transform(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``sentences`` with ``family``, ``family_score`` and ``family_evidence``."""
        labels, _, scores, evidence = self._decide(sentences)
        out = sentences.copy()
        out["family"] = labels
        out["family_score"] = scores
        out["family_evidence"] = evidence
        return out

    def score(self, sentences: pd.DataFrame, y=None) -> float:
        """Macro-F1 over the five families."""
        y = sentences["label"] if y is None else y
        return float(f1_score(y, self.predict(sentences), labels=list(FAMILIES), average="macro", zero_division=0))


def _apply_rules(r: dict, lex: CueLexicon, scan: _Scan | None = None) -> tuple[str | None, str | None, float]:
    """High-precision decisions that override the learned model."""
    ev = _other_rule(r, lex, scan)
    if ev:
        return "other", ev, 1.0 if ev.startswith("boilerplate") else 0.95
    lead = r["_section_leadin"]
    other_strong = r["strong_priority"] + r["strong_achievement"] + r["strong_model"]
    if r["_section"] == "limitation" and r["strong_priority"] == 0 and not r["_leadin_pri"] and (
        r["enumerator"] or other_strong == 0 or r["strong_limitation"] > 0
    ):
        return "limitation", f'section: after "{_short(lead)}"', 0.85
    # (an item opening with a task verb may mention what was done: "rà soát các mô hình đã ...")
    if r["_section"] == "priority" and r["strong_limitation"] == 0 and not r["past_year"] and (
        r["enumerator"] or r["imperative_initial"]
    ) and (not r["_past"] or r["imperative_initial"]):
        return "priority", f'section: after "{_short(lead)}"', 0.85
    if r["_leadin_pri"] and r["strong_limitation"] == 0 and not r["_past"] and (
        r["strong_priority"] or r["planned_year"] or r["heading_like"]  # not a bare "nội dung ... như:"
    ):
        # a sentence opening the tasks part ("Năm 2025 là năm ...", "Đồng chí ... đề nghị ...")
        return "priority", f'section: opens the tasks ("{_short(r["_leadin_quote"], 40)}")', 0.75
    if r["_cause_after_lim"] and r["strong_priority"] == 0:
        return "limitation", f'section: causes after the shortcomings ("{_short(r["_text"], 40)}")', 0.8
    if r["_proposal"] and r["strong_limitation"] == 0 and not r["framing"]:
        return "priority", "rule: proposal", 0.8
    if r["strong_priority"] > 0 and not r["framing"] and (_task_before_past(r) or r["_praise"]):
        # guide: a forward-looking task is priority, whatever else the sentence mentions (also
        # after praise of results "đã đạt được")
        return "priority", "rule: task cue", 0.8
    if (r["_model_passage"] and r["_strong_lim_unquoted"] == 0 and r["strong_priority"] == 0
            and not r["_past"] and r["result_words"] == 0):
        # how the model just introduced works, or a participant's words about it
        return "model", "rule: describes the model introduced before", 0.7
    if r["strong_limitation"] > 0 and r["strong_priority"] == 0:
        # guide: a shortcoming is limitation even beside results; only a task outranks it
        return "limitation", "rule: shortcoming cue", 0.8
    no_task = r["strong_priority"] == 0 or not _task_before_past(r)
    if r["_title_claim"] and no_task and not r["_cues"]["priority"]:
        return "achievement", "rule: title stating a claim", 0.7
    results = r["_quantities"] > 0 or r["result_words"] > 0
    if r["first_heading"] and r["strong_model"] > 0 and not r["_event_headline"] and not results and no_task:
        return "model", "rule: title naming a model", 0.7
    if r["_praise"] and no_task:
        # the chair praising what was achieved ("ghi nhận, biểu dương những kết quả ...")
        return "achievement", "rule: praise of the results", 0.75
    if r["model_list"] and no_task:
        return "model", "rule: list of named models", 0.8
    if no_task and not r["_past"] and r["result_words"] == 0:
        if r["_model_intro"] and not r["_quantities"]:
            return "model", "rule: introduces a named model", 0.75
    if r["strong_achievement"] > 0 and r["_quantities"] > 0:
        # a result cue with figures (and neither a task nor a shortcoming): a result reached
        return "achievement", "rule: result with figures", 0.8
    return None, None, 0.0


def _task_before_past(r: dict) -> bool:
    """A strong task cue comes before any "đã" (so "cần ... các nhiệm vụ đã được giao" is a
    task, while "đã khắc phục được ..." reports a result)."""
    pri = [s for _, w, s in r["_cues"]["priority"] if w >= _STRONG]
    past = [m.start() for m in _DA.finditer(r["_mf"])]
    return bool(pri) and (not past or min(pri) < min(past))


def _tie_break(r: dict, fam: str) -> tuple[str, str | None]:
    """The guide's tie order applied to the learned model's choice: a forward-looking task is
    priority, a shortcoming is limitation even where a named model is the subject."""
    if fam == "model" and r["sec_priority"] and not r["_past"]:
        return "priority", f'tie: task in section after "{_short(r["_section_leadin"])}"'
    if fam == "model" and r["strong_limitation"] > 0:
        return "limitation", "tie: shortcoming of a named model"
    if fam == "model" and (r["_quantities"] > 0 or r["result_words"] > 0):
        return "achievement", "tie: results of a named model"
    return fam, None


def _short(text: str, n: int = 70) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n].rstrip() + "…"


def _dense(rows: list[dict]) -> np.ndarray:
    """The :data:`DENSE_FEATURES` of feature rows as a float matrix."""
    dense = np.array([[r[f] for f in DENSE_FEATURES] for r in rows], dtype=float)
    # column-major, as a DataFrame's values: the scaler's sums then run in the same order, so
    # the fitted model is bit-for-bit the same
    return np.asfortranarray(dense.reshape(len(rows), len(DENSE_FEATURES)))


def _top_contributions(X, dense: np.ndarray, coef: np.ndarray, fam_idx: np.ndarray,
                       need: np.ndarray) -> dict[int, list[int]]:
    """For each row k with ``need[k]``: the features with the largest positive contributions
    x * coef (coefficients of the row's family ``fam_idx[k]``), largest first, at most six —
    ``[j for j in np.argsort(-contrib)[:6] if contrib[j] > 0]`` over the full row. Only stored
    entries can be positive, so only they are sorted, all rows at once; a row with equal values
    among its first six is sorted in full as above, as only that gives the same order."""
    n_dense = dense.shape[1]
    row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    cols = X.indices
    contrib = X.data * coef[fam_idx[row], cols]
    keep = need[row] & (contrib > 0)
    dense_col = cols < n_dense  # a dense feature counts only when its raw value is nonzero
    keep[dense_col] &= dense[row[dense_col], cols[dense_col]] != 0
    row, cols, contrib = row[keep], cols[keep], contrib[keep]
    order = np.lexsort((-contrib, row))  # by row, then largest first (stable)
    row, cols, contrib = row[order], cols[order], contrib[order]
    starts = np.searchsorted(row, row, side="left")
    rank = np.arange(len(row)) - starts
    tied = (rank >= 1) & (rank <= 6) & (contrib == np.roll(contrib, 1))
    tied_rows = set(row[tied].tolist())
    out: dict[int, list[int]] = {int(k): [] for k in np.flatnonzero(need)}
    for k, j in zip(row[rank < 6].tolist(), cols[rank < 6].tolist()):
        out[k].append(j)
    for k in tied_rows:
        lo, hi = X.indptr[k], X.indptr[k + 1]
        x_row = np.zeros(X.shape[1])
        x_row[X.indices[lo:hi]] = X.data[lo:hi]
        raw = np.concatenate([dense[k], np.ones(len(x_row) - n_dense)])
        full = np.where(raw != 0, x_row * coef[fam_idx[k]], 0.0)
        out[k] = [int(j) for j in np.argsort(-full)[:6] if full[j] > 0]
    return out


def _evidence(r: dict, fam: str, ev_rule: str | None, top: list[int] | None, names) -> str:
    """The rule, cues, section and (without a rule) the top model features ``top``."""
    parts = []
    if ev_rule:
        parts.append(ev_rule)
    hits = sorted(r["_cues"].get(fam, []), key=lambda h: (-h[1], h[2]))[:2]
    parts += [f'cue "{h[0]}" ({fam})' for h in hits if h[0]]
    if not ev_rule and r["_section"] in ("limitation", "priority") and r["_section"] == fam:
        parts.append(f'section: after "{_short(r["_section_leadin"])}"')
    if not ev_rule:
        feats = []
        for j in top:
            name = names[j]
            label = FEATURE_LABELS.get(name, name if name.startswith("n-gram") else None)
            if label and label not in feats:
                feats.append(label)
            if len(feats) == 2:
                break
        if feats:
            parts.append("model: " + ", ".join(feats))
    return "; ".join(parts) if parts else "model"


# --------------------------------------------------------------------------- defaults, CV


def load_gold(path: str | Path | None = None, subset: str = "all") -> pd.DataFrame:
    """Gold sentences as a sentences table (doc_id = file, text = sentence).

    Without ``path``: the training gold, ``subset`` "seed" (the five seed reports), "dev" (the
    development reports of the blind set, ``data/gold_dev_sentences.csv``) or "all" (both).
    The test reports of the blind set are never in these files.
    """
    if path is not None:
        names = [path]
    else:
        if subset not in GOLD_SUBSETS:
            raise ValueError(f"subset must be one of {sorted(GOLD_SUBSETS)}")
        names = [data_file(n) for n in GOLD_SUBSETS[subset]]
    gold = pd.concat([pd.read_csv(n, keep_default_na=False) for n in names], ignore_index=True)
    gold = gold.rename(columns={"sentence": "text"})
    gold["doc_id"] = gold["file"]
    return gold


@lru_cache(maxsize=1)
def default_classifier() -> FamilyClassifier:
    """A :class:`FamilyClassifier` fitted on the seed and dev gold sentences (once per process)."""
    return FamilyClassifier().fit(load_gold())


def label_families(sentences: pd.DataFrame, model: FamilyClassifier | None = None) -> pd.DataFrame:
    """``sentences`` with ``family``, ``family_score``, ``family_evidence`` added."""
    return (model or default_classifier()).transform(sentences)


def family_report(y_true, y_pred, groups=None) -> pd.DataFrame:
    """Per-family precision/recall/F1/support plus a macro row, overall and per group."""
    def one(yt, yp, scope):
        p, r, f, s = precision_recall_fscore_support(yt, yp, labels=list(FAMILIES), zero_division=0)
        rows = [dict(scope=scope, family=fam, precision=p[i], recall=r[i], f1=f[i], support=int(s[i]))
                for i, fam in enumerate(FAMILIES)]
        present = [fam for i, fam in enumerate(FAMILIES) if s[i] > 0 or fam in set(yp)]
        rows.append(dict(scope=scope, family="macro", precision=np.nan, recall=np.nan,
                         f1=f1_score(yt, yp, labels=present, average="macro", zero_division=0),
                         support=len(yt)))
        return rows

    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    rows = one(y_true, y_pred, "all")
    if groups is not None:
        groups = np.asarray(groups, dtype=object)
        for g in pd.unique(groups):
            m = groups == g
            rows += one(y_true[m], y_pred[m], str(g))
    return pd.DataFrame(rows)


def cross_validate_loro(gold: pd.DataFrame | None = None, **params):
    """Leave-one-report-out CV: each report is scored by a model fitted on the others.

    Returns ``(predictions, report)``: the gold rows with ``predicted``, ``family_score`` and
    ``family_evidence``; and :func:`family_report` over all rows (scope "all", macro-F1 over
    the five families) and per held-out report (macro over the families present there).
    """
    gold = load_gold() if gold is None else gold.copy()
    if "doc_id" not in gold.columns:
        gold["doc_id"] = gold["file"] if "file" in gold.columns else "doc"
    group_col = "file" if "file" in gold.columns else "doc_id"
    parts = []
    for g in pd.unique(gold[group_col]):
        test = gold[gold[group_col] == g]
        train = gold[gold[group_col] != g]
        model = FamilyClassifier(**params).fit(train)
        out = model.transform(test)
        parts.append(out.rename(columns={"family": "predicted"}))
    pred = pd.concat(parts).loc[gold.index]
    report = family_report(pred["label"], pred["predicted"], pred[group_col])
    return pred, report


def confusion_table(y_true, y_pred) -> pd.DataFrame:
    """Confusion matrix as a frame (rows: gold, columns: predicted) over the five families."""
    cm = confusion_matrix(y_true, y_pred, labels=list(FAMILIES))
    return pd.DataFrame(cm, index=pd.Index(FAMILIES, name="gold"), columns=pd.Index(FAMILIES, name="predicted"))


def _text_key(text: str) -> str:
    """Whitespace-normalised NFC text: how a gold sentence is found among produced ones."""
    return " ".join(nfc(str(text)).split())


def evaluate_reports(files, gold: pd.DataFrame, model: FamilyClassifier | None = None):
    """Score the classifier on report files the way the pipeline labels them.

    The files are copied (without any manifest) to a temporary folder, read with
    :func:`dvlib.corpus.load_corpus`, labelled with :func:`label_families`, and each gold row
    (columns file, label, sentence or text) is matched to a produced sentence of the same file
    by whitespace-normalised NFC text, in order; a gold row that matches nothing counts as
    predicted "other". Returns ``(predictions, report)``: the gold rows with ``predicted``,
    ``family_score``, ``family_evidence``, ``matched``; and :func:`family_report` overall and
    per file.
    """
    import shutil
    import tempfile

    from dvlib.corpus import load_corpus  # (the corpus reader is only needed here)

    files = [Path(f) for f in files]
    gold = gold.copy()
    if "text" not in gold.columns:
        gold["text"] = gold["sentence"]
    names = {f.name for f in files}
    gold = gold[gold["file"].isin(names)]
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            shutil.copy2(f, Path(tmp) / f.name)
        corpus = load_corpus(tmp, progress=False)
    sentences = corpus.sentences
    file_of = {d: Path(f).name for d, f in zip(corpus.documents["doc_id"], corpus.documents["file"])}
    labelled = label_families(sentences, model)
    produced: dict[tuple[str, str], list[tuple]] = {}
    for d, t, fam, sc, ev in zip(labelled["doc_id"], labelled["text"], labelled["family"],
                                 labelled["family_score"], labelled["family_evidence"]):
        produced.setdefault((file_of.get(d, d), _text_key(t)), []).append((fam, sc, ev))
    taken: Counter = Counter()
    out = []
    for f, t in zip(gold["file"], gold["text"]):
        key = (f, _text_key(t))
        options = produced.get(key, [])
        if options:  # the same text twice in a report: matched in order
            out.append(options[min(taken[key], len(options) - 1)] + (True,))
            taken[key] += 1
        else:
            out.append(("other", 0.0, "unmatched: not a sentence of the pipeline", False))
    pred = gold.assign(
        predicted=[o[0] for o in out], family_score=[o[1] for o in out],
        family_evidence=[o[2] for o in out], matched=[o[3] for o in out],
    )
    return pred, family_report(pred["label"], pred["predicted"], pred["file"])
