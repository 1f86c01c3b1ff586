"""Entities on the five seed reports and on small Vietnamese snippets."""
from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from dvlib.extract import entities as E
from dvlib.extract.entities import extract_entities
from dvlib.text.normalize import match_form, nfc
from dvlib.schema import ENTITY_COLUMNS
from dvlib.segment import sentences_frame

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SEED = {p.name[:3]: p for p in sorted(CORPUS.glob("*.txt"))}

TEN_CODES = {"19-ĐA/TU", "301-NQ/TU", "124-QĐ/TW", "217-QĐ/TW", "151-KH/BDVTU", "93-KH/TU",
             "22-CT/TU", "05-CT/TW", "17-CTr/TU", "02-ĐA/TU"}


def _sentences(doc_texts: dict[str, str]) -> pd.DataFrame:
    docs = pd.DataFrame({"doc_id": list(doc_texts), "text": list(doc_texts.values())})
    return sentences_frame(docs)


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    out = {}
    for key, path in SEED.items():
        raw = path.read_bytes()
        out[hashlib.sha256(raw).hexdigest()[:16]] = nfc(raw.decode("utf-8"))
    return out


@pytest.fixture(scope="module")
def seed_ids(seed_texts) -> dict[str, str]:
    """"000" -> doc_id of that seed report."""
    by_hash = {hashlib.sha256(p.read_bytes()).hexdigest()[:16]: k for k, p in SEED.items()}
    return {by_hash[d]: d for d in seed_texts}


@pytest.fixture(scope="module")
def seed_entities(seed_texts) -> pd.DataFrame:
    return extract_entities(_sentences(seed_texts))


def _kind(ents: pd.DataFrame, kind: str, doc: str | None = None) -> pd.DataFrame:
    out = ents[ents["kind"] == kind]
    return out if doc is None else out[out["doc_id"] == doc]


def _one(text: str, **kw) -> pd.DataFrame:
    frame = pd.DataFrame({"doc_id": ["d"], "sentence_id": ["d-s0000"], "start": [0],
                          "text": [text]})
    return extract_entities(frame, **kw)


# --------------------------------------------------------------------------- the table

def test_columns_and_offsets_into_documents(seed_entities, seed_texts):
    assert list(seed_entities.columns) == ENTITY_COLUMNS + ["detail", "linked_to"]
    assert set(seed_entities["kind"]) == set(E.KINDS)
    for row in seed_entities.itertuples():
        assert seed_texts[row.doc_id][row.start:row.end] == row.text, row


def test_offsets_add_the_sentence_start():
    frame = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": ["d-s0000", "d-s0001"],
                          "start": [0, 100], "text": ["Hội CCB họp.", "Hội CCB họp."]})
    orgs = _kind(extract_entities(frame), "organisation")
    assert list(orgs["start"]) == [0, 100] and list(orgs["end"]) == [7, 107]


def test_boilerplate_rows_are_skipped():
    frame = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": ["d-s0000", "d-s0001"],
                          "start": [0, 50], "text": ["Có 546 trẻ mồ côi.", "Có 12 trẻ mồ côi."],
                          "boilerplate": ["", "trailer"]})
    ind = _kind(extract_entities(frame), "indicator")
    assert list(ind["value"]) == [546.0]


def test_empty_input_and_kind_selection():
    empty = extract_entities(pd.DataFrame(columns=["doc_id", "sentence_id", "start", "text"]))
    assert empty.empty and list(empty.columns) == E.OUTPUT_COLUMNS
    only = _one("Hội CCB vận động 2 tỷ đồng theo Chỉ thị số 22-CT/TU.",
                kinds=["organisation", "indicator"])
    assert set(only["kind"]) == {"organisation", "indicator"}
    with pytest.raises(ValueError):
        _one("x", kinds=["person"])
    with pytest.raises(ValueError):
        extract_entities(pd.DataFrame({"doc_id": ["d"], "text": ["x"]}))


# --------------------------------------------------------------------------- document codes

