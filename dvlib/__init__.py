"""dvlib: compare how Vietnamese provinces report their mass-mobilisation work.

The pipeline, stage by stage, each a function from DataFrames to DataFrames (in the order data
moves; :data:`dvlib.stages.STAGES` declares them)::

    stage      in -> out                          verb here            = in its package
    load       reports on disk -> documents       load_documents       dvlib.load.load
    segment    documents -> sentences             segment_documents    dvlib.segment.segment
    tokenize   sentences -> + tokens, terms       tokenize_sentences   dvlib.tokenize.tokenize
    label      sentences -> + family              label_sentences      dvlib.label.label
    claims     content -> claims                  split_claims         dvlib.claims.split_claims
    extract    content -> entities                extract_entities     dvlib.extract.extract
    cluster    claims -> + sub-themes, aspects;   assign_subthemes,    dvlib.cluster.*
               content -> codes                   code_sentences, tag_aspects
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

import importlib

# Public names -> (module, attribute); imported on first use, so that `import dvlib` (and the
# CLI) costs nothing until a stage is needed: a rerun whose inputs are unchanged never imports
# the stack (underthesea, scikit-learn, seaborn). ``attribute`` None: the module itself.
_LAZY = {
    # the stages, in flow order
    "load_documents": ("dvlib.load", "load"),
    "segment_documents": ("dvlib.segment", "segment"),
    "tokenize_sentences": ("dvlib.tokenize", "tokenize"),
    "label_sentences": ("dvlib.label", "label"),
    "split_claims": ("dvlib.claims", "split_claims"),
    "extract_entities": ("dvlib.extract", "extract"),
    "assign_subthemes": ("dvlib.cluster", "assign_subthemes"),
    "code_sentences": ("dvlib.cluster", "code"),
    "tag_aspects": ("dvlib.cluster", "tag_aspects"),
    "compare_tables": ("dvlib.compare", "compare"),
    "draw_figures": ("dvlib.report", "draw_figures"),
    "make_brief": ("dvlib.report", "make_brief"),
    # the whole pipeline, and its results
    "Analysis": ("dvlib.analysis", "Analysis"),
    "Corpus": ("dvlib.load", "Corpus"),
    "STAGES": ("dvlib.stages", "STAGES"),
    "analyze": ("dvlib.pipeline", "analyze"),
    "get_analysis": ("dvlib.pipeline", "get_analysis"),
    "load_corpus": ("dvlib.pipeline", "load_corpus"),
    "run_all": ("dvlib.pipeline", "run_all"),
    "load_analysis": ("dvlib.store", "load_analysis"),
    # the stage packages, for notebooks: dvlib.compare.drilldown(...), dvlib.report.figures ...
    **{name: (f"dvlib.{name}", None) for name in
       ("claims", "cluster", "compare", "config", "extract", "label", "load", "report")},
}

__all__ = list(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'dvlib' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = importlib.import_module(module)
    value = value if attribute is None else getattr(value, attribute)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
