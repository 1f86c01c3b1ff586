"""``dvlib.xlsx``: the analysis as one Excel workbook, for researchers who read in Excel.

One sheet each: the reports, the units (claims when the analysis has them, else the content
sentences) with family, sub-theme and aspect labels, one province × aspect matrix per family,
and the codebook matches with their labels. Every sheet has a frozen header row, an autofilter
and column widths fitted to its content (capped, long texts wrap). Every text cell passes
through :func:`dvlib.text.cells.escape_formulas`, so report text is never run as a formula.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dvlib.report.explorer import FAMILY_LABELS, codebook_labels, units_from_tables
from dvlib.runtime.atomic import atomic_path
from dvlib.text.cells import escape_formulas

__all__ = ["aspect_matrices", "workbook_sheets", "workbook_units", "write_workbook"]

# Internal columns of the documents table a reader does not need in a spreadsheet.
_DOC_DROP = ("text", "masked_text", "content", "path_resolved", "title_hint", "date_hint")
_UNIT_COLUMNS = ("doc_id", "sentence_id", "claim_id", "province", "province_2025", "level",
                 "date", "outlet", "family", "family_label", "family_score", "subtheme",
                 "subtheme_label", "aspects", "aspect_labels", "text")
_SHEET_NAMES = {
    "vi": {"documents": "Báo cáo", "sentences": "Câu", "claims": "Nhận định",
           "codes": "Mã (codebook)", "matrix": "Ma trận {family}"},
    "en": {"documents": "Reports", "sentences": "Sentences", "claims": "Claims",
           "codes": "Codes", "matrix": "Matrix {family}"},
}


def workbook_units(analysis) -> tuple[pd.DataFrame, bool]:
    """The analysis' units (claims, else content sentences of original reports) with the
    documents' province, date and outlet, and their aspects from the codebook matches."""
    claims = getattr(analysis, "claims", None)
    if not isinstance(claims, pd.DataFrame) or claims.empty or "family" not in claims.columns:
        claims = None
    docs = analysis.documents
    sentences = analysis.sentences
    if claims is None and "duplicate_of" in docs.columns:
        copies = set(docs.loc[docs["duplicate_of"].fillna("").astype(str) != "", "doc_id"])
        sentences = sentences[~sentences["doc_id"].isin(copies)]
    coded = analysis.coded if isinstance(analysis.coded, pd.DataFrame) else None
    units = units_from_tables(sentences, coded, claims)
    meta = [c for c in ("doc_id", "province", "province_2025", "level", "date", "outlet")
            if c in docs.columns]
    units = units.drop(columns=[c for c in meta if c != "doc_id" and c in units.columns])
    return units.merge(docs[meta], on="doc_id", how="left"), claims is not None


