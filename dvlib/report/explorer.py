"""The explorer page: one self-contained HTML file to browse what the reports say.

:func:`write_explorer` writes ``explorer.html``: per theme family a province × aspect matrix
(sub-themes, or the family alone, when the units carry no aspects), counts and shares; a click
on a cell lists its claims or sentences with the matched words highlighted and a link that opens
the report's full text at that place; filters for family, provinces, dates, outlet (and level
when the documents have one); an accent-insensitive keyword-in-context search.

The file needs nothing but a browser: the data sit in a ``<script type="application/json">``
block (every ``<``, ``>`` and ``&`` escaped, so report text can never close it), scripts and
styles are inline, a Content-Security-Policy forbids any network request, and every view is
built with ``textContent`` / ``createElement`` from the embedded data, so report text is never
parsed as markup. A URL fragment opens a view and is updated by every click, e.g.
``explorer.html#family=limitation&province=Điện Biên&aspect=tuyen_truyen``.

The page's markup, styles and script are data files (``dvlib/data/explorer/page.html``,
``page.css``, ``page.js``); :func:`write_analysis_explorer` writes the page of an analysis
(its claims when it has them, else its content sentences), as ``dvlib analyze`` does.
"""
from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from dvlib import config
from dvlib.runtime.atomic import atomic_path
from dvlib.schema import FAMILIES
from dvlib.text.data import read_yaml

__all__ = ["write_explorer", "write_analysis_explorer", "units_from_tables", "fold"]


# the page's interface labels per language (data: dvlib/data/explorer/ui.yaml)
UI = read_yaml("explorer/ui.yaml")

FAMILY_LABELS = {
    "vi": {"limitation": "Hạn chế", "priority": "Nhiệm vụ trọng tâm", "model": "Mô hình",
           "achievement": "Kết quả", "other": "Khác"},
    "en": {"limitation": "Limitations", "priority": "Priorities", "model": "Models",
           "achievement": "Achievements", "other": "Other"},
}

_CUE = re.compile(r'cue "(.+?)" \((\w+)\)')


def fold(text: str) -> str:
    """Accent-insensitive form used by the page's search: NFD, no combining marks, đ→d,
    lower case, runs of white space as one space. ``fold("Dân vận khéo") == "dan van kheo"``."""
    out = unicodedata.normalize("NFD", str(text))
    out = "".join(c for c in out if not unicodedata.combining(c))
    out = out.replace("đ", "d").replace("Đ", "d").lower()
    return re.sub(r"\s+", " ", out).strip()


def _s(value) -> str:
    """A cell as a clean string: NaN/None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return unicodedata.normalize("NFC", str(value)).strip()


def _int(value):
    try:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def _split(value) -> list[str]:
    """``"a|b"`` (or a list) → ["a", "b"], empties dropped, order kept, no repeats."""
    if isinstance(value, (list, tuple, set)):
        parts = [_s(v) for v in value]
    else:
        parts = [p.strip() for p in _s(value).split("|")]
    seen, out = set(), []
    for p in parts:
        if p and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _codebook_labels(lang: str) -> dict[str, str]:
    """Aspect labels from dvlib's codebook (dvlib/data/codebook.yaml); {} when it cannot be
    read (the page then shows the ids)."""
    for path in (config.data_file("codebook.yaml"),):
        if path.is_file():
            try:
                import yaml
                raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except Exception:  # a broken codebook must not stop the page
                return {}
            codes = raw.get("codes", raw) if isinstance(raw, dict) else raw
            out = {}
            for entry in codes or []:
                if isinstance(entry, dict) and entry.get("id"):
                    label = entry.get("label_en" if lang == "en" else "label_vi")
                    if label:
                        out[str(entry["id"])] = unicodedata.normalize("NFC", str(label)).strip()
            return out
    return {}


def _locate(doc_text: str, start, end, quote: str):
    """(start, end) of ``quote`` in the report text: the given offsets when they hold the quote,
    else its first occurrence (NFC both sides); None when it is not there."""
    if start is not None and end is not None and 0 <= start < end <= len(doc_text):
        if doc_text[start:end] == quote:
            return [start, end]
    if not quote:
        return None
    idx = doc_text.find(quote, max(0, (start or 0) - 2000))
    if idx < 0:
        idx = doc_text.find(quote)
    if idx >= 0:
        return [idx, idx + len(quote)]
    return None


def units_from_tables(sentences: pd.DataFrame, codes: pd.DataFrame | None = None,
                      claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``units`` table of :func:`write_explorer` from dvlib's tables: the claims when given,
    else the content sentences (``boilerplate`` empty), with ``aspects`` ("a|b"),
    ``aspect_labels`` and ``terms`` (the matched words) gathered from ``codes`` (one row per
    match: sentence_id, code, code_label, matched_text)."""
    base = claims if claims is not None else sentences
    units = base.copy()
    if claims is None and "boilerplate" in units.columns:
        units = units[units["boilerplate"].fillna("").astype(str) == ""]
    if codes is not None and len(codes) and "aspects" not in units.columns:
        key = "claim_id" if claims is not None and "claim_id" in codes.columns else "sentence_id"
        c = codes.copy()
        c["code_label"] = c["code_label"] if "code_label" in c.columns else c["code"]
        agg = c.groupby(key, sort=False).agg(
            aspects=("code", lambda s: "|".join(dict.fromkeys(map(str, s)))),
            aspect_labels=("code_label", lambda s: "|".join(dict.fromkeys(map(str, s)))),
            terms=("matched_text", lambda s: "|".join(dict.fromkeys(map(str, s)))))
        # one label per aspect, aligned with ``aspects``
        first_label = c.drop_duplicates([key, "code"]).groupby(key, sort=False)["code_label"].agg(
            lambda s: "|".join(map(str, s)))
        agg["aspect_labels"] = first_label
        # the sentences' own "terms" (content terms of the tokenizer) are not the matched words
        units = units.drop(columns=[c for c in ("terms", "aspect_labels") if c in units.columns])
        units = units.merge(agg, left_on=key, right_index=True, how="left")
        for col in ("aspects", "aspect_labels", "terms"):
            units[col] = units[col].fillna("")
    if "aspects" in units.columns and "terms" not in units.columns and "aspect_terms" in units:
        # the claims' "code=term;term|code=term" -> the words to highlight, "term|term"
        units["terms"] = units["aspect_terms"].fillna("").astype(str).map(
            lambda v: "|".join(dict.fromkeys(
                t.strip() for part in v.split("|") for t in part.partition("=")[2].split(";")
                if t.strip())))
    return units.reset_index(drop=True)


