"""How long a brief is, in A4 pages: its HTML printed by headless Chromium, the PDF's pages
counted with pypdf. The issue asks for "about ten pages for five reports"; a count that anyone
can repeat is what lets the README cite one.

Run as ``python -m dvlib.report.brief.pages build/briefs/brief.html`` (prints the page count;
``--pdf out.pdf`` keeps the PDF). Chromium is Debian's ``chromium`` (``.ci/run`` installs it).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# A4 with Chromium's default margins: what "Print to PDF" of the HTML gives a reader.
PRINT_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000")


def find_chromium() -> str | None:
    """The path of a headless-capable Chromium, or None when none is installed."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def print_pdf(html: str | Path, pdf: str | Path, timeout: int = 120) -> Path:
    """Print ``html`` to ``pdf`` (A4: the brief's CSS sets ``@page { size: A4 }``) with
    headless Chromium. RuntimeError when Chromium is missing or fails."""
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("no chromium found (apt-get install chromium)")
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([exe, *PRINT_FLAGS, f"--user-data-dir={profile}",
                               f"--print-to-pdf={pdf}", html.as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"chromium did not print {html}: {proc.stderr.strip()[-300:]}")
    return pdf


def count_pages(pdf: str | Path) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader
    return len(PdfReader(str(pdf)).pages)


def brief_pages(html: str | Path, keep_pdf: str | Path | None = None) -> int:
    """A4 pages of the brief ``html`` as Chromium prints it (the PDF kept at ``keep_pdf``)."""
    if keep_pdf is not None:
        return count_pages(print_pdf(html, keep_pdf))
    with tempfile.TemporaryDirectory() as tmp:
        return count_pages(print_pdf(html, Path(tmp) / "brief.pdf"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="A4 pages of a brief's HTML (headless Chromium).")
    ap.add_argument("html")
    ap.add_argument("--pdf", help="keep the printed PDF here")
    a = ap.parse_args(argv)
    if not Path(a.html).is_file():
        print(f"dvlib: {a.html}: no such file", file=sys.stderr)
        return 2
    try:
        print(brief_pages(a.html, a.pdf))
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"dvlib: {a.html}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
