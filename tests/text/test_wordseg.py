"""The fast decoder gives underthesea's words exactly, on real and awkward text."""
import unicodedata
from pathlib import Path

import pytest
import underthesea

from dvlib.text import wordseg

ROOT = Path(__file__).resolve().parents[2]


def _sentences() -> list[str]:
    files = sorted((ROOT / "corpus").glob("*.txt")) + sorted((ROOT / "evaluation" / "texts").glob("*/*.txt"))
    out = []
    for f in files:
        for line in unicodedata.normalize("NFC", f.read_text(encoding="utf-8")).splitlines():
            out += [s for s in underthesea.sent_tokenize(line) if s.strip()]
    return out


def test_the_decoder_is_in_use():
    assert wordseg.segmenter() is not None, "underthesea is the checked version; the fast path must load"


@pytest.mark.slow
def test_same_words_as_underthesea_on_every_report_sentence():
    sentences = _sentences()
    assert len(sentences) > 3000
    differ = [s for s in sentences if wordseg.word_tokenize(s) != underthesea.word_tokenize(s)]
    assert differ == []


EDGE = [
    "", "   ", ".", "a", "Hà Nội", "2024", "ĐVTN", "Ǆa ǅb ǆc", "Ⅳ. KẾT QUẢ", "1/2 ½ ² ٣ １２",
    "Tỉnh uỷ Bắc Giang", "Tỉnh ủy Bắc Giang", "“Dân vận khéo” – năm 2024!", "ΣΑΣ aB Ab _x ﬁ µ İ",
    "https://danvan.vn/tin-tuc?id=1 email@dvtu.gov.vn 209/209 xã, 1,2 tỷ đồng; 96%...",
    "Đồng chí Lê Thị Xuân Trang, UVBTV, Trưởng BDV HU chủ trì hội nghị giao ban Quý III/2025.",
    "x " * 300,
]


@pytest.mark.parametrize("text", EDGE)
def test_same_words_on_edge_cases(text):
    assert wordseg.word_tokenize(text) == underthesea.word_tokenize(text)


def test_another_underthesea_falls_back(monkeypatch):
    """A different underthesea version than the one checked: underthesea's own function."""
    wordseg.segmenter.cache_clear()
    monkeypatch.setattr(wordseg, "CHECKED_UNDERTHESEA", "0.0.0")
    try:
        assert wordseg.segmenter() is None
        assert wordseg.word_tokenize("Ban Dân vận Tỉnh ủy") == underthesea.word_tokenize("Ban Dân vận Tỉnh ủy")
    finally:
        wordseg.segmenter.cache_clear()
