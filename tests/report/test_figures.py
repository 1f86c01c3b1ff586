"""Figures: written, not blank, Vietnamese letters drawn with a font that has them."""
from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread
from matplotlib.text import Text

from dvlib import compare
from dvlib.report import figures
from dvlib.compare import keyness
from helpers import build_seed_tables


@pytest.fixture(scope="module")
def tables():
    content = compare.content_sentences(*build_seed_tables())
    return {
        "profile": compare.profile(content, n_boot=200),
        "crosstab": compare.crosstab(content, by="subtheme"),
        "keyness": keyness.keyness(content),
        "similarity": compare.tfidf_similarity(content),
    }


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _assert_glyphs(fig: Figure) -> set[str]:
    """Every character of every visible text has a glyph in the font that draws it."""
    drawn = set()
    for text in _texts(fig):
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert Path(path).name.startswith("DejaVuSans"), (text.get_text(), path)
        font = FT2Font(path)
        for ch in text.get_text():
            if not ch.isspace():
                assert font.get_char_index(ord(ch)) != 0, (ch, text.get_text())
                drawn.add(ch)
    return drawn


def _assert_written(base: Path):
    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    assert png.stat().st_size > 0 and svg.stat().st_size > 0
    pixels = imread(png)
    assert pixels.ndim == 3 and pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels[..., :3].var() > 0  # not a blank canvas
    assert "<svg" in svg.read_text(encoding="utf-8")[:2000]
    assert not list(base.parent.glob(".*.tmp"))  # atomic writes leave nothing behind


def _make(kind, tables, **kw):
    if kind == "family_profile":
        return figures.family_profile(tables["profile"], **kw)
    if kind == "heatmap":
        return figures.heatmap(tables["crosstab"], title="Chủ đề con theo tỉnh", **kw)
    if kind == "keyness_bars":
        return figures.keyness_bars(tables["keyness"], top=8, **kw)
    return figures.similarity_matrix(tables["similarity"], **kw)


@pytest.mark.parametrize("kind", ["family_profile", "heatmap", "keyness_bars",
                                  "similarity_matrix"])
def test_figures_are_written_with_vietnamese_text(kind, tables, tmp_path):
    base = tmp_path / "fig" / kind
    fig = _make(kind, tables, path=base)
    assert isinstance(fig, Figure)
    _assert_written(base)
    drawn = _assert_glyphs(fig)
    texts = " ".join(t.get_text() for t in _texts(fig))
    assert "Điện Biên" in texts and "Bắc Giang" in texts
    assert drawn & set("ạắằẳẵặấầẩẫậẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ")


def test_family_labels_follow_the_language(tables):
    vi = " ".join(t.get_text() for t in _texts(figures.family_profile(tables["profile"])))
    en = " ".join(t.get_text() for t in _texts(
        figures.family_profile(tables["profile"], lang="en")))
    for family in ("limitation", "priority", "model", "achievement", "other"):
        assert figures.label(family, "vi") in vi and figures.label(family, "en") in en
    assert "Hạn chế" in vi and "Nhiệm vụ trọng tâm" in vi and "Limitations" in en
    assert "Hạn chế" not in en
    with pytest.raises(ValueError):
        figures.label("limitation", "fr")


def test_the_font_table_covers_vietnamese():
    path = font_manager.findfont(font_manager.FontProperties(family=figures.FONT),
                                 fallback_to_default=False)
    font = FT2Font(path)
    # Every precomposed Vietnamese letter, lower and upper case (Latin-1, Latin Extended).
    letters = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    missing = [c for c in letters + letters.upper() if font.get_char_index(ord(c)) == 0]
    assert not missing


def test_global_matplotlib_settings_are_left_alone(tables, tmp_path):
    # The session prefers a serif font and another face colour: the figure pins its own font
    # and style and leaves the session's settings as they were.
    with mpl.rc_context({"font.family": "serif", "font.serif": ["DejaVu Serif"],
                         "axes.facecolor": "#123456"}):
        before = dict(mpl.rcParams)
        fig = figures.heatmap(tables["crosstab"], title="Tỷ lệ", path=tmp_path / "h")
        assert dict(mpl.rcParams) == before
        assert all(text.get_fontfamily() == ["DejaVu Sans"] for text in _texts(fig))
        # Redrawing later, outside the style, still uses the pinned font.
        fig.savefig(tmp_path / "again.png")
        _assert_glyphs(fig)
    assert imread(tmp_path / "again.png")[..., :3].var() > 0


def test_heatmap_annotations_show_the_table(tables):
    fig = figures.heatmap(tables["crosstab"])
    texts = {t.get_text() for t in _texts(fig)}
    share = tables["crosstab"].iloc[0, 0]
    assert f"{share:.0%}" in texts
    counts = compare.crosstab(compare.content_sentences(*build_seed_tables()), values="count")
    fig = figures.heatmap(counts, lang="en")
    texts = {t.get_text() for t in _texts(fig)}
    assert str(int(counts.iloc[0, 0])) in texts and "Limitations" in texts


def test_keyness_panels_show_the_top_terms(tables):
    fig = figures.keyness_bars(tables["keyness"], top=5)
    texts = {t.get_text() for t in _texts(fig)}
    top = tables["keyness"]
    for prov, grp in top.groupby("province"):
        best = grp.nlargest(1, "zeta")["term"].iloc[0].replace("_", " ")
        assert best in texts and prov in texts
    assert np.sum([ax.get_visible() for ax in fig.axes if ax.get_label() != "<colorbar>"]) == 5
