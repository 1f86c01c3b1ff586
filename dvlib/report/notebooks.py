"""The report stage's outputs made from an analysis: the brief (:func:`make_brief`) and the
executed notebooks (:func:`execute_notebook`, headless with papermill, rendered to HTML).

``dvlib run`` (:func:`dvlib.pipeline.run_all`) analyses the corpus and executes every notebook
into ``build/notebooks/``; notebook 05 writes the brief into ``build/briefs/``.
"""
from __future__ import annotations

import importlib.metadata as md
import json
import re
from pathlib import Path
from typing import Sequence

from dvlib.compare import profile
from dvlib.report import brief as _brief
from dvlib.report import figures as _figures
from dvlib.text.normalize import match_form
from dvlib.runtime import atomic
from dvlib import config

BRIEF_DIRNAME = "briefs"


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("dvlib", "underthesea", "scikit-learn", "pandas", "seaborn", "matplotlib"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def classifier_scores() -> dict:
    """The theme classifier's measured scores (evaluation/evaluate_families.py): on the five
    held-out reports, and leave-one-report-out over the training reports."""
    path = config.data_file("family_scores.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def methods_info(analysis, provinces: Sequence[str] | None = None) -> dict:
    v = versions()
    scores = classifier_scores()
    return {
        "dvlib_version": v["dvlib"], "underthesea_version": v["underthesea"],
        "sklearn_version": v["scikit-learn"],
        "parameters": {"provinces": list(provinces or []) or "all",
                       "bootstrap resamples": analysis.params.get("n_boot"),
                       "sub-theme model": analysis.params.get("subtheme_params", {})},
        "random_seed": analysis.params.get("random_state"),
        "corpus_hash": analysis.corpus_hash(),
        # The honest figure for unseen reports: five reports the classifier never saw.
        "classifier_macro_f1": scores.get("blind_test_macro_f1"),
        "classifier_per_family_f1": scores.get("blind_test_per_family_f1", {}),
        "classifier_loro_macro_f1": scores.get("loro_macro_f1"),
        "n_reports": int(len(analysis.documents)),
    }


def _slug(text: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFD", match_form(text)).replace("đ", "d")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def brief_stem(provinces: Sequence[str] | None, lang: str) -> str:
    """brief (default), brief-en, brief-bac-giang-nghe-an-en ...: one file set per choice."""
    parts = ["brief"] + [_slug(p) for p in (provinces or [])]
    return "-".join(parts + ([lang] if lang != "vi" else []))


def make_brief(analysis, provinces: Sequence[str] | None = None, lang: str = "vi",
               out_dir: str | Path | None = None):
    """The comparative brief of an analysis (an :class:`dvlib.analysis.Analysis`) for
    ``provinces`` (all when empty) in ``lang``: returns ``(brief, written)`` where ``written``
    maps "md", "html", "docx" (and "figure:<name>") to the files written in ``out_dir`` (none
    when ``out_dir`` is None)."""
    content = analysis.content_for(provinces)
    prof = analysis.tables.get("profile_family")
    if provinces or prof is None:
        prof = profile(content, by="family", n_boot=analysis.params.get("n_boot", 1000),
                       random_state=analysis.params.get("random_state", 0))
    figs = {}
    if analysis.figures.get("family_profile") and not provinces and lang == "vi":
        figs["family_profile"] = analysis.figures["family_profile"]
    else:  # the figure for the chosen provinces and language
        import matplotlib.pyplot as plt
        target = Path(out_dir or config.build_dir()) / "figures" / f"family_profile-{brief_stem(provinces, lang)}.png"
        plt.close(_figures.family_profile(prof, lang=lang, path=target))
        figs["family_profile"] = target
    b = _brief.build_brief(analysis.documents, content, analysis.entities, coded=analysis.coded,
                           profile=prof, figures=figs, methods=methods_info(analysis, provinces),
                           provinces=list(provinces) if provinces else None, lang=lang)
    if out_dir is not None:
        return b, _brief.write_brief(b, Path(out_dir), stem=brief_stem(provinces, lang))
    return b, {}


def notebook_paths() -> list[Path]:
    return sorted(config.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def notebook_kernel() -> str:
    """The "dvlib" kernel the Makefile installs into .venv, else this Python's own "python3"."""
    from jupyter_client.kernelspec import KernelSpecManager
    return "dvlib" if "dvlib" in KernelSpecManager().find_kernel_specs() else "python3"


def execute_notebook(src: Path, out_dir: Path, parameters: dict, kernel: str | None = None) -> Path:
    """Run one notebook headless into ``out_dir`` and render it to HTML beside it."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    kernel = kernel or notebook_kernel()

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / src.name
    with atomic.atomic_path(target) as tmp:
        pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name=kernel,
                            cwd=str(src.parent), progress_bar=False, log_output=False)
    html, _ = HTMLExporter().from_notebook_node(nbformat.read(target, as_version=4))
    atomic.write_text(target.with_suffix(".html"), html)
    return target
