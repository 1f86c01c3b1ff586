"""A copied or moved checkout (cp -a) is detected: make starts a fresh .venv instead of trusting
one whose scripts and editable install point at the original checkout."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")


def _checkout(tmp_path: Path, owner: str) -> Path:
    """A stand-in checkout: the Makefile, its inputs, and a .venv whose pip names ``owner``."""
    here = tmp_path / "copy"
    (here / ".venv" / "bin").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy2(ROOT / name, here / name)
    pip = here / ".venv" / "bin" / "pip"
    pip.write_text(f"#!{owner}\n# -*- coding: utf-8 -*-\n", encoding="utf-8")
    (here / ".venv" / ".dvlib-installed").touch()  # the stamp says "installed"
    return here


def _dry_run(here: Path) -> str:
    res = subprocess.run(["make", "-n", "run"], cwd=here, capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_copied_checkout_gets_a_new_venv(tmp_path):
    here = _checkout(tmp_path, "/somewhere/else/.venv/bin/python3")
    out = _dry_run(here)
    assert ".venv belongs to /somewhere/else/.venv/bin/python3" in out
    assert "rm -rf .venv" in out and "pip install" in out


def test_own_venv_is_trusted(tmp_path):
    here = tmp_path / "copy"
    here = _checkout(tmp_path, str(here / ".venv" / "bin" / "python3"))
    out = _dry_run(here)
    assert "belongs to" not in out and "rm -rf" not in out
