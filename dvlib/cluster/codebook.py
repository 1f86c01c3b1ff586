"""The deductive codebook: researchers' codes of dân vận work, matched on sentences.

The codes and their terms live in ``dvlib/data/codebook.yaml`` (editable; pass another file to
:func:`load_codebook`). Matching is done on :func:`dvlib.text.normalize.match_form` of the sentence,
so case, NFC/NFD and old/new tone-mark placement do not matter, while ``matched_text`` quotes the
sentence in its own spelling. Terms match whole syllables only.

The deductive codes sit beside the inductive sub-themes of :mod:`dvlib.cluster.subthemes`;
:func:`codes_vs_subthemes` puts the two side by side.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file

CODED_COLUMNS = ["doc_id", "sentence_id", "code", "code_label", "term", "matched_text",
                 "start", "end"]

_REQUIRED_TEXT = ("id", "label_vi", "label_en")


class CodebookError(ValueError):
    """A codebook file that cannot be used; the message names the file and the code."""


@dataclass(frozen=True)
class Code:
    id: str
    label_vi: str
    label_en: str
    description: str
    terms: tuple[str, ...]

    def label(self, language: str = "vi") -> str:
        return self.label_en if language == "en" else self.label_vi


@dataclass
class Codebook:
    codes: list[Code]
    path: str = ""
    _patterns: dict = field(default_factory=dict, repr=False, compare=False)

    def __iter__(self):
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def get(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per (code, term): the codebook as a table for a notebook or an appendix."""
        rows = [{"code": c.id, "label_vi": c.label_vi, "label_en": c.label_en, "term": t}
                for c in self.codes for t in c.terms]
        return pd.DataFrame(rows, columns=["code", "label_vi", "label_en", "term"])

    def pattern(self, code: Code) -> tuple[re.Pattern, list[str]]:
        """Compiled matcher of one code, and the term behind each named group."""
        if code.id not in self._patterns:
            self._patterns[code.id] = _compile_code(code)
        return self._patterns[code.id]


def _term_regex(term: str) -> str:
    """Regex for a term's match form: any whitespace between syllables, flexible punctuation."""
    form = match_form(term).strip()
    pieces = []
    for tok in re.findall(r"\w+|[^\w\s]", form):
        if re.fullmatch(r"\w+", tok):
            pieces.append(("w", re.escape(tok)))
        else:
            pieces.append(("p", re.escape(tok)))
    out = ""
    prev = None
    for kind, rx in pieces:
        if prev is None:
            out = rx
        elif kind == "w" and prev == "w":
            out += r"\s+"  # syllables: one or more spaces (or a non-breaking space)
            out += rx
        else:
            # around punctuation ("QP-AN", "giám sát, phản biện") spacing varies between reports
            out += r"\s*" + rx
        prev = kind
    return out


