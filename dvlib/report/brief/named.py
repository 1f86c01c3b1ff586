"""Named models, document codes and indicators per province, for the brief built on claims:
one compact table per kind, one row per province, the items as written in the report, each run
of items from one sentence followed by that sentence's short id. A reader scans these; a row
per item (the sentence-based brief's layout) took two pages for five reports."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from dvlib.report.brief.blocks import Paragraph, Section, Table
from dvlib.report.brief.fmt import blank_str
from dvlib.text.normalize import nfc

KINDS = (("named_model", "models_heading"), ("document_code", "codes_heading"),
         ("indicator", "indicators_heading"))


def _short_sentence(sentence_id: str, doc_id: str) -> str:
    prefix = f"{doc_id}-"
    return sentence_id[len(prefix):] if sentence_id.startswith(prefix) else sentence_id


def _cell(items: pd.DataFrame, max_items: int, L: dict) -> str:
    """The first ``max_items`` items joined, each sentence's run cited once, then how many
    more there are."""
    shown, more = items.head(max_items), len(items) - max_items
    parts: list[str] = []
    run: list[str] = []
    for i, r in enumerate(shown.itertuples(index=False)):
        run.append(f"“{r.text}”" if r.kind == "named_model" else r.text)  # names hold ";"
        nxt = shown.iloc[i + 1] if i + 1 < len(shown) else None
        if nxt is None or nxt["sentence_id"] != r.sentence_id:
            parts.append("; ".join(run) + f" ({_short_sentence(r.sentence_id, r.doc_id)})")
            run = []
    text = "; ".join(parts)
    if more > 0:
        text += " " + L["named_more"].format(n=more)
    return text


def named_section(entities: pd.DataFrame | None, docs: pd.DataFrame, provinces: Sequence[str],
                  L: dict, max_items: int) -> Section:
    """The section of named models, document codes and indicators: one table per kind
    (province | items), the provinces with none left out of that table."""
    sec = Section(key="entities", heading=L["entities_heading"])
    sec.blocks.append(Paragraph.plain(L["named_intro"]))
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(list(provinces))]
    ents = entities.copy() if entities is not None else pd.DataFrame()
    for col in ("doc_id", "sentence_id", "kind", "text", "normalised"):
        ents[col] = blank_str(ents[col]) if col in ents.columns else ""
    ents = ents.merge(originals[["doc_id", "province"]], on="doc_id", how="inner")
    ents["text"] = ents["text"].map(nfc)
    ents["_key"] = ents["normalised"].where(ents["normalised"] != "", ents["text"].str.lower())
    for kind, heading in KINDS:
        sub = ents[ents["kind"] == kind].drop_duplicates(["province", "_key"])
        at = sub["start"] if "start" in sub.columns else pd.Series(0, index=sub.index)
        sub = sub.assign(_at=pd.to_numeric(at, errors="coerce").fillna(0))
        sub = sub.sort_values(["sentence_id", "_at", "text"], kind="stable")  # as in the report
        rows = tuple((p, _cell(sub[sub["province"] == p], max_items, L))
                     for p in provinces if (sub["province"] == p).any())
        if rows:
            sec.blocks.append(Table((L["col_province"], L[heading]), rows))
        else:
            sec.blocks.append(Paragraph.plain(f"{L[heading]}: {L['none_extracted']}"))
    return sec
