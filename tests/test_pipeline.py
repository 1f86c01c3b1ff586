"""Reruns: nothing changed -> the saved analysis is reused; a change -> recomputed."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dvlib.pipeline import analyze

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning")]


@pytest.fixture
def small_corpus(tmp_path, corpus_dir):
    c = tmp_path / "corpus"
    c.mkdir()
    for name in ("000_97bc4826e3921996.txt", "004_3efc173e9c33baf7.txt", "manifest.csv"):
        shutil.copy(corpus_dir / name, c / name)
    return c


def test_unchanged_rerun_reuses_and_a_changed_report_or_setting_is_recomputed(small_corpus, tmp_path):
    # One first analysis for both halves (it is the slow part): reuse, then recompute.
    out = tmp_path / "out"
    first = analyze([small_corpus], out, progress=False)
    again = analyze([small_corpus], out, progress=False)
    assert again.params.get("reused") is True and not first.params.get("reused")
    cols = ["sentence_id", "text", "family", "family_score", "subtheme"]
    pd.testing.assert_frame_equal(first.sentences[cols].reset_index(drop=True),
                                  again.sentences[cols].reset_index(drop=True))
    pd.testing.assert_frame_equal(first.tables["profile_family"].reset_index(drop=True),
                                  again.tables["profile_family"].reset_index(drop=True),
                                  check_dtype=False)

    f = small_corpus / "004_3efc173e9c33baf7.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\nThời gian tới, tiếp tục nhân rộng mô hình "
                 "“Dân vận khéo” ở các xã vùng cao.\n", encoding="utf-8")
    changed = analyze([small_corpus], out, progress=False)
    assert not changed.params.get("reused")
    assert changed.sentences["text"].str.contains("xã vùng cao").any()
    other_setting = analyze([small_corpus], out, progress=False, n_boot=200)
    assert not other_setting.params.get("reused")
