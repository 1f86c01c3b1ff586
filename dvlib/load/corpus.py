"""Load a corpus: find the reports, read them, mark site furniture, attach metadata. Raw files
are only ever read.

``load(paths)`` returns a :class:`Corpus` of DataFrames (documents and the site furniture set
aside; its ``sentences`` are filled by the segment stage, :func:`dvlib.segment.segment`);
problems (bad files, broken manifest rows) are collected as one line each, and every other
report is still loaded.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from dvlib.load import boilerplate as _bp
from dvlib.load import guard as _guard
from dvlib.load import metadata as _meta
from dvlib.load import read as _read
from dvlib.load.gazetteer import canonical_province
from dvlib.load.duplicates import find_duplicates
from dvlib.load.files import MANIFEST_NAME, SUPPORTED_SUFFIXES, report_files
from dvlib.load.manifest import read_manifest
from dvlib.runtime.parallel import map_batches
from dvlib.schema import DOCUMENT_COLUMNS, SENTENCE_COLUMNS


BOILERPLATE_COLUMNS = ["doc_id", "start", "end", "kind", "text"]
# Reading, marking site furniture and inferring metadata are per report: in worker processes
# for a corpus of this many reports or more (below, the pool's start-up costs more than it
# saves), this many reports per task.
MIN_REPORTS_FOR_POOL = 200
REPORTS_PER_TASK = 50


@dataclass
class Corpus:
    """The tables of a loaded corpus: ``documents`` (one row per report, with its text and
    metadata), ``sentences`` (empty until segmented), ``boilerplate`` (the site furniture set
    aside, verbatim) and the ``problems`` met (one line per skipped file or manifest row)."""
    documents: pd.DataFrame
    sentences: pd.DataFrame
    boilerplate: pd.DataFrame
    problems: list[str] = field(default_factory=list)


def discover(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], pd.DataFrame, list[str]]:
    """Files to read (path, path as given) and the manifest rows that describe them.

    The listing is :func:`dvlib.load.files.report_files` (a folder's report files and its
    ``manifest.csv``; symlinks out of the folder and entries that are not regular files are
    refused, one line each in the problems); here the manifests are read.
    """
    files, events = report_files(paths)
    manifests: list[pd.DataFrame] = []
    problems: list[str] = []
    for kind, value in events:
        if kind == "problem":
            problems.append(value)
            continue
        mpath, single = value
        rows, probs = read_manifest(mpath, canonical_province=canonical_province)
        if single is None:  # a folder's manifest: all its rows, its problems reported
            manifests.append(rows)
            problems.extend(str(x) for x in probs)
        else:  # beside a file given alone: that file's row only
            manifests.append(rows[rows["path_resolved"] == resolved_name(single)])
    manifest = (pd.concat(manifests, ignore_index=True) if manifests
                else pd.DataFrame(columns=["path_resolved"]))
    manifest = manifest.drop_duplicates("path_resolved", keep="first")
    return files, manifest, problems


def resolved_name(path: Path) -> str:
    """The absolute path of a report as stored in tables (escaped: any bytes are safe)."""
    return _guard.printable(path.resolve())


def _doc_id(raw_sha: str, name: str, taken: set[str]) -> str:
    doc_id = raw_sha[:16]
    if doc_id in taken:  # byte-identical copy under another name: still needs its own id
        doc_id = hashlib.sha256((raw_sha + name).encode()).hexdigest()[:16]
    taken.add(doc_id)
    return doc_id


def _read_batch(paths: list[Path]) -> list[tuple]:
    """Worker: each file read, its site furniture found and masked; or its one-line problem.
    (``(result, problem, spans, masked text)``; the exception itself is not sent back.)"""
    out = []
    for path in paths:
        try:
            res = _read.read_report(path)
        except _read.ReportError as exc:
            out.append((None, str(exc), None, None))
            continue
        spans = _bp.find_boilerplate(res.text)
        out.append((res, None, spans, _bp.mask_boilerplate(res.text, spans)))
    return out


def _in_batches(func, batches: list, sizes: list[int], progress: bool, desc: str,
                n_jobs: int | None) -> list:
    """``func`` (which returns a list per batch) over ``batches``, in worker processes for a
    corpus of MIN_REPORTS_FOR_POOL reports or more; the lists concatenated in input order."""
    jobs = n_jobs if sum(sizes) >= MIN_REPORTS_FOR_POOL else 1
    done: dict[int, list] = {}
    for i, part in map_batches(func, batches, n_jobs=jobs, sizes=sizes, desc=desc,
                               unit="report", progress=progress):
        done[i] = part
    return [x for i in range(len(batches)) for x in done[i]]


def _cut(n: int) -> list[slice]:
    return [slice(i, i + REPORTS_PER_TASK) for i in range(0, n, REPORTS_PER_TASK)]


def read_documents(files: list[tuple[Path, str]], progress: bool = True,
                   n_jobs: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read each file: the documents table (one row per readable report; ``read_notes`` says
    what was repaired or looks wrong) and the problems: one line per file not read, and a
    line starting "note: " per report read with a note (bytes replaced, mojibake repaired,
    not Vietnamese). File names are stored and printed escaped (:func:`guard.printable`)."""
    return _read_files(files, progress, n_jobs)[:2]


