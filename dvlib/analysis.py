"""The result of an analysis: every table of every stage, held together (:class:`Analysis`)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd

from dvlib.compare import compare
from dvlib.segment import content_sentences

RANDOM_STATE = 0


@dataclass
class Analysis:
    """Everything :func:`dvlib.pipeline.analyze` produced, as DataFrames, plus the problems met
    on the way: ``documents``, ``sentences`` (every sentence, furniture included, with tokens,
    family and sub-theme), ``boilerplate``, ``entities``, ``coded`` (codebook matches),
    ``claims`` (the clauses and list items of content sentences, with their aspects),
    ``topics`` (the sub-themes), the comparison ``tables``, the ``figures`` written, and the
    ``params`` the analysis ran with."""
    documents: pd.DataFrame
    sentences: pd.DataFrame            # every sentence, furniture included (boilerplate != "")
    boilerplate: pd.DataFrame
    entities: pd.DataFrame = field(default_factory=pd.DataFrame)
    coded: pd.DataFrame = field(default_factory=pd.DataFrame)
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)
    topics: pd.DataFrame = field(default_factory=pd.DataFrame)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    subtheme_mapping: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)

    @property
    def content(self) -> pd.DataFrame:
        """Report content joined with province, date, outlet ...: what comparisons count."""
        return content_sentences(self.sentences, self.documents)

    def content_for(self, provinces: Sequence[str] | None = None) -> pd.DataFrame:
        """:attr:`content` restricted to ``provinces`` (all when empty)."""
        content = self.content
        return content[content["province"].isin(list(provinces))] if provinces else content

    def corpus_hash(self) -> str:
        return corpus_hash(self.documents)

    def comparison(self, provinces: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
        """The comparison tables, for all provinces (as saved) or recomputed for a chosen few."""
        if not provinces:
            return self.tables
        return compare(self.sentences, self.documents, self.coded, provinces=provinces,
                       n_boot=self.params.get("n_boot", 1000),
                       random_state=self.params.get("random_state", RANDOM_STATE))


def corpus_hash(documents: pd.DataFrame) -> str:
    """One hash for the corpus as analysed: the documents' ids (content hashes) and metadata."""
    cols = [c for c in ("doc_id", "province", "date", "title", "outlet") if c in documents]
    rows = documents[cols].astype(str).sort_values("doc_id").to_csv(index=False)
    return hashlib.sha256(rows.encode()).hexdigest()[:16]
