"""Read one report file (txt, html, docx, pdf) into clean Unicode text.

The raw file is never changed; what comes out is the text every later stage works on, so its
character offsets are the ones sentences and quotes cite. The text is NFC, has "\\n" line breaks
only, no BOM, no control characters other than "\\n" and "\\t", and no-break or other exotic
spaces turned into plain spaces one for one. A file that is not a readable report raises
:class:`ReportError` with one clear line, so a batch loader can report it and go on.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
import html as _html
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dvlib.load import guard as _guard
from dvlib.load import mojibake as _mojibake
from dvlib.load.vietnamese import looks_vietnamese, vietnamese_share

log = logging.getLogger(__name__)

__all__ = ["ReadResult", "ReportError", "clean_text", "decode_bytes", "join_pdf_lines",
           "looks_vietnamese", "read_report", "vietnamese_share"]

SUPPORTED_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html",
                      ".xhtml": "html", ".docx": "docx", ".pdf": "pdf"}


class ReportError(Exception):
    """A file that cannot be read as a report; ``str(e)`` is "PATH: reason", one line (the
    path printed escaped: a newline or a non-UTF-8 byte in a file name cannot break it)."""

    def __init__(self, path, reason: str):
        self.path = _guard.printable(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class ReadResult:
    text: str
    format: str                  # txt, html, docx, pdf
    encoding: str                # of the bytes (txt/html); "" for docx and pdf
    raw_bytes_sha256: str
    title_hint: str = ""         # hints from the file's own metadata; "" if none
    date_hint: str = ""          # ISO date (YYYY-MM-DD) or ""
    url_hint: str = ""
    outlet_hint: str = ""
    notes: tuple[str, ...] = ()  # what was repaired on the way (e.g. bad bytes replaced)

    @property
    def doc_id(self) -> str:
        """The stable document id of the schema: first 16 hex digits of the raw sha256."""
        return self.raw_bytes_sha256[:16]


def read_report(path, root=None) -> ReadResult:
    """Read a report file; raise :class:`ReportError` if it is not a readable report.

    Only a regular file within the size limits is read (see :mod:`dvlib.load.guard`); with
    ``root`` (the corpus folder it was found in), a symlink pointing outside ``root`` is
    refused. Mojibake is repaired where unambiguous; what was repaired or looks wrong (bytes
    replaced, not Vietnamese) is in ``notes``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    fmt = SUPPORTED_SUFFIXES.get(suffix)
    if fmt is None:
        raise ReportError(path, f"unsupported file type {_guard.printable(suffix) or '(no extension)'}")
    try:
        data = _guard.read_checked(path, Path(root) if root is not None else None)
    except FileNotFoundError:
        raise ReportError(path, "no such file") from None
    except OSError as exc:
        raise ReportError(path, f"cannot read file ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise ReportError(path, str(exc)) from None
    if not data:
        raise ReportError(path, "empty file")
    sha = hashlib.sha256(data).hexdigest()
    reader = {"txt": _read_txt, "html": _read_html, "docx": _read_docx, "pdf": _read_pdf}[fmt]
    fields = reader(path, data)
    raw_text = fields.pop("text")
    notes = tuple(fields.pop("notes", ()))
    try:
        _guard.check_text_size(len(raw_text))
        raw_text, repaired = _mojibake.repair(raw_text)
    except ValueError as exc:
        raise ReportError(path, str(exc)) from None
    text = clean_text(raw_text)
    if not text.strip():
        raise ReportError(path, "no text (empty or whitespace only)")
    if repaired:
        notes += (repaired,)
    if not looks_vietnamese(text, min_valid=0.6, min_marked=0.1):
        valid, _ = vietnamese_share(text)
        notes += (f"does not look like Vietnamese ({valid:.0%} of the words are Vietnamese "
                  "syllables); analysed anyway",)
    return ReadResult(text=text, format=fmt, raw_bytes_sha256=sha, notes=notes, **fields)


# --------------------------------------------------------------------------- text clean-up

# Line separators other than "\n" (Word's manual line break arrives as \v, PDFs use \f).
_LINE_BREAKS = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
# Invisible format characters that break matching and carry no content.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def _char_map() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):
        if chr(cp) not in "\n\t":
            table[cp] = None
    for ch in _INVISIBLE:
        table[ord(ch)] = None
    # Every space-like character becomes one plain space, so lengths stay as they were.
    for cp in [0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]:
        table[cp] = " "
    return table


_CHAR_MAP = _char_map()
# Any character the map changes: most texts hold none, and translate() with a dict is slow.
_MAPPED = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _CHAR_MAP) + "]")


