"""Benchmark: dvlib's whole pipeline against bare underthesea, warm reruns, add-one, memory.

Prints, from one run, for each corpus size (synthetic reports assembled from the seed reports'
paragraphs with other figures, places and list order, so sentences rarely repeat):
  * bare underthesea ``sent_tokenize`` + ``word_tokenize`` on one core (chars/s)
  * cold ``dvlib analyze`` with default settings (fresh cache and output folder), its ratio to
    bare (target >= 1.5x), wall time and the peak memory of the whole process tree (PSS polled
    from /proc every 0.2 s; target <= 2 GB at 10,000 reports)
  * where the cold time goes, stage by stage (``DVLIB_PROFILE=1``), with the parts of the
    comparison tables (profiles, keyness, similarity, shared formulas and their searches)
  * a rerun with nothing changed (target <= 3 % of cold)
  * one report added to the corpus (target: that report's own work + the corpus tables)

    python benchmarks/bench_pipeline.py                    # 600 and 2,000 reports
    python benchmarks/bench_pipeline.py --reports 600 10000
    make bench  /  make bench BENCH_ARGS="--reports 600 10000"

Targets are checked here and printed; they are deliberately not timed tests.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(cmd: list[str], env: dict) -> tuple[float, float, str, float]:
    """Wall time, peak tree memory (PSS, MB), stderr and CPU seconds (the command and every
    worker it waited for) of a command. CPU time hardly changes when other work shares the
    machine; wall time does, so both are printed."""
    cpu0 = _children_cpu()
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
    err = err.decode(errors="replace")
    if proc.returncode not in (0,):
        sys.stderr.write(err[-2000:])
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return time.perf_counter() - t, peak[0], err, _children_cpu() - cpu0


PROFILE_LINE = re.compile(r"dvlib profile: (.+?)\s+([\d.]+) s  rss (\d+) MB  peak (\d+) MB")


def stage_times(stderr: str) -> list[tuple[str, float, int]]:
    """(stage, seconds, peak MB of the main process) from DVLIB_PROFILE lines."""
    return [(m.group(1).rstrip(), float(m.group(2)), int(m.group(4)))
            for m in PROFILE_LINE.finditer(stderr)]


def add_one_report(corpus: Path, seed: int) -> None:
    """One more report (unseen text) in the corpus folder and its manifest row."""
    extra = corpus.parent / "extra"
    build_corpus(extra, 1, seed=seed)
    text = (extra / "r00000.txt").read_text(encoding="utf-8")
    (corpus / "added.txt").write_text(text, encoding="utf-8")
    with open(corpus / "manifest.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["added.txt", "Nghệ An", "2024-06-30", "day", "Báo cáo bổ sung",
                                 "synthetic"])
    shutil.rmtree(extra)


def bench_size(work: Path, n_reports: int, add_one: bool) -> dict:
    corpus = work / f"corpus{n_reports}"
    chars = build_corpus(corpus, n_reports)
    print(f"\n== {n_reports:,} reports, {chars:,} characters, {os.cpu_count()} cores ==")
    cpu0 = _children_cpu()
    bare = subprocess.run([sys.executable, "-c", BARE, str(corpus)], capture_output=True,
                          text=True, check=True)
    bare_cpu = _children_cpu() - cpu0
    bare_s, n_tokens = bare.stdout.split()
    bare_s = float(bare_s)
    bare_rate = chars / bare_s
    print(f"bare underthesea, 1 core:  {bare_s:8.1f} s  {bare_rate:10,.0f} chars/s  ({int(n_tokens):,} tokens; "
          f"{bare_cpu:.1f} CPU-s with start-up)")
    env = dict(os.environ, DVLIB_CACHE_DIR=str(work / f"cache{n_reports}"), DVLIB_PROFILE="1")
    cmd = [sys.executable, "-m", "dvlib.cli", "analyze", str(corpus), "--out",
           str(work / f"out{n_reports}"), "--quiet"]
    cold_s, cold_mem, err, cold_cpu = run_measured(cmd, env)
    cold_rate = chars / cold_s
    ratio = cold_rate / bare_rate
    print(f"dvlib analyze, cold:       {cold_s:8.1f} s  {cold_rate:10,.0f} chars/s  "
          f"= {ratio:.2f}x bare (target >= 1.5x)")
    print(f"  CPU: {cold_cpu:.1f} CPU-s = {cold_cpu / bare_cpu:.2f}x bare's CPU time "
          f"(so at best {os.cpu_count() * bare_cpu / cold_cpu:.2f}x bare's throughput on "
          f"{os.cpu_count()} idle cores)")
    print(f"peak memory (PSS, tree):   {cold_mem:8.0f} MB (target <= 2,048 MB at 10,000 reports)")
    print("where the cold time goes (stage, s, main-process peak MB):")
    for name, secs, peak in stage_times(err):
        print(f"    {name:<22} {secs:7.1f} s  {100 * secs / cold_s:5.1f} %  {peak:6d} MB")
    warm_s, warm_mem, _, _ = run_measured(cmd, env)
    print(f"rerun, nothing changed:    {warm_s:8.1f} s  = {100 * warm_s / cold_s:.1f} % of cold (target <= 3 %)")
    out = {"reports": n_reports, "chars": chars, "bare_s": bare_s, "cold_s": cold_s,
           "ratio": ratio, "peak_mb": max(cold_mem, warm_mem), "warm_s": warm_s}
    if add_one:
        add_one_report(corpus, seed=n_reports + 1)
        add_s, add_mem, err, _ = run_measured(cmd, env)
        stages = {n: s for n, s, _ in stage_times(err)}
        per_doc = stages.get("tokens and families", 0.0)
        print(f"one report added:          {add_s:8.1f} s  = {100 * add_s / cold_s:.1f} % of cold; "
              f"its per-document pass {per_doc:.1f} s (the other {n_reports:,} from cache), "
              f"the rest is loading and the corpus-level tables")
        out["add_one_s"] = add_s
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, nargs="+", default=[600, 2000],
                    help="corpus sizes to measure (default: 600 2000; the issue's: 600 10000)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dvlib-bench-"))
    started = time.strftime("%Y-%m-%d %H:%M")
    try:
        results = [bench_size(work, n, add_one=(i == 0)) for i, n in enumerate(args.reports)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nsummary ({started}, {os.cpu_count()} cores):")
    for r in results:
        print(f"  {r['reports']:>6,} reports: cold {r['cold_s']:.1f} s = {r['ratio']:.2f}x bare, "
              f"peak {r['peak_mb']:.0f} MB, rerun {100 * r['warm_s'] / r['cold_s']:.1f} %"
              + (f", add one {r['add_one_s']:.1f} s" if "add_one_s" in r else ""))
    if len(results) > 1:  # how memory grows with the corpus, past the fixed base
        a, b = results[0], results[-1]
        slope = (b["peak_mb"] - a["peak_mb"]) / (b["reports"] - a["reports"]) * 1000
        print(f"  memory grows {slope:.0f} MB per 1,000 reports "
              f"(base ~{a['peak_mb'] - slope * a['reports'] / 1000:.0f} MB)")


if __name__ == "__main__":
    main()
