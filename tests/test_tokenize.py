import json
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

import dvlib.tokenize as tk
from dvlib.text.normalize import match_form
from dvlib.segment import sentences_frame
from dvlib.tokenize import content_terms, tokenize_sentence, tokens_frame

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_sentences() -> pd.DataFrame:
    docs = pd.DataFrame({
        "doc_id": [n.split(".")[0] for n in SEED_FILES],
        "text": [unicodedata.normalize("NFC", (CORPUS / n).read_text(encoding="utf-8").lstrip("\ufeff"))
                 for n in SEED_FILES],
    })
    return sentences_frame(docs)


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DVLIB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "tokens"


@pytest.fixture
def count_calls(monkeypatch):
    calls = []
    real = tk._segment_words

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(tk, "_segment_words", counting)
    return calls


def test_spans_round_trip_on_every_seed_sentence(seed_sentences):
    for sentence in seed_sentences["text"]:
        tokens = tokenize_sentence(sentence)
        assert tokens
        prev_end = 0
        for t in tokens:
            assert prev_end <= t.start < t.end <= len(sentence)
            assert sentence[t.start:t.end] == t.text
            assert " ".join(match_form(t.text).split()) == t.form.replace("_", " ")
            prev_end = t.end
        # every letter and digit of the sentence is inside some token
        covered = "".join(t.text for t in tokens)
        assert re.sub(r"\W", "", covered) == re.sub(r"\W", "", sentence)


@pytest.mark.parametrize("spelling", ["Tỉnh uỷ", "Tỉnh ủy", "TỈNH ỦY", "tỉnh uỷ", "Tỉnh Ủy",
                                      unicodedata.normalize("NFD", "Tỉnh uỷ"),
                                      unicodedata.normalize("NFD", "Tỉnh ủy")])
def test_tinh_uy_in_any_spelling_is_one_token(spelling):
    sentence = f"Ban Dân vận {spelling} Bắc Giang chủ trì hội nghị."
    tokens = tokenize_sentence(sentence)
    forms = [t.form for t in tokens]
    assert "tỉnh_ủy" in forms
    hit = tokens[forms.index("tỉnh_ủy")]
    assert sentence[hit.start:hit.end] == spelling  # the report's own spelling, NFD included
    assert "dân_vận" in forms  # not glued to the committee ("dân_vận_tỉnh_ủy")


def test_every_tinh_uy_of_the_seeds_is_one_token(seed_sentences):
    text = " ".join(seed_sentences["text"])
    expected = len(re.findall(r"tỉnh ủy", match_form(text)))
    found = sum(t.form == "tỉnh_ủy" for s in seed_sentences["text"] for t in tokenize_sentence(s))
    assert expected > 0 and found == expected


def test_punctuation_is_flagged_and_kept():
    tokens = tokenize_sentence("Phong trào “Dân vận khéo” đạt 95,5%.")
    punct = [t.text for t in tokens if t.is_punct]
    assert punct == ["“", "”", "%", "."]
    assert "dân_vận_khéo" in [t.form for t in tokens]


def test_content_terms_drop_stopwords_numbers_and_punctuation():
    tokens = ["các", "cấp_ủy", "đã", "thực_hiện", "tốt", "công_tác", "dân_vận", ",", "209/209",
              "2.137", "15/10/1930", "95,5", "%", "a", "của", "một_số", "mô_hình", "2024"]
    assert content_terms(tokens) == ["cấp_ủy", "tốt", "dân_vận", "mô_hình"]


def test_stopword_file_is_in_match_form():
    for word in tk.stopwords():
        assert word == "_".join(match_form(word.replace("_", " ")).split())


def test_tokens_frame_columns_and_punctuation_removed(seed_sentences, own_cache):
    sample = seed_sentences[seed_sentences["doc_id"] == seed_sentences["doc_id"].iloc[-1]]
    out = tokens_frame(sample, n_jobs=1, progress=False)
    assert list(out.columns) == list(sample.columns) + ["tokens", "token_spans"]
    assert out.index.equals(sample.index)
    for text, tokens, spans in zip(out["text"], out["tokens"], out["token_spans"]):
        assert len(tokens) == len(spans)
        for form, (s, e) in zip(tokens, spans):
            assert any(c.isalnum() for c in form)
            assert "_".join(match_form(text[s:e]).split()) == form


def test_cache_hit_skips_underthesea_and_is_json(seed_sentences, own_cache, count_calls):
    first = tokens_frame(seed_sentences, n_jobs=1, progress=False)
    assert len(count_calls) == len(seed_sentences)
    files = list(own_cache.glob("*.json"))
    assert len(files) == seed_sentences["doc_id"].nunique()
    assert all("tokens" in json.loads(f.read_text(encoding="utf-8")) for f in files)

    count_calls.clear()
    second = tokens_frame(seed_sentences, n_jobs=1, progress=False)
    assert count_calls == []
    assert second["tokens"].tolist() == first["tokens"].tolist()
    assert second["token_spans"].tolist() == first["token_spans"].tolist()


def test_cache_invalidated_by_changed_text_and_version(seed_sentences, own_cache, count_calls,
                                                       monkeypatch):
    tokens_frame(seed_sentences, n_jobs=1, progress=False)
    count_calls.clear()

    changed = seed_sentences.copy()
    doc = changed["doc_id"].iloc[0]
    row = changed.index[changed["doc_id"] == doc][3]
    changed.loc[row, "text"] = changed.loc[row, "text"] + " Tỉnh ủy chỉ đạo."
    out = tokens_frame(changed, n_jobs=1, progress=False)
    assert len(count_calls) == (changed["doc_id"] == doc).sum()  # only that document again
    assert out.loc[row, "tokens"][-2:] == ["tỉnh_ủy", "chỉ_đạo"]

    count_calls.clear()
    monkeypatch.setattr(tk, "dvlib_version", lambda: "999.0.0")
    tokens_frame(seed_sentences, n_jobs=1, progress=False)
    assert len(count_calls) == len(seed_sentences)


def test_parallel_equals_serial(seed_sentences):
    serial = tokens_frame(seed_sentences, n_jobs=1, cache=False, progress=False)
    parallel = tokens_frame(seed_sentences, n_jobs=2, cache=False, progress=False)
    assert parallel["tokens"].tolist() == serial["tokens"].tolist()
    assert parallel["token_spans"].tolist() == serial["token_spans"].tolist()


def test_tokens_frame_of_no_sentences():
    empty = pd.DataFrame({"doc_id": [], "sentence_id": [], "text": []})
    out = tokens_frame(empty, cache=False, progress=False)
    assert out.empty and {"tokens", "token_spans"} <= set(out.columns)


def test_alignment_survives_a_token_underthesea_rewrote(monkeypatch):
    # underthesea corrects some typos with a change of length ("nghành" -> "ngành").
    monkeypatch.setattr(tk, "_segment_words", lambda text: ["Ngành", "giáo dục", "tỉnh", "."])
    sentence = "Nghành  giáo dục tỉnh."
    tokens = tokenize_sentence(sentence)
    assert [sentence[t.start:t.end] for t in tokens] == ["Nghành", "giáo dục", "tỉnh", "."]
    assert [t.form for t in tokens] == ["nghành", "giáo_dục", "tỉnh", "."]
