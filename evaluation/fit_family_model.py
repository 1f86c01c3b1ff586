"""Fit the default family classifier on the labelled training sets and store it as JSON.

    .venv/bin/python evaluation/fit_family_model.py        (make fit-family-model)

1. Reads the training sets (evaluation/families.py ``TRAIN_SETS``: every labelled set but the
   test set k) through dvlib's own load and segment stages.
2. Ten-fold report-wise cross-validation gives out-of-fold probabilities; one temperature is
   fitted on them so that ``family_score`` is calibrated.
3. Fits the classifier on all training sentences with that temperature and writes
   dvlib/data/models/family_model.json with the sha256 of every training file, the versions and
   the temperature. dvlib only reads that file; rerun this after editing a gold file, the cue
   lexicon, the function words or the features (tests/label/test_model_store.py fails until
   you do).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dvlib.label.model import MODEL_FILE, FamilyClassifier, file_hashes  # noqa: E402
from dvlib.text.data import data_file  # noqa: E402
from evaluation.families import (DEFAULT_PARAMS, SETS, TRAIN_SETS, cross_validate,  # noqa: E402
                                 fit_temperature,
                                 load_sets, read_gold)


def training_files(names=TRAIN_SETS) -> list[Path]:
    """Every file the model is fitted on: each set's gold CSV and its labelled texts."""
    files = []
    for name in names:
        texts, gold = SETS[name]
        files.append(Path(gold))
        files += [Path(texts) / f for f in sorted(set(read_gold(name)["file"]))]
    return files


def training_hashes(names=TRAIN_SETS) -> dict[str, str]:
    """sha256 of the training files, keyed by their path relative to the project."""
    root = Path(__file__).resolve().parent.parent
    hashes = file_hashes(training_files(names))
    return {str(p.relative_to(root)): hashes[p.name] for p in training_files(names)}


def fit_default(frame=None, oof=None, **params) -> FamilyClassifier:
    """The default classifier: temperature from out-of-fold probabilities (``oof``: those of
    :func:`cross_validate`, computed when not given), then a fit on all labelled sentences."""
    frame = load_sets() if frame is None else frame
    params = {**DEFAULT_PARAMS, **params}
    proba, classes = oof if oof is not None else cross_validate(frame, **params)
    labelled = frame["label"].notna().to_numpy()
    t = fit_temperature(proba[labelled], classes, frame.loc[labelled, "label"])
    return FamilyClassifier(**{**params, "temperature": round(t, 4)}).fit(frame[labelled])


def corrected_sentences(path: Path):
    """The sentences of the corpus folder holding ``path`` (a corrections.csv), labelled where
    the researcher corrected them (set "corrections"; other rows stay unlabelled context)."""
    from dvlib.label import apply_corrections, read_corrections
    from dvlib.pipeline import load_corpus
    corpus = load_corpus(path.parent, progress=False)
    sents = corpus.sentences.assign(family="", family_score=0.0, family_evidence="")
    fixed, problems = apply_corrections(sents, corpus.documents, read_corrections(path))
    for line in problems:
        print(f"dvlib: {line}", file=sys.stderr)
    names = {d: Path(f).name for d, f in zip(corpus.documents["doc_id"], corpus.documents["file"])}
    out = corpus.sentences.copy()
    out["file"] = "corrections/" + out["doc_id"].map(names)
    out["label"] = fixed["family"].where(fixed["family_source"] == "corrected", None).to_numpy()
    out["set"] = "corrections"
    return out


def main(argv=None) -> int:
    import argparse

    import numpy as np
    import pandas as pd

    from evaluation.families import macro_f1
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corrections", default=None,
                        help="also train on the researcher's corrections (a corpus/corrections.csv)")
    parser.add_argument("--out", default=None,
                        help="where to write the model (default: dvlib/data/models/family_model.json)")
    args = parser.parse_args(argv)
    frame = load_sets()
    hashes = training_hashes()
    if args.corrections and Path(args.corrections).exists():
        extra = corrected_sentences(Path(args.corrections))
        n_fixed = int(extra["label"].notna().sum())
        if n_fixed == 0:
            print(f"dvlib: no correction in {args.corrections} matches a sentence: nothing to add",
                  file=sys.stderr)
            return 1
        frame = pd.concat([frame, extra], ignore_index=True)
        hashes.update(file_hashes([args.corrections]))
    proba, classes = cross_validate(frame, **DEFAULT_PARAMS)
    labelled = frame["label"].notna().to_numpy()
    pred = np.array(classes)[proba.argmax(axis=1)]
    print(f"cross-validated macro-F1 (10 report-wise folds, {labelled.sum()} sentences): "
          f"{macro_f1(frame.loc[labelled, 'label'], pred[labelled]):.3f}")
    for name in pd.unique(frame["set"]):
        m = labelled & (frame["set"] == name).to_numpy()
        print(f"  {name:12s} {m.sum():5d} sentences  macro-F1 {macro_f1(frame.loc[m, 'label'], pred[m]):.3f}")
    model = fit_default(frame, oof=(proba, classes))
    counts = frame[frame["label"].notna()].groupby("set").size().to_dict()
    path = model.save(Path(args.out) if args.out else data_file(MODEL_FILE), training_data=hashes,
                      metadata={"training_sets": {k: int(v) for k, v in counts.items()},
                                "temperature": model.temperature})
    print(f"wrote {path} ({path.stat().st_size:,} bytes); temperature {model.temperature}; "
          f"trained on {sum(counts.values())} sentences {counts}")
    if args.corrections:
        print("The corpus's analysis is refreshed by the next `make run` (the model is part of "
              "its fingerprint).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
