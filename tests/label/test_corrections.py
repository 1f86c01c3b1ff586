"""The researcher's corrections win over the machine's labels, flow into the tables, survive
reruns, and are counted; ``dvlib review`` writes them."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from dvlib.label import apply_corrections, correct, read_corrections, write_corrections
from dvlib.label.corrections import CorrectionsError
from dvlib.label.review import export_review, import_review, least_certain, review

SENT = "Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao"


def _tables():
    docs = pd.DataFrame({"doc_id": ["d1", "d2"], "file": ["corpus/a.txt", "corpus/b.txt"],
                         "province": ["Điện Biên", "Bắc Giang"]})
    sents = pd.DataFrame({
        "doc_id": ["d1", "d1", "d2"], "sentence_id": ["d1-s0000", "d1-s0001", "d2-s0000"],
        "text": [SENT + ".", "Năm 2023, toàn tỉnh xây dựng 120 nhà đại đoàn kết.",
                 "Thời gian tới, tiếp tục đổi mới nội dung sinh hoạt."],
        "sentence_index": [0, 1, 0], "paragraph_index": [0, 1, 0],
        "start": [0, 60, 0], "end": [55, 110, 50],
        "boilerplate": ["", "", ""], "family": ["achievement", "achievement", "priority"],
        "family_score": [0.41, 0.93, 0.55], "family_evidence": ["m", "m", "m"]})
    return sents, docs


def test_corrections_by_id_and_by_text_in_any_spelling():
    sents, docs = _tables()
    fixes = pd.DataFrame({"file": ["a.txt", "b.txt"], "sentence_id": ["", "d2-s0000"],
                          "text": [unicodedata.normalize("NFD", "  " + SENT.replace("  ", " ") + ". "), ""],
                          "family": ["limitation", "other"], "aspects": ["", ""], "note": ["có lúc, có việc", ""]})
    out, problems = apply_corrections(sents, docs, fixes)
    assert problems == []
    assert out["family"].tolist() == ["limitation", "achievement", "other"]
    assert out["family_source"].tolist() == ["corrected", "model", "corrected"]
    assert out["family_score"].tolist()[0] == 1.0
    assert out["family_evidence"].iloc[0] == "corrected by the researcher: có lúc, có việc"


def test_a_correction_matching_nothing_is_one_problem_line_and_changes_nothing():
    sents, docs = _tables()
    fixes = pd.DataFrame({"file": ["a.txt"], "sentence_id": [""], "text": ["Câu không có trong báo cáo."],
                          "family": ["limitation"], "aspects": [""], "note": [""]})
    out, problems = apply_corrections(sents, docs, fixes)
    assert len(problems) == 1 and "a.txt" in problems[0] and "not applied" in problems[0]
    assert (out["family_source"] == "model").all()


def test_an_unknown_family_names_the_file_and_line(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("file,sentence_id,text,family\na.txt,,x,limitation\nb.txt,,y,hạn chế\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match=r"corrections.csv: line 3: unknown family \"hạn chế\""):
        read_corrections(path)
    sents, docs = _tables()
    out, problems = correct(sents, docs, [tmp_path])  # the run goes on, with one line
    assert len(problems) == 1 and "line 3" in problems[0] and (out["family_source"] == "model").all()


def test_confidence_decides_what_is_counted(monkeypatch):
    sents, docs = _tables()
    out, _ = correct(sents, docs, [])
    assert out["family_confident"].tolist() == [False, True, True]
    monkeypatch.setenv("DVLIB_MIN_FAMILY_SCORE", "0.6")
    out, _ = correct(sents, docs, [])
    assert out["family_confident"].tolist() == [False, True, False]


def test_write_corrections_keeps_old_rows_and_replaces_a_later_answer(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("file,sentence_id,text,family,aspects,note,mine\na.txt,d1-s0000,,limitation,,,keep\n",
                    encoding="utf-8")
    write_corrections(path, pd.DataFrame([{"file": "b.txt", "sentence_id": "d2-s0000", "family": "other"}]))
    write_corrections(path, pd.DataFrame([{"file": "b.txt", "sentence_id": "d2-s0000", "family": "priority"}]))
    rows = read_corrections(path)
    assert rows["sentence_id"].tolist() == ["d1-s0000", "d2-s0000"]
    assert rows["family"].tolist() == ["limitation", "priority"] and rows["mine"].iloc[0] == "keep"


def test_review_asks_for_the_least_certain_and_writes_the_answers(tmp_path):
    sents, docs = _tables()
    rows = least_certain(sents, docs, n=2)
    assert rows["sentence_id"].tolist() == ["d1-s0000", "d2-s0000"]  # lowest scores first
    assert rows["after"].iloc[0].startswith("Năm 2023")  # context shown
    answers = iter(["x", "l", "q"])  # a typo is asked again; q stops
    shown = []

    class Out:
        def write(self, s):
            shown.append(s)

    n = review(rows, tmp_path / "corrections.csv", ask=lambda _: next(answers), out=Out())
    assert n == 1 and "please type" in "".join(shown)
    fixed = read_corrections(tmp_path / "corrections.csv")
    assert fixed[["sentence_id", "family"]].values.tolist() == [["d1-s0000", "limitation"]]
    only_bg = least_certain(sents, docs, n=5, provinces=["Bắc Giang"])
    assert only_bg["sentence_id"].tolist() == ["d2-s0000"]


def test_export_and_import_a_review_file(tmp_path):
    sents, docs = _tables()
    path = export_review(least_certain(sents, docs, n=3), tmp_path / "review.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese right
    filled = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    filled.loc[0, "new_family"] = "l"
    filled.loc[1, "new_family"] = "nonsense"
    filled.to_csv(path, index=False, encoding="utf-8-sig")
    n, problems = import_review(path, tmp_path / "corrections.csv")
    assert n == 1 and len(problems) == 1 and "line 3" in problems[0]


@pytest.mark.slow
def test_corrections_flow_into_the_tables_and_survive_a_rerun(corpus_copy, tmp_path):
    from dvlib.pipeline import analyze
    out = tmp_path / "out"
    first = analyze(corpus_copy, out, progress=False, figures=False, n_boot=50)
    content = first.sentences[first.sentences["boilerplate"] == ""]
    target = content.sort_values("family_score").iloc[0]
    new_family = "limitation" if target["family"] != "limitation" else "other"
    doc_file = Path(first.documents.set_index("doc_id").at[target["doc_id"], "file"]).name
    # (written as a spreadsheet would: the sentence may hold quotes and commas)
    pd.DataFrame([{"file": doc_file, "sentence_id": "", "text": target["text"],
                   "family": new_family, "aspects": "", "note": "checked"}]).to_csv(
        corpus_copy / "corrections.csv", index=False, encoding="utf-8")
    second = analyze(corpus_copy, out, progress=False, figures=False, n_boot=50)
    assert not second.params.get("reused")  # the corrections are part of the fingerprint
    row = second.sentences.set_index("sentence_id").loc[target["sentence_id"]]
    assert row["family"] == new_family and row["family_source"] == "corrected"
    saved = pd.read_csv(out / "sentences.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert saved.set_index("sentence_id").at[target["sentence_id"], "family_source"] == "corrected"
    prov = first.documents.set_index("doc_id").at[target["doc_id"], "province"]
    prof = second.tables["profile_family"]
    before = first.tables["profile_family"]
    n_new = prof[(prof["province"] == prov) & (prof["family"] == new_family)]["count"].sum()
    n_old = before[(before["province"] == prov) & (before["family"] == new_family)]["count"].sum()
    assert n_new == n_old + 1
    from dvlib.report.notebooks import make_brief
    _, written = make_brief(second, None, "vi", out / "briefs")
    brief = Path(written["md"]).read_text(encoding="utf-8")
    assert "1 nhãn do nhà nghiên cứu sửa tay" in brief  # the brief says how many were set by hand
    third = analyze(corpus_copy, out, progress=False, figures=False, n_boot=50)
    assert third.params.get("reused")
    assert third.sentences.set_index("sentence_id").at[target["sentence_id"], "family"] == new_family
