"""Atomic writes: a table is either the old one or the complete new one, never half-written."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + path.suffix,
                               dir=path.parent)  # keep the suffix: some writers check it
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes owner-only files; outputs should get the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of :func:`atomic_path`'s temporary files (".X.<random>.tmp...")."""
    return name.startswith(".") and ".tmp" in name and name.count(".") >= 3


def clean_stale_temps(folder: str | os.PathLike, recursive: bool = True) -> list[Path]:
    """Remove temporary files an interrupted write left in ``folder``; returns them.

    Only call this while holding the folder's lock (:mod:`dvlib.runtime.lock`): then no live
    writer can own one of them.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = folder.rglob(".*") if recursive else folder.glob(".*")
    removed = []
    for p in found:
        if is_temp_name(p.name) and p.is_file() and not p.is_symlink():
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_csv(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` as CSV with a UTF-8 BOM (``utf-8-sig``): Excel then opens Vietnamese text
    correctly; pandas, the csv module with ``utf-8-sig`` and LibreOffice read it as usual."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8-sig")
    return Path(path)


def write_parquet(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)
    return Path(path)
