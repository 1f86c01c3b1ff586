"""The two install routes (pip: pyproject.toml, conda: environment.yml) pin the same stack."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pins(specs):
    out = {}
    for spec in specs:
        # an extra ("dask[distributed]") is part of the spec, not of the name
        m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[A-Za-z0-9_,\-]+\])?==([^\s;]+)$", spec.strip())
        assert m, f"not an exact pin: {spec!r}"
        out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_pyproject_and_environment_pin_the_same_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    py = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = _pins([d for d in pip_section if not d.startswith("-e")])
    assert py == conda
    assert "underthesea" in py and "scikit-learn" in py and "pandas" in py and "seaborn" in py


def test_lock_file_agrees_with_the_direct_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    py = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    lock = _pins([l for l in (ROOT / "requirements.lock").read_text().splitlines()
                  if l.strip() and not l.startswith("#")])
    for name, version in py.items():
        assert lock.get(name) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make run" in readme
