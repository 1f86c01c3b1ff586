"""The brief built on claims (:func:`build_claims_brief`): a summary in sentences, a table of
contents, each report in context, the aspects of limitations, priorities and models stated by
three or more provinces, by two, by one and the provinces that state none (each backed by the
claims quoted whole), the formulas provinces share, named models, document codes and
indicators, methods in prose, limits, and an appendix of every claim quoted.
"""
from __future__ import annotations

import json
from datetime import date as _date
from typing import Mapping, Sequence

import pandas as pd

from dvlib import config
from dvlib.config import data_file
from dvlib.report.brief.blocks import (Block, Bullets, Figure, Heading, Paragraph, Section, Table,
                                       labels)
from dvlib.report.brief.content import codebook_labels, prepare_documents, resolve_provinces
from dvlib.report.brief.context import report_context
from dvlib.report.brief.document import Brief
from dvlib.report.brief.findings import (appendix_section, evidence_claims, findings_section,
                                         formulas_section)
from dvlib.report.brief.fmt import blank_str, fmt_num, join_items
from dvlib.report.brief.named import named_section
from dvlib.report.brief.sections import load_png
from dvlib.schema import COMPARED_FAMILIES

# Indicators that count too little to tell a reader anything ("1 xã", "3 cấp").
MIN_INDICATOR_VALUE = 10


