"""Shared formulas across provinces and keyword-in-context, on the seeds and small snippets."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from dvlib import compare
from dvlib.compare import formulas
from dvlib.text.normalize import match_form
from helpers import build_seed_tables

PAIR = "công tác tuyên truyền có lúc có việc"


@pytest.fixture(scope="module")
def content():
    return compare.content_sentences(*build_seed_tables())


@pytest.fixture(scope="module")
def found(content):
    return formulas.shared_formulas(content)


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", match_form(text)))


def _snippets(rows):
    return pd.DataFrame([{"doc_id": f"d{i}", "sentence_id": f"d{i}-s0", "province": p, "text": t}
                         for i, (p, t) in enumerate(rows)])


def test_the_bac_giang_and_dien_bien_reports_share_a_formula(found):
    hit = found[found["phrase"] == PAIR]
    assert set(hit["province"]) == {"Bắc Giang", "Điện Biên"}
    assert (hit["kind"] == "phrase").all() and (hit["n_tokens"] == 8).all()
    quotes = dict(zip(hit["province"], hit["quote"]))
    # Quotes keep each report's own spelling (case, punctuation).
    assert quotes["Bắc Giang"] == "công tác tuyên truyền có lúc, có việc"
    assert quotes["Điện Biên"] == "Công tác tuyên truyền có lúc, có việc"
    for row in hit.itertuples():
        assert row.quote in row.text


def test_phrases_are_maximal_not_every_sub_ngram(found):
    phrases = set(found.loc[found["kind"] == "phrase", "phrase"])
    for sub in ("tác tuyên truyền có lúc có việc", "công tác tuyên truyền có lúc",
                "tuyên truyền có lúc có"):
        assert sub not in phrases
    # No reported phrase sits inside a longer one with exactly the same occurrences.
    occ = found[found["kind"] == "phrase"].groupby("phrase")["sentence_id"].apply(sorted)
    for short, ids in occ.items():
        for long, long_ids in occ.items():
            if long != short and f" {short} " in f" {long} ":
                assert long_ids != ids, (short, long)


def test_every_formula_recurs_in_enough_provinces(content, found):
    for fid, grp in found.groupby("formula_id"):
        assert grp["province"].nunique() >= 2
        assert (grp["n_provinces"] == grp["province"].nunique()).all()
        # The quote is the phrase as written (same match form once punctuation is dropped).
        for row in grp[grp["kind"] == "phrase"].itertuples():
            assert _plain(row.quote) == row.phrase and row.quote in row.text
    three = formulas.shared_formulas(content, min_provinces=3)
    assert three.groupby("formula_id")["province"].nunique().min() >= 3
    assert PAIR not in set(three["phrase"])


def test_ranked_by_length_times_provinces(found):
    summary = formulas.summarize_formulas(found)
    assert list(summary["formula_id"]) == sorted(summary["formula_id"])
    # the listed stock formulas first (always looked for), then by score
    stock = summary["kind"] == "stock"
    assert stock.any() and not (stock.astype(int).diff() > 0).any()
    assert summary.loc[~stock, "score"].is_monotonic_decreasing
    assert (summary["score"] == summary["n_tokens"] * summary["n_provinces"]).all()


def test_stoplist_drops_ubiquitous_formulas_only(content, found):
    generic = "các tổ chức chính trị xã hội"
    assert generic in set(found["phrase"])
    kept = formulas.shared_formulas(content, stoplist=True)
    assert generic not in set(kept["phrase"])
    assert PAIR in set(kept["phrase"])
    assert kept["formula_id"].nunique() < found["formula_id"].nunique()
    # Fragments cut from a stoplisted formula go too ("chính trị - xã hội tỉnh").
    assert not any(p.startswith("chính trị xã hội") for p in kept["phrase"])
    own = formulas.shared_formulas(content, stoplist=["Công tác tuyên truyền có lúc, có việc"])
    assert PAIR not in set(own["phrase"]) and generic in set(own["phrase"])
    assert formulas.load_stoplist()  # the shipped file parses


def test_phrases_match_across_spellings():
    rows = [("A", "Năm 2023, các cấp đã làm tốt công tác hoà giải ở cơ sở trên địa bàn."),
            ("B", unicodedata.normalize("NFD", "Tiếp tục nâng cao chất lượng CÔNG TÁC HÒA GIẢI Ở CƠ SỞ.")),
            ("C", "Công tác hòa giải, ở cơ sở có lúc chưa kịp thời.")]
    out = formulas.shared_formulas(_snippets(rows), min_provinces=3)
    assert set(out["phrase"]) == {"công tác hòa giải ở cơ sở"}
    quotes = dict(zip(out["province"], out["quote"]))
    assert quotes["A"] == "công tác hoà giải ở cơ sở"
    assert quotes["B"] == "CÔNG TÁC HÒA GIẢI Ở CƠ SỞ"
    assert quotes["C"] == "Công tác hòa giải, ở cơ sở"


def test_near_identical_sentences_across_provinces():
    sentences, documents = build_seed_tables()
    original = sentences[sentences["text"].str.contains("công tác phối hợp nắm tình hình")].iloc[0]
    reworded = unicodedata.normalize(
        "NFD", original["text"].replace("kịp thời", "thật kịp thời").replace("ủy", "uỷ"))
    rows = [("Bắc Giang", original["text"]), ("Lạng Sơn", reworded),
            ("Cao Bằng", "Công tác tuyên truyền về chuyển đổi số ở một số nơi còn chậm, chưa sâu.")]
    out = formulas.shared_formulas(_snippets(rows), n=50)  # n large: sentences only
    assert set(out["kind"]) == {"sentence", "stock"}  # "có lúc, có việc" twice
    out = out[out["kind"] == "sentence"]
    assert set(out["province"]) == {"Bắc Giang", "Lạng Sơn"}
    strict = formulas.shared_formulas(_snippets(rows), n=50, jaccard=0.99, stock=False)
    assert strict.empty


def test_kwic_matches_tone_case_and_nfd_variants():
    rows = [("A", "Ban Thường vụ Tỉnh uỷ đã ban hành Kế hoạch số 12."),
            ("B", unicodedata.normalize("NFD", "Thường trực TỈNH ỦY tổ chức giao ban với MTTQ.")),
            ("C", "Đồng chí Phó Bí thư tỉnh ủy, Chủ tịch HĐND tỉnh dự."),
            ("D", "Ủy ban MTTQ tỉnh chủ trì.")]
    for keyword in ("tỉnh ủy", "Tỉnh uỷ", unicodedata.normalize("NFD", "TỈNH UỶ")):
        out = compare.kwic(_snippets(rows), keyword, window=2)
        assert list(out["province"]) == ["A", "B", "C"]
        assert list(out["keyword"]) == ["Tỉnh uỷ", "TỈNH ỦY", "tỉnh ủy"]
    out = compare.kwic(_snippets(rows), "tỉnh ủy", window=2).set_index("province")
    assert out.loc["A", "left"] == "Thường vụ" and out.loc["A", "right"] == "đã ban"
    assert out.loc["C", "left"] == "Bí thư" and out.loc["C", "right"] == ", Chủ tịch"
    assert out.loc["B", "left"] == unicodedata.normalize("NFC", "Thường trực")
    # Syllables, not substrings: "dân" does not match "dâng".
    assert compare.kwic(_snippets([("A", "Các đại biểu dâng hương.")]), "dân").empty


def test_kwic_on_the_seeds(content):
    out = compare.kwic(content, "có lúc, có việc", window=8)
    expected = sum(t.lower().count("có lúc, có việc") for t in content["text"])
    assert len(out) == expected >= 3
    assert set(out["province"]) == {"Bắc Giang", "Điện Biên"}
    by_id = content.set_index("sentence_id")["text"]
    for row in out.itertuples():
        text = by_id[row.sentence_id]
        assert text[row.start:row.end] == row.keyword
        assert row.left in text[:row.start] and row.right in text[row.end:]
        assert len(re.findall(r"\w+", row.left)) <= 8 and len(re.findall(r"\w+", row.right)) <= 8


def _naive_phrases(rows, n, min_provinces):
    """The definition, checked by brute force: every token run of >= n syllables found in
    >= min_provinces provinces that no one-token extension covers in all its occurrences."""
    toks = [re.findall(r"\w+", match_form(t)) for _, t in rows]
    occ = {}
    for k, ts in enumerate(toks):
        for i in range(len(ts)):
            for j in range(i + n, len(ts) + 1):
                occ.setdefault(tuple(ts[i:j]), []).append((k, i))
    shared = {g: o for g, o in occ.items() if len({rows[k][0] for k, _ in o}) >= min_provinces}

    def extended(g, o):
        after = {toks[k][i + len(g)] if i + len(g) < len(toks[k]) else None for k, i in o}
        before = {toks[k][i - 1] if i > 0 else None for k, i in o}
        return (len(after) == 1 and None not in after) or (len(before) == 1 and None not in before)

    return {" ".join(g): len(o) for g, o in shared.items() if not extended(g, o)}


def test_phrases_match_the_brute_force_definition():
    # Overlapping repeats, a sentence copied verbatim, a phrase twice in one sentence.
    rows = [("A", "tăng cường công tác dân vận của chính quyền, công tác dân vận của chính quyền"),
            ("B", "Tăng cường công tác dân vận của chính quyền các cấp."),
            ("C", "vận của chính quyền các cấp còn hạn chế"),
            ("C", "dân dân dân dân dân dân"),
            ("D", "dân dân dân dân dân dân dân"),
            ("D", "Tuy nhiên có lúc, có việc chưa kịp thời."),
            ("A", "Tuy nhiên có lúc, có việc chưa kịp thời.")]
    for n, min_provinces in ((3, 2), (2, 3), (4, 1)):
        out = formulas.shared_formulas(_snippets(rows), n=n, min_provinces=min_provinces,
                                       max_formulas=None, max_quotes=None)
        phrases = out[out["kind"] == "phrase"].drop_duplicates("formula_id")
        assert dict(zip(phrases["phrase"], phrases["n_occurrences"])) == \
            _naive_phrases(rows, n, min_provinces)
    out = formulas.shared_formulas(_snippets(rows), n=3)
    whole = out[out["phrase"] == "tuy nhiên có lúc có việc chưa kịp thời"]
    assert set(whole["province"]) == {"A", "D"}


def test_occurrences_in_one_sentence_come_left_to_right():
    rows = [("A", "Trên địa bàn tỉnh giai đoạn 2023-2030 và trên địa bàn tỉnh, giai đoạn 2023- 2030."),
            ("B", "Kế hoạch thực hiện trên địa bàn tỉnh giai đoạn 2023-2030.")]
    out = formulas.shared_formulas(_snippets(rows))
    hit = out[(out["phrase"] == "trên địa bàn tỉnh giai đoạn 2023 2030") & (out["province"] == "A")]
    assert list(hit["quote"]) == ["Trên địa bàn tỉnh giai đoạn 2023-2030",
                                  "trên địa bàn tỉnh, giai đoạn 2023- 2030"]


def _jaccard_groups(texts, threshold):
    """Connected groups of texts whose character 5-gram sets have Jaccard >= threshold."""
    grams = [{f[i:i + 5] for i in range(len(f) - 4)}
             for f in (" ".join(re.findall(r"\w+", match_form(t))) for t in texts)]
    parent = list(range(len(texts)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if len(grams[i] & grams[j]) / len(grams[i] | grams[j]) >= threshold:
                parent[find(i)] = find(j)
    groups = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), set()).add(i)
    return [g for g in groups.values() if len(g) > 1]


def test_near_identical_sentences_match_all_pairs_jaccard(content):
    # Seed sentences reworded more or less: the prefix filter must not miss any pair.
    base = [t for t in content["text"] if 80 < len(t) < 200][:12]
    edits = [("công tác", "việc"), (",", ""), ("tỉnh", "huyện"), ("các", "những"), ("năm", "")]
    texts = []
    for i, t in enumerate(base):
        texts.append(t)
        for a, b in edits[:1 + i % len(edits)]:
            t = t.replace(a, b, 1)
            texts.append(t)
    rows = [(f"P{i % 7}", t) for i, t in enumerate(texts)]
    for threshold in (0.6, 0.8, 0.95):
        out = formulas.shared_formulas(_snippets(rows), n=500, min_provinces=1, jaccard=threshold,
                                       max_quotes=None, stock=False)
        found = [set(int(s[1:].split("-")[0]) for s in grp["sentence_id"])
                 for _, grp in out.groupby("formula_id")]
        expected = _jaccard_groups(texts, threshold)
        linked = [sorted(g) for g in found if len(g) > 1]
        assert sorted(linked) == sorted(map(sorted, expected))
        assert expected  # the case is not vacuous


def test_caps_keep_the_top_formulas_and_a_quote_per_province(content):
    full = formulas.shared_formulas(content, n=3, max_formulas=None, max_quotes=None)
    capped = formulas.shared_formulas(content, n=3, max_formulas=10, max_quotes=3)
    assert sorted(capped["formula_id"].unique()) == list(range(1, 11))
    top = full[full["formula_id"] <= 10]
    for fid, grp in capped.groupby("formula_id"):
        every = top[top["formula_id"] == fid]
        # Counts describe every occurrence; each province keeps its evidence.
        assert (grp["n_occurrences"] == len(every)).all()
        assert set(grp["province"]) == set(every["province"])
        assert len(grp) <= max(3, every["province"].nunique())
        quotes = set(zip(every["sentence_id"], every["quote"]))
        assert set(zip(grp["sentence_id"], grp["quote"])) <= quotes
    assert len(capped) < len(top)
    # The default caps leave the seed tables whole.
    assert formulas.shared_formulas(content, n=3).equals(full)
