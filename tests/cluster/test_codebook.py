"""Deductive codebook: validation, matching on match form and syllable boundaries, crosstab."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from dvlib.cluster.codebook import (CODED_COLUMNS, CodebookError, code_sentences, codes_vs_subthemes,
                            load_codebook)
from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file

REQUIRED = ["tuyen_truyen", "phoi_hop", "nam_tinh_hinh", "giam_sat_phan_bien",
            "an_sinh_giam_ngheo", "nong_thon_moi_do_thi", "chuyen_doi_so", "dan_toc_ton_giao",
            "qcdc", "to_chuc_can_bo", "doan_vien_hoi_vien", "dan_van_kheo",
            "quoc_phong_an_ninh", "dan_van_chinh_quyen", "xay_dung_dang_chinh_quyen",
            "cong_nhan_lao_dong", "kinh_te_nong_nghiep"]


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def seed():
    g = pd.read_csv(data_file("gold_seed_sentences.csv"), keep_default_na=False)
    doc_id = g["file"].str.slice(4, 20)
    return pd.DataFrame({"doc_id": doc_id,
                         "sentence_id": doc_id + "-s" + g["sentence_index"].map("{:04d}".format),
                         "text": g["sentence"], "family": g["label"]})


def _one(text: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d"], "sentence_id": ["d-s0000"], "text": [text]})


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", match_form(s))


def _write(tmp_path, text: str):
    path = tmp_path / "my_codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_codebook_has_the_researchers_codes(codebook):
    assert set(REQUIRED) <= set(codebook.ids)
    assert len(set(codebook.ids)) == len(codebook.ids)
    for code in codebook:
        assert code.label_vi and code.label_en and code.description and code.terms
    terms = codebook.to_frame()
    assert {"QCDC", "Quỹ Vì người nghèo", "OCOP", "zalo", "QP-AN", "người có uy tín",
            "nắm bắt tình hình", "Luật Thực hiện dân chủ ở cơ sở"} <= set(terms["term"])


def test_tone_case_and_nfd_variants_match_and_quote_the_report(codebook):
    text = "Đẩy mạnh SỐ HOÁ dữ liệu và xoá nhà tạm; Hoà giải ở cơ sở."
    for variant in (text, unicodedata.normalize("NFD", text)):
        coded = code_sentences(_one(variant), codebook)
        rows = coded.set_index("term")
        assert rows.loc["số hóa", "code"] == "chuyen_doi_so"
        assert rows.loc["số hóa", "matched_text"] == "SỐ HOÁ"  # the report's own spelling
        assert rows.loc["xóa nhà tạm", "matched_text"] == "xoá nhà tạm"
        for _, r in coded.iterrows():
            assert nfc(variant)[r["start"]:r["end"]] == r["matched_text"]


def test_terms_match_whole_syllables_only(tmp_path):
    book = load_codebook(_write(tmp_path, """
codes:
  - id: hoa_giai
    label_vi: Hòa giải
    label_en: Mediation
    terms: [hòa]
  - id: an_ninh
    label_vi: An ninh
    label_en: Security
    terms: [an ninh]
