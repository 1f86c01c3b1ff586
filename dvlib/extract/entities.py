"""Things a report names: official document codes and references to them, named models and
movements, organisations, indicators (a number with what it counts) and places.

``extract_entities(sentences)`` takes the sentence table and returns one row per mention with
its span in the *document* (sentence ``start`` + offset in the sentence), so every entity can
be quoted from its report. Matching runs on :func:`dvlib.text.normalize.match_form`, which has the
same length as the NFC text: a span found in the match form is sliced from the original, so
``text`` keeps the report's own spelling while "Uỷ ban MTTQ" and "Ủy ban MTTQ" match alike.

Lookup tables are data files: ``organisations.csv`` (alias -> canonical organisation),
``abbreviations.csv`` (glossary), ``document_kinds.csv`` (document kinds with their code
letters, and the words that introduce a named model). The few closed-class words the number
grammar needs (multipliers, measure and time units, function words that end a noun) are
constants below: they are Vietnamese grammar, not a lexicon a user would extend.

``detail`` by kind (parse it with :func:`parse_detail`):
  document_code       kind=Đề án;issuer=TU;number=19[;date=2023-10-27][;year=2016]
  document_reference  kind=Chỉ thị;number=22[;of=Tỉnh ủy]   (``linked_to``: "22-CT/TU")
  named_model         the word that introduces it ("phong trào thi đua", "mô hình", "quỹ")
  organisation        type=front[;level=province]
  indicator           [qualifier=hơn][;of=209][;counted=chủ nhà trọ]
  place               level=district;province=Tuyên Quang[;district=...][;ambiguous=1]
Places come from :func:`dvlib.load.gazetteer.find_places`; the counted noun of an indicator uses
underthesea's ``pos_tag`` on the few words after the number (offline, cached per window).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd

from dvlib.text.normalize import nfc
from dvlib.extract.codes import find_document_codes, find_document_references, link_references
from dvlib.extract.common import (KINDS, OUTPUT_COLUMNS, document_kinds, glossary, glossary_table,  # noqa: F401
                                  match_form, organisation_aliases, squash)
from dvlib.extract.indicators import find_indicators, parse_vn_number  # noqa: F401
from dvlib.extract.models import bare_models, known_regex, quote_candidates, quoted_spans, resolve_quotes  # noqa: F401
from dvlib.extract.organisations import find_organisations
from dvlib.extract.places import find_place_entities

# --------------------------------------------------------------------------- the table

def _row(kind: str, item: dict, value: float = np.nan, unit: str = "") -> tuple:
    """What the table keeps of a found item; its offsets are still into the sentence."""
    return (kind, item["text"], item["normalised"], value, unit, item["start"], item["end"],
            item.get("detail", ""))


def extract_entities(sentences: pd.DataFrame, *, kinds: Iterable[str] | None = None,
                     known_models: Iterable[str] | None = None) -> pd.DataFrame:
    """Entities of every sentence (columns doc_id, sentence_id, start, text; rows whose
    ``boilerplate`` is non-empty are skipped).

    Returns :data:`OUTPUT_COLUMNS`: doc_id, sentence_id, kind, text (the report's spelling),
    normalised, value, unit, start, end (offsets into the document), detail, linked_to.
    Named models found in quotes anywhere in ``sentences`` (plus ``known_models``) are also
    found unquoted after a model word in every report, so pass the whole corpus at once.
    """
    kinds = set(kinds) if kinds is not None else set(KINDS)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"unknown entity kinds: {sorted(unknown)}")
    missing = {"doc_id", "sentence_id", "start", "text"} - set(sentences.columns)
    if missing:
        raise ValueError(f"sentences lack columns: {sorted(missing)}")
    frame = sentences
    if "boilerplate" in frame.columns:
        bp = frame["boilerplate"].fillna("").astype(str)
        frame = frame[bp == ""]

    doc_ids = frame["doc_id"].tolist()
    texts = [nfc("" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw))
             for raw in frame["text"]]

    # Every finder is a function of the sentence's text alone (only the link of a reference
    # to its code depends on the report), and reports repeat sentences (syndicated articles,
    # set phrases), so each distinct text is analysed once and its entities reused. One pass
    # runs every finder on a text while its normalised forms are still cached; only named
    # models wait for the second, as they need the names quoted anywhere in the corpus.
    want_places = "place" in kinds
    first: dict[str, tuple] = {}
    known: dict[str, str] = {}
    for text in texts:
        if text in first:
            continue
        mf = match_form(text)
        codes = find_document_codes(text)
        refs = find_document_references(text, codes) \
            if kinds & {"document_reference", "indicator"} else []
        quotes = quote_candidates(text, mf, codes) if "named_model" in kinds else []
        for q in resolve_quotes(quotes, mf, {}):
            known.setdefault(q["normalised"], q["detail"])
        rest = []  # in output order, as compact rows (see _row)
        if "organisation" in kinds:
            rest += [_row("organisation", o) for o in find_organisations(text)]
        if "indicator" in kinds:
            spans = [(c["start"], c["end"]) for c in codes]
            spans += [(r["start"], r["end"]) for r in refs]
            rest += [_row("indicator", i, i["value"], i["unit"])
                     for i in find_indicators(text, spans)]
        if want_places:
            places = find_place_entities(text)
            if places is None:
                want_places = False
            else:
                rest += [_row("place", p) for p in places]
        first[text] = (mf, codes, refs, quotes, rest)
    for name in known_models or ():
        known.setdefault(squash(match_form(name)).strip(), "")

    known_rx = known_regex(known)
    by_doc_codes: dict[str, list[dict]] = {}
    for doc_id, text in zip(doc_ids, texts):
        by_doc_codes.setdefault(doc_id, []).extend(first[text][1])

    # text -> (codes, references, the other kinds after them)
    found: dict[str, tuple[list, list, list]] = {}
    for text, (mf, codes, refs, quotes, rest) in first.items():
        head = [_row("document_code", c) for c in codes] if "document_code" in kinds else []
        models = []
        if "named_model" in kinds:
            models = resolve_quotes(quotes, mf, known)
            models += bare_models(text, mf, known_rx, models)
            models = [_row("named_model", q) for q in sorted(models, key=lambda q: q["start"])]
        found[text] = (head, refs if "document_reference" in kinds else [], models + rest)

    rows = []
    for doc_id, sid, base, text in zip(doc_ids, frame["sentence_id"].tolist(),
                                       frame["start"].tolist(), texts):
        head, refs, tail = found[text]
        base = int(base)
        for kind, txt, norm, value, unit, start, end, detail in head:
            rows.append((doc_id, sid, kind, txt, norm, value, unit, base + start, base + end,
                         detail, ""))
        if refs:  # shared by every repeat of the text: linked anew for each report
            link_references(by_doc_codes.get(doc_id, []), refs)
            for r in refs:
                rows.append((doc_id, sid, "document_reference", r["text"], r["normalised"],
                             np.nan, "", base + r["start"], base + r["end"], r.get("detail", ""),
                             r["linked_to"]))
        for kind, txt, norm, value, unit, start, end, detail in tail:
            rows.append((doc_id, sid, kind, txt, norm, value, unit, base + start, base + end,
                         detail, ""))

    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    out["value"] = out["value"].astype("float64")
    for col in ("start", "end"):
        out[col] = out[col].astype("int64")
    order = {d: i for i, d in enumerate(pd.unique(frame["doc_id"]))}
    out["_doc"] = out["doc_id"].map(order)
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    out = out.sort_values(["_doc", "start", "_kind", "end"], kind="stable")
    return out.drop(columns=["_doc", "_kind"]).reset_index(drop=True)


def parse_detail(detail: str) -> dict[str, str]:
    """``"kind=Đề án;issuer=TU;number=19"`` -> dict; a bare value (a named model's
    introducing word) comes back under ``"value"``."""
    out: dict[str, str] = {}
    for part in (detail or "").split(";"):
        if not part:
            continue
        key, sep, val = part.partition("=")
        if sep:
            out[key] = val
        else:
            out["value"] = part
    return out


# --------------------------------------------------------------------------- glossary

@lru_cache(maxsize=2)
def _abbr_regex() -> re.Pattern:
    abbrs = sorted(glossary_table()["abbr"], key=lambda a: (-len(a), a))
    return re.compile(r"(?<![\w&/.-])(" + "|".join(map(re.escape, abbrs)) + r")(?![\w&/-])")


def expand_abbreviations(text: str, lang: str = "vi", first_only: bool = True) -> str:
    """Spell abbreviations out for a reader: "BTV Tỉnh ủy" -> "BTV (Ban Thường vụ) Tỉnh ủy".

    ``lang`` is "vi" or "en" (the expansion's language). Only the first occurrence of each
    abbreviation is expanded unless ``first_only=False``; one already in parentheses
    ("Ban Thường vụ (BTV)") or inside a document code ("19-ĐA/TU") is left alone.
    """
    if lang not in ("vi", "en"):
        raise ValueError("lang must be 'vi' or 'en'")
    table = glossary_table().set_index("abbr")[f"expansion_{lang}"].to_dict()
    seen: set[str] = set()

    def repl(m: re.Match) -> str:
        abbr = m.group(1)
        s, e = m.span(1)
        if text[max(0, s - 1):s] == "(" and text[e:e + 1] == ")":
            seen.add(abbr)
            return abbr
        if first_only and abbr in seen:
            return abbr
        seen.add(abbr)
        return f"{abbr} ({table[abbr]})"

    text = nfc(text)
    return _abbr_regex().sub(repl, text)
