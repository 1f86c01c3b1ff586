"""claims.csv as ``dvlib analyze`` writes it for the seed corpus (the shared seed build)."""
import pandas as pd
import pytest

from dvlib.schema import CLAIM_COLUMNS


@pytest.fixture(scope="module")
def claims_csv(seed_build):
    return pd.read_csv(seed_build / "claims.csv", keep_default_na=False, dtype=str)


@pytest.mark.slow
def test_claims_csv_columns_and_offsets(seed_build, claims_csv):
    assert set(CLAIM_COLUMNS) <= set(claims_csv.columns)
    assert claims_csv["claim_id"].is_unique and len(claims_csv) > 200
    docs = pd.read_parquet(seed_build / "parquet" / "documents.parquet").set_index("doc_id")["text"]
    for r in claims_csv.itertuples():
        assert docs[r.doc_id][int(r.start):int(r.end)] == r.text


def _terms(cell: str, code: str) -> list[str]:
    for part in cell.split("|"):
        if part.startswith(code + "="):
            return part.split("=", 1)[1].split(";")
    return []


@pytest.mark.slow
def test_known_false_findings_absent_from_seed_claims(claims_csv):
    """The false findings of the old brief: none is an aspect of a seed claim."""
    for r in claims_csv.itertuples():
        low = r.text.lower()
        tt = " ".join(_terms(r.aspect_terms, "tuyen_truyen")).lower()
        assert "vận động quần chúng" not in tt, r.text          # Ban Vận động quần chúng
        assert "giao ban" not in " ".join(_terms(r.aspect_terms, "phoi_hop")).lower() \
            or "giao ban với" in low, r.text                    # "hội nghị giao ban" = a setting
        if "lừa đảo" in low:                                    # online fraud is not digital work
            assert "chuyen_doi_so" not in r.aspects.split("|"), r.text
        cn = [t.lower() for t in _terms(r.aspect_terms, "cong_nhan_lao_dong")]
        assert cn != ["doanh nghiệp"], r.text                   # an addressee, not workers
    framing = claims_csv[claims_csv["framing"] == "True"]
    assert (framing["aspects"] == "").all()


@pytest.mark.slow
def test_subthemes_are_formed_on_claims(seed_build, claims_csv):
    """Sub-themes group claims: every claim of a clustered family has one, a sentence's
    sub-theme is one of its claims', the sizes count claims, and a sentence whose points
    differ can feed two sub-themes."""
    topics = pd.read_csv(seed_build / "subthemes.csv", keep_default_na=False)
    clustered = claims_csv[claims_csv["family"].isin(set(topics["family"]))]
    assert (clustered["subtheme"] != "").all()
    assert (claims_csv.loc[claims_csv["family"] == "other", "subtheme"] == "").all()
    sizes = clustered["subtheme"].value_counts()
    assert dict(zip(topics["subtheme"], topics["size"])) == {
        s: int(sizes.get(s, 0)) for s in topics["subtheme"]}
    assert set(topics["representative_claim_id"]) <= set(claims_csv["claim_id"])
    sents = pd.read_csv(seed_build / "sentences.csv", keep_default_na=False, dtype=str)
    per_sentence = clustered.groupby("sentence_id")["subtheme"].agg(set)
    with_sub = sents[sents["sentence_id"].isin(per_sentence.index)]
    assert all(s in per_sentence[i] for i, s in zip(with_sub["sentence_id"], with_sub["subtheme"]))
    assert (per_sentence.map(len) > 1).any()
    # the sub-theme profile counts claims: n is a province's counted claims
    prof = pd.read_csv(seed_build / "profile_subtheme.csv", keep_default_na=False)
    assert (prof.groupby("province")["count"].sum() <= prof.groupby("province")["n"].first()).all()
    docs = pd.read_csv(seed_build / "documents.csv", keep_default_na=False, dtype=str)
    province = dict(zip(docs["doc_id"], docs["province"]))
    counted = set(sents.loc[sents["family_confident"].isin(["True", "true", "1"]), "sentence_id"])
    n_claims = claims_csv[claims_csv["sentence_id"].isin(counted)]["doc_id"].map(province).value_counts()
    assert prof.groupby("province")["n"].first().to_dict() == n_claims.to_dict()
