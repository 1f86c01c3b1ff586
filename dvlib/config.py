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
# the researcher's corrections beside the reports (dvlib.label.corrections reads it)
CORRECTIONS_FILE = "corrections.csv"


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
# DVLIB_MIN_FAMILY_SCORE  family score below which a label is not counted (default 0.5)


# DVLIB_MAX_FILE_MB  largest report file read, in MB (default 50): bigger files are refused
# DVLIB_MAX_TEXT_MB  most text one report may hold once decoded/decompressed, in MB of
#                    characters (default 20): a zip bomb or a 50 MB text dump is refused
# DVLIB_LOCK_WAIT    seconds a run waits for another run to release its output folder (10)
# DVLIB_MIN_FREE_MB  free space an output folder needs before an analysis starts (default 50)


def _env_number(name: str, default: float) -> float:
    """A numeric DVLIB_* setting; an unreadable value falls back to the default (with a
    one-line warning), so a typo in the environment never stops a run with a traceback."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        import logging
        logging.getLogger(__name__).warning("dvlib: ignored %s=%r (not a number)", name, raw)
        return default
    return value if value >= 0 else default


def max_file_bytes() -> int:
    """The largest report file read (``DVLIB_MAX_FILE_MB``, default 50 MB)."""
    return int(_env_number("DVLIB_MAX_FILE_MB", 50) * 1_000_000)


def max_text_chars() -> int:
    """The most characters of text one report may hold after decoding or decompressing
    (``DVLIB_MAX_TEXT_MB``, default 20 M characters, far above any real report)."""
    return int(_env_number("DVLIB_MAX_TEXT_MB", 20) * 1_000_000)


def lock_wait_seconds() -> float:
    """How long a run waits for another run's lock on the output folder (``DVLIB_LOCK_WAIT``)."""
    return _env_number("DVLIB_LOCK_WAIT", 10)


def min_free_bytes() -> int:
    """Free space an output folder must have before an analysis starts (``DVLIB_MIN_FREE_MB``)."""
    return int(_env_number("DVLIB_MIN_FREE_MB", 50) * 1_000_000)


def min_family_score() -> float:
    """The calibrated family score below which a sentence's family is not counted in tables
    and briefs (``DVLIB_MIN_FAMILY_SCORE``, default 0.5: below it the label is wrong about as
    often as right); such sentences stay in sentences.csv, marked ``family_confident`` False."""
    return min(_env_number("DVLIB_MIN_FAMILY_SCORE", 0.5), 1.0)


def scheduler_address() -> str | None:
    """``DVLIB_SCHEDULER`` ("tcp://host:8786"): run the per-document work on that Dask
    cluster; unset: on this machine's cores."""
    return os.environ.get("DVLIB_SCHEDULER", "").strip() or None


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


def today():
    """Today's date, or the date of ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when it is
    set: the reproducible-builds convention, so that a brief made twice from the same analysis
    is the same file (the tests pin it to compare briefs with a stored reference)."""
    from datetime import date, datetime, timezone
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()

