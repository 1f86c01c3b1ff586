"""Paragraphs and sentences with character offsets.

The rule is the one the gold labels were made with (annotation guide, "Sentence splitting"):
split on line breaks, then inside a line after ``. ! ? …`` followed by white space and an
upper-case letter, a digit or an opening quote; trim white space. Two deliberate additions:

* a dot that ends a listed abbreviation ("TP. Hồ Chí Minh", "PGS.TS. Nguyễn ...") never ends a
  sentence (list in ``data/abbreviations_nosplit.txt``);
* closing quotes/brackets right after the final mark stay with the sentence ("... công.” Tiếp").

Every sentence is ``text[start:end]`` of the (NFC) text it came from, so quotes keep the report's
spelling and offsets carry over to every later table.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from dvlib.schema import SENTENCE_COLUMNS, validate
from dvlib.text.data import data_file

MAX_SENTENCE_CHARS = 2000

END_PUNCT = ".!?\u2026"  # . ! ? …
OPEN_QUOTES = "\"'\u201c\u2018\u201e\u201a\u00ab\u2039"
# Closers that belong to the sentence they follow: ” ’ » › ) ] and the straight quotes.
CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]"
# Not white space for str.strip(), but invisible padding all the same (BOM, zero-width chars).
_INVISIBLE = "\ufeff\u200b\u200c\u200d"

LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
BOUNDARY = re.compile(
    "[" + re.escape(END_PUNCT) + "]+[" + re.escape(CLOSERS) + r"]*(\s+)"
)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Dotted abbreviations after which a dot does not end a sentence (case-sensitive)."""
    lines = data_file("abbreviations_nosplit.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def _is_abbreviation(word: str) -> bool:
    """``word`` ends in a single dot and is a listed abbreviation, or a chain of them."""
    word = word.lstrip("(\"'[" + OPEN_QUOTES)
    if not word.endswith(".") or word.endswith(".."):
        return False
    abbr = abbreviations()
    if word in abbr:
        return True
    parts = word[:-1].split(".")  # "PGS.TS." -> PGS, TS
    return len(parts) > 1 and all(p and p + "." in abbr for p in parts)


def _word_ending_at(line: str, end: int, limit: int = 40) -> str:
    """The white-space-delimited word that ends at ``end`` (at most ``limit`` chars)."""
    start = end
    while start > 0 and end - start < limit and not line[start - 1].isspace():
        start -= 1
    return line[start:end]


def _starts_sentence(ch: str) -> bool:
    return ch.isupper() or ch.isdigit() or ch in OPEN_QUOTES


def _split_line(line: str) -> list[tuple[int, int]]:
    """(start, end) spans inside one line, before trimming."""
    spans = []
    start = 0
    for m in BOUNDARY.finditer(line):
        nxt = m.end()
        if nxt >= len(line) or not _starts_sentence(line[nxt]):
            continue
        end = m.start(1)  # the marks (and closers) stay with the sentence
        marks = line[m.start():end].rstrip(CLOSERS)
        if marks == "." and _is_abbreviation(_word_ending_at(line, m.start() + 1)):
            continue
        spans.append((start, end))
        start = nxt
    spans.append((start, len(line)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _INVISIBLE):
        end -= 1
    return start, end


def _cap_length(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at the last "; " (else ", ", else space) before the limit.

    Word segmentation time and memory grow badly with line length (1M chars: 11 s, 2 GB), and
    some web pages put a whole table on one line.
    """
    out = []
    while end - start > max_chars:
        window = text[start:start + max_chars + 1]  # +1: a separator right at the limit
        cut = -1
        for sep in ("; ", ", ", " "):
            idx = window.rfind(sep, 1, max_chars + 1)
            if idx > 0:
                cut = start + idx + (1 if sep != " " else 0)
                break
        if cut <= start:
            cut = start + max_chars
        s, e = _trim(text, start, cut)
        if e > s:
            out.append((s, e))
        start, _ = _trim(text, cut, end)
    if end > start:
        out.append((start, end))
    return out


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int, int]]:
    """Sentences of ``text`` (already NFC) as ``(start, end, paragraph_index)``.

    A paragraph is a non-empty line; ``paragraph_index`` counts those from 0.
    ``text[start:end]`` is the sentence, trimmed of white space.
    """
    out: list[tuple[int, int, int]] = []
    paragraph = 0
    line_start = 0
    breaks = [(m.start(), m.end()) for m in LINE_BREAK.finditer(text)] + [(len(text), len(text))]
    for brk_start, brk_end in breaks:
        line = text[line_start:brk_start]
        found = False
        for s, e in _split_line(line):
            s, e = _trim(text, line_start + s, line_start + e)
            if e <= s:
                continue
            for cs, ce in _cap_length(text, s, e, max_chars):
                out.append((cs, ce, paragraph))
                found = True
        if found:
            paragraph += 1
        line_start = brk_end
    return out


SENTENCE_FRAME_COLUMNS = [
    "doc_id", "sentence_id", "sentence_index", "paragraph_index", "start", "end", "text",
]


def sentences_frame(documents: pd.DataFrame, max_chars: int = MAX_SENTENCE_CHARS) -> pd.DataFrame:
    """One row per sentence of each document (columns ``doc_id``, ``text``).

    Returns doc_id, sentence_id ("<doc_id>-s<index:04d>"), sentence_index, paragraph_index,
    start, end, text, with ``documents.text[start:end] == text``.
    """
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
        for i, (s, e, p) in enumerate(split_sentences(text, max_chars=max_chars)):
            rows.append((doc_id, f"{doc_id}-s{i:04d}", i, p, s, e, text[s:e]))
    frame = pd.DataFrame(rows, columns=SENTENCE_FRAME_COLUMNS)
    for col in ("sentence_index", "paragraph_index", "start", "end"):
        frame[col] = frame[col].astype("int64")
    return frame


def _mark_sentences(sentences: pd.DataFrame, spans: pd.DataFrame) -> pd.Series:
    """The boilerplate kind of each sentence ("" for content): the span that contains it."""
    kinds = pd.Series("", index=sentences.index, dtype=object)
    if spans.empty or sentences.empty:
        return kinds
    # Every (sentence, span of its document) pair at once; a report has few spans.
    sent = pd.DataFrame({"doc_id": sentences["doc_id"].to_numpy(), "_row": range(len(sentences)),
                         "start": sentences["start"].to_numpy(), "end": sentences["end"].to_numpy()})
    sp = pd.DataFrame({"doc_id": spans["doc_id"].to_numpy(), "_order": range(len(spans)),
                       "span_start": spans["start"].to_numpy(), "span_end": spans["end"].to_numpy(),
                       "kind": spans["kind"].to_numpy()})
    pairs = sent.merge(sp, on="doc_id")
    pairs = pairs[(pairs["span_start"] <= pairs["start"]) & (pairs["span_end"] >= pairs["end"])]
    # The first containing span in table order, as a scan of the spans would find.
    pairs = pairs.sort_values("_order", kind="stable").drop_duplicates("_row")
    kinds.iloc[pairs["_row"].to_numpy()] = pairs["kind"].to_numpy()
    return kinds


def segment(documents: pd.DataFrame, boilerplate: pd.DataFrame | None = None) -> pd.DataFrame:
    """The segment stage: the sentences of every document (columns ``doc_id``, ``text``), with
    paragraph and sentence indexes, character offsets into the text, and the kind of site
    furniture each lies in (``boilerplate``, "" for report content) from the load stage's
    ``boilerplate`` spans."""
    sentences = sentences_frame(documents[["doc_id", "text"]])
    spans = boilerplate if boilerplate is not None else pd.DataFrame(
        columns=["doc_id", "start", "end", "kind", "text"])
    sentences["boilerplate"] = _mark_sentences(sentences, spans)
    return validate(sentences[SENTENCE_COLUMNS].reset_index(drop=True), "sentences")


# --------------------------------------------------------------------------- content sentences
# The one definition of "report content" every later stage counts: not site furniture, not a
# republished copy, with the document's metadata.

# Columns a content-sentence table takes from the documents table.
DOC_COLUMNS = ["file", "province", "province_2025", "date", "outlet", "title"]


def blank_str(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str)


def content_sentences(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Report content only, joined with the document's province, date, outlet and file.

    Drops boilerplate (``boilerplate != ""``) and every sentence of a republished copy
    (``duplicate_of != ""``), so a report printed twice is counted once.
    """
    docs = documents
    if "duplicate_of" in docs.columns:
        docs = docs[blank_str(docs["duplicate_of"]) == ""]
    keep = ["doc_id"] + [c for c in DOC_COLUMNS if c in docs.columns]
    docs = docs[keep]
    sents = sentences
    if "boilerplate" in sents.columns:
        sents = sents[blank_str(sents["boilerplate"]) == ""]
    # The documents table is the authority on metadata; drop stale copies on the sentences.
    sents = sents.drop(columns=[c for c in keep if c != "doc_id" and c in sents.columns])
    out = sents.merge(docs, on="doc_id", how="inner", validate="many_to_one")
    for col in ("province", "subtheme"):
        if col in out.columns:
            out[col] = blank_str(out[col])
    order = [c for c in ("doc_id", "sentence_index") if c in out.columns]
    return out.sort_values(order, kind="stable").reset_index(drop=True) if order else out


def ensure_content(sentences: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """Accept either raw sentences + documents, or an already joined content table."""
    if documents is not None:
        return content_sentences(sentences, documents)
    if "boilerplate" in sentences.columns:
        sentences = sentences[blank_str(sentences["boilerplate"]) == ""]
    return sentences


