"""Issue 13, replayed: runs into one output folder take turns; a killed run is never taken as
current; output-folder errors come before the work, in one line; bad cache entries are a
miss; spreadsheet formulas are escaped in CSV only; control characters never break the DOCX;
a one-report corpus draws its figures without warnings."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import CORPUS


def seed(prefix: str) -> str:
    """The text of seed report ``prefix`` ("000" ... "004") as stored."""
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
from dvlib.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIRST = next(CORPUS.glob("000_*.txt")).name


def _one_dvlib_line(err: str) -> str:
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("dvlib: ") and "Traceback" not in err, err
    return lines[0]


def _no_work(monkeypatch):
    import dvlib.pipeline as pipeline

    def boom(*a, **k):
        raise AssertionError("the analysis started")
    monkeypatch.setattr(pipeline, "load_corpus", boom)


# --------------------------------------------------------------------------- output folder

@pytest.mark.parametrize("case", ["a file", "not creatable", "full"])
def test_output_folder_errors_come_first_in_one_line(tmp_path, monkeypatch, capsys, case):
    _no_work(monkeypatch)
    out = tmp_path / "out"
    if case == "a file":
        out.write_text("x")
    elif case == "not creatable":
        out = Path("/proc/self/dvlib-out")  # read-only even for root
    else:
        monkeypatch.setenv("DVLIB_MIN_FREE_MB", "1e12")
    assert main(["analyze", str(CORPUS), "--out", str(out), "--quiet"]) == 2
    line = _one_dvlib_line(capsys.readouterr().err)
    assert str(out) in line
    if case == "full":
        assert "DVLIB_MIN_FREE_MB" in line


def test_a_second_run_into_a_busy_folder_refuses_in_one_line(tmp_path, monkeypatch, capsys):
    _no_work(monkeypatch)
    monkeypatch.setenv("DVLIB_LOCK_WAIT", "0.3")
    from dvlib.runtime.lock import folder_lock
    out = tmp_path / "out"
    with folder_lock(out):  # another run holds the folder (flock: per open file)
        assert main(["analyze", str(CORPUS), "--out", str(out), "--quiet"]) == 2
    line = _one_dvlib_line(capsys.readouterr().err)
    assert "in use by another dvlib run" in line


def test_stale_temp_files_are_removed_by_the_next_run(tmp_path):
    from dvlib.pipeline import analyze
    out = tmp_path / "out"
    (out / "parquet").mkdir(parents=True)
    stale = out / "parquet" / ".documents.parquet.a1b2c3.tmp.parquet"
    stale.write_bytes(b"half")
    empty = tmp_path / "empty"
    empty.mkdir()
    analyze([empty], out, progress=False)
    assert not stale.exists()


def test_a_run_that_dies_after_reading_leaves_no_fingerprint(tmp_path, monkeypatch):
    import dvlib.pipeline as pipeline
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / FIRST, corpus / FIRST)
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"corpus_fingerprint": "old"}))
    (out / "dvlib.xlsx").write_bytes(b"old workbook")

    def crash(*a, **k):
        raise RuntimeError("killed")
    monkeypatch.setattr(pipeline, "assign_subthemes", crash)
    with pytest.raises(RuntimeError):
        pipeline.analyze([corpus], out, progress=False, n_jobs=1)
    assert not (out / "run.json").exists() and not (out / "dvlib.xlsx").exists()


# --------------------------------------------------------------------------- caches, cells, DOCX

@pytest.mark.parametrize("content", ["null", "[]", '{"key": "%s", "tokens": 3}', "{trunc"])
def test_a_cache_entry_of_the_wrong_shape_is_a_miss_with_one_line(content, caplog):
    from dvlib import tokenize
    texts = ["Ban Dân vận Tỉnh ủy tổ chức hội nghị."]
    key = tokenize.cache_key(texts)
    path = tokenize._cache_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content.replace("%s", key) if "%s" in content else content)
    frame = pd.DataFrame({"doc_id": ["d"], "text": texts})
    with caplog.at_level("WARNING"):
        out = tokenize.tokens_frame(frame, n_jobs=1, progress=False)
    assert out["tokens"].iloc[0][:2] == ["ban", "dân_vận"] or len(out["tokens"].iloc[0]) > 2
    assert [r.getMessage() for r in caplog.records if "cache" in r.getMessage()]
    assert isinstance(json.loads(path.read_text()), dict)  # rewritten as a good entry


def test_csv_cells_are_escaped_parquet_and_reread_keep_the_text(tmp_path):
    from dvlib.store import _csv, _unescape
    frame = pd.DataFrame({"t": ["=HYPERLINK(\"http://x\")", "+1", "-a", "@b", "\tc", "ok"],
                          "n": [1, -2, 3, 4, 5, 6]})
    esc = _csv(frame)
    assert esc["t"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "'-a", "'@b", "'\tc", "ok"]
    assert esc["n"].tolist() == [1, -2, 3, 4, 5, 6]
    pd.testing.assert_frame_equal(_unescape(esc), frame)


def test_control_characters_never_reach_the_docx_xml(tmp_path):
    import docx
    from dvlib.report.brief.docx import xml_text
    d = docx.Document()
    d.add_paragraph(xml_text("Tiêu đề\x00 có\x01 ký tự\x0b điều khiển\ttab"))
    d.core_properties.title = xml_text("=cmd|' /c calc'!A0\x01")
    d.save(tmp_path / "b.docx")
    assert docx.Document(tmp_path / "b.docx").paragraphs[0].text == "Tiêu đề có ký tự điều khiển\ttab"


# --------------------------------------------------------------------------- end to end (slow)

FORMULA_REPORT = seed("002").replace(
    "\n", '\n=HYPERLINK("http://evil.example/x", "Bấm vào đây") là đường dẫn trong bài.\n', 1)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """A one-report corpus whose report holds a formula line and whose manifest title holds a
    formula and control characters, analysed (with warnings recorded) and briefed."""
    base = tmp_path_factory.mktemp("hostile")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "r.txt").write_text(FORMULA_REPORT, encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "file,province,title\nr.txt,Nghệ An,\"=cmd|' /c calc'!A0\x01\x00 tiêu đề\"\n",
        encoding="utf-8")
    out = base / "out"
    from dvlib.pipeline import analyze
    from dvlib.report.notebooks import make_brief
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = analyze([corpus], out, progress=False, n_boot=50)
        _, written = make_brief(result, None, "vi", out / "briefs")
    return out, result, written, [str(w.message) for w in caught]


@pytest.mark.slow
def test_formulas_are_escaped_in_csv_verbatim_in_parquet(hostile_build):
    out, result, _, _ = hostile_build
    assert (out / "documents.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert docs["title"].tolist() == ["'=cmd|' /c calc'!A0 tiêu đề"]
    sents = pd.read_csv(out / "sentences.csv", keep_default_na=False)
    assert any(t.startswith("'=HYPERLINK(") for t in sents["text"])
    assert not any(str(v).startswith(("=", "+", "@")) for col in sents.columns
                   for v in sents[col])
    pq = pd.read_parquet(out / "parquet" / "documents.parquet")
    assert pq["title"].tolist() == ["=cmd|' /c calc'!A0 tiêu đề"]


@pytest.mark.slow
def test_brief_docx_is_written_despite_control_characters(hostile_build):
    _, _, written, _ = hostile_build
    with zipfile.ZipFile(written["docx"]) as z:
        assert b"\x01" not in z.read("word/document.xml")


@pytest.mark.slow
def test_one_report_corpus_draws_figures_without_matplotlib_warnings(hostile_build):
    _, result, _, caught = hostile_build
    assert len(result.documents) == 1
    assert not [m for m in caught if "layout" in m or "matplotlib" in m.lower()], caught


KILL_WRITE = """
import os, signal, sys
import dvlib.runtime.atomic as atomic
from dvlib.pipeline import analyze
real = atomic.write_parquet
def dying(df, path):
    real(df, path)
    if str(path).endswith("documents.parquet"):
        os.kill(os.getpid(), signal.SIGKILL)
