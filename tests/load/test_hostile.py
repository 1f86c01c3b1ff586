"""Issue 13: hostile files and manifests (made in the test) are named in one line, never read
from outside the corpus, never unbounded; manifests keep every value, row and line ending;
``dvlib add`` is all or nothing."""
from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from helpers import CORPUS


def seed(prefix: str) -> str:
    """The text of seed report ``prefix`` ("000" ... "004") as stored."""
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
from dvlib.load.add import add_reports
from dvlib.load.corpus import discover, read_documents
from dvlib.load.manifest import read_manifest
from dvlib.load.read import ReportError, read_report

ROOT = Path(__file__).resolve().parents[2]
REPORT = seed("002")
HEADER = "file,province,date,date_precision,title,outlet,province_evidence"
VI = ("Sáng 11/7, Ban Dân vận Tỉnh ủy Lào Cai tổ chức hội nghị giao ban công tác dân vận sáu "
      "tháng đầu năm. Các cấp ủy tập trung lãnh đạo thực hiện tốt phong trào thi đua Dân vận "
      "khéo, tăng cường phối hợp nắm tình hình nhân dân và giải quyết kiến nghị của người dân.\n")


@pytest.fixture
def deadline():
    """Fail (not hang) if the test takes over 20 s: reading a FIFO would block forever."""
    def expired(*_):
        raise TimeoutError("hung: a FIFO or /dev/zero was read")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _one_line(text: str) -> None:
    assert "\n" not in text.strip() and "Traceback" not in text


def _cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters precomposed, tones combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
                   + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


# --------------------------------------------------------------------------- manifest reading

