"""The sections of the brief built on claims: for limitations, priorities and models, the
aspects stated by three or more provinces, by two, by one, and the provinces that state none;
the formulas several provinces share; the appendix of every claim quoted.

A finding is an aspect (a codebook code) of the claims of one family; it is backed by the claims
themselves, quoted whole with the words that matched in bold, each claim quoted once per
section (its other aspects listed beside it). Framing claims and slogans are never evidence.
"""
from __future__ import annotations

import re
from typing import Sequence

import pandas as pd

from dvlib.report.brief.blocks import Claim, Heading, Paragraph, Quote, Section, labels
from dvlib.report.brief.fmt import blank_str, join_items
from dvlib.schema import COMPARED_FAMILIES
from dvlib.text.normalize import match_form, nfc

# Claims quoted per province under one finding (the rest are counted, and every claim quoted
# anywhere is listed in the appendix): keeps five reports to about ten pages.
MAX_QUOTES_PER_PROVINCE = 1
MAX_FORMULAS = 3  # the fourth on the seeds was the name of a regulation: trivia


def evidence_claims(claims: pd.DataFrame, docs: pd.DataFrame, provinces: Sequence[str]) -> pd.DataFrame:
    """The claims that may serve as evidence: of the chosen provinces' original reports, not
    framing, with province, outlet, date and file beside them."""
    if claims is None or claims.empty:
        return pd.DataFrame(columns=["claim_id", "province", "family", "aspects"])
    cl = claims.copy()
    for col in ("doc_id", "sentence_id", "claim_id", "text", "family", "aspects", "aspect_terms"):
        cl[col] = blank_str(cl[col]) if col in cl.columns else ""
    framing = cl["framing"] if "framing" in cl.columns else pd.Series(False, index=cl.index)
    cl = cl[~framing.astype(str).str.lower().isin(["true", "1"])]
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(list(provinces))]
    meta = originals[["doc_id", "province", "date", "outlet", "file_name"]]
    cl = cl.drop(columns=[c for c in meta.columns if c != "doc_id" and c in cl.columns])
    cl = cl.merge(meta, on="doc_id", how="inner")
    cl["text"] = cl["text"].map(nfc)
    cl["_start"] = pd.to_numeric(cl.get("start", 0), errors="coerce").fillna(0)
    return cl.sort_values(["doc_id", "_start", "claim_id"], kind="stable").reset_index(drop=True)


def terms_of(aspect_terms: str, code: str | None = None) -> list[str]:
    """The matched words in an ``aspect_terms`` cell, of one code or of all."""
    out = []
    for part in str(aspect_terms or "").split("|"):
        key, _, words = part.partition("=")
        if words and (code is None or key == code):
            out += [w for w in words.split(";") if w.strip()]
    return out


