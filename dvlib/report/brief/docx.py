"""The brief as DOCX: report text written as plain runs, figures embedded."""
from __future__ import annotations

import io
from pathlib import Path

from dvlib.report.brief.blocks import (Bullets, Claim, Figure, Heading, Paragraph, Table,
                                       citation, labels)
from dvlib.runtime import atomic

# --------------------------------------------------------------------------- DOCX

def render_docx(brief, path: Path) -> Path:
    from docx import Document
    from docx.shared import Pt, RGBColor, Cm

    L = labels(brief.lang)
    doc = Document()
    doc.core_properties.title = brief.title
    doc.core_properties.language = brief.lang
    doc.add_heading(brief.title, level=0)

    def runs(par, p: Paragraph, bold=False):
        for r in p.runs:
            run = par.add_run(r.text)  # plain runs: report text is never interpreted
            run.italic = r.em or None
            run.bold = bold or None

    for block in brief.blocks():
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=min(block.level - 1, 9))
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
                cell.paragraphs[0].add_run(text).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        for run in par.runs:
                            run.font.size = Pt(9)
            doc.add_paragraph()
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.png), width=Cm(15.5))
            cap = doc.add_paragraph(style="Caption")
            cap.add_run(block.caption)
        elif isinstance(block, Claim):
            runs(doc.add_paragraph(), block.sentence, bold=True)
            for q in block.quotes:
                par = doc.add_paragraph(style="Quote")
                par.add_run(f"“{q.shown}”")
                par.add_run().add_break()
                cite = par.add_run(f"— {citation(q, L)}")
                cite.italic = False
                cite.font.size = Pt(8.5)
                cite.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    with atomic.atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


