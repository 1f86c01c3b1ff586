"""Benchmark: dvlib's whole pipeline against bare underthesea, warm reruns, peak memory.

Prints, from one run on the same synthetic corpus (reports assembled from the seed reports'
paragraphs with other figures, places and list order, so no two reports are duplicates and
sentences rarely repeat):
  * bare underthesea ``sent_tokenize`` + ``word_tokenize`` on one core (chars/s)
  * cold ``dvlib analyze`` with default settings (fresh cache and output folder)
  * the ratio of the two (target >= 1.5x)
  * a rerun with nothing changed (target <= 10% of the cold time)
  * peak memory of the whole process tree, PSS (target <= 1 GB for 2,000 reports)

    python benchmarks/bench_pipeline.py --reports 2000

Targets are checked here and printed; they are deliberately not timed tests.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus"


PROVINCES = ["Bắc Giang", "Nghệ An", "Bình Phước", "Tuyên Quang", "Điện Biên", "Lào Cai",
             "Sóc Trăng", "Quảng Nam", "Thanh Hóa", "Đắk Lắk"]


_DIGITS = re.compile(r"\d")


def _districts() -> list[str]:
    with open(ROOT / "dvlib" / "data" / "gazetteer_districts.csv", encoding="utf-8") as fh:
        return [f"{r['district_type'].lower()} {r['district']}" for r in csv.DictReader(fh)]


def _vary(paragraph: str, rng: random.Random, places: list[str]) -> str:
    """A paragraph reworded the way reports of the genre differ: other figures, other places,
    list items in another order. Without this, reports drawn from the same seed paragraphs
    would repeat whole sentences and every per-sentence cache would flatter the figures."""
    paragraph = _DIGITS.sub(lambda m: str(rng.randint(0, 9)), paragraph)
    sentences = re.split(r"(?<=[.;])\s+", paragraph)
    out = []
    for sent in sentences:
        parts = sent.split(", ")
        if len(parts) > 3:
            middle = parts[1:-1]
            rng.shuffle(middle)
            parts = [parts[0], *middle, parts[-1]]
        sent = ", ".join(parts)
        if len(sent) > 1 and rng.random() < 0.8:
            sent = f"Tại {rng.choice(places)}, {sent[0].lower()}{sent[1:]}"
        out.append(sent)
    return " ".join(out)


def build_corpus(folder: Path, n_reports: int, seed: int = 0, vary: bool = True) -> int:
    """n reports, each 8-16 paragraphs drawn from the seeds (trailers dropped); with ``vary``
    (the default) the paragraphs are reworded so that sentences rarely repeat."""
    rng = random.Random(seed)
    places = _districts()
    paragraphs = []
    for p in sorted(SEEDS.glob("*.txt")):
        text = p.read_text(encoding="utf-8").split("Các tin khác")[0]
        paragraphs += [l for l in text.splitlines() if len(l) > 60]
    folder.mkdir(parents=True)
    chars = 0
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "province", "date", "date_precision", "title", "outlet"])
        for i in range(n_reports):
            chosen = rng.sample(paragraphs, rng.randint(8, 16))
            body = "\n".join(_vary(p, rng, places) if vary else p for p in chosen)
            text = f"Báo cáo số {i}: hội nghị giao ban công tác dân vận\n{body}\n"
            (folder / f"r{i:05d}.txt").write_text(text, encoding="utf-8")
            chars += len(text)
            w.writerow([f"r{i:05d}.txt", PROVINCES[i % len(PROVINCES)], f"2023-{1 + i % 12:02d}-15",
                        "day", f"Báo cáo số {i}", "synthetic"])
    return chars


BARE = r"""
import sys, time
from pathlib import Path
from underthesea import sent_tokenize, word_tokenize
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
word_tokenize("Khởi động.")  # load the model outside the timing, as dvlib's workers do
t = time.perf_counter()
n = 0
for text in texts:
    for line in text.splitlines():
        for s in sent_tokenize(line):
            n += len(word_tokenize(s))
print(time.perf_counter() - t, n)
"""


def tree_rss_mb(pid: int) -> float:
    """Memory of a process and all its descendants (MB), from /proc: the proportional set
    size (PSS), so pages that forked workers share with their parent count once, not once per
    process as a sum of RSS would."""
    children = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d.name))
            except (OSError, IndexError, ValueError):
                continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        stack += children.get(p, [])
    return total / 1024


def run_measured(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time and peak tree RSS (MB) of a command."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]

    def poll():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            time.sleep(0.2)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    _, err = proc.communicate()
    th.join()
    if proc.returncode not in (0,):
        sys.stderr.write(err.decode(errors="replace")[-2000:])
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return time.perf_counter() - t, peak[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=2000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dvlib-bench-"))
    try:
        corpus = work / "corpus"
        chars = build_corpus(corpus, args.reports)
        print(f"corpus: {args.reports} reports, {chars:,} characters, {os.cpu_count()} cores")
        bare = subprocess.run([sys.executable, "-c", BARE, str(corpus)], capture_output=True,
                              text=True, check=True)
        bare_s, n_tokens = bare.stdout.split()
        bare_s = float(bare_s)
        bare_rate = chars / bare_s
        print(f"bare underthesea, 1 core:  {bare_s:8.1f} s  {bare_rate:10,.0f} chars/s  ({int(n_tokens):,} tokens)")
        env = dict(os.environ, DVLIB_CACHE_DIR=str(work / "cache"))
        cmd = [sys.executable, "-m", "dvlib.cli", "analyze", str(corpus), "--out", str(work / "out"), "--quiet"]
        cold_s, cold_rss = run_measured(cmd, env)
        cold_rate = chars / cold_s
        print(f"dvlib analyze, cold:       {cold_s:8.1f} s  {cold_rate:10,.0f} chars/s  "
              f"= {cold_rate / bare_rate:.2f}x bare (target >= 1.5x)")
        warm_s, warm_rss = run_measured(cmd, env)
        print(f"dvlib analyze, rerun:      {warm_s:8.1f} s  = {100 * warm_s / cold_s:.1f}% of cold (target <= 10%)")
        peak = max(cold_rss, warm_rss)
        print(f"peak memory (PSS, tree):   {peak:8.0f} MB for {args.reports} reports (target <= 1024 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
