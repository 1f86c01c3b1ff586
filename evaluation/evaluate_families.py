"""Print the measured quality of the theme-family classifier.

    python evaluation/evaluate_families.py [--errors] [--C 0.2] [--ngram-weight 1.0] [--no-rules]
    python evaluation/evaluate_families.py --write    # also store the scores (default model only)

The default classifier is trained on the gold of the five seed reports
(dvlib/data/gold_seed_sentences.csv) and of the five DEV reports of the blind set
(dvlib/data/gold_dev_sentences.csv, texts in tests/data/blind). The five other blind reports
are the TEST reports: never trained on, never tuned on.

1. Leave-one-report-out CV on seeds + dev (10 reports): every sentence is scored by a model
   fitted on the other nine reports. Per-family precision, recall and F1, macro-F1, per held-out
   report, and the confusion matrix.
2. The same on the five seed reports alone (models fitted on the other four seeds).
3. The DEV reports through the pipeline, each held out (model fitted on seeds + the other dev
   reports): read with dvlib.load_corpus, labelled, matched to the gold by text.
4. The held-out snippets (tests/data/family_snippets.csv), model fitted on all the gold.
5. The blind TEST score: the default classifier on the five TEST reports through the path the
   pipeline uses (load_corpus on a copy of the .txt files without the manifest ->
   label_families -> gold rows matched by whitespace-normalised NFC text; a gold row that
   matches no produced sentence counts as "other"). Only scores are printed, never the test
   sentences or their errors (``--errors`` lists errors of parts 1-4 only).

With ``--write`` the measured scores go to ``dvlib/data/family_scores.json`` (read by the
methods section of the brief); ``tests/test_families.py`` recomputes them and fails when the
stored figures no longer match.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from dvlib.config import data_file, project_dir  # noqa: E402
from dvlib.label import FamilyClassifier, default_classifier  # noqa: E402
from dvlib.runtime.atomic import write_text  # noqa: E402
from evaluation.families import (confusion_table, cross_validate_loro,  # noqa: E402
                                 evaluate_reports, family_report, load_gold)

SCORES_FILE = "family_scores.json"


def blind_dir():
    return project_dir() / "tests" / "data" / "blind"


def blind_split() -> tuple[list[str], list[str]]:
    """(dev files, test files) of the blind set: dev = the reports whose gold was copied into
    dvlib/data/gold_dev_sentences.csv (the training data), test = every other blind report."""
    blind_gold = pd.read_csv(blind_dir() / "gold.csv", keep_default_na=False, usecols=["file"])
    dev = sorted(set(load_gold(subset="dev")["file"]))
    test = sorted(set(blind_gold["file"]) - set(dev))
    return dev, test


def test_gold() -> pd.DataFrame:
    """The gold rows of the blind TEST reports (for scoring only)."""
    _, test = blind_split()
    gold = pd.read_csv(blind_dir() / "gold.csv", keep_default_na=False)
    return gold[gold["file"].isin(test)].reset_index(drop=True)


def dev_pipeline_loro(**params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each DEV report through the pipeline, labelled by a model fitted on the seeds and the
    other dev reports."""
    dev_files, _ = blind_split()
    gold = load_gold()
    dev_gold = load_gold(subset="dev")
    parts = []
    for f in dev_files:
        model = FamilyClassifier(**params).fit(gold[gold["file"] != f])
        pred, _ = evaluate_reports([blind_dir() / f], dev_gold[dev_gold["file"] == f], model)
        parts.append(pred)
    pred = pd.concat(parts, ignore_index=True)
    return pred, family_report(pred["label"], pred["predicted"], pred["file"])


