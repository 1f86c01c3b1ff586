"""The one adapter to CPython's private regex parser (``re._parser``, ``re._constants``).

The lexicon's pattern index (:mod:`dvlib.text.lexicon`) reads each pattern's parse tree once to
learn (1) syllables or substrings every match must contain and (2) the literal prefixes its
matches start with, so a sentence is searched only with the few patterns that may match it.
Everything that touches the private parser lives here. It was written for the parser of
CPython 3.11 (``WRITTEN_FOR``; ``tests/text/test_regex_parse.py`` pins it); when the
parser is missing or changes shape, :func:`analyse` and :func:`needs` answer "unknown"
(``([], None)`` and ``()``), and every pattern is simply searched every time: slower, the same
results.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

try:  # private: without it, no index (see the module docstring)
    from re import _constants as _sre_c, _parser as _sre_parse
except ImportError:  # pragma: no cover
    _sre_c = _sre_parse = None

WRITTEN_FOR = ((3, 11),)  # CPython versions whose parser this was checked on
AVAILABLE = _sre_parse is not None and _sre_c is not None
_WORD = re.compile(r"\w+")

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


def best(reqs: list):
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
            alts = [best(_requirement(alt.data, left, right)) for alt in av[1]]
            if alts and all(alts):
                kind = "tok" if all(a[0] == "tok" for a in alts) else "sub"
                reqs.append((kind, frozenset().union(*(a[1] for a in alts))))
        elif op == _O.IN and av and all(o == _O.LITERAL for o, _ in av):
            reqs.append(("sub", frozenset(chr(a) for _, a in av)))
        elif op in _REPEATS and av[0] >= 1:
            sub = av[2].data if hasattr(av[2], "data") else av[2]
            reqs.append(best(_requirement(sub, False, False)))
        elif op == _O.ATOMIC_GROUP:
            reqs.append(best(_requirement(av.data, False, False)))
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


def analyse(pattern: re.Pattern):
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



def needs(pattern: re.Pattern) -> tuple[re.Pattern, ...]:
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

