"""Document features of the family classifier (dvlib/label/document.py) on written snippets."""
import pandas as pd

from dvlib.label.document import document_features
from dvlib.label.lexicon import load_cue_lexicon
from dvlib.label.sections import feature_batches


def _rows(*docs):
    frames = [pd.DataFrame({"doc_id": d, "sentence_index": range(len(lines)), "text": list(lines)})
              for d, lines in docs]
    sents = pd.concat(frames, ignore_index=True)
    rows, ids = [], []
    for pos, batch, _ in feature_batches(sents, load_cue_lexicon()):
        rows += batch
        ids += sents["doc_id"].iloc[pos].tolist()
    return rows, ids


def test_a_feature_on_one_model_and_a_conference_report_differ():
    feature = ("f", ["Mô hình “Tổ tiết kiệm phum sóc” ở ấp Prey Chóp",
                     "Mô hình “Tổ tiết kiệm phum sóc” do Hội LHPN xã thành lập năm 2019.",
                     "Mỗi tháng, các thành viên góp 50.000 đồng, luân phiên nhau vay không lãi.",
                     "Đến nay, tổ đã giúp 96 lượt chị em vay vốn."])
    report = ("r", ["Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác năm 2023.",
                    "Năm 2023, các cấp hội vận động được 12 tỷ đồng.",
                    "Thời gian tới, cần tập trung nắm chắc tình hình nhân dân."])
    rows, ids = _rows(feature, report)
    feats = document_features(rows, ids)
    by_doc = {d: [f for f, i in zip(feats, ids) if i == d] for d in ("f", "r")}
    assert by_doc["f"][0]["doc_model"] > 0.4 and by_doc["r"][0]["doc_model"] == 0
    # how the model works (monthly contributions, taking turns) vs what it achieved
    assert by_doc["f"][2]["mechanism"] == 1.0 and by_doc["f"][2]["mechanism_x_doc_model"] > 0
    assert by_doc["f"][3]["doc_model_x_quantity"] > 0 and by_doc["f"][3]["doc_model_x_no_quantity"] == 0
    assert all(f["mechanism"] == 0.0 for f in by_doc["r"])


def test_review_and_plan_report_titles():
    rows, ids = _rows(("t", ["BÁO CÁO Kết quả công tác dân vận năm 2024 và phương hướng, nhiệm vụ năm 2025",
                             "Thời gian tới, các cấp hội cần đẩy mạnh chuyển đổi số.",
                             "Trên đây là báo cáo kết quả công tác dân vận năm 2024, phương hướng nhiệm vụ năm 2025."]))
    assert [f["report_title"] for f in document_features(rows, ids)] == [1.0, 0.0, 1.0]
