"""High-precision rules applied on top of the learned model, in the annotation guide's tie
order (see :mod:`dvlib.label`): site furniture and event framing are ``other``, section items
and shortcoming/task cues decide ``limitation``/``priority``, titles, praise and named models
decide ``achievement``/``model``.
"""
from __future__ import annotations

from dvlib.label.features import PAST_DA
from dvlib.label.lexicon import STRONG, CueLexicon, any_match
from dvlib.text.lexicon import Scan


def other_rule(r: dict, lex: CueLexicon, scan: Scan | None = None) -> str | None:
    """Evidence string when a sentence is clearly framing or site furniture, else None.
    (``scan`` is that of ``r["_mf"]``, computed when not given.)"""
    if r["_bp"]:
        return f"boilerplate: {r['_bp']}"
    if r["_section"] == "trailer" or r["_trailer_head"]:
        lead = r["_section_leadin"] or r["_text"].strip()
        return f'section: trailer after "{lead}"'
    s = r["_mf"].strip()
    scan = scan or lex.index.scan(r["_mf"])
    for kind in lex.furniture:
        if any_match(lex, ("furniture", kind), scan, s):
            return f"framing: {kind}"

    def ev(kind: str) -> bool:  # an event-framing pattern matches (tested only when needed)
        return any_match(lex, ("event", kind), scan, s)

    nsyl = len(scan.words)
    content = r["strong_limitation"] + r["strong_priority"] + r["strong_achievement"]
    if r["strong_limitation"] == 0 and not r["_quantities"] and ev("dateline") and ev("event"):
        return "framing: dateline"
    if r["_framing_only"]:
        return "framing: meeting"
    if (r["first_heading"] and r["_event_headline"] and not r["_title_claim"] and r["strong_limitation"] == 0
            and r["strong_priority"] == 0 and r["result_words"] == 0):
        return "framing: headline naming the event"
    if (r["strong_limitation"] == 0 and not (r["strong_priority"] and task_before_past(r))
            and not r["_proposal"] and ev("proceedings_opening") and ev("proceedings")):
        return "framing: meeting proceedings"
    if r["strong_limitation"] == 0 and ev("attendance"):
        return "framing: attendance"
    if nsyl <= 45 and content == 0 and ev("chair"):
        return "framing: chair"
    if nsyl <= 14 and content == 0 and ev("caption"):
        return "framing: photo caption"
    return None



def apply_rules(r: dict, lex: CueLexicon, scan: Scan | None = None) -> tuple[str | None, str | None, float]:
    """High-precision decisions that override the learned model."""
    ev = other_rule(r, lex, scan)
    if ev:
        return "other", ev, 1.0 if ev.startswith("boilerplate") else 0.95
    lead = r["_section_leadin"]
    other_strong = r["strong_priority"] + r["strong_achievement"] + r["strong_model"]
    if r["_section"] == "limitation" and r["strong_priority"] == 0 and not r["_leadin_pri"] and (
        r["enumerator"] or other_strong == 0 or r["strong_limitation"] > 0
    ):
        return "limitation", f'section: after "{short(lead)}"', 0.85
    # (an item opening with a task verb may mention what was done: "rà soát các mô hình đã ...")
    if r["_section"] == "priority" and r["strong_limitation"] == 0 and not r["past_year"] and (
        r["enumerator"] or r["imperative_initial"]
    ) and (not r["_past"] or r["imperative_initial"]):
        return "priority", f'section: after "{short(lead)}"', 0.85
    if r["_leadin_pri"] and r["strong_limitation"] == 0 and not r["_past"] and (
        r["strong_priority"] or r["planned_year"] or r["heading_like"]  # not a bare "nội dung ... như:"
    ):
        # a sentence opening the tasks part ("Năm 2025 là năm ...", "Đồng chí ... đề nghị ...")
        return "priority", f'section: opens the tasks ("{short(r["_leadin_quote"], 40)}")', 0.75
    if r["_cause_after_lim"] and r["strong_priority"] == 0:
        return "limitation", f'section: causes after the shortcomings ("{short(r["_text"], 40)}")', 0.8
    if r["_proposal"] and r["strong_limitation"] == 0 and not r["framing"]:
        return "priority", "rule: proposal", 0.8
    if r["strong_priority"] > 0 and not r["framing"] and (task_before_past(r) or r["_praise"]):
        # guide: a forward-looking task is priority, whatever else the sentence mentions (also
        # after praise of results "đã đạt được")
        return "priority", "rule: task cue", 0.8
    if (r["_model_passage"] and r["_strong_lim_unquoted"] == 0 and r["strong_priority"] == 0
            and not r["_past"] and r["result_words"] == 0):
        # how the model just introduced works, or a participant's words about it
        return "model", "rule: describes the model introduced before", 0.7
    if r["strong_limitation"] > 0 and r["strong_priority"] == 0:
        # guide: a shortcoming is limitation even beside results; only a task outranks it
        return "limitation", "rule: shortcoming cue", 0.8
    no_task = r["strong_priority"] == 0 or not task_before_past(r)
    if r["_title_claim"] and no_task and not r["_cues"]["priority"]:
        return "achievement", "rule: title stating a claim", 0.7
    results = r["_quantities"] > 0 or r["result_words"] > 0
    if r["first_heading"] and r["strong_model"] > 0 and not r["_event_headline"] and not results and no_task:
        return "model", "rule: title naming a model", 0.7
    if r["_praise"] and no_task:
        # the chair praising what was achieved ("ghi nhận, biểu dương những kết quả ...")
        return "achievement", "rule: praise of the results", 0.75
    if r["model_list"] and no_task:
        return "model", "rule: list of named models", 0.8
    if no_task and not r["_past"] and r["result_words"] == 0:
        if r["_model_intro"] and not r["_quantities"]:
            return "model", "rule: introduces a named model", 0.75
    if r["strong_achievement"] > 0 and r["_quantities"] > 0:
        # a result cue with figures (and neither a task nor a shortcoming): a result reached
        return "achievement", "rule: result with figures", 0.8
    return None, None, 0.0


def task_before_past(r: dict) -> bool:
    """A strong task cue comes before any "đã" (so "cần ... các nhiệm vụ đã được giao" is a
    task, while "đã khắc phục được ..." reports a result)."""
    pri = [s for _, w, s in r["_cues"]["priority"] if w >= STRONG]
    past = [m.start() for m in PAST_DA.finditer(r["_mf"])]
    return bool(pri) and (not past or min(pri) < min(past))



def short(text: str, n: int = 70) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n].rstrip() + "…"

