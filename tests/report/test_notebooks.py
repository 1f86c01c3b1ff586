"""Every notebook executes headless on the bundled corpus, with default and other parameters."""
from __future__ import annotations

import re
import shutil

import pytest
from conftest import read_notebook

from dvlib.text.normalize import nfc
from dvlib.pipeline import run_all
from dvlib.report.notebooks import notebook_paths

pytestmark = pytest.mark.filterwarnings("ignore")
NOTEBOOKS = notebook_paths()


def test_there_is_a_notebook_for_each_step():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["00-workflow", "01-corpus", "02-themes", "03-subthemes-codes", "04-compare",
                     "05-brief"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_source_notebooks_are_thin_stripped_and_parameterised(path):
    nb = read_notebook(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("corpus", "out_dir", "provinces", "lang"):
        assert f"\n{name} = " in "\n" + tagged[0].source
    assert any("versions()" in c.source for c in code)
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 2
    # thin: no function or class definitions, no loops; the logic lives in dvlib
    for c in code:
        assert not re.search(r"^\s*(def|class|for|while)\b", c.source, flags=re.M), c.source


def _outputs(nb_path):
    import nbformat
    nb = nbformat.read(nb_path, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.fixture(scope="module")
def executed(seed_build, corpus_dir, tmp_path_factory):
    """The six notebooks executed once for the whole suite, on the session's seed build (copied:
    the notebooks reuse its analysis), comparing two provinces with English labels."""
    out = tmp_path_factory.mktemp("notebooks") / "build"
    shutil.copytree(seed_build, out)
    chosen = ["Bắc Giang", "Điện Biên"]
    typed = ["bac giang", "ĐIỆN BIÊN"]  # as people type them
    return out, chosen, run_all(corpus_dir, out, provinces=typed, lang="en", progress=False)


@pytest.mark.slow
def test_main_job_runs_every_notebook_and_writes_the_brief(executed):
    out, chosen, res = executed
    assert res["analysis"].params.get("reused") is True  # the notebooks reuse the saved analysis
    assert [p.name for p in res["notebooks"]] == [p.name for p in NOTEBOOKS]
    for p in res["notebooks"]:
        outs = _outputs(p)
        assert outs and not any(o.get("output_type") == "error" for o in outs)
        assert p.with_suffix(".html").stat().st_size > 10_000
    # the figures are drawn as images inside the executed notebooks
    assert any("image/png" in o.get("data", {})
               for o in _outputs(res["home"] / "notebooks" / "02-themes.ipynb"))
    # a chosen run has its own folder: the full run's notebooks and briefs are not touched
    assert res["home"] == out / "runs" / "bac-giang-dien-bien-en"
    assert not (out / "notebooks").exists()


@pytest.mark.slow
def test_notebooks_with_two_provinces_and_english_labels(executed, corpus_dir):
    out, chosen, res = executed
    stems = {p.name for p in res["briefs"]}
    assert stems == {"brief-bac-giang-dien-bien-en.md", "brief-bac-giang-dien-bien-en.html",
                     "brief-bac-giang-dien-bien-en.docx"}
    md = (res["home"] / "briefs" / "brief-bac-giang-dien-bien-en.md").read_text(encoding="utf-8")
    assert "Limitations" in md and "Hạn chế, tồn tại được nêu" not in md
    for prov in chosen:
        assert prov in md
    for other in ["Nghệ An", "Bình Phước", "Tuyên Quang"]:
        assert f"— {other}," not in md  # no quote cited from a province not chosen
    texts = [nfc(p.read_text(encoding="utf-8")) for p in corpus_dir.glob("*.txt")]
    quotes = [l.split("“", 1)[1].split("”")[0] for l in md.splitlines() if l.startswith("> “")]
    assert quotes
    for q in quotes:
        # the brief marks the matched words in bold: the words themselves are verbatim
        assert any(q.rstrip("…").replace("\\", "").replace("**", "") in t for t in texts), q
