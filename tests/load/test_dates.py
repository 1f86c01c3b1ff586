"""Dates: every dateline form, cited documents and history, year from context, the seeds."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from dvlib.load.dates import infer_date, parse_dates, year_from_context
from dvlib.text.normalize import nfc

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


from conftest import masked, seed  # noqa: E402


def kinds(text, **kw):
    return [(r["kind"], r["date"], r["precision"]) for r in parse_dates(text, **kw)]


# ---------------------------------------------------------------------------- parse_dates

@pytest.mark.parametrize("text, expected", [
    ("Thứ bảy - 13/01/2024 08:00 62 0", ("dateline", "2024-01-13", "day")),
    ("  • Cập nhật: Thứ năm, 28/12/2023 | 2:54:07 PM", ("updated", "2023-12-28", "day")),
    ("Ngày đăng: 05/03/2024 10:15", ("updated", "2024-03-05", "day")),
    ("Chủ nhật, ngày 07/01/2024", ("dateline", "2024-01-07", "day")),
    (" date 2022-07 Triển khai nhiều hoạt động thiết thực", ("marker", "2022-07", "month")),
    ("date 2023-12-28 Tiêu đề", ("marker", "2023-12-28", "day")),
    ("Sáng ngày 12/01/2024, tại Hội trường huyện ủy", ("event", "2024-01-12", "day")),
    ("Hội nghị diễn ra ngày 27 tháng 12 năm 2023 tại tỉnh", ("date", "2023-12-27", "day")),
    ("Hội nghị diễn ra ngày 27-12-2023 tại tỉnh", ("date", "2023-12-27", "day")),
    ("Hội nghị diễn ra ngày 27.12.2023 tại tỉnh", ("date", "2023-12-27", "day")),
    ("Báo cáo lập 2023-12-27 tại tỉnh", ("date", "2023-12-27", "day")),
    ("27/12/2023 08:00", ("dateline", "2023-12-27", "day")),
    ("trong tháng 12/2023 đã", ("date", "2023-12", "month")),
    ("Kế hoạch số 151-KH/BDVTU ngày 21/12/2023 của Ban", ("document", "2023-12-21", "day")),
    ("Đề án số 02-ĐA/TU ngày 23-5-2021 về", ("document", "2021-05-23", "day")),
    ("Nghị quyết số 301-NQ/TU, ngày 9/10/2023 của BTV", ("document", "2023-10-09", "day")),
    ("theo Quyết định của UBND tỉnh ngày 3/4/2023", ("document", "2023-04-03", "day")),
    ("Ngày truyền thống công tác Dân vận của Đảng 15/10/1930", ("historical", "1930-10-15", "day")),
])
def test_date_forms(text, expected):
    assert kinds(text) == [expected]


def test_day_without_year_takes_the_context_year():
    (r,) = parse_dates("Chiều 27/12, Ban Dân vận tổ chức hội nghị")
    assert (r["kind"], r["date"], r["precision"], r["month"], r["day"]) == ("event", "", "unknown", 12, 27)
    assert r["text"] == "Chiều 27/12"
    (r,) = parse_dates("Chiều 27/12, Ban Dân vận", context_year=2023)
    assert (r["date"], r["precision"], r["year_given"]) == ("2023-12-27", "day", False)
    (r,) = parse_dates("ĐBP - Chiều nay (29/12), dưới sự chủ trì")
    assert (r["kind"], r["text"]) == ("today", "Chiều nay (29/12)")


def test_ranges_and_history_are_marked():
    assert kinds("kỷ niệm 94 năm (15/10/1930 - 15/10/2024)") == [
        ("historical", "1930-10-15", "day"), ("range", "2024-10-15", "day")]


@pytest.mark.parametrize("text", [
    "31/02/2024", "Ngày 30/02/2023", "Chiều 32/12, hội nghị", "29/02/2023 08:00",
    "có 209/209 xã, phường; 3/5 huyện; 2.127/2.127 chi hội",
    "Tổng lượt truy cập1,107,571", "quý III/2022", "giai đoạn 2021-2025",
])
def test_invalid_and_non_dates_are_skipped(text):
    assert parse_dates(text) == []


def test_offsets_point_into_the_nfc_text():
    text = unicodedata.normalize("NFD", "• Cập nhật: Thứ năm, 28/12/2023 | Chiều 27/12, Sở")
    recs = parse_dates(text)
    assert [r["kind"] for r in recs] == ["updated", "event"]
    for r in recs:
        assert nfc(text)[r["start"]:r["end"]] == r["text"]


# ---------------------------------------------------------------------------- year context

@pytest.mark.parametrize("text, month, year", [
    ("đánh giá kết quả hoạt động năm 2023; triển khai nhiệm vụ trọng tâm năm 2024", 12, 2023),
    ("hội nghị triển khai nhiệm vụ năm 2024", 12, 2023),
    ("tổng kết công tác năm 2023", 12, 2023),
    ("tổng kết công tác dân vận năm 2023, triển khai nhiệm vụ năm 2024", 1, 2024),
    ("nhiệm vụ trọng tâm quý III/2022; 6 tháng đầu năm 2022", 7, 2022),
    ("theo Kế hoạch số 12-KH/TU ngày 5/3/2023", 7, 2023),
])
def test_year_from_context(text, month, year):
    assert year_from_context(text, month)[0] == year


def test_no_year_in_context():
    assert year_from_context("Nhiệm kỳ 2015 - 2020 đã qua", 12)[0] is None


# ---------------------------------------------------------------------------- infer_date

@pytest.mark.parametrize("prefix, date, precision, phrase", [
    ("000", "2023-12-28", "day", "Cập nhật"),
    ("001", "2022-07", "month", "date 2022-07"),
    ("002", "2024-01-13", "day", "Thứ bảy - 13/01/2024"),
    ("003", "", "unknown", "no publication date"),
    ("004", "2023-12-29", "day", "Chiều nay (29/12)"),
])
def test_seeds(prefix, date, precision, phrase):
    text = seed(prefix)
    got = infer_date(text, masked_text=masked(text))
    assert (got["date"], got["precision"]) == (date, precision)
    assert phrase in got["evidence"]


def test_publication_beats_the_event():
    text = "• Cập nhật: Thứ năm, 28/12/2023\n\nChiều 27/12, Ban Dân vận Tỉnh ủy tổ chức hội nghị."
    assert infer_date(text)["date"] == "2023-12-28"
    assert infer_date(text.split("\n", 1)[1])["date"] == ""  # no year anywhere: no guess
    assert infer_date(text.split("\n", 1)[1], context_year=2023)["date"] == "2023-12-27"


def test_cited_documents_and_history_are_not_the_report_date():
    text = ("Thực hiện Kế hoạch số 151-KH/BDVTU ngày 21/12/2023 của Ban Dân vận Tỉnh ủy, "
            "kỷ niệm 94 năm Ngày truyền thống (15/10/1930 - 15/10/2024).")
    got = infer_date(text)
    assert (got["date"], got["precision"]) == ("", "unknown")


def test_late_december_planning_report_belongs_to_the_year_before():
    text = "Chiều 29/12, Ban Dân vận tổ chức hội nghị triển khai nhiệm vụ năm 2024."
    got = infer_date(text)
    assert got["date"] == "2023-12-29" and "year 2023 from context" in got["evidence"]


def test_dates_in_a_masked_trailer_do_not_count():
    body = "Hội nghị tổng kết công tác dân vận.\n"
    trailer = "Các tin khác\nThứ hai - 01/01/2024 08:00\nChiều 31/12, tin khác."
    text = body + trailer
    mask = body + " " * len(trailer)
    assert infer_date(text)["date"] == "2024-01-01"  # unmasked: the trailer's dateline
    assert infer_date(text, masked_text=mask)["date"] == ""


def test_file_metadata_date_is_a_fallback():
    text = "Hội nghị tổng kết.\nChiều 27/12, Ban Dân vận tổ chức."
    got = infer_date(text, date_hint="2023-12-28")
    assert (got["date"], got["precision"]) == ("2023-12-28", "day")
    assert infer_date("Thứ bảy - 13/01/2024\nNội dung", date_hint="2023-12-28")["date"] == "2024-01-13"


def test_spaces_and_blank_lines_around_a_text_only_shift_the_offsets():
    # parse_dates parses the stripped text once for a report and its masked copy.
    text = seed("002").strip()
    plain = parse_dates(text)
    assert plain
    for pad, tail in (("\n\n", "\n"), ("  \t", " \n \n"), ("", "\n")):
        padded = parse_dates(pad + text + tail)
        assert [(r["start"] - len(pad), r["end"] - len(pad)) for r in padded] == \
            [(r["start"], r["end"]) for r in plain]
        assert [dict(r, start=0, end=0) for r in padded] == [dict(r, start=0, end=0) for r in plain]
    plain[0]["kind"] = "changed"  # the records are the caller's own
    assert parse_dates(text)[0]["kind"] != "changed"


# ---------------------------------------------------------------------------- formal documents

@pytest.mark.parametrize("text, expected", [
    ("Quảng Trị, ngày 20 tháng 6 năm 2024", ("issued", "2024-06-20", "day")),
    ("TP. Hồ Chí Minh, ngày 05/3/2024", ("issued", "2024-03-05", "day")),
    ("Chiêm Hóa, 02/11/2023.", ("issued", "2023-11-02", "day")),
    ("QUẢNG TRỊ, NGÀY 20 THÁNG 6 NĂM 2024", ("issued", "2024-06-20", "day")),
    # not a place-and-date line: words after the date, a lower-case lead, a cited document
    ("Quảng Trị, ngày 20 tháng 6 năm 2024 tổ chức hội nghị", ("date", "2024-06-20", "day")),
    ("Theo đó, ngày 20 tháng 6 năm 2024", ("date", "2024-06-20", "day")),
    ("Hội nghị diễn ra tại Đông Hà, ngày 20/6/2024", ("date", "2024-06-20", "day")),
    ("Kế hoạch số 12-KH/BDVTU, ngày 20/6/2024", ("document", "2024-06-20", "day")),
    ("Sáng, 12/7/2024", ("event", "2024-07-12", "day")),
])
def test_place_and_date_line_of_a_formal_document(text, expected):
    assert kinds(text) == [expected]


def test_formal_document_is_dated_by_its_place_and_date_line():
    text = ("TỈNH ỦY QUẢNG TRỊ\nBAN DÂN VẬN\nSố 45-BC/BDVTU\n"
            "Quảng Trị, ngày 20 tháng 6 năm 2024\nBÁO CÁO\nsơ kết công tác dân vận\n"
            "Thực hiện Kế hoạch số 12-KH/BDVTU ngày 02/01/2024, Ban Dân vận báo cáo như sau.\n")
    got = infer_date(text)
    assert (got["date"], got["precision"]) == ("2024-06-20", "day")
    assert "place and date line 'Quảng Trị, ngày 20 tháng 6 năm 2024'" in got["evidence"]
    # republished on a portal: the document's own date still dates the report
    page = "Ngày đăng: 01/07/2024 08:00\n" + text
    assert infer_date(page)["date"] == "2024-06-20"
    nfd = unicodedata.normalize("NFD", text)
    assert infer_date(nfd)["date"] == "2024-06-20"


@pytest.mark.parametrize("lead, date", [
    ("LCĐT - Sáng 12/7, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết năm 2024.", "2024-07-12"),
    ("(ĐK) - Sáng 10-4-2025, Khối dân vận tỉnh tổ chức giao ban.", "2025-04-10"),
    ("(STO) - Sáng 28/9, Ban Thường vụ Tỉnh ủy tổ chức sơ kết năm 2023.", "2023-09-28"),
    ("(QNO) - Chiều nay 8/10, Thường trực Tỉnh ủy giao ban quý III/2024.", "2024-10-08"),
])
def test_outlet_datelines_before_the_event(lead, date):
    got = infer_date("Tiêu đề\n" + lead)
    assert got["date"] == date, got


def test_a_quarter_names_its_year():
    assert year_from_context("Khối dân vận giao ban quý I-2025, triển khai nhiệm vụ quý II")[0] == 2025
    assert year_from_context("kết quả hoạt động quý III/2024 của Mặt trận", month=10)[0] == 2024
