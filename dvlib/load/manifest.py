"""The corpus manifest: one row per report, the researcher's word on its metadata.

The manifest wins over inference. A broken row (missing file, invalid date, unknown province)
is reported with the file and the reason; only the broken *field* is dropped, so the report is
still analysed with what can be inferred.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path
from typing import Callable

import pandas as pd

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ["file", "province", "date", "date_precision", "title", "outlet",
                    "province_evidence", "url"]
_DATE_FORMS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass
class ManifestProblem:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def parse_manifest_date(value: str) -> tuple[str, str] | None:
    """``(iso_date, precision)`` for "2023-12-28", "2022-07", "2023"; None if invalid."""
    value = (value or "").strip()
    for precision, rx in _DATE_FORMS.items():
        m = rx.match(value)
        if not m:
            continue
        parts = [int(g) for g in m.groups()] + [1] * (3 - len(m.groups()))
        try:
            _date(*parts)
        except ValueError:
            return None
        return value, precision
    return None


def read_manifest(path: str | Path, canonical_province: Callable[[str], str] | None = None
                  ) -> tuple[pd.DataFrame, list[ManifestProblem]]:
    """Read and validate a manifest; returns (rows, problems).

    Rows keep only valid fields ("" where a field was invalid). ``path_resolved`` is the
    report's path next to the manifest.
    """
    path = Path(path)
    problems: list[ManifestProblem] = []
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(ManifestProblem(str(path), f"unreadable manifest ({exc.__class__.__name__})"))
        return pd.DataFrame(columns=MANIFEST_COLUMNS + ["path_resolved"]), problems
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "file" not in reader.fieldnames:
        problems.append(ManifestProblem(str(path), "manifest has no 'file' column"))
        return pd.DataFrame(columns=MANIFEST_COLUMNS + ["path_resolved"]), problems
    rows = []
    seen = set()
    for line_no, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        where = f"{path} line {line_no}"
        name = row.get("file", "")
        if not name:
            problems.append(ManifestProblem(where, "row has no file name"))
            continue
        target = path.parent / name
        if not target.is_file():
            problems.append(ManifestProblem(where, f"names missing file '{name}'"))
            continue
        if name in seen:
            problems.append(ManifestProblem(where, f"lists '{name}' twice; the first row is used"))
            continue
        seen.add(name)
        out = {c: row.get(c, "") for c in MANIFEST_COLUMNS}
        if out["date"]:
            parsed = parse_manifest_date(out["date"])
            if parsed is None:
                problems.append(ManifestProblem(where, f"invalid date '{out['date']}' for '{name}' "
                                                       "(expected YYYY-MM-DD, YYYY-MM or YYYY)"))
                out["date"], out["date_precision"] = "", ""
            else:
                out["date_precision"] = parsed[1]
        elif out["date_precision"] not in ("", "unknown"):
            out["date_precision"] = ""
        if out["province"] and canonical_province is not None:
            canonical = canonical_province(out["province"])
            if not canonical:
                problems.append(ManifestProblem(where, f"unknown province '{out['province']}' for "
                                                       f"'{name}' (not one of the 63 pre-2025 provinces)"))
            out["province"] = canonical
        out["path_resolved"] = str(target.resolve())
        rows.append(out)
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS + ["path_resolved"]), problems