def test_manifest_keeps_line_breaks_and_unicode_separators_inside_values(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    (tmp_path / "b.txt").write_text(VI + "x", encoding="utf-8")
    title_a = "Dòng một\nDòng hai"
    title_b = "Trước\u2028giữa\x85sau\rcuối"
    buf = io.StringIO()
    w = csv.writer(buf)  # quotes a field holding \r or \n
    w.writerow(HEADER.split(","))
    w.writerow(["a.txt", "", "", "", title_a, "", ""])
    w.writerow(["b.txt", "", "", "", title_b, "", ""])
    (tmp_path / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert problems == []
    assert rows["title"].tolist() == [title_a, title_b]


def test_manifest_file_name_with_a_newline_is_found(tmp_path):
    name = "báo cáo\nhai.txt"
    (tmp_path / name).write_text(VI, encoding="utf-8")
    buf = io.StringIO()
    csv.writer(buf).writerows([["file", "title"], [name, "Tiêu đề"]])
    (tmp_path / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert problems == [] and rows["file"].tolist() == [name]


def test_manifest_control_characters_are_stripped_and_utf16_is_read(tmp_path):
    (tmp_path / "a.txt").write_text(VI, encoding="utf-8")
    text = f"{HEADER}\na.txt,,,,=cmd|' /c calc'!A0\x00\x01 tiêu đề,,\n"
    (tmp_path / "manifest.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert problems == []
    assert rows["title"].tolist() == ["=cmd|' /c calc'!A0 tiêu đề"]


# --------------------------------------------------------------------------- reading files

def test_symlink_out_of_the_corpus_and_fifo_are_refused_in_one_line(tmp_path, deadline):
    (tmp_path / "good.txt").write_text(VI, encoding="utf-8")
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "real.txt").write_text(VI + "Hai.", encoding="utf-8")
    (tmp_path / "inside.txt").symlink_to(tmp_path / "sub" / "real.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    files, _, problems = discover([tmp_path])
    assert sorted(p.name for p, _ in files) == ["good.txt", "inside.txt"]
    assert any("passwd.txt" in p and "outside the corpus" in p for p in problems)
    assert any("pipe.txt" in p and "not a regular file" in p for p in problems)
    docs, _ = read_documents(files, progress=False)
    assert not docs["text"].str.contains("root:").any()
    # read_report itself, given the corpus root, refuses the link too
    with pytest.raises(ReportError, match="outside the corpus"):
        read_report(tmp_path / "passwd.txt", root=tmp_path)


def test_fifo_and_dev_zero_are_never_read(tmp_path, deadline):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    started = time.monotonic()
    for name in ("pipe.txt", "zero.txt"):
        with pytest.raises(ReportError, match="not a regular file") as err:
            read_report(tmp_path / name)
        _one_line(str(err.value))
    assert time.monotonic() - started < 2


def test_size_limits_name_the_setting(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text(VI * 200, encoding="utf-8")  # ~50 k characters
    monkeypatch.setenv("DVLIB_MAX_TEXT_MB", "0.01")
    with pytest.raises(ReportError, match="DVLIB_MAX_TEXT_MB"):
        read_report(big)
    monkeypatch.delenv("DVLIB_MAX_TEXT_MB")
    monkeypatch.setenv("DVLIB_MAX_FILE_MB", "0.01")
    with pytest.raises(ReportError, match="DVLIB_MAX_FILE_MB"):
        read_report(big)


def test_docx_zip_bomb_is_refused_from_its_directory_quickly(tmp_path, monkeypatch):
    import docx
    d = docx.Document()
    d.add_paragraph(VI)
    d.save(tmp_path / "ok.docx")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(tmp_path / "ok.docx") as src, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/media/pad.bin", b"\0" * 12_000_000)  # 12 MB in ~12 kB
    assert bomb.stat().st_size < 100_000
    assert read_report(tmp_path / "ok.docx").text.startswith("Sáng 11/7")
    monkeypatch.setenv("DVLIB_MAX_TEXT_MB", "2")  # 10 MB of XML at most
    started = time.monotonic()
    with pytest.raises(ReportError, match="zip bomb") as err:
        read_report(bomb)
    assert time.monotonic() - started < 1
    _one_line(str(err.value))


# --------------------------------------------------------------------------- decoding

def test_cp1258_read_as_cp1252_and_saved_as_utf8_is_repaired_with_a_note(tmp_path):
    garbled = _cp1258(VI).decode("cp1252")
    assert garbled != VI and "Dân vâòn" in garbled
    p = tmp_path / "double.txt"
    p.write_text(garbled, encoding="utf-8")
    res = read_report(p)
    assert res.text == unicodedata.normalize("NFC", VI)
    assert "Dân vận" in res.text and "Windows-1258" in " ".join(res.notes)


def test_utf8_read_as_cp1252_mojibake_is_repaired(tmp_path):
    p = tmp_path / "moji.txt"
    import ftfy.bad_codecs  # noqa: F401  Windows' cp1252, which maps every byte
    p.write_text(VI.encode("utf-8").decode("sloppy-windows-1252"), encoding="utf-8")
    res = read_report(p)
    assert res.text == unicodedata.normalize("NFC", VI) and res.notes


def test_html_meta_charset_that_lies_is_overruled(tmp_path):
    p = tmp_path / "page.html"
    body = "".join(f"<p>{VI}</p>" for _ in range(3))
    p.write_bytes(f'<html><head><meta charset="iso-8859-1"><title>Tin</title></head>'
                  f"<body><article>{body}</article></body></html>".encode("utf-8"))
    res = read_report(p)
    assert "Ban Dân vận Tỉnh ủy Lào Cai" in res.text
    assert any("iso8859-1" in n or "iso-8859-1" in n for n in res.notes)


def test_replaced_bytes_and_foreign_language_reach_the_documents_table(tmp_path):
    (tmp_path / "bad.txt").write_bytes(VI.encode() * 10 + b"\xff\xfe\xff" + VI.encode() * 10)
    (tmp_path / "english.txt").write_text(
        "The provincial committee held a conference on mass mobilisation work. Delegates "
        "reviewed the results of the first six months and agreed on tasks for the rest of "
        "the year, including closer coordination with local organisations.\n", encoding="utf-8")
    files, _, _ = discover([tmp_path])
    docs, problems = read_documents(files, progress=False)
    notes = dict(zip(docs["file"].map(lambda f: Path(f).name), docs["read_notes"]))
    assert "replaced by U+FFFD" in notes["bad.txt"]
    assert "does not look like Vietnamese" in notes["english.txt"]
    assert any(p.startswith("note: ") and "english.txt" in p for p in problems)
    assert len(docs) == 2  # flagged, still listed


# --------------------------------------------------------------------------- names

def test_names_with_any_bytes_are_read_and_printed_escaped(tmp_path):
    good = os.fsencode(tmp_path) + b"/b\xe1o c\xe1o.txt"  # Latin-1 bytes: not UTF-8
    with open(good, "wb") as fh:
        fh.write(VI.encode("utf-8"))
    forged = tmp_path / "x.txt\ndvlib: everything is fine.txt"
    forged.write_bytes(b"\x89PNG\r\n\x1a\n binary")
    files, _, _ = discover([tmp_path])
    docs, problems = read_documents(files, progress=False)
    assert len(docs) == 1 and "\\xe1" in docs["file"].iloc[0]
    docs["file"].iloc[0].encode("utf-8")  # storable: no surrogates left
    assert len(problems) == 1 and "\n" not in problems[0] and "\\n" in problems[0]
    from dvlib.pipeline import corpus_fingerprint
    assert corpus_fingerprint([tmp_path])  # no UnicodeEncodeError


# --------------------------------------------------------------------------- dvlib add

@pytest.fixture
def small_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = next(CORPUS.glob("000_*.txt")).name
    shutil.copy(CORPUS / name, corpus / name)
    (corpus / "manifest.csv").write_bytes(
        (f"{HEADER}\r\n{name},Bắc Giang,2023-12-28,day,Tiêu đề,Báo,ghi chú,thêm 1,thêm 2\r\n")
        .encode("utf-8"))
    return corpus


def test_add_keeps_crlf_and_unheaded_trailing_fields(small_corpus, tmp_path):
    src = tmp_path / "new.txt"
    src.write_text(REPORT, encoding="utf-8")
    res = add_reports([src], small_corpus, url="https://example.org/a")
    assert [n for _, n in res.added] == ["new.txt"]
    raw = (small_corpus / "manifest.csv").read_bytes()
    assert raw.count(b"\r\n") == 3 and raw.replace(b"\r\n", b"").count(b"\n") == 0
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[1][-3:-1] == ["thêm 1", "thêm 2"] and rows[2][-1] == "https://example.org/a"
    assert rows[0][-1] == "url" and len(rows[0]) == len(rows[1]) == len(rows[2])


def test_add_without_new_columns_appends_bytes_only(small_corpus, tmp_path):
    before = (small_corpus / "manifest.csv").read_bytes()
    src = tmp_path / "new.txt"
    src.write_text(REPORT, encoding="utf-8")
    add_reports([src], small_corpus, title="Báo cáo mới")
    after = (small_corpus / "manifest.csv").read_bytes()
    assert after.startswith(before) and after.endswith(b"\r\n")


def test_add_refuses_hidden_fifo_dev_zero_and_utf16_manifest_in_one_line(small_corpus, tmp_path, deadline):
    hidden = tmp_path / ".x.txt"
    hidden.write_text(REPORT, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    started = time.monotonic()
    res = add_reports([hidden, tmp_path / "pipe.txt", tmp_path / "zero.txt"], small_corpus)
    assert time.monotonic() - started < 10
    assert res.added == [] and len(res.problems) == 3
    assert "hidden" in res.problems[0] and all("not a regular file" in p for p in res.problems[1:])
    for p in res.problems:
        _one_line(p)
    m = small_corpus / "manifest.csv"
    m.write_bytes(codecs.BOM_UTF16_LE + m.read_text(encoding="utf-8").encode("utf-16-le"))
    src = tmp_path / "new.txt"
    src.write_text(REPORT, encoding="utf-8")
    res = add_reports([src], small_corpus)
    assert res.added == [] and "UTF-16" in res.problems[0]
    assert not (small_corpus / "new.txt").exists()


def test_add_interrupted_by_ctrl_c_between_files_leaves_nothing(small_corpus, tmp_path,
                                                                monkeypatch):
    import contextlib

    import dvlib.load.add as add
    srcs = []
    for i, sid in enumerate(("002", "003")):
        srcs.append(tmp_path / f"new{i}.txt")
        srcs[-1].write_text(seed(sid), encoding="utf-8")
    before = {n for n in os.listdir(small_corpus) if not n.startswith(".")}
    manifest = (small_corpus / "manifest.csv").read_bytes()
    real, calls = add.atomic.atomic_path, []

    @contextlib.contextmanager
    def ctrl_c_on_second(path):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        with real(path) as tmp:
            yield tmp
    monkeypatch.setattr(add.atomic, "atomic_path", ctrl_c_on_second)
    with pytest.raises(KeyboardInterrupt):
        add_reports(srcs, small_corpus)
    assert {n for n in os.listdir(small_corpus) if not n.startswith(".")} == before
    assert (small_corpus / "manifest.csv").read_bytes() == manifest
    monkeypatch.setattr(add.atomic, "atomic_path", real)
    res = add_reports(srcs, small_corpus)  # a retry is not refused as a duplicate
    assert res.duplicates == [] and len(res.added) == 2


KILL_ADD = """
import os, signal, sys
import dvlib.load.add as add
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(add, sys.argv[1], die) if sys.argv[1] != "atomic_path" else None
if sys.argv[1] == "atomic_path":  # killed while copying the second file
    real, n = add.atomic.atomic_path, [0]
    import contextlib
    @contextlib.contextmanager
    def dying(path):
        n[0] += 1
        with real(path) as tmp:
            if n[0] == 2:
                tmp.write_bytes(b"half")
                die()
            yield tmp
    add.atomic.atomic_path = dying
add.add_reports(sys.argv[3:], sys.argv[2])
"""


@pytest.mark.slow  # a subprocess per case (imports dvlib: ~4 s)
@pytest.mark.parametrize("point", ["_append_manifest", "atomic_path"])
def test_add_killed_is_rolled_back_by_the_next_add(small_corpus, tmp_path, point):
    srcs = []
    for i, sid in enumerate(("002", "003")):
        srcs.append(tmp_path / f"new{i}.txt")
        srcs[-1].write_text(seed(sid), encoding="utf-8")
    manifest_before = (small_corpus / "manifest.csv").read_bytes()
    proc = subprocess.run([sys.executable, "-c", KILL_ADD, point, str(small_corpus),
                           *map(str, srcs)], capture_output=True, cwd=ROOT, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert (small_corpus / "manifest.csv").read_bytes() == manifest_before
    assert (small_corpus / ".dvlib-add.journal").exists()
    res = add_reports(srcs, small_corpus)
    assert res.duplicates == [] and sorted(n for _, n in res.added) == ["new0.txt", "new1.txt"]
    left = sorted(os.listdir(small_corpus))
    assert not any(n.startswith(".") and n != ".dvlib.lock" for n in left), left
    assert "new0-2.txt" not in left
    rows, problems = read_manifest(small_corpus / "manifest.csv")
    assert problems == [] and sorted(rows["file"])[-2:] == ["new0.txt", "new1.txt"]
