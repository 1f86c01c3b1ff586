"""Claim splitting: seed reports, gold seed sentences and written snippets."""
import re
from pathlib import Path

import pandas as pd
import pytest

from dvlib.claims import split_claims, split_sentence

GOLD = Path(__file__).resolve().parents[2] / "dvlib" / "data" / "gold_seed_sentences.csv"


@pytest.fixture(scope="module")
def seed_corpus(corpus_dir):
    """The seed reports loaded once for this module."""
    from dvlib.pipeline import load_corpus
    return load_corpus([corpus_dir], progress=False)


@pytest.fixture(scope="module")
def seed_claims(seed_corpus):
    """The seed reports labelled, split into claims and tagged."""
    from dvlib.cluster import tag_aspects
    from dvlib.pipeline import tokenize_and_label
    from dvlib.segment import content_sentences
    sentences = tokenize_and_label(seed_corpus.sentences, progress=False)
    return tag_aspects(split_claims(content_sentences(sentences, seed_corpus.documents)))


def claims_of(text: str, family: str = "limitation") -> pd.DataFrame:
    """Split one written sentence as a one-sentence document starting at offset 0."""
    sent = pd.DataFrame([{"doc_id": "d", "sentence_id": "d-s0000", "sentence_index": 0,
                          "start": 0, "end": len(text), "text": text, "family": family,
                          "boilerplate": ""}])
    return split_claims(sent)


def texts(text, family="limitation"):
    return list(claims_of(text, family)["text"])


def assert_whole_words(doc_text: str, start: int, end: int):
    """A claim never starts or ends inside a word."""
    assert not (start > 0 and doc_text[start - 1].isalnum() and doc_text[start].isalnum())
    assert not (end < len(doc_text) and doc_text[end - 1].isalnum() and doc_text[end].isalnum())


# ---------------------------------------------------------------- seed reports
@pytest.mark.slow
def test_seed_offsets_exact_and_whole_words(seed_corpus, seed_claims):
    docs = seed_corpus.documents.set_index("doc_id")["text"]
    assert len(seed_claims) > 200
    for r in seed_claims.itertuples():
        assert docs[r.doc_id][r.start:r.end] == r.text
        assert_whole_words(docs[r.doc_id], r.start, r.end)
        assert r.text == r.text.strip(" ,;:.") and r.text


@pytest.mark.slow
def test_seed_claim_ids_and_columns(seed_claims):
    assert {"doc_id", "sentence_id", "claim_id", "start", "end", "text", "family", "leadin",
            "framing"} <= set(seed_claims.columns)
    assert seed_claims["claim_id"].is_unique
    assert all(re.fullmatch(re.escape(s) + r"-c\d+", c)
               for s, c in zip(seed_claims["sentence_id"], seed_claims["claim_id"]))


def _claims_starting(seed_claims, prefix):
    sid = seed_claims.loc[seed_claims["text"].str.startswith(prefix), "sentence_id"].iloc[0]
    return seed_claims[seed_claims["sentence_id"] == sid]


@pytest.mark.slow
def test_seed_leadin_items(seed_claims):
    # Điện Biên: "... vẫn còn những tồn tại, hạn chế như: A; B; C."
    g = _claims_starting(seed_claims, "Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao")
    assert list(g["text"]) == [
        "Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao",
        "việc thực hiện cuộc vận động, phong trào thi đua ở một số nơi hiệu quả chưa rõ nét",
        "nội dung, hình thức hoạt động chưa có nhiều đổi mới"]
    assert g["leadin"].str.endswith("vẫn còn những tồn tại, hạn chế như").all()


@pytest.mark.slow
def test_seed_named_plans_keep_quotes_and_inner_semicolons(seed_claims):
    # Bắc Giang: a ";" inside a quoted Đề án title is not a split point
    g = _claims_starting(seed_claims, 'Kế hoạch "Phát huy vai trò nòng cốt')
    assert len(g) == 6
    assert g["text"].iloc[4].startswith('Đề án "Hội Nông dân các cấp làm nòng cốt')
    assert "chuỗi giá trị; xây dựng" in g["text"].iloc[4] and g["text"].iloc[4].endswith("2022-2025”")


@pytest.mark.slow
def test_seed_numbered_tasks_drop_marker_keep_leadin(seed_claims):
    g = _claims_starting(seed_claims, "Tiếp tục tham mưu lãnh đạo, chỉ đạo nâng cao nhận thức")
    assert len(g) == 1 and not g["text"].iloc[0].startswith("Thứ")
    assert g["leadin"].iloc[0].startswith("Đồng chí Lê Thị Xuân Trang đề nghị")


@pytest.mark.slow
def test_seed_framing_and_slogans(seed_claims):
    framing = seed_claims[seed_claims["framing"]]["text"]
    assert any("Dân vận khéo thì việc gì cũng thành công" in t for t in framing)
    assert any(t.startswith("4 nhiệm vụ trọng tâm") for t in framing)
    assert any("một số nội dung sau" in t for t in framing)
    # content claims are not framing
    assert not seed_claims.loc[seed_claims["text"].str.startswith(
        "Công tác tuyên truyền có lúc"), "framing"].any()


