"""Document context: one pass over a document's sentences in order that computes every
feature row — cues, quantities, lead-ins — then tracks the section each sentence sits in (after
a limitations lead-in and the causes that follow it, inside a tasks section, inside a "Các tin
khác" trailer, in the passage describing a model just introduced), the title, the planned and
reviewed years, and the neighbours' cues.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd

from dvlib.label.features import (AGENDA, DENSE_FEATURES, DIGIT, END_PUNCT, NEEDS, PAST_DA, QUOTED,
                                  WORD, YEAR, YEAR_OPENER, YEAR_RANGE, blank_out, doc_years,
                                  may_match, prepare, quantities_of)
from dvlib.label.lexicon import (STRONG, CueLexicon, any_match, count_matches, cue_hits,
                                 first_match, is_furniture, load_cue_lexicon, mask)
from dvlib.schema import FAMILIES
from dvlib.text.lexicon import Scan
from dvlib.text.normalize import match_form, match_form_cached


def family_features(sentences: pd.DataFrame, lexicon: CueLexicon | None = None) -> pd.DataFrame:
    """Handcrafted features of every sentence, computed per document in sentence order.

    Returns a frame in the row order of ``sentences`` (with a fresh RangeIndex) holding
    :data:`DENSE_FEATURES`, the strong-cue counts ``strong_<family>``, and bookkeeping columns
    used by the rules and the evidence (``_mf`` match form, ``_cues``, ``_section``,
    ``_section_leadin``, ``_planned_year`` ...).
    """
    lex = lexicon or load_cue_lexicon()
    df = prepare(sentences).reset_index(drop=True)  # positional: the caller's index may repeat
    out = [pd.DataFrame(rows, index=pos) for pos, rows, _ in doc_rows_all(df, lex)]
    if not out:
        return pd.DataFrame(columns=DENSE_FEATURES)
    return pd.concat(out).loc[df.index]


BATCH = 4000  # sentences labelled at a time: feature rows are large, memory stays flat

def feature_rows(sentences: pd.DataFrame, lex: CueLexicon) -> tuple[list[dict], list[Scan]]:
    """Feature rows (dicts, as in :func:`family_features`) and scans, in input order."""
    rows, scans = [None] * len(sentences), [None] * len(sentences)
    for pos, batch_rows, batch_scans in feature_batches(sentences, lex, size=len(sentences)):
        for p, r, s in zip(pos, batch_rows, batch_scans):
            rows[p], scans[p] = r, s
    return rows, scans


def feature_batches(sentences: pd.DataFrame, lex: CueLexicon, size: int | None = None):
    """(row positions, feature rows, scans) for batches of whole documents of about ``size``
    (default :data:`BATCH`) sentences; documents are independent, so batches change nothing."""
    size = size or BATCH
    df = prepare(sentences).reset_index(drop=True)
    pos, rows, scans, done = [], [], [], 0
    for doc_pos, doc_rows, doc_scans in doc_rows_all(df, lex):
        pos.append(doc_pos)
        rows += doc_rows
        scans += doc_scans
        if len(rows) >= size:
            done += len(rows)
            yield np.concatenate(pos), rows, scans
            pos, rows, scans = [], [], []
    if rows:
        done += len(rows)
        yield np.concatenate(pos), rows, scans
    if done != len(df):  # rows without a doc_id (as family_features would fail)
        raise KeyError("every sentence needs a doc_id")


def doc_rows_all(df: pd.DataFrame, lex: CueLexicon):
    """(row positions in sentence order, feature rows, scans) for each document."""
    texts, paras = df["text"].tolist(), df["paragraph_index"].tolist()
    bps = df["boilerplate"].tolist()
    order = df["sentence_index"]
    numeric = isinstance(order.dtype, np.dtype) and order.dtype.kind in "iuf"  # else: pandas sorts
    order_values = order.to_numpy()
    for _doc, pos in df.groupby("doc_id", sort=False).indices.items():
        if numeric:
            pos = pos[np.argsort(order_values[pos], kind="stable")]
        else:
            pos = df.iloc[pos].sort_values(["sentence_index"], kind="stable").index.to_numpy()
        rows, scans = doc_rows([texts[p] for p in pos], [paras[p] for p in pos],
                                [bps[p] for p in pos], lex)
        yield pos, rows, scans


_PRI_MASKED_LISTS = (("section", "priority_leadins"), ("structure", "proposal"))
_FAMILY_KEYS = tuple((fam, f"cue_{fam}", f"strong_{fam}") for fam in FAMILIES)


def doc_rows(texts: list[str], paras: list, bps: list[str], lex: CueLexicon):
    """Feature rows of one document's sentences (in order), and the scan of each match form."""
    mfs = [match_form(t) for t in texts]  # same length as the text: cue spans quote the report
    n = len(texts)
    flats = [blank_out(YEAR_RANGE, mf) for mf in mfs]
    year_sets = [{int(y) for y in YEAR.findall(f)} if DIGIT.search(f) else set() for f in flats]
    planned, reviewed = doc_years(mfs, flats, year_sets)
    # a heading stands alone in its paragraph (without paragraphs every sentence does)
    per_para = Counter(paras)
    alone = [per_para[p] == 1 for p in paras]
    index = lex.index
    rows, cue_lists, scans = [], [], []
    for text, mf, bp, single, years in zip(texts, mfs, bps, alone, year_sets):
        r: dict = {}
        scan = index.scan(mf)
        scans.append(scan)
        hits = {fam: cue_hits(mf, text, lex, fam, scan) for fam in FAMILIES}
        cue_lists.append(hits)
        stripped = mf.strip()  # patterns below run on it; the scan of mf covers it
        lead = len(mf) - len(mf.lstrip())
        for fam, cue_key, strong_key in _FAMILY_KEYS:
            total, strong = 0.0, 0
            for _, w, _ in hits[fam]:
                total += w
                strong += w >= STRONG
            r[cue_key] = math.log1p(total)
            r[strong_key] = float(strong)
        r["initial_limitation"] = float(any(s - lead <= 12 and w >= STRONG for _, w, s in hits["limitation"]))
        r["initial_priority"] = float(any(s - lead <= 12 and w >= STRONG for _, w, s in hits["priority"]))
        r["imperative_initial"] = float(any_match(lex, ("imperative", None), scan, stripped))
        r["enumerator"] = float(any_match(lex, ("section", "enumerators"), scan, stripped))
        r["planned_year"] = float(planned is not None and planned in years)
        # a year is "past" only relative to a planned year the document names
        r["past_year"] = float(planned is not None and any(y < planned for y in years))
        nums, ratios, pct, money = quantities_of(mf)
        r["n_numbers"] = math.log1p(nums)
        r["has_ratio"], r["has_percent"], r["has_money"] = float(ratios > 0), float(pct > 0), float(money > 0)
        quotes = [m.span() for m in QUOTED.finditer(text)] if may_match(NEEDS[QUOTED], text) else []
        n_quotes = len(quotes)
        r["n_quoted"] = math.log1p(n_quotes)
        # shortcoming words outside quoted words (a villager's “lúc đầu bà con chưa quen”)
        r["_strong_lim_unquoted"] = sum(
            1 for _, w, st in hits["limitation"] if w >= STRONG and not any(a <= st < b for a, b in quotes))
        r["named_model"] = float(any(w >= STRONG for _, w, _ in hits["model"]))
        r["result_words"] = math.log1p(count_matches(lex, ("result_words", None), scan, mf))
        syl = len(scan.words)
        r["n_syllables"] = math.log1p(syl)
        r["heading_like"] = float(single and 0 < syl <= 15 and not END_PUNCT.search(stripped))
        # a title may be longer than a section heading
        r["_title_like"] = bool(single and 0 < syl <= 30 and not END_PUNCT.search(stripped))
        r["_colon_heading"] = bool(single and 0 < syl <= 15 and stripped.endswith(":"))
        r["ends_colon"] = float(stripped.endswith(":"))
        other_masked, other_scan = mask(lex, "other", scan, stripped)
        r["framing"] = float(any_match(lex, ("framing", None), other_scan, other_masked))
        results = nums > 0 or ratios > 0 or pct > 0 or r["result_words"] > 0
        r["n_named"] = math.log1p(sum(1 for _, w, _ in hits["model"] if w >= STRONG))
        r["named_x_results"] = r["named_model"] * float(results)
        r["named_clean"] = r["named_model"] * float(not results and r["strong_limitation"] == 0)
        r["_quantities"] = nums + ratios + pct + money
        # an event-framing sentence ("X tổ chức hội nghị đánh giá kết quả ..., triển khai nhiệm
        # vụ năm 2024") whose only content words are in its agenda is framing
        r["_framing_only"] = False
        if r["framing"] and not r["_quantities"] and ";" not in mf and not r["imperative_initial"]:
            agenda_free = AGENDA.sub(lambda m: " " * len(m.group(0)), mf)
            agenda_scan = index.scan(agenda_free)
            r["_framing_only"] = not any(
                w >= STRONG for fam in ("limitation", "priority", "achievement", "model")
                for _, w, _ in cue_hits(agenda_free, text, lex, fam, agenda_scan)
            )
        r["boilerplate"] = float(bool(bp))
        r["domain_terms"] = math.log1p(count_matches(lex, ("domain", None), scan, mf))
        # limitation words inside "để khắc phục những hạn chế trên, ... giải pháp sau:" are masked
        heading = r["heading_like"] or r["_colon_heading"]
        text_s = text.strip()  # aligned with `stripped` (match_form keeps lengths)
        lim_masked, lim_scan = mask(lex, "limitation", scan, stripped)
        lim_quote = first_match(lex, ("section", "limitation_leadins"), lim_scan, lim_masked, text_s)
        if lim_quote is None and heading:
            lim_quote = first_match(lex, ("section", "limitation_headings"), scan, stripped, text_s, whole=True)
        if any(k in scan.lists or k in lex.anchored for k in _PRI_MASKED_LISTS):
            pri_masked, pri_scan = mask(lex, "priority", scan, stripped)
        else:  # nothing to find there, masked or not: spare the masking
            pri_masked, pri_scan = stripped, scan
        pri_quote = first_match(lex, ("section", "priority_leadins"), pri_scan, pri_masked, text_s)
        if pri_quote is None and heading:
            pri_quote = first_match(lex, ("section", "priority_headings"), scan, stripped, text_s, whole=True)
        # a sentence naming the planned year with a task word opens the tasks part too
        if pri_quote is None and r["planned_year"] and hits["priority"] and r["strong_limitation"] == 0:
            pri_quote = text_s
        # "Năm 2025 là năm ...", "Bước sang năm 2025, ..." open the tasks part (the planned year)
        if (pri_quote is None and planned is not None and r["strong_limitation"] == 0
                and r["strong_achievement"] == 0 and not r["_quantities"] and not PAST_DA.search(stripped)):
            m = YEAR_OPENER.match(stripped)
            if m and int(m.group(1)) == planned:
                pri_quote = text_s
        # the agenda of a meeting ("tổng kết năm 2024, triển khai nhiệm vụ năm 2025") in a
        # headline or a framing sentence announces the tasks, it does not list them
        if pri_quote is not None and may_match(NEEDS[AGENDA], stripped) and AGENDA.search(stripped):
            agenda_free = AGENDA.sub(lambda m: " " * len(m.group(0)), stripped)
            free_masked, free_scan = mask(lex, "priority", index.scan(agenda_free), agenda_free)
            if (first_match(lex, ("section", "priority_leadins"), free_scan, free_masked, text_s) is None
                    and not cue_hits(agenda_free, text_s, lex, "priority", free_scan)):
                pri_quote = None
        r["_leadin_lim"] = lim_quote is not None
        r["_leadin_pri"] = pri_quote is not None and not r["framing"]
        r["_cause_leadin"] = any_match(lex, ("section", "limitation_causes"), lim_scan, lim_masked)
        r["_furniture"] = None  # (site furniture: computed when needed, see is_furniture)
        r["_model_intro"] = any_match(lex, ("structure", "model_intro"), scan, mf)
        r["model_intro"] = float(r["_model_intro"])
        r["model_list"] = float(n_quotes >= 2 and any_match(lex, ("structure", "model_list"), scan, mf))
        r["_model_desc"] = (any_match(lex, ("structure", "model_description"), scan, stripped)
                            or any_match(lex, ("structure", "speech"), scan, stripped))
        r["_photo_credit"] = any_match(lex, ("structure", "photo_credit"), scan, stripped)
        r["_praise"] = any_match(lex, ("structure", "praise"), scan, mf)
        r["_proposal"] = any_match(lex, ("structure", "proposal"), pri_scan, pri_masked)
        r["_leadin_quote"] = lim_quote if r["_leadin_lim"] else (pri_quote or "")
        r["_event_headline"] = bool(
            r["_title_like"] and not r["_quantities"] and any_match(lex, ("headline_events", None), scan, stripped)
        )
        r["_trailer_head"] = bool(any_match(lex, ("section", "trailer_headings"), scan, stripped))
        r["_bp"] = bp
        rows.append(r)

    def furniture(i: int) -> bool:
        if rows[i]["_furniture"] is None:
            rows[i]["_furniture"] = is_furniture(lex, scans[i], mfs[i].strip())
        return rows[i]["_furniture"]

    # the title: the first line that is neither site furniture nor boilerplate
    title = next((i for i, r in enumerate(rows) if not r["_bp"] and texts[i].strip() and not furniture(i)), None)

    # section pass: the section a sentence sits in is set by the lead-ins before it
    state, leadin_text = None, ""
    after_future = after_lim = False
    passage = 0  # sentences that may still describe the model introduced just before
    for i, r in enumerate(rows):
        if r["_trailer_head"] or r["_bp"] == "trailer":
            state, leadin_text = "trailer", texts[i].strip()
        r["_section"], r["_section_leadin"] = state, leadin_text
        r["_cause_after_lim"] = bool(r["_cause_leadin"] and after_lim and state != "trailer")
        # a caption (the line before a photo credit) or a description continues the passage
        caption = i + 1 < n and rows[i + 1]["_photo_credit"] and r["n_syllables"] <= math.log1p(40)
        r["_model_passage"] = bool(passage and state is None and (r["_model_desc"] or caption))
        r["model_passage"] = float(r["_model_passage"])
        r["sec_limitation"] = float(state == "limitation")
        r["sec_priority"] = float(state == "priority")
        r["sec_trailer"] = float(state == "trailer")
        r["leadin_limitation"] = float(r["_leadin_lim"])
        r["leadin_priority"] = float(r["_leadin_pri"])
        r["after_future"] = float(after_future)
        r["after_limitation"] = float(after_lim)
        if state == "trailer":
            continue
        own_other = r["strong_limitation"] == 0 and (r["strong_achievement"] + r["strong_priority"]) > 0
        # (a lead-in inside a section of its own kind keeps it: "IV. KIẾN NGHỊ" after "III.
        # NHIỆM VỤ" is not a heading that closes the tasks)
        if r["_leadin_lim"]:
            if state != "limitation":
                state, leadin_text = "limitation", r["_leadin_quote"]
        elif r["_leadin_pri"]:
            if state != "priority":
                state, leadin_text = "priority", r["_leadin_quote"]
        elif r["_cause_after_lim"]:
            if state != "limitation":
                state, leadin_text = "limitation", texts[i].strip()
        elif state == "limitation" and own_other and not r["enumerator"]:
            # a sentence with results or tasks of its own closes a limitations list
            state, leadin_text = None, ""
        elif state is not None and r["heading_like"] and not r["enumerator"] and r["cue_other"] == 0:
            # a new (sub)heading starts a new part of the report
            state, leadin_text = None, ""
        if r["_leadin_pri"]:
            after_future = True
        if r["strong_limitation"]:
            after_lim = True
        if r["_model_passage"]:
            passage -= 1
        elif not (passage and (r["_photo_credit"] or furniture(i))):  # a credit line: skip
            passage = 4 if (r["_model_intro"] and state is None) else 0

    # interactions and neighbours
    for i, r in enumerate(rows):
        no_other_cue = (r["strong_priority"] + r["strong_achievement"] + r["strong_model"]) == 0
        past = r["past_year"] or any(h[0] and match_form_cached(h[0]).startswith("đã") for h in cue_lists[i]["achievement"])
        r["sec_pri_x_imperative"] = r["sec_priority"] * r["imperative_initial"]
        r["sec_pri_x_enum"] = r["sec_priority"] * r["enumerator"]
        r["sec_lim_x_nocue"] = r["sec_limitation"] * float(no_other_cue)
        r["sec_lim_x_enum"] = r["sec_limitation"] * r["enumerator"]
        r["past_marker"] = float(bool(past))
        r["sec_pri_x_nopast"] = r["sec_priority"] * float(not past)
        r["_past"] = bool(past)
        prev = rows[i - 1] if i > 0 else None
        nxt = rows[i + 1] if i + 1 < n else None
        for fam in ("limitation", "priority", "achievement", "model"):
            r[f"prev_{fam}"] = prev[f"cue_{fam}"] if prev else 0.0
        for fam in ("limitation", "priority", "achievement"):
            r[f"next_{fam}"] = nxt[f"cue_{fam}"] if nxt else 0.0
        r["rel_position"] = i / max(n - 1, 1)
        r["first_heading"] = float(i == title and r["_title_like"])
        # a title "topic: claim" ("Tổng kết công tác dân vận năm 2024: Hệ thống dân vận ... tạo
        # đồng thuận") carries the claim; with no task or shortcoming word in it, a result
        r["_title_claim"] = False
        colon = mfs[i].find(":")
        if r["first_heading"] and colon > 0:
            head, claim = WORD.findall(mfs[i][:colon]), WORD.findall(mfs[i][colon + 1:])
            r["_title_claim"] = len(head) >= 3 and len(claim) >= 3 and not any(
                s > colon for fam in ("limitation", "priority") for _, _, s in cue_lists[i][fam]
            ) and not any_match(lex, ("imperative", None), scans[i], mfs[i][colon + 1:])  # a slogan
        r["_mf"] = mfs[i]
        r["_cues"] = cue_lists[i]
        r["_text"] = texts[i]
        r["_planned_year"] = planned
        r["_reviewed_year"] = reviewed
    return rows, scans


