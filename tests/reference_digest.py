"""The part of an analysis of the seed corpus that must stay identical across refactors.

``digest(build_dir)`` returns ``{name: text}``: the CSV tables verbatim (the large keyness
table as a sha256), brief.md in vi and en verbatim, and for everything whose bytes carry
timestamps or random ids a deterministic digest: PNG figures by their decoded pixels, SVG
figures by their text minus the date and with clip-path ids renumbered, DOCX briefs by their
document XML, the HTML briefs by sha256, the parquet tables by their column types, run.json
minus the code fingerprint (which changes with the code by design).

Regenerate the stored reference (only when a behaviour change is intended)::

    .venv/bin/python tests/reference_digest.py
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

BIG = 150_000  # tables larger than this are stored as a hash, to keep the reference small
FIGURE_DIRS = ("figures", "briefs/figures", "briefs/brief_figures", "briefs/brief-en_figures")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _png(path: Path) -> str:
    from PIL import Image
    with Image.open(path) as im:
        im = im.convert("RGBA")
        return f"{im.size[0]}x{im.size[1]} {_sha(im.tobytes())}\n"


def _svg(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<dc:date>[^<]*</dc:date>", "<dc:date/>", text)
    ids: dict[str, str] = {}
    # clip-path and marker ids are salted hashes that change from process to process
    text = re.sub(r"\b(?:p|m|image)[0-9a-f]{10}\b", lambda m: ids.setdefault(m.group(0), f"id{len(ids)}"),
                  text)
    return f"{_sha(text.encode('utf-8'))}\n"


def _docx(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml")
    return f"{_sha(xml)}\n"


def digest(build: str | Path) -> dict[str, str]:
    build = Path(build)
    out: dict[str, str] = {}
    for p in sorted(build.glob("*.csv")):
        data = p.read_bytes()
        out[p.name] = data.decode("utf-8") if len(data) <= BIG else f"sha256 {_sha(data)}\n"
    for lang in ("", "-en"):
        out[f"brief{lang}.md"] = (build / "briefs" / f"brief{lang}.md").read_text(encoding="utf-8")
        out[f"brief{lang}.html.sha256"] = _sha((build / "briefs" / f"brief{lang}.html").read_bytes()) + "\n"
        out[f"brief{lang}.docx.digest"] = _docx(build / "briefs" / f"brief{lang}.docx")
    figs = {}
    for d in FIGURE_DIRS:
        for p in sorted((build / d).glob("*.png")):
            figs[f"{d}/{p.name}"] = _png(p)
        for p in sorted((build / d).glob("*.svg")):
            figs[f"{d}/{p.name}"] = _svg(p)
    out["figures.txt"] = "".join(f"{k} {v}" for k, v in sorted(figs.items()))
    import pyarrow.parquet as pq
    types = {p.stem: {f.name: str(f.type) for f in pq.read_schema(p) if not f.name.startswith("__")}
             for p in sorted((build / "parquet").glob("*.parquet"))}
    out["parquet_types.json"] = json.dumps(types, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    run = json.loads((build / "run.json").read_text(encoding="utf-8").replace(
        json.dumps(str(build.resolve()))[1:-1], "BUILD").replace(json.dumps(str(build))[1:-1], "BUILD"))
    run.pop("corpus_fingerprint", None)
    run.get("params", {}).pop("corpus_fingerprint", None)
    out["run.json"] = json.dumps(run, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    out["subthemes.json.sha256"] = _sha((build / "models" / "subthemes.json").read_bytes()) + "\n"
    return out


def build_seed_outputs(corpus: Path, out: Path) -> Path:
    """Analyse ``corpus`` into ``out`` and write the vi and en briefs, as the CLI does, from the
    corpus's parent folder (documents.csv records the path as given: ``corpus/...``)."""
    import contextlib
    import os
    from dvlib.cli import main
    out = Path(out).resolve()
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = REFERENCE_EPOCH  # the briefs say when they were made
    try:
        with contextlib.chdir(Path(corpus).resolve().parent):
            assert main(["analyze", Path(corpus).name, "--out", str(out), "--force", "--quiet"]) == 0
            for lang in ("vi", "en"):
                assert main(["brief", "--corpus", Path(corpus).name, "--out", str(out),
                             "--lang", lang, "--quiet"]) == 0
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    return out


# The date the briefs of the reference run carry (2026-12-07 00:00 UTC): any day's run compares.
REFERENCE_EPOCH = "1796601600"


REFERENCE = Path(__file__).resolve().parent / "data" / "reference"

if __name__ == "__main__":
    import tempfile
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(sys.argv[1]) if len(sys.argv) > 1 else build_seed_outputs(root / "corpus", Path(tmp))
        REFERENCE.mkdir(parents=True, exist_ok=True)
        for old in REFERENCE.iterdir():
            old.unlink()
        for name, text in digest(build).items():
            (REFERENCE / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(list(REFERENCE.iterdir()))} files to {REFERENCE}")
