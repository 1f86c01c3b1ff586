"""The brief as DOCX: report text written as plain runs, figures embedded."""
from __future__ import annotations

import io
import re
from pathlib import Path

from dvlib.report.brief.blocks import (Bullets, Claim, Figure, Heading, Paragraph, Table,
                                       citation, labels)
from dvlib.runtime import atomic

# --------------------------------------------------------------------------- DOCX

# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates,
# U+FFFE/FFFF): python-docx refuses them, so one \x01 in a manifest title would lose the brief.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    """``value`` as text DOCX/XML can hold: characters XML 1.0 forbids are dropped."""
    return _NOT_XML.sub("", str(value))


def render_docx(brief, path: Path) -> Path:
    from docx import Document
    from docx.shared import Pt, RGBColor, Cm

    L = labels(brief.lang)
    doc = Document()
    doc.core_properties.title = xml_text(brief.title)
    doc.core_properties.language = brief.lang
    doc.add_heading(xml_text(brief.title), level=0)

    def runs(par, p: Paragraph, bold=False):
        for r in p.runs:
            run = par.add_run(xml_text(r.text))  # plain runs: report text is never interpreted
            run.italic = r.em or None
            run.bold = bold or None

    for block in brief.blocks():
        if isinstance(block, Heading):
            doc.add_heading(xml_text(block.text), level=min(block.level - 1, 9))
        elif isinstance(block, Paragraph):
            runs(doc.add_paragraph(), block)
        elif isinstance(block, Bullets):
            for p in block.items:
                runs(doc.add_paragraph(style="List Bullet"), p)
        elif isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = ""
                cell.paragraphs[0].add_run(xml_text(text)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = xml_text(text)
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        for run in par.runs:
                            run.font.size = Pt(9)
            doc.add_paragraph()
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.png), width=Cm(15.5))
            cap = doc.add_paragraph(style="Caption")
            cap.add_run(xml_text(block.caption))
        elif isinstance(block, Claim):
            runs(doc.add_paragraph(), block.sentence, bold=True)
            for q in block.quotes:
                par = doc.add_paragraph(style="Quote")
                par.add_run("“")
                for text, bold in q.pieces():  # the matched words in bold
                    par.add_run(xml_text(text)).bold = bold or None
                par.add_run("”")
                par.add_run().add_break()
                note = f" ({q.note})" if q.note else ""
                cite = par.add_run(xml_text(f"— {citation(q, L)}{note}"))
                cite.italic = False
                cite.font.size = Pt(8.5)
                cite.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    with atomic.atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


