"""Theme family of each sentence: limitation, priority, model, achievement or other.

The families and their tie rules are those of the annotation guide (copied into the docstring of
:class:`FamilyClassifier`). The classifier is a hybrid, because the gold set is tiny (216
sentences from five reports) and the reports it must work on come from other provinces:

1. **Cues as data** (``data/family_cues.yaml``): genre vocabulary per family, masks for look-alikes
   ("giải quyết khó khăn" is not a shortcoming), section lead-ins ("những hạn chế như:",
   "nhiệm vụ trọng tâm", "Thứ nhất:"), sentence-initial imperative verbs.
2. **Document context**: a per-document pass that tracks the section a sentence sits in (after a
   limitations lead-in, inside a tasks section, inside a "Các tin khác" trailer), which year is
   the reviewed one and which the planned one ("năm 2024" in a report on 2023), neighbouring
   sentences' cues and position.
3. **A learned model**: logistic regression (class_weight="balanced") over those handcrafted
   features plus down-weighted syllable n-grams of the match form.
4. **High-precision rules** on top, in the guide's tie order: site furniture, trailer news,
   datelines, attendance/chair/caption lines and event headlines are ``other``; items of a
   limitations list are ``limitation``; enumerated/imperative items of a tasks section are
   ``priority``; a strong task cue ("cần", "đề nghị", "thời gian tới" ...) before any "đã" makes
   ``priority``; otherwise a strong shortcoming cue ("chưa", "còn chậm", "hạn chế" ...) makes
   ``limitation``; a named model reported with figures or result words is ``achievement``.

Measured on the gold (leave-one-report-out) and on held-out snippets by
``scripts/evaluate_families.py``; without the rules the learned model alone scores lower.

Every label comes with ``family_score`` (probability-like, in [0, 1]) and ``family_evidence``
(the cue, section or rule that decided it), so a researcher can audit any row.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import StandardScaler

from dvlib.normalize import match_form, nfc
from dvlib.paths import data_file

FAMILIES = ("limitation", "priority", "model", "achievement", "other")
CUE_FILE = "family_cues.yaml"
GOLD_FILE = "gold_seed_sentences.csv"

_STRONG, _WEAK = 2.0, 1.0
_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------- lexicon


def _compile(entry: str) -> re.Pattern:
    """A lexicon entry -> regex on the match form, bounded at syllables.

    Literal phrases get syllable bounds on both sides; a regex ("re:...") gets a start bound,
    and an end bound when it ends in a letter or a group (not after "/", a quote or ":").
    """
    entry = str(entry)
    if entry.startswith("re:"):
        body = entry[3:]
        end = r"(?!\w)" if re.search(r"[\w)]$", body) else ""
        return re.compile(rf"(?<!\w)(?:{body}){end}")
    body = re.escape(match_form(entry).strip()).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True)
class CueLexicon:
    """Compiled cue lexicon (see ``data/family_cues.yaml``)."""

    cues: dict          # family -> tuple of (entry, pattern, weight)
    masks: dict         # family -> tuple of patterns whose spans do not count for that family
    imperative: tuple   # patterns anchored at the sentence start
    sections: dict      # kind -> tuple of patterns
    result_words: tuple
    framing: tuple
    domain: tuple
    headline_events: tuple
    furniture: dict       # evidence kind -> patterns (always "other")
    event_framing: dict   # dateline / event / attendance / chair / caption -> patterns


@lru_cache(maxsize=4)
def load_cue_lexicon(path: str | None = None) -> CueLexicon:
    """Load and compile the cue lexicon (cached; pass a path to use another YAML file)."""
    raw = yaml.safe_load(Path(path or data_file(CUE_FILE)).read_text(encoding="utf-8"))
    cues, masks = {}, {}
    for fam in FAMILIES:
        spec = raw["families"].get(fam, {}) or {}
        items = [(e, _compile(e), _STRONG) for e in spec.get("strong", []) or []]
        items += [(e, _compile(e), _WEAK) for e in spec.get("weak", []) or []]
        cues[fam] = tuple(sorted(items, key=lambda t: -t[2]))  # strong first (see _cue_hits)
        masks[fam] = tuple(_compile(e) for e in spec.get("mask", []) or [])
    imperative = tuple(
        re.compile(r"^\W*(?:" + re.escape(match_form(v).strip()) + r")(?!\w)")
        for v in raw.get("imperative_verbs", [])
    )
    sections = {k: tuple(_compile(e) for e in v or []) for k, v in raw.get("sections", {}).items()}
    # trailer headings must be the whole line, not a phrase inside a sentence
    sections["trailer_headings"] = tuple(
        re.compile(r"^\W*" + re.escape(match_form(e).strip()) + r"\W*$")
        for e in raw.get("sections", {}).get("trailer_headings", [])
    )
    return CueLexicon(
        cues=cues,
        masks=masks,
        imperative=imperative,
        sections=sections,
        result_words=tuple(_compile(e) for e in raw.get("result_words", [])),
        framing=tuple(_compile(e) for e in raw.get("framing", [])),
        domain=tuple(_compile(e) for e in raw.get("domain_terms", [])),
        headline_events=tuple(_compile(e) for e in raw.get("headline_events", [])),
        furniture={k: tuple(_compile(e) for e in v) for k, v in (raw.get("furniture") or {}).items()},
        event_framing={k: tuple(_compile(e) for e in v) for k, v in (raw.get("event_framing") or {}).items()},
    )


def _first_match(mf: str, text: str, patterns, whole: bool = False) -> str | None:
    """The report's own words for the first pattern that matches (the whole line if ``whole``)."""
    for pat in patterns:
        m = pat.search(mf)
        if m:
            return text if whole else text[m.start():m.end()].strip()
    return None


