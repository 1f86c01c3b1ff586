"""Names for sub-themes taken from their sentences as written.

A word list ("vận động · khó khăn · hoạt động") says little to a reader; a phrase that the
cluster's sentences actually contain ("công tác tuyên truyền") can be quoted and checked. The rule
(:func:`phrase_name`):

1. Candidates are contiguous runs of 3–6 syllables (a Vietnamese word is mostly two, so a
   name is more than one word) inside one clause of a member sentence (a run
   never crosses punctuation), kept in the sentence's own spelling, so a name is always a
   substring of a member sentence.
2. A candidate must contain at least one of the cluster's distinctive terms (its c-TF-IDF top
   terms), must not start or end with a stopword syllable, a number, nor inside a word of several
   syllables (the members' terms and ``fixed_words.txt``), and must not be part of an
   institution name or stock formula (``formula_stoplist.txt``): those say nothing about the
   sub-theme.
3. The candidate found in the most member sentences wins; ties go to the larger c-TF-IDF mass
   (the summed scores of the cluster terms it contains), then to the longer phrase, then to the
   alphabetically first (so the same corpus always gives the same name).
4. Without a candidate: the first clause of the most central sentence, cut at a word boundary
   to at most 60 characters.
A name already given to a larger sub-theme of the same family is skipped, so names differ.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dvlib.config import data_file
from dvlib.text.normalize import match_form
from dvlib.tokenize import fixed_words as _fixed, stopwords

MIN_WORDS, MAX_WORDS = 3, 6
FALLBACK_CHARS = 60
# A word: letters/digits, possibly joined by "-" or "." inside (e.g. "COVID-19", "TP.HCM").
_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")
_LETTER = re.compile(r"[^\W\d_]")
_CLAUSE_END = re.compile(r"[,;:.!?()\[\]\"“”‘’…–—/]|\s-\s")


@lru_cache(maxsize=1)
def _stop_syllables() -> frozenset[str]:
    # Single-syllable stopwords only: multi-syllable ones ("công tác") may open a good name.
    return frozenset(w for w in stopwords() if "_" not in w)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[tuple[str, ...]]:
    # Multi-syllable stopwords ("mở rộng") are words too: a name does not cut them in two.
    return frozenset(tuple(w.split("_")) for w in stopwords() if "_" in w)


@lru_cache(maxsize=1)
def _framing_keys() -> frozenset[str]:
    lines = data_file("formula_stoplist.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(_key(s) for s in lines if s.strip() and not s.lstrip().startswith("#"))


def _key(text: str) -> str:
    return " ".join(_WORD.findall(match_form(text)))


def _runs(text: str) -> list[list[tuple[int, int]]]:
    """Word spans of ``text`` grouped into clauses (runs of words separated only by spaces)."""
    runs, cur, last_end = [], [], None
    for m in _WORD.finditer(text):
        gap = text[last_end:m.start()] if last_end is not None else ""
        if cur and (gap.strip() or _CLAUSE_END.search(gap)):
            runs.append(cur)
            cur = []
        cur.append((m.start(), m.end()))
        last_end = m.end()
    if cur:
        runs.append(cur)
    return runs


def _match_text(text: str) -> str | None:
    """``match_form(text)`` when its slices are the match forms of the slices (NFC text without
    the two letters whose lower case depends on context or changes length), else None. Taking
    every n-gram's key as a slice of one match form is what makes naming cheap (it was about
    5 s of the sub-theme stage at 600 reports, one match_form per n-gram)."""
    if "Σ" in text or "İ" in text or not unicodedata.is_normalized("NFC", text):
        return None
    mf = match_form(text)
    return mf if len(mf) == len(text) else None


def _syllable_keys(text: str, run: list[tuple[int, int]], mf: str | None) -> list[str]:
    return [mf[a:b] if mf is not None else match_form(text[a:b]) for a, b in run]


def _inside(text: str, run: list[tuple[int, int]], words: frozenset[tuple[str, ...]],
            mf: str | None = None) -> set[int]:
    """Positions i (1..len-1) where syllables i-1 and i belong to one known word of the run."""
    syl = _syllable_keys(text, run, mf)
    inside: set[int] = set()
    for i in range(len(syl)):
        for n in range(2, 5):
            if tuple(syl[i:i + n]) in words and i + n <= len(syl):
                inside.update(range(i + 1, i + n))
    return inside


def _candidates(text: str, words: frozenset[tuple[str, ...]] = frozenset()) -> dict[str, str]:
    """Match-form key -> surface of every 3–6-syllable run inside one clause of ``text`` that
    neither starts nor ends inside a known multi-syllable word (``words``, as syllable tuples)."""
    out: dict[str, str] = {}
    mf = _match_text(text)
    for run in _runs(text):
        inside = _inside(text, run, words, mf)
        keys = _syllable_keys(text, run, mf) if mf is not None else None
        for i in range(len(run)):
            if i in inside:
                continue
            for n in range(MIN_WORDS, MAX_WORDS + 1):
                if i + n > len(run):
                    break
                if i + n in inside:
                    continue
                surface = text[run[i][0]:run[i + n - 1][1]]
                key = " ".join(keys[i:i + n]) if keys is not None else _key(surface)
                out.setdefault(key, surface)
    return out


def _first_clause(text: str, words: frozenset[tuple[str, ...]] = frozenset(),
                  limit: int = FALLBACK_CHARS) -> str:
    runs = _runs(text)
    if not runs:
        return text.strip()[:limit]
    run = runs[0]
    clause = text[run[0][0]:run[-1][1]]
    if len(clause) <= limit:
        return clause
    inside = _inside(text, run, words)
    ends = [k for k in range(1, len(run) + 1) if run[k - 1][1] - run[0][0] <= limit]
    whole = [k for k in ends if k not in inside] or ends  # prefer not to cut a word in two
    return text[run[0][0]:run[whole[-1] - 1][1]] if whole else clause[:limit]


def phrase_name(texts: list[str], term_scores: dict[str, float], central: str,
                taken: set[str] = frozenset(), words=()) -> str:
    """A reader's name for a cluster: a phrase from its sentences (rule in the module docstring).

    ``texts`` are the member sentences (in a fixed order), ``term_scores`` the cluster's
    distinctive terms in token form ("tuyên_truyền") with their c-TF-IDF scores, ``central`` the
    most representative member (for the fallback), ``taken`` names already used in the family
    (compared in match form), ``words`` the members' terms ("hiệu_quả"): a name never starts
    or ends inside one of their multi-syllable words. Returns a non-empty string without underscores when any member
    has a word.
    """
    stop, framing = _stop_syllables(), _framing_keys()
    words = frozenset(tuple(match_form(w).split("_")) for w in words if "_" in w) | _fixed() \
        | _stop_words()
    terms = {" ".join(match_form(t).split("_")): s for t, s in term_scores.items() if s > 0}
    taken_keys = {_key(t) for t in taken}
    count: dict[str, int] = {}
    surface: dict[str, str] = {}
    for text in texts:
        for k, s in _candidates(text, words).items():
            count[k] = count.get(k, 0) + 1
            surface.setdefault(k, s)
    best, best_rank = None, None
    for k, c in count.items():
        syl = k.split(" ")
        # A fragment of an institution name or stock formula is framing, not a sub-theme.
        if syl[0] in stop or syl[-1] in stop or not _LETTER.search(syl[0]) \
                or not _LETTER.search(syl[-1]) or k in taken_keys \
                or any(f" {k} " in f" {f} " for f in framing):
            continue
        padded = f" {k} "
        mass = sum(s for t, s in terms.items() if f" {t} " in padded)
        if mass <= 0:
            continue
        rank = (-c, -round(mass, 12), -len(syl), k)
        if best_rank is None or rank < best_rank:
            best, best_rank = k, rank
    if best is not None:
        return surface[best]
    name = _first_clause(central, words) or next((t.strip() for t in texts if t.strip()), "")
    return name.replace("_", " ")
