"""Province names as people type them, post-2025 names, filters; unknown names refused."""
from __future__ import annotations

import pandas as pd
import pytest

from dvlib.load.selection import (Selection, SelectionError, fold, resolve_provinces,
                                  select_documents)


@pytest.mark.parametrize("typed", [["bac giang", "ĐIỆN BIÊN"], ["Bac Giang", "Dien Bien"],
                                   ["  Bắc   Giang ", "tỉnh Điện Biên"], ["BẮC GIANG", "điện biên"]])
def test_names_match_without_accents_case_or_spacing(typed):
    assert resolve_provinces(typed) == (["Bắc Giang", "Điện Biên"], [])


def test_post_2025_name_selects_the_merged_provinces_with_a_note():
    provs, notes = resolve_provinces(["Bắc Ninh", "Điện Biên"])
    assert provs == ["Bắc Giang", "Bắc Ninh", "Điện Biên"]
    assert len(notes) == 1 and "Bắc Giang" in notes[0] and "2025" in notes[0]
    assert "covers" in resolve_provinces(["bac ninh"], lang="en")[1][0]


def test_unknown_name_suggests_the_closest():
    with pytest.raises(SelectionError) as err:
        resolve_provinces(["Hà Lội"])
    assert str(err.value) == 'unknown province "Hà Lội"; did you mean "Hà Nội"?'
    with pytest.raises(SelectionError, match='unknown province "xyzzy"$'):
        resolve_provinces(["xyzzy"])


def test_fold():
    assert fold("  ĐIỆN  Biên ") == "dien bien"
    assert fold("Bà Rịa-Vũng Tàu") == "ba ria vung tau"


DOCS = pd.DataFrame({"doc_id": list("abcd"),
                     "province": ["Điện Biên", "Bắc Giang", "Điện Biên", "Nghệ An"],
                     "date": ["2023-12-29", "2024-03-01", "", "2025-01-10"],
                     "outlet": ["Báo Điện Biên Phủ", "Báo Bắc Giang", "Cổng TTĐT huyện Mường Chà",
                                "Báo Nghệ An"],
                     "level": ["province", "province", "district", "province"]})


def test_filters_by_date_outlet_and_level():
    sel = Selection.from_typed(date_from="2024", date_to="2025-01")
    assert select_documents(DOCS, sel)["doc_id"].tolist() == ["b", "d"]
    sel = Selection.from_typed(outlets=["bao dien bien"])
    assert select_documents(DOCS, sel)["doc_id"].tolist() == ["a"]
    sel = Selection.from_typed(["dien bien"], levels=["huyện"])
    assert select_documents(DOCS, sel)["doc_id"].tolist() == ["c"]
    assert select_documents(DOCS, Selection.from_typed()) is DOCS
    with pytest.raises(SelectionError, match="bad date"):
        Selection.from_typed(date_from="12/2024")
    with pytest.raises(SelectionError, match="unknown level"):
        Selection.from_typed(levels=["village"])
