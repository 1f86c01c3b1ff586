"""Does a text read as Vietnamese? A loose syllable check, used to choose a code page, to
spot mojibake and to flag reports in another language."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tone marks as combining characters (what Windows-1258 and NFD text carry).
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
# One written Vietnamese syllable without its tone mark: onset, vowel group, coda. Loose on
# purpose; it only has to tell Vietnamese from mojibake (letters like "Ë", "µ", "Ã").
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
_VI_MARKED = set("ăâêôơưđ")
_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_share(text: str) -> tuple[float, float]:
    """(share of words that are valid Vietnamese syllables, share carrying a diacritic)."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    if not words:
        return 0.0, 0.0
    valid = marked = 0
    for w in words:
        v, m = _word_kind(w)
        valid += v
        marked += m
    return valid / len(words), marked / len(words)


@lru_cache(maxsize=200_000)
def _word_kind(w: str) -> tuple[bool, bool]:
    """(a valid syllable, carries a diacritic) for one lower-case word; words repeat, so
    cached (this check was 6 s of loading 600 reports)."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", w).translate(_TONE_MARKS))
    return bool(_VI_SYLLABLE.fullmatch(bare)), bare != w or any(c in _VI_MARKED for c in bare)


def looks_vietnamese(text: str, min_valid: float = 0.75, min_marked: float = 0.15) -> bool:
    """Whether most words are Vietnamese syllables and enough of them carry diacritics."""
    valid, marked = vietnamese_share(text)
    return valid >= min_valid and marked >= min_marked
