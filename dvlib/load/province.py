"""Inferring a report's province from its text, with the evidence: outlet and dateline marks
("BGĐT -", "Báo Điện Biên Phủ", ``data/outlet_marks.csv``) and the places the report names
(:mod:`dvlib.load.gazetteer`). No evidence gives no guess, never a wrong province.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from dvlib.load.gazetteer import (find_places, find_places_in_forms, read_gazetteer_table,
                                  text_forms)
from dvlib.text.normalize import match_form, nfc, normalize_tones
from dvlib.text.patterns import SOURCE_LINE_START

# --------------------------------------------------------------------------------------------
# Outlet and dateline marks

@lru_cache(maxsize=1)
def _marks() -> list[dict]:
    rows = read_gazetteer_table("outlet_marks.csv")
    for r in rows:
        mark = normalize_tones(r["mark"])
        r["tones"] = mark  # a plain substring test first: most texts hold no mark at all
        r["rx"] = re.compile(r"(?<!\w)" + re.escape(mark) + r"(?!\w)")
        r["rx_ci"] = re.compile(r"(?<!\w)" + re.escape(match_form(r["mark"])) + r"(?!\w)")
    return rows


@lru_cache(maxsize=1)
def _any_mark() -> re.Pattern:
    """All marks in one alternation: one scan of a text finds which marks it may hold (a
    substring test per mark costs a scan each, and most texts hold none)."""
    marks = sorted({r["tones"] for r in _marks()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(m) for m in marks))


_DATELINE_END = re.compile(r"\s*\)?\s*[-–—]")
_BAO = re.compile(r"(?<!\w)báo\s+")


def _is_source_line(line: str) -> bool:
    """ "Theo Báo BGĐT", "Nguồn: Báo Sóc Trăng": short; "Theo báo cáo của ..." is content."""
    return bool(SOURCE_LINE_START.match(line)) and len(line.strip()) <= 80


def outlet_marks(text: str, outlet: str = "") -> list[dict]:
    """Outlet and dateline marks: dicts mark, outlet, province, where, strength, start, end.

    ``where`` is "dateline" (a line starting "ĐBP -"), "source" (a line "Theo Báo BGĐT",
    "Nguồn: ..."), "anywhere" (a distinctive abbreviation such as "BGĐT") or "outlet" (found
    in the ``outlet`` argument). "Báo <province>" ("Báo Bắc Giang") counts as that province's
    party paper in a dateline or source line. Offsets are into the NFC text (-1 for "outlet").
    """
    _, t, _ = text_forms(text)
    found: list[dict] = []
    lines, pos = [], 0
    for line in t.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1

    def add(r, where, start, end):
        found.append({"mark": r["mark"], "outlet": r["outlet"], "province": r["province"],
                      "where": where, "strength": r["strength"], "start": start, "end": end,
                      "note": r["note"]})

    seen = {m.group(0) for m in _any_mark().finditer(t)}
    for r in _marks():
        # a mark inside a longer one found at the same place is still looked for
        if not any(r["tones"] in hit for hit in seen):
            continue
        for m in r["rx"].finditer(t):
            line_start = t.rfind("\n", 0, m.start()) + 1
            line = t[line_start:t.find("\n", m.start()) if "\n" in t[m.start():] else len(t)]
            lead = t[line_start:m.start()]
            if re.fullmatch(r"[\s•·*>\-(]*", lead) and _DATELINE_END.match(t, m.end()):
                add(r, "dateline", m.start(), m.end())
            elif _is_source_line(line) or (line.strip() == m.group(0)):
                add(r, "source", m.start(), m.end())
            elif r["where"] == "anywhere":
                add(r, "anywhere", m.start(), m.end())
    # "Báo <province>" in a source line or a dateline: the provincial party paper.
    for line_start, line in lines:
        if not _is_source_line(line):
            continue
        mfl = match_form(line)
        for m in _BAO.finditer(mfl):
            places = find_places(line[m.end():m.end() + 40])
            if places and places[0]["start"] == 0 and places[0]["level"] == "province":
                s = line_start + m.start()
                e = line_start + m.end() + places[0]["end"]
                if not any(f["start"] <= s < f["end"] for f in found):
                    found.append({"mark": t[s:e], "outlet": f"Báo {places[0]['canonical']}",
                                  "province": places[0]["province"], "where": "source",
                                  "strength": "strong", "start": s, "end": e,
                                  "note": "provincial party paper named in a source line"})
    if outlet:
        outlet = nfc(outlet)
        mo = match_form(outlet)
        for r in _marks():
            if r["rx_ci"].search(mo):
                add(r, "outlet", -1, -1)
        # An outlet named after its province: "Báo Bắc Giang", "Ban Dân vận Tỉnh ủy Bình Phước".
        for p in find_places(outlet):
            if p["level"] == "province" and p["province"]:
                found.append({"mark": outlet, "outlet": outlet, "province": p["province"],
                              "where": "outlet", "strength": "strong", "start": -1, "end": -1,
                              "note": "outlet named after its province"})
    # A mark inside a longer one ("BGĐT" inside a source line already counted) is kept once.
    found.sort(key=lambda f: (f["start"], -f["end"]))
    return found


# --------------------------------------------------------------------------------------------
# Province inference

# Weights of one mention; outlet/dateline marks and "Ban Dân vận Tỉnh ủy X" say where the
# report is *from* and are used to settle a contest, not added to the score.
_WEIGHTS = {("province", True): 3, ("province", False): 2, ("district", True): 2,
            ("district", False): 1, ("commune", True): 1}
_FROM_ORG = re.compile(r"ban dân vận (?:tỉnh|thành) ủy\s+$")


def _count(n: int) -> str:
    return f" ×{n}" if n > 1 else ""


def infer_province(text: str, outlet: str = "") -> dict:
    """The province a report comes from: dict(province, evidence, district).

    ``text`` should have site boilerplate masked to spaces (a trailer of other news is no
    evidence). Evidence, strongest first: typed province mentions ("tỉnh Bắc Giang", "Tỉnh ủy
    Bắc Giang"), bare province names, districts (typed or unique bare names), typed communes.
    Outlet/dateline marks ("ĐBP -", "Theo Báo BGĐT", ``outlet``) and "Ban Dân vận Tỉnh ủy X"
    say where the report is from and decide between provinces that are both named. No
    evidence, or evidence for two provinces that nothing decides, gives province "".
    """
    t, _, mf = text_forms(text)
    places = find_places_in_forms(t, mf)
    score: Counter = Counter()
    mentions: dict[str, Counter] = defaultdict(Counter)   # province -> "label" -> count
    districts: dict[str, Counter] = defaultdict(Counter)
    ambiguous: Counter = Counter()
    from_org: Counter = Counter()
    for p in places:
        if p["ambiguous"] or not p["province"]:
            ambiguous[p["canonical"]] += 1
            continue
        w = _WEIGHTS.get((p["level"], p["typed"]), 0)
        if not w:
            continue
        prov = p["province"]
        score[prov] += w
        if p["level"] == "province":
            mentions[prov]["typed" if p["typed"] else "bare"] += 1
            if _FROM_ORG.search(mf[max(0, p["start"] - 40):p["start"]]):
                from_org[prov] += 1
        else:
            label = f"{p['level']} {p['canonical']}"
            mentions[prov][label] += 1
            if p["level"] == "district":
                districts[prov][p["canonical"]] += 1
    marks = outlet_marks(text, outlet)
    strong = [m for m in marks if m["strength"] == "strong"]
    hints = [m for m in marks if m["strength"] == "hint"]
    from_outlet = Counter(m["province"] for m in strong if m["province"])

    def describe(prov: str) -> str:
        parts = []
        c = mentions.get(prov, Counter())
        named = c.get("typed", 0) + c.get("bare", 0)
        if named:
            typed = c.get("typed", 0)
            how = "" if not typed else " (typed)" if typed == named else f" ({typed} typed)"
            parts.append(f"province {prov}{_count(named)}{how}")
        for label, k in c.items():
            if label not in ("typed", "bare"):
                parts.append(f"{label} ({prov}){_count(k)}")
        return ", ".join(parts)

    def mark_text(m):
        if m["where"] == "outlet":
            return f"outlet '{outlet}': {m['province'] or 'no province'}"
        where = {"dateline": "dateline", "source": "source line", "anywhere": "mark"}[m["where"]]
        mark = m["mark"] + " -" if m["where"] == "dateline" else m["mark"]
        return f"{where} '{mark}': {m['outlet'] or 'outlet'}, {m['province'] or 'no province'}"

    def marks_for(prov):
        chosen = [m for m in strong if m["province"] == prov and m["where"] != "outlet"] or \
            [m for m in strong if m["province"] == prov][:1]
        return ", ".join(list(dict.fromkeys(mark_text(m) for m in chosen))[:2])

    def result(prov: str, lead: list[str]) -> dict:
        ev = [x for x in lead if x]
        if prov and not any(mentions.get(prov, {}).get(k) for k in ("typed", "bare")):
            ev.append("no province named")
        others = [describe(p) for p, _ in score.most_common() if p != prov]
        if others:
            ev.append(("also: " if prov else "mentions: ") + "; ".join(o for o in others if o))
        if ambiguous:
            ev.append("ambiguous: " + ", ".join(f"{k}{_count(v)}" for k, v in ambiguous.items()))
        if hints:
            ev.append("hint not used: " + ", ".join(f"{h['mark']} ({h['province']})" for h in hints))
        dist = districts.get(prov, Counter())
        return {"province": prov, "evidence": "; ".join(ev) or "no place named",
                "district": next(iter(dist)) if len(dist) == 1 else ""}

    # 1. The outlet / dateline says where the report is from, unless the text is plainly
    #    about another province and never names the outlet's own.
    if len(from_outlet) == 1:
        prov = next(iter(from_outlet))
        rival = [(p, sc) for p, sc in score.most_common() if p != prov and sc >= 3]
        if score[prov] == 0 and rival:
            return result("", [f"contradictory: {marks_for(prov)}, but the text names "
                               f"{rival[0][0]} (score {rival[0][1]}) and not {prov}"])
        return result(prov, [marks_for(prov), describe(prov)])
    if len(from_outlet) > 1:
        return result("", ["contradictory outlet marks: " + "; ".join(
            marks_for(p) for p in from_outlet)])
    if not score:
        return result("", ["no place named" if not ambiguous else "no unambiguous place named"])
    ranked = score.most_common()
    top, top_score = ranked[0]
    if len(ranked) == 1:
        return result(top, [describe(top)])
    second, second_score = ranked[1]
    # 2. "Ban Dân vận Tỉnh ủy X" names the author, when X is among the main provinces.
    if len(from_org) == 1:
        prov = next(iter(from_org))
        if score[prov] * 2 >= top_score:
            return result(prov, [describe(prov), f"from: Ban Dân vận Tỉnh ủy {prov}"])
    # 3. A clear majority.
    if top_score >= 2 * second_score:
        return result(top, [describe(top)])
    return result("", [f"contradictory: {top} (score {top_score}) vs {second} (score {second_score}),"
                       " no dateline or outlet to decide"])