def blind_test(model: FamilyClassifier | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The classifier (default: dvlib.label.default_classifier) on the TEST reports."""
    _, test = blind_split()
    return evaluate_reports([blind_dir() / f for f in test], test_gold(), model)


def _overall(report: pd.DataFrame) -> pd.DataFrame:
    return report[report.scope == "all"].drop(columns="scope").set_index("family")


def _print_cv(title: str, gold: pd.DataFrame, pred: pd.DataFrame, report: pd.DataFrame, errors: bool,
              group: str = "file") -> None:
    overall = _overall(report)
    print(f"== {title}: {len(gold)} gold sentences, {gold[group].nunique()} reports")
    print(overall.round(3).to_string())
    print(f"\nmacro-F1 (5 families): {overall.loc['macro', 'f1']:.3f}")
    per_report = report[(report.scope != "all") & (report.family == "macro")]
    print("\nper held-out report (macro-F1 over the families present):")
    print(per_report[["scope", "f1", "support"]].rename(columns={"scope": "report"}).round(3).to_string(index=False))
    print("\nconfusion matrix (rows gold, columns predicted):")
    print(confusion_table(pred["label"], pred["predicted"]).to_string())
    if errors:
        print("\nerrors:")
        for r in pred[pred["label"] != pred["predicted"]].itertuples():
            print(f"  {r.file[:6]} s{r.sentence_index}: gold={r.label} predicted={r.predicted} "
                  f"({r.family_evidence}) | {r.text[:100]}")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--C", type=float, default=None)
    ap.add_argument("--ngram-weight", type=float, default=None)
    ap.add_argument("--no-rules", action="store_true", help="learned model only (ablation)")
    ap.add_argument("--errors", action="store_true",
                    help="list the misclassified sentences (CV, dev and snippets; never the test reports)")
    ap.add_argument("--no-test", action="store_true", help="skip the blind TEST evaluation")
    ap.add_argument("--write", action="store_true",
                    help=f"store the scores in dvlib/data/{SCORES_FILE} (default parameters only)")
    args = ap.parse_args()
    params = {}
    if args.C is not None:
        params["C"] = args.C
    if args.ngram_weight is not None:
        params["ngram_weight"] = args.ngram_weight
    if args.no_rules:
        params["rules"] = False
    if args.write and (params or args.no_test):
        ap.error("--write stores every score of the default classifier: drop --C/--ngram-weight/--no-rules/--no-test")

    pd.set_option("display.width", 140)
    gold, seeds = load_gold(), load_gold(subset="seed")
    pred, report = cross_validate_loro(gold, **params)
    _print_cv("1. Leave-one-report-out CV on seeds + dev", gold, pred, report, args.errors)
    seed_pred, seed_report = cross_validate_loro(seeds, **params)
    _print_cv("2. Leave-one-report-out CV on the seeds alone", seeds, seed_pred, seed_report, args.errors)
    dev_pred, dev_report = dev_pipeline_loro(**params)
    _print_cv("3. DEV reports through the pipeline, each held out", dev_pred, dev_pred, dev_report, args.errors)

    snippets_path = project_dir() / "tests" / "data" / "family_snippets.csv"
    snippets_rep = None
    if snippets_path.exists():
        snippets = pd.read_csv(snippets_path, keep_default_na=False)
        out = FamilyClassifier(**params).fit(gold).transform(snippets)
        print(f"== 4. Held-out snippets ({len(snippets)} sentences, other provinces; not trained on)")
        snippets_rep = family_report(out["label"], out["family"], out.get("batch"))
        print(_overall(snippets_rep).round(3).to_string())
        for scope, grp in snippets_rep[(snippets_rep.scope != "all") & (snippets_rep.family == "macro")].groupby("scope"):
            print(f"batch {scope}: macro-F1 {grp.f1.iloc[0]:.3f} on {int(grp.support.iloc[0])} sentences")
        if args.errors:
            for r in out[out["label"] != out["family"]].itertuples():
                print(f"  {r.doc_id} s{r.sentence_index}: gold={r.label} predicted={r.family} "
                      f"({r.family_evidence}) | {r.text[:100]}")
        print()

    test_rep = test_pred = None
    if not args.no_test:
        model = FamilyClassifier(**params).fit(gold)
        test_pred, test_rep = blind_test(model)
        _, test_files = blind_split()
        print(f"== 5. Blind TEST reports through the pipeline ({len(test_pred)} gold sentences, "
              f"{len(test_files)} reports; model fitted on seeds + dev; scores only)")
        print(_overall(test_rep).round(3).to_string())
        print(f"\nmacro-F1 (5 families): {_overall(test_rep).loc['macro', 'f1']:.3f}")
        per = test_rep[(test_rep.scope != "all") & (test_rep.family == "macro")]
        print("per report:", ", ".join(f"{r.scope} {r.f1:.3f}" for r in per.itertuples()))
        print(f"gold sentences not found among the pipeline's sentences: {int((~test_pred['matched']).sum())}")

    if args.write:
        scores = measured_scores(gold, report, seeds, seed_report, dev_report, snippets_rep, test_pred, test_rep)
        path = write_text(data_file(SCORES_FILE), json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
        print(f"\nwrote {path}")


def _f1(report: pd.DataFrame, scope: str = "all") -> pd.Series:
    return report[report.scope == scope].set_index("family")["f1"]


def _macro(report: pd.DataFrame) -> float:
    return round(float(_f1(report)["macro"]), 4)


def _per_family(report: pd.DataFrame) -> dict:
    f1 = _f1(report)
    return {fam: round(float(f1[fam]), 4) for fam in f1.index if fam != "macro"}


def _per_report(report: pd.DataFrame) -> dict:
    per = report[(report.scope != "all") & (report.family == "macro")]
    return {r.scope: round(float(r.f1), 4) for r in per.itertuples()}


def measured_scores(gold, report, seeds, seed_report, dev_report, snippets_rep, test_pred, test_rep) -> dict:
    """The figures stored in family_scores.json, from the reports printed above."""
    return {
        "loro_macro_f1": _macro(report),
        "loro_per_family_f1": _per_family(report),
        "loro_per_report_macro_f1": _per_report(report),
        "n_gold_sentences": int(len(gold)),
        "n_reports": int(gold["file"].nunique()),
        "seed_loro_macro_f1": _macro(seed_report),
        "seed_loro_per_family_f1": _per_family(seed_report),
        "seed_loro_per_report_macro_f1": _per_report(seed_report),
        "n_seed_sentences": int(len(seeds)),
        "dev_pipeline_macro_f1": _macro(dev_report),
        "dev_pipeline_per_family_f1": _per_family(dev_report),
        "snippets_macro_f1": _macro(snippets_rep) if snippets_rep is not None else None,
        "blind_test_macro_f1": _macro(test_rep),
        "blind_test_per_family_f1": _per_family(test_rep),
        "blind_test_per_report_macro_f1": _per_report(test_rep),
        "n_blind_test_sentences": int(len(test_pred)),
        "n_blind_test_unmatched": int((~test_pred["matched"]).sum()),
        "measured_with": (
            "leave-one-report-out cross-validation on the gold of the 5 seed reports and the 5 "
            "DEV reports of the blind set (dvlib/data/gold_seed_sentences.csv, "
            "gold_dev_sentences.csv): each report labelled by a FamilyClassifier with default "
            "parameters fitted on the other reports; F1 per family and macro-F1 over the five "
            "families; per report, macro-F1 over the families present. seed_loro_*: the same on "
            "the seeds alone. dev_pipeline_*: each DEV report read by dvlib.load_corpus, "
            "labelled by a model fitted on the seeds and the other DEV reports, gold matched by "
            "text. blind_test_*: the default classifier (fitted on seeds + DEV) on the 5 TEST "
            "reports of tests/data/blind (never trained or tuned on), read by load_corpus without "
            "the manifest, gold rows matched by whitespace-normalised NFC text (unmatched rows "
            "count as 'other'); evaluated once, after the rules were final. Snippets: "
            "tests/data/family_snippets.csv, model fitted on all the gold. Written by "
            "evaluation/evaluate_families.py --write."
        ),
    }


if __name__ == "__main__":
    main()
