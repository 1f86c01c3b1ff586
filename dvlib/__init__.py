"""dvlib: compare how Vietnamese provinces report their mass-mobilisation work.

The pipeline, stage by stage, each a function from DataFrames to DataFrames (in the order data
moves; :data:`dvlib.pipeline.STAGES` declares them)::

    stage      in -> out                          verb here            = in its package
    load       reports on disk -> documents       load_documents       dvlib.load.load
    segment    documents -> sentences             segment_documents    dvlib.segment.segment
    tokenize   sentences -> + tokens, terms       tokenize_sentences   dvlib.tokenize.tokenize
    label      sentences -> + family              label_sentences      dvlib.label.label
    claims     content -> claims                  split_claims         dvlib.claims.split_claims
    extract    content -> entities                extract_entities     dvlib.extract.extract
    cluster    content -> + sub-themes; codes     assign_subthemes,    dvlib.cluster.*
               claims -> + aspects                code_sentences, tag_aspects
    compare    sentences, documents -> tables     compare_tables       dvlib.compare.compare
    report     analysis -> figures, brief         draw_figures,        dvlib.report.*
                                                  make_brief

(The verbs here carry an object in their name so they never hide the stage packages:
``dvlib.compare`` stays the package, ``dvlib.compare.drilldown(...)`` works.)
``load_corpus`` = load + segment; ``analyze`` chains every stage and writes the tables,
``get_analysis`` reuses a saved analysis when nothing changed, ``run_all`` also executes the
notebooks (``dvlib run``).
"""
from __future__ import annotations

from dvlib.config import package_version as _package_version

__version__ = _package_version()

# the stages, in flow order
from dvlib.load import load as load_documents  # noqa: E402
from dvlib.segment import segment as segment_documents  # noqa: E402
from dvlib.tokenize import tokenize as tokenize_sentences  # noqa: E402
from dvlib.label import label as label_sentences  # noqa: E402
from dvlib.claims import split_claims  # noqa: E402
from dvlib.extract import extract as extract_entities  # noqa: E402
from dvlib.cluster import assign_subthemes, code as code_sentences, tag_aspects  # noqa: E402
from dvlib.compare import compare as compare_tables  # noqa: E402
from dvlib.report import draw_figures, make_brief  # noqa: E402
# the whole pipeline, and its results
from dvlib.analysis import Analysis  # noqa: E402
from dvlib.load import Corpus  # noqa: E402
from dvlib.pipeline import STAGES, analyze, get_analysis, load_corpus, run_all  # noqa: E402
from dvlib.store import load_analysis  # noqa: E402
# the stage packages, for notebooks: dvlib.compare.drilldown(...), dvlib.report.figures ...
from dvlib import claims, cluster, compare, config, extract, label, load, report  # noqa: E402

__all__ = ["load_documents", "segment_documents", "tokenize_sentences", "label_sentences",
           "split_claims", "extract_entities", "assign_subthemes", "code_sentences", "tag_aspects",
           "compare_tables",
           "draw_figures", "make_brief",
           "Analysis", "Corpus", "STAGES", "analyze", "get_analysis", "load_analysis",
           "load_corpus", "run_all",
           "claims", "cluster", "compare", "config", "extract", "label", "load", "report", "__version__"]
