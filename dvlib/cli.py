"""dvlib's command line.

  dvlib analyze PATH... --out DIR   analyse reports (files, folders) into tables and figures
  dvlib run                         the main job: analyse corpus/, execute every notebook, brief
  dvlib add FILE... [--province P]  copy new reports into corpus/ and append the manifest
  dvlib brief [--provinces ...]     write the comparative brief only
  dvlib review [--provinces ...]    check the least certain labels; answers -> corrections.csv
  dvlib retrain                     refit the family classifier with the corrections

Bad input never stops a run: each problem is one line on stderr naming the file and the
reason, every other report is analysed, and the exit status is 1 when anything was skipped.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dvlib import config


def _print_problems(problems: list[str]) -> None:
    # A line starting "note: " is about a report that WAS analysed (bytes replaced, mojibake
    # repaired, not Vietnamese); the others name a file or row that was skipped.
    for line in problems:
        if line.startswith("note: "):
            print(f"dvlib: {line}", file=sys.stderr)
        else:
            print(f"dvlib: skipped: {line}", file=sys.stderr)


def _n_skipped(problems: list[str]) -> int:
    """How many problem lines name something skipped (not a note on an analysed report)."""
    return sum(not line.startswith("note: ") for line in problems)


def _status(problems: list[str]) -> int:
    """Exit status: 1 when anything was skipped (notes on analysed reports do not count)."""
    return 1 if _n_skipped(problems) else 0


def _current_run(args: argparse.Namespace, out: Path) -> dict:
    """``run.json`` of the analysis saved in ``out`` when it is current for these inputs and
    the default settings (and its explorer and workbook are there), else {}. Asked before the
    stack is imported: a rerun with nothing changed then costs the hashing of the inputs."""
    if args.force or args.refit or not all(Path(p).exists() for p in args.paths):
        return {}
    from dvlib.stages import WORKBENCH_FILES, analysis_settings, corpus_fingerprint, saved_summary
    meta = saved_summary(out)
    if "n_content_sentences" not in meta or not all((out / n).exists() for n in WORKBENCH_FILES):
        return {}
    current = meta.get("corpus_fingerprint") == corpus_fingerprint(args.paths, analysis_settings())
    return meta if current else {}


def cmd_analyze(args: argparse.Namespace) -> int:
    import time
    started = time.perf_counter()
    out = Path(args.out)
    meta = _current_run(args, out)
    if meta:
        problems = [str(p) for p in meta.get("problems", [])]
        _print_problems(problems)
        print(f"dvlib: {meta['n_reports']} reports, {meta['n_content_sentences']} content "
              f"sentences, {meta.get('n_claims', 0)} claims analysed in "
              f"{time.perf_counter() - started:.1f} s -> {out} (unchanged since the last run: "
              "reused)", file=sys.stderr)
        print(f"dvlib:   {_n_skipped(problems)} skipped files", file=sys.stderr)
        for label, name in (("explorer", "explorer.html"), ("workbook", "dvlib.xlsx")):
            print(f"dvlib:   {label}: {out / name}", file=sys.stderr)
        return _status(problems)
    from dvlib.pipeline import analyze
    try:
        result = analyze(args.paths, out, n_jobs=args.jobs, progress=not args.quiet,
                         refit=args.refit, force=args.force, scheduler=args.scheduler)
    except RuntimeError as exc:  # e.g. no Dask scheduler at the address typed
        if "Dask scheduler" not in str(exc):
            raise
        print(f"dvlib: {exc}", file=sys.stderr)
        return 2
    _print_problems(result.problems)
    n_docs = len(result.documents)
    n_sent = int((result.sentences["boilerplate"] == "").sum()) if n_docs else 0
    claims = getattr(result, "claims", None)
    n_claims = f", {len(claims)} claims" if claims is not None else ""
    reused = " (unchanged since the last run: reused)" if result.params.get("reused") else ""
    print(f"dvlib: {n_docs} reports, {n_sent} content sentences{n_claims} analysed in "
          f"{time.perf_counter() - started:.1f} s -> {out}{reused}", file=sys.stderr)
    if result.subtheme_mapping is not None and not result.subtheme_mapping.empty:
        print(f"dvlib: sub-themes refitted; old -> new mapping in {out / 'subtheme_mapping.csv'}",
              file=sys.stderr)
    print(f"dvlib:   {_n_skipped(result.problems)} skipped files", file=sys.stderr)
    for label, name in (("explorer", "explorer.html"), ("workbook", "dvlib.xlsx")):
        if (out / name).exists():
            print(f"dvlib:   {label}: {out / name}", file=sys.stderr)
    return _status(result.problems)


def _selection(args: argparse.Namespace):
    """The selection typed on the command line, checked before any work (SelectionError)."""
    from dvlib.load.selection import Selection
    return Selection.from_typed(args.provinces, date_from=args.date_from, date_to=args.date_to,
                                outlets=args.outlet, levels=args.level, lang=args.lang)


def _summary(analysis, started: float, **where) -> None:
    """The closing lines of a run: what was read, what was skipped, where to look, how long."""
    import time
    docs, sents = analysis.documents, analysis.sentences
    n_sent = int((sents["boilerplate"] == "").sum()) if len(docs) and "boilerplate" in sents else 0
    claims = getattr(analysis, "claims", None)
    n_claims = len(claims) if claims is not None else None
    line = f"dvlib: done: {len(docs)} reports, {n_sent} content sentences"
    if n_claims is not None:
        line += f", {n_claims} claims"
    line += f", {_n_skipped(analysis.problems)} skipped files, {time.monotonic() - started:.0f} s"
    print(line, file=sys.stderr)
    for label, path in where.items():
        if path:
            print(f"dvlib:   {label}: {path}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    import time

    from dvlib.pipeline import run_all

    started = time.monotonic()
    selection = _selection(args)
    for note in selection.notes:
        print(f"dvlib: {note}", file=sys.stderr)
    res = run_all(args.corpus, args.out, lang=args.lang, progress=not args.quiet,
                  selection=selection)
    _print_problems(res["analysis"].problems)
    for nb in res["notebooks"]:
        print(f"dvlib: notebook {nb} (+ .html)", file=sys.stderr)
    for b in res["briefs"]:
        print(f"dvlib: brief {b}", file=sys.stderr)
    out = Path(args.out)
    _summary(res["analysis"], started, explorer=_exists(out / "explorer.html"),
             workbook=_exists(out / "dvlib.xlsx"),
             brief=next((b for b in res["briefs"] if b.suffix == ".html"), None))
    return _status(res["analysis"].problems)


def _exists(path: Path):
    return path if path.exists() else None


def cmd_brief(args: argparse.Namespace) -> int:
    from dvlib.report.notebooks import make_brief
    from dvlib.pipeline import get_analysis

    out = Path(args.out)
    selection = _selection(args)
    for note in selection.notes:
        print(f"dvlib: {note}", file=sys.stderr)
    analysis = get_analysis(args.corpus, out, progress=not args.quiet)
    _, written = make_brief(analysis, selection.provinces, args.lang, out / "briefs",
                            selection=selection)
    for fmt, p in written.items():
        if not fmt.startswith("figure"):
            print(f"dvlib: brief {p}", file=sys.stderr)
    return _status(analysis.problems)


def cmd_add(args: argparse.Namespace) -> int:
    from dvlib.load.add import add_reports

    res = add_reports(args.files, args.corpus, province=args.province or "",
                      date=args.date or "", title=args.title or "", outlet=args.outlet or "",
                      url=args.url or "")
    for name in res.rolled_back:
        print(f"dvlib: removed {Path(args.corpus) / name}: copied by an interrupted add, "
              "never listed in the manifest", file=sys.stderr)
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


def cmd_review(args: argparse.Namespace) -> int:
    from dvlib.label.review import (corrections_path, export_review, import_review,
                                    least_certain, review)
    from dvlib.pipeline import get_analysis

    target = corrections_path(args.corpus)
    if args.import_:
        n, problems = import_review(args.import_, target)
        for line in problems:
            print(f"dvlib: {line}", file=sys.stderr)
        print(f"dvlib: {n} corrections written to {target}; `make run` applies them", file=sys.stderr)
        return 1 if problems else 0
    provinces = None
    if args.provinces:
        from dvlib.load.selection import Selection
        provinces = Selection.from_typed(args.provinces).provinces
    analysis = get_analysis(args.corpus, Path(args.out), progress=False)
    rows = least_certain(analysis.sentences, analysis.documents, n=args.n, provinces=provinces,
                         files=args.files)
    if rows.empty:
        print("dvlib: nothing to review (no uncorrected content sentences selected)", file=sys.stderr)
        return 0
    if args.export or not sys.stdin.isatty():
        path = export_review(rows, args.export or Path(args.out) / "review.csv")
        print(f"dvlib: {len(rows)} sentences to check in {path}: fill in new_family "
              f"(l/p/m/a/o), then `dvlib review --import {path}`", file=sys.stderr)
        return 0
    n = review(rows, target)
    print(f"dvlib: {n} answers written to {target}; `make run` applies them", file=sys.stderr)
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    import subprocess
    script = config.project_dir() / "evaluation" / "fit_family_model.py"
    if not script.exists():
        print(f"dvlib: cannot retrain: {script} is missing (retraining needs the project's "
              "labelled sets, which live in the checkout)", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(script), "--corrections",
                            str(Path(args.corpus) / "corrections.csv")])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dvlib", description="Compare provincial reports on công tác dân vận.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__)
    parser.add_argument("--version", action="version", version=f"dvlib {_version()}",
                        help="print dvlib's version and exit")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse reports (files and folders) into tables")
    a.add_argument("paths", nargs="+", help="report files and folders (a folder's manifest.csv describes its files)")
    a.add_argument("--out", default=str(config.build_dir()), help="output folder (default: build/)")
    a.add_argument("--jobs", type=int, default=None, help="worker processes for tokenising (default: all cores)")
    a.add_argument("--refit", action="store_true", help="refit the sub-themes instead of reusing the saved ones")
    a.add_argument("--force", action="store_true", help="recompute even if nothing changed since the last run")
    a.add_argument("--quiet", action="store_true", help="no progress bars")
    a.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the per-document work on this Dask scheduler (tcp://host:8786; "
                        "default: $DVLIB_SCHEDULER, else this machine's cores)")
    a.set_defaults(func=cmd_analyze)

    for name, func, helptext in (("run", cmd_run, "analyse corpus/, execute the notebooks, write the brief"),
                                 ("brief", cmd_brief, "write the comparative brief (md, html, docx)")):
        r = sub.add_parser(name, help=helptext)
        r.add_argument("--corpus", default=str(config.corpus_dir()), help="corpus folder (default: corpus/)")
        r.add_argument("--out", default=str(config.build_dir()), help="output folder (default: build/)")
        r.add_argument("--provinces", nargs="*", default=None,
                       help='provinces to compare, typed with or without accents ("bac giang", '
                            '"Điện Biên"); a post-2025 name selects the provinces merged into it '
                            "(default: all)")
        r.add_argument("--from", dest="date_from", default=None, metavar="DATE",
                       help="only reports dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
        r.add_argument("--to", dest="date_to", default=None, metavar="DATE",
                       help="only reports dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
        r.add_argument("--outlet", nargs="*", default=None,
                       help="only reports from these outlets (part of the name, accents optional)")
        r.add_argument("--level", nargs="*", default=None,
                       help="only reports issued at these levels: province, district, commune")
        r.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of headings and labels")
        r.add_argument("--quiet", action="store_true", help="no progress bars")
        r.set_defaults(func=func)

    d = sub.add_parser("add", help="copy new reports into the corpus and append the manifest")
    d.add_argument("files", nargs="+", help="report files to add (txt, html, docx, pdf)")
    d.add_argument("--corpus", default=str(config.corpus_dir()), help="corpus folder (default: corpus/)")
    for opt, what in (("province", "the reports' province (default: inferred from the text)"),
                      ("date", "their date, YYYY-MM-DD (default: inferred from the text)"),
                      ("title", "their title (default: the first heading)"),
                      ("outlet", "the outlet or issuing body (default: inferred)"),
                      ("url", "where they were published")):
        d.add_argument(f"--{opt}", default=None, help=what)
    d.set_defaults(func=cmd_add)

    v = sub.add_parser("review", help="check the least certain family labels; answers go to corpus/corrections.csv")
    v.add_argument("--corpus", default=str(config.corpus_dir()), help="corpus folder (default: corpus/)")
    v.add_argument("--out", default=str(config.build_dir()), help="output folder of the analysis (default: build/)")
    v.add_argument("--provinces", nargs="*", default=None, help="only these provinces (accents optional)")
    v.add_argument("--files", nargs="*", default=None, help="only these report files")
    v.add_argument("-n", type=int, default=20, help="how many sentences to check (default 20)")
    v.add_argument("--export", default=None, metavar="CSV",
                   help="write the sentences to check to CSV (fill in new_family) instead of asking")
    v.add_argument("--import", dest="import_", default=None, metavar="CSV",
                   help="take a filled-in review CSV into corrections.csv")
    v.set_defaults(func=cmd_review)

    t = sub.add_parser("retrain", help="refit the family classifier on the labelled sets plus "
                                       "corpus/corrections.csv and report its new figures")
    t.add_argument("--corpus", default=str(config.corpus_dir()), help="corpus folder (default: corpus/)")
    t.set_defaults(func=cmd_retrain)
    return parser


def _version() -> str:
    import importlib.metadata as md
    try:
        return md.version("dvlib")
    except md.PackageNotFoundError:
        return "unknown"


def _raised(exc: BaseException, module: str, name: str) -> bool:
    """Whether ``exc`` is ``module.name``. Looked up only if the module is already imported: one
    never imported cannot have raised it, and importing it here would cost every command (a
    rerun that reuses the saved analysis included) the whole stack."""
    mod = sys.modules.get(module)
    return mod is not None and isinstance(exc, getattr(mod, name))


def main(argv: list[str] | None = None) -> int:
    from dvlib.load.guard import printable

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("dvlib: interrupted; outputs are either the previous complete ones or marked "
              "incomplete (the next run recomputes)", file=sys.stderr)
        return 130
    except Exception as exc:
        if _raised(exc, "dvlib.load.selection", "SelectionError"):
            # what the user typed names nothing: one line, no traceback
            print(f"dvlib: {exc}", file=sys.stderr)
            return 2
        if (_raised(exc, "dvlib.runtime.lock", "FolderBusy")
                or _raised(exc, "dvlib.store", "OutputFolderError")):
            # another run, a read-only or full folder
            print(f"dvlib: {printable(exc)}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError):  # e.g. the disk filled up while writing: one line
            where = f"{printable(exc.filename)}: " if exc.filename else ""
            print(f"dvlib: {where}{exc.strerror or exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
