"""The text core every stage may use and that uses no stage.

- :mod:`~dvlib.text.normalize`: NFC, one tone-mark placement, the length-preserving match form
- :mod:`~dvlib.text.lexicon`: lexicon entries compiled to syllable-bounded regexes, and the
  pattern index that finds which of many patterns may match a text
- :mod:`~dvlib.text.regex_parse`: the one adapter to CPython's private regex parser
- :mod:`~dvlib.text.patterns`: patterns shared by stages (document codes, years, numbers,
  administrative levels, source lines)
- :mod:`~dvlib.text.data`: cached reading of ``dvlib/data`` lookup tables

It imports nothing of dvlib but :mod:`dvlib.config` and :mod:`dvlib.schema`.
"""
from dvlib.text.normalize import match_form, match_form_cached, nfc, normalize_tones

__all__ = ["match_form", "match_form_cached", "nfc", "normalize_tones"]
