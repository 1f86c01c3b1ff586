"""Add new reports to the corpus: copy (never overwrite), append manifest rows atomically.

Raw reports are never edited: a report is copied byte for byte. A report whose content is
already in the corpus (same bytes, or the same text in another encoding/format) is refused as
a duplicate. What the manifest does not say is inferred at analysis time, with its evidence;
``add`` prints those inferences so the user can confirm or pass them explicitly.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from dvlib.runtime import atomic
from dvlib.load import boilerplate as _bp
from dvlib.load import metadata as _meta
from dvlib.load import read as _read
from dvlib.load.gazetteer import canonical_province
from dvlib.load.manifest import MANIFEST_COLUMNS, MANIFEST_NAME, parse_manifest_date
from dvlib.text.normalize import match_form


@dataclass
class AddResult:
    added: list[tuple[str, str]] = field(default_factory=list)        # (source, corpus file)
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (source, existing file)
    problems: list[str] = field(default_factory=list)
    inferred: dict[str, dict] = field(default_factory=dict)           # corpus file -> inferred


def _content_key(text: str) -> str:
    """The text without site furniture, in match form: equal for the same report re-encoded."""
    masked = _bp.mask_boilerplate(text, _bp.find_boilerplate(text))
    return hashlib.sha256(" ".join(match_form(masked).split()).encode()).hexdigest()


def _existing(corpus: Path) -> tuple[dict[str, str], dict[str, str]]:
    by_bytes, by_text = {}, {}
    for p in sorted(corpus.iterdir()):
        if p.name == MANIFEST_NAME or p.name.startswith(".") or not p.is_file():
            continue
        by_bytes[hashlib.sha256(p.read_bytes()).hexdigest()] = p.name
        try:
            by_text[_content_key(_read.read_report(p).text)] = p.name
        except _read.ReportError:
            continue
    return by_bytes, by_text


def _free_name(corpus: Path, name: str) -> Path:
    target = corpus / name
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists():
        target = corpus / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _append_manifest(corpus: Path, rows: list[dict]) -> None:
    path = corpus / MANIFEST_NAME
    old = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    header = next(csv.reader([old.splitlines()[0]])) if old.strip() else []
    # New columns only when a new row needs them: otherwise the old bytes stay untouched.
    columns = header + [c for c in MANIFEST_COLUMNS
                        if c not in header and (not header or any(r.get(c) for r in rows))]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    if old.strip() and columns == header:
        buf.write(old if old.endswith("\n") else old + "\n")
    else:  # new file, or new columns: rewrite the header, keep every old row's values
        writer.writeheader()
        for r in csv.DictReader(io.StringIO(old)):
            writer.writerow(r)
    for r in rows:
        writer.writerow(r)
    atomic.write_text(path, buf.getvalue())


def add_reports(files: list[str | Path], corpus: str | Path, *, province: str = "", date: str = "",
                title: str = "", outlet: str = "", url: str = "") -> AddResult:
    corpus = Path(corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    result = AddResult()
    if date and parse_manifest_date(date) is None:
        result.problems.append(f"--date: invalid date '{date}' (expected YYYY-MM-DD, YYYY-MM or YYYY)")
        return result
    if province:
        canon = canonical_province(province)
        if not canon:
            result.problems.append(f"--province: unknown province '{province}'")
            return result
        province = canon
    by_bytes, by_text = _existing(corpus)
    rows = []
    for f in files:
        src = Path(f)
        try:
            raw = src.read_bytes()
            report = _read.read_report(src)
        except OSError as exc:
            result.problems.append(f"{src}: cannot read ({exc.strerror or exc})")
            continue
        except _read.ReportError as exc:
            result.problems.append(str(exc))
            continue
        sha = hashlib.sha256(raw).hexdigest()
        key = _content_key(report.text)
        if sha in by_bytes or key in by_text:
            result.duplicates.append((str(src), by_bytes.get(sha) or by_text[key]))
            continue
        target = _free_name(corpus, src.name)
        with atomic.atomic_path(target) as tmp:
            tmp.write_bytes(raw)
        by_bytes[sha] = by_text[key] = target.name
        parsed = parse_manifest_date(date) if date else None
        rows.append({"file": target.name, "province": province, "date": date,
                     "date_precision": parsed[1] if parsed else "", "title": title,
                     "outlet": outlet, "url": url,
                     "province_evidence": "given to dvlib add" if province else ""})
        masked = _bp.mask_boilerplate(report.text, _bp.find_boilerplate(report.text))
        result.inferred[target.name] = _meta.infer_metadata(report.text, masked_text=masked)
        result.added.append((str(src), target.name))
    if rows:
        try:
            _append_manifest(corpus, rows)
        except BaseException:
            for _, name in result.added:  # keep corpus and manifest consistent
                (corpus / name).unlink(missing_ok=True)
            raise
    return result
