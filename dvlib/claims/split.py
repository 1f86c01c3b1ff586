"""Claims: the clauses and list items of a sentence that each make one point.

``split_claims(sentences)`` turns a sentences table (``load_corpus(...).sentences`` plus a
``family`` column) into a claims table, one row per claim::

    doc_id, sentence_id, claim_id ("<sentence_id>-c<k>"), start, end, text, family,
    leadin, framing, family_source[, terms]

``terms`` (when the sentences carry ``tokens`` and ``terms``) are the sentence's content terms
that fall inside the claim: what the cluster stage groups claims by.
``start``/``end`` are offsets into the document's text, like the sentence's, so
``document_text[start:end] == text``. The split points and cues live in ``claim_rules.yaml``
(in ``dvlib/data``); this module only applies them.

What splits a sentence: a ";" between points, the colon after a lead-in ("những hạn chế như:
a; b; c"), an enumerator inside a clause ("..., hai là, ..."). What never does: anything inside
brackets or quotes, and commas at all (so numbers, dates, document codes, abbreviations and a
list of nouns that makes one point stay whole). Claims are trimmed of edge punctuation only,
so a claim never starts or ends inside a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from dvlib.config import data_file
from dvlib.text.normalize import match_form, nfc
from dvlib.tokenize import term_starts

RULES_FILE = data_file("claim_rules.yaml")

CLAIM_COLUMNS = ["doc_id", "sentence_id", "claim_id", "start", "end", "text", "family",
                 "leadin", "framing", "family_source"]

_SYLLABLE = re.compile(r"\w+")


def _rx(value) -> re.Pattern:
    """A regex from the rules file: a string, or a list of strings joined with nothing."""
    return re.compile("".join(value) if isinstance(value, list) else value)


@dataclass(frozen=True)
class ClaimRules:
    """The compiled contents of ``claim_rules.yaml``."""
    openers: str
    closers: str
    leadin_cue: re.Pattern
    item_marker: re.Pattern
    inline_enumerator: re.Pattern
    min_syllables: int
    trim_chars: str
    split_families: frozenset
    override: dict
    framing: tuple


@lru_cache(maxsize=4)
def load_claim_rules(path: str | None = None) -> ClaimRules:
    """Read and compile the splitter's rules (default: ``dvlib/data/claim_rules.yaml``)."""
    raw = yaml.safe_load(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    override = {}
    for name, spec in (raw.get("family_override") or {}).items():
        override[name] = {"from": frozenset(spec["from"]),
                          **{k: _rx(v) for k, v in spec.items() if k != "from"}}
    # A lead-in cue counts only at the very end of the words before the colon.
    cue = "".join(raw["leadin_cues"]) if isinstance(raw["leadin_cues"], list) else raw["leadin_cues"]
    return ClaimRules(
        openers=raw["openers"], closers=raw["closers"],
        leadin_cue=re.compile(r"(?<!\w)" + cue + r"\s*$"),
        item_marker=_rx(raw["item_marker"]),
        inline_enumerator=_rx(raw["inline_enumerator"]),
        min_syllables=int(raw.get("min_syllables", 4)),
        trim_chars=raw["trim_chars"],
        split_families=frozenset(raw["split_families"]),
        override=override,
        framing=tuple(_rx(p) for p in raw.get("framing", [])),
    )


# ---------------------------------------------------------------------------- one sentence
def _protected(text: str, rules: ClaimRules) -> list[bool]:
    """Per character: inside brackets or quotes (never a split point there).

    Straight quotes open and close alike, and reports mix styles ("..." closed by ”), so any
    closer ends the innermost open quote; an opener never closed protects nothing.
    """
    mask = [False] * len(text)
    stack: list[int] = []
    for i, ch in enumerate(text):
        if stack and ch in rules.closers:
            opener = text[stack[-1]]
            # a bracket closes only a bracket, a quote only a quote
            if (opener == "(") == (ch == ")"):
                start = stack.pop()
                if not stack:
                    for j in range(start, i + 1):
                        mask[j] = True
                continue
        if ch in rules.openers:
            if stack and i == stack[-1] + 1 and ch == text[stack[-1]]:
                continue  # "‘‘" is one opener typed twice
            stack.append(i)
    return mask


def _syllables(text: str) -> int:
    return len(_SYLLABLE.findall(text))


def _trim(text: str, start: int, end: int, rules: ClaimRules) -> tuple[int, int]:
    """Shrink [start, end) past edge punctuation/space; keep quotes that pair up inside."""
    while True:
        before = (start, end)
        while start < end and text[start] in rules.trim_chars:
            start += 1
        while end > start and text[end - 1] in rules.trim_chars:
            end -= 1
        piece = text[start:end]
        # An unpaired quote or bracket at an edge belongs to the neighbouring claim: drop it.
        if piece and piece[-1] in "”’»)\"" and not _pairs(piece):
            end -= 1
        elif piece and piece[0] in "“‘«(\"" and not _pairs(piece):
            start += 1
        if (start, end) == before:
            return start, end


def _pairs(piece: str) -> bool:
    """Whether the quotes and brackets of ``piece`` balance.

    Reports mix quote styles ("..." closed by ”), so quotes are counted together: an even
    number of quote marks pairs up; brackets must match in number.
    """
    quotes = sum(piece.count(c) for c in '"“”‘’«»')
    return quotes % 2 == 0 and piece.count("(") == piece.count(")")


def _continues_examples(prev: str, nxt: str) -> bool:
    """``nxt`` continues a list of examples opened by "như" in ``prev`` (same two head syllables)."""
    at = prev.rfind(" như ")
    if at < 0 or "," not in prev[at:]:
        return False
    last_item = prev[prev.rfind(",") + 1:]
    head = _SYLLABLE.findall(last_item)[:2]
    return len(head) == 2 and _SYLLABLE.findall(nxt)[:2] == head


def split_sentence(text: str, rules: ClaimRules | None = None,
                   split: bool = True) -> list[dict]:
    """The claims of one sentence: dicts with local ``start``, ``end``, ``leadin``.

    ``text`` is the sentence (NFC). With ``split=False`` the whole sentence is one claim.
    """
    rules = rules or load_claim_rules()
    mf = match_form(text)  # same length as text
    if not split:
        s, e = _trim(text, 0, len(text), rules)
        return [{"start": s, "end": e, "leadin": ""}] if _SYLLABLE.search(text[s:e]) else []
    mask = _protected(text, rules)

    # 1. top-level ";" split the sentence into pieces
    cuts = [i for i, ch in enumerate(text) if ch == ";" and not mask[i]]
    bounds = list(zip([0] + [c + 1 for c in cuts], cuts + [len(text)]))

    # 2. a lead-in colon inside the first piece: the words before it hang over the items
    leadin, first_start = "", 0
    s0, e0 = bounds[0]
    for i in range(s0, e0):
        if text[i] != ":" or mask[i]:
            continue
        if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue  # a time "2:54"
        pre = mf[:i]
        post = text[i + 1:e0]
        if rules.item_marker.fullmatch(mf[:i + 1] + " "):
            break  # "Thứ nhất:" numbers the item; the marker is stripped below
        if _syllables(post) >= 1 and (len(bounds) > 1 or rules.leadin_cue.search(pre)):
            ls, le = _trim(text, 0, i, rules)
            leadin = text[ls:le]
            first_start = i + 1
        break  # only the first colon can be a lead-in; later ones sit inside an item
    bounds[0] = (max(first_start, bounds[0][0]), bounds[0][1])

    # A ";" inside an enumeration of examples ("tội phạm A, tội phạm B; tội phạm C ...") does
    # not end a point: the next piece repeats the head of the last example, so it joins.
    merged = [bounds[0]]
    for s, e in bounds[1:]:
        if _continues_examples(mf[merged[-1][0]:merged[-1][1]], mf[s:e]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    bounds = merged

    # 3. an enumerator inside a piece ("..., hai là, ...") starts a new item
    pieces = []
    for s, e in bounds:
        starts = [s] + [m.start() for m in rules.inline_enumerator.finditer(mf, s, e)
                        if not mask[m.start()]]
        pieces += list(zip(starts, starts[1:] + [e]))

    # 4. drop item markers, trim, and let too-short pieces join the one before them
    out: list[list[int]] = []
    for s, e in pieces:
        m = rules.item_marker.match(mf[s:e])  # on the slice: "^" ignores a start position
        if m and s + m.end() < e:
            s += m.end()
        s, e = _trim(text, s, e, rules)
        if s >= e or not _SYLLABLE.search(text[s:e]):
            continue
        if out and _syllables(text[s:e]) < rules.min_syllables:
            out[-1][1] = e  # a short piece is part of the point before it
            continue
        if out and _syllables(text[out[-1][0]:out[-1][1]]) < rules.min_syllables:
            out[-1][1] = e
            continue
        out.append([s, e])
    return [{"start": s, "end": e, "leadin": leadin} for s, e in out]


# ---------------------------------------------------------------------------- families
def claim_family(text: str, sentence_family: str, rules: ClaimRules | None = None) -> tuple[str, str]:
    """The family of one claim and where it came from (``sentence`` or ``claim``)."""
    rules = rules or load_claim_rules()
    mf = match_form(text)
    for name, target in (("to_achievement", "achievement"), ("to_limitation", "limitation")):
        spec = rules.override.get(name)
        if not spec or sentence_family not in spec["from"]:
            continue
        if not spec["start"].search(mf):
            continue
        if "unless" in spec and spec["unless"].search(mf):
            continue
        if "needs" in spec and not spec["needs"].search(mf):
            continue
        return target, "claim"
    return sentence_family, "sentence"


def is_framing(text: str, rules: ClaimRules | None = None) -> bool:
    """Whether a claim only frames (no point of its own) or is a closing slogan."""
    rules = rules or load_claim_rules()
    mf = match_form(text).strip(rules.trim_chars)
    return any(p.search(mf) for p in rules.framing)


# ---------------------------------------------------------------------------- the table
def split_claims(sentences: pd.DataFrame, rules: ClaimRules | str | None = None) -> pd.DataFrame:
    """Split every content sentence into claims (see the module docstring for the columns).

    ``sentences`` needs doc_id, sentence_id, start, end, text and family; rows marked as site
    boilerplate (non-empty ``boilerplate``) are skipped. Sentences of the families listed in
    ``split_families`` are split; others become one claim each. A sentence that ends in a
    colon with nothing after it is a framing claim, and its text becomes the ``leadin`` of the
    item sentences after it ("Thứ nhất: ...") while they keep its family.
    """
    if not isinstance(rules, ClaimRules):
        rules = load_claim_rules(rules)
    frame = sentences
    if "boilerplate" in frame.columns:
        frame = frame[frame["boilerplate"].fillna("").astype(str) == ""]
    if "sentence_index" in frame.columns:
        frame = frame.sort_values(["doc_id", "sentence_index"], kind="stable")
    rows = []
    carried = {"doc": None, "text": "", "family": None}  # lead-in sentence over item sentences
    with_terms = "terms" in frame.columns and "tokens" in frame.columns
    if not with_terms:  # (itertuples needs the attributes)
        frame = frame.assign(tokens=None, terms=None)
    for r in frame.itertuples(index=False):
        text = nfc(r.text) if isinstance(r.text, str) else ""
        family = r.family if isinstance(r.family, str) else "other"
        if carried["doc"] != r.doc_id or carried["family"] != family:
            carried = {"doc": r.doc_id, "text": "", "family": None}
        ends_in_colon = text.rstrip().endswith(":")
        claims = split_sentence(text, rules, split=family in rules.split_families)
        terms = _terms_list(r.terms) if with_terms else []
        # where each term starts, needed only when a claim is less than the whole sentence
        starts = (term_starts(text, _terms_list(r.tokens), terms)
                  if terms and (len(claims) > 1 or (claims and claims[0]["start"] > 0)) else None)
        for k, c in enumerate(claims, start=1):
            ctext = text[c["start"]:c["end"]]
            fam, source = claim_family(ctext, family, rules)
            framing = is_framing(ctext, rules) or (ends_in_colon and len(claims) == 1
                                                   and not c["leadin"])
            rows.append({
                "doc_id": r.doc_id, "sentence_id": r.sentence_id,
                "claim_id": f"{r.sentence_id}-c{k}",
                "start": int(r.start) + c["start"], "end": int(r.start) + c["end"],
                "text": ctext, "family": fam,
                "leadin": c["leadin"] or (carried["text"] if not framing else ""),
                "framing": bool(framing), "family_source": source,
                "terms": (terms if starts is None else
                          [t for t, at in zip(terms, starts) if c["start"] <= at < c["end"]]),
            })
        if ends_in_colon and len(claims) == 1 and family in rules.split_families:
            carried = {"doc": r.doc_id, "text": text.strip(), "family": family}
    out = pd.DataFrame(rows, columns=CLAIM_COLUMNS + ["terms"])
    if not with_terms:
        out = out.drop(columns="terms")
    return out.astype({"start": "int64", "end": "int64", "framing": "bool"})


def _terms_list(value) -> list[str]:
    """A ``tokens``/``terms`` cell as a list (lists, or numpy arrays read from parquet)."""
    if value is None or isinstance(value, float):
        return []
    return [str(t) for t in value]
