"""Per-sentence features of the family classifier that need no document context: the
quantities a sentence reports (numbers, ratios, percents, money, ignoring dates, years, codes
and quoted names), the years a document plans and reviews, and the list of dense features.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dvlib.text.normalize import nfc
from dvlib.text.regex_parse import needs as _needs

WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
PAST_DA = re.compile(r"(?<!\w)đã(?!\w)")


def prepare(sentences: pd.DataFrame) -> pd.DataFrame:
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

YEAR = re.compile(r"(?<![\w/.-])(19[5-9]\d|20[0-4]\d)(?![\w/-]|\.\d)")
YEAR_RANGE = re.compile(r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d")
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
QUOTED = re.compile(r"[“\"‘«][^”\"’»“]{2,200}[”\"’»]")
END_PUNCT = re.compile(r"[.!?;…:]\W*$")
_FORWARD = re.compile(
    r"((nhiệm vụ|phương hướng|mục tiêu|chỉ tiêu)( trọng tâm| chủ yếu| công tác)?( trong)?"
    r"|(triển khai|ký kết|phát động|đăng ký)[^.;]{0,40}?) năm (20\d\d)"
)
AGENDA = re.compile(
    r"(nhằm |để )?(đánh giá|tổng kết|sơ kết|triển khai|bàn|thảo luận|quán triệt)"
    r"( kết quả| công tác| nhiệm vụ| kế hoạch| phương hướng| chương trình)[^;.]*"
)
_REVIEW = re.compile(r"(kết quả|tổng kết|đánh giá|sơ kết)[^.;]{0,60}?năm (20\d\d)")
_ITEM_NUMBER = re.compile(r"^\(?\d{1,2}[.)](?=\s)")
YEAR_OPENER = re.compile(r"\W*(?:trong |bước sang |bước vào |sang )?năm (20\d\d)(?!\w)")


def may_match(needs: tuple[re.Pattern, ...], text: str) -> bool:
    for need in needs:
        if need.search(text) is None:
            return False
    return True


NEEDS = {p: _needs(p) for p in (_DURATION, _DASH_DATE, _TIME, _RATIO, _DATE, YEAR, _FORWARD,
                                  _REVIEW, AGENDA)}
# (patterns starting with a literal or a character set are found fast by re itself)
NEEDS.update({p: () for p in (_DOC_CODE, YEAR_RANGE)})
NEEDS[QUOTED] = (re.compile("[“\"‘«]"),)


def doc_years(mfs: list[str], flats: list[str] | None = None,
               year_sets: list[set] | None = None) -> tuple[int | None, int | None]:
    """(planned year, reviewed year) of a document, or None when it cannot tell.

    A year named with a plan ("nhiệm vụ năm 2024", "ký kết thi đua năm 2024") is the planned
    one; failing that, when a document names both Y-1 and Y, Y is planned. ``flats`` (the match
    forms without year ranges) and their ``year_sets`` are computed when not given.
    """
    if flats is None:
        flats = [YEAR_RANGE.sub(" ", mf) for mf in mfs]
    if year_sets is None:
        year_sets = [{int(y) for y in YEAR.findall(f)} for f in flats]
    forward, review, years = set(), set(), set()
    for flat, ys in zip(flats, year_sets):
        if may_match(NEEDS[_FORWARD], flat):
            forward |= {int(m.group(6)) for m in _FORWARD.finditer(flat)}
        if may_match(NEEDS[_REVIEW], flat):
            review |= {int(m.group(2)) for m in _REVIEW.finditer(flat)}
        years |= ys
    # "kết quả thực hiện nhiệm vụ năm 2023" is a reviewed year even though it says nhiệm vụ
    ahead = forward - review
    planned = max(ahead) if ahead else None
    if planned is None and years and max(years) - 1 in years and max(years) not in review:
        planned = max(years)
    reviewed = (planned - 1) if planned else (max(review) if review else None)
    return planned, reviewed


def quantities_of(mf: str) -> tuple[int, int, int, int]:
    """(numbers, ratios like 209/209, percents, money amounts) ignoring dates, years, codes and
    anything inside quotes (names like “5 không, 3 sạch”)."""
    mf = blank_out(QUOTED, mf)
    if mf[:1].isdigit() or mf[:1] == "(":  # the number of a list item ("2. ...") is no quantity
        mf = _ITEM_NUMBER.sub(" ", mf, count=1)
    if not DIGIT.search(mf):  # numbers, ratios and percents need a digit; "tỷ đồng" does not
        return 0, 0, 0, len(_MONEY.findall(mf))
    flat = blank_out(_DOC_CODE, mf)
    flat = blank_out(_DURATION, flat)
    flat = blank_out(_DASH_DATE, flat)
    flat = blank_out(_TIME, flat)
    ratios = 0
    if may_match(NEEDS[_RATIO], flat):
        for m in _RATIO.finditer(flat):
            a, b = (int(re.sub(r"\D", "", g) or 0) for g in m.groups())
            if not (1 <= a <= 31 and 1 <= b <= 12):  # not a date
                ratios += 1
    flat = blank_out(_DATE, flat)
    flat = blank_out(YEAR_RANGE, flat)
    flat = blank_out(YEAR, flat)
    numbers = len(_NUMBER.findall(flat))
    pct = len(_PERCENT.findall(mf)) if "%" in mf else 0
    return numbers, ratios, pct, len(_MONEY.findall(mf))


def blank_out(pattern: re.Pattern, text: str) -> str:
    """``pattern.sub(" ", text)``, skipped when the pattern's cheap test says it cannot match."""
    return pattern.sub(" ", text) if may_match(NEEDS[pattern], text) else text


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
    "model_intro", "model_list", "model_passage",
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
    "model_intro": "introduces a named model", "model_list": "list of named models",
    "model_passage": "describes the model introduced before",
}



def dense_matrix(rows: list[dict]) -> np.ndarray:
    """The :data:`DENSE_FEATURES` of feature rows as a float matrix."""
    dense = np.array([[r[f] for f in DENSE_FEATURES] for r in rows], dtype=float)
    # column-major, as a DataFrame's values: the scaler's sums then run in the same order, so
    # the fitted model is bit-for-bit the same
    return np.asfortranarray(dense.reshape(len(rows), len(DENSE_FEATURES)))

