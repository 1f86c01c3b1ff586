"""Text that was decoded with the wrong code page somewhere on its way (mojibake), repaired
where the repair is unambiguous.

The common cases in Vietnamese archives: a Windows-1258 file opened as Windows-1252 (or
Latin-1) and saved again as UTF-8 ("Ban Dân vâòn TiÒnh uÒy"); UTF-8 opened as Windows-1252 and
saved again ("Ban DÃ¢n váº­n"). Both decode as valid UTF-8, so nothing fails: only the words
show it. A text that already reads as Vietnamese is never touched. Otherwise each way back
(re-encode with the wrong code page, decode with the right one; and ``ftfy``'s general fix) is
tried; a single result that reads as Vietnamese is taken, with a note saying what was done.
"""
from __future__ import annotations

import unicodedata

from dvlib.load.vietnamese import looks_vietnamese, vietnamese_share

# The code pages a file is wrongly opened with, and those it really was in.
_WRONG = (("sloppy-windows-1252", "Windows-1252"), ("latin-1", "Latin-1"))
_RIGHT = (("utf-8", "UTF-8"), ("cp1258", "Windows-1258"))


def _candidates(text: str):
    import ftfy
    import ftfy.bad_codecs  # noqa: F401  registers the "sloppy" code pages

    for wrong, wrong_name in _WRONG:
        try:
            raw = text.encode(wrong)
        except UnicodeEncodeError:
            continue
        for right, right_name in _RIGHT:
            try:
                yield raw.decode(right), f"{right_name} read as {wrong_name} and saved as UTF-8"
            except UnicodeDecodeError:
                continue
    fixed = ftfy.fix_encoding(text)
    if fixed != text:
        yield fixed, "mojibake repaired by ftfy"


def is_mojibake(text: str) -> bool:
    """Whether ``text`` shows the marks of a wrong decoding (ftfy's badness heuristic)."""
    from ftfy.badness import is_bad
    return is_bad(text)


def repair(text: str) -> tuple[str, str]:
    """``(text, note)``: the text repaired with a note on what was done, or unchanged with
    note "" (Vietnamese already, or no unambiguous repair). Raises ``ValueError`` (one line)
    for text that is clearly mojibake but has no single repair."""
    if text.isascii():
        return text, ""
    # Real Vietnamese almost always holds letters outside Windows-1252 (ạ ả ầ ơ ư đ ...), so it
    # cannot be re-encoded that way: a text that can, and reads better as Vietnamese decoded
    # otherwise, is mojibake. A candidate must read as Vietnamese at least as well as the text.
    base = unicodedata.normalize("NFC", text)
    reads_vietnamese = looks_vietnamese(base)
    if reads_vietnamese and not is_mojibake(text):
        return text, ""  # the usual case, decided without trying any repair
    base_valid = vietnamese_share(base)[0]
    found: dict[str, str] = {}
    for cand, how in _candidates(text):
        cand = unicodedata.normalize("NFC", cand)
        if (cand != base and looks_vietnamese(cand)
                and vietnamese_share(cand)[0] >= base_valid):
            found.setdefault(cand, how)
    if len(found) == 1:
        (fixed, how), = found.items()
        return fixed, f"double-encoded text repaired ({how})"
    if len(found) > 1:
        raise ValueError("garbled text (mojibake) with more than one possible repair: not read")
    if not reads_vietnamese and is_mojibake(text):
        raise ValueError("garbled text (mojibake) that cannot be repaired: not read")
    return text, ""
