"""Per-document work on a Dask cluster (dask.distributed): connect, submit, collect.

Dask schedules, retries a task whose worker died and reports on its dashboard; dvlib only hands
it batches of documents and a module-level function, and takes the results back as they
finish. The per-document function must be importable on the workers (dvlib installed in the
same environment there), and the batches carry the documents' own text, so workers need no
shared file system.

Start a cluster from the project's environment (see README, "Beyond one machine")::

    .venv/bin/dask scheduler                                  # prints tcp://HOST:8786
    .venv/bin/dask worker tcp://HOST:8786 --nworkers 2 --nthreads 1
    dvlib analyze corpus --scheduler tcp://HOST:8786          # or DVLIB_SCHEDULER=...

One thread per worker process: the tokeniser holds the GIL, so threads would only queue.
"""
from __future__ import annotations

import sys
from typing import Callable, Iterator, Sequence

from tqdm.auto import tqdm


def connect(address, timeout: str = "10s"):
    """A ``distributed.Client`` for ``address`` ("tcp://host:8786"), or ``address`` itself when
    it already is a Client (e.g. of a ``LocalCluster`` made in a notebook or a test).

    Raises ``RuntimeError`` with one line when no scheduler answers there."""
    from distributed import Client
    if isinstance(address, Client):
        return address
    if hasattr(address, "scheduler_address"):  # a cluster object (LocalCluster ...)
        address = address.scheduler_address
    try:
        return Client(str(address), timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise RuntimeError(f"no Dask scheduler answers at {address} ({exc.__class__.__name__})") from exc


def map_on_cluster(func: Callable, batches: Sequence, address, *, sizes: Sequence[int] | None = None,
                   desc: str = "documents", unit: str = "doc",
                   progress: bool = True) -> Iterator[tuple[int, object]]:
    """``(i, func(batches[i]))`` for every batch, in the order they finish on the cluster.

    The progress bar counts ``sizes[i]`` units per finished batch (1 by default); the
    dashboard's address is printed once so a long run can be watched there too.
    """
    from distributed import as_completed

    client = connect(address)
    own = client is not address
    try:
        if progress:
            print(f"dvlib: Dask dashboard {client.dashboard_link}", file=sys.stderr)
        # pure=False: a batch is submitted once per run; hashing its content again is waste
        futures = client.map(func, list(batches), pure=False)
        where = {f.key: i for i, f in enumerate(futures)}
        total = sum(sizes) if sizes is not None else len(batches)
        with tqdm(total=total, desc=f"{desc} (dask)", unit=unit, disable=not progress) as bar:
            for fut in as_completed(futures):
                i = where[fut.key]
                result = fut.result()  # re-raises a worker's exception here
                fut.release()
                bar.update(sizes[i] if sizes is not None else 1)
                yield i, result
    finally:
        if own:
            client.close()
