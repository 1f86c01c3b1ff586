"""The default family classifier is stored as JSON, read back without refitting, records the
hash of everything it was fitted on, and round-trips exactly."""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from dvlib.config import project_dir
from dvlib.label.model import FORMAT, MODEL_FILE, FamilyClassifier, default_classifier
from dvlib.text.data import data_file

sys.path.insert(0, str(project_dir()))
from evaluation.fit_family_model import training_hashes  # noqa: E402


@pytest.fixture(scope="module")
def stored():
    return json.loads(data_file(MODEL_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeds():
    g = pd.read_csv(data_file("gold_seed_sentences.csv"), keep_default_na=False)
    return g.rename(columns={"sentence": "text"}).assign(doc_id=lambda d: d["file"])


def test_stored_hash_is_the_training_data_hash(stored):
    # fails after an edit of a gold file or a labelled text: rerun evaluation/fit_family_model.py
    # (a retrain with the researcher's corrections adds their file's hash)
    have = {k: v for k, v in stored["training_data_sha256"].items() if not k.endswith("corrections.csv")}
    assert have == training_hashes()


def test_stored_model_records_what_it_is(stored):
    assert stored["format"] == FORMAT
    assert stored["classes"] == sorted(stored["classes"])
    assert set(stored["versions"]) >= {"dvlib", "scikit-learn", "underthesea"}
    for key in ("scaler", "logistic_regression", "ngrams", "function_features", "rules_features",
                "neighbours_features", "dense_features", "params"):
        assert key in stored
    assert 0.25 <= stored["params"]["temperature"] <= 4
    assert "pickle" not in json.dumps(stored)[:200]


def test_round_trip_through_json(tmp_path, seeds):
    model = default_classifier()
    again = FamilyClassifier.load(model.save(tmp_path / "m.json", training_data={"x": "y"}))
    np.testing.assert_array_equal(again.predict_proba(seeds), model.predict_proba(seeds))
    assert again.transform(seeds)["family_evidence"].equals(model.transform(seeds)["family_evidence"])


def test_a_fresh_fit_round_trips_and_loading_is_a_read(tmp_path, seeds):
    fresh = FamilyClassifier(temperature=1.3).fit(seeds)
    loaded = FamilyClassifier.load(fresh.save(tmp_path / "fresh.json"))
    np.testing.assert_allclose(loaded.predict_proba(seeds), fresh.predict_proba(seeds), rtol=0, atol=1e-12)


def test_a_file_of_another_format_is_refused_with_one_line(tmp_path):
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps({"format": "dvlib-family-model/1"}), encoding="utf-8")
    with pytest.raises(ValueError, match="refit it"):
        FamilyClassifier.load(bad)
