"""Cached reading of the lookup tables shipped in ``dvlib/data/`` (read once per process)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
import yaml

from dvlib.config import data_file

__all__ = ["data_file", "read_table", "read_yaml", "read_lines"]


@lru_cache(maxsize=None)
def read_table(name: str) -> pd.DataFrame:
    """A CSV of ``dvlib/data`` as strings ("" for empty cells). Callers must not modify it."""
    return pd.read_csv(data_file(name), dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def read_yaml(name: str):
    """A YAML file of ``dvlib/data``, parsed. Callers must not modify it."""
    return yaml.safe_load(data_file(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def read_lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of a text list in ``dvlib/data``."""
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return tuple(l.strip() for l in lines if l.strip() and not l.lstrip().startswith("#"))
