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
