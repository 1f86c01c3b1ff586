"""The whole analysis, stage by stage, as one function: corpus -> tables (-> files).

Each stage is a library function a notebook can call on its own; ``analyze`` chains them and,
given an output folder, writes every table atomically so an interrupted run never leaves a
half-written table behind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import atomic
from .corpus import Corpus, load_corpus

# Columns of the working tables that are lists or large: not written to the CSVs.
_DOC_INTERNAL = ["text", "masked_text", "content", "path_resolved", "title_hint", "date_hint",
                 "url_hint", "outlet_hint"]


@dataclass
class Analysis:
    """Everything ``analyze`` produced, as DataFrames (and the problems met on the way)."""
    documents: pd.DataFrame
    sentences: pd.DataFrame
    boilerplate: pd.DataFrame
    entities: pd.DataFrame = field(default_factory=pd.DataFrame)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def content(self) -> pd.DataFrame:
        dups = set(self.documents.loc[self.documents["duplicate_of"] != "", "doc_id"])
        s = self.sentences
        return s[(s["boilerplate"] == "") & ~s["doc_id"].isin(dups)]


def analyze(paths: Iterable[str | Path] | str | Path, out_dir: str | Path | None = None, *,
            n_jobs: int | None = None, progress: bool = True) -> Analysis:
    """Load, segment and describe a corpus; write the tables into ``out_dir`` if given."""
    corpus: Corpus = load_corpus(paths, progress=progress)
    result = Analysis(documents=corpus.documents, sentences=corpus.sentences,
                      boilerplate=corpus.boilerplate, problems=list(corpus.problems))
    if out_dir is not None:
        write_tables(result, Path(out_dir))
    return result


def _flatten(df: pd.DataFrame) -> pd.DataFrame:
    """CSV-friendly copy: list columns become space-joined strings."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: " ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def write_tables(result: Analysis, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    docs = result.documents.drop(columns=[c for c in _DOC_INTERNAL if c in result.documents])
    written.append(atomic.write_csv(docs, out_dir / "documents.csv"))
    written.append(atomic.write_csv(_flatten(result.sentences.drop(
        columns=[c for c in ("tokens", "token_spans") if c in result.sentences])), out_dir / "sentences.csv"))
    written.append(atomic.write_csv(result.boilerplate, out_dir / "boilerplate.csv"))
    # The texts that sentence and entity offsets point into, for quoting and checking.
    written.append(atomic.write_parquet(result.documents[["doc_id", "file", "text"]],
                                        out_dir / "texts.parquet"))
    if not result.entities.empty:
        written.append(atomic.write_csv(result.entities, out_dir / "entities.csv"))
    for name, table in result.tables.items():
        written.append(atomic.write_csv(_flatten(table), out_dir / f"{name}.csv"))
    return written
