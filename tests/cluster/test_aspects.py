"""Aspect tagging: the known false findings are gone, matching is robust, precision floor."""
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from dvlib.cluster import claim_aspects, tag_aspects

GOLD = Path(__file__).resolve().parents[2] / "evaluation" / "aspects" / "claims_gold.csv"


def aspects(text, family="limitation"):
    return set(claim_aspects(text, family))


# The known false findings of the sentence-level codebook (issue 10), written as snippets.
@pytest.mark.parametrize("text,family,wrong", [
    ("Công tác báo cáo của một số cơ quan về Ban Vận động quần chúng liên ngành còn chậm.",
     "limitation", "tuyen_truyen"),
    ("Tại hội nghị giao ban, các đại biểu nêu khó khăn trong việc tập hợp đoàn viên thanh niên.",
     "limitation", "phoi_hop"),
    ("Công tác nắm tình hình tội phạm lừa đảo trên không gian mạng còn hạn chế.",
     "limitation", "chuyen_doi_so"),
    ("Người đứng đầu một số cơ quan, doanh nghiệp nhận thức chưa đầy đủ về quy chế dân chủ.",
     "limitation", "cong_nhan_lao_dong"),
    ("Làm tốt công tác tiếp dân, đối thoại trực tiếp với công dân, doanh nghiệp.",
     "priority", "cong_nhan_lao_dong"),
    ("Thực hiện các cuộc điều tra xã hội học để nắm bắt tâm tư của nhân dân.",
     "priority", "dan_toc_ton_giao"),
    ("Nâng cao chất lượng các trang thông tin điện tử của các đơn vị.", "priority",
     "dan_toc_ton_giao"),
    ("Toàn tỉnh đã vận động hơn 136 tỷ đồng Quỹ Vì người nghèo.", "achievement", "tuyen_truyen"),
    ("Tăng cường phối hợp vận động đoàn viên, hội viên và nhân dân thực hiện chủ trương.",
     "achievement", "doan_vien_hoi_vien"),
    ("Hội Nông dân tỉnh phối hợp tổ chức hội nghị cho cán bộ cấp ủy về chương trình OCOP.",
     "achievement", "to_chuc_can_bo"),
    ("Hội Nông dân tỉnh tổ chức hội nghị cho cán bộ, hội viên về chương trình OCOP.",
     "achievement", "doan_vien_hoi_vien"),
    ("Tỉnh đoàn phối hợp với Sở Thông tin và truyền thông thành lập 209 tổ công nghệ số.",
     "achievement", "phoi_hop"),
    ("Kết quả đó góp phần đảm bảo QP-AN trên địa bàn tỉnh.", "achievement",
     "quoc_phong_an_ninh"),
    ("Công tác dân vận góp phần phát triển kinh tế - xã hội của địa phương.", "achievement",
     "kinh_te_nong_nghiep"),
    ("Đảm bảo an ninh lương thực cho người dân.", "priority", "quoc_phong_an_ninh"),
    ("Quán triệt Nghị quyết số 25-NQ/TW về công tác dân tộc, tôn giáo cho cán bộ chủ chốt.",
     "priority", "dan_toc_ton_giao"),
])
def test_known_false_findings_gone(text, family, wrong):
    assert wrong not in aspects(text, family)


@pytest.mark.parametrize("text,family,right", [
    ("Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao.", "limitation", "tuyen_truyen"),
    ("Một số cơ quan liên quan chưa tích cực phối hợp trong công tác này.", "limitation",
     "phoi_hop"),
    ("Tăng cường công tác tập hợp, phát triển đoàn viên, hội viên.", "priority",
     "doan_vien_hoi_vien"),
    ("Bố trí hợp lý đối với bí thư đoàn xã quá tuổi.", "priority", "to_chuc_can_bo"),
    ("Đẩy mạnh cải cách hành chính, chuyển đổi số.", "priority", "chuyen_doi_so"),
    ("Công tác dân vận của lực lượng vũ trang đạt nhiều kết quả.", "achievement",
     "quoc_phong_an_ninh"),
    # the field of a named scheme counts in a model claim
    ("Đề án “Nhà trọ công nhân an toàn, văn minh” giai đoạn 2022-2025.", "model",
     "cong_nhan_lao_dong"),
])
def test_aspect_found(text, family, right):
    assert right in aspects(text, family)


def test_matching_ignores_case_nfd_and_tone_placement():
    base = "Công tác hòa giải và phát triển hội viên; quy chế dân chủ ở cơ sở được thực hiện tốt."
    variants = [base, base.upper(), unicodedata.normalize("NFD", base),
                base.replace("hòa", "hoà")]
    found = [aspects(v, "achievement") for v in variants]
    assert all(f == found[0] for f in found) and "qcdc" in found[0]


def test_whole_syllables_only():
    assert "quoc_phong_an_ninh" not in aspects("Ban ninh thôn tổ chức họp dân.", "achievement")
    assert "dan_van_kheo" not in aspects("Phong trào dân vận kheo khư được nêu.", "achievement")


def test_no_aspect_for_framing_and_none_is_allowed():
    claims = pd.DataFrame({"text": ["Tuy nhiên, công tác tuyên truyền vẫn còn hạn chế.",
                                    "Hội nghị diễn ra trong không khí phấn khởi."],
                           "family": ["limitation", "other"], "framing": [True, False]})
    out = tag_aspects(claims)
    assert list(out["aspects"]) == ["", ""] and list(out["aspect_terms"]) == ["", ""]


def test_aspect_terms_format():
    out = tag_aspects(pd.DataFrame({"text": ["Công tác tuyên truyền và việc phối hợp chưa chặt chẽ."],
                                    "family": ["limitation"]}))
    assert out["aspects"].iloc[0] == "tuyen_truyen|phoi_hop"
    terms = dict(p.split("=", 1) for p in out["aspect_terms"].iloc[0].split("|"))
    assert terms["tuyen_truyen"] == "tuyên truyền" and "việc phối hợp" in terms["phoi_hop"]


def test_codes_keep_codebook_ids():
    from dvlib.cluster import load_codebook
    from dvlib.cluster import load_aspect_rules
    assert [c.code.id for c in load_aspect_rules().codes] == load_codebook().ids


def test_precision_floor_on_seed_gold():
    """The seed claims' gold aspects (two annotators + adjudication): the tagger on the gold
    claim texts keeps precision >= 0.90 and recall >= 0.85 (measured 0.939 / 0.914)."""
    from dvlib.claims import is_framing
    gold = pd.read_csv(GOLD, keep_default_na=False, dtype=str)
    gold = gold[gold["set"] == "seed"]  # set a is a held-out test set: never read here
    assert len(gold) > 200
    tp = fp = fn = 0
    for text, family, labels in zip(gold["claim_text"], gold["family"], gold["aspects"]):
        g = set(filter(None, labels.split("|")))
        p = set() if is_framing(text) else set(claim_aspects(text, family))
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.90 and recall >= 0.85, (precision, recall)
