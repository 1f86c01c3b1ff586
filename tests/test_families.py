"""Theme-family classifier: measured quality on the seeds (leave-one-report-out), each cue type,
section context, tense, boilerplate, held-out snippets from other provinces, API contract."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from dvlib import families as F
from dvlib.families import FAMILIES, FamilyClassifier, default_classifier, label_families

SNIPPETS = Path(__file__).parent / "data" / "family_snippets.csv"


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return F.load_gold()


@pytest.fixture(scope="module")
def loro(gold):
    return F.cross_validate_loro(gold)


@pytest.fixture(scope="module")
def model() -> FamilyClassifier:
    return default_classifier()


def doc(*texts: str, doc_id: str = "d", **extra) -> pd.DataFrame:
    """A small document: one sentence per text, in order."""
    df = pd.DataFrame({"doc_id": doc_id, "sentence_index": range(len(texts)), "text": list(texts)})
    for k, v in extra.items():
        df[k] = v
    return df


def families_of(model, *texts: str, **extra) -> list[str]:
    return list(model.predict(doc(*texts, **extra)))


# ------------------------------------------------------------------ measured quality (seeds)


def test_loro_macro_f1_on_seed_reports(loro):
    # measured 0.938 (limitation 1.00, priority 0.97, model 0.82, achievement 0.94, other 0.95)
    _, report = loro
    overall = report[report.scope == "all"].set_index("family")["f1"]
    assert overall["macro"] >= 0.90
    floors = {"limitation": 0.90, "priority": 0.90, "model": 0.65, "achievement": 0.90, "other": 0.90}
    for fam, floor in floors.items():
        assert overall[fam] >= floor, (fam, overall[fam])


def test_loro_per_report_rows_and_no_report_falls_apart(loro, gold):
    pred, report = loro
    per = report[(report.scope != "all") & (report.family == "macro")]
    assert set(per.scope) == set(gold.file)
    assert per.f1.min() >= 0.7  # measured minimum 0.74 (003, the retrospective article)
    assert len(pred) == len(gold) and (pred.index == gold.index).all()
    assert set(pred["predicted"]) <= set(FAMILIES)


def test_loro_never_scores_a_sentence_with_a_model_that_saw_it(gold, monkeypatch):
    seen: list[set] = []
    original_fit = FamilyClassifier.fit

    def spy_fit(self, sentences, y=None):
        seen.append(set(sentences["file"]))
        return original_fit(self, sentences, y)

    original_transform = FamilyClassifier.transform
    scored: list[set] = []

    def spy_transform(self, sentences):
        scored.append(set(sentences["file"]))
        return original_transform(self, sentences)

    monkeypatch.setattr(FamilyClassifier, "fit", spy_fit)
    monkeypatch.setattr(FamilyClassifier, "transform", spy_transform)
    F.cross_validate_loro(gold.head(120))  # three reports are enough to check the folds
    assert len(seen) == len(scored) == gold.head(120).file.nunique()
    for train_files, test_files in zip(seen, scored):
        assert not (train_files & test_files)


def test_rules_add_to_the_learned_model(gold, loro):
    """The hybrid beats the learned model alone (so the rules are not decoration)."""
    _, with_rules = loro
    _, without = F.cross_validate_loro(gold, rules=False)
    macro = lambda r: r[(r.scope == "all") & (r.family == "macro")].f1.iloc[0]  # noqa: E731
    assert macro(with_rules) > macro(without)


# ------------------------------------------------------------------ held-out snippets


def test_heldout_snippets_from_other_provinces(model):
    snippets = pd.read_csv(SNIPPETS, keep_default_na=False)
    assert len(snippets) >= 25 and set(snippets.label) == set(FAMILIES)
    # never trained on: nothing but generic site furniture ("Các tin khác") is also in the gold
    shared = set(snippets.text) & set(F.load_gold().text)
    assert all(len(t.split()) <= 3 for t in shared), shared
    out = model.transform(snippets)
    macro = f1_score(snippets.label, out.family, labels=list(FAMILIES), average="macro")
    assert macro >= 0.90  # measured 1.00 after fixes (blind, before fixes: batch 1 0.945, 2 0.976, 3 0.697)


# ------------------------------------------------------------------ each cue type


def test_limitation_cues(model):
    out = model.transform(doc(
        "Công tác nắm tình hình ở một số cơ sở còn chậm.",
        "Sự phối hợp giữa các đoàn thể có lúc, có nơi chưa chặt chẽ.",
    ))
    assert list(out.family) == ["limitation", "limitation"]
    assert 'cue "còn chậm" (limitation)' in out.family_evidence.iloc[0]
    assert "(limitation)" in out.family_evidence.iloc[1]


def test_limitation_lookalikes_are_masked(model):
    # solving difficulties and needy households are not shortcomings
    fams = families_of(
        model,
        "Năm 2023, Mặt trận Tổ quốc tỉnh đã vận động được 12 tỷ đồng hỗ trợ hộ có hoàn cảnh khó khăn.",
        "Các cấp ủy đã kịp thời tháo gỡ khó khăn, vướng mắc cho người dân.",
    )
    assert fams == ["achievement", "achievement"]


def test_priority_cues(model):
    out = model.transform(doc(
        "Thời gian tới, các cấp hội cần tập trung đổi mới nội dung, phương thức hoạt động.",
        "Đồng chí Bí thư Tỉnh ủy đề nghị các cấp ủy quan tâm hơn nữa đến công tác dân vận chính quyền.",
    ))
    assert list(out.family) == ["priority", "priority"]
    assert "(priority)" in out.family_evidence.iloc[0]


def test_model_cues_and_results_of_a_model(model):
    fams = families_of(
        model,
        "Các cấp hội Phụ nữ triển khai mô hình “Phụ nữ giữ gìn an ninh trật tự” và cuộc vận động “Gia đình 5 không, 3 sạch”.",
        "Nhờ đó, 95% hộ gia đình trên địa bàn đạt danh hiệu gia đình văn hóa, hơn 2.000 hộ thoát nghèo.",
    )
    assert fams == ["model", "achievement"]


def test_achievement_cues_quantities(model):
    out = model.transform(doc("Toàn tỉnh đã xây dựng 1.250 nhà đại đoàn kết với tổng kinh phí hơn 62 tỷ đồng."))
    assert out.family.iloc[0] == "achievement"
    assert "(achievement)" in out.family_evidence.iloc[0]


def test_other_framing_patterns(model):
    out = model.transform(doc(
        "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2024.",
        "Tham dự hội nghị có đồng chí Nguyễn Văn A, Phó Bí thư Thường trực Tỉnh ủy.",
        "Lượt xem: 1.234",
        "Nguồn: Báo Quảng Nam",
    ))
    assert list(out.family) == ["other"] * 4
    assert out.family_evidence.str.startswith("framing:").all()


def test_shortcoming_beats_credit_and_task_beats_model(model):
    # guide tie rules: a shortcoming inside credit is limitation; a task naming a model is priority
    fams = families_of(
        model,
        "Bên cạnh kết quả đạt được, việc nhân rộng mô hình “Dân vận khéo” ở một số nơi còn hình thức.",
        "Thời gian tới, tiếp tục nhân rộng mô hình “Dân vận khéo” trên tất cả các lĩnh vực.",
    )
    assert fams == ["limitation", "priority"]


# ------------------------------------------------------------------ section context


def test_items_after_a_limitation_leadin_are_limitations(model):
    out = model.transform(doc(
        "Năm 2023, các đoàn thể đã vận động 5.000 hội viên tham gia các phong trào.",
        "Tuy nhiên, hoạt động của các đoàn thể vẫn còn những tồn tại, hạn chế như:",
        "Kinh phí hoạt động của Ban Công tác Mặt trận ở khu dân cư rất hạn hẹp.",  # no cue word
    ))
    assert list(out.family) == ["achievement", "limitation", "limitation"]
    assert out.family_evidence.iloc[2].startswith("section: after")
    assert "hạn chế như:" in out.family_evidence.iloc[2]


def test_enumerated_items_after_a_tasks_heading_are_priorities(model):
    out = model.transform(doc(
        "Năm 2023, Ủy ban MTTQ tỉnh đã tổ chức 56 hội nghị phản biện xã hội.",
        "Nhiệm vụ trọng tâm năm 2024",
        "Thứ nhất: Quán triệt sâu sắc quan điểm “dân là gốc” trong toàn hệ thống chính trị.",
        "Thứ hai: Chăm lo đời sống đoàn viên, hội viên ở vùng đồng bào dân tộc thiểu số.",
    ))
    assert list(out.family) == ["achievement", "priority", "priority", "priority"]
    assert "Nhiệm vụ trọng tâm" in out.family_evidence.iloc[3]


def test_section_context_changes_the_label_of_the_same_sentence(model):
    item = "- Việc giải quyết đơn thư khiếu nại ở một số nơi kéo dài."
    after_limits = model.predict(doc("Hạn chế, khó khăn:", item))[1]
    alone = model.predict(doc("Năm 2023, Hội Nông dân tỉnh đã giải ngân 45 tỷ đồng vốn vay.", item))[1]
    assert after_limits == "limitation"
    assert alone != "priority"
    tasks = model.predict(doc("Để khắc phục những hạn chế trên, Ban Dân vận đề ra một số giải pháp sau:",
                              "- Tăng cường bồi dưỡng kỹ năng dân vận cho cán bộ cơ sở."))
    assert list(tasks) == ["priority", "priority"]


def test_trailer_without_boilerplate_column_is_other(model):
    out = model.transform(doc(
        "Thời gian tới, các cấp hội cần đẩy mạnh chuyển đổi số.",
        "Các tin khác",
        "Tiếp tục chương trình công tác, sáng 17/11, đồng chí Bí thư Tỉnh ủy đã thăm và làm việc tại huyện.",
        "Năm 2023, toàn tỉnh đã giải ngân 200 tỷ đồng cho hộ nghèo.",
    ))
    assert list(out.family) == ["priority", "other", "other", "other"]
    assert out.family_evidence.iloc[3].startswith('section: trailer after "Các tin khác"')


# ------------------------------------------------------------------ past versus future


def test_past_task_words_versus_future_tasks(model):
    report = doc(
        "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024.",
        "Năm 2023, MTTQ và các đoàn thể tiếp tục tăng cường công tác giám sát, phản biện xã hội.",
        "Thời gian tới, tiếp tục tăng cường công tác giám sát, phản biện xã hội.",
        "Năm 2024, MTTQ và các đoàn thể tiếp tục tăng cường công tác giám sát, phản biện xã hội.",
    )
    assert list(model.predict(report)) == ["other", "achievement", "priority", "priority"]


# ------------------------------------------------------------------ boilerplate and contract


def test_boilerplate_rows_are_other_with_full_score(model):
    out = model.transform(doc(
        "Thời gian tới, các cấp hội cần đẩy mạnh chuyển đổi số.",
        "Công tác tuyên truyền ở một số nơi chưa hiệu quả.",
        boilerplate=["", "trailer"],
    ))
    assert list(out.family) == ["priority", "other"]
    assert out.family_score.iloc[1] == 1.0
    assert out.family_evidence.iloc[1] == "boilerplate: trailer"


def test_transform_contract(model, gold):
    sample = gold.iloc[::7].copy()
    sample.index = sample.index * 10  # a non-default index is kept
    out = model.transform(sample)
    assert list(out.columns) == list(sample.columns) + ["family", "family_score", "family_evidence"]
    assert (out.index == sample.index).all()
    assert out.family_score.between(0, 1).all()
    assert (out.family_evidence.str.len() > 0).all()
    proba = model.predict_proba(sample)
    assert proba.shape == (len(sample), len(model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert (model.classes_[proba.argmax(axis=1)] == out.family.to_numpy()).all()


def test_deterministic_and_order_and_spelling_independent(model, gold):
    first = label_families(gold, model)
    again = FamilyClassifier().fit(gold).transform(gold)
    assert first.family.equals(again.family) and first.family_score.equals(again.family_score)
    shuffled = model.transform(gold.sample(frac=1, random_state=3)).loc[gold.index]
    assert shuffled.family.equals(first.family)
    nfd_old_tones = gold.assign(text=gold.text.map(
        lambda s: unicodedata.normalize("NFD", s.replace("ủy", "uỷ").replace("hóa", "hoá"))))
    assert model.predict(nfd_old_tones).tolist() == first.family.tolist()


def test_minimal_input_without_doc_or_paragraph_columns(model):
    out = label_families(pd.DataFrame({"text": ["Thời gian tới, cần tập trung nắm chắc tình hình nhân dân.", ""]}))
    assert out.family.iloc[0] == "priority" and out.family.iloc[1] in FAMILIES


def test_default_classifier_is_cached_and_fit_validates_labels(gold):
    assert default_classifier() is default_classifier()
    with pytest.raises(ValueError):
        FamilyClassifier().fit(gold.assign(label="opinion"))
    params = FamilyClassifier(C=1.5).get_params()
    assert params["C"] == 1.5 and params["random_state"] == 0


def test_lexicon_is_data_and_matches_any_spelling():
    lex = F.load_cue_lexicon()
    assert all(len(lex.cues[fam]) > 5 for fam in FAMILIES)
    text = unicodedata.normalize("NFD", "Việc phối hợp với Uỷ ban MTTQ CÒN HẠN CHẾ.")
    from dvlib.normalize import match_form, nfc
    hits = F._cue_hits(match_form(text), nfc(text), lex, "limitation")
    assert any(h[0] == "CÒN HẠN CHẾ" for h in hits)  # quoted in the report's own spelling
