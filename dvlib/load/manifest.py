"""The corpus manifest: one row per report, the researcher's word on its metadata.

The manifest wins over inference. A broken row (missing file, invalid date, unknown province)
is reported with the file and the reason; only the broken *field* is dropped, so the report is
still analysed with what can be inferred.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path
from typing import Callable

import pandas as pd

from dvlib.load.files import MANIFEST_NAME
from dvlib.load.guard import printable

MANIFEST_COLUMNS = ["file", "province", "date", "date_precision", "title", "outlet",
                    "province_evidence", "url", "level"]  # level: province/district/commune
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


# Control characters other than tab and line breaks: never meant, and invalid in XML (DOCX).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_value(value) -> str:
    if isinstance(value, list):  # fields beyond the header: not a value of any column
        return ""
    return _CONTROL.sub("", value or "").strip()


def decode_manifest(raw: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of a manifest's bytes: UTF-8 (with or without BOM), or UTF-16 with
    a BOM (what Excel's "Unicode text" writes). Raises ``ValueError`` (one line) otherwise."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ValueError(f"invalid UTF-16 at byte {exc.start}") from None
    try:
        return raw.decode("utf-8-sig"), ("utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: invalid byte at position {exc.start}; save it as "
                         "CSV UTF-8") from None


def read_manifest(path: str | Path, canonical_province: Callable[[str], str] | None = None
                  ) -> tuple[pd.DataFrame, list[ManifestProblem]]:
    """Read and validate a manifest; returns (rows, problems).

    Rows keep only valid fields ("" where a field was invalid). ``path_resolved`` is the
    report's path next to the manifest.
    """
    path = Path(path)
    problems: list[ManifestProblem] = []
    empty = pd.DataFrame(columns=MANIFEST_COLUMNS + ["path_resolved"])
    try:
        text, _ = decode_manifest(path.read_bytes())
    except (OSError, ValueError) as exc:
        problems.append(ManifestProblem(printable(path), f"unreadable manifest ({exc})"))
        return empty, problems
    # Read as a file by the csv module, never split by lines: a quoted field may hold a line
    # break, and U+2028, NEL or a form feed in a title are text, not row ends.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        problems.append(ManifestProblem(printable(path), f"unreadable manifest ({exc})"))
        return empty, problems
    if not fieldnames or "file" not in fieldnames:
        problems.append(ManifestProblem(printable(path), "manifest has no 'file' column"))
        return empty, problems
    rows = []
    seen = set()
    while True:
        line_no = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(ManifestProblem(f"{printable(path)} line {line_no}",
                                            f"unreadable row ({exc})"))
            break
        # Values lose control characters; the file name only its outer spaces (it must match
        # the name on disk, whatever bytes that holds).
        row = {k: (v.strip() if k == "file" and isinstance(v, str) else _clean_value(v))
               for k, v in row.items() if k}
        where = f"{printable(path)} line {line_no}"
        name = row.get("file", "")
        if not name:
            problems.append(ManifestProblem(where, "row has no file name"))
            continue
        target = path.parent / name
        if not target.is_file():
            problems.append(ManifestProblem(where, f"names missing file '{printable(name)}'"))
            continue
        if name in seen:
            problems.append(ManifestProblem(where, f"lists '{printable(name)}' twice; the first row is used"))
            continue
        seen.add(name)
        out = {c: row.get(c, "") for c in MANIFEST_COLUMNS}
        if out["date"]:
            parsed = parse_manifest_date(out["date"])
            if parsed is None:
                problems.append(ManifestProblem(where, f"invalid date '{printable(out['date'])}' for '{printable(name)}' "
                                                       "(expected YYYY-MM-DD, YYYY-MM or YYYY)"))
                out["date"], out["date_precision"] = "", ""
            else:
                out["date_precision"] = parsed[1]
        elif out["date_precision"] not in ("", "unknown"):
            out["date_precision"] = ""
        if out["province"] and canonical_province is not None:
            canonical = canonical_province(out["province"])
            if not canonical:
                problems.append(ManifestProblem(where, f"unknown province '{printable(out['province'])}' for "
                                                       f"'{printable(name)}' (not one of the 63 pre-2025 provinces)"))
            out["province"] = canonical
        out["path_resolved"] = printable(target.resolve())
        rows.append(out)
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS + ["path_resolved"]), problems
