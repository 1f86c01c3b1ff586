"""dvlib.boilerplate: site furniture is marked (whole lines, by kind), report content is not."""
from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
import yaml

from dvlib.load.boilerplate import (PATTERNS_FILE, Span, boilerplate_table, document_head,
                               find_boilerplate, line_key, mask_boilerplate)
from dvlib.config import corpus_dir, data_file
from dvlib.load.read import read_report
from dvlib.schema import BOILERPLATE_KINDS

SEED = {p.name[:3]: p for p in corpus_dir().glob("*.txt")}
GOLD = pd.read_csv(data_file("gold_seed_sentences.csv"), dtype=str, keep_default_na=False)

# Gold notes that name site furniture (must be marked) and labels that are report content.
FURNITURE_NOTES = ("trailer", "visitor counter", "rating widget", "pagination number",
                   "site widget", "source line", "banner", "session notice",
                   "duplicated photo caption", "site navigation")
CONTENT_LABELS = {"limitation", "priority", "model", "achievement"}


@pytest.fixture(scope="module")
def seeds():
    out = {}
    for key, path in SEED.items():
        text = read_report(path).text
        out[key] = (path.name, text, find_boilerplate(text))
    return out


def covered(spans, start, end) -> bool:
    return any(s.start <= start and end <= s.end for s in spans)


def overlaps(spans, start, end) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def kinds(spans) -> list[str]:
    return [s.kind for s in spans]


# --------------------------------------------------------------------------- gold notes

@pytest.mark.parametrize("key", sorted(SEED))
def test_gold_furniture_is_marked_and_gold_content_is_not(seeds, key):
    name, text, spans = seeds[key]
    gold = GOLD[GOLD["file"] == name]
    assert len(gold) > 0
    pos = 0
    n_furniture = 0
    for row in gold.itertuples():
        # gold keeps the report's no-break spaces; read_report turns them into spaces
        sentence = unicodedata.normalize("NFC", row.sentence).replace("\u00a0", " ")
        start = text.find(sentence, pos)
        assert start >= 0, f"gold sentence {row.sentence_index} not found"
        end = pos = start + len(sentence)
        if any(note in row.note for note in FURNITURE_NOTES):
            n_furniture += 1
            assert covered(spans, start, end), f"{key} #{row.sentence_index} not marked: {sentence!r}"
        else:
            # content, and also framing the gold calls "other" (timestamps, first captions)
            assert not overlaps(spans, start, end), f"{key} #{row.sentence_index} marked: {sentence!r}"
        if row.label in CONTENT_LABELS:
            assert not any(note in row.note for note in FURNITURE_NOTES)
    if key in ("001", "004"):
        assert n_furniture == 0 and spans == []


# --------------------------------------------------------------------------- seeds

def test_seed_000_trailer_captions_and_source_line(seeds):
    _, text, spans = seeds["000"]
    trailer = [s for s in spans if s.kind == "trailer"]
    assert len(trailer) == 1
    assert trailer[0].text.startswith("Các tin khác\n")
    assert trailer[0].end == len(text.rstrip())
    assert "Quảng Đông" in trailer[0].text and "Cà Mau" in trailer[0].text
    masked = mask_boilerplate(text, spans)
    assert "Cà Mau" not in masked and "Quảng Đông" not in masked
    assert "Ban Dân vận Tỉnh ủy Bắc Giang" in masked  # the report itself stays
    source = [s for s in spans if s.kind == "source_line"]
    assert [s.text for s in source] == ["Theo Báo BGĐT"]
    # each caption appears twice: the first copy is content, the second is marked
    for caption in ("Các đại biểu dự hội nghị.", "Đồng chí Phạm Văn Thịnh phát biểu kết luận hội nghị."):
        first = text.index(caption)
        second = text.index(caption, first + 1)
        assert not overlaps(spans, first, first + len(caption))
        assert any(s.kind == "duplicate_caption" and s.start == second for s in spans)
    # the timestamp line is metadata evidence, not furniture
    stamp = text.index("• Cập nhật: Thứ năm, 28/12/2023")
    assert not overlaps(spans, stamp, stamp + 10)


