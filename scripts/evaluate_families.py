"""Print the cross-validated quality of the theme-family classifier.

    python scripts/evaluate_families.py [--errors] [--C 0.2] [--ngram-weight 1.0] [--no-rules]
    python scripts/evaluate_families.py --write    # also store the scores (default model only)

1. Leave-one-report-out CV on the gold seed sentences (dvlib/data/gold_seed_sentences.csv):
   every sentence is scored by a model fitted on the other four reports. Per-family precision,
   recall and F1, macro-F1, per held-out report, and the confusion matrix.
2. The held-out snippets (tests/data/family_snippets.csv): sentences written in the style of
   other provinces' reports, never used for training; the model is fitted on all the gold.

With ``--write`` the measured scores go to ``dvlib/data/family_scores.json`` (read by the
methods section of the brief); ``tests/test_families.py`` recomputes the cross-validation and
fails when the stored macro-F1 no longer matches.
"""
from __future__ import annotations

import argparse
import json

import pandas as pd

from dvlib.families import (
    FamilyClassifier,
    confusion_table,
    cross_validate_loro,
    family_report,
    load_gold,
)
from dvlib.atomic import write_text
from dvlib.paths import data_file, project_dir

SCORES_FILE = "family_scores.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--C", type=float, default=None)
    ap.add_argument("--ngram-weight", type=float, default=None)
    ap.add_argument("--no-rules", action="store_true", help="learned model only (ablation)")
    ap.add_argument("--errors", action="store_true", help="list the misclassified sentences")
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
    if args.write and params:
        ap.error("--write stores the scores of the default classifier: drop --C/--ngram-weight/--no-rules")

    pd.set_option("display.width", 140)
    gold = load_gold()
    pred, report = cross_validate_loro(gold, **params)
    overall = report[report.scope == "all"].drop(columns="scope").set_index("family")
    print(f"== Leave-one-report-out CV on {len(gold)} gold sentences, {gold.file.nunique()} reports")
    print(overall.round(3).to_string())
    print(f"\nmacro-F1 (5 families): {overall.loc['macro', 'f1']:.3f}")
    per_report = report[(report.scope != "all") & (report.family == "macro")]
    print("\nper held-out report (macro-F1 over the families present):")
    print(per_report[["scope", "f1", "support"]].rename(columns={"scope": "report"}).round(3).to_string(index=False))
    print("\nconfusion matrix (rows gold, columns predicted):")
    print(confusion_table(pred["label"], pred["predicted"]).to_string())
    if args.errors:
        print("\nerrors:")
        for r in pred[pred["label"] != pred["predicted"]].itertuples():
            print(f"  {r.file[:3]} s{r.sentence_index}: gold={r.label} predicted={r.predicted} "
                  f"({r.family_evidence}) | {r.text[:100]}")

    snippets_path = project_dir() / "tests" / "data" / "family_snippets.csv"
    snippets_rep = None
    if snippets_path.exists():
        snippets = pd.read_csv(snippets_path, keep_default_na=False)
        model = FamilyClassifier(**params).fit(gold)
        out = model.transform(snippets)
        print(f"\n== Held-out snippets ({len(snippets)} sentences, other provinces; not trained on)")
        rep = family_report(out["label"], out["family"], out.get("batch"))
        snippets_rep = rep
        table = rep[rep.scope == "all"].drop(columns="scope").set_index("family")
        print(table.round(3).to_string())
        for scope, grp in rep[(rep.scope != "all") & (rep.family == "macro")].groupby("scope"):
            print(f"batch {scope}: macro-F1 {grp.f1.iloc[0]:.3f} on {int(grp.support.iloc[0])} sentences")
        print(confusion_table(out["label"], out["family"]).to_string())
        if args.errors:
            for r in out[out["label"] != out["family"]].itertuples():
                print(f"  {r.doc_id} s{r.sentence_index}: gold={r.label} predicted={r.family} "
                      f"({r.family_evidence}) | {r.text[:100]}")

    if args.write:
        scores = measured_scores(gold, report, snippets_rep)
        path = write_text(data_file(SCORES_FILE), json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
        print(f"\nwrote {path}")


def measured_scores(gold: pd.DataFrame, report: pd.DataFrame, snippets_rep: pd.DataFrame | None) -> dict:
    """The figures stored in family_scores.json, from the reports printed above."""
    f1 = lambda rep, scope: rep[rep.scope == scope].set_index("family")["f1"]  # noqa: E731
    overall = f1(report, "all")
    per_report = report[(report.scope != "all") & (report.family == "macro")]
    return {
        "loro_macro_f1": round(float(overall["macro"]), 4),
        "loro_per_family_f1": {fam: round(float(overall[fam]), 4) for fam in overall.index if fam != "macro"},
        "loro_per_report_macro_f1": {r.scope: round(float(r.f1), 4) for r in per_report.itertuples()},
        "snippets_macro_f1": (round(float(f1(snippets_rep, "all")["macro"]), 4)
                              if snippets_rep is not None else None),
        "n_gold_sentences": int(len(gold)),
        "n_reports": int(gold["file"].nunique()),
        "measured_with": (
            "leave-one-report-out cross-validation on the gold seed sentences "
            "(dvlib/data/gold_seed_sentences.csv): each report labelled by a FamilyClassifier with "
            "default parameters fitted on the other reports; F1 per family and macro-F1 over the "
            "five families; per report, macro-F1 over the families present. Snippets: "
            "tests/data/family_snippets.csv (other provinces, never trained on), model fitted on "
            "all the gold. Written by scripts/evaluate_families.py --write."
        ),
    }


if __name__ == "__main__":
    main()
