"""Add new reports to the corpus: copy (never overwrite), append manifest rows atomically.

Raw reports are never edited: a report is copied byte for byte. A report whose content is
already in the corpus (same bytes, or the same text in another encoding/format) is refused as
a duplicate. What the manifest does not say is inferred at analysis time, with its evidence;
``add`` prints those inferences so the user can confirm or pass them explicitly.

All or nothing: the manifest row is the commit point. Before copying, the names to be copied
are written to a journal (``.dvlib-add.journal``); the manifest is then replaced atomically
and the journal removed. An ``add`` interrupted in between (Ctrl-C, a crash, ``kill -9``)
leaves copied files without rows: the interrupted process removes them itself when it can,
and otherwise the next ``add`` does, before anything else, so nothing is left orphaned and a
retry is never refused as a duplicate. Two ``add`` runs on one corpus take turns (a lock).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from dvlib.runtime import atomic
from dvlib.runtime.lock import folder_lock
from dvlib.load import guard as _guard
from dvlib.load import boilerplate as _bp
from dvlib.load import metadata as _meta
from dvlib.load import read as _read
from dvlib.load.gazetteer import canonical_province
from dvlib.load.manifest import (MANIFEST_COLUMNS, MANIFEST_NAME, decode_manifest,
                                 parse_manifest_date)
from dvlib.text.normalize import match_form


@dataclass
class AddResult:
    added: list[tuple[str, str]] = field(default_factory=list)        # (source, corpus file)
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (source, existing file)
    problems: list[str] = field(default_factory=list)
    inferred: dict[str, dict] = field(default_factory=dict)           # corpus file -> inferred
    rolled_back: list[str] = field(default_factory=list)  # files of an interrupted add removed


def _content_key(text: str) -> str:
    """The text without site furniture, in match form: equal for the same report re-encoded."""
    masked = _bp.mask_boilerplate(text, _bp.find_boilerplate(text))
    return hashlib.sha256(" ".join(match_form(masked).split()).encode()).hexdigest()


JOURNAL_NAME = ".dvlib-add.journal"


def _existing(corpus: Path) -> tuple[dict[str, str], dict[str, str]]:
    by_bytes, by_text = {}, {}
    for p in sorted(corpus.iterdir()):
        if p.name == MANIFEST_NAME or p.name.startswith(".") or not p.is_file():
            continue
        try:
            by_bytes[hashlib.sha256(_guard.read_checked(p, corpus)).hexdigest()] = p.name
            by_text[_content_key(_read.read_report(p, root=corpus).text)] = p.name
        except (OSError, ValueError, _read.ReportError):
            continue
    return by_bytes, by_text


def _free_name(corpus: Path, name: str, taken: set[str]) -> Path:
    target = corpus / name
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists() or target.name in taken:
        target = corpus / f"{stem}-{n}{suffix}"
        n += 1
    return target


# --------------------------------------------------------------------------- the manifest file

def _line_ending(text: str) -> str:
    """The line ending the manifest uses (of its first line break): kept for new rows."""
    i = text.find("\n")
    j = text.find("\r")
    if j >= 0 and (i < 0 or j < i):
        return "\r\n" if text[j:j + 2] == "\r\n" else "\r"
    return "\n"


def _manifest_text(path: Path) -> tuple[str, bool]:
    """The manifest's text and whether it starts with a UTF-8 BOM ("" for none). Raises
    ``ValueError`` (one line) for a manifest add must not rewrite (not UTF-8)."""
    if not path.exists():
        return "", False
    raw = path.read_bytes()
    text, encoding = decode_manifest(raw)
    if encoding == "utf-16":
        raise ValueError(f"{_guard.printable(path)}: the manifest is UTF-16; dvlib add writes "
                         "UTF-8 only: save it as CSV UTF-8 and add again")
    return text, encoding == "utf-8-sig"


def manifest_names(corpus: Path) -> set[str]:
    """The file names listed in the corpus manifest (read with the csv module)."""
    path = corpus / MANIFEST_NAME
    if not path.exists():
        return set()
    text, _ = decode_manifest(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return {(r.get("file") or "").strip() for r in reader} - {""}


def _append_manifest(corpus: Path, rows: list[dict]) -> None:
    """Add ``rows`` to the manifest, atomically. The old bytes stay as they are (BOM, line
    endings, quoting, fields beyond the header) unless a new column is needed; then the file is
    rewritten from its parsed rows with the same line ending, every field of every row kept:
    fields beyond the header keep their place, under empty column names, before the new one."""
    path = corpus / MANIFEST_NAME
    old, bom = _manifest_text(path)
    term = _line_ending(old)
    parsed = list(csv.reader(io.StringIO(old, newline=""))) if old.strip() else []
    header = parsed[0] if parsed else []
    # New columns only when a new row needs them: otherwise the old bytes stay untouched.
    new_cols = [c for c in MANIFEST_COLUMNS
                if c not in header and (not header or any(r.get(c) for r in rows))]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=term)
    if parsed and not new_cols:
        buf.write(old if old.endswith(("\n", "\r")) else old + term)
        columns = header
    else:
        width = max((len(r) for r in parsed), default=0)
        columns = header + [""] * (width - len(header)) + new_cols
        writer.writerow(columns)
        for r in parsed[1:]:
            writer.writerow(r + [""] * (len(columns) - len(r)))
    index = {}
    for i, c in enumerate(columns):
        index.setdefault(c, i)
    for r in rows:
        out = [""] * len(columns)
        for c, v in r.items():
            if c in index:
                out[index[c]] = v
        writer.writerow(out)
    data = buf.getvalue().encode("utf-8")
    atomic.write_bytes(path, (codecs.BOM_UTF8 if bom else b"") + data)


# --------------------------------------------------------------------------- journal

def _write_journal(corpus: Path, entries: list[dict]) -> None:
    atomic.write_text(corpus / JOURNAL_NAME, json.dumps({"files": entries}, ensure_ascii=False))


def recover_interrupted_add(corpus: str | Path) -> list[str]:
    """Undo what an interrupted ``add`` left: files it copied that have no manifest row (and
    still hold the bytes it copied) are removed; its temporary files too. Call it holding the
    corpus lock. Returns the names removed."""
    corpus = Path(corpus)
    journal = corpus / JOURNAL_NAME
    removed = []
    if journal.exists():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            entries = []
        listed = manifest_names(corpus)
        for e in entries if isinstance(entries, list) else []:
            name = e.get("name", "") if isinstance(e, dict) else ""
            target = corpus / name
            if (not name or "/" in name or name in listed or not target.is_file()
                    or target.is_symlink()):
                continue
            if hashlib.sha256(target.read_bytes()).hexdigest() == e.get("sha256"):
                target.unlink()
                removed.append(name)
        journal.unlink(missing_ok=True)
    atomic.clean_stale_temps(corpus, recursive=False)
    return removed


# --------------------------------------------------------------------------- add

def add_reports(files: list[str | Path], corpus: str | Path, *, province: str = "", date: str = "",
                title: str = "", outlet: str = "", url: str = "") -> AddResult:
    """Copy ``files`` into ``corpus`` and list them in its manifest, all or nothing (see the
    module doc). Refused, one line each: unreadable or non-report files, hidden files (which
    the analysis ignores), names that are not UTF-8, duplicates of reports already there."""
    corpus = Path(corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    result = AddResult()
    if date and parse_manifest_date(date) is None:
        result.problems.append(f"--date: invalid date '{_guard.printable(date)}' "
                               "(expected YYYY-MM-DD, YYYY-MM or YYYY)")
        return result
    if province:
        canon = canonical_province(province)
        if not canon:
            result.problems.append(f"--province: unknown province '{_guard.printable(province)}'")
            return result
        province = canon
    with folder_lock(corpus, what="corpus folder"):
        result.rolled_back = recover_interrupted_add(corpus)
        try:
            _manifest_text(corpus / MANIFEST_NAME)
        except ValueError as exc:
            result.problems.append(str(exc))
            return result
        _add_locked(files, corpus, result, dict(province=province, date=date, title=title,
                                                outlet=outlet, url=url))
    return result


def _add_locked(files, corpus: Path, result: AddResult, given: dict) -> None:
    by_bytes, by_text = _existing(corpus)
    plan = []  # (source, target, raw bytes, report)
    taken: set[str] = set()
    for f in files:
        src = Path(f)
        shown = _guard.printable(src)
        if src.name.startswith("."):
            result.problems.append(f"{shown}: hidden file (name starts with '.'), which the "
                                   "analysis ignores: rename it and add it again")
            continue
        if _guard.printable(src.name) != src.name:
            result.problems.append(f"{shown}: the file name holds control characters or bytes "
                                   "that are not UTF-8: rename it and add it again")
            continue
        try:
            raw = _guard.read_checked(src)
            report = _read.read_report(src)
        except OSError as exc:
            result.problems.append(f"{shown}: cannot read ({exc.strerror or exc})")
            continue
        except ValueError as exc:
            result.problems.append(f"{shown}: {exc}")
            continue
        except _read.ReportError as exc:
            result.problems.append(str(exc))
            continue
        sha = hashlib.sha256(raw).hexdigest()
        key = _content_key(report.text)
        if sha in by_bytes or key in by_text:
            result.duplicates.append((shown, by_bytes.get(sha) or by_text[key]))
            continue
        target = _free_name(corpus, src.name, taken)
        taken.add(target.name)
        by_bytes[sha] = by_text[key] = target.name
        plan.append((shown, target, raw, report, sha))
    if not plan:
        return
    _write_journal(corpus, [{"name": t.name, "sha256": sha} for _, t, _, _, sha in plan])
    copied: list[Path] = []
    try:
        rows = []
        for shown, target, raw, report, _ in plan:
            with atomic.atomic_path(target) as tmp:
                tmp.write_bytes(raw)
            copied.append(target)
            parsed = parse_manifest_date(given["date"]) if given["date"] else None
            rows.append({"file": target.name, "province": given["province"],
                         "date": given["date"], "date_precision": parsed[1] if parsed else "",
                         "title": given["title"], "outlet": given["outlet"], "url": given["url"],
                         "province_evidence": "given to dvlib add" if given["province"] else ""})
        _append_manifest(corpus, rows)  # the commit point
    except BaseException:
        # Ctrl-C or an error before the commit: nothing of this add stays.
        if target_names_committed(corpus, copied):
            raise
        for t in copied:
            t.unlink(missing_ok=True)
        (corpus / JOURNAL_NAME).unlink(missing_ok=True)
        raise
    (corpus / JOURNAL_NAME).unlink(missing_ok=True)
    for shown, target, _, report, _ in plan:
        masked = _bp.mask_boilerplate(report.text, _bp.find_boilerplate(report.text))
        result.inferred[target.name] = _meta.infer_metadata(report.text, masked_text=masked)
        result.added.append((shown, target.name))


def target_names_committed(corpus: Path, copied: list[Path]) -> bool:
    """Whether the manifest already lists every copied file (the commit happened)."""
    try:
        listed = manifest_names(corpus)
    except (OSError, ValueError):
        return False
    return bool(copied) and all(t.name in listed for t in copied)
