"""Memory housekeeping: pausing the cyclic garbage collector around a hot loop of many small
acyclic objects, and giving freed memory back to the system between stages."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import lru_cache


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: feature rows are many small acyclic containers
    (freed by reference counting), and collecting while they pile up costs ~20% of labelling."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()



def release_memory() -> None:
    """Give freed memory back to the system between stages: a collection, then glibc's
    ``malloc_trim`` (a stage's temporary strings and frames leave the heap fragmented, and
    the process would carry hundreds of MB it no longer uses into the next stage; measured
    115 MB after loading 2,000 reports). A no-op where the C library is not glibc."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        import ctypes
        import ctypes.util
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return getattr(libc, "malloc_trim", None)
