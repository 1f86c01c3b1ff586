"""Build dvlib/data/pos_lexicon.tsv: the most frequent part of speech of each word.

    .venv/bin/python scripts/build_pos_lexicon.py

Source: the tagged VLSP 2013 test output that ships inside the underthesea wheel (its POS
model's ``test_output.txt``: one ``word<TAB>gold tag<TAB>predicted tag`` per line). The label
stage uses the lexicon for cheap part-of-speech features (is the first word a verb? how many
verbs?) without running underthesea's ``pos_tag``, which costs about four times word
segmentation per sentence. Words are stored in dvlib's normalised token form (match form,
syllables joined by "_"), tags without the B-/I- prefix.
"""
from __future__ import annotations

import collections
import sys
import unicodedata
from pathlib import Path

import underthesea

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dvlib.text.data import data_file  # noqa: E402
from dvlib.text.normalize import match_form  # noqa: E402


def main() -> int:
    root = Path(underthesea.__file__).parent
    sources = sorted(root.glob("pipeline/pos_tag/models/*/test_output.txt"))
    if not sources:
        print("no tagged corpus found in the underthesea package", file=sys.stderr)
        return 1
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for src in sources:
        for line in src.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].strip():
                continue
            word = match_form(unicodedata.normalize("NFC", parts[0])).replace(" ", "_")
            counts[word][parts[1].split("-", 1)[-1]] += 1
    out = data_file("pos_lexicon.tsv")
    lines = [f"# most frequent POS tag per word; from {', '.join(s.parent.name for s in sources)} "
             f"(underthesea {underthesea.__version__}); built by scripts/build_pos_lexicon.py",
             "word\ttag\tcount"]
    for word in sorted(counts):
        tag, n = counts[word].most_common(1)[0]
        lines.append(f"{word}\t{tag}\t{sum(counts[word].values())}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(counts)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