def marks(text: str, words: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` where ``words`` occur (whole syllables, case and tone placement aside),
    merged where they overlap."""
    form = match_form(text)
    spans = []
    for w in words:
        pat = re.escape(match_form(w).strip()).replace(r"\ ", r"\s+")
        spans += [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){pat}(?!\w)", form)]
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def claim_quote(row, code: str | None, names: dict, note_tpl: str = "") -> Quote:
    """A claim quoted whole, the words of ``code`` (all aspects if None) marked, its other
    aspects in ``note``."""
    others = [names.get(a, a) for a in str(row.aspects).split("|") if a and a != code]
    note = note_tpl.format(aspects=", ".join(others)) if others and note_tpl else ""
    # Cited by province and claim id only: the table of reports gives outlet, date and file.
    return Quote(text=row.text, full_text=row.text, truncated=False, province=row.province,
                 outlet=row.outlet, date=row.date, file=row.file_name, short_cite=True,
                 sentence_id=row.claim_id, doc_id=row.doc_id, family_score=0.0,
                 marks=marks(row.text, terms_of(row.aspect_terms, code)), note=note)


def _n_claims(n: int, L: dict) -> str:
    return L["claim_one" if n == 1 else "claim_other"].format(n=n)


def aspect_table(ev: pd.DataFrame, family: str, provinces: Sequence[str]) -> pd.DataFrame:
    """One row per (aspect, claim) of ``family``: aspect, claim_id, province."""
    fam = ev[(ev["family"] == family) & (ev["aspects"] != "")]
    rows = [(a, r.claim_id, r.province) for r in fam.itertuples(index=False)
            for a in r.aspects.split("|") if a]
    return pd.DataFrame(rows, columns=["aspect", "claim_id", "province"])


def findings_section(family: str, ev: pd.DataFrame, provinces: Sequence[str], names: dict,
                     silent_reasons: dict, L: dict, used: set,
                     intro: bool = True) -> tuple[Section, dict]:
    """The section of one family: findings by number of provinces, then those stating none.

    ``silent_reasons`` maps a province to why its report states nothing of this family (the
    kind of text), ``used`` collects the claim ids quoted (for the appendix); ``intro`` says how
    claims are quoted (once, in the first of the three sections). Returns the
    section and a summary {aspect: provinces} of the findings stated by the most provinces.
    """
    fam_name = L["families_plural"][family]
    sec = Section(key=family, heading=L["family_headings"][family])
    if intro:
        sec.blocks.append(Paragraph.plain(L["f_intro"]))
    k = len(provinces)
    order = {p: i for i, p in enumerate(provinces)}
    table = aspect_table(ev, family, provinces)
    by_id = ev.set_index("claim_id")
    findings = []
    for aspect, grp in table.groupby("aspect", sort=False):
        provs = sorted(set(grp["province"]), key=order.__getitem__)
        findings.append((aspect, provs, list(dict.fromkeys(grp["claim_id"]))))
    findings.sort(key=lambda f: (-len(f[1]), -len(f[2]), names.get(f[0], f[0])))
    many = min(3, k)
    groups = [(L["f_many"].format(min=many) if k >= 3 else L["f_all"].format(k=k),
               [f for f in findings if len(f[1]) >= many])]
    if k >= 3:
        groups.append((L["f_two"], [f for f in findings if len(f[1]) == 2]))
    if k >= 2:
        groups.append((L["f_one"], [f for f in findings if len(f[1]) == 1]))
    quoted_under: dict[str, str] = {}
    for heading, items in groups:
        if not items:  # one line, not a heading over "none"
            sec.blocks.append(Paragraph.plain(f"{heading}: {L['f_none_group'].lower()}"))
            continue
        sec.blocks.append(Heading(3, heading))
        for aspect, provs, ids in items:
            label = names.get(aspect, aspect)
            quotes, seen = [], []
            for prov in provs:
                mine = [c for c in ids if by_id.at[c, "province"] == prov]
                fresh = [c for c in mine if c not in quoted_under]
                for cid in fresh[:MAX_QUOTES_PER_PROVINCE]:
                    row = by_id.loc[cid]
                    quotes.append(claim_quote(_Row(cid, row), aspect, names, L["f_also"]))
                    quoted_under[cid] = label
                if not fresh and mine:  # backed by a claim quoted under another aspect
                    seen.append(L["f_seen"].format(province=prov, claim_id=mine[0],
                                                   label=quoted_under[mine[0]]))
            n = _n_claims(len(ids), L)
            if seen:  # said in the finding's own line, not in a paragraph of its own
                n += "; " + "; ".join(seen)
            line = L["f_finding"].format(label=label, provinces=join_items(provs, L), n=n)
            sec.blocks.append(Claim(family=family, kind="finding", basis="aspect", key=aspect,
                                    label=label, provinces=tuple(provs), n_sentences=len(ids),
                                    sentence=Paragraph.plain(line), quotes=tuple(quotes)))
    used.update(quoted_under)
    stating = set(table["province"])
    none = [p for p in provinces if p not in stating]
    # one paragraph led by what would have been its heading: a heading over one line is space
    if not none:
        sec.blocks.append(Paragraph.plain(L["f_none_all"]))
    else:
        has_family = set(ev.loc[ev["family"] == family, "province"])
        items = []
        for p in none:
            why = silent_reasons.get(p) or (L["f_none_unaspected"] if p in has_family
                                            else L["f_none_nothing"]).format(family=fam_name)
            items.append(f"{p} ({why.rstrip('.')})")
        sec.blocks.append(Paragraph.plain(f"{L['f_none_heading']}: "
                                          + L["f_none"].format(provinces="; ".join(items))))
    top = {a: p for a, p, _ in findings if len(p) >= many and k >= 2}
    return sec, {"shared": top, "none": none}


class _Row:
    """A claims row as attributes, with its id (``by_id.loc`` drops the index)."""
    def __init__(self, claim_id, row):
        self.claim_id = claim_id
        self.__dict__.update(row.to_dict())


def formulas_section(formulas: pd.DataFrame | None, ev: pd.DataFrame, provinces: Sequence[str],
                     L: dict) -> tuple[Section, list]:
    """The formulas several provinces share, each with its passages side by side (one
    sentence per province, the shared words in bold). Formulas inside the compared families'
    claims come first, then by number of provinces and score."""
    sec = Section(key="formulas", heading=L["formulas_heading"])
    sec.blocks.append(Paragraph.plain(L["formulas_intro"]))
    chosen: list = []
    if formulas is None or formulas.empty:
        sec.blocks.append(Paragraph.plain(L["f_none_group"]))
        return sec, chosen
    f = formulas.copy()
    for col in ("province", "sentence_id", "quote", "text", "phrase", "doc_id"):
        f[col] = blank_str(f[col]).map(nfc)
    f = f[f["province"].isin(list(provinces))]
    compared = set(ev.loc[ev["family"].isin(["limitation", "priority", "model"]), "sentence_id"])
    limits = set(ev.loc[ev["family"] == "limitation", "sentence_id"])
    stats = []
    edge = {match_form(w) for w in labels("vi")["formula_edge_words"]}
    for fid, grp in f.groupby("formula_id", sort=False):
        provs = sorted(set(grp["province"]), key=list(provinces).index)
        if len(provs) < 2 or _fragment(grp["quote"].iloc[0], edge):
            continue
        # formulas inside the claims compared (a shared hedge such as "có lúc, có việc" in
        # limitations) tell a reader more than shared names of plans and movements
        in_claims = grp["sentence_id"].isin(compared).any()
        in_limits = grp["sentence_id"].isin(limits).any()
        score = pd.to_numeric(grp["score"], errors="coerce").max()
        stats.append((not in_limits, not in_claims, -len(provs), -score, fid, provs, grp))
    stats.sort(key=lambda s: s[:5])
    seen_sentences: set = set()
    shown: list[list[str]] = []
    quoted: dict[str, str] = {}
    for *_, fid, provs, grp in stats:
        sents = set(grp["sentence_id"])
        first = grp.drop_duplicates("province")
        phrase = first["quote"].iloc[0]
        words = re.findall(r"\w+", match_form(phrase))
        # a sub-phrase of a formula already shown: its passages are shown, and most of its
        # words ("có lúc, có việc" beside "có lúc, có nơi" is a formula of its own)
        if sents <= seen_sentences and any(2 * _common_run(words, w) >= len(words)
                                           or _common_run(words, w) == len(w) for w in shown):
            continue  # (or it holds a whole wording already shown: "Công tác tuyên truyền có
            # lúc, có việc" once "có lúc, có nơi" and its variant "có lúc, có việc" are shown)
        seen_sentences |= sents
        shown.append(words)
        if "variant" in grp.columns:  # a stock formula's wordings count as shown too
            shown += [re.findall(r"\w+", match_form(v)) for v in set(blank_str(grp["variant"])) if v]
        quotes, seen = [], []
        for r in first.itertuples():
            q = _passage(r, ev)
            if q.sentence_id in quoted:  # each passage quoted once in the section
                seen.append(L["f_seen"].format(province=r.province, claim_id=q.sentence_id,
                                               label=quoted[q.sentence_id]))
            else:
                quoted[q.sentence_id] = phrase
                quotes.append(q)
        line = L["formula_item"].format(phrase=phrase, provinces=join_items(provs, L))
        if seen:
            line += " (" + "; ".join(seen) + ")"
        quotes = tuple(quotes)
        sec.blocks.append(Claim(family="", kind="formula", basis="formula", key=str(fid),
                                label=phrase, provinces=tuple(provs), n_sentences=len(grp),
                                sentence=Paragraph.plain(line), quotes=quotes))
        chosen.append((phrase, provs))
        if len(chosen) >= MAX_FORMULAS:
            break
    return sec, chosen


def _common_run(a: list[str], b: list[str]) -> int:
    """The length of the longest run of words ``a`` and ``b`` share."""
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            n = 0
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            best = max(best, n)
    return best


def _fragment(phrase: str, edge: set) -> bool:
    """A run of words cut at a connective ("viên, hội viên và"): shared by every report
    because the language is, not a formula a reader would name."""
    words = re.findall(r"\w+", match_form(phrase))
    return not words or words[0] in edge or words[-1] in edge


def _passage(r, ev: pd.DataFrame) -> Quote:
    """The passage of a formula: the claim holding it (else its sentence), the formula marked."""
    text, pid = r.text, r.sentence_id
    meta = ev[ev["doc_id"] == r.doc_id].head(1)
    outlet, date, file = (meta[["outlet", "date", "file_name"]].iloc[0].tolist()
                          if len(meta) else ("", "", ""))
    for c in ev[ev["sentence_id"] == r.sentence_id].itertuples(index=False):
        if match_form(r.quote) in match_form(c.text):
            text, pid = c.text, c.claim_id
            break
    return Quote(text=text, full_text=text, truncated=False, province=r.province, outlet=outlet,
                 date=date, file=file, sentence_id=pid, doc_id=r.doc_id, family_score=0.0,
                 marks=marks(text, [r.quote]), short_cite=True)


def appendix_section(ev: pd.DataFrame, used: set, provinces: Sequence[str], names: dict,
                     L: dict) -> Section:
    """Every claim quoted in the brief, by province and report, grouped by family, in the order
    of the report. Each claim's whole text (and its aspects) is in the section where it is
    quoted, so the appendix lists ids only, without the report id they all start with."""
    sec = Section(key="appendix", heading=L["appendix_heading"])
    sec.blocks.append(Paragraph.plain(L["appendix_intro"]))
    quoted = ev[ev["claim_id"].isin(used)]
    for prov in provinces:
        for doc_id, rows in quoted[quoted["province"] == prov].groupby("doc_id", sort=False):
            by_family = []
            for fam in [f for f in COMPARED_FAMILIES if f in set(rows["family"])]:
                ids = [_short_id(c, doc_id) for c in rows.loc[rows["family"] == fam, "claim_id"]]
                by_family.append(f"{L['families'].get(fam, fam)}: {', '.join(ids)}")
            sec.blocks.append(Paragraph.plain(L["appendix_item"].format(
                province=prov, doc_id=doc_id, n=_n_claims(len(rows), L),
                items="; ".join(by_family))))
    return sec


def _short_id(claim_id: str, doc_id: str) -> str:
    """A claim id without its report's id ("s0021-c1"), the report being named beside it."""
    prefix = f"{doc_id}-"
    return claim_id[len(prefix):] if claim_id.startswith(prefix) else claim_id