def test_seed_reports_give_exactly_the_ten_codes(seed_entities, seed_ids):
    codes = _kind(seed_entities, "document_code")
    assert set(codes["normalised"]) == TEN_CODES
    by_seed = {k: set(codes.loc[codes["doc_id"] == d, "normalised"]) for k, d in seed_ids.items()}
    assert by_seed["000"] == {"19-ĐA/TU", "301-NQ/TU"}
    assert by_seed["001"] == {"124-QĐ/TW", "217-QĐ/TW"}
    assert by_seed["002"] == {"151-KH/BDVTU", "93-KH/TU", "22-CT/TU", "05-CT/TW", "17-CTr/TU"}
    assert by_seed["003"] == {"02-ĐA/TU"}
    assert by_seed["004"] == set()


def test_code_detail_kind_issuer_number_date(seed_entities):
    codes = _kind(seed_entities, "document_code").set_index("normalised")
    d = E.parse_detail(codes.loc["19-ĐA/TU", "detail"])
    assert d == {"kind": "Đề án", "issuer": "TU", "number": "19", "date": "2023-10-27"}
    assert E.parse_detail(codes.loc["02-ĐA/TU", "detail"])["date"] == "2021-05-23"
    # the word in the text names the kind: QĐ under "Quy định" is a regulation
    assert E.parse_detail(codes.loc["124-QĐ/TW", "detail"])["kind"] == "Quy định"
    assert E.parse_detail(codes.loc["151-KH/BDVTU", "detail"])["issuer"] == "BDVTU"
    assert codes.loc["22-CT/TU", "text"] == "Chỉ thị số 22 -CT/TU"


def test_code_forms_in_snippets():
    found = {c["normalised"]: c for c in E.find_document_codes(
        "Thực hiện Chỉ thị 05 -CT/TW, Chương trình số 17-CTr/TU, Kế hoạch 93 - KH / TU, "
        "Quyết định số 1234/QĐ-UBND và Nghị quyết số 05/2016/NQ-HĐND; Quy định 65-QyĐ/ĐU.")}
    assert set(found) == {"05-CT/TW", "17-CTr/TU", "93-KH/TU", "1234/QĐ-UBND",
                          "05/2016/NQ-HĐND", "65-QyĐ/ĐU"}
    assert found["1234/QĐ-UBND"]["kind"] == "Quyết định"
    assert found["65-QyĐ/ĐU"]["kind"] == "Quy định"
    assert found["17-CTr/TU"]["kind"] == "Chương trình"
    # A code without its kind word takes the kind from its letters.
    bare = E.find_document_codes("theo 19-ĐA/HU của Huyện ủy")
    assert [(c["normalised"], c["kind"], c["text"]) for c in bare] == [("19-ĐA/HU", "Đề án", "19-ĐA/HU")]


def test_dates_ranges_and_shares_are_not_codes():
    text = ("ngày 23-5-2021, giai đoạn 2022-2025, 2023- 2030, 209/209 xã, 2.127/2.127 chi hội, "
            "15/10/1930, Covid-19, quý III/2022, TP.HCM (T78)")
    assert E.find_document_codes(text) == []
    assert _kind(_one(text), "document_code").empty


def test_codes_match_in_nfd_and_old_tone_spelling():
    nfd = unicodedata.normalize("NFD", "Đề án số 02-ĐA/TU ngày 23-5-2021")
    codes = E.find_document_codes(nfd)
    assert [c["normalised"] for c in codes] == ["02-ĐA/TU"]
    assert codes[0]["kind"] == "Đề án"


# --------------------------------------------------------------------------- references

def test_seed_references_are_linked_to_the_full_code(seed_entities, seed_ids):
    refs = _kind(seed_entities, "document_reference")
    got = set(zip(refs["doc_id"].map({v: k for k, v in seed_ids.items()}), refs["normalised"],
                  refs["linked_to"]))
    assert got == {
        ("002", "Chương trình hành động 17", "17-CTr/TU"),
        ("002", "Chỉ thị 22", "22-CT/TU"),
        ("002", "Nghị quyết 25", ""),
        ("002", "Kết luận 43", ""),
        ("002", "Chỉ thị 33", ""),
        ("003", "Đề án 02", "02-ĐA/TU"),
    }
    codes = _kind(seed_entities, "document_code")
    for r in refs.itertuples():  # a mention inside a full code is not also a reference
        same = codes[codes["doc_id"] == r.doc_id]
        assert not ((same["start"] < r.end) & (r.start < same["end"])).any()


