"""Features of the document a sentence sits in, for the family classifier.

A feature on one model (a phóng sự about "Ống heo tiết kiệm", a portal story on a "Tổ dân vận")
describes the model sentence after sentence — who runs it, how often it meets, where its money
comes from — with no cue word of its own; the same words in a conference report are results.
So besides each sentence's own features the classifier sees how much of its document is about
models (the share of sentences with model cues or a named model) and whether the sentence
describes how something works (``mechanism`` patterns in ``data/family_function.yaml``), alone
and weighed by that share, and whether it reports a quantity there.
"""
from __future__ import annotations

import re
from functools import lru_cache

from dvlib.label.function import FUNCTION_FILE
from dvlib.text.data import read_yaml


_REPORT_TITLE = re.compile(
    r"^\W*(trên đây là )?(báo cáo\s+)?(kết quả|tổng kết|sơ kết|đánh giá)\b[^.;?]{0,160}?"
    r"(phương hướng|nhiệm vụ|kế hoạch|mục tiêu)")


@lru_cache(maxsize=1)
def _mechanism() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in read_yaml(FUNCTION_FILE)["mechanism"]))


def document_features(rows: list[dict], doc_ids: list) -> list[dict[str, float]]:
    """One dict per sentence (``rows``: the classifier's feature rows of whole documents in
    order, with ``cue_model``, ``named_model``, quantities and the match form ``_mf``)."""
    mech = _mechanism()
    share: dict = {}
    for r, d in zip(rows, doc_ids):
        n, m, named = share.get(d, (0, 0, 0))
        share[d] = (n + 1, m + (r["cue_model"] > 0), named + (r["named_model"] > 0))
    out = []
    for r, d in zip(rows, doc_ids):
        n, m, named = share[d]
        s_model, s_named = m / n, named / n
        quantity = float(r["n_numbers"] > 0 or r["has_percent"] > 0 or r["has_money"] > 0)
        how = float(mech.search(r["_mf"]) is not None)
        out.append({"report_title": float(_REPORT_TITLE.search(r["_mf"]) is not None),
                    "doc_model": s_model, "doc_named": s_named,
                    "doc_model_x_quantity": s_model * quantity,
                    "doc_model_x_no_quantity": s_model * (1.0 - quantity),
                    "mechanism": how, "mechanism_x_doc_model": how * s_model})
    return out
