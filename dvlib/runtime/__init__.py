"""Plumbing that imports no stage: atomic writes, worker processes and the Dask cluster, the
per-document cache, the garbage-collector pause, stage profiling."""
