"""Organisations named in a sentence, aliases resolved to one name (``organisations.csv``),
with their type and level."""
from __future__ import annotations

import re
from functools import lru_cache


from dvlib.text.patterns import admin_levels
from dvlib.text.normalize import nfc
from dvlib.extract.common import match_form, normalize_tones, organisations_table, squash, words_trie

# --------------------------------------------------------------------------- organisations

# The level words after an organisation ("Hội Nông dân tỉnh", "cấp xã"), from
# dvlib/data/admin_levels.csv: word -> the level it names.
_LEVELS = {r["word"]: r["org_level"] for r in admin_levels() if r["org_level"]}
_LEVEL_AFTER = re.compile(rf"\s+(?:cấp\s+)?({'|'.join(_LEVELS)})(?!\w)")


@lru_cache(maxsize=1)
def _org_matchers() -> tuple[re.Pattern | None, re.Pattern | None, dict, dict]:
    t = organisations_table()
    ci_rows: dict[str, dict] = {}
    cs_rows: dict[str, dict] = {}
    for row in t.to_dict("records"):
        if row["case_sensitive"] == "1":
            cs_rows[squash(normalize_tones(row["alias"]))] = row
        else:
            ci_rows[squash(match_form(row["alias"]))] = row

    def compile_(keys):
        if not keys:
            return None
        # A lookahead finds the longest alias starting at every position (overlaps allowed);
        # the longest-first selection below then keeps one reading of each stretch.
        return re.compile(rf"(?<!\w)(?=({words_trie(keys)})(?!\w))")

    return compile_(ci_rows), compile_(cs_rows), ci_rows, cs_rows


def find_organisations(text: str) -> list[dict]:
    """Organisations named in ``text`` via the alias table, longest match first.

    Each dict: start, end, text, normalised (canonical name), type, level, detail.
    """
    text = nfc(text)
    mf = match_form(text)
    tones = normalize_tones(text)
    ci, cs, ci_rows, cs_rows = _org_matchers()
    cands = []
    for rx, source, rows in ((ci, mf, ci_rows), (cs, tones, cs_rows)):
        if rx is None:
            continue
        for m in rx.finditer(source):
            s, e = m.start(1), m.end(1)
            cands.append((s, e, rows[squash(m.group(1))]))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, dict]] = []
    for s, e, row in cands:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, row))
    out = []
    for s, e, row in sorted(taken, key=lambda c: c[0]):
        level = row["level"]
        if not level:
            lm = _LEVEL_AFTER.match(mf, e)
            level = _LEVELS.get(squash(lm.group(1)), "") if lm else ""
        detail = f"type={row['type']}" + (f";level={level}" if level else "")
        out.append(dict(start=s, end=e, text=text[s:e], normalised=row["canonical"],
                        type=row["type"], level=level, detail=detail))
    return out