def codebook_labels(lang: str = "vi") -> dict[str, str]:
    """Aspect id -> its label in ``lang`` ("phoi_hop" -> "Phối hợp"), from the codebook."""
    return _codebook_labels(lang)


def _payload(documents: pd.DataFrame, units: pd.DataFrame, lang: str,
             texts: dict | None) -> dict:
    if "doc_id" not in documents.columns:
        raise ValueError("documents needs a doc_id column")
    missing = [c for c in ("doc_id", "text", "family") if c not in units.columns]
    if missing:
        raise ValueError(f"units needs the column(s) {', '.join(missing)}")

    is_claims = "claim_id" in units.columns
    has_aspects = "aspects" in units.columns and units["aspects"].map(_split).map(len).sum() > 0
    has_subtheme = "subtheme" in units.columns and units["subtheme"].map(_s).ne("").any()
    has_level = "level" in documents.columns and documents["level"].map(_s).ne("").any()
    has_p2025 = ("province_2025" in documents.columns
                 and (documents["province_2025"].map(_s) != documents.get(
                     "province", pd.Series("", index=documents.index)).map(_s)).any())

    aspect_labels = _codebook_labels(lang) if has_aspects else {}
    subtheme_labels: dict[str, str] = {}

    docs = []
    doc_ids = set()
    for row in documents.to_dict("records"):
        doc_id = _s(row.get("doc_id"))
        if not doc_id or doc_id in doc_ids:
            continue
        doc_ids.add(doc_id)
        file = _s(row.get("file"))
        docs.append({
            "id": doc_id,
            "file": os.path.basename(file) if file else "",
            "province": _s(row.get("province")),
            "province_2025": _s(row.get("province_2025")) or _s(row.get("province")),
            "date": _s(row.get("date"))[:10],
            "outlet": _s(row.get("outlet")),
            "title": _s(row.get("title")),
            "level": _s(row.get("level")),
            "url": _s(row.get("url")),
        })

    text_by_doc = {}
    if texts:
        for k, v in texts.items():
            if v is not None:
                text_by_doc[_s(k)] = unicodedata.normalize("NFC", str(v))

    out_units = []
    used_docs = set()
    for i, row in enumerate(units.to_dict("records")):
        doc_id = _s(row.get("doc_id"))
        if doc_id not in doc_ids:
            # a unit of a report missing from the documents table: keep it, with a stub report
            doc_ids.add(doc_id)
            docs.append({"id": doc_id, "file": "", "province": "", "province_2025": "",
                         "date": "", "outlet": "", "title": "", "level": "", "url": ""})
        text = _s(row.get("text")) if not isinstance(row.get("text"), str) else \
            unicodedata.normalize("NFC", row["text"])
        uid = _s(row.get("claim_id")) if is_claims else ""
        uid = uid or _s(row.get("sentence_id")) or f"u{i}"
        aspects = _split(row.get("aspects")) if has_aspects else []
        if aspects and "aspect_labels" in row:
            for a, lab in zip(aspects, _split(row.get("aspect_labels"))):
                if lab and a not in aspect_labels:
                    aspect_labels[a] = lab
        st = _s(row.get("subtheme")) if has_subtheme else ""
        if st and "subtheme_label" in row and _s(row.get("subtheme_label")):
            subtheme_labels.setdefault(st, _s(row.get("subtheme_label")))
        family = _s(row.get("family")) or "other"
        cues = []
        for m in _CUE.finditer(_s(row.get("family_evidence"))):
            if m.group(2) == family and m.group(1).strip() not in cues:
                cues.append(m.group(1).strip())
        start, end = _int(row.get("start")), _int(row.get("end"))
        span = None
        if doc_id in text_by_doc:
            span = _locate(text_by_doc[doc_id], start, end, text)
        score = row.get("family_score")
        try:
            score = None if score is None or pd.isna(score) else round(float(score), 3)
        except (TypeError, ValueError):
            score = None
        unit = {"id": uid, "d": doc_id, "t": text, "f": family, "a": aspects, "st": st,
                "sid": _s(row.get("sentence_id")), "p": start if start is not None else i,
                "span": span, "terms": _split(row.get("terms")), "cues": cues}
        if score is not None:
            unit["sc"] = score
        out_units.append(unit)
        used_docs.add(doc_id)

    full_texts = {d: t for d, t in text_by_doc.items() if d in used_docs}
    families_present = sorted({u["f"] for u in out_units},
                              key=lambda f: (FAMILIES.index(f) if f in FAMILIES else 99, f))
    ui = dict(UI[lang])
    if is_claims:
        ui["unit"], ui["unit_plural"] = ui["claim"], ui["claim_plural"]
    return {
        "lang": lang,
        "ui": ui,
        "family_labels": FAMILY_LABELS[lang],
        "families": [f for f in FAMILIES if f in families_present]
                    + [f for f in families_present if f not in FAMILIES],
        "dims": (["aspect"] if has_aspects else []) + (["subtheme"] if has_subtheme else [])
                + ["family"],
        "has_level": bool(has_level),
        "has_p2025": bool(has_p2025),
        "is_claims": is_claims,
        "aspect_labels": aspect_labels,
        "subtheme_labels": subtheme_labels,
        "docs": docs,
        "units": out_units,
        "texts": full_texts,
    }


