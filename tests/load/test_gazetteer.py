"""Places and provinces: the seeds, district-only snippets, false friends, contradictions."""
from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from dvlib.load import gazetteer
from dvlib.load.gazetteer import canonical_province, find_places, province_2025
from dvlib.load.province import infer_province, outlet_marks
from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


from conftest import masked, seed  # noqa: E402


# ---------------------------------------------------------------------------- tables

def test_tables_are_loaded_once():
    assert gazetteer._tables() is gazetteer._tables()
    assert len(gazetteer.provinces()) == 63


@pytest.mark.parametrize("province, after", [
    ("Bắc Giang", "Bắc Ninh"), ("Bình Phước", "Đồng Nai"), ("Tuyên Quang", "Tuyên Quang"),
    ("Hà Giang", "Tuyên Quang"), ("Điện Biên", "Điện Biên"), ("Hoà Bình", "Phú Thọ"),
    ("Hòa Bình", "Phú Thọ"), ("TP.HCM", "Hồ Chí Minh"), ("Thừa Thiên Huế", "Huế"),
])
def test_province_2025(province, after):
    assert province_2025(province) == after


@pytest.mark.parametrize("name", ["", "Quảng Đông", "Chiêm Hóa", "Atlantis", None])
def test_province_2025_unknown_is_empty(name):
    assert province_2025(name) == ""
    assert canonical_province(name) == ""


