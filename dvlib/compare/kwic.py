"""Keyword in context: every occurrence of a phrase with the words around it, verbatim."""
from __future__ import annotations

import re

import pandas as pd

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
    tone placement, any case. ``left``, ``keyword`` and ``right`` are verbatim slices of the
    sentence text, so they read as the report wrote them.
    """
    sents = ensure_content(sentences, documents).reset_index(drop=True)
    key = tokens_with_spans(keyword)[0]
    cols = ["doc_id", "sentence_id", "province", "left", "keyword", "right", "start", "end"]
    if not key:
        raise ValueError("empty keyword")
    rows = []
    first = key[0]
    for row in sents.itertuples(index=False):
        text = nfc(str(row.text))
        form_lower = match_form(text)
        if first not in form_lower:  # cheap pre-filter before tokenising
            continue
        toks, spans = tokens_with_spans(text)
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
    return pd.DataFrame(rows, columns=cols)