@pytest.mark.slow
def test_seed_list_of_examples_not_split(seed_claims):
    # Bình Phước: "các loại tội phạm như A, B; C ... còn những hạn chế" is one point
    g = _claims_starting(seed_claims, "Một số địa phương công tác nắm tình hình các loại tội phạm")
    assert g["text"].iloc[0].endswith("còn những hạn chế") and len(g) == 2


# ---------------------------------------------------------------- gold seed sentences
def test_gold_seed_sentences_split_cleanly():
    gold = pd.read_csv(GOLD)
    gold = gold[gold["label"] != "other"]
    n_split = 0
    for text, label in zip(gold["sentence"], gold["label"]):
        out = claims_of(text, label)
        assert len(out) >= 1
        for r in out.itertuples():
            assert text[r.start:r.end] == r.text
            assert_whole_words(text, r.start, r.end)
        n_split += len(out) > 1
        if ";" not in text and ":" not in text and "hai là" not in text.lower():
            assert len(out) == 1, text  # no ";", colon or enumerator: nothing to split
    assert n_split >= 30


# ---------------------------------------------------------------- written snippets
def test_snippet_semicolons():
    assert texts("Công tác tuyên truyền còn hạn chế; việc phối hợp giữa các ngành chưa chặt chẽ; "
                 "cán bộ cơ sở còn kiêm nhiệm nhiều việc.") == [
        "Công tác tuyên truyền còn hạn chế", "việc phối hợp giữa các ngành chưa chặt chẽ",
        "cán bộ cơ sở còn kiêm nhiệm nhiều việc"]


def test_snippet_leadin_colon():
    out = claims_of("Tuy nhiên, công tác dân vận còn một số hạn chế như: hội viên ít tham gia "
                    "sinh hoạt; kinh phí hoạt động của chi hội còn thiếu; một số nơi chưa ứng "
                    "dụng công nghệ thông tin.")
    assert list(out["text"]) == ["hội viên ít tham gia sinh hoạt",
                                 "kinh phí hoạt động của chi hội còn thiếu",
                                 "một số nơi chưa ứng dụng công nghệ thông tin"]
    assert (out["leadin"] == "Tuy nhiên, công tác dân vận còn một số hạn chế như").all()


def test_snippet_enumerators():
    assert texts("Thứ nhất, tăng cường công tác nắm tình hình nhân dân; thứ hai, đẩy mạnh "
                 "chuyển đổi số trong hoạt động của Mặt trận.", "priority") == [
        "tăng cường công tác nắm tình hình nhân dân",
        "đẩy mạnh chuyển đổi số trong hoạt động của Mặt trận"]
    assert texts("Một là, nâng cao chất lượng sinh hoạt chi hội, hai là, phát triển hội viên "
                 "ở các khu công nghiệp.", "priority") == [
        "nâng cao chất lượng sinh hoạt chi hội", "phát triển hội viên ở các khu công nghiệp"]
    assert texts("- Tiếp tục đổi mới nội dung, phương thức hoạt động.", "priority") == [
        "Tiếp tục đổi mới nội dung, phương thức hoạt động"]


@pytest.mark.parametrize("text", [
    "Huyện đã vận động được 1.234 triệu đồng, đạt 2,5 lần kế hoạch năm 2023.",
    "Triển khai Nghị quyết số 12-NQ/TU ngày 05/6/2023 của Tỉnh ủy về công tác dân vận.",
    "Đoàn công tác làm việc tại TP. Hồ Chí Minh với PGS.TS. Nguyễn Văn A về mô hình mới.",
    "MTTQ, Hội Nông dân, Hội LHPN, Đoàn Thanh niên phối hợp tổ chức ngày hội.",
    "Hội thi (gồm 3 phần: chào hỏi; kiến thức; xử lý tình huống) thu hút 40 đội tham gia.",
    "Mô hình “Dân vận khéo: gần dân; hiểu dân” được nhân rộng ở 12 xã.",
    "Lúc 14:30, hội nghị bắt đầu phiên thảo luận về công tác dân vận chính quyền.",
    "Hội thi Dân vận khéo lần thứ hai, năm 2024 thu hút đông đảo người dân tham gia.",
])
def test_snippet_never_split(text):
    assert texts(text, "achievement") == [text.rstrip(".")]


def test_snippet_short_noun_list_stays_one_claim():
    assert len(texts("Các đơn vị tham gia gồm MTTQ; Hội Nông dân; Hội LHPN.", "achievement")) == 1


