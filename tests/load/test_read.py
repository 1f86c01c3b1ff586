"""dvlib.read: every supported format and encoding comes out as the same clean NFC text."""
from __future__ import annotations

import codecs
import hashlib
import io
import unicodedata

from helpers import to_cp1258  # noqa: F401
import zipfile
from pathlib import Path

import pytest

from dvlib.config import corpus_dir
from dvlib.load.read import (ReadResult, ReportError, clean_text, join_pdf_lines, looks_vietnamese,
                        read_report)

SEEDS = sorted(corpus_dir().glob("*.txt"))

# A small report excerpt with every Vietnamese letter class: ă â ê ô ơ ư đ and all five tones,
# old tone placement ("Tỉnh uỷ", "hoà") kept as the report wrote it.
VI = (
    "Ban Dân vận Tỉnh ủy Bắc Giang tổ chức hội nghị đánh giá kết quả năm 2023.\n"
    "Công tác phối hợp nắm tình hình nhân dân có lúc, có việc chưa kịp thời.\n"
    "Thời gian tới, cần đẩy mạnh phong trào thi đua \"Dân vận khéo\"; Thường trực Tỉnh uỷ "
    "đề nghị các đoàn thể hoà giải ở cơ sở, lắng nghe ý kiến người dân.\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- seed reports

@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_seed_reports_read_as_their_own_nfc_text(seed):
    raw = seed.read_bytes()
    result = read_report(seed)
    expected = unicodedata.normalize("NFC", raw.decode("utf-8")).replace("\u00a0", " ")
    assert result.text == expected
    assert (result.format, result.encoding) == ("txt", "utf-8")
    assert result.raw_bytes_sha256 == hashlib.sha256(raw).hexdigest()
    assert result.doc_id == result.raw_bytes_sha256[:16]
    assert looks_vietnamese(result.text)


def test_seed_with_no_break_spaces_keeps_its_length():
    seed = corpus_dir() / "002_d6dd1dd24d4cdf82.txt"
    raw = seed.read_text(encoding="utf-8")
    assert "\u00a0" in raw
    text = read_report(seed).text
    assert "\u00a0" not in text and len(text) == len(unicodedata.normalize("NFC", raw))


# --------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("codec, data_of, expected_encoding", [
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8-sig", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    ("utf-16-le-bom", lambda t: t.encode("utf-16"), "utf-16"),
    ("utf-16-be-bom", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    ("utf-16-le", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("cp1258", to_cp1258, "cp1258"),
    ("nfd-utf-8", lambda t: unicodedata.normalize("NFD", t).encode("utf-8"), "utf-8"),
])
def test_every_encoding_gives_the_same_nfc_text(tmp_path, codec, data_of, expected_encoding):
    data = data_of(VI)
    result = read_report(write(tmp_path, f"r_{codec}.txt", data))
    assert result.text == VI
    assert unicodedata.is_normalized("NFC", result.text)
    assert result.encoding == expected_encoding
    assert result.raw_bytes_sha256 == hashlib.sha256(data).hexdigest()


def test_cp1258_bytes_really_carry_combining_tone_marks():
    data = to_cp1258(VI)
    assert b"\xd2" in data or b"\xf2" in data  # hook above / dot below as separate bytes
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_line_breaks_bom_and_control_characters_are_normalised(tmp_path):
    messy = "\ufeffDòng một\r\nDòng\u200b hai\rDòng\x07 ba\u00a0có\tTab\u2028Dòng bốn\x1b"
    result = read_report(write(tmp_path, "messy.txt", messy.encode("utf-8")))
    assert result.text == "Dòng một\nDòng hai\nDòng ba có\tTab\nDòng bốn"
    assert clean_text("a\u00a0\u202fb") == "a  b"  # one space per space, length kept


def test_utf8_with_a_stray_byte_is_read_with_a_note(tmp_path):
    data = VI.encode("utf-8") * 3
    data = data[:50] + b"\xff" + data[50:]
    result = read_report(write(tmp_path, "stray.txt", data))
    assert result.encoding == "utf-8"
    assert result.text.count("\ufffd") == 1 and result.notes
    assert "Tỉnh ủy Bắc Giang" in result.text


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\t\r\n  ", "no text"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)), "binary file (PNG image)"),
    ("archive.txt", b"PK\x03\x04" + b"abc" * 50, "binary file (ZIP archive)"),
    ("program.txt", b"\x7fELF\x02\x01\x01" + bytes(range(1, 100)), "binary file (ELF"),
    ("nuls.txt", bytes(range(256)) * 8, "binary file (NUL bytes), not a report"),
    # Latin-1 French: not UTF-8, decodes in cp1258 but does not look Vietnamese
    ("french.txt", ("Le rapport était très détaillé à Noël, où l'équipe a présenté "
                    "les résultats de l'année. " * 5).encode("latin-1"),
     "cannot decode as UTF-8, UTF-16 or Windows-1258"),
    # legacy TCVN3-style bytes: high bytes as letters, garbage in every candidate
    ("tcvn3.txt", b"Ban D\xa9n v\xcbn T\xdenh \xf7y t\xc9 ch\xf8c h\xe9i ngh\xfb " * 20,
     "cannot decode as UTF-8, UTF-16 or Windows-1258"),
    ("table.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unsupported file type .xls"),
    ("noext", b"abc", "unsupported file type (no extension)"),
])
def test_unreadable_files_raise_one_clear_line(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(ReportError) as info:
        read_report(path)
    err = info.value
    assert err.path == str(path)
    assert reason in err.reason
    assert str(err) == f"{path}: {err.reason}" and "\n" not in str(err)


def test_missing_file_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="no such file"):
        read_report(tmp_path / "absent.txt")


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}">
<title>Tổng kết công tác dân vận năm 2023 - Báo Bình Phước</title>
<meta property="og:title" content="Tổng kết công tác dân vận năm 2023">
<meta property="og:site_name" content="Báo Bình Phước">
<meta property="og:url" content="https://baobinhphuoc.com.vn/news/tong-ket-dan-van-2023">
<meta property="article:published_time" content="2024-01-13T08:00:00+07:00">
<style>.menu {{ color: red }} body {{ font-family: "Times New Roman" }}</style>
<script>var tracking = "MÃ THEO DÕI"; function f() {{ return 1; }}</script>
</head><body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/kinh-te">Chuyên mục Kinh tế</a></li></ul></nav>
<main><article>
<h1>Tổng kết công tác dân vận năm 2023</h1>
<p>Sáng ngày 12/01/2024, Ban Dân vận Tỉnh ủy Bình Phước tổ chức hội nghị tổng kết công tác
dân vận năm 2023 và triển khai nhiệm vụ năm 2024 &amp; ký kết giao ước thi đua.</p>
<p>Năm 2023, phong trào thi đua &quot;Dân vận khéo&quot; được triển khai sâu rộng, có
1.250 mô hình được công nhận&nbsp;trên toàn tỉnh.</p>
<p>Bên cạnh đó, công tác dân vận vẫn còn những hạn chế: một số cấp ủy chưa quan tâm đúng
mức, việc nắm tình hình nhân dân có lúc, có nơi chưa kịp thời.</p>
<p>Năm 2024, các cấp ủy cần tiếp tục nâng cao chất lượng công tác dân vận, tăng cường đối
thoại với nhân dân và nhân rộng các mô hình hay, cách làm hiệu quả.</p>
</article></main>
<footer><p>Bản quyền thuộc về Báo Bình Phước. Điện thoại 0271 3879 999.</p></footer>
<script>console.log("KẾT THÚC SCRIPT");</script>
</body></html>
"""


def test_html_main_text_without_script_style_nav_footer(tmp_path):
    result = read_report(write(tmp_path, "page.html", PAGE.format(charset="utf-8").encode()))
    text = result.text
    assert result.format == "html" and result.encoding == "utf-8"
    assert "Ban Dân vận Tỉnh ủy Bình Phước" in text
    assert "& ký kết" in text and '"Dân vận khéo"' in text  # entities decoded
    assert "&amp;" not in text and "&quot;" not in text and "\u00a0" not in text
    for furniture in ("MÃ THEO DÕI", "KẾT THÚC SCRIPT", "color: red", "Chuyên mục Kinh tế",
                      "Bản quyền", "<p>"):
        assert furniture not in text
    # one paragraph per line, the hard-wrapped source lines inside a <p> do not break it
    lines = [line for line in text.split("\n") if line.strip()]
    assert any(line.startswith("Bên cạnh đó") and line.endswith("chưa kịp thời.") for line in lines)
    assert result.title_hint == "Tổng kết công tác dân vận năm 2023"
    assert result.date_hint == "2024-01-13"
    assert result.url_hint == "https://baobinhphuoc.com.vn/news/tong-ket-dan-van-2023"
    assert result.outlet_hint == "Báo Bình Phước"


def test_html_in_windows_1258_is_decoded_and_composed(tmp_path):
    page = PAGE.format(charset="windows-1258")
    result = read_report(write(tmp_path, "page1258.htm", to_cp1258(page)))
    assert result.encoding == "cp1258"
    assert "Ban Dân vận Tỉnh ủy Bình Phước" in result.text
    assert unicodedata.is_normalized("NFC", result.text)


def test_html_without_main_text_is_a_report_error(tmp_path):
    page = (b"<html><head><style>p { color: red }</style><script>var x = 'Tr\xe1\xbb\xa7';</script>"
            b"</head><body><img src='banner.png'></body></html>")
    with pytest.raises(ReportError, match="no main text"):
        read_report(write(tmp_path, "empty.html", page))


# --------------------------------------------------------------------------- DOCX

def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None,
              title: str = "", created=None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs[:2]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for text in paragraphs[2:]:
        document.add_paragraph(text)
    document.core_properties.title = title
    if created is not None:
        document.core_properties.created = created
    document.save(path)
    return path


def test_docx_paragraphs_tables_and_core_properties(tmp_path):
    import datetime as dt

    nfd = unicodedata.normalize("NFD", "Những hạn chế: công tác tuyên truyền có lúc chưa hiệu quả.")
    path = make_docx(
        tmp_path / "report.docx",
        ["Báo cáo công tác dân vận năm 2023", "Ban Dân vận Tỉnh ủy Điện Biên báo cáo như sau:",
         nfd, ""],
        table=[["Chỉ tiêu", "Kết quả"], ["Mô hình dân vận khéo", "1.250"]],
        title="Báo cáo dân vận 2023", created=dt.datetime(2023, 12, 29, 9, 0),
    )
    result = read_report(path)
    assert result.format == "docx" and result.encoding == ""
    assert result.text.split("\n") == [
        "Báo cáo công tác dân vận năm 2023", "Ban Dân vận Tỉnh ủy Điện Biên báo cáo như sau:",
        "Chỉ tiêu", "Kết quả", "Mô hình dân vận khéo", "1.250",
        "Những hạn chế: công tác tuyên truyền có lúc chưa hiệu quả.",
    ]
    assert result.title_hint == "Báo cáo dân vận 2023" and result.date_hint == "2023-12-29"


def test_docx_from_the_blank_template_has_no_date_hint(tmp_path):
    result = read_report(make_docx(tmp_path / "plain.docx", ["Hội nghị giao ban quý II."]))
    assert result.date_hint == "" and result.title_hint == ""


def test_broken_docx_is_a_report_error(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    with pytest.raises(ReportError, match="corrupt or unreadable DOCX"):
        read_report(write(tmp_path, "zip.docx", buffer.getvalue()))
    with pytest.raises(ReportError, match="not a DOCX file"):
        read_report(write(tmp_path, "text.docx", "Báo cáo".encode("utf-8")))
    with pytest.raises(ReportError, match="legacy .doc"):
        read_report(write(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)))


# --------------------------------------------------------------------------- PDF

def make_pdf(path: Path, lines: list[str]) -> Path:
    """A text PDF written by matplotlib (Type 3 fonts with a ToUnicode map: pypdf extracts
    Vietnamese diacritics from it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            fig.text(0.05, 0.95 - 0.02 * i, line, fontsize=9)
        pdf.savefig(fig)
        plt.close(fig)
    return path


PDF_LINES = [
    "Báo cáo kết quả công tác dân vận năm 2023",
    "Công tác phối hợp nắm tình hình nhân dân, nhất là những bức xúc,",
    "những vụ việc phức tạp có lúc, có việc chưa kịp thời.",
    "Năm 2024, Ban Dân vận Tỉnh ủy đề ra các nhiệm vụ:",
    "tăng cường giám sát, phản biện xã hội.",
    "Thứ nhất: Tiếp tục nâng cao chất lượng tham mưu",
    "Thứ hai: Nhân rộng mô hình Dân vận khéo.",
]


def test_pdf_text_with_hard_wraps_rejoined(tmp_path):
    result = read_report(make_pdf(tmp_path / "report.pdf", PDF_LINES))
    assert result.format == "pdf"
    assert result.text.split("\n") == [
        "Báo cáo kết quả công tác dân vận năm 2023",
        "Công tác phối hợp nắm tình hình nhân dân, nhất là những bức xúc, "
        "những vụ việc phức tạp có lúc, có việc chưa kịp thời.",
        # ends with ":" (introduces a list): not joined although the next line is lower-case
        "Năm 2024, Ban Dân vận Tỉnh ủy đề ra các nhiệm vụ:",
        "tăng cường giám sát, phản biện xã hội.",
        # no final punctuation but the next line starts upper-case: not joined
        "Thứ nhất: Tiếp tục nâng cao chất lượng tham mưu",
        "Thứ hai: Nhân rộng mô hình Dân vận khéo.",
    ]
    assert unicodedata.is_normalized("NFC", result.text)


def test_join_pdf_lines_keeps_paragraph_breaks():
    assert join_pdf_lines("Một số cấp ủy chưa\nquan tâm.\n\ncòn lại") == \
        "Một số cấp ủy chưa quan tâm.\n\ncòn lại"


def test_encrypted_broken_and_empty_pdfs_are_report_errors(tmp_path):
    import pypdf

    good = make_pdf(tmp_path / "good.pdf", PDF_LINES[:2])
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(good))
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="RC4-128")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    with pytest.raises(ReportError, match="encrypted PDF"):
        read_report(tmp_path / "locked.pdf")

    # encrypted with an empty user password (only owner restrictions): readable
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(good))
    writer.encrypt(user_password="", owner_password="chu", algorithm="RC4-128")
    with open(tmp_path / "restricted.pdf", "wb") as fh:
        writer.write(fh)
    assert "Báo cáo kết quả" in read_report(tmp_path / "restricted.pdf").text

    truncated = write(tmp_path, "cut.pdf", good.read_bytes()[:900])
    with pytest.raises(ReportError, match="corrupt or unreadable PDF"):
        read_report(truncated)

    blank = pypdf.PdfWriter()
    blank.add_blank_page(595, 842)
    with open(tmp_path / "scan.pdf", "wb") as fh:
        blank.write(fh)
    with pytest.raises(ReportError, match="no text layer"):
        read_report(tmp_path / "scan.pdf")

    with pytest.raises(ReportError, match="not a PDF file"):
        read_report(write(tmp_path, "fake.pdf", "Báo cáo".encode("utf-8")))


def test_read_result_is_a_small_frozen_record():
    result = ReadResult(text="a", format="txt", encoding="utf-8", raw_bytes_sha256="ab" * 32)
    assert result.title_hint == result.date_hint == result.url_hint == result.outlet_hint == ""
    with pytest.raises(AttributeError):
        result.text = "b"


def test_control_characters_make_a_binary_text_but_line_breaks_do_not():
    from dvlib.load.read import _is_binary_text

    assert _is_binary_text("Dòng\x00\x01\x02\x03\x7f\x85 một")
    assert not _is_binary_text("Dòng\n\r\t\f\v một\n\n\n\n")
    assert not _is_binary_text(VI + "\x07\x08\x1b\x1f")  # a few stray ones in a long text
    assert clean_text(VI) == unicodedata.normalize("NFC", VI)  # nothing to map: as it was
