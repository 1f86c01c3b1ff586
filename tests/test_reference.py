"""The refactor guard: the seed corpus gives the same tables, figures and briefs as the stored
reference (tests/data/reference, made by tests/reference_digest.py before the code moved)."""
from __future__ import annotations

import difflib

import pytest

from reference_digest import REFERENCE, digest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]
NAMES = sorted(p.name for p in REFERENCE.iterdir())


@pytest.fixture(scope="module")
def current(seed_build):
    return digest(seed_build)


def test_the_reference_covers_every_table(current):
    assert sorted(current) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_output_is_identical_to_the_reference(current, name):
    want = (REFERENCE / name).read_text(encoding="utf-8")
    got = current.get(name, "")
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                 "reference", "now"))[:60])
        pytest.fail(f"{name} differs from the reference:\n{diff}")
