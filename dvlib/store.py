"""Saving an analysis to a folder and reading it back.

CSV for every table (what people open), Parquet for the tables whose types matter on reload
(lists of tokens, numbers with gaps, the report texts), and ``run.json`` with the corpus
fingerprint so a notebook can tell whether the saved analysis is still current.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from dvlib.runtime import atomic
from dvlib.analysis import Analysis
from dvlib import config
from dvlib.text.cells import FORMULA_PREFIXES, escape_formulas

RUN_FILE = "run.json"


class OutputFolderError(Exception):
    """The output folder cannot take an analysis (not creatable, read-only, full); ``str(e)``
    is one line naming the folder and the reason."""


def check_output_folder(out_dir: str | Path) -> None:
    """Raise :class:`OutputFolderError` unless ``out_dir`` can be created, written to and has
    :func:`dvlib.config.min_free_bytes` free: found before an analysis starts, not after."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"{out}: cannot create the output folder "
                                f"({exc.strerror or exc})") from None
    probe = out / f".dvlib-write-test.{os.getpid()}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"ok")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputFolderError(f"{out}: the output folder is not writable "
                                f"({exc.strerror or exc})") from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    free, need = shutil.disk_usage(out).free, config.min_free_bytes()
    if free < need:
        raise OutputFolderError(f"{out}: only {free / 1e6:,.0f} MB free on its disk, an analysis "
                                f"needs {need / 1e6:,.0f} MB (DVLIB_MIN_FREE_MB)")


def invalidate(out_dir: str | Path) -> None:
    """Remove the fingerprint (``run.json``) before anything in ``out_dir`` is replaced: an
    interrupted run then leaves a folder that no later run takes as current."""
    (Path(out_dir) / RUN_FILE).unlink(missing_ok=True)


def _csv(frame: pd.DataFrame) -> pd.DataFrame:
    """What goes into a CSV: cells a spreadsheet would run as a formula escaped with ``'``
    (OWASP); Parquet and the brief keep the text verbatim."""
    return escape_formulas(frame)


def _unescape(frame: pd.DataFrame) -> pd.DataFrame:
    """Our own CSV read back: the ``'`` added by :func:`_csv` removed again."""
    def undo(v):
        return v[1:] if isinstance(v, str) and v[:1] == "'" and v[1:].startswith(FORMULA_PREFIXES) else v
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(undo)
    out.columns = [undo(c) for c in out.columns]
    return out

_DOC_INTERNAL = ["text", "masked_text", "content", "path_resolved", "title_hint", "date_hint",
                 "url_hint", "outlet_hint"]
_SENT_INTERNAL = ["tokens", "token_spans", "terms"]
_PARQUET = ["documents", "sentences", "entities", "codes", "boilerplate"]
_OPTIONAL_PARQUET = ["claims"]  # absent from analyses saved before the claims stage