def test_reference_needs_so_or_a_capitalised_kind_and_no_year():
    refs = E.find_document_references(
        "Theo Kế hoạch 2024, kết luận 3 nội dung, kết luận số 7 và Đề án 02 của Tỉnh ủy.")
    assert [(r["normalised"], r["detail"]) for r in refs] == [
        ("Kết luận 7", "kind=Kết luận;number=7"),
        ("Đề án 02", "kind=Đề án;number=02;of=Tỉnh ủy"),
    ]


def test_references_link_only_within_their_report():
    frame = pd.DataFrame({
        "doc_id": ["a", "b", "b"], "sentence_id": ["a-s0", "b-s0", "b-s1"], "start": [0, 0, 60],
        "text": ["Thực hiện Chỉ thị số 22-CT/TU.", "Thực hiện Chỉ thị 22 của Tỉnh ủy.",
                 "Quy định số 124 được giám sát."]})
    refs = _kind(extract_entities(frame), "document_reference")
    assert list(refs["linked_to"]) == ["", ""]
    frame.loc[2, "text"] = "Giám sát Quy định 124-QĐ/TW và Quy định số 124."
    refs = _kind(extract_entities(frame), "document_reference").set_index("normalised")
    assert refs.loc["Quy định 124", "linked_to"] == "124-QĐ/TW"


def test_a_sentence_repeated_in_two_reports_links_to_each_reports_own_code():
    # A text is analysed once and its entities reused: the link must still be per report.
    same = "Thực hiện Chỉ thị số 22 của Tỉnh ủy."
    frame = pd.DataFrame({
        "doc_id": ["a", "a", "b", "c"], "sentence_id": ["a-s0", "a-s1", "b-s0", "c-s0"],
        "start": [0, 40, 0, 0],
        "text": ["Chỉ thị số 22-CT/TU ra đời.", same, same, same]})
    frame.loc[3, "text"] = unicodedata.normalize("NFD", same)  # the same text once in NFC
    refs = _kind(extract_entities(frame), "document_reference")
    assert list(refs["doc_id"]) == ["a", "b", "c"]
    assert list(refs["linked_to"]) == ["22-CT/TU", "", ""]
    assert list(refs["start"]) == [50, 10, 10]


# --------------------------------------------------------------------------- named models

def test_seed_named_models(seed_entities, seed_ids):
    models = _kind(seed_entities, "named_model")
    names = set(models["normalised"])
    for expected in ["dân vận khéo", "nhà trọ công nhân an toàn, văn minh", "quản lý nhà trọ",
                     "giờ thứ 9", "công nhân bắc giang", "vì người nghèo", "mẹ đỡ đầu",
                     "vườn chuẩn nông thôn mới", "hàng cây nông dân ơn bác",
                     "chính quyền thân thiện", "chiêm hóa chung tay xử lý rác thải và chống rác thải nhựa",
                     "anh hùng, chiến sĩ tham gia chiến dịch điện biên phủ",
                     "tiếp tục đổi mới nội dung, phương thức hoạt động của mttq và các tổ chức chính trị - xã hội"]:
        assert expected in names, expected
    # quotations, mottos and scare quotes are not models
    for not_model in ["dân vận khéo thì việc gì cũng thành công", "trụ cột", "tín dụng đen",
                      "các vua hùng đã có công dựng nước - bác cháu ta phải cùng nhau giữ lấy nước"]:
        assert not any(n.startswith(not_model) for n in names), not_model
    assert not any(n.startswith("hướng mạnh về cơ sở") for n in names)
    # the straight-open, curly-close name stops at its own closing mark
    nha_tro = models[models["normalised"] == "nhà trọ công nhân an toàn, văn minh"]
    assert list(nha_tro["text"]) == ["Nhà trọ công nhân an toàn, văn minh"]
    assert E.parse_detail(nha_tro["detail"].iloc[0]) == {"value": "đề án"}
    # every model's text is verbatim and its normalised form is its match form
    for row in models.itertuples():
        assert row.normalised == " ".join(match_form(row.text).split())


