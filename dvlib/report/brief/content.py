"""Assembling the comparative brief from the analysis tables: what provinces' reports share
and what is theirs alone, with quotes.

``build_brief`` turns the analysis tables into a :class:`~dvlib.report.brief.document.Brief`
(sections of claims, each claim followed by verbatim quotes cited with province, outlet, date,
file and sentence id).

Headings and fixed phrases come from ``data/brief_labels.yaml`` (``lang="vi"`` or ``"en"``);
quotes are always the report's own Vietnamese, never translated, and are chosen
deterministically (highest ``family_score``, then ``sentence_id``; one per province first).

Report text is untrusted: every piece of it is escaped in HTML, neutralised in Markdown, and
written as plain runs in DOCX.
"""
from __future__ import annotations

from datetime import date as _date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from dvlib import config
from dvlib.cluster.codebook import CodebookError, load_codebook
from dvlib.report.brief.blocks import (Block, Bullets, Claim, Heading, Paragraph, Quote,  # noqa: F401
                                       Run, Section, Table, labels)
from dvlib.report.brief.document import Brief
from dvlib.report.brief.fmt import (blank_str, cut_quote, fmt_num, format_value, join_items,  # noqa: F401
                                    n_sentences_text, pct)
from dvlib.report.brief.sections import (entities_section, load_png, methods_section,
                                         profile_section, reports_section)
from dvlib.schema import COMPARED_FAMILIES
from dvlib.text.normalize import nfc



@lru_cache(maxsize=1)
def _codebook_labels() -> dict[str, dict[str, str]]:
    """code id -> {"vi": label, "en": label} from the shipped codebook, if there is one."""
    try:
        book = load_codebook()
    except (CodebookError, OSError):
        return {}
    return {c.id: {"vi": c.label("vi"), "en": c.label("en")} for c in book.codes}


# --------------------------------------------------------------------------- building

def _prepare_documents(documents: pd.DataFrame) -> pd.DataFrame:
    docs = documents.copy()
    for col in ("doc_id", "file", "province", "province_2025", "date", "outlet", "title",
                "url", "duplicate_of"):
        docs[col] = blank_str(docs[col]) if col in docs.columns else ""
    for col in ("province", "province_2025", "outlet", "title"):
        docs[col] = docs[col].map(nfc)
    docs["file_name"] = docs["file"].map(lambda f: Path(f).name if f else "")
    return docs


def _resolve_provinces(docs: pd.DataFrame, provinces: Iterable[str] | None) -> list[str]:
    known = list(dict.fromkeys(p for p in docs["province"] if p))
    if provinces is None:
        return known
    chosen = list(dict.fromkeys(nfc(str(p)) for p in provinces))
    missing = [p for p in chosen if p not in known]
    if missing:
        raise ValueError(f"no report for province(s) {missing}; known: {known}")
    if not chosen:
        raise ValueError("provinces is empty")
    return chosen


# Shared with the brief built on claims (:mod:`.claims_brief`).
def codebook_labels() -> dict[str, dict[str, str]]:
    """code id -> {"vi": label, "en": label} from the shipped codebook ({} if unreadable)."""
    return _codebook_labels()


def prepare_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents with blank strings for missing text fields and ``file_name``."""
    return _prepare_documents(documents)


def resolve_provinces(docs: pd.DataFrame, provinces: Iterable[str] | None) -> list[str]:
    """The provinces to compare (all with reports when None); ValueError for unknown ones."""
    return _resolve_provinces(docs, provinces)


def _content(sentences: pd.DataFrame, docs: pd.DataFrame, provinces: list[str]) -> pd.DataFrame:
    """Sentences of the chosen provinces' original reports, with document metadata."""
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(provinces)]
    sents = sentences.copy()
    for col in ("family", "subtheme", "subtheme_label", "sentence_id", "text", "doc_id"):
        sents[col] = blank_str(sents[col]) if col in sents.columns else ""
    if "boilerplate" in sents.columns:  # accept raw segment output too
        sents = sents[blank_str(sents["boilerplate"]) == ""]
    if "family_score" not in sents.columns:
        sents["family_score"] = 0.0
    sents["family_score"] = pd.to_numeric(sents["family_score"], errors="coerce").fillna(0.0)
    meta = originals[["doc_id", "province", "province_2025", "date", "outlet", "file_name"]]
    sents = sents.drop(columns=[c for c in meta.columns if c != "doc_id" and c in sents.columns])
    out = sents.merge(meta, on="doc_id", how="inner")
    out["subtheme_label"] = out["subtheme_label"].where(out["subtheme_label"] != "", out["subtheme"])
    out["text"] = out["text"].map(nfc)
    return out.sort_values("sentence_id", kind="stable").reset_index(drop=True)


