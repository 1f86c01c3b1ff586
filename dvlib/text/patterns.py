"""Patterns shared by stages: the lines that credit a source, and the administrative levels.

One place for what several modules read, so they cannot drift apart:

- a *source line* ("Theo Báo BGĐT", "Nguồn: Báo Sóc Trăng", "Nguồn tin: ..."):
  :data:`SOURCE_LINE_START` tells one (dvlib.load.province reads its outlet as evidence of
  the province), :data:`SOURCE_LINE_OUTLET` takes the outlet named in it (dvlib.load.metadata).
  The boilerplate finder's own source-line rules are data, in
  ``dvlib/data/boilerplate_patterns.yaml`` (kind ``source_line``).
- the *administrative levels* ("tỉnh", "thị xã", "thị trấn" ...), in
  ``dvlib/data/admin_levels.csv``: which place type a word introduces for the gazetteer, the
  gazetteer's own type name, and the level it gives an organisation ("Hội Nông dân tỉnh").
"""
from __future__ import annotations

import re

from dvlib.text.data import read_table

# A line that opens like a source credit; "nguồn" followed by a space also counts ("Nguồn
# Báo ..."). Callers add their own length limit ("Theo báo cáo của ..." is content).
SOURCE_LINE_START = re.compile(r"^\s*(?:theo|nguồn(?: tin)?\s*:|nguồn\s)", re.I)
# A whole source line of a multi-line text, group 1 the outlet it names (up to 80 characters).
SOURCE_LINE_OUTLET = re.compile(r"^\s*(?:theo|nguồn(?: tin)?\s*:?)\s+(.{1,80})$", re.I | re.M)

ADMIN_LEVELS_FILE = "admin_levels.csv"


def admin_levels() -> list[dict]:
    """The rows of ``admin_levels.csv`` in file order: word (as written, lower case),
    place_type, type_name (the gazetteer's), org_level ("" where a column does not apply)."""
    return read_table(ADMIN_LEVELS_FILE).to_dict("records")