def _mask(mf: str, patterns) -> str:
    """Blank out spans (keeping length, so offsets still point into the text)."""
    for pat in patterns:
        mf = pat.sub(lambda m: " " * len(m.group(0)), mf)
    return mf


def _cue_hits(mf: str, text: str, lex: CueLexicon, fam: str) -> list[tuple[str, float, int]]:
    """Distinct cues of one family in a sentence: (surface form in the report, weight, start).

    A weak cue inside a strong cue's span is not counted twice ("chưa" inside "chưa thực sự").
    """
    masked = _mask(mf, lex.masks[fam])
    hits, covered = [], []
    for _entry, pat, weight in lex.cues[fam]:
        m = pat.search(masked)
        if not m or m.end() == m.start():
            continue
        if weight < _STRONG and any(a <= m.start() and m.end() <= b for a, b in covered):
            continue
        covered.append((m.start(), m.end()))
        hits.append((text[m.start():m.end()].strip(), weight, m.start()))
    return hits


# --------------------------------------------------------------------------- input handling


def _prepare(sentences: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns: doc_id, sentence_index, paragraph_index, text, boilerplate."""
    df = sentences.copy()
    if "text" not in df.columns:
        if "sentence" not in df.columns:
            raise KeyError("sentences need a 'text' (or 'sentence') column")
        df["text"] = df["sentence"]
    if "doc_id" not in df.columns:
        df["doc_id"] = df["file"] if "file" in df.columns else "doc"
    if "sentence_index" not in df.columns:
        df["sentence_index"] = df.groupby("doc_id", sort=False).cumcount()
    if "paragraph_index" not in df.columns:
        df["paragraph_index"] = df["sentence_index"]
    if "boilerplate" not in df.columns:
        df["boilerplate"] = ""
    df["text"] = df["text"].fillna("").astype(str).map(nfc)
    df["boilerplate"] = df["boilerplate"].fillna("").astype(str)
    return df


# --------------------------------------------------------------------------- features

_YEAR = re.compile(r"(?<![\w/.-])(19[5-9]\d|20[0-4]\d)(?![\w/-]|\.\d)")
_YEAR_RANGE = re.compile(r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d")
_DATE = re.compile(r"(?<![\w.])\d{1,2}/\d{1,2}(/\d{2,4})?(?![\w/])")
_DOC_CODE = re.compile(
    r"\d+\s*-\s*[a-zđ]+/[\w/-]+|(đề án|chương trình|kế hoạch|nghị quyết|chỉ thị|kết luận|quyết định|"
    r"quy định|quy chế|bài|phần|kỳ|số|khóa|lần thứ|điều|khoản|mục|tháng|ngày|quý|giờ)\s+\d+(?![\d/-]|[.,]\d)"
)
_DURATION = re.compile(r"(?<![\w.,])\d+ (tháng|năm|quý|tuần|ngày)(?!\w)")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")
_RATIO = re.compile(r"(?<![\w.,/])(\d[\d.]*)\s?/\s?(\d[\d.]*)(?![\w/])")
_NUMBER = re.compile(r"(?<![\w])\d[\d.,]*(?![\w])")
_PERCENT = re.compile(r"\d\s?%")
_MONEY = re.compile(r"(tỷ|triệu|nghìn|ngàn)\s+đồng|\d\s*(đồng|usd)(?!\w)")
_DASH_DATE = re.compile(r"(?<![\w.])\d{1,2}-\d{1,2}-\d{4}(?!\w)|/(19|20)\d\d(?!\w)")
_QUOTED = re.compile(r"[“\"‘«][^”\"’»“]{2,200}[”\"’»]")
_END_PUNCT = re.compile(r"[.!?;…:]\W*$")
_FORWARD = re.compile(
    r"((nhiệm vụ|phương hướng|mục tiêu|chỉ tiêu)( trọng tâm| chủ yếu| công tác)?( trong)?"
    r"|(triển khai|ký kết|phát động|đăng ký)[^.;]{0,40}?) năm (20\d\d)"
)
_AGENDA = re.compile(
    r"(nhằm |để )?(đánh giá|tổng kết|sơ kết|triển khai|bàn|thảo luận|quán triệt)"
    r"( kết quả| công tác| nhiệm vụ| kế hoạch| phương hướng| chương trình)[^;.]*"
)
_REVIEW = re.compile(r"(kết quả|tổng kết|đánh giá|sơ kết)[^.;]{0,60}?năm (20\d\d)")


def _doc_years(mfs: list[str]) -> tuple[int | None, int | None]:
    """(planned year, reviewed year) of a document, or None when it cannot tell.

    A year named with a plan ("nhiệm vụ năm 2024", "ký kết thi đua năm 2024") is the planned
    one; failing that, when a document names both Y-1 and Y, Y is planned.
    """
    forward, review, years = set(), set(), set()
    for mf in mfs:
        flat = _YEAR_RANGE.sub(" ", mf)
        forward |= {int(m.group(6)) for m in _FORWARD.finditer(flat)}
        review |= {int(m.group(2)) for m in _REVIEW.finditer(flat)}
        years |= {int(y) for y in _YEAR.findall(flat)}
    # "kết quả thực hiện nhiệm vụ năm 2023" is a reviewed year even though it says nhiệm vụ
    ahead = forward - review
    planned = max(ahead) if ahead else None
    if planned is None and years and max(years) - 1 in years and max(years) not in review:
        planned = max(years)
    reviewed = (planned - 1) if planned else (max(review) if review else None)
    return planned, reviewed


def _quantities(mf: str) -> tuple[int, int, int, int]:
    """(numbers, ratios like 209/209, percents, money amounts) ignoring dates, years, codes and
    anything inside quotes (names like “5 không, 3 sạch”)."""
    mf = _QUOTED.sub(" ", mf)
    flat = _DOC_CODE.sub(" ", mf)
    flat = _DURATION.sub(" ", flat)
    flat = _DASH_DATE.sub(" ", flat)
    flat = _TIME.sub(" ", flat)
    ratios = 0
    for m in _RATIO.finditer(flat):
        a, b = (int(re.sub(r"\D", "", g) or 0) for g in m.groups())
        if not (1 <= a <= 31 and 1 <= b <= 12):  # not a date
            ratios += 1
    flat = _DATE.sub(" ", flat)
    flat = _YEAR_RANGE.sub(" ", flat)
    flat = _YEAR.sub(" ", flat)
    numbers = len(_NUMBER.findall(flat))
    return numbers, ratios, len(_PERCENT.findall(mf)), len(_MONEY.findall(mf))


DENSE_FEATURES = [
    "cue_limitation", "cue_priority", "cue_model", "cue_achievement", "cue_other",
    "initial_limitation", "initial_priority", "imperative_initial", "enumerator",
    "planned_year", "past_year", "n_numbers", "has_ratio", "has_percent", "has_money",
    "n_quoted", "named_model", "result_words", "n_syllables", "heading_like", "ends_colon",
    "rel_position", "first_heading", "framing", "named_x_results", "named_clean", "n_named",
    "sec_limitation", "sec_priority", "sec_trailer", "leadin_limitation", "leadin_priority",
    "sec_pri_x_imperative", "sec_pri_x_enum", "sec_lim_x_nocue", "sec_lim_x_enum",
    "past_marker", "sec_pri_x_nopast",
    "prev_limitation", "prev_priority", "prev_achievement", "prev_model",
    "next_limitation", "next_priority", "next_achievement",
    "after_future", "after_limitation", "boilerplate", "domain_terms",
]

FEATURE_LABELS = {  # human-readable names for evidence strings
    "cue_limitation": "limitation cues", "cue_priority": "task cues",
    "cue_model": "model cues", "cue_achievement": "result cues", "cue_other": "framing cues",
    "imperative_initial": "sentence-initial task verb", "enumerator": "list item",
    "planned_year": "names the planned year", "past_year": "names a past year",
    "n_numbers": "quantities", "has_ratio": "ratio like 209/209", "has_percent": "percent",
    "has_money": "money amount", "n_quoted": "quoted names", "named_model": "named model",
    "heading_like": "heading", "framing": "meeting framing",
    "sec_limitation": "in limitations section", "sec_priority": "in tasks section",
    "prev_limitation": "shortcoming words before", "prev_priority": "task words before",
    "prev_achievement": "result words before", "prev_model": "model words before",
    "next_limitation": "shortcoming words after", "next_priority": "task words after",
    "next_achievement": "result words after",
    "after_future": "after a forward-looking passage", "first_heading": "headline",
    "named_clean": "named model without results", "named_x_results": "named model with results",
}


def family_features(sentences: pd.DataFrame, lexicon: CueLexicon | None = None) -> pd.DataFrame:
    """Handcrafted features of every sentence, computed per document in sentence order.

    Returns a frame in the row order of ``sentences`` (with a fresh RangeIndex) holding
    :data:`DENSE_FEATURES`, the strong-cue counts ``strong_<family>``, and bookkeeping columns
    used by the rules and the evidence (``_mf`` match form, ``_cues``, ``_section``,
    ``_section_leadin``, ``_planned_year`` ...).
    """
    lex = lexicon or load_cue_lexicon()
    df = _prepare(sentences).reset_index(drop=True)  # positional: the caller's index may repeat
    out = []
    for _doc, grp in df.groupby("doc_id", sort=False):
        grp = grp.sort_values(["sentence_index"], kind="stable")
        out.append(_doc_features(grp, lex))
    if not out:
        return pd.DataFrame(columns=DENSE_FEATURES)
    return pd.concat(out).loc[df.index]


def _doc_features(grp: pd.DataFrame, lex: CueLexicon) -> pd.DataFrame:
    texts = grp["text"].tolist()
    mfs = [match_form(t) for t in texts]  # same length as the text: cue spans quote the report
    n = len(texts)
    planned, reviewed = _doc_years(mfs)
    # a heading stands alone in its paragraph (without paragraphs every sentence does)
    paras = grp["paragraph_index"].tolist()
    per_para = Counter(paras)
    alone = [per_para[p] == 1 for p in paras]
    rows, cue_lists = [], []
    for text, mf, bp, single in zip(texts, mfs, grp["boilerplate"].tolist(), alone):
        r: dict = {}
        hits = {fam: _cue_hits(mf, text, lex, fam) for fam in FAMILIES}
        cue_lists.append(hits)
        stripped = mf.strip()
        lead = len(mf) - len(mf.lstrip())
        for fam in FAMILIES:
            r[f"cue_{fam}"] = math.log1p(sum(w for _, w, _ in hits[fam]))
            r[f"strong_{fam}"] = float(sum(1 for _, w, _ in hits[fam] if w >= _STRONG))
        r["initial_limitation"] = float(any(s - lead <= 12 and w >= _STRONG for _, w, s in hits["limitation"]))
        r["initial_priority"] = float(any(s - lead <= 12 and w >= _STRONG for _, w, s in hits["priority"]))
        r["imperative_initial"] = float(any(p.search(stripped) for p in lex.imperative))
        r["enumerator"] = float(any(p.search(stripped) for p in lex.sections.get("enumerators", ())))
        years = {int(y) for y in _YEAR.findall(_YEAR_RANGE.sub(" ", mf))}
        r["planned_year"] = float(planned is not None and planned in years)
        # a year is "past" only relative to a planned year the document names
        r["past_year"] = float(planned is not None and any(y < planned for y in years))
        nums, ratios, pct, money = _quantities(mf)
        r["n_numbers"] = math.log1p(nums)
        r["has_ratio"], r["has_percent"], r["has_money"] = float(ratios > 0), float(pct > 0), float(money > 0)
        r["n_quoted"] = math.log1p(len(_QUOTED.findall(text)))
        r["named_model"] = float(any(w >= _STRONG for _, w, _ in hits["model"]))
        r["result_words"] = math.log1p(sum(1 for p in lex.result_words if p.search(mf)))
        syl = len(_WORD.findall(mf))
        r["n_syllables"] = math.log1p(syl)
        r["heading_like"] = float(single and 0 < syl <= 15 and not _END_PUNCT.search(stripped))
        r["_colon_heading"] = bool(single and 0 < syl <= 15 and stripped.endswith(":"))
        r["ends_colon"] = float(stripped.endswith(":"))
        other_masked = _mask(stripped, lex.masks["other"])
        r["framing"] = float(any(p.search(other_masked) for p in lex.framing))
        results = nums > 0 or ratios > 0 or pct > 0 or r["result_words"] > 0
        r["n_named"] = math.log1p(sum(1 for _, w, _ in hits["model"] if w >= _STRONG))
        r["named_x_results"] = r["named_model"] * float(results)
        r["named_clean"] = r["named_model"] * float(not results and r["strong_limitation"] == 0)
        r["_quantities"] = nums + ratios + pct + money
        # an event-framing sentence ("X tổ chức hội nghị đánh giá kết quả ..., triển khai nhiệm
        # vụ năm 2024") whose only content words are in its agenda is framing
        r["_framing_only"] = False
        if r["framing"] and not r["_quantities"] and ";" not in mf and not r["imperative_initial"]:
            agenda_free = _AGENDA.sub(lambda m: " " * len(m.group(0)), mf)
            r["_framing_only"] = not any(
                w >= _STRONG for fam in ("limitation", "priority", "achievement", "model")
                for _, w, _ in _cue_hits(agenda_free, text, lex, fam)
            )
        r["boilerplate"] = float(bool(bp))
        r["domain_terms"] = math.log1p(sum(1 for p in lex.domain if p.search(mf)))
        # limitation words inside "để khắc phục những hạn chế trên, ... giải pháp sau:" are masked
        heading = r["heading_like"] or r["_colon_heading"]
        text_s = text.strip()  # aligned with `stripped` (match_form keeps lengths)
        lim_quote = _first_match(_mask(stripped, lex.masks["limitation"]), text_s,
                                 lex.sections.get("limitation_leadins", ()))
        if lim_quote is None and heading:
            lim_quote = _first_match(stripped, text_s, lex.sections.get("limitation_headings", ()), whole=True)
        pri_quote = _first_match(_mask(stripped, lex.masks["priority"]), text_s,
                                 lex.sections.get("priority_leadins", ()))
        if pri_quote is None and heading:
            pri_quote = _first_match(stripped, text_s, lex.sections.get("priority_headings", ()), whole=True)
        # a sentence naming the planned year with a task word opens the tasks part too
        if pri_quote is None and r["planned_year"] and hits["priority"] and r["strong_limitation"] == 0:
            pri_quote = text_s
        r["_leadin_lim"] = lim_quote is not None
        r["_leadin_pri"] = pri_quote is not None and not r["framing"]
        r["_leadin_quote"] = lim_quote if r["_leadin_lim"] else (pri_quote or "")
        r["_event_headline"] = bool(
            r["heading_like"] and not r["_quantities"] and any(p.search(stripped) for p in lex.headline_events)
        )
        r["_trailer_head"] = bool(any(p.search(stripped) for p in lex.sections["trailer_headings"]))
        r["_bp"] = bp
        rows.append(r)

    # section pass: the section a sentence sits in is set by the lead-ins before it
    state, leadin_text = None, ""
    after_future = after_lim = False
    for i, r in enumerate(rows):
        if r["_trailer_head"] or r["_bp"] == "trailer":
            state, leadin_text = "trailer", texts[i].strip()
        r["_section"], r["_section_leadin"] = state, leadin_text
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
        if r["_leadin_lim"] and state != "limitation":
            state, leadin_text = "limitation", r["_leadin_quote"]
        elif r["_leadin_pri"] and not r["_leadin_lim"] and state != "priority":
            state, leadin_text = "priority", r["_leadin_quote"]
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

    # interactions and neighbours
    for i, r in enumerate(rows):
        no_other_cue = (r["strong_priority"] + r["strong_achievement"] + r["strong_model"]) == 0
        past = r["past_year"] or any(h[0] and match_form(h[0]).startswith("đã") for h in cue_lists[i]["achievement"])
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
        r["first_heading"] = float(i == 0 and r["heading_like"])
        r["_mf"] = mfs[i]
        r["_cues"] = cue_lists[i]
        r["_text"] = texts[i]
        r["_planned_year"] = planned
        r["_reviewed_year"] = reviewed
    return pd.DataFrame(rows, index=grp.index)


# --------------------------------------------------------------------------- n-grams


def _ngram_text(mf: str) -> str:
    """Syllables of the match form, digits folded so numbers generalise."""
    return " ".join(re.sub(r"\d", "0", w) for w in _WORD.findall(mf))


# --------------------------------------------------------------------------- rules

_DA = re.compile(r"(?<!\w)đã(?!\w)")


def _other_rule(r: dict, lex: CueLexicon) -> str | None:
    """Evidence string when a sentence is clearly framing or site furniture, else None."""
    if r["_bp"]:
        return f"boilerplate: {r['_bp']}"
    if r["_section"] == "trailer" or r["_trailer_head"]:
        lead = r["_section_leadin"] or r["_text"].strip()
        return f'section: trailer after "{lead}"'
    s = r["_mf"].strip()
    for kind, patterns in lex.furniture.items():
        if any(p.search(s) for p in patterns):
            return f"framing: {kind}"
    ev = {k: any(p.search(s) for p in pats) for k, pats in lex.event_framing.items()}
    nsyl = len(_WORD.findall(s))
    content = r["strong_limitation"] + r["strong_priority"] + r["strong_achievement"]
    if ev.get("dateline") and ev.get("event") and r["strong_limitation"] == 0 and not r["_quantities"]:
        return "framing: dateline"
    if r["_framing_only"]:
        return "framing: meeting"
    if (r["first_heading"] and r["_event_headline"] and r["strong_limitation"] == 0
            and r["strong_priority"] == 0 and r["result_words"] == 0):
        return "framing: headline naming the event"
    if ev.get("attendance") and r["strong_limitation"] == 0:
        return "framing: attendance"
    if ev.get("chair") and nsyl <= 45 and content == 0:
        return "framing: chair"
    if nsyl <= 14 and ev.get("caption") and content == 0:
        return "framing: photo caption"
    return None


# --------------------------------------------------------------------------- classifier


class FamilyClassifier(ClassifierMixin, BaseEstimator):
    """Label each sentence of a report with a theme family (annotation guide).

    | family | the sentence mainly ... |
    |---|---|
    | limitation | states a shortcoming, weakness, difficulty or something not yet done |
    | priority | sets a task, direction or recommendation for the coming period |
    | model | identifies or describes a specific named model, movement, scheme, plan or contest |
    | achievement | reports a result, outcome or quantity that was reached |
    | other | frames the event or is not report content |

    Ties: a forward-looking task is priority; a shortcoming is limitation even inside a sentence
    crediting results; a named model as subject is model unless the sentence mainly reports what
    it achieved. Items after a limitations lead-in are limitations and items of a tasks section
    are priorities, even without a cue.

    Parameters
    ----------
    C : inverse regularisation of the logistic regression.
    ngram_weight : scale of the syllable n-gram block relative to the handcrafted features
        (0 switches n-grams off).
    ngram_range, min_df : of the syllable n-grams.
    rules : apply the high-precision rules (framing/furniture, section items) on top.
    lexicon_path : another cue lexicon (YAML) instead of ``data/family_cues.yaml``.
    random_state : seed of the solver (results are deterministic for a given value).
    """

    def __init__(self, C=0.2, ngram_weight=1.0, ngram_range=(1, 2), min_df=2, rules=True,
                 lexicon_path=None, random_state=0):
        self.C = C
        self.ngram_weight = ngram_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.rules = rules
        self.lexicon_path = lexicon_path
        self.random_state = random_state

    # -- helpers
    def _lexicon(self) -> CueLexicon:
        return load_cue_lexicon(str(self.lexicon_path) if self.lexicon_path else None)

    def _matrix(self, feats: pd.DataFrame, fit: bool):
        dense = feats[DENSE_FEATURES].to_numpy(dtype=float)
        if fit:
            self.scaler_ = StandardScaler(with_mean=False).fit(dense)
        blocks = [sparse.csr_matrix(self.scaler_.transform(dense))]
        if self.ngram_weight:
            docs = [_ngram_text(m) for m in feats["_mf"]]
            if fit:
                self.vectorizer_ = TfidfVectorizer(
                    analyzer="word", token_pattern=r"\S+", ngram_range=tuple(self.ngram_range),
                    min_df=self.min_df, sublinear_tf=True,
                )
                self.vectorizer_.fit(docs)
            blocks.append(self.vectorizer_.transform(docs) * float(self.ngram_weight))
        return sparse.hstack(blocks).tocsr()

    def _feature_names(self) -> list[str]:
        names = list(DENSE_FEATURES)
        if self.ngram_weight:
            names += [f'n-gram "{t}"' for t in self.vectorizer_.get_feature_names_out()]
        return names

    # -- sklearn API
    def fit(self, sentences: pd.DataFrame, y=None):
        if y is None:
            if "label" not in sentences.columns:
                raise KeyError("fit needs labels: a 'label' column or y")
            y = sentences["label"]
        y = np.asarray(y, dtype=object)
        unknown = set(y) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown family labels: {sorted(unknown)}")
        feats = family_features(sentences, self._lexicon())
        X = self._matrix(feats, fit=True)
        self.model_ = LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=5000, random_state=self.random_state,
        )
        self.model_.fit(X, y)
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _decide(self, sentences: pd.DataFrame):
        """(labels, probabilities over classes_, scores, evidence) in input order."""
        if len(sentences) == 0:
            return (np.array([], dtype=object), np.zeros((0, len(self.classes_))), np.array([]), [])
        feats = family_features(sentences, self._lexicon())
        X = self._matrix(feats, fit=False)
        proba = self.model_.predict_proba(X)
        classes = list(self.classes_)
        labels, scores, evidence = [], [], []
        contrib_names = self._feature_names()
        lex = self._lexicon()
        coef = self.model_.coef_
        for k, (_, r) in enumerate(feats.iterrows()):
            r = r.to_dict()
            p = proba[k]
            fam, ev_rule, rule_conf = None, None, None
            if self.rules:
                fam, ev_rule, rule_conf = _apply_rules(r, lex)
            if fam is None or fam not in classes:
                fam = classes[int(np.argmax(p))]
                score = float(p.max())
                if self.rules:
                    tied, ev_tie = _tie_break(r, fam)
                    if tied != fam and tied in classes:
                        fam, ev_rule = tied, ev_tie
                        score = max(float(p[classes.index(fam)]), 0.6)
            else:
                score = max(float(p[classes.index(fam)]), rule_conf)
            labels.append(fam)
            scores.append(round(min(max(score, 0.0), 1.0), 4))
            if len(classes) > 2:
                coef_row = coef[classes.index(fam)]
            else:  # binary: one row of coefficients, for classes_[1]
                coef_row = coef[0] if fam == classes[-1] else -coef[0]
            evidence.append(_evidence(r, fam, ev_rule, X[k], coef_row, contrib_names))
        return np.array(labels, dtype=object), proba, np.array(scores), evidence

    def predict(self, sentences: pd.DataFrame) -> np.ndarray:
        return self._decide(sentences)[0]

    def predict_proba(self, sentences: pd.DataFrame) -> np.ndarray:
        """Class probabilities (columns in ``classes_`` order); a rule's family gets at least
        the rule's confidence, and the row is renormalised."""
        labels, proba, scores, _ = self._decide(sentences)
        proba = proba.copy()
        classes = list(self.classes_)
        for k, fam in enumerate(labels):
            j = classes.index(fam)
            if proba[k, j] < scores[k]:
                rest = proba[k].sum() - proba[k, j]
                if rest > 0:
                    proba[k] *= (1 - scores[k]) / rest
                proba[k, j] = scores[k]
        return proba

    def transform(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``sentences`` with ``family``, ``family_score`` and ``family_evidence``."""
        labels, _, scores, evidence = self._decide(sentences)
        out = sentences.copy()
        out["family"] = labels
        out["family_score"] = scores
        out["family_evidence"] = evidence
        return out

    def score(self, sentences: pd.DataFrame, y=None) -> float:
        """Macro-F1 over the five families."""
        y = sentences["label"] if y is None else y
        return float(f1_score(y, self.predict(sentences), labels=list(FAMILIES), average="macro", zero_division=0))


def _apply_rules(r: dict, lex: CueLexicon) -> tuple[str | None, str | None, float]:
    """High-precision decisions that override the learned model."""
    ev = _other_rule(r, lex)
    if ev:
        return "other", ev, 1.0 if ev.startswith("boilerplate") else 0.95
    lead = r["_section_leadin"]
    other_strong = r["strong_priority"] + r["strong_achievement"] + r["strong_model"]
    if r["_section"] == "limitation" and r["strong_priority"] == 0 and not r["_leadin_pri"] and (
        r["enumerator"] or other_strong == 0 or r["strong_limitation"] > 0
    ):
        return "limitation", f'section: after "{_short(lead)}"', 0.85
    if r["_section"] == "priority" and not r["_past"] and r["strong_limitation"] == 0 and (
        r["enumerator"] or r["imperative_initial"]
    ):
        return "priority", f'section: after "{_short(lead)}"', 0.85
    if r["strong_priority"] > 0 and not r["framing"] and _task_before_past(r):
        # guide: a forward-looking task is priority, whatever else the sentence mentions
        return "priority", "rule: task cue", 0.8
    if r["strong_limitation"] > 0 and r["strong_priority"] == 0:
        # guide: a shortcoming is limitation even beside results; only a task outranks it
        return "limitation", "rule: shortcoming cue", 0.8
    if r["strong_achievement"] > 0 and r["_quantities"] > 0:
        # a result cue with figures (and neither a task nor a shortcoming): a result reached
        return "achievement", "rule: result with figures", 0.8
    return None, None, 0.0


def _task_before_past(r: dict) -> bool:
    """A strong task cue comes before any "đã" (so "cần ... các nhiệm vụ đã được giao" is a
    task, while "đã khắc phục được ..." reports a result)."""
    pri = [s for _, w, s in r["_cues"]["priority"] if w >= _STRONG]
    past = [m.start() for m in _DA.finditer(r["_mf"])]
    return bool(pri) and (not past or min(pri) < min(past))


def _tie_break(r: dict, fam: str) -> tuple[str, str | None]:
    """The guide's tie order applied to the learned model's choice: a forward-looking task is
    priority, a shortcoming is limitation even where a named model is the subject."""
    if fam == "model" and r["sec_priority"] and not r["_past"]:
        return "priority", f'tie: task in section after "{_short(r["_section_leadin"])}"'
    if fam == "model" and r["strong_limitation"] > 0:
        return "limitation", "tie: shortcoming of a named model"
    if fam == "model" and (r["_quantities"] > 0 or r["result_words"] > 0):
        return "achievement", "tie: results of a named model"
    return fam, None


def _short(text: str, n: int = 70) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n].rstrip() + "…"


def _evidence(r: dict, fam: str, ev_rule: str | None, x_row, coef_row, names) -> str:
    raw = np.concatenate([
        np.array([float(r[f]) for f in DENSE_FEATURES]),
        np.ones(len(names) - len(DENSE_FEATURES)),  # n-grams: x is already 0 when absent
    ])
    parts = []
    if ev_rule:
        parts.append(ev_rule)
    hits = sorted(r["_cues"].get(fam, []), key=lambda h: (-h[1], h[2]))[:2]
    parts += [f'cue "{h[0]}" ({fam})' for h in hits if h[0]]
    if not ev_rule and r["_section"] in ("limitation", "priority") and r["_section"] == fam:
        parts.append(f'section: after "{_short(r["_section_leadin"])}"')
    if not ev_rule:
        x = x_row.toarray().ravel() if sparse.issparse(x_row) else np.asarray(x_row).ravel()
        contrib = np.where(raw != 0, x * coef_row, 0.0)
        top = [j for j in np.argsort(-contrib)[:6] if contrib[j] > 0]
        feats = []
        for j in top:
            name = names[j]
            label = FEATURE_LABELS.get(name, name if name.startswith("n-gram") else None)
            if label and label not in feats:
                feats.append(label)
            if len(feats) == 2:
                break
        if feats:
            parts.append("model: " + ", ".join(feats))
    return "; ".join(parts) if parts else "model"


# --------------------------------------------------------------------------- defaults, CV


def load_gold(path: str | Path | None = None) -> pd.DataFrame:
    """The gold seed sentences as a sentences table (doc_id = file, text = sentence)."""
    gold = pd.read_csv(path or data_file(GOLD_FILE), keep_default_na=False)
    gold = gold.rename(columns={"sentence": "text"})
    gold["doc_id"] = gold["file"]
    return gold


@lru_cache(maxsize=1)
def default_classifier() -> FamilyClassifier:
    """A :class:`FamilyClassifier` fitted on the gold seed sentences (once per process)."""
    return FamilyClassifier().fit(load_gold())


def label_families(sentences: pd.DataFrame, model: FamilyClassifier | None = None) -> pd.DataFrame:
    """``sentences`` with ``family``, ``family_score``, ``family_evidence`` added."""
    return (model or default_classifier()).transform(sentences)


def family_report(y_true, y_pred, groups=None) -> pd.DataFrame:
    """Per-family precision/recall/F1/support plus a macro row, overall and per group."""
    def one(yt, yp, scope):
        p, r, f, s = precision_recall_fscore_support(yt, yp, labels=list(FAMILIES), zero_division=0)
        rows = [dict(scope=scope, family=fam, precision=p[i], recall=r[i], f1=f[i], support=int(s[i]))
                for i, fam in enumerate(FAMILIES)]
        present = [fam for i, fam in enumerate(FAMILIES) if s[i] > 0 or fam in set(yp)]
        rows.append(dict(scope=scope, family="macro", precision=np.nan, recall=np.nan,
                         f1=f1_score(yt, yp, labels=present, average="macro", zero_division=0),
                         support=len(yt)))
        return rows

    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    rows = one(y_true, y_pred, "all")
    if groups is not None:
        groups = np.asarray(groups, dtype=object)
        for g in pd.unique(groups):
            m = groups == g
            rows += one(y_true[m], y_pred[m], str(g))
    return pd.DataFrame(rows)


def cross_validate_loro(gold: pd.DataFrame | None = None, **params):
    """Leave-one-report-out CV: each report is scored by a model fitted on the others.

    Returns ``(predictions, report)``: the gold rows with ``predicted``, ``family_score`` and
    ``family_evidence``; and :func:`family_report` over all rows (scope "all", macro-F1 over
    the five families) and per held-out report (macro over the families present there).
    """
    gold = load_gold() if gold is None else gold.copy()
    if "doc_id" not in gold.columns:
        gold["doc_id"] = gold["file"] if "file" in gold.columns else "doc"
    group_col = "file" if "file" in gold.columns else "doc_id"
    parts = []
    for g in pd.unique(gold[group_col]):
        test = gold[gold[group_col] == g]
        train = gold[gold[group_col] != g]
        model = FamilyClassifier(**params).fit(train)
        out = model.transform(test)
        parts.append(out.rename(columns={"family": "predicted"}))
    pred = pd.concat(parts).loc[gold.index]
    report = family_report(pred["label"], pred["predicted"], pred[group_col])
    return pred, report


def confusion_table(y_true, y_pred) -> pd.DataFrame:
    """Confusion matrix as a frame (rows: gold, columns: predicted) over the five families."""
    cm = confusion_matrix(y_true, y_pred, labels=list(FAMILIES))
    return pd.DataFrame(cm, index=pd.Index(FAMILIES, name="gold"), columns=pd.Index(FAMILIES, name="predicted"))
