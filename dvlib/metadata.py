"""Report metadata: the manifest's word first, inference (with its evidence) for the rest.

A researcher who drops a new report into the corpus without a manifest row still gets its
province, date, title and outlet, each with a short note saying why; a field the text does
not settle stays empty rather than guessed. ``province_2025`` is always derived from the
province (the 2025 merger table in the gazetteer).
"""
from __future__ import annotations

import re
from pathlib import PurePath

import pandas as pd

from .dates import infer_date, is_publication_line, parse_dates
from .gazetteer import canonical_province, infer_province, outlet_marks, province_2025
from .normalize import nfc

METADATA_COLUMNS = ["province", "province_source", "province_evidence", "province_2025",
                    "district", "date", "date_precision", "date_source", "date_evidence",
                    "title", "title_source", "title_evidence", "outlet", "outlet_source",
                    "outlet_evidence", "url"]

_PREFIX = re.compile(r"^[\s>•·*]*(?:date\s+\d{4}(?:-\d{2}){0,2}(?!\d)\s*)?")
_MAX_TITLE_CHARS = 250
_MAX_TITLE_WORDS = 40


def infer_title(text: str) -> dict:
    """The first line if it looks like a headline: dict(title, evidence).

    Strips ">>> " and a leading "date YYYY-MM". Not a headline: a line ending with a period
    (a sentence), a dateline ("ĐBP - Chiều nay ...", "Thứ bảy - 13/01/2024"), several
    sentences, or more than 40 words.
    """
    t = nfc(text)
    first = next((line for line in t.split("\n") if line.strip()), "")
    if not first:
        return {"title": "", "evidence": "empty text"}
    cand = _PREFIX.sub("", first).strip(" \t\u00a0•·*-–")
    if not cand:
        return {"title": "", "evidence": "first line holds only a date marker"}
    words = len(cand.split())
    reason = ""
    if cand.endswith((".", ";", ",", ":")) and not cand.endswith("..."):
        reason = "ends with a period (a sentence, not a headline)"
    elif any(m["where"] == "dateline" for m in outlet_marks(cand)):
        reason = "starts with a dateline"
    elif is_publication_line(cand) or any(
            r["start"] <= 3 and r["kind"] in ("updated", "dateline", "today", "event")
            for r in parse_dates(cand)):
        reason = "starts with a date"
    elif re.search(r"[.!?]\s+[A-ZĐÀ-Ỹ]", cand):
        reason = "holds several sentences"
    elif len(cand) > _MAX_TITLE_CHARS or words > _MAX_TITLE_WORDS:
        reason = f"too long for a headline ({words} words)"
    if reason:
        return {"title": "", "evidence": f"first line is not a headline: {reason}"}
    return {"title": cand, "evidence": f"first line ({words} words, no final period)"}


_SOURCE = re.compile(r"^\s*(?:theo|nguồn(?: tin)?\s*:?)\s+(.{1,80})$", re.I | re.M)


def infer_outlet(text: str) -> dict:
    """The outlet from a source line ("Theo Báo BGĐT") or a dateline ("ĐBP -"):
    dict(outlet, evidence). Outlets are the marks in ``outlet_marks.csv`` and "Báo <province>".
    """
    t = nfc(text)
    marks = [m for m in outlet_marks(t) if m["outlet"] and m["strength"] == "strong"]
    rank = {"source": 0, "dateline": 1, "anywhere": 2}
    marks.sort(key=lambda m: (rank.get(m["where"], 3), m["start"]))
    if marks:
        m = marks[0]
        s = t.rfind("\n", 0, m["start"]) + 1
        e = t.find("\n", m["end"])
        line = t[s:e if e >= 0 else len(t)].strip()
        shown = line if m["where"] == "source" and len(line) <= 80 else \
            m["mark"] + " -" if m["where"] == "dateline" else m["mark"]
        where = {"source": "source line", "dateline": "dateline", "anywhere": "mark"}[m["where"]]
        return {"outlet": m["outlet"], "evidence": f"{where} '{shown}'"}
    src = list(_SOURCE.finditer(t))
    if src:
        return {"outlet": "", "evidence": f"source line '{src[-1].group(0).strip()}' names no known outlet"}
    return {"outlet": "", "evidence": "no outlet named"}


def _masked(text: str) -> str:
    """Boilerplate masked to spaces, when dvlib.boilerplate is available; else the text."""
    try:
        from . import boilerplate as _bp
    except ImportError:
        return text
    return _bp.mask_boilerplate(text, _bp.find_boilerplate(text))