atomic.write_parquet = dying
analyze([sys.argv[1]], sys.argv[2], progress=False, n_boot=50, n_jobs=1, figures=False)
"""


@pytest.mark.slow
def test_a_run_killed_while_writing_is_never_reused(tmp_path):
    """The sweep's case 1: analyse; add a report and kill the next analysis once
    documents.parquet changed; remove the report: the rerun recomputes (not "reused")."""
    from dvlib.pipeline import analyze
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / FIRST, corpus / FIRST)
    out = tmp_path / "out"
    analyze([corpus], out, progress=False, n_boot=50, n_jobs=1, figures=False)
    extra = corpus / "extra.txt"
    extra.write_text(seed("003"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", KILL_WRITE, str(corpus), str(out)],
                          capture_output=True, cwd=ROOT, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    assert len(pd.read_parquet(out / "parquet" / "documents.parquet")) == 2  # partial state
    assert not (out / "run.json").exists()
    extra.unlink()
    again = analyze([corpus], out, progress=False, n_boot=50, n_jobs=1, figures=False)
    assert not again.params.get("reused") and len(again.documents) == 1
    assert len(pd.read_parquet(out / "parquet" / "documents.parquet")) == 1
    assert not [p for p in out.rglob(".*") if ".tmp" in p.name]