def _flatten(df: pd.DataFrame) -> pd.DataFrame:
    """CSV-friendly copy: list columns become space-joined strings."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: " ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def _parquet_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.drop(columns=[c for c in ("token_spans",) if c in df])
    for col in out.columns:  # mixed object columns (numbers and "") do not fit Parquet's types
        if out[col].dtype == object and not out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return out


def write_analysis(result: Analysis, out_dir: str | Path) -> list[Path]:
    """Write every table of ``result`` to ``out_dir`` (CSV, and Parquet where types matter),
    then ``run.json``; returns the files written. ``run.json`` is removed first and written
    last, so only a complete folder has one."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    invalidate(out)
    w = []
    main = {"documents": result.documents, "sentences": result.sentences,
            "entities": result.entities, "codes": result.coded, "boilerplate": result.boilerplate}
    if not result.claims.empty:
        main["claims"] = result.claims
    csv_view = {
        "documents": result.documents.drop(columns=[c for c in _DOC_INTERNAL if c in result.documents]),
        "sentences": result.sentences.drop(columns=[c for c in _SENT_INTERNAL if c in result.sentences]),
    }
    for name, table in main.items():
        w.append(atomic.write_csv(_csv(_flatten(csv_view.get(name, table))), out / f"{name}.csv"))
        w.append(atomic.write_parquet(_parquet_safe(table), out / "parquet" / f"{name}.parquet"))
    w.append(atomic.write_csv(_csv(_flatten(result.topics)), out / "subthemes.csv"))
    if result.subtheme_mapping is not None and not result.subtheme_mapping.empty:
        w.append(atomic.write_csv(_csv(result.subtheme_mapping), out / "subtheme_mapping.csv"))
    for name, table in result.tables.items():
        w.append(atomic.write_csv(_csv(_flatten(table)), out / f"{name}.csv"))
        w.append(atomic.write_parquet(_parquet_safe(table), out / "parquet" / f"{name}.parquet"))
    meta = {"corpus_fingerprint": result.params.get("corpus_fingerprint", ""),
            "corpus_hash": result.corpus_hash(), "n_reports": int(len(result.documents)),
            # what the CLI prints of a run, so that a rerun of a current analysis can say it
            # without reading the tables back
            "n_content_sentences": int((result.sentences["boilerplate"] == "").sum())
            if len(result.documents) and "boilerplate" in result.sentences else 0,
            "n_claims": int(len(result.claims)) if result.claims is not None else 0,
            "problems": result.problems, "params": result.params,
            "tables": sorted(result.tables), "figures": {k: str(v) for k, v in result.figures.items()}}
    # run.json last: its presence says the folder holds a complete analysis.
    w.append(atomic.write_text(out / RUN_FILE, json.dumps(meta, ensure_ascii=False, indent=2,
                                                            default=str)))
    return w


def load_analysis(out_dir: str | Path) -> Analysis:
    """Read back what :func:`write_analysis` wrote."""
    out = Path(out_dir)
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    pq = {n: pd.read_parquet(out / "parquet" / f"{n}.parquet") for n in _PARQUET}
    pq |= {n: pd.read_parquet(out / "parquet" / f"{n}.parquet") for n in _OPTIONAL_PARQUET
           if (out / "parquet" / f"{n}.parquet").exists()}
    for col in ("tokens", "terms"):
        if col in pq["sentences"]:
            pq["sentences"][col] = pq["sentences"][col].map(list)
    tables = {n: pd.read_parquet(out / "parquet" / f"{n}.parquet") for n in meta["tables"]}
    mapping = out / "subtheme_mapping.csv"
    return Analysis(documents=pq["documents"], sentences=pq["sentences"],
                    boilerplate=pq["boilerplate"], entities=pq["entities"], coded=pq["codes"],
                    claims=pq.get("claims", pd.DataFrame()),
                    topics=_unescape(pd.read_csv(out / "subthemes.csv", keep_default_na=False)),
                    tables=tables, figures={k: Path(v) for k, v in meta["figures"].items()},
                    problems=meta["problems"], params=meta["params"],
                    subtheme_mapping=_unescape(pd.read_csv(mapping)) if mapping.exists() else None)


def saved_fingerprint(out_dir: str | Path) -> str:
    """The fingerprint of the analysis saved in ``out_dir`` ("" if none is complete there)."""
    run = Path(out_dir) / "run.json"
    if not run.exists():
        return ""
    try:
        meta = json.loads(run.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    value = meta.get("corpus_fingerprint", "") if isinstance(meta, dict) else ""
    return value if isinstance(value, str) else ""


def outputs(out_dir: str | Path | None = None) -> pd.DataFrame:
    """The files of an output folder with what each holds and its size (rows or files)."""
    import yaml

    out = Path(out_dir) if out_dir else config.build_dir()
    described = yaml.safe_load(config.data_file("outputs.yaml").read_text(encoding="utf-8"))
    rows = []
    for name, what in described.items():
        p = out / name.rstrip("/")
        if not p.exists():
            continue
        if p.is_dir():
            size = f"{sum(1 for f in p.rglob('*') if f.is_file())} files"
        elif p.suffix == ".csv":
            size = f"{len(pd.read_csv(p, keep_default_na=False))} rows"
        else:
            size = f"{p.stat().st_size:,} bytes"
        rows.append({"output": name, "holds": what, "size": size})
    return pd.DataFrame(rows, columns=["output", "holds", "size"])
