"""The comparative brief: built on claims (:mod:`.claims_brief`, :mod:`.findings`,
:mod:`.context`; the default when the analysis has claims) or, for analyses saved before the
claims stage, on sentences (:mod:`.content`); made of blocks
(:mod:`.blocks`), rendered as Markdown, HTML and DOCX (:mod:`.markdown`, :mod:`.html`,
:mod:`.docx`), written by :func:`write_brief`.
"""
from __future__ import annotations

from pathlib import Path

from dvlib.report.brief.blocks import (LANGS, Bullets, Claim, Figure, Heading, Paragraph, Quote,
                                       Section, Table, labels)
from dvlib.report.brief.claims_brief import build_claims_brief
from dvlib.report.brief.content import build_brief, choose_quotes, cut_quote, format_value
from dvlib.report.brief.document import Brief
from dvlib.report.brief.markdown import md_escape
from dvlib.runtime import atomic
from dvlib.schema import COMPARED_FAMILIES

__all__ = ["Brief", "Bullets", "build_claims_brief", "COMPARED_FAMILIES", "Claim", "Figure", "Heading", "LANGS",
           "Paragraph", "Quote", "Section", "Table", "build_brief", "choose_quotes", "cut_quote",
           "format_value", "labels", "md_escape", "write_brief"]


def write_brief(brief: Brief, out_dir: str | Path, stem: str = "brief") -> dict[str, Path]:
    """Write ``<stem>.md`` (+ its figures beside it), ``<stem>.html``, ``<stem>.docx``.

    Every file is written atomically. Returns {"md": ..., "html": ..., "docx": ...} and, for
    each figure, {"figure:<name>": path}.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    fig_dir = f"{stem}_figures"
    for fig in brief.figures():
        written[f"figure:{fig.name}"] = atomic.write_bytes(out / fig_dir / f"{fig.name}.png",
                                                           fig.png)
    written["md"] = atomic.write_text(out / f"{stem}.md", brief.to_markdown(figures_dir=fig_dir))
    written["html"] = atomic.write_text(out / f"{stem}.html", brief.to_html())
    written["docx"] = brief.to_docx(out / f"{stem}.docx")
    return written