"""))
    text = "Hoàn thành việc HOÀ giải; ông Phan Ninh và Xuân Hòa; giữ vững an  ninh."
    coded = code_sentences(_one(text), book)
    assert coded["matched_text"].tolist() == ["HOÀ", "Hòa", "an  ninh"]
    assert coded["code"].tolist() == ["hoa_giai", "hoa_giai", "an_ninh"]


def test_real_terms_do_not_fire_inside_longer_syllables(codebook):
    coded = code_sentences(_one("Đồng chí Phan Ninh công nhận danh hiệu."), codebook)
    assert "quoc_phong_an_ninh" not in set(coded["code"])
    assert "cong_nhan_lao_dong" not in set(coded["code"])


def test_longest_term_wins_inside_a_code_and_codes_may_overlap(codebook):
    text = "Làm tốt công tác thông tin tuyên truyền, giám sát , phản biện xã hội và QP - AN."
    coded = code_sentences(_one(text), codebook)
    by_code = coded.groupby("code")["term"].apply(list).to_dict()
    assert by_code["tuyen_truyen"] == ["thông tin tuyên truyền"]
    assert by_code["giam_sat_phan_bien"] == ["giám sát, phản biện xã hội"]
    assert by_code["quoc_phong_an_ninh"] == ["QP-AN"]
    assert coded["sentence_id"].nunique() == 1 and coded["code"].nunique() >= 3


def test_every_coded_row_records_its_term_on_the_seed(codebook, seed):
    coded = code_sentences(seed, codebook)
    assert list(coded.columns) == CODED_COLUMNS
    assert coded["sentence_id"].nunique() > len(seed) // 3
    terms = codebook.to_frame().groupby("code")["term"].apply(set).to_dict()
    texts = dict(zip(seed["sentence_id"], seed["text"]))
    for _, r in coded.iterrows():
        assert r["term"] in terms[r["code"]]
        assert texts[r["sentence_id"]][r["start"]:r["end"]] == r["matched_text"]
        assert _squash(r["matched_text"]) == _squash(r["term"])
        assert r["code_label"] == codebook.get(r["code"]).label_vi
    # the seeds talk about these, in their own words
    found = set(coded["code"])
    assert {"tuyen_truyen", "phoi_hop", "giam_sat_phan_bien", "dan_van_kheo", "qcdc"} <= found


def test_english_labels_and_boilerplate_rows_skipped(codebook):
    df = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": ["d-s0000", "d-s0001"],
                       "text": ["Phong trào “Dân vận khéo”.", "Tin khác: Dân vận khéo ở Cà Mau"],
                       "boilerplate": ["", "trailer"]})
    coded = code_sentences(df, codebook, language="en")
    assert coded["sentence_id"].tolist() == ["d-s0000"]
    assert coded["code_label"].iloc[0] == codebook.get("dan_van_kheo").label_en
    assert coded["matched_text"].iloc[0] == "Dân vận khéo"
    assert len(code_sentences(df, codebook, skip_boilerplate=False)) == 2


def test_no_match_gives_an_empty_table_with_columns(codebook):
    coded = code_sentences(_one("Trời hôm nay đẹp."), codebook)
    assert coded.empty and list(coded.columns) == CODED_COLUMNS


def test_broken_yaml_gives_a_clear_error(tmp_path):
    path = _write(tmp_path, "codes:\n  - id: a\n    terms: [tuyên truyền\n  label_vi: x\n")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert str(path) in str(err.value) and "YAML" in str(err.value)


@pytest.mark.parametrize("body, needle", [
    ("codes:\n  - {id: a, label_vi: A, label_en: A, terms: [x]}\n"
     "  - {id: a, label_vi: B, label_en: B, terms: [y]}\n", "duplicate id 'a'"),
    ("codes:\n  - {id: tuyen_truyen, label_vi: A, label_en: A, terms: []}\n", "'tuyen_truyen'"),
    ("codes:\n  - {id: b, label_vi: B, label_en: B}\n", "'terms'"),
    ("codes:\n  - {id: c, label_en: C, terms: [z]}\n", "'label_vi'"),
    ("codes:\n  - {id: d, label_vi: D, label_en: D, terms: ['...']}\n", "term '...'"),
    ("- just a string\n", "code #1"),
    ("title: no codes here\n", "'codes:'"),
])
def test_invalid_codebook_names_the_file_and_the_code(tmp_path, body, needle):
    path = _write(tmp_path, body)
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert str(path) in str(err.value) and needle in str(err.value)


def test_codes_vs_subthemes_counts_sentences(codebook):
    sentences = pd.DataFrame({
        "doc_id": ["d"] * 4,
        "sentence_id": ["s1", "s2", "s3", "s4"],
        "text": ["Tuyên truyền, vận động và tuyên truyền miệng.",   # one sentence, 3 matches
                 "Tăng cường tuyên truyền, phối hợp.",
                 "Phối hợp giám sát.",
                 "Đại biểu tuyên truyền."],
        "subtheme": ["limitation-1", "limitation-1", "priority-1", ""],
    })
    coded = code_sentences(sentences, codebook)
    table = codes_vs_subthemes(coded, sentences, codebook)
    assert list(table.index) == codebook.ids
    assert list(table.columns) == ["limitation-1", "priority-1"]
    assert table.loc["tuyen_truyen", "limitation-1"] == 2
    assert table.loc["phoi_hop"].tolist() == [1, 1]
    assert table.loc["giam_sat_phan_bien", "priority-1"] == 1
    assert table.loc["dan_van_kheo"].sum() == 0
    wide = codes_vs_subthemes(coded, sentences, include_unassigned=True)
    assert wide.loc["tuyen_truyen", "(none)"] == 1
    assert list(wide.index) == sorted(wide.index)


def test_codes_vs_subthemes_on_the_seed_adds_up(codebook, seed):
    sentences = seed.assign(subtheme=[f"{f}-1" if f != "other" else "" for f in seed["family"]])
    coded = code_sentences(sentences, codebook)
    table = codes_vs_subthemes(coded, sentences, codebook)
    pairs = coded.merge(sentences[["sentence_id", "subtheme"]], on="sentence_id")
    pairs = pairs[pairs["subtheme"] != ""].drop_duplicates(["sentence_id", "code"])
    assert int(table.to_numpy().sum()) == len(pairs)
    assert set(table.columns) == {"limitation-1", "priority-1", "model-1", "achievement-1"}


def test_trying_terms_only_where_they_can_begin_finds_what_a_full_scan_finds(codebook, seed):
    """find_terms (the codebook and the aspect tagger try a code's regex only at syllables that
    begin one of its terms) must give exactly the matches of rx.finditer over the whole text."""
    from dvlib.cluster.aspects import load_aspect_rules
    from dvlib.cluster.codebook import find_terms, first_syllables, syllable_starts
    matchers = [(codebook.pattern(c)[0], first_syllables(c)) for c in codebook.codes]
    matchers += [(cr.matcher, cr.firsts) for cr in load_aspect_rules(codebook).codes]
    snippets = [
        "Công tác giám sát , phản biện xã hội và QP-AN được tăng cường.",   # punctuation inside terms
        "Ban ninh, an ninh trật tự; ANTT ở khu dân cư giữ vững.",          # a term inside a syllable
        "Công tác dân vận chính quyền, công tác dân vận khéo: công tác tuyên truyền.",  # overlapping starts
        "Thực hiện Quy chế dân chủ ở cơ sở, hoà giải, thuỷ lợi, nông thôn mới",        # old tone marks
        unicodedata.normalize("NFD", "Hỗ trợ hộ nghèo, hộ cận nghèo xây nhà Đại đoàn kết"),
    ]
    compared = 0
    for text in list(seed["text"]) + snippets:
        form = match_form(nfc(text))
        starts = syllable_starts(form)
        for rx, firsts in matchers:
            full = [m.span() for m in rx.finditer(form)]
            assert [m.span() for m in find_terms(rx, form, firsts, starts)] == full, (text, rx.pattern[:60])
            compared += len(full)
    assert compared > 300  # the seeds hold hundreds of codebook matches
