"""Issue 13: one run per output folder (a lock the kernel frees even after kill -9), stale
temporary files cleaned, workers that die with their parent."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dvlib.runtime.atomic import clean_stale_temps, write_text
from dvlib.runtime.lock import FolderBusy, folder_lock

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import sys, time
from dvlib.runtime.lock import folder_lock
with folder_lock(sys.argv[1], wait=0):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(folder: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.slow  # a subprocess (imports dvlib: ~4 s)
def test_second_holder_waits_then_refuses_in_one_line_and_kill_9_frees_it(tmp_path):
    proc = _holder(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(FolderBusy) as err:
            with folder_lock(tmp_path, wait=0.5):
                pass
        assert 0.4 < time.monotonic() - started < 3
        msg = str(err.value)
        assert "\n" not in msg and str(proc.pid) in msg and str(tmp_path) in msg
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with folder_lock(tmp_path, wait=2):  # the kernel released the dead holder's lock
        pass


def test_stale_temp_files_are_cleaned_and_real_files_kept(tmp_path):
    write_text(tmp_path / "documents.csv", "a\n")
    (tmp_path / "parquet").mkdir()
    stale = [tmp_path / ".documents.csv.k2j3h4.tmp.csv",
             tmp_path / "parquet" / ".sentences.parquet.x8y9.tmp.parquet"]
    for p in stale:
        p.write_bytes(b"half")
    (tmp_path / ".dvlib.lock").write_text("1\n")
    removed = clean_stale_temps(tmp_path)
    assert sorted(removed) == sorted(stale)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        ".dvlib.lock", "documents.csv"]


POOL = """
import os, sys, time
import pandas as pd
from dvlib.runtime.parallel import map_documents

def slow(frame):
    with open(sys.argv[1] + f"/{os.getpid()}", "w") as fh:
        fh.write("x")
    time.sleep(60)
    return frame

frame = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "text": ["x"] * 4})
map_documents(slow, frame, n_jobs=2, min_rows=0)
"""


@pytest.mark.slow  # a subprocess (imports dvlib: ~4 s)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_workers_die_with_a_killed_parent(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", POOL, str(tmp_path)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while len(os.listdir(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = [int(n) for n in os.listdir(tmp_path)]
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 3
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [w for w in alive if Path(f"/proc/{w}").exists()
                 and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]]
        time.sleep(0.1)
    assert alive == [], "workers computed on after their parent was killed"
