"""`dvlib analyze` end to end on the seed corpus and on bad input."""
from __future__ import annotations

import subprocess
import sys
import unicodedata

import pandas as pd
import pytest

from dvlib.cli import main
from helpers import to_cp1258

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning")]
# (doc ids stable across runs: tests/test_reference.py compares every table with a stored run)


def _analyze(args, capsys):
    code = main(["analyze", *args, "--quiet"])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def seed_tables(seed_build):
    """The session's seed build (``dvlib analyze corpus`` exited 0 when it was made)."""
    return 0, seed_build


def test_seed_corpus_writes_the_tables(seed_tables):
    code, out = seed_tables
    assert code == 0
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    sents = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    assert sorted(docs["province"]) == sorted(["Bắc Giang", "Nghệ An", "Bình Phước", "Tuyên Quang", "Điện Biên"])
    assert set(docs.set_index("province").loc[["Bắc Giang", "Bình Phước"], "province_2025"]) == {"Bắc Ninh", "Đồng Nai"}
    for col in ["doc_id", "file", "province", "province_source", "province_evidence", "province_2025",
                "date", "date_precision", "title", "outlet", "n_sentences"]:
        assert col in docs.columns
    for col in ["doc_id", "sentence_id", "start", "end", "text", "family", "family_score",
                "family_evidence", "subtheme", "boilerplate"]:
        assert col in sents.columns
    # every sentence is the slice of its report's text that its offsets name
    texts = pd.read_parquet(out / "parquet" / "documents.parquet").set_index("doc_id")["text"]
    for row in sents.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    # every sentence carries a family; furniture is "other" and never report content
    assert set(sents["family"]) <= {"limitation", "priority", "model", "achievement", "other"}
    assert (sents.loc[sents["boilerplate"] != "", "family"] == "other").all()
    content = sents[sents["boilerplate"] == ""]["text"]
    for furniture in ["Các tin khác", "Cà Mau", "Quảng Đông", "Tổng lượt truy cập", "Nguồn tin: BBT",
                      "Click để đánh giá", "Gửi phản hồi", "In bài viết", "hcm bdv001"]:
        assert not content.str.contains(furniture, regex=False).any(), furniture
    for name in ["entities.csv", "boilerplate.csv", "profile_family.csv", "keyness.csv",
                 "shared_formulas.csv", "subthemes.csv", "figures/family_profile.png"]:
        assert (out / name).exists(), name


def _bad_corpus(tmp_path, corpus_dir):
    bad = tmp_path / "bad"
    bad.mkdir()
    good = (corpus_dir / "004_3efc173e9c33baf7.txt").read_bytes()
    (bad / "good.txt").write_bytes(good)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "latin.txt").write_bytes(b"\xff\xfe\xfa" * 3 + "Hội nghị".encode("utf-8") + b"\x81\x8d\x8f\x90" * 50)
    (bad / "manifest.csv").write_text(
        "file,province,date,date_precision,title,outlet\n"
        "good.txt,Điện Biên,2023-13-45,day,,\n"
        "gone.txt,Nghệ An,2022-07,month,,\n", encoding="utf-8")
    return bad


def test_bad_input_is_named_and_the_rest_still_runs(tmp_path, corpus_dir, capsys):
    bad = _bad_corpus(tmp_path, corpus_dir)
    out = tmp_path / "out"
    code, err = _analyze([str(bad), "--out", str(out)], capsys)
    assert code == 1
    lines = [l for l in err.splitlines() if l.startswith("dvlib: skipped:")]
    joined = "\n".join(lines)
    assert "empty.txt" in joined and "empty" in joined
    assert "binary.txt" in joined and "binary" in joined
    assert "gone.txt" in joined and "missing file" in joined
    assert "2023-13-45" in joined and "invalid date" in joined
    assert len(lines) == 5, lines  # one line each: empty, binary, undecodable, missing, bad date
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert list(docs["file"].str.endswith("good.txt")) == [True]
    assert docs.loc[0, "province"] == "Điện Biên"   # the valid fields of the row still count
    assert docs.loc[0, "date"] == "2023-12-29"       # the invalid date is inferred instead
    assert docs.loc[0, "date_source"] == "inferred"


def test_clean_corpus_exits_zero_and_a_dirty_one_keeps_old_outputs_complete(tmp_path, corpus_dir, capsys):
    out = tmp_path / "out"
    code, _ = _analyze([str(corpus_dir / "004_3efc173e9c33baf7.txt"), "--out", str(out)], capsys)
    assert code == 0
    assert not any(p.name.endswith(".tmp") or ".tmp." in p.name for p in out.rglob("*"))


def test_nfd_and_old_tone_marks_give_the_same_sentences(tmp_path, corpus_dir):
    text = (corpus_dir / "004_3efc173e9c33baf7.txt").read_text(encoding="utf-8")
    (tmp_path / "nfd.txt").write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    (tmp_path / "cp1258.txt").write_bytes(to_cp1258(text.replace("Tỉnh ủy", "Tỉnh uỷ")))
    from dvlib.pipeline import load_corpus
    c = load_corpus([tmp_path / "nfd.txt", tmp_path / "cp1258.txt", corpus_dir / "004_3efc173e9c33baf7.txt"],
                    progress=False)
    from dvlib.text.normalize import match_form
    by_doc = c.sentences.groupby("doc_id")["text"].apply(list)
    assert len(by_doc) == 3 and len({tuple(map(match_form, v)) for v in by_doc}) == 1
    # quotes keep each report's own spelling: the old tone placement survives in the copy
    assert any("Tỉnh uỷ" in t for t in c.sentences["text"]) and any("Tỉnh ủy" in t for t in c.sentences["text"])
    # the two re-encodings are flagged as republished copies of the first
    assert (c.documents["duplicate_of"] != "").sum() == 2


def test_console_script_is_installed(corpus_dir, tmp_path):
    res = subprocess.run([sys.executable, "-m", "dvlib.cli", "analyze", str(tmp_path / "nothing"),
                          "--out", str(tmp_path / "o"), "--quiet"], capture_output=True, text=True)
    assert res.returncode == 1
    assert "nothing: no such file or folder" in res.stderr


def test_a_rerun_with_nothing_changed_reuses_without_importing_the_stack(tmp_path, corpus_dir, capsys):
    bad = _bad_corpus(tmp_path, corpus_dir)
    out = tmp_path / "out"
    code, err = _analyze([str(bad), "--out", str(out)], capsys)
    first = sorted(l for l in err.splitlines() if l.startswith("dvlib: skipped:"))
    # a fresh process, as a user reruns it: the same lines and status, nothing heavy imported
    probe = ("import sys; from dvlib.cli import main; "
             f"code = main(['analyze', {str(bad)!r}, '--out', {str(out)!r}, '--quiet']); "
             "heavy = [m for m in ('pandas', 'sklearn', 'underthesea', 'seaborn') if m in sys.modules]; "
             "print(code, heavy)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.stdout.split("\n")[0] == f"{code} []", run.stderr
    assert sorted(l for l in run.stderr.splitlines() if l.startswith("dvlib: skipped:")) == first
    assert "unchanged since the last run: reused" in run.stderr
    # any change of the inputs is a full run again
    (bad / "good.txt").write_bytes((bad / "good.txt").read_bytes() + "\nThêm một câu.".encode())
    code2, err2 = _analyze([str(bad), "--out", str(out)], capsys)
    assert code2 == code and "reused" not in err2
