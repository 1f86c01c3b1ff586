"""drilldown and kwic as people type: no accents, any case, post-2025 names; empty says so."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from dvlib.compare.kwic import kwic
from dvlib.compare.profiles import drilldown
from dvlib.load.selection import SelectionError

DOCS = pd.DataFrame({"doc_id": ["d1", "d2"], "province": ["Điện Biên", "Bắc Giang"],
                     "province_2025": ["Điện Biên", "Bắc Ninh"], "date": ["2023-12-29", "2024-01-05"],
                     "outlet": ["Báo Điện Biên Phủ", "Báo Bắc Giang"], "file": ["a.txt", "b.txt"],
                     "title": ["", ""], "duplicate_of": ["", ""]})
SENTS = pd.DataFrame({"doc_id": ["d1", "d2", "d2"], "sentence_id": ["d1-s0", "d2-s0", "d2-s1"],
                      "sentence_index": [0, 0, 1],
                      "text": ["Phong trào “Dân vận khéo” được nhân rộng.",
                               "Nhiều mô hình DÂN VẬN KHÉO ở cơ sở.", "Dân vận chưa khéo."],
                      "boilerplate": ["", "", ""], "family": ["model", "model", "limitation"],
                      "family_score": [0.9, 0.9, 0.8], "family_evidence": ["", "", ""],
                      "subtheme": ["", "", ""]})


@pytest.mark.parametrize("typed", ["Dien Bien", "điện biên", "ĐIỆN BIÊN"])
def test_drilldown_province_as_typed(typed):
    assert drilldown(SENTS, DOCS, province=typed)["sentence_id"].tolist() == ["d1-s0"]


def test_drilldown_post_2025_name_and_unknown():
    assert drilldown(SENTS, DOCS, province="Bac Ninh")["sentence_id"].tolist() == ["d2-s0", "d2-s1"]
    with pytest.raises(SelectionError, match='did you mean "Điện Biên"'):
        drilldown(SENTS, DOCS, province="Dien Bienn")
    with pytest.warns(UserWarning, match="no content sentence matches"):
        assert drilldown(SENTS, DOCS, province="Dien Bien", family="limitation").empty


def test_kwic_without_diacritics_finds_every_spelling():
    hits = kwic(SENTS, "dan van kheo", documents=DOCS)
    assert hits["keyword"].tolist() == ["Dân vận khéo", "DÂN VẬN KHÉO"]
    assert hits["left"].tolist() == ["Phong trào “", "Nhiều mô hình"]
    # typed with diacritics, it stays exact
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kwic(SENTS, "Dân vận khéo", documents=DOCS)["sentence_id"].tolist() == \
            ["d1-s0", "d2-s0"]
    with pytest.warns(UserWarning, match="is in none of the"):
        assert kwic(SENTS, "dan van vung", documents=DOCS).empty
