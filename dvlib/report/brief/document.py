"""The :class:`Brief`: the structured content of a brief, which renders itself."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from dvlib.report.brief.blocks import Block, Claim, Figure, Heading, Quote, Section
from dvlib.report.brief.docx import render_docx
from dvlib.report.brief.html import render_html
from dvlib.report.brief.markdown import render_markdown


@dataclass
class Brief:
    """The structured content of a brief; renders to Markdown, HTML and DOCX."""
    title: str
    lang: str
    generated: str
    provinces: list[str]
    front: list[Block]
    sections: list[Section]

    # -- access for notebooks and tests
    def blocks(self) -> Iterator[Block]:
        yield from self.front
        for s in self.sections:
            yield Heading(2, s.heading)
            yield from s.blocks

    def claims(self) -> list[Claim]:
        return [b for b in self.blocks() if isinstance(b, Claim)]

    def quotes(self) -> list[Quote]:
        return [q for c in self.claims() for q in c.quotes]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks() if isinstance(b, Figure)]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    # -- renderers
    def to_markdown(self, figures_dir: str | None = None) -> str:
        """Markdown; figures as ``figures_dir/<name>.png`` links, or data URIs if None."""
        return render_markdown(self, figures_dir)

    def to_html(self) -> str:
        """One self-contained HTML file: inline CSS, figures as base64 data URIs."""
        return render_html(self)

    def to_docx(self, path: str | Path) -> Path:
        """Write a DOCX (figures embedded) to ``path`` atomically."""
        return render_docx(self, Path(path))

