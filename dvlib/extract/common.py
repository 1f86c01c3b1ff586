"""What every entity finder shares: the cached match form, the lookup tables, word-list
regexes."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import pandas as pd

from dvlib.config import data_file
from dvlib.schema import ENTITY_COLUMNS, ENTITY_KINDS
from dvlib.text.normalize import match_form_cached as match_form  # noqa: F401
from dvlib.text.normalize import nfc  # noqa: F401
from dvlib.text.normalize import normalize_tones_cached as normalize_tones  # noqa: F401

OUTPUT_COLUMNS = ENTITY_COLUMNS + ["detail", "linked_to"]
KINDS = ENTITY_KINDS


# --------------------------------------------------------------------------- lookup tables

def read_entity_table(name: str) -> pd.DataFrame:
    return pd.read_csv(data_file(name), dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def kinds_table() -> pd.DataFrame:
    return read_entity_table("document_kinds.csv")


@lru_cache(maxsize=1)
def organisations_table() -> pd.DataFrame:
    return read_entity_table("organisations.csv")


@lru_cache(maxsize=1)
def glossary_table() -> pd.DataFrame:
    return read_entity_table("abbreviations.csv")


def document_kinds() -> pd.DataFrame:
    """word, code, name_en, document (1 = an official document kind), introduces_name."""
    return kinds_table().copy()


def organisation_aliases() -> pd.DataFrame:
    """alias, canonical, canonical_en, type, level, case_sensitive."""
    return organisations_table().copy()


def glossary() -> pd.DataFrame:
    """The abbreviation glossary: abbr, expansion_vi, expansion_en."""
    return glossary_table().copy()


def words_pattern(words: Iterable[str]) -> str:
    """An alternation of phrases, longest first, a space matching any run of white space."""
    uniq = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)


def words_trie(words: Iterable[str]) -> str:
    """The alternation of :func:`words_pattern` as a trie ("ban (?:dân vận|tuyên giáo)").

    The same matches: phrases that match at one position are prefixes of one another, and
    the trie, like the longest-first alternation, tries the longer before the shorter. Python's
    ``re`` tries an alternation branch by branch at every position; the trie reads each
    character once, which makes scanning for ~100 aliases several times faster.
    """
    root: dict = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch])
                    for ch in sorted(node) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        # A phrase ending here is an empty last branch, not "(...)?": sre runs "?" on a group
        # through its slow repeat machinery.
        return "(?:" + "|".join(branches) + ("|)" if "" in node else ")")

    return emit(root)


_WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


