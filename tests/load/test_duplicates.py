import unicodedata

import pandas as pd

from dvlib.load.duplicates import find_duplicates


def _docs(rows):
    return pd.DataFrame(rows, columns=["doc_id", "content", "date"])


def test_republished_copy_with_other_furniture_nfd_and_old_tones(corpus_dir):
    text = (corpus_dir / "004_3efc173e9c33baf7.txt").read_text(encoding="utf-8")
    copy = unicodedata.normalize("NFD", text.replace("Tỉnh ủy", "Tỉnh uỷ")) + "\nTin liên quan"
    other = (corpus_dir / "003_028faf429d4c0468.txt").read_text(encoding="utf-8")
    out = find_duplicates(_docs([("a", text, "2023-12-29"), ("b", other, ""),
                                 ("c", copy, "2023-12-30")])).set_index("doc_id")
    assert out.loc["c", "duplicate_of"] == "a"
    assert out.loc["c", "duplicate_similarity"] >= 0.8
    assert out.loc["a", "duplicate_of"] == "" and out.loc["b", "duplicate_of"] == ""


def test_the_earlier_report_is_the_original():
    text = "Năm 2023, Ủy ban MTTQ tỉnh đã vận động hơn 136 tỷ đồng Quỹ Vì người nghèo và xây dựng 240 nhà đại đoàn kết cho hộ nghèo."
    out = find_duplicates(_docs([("late", text, "2024-01-05"), ("early", text, "2023-12-29")]))
    out = out.set_index("doc_id")
    assert out.loc["late", "duplicate_of"] == "early"


def test_reports_on_the_same_topic_are_not_duplicates(corpus_dir):
    texts = [(p.stem, p.read_text(encoding="utf-8"), "") for p in sorted(corpus_dir.glob("*.txt"))]
    out = find_duplicates(_docs(texts))
    assert (out["duplicate_of"] == "").all()


def test_shingles_are_the_syllables_of_the_match_form(corpus_dir):
    # _shingle_text takes a shortcut through match_form; it must give the same syllables.
    import re

    from dvlib.load.duplicates import _shingle_text
    from dvlib.text.normalize import match_form

    text = (corpus_dir / "004_3efc173e9c33baf7.txt").read_text(encoding="utf-8")
    variants = [text, unicodedata.normalize("NFD", text.replace("Tỉnh ủy", "TỈNH UỶ")),
                "Hoà Bình – ΟΔΟΣ Σ'Α İstanbul", "ð Ð hoá"]
    for t in variants:
        assert _shingle_text(t) == " ".join(re.findall(r"\w+", match_form(t)))
