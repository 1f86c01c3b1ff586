"""The level of a report from its issuing body or outlet; a district named later is only
``districts_mentioned``."""
from __future__ import annotations

import pandas as pd
import pytest

from dvlib.load.metadata import infer_level, metadata_frame


@pytest.mark.parametrize("outlet, title, text, level", [
    ("Báo Điện Biên Phủ", "", "Ban Dân vận Huyện ủy Mường Chà tổ chức hội nghị tổng kết.", "district"),
    ("Cổng TTĐT huyện Mường Chà", "", "Chiều 12/1, Tỉnh ủy chỉ đạo...", "district"),
    ("Cổng thông tin điện tử xã Thanh Minh", "", "", "commune"),
    ("", "Đảng ủy xã Tân Lập tổng kết công tác dân vận", "", "commune"),
    ("", "", "Sáng 12/01, tại Hội trường huyện ủy Phú Riềng, Ban Dân vận Tỉnh ủy phối hợp...",
     "province"),
    ("Báo Lạng Sơn", "Hội nghị giao ban", "Các đại biểu thăm huyện Cao Lộc.", "province"),
    ("", "", "Các đại biểu đã thảo luận.", "province"),
])
def test_level_from_the_issuing_body(outlet, title, text, level):
    assert infer_level(outlet, title, text)["level"] == level


def test_manifest_level_wins_and_districts_are_only_mentioned():
    text = ("Báo Lạng Sơn - Chiều 5/3, Ban Dân vận Tỉnh ủy Lạng Sơn tổ chức hội nghị. "
            "Tại huyện Cao Lộc, mô hình dân vận khéo được nhân rộng.")
    docs = pd.DataFrame({"doc_id": ["a", "b"], "file": ["a.txt", "b.txt"], "text": [text, text]})
    manifest = pd.DataFrame({"file": ["b.txt"], "province": ["Lạng Sơn"], "level": ["district"]})
    meta = metadata_frame(docs, manifest).set_index("doc_id")
    assert "district" not in meta.columns
    assert meta.loc["a", "level"] == "province" and meta.loc["a", "level_source"] == "inferred"
    assert meta.loc["b", "level"] == "district" and meta.loc["b", "level_source"] == "manifest"
    assert meta.loc["a", "districts_mentioned"] in ("Cao Lộc", "")