def test_seed_002_widgets_counters_pagination_banners(seeds):
    _, text, spans = seeds["002"]
    assert set(kinds(spans)) == {"duplicate_caption", "pagination", "source_line",
                                 "rating_widget", "visitor_counter", "site_header"}
    pagination = [s for s in spans if s.kind == "pagination"]
    assert len(pagination) == 1
    assert [int(n) for n in pagination[0].text.split()] == list(range(1, 11))
    for furniture, kind in [("Nguồn tin: BBT", "source_line"),
                            ("Click để đánh giá bài viết", "rating_widget"),
                            ("Hôm nay2,057", "visitor_counter"),
                            ("Tổng lượt truy cập1,107,571", "visitor_counter"),
                            ("hcm bdv001 hcm bdv002", "site_header"),
                            ("bien dao01bien dao02", "site_header"),
                            ("Thời gian chờ: 60 giây", "site_header")]:
        at = text.index(furniture)
        assert any(s.kind == kind and s.start <= at < s.end for s in spans), furniture
    dateline = text.index("Thứ bảy - 13/01/2024 08:00 62 0")
    assert not overlaps(spans, dateline, dateline + 30)
    assert not overlaps(spans, 0, text.index("\n"))  # the headline


def test_seed_003_share_widgets_and_series_headline(seeds):
    _, text, spans = seeds["003"]
    assert kinds(spans) == ["share_widget"]
    assert spans[0].text == "Gửi phản hồi\nIn bài viết"
    assert text.startswith(">>> Bài 2") and spans[0].start > 0


@pytest.mark.parametrize("key", sorted(SEED))
def test_spans_are_whole_lines_with_exact_text(seeds, key):
    _, text, spans = seeds[key]
    for span in spans:
        assert isinstance(span, Span) and span.kind in BOILERPLATE_KINDS
        assert text[span.start:span.end] == span.text
        assert span.start == 0 or text[span.start - 1] == "\n"
        assert span.end == len(text) or text[span.end] == "\n"
    starts = [s.start for s in spans]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


# --------------------------------------------------------------------------- snippets

CONTENT = (
    "Ban Dân vận Tỉnh ủy đã hướng dẫn người dân truy cập Cổng dịch vụ công trực tuyến.\n"
    "Bên cạnh các tin khác về an sinh xã hội, hội nghị nghe báo cáo kết quả năm 2023.\n"
    "Theo báo cáo, năm 2023 toàn tỉnh có 1.250 mô hình dân vận khéo.\n"
    "Số lượt truy cập Cổng thông tin điện tử tỉnh tăng 20% so với năm 2022.\n"
    "Tổng lượt truy cập trang thông tin của Mặt trận đạt 1,2 triệu.\n"
    "Hôm nay, các đại biểu thảo luận về những hạn chế, tồn tại.\n"
    "Đánh giá chung\n"
    "Chia sẻ kinh nghiệm, các đại biểu đề nghị tăng cường phối hợp.\n"
    "Nguồn lực xã hội hóa được huy động hơn 136 tỷ đồng.\n"
)


def test_content_mentioning_furniture_words_survives():
    assert find_boilerplate(CONTENT) == []


@pytest.mark.parametrize("line, kind", [
    ("Lượt xem: 1.234", "visitor_counter"),
    ("Số lượt truy cập: 12.345", "visitor_counter"),
    ("  • Đang online 15", "visitor_counter"),
    ("Đánh giá bài viết", "rating_widget"),
    ("Chia sẻ | Gửi email | In bài viết", "share_widget"),
    ("Facebook Zalo", "share_widget"),
    ("Tags: dân vận, Mặt trận Tổ quốc, Bắc Giang", "site_header"),
    ("Từ khóa: dân vận khéo", "site_header"),
    ("Từ khoá: dân vận khéo", "site_header"),  # old tone placement
    ("Trang chủ > Tin tức > Thời sự", "site_header"),
    ("Nguồn: Sở Lao động - Thương binh và Xã hội", "source_line"),
    ("(Theo TTXVN)", "source_line"),
    ("Bài, ảnh: Minh Anh", "source_line"),
])
def test_furniture_variants_of_other_sites(line, kind):
    text = CONTENT + line + "\n" + CONTENT
    spans = find_boilerplate(text)
    assert [(s.kind, s.text) for s in spans] == [(kind, line)]


