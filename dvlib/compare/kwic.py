"""Keyword in context: every occurrence of a phrase with the words around it, verbatim."""
from __future__ import annotations

import re
import warnings

import pandas as pd

from dvlib.load.selection import fold
from dvlib.segment import ensure_content
from dvlib.text.normalize import match_form, nfc

_SYLLABLE = re.compile(r"\w+")


def tokens_with_spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Match-form syllables of ``text`` and their character spans in ``nfc(text)``."""
    form = match_form(text)
    toks, spans = [], []
    for m in _SYLLABLE.finditer(form):
        toks.append(m.group(0))
        spans.append(m.span())
    return toks, spans



def kwic(sentences: pd.DataFrame, keyword: str, window: int = 8,
         documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keyword in context at sentence level, ``window`` syllables on each side.

    The keyword (one or more syllables) matches whatever the spelling: NFC or NFD, old or new
    tone placement, any case; typed without diacritics ("dan van kheo", as on a phone) it
    matches every accented form ("Dân vận khéo"). ``left``, ``keyword`` and ``right`` are
    verbatim slices of the sentence text, so they read as the report wrote them. No match gives
    an empty table and a warning that says so.
    """
    sents = ensure_content(sentences, documents).reset_index(drop=True)
    key = tokens_with_spans(keyword)[0]
    # no diacritics typed: compare folded syllables (accent-insensitive)
    loose = bool(key) and all(fold(k) == k for k in key)
    norm = fold if loose else (lambda t: t)
    cols = ["doc_id", "sentence_id", "province", "left", "keyword", "right", "start", "end"]
    if not key:
        raise ValueError("empty keyword")
    rows = []
    first = key[0]
    for row in sents.itertuples(index=False):
        text = nfc(str(row.text))
        form_lower = match_form(text)
        if first not in (fold(form_lower) if loose else form_lower):  # cheap pre-filter
            continue
        toks, spans = tokens_with_spans(text)
        if loose:
            toks = [norm(t) for t in toks]
        L = len(key)
        for pos in range(len(toks) - L + 1):
            if toks[pos:pos + L] != key:
                continue
            start, end = spans[pos][0], spans[pos + L - 1][1]
            lo = spans[max(0, pos - window)][0]
            hi = spans[min(len(toks), pos + L + window) - 1][1]
            rows.append({"doc_id": row.doc_id, "sentence_id": row.sentence_id,
                         "province": getattr(row, "province", ""),
                         "left": text[lo:start].strip(), "keyword": text[start:end],
                         "right": text[end:hi].strip(), "start": start, "end": end})
    if not rows:
        warnings.warn(f'kwic: "{keyword}" is in none of the {len(sents)} sentences'
                      + ("" if loose else " (typed with diacritics: matched exactly; type it "
                         "without diacritics to match any)"), stacklevel=2)
    return pd.DataFrame(rows, columns=cols)
