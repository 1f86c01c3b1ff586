"""Checking the machine's least certain labels: the researcher's side of the label stage.

:func:`least_certain` picks the content sentences whose family the classifier was least sure of
(lowest calibrated ``family_score``, not yet corrected); :func:`review` shows each with its
neighbours and asks for the family, and the answers go to the corpus's ``corrections.csv``
(:func:`dvlib.label.corrections.write_corrections`), which wins over the machine on the next run.
Without a terminal, :func:`export_review` writes the same list as a CSV to fill in (e.g. in
Excel) and :func:`import_review` takes the filled-in file back.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Callable, Sequence, TextIO

import pandas as pd

from dvlib.label.corrections import CORRECTIONS_FILE, write_corrections
from dvlib.schema import FAMILIES

KEYS = {"l": "limitation", "p": "priority", "m": "model", "a": "achievement", "o": "other"}
REVIEW_COLUMNS = ["file", "sentence_id", "province", "family", "family_score", "text",
                  "before", "after", "new_family", "note"]


def least_certain(sentences: pd.DataFrame, documents: pd.DataFrame, n: int = 20,
                  provinces: Sequence[str] | None = None, files: Sequence[str] | None = None) -> pd.DataFrame:
    """The ``n`` content sentences (of ``provinces`` / report ``files`` when given) with the
    lowest family score that the researcher has not corrected yet, least certain first, with
    the sentence before and after for context."""
    names = {d: Path(str(f)).name for d, f in zip(documents["doc_id"], documents["file"])}
    provinces_of = dict(zip(documents["doc_id"], documents["province"]))
    s = sentences.reset_index(drop=True)
    before = s["text"].shift(1).where(s["doc_id"].shift(1) == s["doc_id"], "")
    after = s["text"].shift(-1).where(s["doc_id"].shift(-1) == s["doc_id"], "")
    s = s.assign(before=before.fillna(""), after=after.fillna(""),
                 file=s["doc_id"].map(names).fillna(""),
                 province=s["doc_id"].map(provinces_of).fillna(""))
    keep = s["boilerplate"].fillna("") == ""
    if "family_source" in s:
        keep &= s["family_source"] != "corrected"
    if provinces:
        keep &= s["province"].isin(list(provinces))
    if files:
        keep &= s["file"].isin([Path(f).name for f in files])
    picked = s[keep].sort_values(["family_score", "sentence_id"], kind="stable").head(n)
    out = picked.reindex(columns=REVIEW_COLUMNS).astype(object).fillna("")
    out["family_score"] = picked["family_score"].astype(float).round(3)
    return out.reset_index(drop=True)


def review(rows: pd.DataFrame, corrections_path: str | Path,
           ask: Callable[[str], str] = input, out: TextIO = sys.stdout) -> int:
    """Ask for the family of each row ([l]imitation [p]riority [m]odel [a]chievement [o]ther;
    Enter keeps the machine's label as checked; s skips; q stops) and write the answers to
    ``corrections_path`` after each one (an interrupted review keeps what was answered).
    Returns the number of answers written."""
    written = 0
    for k, r in enumerate(rows.itertuples(index=False), start=1):
        print(f"\n[{k}/{len(rows)}] {r.file} {r.sentence_id}  machine: {r.family} "
              f"(score {r.family_score:.2f})", file=out)
        if r.before:
            print(f"   … {r.before}", file=out)
        print(f" >> {r.text}", file=out)
        if r.after:
            print(f"   … {r.after}", file=out)
        while True:
            try:
                answer = ask("family? [l/p/m/a/o, Enter = keep, s = skip, q = quit] ").strip().lower()
            except EOFError:
                answer = "q"
            if answer in KEYS or answer in ("", "s", "q") or answer in FAMILIES:
                break
            print("   please type l, p, m, a, o, Enter, s or q", file=out)
        if answer == "q":
            break
        if answer == "s":
            continue
        family = KEYS.get(answer, answer) or r.family
        note = "checked by the researcher" if family == r.family else f"was {r.family} ({r.family_score:.2f})"
        write_corrections(corrections_path, pd.DataFrame([{
            "file": r.file, "sentence_id": r.sentence_id, "text": r.text, "family": family,
            "aspects": "", "note": note}]))
        written += 1
    return written


def export_review(rows: pd.DataFrame, path: str | Path) -> Path:
    """The rows to check as a CSV (UTF-8 with BOM, for Excel) with an empty ``new_family``."""
    path = Path(path)
    rows.to_csv(path, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_NONNUMERIC)
    return path


def import_review(path: str | Path, corrections_path: str | Path) -> tuple[int, list[str]]:
    """The filled-in rows of an exported review (``new_family`` set) into ``corrections.csv``;
    returns (rows written, one problem line per unusable row)."""
    path = Path(path)
    rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    problems, keep = [], []
    for i, r in enumerate(rows.itertuples(index=False), start=2):
        fam = KEYS.get(str(r.new_family).strip().lower(), str(r.new_family).strip().lower())
        if not fam:
            continue
        if fam not in FAMILIES:
            problems.append(f'{path}: line {i}: unknown family "{r.new_family}"')
            continue
        keep.append({"file": r.file, "sentence_id": r.sentence_id, "text": r.text, "family": fam,
                     "aspects": "", "note": str(getattr(r, "note", "")) or f"was {r.family}"})
    if keep:
        write_corrections(corrections_path, pd.DataFrame(keep))
    return len(keep), problems


def corrections_path(corpus: str | Path) -> Path:
    """Where a corpus folder's corrections live."""
    return Path(corpus) / CORRECTIONS_FILE
