"""Province comparison tables on the five seed reports (sentences and families from the gold file,
built by ``helpers.build_seed_tables``, also used by the keyness, formulas and figures tests)."""
from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dvlib import compare
from dvlib.text.normalize import match_form
from dvlib.config import data_file
from helpers import CORPUS, build_seed_tables  # noqa: F401

@pytest.fixture(scope="session")
def seed():
    sentences, documents = build_seed_tables()
    return sentences.copy(), documents.copy()


@pytest.fixture(scope="session")
def content(seed):
    return compare.content_sentences(*seed)


def _with_duplicate(sentences, documents):
    """A republished copy of the Điện Biên report under another id."""
    orig = documents[documents["province"] == "Điện Biên"].iloc[0]
    copy_docs = pd.DataFrame([{**orig.to_dict(), "doc_id": "dup0000000000000",
                               "file": "copy.txt", "duplicate_of": orig["doc_id"]}])
    copy_sents = sentences[sentences["doc_id"] == orig["doc_id"]].assign(
        doc_id="dup0000000000000",
        sentence_id=lambda d: d["sentence_id"].str.replace(orig["doc_id"], "dup0000000000000"))
    return (pd.concat([sentences, copy_sents], ignore_index=True),
            pd.concat([documents, copy_docs], ignore_index=True))


def test_seed_fixture_matches_the_reports(seed):
    sentences, documents = seed
    assert len(sentences) == 216 and len(documents) == 5
    for doc in documents.itertuples():
        text = unicodedata.normalize("NFC", (CORPUS / doc.file).read_text(encoding="utf-8"))
        sub = sentences[sentences["doc_id"] == doc.doc_id]
        assert all(text[r.start:r.end] == r.text for r in sub.itertuples())


def test_content_sentences_drop_boilerplate_and_republished_copies(seed):
    sentences, documents = seed
    out = compare.content_sentences(sentences, documents)
    assert len(out) == (sentences["boilerplate"] == "").sum()
    assert "Các tin khác" not in set(out["text"])  # the trailer of the Bắc Giang page
    assert {"province", "date", "outlet", "file"} <= set(out.columns)
    doubled = compare.content_sentences(*_with_duplicate(sentences, documents))
    assert len(doubled) == len(out)
    assert not (doubled["doc_id"] == "dup0000000000000").any()


def test_family_profile_counts_shares_and_intervals(content):
    prof = compare.profile(content, by="family", n_boot=400, random_state=1)
    assert set(prof["province"]) == set(content["province"])
    # Complete matrix: every family for every province, counts add up to n.
    assert len(prof) == 5 * 5
    for prov, grp in prof.groupby("province"):
        n = (content["province"] == prov).sum()
        assert (grp["n"] == n).all() and grp["count"].sum() == n
        expected = content.loc[content["province"] == prov, "family"].value_counts()
        for r in grp.itertuples():
            assert r.count == expected.get(r.family, 0)
            assert r.share == pytest.approx(r.count / n)
    assert (prof["ci_low"] <= prof["share"] + 1e-12).all()
    assert (prof["share"] <= prof["ci_high"] + 1e-12).all()
    nonzero = prof[(prof["count"] > 0) & (prof["count"] < prof["n"])]
    assert (nonzero["ci_high"] > nonzero["ci_low"]).all()
    zero = prof[prof["count"] == 0]
    assert (zero["ci_low"] == 0).all() and (zero["ci_high"] == 0).all()


def test_bootstrap_is_deterministic_and_depends_on_the_seed(content):
    a = compare.profile(content, n_boot=300, random_state=7)
    b = compare.profile(content.sample(frac=1, random_state=3), n_boot=300, random_state=7)
    c = compare.profile(content, n_boot=300, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"]) or not np.allclose(a["ci_high"], c["ci_high"])
    # One province's interval does not depend on which other provinces are in the table.
    alone = compare.profile(content[content["province"] == "Nghệ An"], n_boot=300, random_state=7)
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True),
        a[a["province"] == "Nghệ An"].reset_index(drop=True))


def test_intervals_shrink_with_more_data(content):
    # Four copies of every sentence inside its own report: same shares, reports 4x longer.
    big = pd.concat([content.assign(sentence_id=content["sentence_id"] + f"-{i}")
                     for i in range(4)], ignore_index=True)
    small = compare.profile(content, n_boot=500, random_state=0).set_index(["province", "family"])
    large = compare.profile(big, n_boot=500, random_state=0).set_index(["province", "family"])
    assert np.allclose(small["share"], large["share"])
    inner = small[(small["count"] > 0) & (small["count"] < small["n"])].index
    width_small = (small["ci_high"] - small["ci_low"]).loc[inner]
    width_large = (large["ci_high"] - large["ci_low"]).loc[inner]
    assert (width_large < width_small).all()
    # Standard error scales with 1/sqrt(n): about half as wide.
    assert 0.35 < (width_large / width_small).median() < 0.7


def test_profile_by_province_after_the_2025_merger(seed, content):
    prof = compare.profile(content, unit="province_2025", n_boot=50)
    assert set(prof["province_2025"]) == set(seed[1]["province_2025"])
    assert prof.groupby("province_2025")["count"].sum().sum() == len(content)