def _compile_code(code: Code) -> tuple[re.Pattern, list[str]]:
    seen: dict[str, str] = {}
    for term in code.terms:
        seen.setdefault(match_form(term).strip(), term)  # "nhà đại đoàn kết" == "nhà Đại đoàn kết"
    # Longest first, so at one position the longest term wins ("thông tin tuyên truyền").
    ordered = sorted(seen.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    terms = [term for _, term in ordered]
    alternatives = [f"(?P<t{i}>{_term_regex(term)})" for i, term in enumerate(terms)]
    # (?<!\w) / (?!\w): whole syllables only, "an ninh" never inside "ban ninh".
    rx = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    return rx, terms


SYLLABLE = re.compile(r"\w+")


def syllable_starts(form: str) -> dict[str, list[int]]:
    """Where each syllable of ``form`` (a match form) begins: the places a term can match."""
    starts: dict[str, list[int]] = {}
    for m in SYLLABLE.finditer(form):
        starts.setdefault(m.group(0), []).append(m.start())
    return starts


def find_terms(rx: re.Pattern, form: str, firsts: frozenset | None,
               starts: dict[str, list[int]]) -> list[re.Match]:
    """The matches ``rx.finditer(form)`` gives, trying ``rx`` only where one of ``firsts``
    begins (every match of a code's matcher starts at a whole syllable equal to the first
    syllable of one of its terms), instead of at every character: most of the codebook's cost.
    ``firsts`` None (a term starting with punctuation) falls back to the full scan."""
    if firsts is None:
        return list(rx.finditer(form))
    places = [p for syl in firsts.intersection(starts) for p in starts[syl]]
    if not places:
        return []
    places.sort()
    out, end = [], -1
    for pos in places:
        if pos < end:
            continue
        m = rx.match(form, pos)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def first_syllables(code: Code) -> frozenset[str] | None:
    """The first syllable of each term (match form); None if a term starts with punctuation."""
    firsts = set()
    for term in code.terms:
        form = match_form(term).strip()
        m = SYLLABLE.match(form)
        if m is None:
            return None
        firsts.add(m.group(0))
    return frozenset(firsts)


def _fail(path, msg: str):
    raise CodebookError(f"codebook {path}: {msg}")


def load_codebook(path: str | os.PathLike | None = None) -> Codebook:
    """Read and validate a codebook YAML (default: the one shipped in ``dvlib/data``).

    The file holds ``codes:`` (or is itself a list) of mappings with ``id``, ``label_vi``,
    ``label_en``, ``description`` and a non-empty list ``terms``. Ids must be unique.
    Any problem raises :class:`CodebookError` naming the file and the code.
    """
    path = Path(path) if path is not None else data_file("codebook.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(path, "file not found")
    except yaml.YAMLError as exc:
        _fail(path, f"not valid YAML: {exc}")
    if isinstance(raw, dict):
        if "codes" not in raw:
            _fail(path, "expected a top-level 'codes:' list")
        raw = raw["codes"]
    if not isinstance(raw, list) or not raw:
        _fail(path, "'codes' must be a non-empty list of codes")

    codes: list[Code] = []
    ids: set[str] = set()
    for i, entry in enumerate(raw, start=1):
        where = f"code #{i}"
        if not isinstance(entry, dict):
            _fail(path, f"{where} must be a mapping with id, label_vi, label_en, terms")
        if isinstance(entry.get("id"), str) and entry["id"].strip():
            where = f"code #{i} ({entry['id'].strip()!r})"
        for key in _REQUIRED_TEXT:
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                _fail(path, f"{where}: '{key}' is missing or empty")
        code_id = entry["id"].strip()
        if code_id in ids:
            _fail(path, f"{where}: duplicate id {code_id!r}")
        ids.add(code_id)
        terms = entry.get("terms")
        if not isinstance(terms, list) or not terms:
            _fail(path, f"{where}: 'terms' must be a non-empty list")
        clean = []
        for t in terms:
            if not isinstance(t, str) or not re.search(r"\w", t):
                _fail(path, f"{where}: term {t!r} is not a word or phrase")
            clean.append(nfc(t.strip()))
        description = entry.get("description") or ""
        if not isinstance(description, str):
            _fail(path, f"{where}: 'description' must be text")
        codes.append(Code(id=code_id, label_vi=nfc(entry["label_vi"].strip()),
                          label_en=entry["label_en"].strip(), description=description.strip(),
                          terms=tuple(clean)))
    return Codebook(codes=codes, path=str(path))


def code_sentences(sentences: pd.DataFrame, codebook: Codebook | None = None,
                   language: str = "vi", skip_boilerplate: bool = True) -> pd.DataFrame:
    """Every codebook term found in every sentence: a long table, one row per match.

    ``sentences`` needs doc_id, sentence_id, text. Offsets ``start``/``end`` index the sentence
    text (NFC, as the sentence table stores it): ``nfc(text)[start:end] == matched_text``.
    ``code_label`` is in ``language`` ("vi" or "en"). Rows marked as site boilerplate (a
    non-empty ``boilerplate`` column) are skipped unless ``skip_boilerplate`` is False.
    """
    codebook = codebook if codebook is not None else load_codebook()
    compiled = [(code, *codebook.pattern(code), first_syllables(code)) for code in codebook.codes]
    rows = []
    frame = sentences
    if skip_boilerplate and "boilerplate" in frame.columns:
        frame = frame[frame["boilerplate"].fillna("").astype(str) == ""]
    for doc_id, sentence_id, text in zip(frame["doc_id"], frame["sentence_id"], frame["text"]):
        if not isinstance(text, str) or not text:
            continue
        text = nfc(text)
        form = match_form(text)  # same length as the NFC text, so spans carry over
        starts = syllable_starts(form)
        for code, rx, terms, firsts in compiled:
            for m in find_terms(rx, form, firsts, starts):
                term = terms[int(m.lastgroup[1:])]
                rows.append((doc_id, sentence_id, code.id, code.label(language), term,
                             text[m.start():m.end()], m.start(), m.end()))
    out = pd.DataFrame(rows, columns=CODED_COLUMNS)
    return out.astype({"start": "int64", "end": "int64"})


def _subtheme_key(subtheme: str):
    family, _, num = subtheme.rpartition("-")
    return (family, int(num)) if num.isdigit() else (subtheme, -1)


def codes_vs_subthemes(coded: pd.DataFrame, sentences: pd.DataFrame,
                       codebook: Codebook | None = None,
                       include_unassigned: bool = False) -> pd.DataFrame:
    """Crosstab: codebook codes (rows) × sub-themes (columns), counting sentences.

    A sentence counts once per code however many of the code's terms it holds. Sentences with
    no sub-theme (family "other") are left out unless ``include_unassigned``, when they form
    the column "(none)". Rows follow the codebook order when ``codebook`` is given (codes that
    never matched get a row of zeros), otherwise they are sorted by id.
    """
    pairs = coded[["sentence_id", "code"]].drop_duplicates()
    sub = sentences[["sentence_id", "subtheme"]].drop_duplicates("sentence_id").copy()
    sub["subtheme"] = sub["subtheme"].fillna("").astype(str)
    merged = pairs.merge(sub, on="sentence_id", how="inner")
    if include_unassigned:
        merged.loc[merged["subtheme"] == "", "subtheme"] = "(none)"
    else:
        merged = merged[merged["subtheme"] != ""]
    table = pd.crosstab(merged["code"], merged["subtheme"])
    codes = list(codebook.ids) if codebook is not None else sorted(table.index)
    extra = sorted(set(table.index) - set(codes))
    cols = sorted((c for c in sub["subtheme"].unique() if c), key=_subtheme_key)
    if include_unassigned and (sub["subtheme"] == "").any():
        cols.append("(none)")
    table = table.reindex(index=codes + extra, columns=cols, fill_value=0).astype("int64")
    table.index.name = "code"
    table.columns.name = "subtheme"
    return table
