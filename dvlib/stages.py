"""The stages of the pipeline as data (:data:`STAGES`: each stage's code and data files) and the
fingerprint of an analysis: a hash of the inputs, the settings and those files. Light on
purpose (no pandas, no stage imported): the CLI asks here whether a saved analysis is still
current before it imports anything heavy.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from dvlib import config
from dvlib.load.files import MANIFEST_NAME, report_files


@dataclass(frozen=True)
class Stage:
    """A stage of the pipeline: its name, what it does, and the dvlib code (paths relative to
    the package) and data files (globs in ``dvlib/data``) its output depends on."""
    name: str
    does: str
    code: tuple[str, ...]
    data: tuple[str, ...] = ()


# Below every stage: the text core, plumbing, the table contracts and settings.
BASE_CODE = ("text", "runtime", "schema.py", "config.py")
STAGES = (
    Stage("load", "reports -> documents, boilerplate", ("load",),
          ("boilerplate_patterns.yaml", "date_cues.yaml", "gazetteer_*.csv",
           "province_aliases.csv", "place_stoplist.csv", "person_name_parts.csv",
           "outlet_marks.csv", "organisations.csv", "admin_levels.csv")),
    Stage("segment", "documents -> sentences", ("segment.py",), ("abbreviations_nosplit.txt",)),
    Stage("tokenize", "sentences -> tokens, terms", ("tokenize.py",),
          ("fixed_words.txt", "stopwords.txt")),
    Stage("label", "sentences -> family", ("label",),
          ("family_cues.yaml", "family_function.yaml", "pos_lexicon.tsv", "models/family_model.json")),
    Stage("claims", "content -> claims", ("claims",), ("claim_rules.yaml",)),
    Stage("extract", "content -> entities", ("extract",),
          ("document_kinds.csv", "organisations.csv", "abbreviations.csv", "admin_levels.csv",
           "indicator_words.yaml")),
    Stage("cluster", "claims -> sub-themes, aspects; content -> codes", ("cluster",),
          ("codebook.yaml", "codebook_rules.yaml")),
    Stage("compare", "tables -> comparison", ("compare",),
          ("formula_stoplist.txt", "formulas.yaml")),
    Stage("report", "comparison -> figures", ("report/figures.py",), ("labels.yaml",)),
    Stage("save", "analysis -> files", ("analysis.py", "store.py", "pipeline.py", "stages.py")),
)


# written after the tables by every run (the explorer page and the workbook)
WORKBENCH_FILES = ("explorer.html", "dvlib.xlsx")


def analysis_settings(n_boot: int = 1000, lang: str = "vi", figures: bool = True) -> dict:
    """The settings an analysis depends on, as the fingerprint hashes them."""
    return {"n_boot": n_boot, "lang": lang, "figures": figures}


def stage_files(stages: Sequence[Stage] = STAGES) -> list[Path]:
    """The code and data files ``stages`` depend on (what the fingerprint hashes), sorted."""
    pkg = config.PACKAGE_DIR
    files: set[Path] = set()
    for rel in BASE_CODE + tuple(c for s in stages for c in s.code):
        p = pkg / rel
        files |= set(p.rglob("*.py")) if p.is_dir() else {p}
    for s in stages:
        for pattern in s.data:
            files |= set(config.DATA_DIR.glob(pattern))
    return sorted(files)


def corpus_fingerprint(paths: Iterable[str | Path] | str | Path, settings: dict | None = None) -> str:
    """A hash of everything an analysis depends on: the input files (reports and manifests),
    the settings, and the code and data files the stages declare (:data:`STAGES`; e.g. an
    edited codebook or lexicon, not an edit of the brief or the CLI).
    Equal fingerprints mean a saved analysis is still the analysis of these inputs."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    h = hashlib.sha256(json.dumps(settings or {}, sort_keys=True).encode())
    for p in stage_files():
        h.update(p.relative_to(config.PACKAGE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    files, _ = report_files(paths)
    names = (MANIFEST_NAME, config.CORRECTIONS_FILE)
    manifests = sorted({p.parent / name for p, _ in files for name in names} |
                       {Path(p) / name for p in paths if Path(p).is_dir() for name in names})
    for p in sorted(f for f, _ in files) + [m for m in manifests if m.exists()]:
        h.update(os.fsencode(p.resolve()))  # any bytes: a name need not be UTF-8
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def saved_summary(out_dir: str | Path) -> dict:
    """What ``run.json`` in ``out_dir`` says of the saved analysis ({} if none is complete)."""
    run = Path(out_dir) / "run.json"
    try:
        meta = json.loads(run.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}
