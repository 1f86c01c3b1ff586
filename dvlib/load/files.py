"""Which files of the paths given are reports, and which manifests describe them: the listing
alone, with no reading, so that the fingerprint of a corpus (is a saved analysis still
current?) is computed without importing the reading stack.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from dvlib.load import guard as _guard

MANIFEST_NAME = "manifest.csv"
SUPPORTED_SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf"}


def report_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, object]]]:
    """The report files under ``paths`` (path, path as given), and in order what else was met:
    ``("manifest", (path, folder_or_file))`` for a manifest to read (a folder's, or the one
    beside a file given alone) and ``("problem", line)`` for an entry that is not read.

    A folder contributes its report files (top level, not hidden) and its ``manifest.csv``.
    A symlink in a folder is followed only when it points inside that folder; a report-named
    entry that is not a regular file (a FIFO, a device) is not read.
    """
    files: list[tuple[Path, str]] = []
    events: list[tuple[str, object]] = []
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            mpath = p / MANIFEST_NAME
            if mpath.exists():
                events.append(("manifest", (mpath, None)))
            for child in sorted(p.iterdir()):
                if child.name.startswith(".") or child.name == MANIFEST_NAME:
                    continue
                if child.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue  # a folder may hold notes, images ...: only report types are read
                outside = _guard.outside_root(child, p)
                if outside:
                    events.append(("problem", f"{_guard.printable(child)}: symlink to "
                                              f"{_guard.printable(outside)}, outside the corpus "
                                              "folder: not read"))
                    continue
                if not child.is_file():
                    if not child.is_dir():
                        events.append(("problem", f"{_guard.printable(child)}: not a regular file "
                                                  "(a FIFO, a device or a broken link): not read"))
                    continue
                if child.resolve() not in seen:
                    seen.add(child.resolve())
                    files.append((child, str(child)))
        elif p.is_file():
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append((p, str(given)))
            mpath = p.parent / MANIFEST_NAME
            if mpath.exists():
                events.append(("manifest", (mpath, p)))
        else:
            events.append(("problem", f"{given}: no such file or folder"))
    return files, events
