"""Features of what a sentence *does*, meant to generalise beyond the reports it was fitted on.

The cue lexicon (:mod:`~dvlib.label.lexicon`) knows the genre's vocabulary; these features know
its grammar: the first words of the sentence and their part of speech (a headline in programme
form starts with a verb and has no subject), tense, modality and negation markers, a question,
reported speech, a speaker's turn, list bullets, a low figure, the time of an event, and the same
few things about the neighbouring sentences. Parts of speech come from a lexicon
(``data/pos_lexicon.tsv``, built from the tagged corpus that ships with underthesea) instead of
running ``pos_tag``, which costs about four times word segmentation.

Each function returns one dict of named features per sentence; the classifier turns them into
columns (:class:`sklearn.feature_extraction.DictVectorizer`) and learns their weights.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from dvlib.text.data import data_file, read_yaml
from dvlib.text.normalize import match_form

FUNCTION_FILE = "family_function.yaml"
POS_FILE = "pos_lexicon.tsv"
_NUMERIC = re.compile(r"[\d.,/%]+")
_WORDLIKE = re.compile(r"\w")
_BULLET = re.compile(r"^([-–•+*]|[a-zđ]\)|\d+[.)]|[IVX]+\.)\s")
_DATELINE = re.compile(r"^[^,]{0,30}\d{1,2}/\d{1,2}")
_END_PUNCT = re.compile(r"[.!?;:…\"”]$")
# (neighbour features: only these kinds are copied from the sentence before and after)
_NEIGHBOUR_KEYS = ("p1=", "m=", "head_p1=", "question", "speech_end", "bullet", "rule=")


@lru_cache(maxsize=1)
def pos_lexicon() -> dict[str, str]:
    """Word (token form) -> its most frequent part-of-speech tag (VLSP tag set: N, V, A, R ...)."""
    out = {}
    for line in data_file(POS_FILE).read_text(encoding="utf-8").splitlines()[2:]:
        word, tag, _ = line.split("\t")
        out[word] = tag
    return out


@lru_cache(maxsize=1)
def _words() -> dict:
    d = read_yaml(FUNCTION_FILE)
    alt = lambda items: "|".join(sorted((match_form(i) for i in items), key=len, reverse=True))
    return {
        "markers": frozenset(d["markers"]),
        "speech_end": re.compile(rf"(?<!\w)({alt(d['speech_end'])})\W*$"),
        "speaker": re.compile(rf"^({alt(d['speaker_titles'])})\s[^:]{{2,40}}:"),
        "interviewer": re.compile(rf"^({alt(d['interviewer'])})\s*:"),
        "low_figure": re.compile("|".join(d["low_figure"])),
        "time_opener": re.compile(rf"^({alt(d['time_openers'])})\s"),
        "series": re.compile(rf"^({alt(d['series'])})\s+\d+"),
        "list_item": re.compile(d["list_item"]),
    }


def _is_word(token: str) -> bool:
    return _WORDLIKE.search(token) is not None and not _NUMERIC.fullmatch(token)


def _quoted_share(text: str) -> float:
    inside, depth = 0, False
    for ch in text:
        if ch in "“«":
            depth = True
        elif ch in "”»":
            depth = False
        elif ch == '"':
            depth = not depth
        elif depth:
            inside += 1
    return inside / max(len(text), 1)


def function_features(text: str, tokens: list[str], heading: bool,
                      mf: str | None = None) -> dict[str, float]:
    """The function features of one sentence: ``text`` as written, ``tokens`` its words in token
    form, ``heading`` whether it stands alone like a headline or sub-heading, ``mf`` its match
    form when the caller has it (computed otherwise)."""
    pos, w = pos_lexicon(), _words()
    words = [t for t in tokens if _is_word(t)]
    f: dict[str, float] = {}
    if words:
        p1 = pos.get(words[0], "?")
        f["w1=" + words[0]] = 1.0
        f["p1=" + p1] = 1.0
        if len(words) > 1:
            f["w12=" + words[0] + " " + words[1]] = 1.0
            f["p12=" + p1 + pos.get(words[1], "?")] = 1.0
        if heading:
            f["head_p1=" + p1] = 1.0
            f["head_w1=" + words[0]] = 1.0
    for t in set(tokens) & w["markers"]:
        f["m=" + t] = 1.0
    f["n_verbs"] = math.log1p(sum(pos.get(t) == "V" for t in words))
    f["n_nouns"] = math.log1p(sum(pos.get(t) in ("N", "Np") for t in words))
    f["n_words"] = math.log1p(len(words))
    f["no_verb"] = float(not any(pos.get(t) == "V" for t in words))
    stripped = text.strip()
    low = (match_form(text) if mf is None else mf).strip()  # (match_form keeps lengths)
    f["question"] = float(stripped.endswith("?"))
    f["starts_quote"] = float(stripped[:1] in "“\"«")
    f["quoted_share"] = _quoted_share(stripped)
    f["speech_end"] = float(w["speech_end"].search(low) is not None)
    f["speaker_turn"] = float(w["speaker"].match(low) is not None)
    f["interviewer"] = float(w["interviewer"].match(low) is not None)
    f["series"] = float(w["series"].match(low) is not None)
    f["bullet"] = float(_BULLET.match(stripped) is not None)
    f["low_figure"] = float(w["low_figure"].search(low) is not None)
    f["percent"] = float("%" in stripped)
    f["time_opener"] = float(w["time_opener"].match(low) is not None)
    f["dateline"] = float(_DATELINE.match(low) is not None)
    f["no_end_punct"] = float(_END_PUNCT.search(stripped) is None)
    letters = sum(c.isalpha() for c in stripped)
    f["upper_share"] = sum(c.isupper() for c in stripped) / max(letters, 1)
    return f


def neighbour_features(own: list[dict], doc_ids: list) -> list[dict[str, float]]:
    """For each sentence, a few features of the sentence before and after it in the same
    document (``own``: each sentence's function features merged with its rule votes)."""
    out = []
    n = len(own)
    for i in range(n):
        d: dict[str, float] = {}
        for off, tag in ((-1, "prev"), (1, "next")):
            j = i + off
            if 0 <= j < n and doc_ids[j] == doc_ids[i]:
                for k, v in own[j].items():
                    if k.startswith(_NEIGHBOUR_KEYS):
                        d[f"{tag}:{k}"] = v
            else:
                d[f"{tag}:none"] = 1.0
        out.append(d)
    return out


def list_families(rows: list[dict], doc_ids: list) -> list[tuple[str, str] | None]:
    """For each sentence: (family, lead-in) when it is an item of a list that a lead-in ending
    with a colon opens ("... còn những hạn chế như:" then the items; "nhiệm vụ trọng tâm
    sau:" then the tasks): the sentence right after the lead-in, or a list item after it.
    The guide labels such items by the lead-in even without a cue word (on the training sets
    this held for 10 of 11 such items); ``rows`` are the section features of the sentences
    (their text and match form included)."""
    item = _words()["list_item"]
    out: list[tuple[str, str] | None] = []
    for i in range(len(rows)):
        found = None
        j = i - 1
        while j >= 0 and doc_ids[j] == doc_ids[i]:
            lead = rows[j]["_text"].rstrip()
            if lead.endswith(":") and (rows[j]["_leadin_lim"] or rows[j]["_leadin_pri"]):
                if j == i - 1 or item.match(rows[i]["_mf"].strip()):
                    fam = "limitation" if rows[j]["_leadin_lim"] else "priority"
                    found = (fam, lead)
                break
            if not item.match(rows[j]["_mf"].strip()):
                break
            j -= 1
        out.append(found)
    return out
