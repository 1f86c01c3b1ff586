"""The load stage: reports on disk -> a documents table (and the site furniture set aside).

:func:`load` finds the reports (:mod:`~dvlib.load.corpus`), reads txt/html/docx/pdf
(:mod:`~dvlib.load.read`), marks site furniture (:mod:`~dvlib.load.boilerplate`), and attaches
metadata — the manifest first (:mod:`~dvlib.load.manifest`), inferred second with evidence
(:mod:`~dvlib.load.metadata`, :mod:`~dvlib.load.dates`, :mod:`~dvlib.load.gazetteer`).
Republished copies are flagged once sentences are known (:mod:`~dvlib.load.duplicates`).
:mod:`~dvlib.load.add` copies new reports into a corpus folder.
"""
import importlib

__all__ = ["Corpus", "complete_documents", "discover", "load"]


def __getattr__(name: str):
    # Imported on first use: the listing of report files (dvlib.load.files) is needed to tell
    # whether a saved analysis is current, and must not pull in the reading stack (scikit-learn
    # for duplicates, the readers of docx and pdf).
    if name in __all__:
        return getattr(importlib.import_module("dvlib.load.corpus"), name)
    raise AttributeError(f"module 'dvlib.load' has no attribute {name!r}")
