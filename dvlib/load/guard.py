"""What may be read at all: regular files inside the corpus, of bounded size.

A researcher's archive holds files from other people's folders and websites. Before a byte
is read, :func:`open_checked` makes sure the path is a regular file (a FIFO would block
forever, ``/dev/zero`` never ends), that a symlink stays inside the folder it was found in,
and that the file is not larger than the limit; :func:`check_zip_sizes` refuses a DOCX whose
zip directory announces more uncompressed data than any report holds (a zip bomb), before
anything is decompressed. Each refusal is one line naming the file and the limit.
"""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from dvlib import config

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def printable(value) -> str:
    """``value`` (a path or a string) safe to print on one line: bytes that are not UTF-8
    (kept by Python as surrogates) become ``\\xNN``, control characters (a newline in a file
    name) become escapes, so a file name can never forge a "dvlib:" line of its own."""
    text = os.fsdecode(value) if isinstance(value, (bytes, os.PathLike)) else str(value)
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in text):
        text = "".join(c.encode("unicode_escape").decode("ascii")
                       if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" else c
                       for c in text)
    return text


def mb(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def outside_root(path: Path, root: Path | None) -> str:
    """Where ``path`` really points if that is outside ``root`` ("" if inside, or no root)."""
    if root is None:
        return ""
    real = Path(os.path.realpath(path))
    base = Path(os.path.realpath(root))
    return "" if real == base or base in real.parents else str(real)


def read_checked(path: Path, root: Path | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file inside ``root`` within the size limit.

    Raises ``ValueError`` with the reason (one line) otherwise; ``OSError`` as the OS gives it.
    """
    target = outside_root(path, root)
    if target:
        raise ValueError(f"symlink to {printable(target)}, outside the corpus folder: not read")
    st = os.stat(path)  # follows a symlink: the kind of the file that would be read
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise ValueError(f"{kind}, not a regular file: not read")
    limit = config.max_file_bytes()
    if st.st_size > limit:
        raise ValueError(f"file is {mb(st.st_size)}, over the limit of {mb(limit)} "
                         "(DVLIB_MAX_FILE_MB)")
    # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, open() does
    # not wait for a writer; the fstat below then refuses it.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file: not read")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"file is over the limit of {mb(limit)} (DVLIB_MAX_FILE_MB)")
    return data


def check_text_size(n_chars: int) -> None:
    """Raise ``ValueError`` if a report's text (decoded, decompressed) is over the limit."""
    limit = config.max_text_chars()
    if n_chars > limit:
        raise ValueError(f"holds {n_chars / 1e6:,.1f} M characters of text, over the limit of "
                         f"{limit / 1e6:,.1f} M (DVLIB_MAX_TEXT_MB)")


# A real DOCX compresses its XML about 5-20 times; a zip bomb, thousands of times.
_MAX_RATIO = 200


def check_zip_sizes(data: bytes) -> None:
    """Refuse (``ValueError``) a ZIP package (DOCX) whose directory announces more uncompressed
    bytes than a report of the text limit needs (5 bytes of XML per character), or an entry
    compressed suspiciously well. Reads only the directory: nothing is decompressed."""
    import io

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the DOCX reader reports a damaged package in its own words
    total = sum(i.file_size for i in infos)
    limit = 5 * config.max_text_chars()
    if total > limit:
        raise ValueError(f"unpacks to {mb(total)}, over the limit of {mb(limit)} "
                         "(5 x DVLIB_MAX_TEXT_MB; a zip bomb?)")
    for i in infos:
        if i.file_size > 10_000_000 and i.file_size > _MAX_RATIO * max(i.compress_size, 1):
            raise ValueError(f"part {i.filename} unpacks {i.file_size // max(i.compress_size, 1)}"
                             f" times its size ({mb(i.file_size)}; a zip bomb?)")