def _json_for_script(data) -> str:
    """JSON safe inside <script type="application/json">: no "<", ">" or "&" in it at all, so
    report text can never close the block or open a comment."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def write_explorer(documents: pd.DataFrame, units: pd.DataFrame, out_path,
                   lang: str = "vi", texts: dict | None = None) -> Path:
    """Write the explorer page to ``out_path`` (one self-contained HTML file) and return its path.

    ``documents``: doc_id, file, province, province_2025, date, outlet, title (level if present).
    ``units``: the claims if there are any, else the content sentences: doc_id, sentence_id,
    [claim_id], start, end, text, family, family_score, [aspects "a|b"], [aspect_labels "A|B"],
    [terms "w1|w2" — words to highlight], [family_evidence], [subtheme, subtheme_label].
    ``texts``: {doc_id: the report's full text} (the text the offsets index) for "the report in
    context"; without it the page shows a report's extracted units instead.
    ``lang``: "vi" or "en", the language of the page's labels.
    """
    if lang not in UI:
        raise ValueError(f'lang must be "vi" or "en", not {lang!r}')
    data = _payload(documents, units, lang, texts)
    page = (_asset("page.html").replace("%%LANG%%", lang)
            .replace("%%TITLE%%", _html_escape(data["ui"]["title"]))
            .replace("%%CSS%%", _asset("page.css"))
            .replace("%%JS%%", _asset("page.js"))
            .replace("%%DATA%%", _json_for_script(data)))
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8", newline="\n")
    return out_path


def _html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _asset(name: str) -> str:
    return (config.data_file("explorer") / name).read_text(encoding="utf-8")


def write_analysis_explorer(analysis, out_path, lang: str = "vi") -> Path:
    """``explorer.html`` of an :class:`~dvlib.analysis.Analysis`: its claims when it has a
    non-empty ``claims`` table, else its content sentences, with the codebook matches as
    aspects and the report texts (when the analysis still holds them) for "in context"."""
    docs = analysis.documents
    claims = getattr(analysis, "claims", None)
    if claims is not None and (not isinstance(claims, pd.DataFrame) or claims.empty
                               or "text" not in claims.columns or "family" not in claims.columns):
        claims = None
    coded = analysis.coded if isinstance(analysis.coded, pd.DataFrame) else None
    sentences = analysis.sentences
    if claims is None and len(docs) and "duplicate_of" in docs.columns:
        # republished copies would count a report twice
        copies = set(docs.loc[docs["duplicate_of"].fillna("").astype(str) != "", "doc_id"])
        sentences = sentences[~sentences["doc_id"].isin(copies)]
    units = units_from_tables(sentences, coded, claims)
    texts = dict(zip(docs["doc_id"], docs["text"])) if "text" in docs.columns else None
    return write_explorer(docs, units, out_path, lang=lang, texts=texts)