@pytest.mark.parametrize("variant, canonical", [
    ("TP.HCM", "Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Hồ Chí Minh"), ("TPHCM", "Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("Thừa Thiên Huế", "Huế"),
    ("Thừa Thiên - Huế", "Huế"), ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("BR-VT", "Bà Rịa - Vũng Tàu"),
    ("Đắk Lắk", "Đắk Lắk"), ("Đắc Lắk", "Đắk Lắk"), ("Hòa Bình", "Hoà Bình"),
    ("Hoà Bình", "Hoà Bình"), ("tỉnh Bắc Giang", "Bắc Giang"),
    (unicodedata.normalize("NFD", "Tuyên Quang"), "Tuyên Quang"),
])
def test_canonical_province_variants(variant, canonical):
    assert canonical_province(variant) == canonical


def test_data_files_name_real_places():
    """Every stoplist entry and alias names a unit the gazetteer knows (no silent typos)."""
    index = gazetteer._tables()[0]
    with open(data_file("place_stoplist.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            entries = index.get(gazetteer._key(row["name"]), [])
            assert any(e.level == row["level"] for e in entries), row["name"]
    with open(data_file("province_aliases.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert canonical_province(row["alias"]) == row["province"], row["alias"]
    with open(data_file("outlet_marks.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert row["province"] == "" or row["province"] in gazetteer.provinces()


# ---------------------------------------------------------------------------- find_places

def test_offsets_point_into_the_text():
    text = "Ban Dân vận Huyện ủy Chiêm Hóa và UBND tỉnh Bắc Giang; TP.HCM; Thừa Thiên - Huế."
    places = find_places(text)
    assert [p["canonical"] for p in places] == ["Chiêm Hóa", "Bắc Giang", "Hồ Chí Minh", "Huế"]
    for p in places:
        assert text[p["start"]:p["end"]] == p["name"]


def test_nfd_and_old_tone_marks_match_and_keep_the_spelling():
    text = unicodedata.normalize("NFD", "Ban Dân vận Huyện uỷ Chiêm Hoá tổ chức hội nghị")
    (p,) = find_places(text)
    assert p["canonical"] == "Chiêm Hóa" and p["province"] == "Tuyên Quang"
    assert p["name"] == nfc("Chiêm Hoá")  # the report's own spelling
    assert nfc(text)[p["start"]:p["end"]] == p["name"]


def test_typed_and_bare_mentions():
    places = find_places("Lãnh đạo huyện Chiêm Hóa, tỉnh Tuyên Quang và Phú Riềng dự.")
    got = [(p["canonical"], p["level"], p["typed"]) for p in places]
    assert got == [("Chiêm Hóa", "district", True), ("Tuyên Quang", "province", True),
                   ("Phú Riềng", "district", False)]


def test_communes_only_when_introduced():
    assert find_places("thôn Cẩm Hoàng, Xuân Cẩm") == []
    (p,) = find_places("tại thôn Cẩm Hoàng, xã Xuân Cẩm")
    assert (p["level"], p["canonical"], p["province"]) == ("commune", "Xuân Cẩm", "Bắc Giang")


def test_one_syllable_names_need_a_type_word():
    assert find_places("Về Vinh, về Huế") == []
    assert [p["province"] for p in find_places("thành phố Vinh và thành phố Huế")] == \
        ["Nghệ An", "Huế"]


def test_type_word_chooses_between_units_of_the_same_name():
    """Hòa Bình is a province, its capital city, and a district of Bạc Liêu."""
    got = [(p["level"], p["province"]) for p in find_places(
        "tỉnh Hòa Bình; thành phố Hòa Bình; huyện Hòa Bình")]
    assert got == [("province", "Hoà Bình"), ("district", "Hoà Bình"), ("district", "Bạc Liêu")]
    # Quảng Ninh is a province, and a district of Quảng Bình
    assert find_places("huyện Quảng Ninh")[0]["province"] == "Quảng Bình"
    assert find_places("Quảng Ninh")[0]["province"] == "Quảng Ninh"


def test_shared_district_names_are_ambiguous_unless_a_province_is_named():
    (p,) = find_places("Huyện Châu Thành tổ chức hội nghị.")
    assert p["ambiguous"] and p["province"] == ""
    places = find_places("Huyện Châu Thành, tỉnh Tiền Giang tổ chức hội nghị.")
    assert places[0]["province"] == "Tiền Giang" and not places[0]["ambiguous"]
    assert find_places("MTTQ huyện Phú Tân; tỉnh An Giang")[0]["province"] == "An Giang"


@pytest.mark.parametrize("text", [
    "Hội Cựu chiến binh xây dựng cuốn sách “Anh hùng, chiến sĩ tham gia chiến dịch Điện Biên Phủ”.",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; Đoàn TNCS Hồ Chí Minh",
    "Nhân dân mong muốn hòa bình, thống nhất đất nước; thanh xuân gắn với bình minh mới.",
    "Đồng chí Nguyễn Văn Lâm phát biểu; ông Trần Thanh Sơn và bà Nguyễn Thị Mai Châu cùng dự.",
    "Các đồng chí: Mai Sơn, Lâm Thị Hương Thành tặng hoa chúc mừng.",
    "Đoàn đã dâng hương tại Côn Đảo, thăm đường Hai Bà Trưng; bảo vệ chủ quyền Hoàng Sa, Trường Sa.",
    "Nước sông Cầu dâng cao; chiến thắng Sông Lô; Báo Hà Nội Mới đưa tin.",
    "VÌ MỘT THẾ GIỚI HÒA BÌNH VÀ THỐNG NHẤT",
    "Kỷ niệm ngày Dinh Thống Nhất; Hội trường Ba Đình; Chủ tịch Hồ Chí Minh.",
])
def test_false_friends_are_not_places(text):
    assert find_places(text) == []


def test_seed_false_friends():
    """No place in seed 001; only the dateline-free battle name in seed 004."""
    assert find_places(seed("001")) == []
    assert find_places(seed("004")) == []


# ---------------------------------------------------------------------------- infer_province

@pytest.mark.parametrize("prefix, province, phrase", [
    ("000", "Bắc Giang", "province Bắc Giang"),
    ("001", "", "no place named"),
    ("002", "Bình Phước", "district Phú Riềng (Bình Phước)"),
    ("003", "Tuyên Quang", "district Chiêm Hóa (Tuyên Quang)"),
    ("004", "Điện Biên", "dateline 'ĐBP -'"),
])
def test_seeds(prefix, province, phrase):
    got = infer_province(masked(seed(prefix)))
    assert got["province"] == province
    assert phrase in got["evidence"]


def test_seed_000_trailer_is_no_evidence():
    text = seed("000")
    assert "Cà Mau" in {p["province"] for p in find_places(text)}  # in the trailer
    got = infer_province(masked(text))
    assert got["province"] == "Bắc Giang" and "Cà Mau" not in got["evidence"]


def test_seed_002_author_beats_a_passing_mention():
    got = infer_province(masked(seed("002")))
    assert got["district"] == "Phú Riềng"
    assert "Ban Dân vận Tỉnh ủy Bình Phước" in got["evidence"]
    assert "Hồ Chí Minh" in got["evidence"]  # TP.HCM is mentioned, and reported


def test_seed_003_names_no_province():
    got = infer_province(masked(seed("003")))
    assert got["evidence"].endswith("no province named")
    assert got["district"] == "Chiêm Hóa"


def test_seed_004_battle_is_not_evidence_without_the_dateline():
    text = masked(seed("004"))
    assert text.startswith("ĐBP - ")
    assert infer_province(text[len("ĐBP - "):])["province"] == ""


def test_seed_001_sông_lam_is_a_hint_only():
    got = infer_province(seed("001"))
    assert got["province"] == ""
    assert "hint not used: Tạp chí Sông Lam (Nghệ An)" in got["evidence"]


@pytest.mark.parametrize("text, province", [
    ("Cùng dự có lãnh đạo huyện Chiêm Hóa.", "Tuyên Quang"),
    ("Tại Phú Riềng, các đại biểu dâng hương.", "Bình Phước"),
    ("Hiệp Hòa đã có 100% xã đạt chuẩn nông thôn mới.", "Bắc Giang"),
    ("UBND huyện Chiêm Hoá tổ chức hội nghị.", "Tuyên Quang"),
    (unicodedata.normalize("NFD", "Ban Dân vận Huyện ủy Chiêm Hóa tổ chức hội nghị."), "Tuyên Quang"),
])
def test_district_only_snippets(text, province):
    got = infer_province(text)
    assert got["province"] == province
    assert "no province named" in got["evidence"]


@pytest.mark.parametrize("text", [
    "",
    "Thường trực Tỉnh ủy tổ chức giao ban với Mặt trận Tổ quốc và các đoàn thể tỉnh.",
    "Huyện Châu Thành tổ chức hội nghị tổng kết.",
])
def test_no_evidence_gives_no_province(text):
    assert infer_province(text)["province"] == ""


@pytest.mark.parametrize("text", [
    "Đoàn công tác tỉnh Bắc Giang đến thăm và làm việc tại tỉnh Lạng Sơn.",
    "Đoàn đi học tập kinh nghiệm tại Thừa Thiên - Huế và Bà Rịa-Vũng Tàu.",
    "Huyện Chiêm Hóa và huyện Hiệp Hòa ký kết giao ước thi đua.",
])
def test_contradictory_evidence_gives_no_province(text):
    got = infer_province(text)
    assert got["province"] == ""
    assert "contradictory" in got["evidence"]


def test_the_author_settles_a_visit():
    text = ("Ban Dân vận Tỉnh ủy Bắc Giang tiếp và làm việc với đoàn công tác tỉnh Lạng Sơn "
            "về công tác dân vận.")
    got = infer_province(text)
    assert got["province"] == "Bắc Giang"
    assert "from: Ban Dân vận Tỉnh ủy Bắc Giang" in got["evidence"]


def test_the_outlet_settles_a_visit_and_contradictory_outlets_do_not():
    text = "Đoàn công tác tỉnh Lai Châu đến thăm, làm việc tại tỉnh Điện Biên."
    assert infer_province(text)["province"] == ""
    assert infer_province("ĐBP - " + text)["province"] == "Điện Biên"
    assert infer_province(text, outlet="Báo Lai Châu")["province"] == "Lai Châu"
    got = infer_province("ĐBP - " + text, outlet="Báo Lai Châu")
    assert got["province"] == "" and "contradictory outlet" in got["evidence"]


def test_an_outlet_does_not_override_a_text_about_another_province():
    text = "BGĐT - Sáng 5/3, Ban Dân vận Tỉnh ủy Lạng Sơn tổ chức hội nghị tại tỉnh Lạng Sơn."
    got = infer_province(text)
    assert got["province"] == "" and "not Bắc Giang" in got["evidence"]


def test_city_papers_with_national_coverage_are_no_evidence():
    assert infer_province("Nội dung.\nTheo SGGP\n")["province"] == ""
    assert infer_province("Nội dung.", outlet="Báo Hà Nội Mới")["province"] == ""


def test_outlet_marks():
    marks = outlet_marks("Nội dung.\n\nTheo Báo BGĐT\n")
    assert [(m["where"], m["province"]) for m in marks] == [("source", "Bắc Giang")]
    assert outlet_marks("ĐBP - Chiều nay")[0]["where"] == "dateline"
    # "ĐBP" inside a sentence is not a dateline (and the paper's name is the battle's)
    assert outlet_marks("Chiến thắng ĐBP là mốc son") == []
    assert outlet_marks("Nguồn: Báo Sóc Trăng")[0]["province"] == "Sóc Trăng"


@pytest.mark.parametrize("text, province", [
    ("Sáng 15/12, Ban Dân vận Tỉnh ủy Sóc Trăng tổ chức hội nghị tổng kết công tác dân vận năm "
     "2023 tại huyện Châu Thành. Đồng chí Lâm Hoàng Nghiệp chủ trì. Mô hình dân vận khéo ở thị xã "
     "Ngã Năm, huyện Mỹ Tú được nhân rộng.", "Sóc Trăng"),
    ("Ban Dân vận Tỉnh ủy Quảng Nam tổ chức hội nghị sơ kết. Tại huyện Núi Thành, Tiên Phước và "
     "Duy Xuyên, mô hình “Dân vận khéo” phát huy hiệu quả; thành phố Tam Kỳ, thành phố Hội An "
     "tổ chức đối thoại với nhân dân. Đồng chí Phan Việt Cường dự.", "Quảng Nam"),
    ("Tiếp tục chương trình công tác tại Cà Mau, sáng 17/11, Tổng Bí thư đã đến dự Ngày hội Đại "
     "đoàn kết toàn dân tộc tại ấp Mũi, xã Đất Mũi, huyện Ngọc Hiển, tỉnh Cà Mau.", "Cà Mau"),
    ("Công tác dân vận ở Quảng Ngãi: huyện Sơn Tịnh, Bình Sơn, Trà Bồng và thị xã Đức Phổ tổ "
     "chức học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.", "Quảng Ngãi"),
    ("MTTQ huyện Châu Phú, thị xã Tân Châu (An Giang) vận động xây 120 nhà Đại đoàn kết; huyện "
     "Phú Tân hỗ trợ hộ nghèo. Ban Dân vận Tỉnh ủy An Giang kiểm tra.", "An Giang"),
    ("Ban Dân vận Thành ủy Cần Thơ phối hợp quận Ninh Kiều, huyện Cờ Đỏ tổ chức tọa đàm; thành "
     "phố Cần Thơ có 85 mô hình dân vận khéo.", "Cần Thơ"),
])
def test_reports_from_other_provinces(text, province):
    assert infer_province(text)["province"] == province


def test_no_wrong_province_in_ordinary_prose():
    """The seeds' report sentences (gold labels other than "other": no trailer, no guest list)
    never point to another province than the report's, sentence by sentence."""
    with open(data_file("gold_seed_sentences.csv"), encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label"] != "other"]
    assert len(rows) > 100
    wrong = []
    for r in rows:
        got = infer_province(r["sentence"])["province"]
        if got and got != r["province"]:
            wrong.append((r["file"], r["sentence"][:60], got))
    assert wrong == []


def test_match_form_length_assumption_holds_for_seeds():
    for p in CORPUS.glob("*.txt"):
        t = p.read_text(encoding="utf-8")
        assert len(match_form(t)) == len(nfc(t))


def test_forms_of_a_padded_text_are_its_own():
    text = seed("001")
    for t in (text, "\n  " + text.strip() + " \n\n", unicodedata.normalize("NFD", text) + "\n"):
        n, tones, mf = gazetteer.text_forms(t)
        assert (n, mf) == (nfc(t), match_form(t))
        assert tones.lower() == mf and len(tones) == len(n)


def test_lower_case_names_count_only_after_a_type_word():
    places = find_places("về xã tân an và tân an, huyện chiêm hóa; Chiêm Hóa")
    assert [(p["name"], p["typed"]) for p in places] == [
        ("tân an", True), ("chiêm hóa", True), ("Chiêm Hóa", False)]


@pytest.mark.parametrize("lead, province", [
    ("LCĐT - Sáng 12/7, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết.", "Lào Cai"),
    ("(BKT) - Cán bộ, đảng viên đã cùng đồng bào thay đổi nếp nghĩ, cách làm.", "Kon Tum"),
    ("(BNB) - Ngày 7/1, Ủy ban MTTQ Việt Nam tỉnh tổ chức hội nghị tổng kết.", "Ninh Bình"),
    ("(BHG) - Sáng 22/5, Ban Thường vụ Tỉnh ủy tổ chức hội nghị.", "Hà Giang"),
    ("(ĐK) - Sáng 10-4-2025, Khối dân vận tỉnh tổ chức giao ban quý I.", "Bến Tre"),
    ("(STO) - Sáng 28/9, Ban Thường vụ Tỉnh ủy tổ chức hội nghị.", "Sóc Trăng"),
])
def test_datelines_of_provincial_papers_say_where_a_report_is_from(lead, province):
    got = infer_province("Hội nghị giao ban Khối dân vận\n" + lead)
    assert got["province"] == province and "dateline" in got["evidence"]


def test_short_codes_count_only_as_datelines():
    # "ĐK", "STO" inside a sentence or a list are not the papers
    assert outlet_marks("Hồ sơ đăng ký (ĐK) - cấp đổi được giải quyết đúng hạn.") == []
    assert outlet_marks("Kinh phí hỗ trợ ĐK - 12 triệu đồng") == []
    assert [(m["where"], m["province"]) for m in outlet_marks("Nguồn: Báo Đồng Khởi")] == \
        [("source", "Bến Tre")]
    # a source line naming the paper in full, and its abbreviation anywhere
    assert outlet_marks("Theo Báo Lào Cai")[0]["outlet"] == "Báo Lào Cai điện tử (LCĐT)"
    assert outlet_marks("Bài viết đăng trên LCĐT cho biết.")[0]["where"] == "anywhere"


def test_outlet_marks_table_is_consistent():
    with open(data_file("outlet_marks.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["mark"] for r in rows}) == len(rows)
    # one outlet, one spelling of the province it comes from
    by_outlet = {}
    for r in rows:
        if r["outlet"]:
            by_outlet.setdefault(r["outlet"], set()).add(r["province"])
    assert all(len(p) == 1 for p in by_outlet.values()), by_outlet
