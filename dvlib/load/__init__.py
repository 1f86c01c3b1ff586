"""The load stage: reports on disk -> a documents table (and the site furniture set aside).

:func:`load` finds the reports (:mod:`~dvlib.load.corpus`), reads txt/html/docx/pdf
(:mod:`~dvlib.load.read`), marks site furniture (:mod:`~dvlib.load.boilerplate`), and attaches
metadata — the manifest first (:mod:`~dvlib.load.manifest`), inferred second with evidence
(:mod:`~dvlib.load.metadata`, :mod:`~dvlib.load.dates`, :mod:`~dvlib.load.gazetteer`).
Republished copies are flagged once sentences are known (:mod:`~dvlib.load.duplicates`).
:mod:`~dvlib.load.add` copies new reports into a corpus folder.
"""
from dvlib.load.corpus import Corpus, complete_documents, discover, load

__all__ = ["Corpus", "complete_documents", "discover", "load"]