def test_seed_models_detail_and_unquoted_mentions(seed_entities, seed_ids, seed_texts):
    models = _kind(seed_entities, "named_model")
    dvk = models[models["normalised"] == "dân vận khéo"]
    by_doc = dvk.groupby("doc_id")["detail"].apply(list).to_dict()
    assert "phong trào thi đua" in by_doc[seed_ids["000"]]
    assert "hội thi" in by_doc[seed_ids["002"]]
    # "Các mô hình, điển hình dân vận khéo được nhân rộng" (002) is unquoted
    d002 = seed_texts[seed_ids["002"]]
    bare = [r for r in dvk[dvk["doc_id"] == seed_ids["002"]].itertuples()
            if d002[r.start - 1] not in "“\"‘"]
    assert [(r.text, r.detail) for r in bare] == [("dân vận khéo", "điển hình")]
    # "hơn 136 tỷ đồng Quỹ Vì người nghèo" (001) unquoted, after 004 quotes Quỹ “Vì người nghèo”
    vi = models[(models["normalised"] == "vì người nghèo")]
    assert set(vi["doc_id"]) == {seed_ids["001"], seed_ids["004"]}
    # the name inside the HCM saying is not counted as the model
    assert "Dân vận khéo thì" not in " ".join(
        d002[r.start:r.end + 5] for r in dvk[dvk["doc_id"] == seed_ids["002"]].itertuples())


@pytest.mark.parametrize("text, name, intro", [
    ("Triển khai mô hình «Dân vận khéo» ở cơ sở.", "dân vận khéo", "mô hình"),
    ("Hưởng ứng phong trào ‘Ngày thứ bảy tình nguyện’ của Đoàn.", "ngày thứ bảy tình nguyện",
     "phong trào"),
    ('Thực hiện cuộc vận động "Người Việt Nam ưu tiên dùng hàng Việt Nam” có hiệu quả.',
     "người việt nam ưu tiên dùng hàng việt nam", "cuộc vận động"),
    ("Xây dựng trang website “Công nhân Bắc Giang” để tuyên truyền.", "công nhân bắc giang",
     "website"),
    ("Tổ chức Hội thi “Dân vận khéo” toàn tỉnh.", "dân vận khéo", "hội thi"),
    ("Đẩy mạnh phong trào thi đua “Dân vận khéo”.", "dân vận khéo", "phong trào thi đua"),
    ("Ủng hộ Quỹ “Vì người nghèo” năm 2024.", "vì người nghèo", "quỹ"),
    ("Triển khai Đề án số 02-ĐA/TU ngày 23-5-2021 về “Tiếp tục đổi mới hoạt động”.",
     "tiếp tục đổi mới hoạt động", "đề án"),
    ("Sân chơi Văn hoá \"Giờ thứ 9\" thu hút công nhân.", "giờ thứ 9", "sân chơi"),
])
def test_quoted_model_forms(text, name, intro):
    models = _kind(_one(text), "named_model")
    assert list(zip(models["normalised"], models["detail"])) == [(name, intro)]
    row = models.iloc[0]
    assert text[row.start:row.end] == row.text


def test_lists_of_models_and_quotations():
    text = ("Như mô hình “Đường thông, hè thoáng”; khu dân cư “Sáng - xanh - sạch”, đường cờ "
            "“đoàn kết”; “Hàng cây nông dân ơn Bác”, với phương châm “Hướng mạnh về cơ sở”.")
    models = _kind(_one(text), "named_model")
    assert list(models["normalised"]) == ["đường thông, hè thoáng", "sáng - xanh - sạch",
                                          "đoàn kết", "hàng cây nông dân ơn bác"]
    said = "Thấm nhuần lời Bác: ‘‘Dân vận khéo thì việc gì cũng thành công“. Đó là bài học."
    assert _kind(_one(said), "named_model").empty
    assert _kind(_one("Tội phạm liên quan đến “tín dụng đen” còn phức tạp."), "named_model").empty
    # a one-syllable model word must touch the quote: "giải quyết" is not a prize ("giải")
    assert _kind(_one("Tập trung giải quyết “điểm nóng” ở cơ sở."), "named_model").empty
    assert _kind(_one("Xây dựng nhà nước “pháp quyền”."), "named_model").empty


