"""Sub-themes: determinism, stability for a new report, safe persistence, size and label rules."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from dvlib.text.normalize import match_form
from dvlib.config import data_file
from dvlib.cluster.subthemes import (MAPPING_COLUMNS, SubthemeModel, _vectorize, assign_or_fit,
                             subtheme_mapping)

# A few function words, only to make fixture terms look like content terms (the real list is
# dvlib.tokenize's business; these tests do not depend on it).
_FIXTURE_STOP = {"và", "các", "của", "có", "được", "cho", "với", "trong", "là", "những", "đã",
                 "để", "này", "theo", "từ", "đến", "tại", "về", "một", "như", "khi", "cũng"}
NEW_DOC = "3efc173e9c33baf7"  # the Điện Biên report plays "the newly added report"


def _content_terms(text: str) -> list[str]:
    from underthesea import word_tokenize

    out = []
    for w in word_tokenize(match_form(text)):
        w = w.lower().replace(" ", "_")
        if re.search(r"[^\W\d_]", w) and w not in _FIXTURE_STOP:
            out.append(w)
    return out


@pytest.fixture(scope="session")
def seed_sentences() -> pd.DataFrame:
    """The gold-labelled seed sentences with underthesea content terms (per the input contract)."""
    g = pd.read_csv(data_file("gold_seed_sentences.csv"), keep_default_na=False)
    doc_id = g["file"].str.slice(4, 20)
    return pd.DataFrame({
        "doc_id": doc_id,
        "sentence_id": doc_id + "-s" + g["sentence_index"].map("{:04d}".format),
        "text": g["sentence"],
        "family": g["label"],
        "terms": [_content_terms(t) for t in g["sentence"]],
    })


@pytest.fixture(scope="session")
def fitted(seed_sentences):
    model = SubthemeModel().fit(seed_sentences)
    return model, model.transform(seed_sentences)


def _by_id(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("sentence_id").reset_index(drop=True)


def test_two_fits_give_identical_tables(seed_sentences, fitted):
    model, out = fitted
    again = SubthemeModel().fit(seed_sentences)
    pd.testing.assert_frame_equal(again.transform(seed_sentences), out)
    pd.testing.assert_frame_equal(again.topics_frame(), model.topics_frame())


def test_shuffled_input_gives_identical_tables(seed_sentences, fitted):
    model, out = fitted
    shuffled = seed_sentences.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert not shuffled["sentence_id"].equals(seed_sentences["sentence_id"])
    other = SubthemeModel().fit(shuffled)
    pd.testing.assert_frame_equal(_by_id(other.transform(shuffled)), _by_id(out))
    pd.testing.assert_frame_equal(other.topics_frame(), model.topics_frame())


def test_every_content_family_is_split_and_other_is_left_out(fitted):
    model, out = fitted
    topics = model.topics_frame()
    assert set(topics["family"]) == {"limitation", "priority", "model", "achievement"}
    # The seed families are big enough for k >= 2 (model has 8 sentences, 8 >= 2 * 3).
    assert (topics.groupby("family").size() >= 2).all()
    other = out[out["family"] == "other"]
    assert len(other) > 0
    assert (other["subtheme"] == "").all() and (other["subtheme_label"] == "").all()
    assert other["subtheme_score"].isna().all()
    content = out[out["family"] != "other"]
    assert (content["subtheme"] != "").all()
    assert content["subtheme_score"].between(0, 1 + 1e-9).all()
    assert content.apply(lambda r: r["subtheme"].startswith(r["family"] + "-"), axis=1).all()


@pytest.mark.parametrize("min_size", [3, 5])
def test_no_subtheme_below_min_size_and_ids_ordered_by_size(seed_sentences, min_size):
    model = SubthemeModel(min_cluster_size=min_size)
    out = model.fit_transform(seed_sentences)
    topics = model.topics_frame()
    assert (topics["size"] >= min_size).all()
    counts = out[out["subtheme"] != ""].groupby("subtheme").size()
    assert counts.to_dict() == dict(zip(topics["subtheme"], topics["size"]))
    for family, t in topics.groupby("family", sort=False):
        n = int((seed_sentences["family"] == family).sum())
        assert len(t) <= max(1, min(model.k_max, n // min_size))
        assert list(t["size"]) == sorted(t["size"], reverse=True)
        assert list(t["subtheme"]) == [f"{family}-{i}" for i in range(1, len(t) + 1)]
    chosen = model.selection_[model.selection_["chosen"]]
    split = topics.groupby("family").size()
    assert set(chosen["family"]) == set(split[split >= 2].index)
    # the stated criterion: the chosen k has the best silhouette of its family
    best = model.selection_.groupby("family")["silhouette"].max()
    assert (chosen.set_index("family")["silhouette"] == best[chosen["family"]]).all()


def test_labels_are_never_empty_and_read_with_spaces(fitted):
    model, _ = fitted
    topics = model.topics_frame()
    for _, t in topics.iterrows():
        assert t["name"].strip() and "_" not in t["name"]
        assert t["label"] == t["name"]  # readers see the phrase; the words stay in top_terms
        assert 1 <= len(t["top_terms"]) <= model.n_label_terms
        assert t["representative_text"] and t["representative_sentence_id"]


def test_representative_is_a_member_closest_to_centroid(fitted):
    model, out = fitted
    for _, t in model.topics_frame().iterrows():
        members = out[out["subtheme"] == t["subtheme"]]
        assert t["representative_sentence_id"] in set(members["sentence_id"])
        rep_score = members.loc[members["sentence_id"] == t["representative_sentence_id"],
                                "subtheme_score"].iloc[0]
        assert rep_score == pytest.approx(members["subtheme_score"].max())


def test_clear_groups_are_found_and_labelled_by_their_distinctive_terms():
    # Two obvious groups of limitations written for this test, sharing "hạn_chế".
    comms = ["tuyên_truyền", "zalo", "fanpage", "hạn_chế"]
    poor = ["hộ_nghèo", "nhà_đại_đoàn_kết", "sinh_kế", "hạn_chế"]
    rows = []
    for i in range(5):
        rows.append({"sentence_id": f"d-s{i:04d}", "family": "limitation",
                     "terms": comms[: 2 + i % 3] + ["hạn_chế"]})
        rows.append({"sentence_id": f"d-s{10 + i:04d}", "family": "limitation",
                     "terms": poor[: 2 + i % 3] + ["hạn_chế"]})
    df = pd.DataFrame(rows)
    model = SubthemeModel(min_df=1, max_df=1.0)
    out = model.fit_transform(df)
    assert out["subtheme"].nunique() == 2
    groups = out.groupby("subtheme")["sentence_id"].apply(lambda s: sorted(s.str[3:].astype(int)))
    assert sorted(groups.tolist()) == [list(range(0, 5)), list(range(10, 15))]
    top = [t[:2] for t in model.topics_frame()["top_terms"]]
    assert any(t[0] == "tuyên_truyền" for t in top)
    assert any(t[0] == "hộ_nghèo" for t in top)
    assert not any("hạn_chế" in t for t in top)


def test_small_family_is_one_subtheme(seed_sentences):
    small = seed_sentences[seed_sentences["family"] == "limitation"].head(3)
    df = pd.concat([small, seed_sentences[seed_sentences["family"] == "priority"]])
    model = SubthemeModel()
    out = model.fit_transform(df)
    lim = out[out["family"] == "limitation"]
    assert set(lim["subtheme"]) == {"limitation-1"}
    topics = model.topics_frame()
    assert topics[topics["family"] == "limitation"]["size"].tolist() == [3]
    assert (topics["family"] == "priority").sum() >= 2


def test_sentences_without_terms_still_get_a_nonempty_label():
    df = pd.DataFrame({"sentence_id": ["a", "b", "c"], "family": ["model"] * 3,
                       "terms": [[], [], []], "text": ["…", "—", "…"]})
    model = SubthemeModel()
    out = model.fit_transform(df)
    assert set(out["subtheme"]) == {"model-1"}
    assert model.topics_frame()["label"].iloc[0].strip()


def test_vectors_match_scikit_learn_tfidf(seed_sentences):
    terms = seed_sentences["terms"].tolist()
    vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, norm="l2").fit(terms)
    vocab = vec.vocabulary_
    ours = _vectorize(terms, vocab, vec.idf_)
    np.testing.assert_allclose(ours.toarray(), vec.transform(terms).toarray(), atol=1e-12)


def test_nearest_centroid_rule_agrees_with_fitted_labels(fitted, seed_sentences):
    # A copy of each sentence under an unknown id goes where the sentence itself was put.
    model, out = fitted
    renamed = seed_sentences.assign(sentence_id="new-" + seed_sentences["sentence_id"])
    again = model.transform(renamed)
    assert again["subtheme"].tolist() == out["subtheme"].tolist()


def test_new_report_leaves_old_sentences_and_labels_unchanged(seed_sentences, tmp_path):
    old = seed_sentences[seed_sentences["doc_id"] != NEW_DOC]
    model = SubthemeModel().fit(old)
    before = model.transform(old)
    topics_before = model.topics_frame()
    path = tmp_path / "subthemes.json"
    model.save(path)

    loaded = SubthemeModel.load(path)
    after = loaded.transform(seed_sentences)
    kept = after[after["doc_id"] != NEW_DOC].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, before.reset_index(drop=True))
    new = after[(after["doc_id"] == NEW_DOC) & (after["family"] != "other")]
    assert len(new) > 0
    assert set(new["subtheme"]) <= set(topics_before["subtheme"])
    assert new["subtheme_score"].notna().all()
    pd.testing.assert_frame_equal(loaded.topics_frame(), topics_before)


def test_save_load_round_trip_is_exact_and_never_pickles(fitted, seed_sentences, tmp_path):
    model, out = fitted
    path = tmp_path / "models" / "subthemes.json"
    model.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))  # plain JSON
    assert data["format"] == "dvlib-subthemes"
    assert not path.read_bytes().startswith(b"\x80")  # no pickle protocol header
    files = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert files == ["subthemes.json"]  # no .pkl/.joblib, no leftover temp file
    loaded = SubthemeModel.load(path)
    assert loaded.get_params() == model.get_params()
    pd.testing.assert_frame_equal(loaded.transform(seed_sentences), out)
    pd.testing.assert_frame_equal(loaded.topics_frame(), model.topics_frame())
    for fam, st in model.families_.items():
        np.testing.assert_array_equal(loaded.families_[fam]["centroids"], st["centroids"])
        np.testing.assert_array_equal(loaded.families_[fam]["idf"], st["idf"])


@pytest.mark.slow
def test_assign_or_fit_reuses_then_refits_with_mapping(seed_sentences, tmp_path):
    path = tmp_path / "subthemes.json"
    m1, out1, map1 = assign_or_fit(seed_sentences, path)
    assert path.exists() and map1.empty and list(map1.columns) == MAPPING_COLUMNS

    # Reuse: other settings are ignored, the saved sub-themes rule.
    with pytest.warns(UserWarning, match="k_max"):
        m2, out2, map2 = assign_or_fit(seed_sentences, path, k_max=2)
    pd.testing.assert_frame_equal(out2, out1)
    assert map2.empty

    # Refit with the same settings: every old sub-theme maps wholly onto its twin.
    _, _, same = assign_or_fit(seed_sentences, path, refit=True)
    assert len(same) == len(m1.topics_frame())
    assert (same["old_subtheme"] == same["new_subtheme"]).all()
    assert (same["share"] == 1.0).all() and (same["jaccard"] == 1.0).all()

    # Refit with fewer sub-themes: old ones are merged into new ones.
    m3, out3, mapping = assign_or_fit(seed_sentences, path, refit=True, k_max=2)
    assert SubthemeModel.load(path).get_params()["k_max"] == 2
    assert len(mapping) == len(m1.topics_frame())
    assert set(mapping["new_subtheme"]) <= set(m3.topics_frame()["subtheme"])
    assert mapping["share"].between(0, 1).all() and (mapping["share"] > 0).all()
    assert mapping["jaccard"].between(0, 1).all()
    assert (mapping["jaccard"] < 1).any()  # 2 clusters per family cannot equal up to 8
    assert (mapping["family"] == mapping["old_subtheme"].str.rsplit("-", n=1).str[0]).all()
    # share is what the two assignments say
    row = mapping.iloc[0]
    members = out1[out1["subtheme"] == row["old_subtheme"]]
    went = out3.set_index("sentence_id").loc[members["sentence_id"], "subtheme"]
    assert row["share"] == pytest.approx((went == row["new_subtheme"]).mean())
    assert [p.name for p in tmp_path.iterdir()] == ["subthemes.json"]


def test_mapping_of_identical_assignments_is_identity(fitted):
    _, out = fitted
    mapping = subtheme_mapping(out, out)
    assert (mapping["share"] == 1).all() and (mapping["jaccard"] == 1).all()


def test_bad_parameters_are_refused(seed_sentences):
    with pytest.raises(ValueError):
        SubthemeModel(k_min=1).fit(seed_sentences)
    with pytest.raises(ValueError):
        SubthemeModel(min_cluster_size=0).fit(seed_sentences)
