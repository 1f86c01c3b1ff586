"""Unicode and tone-mark normalisation.

Vietnamese text arrives in NFC or NFD and with old ("uỷ", "hoà") or new ("ủy", "hòa") tone-mark
placement. Quotes keep the report's own spelling; matching uses :func:`match_form`, which is
*length-preserving* on NFC text, so a span found in the match form is the same span in the text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# underthesea's normaliser knows the tone-mark placement rules (and "qu", "gi"); on one
# syllable its public text_normalize gives what its per-token normaliser gives.
from underthesea import text_normalize as _ut_text_normalize

# Only a syllable with two vowels side by side can have its tone mark moved or its spelling fixed
# by underthesea's normaliser ("hoà" -> "hòa", "uỷ" -> "ủy", "thuơng" -> "thương", "qui" ->
# "quy"), besides its two character fixes ("ð" -> "đ"); visiting just those skips most of the
# per-syllable calls. Checked against every same-length entry of underthesea's token table, every
# syllable of the corpus and evaluation texts and onset x vowel cluster x tone x coda
# combinations (tests/text/test_normalize.py).
_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_VOWELS += "".join(unicodedata.normalize("NFC", v + t) for v in _VOWELS
                   for t in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"))
_MAY_CHANGE = re.compile(rf"(?<!\w)\w*(?:[{_VOWELS}][{_VOWELS}]|[ðÐ])\w*")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=200_000)
def normalize_syllable(syllable: str) -> str:
    """One syllable with the tone mark placed the new way ("uỷ" -> "ủy"); same length."""
    out = _ut_text_normalize(syllable)
    # Only accept rewrites that keep the length, so offsets stay valid.
    return out if len(out) == len(syllable) else syllable


def normalize_tones(text: str) -> str:
    """NFC and one tone-mark placement, keeping case and length (of the NFC text)."""
    text = nfc(text)
    return _MAY_CHANGE.sub(lambda m: normalize_syllable(m.group(0)), text)


def match_form(text: str) -> str:
    """The form used for matching: NFC, one tone-mark placement, lower case.

    ``len(match_form(t)) == len(nfc(t))`` so offsets carry over between the two.
    """
    out = normalize_tones(text).lower()
    if len(out) != len(nfc(text)):  # a few characters change length under lower(); rare
        out = "".join(c.lower() if len(c.lower()) == 1 else c for c in normalize_tones(text))
    return out


@lru_cache(maxsize=20_000)
def match_form_cached(text: str) -> str:
    """:func:`match_form` with one process-wide cache, for short strings that repeat (cue surface
    forms, names, lexicon entries). Long, unique texts should call :func:`match_form`."""
    return match_form(text)


@lru_cache(maxsize=20_000)
def normalize_tones_cached(text: str) -> str:
    """:func:`normalize_tones` with one process-wide cache (short strings that repeat)."""
    return normalize_tones(text)