def test_subtheme_and_code_profiles(seed, content):
    sub = compare.profile(content, by="subtheme", n_boot=100)
    assert "" not in set(sub["subtheme"])
    comm = sub[(sub["province"] == "Bắc Giang") & (sub["subtheme"] == "communication")].iloc[0]
    assert comm["count"] == (content[content["province"] == "Bắc Giang"]["subtheme"]
                             == "communication").sum()
    # A sentence can carry several codes; share = sentences with the code / content sentences.
    ids = content["sentence_id"]
    coded = pd.DataFrame({"sentence_id": list(ids[:10]) + list(ids[:4]) + list(ids[:4]),
                          "code": ["A"] * 10 + ["B"] * 4 + ["B"] * 4})
    prof = compare.profile(content, by="code", coded=coded, n_boot=100)
    first = content.iloc[0]["province"]
    row_b = prof[(prof["province"] == first) & (prof["code"] == "B")].iloc[0]
    assert row_b["count"] == 4  # repeated (sentence, code) pairs count once
    assert row_b["share"] == pytest.approx(4 / (content["province"] == first).sum())
    dd = compare.drilldown(*seed, code="B", coded=coded)
    assert sorted(dd["sentence_id"]) == sorted(ids[:4])


def test_drilldown_returns_exactly_the_counted_sentences(seed, content):
    sentences, documents = seed
    prof = compare.profile(content, by="family", n_boot=0)
    for r in prof.itertuples():
        dd = compare.drilldown(sentences, documents, province=r.province, family=r.family)
        assert len(dd) == r.count
        assert (dd["family"] == r.family).all() and (dd["province"] == r.province).all()
    dd = compare.drilldown(sentences, documents, province="Điện Biên", family="limitation")
    assert {"province", "date", "outlet", "file", "sentence_id", "text"} <= set(dd.columns)
    assert any("có lúc, có việc" in t for t in dd["text"])
    # The republished copy adds nothing to any cell.
    dup = compare.drilldown(*_with_duplicate(sentences, documents), province="Điện Biên",
                            family="limitation")
    assert list(dup["sentence_id"]) == list(dd["sentence_id"])


def test_crosstab_counts_and_shares(content):
    counts = compare.crosstab(content, values="count")
    shares = compare.crosstab(content, values="share")
    assert list(counts.columns) == list(compare.FAMILIES)
    sizes = content.groupby("province").size()
    assert (counts.sum(axis=1) == sizes.reindex(counts.index)).all()
    assert np.allclose(shares.sum(axis=1), 1.0)
    prof = compare.profile(content, n_boot=0)
    assert np.allclose(compare.crosstab(prof, values="share").to_numpy(), shares.to_numpy())


def test_shared_vs_distinctive():
    prof = pd.DataFrame({
        "province": ["A", "B", "C", "A", "B", "C", "A", "B", "C"],
        "subtheme": ["x", "x", "x", "y", "y", "y", "z", "z", "z"],
        "count": [3, 1, 2, 0, 5, 0, 1, 1, 0],
    }).assign(n=10, share=lambda d: d["count"] / 10, ci_low=0.0, ci_high=1.0)
    out = compare.shared_vs_distinctive(prof, min_provinces=3).set_index("value")
    assert out.loc["x", "kind"] == "shared" and out.loc["x", "provinces"] == "A; C; B"
    assert out.loc["x", "counts"] == "A: 3; C: 2; B: 1" and out.loc["x", "total"] == 6
    assert out.loc["y", "kind"] == "distinctive" and out.loc["y", "provinces"] == "B"
    assert out.loc["z", "kind"] == "partial" and out.loc["z", "n_provinces"] == 2


def test_shared_vs_distinctive_on_the_seed_families(content):
    out = compare.shared_vs_distinctive(compare.profile(content, n_boot=0), min_provinces=3)
    out = out.set_index("value")
    # Every seed report states achievements; Tuyên Quang's reportage states no limitation.
    assert out.loc["achievement", "n_provinces"] == 5
    assert "Tuyên Quang" not in out.loc["limitation", "provinces"]


def test_cosine_similarity_by_hand():
    m = pd.DataFrame([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [2.0, 0.0, 2.0]],
                     index=pd.Index(["A", "B", "C"], name="province"))
    sim = compare.similarity(m)
    # A.B = 1, |A| = |B| = sqrt(2) -> 1/2; C is A scaled -> 1.
    assert sim.loc["A", "B"] == pytest.approx(0.5)
    assert sim.loc["A", "C"] == pytest.approx(1.0)
    assert sim.loc["B", "C"] == pytest.approx(0.5)
    assert list(sim.index) == list(sim.columns) == ["A", "B", "C"]
    assert np.allclose(np.diag(sim), 1.0)


def test_tfidf_similarity_by_hand():
    sents = pd.DataFrame({"doc_id": ["a", "b", "c"], "sentence_id": ["a1", "b1", "c1"],
                          "province": ["A", "B", "C"],
                          "terms": [["dân_vận", "mô_hình"], ["dân_vận", "tuyên_truyền"],
                                    ["dân_vận", "mô_hình"]]})
    sim = compare.tfidf_similarity(sents)
    # idf (smooth): dân_vận in 3/3 -> 1; mô_hình, tuyên_truyền in 2/3 and 1/3 provinces.
    idf_mh = np.log(4 / 3) + 1
    idf_tt = np.log(4 / 2) + 1
    ab = 1 / (np.sqrt(1 + idf_mh ** 2) * np.sqrt(1 + idf_tt ** 2))
    assert sim.loc["A", "B"] == pytest.approx(ab)
    assert sim.loc["A", "C"] == pytest.approx(1.0)


def test_tfidf_similarity_on_the_seeds(content):
    sim = compare.tfidf_similarity(content)
    assert sim.shape == (5, 5) and np.allclose(np.diag(sim), 1.0)
    assert np.allclose(sim.to_numpy(), sim.to_numpy().T)
    off = sim.to_numpy()[~np.eye(5, dtype=bool)]
    assert (off > 0).all() and (off < 1).all()
