"""dvlib: compare how Vietnamese provinces report their mass-mobilisation work.

The pipeline, stage by stage (each a function from DataFrames to DataFrames)::

    load_corpus -> label_sentences -> extract_entities -> assign_subthemes -> compare_tables

``analyze`` chains them (and writes the tables), ``get_analysis`` reuses a saved analysis
when the corpus is unchanged, ``make_brief`` writes the comparative brief.
"""
from __future__ import annotations

import importlib.metadata as _md

try:
    __version__ = _md.version("dvlib")
except _md.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

from . import (codebook, compare, entities, families, figures, formulas, keyness, paths,  # noqa: E402
               run, store, subthemes)
from .corpus import Corpus, load_corpus  # noqa: E402
from .pipeline import Analysis, analyze, compare_tables, label_sentences  # noqa: E402
from .run import make_brief, run_all  # noqa: E402
from .store import get_analysis, load_analysis  # noqa: E402

__all__ = ["Analysis", "Corpus", "analyze", "compare_tables", "get_analysis", "label_sentences",
           "load_analysis", "load_corpus", "make_brief", "run_all", "__version__",
           # the stage modules, for notebooks: dvlib.compare.drilldown(...), dvlib.figures...
           "codebook", "compare", "entities", "families", "figures", "formulas", "keyness",
           "paths", "run", "store", "subthemes"]
