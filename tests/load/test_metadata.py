"""Metadata: titles, outlets, the combined inference, and the manifest winning per field."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dvlib.load.metadata import (METADATA_COLUMNS, document_issuer, infer_metadata, infer_outlet,
                            infer_title, metadata_frame)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


from conftest import masked, seed  # noqa: E402


@pytest.fixture(scope="module")
def documents() -> pd.DataFrame:
    rows = []
    for p in sorted(CORPUS.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        rows.append({"doc_id": p.stem[-16:], "file": f"corpus/{p.name}", "text": text,
                     "masked_text": masked(text)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def manifest() -> pd.DataFrame:
    return pd.read_csv(CORPUS / "manifest.csv", dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------- title

@pytest.mark.parametrize("prefix, title", [
    ("000", "Đánh giá kết quả thực hiện các kế hoạch, đề án quan trọng của MTTQ và các đoàn thể "
            "chính trị- xã hội"),
    ("001", "Triển khai nhiều hoạt động thiết thực"),
    ("002", "BAN DÂN VẬN TỈNH ỦY TỔNG KẾT CÔNG TÁC DÂN VẬN NĂM 2023 VÀ KÝ KẾT THI ĐUA NĂM 2024"),
    ("003", "Bài 2: Hiểu dân để nâng cao cuộc sống cho dân"),
    ("004", ""),
])
def test_titles_of_the_seeds(prefix, title):
    got = infer_title(seed(prefix))
    assert got["title"] == title
    assert got["evidence"]


@pytest.mark.parametrize("text, reason", [
    ("ĐBP - Chiều nay (29/12), hội nghị giao ban", "dateline"),
    ("Thứ bảy - 13/01/2024 08:00\nTiêu đề", "date"),
    ("Chiều 27/12, Ban Dân vận Tỉnh ủy tổ chức hội nghị", "date"),
    ("Hội nghị đã diễn ra thành công. Các đại biểu thảo luận sôi nổi", "several sentences"),
    (" ".join(["từ"] * 45), "too long"),
    ("\n\n   \n", "empty"),
])
def test_lines_that_are_not_headlines(text, reason):
    got = infer_title(text)
    assert got["title"] == "" and reason in got["evidence"]


def test_title_keeps_the_reports_spelling():
    assert infer_title(">>> Huyện Chiêm Hoá: Dân vận khéo?\nNội dung.")["title"] == \
        "Huyện Chiêm Hoá: Dân vận khéo?"


# ---------------------------------------------------------------------------- outlet

@pytest.mark.parametrize("prefix, outlet, phrase", [
    ("000", "Báo Bắc Giang (BGĐT)", "Theo Báo BGĐT"),
    ("002", "", "BBT"),
    ("003", "", "no outlet named"),
    ("004", "Báo Điện Biên Phủ (ĐBP)", "dateline 'ĐBP -'"),
])
def test_outlets_of_the_seeds(prefix, outlet, phrase):
    got = infer_outlet(seed(prefix))
    assert got["outlet"] == outlet and phrase in got["evidence"]


def test_a_sentence_starting_with_theo_is_not_a_source_line():
    text = ("Theo báo cáo của Ban Dân vận Tỉnh ủy, phong trào thi đua được Báo Nhân Dân và các "
            "cơ quan báo chí phản ánh kịp thời, tạo sức lan tỏa rộng rãi trong toàn tỉnh.")
    assert infer_outlet(text)["outlet"] == ""


def test_outlet_named_after_a_province():
    got = infer_outlet("Nội dung bài.\nNguồn: Báo Sóc Trăng\n")
    assert got["outlet"] == "Báo Sóc Trăng"


# ---------------------------------------------------------------------------- infer_metadata

def test_infer_metadata_seed_004():
    text = seed("004")
    got = infer_metadata(text, masked_text=masked(text))
    assert {k: got[k] for k in ("province", "province_2025", "date", "date_precision", "title",
                                "outlet")} == {
        "province": "Điện Biên", "province_2025": "Điện Biên", "date": "2023-12-29",
        "date_precision": "day", "title": "", "outlet": "Báo Điện Biên Phủ (ĐBP)"}
    for k in ("province_evidence", "date_evidence", "title_evidence", "outlet_evidence"):
        assert got[k]


def test_outlet_from_a_masked_source_line_still_counts_for_the_province():
    text = "Hội nghị tổng kết công tác dân vận năm 2023 của tỉnh.\n\nTheo Báo BGĐT\n"
    mask = text.replace("Theo Báo BGĐT", " " * len("Theo Báo BGĐT"))
    got = infer_metadata(text, masked_text=mask)
    assert got["outlet"] == "Báo Bắc Giang (BGĐT)"
    assert got["province"] == "Bắc Giang" and got["province_2025"] == "Bắc Ninh"


def test_hints_fill_what_the_text_lacks():
    got = infer_metadata("Hội nghị đã diễn ra.", masked_text="Hội nghị đã diễn ra.",
                         hints={"title": "Tiêu đề từ HTML", "date": "2023-05-04",
                                "outlet": "Báo Lào Cai"})
    assert (got["title"], got["date"], got["outlet"], got["province"]) == \
        ("Tiêu đề từ HTML", "2023-05-04", "Báo Lào Cai", "Lào Cai")


# ---------------------------------------------------------------------------- metadata_frame

def test_inference_alone_agrees_with_the_manifest(documents, manifest):
    """Without the manifest, the seeds get what their manifest says wherever the text says it
    (001's province and 004's title are not in the text; 003 has no date)."""
    got = metadata_frame(documents, None).set_index("doc_id")
    man = manifest.set_index(manifest["file"].str[-20:-4])
    for doc_id, row in got.iterrows():
        m = man.loc[doc_id]
        if doc_id != "5888e272ff2fe1e5":
            assert row["province"] == m["province"], doc_id
        else:
            assert row["province"] == "" and row["province_source"] == ""
        assert (row["date"], row["date_precision"]) == (m["date"], m["date_precision"]), doc_id
        assert row["title"] == m["title"], doc_id
    assert set(got["province_source"]) == {"inferred", ""}


def test_manifest_wins_per_field(documents, manifest):
    got = metadata_frame(documents, manifest)
    assert list(got.columns) == ["doc_id"] + METADATA_COLUMNS
    assert list(got["doc_id"]) == list(documents["doc_id"])
    r = got.set_index("doc_id").loc["5888e272ff2fe1e5"]
    assert (r["province"], r["province_source"], r["province_2025"]) == ("Nghệ An", "manifest", "Nghệ An")
    assert "Sông Lam" in r["province_evidence"]
    r = got.set_index("doc_id").loc["028faf429d4c0468"]  # manifest has no date: inference (none)
    assert (r["date"], r["date_precision"], r["date_source"]) == ("", "unknown", "")
    r = got.set_index("doc_id").loc["3efc173e9c33baf7"]  # manifest has no title, nor the text
    assert (r["title"], r["title_source"]) == ("", "")
    assert set(got["date_source"]) == {"manifest", ""}


def test_inference_fills_gaps_in_a_partial_manifest(documents):
    partial = pd.DataFrame([{"file": "000_97bc4826e3921996.txt", "province": "",
                             "date": "2023-12-27", "title": "", "outlet": "",
                             "province_evidence": ""},
                            {"file": "002_d6dd1dd24d4cdf82.txt", "province": "Bình Dương",
                             "date": "", "title": "", "outlet": "", "province_evidence": ""},
                            {"file": "003_028faf429d4c0468.txt", "province": "Atlantis",
                             "date": "not a date", "title": "", "outlet": "",
                             "province_evidence": ""}])
    got = metadata_frame(documents, partial).set_index("doc_id")
    r = got.loc["97bc4826e3921996"]
    assert (r["province"], r["province_source"]) == ("Bắc Giang", "inferred")
    assert (r["date"], r["date_source"]) == ("2023-12-27", "manifest")
    r = got.loc["d6dd1dd24d4cdf82"]  # the manifest wins even against the text
    assert (r["province"], r["province_source"], r["province_2025"]) == \
        ("Bình Dương", "manifest", "Hồ Chí Minh")
    assert (r["date"], r["date_source"]) == ("2024-01-13", "inferred")
    r = got.loc["028faf429d4c0468"]
    assert (r["province"], r["province_source"]) == ("Tuyên Quang", "inferred")
    assert "not recognised" in r["province_evidence"]
    r = got.loc["3efc173e9c33baf7"]  # not in the manifest at all
    assert (r["province"], r["province_source"], r["outlet_source"]) == ("Điện Biên", "inferred", "inferred")


def test_manifest_matched_by_doc_id_when_both_have_it(documents):
    man = pd.DataFrame([{"doc_id": "028faf429d4c0468", "file": "elsewhere/renamed.txt",
                         "province": "Hà Giang", "date": "2021", "title": "", "outlet": "",
                         "province_evidence": "given"}])
    docs = documents.assign(url_hint=["", "", "", "https://example.vn/bai-2", ""])
    got = metadata_frame(docs, man).set_index("doc_id")
    r = got.loc["028faf429d4c0468"]
    assert (r["province"], r["province_2025"], r["date"], r["date_precision"]) == \
        ("Hà Giang", "Tuyên Quang", "2021", "year")
    assert r["url"] == "https://example.vn/bai-2"  # the file's own metadata
    man["url"] = "https://manifest.vn/x"
    assert metadata_frame(docs, man).set_index("doc_id").loc["028faf429d4c0468", "url"] == \
        "https://manifest.vn/x"


def test_empty_documents():
    empty = pd.DataFrame(columns=["doc_id", "file", "text", "masked_text"])
    got = metadata_frame(empty, None)
    assert got.empty and list(got.columns) == ["doc_id"] + METADATA_COLUMNS


# ---------------------------------------------------------------------------- other report styles

BODY = ("Năm 2024, ban dân vận các cấp đã tham mưu cấp ủy ban hành 125 văn bản.\n"
        "Phong trào thi đua “Dân vận khéo” được triển khai rộng khắp trong toàn tỉnh.\n"
        "Tuy nhiên, việc nắm tình hình Nhân dân ở một số xã vùng cao còn chậm.\n")


@pytest.mark.parametrize("crumb", ["Trang chủ » Tin tức - Sự kiện » Hoạt động Ban Dân vận",
                                   "Trang chủ > Tin tức > Thời sự", "Home / Tin tức / Dân vận"])
def test_a_breadcrumb_is_never_the_title(crumb):
    text = f"{crumb}\nTổng kết công tác dân vận năm 2024\n27/12/2024 16:05\nLượt xem: 120\n{BODY}"
    got = infer_title(text)
    assert got["title"] == "Tổng kết công tác dân vận năm 2024"
    assert infer_metadata(text)["title"] == "Tổng kết công tác dân vận năm 2024"


def test_a_page_of_furniture_alone_has_no_title():
    got = infer_title("Trang chủ > Tin tức\nChia sẻ\n")
    assert got["title"] == "" and "furniture" in got["evidence"]


FORMAL = ("ĐẢNG BỘ TỈNH QUẢNG TRỊ\nBAN DÂN VẬN\n*\nSố 45-BC/BDVTU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
          "Quảng Trị, ngày 20 tháng 6 năm 2024\nBÁO CÁO\n"
          "sơ kết công tác dân vận 6 tháng đầu năm,\nphương hướng nhiệm vụ 6 tháng cuối năm 2024\n"
          "Thực hiện Chương trình công tác năm 2024, Ban Dân vận báo cáo như sau:\n"
          "I. KẾT QUẢ ĐẠT ĐƯỢC\n" + BODY
          + "Nơi nhận:\n- Ban Dân vận Trung ương,\n- Lưu VP.\nT/M BAN DÂN VẬN\nTRƯỞNG BAN\nLê Văn An")


def test_formal_report_title_date_outlet_and_province():
    got = infer_metadata(FORMAL)
    assert got["title"] == ("Báo cáo sơ kết công tác dân vận 6 tháng đầu năm, phương hướng "
                            "nhiệm vụ 6 tháng cuối năm 2024 (Số 45-BC/BDVTU)")
    assert "document heading 'BÁO CÁO'" in got["title_evidence"]
    assert (got["date"], got["date_precision"]) == ("2024-06-20", "day")
    assert got["outlet"] == "Ban Dân vận Tỉnh ủy Quảng Trị (report document)"
    assert "letterhead" in got["outlet_evidence"]
    assert got["province"] == "Quảng Trị"


def test_the_letterhead_names_the_province_when_the_body_does_not():
    text = FORMAL.replace("Quảng Trị, ngày", "Đông Hà, ngày")
    text = text.replace("ĐẢNG BỘ TỈNH QUẢNG TRỊ", "TỈNH ỦY KON TUM")
    got = infer_metadata(text)
    assert got["outlet"] == "Ban Dân vận Tỉnh ủy Kon Tum (report document)"
    assert got["province"] == "Kon Tum"


def test_formal_title_in_capitals_and_without_a_letterhead():
    text = ("KẾ HOẠCH\nTRIỂN KHAI PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM 2025\n-----\n"
            "Thực hiện Chỉ thị số 16-CT/TU của Ban Thường vụ Tỉnh ủy, Ban Dân vận xây dựng kế hoạch.\n")
    got = infer_title(text)
    assert got["title"] == "KẾ HOẠCH TRIỂN KHAI PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” NĂM 2025"
    assert infer_outlet(text)["outlet"] == ""  # no letterhead: no issuing body


@pytest.mark.parametrize("letterhead, issuer", [
    (["ĐẢNG BỘ TỈNH THÁI BÌNH", "BAN DÂN VẬN", "Số 12-BC/BDVTU", "ĐẢNG CỘNG SẢN VIỆT NAM"],
     "Ban Dân vận Tỉnh ủy Thái Bình"),
    (["HUYỆN ỦY CHIÊM HÓA", "BAN DÂN VẬN", "*"], "Ban Dân vận Huyện ủy Chiêm Hóa"),
    (["TỈNH UỶ LẠNG SƠN", "Số 301-BC/TU"], "Tỉnh ủy Lạng Sơn"),
    # a body the tables do not spell keeps the letterhead's own words
    (["THÀNH ỦY HẢI PHÒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN"],
     "THÀNH ỦY HẢI PHÒNG - BAN TUYÊN GIÁO VÀ DÂN VẬN"),
    (["ỦY BAN MTTQ VIỆT NAM", "TỈNH NAM ĐỊNH", "Số: 112/BC-MTTQ-BTT"],
     "ỦY BAN MTTQ VIỆT NAM - TỈNH NAM ĐỊNH"),
])
def test_document_issuer(letterhead, issuer):
    assert document_issuer(letterhead) == issuer


@pytest.mark.parametrize("lead, outlet", [
    ("LCĐT - Sáng 12/7, Ban Dân vận Tỉnh ủy tổ chức hội nghị.", "Báo Lào Cai điện tử (LCĐT)"),
    ("(BKT) - Từ những việc làm cụ thể, cán bộ đã cùng đồng bào thay đổi nếp nghĩ.", "Báo Kon Tum (BKT)"),
    ("(BNB) - Ngày 7/1, Ủy ban MTTQ Việt Nam tỉnh tổ chức hội nghị.", "Báo Ninh Bình (BNB)"),
    ("(BHG) - Sáng 22/5, Ban Thường vụ Tỉnh ủy tổ chức hội nghị.", "Báo Hà Giang (BHG)"),
    ("(ĐK) - Sáng 10-4-2025, Khối dân vận tỉnh tổ chức giao ban.", "Báo Đồng Khởi (ĐK)"),
    ("(STO) - Sáng 28/9, Ban Thường vụ Tỉnh ủy tổ chức hội nghị.", "Báo Sóc Trăng (STO)"),
])
def test_outlet_datelines_of_provincial_papers(lead, outlet):
    text = f"Tiêu đề bài viết\nThứ Bảy, 14/10/2023, 07:30\n{lead}\n{BODY}"
    got = infer_outlet(text)
    assert got["outlet"] == outlet and "dateline" in got["evidence"]


def test_an_unknown_dateline_code_is_reported_not_guessed():
    got = infer_outlet(f"Tiêu đề bài viết\n(XYZ) - Sáng 3/5, hội nghị được tổ chức.\n{BODY}")
    assert got["outlet"] == "" and "'(XYZ) -'" in got["evidence"]
    assert "not in outlet_marks.csv" in got["evidence"]