def clean_text(text: str) -> str:
    """NFC, "\\n" line breaks, no BOM/control/invisible characters, plain spaces."""
    text = _LINE_BREAKS.sub("\n", text)
    if _MAPPED.search(text):
        text = text.translate(_CHAR_MAP)
    # NFC last: removing an invisible character may let a tone mark join its vowel.
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- binary sniffing

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "ELF executable"), (b"%PDF-", "PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 container: legacy .doc/.xls or encrypted Office"),
    (b"\x1f\x8b", "gzip archive"), (b"Rar!", "RAR archive"), (b"7z\xbc\xaf\x27\x1c", "7z archive"),
]


def _magic(data: bytes) -> str:
    for sig, name in _MAGIC:
        if data.startswith(sig):
            return name
    return ""


# --------------------------------------------------------------------------- decoding

def _utf16_without_bom(data: bytes) -> str:
    """'utf-16-le'/'utf-16-be' if the NUL bytes sit in every other position, else ''."""
    n = len(data) // 2
    if n < 2 or len(data) % 2:
        return ""
    nul_even, nul_odd = data[0::2].count(0), data[1::2].count(0)
    # Vietnamese in UTF-16: spaces, ASCII and Latin-1 letters (most characters) have a zero
    # high byte; a zero low byte almost never occurs.
    if nul_odd >= 0.3 * n and nul_even <= 0.02 * n:
        return "utf-16-le"
    if nul_even >= 0.3 * n and nul_odd <= 0.02 * n:
        return "utf-16-be"
    return ""


# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) but line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _is_binary_text(text: str) -> bool:
    """Decoded text with many control characters is a binary file that happened to decode."""
    bad = len(_CONTROL.findall(text))
    return bad > 3 and bad > 0.02 * len(text)