@pytest.mark.parametrize("heading", ["Tin cùng chuyên mục", "Các tin đã đưa:", "CÁC TIN KHÁC",
                                     "» Tin liên quan", "Bài viết liên quan"])
def test_trailer_variants_mark_everything_after_them(heading):
    heading = unicodedata.normalize("NFC", heading)
    trailer = heading + "\nHội Nông dân tỉnh Cà Mau tổ chức hội nghị.\n\nTổng Bí thư làm việc tại Quảng Đông."
    text = CONTENT * 2 + trailer
    spans = find_boilerplate(text)
    assert [(s.kind, s.text) for s in spans] == [("trailer", trailer)]


def test_nfd_text_is_matched_like_nfc():
    nfd = unicodedata.normalize("NFD", "Thống kê truy cập\nHôm nay2,057")
    assert line_key(nfd.split("\n")[0]) == "thống kê truy cập"
    spans = find_boilerplate(nfd)
    assert kinds(spans) == ["visitor_counter"]


def test_early_related_box_does_not_swallow_the_report():
    text = ("Hội nghị tổng kết công tác dân vận năm 2023\n"
            "Tin liên quan\n"
            "Bắc Giang: Tổng kết phong trào Dân vận khéo\n"
            "Cà Mau: Ngày hội Đại đoàn kết\n\n"
            + CONTENT * 3)
    spans = find_boilerplate(text)
    assert kinds(spans) == ["trailer"]
    assert spans[0].text == "Tin liên quan\nBắc Giang: Tổng kết phong trào Dân vận khéo\nCà Mau: Ngày hội Đại đoàn kết"
    assert "Ban Dân vận Tỉnh ủy đã hướng dẫn" in mask_boilerplate(text, spans)


def test_pagination_needs_a_counting_run():
    counting = CONTENT + "1\n\u0020\n2\n \n3\nTrang sau\n"
    assert [(s.kind, s.text) for s in find_boilerplate(counting)] == \
        [("pagination", "1\n \n2\n \n3\nTrang sau")]
    assert find_boilerplate(CONTENT + "1 2 3 4 5\n")[0].kind == "pagination"
    # numbers that do not count up, or a numbered list with text, are content
    assert find_boilerplate(CONTENT + "2023\n\n15\n\n7\n") == []
    assert find_boilerplate(CONTENT + "1\nTăng cường phối hợp.\n2\nĐổi mới nội dung.\n3\n") == []


def test_duplicates_only_for_short_adjacent_repeats():
    long_line = CONTENT.split("\n")[0] * 5  # a long paragraph, not a caption
    text = ("Các đại biểu dự hội nghị.\n\nCác đại biểu dự hội nghị.\n"
            + long_line + "\n" + long_line + "\n"
            + "Quang cảnh hội nghị\nĐồng chí Bí thư phát biểu.\nQuang cảnh hội nghị\n")
    spans = find_boilerplate(text)
    assert [(s.kind, s.start) for s in spans] == [("duplicate_caption", text.index("Các", 1))]


def test_mask_keeps_length_and_newlines():
    text = CONTENT + "Gửi phản hồi\nIn bài viết\n" + CONTENT
    spans = find_boilerplate(text)
    masked = mask_boilerplate(text, spans)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    start = text.index("Gửi phản hồi")
    assert masked[start:start + len("Gửi phản hồi\nIn bài viết")] == " " * 12 + "\n" + " " * 11
    assert masked.replace(" ", "") != text.replace(" ", "")
    assert mask_boilerplate(text, []) == text


