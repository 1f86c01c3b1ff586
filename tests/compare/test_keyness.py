"""Fightin' Words keyness: a hand-computed table, then the seed reports."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dvlib import compare
from dvlib.compare import keyness
from helpers import build_seed_tables

# groups x terms; y_i^w = count of term w in group i
COUNTS = pd.DataFrame({"dân_vận": [4, 1, 0], "mô_hình": [1, 2, 1], "hạn_chế": [0, 3, 1]},
                      index=pd.Index(["A", "B", "C"], name="province"))


def _by_hand(y_i, y_j, n_i, n_j, a_w, a0):
    delta = (math.log((y_i + a_w) / (n_i + a0 - y_i - a_w))
             - math.log((y_j + a_w) / (n_j + a0 - y_j - a_w)))
    var = 1 / (y_i + a_w) + 1 / (y_j + a_w)
    return delta, var, delta / math.sqrt(var)


def test_log_odds_against_the_rest_by_hand():
    out = keyness.log_odds_dirichlet(COUNTS).set_index(["group", "term"])
    # Default prior: corpus counts (5, 4, 4), a0 = 13 tokens, so a_w = the corpus count.
    a = {"dân_vận": 5, "mô_hình": 4, "hạn_chế": 4}
    a0 = 13
    # A: n_i = 5; rest (B + C): n_j = 8.
    delta, var, zeta = _by_hand(y_i=4, y_j=1, n_i=5, n_j=8, a_w=a["dân_vận"], a0=a0)
    row = out.loc[("A", "dân_vận")]
    assert row["count_group"] == 4 and row["count_rest"] == 1
    assert row["delta"] == pytest.approx(delta)      # log(9/9) - log(6/15)
    assert row["delta"] == pytest.approx(-math.log(6 / 15))
    assert row["var"] == pytest.approx(var)          # 1/9 + 1/6
    assert row["zeta"] == pytest.approx(zeta)
    # B: n_i = 6 against A + C: n_j = 7, term hạn_chế 3 vs 1.
    delta, var, zeta = _by_hand(y_i=3, y_j=1, n_i=6, n_j=7, a_w=a["hạn_chế"], a0=a0)
    assert out.loc[("B", "hạn_chế"), "zeta"] == pytest.approx(zeta)
    # Ranks: A's most characteristic term is dân_vận, its least hạn_chế.
    ranks = out.loc["A", "rank"]
    assert ranks["dân_vận"] == 1 and ranks["hạn_chế"] == 3


def test_prior_scaled_to_alpha0_and_reference_group():
    prior = pd.Series({"dân_vận": 2.0, "mô_hình": 1.0, "hạn_chế": 1.0})  # shares 1/2, 1/4, 1/4
    out = keyness.log_odds_dirichlet(COUNTS, prior=prior, alpha0=8, reference="C")
    out = out.set_index(["group", "term"])
    assert set(out.index.get_level_values("group")) == {"A", "B"}
    # A (n=5) against C alone (n=2); a_w = 8 * 1/4 = 2 for mô_hình.
    delta, var, zeta = _by_hand(y_i=1, y_j=1, n_i=5, n_j=2, a_w=2, a0=8)
    row = out.loc[("A", "mô_hình")]
    assert row["count_rest"] == 1
    assert (row["delta"], row["var"], row["zeta"]) == pytest.approx((delta, var, zeta))


def test_two_groups_are_mirror_images():
    two = COUNTS.loc[["A", "B"]]
    out = keyness.log_odds_dirichlet(two).set_index(["group", "term"])["delta"]
    for term in two.columns:
        assert out[("A", term)] == pytest.approx(-out[("B", term)])


def test_keyness_from_sentence_terms():
    sents = pd.DataFrame({
        "doc_id": ["a", "a", "b", "c"], "sentence_id": ["a1", "a2", "b1", "c1"],
        "province": ["A", "A", "B", "C"],
        "family": ["limitation", "achievement", "limitation", "limitation"],
        "terms": [["dân_vận", "dân_vận", "mô_hình"], ["dân_vận", "dân_vận"],
                  ["mô_hình", "mô_hình", "hạn_chế", "hạn_chế", "hạn_chế", "dân_vận"],
                  ["mô_hình", "hạn_chế"]],
        "boilerplate": ["", "", "", ""],
    })
    counts = keyness.term_counts(sents)
    pd.testing.assert_frame_equal(counts[list(COUNTS.columns)], COUNTS, check_names=False)
    out = keyness.keyness(sents).set_index(["province", "term"])
    expected = keyness.log_odds_dirichlet(COUNTS).set_index(["group", "term"])
    assert np.allclose(out.loc[("A", "dân_vận"), "zeta"], expected.loc[("A", "dân_vận"), "zeta"])
    # One family across provinces: A's limitation sentence only, prior from the whole corpus.
    lim = keyness.keyness(sents, family="limitation").set_index(["province", "term"])
    assert (lim["family"] == "limitation").all()
    assert lim.loc[("A", "dân_vận"), "count_group"] == 2
    # Limitation counts: A (2, 1, 0) n_i = 3; rest B + C: dân_vận 1, n_j = 8. The prior is the
    # whole corpus (dân_vận 5 of 13 tokens) scaled to a0 = the 11 limitation tokens.
    a_w = 11 * 5 / 13
    delta, var, zeta = _by_hand(y_i=2, y_j=1, n_i=3, n_j=8, a_w=a_w, a0=11)
    assert lim.loc[("A", "dân_vận"), "zeta"] == pytest.approx(zeta)


def test_keyness_on_the_seeds():
    sentences, documents = build_seed_tables()
    out = keyness.keyness(sentences, documents=documents)
    assert set(out["province"]) == set(documents["province"])
    top = out[out["rank"] <= 10]
    # A report names its own province or district, and nobody else's report does.
    bg = top[top["province"] == "Bắc Giang"].set_index("term")
    assert "bắc_giang" in bg.index and bg.loc["bắc_giang", "count_rest"] == 0
    assert "chiêm_hóa" in set(top.loc[top["province"] == "Tuyên Quang", "term"])
    # Zeta is sorted within each province.
    for _, grp in out.groupby("province"):
        assert grp["zeta"].is_monotonic_decreasing and list(grp["rank"]) == list(range(1, len(grp) + 1))
    # Terms only found in the "Các tin khác" trailer (boilerplate) are not counted.
    trailer = sentences[sentences["boilerplate"] == "trailer"]["terms"].explode()
    content = compare.content_sentences(sentences, documents)["terms"].explode()
    only_trailer = set(trailer) - set(content)
    assert only_trailer and not only_trailer & set(out["term"])


def test_keyness_one_family_across_provinces():
    sentences, documents = build_seed_tables()
    out = keyness.keyness(sentences, documents=documents, family="limitation", min_count=1)
    content = compare.content_sentences(sentences, documents)
    lim = content[content["family"] == "limitation"]
    # Tuyên Quang has no limitation sentence, so it is not a group here.
    assert set(out["province"]) == set(lim["province"])
    for prov, grp in out.groupby("province"):
        terms = lim.loc[lim["province"] == prov, "terms"].explode().value_counts()
        assert (grp["count_group"] >= 1).all()
        assert all(terms[t] == c for t, c in zip(grp["term"], grp["count_group"]))


def test_keyness_shows_terms_as_written():
    """The ``shown`` column: the commonest spelling in the text, spaces not underscores."""
    sents = pd.DataFrame({
        "doc_id": ["a", "a", "b"], "province": ["A", "A", "B"], "family": ["model"] * 3,
        "text": ["Phong trào Dân vận khéo lan tỏa", "Mô hình Dân vận khéo ở BTV",
                 "Công tác tuyên truyền"],
        "terms": [["dân_vận_khéo", "lan_tỏa"], ["dân_vận_khéo", "btv"], ["tuyên_truyền"]]})
    out = keyness.keyness(sents).set_index(["province", "term"])["shown"]
    assert out[("A", "dân_vận_khéo")] == "Dân vận khéo"
    assert out[("A", "btv")] == "BTV"
    assert "_" not in "".join(out)
