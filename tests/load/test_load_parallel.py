"""The load stage reads reports and infers their metadata in worker processes for a large
corpus: the tables must be the ones a single process makes, bad files included."""
from __future__ import annotations

import shutil

import pandas as pd

import dvlib.load.corpus as corpus_module
from dvlib.pipeline import load_corpus


def test_reading_in_workers_gives_the_tables_of_one_process(corpus_copy, monkeypatch):
    # the seeds three times over (other names, so other ids where bytes repeat) and two bad files
    originals = sorted(corpus_copy.glob("*.txt"))
    for k in (1, 2):
        for p in originals:
            shutil.copy(p, corpus_copy / f"copy{k}_{p.name}")
    (corpus_copy / "broken.docx").write_bytes(b"not a zip at all")
    (corpus_copy / "empty.txt").write_bytes(b"")
    serial = load_corpus([corpus_copy], progress=False, n_jobs=1)
    # a pool for this small corpus, two reports per task
    monkeypatch.setattr(corpus_module, "MIN_REPORTS_FOR_POOL", 2)
    monkeypatch.setattr(corpus_module, "REPORTS_PER_TASK", 2)
    pooled = load_corpus([corpus_copy], progress=False, n_jobs=2)
    assert len(pooled.documents) == 3 * len(originals)
    for name in ("documents", "sentences", "boilerplate"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(pooled, name))
    assert serial.problems == pooled.problems
    assert any("broken.docx" in p for p in pooled.problems)
    assert any("empty.txt" in p for p in pooled.problems)
