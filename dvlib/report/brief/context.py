"""Each report in context: what kind of text it is, the period it covers, the level that issued
it, and who presided, presented or concluded — inferred from the report's opening sentences,
each with the words that show it, or "unknown" when nothing does.

This is what explains a report's silences: a retrospective feature on achievements states no
limitations and no priorities because of what it is, not because the province has none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from dvlib.text.normalize import match_form

# How many content sentences from the start are read as the report's frame (headline, dateline,
# who presided): the body later cites other meetings, periods and people.
FRAME_SENTENCES = 6

_FEATURE = re.compile(r"(?:^|>>>\s*|\b)bài \d+\s*:|từ đầu nhiệm kỳ(?: đến nay)?|nhìn lại|dấu ấn")
_MEETING = re.compile(r"hội nghị(?: giao ban| tổng kết| sơ kết| đánh giá)?|giao ban(?: với)?")
_FORMAL = re.compile(r"^báo cáo\b")
_PERIODS = [
    re.compile(r"\bquý ([ivx]+)(?:/(\d{4}))?"),
    re.compile(r"\b(?:\d+|sáu|chín) tháng (?:đầu|cuối) năm \d{4}"),
    re.compile(r"\bnăm \d{4}"),
    re.compile(r"\b(?:nhiệm kỳ|giai đoạn) \d{4}\s*[-–]\s*\d{4}"),
    re.compile(r"\btừ đầu nhiệm kỳ(?: đến nay)?"),
]
_LEVELS = [("province", re.compile(r"\b(?:tỉnh ủy|tỉnh uỷ|cấp tỉnh|ubnd tỉnh|thành ủy)\b")),
           ("district", re.compile(r"\b(?:huyện ủy|huyện uỷ|cấp huyện|thị ủy|ubnd huyện)\b"))]
_ROLE = re.compile(r"(chủ trì|phát biểu kết luận|kết luận|phát biểu|trình bày|báo cáo|cho biết)")
_NAME = re.compile(r"(?:đồng chí|Đồng chí|đ/c|Đ/c)\s+((?:[A-ZÀ-ỸĐ][\wÀ-ỹ]*\s?){2,4})")


@dataclass(frozen=True)
class Fact:
    """One inferred property of a report: its value (in the brief's language) and evidence."""
    value: str
    evidence: str = ""      # the words of the report that show it
    sentence_id: str = ""


@dataclass(frozen=True)
class ReportContext:
    doc_id: str
    kind: Fact
    period: Fact
    level: Fact
    people: Fact
    retrospective: bool     # a feature looking back: states achievements, not shortcomings


def _frame(sentences: pd.DataFrame, doc_id: str, n: int = FRAME_SENTENCES) -> pd.DataFrame:
    s = sentences[sentences["doc_id"] == doc_id]
    if "boilerplate" in s.columns:
        s = s[s["boilerplate"].fillna("").astype(str) == ""]
    order = "sentence_index" if "sentence_index" in s.columns else "sentence_id"
    return s.sort_values(order, kind="stable").head(n)


def _first(pattern: re.Pattern, rows, title: str = ""):
    """The first match of ``pattern`` in the title, then the frame sentences (match form)."""
    for sid, text in [("", title)] + rows:
        m = pattern.search(match_form(text or ""))
        if m:
            return m, sid, text
    return None, "", ""


def _snippet(text: str, m: re.Match) -> str:
    """The matched words in the report's own spelling (match form keeps offsets)."""
    return text[m.start():m.end()] if m else ""


def report_context(documents: pd.DataFrame, sentences: pd.DataFrame, L: dict) -> dict:
    """``{doc_id: ReportContext}`` for every document, values in the language of ``L``
    (the brief's fixed phrases: ``L["kinds"]``, ``L["levels"]``, ``L["unknown_value"]``)."""
    out = {}
    unknown = L["unknown_value"]
    for d in documents.itertuples(index=False):
        frame = _frame(sentences, d.doc_id)
        rows = list(zip(frame["sentence_id"], frame["text"]))
        title = str(getattr(d, "title", "") or "")
        m, sid, text = _first(_FEATURE, rows, title)
        meeting, msid, mtext = _first(_MEETING, rows[:4], title)
        formal = _FORMAL.search(match_form(title))
        if m is not None and (meeting is None or "bài" in m.group(0)):
            kind, retro = Fact(L["kinds"]["feature"], _snippet(text, m), sid), True
        elif meeting is not None:
            kind = Fact(L["kinds"]["meeting"], _snippet(mtext, meeting), msid)
            retro = False
        elif formal:
            kind, retro = Fact(L["kinds"]["formal"], title[formal.start():formal.end()]), False
        else:
            kind, retro = Fact(unknown), False
        period = Fact(unknown)
        # the earliest sentence that names a period (the headline, then the opening) wins
        for psid, ptext in [("", title)] + rows:
            hits = [(p, p.search(match_form(ptext or ""))) for p in _PERIODS]
            hits = [(p, m) for p, m in hits if m is not None]
            if hits:
                p, pm = min(hits, key=lambda h: h[1].start())
                words = _snippet(ptext, pm)
                if p is _PERIODS[0] and not pm.group(2) and str(d.date or "")[:4]:
                    words += f"/{str(d.date)[:4]}"
                shown = words
                for rx, repl in L.get("period_rules") or []:
                    shown = re.sub(rx, repl, shown)
                period = Fact(shown, words, psid)
                break
        level = Fact(unknown)
        for name, p in _LEVELS:
            lm, lsid, ltext = _first(p, rows, title)
            if lm is not None:
                level = Fact(L["levels"][name], _snippet(ltext, lm), lsid)
                break
        people, seen = [], set()
        for sid_, text_ in zip(sentences.loc[sentences["doc_id"] == d.doc_id, "sentence_id"],
                               sentences.loc[sentences["doc_id"] == d.doc_id, "text"]):
            role = _ROLE.search(text_ or "")
            name = _NAME.search(text_ or "")
            if role and name:
                who = name.group(1).strip()
                if who not in seen:
                    seen.add(who)
                    verb = role.group(1)
                    people.append(f"{who} ({(L.get('roles') or {}).get(verb, verb)})")
            if len(people) == 3:
                break
        out[d.doc_id] = ReportContext(
            doc_id=d.doc_id, kind=kind, period=period, level=level,
            people=Fact("; ".join(people) if people else unknown), retrospective=retro)
    return out
