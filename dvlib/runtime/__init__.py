"""Plumbing that imports no stage: atomic writes, worker processes, the garbage-collector pause,
stage profiling."""