def _read_files(files, progress, n_jobs) -> tuple[pd.DataFrame, list[str], list, list]:
    """:func:`read_documents`, and per row its site furniture (spans) and its text with them
    masked (found in the same worker pass)."""
    rows, problems, taken, spans, masked = [], [], set(), [], []
    paths = [path for path, _ in files]
    cut = _cut(len(paths))
    results = _in_batches(_read_batch, [paths[c] for c in cut], [len(paths[c]) for c in cut],
                          progress, "reading reports", n_jobs)
    for (path, given), (res, problem, found, mask) in zip(files, results):
        if res is None:
            problems.append(problem)
            continue
        spans.append(found)
        masked.append(mask)
        shown = _guard.printable(given)
        problems.extend(f"note: {shown}: {n}" for n in res.notes)
        rows.append({
            "doc_id": _doc_id(res.raw_bytes_sha256, _guard.printable(path.name), taken),
            "file": shown, "path_resolved": resolved_name(path),
            "format": res.format, "encoding": res.encoding, "text": res.text,
            "title_hint": res.title_hint, "date_hint": res.date_hint,
            "url_hint": res.url_hint, "outlet_hint": res.outlet_hint,
            "read_notes": "; ".join(res.notes),
        })
    cols = ["doc_id", "file", "path_resolved", "format", "encoding", "text",
            "title_hint", "date_hint", "url_hint", "outlet_hint", "read_notes"]
    return pd.DataFrame(rows, columns=cols), problems, spans, masked


def _metadata_batch(batch: tuple) -> list[dict]:
    """Worker: the metadata rows of some documents (with the manifest rows that describe them)."""
    docs, mrows = batch
    return _meta.metadata_frame(docs, mrows).to_dict("records")


def load(paths: Iterable[str | Path] | str | Path, progress: bool = True,
         n_jobs: int | None = None) -> Corpus:
    """The load stage: read every report under ``paths`` (files and folders; a folder's
    ``manifest.csv`` describes its files) into a documents table with metadata (manifest
    first, inferred second, with evidence) and the boilerplate table. Segmenting into sentences
    is the next stage (:func:`dvlib.segment.segment`). Reading and metadata run in ``n_jobs``
    worker processes (default: every core) for a corpus of ``MIN_REPORTS_FOR_POOL`` reports
    or more; the tables are the same."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files, manifest, problems = discover(paths)
    docs, read_problems, found, masked = _read_files(files, progress, n_jobs)
    problems.extend(read_problems)
    if docs.empty:
        return Corpus(documents=pd.DataFrame(columns=DOCUMENT_COLUMNS),
                      sentences=pd.DataFrame(columns=SENTENCE_COLUMNS),
                      boilerplate=pd.DataFrame(columns=BOILERPLATE_COLUMNS),
                      problems=problems or ["no reports found"])

    span_rows = [{"doc_id": doc_id, "start": s.start, "end": s.end, "kind": s.kind, "text": s.text}
                 for doc_id, spans in zip(docs["doc_id"], found) for s in spans]
    docs["masked_text"] = masked
    spans = pd.DataFrame(span_rows, columns=BOILERPLATE_COLUMNS)

    # A report that is nothing but site furniture has no content to analyse.
    empty = docs["masked_text"].str.strip() == ""
    for f in docs.loc[empty, "file"]:
        problems.append(f"{f}: no report text left after removing site furniture")
    docs = docs[~empty].reset_index(drop=True)
    spans = spans[spans["doc_id"].isin(docs["doc_id"])].reset_index(drop=True)

    mrows = manifest.merge(docs[["doc_id", "path_resolved"]], on="path_resolved", how="inner")
    cut = _cut(len(docs))
    parts = [(docs.iloc[c], mrows[mrows["doc_id"].isin(docs["doc_id"].iloc[c])]) for c in cut]
    meta = pd.DataFrame(_in_batches(_metadata_batch, parts, [len(p[0]) for p in parts],
                                    progress, "metadata", n_jobs),
                        columns=["doc_id"] + _meta.METADATA_COLUMNS)
    docs = docs.merge(meta, on="doc_id", how="left", suffixes=("", "_meta"))

    return Corpus(documents=docs, sentences=pd.DataFrame(columns=SENTENCE_COLUMNS),
                  boilerplate=spans, problems=problems)


def complete_documents(docs: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The documents table finished once its sentences are known: republished copies flagged
    (``duplicate_of``, from the content sentences joined), ``n_sentences``,
    ``n_boilerplate``, ``n_chars``, and the columns in :data:`DOCUMENT_COLUMNS` order."""
    docs = docs.copy()
    content = sentences[sentences["boilerplate"] == ""].groupby("doc_id")["text"].agg("\n".join)
    docs["content"] = docs["doc_id"].map(content).fillna("")
    docs = docs.merge(find_duplicates(docs), on="doc_id", how="left")
    # two more copies of every report's text, needed only to infer metadata and find
    # republished copies: 150 MB at 10,000 reports that no later stage reads
    docs = docs.drop(columns=["content", "masked_text"], errors="ignore")
    counts = sentences.groupby("doc_id")["boilerplate"].agg(
        n_sentences=lambda b: int((b == "").sum()), n_boilerplate=lambda b: int((b != "").sum()))
    docs = docs.drop(columns=[c for c in ("n_sentences", "n_boilerplate") if c in docs]).merge(
        counts, left_on="doc_id", right_index=True, how="left")
    docs["n_chars"] = docs["text"].str.len()
    for col in DOCUMENT_COLUMNS:
        if col not in docs:
            docs[col] = ""
    extra = [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    docs = docs[DOCUMENT_COLUMNS + extra]
    return docs
