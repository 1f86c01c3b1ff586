"""Fit the default family classifier on the gold sentences and store it as JSON.

    .venv/bin/python evaluation/fit_family_model.py

Reads dvlib/data/gold_seed_sentences.csv and gold_dev_sentences.csv (the five seed reports and
the five DEV reports of the blind set), fits ``FamilyClassifier()`` with its default settings,
and writes dvlib/data/models/family_model.json: coefficients, intercepts, vocabulary and idf,
scaler scales, classes, feature names, the sha256 of each training file and the versions of
dvlib, scikit-learn, underthesea, numpy and scipy. dvlib only ever reads that file; rerun this
after editing the gold, the cue lexicon or the features (tests/label/test_model_store.py fails
until you do).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dvlib.label.model import GOLD_FILES, MODEL_FILE, FamilyClassifier, training_hashes  # noqa: E402
from dvlib.text.data import data_file  # noqa: E402
from evaluation.families import load_gold  # noqa: E402


def fit_default() -> FamilyClassifier:
    """The default classifier fitted on all the training gold (seeds + dev)."""
    return FamilyClassifier().fit(load_gold(subset="all"))


def main() -> int:
    model = fit_default()
    path = model.save(data_file(MODEL_FILE), training_data=training_hashes(GOLD_FILES))
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