def test_names_quoted_in_one_report_are_found_unquoted_in_another():
    frame = pd.DataFrame({
        "doc_id": ["a", "b", "b"], "sentence_id": ["a-s0", "b-s0", "b-s1"], "start": [0, 0, 80],
        "text": ["Tổ chức phong trào thi đua “Dân vận khéo” sâu rộng.",
                 "Nhân rộng các mô hình, điển hình dân vận khéo trong tỉnh.",
                 "Ngành dân vận khéo léo vận động nhân dân."]})
    models = _kind(extract_entities(frame), "named_model")
    assert list(zip(models["doc_id"], models["text"], models["detail"])) == [
        ("a", "Dân vận khéo", "phong trào thi đua"), ("b", "dân vận khéo", "điển hình")]
    # an unquoted name must end where its phrase ends: "Ngày hội Đại đoàn kết toàn dân tộc"
    # names another event than nhà “Đại đoàn kết”
    frame2 = pd.DataFrame({"doc_id": ["a", "b"], "sentence_id": ["a-s0", "b-s0"], "start": [0, 0],
                           "text": ["Xây dựng nhà “Đại đoàn kết” cho hộ nghèo.",
                                    "Dự Ngày hội Đại đoàn kết toàn dân tộc; trao 5 nhà đại đoàn kết."]})
    found = _kind(extract_entities(frame2), "named_model")
    assert list(zip(found["doc_id"], found["text"], found["detail"])) == [
        ("a", "Đại đoàn kết", "nhà"), ("b", "đại đoàn kết", "nhà")]
    # alone, report b has no quoted name to go on; a known name can be passed in
    alone = _kind(extract_entities(frame[frame["doc_id"] == "b"]), "named_model")
    assert alone.empty
    passed = _kind(extract_entities(frame[frame["doc_id"] == "b"], known_models=["Dân vận khéo"]),
                   "named_model")
    assert list(passed["text"]) == ["dân vận khéo"]
    quoted_known = _kind(_one("Bác dạy “Dân vận khéo”.", known_models=["Dân vận khéo"]),
                         "named_model")
    assert list(quoted_known["text"]) == ["Dân vận khéo"]


def test_quoted_spans_pairs_mixed_marks():
    text = 'Đề án "Nhà trọ an toàn”, giai đoạn 2022-2025 trên địa bàn tỉnh”; Bác dạy ‘‘Dân vận khéo“.'
    spans = [text[s:e] for _, s, e, _ in E.quoted_spans(text)]
    assert spans == ["Nhà trọ an toàn", "Dân vận khéo"]
    assert E.quoted_spans("chưa đóng “Dân vận khéo") == []
    nested = "mô hình “Ngôi nhà ‘nhân ái’ cho em” ở xã"
    assert [nested[s:e] for _, s, e, _ in E.quoted_spans(nested)] == ["Ngôi nhà ‘nhân ái’ cho em"]


# --------------------------------------------------------------------------- organisations

@pytest.mark.parametrize("variant", [
    "Uỷ ban MTTQ", "Ủy ban MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam", "UBMTTQVN", "MTTQ",
    "Mặt trận Tổ quốc", "Ủy ban MTTQ Việt Nam", "UỶ BAN MẶT TRẬN TỔ QUỐC VIỆT NAM",
    unicodedata.normalize("NFD", "Uỷ ban Mặt trận Tổ quốc"),
])
def test_front_aliases_normalise_alike(variant):
    orgs = E.find_organisations(f"Hội nghị của {variant} tỉnh.")
    assert len(orgs) == 1
    assert orgs[0]["normalised"] == "Mặt trận Tổ quốc Việt Nam"
    assert orgs[0]["text"] == nfc(variant)
    assert orgs[0]["level"] == "province"


