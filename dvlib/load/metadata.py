"""Report metadata: the manifest's word first, inference (with its evidence) for the rest.

A researcher who drops a new report into the corpus without a manifest row still gets its
province, date, title and outlet, each with a short note saying why; a field the text does
not settle stays empty rather than guessed. ``province_2025`` is always derived from the
province (the 2025 merger table in the gazetteer).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath

import pandas as pd

from dvlib.load.dates import infer_date, is_publication_line, parse_dates
from dvlib.load.gazetteer import canonical_province, find_places, province_2025
from dvlib.load.province import infer_province, outlet_marks
from dvlib.text.normalize import match_form, nfc
from dvlib.text.patterns import SOURCE_LINE_OUTLET
from dvlib.config import data_file

METADATA_COLUMNS = ["province", "province_source", "province_evidence", "province_2025",
                    "level", "level_source", "level_evidence", "districts_mentioned", "date", "date_precision", "date_source", "date_evidence",
                    "title", "title_source", "title_evidence", "outlet", "outlet_source",
                    "outlet_evidence", "url"]

_PREFIX = re.compile(r"^[\s>•·*]*(?:date\s+\d{4}(?:-\d{2}){0,2}(?!\d)\s*)?")
_MAX_TITLE_CHARS = 250
_MAX_TITLE_WORDS = 40


_NUMBER_LABEL = re.compile(r"^số\s*:?\s*", re.I)


def _document_title(head: dict) -> dict | None:
    """A formal document's title: its heading and subject ("BÁO CÁO" + "kết quả công tác dân
    vận năm 2024 ...") and its number from the letterhead, or None if it has no heading."""
    heading = head["heading"]
    if not heading:
        return None
    subject = " ".join(head["subject"])
    if subject and any(c.islower() for c in subject):
        # "BÁO CÁO" over a subject in ordinary case reads "Báo cáo kết quả ..."
        heading = heading[:1] + heading[1:].lower()
    title = " ".join(x for x in (heading, subject) if x)
    if head["number"]:
        title += " (" + _NUMBER_LABEL.sub("Số ", head["number"]) + ")"
    parts = [f"document heading '{head['heading']}'"]
    if subject:
        parts.append(f"subject ({len(head['subject'])} line{'s' * (len(head['subject']) > 1)})")
    if head["number"]:
        parts.append(f"number '{head['number']}' from the letterhead")
    return {"title": title, "evidence": " + ".join(parts)}


def infer_title(text: str, masked_text: str | None = None) -> dict:
    """The first line if it looks like a headline: dict(title, evidence).

    Site furniture is skipped ("Trang chủ » Tin tức ..." is never a title): the first line of
    ``masked_text`` (the text with boilerplate masked; computed when not given) is read.
    A formal document's title is its heading and subject ("BÁO CÁO" + "kết quả công tác dân
    vận năm 2024 ...") with its number ("Số 186-BC/BDVTU"); its letterhead and place-and-date
    line are not the title. Strips ">>> " and a leading "date YYYY-MM". Not a headline: a
    line ending with a period (a sentence), a dateline ("ĐBP - Chiều nay ...", "Thứ bảy -
    13/01/2024"), several sentences, or more than 40 words.
    """
    t = nfc(text)
    doc = _document_title(_document_head(t))
    if doc:
        return doc
    masked = nfc(masked_text) if masked_text is not None else _masked(t)
    first = next((line for line in masked.split("\n") if line.strip()), "")
    if not first:
        return {"title": "", "evidence": "empty text" if not t.strip() else
                "the text holds only site furniture"}
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




