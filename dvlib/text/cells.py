"""Cells that are safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (CSV/formula injection, OWASP). Report text can
start that way (a bullet "- Tăng cường…", a quoted "=" line), so every table we hand to a
spreadsheet goes through :func:`escape_formulas` first: such a cell gets a leading ``'``, which
the spreadsheet shows as text and does not evaluate. Numbers and dates are left alone.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "escape_cell", "escape_formulas"]

# OWASP "CSV Injection": the characters that make a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """One value: a string starting with a formula prefix gets a leading ``'``; anything else
    (numbers, dates, None/NaN, safe strings) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` in which every text cell that a spreadsheet would evaluate as a
    formula starts with ``'`` (see :func:`escape_cell`). Column names are escaped too. Only
    object/string columns are touched, so numeric columns keep their dtype; the input frame is
    not modified."""
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if dtype == object or pd.api.types.is_string_dtype(dtype):
            out[col] = out[col].map(escape_cell)
    out.columns = [escape_cell(c) for c in out.columns]
    return out
