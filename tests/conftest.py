"""Shared fixtures: the bundled seed corpus, read-only."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED_FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the seed corpus (reports + manifest)."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    # Tests never write caches into the user's build/ folder.
    monkeypatch.setenv("DVLIB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "dvlib-cache"))


class _NotebookNode(dict):
    """A notebook's JSON with attribute access (``nb.cells``, ``c.source``), as nbformat gives it."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def read_notebook(path) -> _NotebookNode:
    """A source notebook read as plain JSON (cell sources joined, as ``nbformat.read`` does):
    importing nbformat pulls in jsonschema, three seconds of every fast-tier worker's start."""
    def node(x, key=""):
        if isinstance(x, dict):
            return _NotebookNode({k: node(v, k) for k, v in x.items()})
        if isinstance(x, list):
            return "".join(x) if key == "source" else [node(v) for v in x]
        return x
    return node(json.loads(Path(path).read_text(encoding="utf-8")))


def seed(prefix: str) -> str:
    """The text of seed report ``prefix`` ("000" ... "004") as stored."""
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def masked(text: str) -> str:
    """The text with its site furniture masked to spaces (what province inference reads)."""
    from dvlib.load import boilerplate as bp
    return bp.mask_boilerplate(text, bp.find_boilerplate(text))


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The seed corpus analysed once for the whole session, with the vi and en briefs written
    (as ``dvlib analyze corpus --force`` + ``dvlib brief`` do). Read-only for the tests."""
    from reference_digest import build_seed_outputs
    out = tmp_path_factory.mktemp("seed-build")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DVLIB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "dvlib-cache"))
        return build_seed_outputs(CORPUS, out)


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``make test`` runs two workers with ``--dist loadgroup``) the tests
    that read the session's seed build run on one worker, so the seed corpus is analysed once
    for the suite rather than once per worker; the other worker takes the rest meanwhile."""
    for item in items:
        if "seed_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("seed_build"))
