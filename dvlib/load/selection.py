"""Selecting reports the way people type: province names without accents, in any case and
spacing, post-2025 names, and filters by date, outlet and level.

``resolve_provinces(["bac giang", "ĐIỆN BIÊN"])`` gives the gazetteer's names
(["Bắc Giang", "Điện Biên"]); a post-2025 province name ("Bắc Ninh", which Bắc Giang joined
in 2025) selects the provinces merged into it and says so in a note; an unknown name raises
:class:`SelectionError` with a suggestion (``unknown province "Hà Lội"; did you mean "Hà
Nội"?``), which the command line prints as one line with exit status 2 before any work.
:func:`select_documents` applies the whole :class:`Selection` to a documents table.

The match key is :func:`fold`: no diacritics, đ→d, lower case, punctuation and runs of white
space as one space, because researchers type on phones and keyboards without Vietnamese input.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import pandas as pd

from dvlib.load.gazetteer import read_gazetteer_table

__all__ = ["Selection", "SelectionError", "fold", "resolve_provinces", "select_documents",
           "LEVELS"]

LEVELS = ("province", "district", "commune")
_TYPE_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp)\s+")


class SelectionError(ValueError):
    """A selection the user typed that names nothing in the data (the message is one line)."""


def fold(text) -> str:
    """The accent-insensitive key: ``fold("  ĐIỆN  Biên ") == "dien bien"``; also drops
    punctuation (``"Bà Rịa-Vũng Tàu"`` -> ``"ba ria vung tau"``)."""
    out = unicodedata.normalize("NFD", str(text))
    out = "".join(c for c in out if not unicodedata.combining(c))
    out = out.replace("đ", "d").replace("Đ", "d").lower()
    return re.sub(r"[\W_]+", " ", out).strip()


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[str, ...]], dict[str, str], dict[str, tuple[str, ...]]]:
    """folded name -> provinces it selects; folded name -> the name to show; and the post-2025
    province -> the pre-2025 provinces merged into it."""
    rows = read_gazetteer_table("gazetteer_provinces.csv")
    merged: dict[str, list[str]] = {}
    for r in rows:
        merged.setdefault(r["province_2025"], []).append(r["province"])
    select: dict[str, tuple[str, ...]] = {}
    shown: dict[str, str] = {}
    for r in rows:
        select[fold(r["province"])] = (r["province"],)
        shown[fold(r["province"])] = r["province"]
    for r in read_gazetteer_table("province_aliases.csv"):
        key = fold(r["alias"])
        if key and key not in select:
            select[key] = (r["province"],)
            shown[key] = r["province"]
    # a post-2025 name selects every province merged into it (it is often also the name of one
    # of them: "Bắc Ninh" now covers Bắc Giang too, and the tables show "Bắc Ninh" for both)
    for new, olds in merged.items():
        select[fold(new)] = tuple(olds)
        shown[fold(new)] = new
    return select, shown, {k: tuple(v) for k, v in merged.items()}


def _key(name: str) -> str:
    return _TYPE_PREFIX.sub("", fold(name))


def resolve_provinces(names: Sequence[str] | None, lang: str = "vi") -> tuple[list[str], list[str]]:
    """Province names as typed -> (the gazetteer's pre-2025 provinces they select, in the order
    typed, no repeats; notes to show the reader). Empty or None -> ([], []), meaning all.

    Raises :class:`SelectionError` for a name that is no province, with the closest name."""
    select, shown, merged = _index()
    out: list[str] = []
    notes: list[str] = []
    for raw in names or []:
        if not str(raw).strip():
            continue
        key = _key(raw)
        if key not in select:
            close = difflib.get_close_matches(key, list(select), n=1, cutoff=0.6)
            hint = f'; did you mean "{shown[close[0]]}"?' if close else ""
            raise SelectionError(f'unknown province "{str(raw).strip()}"{hint}')
        chosen = select[key]
        if len(chosen) > 1:
            name = shown[key]
            notes.append(
                f"{name} (since the 2025 merger) covers {', '.join(chosen)}: the reports of all "
                f"{len(chosen)} are selected." if lang == "en" else
                f"{name} (sau sáp nhập năm 2025) gồm {', '.join(chosen)}: chọn báo cáo của cả "
                f"{len(chosen)} tỉnh.")
        out.extend(p for p in chosen if p not in out)
    return out, notes


@dataclass
class Selection:
    """What to keep: provinces (pre-2025 names; empty = all), a date range (ISO strings,
    inclusive; undated reports are dropped when a range is given), outlets (matched like
    provinces, ignoring accents and case, as substrings), levels (province/district/commune)."""
    provinces: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    outlets: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_typed(cls, provinces: Sequence[str] | None = None, date_from: str | None = None,
                   date_to: str | None = None, outlets: Sequence[str] | None = None,
                   levels: Sequence[str] | None = None, lang: str = "vi") -> "Selection":
        """A selection from what a user typed; raises :class:`SelectionError` on bad input."""
        provs, notes = resolve_provinces(provinces, lang)
        for label, value in (("from", date_from), ("to", date_to)):
            if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(value).strip()):
                raise SelectionError(f'bad date "{value}" for --{label}: use YYYY, YYYY-MM or '
                                     "YYYY-MM-DD")
        lv = []
        for level in levels or []:
            key = fold(level)
            match = [x for x in LEVELS if x.startswith(key) or key in _LEVEL_WORDS.get(x, ())]
            if not key or not match:
                raise SelectionError(f'unknown level "{level}": choose from {", ".join(LEVELS)}')
            lv.append(match[0])
        return cls(provinces=provs, date_from=str(date_from or "").strip(),
                   date_to=str(date_to or "").strip(),
                   outlets=[o for o in (outlets or []) if str(o).strip()], levels=lv,
                   notes=notes)

    @property
    def is_all(self) -> bool:
        return not (self.provinces or self.date_from or self.date_to or self.outlets
                    or self.levels)

    def describe(self) -> dict:
        """The selection as parameters (for the methods section and the run's folder name)."""
        out = {}
        if self.provinces:
            out["provinces"] = list(self.provinces)
        if self.date_from or self.date_to:
            out["dates"] = f"{self.date_from or '…'} – {self.date_to or '…'}"
        if self.outlets:
            out["outlets"] = list(self.outlets)
        if self.levels:
            out["levels"] = list(self.levels)
        return out


_LEVEL_WORDS = {"province": ("tinh", "cap tinh"), "district": ("huyen", "cap huyen"),
                "commune": ("xa", "cap xa")}


def _date_bound(value: str, upper: bool) -> str:
    """"2024" -> "2024-01-01" (or "2024-12-31" as an upper bound); "2024-05" likewise."""
    if len(value) == 4:
        return value + ("-12-31" if upper else "-01-01")
    if len(value) == 7:
        return value + ("-31" if upper else "-01")
    return value


def select_documents(documents: pd.DataFrame, selection: Selection | None) -> pd.DataFrame:
    """The rows of ``documents`` the selection keeps (all of them for None or an empty one)."""
    if selection is None or selection.is_all or documents.empty:
        return documents
    keep = pd.Series(True, index=documents.index)
    if selection.provinces:
        keep &= documents["province"].isin(selection.provinces)
    if selection.date_from or selection.date_to:
        dates = documents.get("date", pd.Series("", index=documents.index)).fillna("").astype(str)
        dates = dates.str[:10]
        has = dates.str.match(r"^\d{4}")
        if selection.date_from:
            keep &= has & (dates >= _date_bound(selection.date_from, False))
        if selection.date_to:
            keep &= has & (dates <= _date_bound(selection.date_to, True))
    if selection.outlets:
        outlet = documents.get("outlet", pd.Series("", index=documents.index)).fillna("")
        folded = outlet.astype(str).map(fold)
        wanted = [fold(o) for o in selection.outlets]
        keep &= folded.map(lambda f: any(w in f for w in wanted))
    if selection.levels:
        level = documents.get("level", pd.Series("province", index=documents.index))
        keep &= level.fillna("province").replace("", "province").isin(selection.levels)
    return documents[keep]