def test_snippet_framing():
    for t in ["Tuy nhiên, công tác dân vận vẫn còn một số hạn chế.",
              "Bên cạnh những kết quả đạt được, vẫn còn những tồn tại, hạn chế nhất định.",
              "Bác Hồ đã dạy: “Dễ trăm lần không dân cũng chịu, khó vạn lần dân liệu cũng xong”."]:
        assert claims_of(t)["framing"].all(), t
    assert not claims_of("Tuy nhiên, công tác tuyên truyền ở một số nơi còn hạn chế.")["framing"].any()


def test_snippet_claim_family_override():
    out = claims_of("Tuy đã đạt kết quả quan trọng trong giảm nghèo; nhưng công tác tuyên "
                    "truyền còn chậm đổi mới.", "limitation")
    assert list(out["family"]) == ["achievement", "limitation"]
    out = claims_of("Năm qua, toàn tỉnh xây dựng 120 nhà đại đoàn kết; tuy nhiên, việc huy động "
                    "nguồn lực ở vùng khó khăn còn hạn chế.", "achievement")
    assert list(out["family"]) == ["achievement", "limitation"]
    # no cue at the claim's start: the sentence's family stands
    out = claims_of("Việc phối hợp chưa chặt chẽ; cán bộ còn thiếu kinh nghiệm.", "limitation")
    assert (out["family"] == "limitation").all()


def test_snippet_offsets_in_a_document():
    doc = "Mở đầu. Tuy nhiên, còn hạn chế như: A còn chậm đổi mới; B chưa có kinh phí hoạt động."
    start = doc.index("Tuy")
    sent = pd.DataFrame([{"doc_id": "d", "sentence_id": "d-s0001", "sentence_index": 1,
                          "start": start, "end": len(doc), "text": doc[start:],
                          "family": "limitation", "boilerplate": ""}])
    out = split_claims(sent)
    assert [doc[s:e] for s, e in zip(out["start"], out["end"])] == list(out["text"])
    assert list(out["text"]) == ["A còn chậm đổi mới", "B chưa có kinh phí hoạt động"]


def test_other_sentences_are_one_claim():
    text = "Các đồng chí: Lê Văn A - Bí thư; Trần Văn B - Chủ tịch chủ trì hội nghị."
    assert len(texts(text, "other")) == 1
    assert split_sentence(text, split=False)[0]["start"] == 0


# ------------------------------------------------------------------ terms of each claim
def _tokenized(text: str) -> pd.DataFrame:
    from dvlib.tokenize import tokenize
    sent = pd.DataFrame({"doc_id": ["d"], "sentence_id": ["d-s0000"], "sentence_index": [0],
                         "paragraph_index": [0],
                         "start": [0], "end": [len(text)], "text": [text],
                         "family": ["limitation"], "boilerplate": [""]})
    return tokenize(sent, n_jobs=1, progress=False, cache=False)


def test_each_claim_gets_the_terms_of_its_own_words():
    text = ("Hạn chế: công tác tuyên truyền ở vùng cao hiệu quả chưa cao; việc nắm tình hình "
            "nhân dân có lúc chưa kịp thời; kinh phí hoạt động của Mặt trận còn khó khăn.")
    sents = _tokenized(text)
    claims = split_claims(sents)
    assert len(claims) == 3
    terms = [set(t) for t in claims["terms"]]
    assert {"tuyên_truyền", "vùng_cao"} <= terms[0]
    assert "kinh_phí" in terms[2] and "kinh_phí" not in terms[0] | terms[1]
    assert "tuyên_truyền" not in terms[1] | terms[2]
    # the claims share out the sentence's terms; the lead-in "Hạn chế" belongs to none
    flat = sorted(t for ts in claims["terms"] for t in ts)
    assert flat == sorted(t for t in sents["terms"].iloc[0] if t != "hạn_chế")


def test_a_repeated_word_goes_to_the_claim_where_it_is_written():
    text = ("Công tác vận động còn hạn chế; công tác vận động đồng bào dân tộc thiểu số "
            "ở vùng sâu chưa thường xuyên.")
    claims = split_claims(_tokenized(text))
    assert len(claims) == 2
    assert "dân_tộc_thiểu_số" in claims["terms"].iloc[1]
    assert "dân_tộc_thiểu_số" not in claims["terms"].iloc[0]
    assert list(claims["terms"].iloc[0]).count("vận_động") == 1


def test_term_starts_on_old_tone_placement():
    import unicodedata
    from dvlib.tokenize import content_terms, term_starts, tokenize_sentence
    # "uỷ": old tone placement; the tokens' form is "ủy"
    text = unicodedata.normalize("NFC", "Tỉnh uỷ chỉ đạo; Mặt trận tổ chức Ngày hội Đại đoàn kết.")
    toks = [t.form for t in tokenize_sentence(text) if not t.is_punct]
    terms = content_terms(toks)
    starts = term_starts(text, toks, terms)
    assert len(starts) == len(terms)
    for t, at in zip(terms, starts):  # each term is found where its first syllable is written
        first = t.split("_")[0]
        from dvlib.text.normalize import match_form
        assert match_form(text)[at:at + len(first)] == first
