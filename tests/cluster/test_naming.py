"""Sub-theme names: phrases taken from the member sentences as written (issue 10, item 3)."""
from __future__ import annotations

import json

import pandas as pd

from dvlib.cluster.naming import FALLBACK_CHARS, phrase_name
from dvlib.cluster.subthemes import SubthemeModel
from test_subthemes import fitted, seed_sentences  # noqa: F401  (shared fixtures)


def test_seed_names_are_phrases_of_their_members(fitted):
    model, out = fitted
    topics = model.topics_frame()
    for t in topics.itertuples():
        members = out.loc[out["subtheme"] == t.subtheme, "text"].tolist()
        assert t.name.strip() and "_" not in t.name
        assert any(t.name in m for m in members), (t.subtheme, t.name)
        assert t.name != " · ".join(x.replace("_", " ") for x in t.top_terms)
    # readers see the name in the sentences table too
    names = dict(zip(topics["subtheme"], topics["name"]))
    fam = out[out["subtheme"] != ""]
    assert (fam["subtheme_label"] == fam["subtheme"].map(names)).all()
    # names differ inside a family
    assert not topics.duplicated(["family", "name"]).any()


def test_obvious_phrase_is_chosen_on_a_written_corpus():
    comms = ["Công tác tuyên truyền trên mạng xã hội còn hạn chế ở {p}.",
             "Ở {p}, công tác tuyên truyền trên mạng xã hội chưa thu hút thanh niên.",
             "Nhiều cơ sở ở {p} chưa chú trọng tuyên truyền trên mạng xã hội, nhất là Zalo."]
    poor = ["Việc hỗ trợ xây nhà đại đoàn kết cho hộ nghèo ở {p} còn chậm.",
            "Nguồn lực hỗ trợ xây nhà đại đoàn kết ở {p} còn hạn chế.",
            "Ở {p}, hỗ trợ xây nhà đại đoàn kết chưa kịp thời."]
    places = ["Điện Biên", "Nghệ An", "Bắc Giang"]
    rows = []
    for i, p in enumerate(places):
        for j, (a, b) in enumerate(zip(comms, poor)):
            rows.append({"sentence_id": f"d-s{i}{j}a", "family": "limitation",
                         "text": a.format(p=p), "terms": ["tuyên_truyền", "mạng_xã_hội", "hạn_chế"]})
            rows.append({"sentence_id": f"d-s{i}{j}b", "family": "limitation",
                         "text": b.format(p=p), "terms": ["hỗ_trợ", "nhà_đại_đoàn_kết", "hạn_chế"]})
    model = SubthemeModel(min_df=1, max_df=1.0)
    out = model.fit_transform(pd.DataFrame(rows))
    assert out["subtheme"].nunique() == 2
    names = set(model.topics_frame()["name"])
    # "hỗ trợ xây nhà đại đoàn kết" has 7 syllables (> 6); "... đại đoàn" would cut a word
    assert names == {"tuyên truyền trên mạng xã hội", "xây nhà đại đoàn kết"}
    # the place names, in every member too, carry no distinctive term: never the name
    assert not any(p in n for n in names for p in places)


def test_fallback_is_the_central_first_clause_cut_at_a_word():
    central = ("Thời gian tới tiếp tục quan tâm chỉ đạo sâu sát hơn nữa đối với các cơ sở "
               "vùng sâu, vùng xa")
    name = phrase_name([central, "Một câu khác hẳn."], {"không_có": 1.0}, central)
    assert name and len(name) <= FALLBACK_CHARS and central.startswith(name)
    assert central[len(name)] == " "  # cut between words, not inside one
    assert phrase_name(["…"], {}, "…") == "…"  # never empty when there is text


def test_stopwords_numbers_and_institution_names_do_not_make_a_name():
    texts = ["Ủy ban Mặt trận Tổ quốc tỉnh giai đoạn 2021-2025 chưa kịp thời giải quyết kiến nghị.",
             "Ủy ban Mặt trận Tổ quốc tỉnh giai đoạn 2021-2025 chưa kịp thời giải quyết kiến nghị."]
    name = phrase_name(texts, {"mặt_trận": 2.0, "kiến_nghị": 1.0, "tổ_quốc": 2.0}, texts[0])
    assert "kiến nghị" in name and "Mặt trận Tổ quốc" not in name
    assert not name.split()[0].lower() in {"và", "của", "các"}


def test_names_survive_save_and_reload_and_old_models_still_load(fitted, seed_sentences, tmp_path):
    model, out = fitted
    path = model.save(tmp_path / "subthemes.json")
    again = SubthemeModel.load(path)
    pd.testing.assert_frame_equal(again.topics_frame(), model.topics_frame())
    pd.testing.assert_frame_equal(again.transform(seed_sentences), out)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [t["name"] for t in data["topics"]] == model.topics_frame().set_index(
        "subtheme").loc[[t["subtheme"] for t in data["topics"]], "name"].tolist()
    for t in data["topics"]:  # a model saved before names: its word label is the name
        del t["name"]
        t["label"] = "vận động · khó khăn"
    old = SubthemeModel.from_dict(data)
    assert set(old.transform(seed_sentences).query("subtheme != ''")["subtheme_label"]) \
        == {"vận động · khó khăn"}