def document_issuer(letterhead: list[str]) -> str:
    """The body that issued a formal document, from its letterhead lines: "ĐẢNG BỘ TỈNH THÁI
    NGUYÊN" + "BAN DÂN VẬN" -> "Ban Dân vận Tỉnh ủy Thái Nguyên"; "" if it names none.

    The parent ("ĐẢNG BỘ TỈNH", "HUYỆN ỦY" ...) is read with the table in
    boilerplate_patterns.yaml and the place with the gazetteer; the body's name takes the
    spelling of organisations.csv when listed there, else it stays as written.
    """
    from dvlib.load.boilerplate import load_rules

    spec = load_rules().get("document_furniture")
    extra = spec.extra if spec else {}
    parents = {match_form(k): v for k, v in (extra.get("parents") or {}).items()}
    rx = spec.regex if spec else {}
    names = [" ".join(line.split()) for line in letterhead]
    names = [n for n in names if any(c.isalpha() for c in n)
             and not any(r.fullmatch(match_form(n)) for k, r in rx.items()
                         if k in ("number", "formal"))]
    parent, organs = "", []
    for n in names:
        mf = match_form(n)
        prefix = next((k for k in sorted(parents, key=len, reverse=True)
                       if mf.startswith(k + " ")), None)
        # the place read in the whole line: "TỈNH" before it tells a province from its city
        places = [pl for pl in find_places(n) if pl["start"] == len(prefix) + 1] \
            if prefix and not parent else []
        if places:
            parent = f"{parents[prefix]} {places[0]['canonical']}"
        else:
            organs.append(_organisation_names().get(mf))
    if parent and all(organs):
        return " ".join(organs + [parent])
    # a body the tables do not spell: its letterhead lines as written
    return " - ".join(names)


@lru_cache(maxsize=1)
def _organisation_names() -> dict:
    """Match form -> spelling of the bodies in organisations.csv ("ban dân vận" -> "Ban Dân vận")."""
    rows = pd.read_csv(data_file("organisations.csv"), dtype=str, keep_default_na=False)
    return {match_form(a): a for a in rows["alias"] if a}


_CODE_DATELINE = re.compile(r"^[ \t]*\(?([A-ZĐ][A-ZĐ0-9.]{1,7})\)?[ \t]*[-–—][ \t]+\S", re.M)


def infer_outlet(text: str) -> dict:
    """The outlet from a source line ("Theo Báo BGĐT") or a dateline ("ĐBP -", "(QNO) -"):
    dict(outlet, evidence). Outlets are the marks in ``outlet_marks.csv`` and "Báo <province>".
    A formal document's outlet is the body in its letterhead ("Ban Dân vận Tỉnh ủy Thái
    Nguyên (report document)").
    """
    t = nfc(text)
    head = _document_head(t)
    if head["letterhead"]:
        issuer = document_issuer(head["letterhead"])
        if issuer:
            shown = " / ".join(head["letterhead"])
            return {"outlet": f"{issuer} (report document)", "evidence": f"letterhead '{shown}'"}
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
    src = list(SOURCE_LINE_OUTLET.finditer(t))
    if src:
        return {"outlet": "", "evidence": f"source line '{src[-1].group(0).strip()}' names no known outlet"}
    # "(BKT) - Từ những việc làm ...": an outlet's dateline, but not one outlet_marks.csv knows
    code = _CODE_DATELINE.search(t[:_lead_end(t)])
    if code:
        return {"outlet": "", "evidence": f"dateline '{code.group(0)[:-1].strip()}' names an "
                                          "outlet not in outlet_marks.csv"}
    return {"outlet": "", "evidence": "no outlet named"}


def _lead_end(t: str, lines: int = 5) -> int:
    """The end of the first ``lines`` non-empty lines (where a dateline may stand)."""
    pos, seen = 0, 0
    for line in t.split("\n", 4 * lines):
        pos += len(line) + 1
        seen += bool(line.strip())
        if seen >= lines:
            break
    return min(pos, len(t))


def _document_head(text: str) -> dict:
    """dvlib.load.boilerplate.document_head, or an empty head when that module is unavailable."""
    try:
        from dvlib.load.boilerplate import document_head
    except ImportError:
        return {"letterhead": [], "number": "", "place_date": "", "heading": "", "subject": []}
    return document_head(text)


def _masked(text: str) -> str:
    """Boilerplate masked to spaces, when dvlib.load.boilerplate is available; else the text."""
    try:
        from dvlib.load import boilerplate as _bp
    except ImportError:
        return text
    return _bp.mask_boilerplate(text, _bp.find_boilerplate(text))


