"""Formatting shared by the brief's sections: blanks, lists, numbers, percents, quotes cut at a
word boundary."""
from __future__ import annotations

from typing import Sequence

import pandas as pd


def blank_str(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str)


def join_items(items: Sequence[str], L: dict) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return L["list_sep"].join(items[:-1]) + f" {L['and']} " + items[-1]


def n_sentences_text(n: int, L: dict) -> str:
    return (L["sentence_one"] if n == 1 else L["sentence_other"]).format(n=n)


def fmt_num(value) -> str:
    """Numbers as a reader expects them: 0.734, 12, or the value as given."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) >= 1 else f"{value:.3f}"
    return str(value)


def format_value(value, L: dict) -> str:
    """An indicator's value for reading: 136000000000.0 -> "136.000.000.000" (vi) or
    "136,000,000,000" (en); 12.5 -> "12,5" / "12.5". Anything not a number stays as given."""
    if value is None:
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x != x:  # NaN: no value
        return ""
    if x in (float("inf"), float("-inf")):
        return str(value)
    text = f"{x:,.0f}" if x.is_integer() else f"{x:,.6f}".rstrip("0")
    # Python writes 1,234.5; swap in the language's separators.
    return text.translate(str.maketrans({",": L["thousands_sep"], ".": L["decimal_sep"]}))


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def cut_quote(text: str, max_chars: int) -> tuple[str, bool]:
    """``(kept, truncated)``: ``text`` if short enough, else a prefix cut at a word boundary.

    The kept part is a verbatim prefix (trailing separators dropped); the caller adds "…".
    """
    if max_chars <= 0 or len(text) <= max_chars:
        return text, False
    cut = text[: max_chars + 1]
    at = max((cut.rfind(c) for c in (" ", "\u00a0", "\t")), default=-1)
    if at <= 0:  # one enormous word: cut it anyway rather than quote a wall of text
        at = max_chars
    kept = text[:at].rstrip(" \u00a0\t,;:–-")
    return (kept or text[:max_chars]), True