def aspect_matrices(units: pd.DataFrame, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """Per family, the number of units of each province (rows) touching each aspect (columns,
    labelled from the codebook), from a units table with ``family``, ``province`` and
    ``aspects`` ("a|b"). A unit with two aspects counts in both columns. Families without any
    aspect are left out."""
    if units.empty or "aspects" not in units.columns:
        return {}
    names = codebook_labels(lang)
    rows = []
    for r in units[["family", "province", "aspects"]].itertuples(index=False):
        for a in dict.fromkeys(a for a in str(r.aspects or "").split("|") if a):
            rows.append((r.family, r.province or "?", names.get(a, a)))
    if not rows:
        return {}
    long = pd.DataFrame(rows, columns=["family", "province", "aspect"])
    out = {}
    for family, grp in long.groupby("family", sort=False):
        m = pd.crosstab(grp["province"], grp["aspect"])
        m = m.loc[m.sum(axis=1).sort_values(ascending=False).index,
                  m.sum(axis=0).sort_values(ascending=False).index]
        m.index.name = "Tỉnh" if lang == "vi" else "Province"
        out[family] = m
    return out


def workbook_sheets(analysis, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """The sheets of ``dvlib.xlsx`` (name -> table), in order, before escaping."""
    names = _SHEET_NAMES[lang]
    fam = FAMILY_LABELS[lang]
    docs = analysis.documents.drop(columns=[c for c in _DOC_DROP
                                            if c in analysis.documents.columns])
    units, is_claims = workbook_units(analysis)
    units["family_label"] = units["family"].map(lambda f: fam.get(f, f))
    if "aspects" in units.columns:
        aspect_names = codebook_labels(lang)
        units["aspect_labels"] = units["aspects"].fillna("").astype(str).map(
            lambda v: "; ".join(aspect_names.get(a, a) for a in v.split("|") if a))
    units = units[[c for c in _UNIT_COLUMNS if c in units.columns]]
    sheets = {names["documents"]: docs, names["claims" if is_claims else "sentences"]: units}
    order = [f for f in fam if f in set(units["family"])]
    matrices = aspect_matrices(units, lang)
    for family in order + [f for f in matrices if f not in order]:
        if family in matrices:
            name = names["matrix"].format(family=fam.get(family, family))[:31]
            sheets[name] = matrices[family].reset_index()
    coded = analysis.coded if isinstance(analysis.coded, pd.DataFrame) else pd.DataFrame()
    if not coded.empty:
        cols = [c for c in ("doc_id", "sentence_id", "code", "code_label", "term",
                            "matched_text") if c in coded.columns]
        sheets[names["codes"]] = coded[cols]
    return sheets


def _width(series: pd.Series, header: str) -> float:
    sample = series.head(2000).map(lambda v: "" if v is None else str(v))
    longest = max([len(header)] + sample.str.len().tolist()) if len(sample) else len(header)
    return float(min(max(8, longest + 2), 80))


def _write_cells(ws, frame: pd.DataFrame, header) -> None:
    """``frame`` into ``ws``: a header row, then the values by type, empty cells for missing
    ones. Written straight to XlsxWriter: ``DataFrame.to_excel`` formats every cell through
    pandas' styler and took two thirds of the workbook's time (10 of 15 s at 600 reports)."""
    ws.write_row(0, 0, [str(c) for c in frame.columns], header)
    columns = [frame[col].tolist() for col in frame.columns]
    # row by row: the workbook keeps only the current row in memory (constant_memory)
    for r, row in enumerate(zip(*columns), start=1):
        for c, v in enumerate(row):
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))


def write_workbook(analysis, path: str | Path, lang: str = "vi") -> Path:
    """Write ``dvlib.xlsx`` (see :func:`workbook_sheets`) atomically to ``path``; return it."""
    path = Path(path)
    sheets = workbook_sheets(analysis, lang)
    with atomic_path(path) as tmp:
        # constant_memory: each row goes to disk once written, instead of every cell of every
        # sheet held as a Python object until the end (about 1 GB at 10,000 reports)
        with pd.ExcelWriter(tmp, engine="xlsxwriter",
                            engine_kwargs={"options": {"strings_to_formulas": False,
                                                       "strings_to_urls": False,
                                                       "constant_memory": True}}) as xw:
            wrap = xw.book.add_format({"text_wrap": True, "valign": "top"})
            header = xw.book.add_format({"bold": True, "border": 1, "align": "center",
                                         "valign": "top"})  # pandas' header look
            for name, frame in sheets.items():
                frame = escape_formulas(frame.reset_index(drop=True))
                ws = xw.book.add_worksheet(name)
                ws.freeze_panes(1, 1 if name.startswith(("Ma trận", "Matrix")) else 0)
                if len(frame.columns):
                    ws.autofilter(0, 0, max(1, len(frame)), len(frame.columns) - 1)
                for i, col in enumerate(frame.columns):
                    width = _width(frame[col], str(col))
                    ws.set_column(i, i, width, wrap if width >= 80 else None)
                _write_cells(ws, frame, header)
    return path
