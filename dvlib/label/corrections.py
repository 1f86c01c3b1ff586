"""The researcher's corrections: labels set by hand win over the machine's.

A corpus folder may hold ``corrections.csv`` beside ``manifest.csv``, as the manifest wins over
inferred metadata. Columns (header required; extra columns are kept and ignored):

- ``file``: the report's file name (as in the manifest);
- ``sentence_id``: the sentence id of ``sentences.csv`` (optional when ``text`` is given);
- ``text``: the exact sentence (optional when ``sentence_id`` is given; whitespace, Unicode form
  and tone-mark placement do not matter);
- ``family``: limitation, priority, model, achievement or other (empty: no family correction);
- ``aspects``: codebook ids joined by "|" (read by the claims stage; may be empty);
- ``note``: why (shown as the label's evidence).

A corrected sentence gets ``family_source = "corrected"`` and score 1; every other sentence
``"model"``. Corrections never change the model's training data: ``dvlib retrain`` does that,
explicitly, and reports its new figures.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from dvlib.schema import FAMILIES
from dvlib.text.normalize import match_form

from dvlib.config import CORRECTIONS_FILE  # noqa: E402  (re-exported)
COLUMNS = ("file", "sentence_id", "text", "family", "aspects", "note")


class CorrectionsError(ValueError):
    """A corrections file that cannot be used (the message names the file, line and reason)."""


def _key(text: str) -> str:
    return " ".join(match_form(str(text)).split())


def read_corrections(path: str | Path) -> pd.DataFrame:
    """The rows of a corrections file (all columns as strings). Raises :class:`CorrectionsError`
    naming the file and line for a missing header column or an unknown family."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(COLUMNS))
    raw = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    header = next(csv.reader(io.StringIO(raw, newline="")), [])
    if "family" not in header or not ({"sentence_id", "text"} & set(header)):
        raise CorrectionsError(f"{path}: needs the columns file, sentence_id or text, and family")
    for i, row in enumerate(rows, start=2):
        fam = (row.get("family") or "").strip()
        if fam and fam not in FAMILIES:
            raise CorrectionsError(f'{path}: line {i}: unknown family "{fam}" '
                                   f"(one of {', '.join(FAMILIES)})")
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys([*COLUMNS, *header])), dtype=str)
    return frame.fillna("").map(lambda v: v.strip() if isinstance(v, str) else v)


def corrections_for(paths) -> tuple[pd.DataFrame, list[str]]:
    """The corrections of the corpus folders among ``paths`` (and of the folders of the files
    given), with one problem line per unreadable file."""
    folders = []
    for p in ([paths] if isinstance(paths, (str, Path)) else paths):
        p = Path(p)
        folder = p if p.is_dir() else p.parent
        if folder not in folders:
            folders.append(folder)
    frames, problems = [], []
    for folder in folders:
        try:
            frames.append(read_corrections(folder / CORRECTIONS_FILE))
        except CorrectionsError as e:
            problems.append(str(e))
    frames = [f for f in frames if not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=list(COLUMNS))), problems


def apply_corrections(sentences: pd.DataFrame, documents: pd.DataFrame,
                      corrections: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``sentences`` (labelled) with the researcher's families applied and ``family_source``
    set; and one line per correction that matches no sentence of the corpus.

    A correction finds its sentence by ``sentence_id`` when given, else by file name and text.
    """
    out = sentences.copy()
    out["family_source"] = "model"
    if corrections is None or corrections.empty or out.empty:
        return out, []
    names = {d: Path(str(f)).name for d, f in zip(documents["doc_id"], documents["file"])}
    by_id = {sid: i for i, sid in enumerate(out["sentence_id"])}
    by_text: dict[tuple[str, str], int] = {}
    for i, (doc, text) in enumerate(zip(out["doc_id"], out["text"])):
        by_text.setdefault((names.get(doc, ""), _key(text)), i)
    pos = {name: out.columns.get_loc(name) for name in ("family", "family_score",
                                                         "family_evidence", "family_source")}
    problems = []
    for row in corrections.itertuples(index=False):
        fam = getattr(row, "family", "")
        if not fam:
            continue
        i = by_id.get(getattr(row, "sentence_id", ""))
        if i is None:
            i = by_text.get((Path(getattr(row, "file", "")).name, _key(getattr(row, "text", ""))))
        if i is None:
            what = getattr(row, "sentence_id", "") or f'"{str(getattr(row, "text", ""))[:60]}"'
            problems.append(f"corrections.csv: {getattr(row, 'file', '')}: no sentence {what} "
                            "in the corpus (correction not applied)")
            continue
        note = getattr(row, "note", "")
        out.iat[i, pos["family"]] = fam
        out.iat[i, pos["family_score"]] = 1.0
        out.iat[i, pos["family_evidence"]] = "corrected by the researcher" + (f": {note}" if note else "")
        out.iat[i, pos["family_source"]] = "corrected"
    return out, problems


def write_corrections(path: str | Path, new_rows: pd.DataFrame) -> Path:
    """Append ``new_rows`` to a corrections file (a later row for the same sentence replaces an
    earlier one), written atomically; the rows already there are kept as they were."""
    path = Path(path)
    old = read_corrections(path)
    cols = list(dict.fromkeys([*COLUMNS, *old.columns, *new_rows.columns]))
    both = pd.concat([old.reindex(columns=cols), new_rows.reindex(columns=cols)], ignore_index=True)
    both = both.fillna("").astype(str)
    ident = both["sentence_id"].where(both["sentence_id"] != "",
                                      both["file"] + "\x00" + both["text"].map(_key))
    both = both[~ident.duplicated(keep="last")]
    tmp = path.with_name(f".{path.name}.tmp")
    both.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)
    return path
