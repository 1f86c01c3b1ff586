"""The extract stage: entities of the content sentences — document codes and the references to
them, named models and movements, organisations, indicators (numbers with what they count),
places.

``extract(content) -> entities`` (columns :data:`dvlib.schema.ENTITY_COLUMNS` + ``detail``,
``linked_to``).
"""
from __future__ import annotations

import pandas as pd

from dvlib.extract.entities import OUTPUT_COLUMNS, extract_entities
from dvlib.schema import validate

__all__ = ["OUTPUT_COLUMNS", "extract", "extract_entities"]


def extract(content: pd.DataFrame, **options) -> pd.DataFrame:
    """The extract stage: every entity of ``content`` (sentences with doc_id, sentence_id,
    start, text; pass the whole corpus at once so named models found quoted in one report are
    found unquoted in the others). ``options`` go to :func:`extract_entities`."""
    return validate(extract_entities(content, **options), "entities")
