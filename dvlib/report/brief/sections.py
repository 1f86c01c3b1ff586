"""The brief's sections that are not claim by claim: the reports compared, the family profile
(figure and table), the entity tables, and the methods."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from dvlib.report.brief.blocks import Bullets, Figure, Heading, Paragraph, Section, Table
from dvlib.report.brief.fmt import blank_str, fmt_num, format_value, pct
from dvlib.text.normalize import nfc
from dvlib.schema import FAMILIES as PROFILE_FAMILIES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def reports_section(docs: pd.DataFrame, provinces: list[str], L: dict) -> tuple[Section, int, int]:
    sec = Section(key="reports", heading=L["reports_heading"])
    chosen = set(provinces)
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(chosen)]
    orig_ids = set(originals["doc_id"])
    dups = docs[(docs["duplicate_of"] != "")
                & (docs["province"].isin(chosen) | docs["duplicate_of"].isin(orig_ids))]
    file_of = dict(zip(docs["doc_id"], docs["file_name"]))
    order = {p: i for i, p in enumerate(provinces)}
    listed = pd.concat([originals, dups])
    listed = listed.assign(_o=listed["province"].map(lambda p: order.get(p, len(order))),
                           _d=(listed["duplicate_of"] != ""))
    listed = listed.sort_values(["_o", "_d", "date", "file_name"], kind="stable")
    rows = []
    for r in listed.itertuples(index=False):
        note = (L["duplicate_note"].format(file=file_of.get(r.duplicate_of, r.duplicate_of))
                if r.duplicate_of else "")
        rows.append((r.province or L["unknown"], r.province_2025 or L["unknown"],
                     r.date or L["date_unknown"], r.outlet or L["unknown"],
                     r.title or L["no_title"], r.file_name, r.doc_id, note))
    intro = L["reports_intro"].format(n_reports=len(originals), k=len(provinces))
    if len(dups):
        intro += " " + L["reports_duplicates"].format(n_dup=len(dups))
    sec.blocks.append(Paragraph.plain(intro))
    # The document id is the prefix of every sentence id cited in the brief.
    header = (L["col_province"], L["col_province_2025"], L["col_date"], L["col_outlet"],
              L["col_title"], L["col_file"], L["col_doc_id"], L["col_note"])
    if not len(dups):  # no note column when nothing needs one
        header, rows = header[:-1], [r[:-1] for r in rows]
    sec.blocks.append(Table(header, tuple(rows)))
    per_prov = originals.groupby("province").size()
    return sec, len(originals), (int(per_prov.min()), int(per_prov.max()))


def load_png(name: str, path) -> bytes:
    data = Path(path).read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(f"figure {name!r} ({path}) is not a PNG file")
    return data


def figure_caption(name: str, L: dict) -> str:
    return L["figure_caption"].format(name=name.replace("_", " "))


def profile_section(figures: Mapping[str, bytes], profile: pd.DataFrame | None,
                     provinces: list[str], L: dict) -> Section:
    sec = Section(key="profile", heading=L["profile_heading"])
    if "family_profile" in figures:
        sec.blocks.append(Figure("family_profile", figures["family_profile"],
                                 L["profile_caption"]))
        sec.blocks.append(Paragraph.plain(L["profile_read"]))
    else:
        sec.blocks.append(Paragraph.plain(L["profile_missing"]))
    if profile is not None and not profile.empty:
        p = profile.copy()
        by = "family" if "family" in p.columns else [c for c in p.columns if c not in (
            "province", "count", "n", "share", "ci_low", "ci_high")][0]
        p["province"] = blank_str(p["province"]).map(nfc)
        p = p[p["province"].isin(provinces)]
        fams = [f for f in PROFILE_FAMILIES if f in set(p[by])]
        fams += sorted(set(p[by]) - set(fams))
        if fams:
            sec.blocks.append(Paragraph.plain(L["profile_table_read"]))
            cell = {}
            for r in p.itertuples(index=False):
                low, high = getattr(r, "ci_low", float("nan")), getattr(r, "ci_high", float("nan"))
                txt = pct(r.share)
                if pd.notna(low) and pd.notna(high):
                    txt += f" ({pct(low)}–{pct(high)})"
                cell[(r.province, getattr(r, by))] = txt
            header = (L["col_province"],) + tuple(L["families"].get(f, f) for f in fams)
            rows = tuple((prov,) + tuple(cell.get((prov, f), "") for f in fams)
                         for prov in provinces if any((prov, f) in cell for f in fams))
            sec.blocks.append(Table(header, rows))
    others = [n for n in figures if n != "family_profile"]
    if others:
        sec.blocks.append(Heading(3, L["more_figures_heading"]))
        for name in others:
            sec.blocks.append(Figure(name, figures[name], figure_caption(name, L)))
    return sec


def entities_section(entities: pd.DataFrame | None, docs: pd.DataFrame, provinces: list[str],
                      L: dict, max_rows: int) -> Section:
    sec = Section(key="entities", heading=L["entities_heading"])
    sec.blocks.append(Paragraph.plain(L["entities_intro"]))
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(provinces)]
    ents = entities.copy() if entities is not None else pd.DataFrame()
    for col in ("doc_id", "sentence_id", "kind", "text", "normalised", "value", "unit"):
        ents[col] = blank_str(ents[col]) if col in ents.columns else ""
    ents = ents.merge(originals[["doc_id", "province"]], on="doc_id", how="inner")
    ents["text"] = ents["text"].map(nfc)
    ents["_key"] = ents["normalised"].where(ents["normalised"] != "", ents["text"].str.lower())
    order = {p: i for i, p in enumerate(provinces)}
    ents = ents.assign(_o=ents["province"].map(order)).sort_values(
        ["_o", "sentence_id", "text"], kind="stable")

    def table(kind: str, heading: str, header, row_of) -> None:
        sec.blocks.append(Heading(3, heading))
        sub = ents[ents["kind"] == kind].drop_duplicates(["province", "_key"])
        if sub.empty:
            sec.blocks.append(Paragraph.plain(L["none_extracted"]))
            return
        rows, more = [], []
        for prov, grp in sub.groupby("_o", sort=True):
            rows.extend(row_of(r) for r in grp.head(max_rows).itertuples(index=False))
            if len(grp) > max_rows:
                more.append(L["more_rows"].format(n=len(grp) - max_rows,
                                                  province=grp["province"].iloc[0]))
        sec.blocks.append(Table(tuple(header), tuple(rows)))
        for line in more:
            sec.blocks.append(Paragraph.plain(line))

    table("named_model", L["models_heading"],
          (L["col_province"], L["col_name"], L["col_sentence"]),
          lambda r: (r.province, r.text, r.sentence_id))
    table("document_code", L["codes_heading"],
          (L["col_province"], L["col_code"], L["col_sentence"]),
          lambda r: (r.province, r.text, r.sentence_id))
    table("indicator", L["indicators_heading"],
          (L["col_province"], L["col_value"], L["col_unit"], L["col_passage"], L["col_sentence"]),
          lambda r: (r.province, format_value(r.value, L), r.unit, r.text, r.sentence_id))
    return sec


def methods_section(methods: Mapping | None, L: dict, k: int, n_reports: int,
                     per_province: tuple[int, int], has_codes: bool) -> Section:
    m = dict(methods or {})
    sec = Section(key="methods", heading=L["methods_heading"])
    sec.blocks.append(Paragraph.plain(L["methods_intro"]))
    given = L["not_given"]

    def val(key):
        v = m.get(key)
        return fmt_num(v) if v not in (None, "") else given

    family_f1 = m.get("classifier_per_family_f1") or {}
    f1_txt = " · ".join(f"{L['families'].get(f, f)} {fmt_num(v)}"
                        for f, v in family_f1.items()) or given
    params = m.get("parameters") or {}
    params_txt = "; ".join(f"{key} = {fmt_num(v)}" for key, v in params.items()) or given
    rows = [
        (L["m_dvlib"], val("dvlib_version")),
        (L["m_underthesea"], val("underthesea_version")),
        (L["m_sklearn"], val("sklearn_version")),
        (L["m_seed"], val("random_seed")),
        (L["m_corpus_hash"], val("corpus_hash")),
        (L["m_reports"], val("n_reports") if m.get("n_reports") not in (None, "")
         else str(n_reports)),
        (L["m_macro_f1"], val("classifier_macro_f1")),
        (L["m_family_f1"], f1_txt),
        (L["m_parameters"], params_txt),
    ]
    sec.blocks.append(Table((L["col_item"], L["col_value_plain"]), tuple(rows)))

    sec.blocks.append(Heading(3, L["limits_heading"]))
    a, b = per_province
    per = (L["per_province_one"] if a == b == 1
           else L["per_province_range"].format(a=a, b=b))
    f1 = m.get("classifier_macro_f1")
    limits = [
        L["limit_thin"].format(k=k, n_reports=n_reports, per_province=per),
        L["limit_machine"].format(f1=fmt_num(f1) if f1 not in (None, "") else L["f1_unmeasured"]),
        L["limit_subthemes"],
    ]
    if has_codes:
        limits.append(L["limit_codes"])
    limits += [L["limit_provinces"], L["limit_furniture"]]
    sec.blocks.append(Bullets(tuple(Paragraph.plain(x) for x in limits)))
    return sec


