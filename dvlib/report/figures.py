"""Figures for the province comparison (seaborn on matplotlib's Agg canvas).

Each function returns a :class:`matplotlib.figure.Figure` and, given ``path``, also writes it as
PNG and SVG atomically. Figures are built without pyplot (no global figure registry, no GUI
backend) and inside an rc context, so the caller's matplotlib settings are left untouched.
The font is set explicitly to DejaVu Sans: it ships with matplotlib and has every precomposed
Vietnamese letter (ắ, ệ, ữ ...), where many system "sans-serif" fallbacks draw empty boxes.
"""
from __future__ import annotations

import contextlib
import math
import os
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from dvlib.runtime.atomic import atomic_path
from dvlib.cluster.codebook import load_codebook
from dvlib.compare.profiles import PROFILE_STATS, crosstab, sort_units
from dvlib.schema import COMPARED_FAMILIES, FAMILIES
from dvlib.config import data_file

FONT = "DejaVu Sans"
LANGS = ("vi", "en")
# Sections of labels.yaml that name data values (as opposed to axis and title texts).
VALUE_KINDS = ("family", "subtheme", "code")


@lru_cache(maxsize=1)
def _labels() -> dict:
    with open(data_file("labels.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def label(value: str, lang: str = "vi", kind: str | tuple[str, ...] = VALUE_KINDS) -> str:
    """Display label of a value (family, sub-theme, code) or of an ``axis``/``title`` key.

    Unknown values are shown as they are.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    table = _labels()
    for k in ((kind,) if isinstance(kind, str) else kind):
        entry = table.get(k, {}).get(value)
        if entry:
            return entry[lang]
    return str(value)


def _rc() -> dict:
    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook")}
    rc.update({"font.family": "sans-serif", "font.sans-serif": [FONT],
               "svg.fonttype": "path", "axes.unicode_minus": False})
    return rc


@contextlib.contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(_rc()):
        yield


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # Agg regardless of the session's backend
    return fig


@contextlib.contextmanager
def _quiet_layout() -> Iterator[None]:
    """No "constrained_layout not applied" warning: with one report a panel can be too small
    for the layout engine, which then keeps the plain layout (the figure is still drawn)."""
    import warnings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="constrained_layout not applied")
        yield


def _finish(fig: Figure, path, formats: Iterable[str]) -> Figure:
    # Draw once inside the style so lazily created tick labels get the font, then pin the font
    # on every text: a later redraw (a notebook, another rc) still shows Vietnamese letters.
    with _quiet_layout():
        fig.canvas.draw()
    for ax in fig.axes:  # colour bars included; covers ticks created by later draws too
        ax.tick_params(which="both", labelfontfamily=FONT)
    for text in fig.findobj(Text):
        text.set_fontfamily(FONT)
    if path is not None:
        save_figure(fig, path, formats)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike, formats: Iterable[str] = ("png", "svg"),
                dpi: int = 150) -> list[Path]:
    """Write ``fig`` as ``<path>.png`` (and ``.svg``), each atomically; returns the paths."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix.lower() in (".png", ".svg", ".pdf") else path
    written = []
    with _style():
        for fmt in formats:
            target = stem.with_name(f"{stem.name}.{fmt}")
            with atomic_path(target) as tmp, _quiet_layout():
                fig.savefig(tmp, format=fmt, dpi=dpi)
            written.append(target)
    return written


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """``text`` on lines of at most ``width`` characters (words kept whole; a longer tail is
    cut with "…" after ``max_lines`` lines)."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:max(1, width - 1)].rstrip() + "…"
    return "\n".join(lines)


def _text_inches(text: str, size: float) -> tuple[float, float]:
    """Rough width and height (inches) of a possibly multi-line label at ``size`` points."""
    lines = str(text).split("\n")
    return (max(len(line) for line in lines) * size * 0.58 / 72,
            len(lines) * size * 1.3 / 72)


def heatmap(crosstab_df: pd.DataFrame, title: str | None = None, lang: str = "vi",
            path=None, formats: Iterable[str] = ("png", "svg"), values: str | None = None,
            value_label: str | None = None) -> Figure:
    """A table as a heatmap, every value written complete inside its cell.

    Shares (all values within [0, 1], or ``values="share"``) are written as percentages,
    counts (``values="count"``) as integers. The
    figure is sized from the number of rows and columns and from its labels: row labels are
    wrapped, column labels are wrapped and stand upright when there are more than eight
    columns, so no two labels overlap from 2 to 60 columns or rows.
    """
    data = crosstab_df.astype(float)
    is_share = (values == "share" if values else
                bool(np.nanmax(data.to_numpy(), initial=0) <= 1.0))
    annot = data.map(lambda v: "" if pd.isna(v) else (f"{v:.0%}" if is_share else f"{v:.0f}"))
    by = crosstab_df.columns.name or "subtheme"
    unit = crosstab_df.index.name or "province"
    n_rows, n_cols = data.shape
    upright = n_cols > 8
    col_labels = [_wrap(label(c, lang), 26 if upright else 14, 2 if upright else 3)
                  for c in data.columns]
    row_labels = [_wrap(label(r, lang), 48, 2) for r in data.index]
    widest = max((len(a) for a in annot.to_numpy().ravel()), default=1)
    tick = 9.0
    cell_w = max(0.5 if upright else 0.7, 0.09 * widest + 0.2)
    row_w = max((_text_inches(t, tick)[0] for t in row_labels), default=0.5)
    row_h = max((_text_inches(t, tick)[1] for t in row_labels), default=0.2)
    cell_h = max(0.32, row_h + 0.08)
    if upright:
        col_h = max((_text_inches(t, tick)[0] for t in col_labels), default=0.3)
        cell_w = max(cell_w, max(_text_inches(t, tick)[1] for t in col_labels) + 0.08)
    else:
        col_h = max((_text_inches(t, tick)[1] for t in col_labels), default=0.2)
        cell_w = max(cell_w, 0.8 * max(_text_inches(t, tick)[0] for t in col_labels) + 0.12)
    width = row_w + 0.6 + n_cols * cell_w + 1.3          # labels, axis title, cells, colour bar
    height = col_h + 0.6 + n_rows * cell_h + 0.9          # labels, axis title, cells, title
    with _style():
        fig = _new_figure(max(4.5, width), max(2.8, height))
        ax = fig.add_subplot()
        sns.heatmap(data, annot=annot.to_numpy(), fmt="", cmap="Blues", vmin=0,
                    linewidths=0.5, ax=ax, annot_kws={"fontsize": tick},
                    xticklabels=col_labels, yticklabels=row_labels,
                    cbar_kws={"label": value_label or label("share" if is_share else "count",
                                                            lang, "axis"),
                              "shrink": min(1.0, 4.0 / max(1.0, n_rows * cell_h))})
        if is_share:
            ax.collections[0].colorbar.ax.yaxis.set_major_formatter(
                mpl.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(label(by, lang, "axis"))
        ax.set_ylabel(label(unit, lang, "axis"))
        ax.xaxis.set_ticks_position("top")  # column names above, where a table has them
        ax.xaxis.set_label_position("top")
        ax.tick_params(axis="x", labelsize=tick, labelrotation=90 if upright else 0,
                       length=0)
        ax.tick_params(axis="y", labelsize=tick, labelrotation=0, length=0)
        for t in ax.get_xticklabels():
            t.set_horizontalalignment("center")
            t.set_verticalalignment("bottom")
        ax.set_title(title if title is not None else label("heatmap", lang, "title"),
                     loc="left", fontsize=11)
        return _finish(fig, path, formats)


def family_profile(profile_df: pd.DataFrame, title: str | None = None, lang: str = "vi",
                   path=None, formats: Iterable[str] = ("png", "svg"), ncols: int = 5) -> Figure:
    """Shares per province with their bootstrap intervals, one panel per family (or value)."""
    others = [c for c in profile_df.columns if c not in PROFILE_STATS]
    unit = "province" if "province" in others else others[0]
    by = [c for c in others if c != unit][0]
    values = list(dict.fromkeys(profile_df[by]))
    if by == "family":
        values = [f for f in FAMILIES if f in values] + [v for v in values if v not in FAMILIES]
    units = sort_units(profile_df[unit])
    ncols = max(1, min(ncols, len(values)))
    nrows = math.ceil(len(values) / ncols)
    colors = sns.color_palette("colorblind", len(values))
    xmax = min(1.0, float(profile_df["ci_high"].max()) * 1.1 + 0.02)
    with _style():
        fig = _new_figure(2.6 * ncols + 1.2, 0.45 * len(units) * nrows + 1.4)
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        ypos = np.arange(len(units))
        for ax, value, color in zip(axes, values, colors):
            sub = profile_df[profile_df[by] == value].set_index(unit).reindex(units)
            share = sub["share"].to_numpy(dtype=float)
            err = np.vstack([share - sub["ci_low"].to_numpy(dtype=float),
                             sub["ci_high"].to_numpy(dtype=float) - share])
            err = np.clip(np.nan_to_num(err), 0, None)  # no interval (n_boot=0): no bar
            ax.errorbar(share, ypos, xerr=err, fmt="o", color=color,
                        ecolor=color, elinewidth=2, capsize=3, markersize=6)
            ax.set_title(label(value, lang))
            ax.set_xlim(-0.02 * xmax, xmax)  # a zero share stays a visible dot
            ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        for ax in axes[len(values):]:
            ax.set_visible(False)
        axes[0].set_yticks(ypos, units)
        axes[0].invert_yaxis()  # first province on top, as in a table
        fig.supxlabel(label("share", lang, "axis"))
        fig.suptitle(title if title is not None else label("family_profile", lang, "title"))
        return _finish(fig, path, formats)


def keyness_bars(keyness_df: pd.DataFrame, top: int = 10, title: str | None = None,
                 lang: str = "vi", path=None, formats: Iterable[str] = ("png", "svg"),
                 ncols: int = 3) -> Figure:
    """Top terms by zeta for each province (small multiples, one panel per group)."""
    stats = {"term", "count_group", "count_rest", "delta", "var", "zeta", "rank", "family"}
    group = next(c for c in keyness_df.columns if c not in stats)
    groups = sort_units(keyness_df[group])
    ncols = max(1, min(ncols, len(groups)))
    nrows = math.ceil(len(groups) / ncols)
    with _style():
        fig = _new_figure(4.2 * ncols, (0.28 * top + 1.0) * nrows + 0.8)
        axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
        palette = sns.color_palette("colorblind", len(groups))
        for ax, g, color in zip(axes, groups, palette):
            sub = keyness_df[(keyness_df[group] == g) & (keyness_df["zeta"] > 0)]
            sub = sub.nlargest(top, "zeta").assign(
                shown=lambda d: d["term"].str.replace("_", " ", regex=False))
            if len(sub):
                sns.barplot(data=sub, x="zeta", y="shown", color=color, ax=ax)
            ax.set_title(g)
            ax.set_ylabel("")
            ax.set_xlabel(label("zeta", lang, "axis"))
        for ax in axes[len(groups):]:
            ax.set_visible(False)
        fig.suptitle(title if title is not None else label("keyness", lang, "title"))
        return _finish(fig, path, formats)


def similarity_matrix(sim_df: pd.DataFrame, title: str | None = None, lang: str = "vi",
                      path=None, formats: Iterable[str] = ("png", "svg")) -> Figure:
    """Province x province similarity (cosine), annotated."""
    n = len(sim_df)
    with _style():
        fig = _new_figure(2.4 + 0.9 * n, 1.6 + 0.75 * n)
        ax = fig.add_subplot()
        sns.heatmap(sim_df.astype(float), annot=True, fmt=".2f", vmin=0, vmax=1, cmap="mako_r",
                    square=True, linewidths=0.5, ax=ax,
                    cbar_kws={"label": label("similarity", lang, "axis")})
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
        ax.tick_params(axis="y", labelrotation=0)
        ax.set_title(title if title is not None else label("similarity", lang, "title"))
        return _finish(fig, path, formats)


def readable_columns(matrix: pd.DataFrame, topics: pd.DataFrame | None = None,
                     lang: str = "vi", families: Sequence[str] = COMPARED_FAMILIES,
                     n_terms: int = 3) -> pd.DataFrame:
    """A province × sub-theme (or × code) table with readable names, themes as rows.

    Sub-themes are named "Hạn chế 2: công tác tuyên truyền" (the family's label in ``lang``, the
    sub-theme's number, its phrase name — or, for an old model, its first label terms) and restricted to
    ``families``; codebook codes get their label in ``lang``.
    Rows are themes so the long names read horizontally in a heatmap.
    """
    if topics is not None and not topics.empty:
        names = {}
        for t in topics.itertuples():
            if t.family in families:
                # A phrase name (issue 10) reads as is; an old word-list label is cut to n_terms.
                name = getattr(t, "name", None)
                terms = (str(name) if isinstance(name, str) and name
                         else " · ".join(str(t.label).split(" · ")[:n_terms]))
                number = str(t.subtheme).rsplit("-", 1)[-1]
                names[t.subtheme] = f"{label(t.family, lang, 'family')} {number}: {terms}"
        matrix = matrix[[c for c in matrix.columns if c in names]].rename(columns=names)
        matrix.columns.name = "subtheme"
    else:
        book = load_codebook()
        labels = {c.id: c.label(lang) for c in book.codes}
        matrix = matrix.rename(columns=labels)
        matrix.columns.name = "code"
    out = matrix.T
    out.columns.name = matrix.index.name or "province"
    return out


def _draw(job) -> None:
    func, args, kwargs = job
    import matplotlib.pyplot as plt
    plt.close(func(*args, **kwargs))


def _draw_all(jobs: list) -> None:
    """Draw and save independent figures, in forked worker processes when there are several
    and more than one core: each figure is seconds of layout and PNG/SVG writing, all on one
    core otherwise (measured at 600 reports: 6.6 s for the comparison figures, 6 s for the
    aspect matrices). The files are the same either way."""
    from dvlib.runtime.parallel import map_batches
    for _ in map_batches(_draw, jobs, desc="figures", unit="figure", progress=False):
        pass


def draw_figures(tables: dict[str, pd.DataFrame], out_dir: Path, lang: str = "vi",
                 topics: pd.DataFrame | None = None) -> dict[str, Path]:
    """The comparison's figures as PNG (and SVG) files in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    figs, jobs = {}, []

    def add(name, func, *args, **kwargs):
        figs[name] = out_dir / f"{name}.png"
        jobs.append((func, args, {**kwargs, "path": out_dir / f"{name}.png"}))

    add("family_profile", family_profile, tables["profile_family"], lang=lang)
    sub = crosstab(tables["profile_subtheme"], by="subtheme", values="share")
    if topics is not None and not sub.empty:
        sub = readable_columns(sub, topics, lang)
        if not sub.empty:
            # sub-themes are formed on claims (profile_subtheme counts claims)
            add("heatmap_subtheme", heatmap, sub, lang=lang,
                title=label("heatmap_subtheme", lang, "title"),
                value_label=label("share_claims", lang, "axis"))
    code = crosstab(tables["profile_code"], by="code", values="share")
    if not code.empty:
        add("heatmap_code", heatmap, readable_columns(code, lang=lang), lang=lang,
            title=label("heatmap_code", lang, "title"))
    key = tables["keyness"]
    key = key[key["family"] == ""] if "family" in key else key
    if not key.empty:
        add("keyness", keyness_bars, key, lang=lang)
    sim = tables["similarity_subtheme"].set_index(tables["similarity_subtheme"].columns[0])
    if len(sim) > 1:
        add("similarity", similarity_matrix, sim, lang=lang)
    _draw_all(jobs)
    return figs


def aspect_matrix_figures(matrices: dict[str, pd.DataFrame], out_dir: Path, lang: str = "vi",
                          claims: bool = True,
                          formats: Iterable[str] = ("png", "svg")) -> dict[str, Path]:
    """The main figures: per family, a province × aspect heatmap of counts (claims, or
    sentences when ``claims`` is False), from
    :func:`dvlib.report.excel.aspect_matrices`. Written as ``aspects-<family>.png``/``.svg``;
    returns {"aspects-<family>": png path}."""
    out, jobs = {}, []
    key = "aspect_matrix" if claims else "aspect_matrix_sentences"
    for family, matrix in matrices.items():
        if matrix.empty:
            continue
        m = matrix.copy()
        m.index.name, m.columns.name = "province", "aspect"
        name = f"aspects-{family}"
        jobs.append((heatmap, (m,), dict(
            lang=lang, values="count", path=Path(out_dir) / f"{name}.png", formats=formats,
            title=label(key, lang, "title").format(family=label(family, lang)),
            value_label=label("claims" if claims else "count", lang, "axis"))))
        out[name] = Path(out_dir) / f"{name}.png"
    _draw_all(jobs)
    return out