@pytest.mark.parametrize("text, canonical", [
    ("Hội LHPN tỉnh", "Hội Liên hiệp Phụ nữ Việt Nam"),
    ("các cấp hội Phụ nữ", "Hội Liên hiệp Phụ nữ Việt Nam"),
    ("Hội Cựu chiến binh tỉnh", "Hội Cựu chiến binh Việt Nam"),
    ("hội viên hội CCB", "Hội Cựu chiến binh Việt Nam"),
    ("Đoàn TNCS Hồ Chí Minh", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
    ("Tỉnh đoàn phối hợp", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
    ("Liên đoàn Lao động tỉnh", "Công đoàn Việt Nam"),
    ("LĐLĐ huyện", "Công đoàn Việt Nam"),
    ("Ban Dân vận TW", "Ban Dân vận Trung ương"),
    ("Ban Dân vận Tỉnh uỷ", "Ban Dân vận Tỉnh ủy"),
    ("Ban Thường vụ (BTV) Tỉnh ủy", "Ban Thường vụ Tỉnh ủy"),
    ("Ủy viên BTV Tỉnh ủy", "Ban Thường vụ Tỉnh ủy"),
    ("Ban chỉ đạo QCDC tỉnh", "Ban Chỉ đạo Quy chế dân chủ"),
    ("BCĐ QCDC", "Ban Chỉ đạo Quy chế dân chủ"),
    ("Chủ tịch HĐND tỉnh", "Hội đồng nhân dân"),
    ("Phó Chủ tịch UBND tỉnh", "Ủy ban nhân dân"),
])
def test_organisation_aliases(text, canonical):
    orgs = E.find_organisations(text)
    assert [o["normalised"] for o in orgs] == [canonical]


def test_longest_alias_wins_and_case_sensitive_aliases():
    orgs = E.find_organisations("Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh và Ban Dân vận Tỉnh ủy")
    assert [o["text"] for o in orgs] == ["Ủy ban MTTQ Việt Nam", "Ban Dân vận Tỉnh ủy"]
    # "Tỉnh đoàn" (the youth union) is case-sensitive: "tỉnh đoàn kết" is not it
    assert E.find_organisations("Nhân dân trong tỉnh đoàn kết một lòng.") == []
    assert E.find_organisations("Khách viếng thăm mttq") == []


def test_organisation_table_is_consistent():
    t = E.organisation_aliases()
    assert {"alias", "canonical", "canonical_en", "type", "level", "case_sensitive"} <= set(t.columns)
    assert not t["alias"].map(lambda a: " ".join(match_form(a).split())).duplicated().any()
    assert (t["canonical_en"] != "").all()


# --------------------------------------------------------------------------- indicators

def test_seed_indicators(seed_entities):
    ind = _kind(seed_entities, "indicator")
    rows = {r.text: r for r in ind.itertuples()}
    assert rows["2.137 tổ tự quản"].value == 2137 and rows["2.137 tổ tự quản"].unit == "tổ tự quản"
    assert rows["hơn 136 tỷ đồng"].value == 136e9 and rows["hơn 136 tỷ đồng"].unit == "đồng"
    assert rows["hơn 136 tỷ đồng"].detail == "qualifier=hơn"
    assert (rows["209/209 xã"].value, rows["209/209 xã"].unit, rows["209/209 xã"].detail) \
        == (209, "xã", "of=209")
    ccb = rows["2.127/2.127 chi hội CCB"]
    assert (ccb.value, ccb.unit, ccb.detail) == (2127, "chi hội ccb", "of=2127")
    pct = rows["100% chủ nhà trọ"]
    assert (pct.value, pct.unit, pct.detail) == (100, "%", "counted=chủ nhà trọ")
    assert rows["gần 3.700 thành viên"].detail == "qualifier=gần"
    assert rows["gần 3.700 thành viên"].value == 3700
    assert rows["546 trẻ mồ côi"].unit == "trẻ mồ côi"
    assert rows["56 dự thảo văn bản"].unit == "dự thảo văn bản"
    # a verb ends the counted noun: "209/209 cơ sở phối hợp lựa chọn ..."
    assert rows["209/209 cơ sở"].unit == "cơ sở"
    # nothing that is a year, a date, a time, an ordinal, a label or a code number
    values = set(ind["value"])
    for v in (2022, 2023, 2024, 2025, 2030, 1930, 27, 12, 19, 301, 124, 217, 151, 93, 22, 5, 33,
              25, 43, 17, 54, 94):
        assert v not in values, v
    assert (ind["unit"] != "").all()


@pytest.mark.parametrize("text, value, unit, detail", [
    ("vận động được 1,5 tỷ đồng xây nhà", 1.5e9, "đồng", ""),
    ("ủng hộ 250 triệu đồng cho hộ nghèo", 250e6, "đồng", ""),
    ("trao 500 nghìn đồng mỗi suất", 5e5, "đồng", ""),
    ("trồng 3 ngàn cây xanh", 3000, "cây xanh", ""),
    ("chuyển đổi 150 ha lúa", 150, "ha", "counted=lúa"),
    ("làm mới 2,5 km đường bê tông", 2.5, "km", "counted=đường bê tông"),
    ("có 98,5% hộ gia đình đạt chuẩn", 98.5, "%", "counted=hộ gia đình"),
    ("gần 3.700 thành viên tham gia", 3700, "thành viên", "qualifier=gần"),
    ("Hơn 12.500 người", 12500, "người", "qualifier=hơn"),
    ("có 12/15 hộ tham gia", 12, "hộ", "of=15"),
    ("đóng góp 3 ngày công lao động", 3, "ngày công lao động", ""),
    ("hoàn thành 2 cuộc giám sát", 2, "cuộc giám sát", ""),
])
def test_indicator_forms(text, value, unit, detail):
    ind = E.find_indicators(text)
    assert len(ind) == 1, ind
    assert (ind[0]["value"], ind[0]["unit"], ind[0]["detail"]) == (pytest.approx(value), unit, detail)
    assert text[ind[0]["start"]:ind[0]["end"]] == ind[0]["text"]


@pytest.mark.parametrize("text", [
    "Bài 2: Hiểu dân để nâng cao cuộc sống", "Đại hội lần thứ XIII của Đảng",
    "Cập nhật 28/12/2023 | 2:54:07 PM", "Chiều 27/12, hội nghị", "kỷ niệm 94 năm ngày thành lập",
    "giai đoạn 2022-2025", "nhiệm kỳ 2024 - 2029", "ngày 23-5-2021", "Trong 6 tháng đầu năm 2022",
    "sân chơi Giờ thứ 9", "dịch Covid-19 đã qua", "Tổng lượt truy cập1,107,571", "trang 1 2 3",
    "Thời gian chờ: 60 giây", "năm 2023 và 2024",
])
def test_not_indicators(text):
    assert E.find_indicators(text) == []


def test_parse_vn_number():
    assert E.parse_vn_number("2.137") == 2137
    assert E.parse_vn_number("1,5") == 1.5
    assert E.parse_vn_number("1.234.567,25") == 1234567.25
    assert E.parse_vn_number("1,107,571") is None
    assert E.parse_vn_number("2.12") is None


# --------------------------------------------------------------------------- places

def test_places_via_the_gazetteer(seed_entities, seed_ids):
    places = _kind(seed_entities, "place")
    by_doc = places.groupby("doc_id")["normalised"].apply(set).to_dict()
    assert "Bắc Giang" in by_doc[seed_ids["000"]]
    assert "Phú Riềng" in by_doc[seed_ids["002"]]
    assert "Chiêm Hóa" in by_doc[seed_ids["003"]]
    chiem = places[places["normalised"] == "Chiêm Hóa"].iloc[0]
    assert E.parse_detail(chiem["detail"])["province"] == "Tuyên Quang"
    assert E.parse_detail(chiem["detail"])["level"] == "district"


# --------------------------------------------------------------------------- glossary

def test_glossary_has_the_report_abbreviations():
    g = E.glossary()
    assert list(g.columns) == ["abbr", "expansion_vi", "expansion_en"]
    assert not g["abbr"].duplicated().any()
    assert (g["expansion_vi"] != "").all() and (g["expansion_en"] != "").all()
    for abbr in ["BTV", "ANTT", "LLVT", "QCDC", "BCĐ", "KT-XH", "QP-AN", "OCOP", "NTM", "DN",
                 "MTTQ", "UBND", "HĐND", "CCB", "LHPN", "TNCS", "TW", "TƯ", "TU", "HU",
                 "VĐQCLN", "CSSK", "PTTH", "NNPTNT", "LĐTBXH", "GD&ĐT", "CLB", "ĐBP", "BGĐT"]:
        assert abbr in set(g["abbr"]), abbr


def test_expand_abbreviations():
    text = "Ủy viên BTV Tỉnh ủy; BTV họp; Ban Thường vụ (BTV) Tỉnh ủy; Đề án 19-ĐA/TU; KT-XH."
    out = E.expand_abbreviations(text)
    assert out.startswith("Ủy viên BTV (Ban Thường vụ) Tỉnh ủy; BTV họp;")
    assert "(BTV) Tỉnh ủy" in out and "19-ĐA/TU;" in out
    assert "KT-XH (kinh tế - xã hội)" in out
    assert E.expand_abbreviations("Sở GD&ĐT", lang="en") == "Sở GD&ĐT (Education and Training)"
    assert E.expand_abbreviations("BTV, BTV", first_only=False).count("Ban Thường vụ") == 2
    with pytest.raises(ValueError):
        E.expand_abbreviations("BTV", lang="fr")