def _scores(name: str) -> dict:
    """A measured-figures JSON shipped in dvlib/data ({} when absent or unreadable)."""
    try:
        return json.loads(data_file(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _aspect_names(lang: str) -> dict:
    return {k: v.get(lang) or v.get("vi") or k for k, v in codebook_labels().items()}


def _with_evidence(f, unknown: str) -> str:
    """A fact with the report's words that show it in brackets, when they add something."""
    ev = f.evidence.strip()
    if not ev or f.value == unknown or ev.lower() == f.value.lower():
        return f.value
    return f"{f.value} (“{ev}”)"


def context_section(docs: pd.DataFrame, contexts: dict, provinces: Sequence[str], L: dict,
                    figures: Mapping[str, bytes] | None = None) -> Section:
    """One row per report: province, date, outlet, kind of text, period, level, who spoke,
    each inferred fact with the words that show it in brackets (one table, not a table and a
    list of evidence); then the family profile figure when given (what share of each report
    states limitations, priorities, models: the kind of text shows there too)."""
    sec = Section(key="context", heading=L["context_heading"])
    sec.blocks.append(Paragraph.plain(L["context_intro"]))
    rows = []
    order = {p: i for i, p in enumerate(provinces)}
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(list(provinces))]
    originals = originals.assign(_o=originals["province"].map(order)).sort_values(["_o", "date"])
    for d in originals.itertuples(index=False):
        c = contexts[d.doc_id]
        rows.append((d.province, d.date or L["date_unknown"], d.outlet or L["unknown"],
                     *(_with_evidence(f, L["unknown"]) for f in (c.kind, c.period, c.level)),
                     c.people.value))
    sec.blocks.append(Table((L["col_province"], L["col_date"], L["col_outlet"], L["col_kind"],
                             L["col_period"], L["col_level"], L["col_people"]), tuple(rows)))
    if figures and "family_profile" in figures:
        sec.blocks.append(Figure("family_profile", figures["family_profile"], L["profile_caption"]))
        sec.blocks.append(Paragraph.plain(L["profile_read"]))
    return sec


def _silent_reasons(docs, contexts, provinces, family: str, L: dict) -> dict:
    """Province -> why its reports state nothing of ``family``: every report of it is a
    retrospective feature (a text that looks back on achievements)."""
    out = {}
    for p in provinces:
        ids = docs.loc[(docs["province"] == p) & (docs["duplicate_of"] == ""), "doc_id"]
        ctx = [contexts[i] for i in ids]
        if ctx and all(c.retrospective for c in ctx):
            out[p] = L["f_retro"].format(kind=ctx[0].kind.value,
                                         family=L["families_plural"][family])
    return out


def methods_section(ev_all: pd.DataFrame, n_reports: int, methods: Mapping | None,
                    L: dict) -> Section:
    """Methods in prose (what was counted, how labels were made and how accurate they are,
    read from the measured-figures files), the settings as a list, and the limits."""
    sec = Section(key="methods", heading=L["methods_heading"])
    n_evidence = int((ev_all["aspects"] != "").sum()) if len(ev_all) else 0
    sec.blocks.append(Paragraph.plain(L["m_counted"].format(
        n_claims=len(ev_all), n_reports=n_reports, n_evidence=n_evidence)))
    from dvlib.label import measured_quality
    fam = measured_quality()
    f1, n = fam.get("test_macro_f1"), fam.get("test_n")
    sec.blocks.append(Paragraph.plain(L["m_families"].format(
        n=fmt_num(n) if n else L["m_unmeasured"], f1=fmt_num(f1) if f1 else L["m_unmeasured"])))
    m0 = dict(methods or {})
    if "n_corrected" in m0:
        sec.blocks.append(Paragraph.plain(L["m_labels"].format(
            threshold=f"{m0['min_family_score']:g}", n_uncertain=fmt_num(m0["n_uncertain"]),
            n_corrected=fmt_num(m0["n_corrected"]))))
    # pooled over every held-out set (evaluation/evaluate_aspects.py --write)
    held = _scores("aspect_scores.json").get("held_out_pooled") or {}
    sec.blocks.append(Paragraph.plain(L["m_aspects"].format(
        n=fmt_num(held.get("claims")) if held else L["m_unmeasured"],
        p=fmt_num(held.get("precision")) if held else L["m_unmeasured"],
        r=fmt_num(held.get("recall")) if held else L["m_unmeasured"])))
    settings = []
    m = dict(methods or {})
    names, values = L["settings_names"], L["settings_values"]

    def setting(key, value) -> Paragraph:
        if isinstance(value, (list, tuple)):
            value = join_items([str(v) for v in value], L)
        value = values.get(value, value) if isinstance(value, str) else fmt_num(value)
        return Paragraph.plain(f"{names.get(key, key.replace('_', ' '))}: {value}")

    for key in ("dvlib_version", "underthesea_version", "sklearn_version", "random_seed",
                "corpus_hash"):
        if m.get(key) not in (None, ""):
            settings.append(setting(key, m[key]))
    for key, value in (m.get("parameters") or {}).items():
        # settings of stages this brief does not use (the sub-theme model) are not listed
        if not isinstance(value, Mapping) and value not in (None, ""):
            settings.append(setting(key, value))
    if settings:  # one line: a reader looks them up, does not read them
        sec.blocks.append(Paragraph.plain(L["m_settings"] + " "
                                          + "; ".join(p.text for p in settings) + "."))
    sec.blocks.append(Heading(3, L["limits_heading"]))
    sec.blocks.append(Bullets(tuple(Paragraph.plain(x) for x in (
        L["limit_provinces"], L["limit_furniture"]))))
    return sec


def _summary(summaries: dict, formulas: list, silent: dict, n_claims: int, n_reports: int,
             k: int, L: dict, names: dict) -> list[Paragraph]:
    """The brief in sentences: one per family for what three or more provinces state (each
    aspect with its provinces), one for the shared formulas, why a province states nothing,
    and what the brief rests on. The details are in the sections: nothing here is quoted."""
    out = []
    who = (L["s_who_many"].format(number=L["numbers"].get(3, "3").lower()) if k >= 3
           else L["s_who_all"].format(k=k))
    for fam in COMPARED_FAMILIES:
        shared = summaries[fam]["shared"]
        if not shared:
            continue
        items = [f"{names.get(a, a).lower()} ({join_items(list(provs), L)})"
                 for a, provs in sorted(shared.items(), key=lambda kv: -len(kv[1]))]
        out.append(Paragraph.plain(L["s_family"].format(
            family=L["families_plural"][fam].capitalize(), who=who, items="; ".join(items))))
    if formulas:
        items = [f"“{phrase}” ({join_items(provs, L)})" for phrase, provs in formulas[:3]]
        out.append(Paragraph.plain(L["s_formulas"].format(items="; ".join(items))))
    tail = [L["s_none"].format(province=prov, families=join_items(fams, L), reason=reason)
            for prov, (fams, reason) in silent.items()]
    tail.append(L["s_count"].format(n_claims=n_claims, n_reports=n_reports))
    out.append(Paragraph.plain(" ".join(tail)))
    return out


def build_claims_brief(documents: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame,
                       entities: pd.DataFrame | None = None, *,
                       formulas: pd.DataFrame | None = None, methods: Mapping | None = None,
                       figures: Mapping[str, str] | None = None,
                       provinces: Sequence[str] | None = None, lang: str = "vi",
                       generated: str | _date | None = None, title: str | None = None,
                       max_entity_rows: int = 4) -> Brief:
    """The comparative brief of ``provinces`` (default: all) built on ``claims`` (claims.csv).

    ``sentences`` gives each report's opening (its context), ``formulas`` the shared-formulas
    table (``tables["shared_formulas"]``), ``figures`` PNG paths by name (the family profile is
    shown with the reports in context), ``methods`` versions and settings (as
    :func:`dvlib.report.notebooks.methods_info` gives them). Republished copies are never
    counted or quoted.
    """
    L = labels(lang)
    names = _aspect_names(lang)
    docs = prepare_documents(documents)
    # a placeholder outlet ("unknown (provincial outlet)") is the brief's "unknown", in its language
    docs["outlet"] = docs["outlet"].where(~docs["outlet"].str.lower().str.startswith("unknown"), "")
    chosen = resolve_provinces(docs, provinces)
    if isinstance(generated, _date):
        generated = generated.isoformat()
    generated = generated or config.today().isoformat()
    sents = sentences.copy()
    for col in ("doc_id", "sentence_id", "text"):
        sents[col] = blank_str(sents[col]) if col in sents.columns else ""
    contexts = report_context(docs, sents, L)
    ev = evidence_claims(claims, docs, chosen)
    used: set = set()
    family_secs, summaries, silent = [], {}, {}
    for fam in COMPARED_FAMILIES:
        reasons = _silent_reasons(docs, contexts, chosen, fam, L)
        sec, summaries[fam] = findings_section(fam, ev, chosen, names, reasons, L, used,
                                               intro=fam == COMPARED_FAMILIES[0])
        family_secs.append(sec)
        for p in summaries[fam]["none"]:
            if p in reasons and fam != "model":
                silent.setdefault(p, ([], reasons[p].split(":")[0]))[0].append(
                    L["families_plural"][fam])
    formulas_sec, chosen_formulas = formulas_section(formulas, ev, chosen, L)
    ents = entities
    if ents is not None and not ents.empty and "value" in ents.columns:
        value = pd.to_numeric(ents["value"], errors="coerce")
        trivia = (ents["kind"] == "indicator") & (value < MIN_INDICATOR_VALUE) \
            & ~blank_str(ents.get("unit", pd.Series("", index=ents.index))).str.contains("%")
        ents = ents[~trivia]
    n_reports = int(((docs["duplicate_of"] == "") & docs["province"].isin(chosen)).sum())
    figs = {str(name): load_png(str(name), path) for name, path in (figures or {}).items()}
    sections = [context_section(docs, contexts, chosen, L, figs), *family_secs, formulas_sec,
                named_section(ents, docs, chosen, L, max_entity_rows),
                methods_section(ev, n_reports, methods, L),
                appendix_section(ev, used, chosen, names, L)]
    front: list[Block] = [
        Paragraph.plain(L["generated"].format(date=generated)),
        Paragraph.plain(L["provinces_compared"].format(provinces=join_items(chosen, L))),
        Heading(2, L["summary_heading"]),
        *_summary(summaries, chosen_formulas, silent, len(ev), n_reports, len(chosen), L,
                   names),
        Heading(2, L["toc_heading"]),
        Bullets(tuple(Paragraph.plain(f"{i}. {s.heading}") for i, s in enumerate(sections, 1))),
    ]
    return Brief(title=title or L["title"], lang=lang, generated=generated, provinces=chosen,
                 front=front, sections=sections)
