"""The one place that knows where things live, and the DVLIB_* settings.

Everything else asks this module for paths, so a notebook or the CLI never hard-codes them.
The project root is the checkout that holds ``pyproject.toml`` and ``corpus/`` (dvlib is
installed editable from it); ``DVLIB_PROJECT_DIR`` overrides it, for example in tests.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def project_dir() -> Path:
    env = os.environ.get("DVLIB_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists():
        return checkout
    return Path.cwd()


def corpus_dir() -> Path:
    return project_dir() / "corpus"


def build_dir() -> Path:
    return project_dir() / "build"


def notebooks_dir() -> Path:
    return project_dir() / "notebooks"


def cache_dir() -> Path:
    """Where caches go: ``DVLIB_CACHE_DIR`` if set, else ``build/cache`` of the project."""
    env = os.environ.get("DVLIB_CACHE_DIR")
    path = Path(env) if env else build_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_file(name: str) -> Path:
    """A lookup table shipped with dvlib (gazetteer, lexicons, codebook ...)."""
    return DATA_DIR / name


# --------------------------------------------------------------------------- DVLIB_* settings
# DVLIB_PROJECT_DIR  the checkout holding corpus/, build/, notebooks/ (see project_dir)
# DVLIB_CACHE_DIR    where the token cache goes (see cache_dir)
# DVLIB_PROFILE      1: print each stage's wall time and memory to stderr


def profile_enabled() -> bool:
    """Whether ``DVLIB_PROFILE`` asks for stage timings on stderr."""
    return bool(os.environ.get("DVLIB_PROFILE"))


def package_version() -> str:
    """dvlib's installed version ("0+unknown" when run from a checkout that is not installed)."""
    import importlib.metadata as md
    try:
        return md.version("dvlib")
    except md.PackageNotFoundError:
        return "0+unknown"
