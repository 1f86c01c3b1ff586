"""Lexicon matching on the match form: entries compiled to syllable-bounded regexes, and an
index that tells, for a text, which of many patterns may match it.

A sentence is checked against ~400 lexicon patterns; searching each one was most of the cost
of labelling. Each pattern gets, once, from its parse tree (:mod:`dvlib.text.regex_parse`):
(1) cheap necessary conditions — syllables it must contain as whole words (looked up in the
sentence's set of syllables), a first word, or substrings — so a sentence is searched only with
the few patterns that may match, and (2) the literal prefixes its matches start with, so the
search starts where the first one occurs. Both are exact: a skipped pattern cannot match, and
the match found is the one ``pattern.search`` returns (tests check this against plain searches).
"""
from __future__ import annotations

import re
from functools import partial

from dvlib.text.normalize import match_form
from dvlib.text.regex_parse import analyse, best

_WORD = re.compile(r"\w+")


def compile_entry(entry: str) -> re.Pattern:
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


class Scan:
    """One text, its syllables, and the ids of the lexicon patterns that may match it, per
    lexicon list (ascending, i.e. in list order)."""

    __slots__ = ("text", "words", "lists", "masked")

    def __init__(self, text: str, words: list[str], lists: dict):
        self.text, self.words, self.lists = text, words, lists
        self.masked = {}  # family -> (masked text, its scan), see _mask


class PatternIndex:
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
            reqs, start = analyse(pat)
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
            elif not bos and best(reqs):
                subs = re.compile("|".join(map(re.escape, sorted(best(reqs)[1]))))
                self.by_substring.append((pid, subs, leads))
            else:  # anchored at the start: a test of the first word or a substring is enough
                top = best(reqs)
                subs = tuple(sorted(top[1])) if top and len(top[1]) <= 3 else ()
                self.by_lead.append((pid, leads, subs))
        self.known = frozenset(known)
        self.find = [_finder(pat, start) for pat, start in zip(self.patterns, self.starts)]

    def _add(self, token: str, pid: int, rest: frozenset, sets: tuple, leads) -> None:
        direct, checked = self.by_token.setdefault(token, ([], []))
        if rest or sets or leads:
            checked.append((pid, rest, sets, leads))
        else:
            direct.append(pid)

    def scan(self, text: str) -> Scan:
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
        return Scan(text, words, lists)

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