def infer_metadata(text: str, masked_text: str | None = None, hints: dict | None = None) -> dict:
    """Province, date, title and outlet inferred from a report, each with its evidence.

    ``masked_text`` is the text with site boilerplate masked to spaces (computed with
    dvlib.boilerplate when not given). ``hints`` may hold ``title``, ``date`` (ISO),
    ``outlet`` (from the file's own metadata or the manifest) and ``context_year``.
    """
    hints = hints or {}
    text = nfc(text)
    masked = nfc(masked_text) if masked_text is not None else _masked(text)
    outlet = infer_outlet(text)
    # Both the text's outlet and the hinted one are evidence of origin; if they name
    # different provinces, infer_province reports the contradiction.
    outlets = " ; ".join(o for o in (outlet["outlet"], hints.get("outlet") or "") if o)
    prov = infer_province(masked, outlet=outlets)
    date = infer_date(text, context_year=hints.get("context_year"), masked_text=masked,
                      date_hint=hints.get("date", "") or "")
    title = infer_title(text)
    if not title["title"] and hints.get("title"):
        title = {"title": hints["title"], "evidence": f"file metadata ({title['evidence']})"}
    if not outlet["outlet"] and hints.get("outlet"):
        outlet = {"outlet": hints["outlet"], "evidence": "file metadata"}
    return {
        "province": prov["province"], "province_evidence": prov["evidence"],
        "district": prov["district"], "province_2025": province_2025(prov["province"]),
        "date": date["date"], "date_precision": date["precision"], "date_evidence": date["evidence"],
        "title": title["title"], "title_evidence": title["evidence"],
        "outlet": outlet["outlet"], "outlet_evidence": outlet["evidence"],
    }


def _value(row, col: str) -> str:
    if row is None or col not in row:
        return ""
    v = row[col]
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return str(v).strip()


def _manifest_index(documents: pd.DataFrame, manifest: pd.DataFrame | None) -> dict:
    """doc_id -> manifest row (a dict), by doc_id when both tables have it, else file basename."""
    if manifest is None or manifest.empty:
        return {}
    rows = manifest.to_dict("records")
    if "doc_id" in manifest.columns:
        return {str(r["doc_id"]): r for r in rows if _value(r, "doc_id")}
    by_name: dict[str, dict] = {}
    for r in rows:
        name = _value(r, "file")
        if name:
            by_name.setdefault(PurePath(name.replace("\\", "/")).name, r)
    out = {}
    for doc_id, f in zip(documents["doc_id"], documents["file"]):
        hit = by_name.get(PurePath(str(f).replace("\\", "/")).name)
        if hit is not None:
            out[str(doc_id)] = hit
    return out


def metadata_frame(documents: pd.DataFrame, manifest: pd.DataFrame | None = None) -> pd.DataFrame:
    """Metadata for each document: doc_id + :data:`METADATA_COLUMNS`.

    ``documents`` has doc_id, file, text and (optionally) masked_text and the hints
    title_hint, date_hint, outlet_hint, url_hint. ``manifest`` has file, province, date,
    date_precision, title, outlet, province_evidence (and optionally doc_id, url). Per field, a
    manifest value wins (``*_source`` "manifest"); inference fills the gaps ("inferred");
    "" when neither has one. province_2025 is always derived from the province.
    """
    from .manifest import parse_manifest_date

    index = _manifest_index(documents, manifest)
    out = []
    for doc in documents.to_dict("records"):
        m = index.get(str(doc["doc_id"]))
        text = _value(doc, "text")
        masked = doc.get("masked_text")
        masked = masked if isinstance(masked, str) else None
        hints = {"title": _value(doc, "title_hint"), "date": _value(doc, "date_hint"),
                 "outlet": _value(m, "outlet") or _value(doc, "outlet_hint")}
        inf = infer_metadata(text, masked, hints)
        row = {"doc_id": doc["doc_id"]}

        prov_m = canonical_province(_value(m, "province"))
        if prov_m:
            row.update(province=prov_m, province_source="manifest",
                       province_evidence=_value(m, "province_evidence") or "manifest",
                       district=inf["district"] if inf["province"] == prov_m else "")
        else:
            note = f"manifest province '{_value(m, 'province')}' not recognised; " \
                if _value(m, "province") else ""
            row.update(province=inf["province"],
                       province_source="inferred" if inf["province"] else "",
                       province_evidence=note + inf["province_evidence"], district=inf["district"])
        row["province_2025"] = province_2025(row["province"])

        parsed = parse_manifest_date(_value(m, "date")) if _value(m, "date") else None
        if parsed:
            row.update(date=parsed[0], date_precision=parsed[1], date_source="manifest",
                       date_evidence="manifest")
        else:
            row.update(date=inf["date"], date_precision=inf["date_precision"] or "unknown",
                       date_source="inferred" if inf["date"] else "",
                       date_evidence=inf["date_evidence"])

        for field in ("title", "outlet"):
            if _value(m, field):
                row.update({field: _value(m, field), f"{field}_source": "manifest",
                            f"{field}_evidence": "manifest"})
            else:
                row.update({field: inf[field], f"{field}_source": "inferred" if inf[field] else "",
                            f"{field}_evidence": inf[f"{field}_evidence"]})
        # The page's address: the manifest's, else the file's own metadata (HTML).
        row["url"] = _value(m, "url") or _value(doc, "url_hint")
        out.append(row)
    return pd.DataFrame(out, columns=["doc_id"] + METADATA_COLUMNS)
