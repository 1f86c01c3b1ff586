"""Shared formulas with their variants (stock formulas of data/formulas.yaml and parallels
"A x, A y" found unlisted): on the seed corpus, read by hand, and on written snippets."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from dvlib import compare
from dvlib.compare import formulas
from dvlib.text.normalize import match_form
from helpers import build_seed_tables

VARIANT_KINDS = {"stock", "parallel"}


@pytest.fixture(scope="module")
def content():
    return compare.content_sentences(*build_seed_tables())


@pytest.fixture(scope="module")
def table(content):
    return formulas.shared_formulas(content, stoplist=True)  # as the compare stage calls it


def _snippets(rows):
    return pd.DataFrame([{"doc_id": f"d{i}", "sentence_id": f"d{i}-s0", "province": p, "text": t}
                         for i, (p, t) in enumerate(rows)])


def _variants(out):
    """{formula phrase: sorted (province, variant) of its rows} for the variant kinds."""
    out = out[out["kind"].isin(VARIANT_KINDS)]
    return {p: sorted(zip(g["province"], g["variant"])) for p, g in out.groupby("phrase")}


def test_seed_corpus_the_co_luc_co_noi_formula_exactly(content, table):
    # Read in the five reports: Bắc Giang twice "có lúc, có việc" (tuyên truyền; nắm tình
    # hình), Nghệ An "có lúc, có nơi" (thông tin tuyên truyền), Điện Biên "có lúc, có việc"
    # (tuyên truyền) and "có lúc, có nơi" (phối hợp với chính quyền); Bình Phước and Tuyên
    # Quang never use it. No other stock formula or parallel is shared by two provinces.
    assert _variants(table) == {"có lúc, có nơi": [
        ("Bắc Giang", "có lúc, có việc"), ("Bắc Giang", "có lúc, có việc"),
        ("Nghệ An", "có lúc, có nơi"),
        ("Điện Biên", "có lúc, có nơi"), ("Điện Biên", "có lúc, có việc")]}
    hit = table[table["phrase"] == "có lúc, có nơi"]
    assert set(hit["kind"]) == {"stock"}
    assert (hit["provinces"] == "Bắc Giang; Nghệ An; Điện Biên").all()
    assert (hit["n_provinces"] == 3).all() and (hit["n_occurrences"] == 5).all()
    assert set(hit["variants"]) == {"có lúc, có việc | có lúc, có nơi"}
    # every place the words occur in the content is in the table, and nothing else
    pattern = re.compile(r"có (lúc|nơi|việc),? có (lúc|nơi|việc)")
    places = sorted((r.sentence_id, m.start()) for r in content.itertuples()
                    for m in pattern.finditer(match_form(r.text)))
    assert places == sorted(zip(hit["sentence_id"], hit["start"]))
    for r in hit.itertuples():
        assert r.text[r.start:r.end] == r.quote and match_form(r.quote) == r.variant
        assert r.quote in r.passage
    passages = dict(zip(hit["sentence_id"], hit["passage"]))
    assert any("Nhân dân có lúc, có nơi còn thiếu chủ động" in p for p in passages.values())
    # the passages of short sentences are the sentences whole
    short = hit[hit["text"].str.len() <= formulas.PASSAGE_CHARS]
    assert len(short) >= 3 and (short["passage"] == short["text"]).all()
    # the longer verbatim phrase is still reported as before
    assert "công tác tuyên truyền có lúc có việc" in set(table["phrase"])


def test_variants_by_slot_and_order_are_one_formula():
    rows = [("A", "Công tác tuyên truyền có lúc, có việc chưa hiệu quả."),
            ("B", "Việc nắm tình hình có nơi, có lúc còn chậm."),
            ("C", unicodedata.normalize("NFD", "Có lúc, có nơi còn hình thức.")),
            ("D", "Phong trào nơi này, nơi khác chưa đều."),
            ("E", "Phong trào chỗ này, chỗ kia còn hình thức.")]
    got = _variants(formulas.shared_formulas(_snippets(rows)))
    assert got == {"có lúc, có nơi": [("A", "có lúc, có việc"), ("B", "có nơi, có lúc"),
                                      ("C", "có lúc, có nơi")],
                   "nơi này, nơi khác": [("D", "nơi này, nơi khác"), ("E", "chỗ này, chỗ kia")]}


def test_unlisted_parallels_group_across_spellings(tmp_path):
    # not in formulas.yaml: found by shape; NFD, upper case, old ("hoà") and new ("hòa") tone
    # placement, other order and another slot word are variants of one formula
    rows = [("A", "Quan hệ phối hợp lúc hoà, lúc căng."),
            ("B", unicodedata.normalize("NFD", "QUAN HỆ PHỐI HỢP LÚC HÒA, LÚC CĂNG.")),
            ("C", "Quan hệ phối hợp lúc căng, lúc hòa nên chưa bền."),
            ("D", "Quan hệ phối hợp lúc căng, lúc chùng.")]
    none = tmp_path / "none.yaml"
    none.write_text("stock: []\n", encoding="utf-8")
    assert not set(formulas.shared_formulas(_snippets(rows), stock=False)["kind"]) & VARIANT_KINDS
    out = formulas.shared_formulas(_snippets(rows), stock=str(none))
    out = out[out["kind"] == "parallel"]
    assert out["formula_id"].nunique() == 1 and set(out["province"]) == set("ABCD")
    quotes = dict(zip(out["province"], out["quote"]))
    assert quotes["A"] == "lúc hoà, lúc căng"
    assert quotes["B"] == unicodedata.normalize("NFC", "LÚC HÒA, LÚC CĂNG")
    assert dict(zip(out["province"], out["variant"])) == {
        "A": "lúc hòa, lúc căng", "B": "lúc hòa, lúc căng", "C": "lúc căng, lúc hòa",
        "D": "lúc căng, lúc chùng"}


def test_what_must_not_group():
    rows = [("A", "Công tác tuyên truyền có lúc chưa kịp thời."),     # "có lúc" alone
            ("B", "Có lúc công tác nắm tình hình còn chậm."),
            ("C", "Phát triển đoàn viên, hội viên mới."),             # compounds, not A x, A y
            ("D", "Thu hút đoàn viên, hội viên tham gia."),
            ("A", "Đại diện Sở Nội vụ, Sở Y tế dự."),                  # names
            ("B", "Mời Sở Nội vụ, Sở Tài chính tham dự."),
            ("C", "Lãnh đạo các cấp, các ngành tham dự."),            # a list ("các" in not_heads)
            ("D", "Sự quan tâm của các cấp, các ngành.")]
    out = formulas.shared_formulas(_snippets(rows))
    assert not set(out["kind"]) & VARIANT_KINDS
    # two unrelated parallels stay two formulas
    rows = [("A", "Có lúc, có nơi còn hình thức; nơi này, nơi khác chưa đều."),
            ("B", "Có lúc, có việc chưa kịp thời, nơi này, nơi kia chưa làm.")]
    got = _variants(formulas.shared_formulas(_snippets(rows)))
    assert set(got) == {"có lúc, có nơi", "nơi này, nơi khác"}


def test_the_stock_file_is_the_researchers(tmp_path):
    path = tmp_path / "formulas.yaml"
    path.write_text('stock:\n  - name: "dân vận khéo"\n    variants: ["khéo dân vận"]\n'
                    'not_heads: [lúc]\n', encoding="utf-8")
    rows = [("A", "Phong trào Dân vận khéo lan tỏa."), ("B", "Cần khéo dân vận hơn."),
            ("C", "Quan hệ lúc hoà, lúc căng."), ("D", "Quan hệ lúc căng, lúc hoà.")]
    out = formulas.shared_formulas(_snippets(rows), stock=str(path), stoplist=["dân vận khéo"])
    got = _variants(out)
    assert got == {"dân vận khéo": [("A", "dân vận khéo"), ("B", "khéo dân vận")]}
    assert set(out["kind"]) == {"stock"}  # "lúc" is no head now: no parallel
    shipped, not_heads = formulas.load_stock()
    assert shipped[0][0] == "có lúc, có nơi" and "có lúc, có việc" in shipped[0][1]
    assert "các" in not_heads


def test_stock_formulas_survive_the_caps(content):
    capped = formulas.shared_formulas(content, max_formulas=1, max_quotes=2)
    assert set(capped["phrase"]) == {"có lúc, có nơi"}
    assert set(capped["province"]) == {"Bắc Giang", "Nghệ An", "Điện Biên"}  # one per province
    assert (capped["n_occurrences"] == 5).all()


def test_passage_cut_between_words_around_the_match():
    words = ("công tác dân vận của hệ thống chính trị được quan tâm lãnh đạo chỉ đạo "
             "thường xuyên ").split()
    left = " ".join(words * 3)
    text = f"{left} nhưng có lúc, có nơi còn hình thức, {left}."
    rows = [("A", text), ("B", "Việc này có lúc, có việc chưa kịp thời.")]
    out = formulas.shared_formulas(_snippets(rows))
    row = out[(out["kind"] == "stock") & (out["province"] == "A")].iloc[0]
    assert len(text) > formulas.PASSAGE_CHARS
    p = row["passage"]
    assert p.startswith("…") and p.endswith("…") and "có lúc, có nơi" in p
    inner = p.strip("…")
    at = text.index(inner)
    assert text[at - 1] == " " and text[at + len(inner)] == " "  # cut between words
    assert len(inner) <= formulas.PASSAGE_CHARS
