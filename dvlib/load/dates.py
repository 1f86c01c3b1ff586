"""Dates in Vietnamese reports, and the date a report was published.

:func:`parse_dates` finds every date with its *kind*: the page's publication line
("• Cập nhật: Thứ năm, 28/12/2023 | 2:54:07 PM"), a weekday dateline ("Thứ bảy - 13/01/2024
08:00"), a formal document's place-and-date line ("Thái Nguyên, ngày 16 tháng 12 năm 2024"),
a scraper's marker ("date 2022-07"), the event reported ("Chiều 27/12", "Chiều nay
(29/12)", "Sáng ngày 12/01/2024"), a cited document ("Kế hoạch số 151-KH/BDVTU ngày
21/12/2023"), history ("15/10/1930") and plain dates ("ngày 27 tháng 12 năm 2023",
"27-12-2023", "2023-12-27"). Impossible dates (31/02/2024) are skipped.

:func:`infer_date` picks the report's date: a formal document's own date, publication lines,
then the event of the lead paragraph with the year from context; cited documents and history
never count. Offsets are into the NFC text. The cue words are data (``date_cues.yaml``).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date as _date
from functools import lru_cache

import yaml

# text_forms: NFC and match form of a text, cached, so a report's text and masked text are
# normalised once for dates and places together.
from dvlib.load.gazetteer import text_forms
from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file


@lru_cache(maxsize=1)
def _cues() -> dict:
    with open(data_file("date_cues.yaml"), encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)

    def alt(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return {
        "published": re.compile(r"(?<!\w)(?:" + alt(raw["published"]) + r")(?!\w)[^\n]{0,40}$"),
        "published_start": re.compile(r"[\s•·*]*(?:" + alt(raw["published"]) + r")(?!\w)"),
        "weekday": re.compile(r"(?<!\w)(?:" + alt(raw["weekdays"]) + r")\s*[,\-–:]?\s*(?:ngày\s+)?$"),
        "time": re.compile(r"(?<!\w)(?:" + alt(raw["time_of_day"]) + r")(?:\s+(nay|qua|mai))?"
                           r"\s*[,(]?\s*(?:ngày\s+)?$"),
        "document": re.compile(r"(?<!\w)(?:" + alt(raw["document_types"]) + r")(?!\w)[^.;:\n]{0,60}"
                               r"(?:ngày|,)\s*$"),
        "planning": re.compile(r"(?<!\w)(?:" + alt(raw["planning"]) + r")(?!\w)[^.;\n]{0,40}$"),
        "min_year": int(raw["min_report_year"]),
    }


# A cited document's number right before the date: "151-KH/BDVTU ngày", "301-NQ/TU, ngày".
_DOC_CODE = re.compile(r"\d+\s*[-/]\s*[A-ZĐ][\wĐ]*(?:\s*[-/]\s*[\wĐ]+)*\s*,?\s*(?:ngày\s*)?$")
_FULL = re.compile(r"(?<![\d/.,-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)(?![/.-]\d)")
_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_VERBAL = re.compile(r"(?<!\w)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm\s+|/\s*)(\d{4})(?!\d)",
                     re.I)
_MONTH = re.compile(r"(?<!\w)tháng\s+(\d{1,2})\s*(?:năm\s+|/\s*)(\d{4})(?!\d)", re.I)
_MARKER = re.compile(r"^[ \t>]*date\s+(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?![\d-])", re.M)
_PARTIAL = re.compile(r"(?<![\d/.,-])(\d{1,2})/(\d{1,2})(?![\d/])")
_RANGE_AFTER = re.compile(r"\s*[-–—]\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")
_RANGE_BEFORE = re.compile(r"\d{4}\s*[-–—]\s*$")
# "năm 2023" (not "năm 2020 - 2025"), and a quarter of a year: "quý III/2024", "quý I-2025".
_YEAR_NAMED = re.compile(r"(?<!\w)(?:năm\s+|quý\s+(?:[ivx]{1,3}|[1-4])\s*[/-]\s*)(\d{4})(?!\d)"
                         r"(?!\s*[-–—]\s*\d{4})")


_LEADING_LOOKBEHIND = re.compile(r"\(\?<!(?:\[[^\]]*\]|\\w)\)")


@lru_cache(maxsize=None)
def _without_lookbehind(rx: re.Pattern) -> re.Pattern | None:
    head = _LEADING_LOOKBEHIND.match(rx.pattern)
    return re.compile(rx.pattern[head.end():], rx.flags) if head else None


def _finditer(rx: re.Pattern, t: str):
    """``rx.finditer(t)``, faster when ``rx`` opens with a look-behind: the engine cannot skip
    ahead to a likely start then, so the pattern without it finds the places to try.
    (None of these patterns matches an empty string.)"""
    quick = _without_lookbehind(rx)
    if quick is None:
        yield from rx.finditer(t)
        return
    pos = 0
    while (q := quick.search(t, pos)) is not None:
        m = rx.match(t, q.start())  # the look-behind sees the text before q.start()
        if m is None:
            pos = q.start() + 1
            continue
        yield m
        pos = m.end()


def _valid(y, m, d) -> bool:
    try:
        _date(y, m, d)
        return True
    except ValueError:
        return False


def _line_before(t: str, start: int, width: int = 80) -> str:
    line_start = t.rfind("\n", 0, start) + 1
    return t[max(line_start, start - width):start]


# A place-and-date line of a formal document: capitalised place words and a comma before the
# date ("Thái Nguyên, ngày 16 tháng 12 năm 2024", "TP. Hồ Chí Minh, 05/3/2024"), nothing after.
_PLACE_BEFORE = re.compile(r"[ \t]*(?:[^\W\d_][\w.]*[ \t]+){0,5}?[^\W\d_][\w.]*[ \t]*,[ \t]*"
                           r"(?:ngày\s+)?", re.I)
_LINE_END = re.compile(r"[ \t.]*(?:\n|$)")
_MAX_PLACE_CHARS = 60


def _is_place_date(t: str, start: int, end: int) -> bool:
    line_start = t.rfind("\n", 0, start) + 1
    if start - line_start > _MAX_PLACE_CHARS:
        return False
    before = t[line_start:start]
    place = before[:before.rfind(",")]
    return bool(_PLACE_BEFORE.fullmatch(before)) and _LINE_END.match(t, end) is not None and \
        all(w[0].isupper() for w in place.split())


_TIME_OF_CLOCK = re.compile(r"[\s|,\-–]*(?:(?:lúc\s*)?\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:am|pm|sa|ch)?)?"
                            r"[\s|,\-–\d]*$", re.I)


def _classify(t: str, mf: str, start: int, end: int, year: int | None) -> tuple[str, int]:
    """The kind of a date from the words around it, and where its phrase starts."""
    cues = _cues()
    before_mf = _line_before(mf, start)
    before = _line_before(t, start)
    if cues["published"].search(before_mf):
        return "updated", start
    m = cues["weekday"].search(before_mf)
    if m:
        return "dateline", start - len(before_mf) + m.start()
    m = cues["time"].search(before_mf)
    if m:
        return ("today" if m.group(1) == "nay" else "event"), start - len(before_mf) + m.start()
    if _is_place_date(t, start, end):
        return "issued", t.rfind("\n", 0, start) + 1
    if _DOC_CODE.search(before) or cues["document"].search(before_mf):
        return "document", start
    if year is not None and year < cues["min_year"]:
        return "historical", start
    if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(t, end):
        return "range", start
    line_start = t.rfind("\n", 0, start) + 1
    if re.fullmatch(r"[\s•·*>\-]*(?:ngày\s+)?", mf[line_start:start]):
        # A date opening a line: alone (with a time) it is a dateline, else the event reported.
        rest = t[end:t.find("\n", end) if "\n" in t[end:] else len(t)]
        kind = "dateline" if _TIME_OF_CLOCK.fullmatch(rest) else "event"
        return kind, start - len(before_mf.lstrip(" \t•·*>-"))
    return "date", start


def _record(t, start, end, y, m, d, kind, precision, context_year=None) -> dict:
    year = y if y is not None else context_year
    if precision == "day":
        iso = f"{year:04d}-{m:02d}-{d:02d}" if year else ""
    elif precision == "month":
        iso = f"{year:04d}-{m:02d}"
    else:
        iso = f"{year:04d}"
    return {"start": start, "end": end, "date": iso, "precision": precision if iso else "unknown",
            "kind": kind, "text": t[start:end], "year": year, "month": m, "day": d,
            "year_given": y is not None}


def parse_dates(text: str, context_year: int | None = None) -> list[dict]:
    """Every date in ``text``: dicts start, end, date (ISO), precision, kind, text.

    Also year, month, day (ints or None) and year_given. kind is one of updated, dateline,
    issued (a formal document's "Thái Nguyên, ngày 16 tháng 12 năm 2024"), marker, today,
    event, document, historical, range, date, partial (a day without a year after "ngày").
    A day without a year takes ``context_year``; without one its date is "" and its
    precision "unknown".
    """
    t = nfc(text)
    core = t.strip(" \t\n")
    shift = len(t) - len(t.lstrip(" \t\n"))
    # Spaces and blank lines around a text change no date, only the offsets; so a report's
    # text and its masked text (often the same but for a final newline) are parsed once.
    return [dict(r, start=r["start"] + shift, end=r["end"] + shift)
            for r in _parse_dates(core, context_year)]


@lru_cache(maxsize=8)
def _parse_dates(text: str, context_year: int | None) -> tuple[dict, ...]:
    """:func:`parse_dates` of an NFC text (cached: the records are copied on the way out)."""
    t, _, mf = text_forms(text)
    found: list[dict] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        return all(e <= a or s >= b for a, b in taken)

    def add(rec):
        found.append(rec)
        taken.append((rec["start"], rec["end"]))

    for m in _MARKER.finditer(t):
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        s = t.rfind("date", 0, m.start(1))
        if d and _valid(y, int(mo), int(d)):
            add(_record(t, s, m.end(), y, int(mo), int(d), "marker", "day"))
        elif mo and not d and 1 <= int(mo) <= 12:
            add(_record(t, s, m.end(), y, int(mo), None, "marker", "month"))
        elif not mo:
            add(_record(t, s, m.end(), y, None, None, "marker", "year"))
    for rx, order in ((_VERBAL, "dmy"), (_FULL, "d.m.y"), (_ISO, "ymd")):
        for m in _finditer(rx, t):
            if not free(m.start(), m.end()):
                continue
            if order == "dmy":
                d, mo, y = (int(g) for g in m.groups())
            elif order == "d.m.y":
                d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
            else:
                y, mo, d = (int(g) for g in m.groups())
            if not _valid(y, mo, d):
                continue
            kind, s0 = _classify(t, mf, m.start(), m.end(), y)
            add(_record(t, s0, m.end(), y, mo, d, kind, "day"))
    for m in _finditer(_MONTH, t):
        if not free(m.start(), m.end()):
            continue
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            kind, _ = _classify(t, mf, m.start(), m.end(), y)
            add(_record(t, m.start(), m.end(), y, mo, None,
                        kind if kind in ("document", "historical", "updated") else "date", "month"))
    cues = _cues()
    for m in _finditer(_PARTIAL, t):
        if not free(m.start(), m.end()):
            continue
        d, mo = int(m.group(1)), int(m.group(2))
        if not _valid(2024, mo, d):  # a leap year: 29/2 is possible
            continue
        before_mf = _line_before(mf, m.start())
        tm = cues["time"].search(before_mf)
        start = m.start()
        if tm:
            kind = "today" if tm.group(1) == "nay" else "event"
            start = m.start() - len(before_mf) + tm.start()
        elif re.search(r"(?<!\w)ngày\s+$", before_mf):
            cue = re.search(r"ngày\s+$", before_mf)
            lead = before_mf[:cue.start()]
            kind = "event" if not lead.strip(" \t•·*>-") else "partial"
            start = m.start() - len(before_mf) + cue.start()
        else:
            continue  # "209/209", "3/5 xã": a bare d/m is too often a fraction
        end = m.end()
        close = re.match(r"\s*\)", t[end:])
        if kind == "today" and close:
            end += close.end()
        y = context_year if context_year and _valid(context_year, mo, d) else None
        rec = _record(t, start, end, None, mo, d, kind, "day", y)
        add(rec)
    found.sort(key=lambda r: r["start"])
    return tuple(found)


def _named_years(text: str) -> tuple[Counter, set]:
    """Years named as "năm 2023" or "quý III/2023" (not "năm 2020 - 2025"), and those named
    as planned."""
    cues = _cues()
    mf = text_forms(text)[2]
    years: Counter = Counter()
    planned: set = set()
    for m in _finditer(_YEAR_NAMED, mf):
        y = int(m.group(1))
        if y < cues["min_year"] or y > 2100:
            continue
        years[y] += 1
        if cues["planning"].search(mf[max(0, m.start() - 50):m.start()]):
            planned.add(y)
    return years, planned


def year_from_context(text: str, month: int | None = None, dates: list[dict] | None = None
                 ) -> tuple[int | None, str]:
    """The year a day without a year most likely belongs to, and why.

    From the years the report names ("kết quả năm 2023; triển khai nhiệm vụ năm 2024"),
    the month of the day (a late-December review of 2023 that plans 2024 is from 2023; a
    January one from 2024) and dated documents it cites (the report is not older than them).
    """
    years, planned = _named_years(text)
    dates = dates if dates is not None else parse_dates(text)
    cited = [r["year"] for r in dates if r["year_given"] and r["kind"] in
             ("document", "date", "event", "range", "today") and r["year"] >= _cues()["min_year"]]
    floor = max(cited) if cited else None
    if not years:
        if floor:
            return floor, f"latest dated document or event {floor}"
        return None, "no year named"
    pairs = sorted(y for y in years if y + 1 in years)
    named = ", ".join(f"năm {y}" for y in sorted(years))
    if month is not None and month >= 10:
        if pairs:
            year, why = pairs[-1], f"late in the year; {named} named (review of {pairs[-1]}, plans for {pairs[-1] + 1})"
        elif len(years) == 1:
            only = next(iter(years))
            year = only - 1 if only in planned else only
            why = f"late in the year; {named} " + ("planned" if only in planned else "named")
        else:
            year, why = max(years), f"late in the year; {named} named"
    elif month is not None and month <= 2:
        if pairs:
            year, why = pairs[-1] + 1, f"early in the year; {named} named (review of {pairs[-1]})"
        else:
            year, why = max(years), f"early in the year; {named} named"
    else:
        year, why = max(years), f"{named} named"
    if floor and year < floor:
        year, why = floor, f"{why}; a cited date of {floor} is later"
    return year, why


# A formal document's own place-and-date line comes first: a page that republishes a report
# dates the page, the line dates the report.
_PUBLICATION = ("issued", "updated", "dateline", "marker")


def is_publication_line(text: str) -> bool:
    """Whether ``text`` opens with a publication cue ("Cập nhật:", "Ngày đăng ...")."""
    return bool(_cues()["published_start"].match(match_form(nfc(text))))


def _lead_limit(text: str, paragraphs: int = 3) -> int:
    """The end of the first ``paragraphs`` non-empty lines: where the lead ends."""
    pos, seen = 0, 0
    for line in text.split("\n"):
        pos += len(line) + 1
        if line.strip():
            seen += 1
            if seen >= paragraphs:
                break
    return pos


def infer_date(text: str, context_year: int | None = None, masked_text: str | None = None,
               date_hint: str = "") -> dict:
    """The report's date: dict(date, precision, evidence).

    Order: a formal document's place-and-date line ("Thái Nguyên, ngày 16 tháng 12 năm
    2024"), the page's publication line ("Cập nhật: ..."), a weekday dateline, a "date
    YYYY-MM" marker, ``date_hint`` (the file's own metadata, ISO), then the event of the lead
    ("Chiều nay (29/12)", "Chiều 27/12") with its year from the text, or ``context_year``.
    ``masked_text`` (boilerplate masked to spaces) is used for the lead and the year context,
    so dates in a trailer of other news do not count. Precision day|month|year|unknown.
    """
    t = nfc(text)
    body = nfc(masked_text) if masked_text is not None else t
    dates = parse_dates(t)
    # Dates after the end of the report's content (a trailer of other news) are not its own.
    content_end = len(body.rstrip()) if masked_text is not None else len(t)
    for kind in _PUBLICATION:
        recs = [r for r in dates if r["kind"] == kind and r["start"] < content_end]
        if recs:
            r = recs[0]
            label = {"updated": "publication line", "dateline": "dateline",
                     "marker": "date marker", "issued": "place and date line"}[kind]
            line = t[t.rfind("\n", 0, r["start"]) + 1:r["end"]].strip(" \t•")
            return {"date": r["date"], "precision": r["precision"],
                    "evidence": f"{label} '{line}'"}
    if date_hint:
        from dvlib.load.manifest import parse_manifest_date  # the one parser of ISO date strings
        parsed = parse_manifest_date(date_hint)
        if parsed:
            return {"date": parsed[0], "precision": parsed[1],
                    "evidence": f"file metadata date {date_hint}"}
    body_dates = parse_dates(body)
    limit = _lead_limit(body)
    lead = [r for r in body_dates if r["kind"] in ("today", "event") and r["start"] < limit]
    lead.sort(key=lambda r: (r["kind"] != "today", r["start"]))
    if not lead:
        return {"date": "", "precision": "unknown", "evidence": "no publication date or dated lead"}
    r = lead[0]
    what = ("the day of writing" if r["kind"] == "today" else "event date in the lead") + \
        f" '{r['text']}'"
    if r["year_given"]:
        return {"date": r["date"], "precision": "day",
                "evidence": f"{what}; no publication date given"}
    if context_year:
        year, why = context_year, "year given by the caller"
    else:
        year, why = year_from_context(body, r["month"], body_dates)
    if year and _valid(year, r["month"], r["day"]):
        return {"date": f"{year:04d}-{r['month']:02d}-{r['day']:02d}", "precision": "day",
                "evidence": f"{what}; year {year} from context ({why})"}
    return {"date": "", "precision": "unknown", "evidence": f"{what} but no year ({why})"}
