"""The default family classifier is stored as JSON, read back without refitting, and equal to a
fresh fit on the gold it records the hash of."""
from __future__ import annotations

import json

import numpy as np
import pytest

from dvlib.label.model import (GOLD_FILES, MODEL_FILE, FamilyClassifier, default_classifier,
                               training_hashes)
from dvlib.text.data import data_file
from evaluation.families import load_gold


@pytest.fixture(scope="module")
def stored():
    return json.loads(data_file(MODEL_FILE).read_text(encoding="utf-8"))


def test_stored_hash_is_the_training_data_hash(stored):
    # fails after an edit of the gold: rerun evaluation/fit_family_model.py
    assert stored["training_data_sha256"] == training_hashes(GOLD_FILES)


def test_stored_model_records_what_it_is(stored):
    assert stored["classes"] == sorted(stored["classes"])
    assert set(stored["versions"]) >= {"dvlib", "scikit-learn", "underthesea"}
    for key in ("scaler", "logistic_regression", "vectorizer", "dense_features", "params"):
        assert key in stored
    assert "pickle" not in json.dumps(stored)[:200]


@pytest.mark.slow
def test_loaded_model_equals_a_fresh_fit_on_the_seed_sentences():
    gold = load_gold()
    fresh = FamilyClassifier().fit(gold)
    loaded = default_classifier()
    seeds = load_gold(subset="seed")
    np.testing.assert_allclose(loaded.predict_proba(seeds), fresh.predict_proba(seeds),
                               rtol=0, atol=1e-9)
    a, b = loaded.transform(seeds), fresh.transform(seeds)
    assert (a["family"] == b["family"]).all() and (a["family_evidence"] == b["family_evidence"]).all()


def test_round_trip_through_json(tmp_path):
    model = default_classifier()
    again = FamilyClassifier.load(model.save(tmp_path / "m.json", training_data={"x": "y"}))
    seeds = load_gold(subset="seed").head(40)
    np.testing.assert_array_equal(again.predict_proba(seeds), model.predict_proba(seeds))
