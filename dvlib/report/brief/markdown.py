"""The brief as Markdown: report text neutralised (no HTML, links, emphasis or headings)."""
from __future__ import annotations

import base64
import re

from dvlib.report.brief.blocks import (Bullets, Claim, Figure, Heading, Paragraph, Table,
                                       citation, labels)


# --------------------------------------------------------------------------- Markdown

# Characters a Markdown renderer may read as markup; a backslash makes each literal.
# "_" between two letters/digits (file names, ids) cannot open or close emphasis in CommonMark,
# so it stays as is; every other "_" is escaped.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#|~&!]|(?<![^\W_])_|_(?![^\W_]))")


def md_escape(text: str) -> str:
    """Report text made inert for Markdown: no HTML, links, emphasis, code or headings."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _md_runs(p: Paragraph) -> str:
    return "".join(f"*{md_escape(r.text)}*" if r.em and r.text.strip() else md_escape(r.text)
                   for r in p.runs)


def _md_table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(md_escape(h) for h in t.header) + " |",
             "|" + "|".join("---" for _ in t.header) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in t.rows]
    return lines + [""]


def render_markdown(brief, figures_dir: str | None) -> str:
    L = labels(brief.lang)
    out = [f"# {md_escape(brief.title)}", ""]
    for block in brief.blocks():
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {md_escape(block.text)}", ""]
        elif isinstance(block, Paragraph):
            out += [_md_runs(block), ""]
        elif isinstance(block, Bullets):
            out += [f"- {_md_runs(p)}" for p in block.items] + [""]
        elif isinstance(block, Table):
            out += _md_table(block)
        elif isinstance(block, Figure):
            src = (f"{figures_dir.rstrip('/')}/{block.name}.png" if figures_dir
                   else "data:image/png;base64," + base64.b64encode(block.png).decode("ascii"))
            out += [f"![{md_escape(block.caption)}]({src})", ""]
        elif isinstance(block, Claim):
            out += [_md_runs(block.sentence), ""]
            for q in block.quotes:
                shown = "".join(f"**{md_escape(t)}**" if bold else md_escape(t)
                                for t, bold in q.pieces())  # matched words in bold
                note = f" ({md_escape(q.note)})" if q.note else ""
                out += [f"> “{shown}” — {md_escape(citation(q, L))}{note}", ""]
    return "\n".join(out).rstrip() + "\n"


