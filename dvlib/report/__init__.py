"""The report stage: figures of the comparison (:mod:`~dvlib.report.figures`), the comparative
brief in Markdown, HTML and DOCX (:mod:`~dvlib.report.brief`), and the executed notebooks
(:mod:`~dvlib.report.notebooks`).

``report(analysis, ...)`` = :func:`make_brief`: the brief of an analysis, written to a folder.
"""
from dvlib.report import brief, figures
from dvlib.report.figures import draw_figures, readable_columns
from dvlib.report.notebooks import (execute_notebook, make_brief, methods_info, notebook_paths,
                                    versions)

report = make_brief

__all__ = ["brief", "draw_figures", "execute_notebook", "figures", "make_brief", "methods_info",
           "notebook_paths", "readable_columns", "report", "versions"]
