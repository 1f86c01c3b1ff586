"""dvlib's command line.

  dvlib analyze PATH... --out DIR   analyse reports (files, folders) into tables and figures
  dvlib run                         the main job: analyse corpus/, execute every notebook, brief
  dvlib add FILE... [--province P]  copy new reports into corpus/ and append the manifest
  dvlib brief [--provinces ...]     write the comparative brief only

Bad input never stops a run: each problem is one line on stderr naming the file and the
reason, every other report is analysed, and the exit status is 1 when anything was skipped.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dvlib import config


def _print_problems(problems: list[str]) -> None:
    for line in problems:
        print(f"dvlib: skipped: {line}", file=sys.stderr)


def cmd_analyze(args: argparse.Namespace) -> int:
    from dvlib.pipeline import analyze

    out = Path(args.out)
    result = analyze(args.paths, out, n_jobs=args.jobs, progress=not args.quiet,
                     refit=args.refit, force=args.force)
    _print_problems(result.problems)
    n_docs = len(result.documents)
    n_sent = int((result.sentences["boilerplate"] == "").sum()) if n_docs else 0
    reused = " (unchanged since the last run: reused)" if result.params.get("reused") else ""
    print(f"dvlib: {n_docs} reports, {n_sent} content sentences -> {out}{reused}", file=sys.stderr)
    if result.subtheme_mapping is not None and not result.subtheme_mapping.empty:
        print(f"dvlib: sub-themes refitted; old -> new mapping in {out / 'subtheme_mapping.csv'}",
              file=sys.stderr)
    return 1 if result.problems else 0


def cmd_run(args: argparse.Namespace) -> int:
    from dvlib.pipeline import run_all

    res = run_all(args.corpus, args.out, provinces=args.provinces, lang=args.lang,
                  progress=not args.quiet)
    _print_problems(res["analysis"].problems)
    for nb in res["notebooks"]:
        print(f"dvlib: notebook {nb} (+ .html)", file=sys.stderr)
    for b in res["briefs"]:
        print(f"dvlib: brief {b}", file=sys.stderr)
    return 1 if res["analysis"].problems else 0


def cmd_brief(args: argparse.Namespace) -> int:
    from dvlib.report.notebooks import make_brief
    from dvlib.pipeline import get_analysis

    out = Path(args.out)
    analysis = get_analysis(args.corpus, out, progress=not args.quiet)
    _, written = make_brief(analysis, args.provinces, args.lang, out / "briefs")
    for fmt, p in written.items():
        if not fmt.startswith("figure"):
            print(f"dvlib: brief {p}", file=sys.stderr)
    return 1 if analysis.problems else 0


def cmd_add(args: argparse.Namespace) -> int:
    from dvlib.load.add import add_reports

    res = add_reports(args.files, args.corpus, province=args.province or "",
                      date=args.date or "", title=args.title or "", outlet=args.outlet or "",
                      url=args.url or "")
    for line in res.problems:
        print(f"dvlib: not added: {line}", file=sys.stderr)
    for src, existing in res.duplicates:
        print(f"dvlib: not added: {src}: duplicate of {existing} already in the corpus",
              file=sys.stderr)
    given = {"province": args.province, "date": args.date, "title": args.title,
             "outlet": args.outlet}
    for src, name in res.added:
        print(f"added {src} -> {Path(args.corpus) / name}")
        inf = res.inferred.get(name, {})
        for key in ("province", "date", "title", "outlet"):
            if given[key]:
                continue
            value = inf.get(key, "")
            why = inf.get(f"{key}_evidence", "")
            if key == "date" and value:
                value = f"{value} ({inf.get('date_precision', '')})"
            print(f"  inferred {key}: {value or '(none)'}" + (f"  [{why}]" if why else ""))
    if res.added:
        print("Run `make run` (or `dvlib run`) to refresh every table, figure, notebook and brief.")
    return 1 if (res.problems or res.duplicates) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dvlib", description="Compare provincial reports on công tác dân vận.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse reports (files and folders) into tables")
    a.add_argument("paths", nargs="+", help="report files and folders (a folder's manifest.csv describes its files)")
    a.add_argument("--out", default=str(config.build_dir()), help="output folder (default: build/)")
    a.add_argument("--jobs", type=int, default=None, help="worker processes for tokenising (default: all cores)")
    a.add_argument("--refit", action="store_true", help="refit the sub-themes instead of reusing the saved ones")
    a.add_argument("--force", action="store_true", help="recompute even if nothing changed since the last run")
    a.add_argument("--quiet", action="store_true", help="no progress bars")
    a.set_defaults(func=cmd_analyze)

    for name, func, helptext in (("run", cmd_run, "analyse corpus/, execute the notebooks, write the brief"),
                                 ("brief", cmd_brief, "write the comparative brief (md, html, docx)")):
        r = sub.add_parser(name, help=helptext)
        r.add_argument("--corpus", default=str(config.corpus_dir()), help="corpus folder (default: corpus/)")
        r.add_argument("--out", default=str(config.build_dir()), help="output folder (default: build/)")
        r.add_argument("--provinces", nargs="*", default=None, help="provinces to compare (default: all)")
        r.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of headings and labels")
        r.add_argument("--quiet", action="store_true", help="no progress bars")
        r.set_defaults(func=func)

    d = sub.add_parser("add", help="copy new reports into the corpus and append the manifest")
    d.add_argument("files", nargs="+")
    d.add_argument("--corpus", default=str(config.corpus_dir()), help="corpus folder (default: corpus/)")
    for opt in ("province", "date", "title", "outlet", "url"):
        d.add_argument(f"--{opt}", default=None)
    d.set_defaults(func=cmd_add)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