def _make_quote(row, max_chars: int) -> Quote:
    kept, truncated = cut_quote(row.text, max_chars)
    return Quote(text=kept, full_text=row.text, truncated=truncated, province=row.province,
                 outlet=row.outlet, date=row.date, file=row.file_name,
                 sentence_id=row.sentence_id, doc_id=row.doc_id,
                 family_score=float(row.family_score))


def choose_quotes(candidates: pd.DataFrame, provinces: Sequence[str], max_quotes: int,
                  used: set[str] | None = None) -> pd.DataFrame:
    """Deterministic choice: one per province first, then the best remaining ones.

    Rank = not yet quoted elsewhere in the section, then highest ``family_score``, then
    ``sentence_id``. Provinces take turns in the order of their best-ranked sentence.
    """
    used = used or set()
    ranked = candidates.assign(_used=candidates["sentence_id"].isin(used)).sort_values(
        ["_used", "family_score", "sentence_id"], ascending=[True, False, True], kind="stable")
    ranked = ranked[ranked["province"].isin(provinces)]
    first = ranked.drop_duplicates("province")
    rest = ranked.drop(index=first.index)
    picked = pd.concat([first, rest]).head(max_quotes)
    return picked.drop(columns="_used")


def _themes(fam: pd.DataFrame, coded: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """Long table (basis, key, label, sentence_id, province) of one family's themes."""
    parts = []
    sub = fam[fam["subtheme"] != ""]
    if not sub.empty:
        parts.append(pd.DataFrame({"basis": "subtheme", "key": sub["subtheme"],
                                   "label": sub["subtheme_label"],
                                   "sentence_id": sub["sentence_id"],
                                   "province": sub["province"]}))
    if coded is not None and not coded.empty:
        c = coded.copy()
        c["code"] = blank_str(c["code"])
        label_col = "code_label" if "code_label" in c.columns else "code"
        c["label"] = blank_str(c[label_col]).map(nfc)
        if lang == "en":  # the English label of the codebook, when the code is known there
            book = _codebook_labels()
            c["label"] = [book.get(k, {}).get("en") or lab for k, lab in zip(c["code"], c["label"])]
        c["label"] = c["label"].where(c["label"] != "", c["code"])
        c = c.merge(fam[["sentence_id", "province"]], on="sentence_id", how="inner")
        c = c.drop_duplicates(["code", "sentence_id"])
        if not c.empty:
            parts.append(pd.DataFrame({"basis": "code", "key": c["code"], "label": c["label"],
                                       "sentence_id": c["sentence_id"],
                                       "province": c["province"]}))
    if not parts:
        return pd.DataFrame(columns=["basis", "key", "label", "sentence_id", "province"])
    return pd.concat(parts, ignore_index=True)


def _family_section(family: str, content: pd.DataFrame, coded: pd.DataFrame | None,
                    provinces: list[str], L: dict, lang: str, max_quotes: int,
                    min_shared: int, max_quote_chars: int,
                    max_quotes_distinctive: int) -> tuple[Section, dict]:
    fam_name = L["families"][family]
    sec = Section(key=family, heading=L["family_headings"][family])
    fam = content[content["family"] == family]
    summary = {"shared": [], "shared_codes": [], "n_distinct": 0, "empty": False,
               "threshold": max(2, min(min_shared, len(provinces)))}
    order = {p: i for i, p in enumerate(provinces)}

    counts = fam.groupby("province").size()
    present = [f"{p} {int(counts[p])}" for p in provinces if p in counts.index]
    absent = [p for p in provinces if p not in counts.index]
    if fam.empty:
        summary["empty"] = True
        sec.blocks.append(Paragraph.plain(L["family_empty"].format(family=fam_name)))
        return sec, summary
    listing = L["list_sep"].join(present)
    if absent:
        listing += "; " + L["family_counts_absent"].format(provinces=join_items(absent, L))
    sec.blocks.append(Paragraph.plain(L["family_counts"].format(family=fam_name, counts=listing)))

    themes = _themes(fam, coded, lang)
    by_theme = []
    for (basis, key), grp in themes.groupby(["basis", "key"], sort=False):
        provs = sorted(set(grp["province"]), key=order.__getitem__)
        by_theme.append({"basis": basis, "key": key, "label": grp["label"].iloc[0],
                         "provinces": tuple(provs), "ids": set(grp["sentence_id"]),
                         "n": grp["sentence_id"].nunique()})
    # Sub-themes before codes; most widely shared, then most sentences, then label.
    basis_rank = {"subtheme": 0, "code": 1}
    by_theme.sort(key=lambda t: (basis_rank[t["basis"]], -len(t["provinces"]), -t["n"],
                                 t["label"], t["key"]))
    used: set[str] = set()

    def claim(t, kind) -> Claim:
        cand = fam[fam["sentence_id"].isin(t["ids"])]
        n_quotes = max_quotes if kind == "shared" else min(max_quotes, max_quotes_distinctive)
        picked = choose_quotes(cand, t["provinces"], n_quotes, used)
        used.update(picked["sentence_id"])
        quotes = tuple(_make_quote(r, max_quote_chars) for r in picked.itertuples(index=False))
        n_txt = n_sentences_text(t["n"], L)
        code = t["basis"] == "code"
        if kind == "report":
            text = L["report_claim"].format(province=t["provinces"][0], n_sentences=n_txt)
            return Claim(family=family, kind=kind, basis=t["basis"], key=t["key"], label="",
                         provinces=t["provinces"], n_sentences=t["n"],
                         sentence=Paragraph.plain(text), quotes=quotes)
        if kind == "shared":
            tpl = L["shared_code_claim" if code else "shared_claim"]
            head, _, tail = tpl.partition("{label}")
            fill = dict(provinces=join_items(t["provinces"], L), n_sentences=n_txt)
        else:
            tpl = L["distinct_code_claim" if code else "distinct_claim"]
            head, _, tail = tpl.partition("{label}")
            fill = dict(province=t["provinces"][0], n_sentences=n_txt)
        # The label is the reports' words (sub-themes) or the codebook's: set it apart.
        sentence = Paragraph((Run(head.format(**fill)), Run(t["label"], em=not code),
                              Run(tail.format(**fill))))
        return Claim(family=family, kind=kind, basis=t["basis"], key=t["key"], label=t["label"],
                     provinces=t["provinces"], n_sentences=t["n"], sentence=sentence,
                     quotes=quotes)

    # Comparing fewer provinces than min_shared (say two), "shared" means found in all of them:
    # the brief says so rather than reporting nothing shared by construction.
    k = len(provinces)
    threshold = max(2, min(min_shared, k))
    if themes.empty:
        # No sub-themes (the clustering stage was not run): nothing to compare theme by
        # theme, so show what each report says, its strongest sentences first.
        sec.blocks.append(Paragraph.plain(L["no_themes"]))
        summary["no_themes"] = True
        for prov in provinces:
            ids = set(fam.loc[fam["province"] == prov, "sentence_id"])
            if ids:
                t = {"basis": "report", "key": prov, "label": "", "provinces": (prov,),
                     "ids": ids, "n": len(ids)}
                sec.blocks.append(claim(t, "report"))
        return sec, summary
    shared = [t for t in by_theme if len(t["provinces"]) >= threshold] if k > 1 else []
    distinct = [t for t in by_theme if len(t["provinces"]) == 1]
    partial = [t for t in by_theme if 1 < len(t["provinces"]) < threshold]

    if k > 1:
        sec.blocks.append(Heading(3, L["shared_heading"].format(min=threshold)))
    if 1 < k < min_shared:
        sec.blocks.append(Paragraph.plain(L["too_few_provinces"].format(k=k, min=min_shared)))
    if k > 1 and not shared:
        sec.blocks.append(Paragraph.plain(L["none_shared"].format(
            family=fam_name, min=threshold, k=k)))
    for t in shared:
        sec.blocks.append(claim(t, "shared"))
        summary["shared" if t["basis"] == "subtheme" else "shared_codes"].append(t["label"])
    if partial:
        items = [f"{t['label']} ({join_items(t['provinces'], L)})" for t in partial]
        sec.blocks.append(Paragraph.plain(L["partial"].format(min=threshold,
                                                              items="; ".join(items))))

    sec.blocks.append(Heading(3, L["distinct_heading"]))
    if not distinct:
        sec.blocks.append(Paragraph.plain(L["none_distinct"]))
    distinct.sort(key=lambda t: (order[t["provinces"][0]], basis_rank[t["basis"]], -t["n"],
                                 t["label"], t["key"]))
    for t in distinct:
        sec.blocks.append(claim(t, "distinctive"))
    summary["n_distinct"] = sum(1 for t in distinct if t["basis"] == "subtheme")
    return sec, summary


def build_brief(documents: pd.DataFrame, sentences: pd.DataFrame,
                entities: pd.DataFrame | None, *, coded: pd.DataFrame | None = None,
                profile: pd.DataFrame | None = None,
                figures: Mapping[str, str | Path] | None = None,
                methods: Mapping | None = None, provinces: Sequence[str] | None = None,
                lang: str = "vi", max_quotes: int = 3, min_shared: int = 3,
                max_quotes_distinctive: int = 2, max_quote_chars: int = 320,
                max_entity_rows: int = 15,
                generated: str | _date | None = None, title: str | None = None) -> Brief:
    """The comparative brief of ``provinces`` (default: every province, in documents' order).

    A theme (sub-theme, or codebook code if ``coded`` is given) is *shared* when its sentences
    come from ``min_shared`` or more provinces (from all of them when fewer are compared) and
    *distinctive* when from one only. A shared claim carries up to ``max_quotes`` verbatim
    quotes, a distinctive one up to ``max_quotes_distinctive`` (one province: fewer suffice);
    quotes longer than ``max_quote_chars`` are cut at a word boundary. Entity tables show at
    most ``max_entity_rows`` rows per province and kind. Republished copies
    (``duplicate_of``) are listed but never counted or quoted. ``generated`` (default today)
    dates the brief.
    """
    if max_quotes < 1:
        raise ValueError("max_quotes must be at least 1")
    if min_shared < 2:
        raise ValueError("min_shared must be at least 2")
    L = labels(lang)
    docs = _prepare_documents(documents)
    chosen = _resolve_provinces(docs, provinces)
    content = _content(sentences, docs, chosen)
    figs = {str(name): load_png(str(name), path) for name, path in (figures or {}).items()}
    if isinstance(generated, _date):
        generated = generated.isoformat()
    generated = generated or config.today().isoformat()
    title = title or L["title"]

    reports, n_reports, per_province = reports_section(docs, chosen, L)
    family_secs, summaries = [], {}
    for fam in COMPARED_FAMILIES:
        sec, summaries[fam] = _family_section(fam, content, coded, chosen, L, lang, max_quotes,
                                              min_shared, max_quote_chars,
                                              max_quotes_distinctive)
        family_secs.append(sec)

    glance = []
    for fam in COMPARED_FAMILIES:
        s = summaries[fam]
        name = L["family_headings"][fam]
        if s["empty"]:
            line = f"{name}: " + L["family_empty"].format(family=L["families"][fam])
        elif s.get("no_themes"):
            line = f"{name}: " + L["glance_no_themes"]
        elif s["shared"] or s["shared_codes"]:
            items = "; ".join(s["shared"])
            if s["shared_codes"]:
                codes = L["glance_codes"].format(items="; ".join(s["shared_codes"]))
                items = f"{items} ({codes})" if items else codes
            line = L["glance_shared"].format(family=name, min=s["threshold"], items=items)
        elif len(chosen) > 1:
            line = L["glance_none_shared"].format(family=name, min=s["threshold"])
        else:
            line = name + "."
        if s["n_distinct"]:
            key = "glance_distinct_one" if s["n_distinct"] == 1 else "glance_distinct"
            line += " " + L[key].format(n=s["n_distinct"])
        glance.append(Paragraph.plain(line))

    front: list[Block] = [
        Paragraph.plain(L["generated"].format(date=generated)),
        Paragraph.plain(L["provinces_compared"].format(provinces=join_items(chosen, L))),
        Paragraph.plain(L["intro"].format(k=len(chosen))),
        Heading(2, L["glance_heading"]),
        Bullets(tuple(glance)),
    ]
    sections = [reports, profile_section(figs, profile, chosen, L), *family_secs,
                entities_section(entities, docs, chosen, L, max_entity_rows),
                methods_section(methods, L, len(chosen), n_reports, per_province,
                                 coded is not None and not coded.empty)]
    return Brief(title=title, lang=lang, generated=generated, provinces=chosen, front=front,
                 sections=sections)


