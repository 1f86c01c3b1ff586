"""The adapter to CPython's private regex parser: pinned to the versions it was written for,
exact where it answers, and harmless where the parser is missing."""
from __future__ import annotations

import re
import sys

import pytest

from dvlib.text import regex_parse as rp
from dvlib.text.lexicon import PatternIndex, compile_entry


def test_pinned_to_the_python_it_was_written_for():
    # A new CPython may reshape re._parser: check the adapter on it (this file, and
    # tests/label/test_label.py::test_pattern_index_finds_what_a_plain_search_finds), then add
    # the version to WRITTEN_FOR.
    assert sys.version_info[:2] in rp.WRITTEN_FOR, (
        f"dvlib.text.regex_parse was written for {rp.WRITTEN_FOR}; re-check it on "
        f"{sys.version_info[:2]}")
    assert rp.AVAILABLE


@pytest.mark.parametrize("pattern, must_contain", [
    (r"(?<!\w)(?:hạn chế)(?!\w)", "hạn"),
    (r"(?<!\w)(?:còn\s+chậm|chưa\s+kịp\s+thời)(?!\w)", None),
    (r"^\W*(?:tiếp tục)(?!\w)", "tiếp"),
])
def test_requirements_are_necessary(pattern, must_contain):
    reqs, start = rp.analyse(re.compile(pattern))
    assert reqs
    if must_contain:
        assert any(must_contain in s for _, ss in reqs for s in ss)


def test_without_the_parser_every_pattern_is_searched(monkeypatch):
    """Where re._parser is unavailable, analyse/needs answer "unknown" and the index still finds
    exactly what plain searches find."""
    monkeypatch.setattr(rp, "_sre_parse", None)
    pat = compile_entry("hạn chế")
    assert rp.analyse(pat) == ([], None)
    assert rp.needs(pat) == ()
    index = PatternIndex({("cue", None): [pat, compile_entry("re:chưa\\s+\\w+")]})
    for text in ["còn hạn chế", "chưa làm", "không có gì"]:
        scan = index.scan(text)
        found = [pid for ids in scan.lists.values() for pid in ids if index.search(pid, text)]
        assert found == [pid for pid, p in enumerate(index.patterns) if p.search(text)]
