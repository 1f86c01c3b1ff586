"""Aspects: the work area a claim is ABOUT, as codebook ids, precision first.

``tag_aspects(claims)`` adds two columns to a claims table (see :mod:`dvlib.claims`):

* ``aspects``: codebook ids joined by "|" (may be empty: a claim with no clear aspect has none)
* ``aspect_terms``: per aspect the words that matched, in the claim's own spelling,
  e.g. ``"tuyen_truyen=công tác tuyên truyền|phoi_hop=phối hợp chặt chẽ"`` (several words of
  one aspect are joined by ";").

The codebook's terms are the candidates (matched on :func:`dvlib.text.normalize.match_form`, whole
syllables, so case, NFC/NFD and tone placement do not matter). ``codebook_rules.yaml`` then
decides which candidates are evidence: spans inside names of organisations, meetings, events
and cited documents are masked; each term has a weight (1.0 strong by default; generic words
such as "vận động", "phối hợp", "cán bộ", "đoàn viên" weigh less), and a code needs a total of
1.0 from distinct terms, a weak term counting fully only in a topic position ("công tác phối
hợp", "chưa tích cực phối hợp"); per-code ``exclude`` contexts drop a match and ``patterns``
add strong evidence. underthesea's pos_tag/chunk are not called (0 claims tagged): these
rules take about 0.6 ms a claim, a third of word tokenising, and reached the seed floor
without a tagger; a chunker is the next step for weak terms in long clauses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from dvlib.cluster.codebook import (Code, Codebook, find_terms, first_syllables, load_codebook,
                                    syllable_starts)
from dvlib.config import data_file
from dvlib.text.normalize import match_form, nfc

RULES_FILE = data_file("codebook_rules.yaml")
_MASK_CHAR = "#"  # not a word character: a masked span never matches a term


@dataclass
class CodeRules:
    """What ``codebook_rules.yaml`` says about one code, compiled."""
    code: Code
    matcher: re.Pattern      # the codebook's terms plus the extra ones
    terms: list[str]         # the term behind each named group of ``matcher``
    weights: dict            # match form of a term -> weight
    no_lift: frozenset       # weak terms a topic position does not lift
    exclude: list[re.Pattern]
    patterns: list[re.Pattern]
    firsts: frozenset | None  # first syllables of the terms (None: a term starts otherwise)


@dataclass
class AspectRules:
    threshold: float
    masks: list[re.Pattern]          # masked in every claim
    title_masks: list[re.Pattern]    # masked except in claims of family "model"
    topic_before: re.Pattern
    codes: list[CodeRules]


def _compile_all(items) -> list[re.Pattern]:
    return [re.compile("".join(p) if isinstance(p, list) else p) for p in items or []]


def load_aspect_rules(codebook: Codebook | None = None,
                      path: str | Path | None = None) -> AspectRules:
    """Compile the codebook together with its precision rules (default: the files in ``dvlib/data``).

    Codes of the codebook that the rules file does not mention keep all their terms strong;
    rules for codes the codebook lacks are ignored, so the researcher's codebook stays
    the authority on which codes exist.
    """
    codebook = codebook if codebook is not None else load_codebook()
    raw = yaml.safe_load(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    mask_spec = raw.get("mask") or {}
    not_in_model = set(raw.get("not_in_model") or [])
    masks = [p for k, v in mask_spec.items() if k not in not_in_model for p in _compile_all(v)]
    model_free = [p for k in not_in_model for p in _compile_all(mask_spec.get(k))]
    codes = []
    for code in codebook.codes:
        spec = (raw.get("codes") or {}).get(code.id) or {}
        extra = [nfc(t) for t in spec.get("terms", [])]
        full = Code(id=code.id, label_vi=code.label_vi, label_en=code.label_en,
                    description=code.description, terms=tuple(code.terms) + tuple(extra))
        matcher, terms = Codebook(codes=[full]).pattern(full)
        weights = {match_form(t).strip(): float(w) for t, w in (spec.get("weight") or {}).items()}
        codes.append(CodeRules(code=code, matcher=matcher, terms=terms, weights=weights,
                               no_lift=frozenset(match_form(t).strip() for t in spec.get("no_lift", [])),
                               exclude=_compile_all(spec.get("exclude")),
                               patterns=_compile_all(spec.get("patterns")),
                               firsts=first_syllables(full)))
    return AspectRules(threshold=float(raw.get("threshold", 1.0)), masks=masks,
                       title_masks=model_free,
                       topic_before=re.compile(raw["topic_before"]), codes=codes)


@lru_cache(maxsize=2)
def _default_rules() -> AspectRules:
    return load_aspect_rules()


@lru_cache(maxsize=4096)
def _term_form(term: str) -> str:
    return match_form(term).strip()


def _masked(mf: str, patterns) -> str:
    """``mf`` with every match of ``patterns`` replaced by a non-word character (same length)."""
    chars = list(mf)
    for p in patterns:
        for m in p.finditer(mf):
            chars[m.start():m.end()] = _MASK_CHAR * (m.end() - m.start())
    return "".join(chars)


def _overlaps(start: int, end: int, spans) -> bool:
    return any(s < end and start < e for s, e in spans)


def claim_aspects(text: str, family: str = "", rules: AspectRules | None = None) -> dict:
    """The aspects of one claim: ``{code_id: [matched words in the claim's spelling, ...]}``."""
    rules = rules or _default_rules()
    text = nfc(text)
    mf = match_form(text)
    masks = rules.masks + ([] if family == "model" else rules.title_masks)
    form = _masked(mf, masks)
    starts = syllable_starts(form)
    found: dict[str, list[str]] = {}
    for cr in rules.codes:
        score: dict[str, float] = {}   # distinct term -> best weight
        words: list[str] = []
        for p in cr.patterns:
            for m in p.finditer(form):
                score["pattern:" + p.pattern] = 1.0
                words.append(text[m.start():m.end()])
        # the matcher is tried only where a term can begin (most of the tagging time)
        hits = find_terms(cr.matcher, form, cr.firsts, starts)
        excluded = ([(m.start(), m.end()) for p in cr.exclude for m in p.finditer(form)]
                    if hits else [])
        for m in hits:
            if _overlaps(m.start(), m.end(), excluded):
                continue
            term = _term_form(cr.terms[int(m.lastgroup[1:])])
            weight = cr.weights.get(term, 1.0)
            start = m.start()
            if weight < 1.0 and term not in cr.no_lift:
                # A weak term counts fully where the claim is about it ("công tác phối hợp").
                window = max(0, start - 40)
                topic = rules.topic_before.search(form[window:start])
                if topic:
                    weight, start = 1.0, window + topic.start()
            score[term] = max(score.get(term, 0.0), weight)
            words.append(text[start:m.end()])
        if sum(score.values()) >= rules.threshold - 1e-9:
            seen, uniq = set(), []
            for w in words:
                if w.lower() not in seen:
                    seen.add(w.lower())
                    uniq.append(w)
            found[cr.code.id] = uniq
    return found


def tag_aspects(claims: pd.DataFrame, codebook: Codebook | str | None = None,
                rules_path: str | Path | None = None, n_jobs: int | None = 1) -> pd.DataFrame:
    """Add ``aspects`` and ``aspect_terms`` to a claims table (a copy; other columns kept).

    ``claims`` needs ``text``; ``family`` is used when present (the titles of documents count
    only in claims of family "model", whose subject is the named scheme). Framing claims
    (``framing`` True) get no aspect: they make no point. ``codebook`` is a
    :class:`dvlib.cluster.codebook.Codebook`, a path to a codebook YAML, or None for the shipped one.
    ``n_jobs`` (None: every core) tags the claims of whole reports in worker processes; the
    result is the same table (a claim's aspects depend on its own text and family only).
    """
    if n_jobs != 1 and codebook is None and rules_path is None and "doc_id" in claims.columns:
        from dvlib.runtime.parallel import map_documents
        _default_rules()  # compiled once here; forked workers inherit it
        return map_documents(tag_aspects, claims, n_jobs=n_jobs)
    if isinstance(codebook, (str, Path)):
        codebook = load_codebook(codebook)
    rules = (_default_rules() if codebook is None and rules_path is None
             else load_aspect_rules(codebook, rules_path))
    out = claims.copy()
    families = out["family"] if "family" in out.columns else pd.Series("", index=out.index)
    framing = (out["framing"].fillna(False).astype(bool) if "framing" in out.columns
               else pd.Series(False, index=out.index))
    aspects, terms = [], []
    for text, fam, is_framing in zip(out["text"], families, framing):
        found = {} if is_framing or not isinstance(text, str) else claim_aspects(text, fam, rules)
        aspects.append("|".join(found))
        terms.append("|".join(f"{code}={';'.join(words)}" for code, words in found.items()))
    out["aspects"] = aspects
    out["aspect_terms"] = terms
    return out
