"""A lock on a folder, so two dvlib runs never write into the same output folder (or add to
the same corpus) at once.

The lock is an ``flock`` on a hidden file in the folder: the kernel releases it when the
holder exits, however it exits (``kill -9`` included), so a crashed run never leaves a stale
lock behind. A second run waits a little (``DVLIB_LOCK_WAIT`` seconds) and then refuses with
one line naming the folder and the holder's process id.
"""
from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".dvlib.lock"


class FolderBusy(Exception):
    """Another process holds the folder's lock; ``str(e)`` is one line for the user."""


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike, wait: float | None = None,
                what: str = "output folder") -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` (created if missing) for the ``with`` block.

    Waits up to ``wait`` seconds (default: :func:`dvlib.config.lock_wait_seconds`) for another
    holder, then raises :class:`FolderBusy`. Yields the lock file's path.
    """
    import fcntl

    from dvlib import config

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    wait = config.lock_wait_seconds() if wait is None else wait
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                    raise FolderBusy(f"{folder}: {what} is in use by another dvlib run "
                                     f"(process {holder}); try again when it has finished"
                                     ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the flock