def test_boilerplate_table(seeds):
    documents = pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        "text": [seeds["000"][1], seeds["001"][1], seeds["003"][1]],
    })
    table = boilerplate_table(documents)
    assert list(table.columns) == ["doc_id", "start", "end", "kind", "text"]
    assert set(table["doc_id"]) == {"a", "c"}
    texts = dict(zip(documents["doc_id"], documents["text"]))
    for row in table.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    assert table[table["doc_id"] == "c"]["kind"].tolist() == ["share_widget"]
    empty = boilerplate_table(documents.iloc[[1]])
    assert empty.empty and list(empty.columns) == list(table.columns)


def test_pattern_file_is_written_in_match_form():
    with open(data_file(PATTERNS_FILE), encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    assert set(spec) <= set(BOILERPLATE_KINDS)
    for kind, rules in spec.items():
        for entry in (rules.get("phrases") or []) + (rules.get("counters") or []):
            assert line_key(str(entry)) == str(entry) or not line_key(str(entry)), (kind, entry)


def test_mask_blanks_overlapping_and_unordered_spans_once():
    text = "một hai\nba bốn\nnăm"
    masked = mask_boilerplate(text, [(9, 14), (-3, 3), (2, 5), (20, 40), (6, 2)])
    assert masked == "     ai\nb     \nnăm"


def test_long_lines_keep_their_letters_but_count_like_keys():
    # Keys of lines longer than any rule skip match_form; rules only count their words.
    from dvlib.load.boilerplate import _line_keys, _lines, load_rules

    long_line = "• Ủy ban MTTQ  tỉnh " + "HOÀ bình " * 40 + "kết thúc."
    text = f"Chia sẻ\n{long_line}\n1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32"
    lines = _lines(text)
    keys = _line_keys(lines, load_rules())
    full = [line_key(raw) for _, _, raw in lines]
    assert keys[0] == full[0] and keys[2] == full[2]  # short and number lines: the real key
    assert keys[1] != full[1] and keys[1].startswith("Ủy ban MTTQ tỉnh HOÀ")
    assert len(keys[1]) == len(full[1]) and len(keys[1].split()) == len(full[1].split())
    assert keys[1].endswith("kết thúc.") and full[1].endswith("kết thúc.")


# --------------------------------------------------------------------------- other report styles


BODY = (
    "Năm 2024, ban dân vận các cấp đã tham mưu cấp ủy ban hành 125 văn bản về công tác dân vận.\n"
    "Phong trào thi đua “Dân vận khéo” được triển khai rộng khắp, với 860 mô hình được công nhận.\n"
    "Tuy nhiên, việc nắm tình hình Nhân dân ở một số xã vùng cao còn chậm.\n"
    "Năm 2025, các cấp tập trung vận động Nhân dân đồng thuận với chủ trương sắp xếp bộ máy.\n"
)


@pytest.mark.parametrize("crumb", ["Trang chủ » Tin tức - Sự kiện » Hoạt động Mặt trận",
                                   "Trang chủ > Thời sự > Dân vận",
                                   "Home / Tin tức / Xây dựng Đảng",
                                   "Trang nhất › Chính trị"])
def test_breadcrumbs_are_site_header(crumb):
    text = crumb + "\nHội nghị giao ban Khối dân vận quý I\n" + BODY
    assert [(s.kind, s.text) for s in find_boilerplate(text)] == [("site_header", crumb)]


def test_counter_share_and_related_news_of_a_portal_page():
    text = ("Tổng kết công tác dân vận năm 2024\n27/12/2024 16:05\nLượt xem: 86\n" + BODY
            + "Chia sẻ\nTin cùng chuyên mục\nKhai mạc Hội thao khối Đảng tỉnh\n")
    got = [(s.kind, s.text) for s in find_boilerplate(text)]
    assert got == [("visitor_counter", "Lượt xem: 86"), ("share_widget", "Chia sẻ"),
                   ("trailer", "Tin cùng chuyên mục\nKhai mạc Hội thao khối Đảng tỉnh")]


LETTERHEAD = ("TỈNH ỦY QUẢNG TRỊ\nBAN DÂN VẬN\n*\nSố 45-BC/BDVTU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
              "Quảng Trị, ngày 20 tháng 6 năm 2024\n")
CLOSING = ("Nơi nhận:\n- Ban Dân vận Trung ương (b/c),\n- Thường trực Tỉnh ủy (b/c),\n- Lưu VP.\n"
           "T/M BAN DÂN VẬN\nPHÓ TRƯỞNG BAN\n(Đã ký)\nLê Thị Hạnh")
REPORT = (LETTERHEAD + "BÁO CÁO\nsơ kết công tác dân vận 6 tháng đầu năm 2024\n"
          + BODY * 2 + "Trên đây là báo cáo sơ kết công tác dân vận 6 tháng đầu năm 2024./.\n"
          + CLOSING)


def test_formal_document_letterhead_and_closing_are_document_furniture():
    spans = find_boilerplate(REPORT)
    assert [(s.kind, s.text) for s in spans] == [
        ("document_furniture", "TỈNH ỦY QUẢNG TRỊ\nBAN DÂN VẬN\n*\nSố 45-BC/BDVTU\nĐẢNG CỘNG SẢN VIỆT NAM"),
        ("document_furniture", CLOSING)]
    masked = mask_boilerplate(REPORT, spans)
    # the date line, the heading, the subject, the body and its closing formula stay
    for kept in ("Quảng Trị, ngày 20 tháng 6 năm 2024", "BÁO CÁO\nsơ kết công tác", BODY,
                 "Trên đây là báo cáo"):
        assert kept in masked


def test_document_head_reads_letterhead_number_date_heading_and_subject():
    head = document_head(REPORT)
    # the lines with words ("*" under the names is marked, but names nothing)
    assert head["letterhead"] == ["TỈNH ỦY QUẢNG TRỊ", "BAN DÂN VẬN", "Số 45-BC/BDVTU",
                                  "ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert head["number"] == "Số 45-BC/BDVTU"
    assert head["place_date"] == "Quảng Trị, ngày 20 tháng 6 năm 2024"
    assert head["heading"] == "BÁO CÁO"
    assert head["subject"] == ["sơ kết công tác dân vận 6 tháng đầu năm 2024"]


def test_formal_document_in_nfd_with_old_tone_marks():
    text = unicodedata.normalize("NFD", REPORT.replace("TỈNH ỦY", "TỈNH UỶ"))
    text = unicodedata.normalize("NFC", text)  # as read_report hands it on
    assert [s.kind for s in find_boilerplate(text)] == ["document_furniture"] * 2
    assert document_head(unicodedata.normalize("NFD", REPORT))["heading"] == "BÁO CÁO"


def test_state_letterhead_and_heading_with_its_subject_in_capitals():
    text = ("ỦY BAN MTTQ VIỆT NAM\nTỈNH NAM ĐỊNH\nSố: 112/BC-MTTQ-BTT\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Nam Định, ngày 05 tháng 01 năm 2025\n"
            "BÁO CÁO TỔNG KẾT CÔNG TÁC MẶT TRẬN NĂM 2024\n" + BODY)
    spans = find_boilerplate(text)
    assert [(s.kind, s.text.split("\n")[-1]) for s in spans] == \
        [("document_furniture", "Độc lập - Tự do - Hạnh phúc")]
    head = document_head(text)
    assert head["heading"] == "BÁO CÁO TỔNG KẾT CÔNG TÁC MẶT TRẬN NĂM 2024" and head["subject"] == []


def test_capital_headline_under_a_banner_is_no_letterhead():
    # neither a document number nor a heading: a site banner and a news headline in capitals
    text = ("ĐẢNG CỘNG SẢN VIỆT NAM\nBAN DÂN VẬN TỈNH ỦY TỔNG KẾT CÔNG TÁC NĂM 2024\n"
            "Thứ sáu - 27/12/2024 09:00\n" + BODY)
    assert [s.kind for s in find_boilerplate(text)] == []
    assert document_head(text)["letterhead"] == []


def test_closing_needs_a_receivers_list_or_a_letterhead():
    news = BODY * 2 + "Phát biểu kết luận, đồng chí Trưởng ban đánh giá cao kết quả đạt được.\nTRƯỞNG BAN\n"
    assert all(s.kind != "document_furniture" for s in find_boilerplate(news))
    # "nơi nhận" inside a content sentence, early in the text, is content
    text = "Nơi nhận hỗ trợ là các hộ nghèo ở xã biên giới.\n" + BODY * 2
    assert find_boilerplate(text) == []
    # a receivers list alone (the letterhead lost in a copy) is enough
    copy = BODY * 2 + "Nơi nhận:\n- Như trên;\n- Lưu VT.\n"
    assert [(s.kind, s.text) for s in find_boilerplate(copy)] == \
        [("document_furniture", "Nơi nhận:\n- Như trên;\n- Lưu VT.")]


@pytest.mark.parametrize("byline", ["Minh Châu", "Quốc Tuấn - Ban Dân vận Huyện ủy",
                                    "Ngọc Ánh (Hội LHPN tỉnh)", "NGUYỄN HẢI"])
def test_name_bylines_closing_an_article(byline):
    text = "Hội nghị giao ban Khối dân vận quý I\n" + BODY + byline + "\n"
    assert [(s.kind, s.text) for s in find_boilerplate(text)] == [("source_line", byline)]


@pytest.mark.parametrize("last", ["Đánh giá chung", "Kết quả cụ thể như sau",
                                  "Hội nghị kết thúc cùng ngày.", "Năm 2025"])
def test_last_lines_that_are_not_bylines(last):
    text = "Hội nghị giao ban Khối dân vận quý I\n" + BODY + last + "\n"
    assert find_boilerplate(text) == []


def test_capital_name_under_the_headline_is_a_byline_but_a_body_is_not():
    text = "Hội nghị giao ban Khối dân vận quý I\nTRẦN LAN\nThứ ba, 08/10/2024 | 18:42\n" + BODY
    assert [(s.kind, s.text) for s in find_boilerplate(text)] == [("source_line", "TRẦN LAN")]
    # capitals that are not a person's name ("BAN" is no surname)
    text = "Hội nghị giao ban Khối dân vận quý I\nBAN DÂN VẬN\n" + BODY
    assert find_boilerplate(text) == []


def test_photo_credit_closing_a_caption_is_marked_alone():
    caption = "Lãnh đạo tỉnh trao quà cho hộ nghèo. Ảnh: Văn Hùng"
    text = BODY + caption + "\n" + BODY
    spans = find_boilerplate(text)
    assert [(s.kind, s.text) for s in spans] == [("source_line", "Ảnh: Văn Hùng")]
    assert spans[0].end == text.index(caption) + len(caption)
    for caption, credit in (("Quang cảnh hội nghị - Ảnh: TTXVN", "Ảnh: TTXVN"),
                            ("Quang cảnh hội nghị (Ảnh: Minh Anh)", "(Ảnh: Minh Anh)"),
                            ("Quang cảnh hội nghị. Ảnh minh hoạ: Tư liệu", "Ảnh minh hoạ: Tư liệu")):
        assert [s.text for s in find_boilerplate(BODY + caption + "\n" + BODY)] == [credit]
    # "Ảnh hưởng ..." opening a sentence is content; so is a long tail after "Ảnh:"
    for line in ("Hội nghị kết thúc. Ảnh hưởng của bão số 3 còn kéo dài.",
                 "Quang cảnh hội nghị. Ảnh: các đại biểu thảo luận về nhiều vấn đề trong năm"):
        assert find_boilerplate(BODY + line + "\n" + BODY) == []