def _mostly_utf8(data: bytes) -> tuple[bool, int]:
    """Whether the bytes are UTF-8 with a few stray bytes; and how many were invalid."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    return good >= 20 and bad <= max(2, good // 200), bad


_TAGS = re.compile(r"<[^>]*>|&\w+;|&#\d+;")


def decode_bytes(data: bytes, path="", markup: bool = False) -> tuple[str, str, tuple[str, ...]]:
    """Decode report bytes: (text, encoding, notes). Raise ReportError if not a text file.

    Order: BOM; BOM-less UTF-16 by its NUL pattern; strict UTF-8; Windows-1258 only if the
    result looks Vietnamese; UTF-8 with a few stray bytes (replaced, with a note).
    """
    def fail(reason: str) -> ReportError:
        return ReportError(path, reason)

    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        candidates = [("utf-32", "utf-32")]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "utf-8-sig")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "utf-16")]
    elif b"\x00" in data:
        codec = _utf16_without_bom(data)
        if not codec:
            raise fail("binary file (NUL bytes), not a report")
        candidates = [(codec, codec)]
    else:
        kind = _magic(data)
        if kind:
            raise fail(f"binary file ({kind}), not a report")
        candidates = []
    for codec, name in candidates:  # a BOM or NUL pattern has decided the encoding
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise fail(f"invalid {name.upper()} ({exc.reason} at byte {exc.start})") from None
        if _is_binary_text(text) or "\x00" in text:
            raise fail("binary file (control characters), not a report")
        return text, name, ()

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _is_binary_text(text):
            raise fail("binary file (control characters), not a report")
        return text, "utf-8", ()  # read_report repairs UTF-8 that is really mojibake
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        text = ""
    probe = _TAGS.sub(" ", text) if markup else text
    if text and not _is_binary_text(text) and looks_vietnamese(probe):
        # Windows-1258 writes most tones as combining marks; clean_text() composes them (NFC).
        return text, "cp1258", ()
    ok, bad = _mostly_utf8(data)
    if ok:
        return (data.decode("utf-8", errors="replace"), "utf-8",
                (f"{bad} invalid UTF-8 byte sequence(s) replaced by U+FFFD",))
    raise fail("cannot decode as UTF-8, UTF-16 or Windows-1258")


def _read_txt(path: Path, data: bytes) -> dict:
    text, encoding, notes = decode_bytes(data, path)
    return {"text": text, "encoding": encoding, "notes": notes}


# --------------------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def _decode_html(path: Path, data: bytes) -> tuple[str, str, tuple[str, ...]]:
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    m = None if has_bom else _META_CHARSET.search(data[:4096])
    if m:
        try:
            codec = codecs.lookup(m.group(1).decode("ascii")).name
            text = data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common: detect instead
        else:
            if codec.replace("_", "-") in ("utf-8", "utf-8-sig") or data.isascii():
                return text, codec, ()
            # Valid UTF-8 with multi-byte sequences is almost never another code page: the
            # declaration lies (a page re-saved as UTF-8 that kept its old <meta>).
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return text, codec, ()
            return text, "utf-8", (f"declared charset {codec} contradicts the bytes (valid "
                                   "UTF-8): read as UTF-8",)
    return decode_bytes(data, path, markup=True)


@lru_cache(maxsize=1)
def _trafilatura():
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it
    return trafilatura


_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def _read_html(path: Path, data: bytes) -> dict:
    text, encoding, notes = _decode_html(path, data)
    try:
        trafilatura = _trafilatura()
    except ImportError as exc:
        raise ReportError(path, f"HTML support unavailable ({exc})") from None
    try:
        doc = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, deduplicate=False,
        )
    except Exception as exc:  # a parser failure on a malformed page is one verdict
        raise ReportError(path, f"unreadable HTML ({type(exc).__name__}: {exc})") from None
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not body.strip():
        raise ReportError(path, "no main text found in the HTML page")
    # Pages that escape twice ("&amp;nbsp;") leave entities in the extracted text.
    if _ENTITY.search(body):
        body = _html.unescape(body)

    def meta(name: str) -> str:
        value = getattr(doc, name, None)
        return _html.unescape(str(value)).strip() if value else ""

    return {"text": body, "encoding": encoding, "notes": notes,
            "title_hint": meta("title"), "date_hint": meta("date"), "url_hint": meta("url"),
            "outlet_hint": meta("sitename") or meta("hostname")}


# --------------------------------------------------------------------------- DOCX

# python-docx's own blank template carries this creation time: it says nothing about a report.
_DOCX_TEMPLATE_CREATED = _dt.datetime(2013, 12, 23, 23, 15, tzinfo=_dt.timezone.utc)


def _docx_lines(container, seen: set) -> list[str]:
    from docx.table import Table

    lines: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    # A merged cell repeats in every row/column it spans. The set holds the
                    # lxml elements themselves, so their proxies (and identities) stay stable.
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    lines.extend(_docx_lines(cell, seen))
        elif block.text.strip():
            lines.append(block.text)
    return lines


def _read_docx(path: Path, data: bytes) -> dict:
    if not data.startswith(b"PK\x03\x04"):
        kind = _magic(data)
        if kind.startswith("OLE2"):
            raise ReportError(path, "not a DOCX file (legacy .doc or password-protected Word)")
        raise ReportError(path, f"not a DOCX file ({kind or 'not a ZIP package'})")
    try:
        _guard.check_zip_sizes(data)  # before anything is decompressed
    except ValueError as exc:
        raise ReportError(path, str(exc)) from None
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = _docx_lines(document, set())
        props = document.core_properties
        title, created, identifier = props.title or "", props.created, props.identifier or ""
    except Exception as exc:  # any parser failure on a damaged package is the same verdict
        raise ReportError(path, f"corrupt or unreadable DOCX ({type(exc).__name__}: {exc})") from None
    date_hint = ""
    if created is not None and created != _DOCX_TEMPLATE_CREATED and created.year >= 1995:
        date_hint = created.date().isoformat()
    return {"text": "\n".join(lines), "encoding": "", "title_hint": title.strip(),
            "date_hint": date_hint,
            "url_hint": identifier if identifier.startswith(("http://", "https://")) else ""}


# --------------------------------------------------------------------------- PDF

# A line that ends like this closes a sentence (or introduces a list) and is not re-joined.
_LINE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")


def join_pdf_lines(text: str) -> str:
    """Undo PDF hard wrapping: join a line to the next when it does not end a sentence and
    the next starts with a lower-case letter. Blank lines (paragraph breaks) stay."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if (out and stripped and out[-1].strip() and not _LINE_END.search(out[-1])
                and stripped[0].islower()):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _pdf_date(value) -> str:
    if isinstance(value, _dt.datetime) and value.year >= 1995:
        return value.date().isoformat()
    return ""


def _read_pdf(path: Path, data: bytes) -> dict:
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        kind = _magic(data)
        raise ReportError(path, f"not a PDF file ({kind or 'no %PDF header'})")
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many "encrypted" PDFs only restrict printing and open with an empty password.
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise ReportError(path, f"encrypted PDF ({type(exc).__name__}: {exc})") from None
            if not opened:
                raise ReportError(path, "encrypted PDF (a password is required)")
        pages, n_chars = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            n_chars += len(pages[-1])
            _guard.check_text_size(n_chars)  # stop early on a PDF with endless text
    except ValueError as exc:
        raise ReportError(path, str(exc)) from None
    except ReportError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files; one verdict
        raise ReportError(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from None
    text = join_pdf_lines("\n".join(pages))
    if not text.strip():
        raise ReportError(path, "PDF has no text layer (a scanned image?)")
    title = date_hint = ""
    try:
        info = reader.metadata
        if info is not None:
            title = str(info.title or "").strip()
            date_hint = _pdf_date(info.creation_date)
    except Exception:  # metadata is only a hint; a damaged info dictionary is not fatal
        log.debug("unreadable PDF metadata in %s", path)
    return {"text": text, "encoding": "", "title_hint": title, "date_hint": date_hint}
