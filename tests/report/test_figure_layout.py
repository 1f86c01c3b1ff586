"""Heatmaps that read at 2, 5 and 40 provinces: rendered, then their layout checked — no two
tick labels overlap, every text lies inside the figure, every value is written complete in its
cell, titles are distinct and in the figure's language."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from dvlib.load.gazetteer import provinces as all_provinces
from dvlib.report import figures

ASPECTS = ["Tuyên truyền, vận động", "Phối hợp", "Giám sát, phản biện xã hội",
           "Dân vận khéo", "Nắm tình hình nhân dân", "An sinh xã hội, giảm nghèo",
           "Quy chế dân chủ ở cơ sở", "Đoàn viên, hội viên", "Chuyển đổi số"]
THEMES = ["Hạn chế 1: vận động · khó khăn · hoạt động", "Hạn chế 2: chính quyền · cấp ủy · giám sát",
          "Nhiệm vụ trọng tâm 1: nhiệm vụ · tập trung · hoàn thành", "Mô hình 1: đề án · xây dựng"]


def _overlap(a, b, pad=0.5) -> bool:
    return not (a.x1 <= b.x0 + pad or b.x1 <= a.x0 + pad or a.y1 <= b.y0 + pad or b.y1 <= a.y0 + pad)


def _check_layout(fig, shape, values):
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    page = fig.bbox
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        boxes = [t.get_window_extent(renderer) for t in ticks if t.get_text()]
        assert len(boxes) in shape
        for a, b in itertools.combinations(boxes, 2):
            assert not _overlap(a, b), "tick labels overlap"
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip():
            box = t.get_window_extent(renderer)
            assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= page.x1 + 1 and \
                box.y1 <= page.y1 + 1, f"outside the figure: {t.get_text()!r}"
    # values complete and inside their cells
    annots = [t for t in ax.texts if t.get_text()]
    assert sorted(t.get_text() for t in annots) == sorted(values)
    cell_w = ax.get_window_extent(renderer).width / shape[1]
    cell_h = ax.get_window_extent(renderer).height / shape[0]
    for t in annots:
        box = t.get_window_extent(renderer)
        assert box.width < cell_w and box.height < cell_h, t.get_text()


@pytest.mark.parametrize("n", [2, 5, pytest.param(40, marks=pytest.mark.slow)])
def test_province_by_aspect_counts(n, tmp_path):
    provs = all_provinces()[:n]
    rng = np.random.default_rng(n)
    m = pd.DataFrame(rng.integers(0, 120, size=(n, len(ASPECTS))), index=provs, columns=ASPECTS)
    m.index.name, m.columns.name = "province", "aspect"
    fig = figures.heatmap(m, values="count", lang="vi",
                          title=figures.label("aspect_matrix", "vi", "title").format(
                              family=figures.label("limitation", "vi")))
    _check_layout(fig, m.shape, [str(v) for v in m.to_numpy().ravel()])
    if n == 5:
        out = figures.aspect_matrix_figures({"limitation": m}, tmp_path, lang="vi",
                                            formats=("png",))
        assert out == {"aspects-limitation": tmp_path / "aspects-limitation.png"}
        assert out["aspects-limitation"].stat().st_size > 5000


@pytest.mark.parametrize("n", [2, 5, pytest.param(40, marks=pytest.mark.slow)])
def test_theme_by_province_shares(n):
    provs = all_provinces()[:n]
    rng = np.random.default_rng(n)
    shares = rng.random((len(THEMES), n)) * 0.3
    shares[0, 0] = 0.11   # "11%", not "1%"
    shares[1, -1] = 1.0   # "100%" fits
    m = pd.DataFrame(shares, index=THEMES, columns=provs)
    m.index.name, m.columns.name = "subtheme", "province"
    fig = figures.heatmap(m, lang="vi", title=figures.label("heatmap_subtheme", "vi", "title"))
    _check_layout(fig, m.shape, [f"{v:.0%}" for v in shares.ravel()])
    assert "11%" in [t.get_text() for t in fig.axes[0].texts]


def test_titles_distinct_and_in_the_figures_language():
    keys = ["heatmap_subtheme", "heatmap_code", "aspect_matrix", "family_profile", "similarity"]
    for lang in ("vi", "en"):
        titles = [figures.label(k, lang, "title") for k in keys]
        assert len(set(titles)) == len(titles)
    topics = pd.DataFrame({"subtheme": ["limitation-1"], "family": ["limitation"],
                           "label": ["vận động · khó khăn · hoạt động · x"]})
    matrix = pd.DataFrame({"limitation-1": [0.1]}, index=pd.Index(["Điện Biên"], name="province"))
    vi = figures.readable_columns(matrix, topics, "vi").index[0]
    assert vi == "Hạn chế 1: vận động · khó khăn · hoạt động" and "limitation" not in vi
    assert figures.readable_columns(matrix, topics, "en").index[0].startswith("Limitations 1:")