def infer_metadata(text: str, masked_text: str | None = None, hints: dict | None = None) -> dict:
    """Province, date, title and outlet inferred from a report, each with its evidence.

    ``masked_text`` is the text with site boilerplate masked to spaces (computed with
    dvlib.load.boilerplate when not given). ``hints`` may hold ``title``, ``date`` (ISO),
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
    title = infer_title(text, masked)
    if not title["title"] and hints.get("title"):
        title = {"title": hints["title"], "evidence": f"file metadata ({title['evidence']})"}
    if not outlet["outlet"] and hints.get("outlet"):
        outlet = {"outlet": hints["outlet"], "evidence": "file metadata"}
    return {
        "province": prov["province"], "province_evidence": prov["evidence"],
        "districts_mentioned": prov["district"],
        "province_2025": province_2025(prov["province"]),
        "date": date["date"], "date_precision": date["precision"], "date_evidence": date["evidence"],
        "title": title["title"], "title_evidence": title["evidence"],
        "outlet": outlet["outlet"], "outlet_evidence": outlet["evidence"],
    }


# The body that issues or publishes a report sets its level. Searched in the outlet, the title
# and the lead (the first _LEAD_CHARS characters): the first body named there decides.
_LEAD_CHARS = 300
_LEVEL_BODIES = [
    ("commune", re.compile(r"(?:đảng ủy|ubnd|ủy ban nhân dân|cổng (?:ttđt|thông tin điện tử)|"
                           r"trang thông tin điện tử|mặt trận tổ quốc)\s+(?:xã|phường|thị trấn)"
                           r"(?!\s+hội)")),
    ("district", re.compile(r"(?<!trường )(?<!tại )(?:huyện|thị|quận) ủy(?!\s+viên)|"
                            r"(?:ubnd|ủy ban nhân dân|cổng (?:ttđt|thông tin điện tử)|"
                            r"trang thông tin điện tử)\s+(?:huyện|quận|thị xã)")),
    ("province", re.compile(r"tỉnh ủy(?!\s+viên)|(?:ubnd|ủy ban nhân dân|cổng (?:ttđt|thông tin "
                            r"điện tử))\s+tỉnh|báo\s+\w+")),
]
LEVELS = ("province", "district", "commune")


def infer_level(outlet: str = "", title: str = "", text: str = "") -> dict:
    """A report's level (province, district or commune) from the body that issued or published
    it: "Ban Dân vận Huyện ủy Mường Chà", "Cổng TTĐT huyện ..." -> district; "Đảng ủy xã ...",
    "Cổng TTĐT xã ..." -> commune. A district or commune outlet decides; else the first body
    the title or the lead names (a district report printed by the provincial paper is still a
    district report); else a provincial outlet. A district merely mentioned later in the text
    does not count. Without any body: "province" (the corpus collects provincial reports).
    Returns level and evidence."""
    def first_body(value: str, levels):
        value = nfc(value or "")
        form = match_form(value)
        found = [(m.start(), level, value[m.start():m.end()] if len(value) == len(form)
                  else m.group(0))
                 for level, rx in _LEVEL_BODIES if level in levels for m in [rx.search(form)] if m]
        return min(found) if found else None

    for where, value, levels in (("outlet", outlet, ("district", "commune")),
                                 ("title", title, LEVELS), ("lead", text[:_LEAD_CHARS], LEVELS),
                                 ("outlet", outlet, LEVELS)):
        hit = first_body(value, levels)
        if hit:
            return {"level": hit[1], "evidence": f'{where} names "{hit[2]}"'}
    return {"level": "province", "evidence": "no district or commune body named (default)"}


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
    from dvlib.load.manifest import parse_manifest_date

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
                       districts_mentioned=inf["districts_mentioned"]
                       if inf["province"] == prov_m else "")
        else:
            note = f"manifest province '{_value(m, 'province')}' not recognised; " \
                if _value(m, "province") else ""
            row.update(province=inf["province"],
                       province_source="inferred" if inf["province"] else "",
                       province_evidence=note + inf["province_evidence"],
                       districts_mentioned=inf["districts_mentioned"])
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
        level_m = _value(m, "level").lower()
        if level_m in LEVELS:
            row.update(level=level_m, level_source="manifest", level_evidence="manifest")
        else:
            lv = infer_level(row["outlet"], row["title"], masked if masked is not None else text)
            row.update(level=lv["level"], level_source="inferred", level_evidence=lv["evidence"])
        # The page's address: the manifest's, else the file's own metadata (HTML).
        row["url"] = _value(m, "url") or _value(doc, "url_hint")
        out.append(row)
    return pd.DataFrame(out, columns=["doc_id"] + METADATA_COLUMNS)
