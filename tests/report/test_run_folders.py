"""Runs with a selection get their own folder; notebooks declare the dvlib kernel and take the
selection's filters as parameters."""
from __future__ import annotations

import pytest
from conftest import read_notebook

from dvlib.load.selection import Selection
from dvlib.report.notebooks import brief_stem, notebook_paths, selection_dirname


def test_full_run_keeps_build_notebooks_and_briefs():
    assert selection_dirname([], "vi") == ""
    assert brief_stem([], "vi") == "brief"


def test_a_selection_gets_a_folder_named_for_it():
    sel = Selection.from_typed(["bac giang", "ĐIỆN BIÊN"], date_from="2023", outlets=["Báo Bắc Giang"],
                               levels=["district"])
    name = selection_dirname(sel.provinces, "en", sel)
    assert name == "runs/bac-giang-dien-bien-2023-to-end-bao-bac-giang-district-en"
    assert selection_dirname([], "en") == "runs/en"
    assert selection_dirname(["Bắc Giang"], "vi") != selection_dirname(["Bắc Giang"], "en")


def test_notebooks_declare_the_dvlib_kernel_and_take_filters():
    paths = notebook_paths()
    assert len(paths) >= 6
    for path in paths:
        nb = read_notebook(path)
        assert nb.metadata["kernelspec"]["name"] == "dvlib", path.name
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        for name in ("provinces", "lang", "date_from", "date_to", "outlets", "levels", "brief_dir"):
            assert f"\n{name} = " in "\n" + params.source, (path.name, name)
        assert all(c.get("outputs", []) == [] for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
def test_headless_run_prints_no_kernel_or_widget_warnings(tmp_path, capfd):
    """A notebook using tqdm.auto, run as `dvlib run` runs notebooks: the console shows neither
    the kernel's "running over TCP without encryption" nor tqdm's "IProgress not found"."""
    import nbformat
    from dvlib.report.notebooks import execute_notebook
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "dvlib", "language": "python", "display_name": "dvlib"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("from tqdm.auto import tqdm\nsum(tqdm(range(3)))")]
    src = tmp_path / "n.ipynb"
    nbformat.write(nb, src)
    out = execute_notebook(src, tmp_path / "out", {"x": 2})
    err = capfd.readouterr().err
    assert "without encryption" not in err and "IProgress" not in err, err
    assert out.with_suffix(".html").exists()
