"""Precision, recall and F1 of the aspect tagger against independent gold labels.

Gold: ``evaluation/aspects/claims_gold.csv`` (sets ``seed`` and ``a``), ``claims_gold_b.csv``
(set b, development) and ``claims_gold_c.csv`` (set c, held out) when they exist; each row a
claim (doc file, claim_text, family, aspects adjudicated from two annotators).

Two scores per set:

* ``claims_csv``: the reports are analysed as ``dvlib analyze`` does (load, segment, tokenize,
  label, split into claims, tag aspects) and each gold claim is matched to a row of
  ``claims.csv`` by (doc file, claim text with whitespace normalised). A gold claim the
  splitter cut differently counts with no predicted aspect (its aspects are misses).
* ``tagger``: the tagger alone, on the gold claim texts with their gold families (what the
  rules can do when the split agrees).

Sets g (held out), h and i (development) were added later, and j (held out, labelled after
the second round of rules was final): 48 texts by three more writers,
each claim labelled by two annotators and adjudicated the same way. For the third round of
rules j (scored once as held out) and h became development sets, and k (16 texts, labelled
before the round began) took j's place among the held-out sets. For the fourth round k
(scored once as held out after the third) became a development set and l (16 texts, aspects
labelled blind before the fourth round began, never read) took its place: held out a, c, g, l.
Set m (16 texts, aspects labelled blind after the fourth round was final) is held out too,
scored once with the fourth round's rules.

Held-out sets (a, c, g, l, m) are a test: run them once, at the end (``--sets a c g l m``), never while
developing rules. Development: ``--sets seed b h i j k``. ``--write`` stores the figures of the sets
run in ``dvlib/data/aspect_scores.json`` (read by the brief's methods section).

Run: .venv/bin/python evaluation/evaluate_aspects.py --sets seed b [--write] [--errors]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "evaluation" / "aspects"
TEXTS = {"seed": ROOT / "corpus", "a": ROOT / "evaluation" / "texts" / "a",
         "b": ROOT / "evaluation" / "texts" / "b", "c": ROOT / "evaluation" / "texts" / "c",
         "g": ROOT / "evaluation" / "texts" / "g", "h": ROOT / "evaluation" / "texts" / "h",
         "i": ROOT / "evaluation" / "texts" / "i", "j": ROOT / "evaluation" / "texts" / "j",
         "k": ROOT / "evaluation" / "texts" / "k", "l": ROOT / "evaluation" / "texts" / "l",
         "m": ROOT / "evaluation" / "texts" / "m"}
GOLD_FILES = {"seed": "claims_gold.csv", "a": "claims_gold.csv", "b": "claims_gold_b.csv",
              "c": "claims_gold_c.csv", "g": "claims_gold_g.csv", "h": "claims_gold_h.csv",
              "i": "claims_gold_i.csv", "j": "claims_gold_j.csv", "k": "claims_gold_k.csv",
              "l": "claims_gold_l.csv", "m": "claims_gold_m.csv"}
ROLE = {"seed": "development", "b": "development", "a": "held out", "c": "held out",
        "g": "held out", "h": "development", "i": "development", "j": "development",
        "k": "development", "l": "held out", "m": "held out"}
SCORES_FILE = ROOT / "dvlib" / "data" / "aspect_scores.json"


def _codes(value) -> set[str]:
    return {c.strip() for c in str(value or "").split("|") if c.strip()}


def _key(doc: str, text: str) -> tuple[str, str]:
    return Path(str(doc)).name, re.sub(r"\s+", " ", str(text)).strip()


def score(gold: list[set], pred: list[set]) -> pd.DataFrame:
    """Per code and micro: tp, fp, fn, precision, recall, f1 (paired lists of code sets)."""
    counts: dict[str, list[int]] = {}
    for g, p in zip(gold, pred):
        for code in g | p:
            c = counts.setdefault(code, [0, 0, 0])
            c[0] += code in g and code in p
            c[1] += code in p and code not in g
            c[2] += code in g and code not in p
    rows = [(k, *v) for k, v in sorted(counts.items())]
    rows.append(("micro", *[sum(r[i] for r in rows) for i in (1, 2, 3)]))
    out = pd.DataFrame(rows, columns=["code", "tp", "fp", "fn"]).set_index("code")
    p = out.tp / (out.tp + out.fp).where(lambda s: s > 0)
    r = out.tp / (out.tp + out.fn).where(lambda s: s > 0)
    out["precision"] = p.round(3)
    out["recall"] = r.round(3)
    out["f1"] = (2 * p * r / (p + r)).round(3)
    return out


def provisional_b() -> pd.DataFrame | None:
    """Set b before its adjudicated gold exists: the claims labelled so far by the annotators
    (where both labelled a claim, the codes both gave). For development only; never stored."""
    files = sorted(GOLD_DIR.glob("claims_labelled_b_A*.csv"))
    if not files:
        return None
    labels = [pd.read_csv(f, keep_default_na=False, dtype=str).set_index("claim_id")["aspects"]
              for f in files]
    claims = pd.read_csv(GOLD_DIR / "claims_to_label_b.csv", keep_default_na=False, dtype=str)
    common = set.intersection(*[set(lab.index) for lab in labels]) if len(labels) > 1 else None
    rows = []
    for r in claims.itertuples(index=False):
        given = [lab[r.claim_id] for lab in labels if r.claim_id in lab.index]
        if not given:
            continue
        codes = set.intersection(*map(_codes, given)) if common and r.claim_id in common \
            else _codes(given[0])
        rows.append({**r._asdict(), "aspects": "|".join(sorted(codes))})
    return pd.DataFrame(rows) if rows else None


def gold_for(set_name: str, provisional: bool = False) -> pd.DataFrame | None:
    path = GOLD_DIR / GOLD_FILES[set_name]
    if not path.exists():
        return provisional_b() if set_name == "b" and provisional else None
    gold = pd.read_csv(path, keep_default_na=False, dtype=str)
    if "set" in gold.columns:
        gold = gold[gold["set"] == set_name]
    return gold if len(gold) else None


def analysed_claims(folder: Path) -> pd.DataFrame:
    """claims.csv of ``folder`` as ``dvlib analyze`` makes it (with each claim's doc file)."""
    from dvlib.claims import split_claims
    from dvlib.cluster import tag_aspects
    from dvlib.pipeline import load_corpus, tokenize_and_label
    from dvlib.segment import content_sentences

    corpus = load_corpus([folder], progress=False)
    sentences = tokenize_and_label(corpus.sentences, progress=False)
    content = content_sentences(sentences, corpus.documents)
    claims = tag_aspects(split_claims(content))
    files = corpus.documents.set_index("doc_id")["file"].map(lambda f: Path(f).name)
    claims["doc"] = claims["doc_id"].map(files)
    return claims


def evaluate(set_name: str, provisional: bool = False, tagger_only: bool = False) -> dict | None:
    """Both scores of one set (None when it has no gold yet)."""
    from dvlib.claims import is_framing
    from dvlib.cluster import claim_aspects

    gold = gold_for(set_name, provisional)
    if gold is None:
        return None
    if tagger_only:
        pred = {}
    else:
        claims = analysed_claims(TEXTS[set_name])
        pred = {_key(d, t): _codes(a) for d, t, a in zip(claims["doc"], claims["text"],
                                                         claims["aspects"])}
    keys = [_key(d, t) for d, t in zip(gold["doc"], gold["claim_text"])]
    g = [_codes(a) for a in gold["aspects"]]
    via_tagger = [set() if is_framing(t) else set(claim_aspects(t, f))
                  for t, f in zip(gold["claim_text"], gold["family"])]
    via_csv = via_tagger if tagger_only else [pred.get(k, set()) for k in keys]
    matched = sum(k in pred for k in keys)
    return {"claims": len(gold), "matched_in_claims_csv": matched,
            "claims_csv": score(g, via_csv), "tagger": score(g, via_tagger),
            "errors": [(k[1], sorted(gg), sorted(pp)) for k, gg, pp in zip(keys, g, via_csv)
                       if gg != pp]}


def _figures(table: pd.DataFrame) -> dict:
    micro = table.loc["micro"]
    return {"precision": float(micro.precision), "recall": float(micro.recall),
            "f1": float(micro.f1),
            "per_code": {c: {k: (None if pd.isna(r[k]) else float(r[k]) if k in
                                 ("precision", "recall", "f1") else int(r[k]))
                             for k in ("tp", "fp", "fn", "precision", "recall", "f1")}
                         for c, r in table.drop(index="micro").iterrows()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=["seed", "b"], choices=list(TEXTS))
    ap.add_argument("--write", action="store_true", help=f"store figures in {SCORES_FILE.name}")
    ap.add_argument("--provisional-b", action="store_true",
                    help="before claims_gold_b.csv exists, score set b on the annotators' labels "
                         "so far (development only; not stored)")
    ap.add_argument("--tagger-only", action="store_true",
                    help="score the tagger on the gold claims only (no analysis; not stored)")
    ap.add_argument("--errors", action="store_true", help="list disagreements (dev sets only)")
    args = ap.parse_args(argv)
    stored = json.loads(SCORES_FILE.read_text(encoding="utf-8")) if SCORES_FILE.exists() else {}
    stored.setdefault("sets", {})
    for name in args.sets:
        provisional = name == "b" and args.provisional_b and gold_for("b") is None
        res = evaluate(name, provisional, args.tagger_only)
        if res is None:
            print(f"\n== set {name}: no gold labels yet")
            continue
        print(f"\n== set {name} ({ROLE[name]}): {res['claims']} gold claims, "
              f"{res['matched_in_claims_csv']} found as claims.csv rows")
        for kind in ("claims_csv", "tagger"):
            print(f"-- {kind}\n{res[kind].to_string()}")
        if args.errors and ROLE[name] == "development":
            for text, gg, pp in res["errors"]:
                print(f"  gold={gg} pred={pp} :: {text[:200]}")
        if provisional or args.tagger_only:
            print("(provisional labels or tagger only: not stored)")
            continue
        stored["sets"][name] = {"role": ROLE[name], "claims": res["claims"],
                                "matched_in_claims_csv": res["matched_in_claims_csv"],
                                "measured": date.today().isoformat(),
                                "claims_csv": _figures(res["claims_csv"]),
                                "tagger": _figures(res["tagger"])}
    if args.write:
        held = {k: v for k, v in stored["sets"].items() if v.get("role") == "held out"}
        if held:  # pooled over every held-out set: the figure the brief's methods cite
            sums = [sum(c[key] for v in held.values() for c in v["claims_csv"]["per_code"].values())
                    for key in ("tp", "fp", "fn")]
            tp, fp, fn = sums
            stored["held_out_pooled"] = {
                "sets": sorted(held), "claims": sum(v["claims"] for v in held.values()),
                "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                "recall": round(tp / (tp + fn), 3) if tp + fn else None}
        stored["about"] = ("Aspect tags of claims against gold labels by two independent "
                           "annotators with adjudication; micro-averaged over codes. "
                           "Written by evaluation/evaluate_aspects.py.")
        SCORES_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
        print(f"\nwrote {SCORES_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
