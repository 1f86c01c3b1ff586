"""Command line: ``dvlib analyze PATH... --out DIR`` (and, later, ``run`` and ``add``).

Bad input never stops the run: each problem is one line on stderr naming the file and the
reason, every other report is analysed, and the exit status is 1 when anything was skipped.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def _print_problems(problems: list[str]) -> None:
    for line in problems:
        print(f"dvlib: skipped: {line}", file=sys.stderr)


def cmd_analyze(args: argparse.Namespace) -> int:
    from .pipeline import analyze

    out = Path(args.out)
    result = analyze(args.paths, out, n_jobs=args.jobs, progress=not args.quiet)
    _print_problems(result.problems)
    n_docs = len(result.documents)
    n_sent = int((result.sentences["boilerplate"] == "").sum()) if n_docs else 0
    print(f"dvlib: {n_docs} reports, {n_sent} content sentences -> {out}", file=sys.stderr)
    return 1 if result.problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dvlib", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="analyse reports (files and folders) into tables")
    a.add_argument("paths", nargs="+", help="report files and folders (a folder's manifest.csv describes its files)")
    a.add_argument("--out", default=str(paths.build_dir()), help="output folder (default: build/)")
    a.add_argument("--jobs", type=int, default=None, help="worker processes for tokenising (default: all cores)")
    a.add_argument("--quiet", action="store_true", help="no progress bars")
    a.set_defaults(func=cmd_analyze)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
