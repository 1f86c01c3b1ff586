"""Word tokens of sentences: underthesea segmentation, normalised forms, spans, cache.

A token keeps its span in the sentence (so a term can always be quoted in the report's own
spelling) and a normalised form: :func:`dvlib.text.normalize.match_form` with syllables joined by
"_" ("Tỉnh uỷ" -> "tỉnh_ủy").

Institution terms listed in ``data/fixed_words.txt`` are made single tokens *after* underthesea
has segmented, by regrouping syllables in match form. Measured on the seeds: passing them as
``word_tokenize(fixed_words=...)`` keeps "Tỉnh ủy" whole but the CRF then glues the term to its
neighbours ("Dân vận Tỉnh ủy" 14 times, "‘ dân vận khéo"), is case-sensitive and 40 % slower;
regrouping gives "tỉnh_ủy" for all 58 occurrences (30 without) in any case, NFC/NFD or tone
placement, and leaves the other words as underthesea segmented them.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd
import underthesea
from tqdm import tqdm

from dvlib.runtime import atomic
from dvlib.runtime.parallel import die_with_parent
from dvlib.config import cache_dir, data_file, package_version
from dvlib.schema import validate
from dvlib.text import normalize as _normalize
from dvlib.text import wordseg
from dvlib.text.normalize import match_form, normalize_tones

CACHE_FORMAT = 1
SERIAL_BELOW = 20   # sentences; below this a process pool costs more than it saves
CHUNK_SENTENCES = 200  # work unit for the pool, so one long report still spreads over workers

# underthesea's character normaliser maps these before segmenting; same length.
_UT_CHARS = str.maketrans({"ð": "đ", "Ð": "Đ"})
_NUMERIC = re.compile(r"[\d.,:/\-–_+%]*\d[\d.,:/\-–_+%]*")


@dataclass(frozen=True)
class Token:
    text: str       # as written in the sentence
    form: str       # match form, syllables joined by "_"
    start: int      # offsets into the sentence given to tokenize_sentence
    end: int
    is_punct: bool  # no letter or digit in it


# --- lookup tables -------------------------------------------------------------------------

def _data_lines(name: str) -> list[str]:
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def fixed_words() -> frozenset[tuple[str, ...]]:
    """Multi-syllable terms kept as one token, as tuples of match-form syllables."""
    return frozenset(tuple(match_form(w).split()) for w in _data_lines("fixed_words.txt"))


@lru_cache(maxsize=1)
def _fixed_first_syllables() -> frozenset[str]:
    return frozenset(f[0] for f in fixed_words())


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Stopwords in token form ("một_số")."""
    return frozenset("_".join(match_form(w).split()) for w in _data_lines("stopwords.txt"))


# --- one sentence --------------------------------------------------------------------------

def _segment_words(text: str) -> list[str]:
    """underthesea's words (syllables joined by spaces), through the faster decoder of the same
    model (:mod:`dvlib.text.wordseg`). One place, so tests can count calls."""
    return wordseg.word_tokenize(text)


def _key(text: str) -> str:
    return match_form(text.translate(_UT_CHARS))


@lru_cache(maxsize=200_000)
def _part_key(part: str) -> str:
    # Parts (syllables, numbers, marks) repeat a lot; their match form is a hot spot.
    return _key(part)


def _regroup(words: list[list[str]]) -> list[list[str]]:
    """Make every fixed word a token of its own, whatever underthesea joined or split."""
    fixed = fixed_words()
    longest = max((len(f) for f in fixed), default=0)
    firsts = _fixed_first_syllables()
    parts = [p for w in words for p in w]
    bounds = set()
    i = 0
    for w in words:
        bounds.add(i)
        i += len(w)
    keys = [_part_key(p) for p in parts]
    n, i = len(parts), 0
    while i < n:
        if keys[i] not in firsts:
            i += 1
            continue
        for size in range(min(longest, n - i), 1, -1):
            if tuple(keys[i:i + size]) in fixed:
                bounds.difference_update(range(i + 1, i + size))
                bounds.update((i, i + size))
                i += size
                break
        else:
            i += 1
    bounds.add(n)
    edges = sorted(bounds)
    return [parts[a:b] for a, b in zip(edges, edges[1:]) if b > a]


def _nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFC of ``text`` and, for each NFC position (plus the end), its position in ``text``."""
    pieces, where = [], []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        pieces.append(piece)
        where.extend([i] * len(piece))
        i = j
    where.append(n)
    return "".join(pieces), where


def _skip_space(key: str, pos: int) -> int:
    while pos < len(key) and key[pos].isspace():
        pos += 1
    return pos


def _align(key: str, words: list[list[str]]) -> list[tuple[int, int]]:
    """Spans of ``words`` in ``key`` (the match form of the sentence), in order.

    Parts normally match the key exactly (both sides are match forms, which keep length). When
    underthesea corrected a typo ("nghành" -> "ngành") the part runs to the next part or space.
    """
    flat = [_part_key(p) for w in words for p in w]
    spans, k, pos = [], 0, 0
    for w in words:
        start = None
        for _ in w:
            part = flat[k]
            pos = _skip_space(key, pos)
            if start is None:
                start = pos
            if key.startswith(part, pos):
                pos += len(part)
            else:
                stop = pos
                while stop < len(key) and not key[stop].isspace():
                    stop += 1
                nxt = flat[k + 1] if k + 1 < len(flat) else ""
                found = key.find(nxt, pos + 1, stop) if nxt else -1
                pos = found if found > pos else max(stop, min(pos + 1, len(key)))
            k += 1
        spans.append((start, pos))
    return spans


def tokenize_sentence(text: str) -> list[Token]:
    """underthesea words of one sentence, with spans in ``text`` and normalised forms."""
    if not text or text.isspace():
        return []
    if unicodedata.is_normalized("NFC", text):
        norm_text, where = text, None
    else:  # NFD input: work on NFC, report offsets in the text as given
        norm_text, where = _nfc_with_offsets(text)
    key = _key(norm_text)
    # One tone placement before segmenting, so "Tỉnh uỷ" and "Tỉnh ủy" reach the CRF as the
    # same syllables (underthesea's own normaliser skips tokens it does not list); same length.
    words = [w.split(" ") for w in _segment_words(normalize_tones(norm_text))]
    words = _regroup(words)
    tokens = []
    for s, e in _align(key, words):
        form = "_".join(key[s:e].split())
        if where is not None:
            s, e = where[s], where[e]
        tokens.append(Token(text[s:e], form, s, e, not any(c.isalnum() for c in form)))
    return tokens


def is_person_name(surface: str) -> bool:
    """Three or more capitalised syllables ("Lê Thị Xuân Trang"): a person's name, which
    tells who spoke, not what the report is about. Institution names keep lower-case
    syllables ("Mặt trận Tổ quốc"); places have two ("Bắc Giang")."""
    syllables = surface.split()
    return len(syllables) >= 3 and all(s[:1].isupper() and not s.isupper() for s in syllables)


def content_terms(tokens: list[str], surfaces: list[str] | None = None) -> list[str]:
    """Terms for TF-IDF, keyness and clustering: no stopwords, punctuation, numbers, dates,
    percentages, single characters or (given the ``surfaces`` as written) person names.
    ``tokens`` are normalised forms ("tỉnh_ủy")."""
    stop = stopwords()
    surfaces = surfaces if surfaces is not None else [""] * len(tokens)
    return [
        t for t, surface in zip(tokens, surfaces)
        if len(t) > 1 and t not in stop and any(c.isalnum() for c in t)
        and not _NUMERIC.fullmatch(t) and not is_person_name(surface)
    ]


def term_starts(text: str, tokens, terms) -> list[int]:
    """Where each of a sentence's ``terms`` starts in ``text`` (NFC), found again from its
    ``tokens`` (terms are a subsequence of tokens, in order).

    The tokenize stage keeps no spans (a list per sentence is heavy at national scale); the
    claims stage needs them only for sentences it splits, so it asks here. A token not found
    (underthesea corrected a typo) takes the position reached so far.
    """
    key = _key(text)
    terms = list(terms)
    out, j, pos = [], 0, 0
    for tok in tokens:
        if j >= len(terms):
            break
        first = tok.split("_", 1)[0]
        at = key.find(first, pos) if first else -1
        start = at if at >= 0 else pos
        if at >= 0:
            pos = at + len(first)
        if tok == terms[j]:
            out.append(start)
            j += 1
    out.extend([pos] * (len(terms) - j))
    return out


# --- cache ---------------------------------------------------------------------------------

def dvlib_version() -> str:
    return package_version()


def underthesea_version() -> str:
    return getattr(underthesea, "__version__", None) or metadata.version("underthesea")


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """What besides the text decides the tokens: the lexicon and this code."""
    h = hashlib.sha256()
    h.update(data_file("fixed_words.txt").read_bytes())
    for mod in (Path(__file__), Path(_normalize.__file__), Path(wordseg.__file__)):
        h.update(mod.read_bytes())
    return h.hexdigest()


def cache_key(texts: list[str]) -> str:
    """sha256 of a document's sentence texts and everything the tokens depend on."""
    payload = {
        "format": CACHE_FORMAT,
        "texts": list(texts),
        "dvlib": dvlib_version(),
        "underthesea": underthesea_version(),
        "fingerprint": _fingerprint(),
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def _cache_path(key: str) -> Path:
    return cache_dir() / "tokens" / f"{key}.json"


def _read_cache(key: str):
    path = _cache_path(key)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _bad_cache(path, f"unreadable ({type(exc).__name__})")
        return None
    result = _cache_entry(entry, key)
    if result is None:
        _bad_cache(path, "not a token cache entry of the expected shape")
    return result


def _bad_cache(path: Path, why: str) -> None:
    """One line about a cache file that cannot be used; it is a miss and gets rewritten."""
    import logging
    logging.getLogger(__name__).warning("dvlib: ignored cache file %s: %s", path, why)


def _cache_entry(entry, key: str):
    """The cached tokens of ``entry`` if it has the expected shape (a dict with this key and
    parallel lists of tokens and (start, end) spans), else None: valid JSON of another shape
    (null, a list, truncated lists) is a cache miss, never a crash."""
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    tokens, spans = entry.get("tokens"), entry.get("token_spans")
    if not isinstance(tokens, list) or not isinstance(spans, list) or len(tokens) != len(spans):
        return None
    out = []
    for t, sp in zip(tokens, spans):
        if (not isinstance(t, list) or not isinstance(sp, list) or len(t) != len(sp)
                or not all(isinstance(x, str) for x in t)
                or not all(isinstance(s, list) and len(s) == 2
                           and all(isinstance(i, int) for i in s) for s in sp)):
            return None
        out.append((list(t), [tuple(s) for s in sp]))
    return out


def _write_cache(key: str, doc_id, result) -> None:
    entry = {"key": key, "doc_id": str(doc_id),
             "tokens": [t for t, _ in result], "token_spans": [[list(s) for s in sp] for _, sp in result]}
    atomic.write_text(_cache_path(key), json.dumps(entry, ensure_ascii=False))


# --- many sentences ------------------------------------------------------------------------

def _tokenize_texts(texts: list[str]) -> list[tuple[list[str], list[tuple[int, int]]]]:
    out = []
    for text in texts:
        toks = [t for t in tokenize_sentence(text) if not t.is_punct]
        out.append(([t.form for t in toks], [(t.start, t.end) for t in toks]))
    return out


def _warm_up(parent_pid: int | None = None) -> None:
    # A worker dies with its parent (a killed run leaves nothing computing on).
    if parent_pid is not None:
        die_with_parent(parent_pid)
    # The first word_tokenize call loads the model; concurrent first calls crash underthesea.
    _segment_words("Ban Dân vận Tỉnh ủy")


def tokens_frame(sentences: pd.DataFrame, n_jobs: int | None = None, cache: bool = True,
                 progress: bool = True) -> pd.DataFrame:
    """Add ``tokens`` (normalised forms, no punctuation) and ``token_spans`` ((start, end) in
    the sentence, parallel to ``tokens``) to a sentence table (columns doc_id, text).

    Tokens are cached per document under ``cache_dir()/tokens``; a rerun only tokenises
    documents whose sentences (or dvlib, underthesea, the fixed words) changed.
    """
    out = sentences.copy()
    rows: dict = {}
    for pos, doc_id in enumerate(out["doc_id"]):
        rows.setdefault(doc_id, []).append(pos)
    all_texts = out["text"].fillna("").astype(str).tolist()
    texts = {d: [all_texts[p] for p in ps] for d, ps in rows.items()}
    keys = {d: cache_key(t) for d, t in texts.items()}

    results: dict = {}
    for d in rows:
        hit = _read_cache(keys[d]) if cache else None
        if hit is not None and len(hit) == len(texts[d]):
            results[d] = hit
    todo = [d for d in rows if d not in results]
    units = [(d, i, texts[d][i:i + CHUNK_SENTENCES])
             for d in todo for i in range(0, len(texts[d]), CHUNK_SENTENCES)]
    n_todo = sum(len(u[2]) for u in units)
    if n_jobs is None or n_jobs < 1:  # None or -1: every core
        n_jobs = os.cpu_count() or 1
    jobs = min(n_jobs, len(units))

    parts: dict = {d: {} for d in todo}
    pending = {d: -(-len(texts[d]) // CHUNK_SENTENCES) for d in todo}

    def finish(d, i, res):
        parts[d][i] = res
        pending[d] -= 1
        if pending[d] == 0:
            results[d] = [r for j in sorted(parts[d]) for r in parts[d][j]]
            if cache:
                _write_cache(keys[d], d, results[d])

    bar_options = dict(total=n_todo, unit="sent", desc="tokenize", disable=not progress)
    if jobs <= 1 or n_todo < SERIAL_BELOW:
        with tqdm(**bar_options) as progress_bar:
            for d, i, chunk in units:
                finish(d, i, _tokenize_texts(chunk))
                progress_bar.update(len(chunk))
    else:
        # fork: workers inherit the imported modules instead of re-importing them. The pool is
        # started before the progress bar so no tqdm monitor thread exists at fork time.
        ctx = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_up,
                                 initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_tokenize_texts, chunk): (d, i) for d, i, chunk in units}
            with tqdm(**bar_options) as progress_bar:
                for fut in as_completed(futures):
                    d, i = futures[fut]
                    res = fut.result()
                    finish(d, i, res)
                    progress_bar.update(len(res))

    tokens, spans = [None] * len(out), [None] * len(out)
    intern = sys.intern  # a corpus has ~10^6 tokens but ~10^4 distinct forms: share them
    for d, ps in rows.items():
        for p, (t, sp) in zip(ps, results[d]):
            tokens[p], spans[p] = [intern(x) for x in t], sp
    out["tokens"] = pd.Series(tokens, index=out.index, dtype=object)
    out["token_spans"] = pd.Series(spans, index=out.index, dtype=object)
    return out


def tokenize(sentences: pd.DataFrame, n_jobs: int | None = None, progress: bool = True,
             cache: bool = True) -> pd.DataFrame:
    """The tokenize stage: ``sentences`` with ``tokens`` (underthesea words in normalised form,
    no punctuation) and ``terms`` (the content terms TF-IDF, keyness and clustering count: no
    stopwords, numbers or person names). Tokens are cached per document (see
    :func:`tokens_frame`)."""
    out = tokens_frame(sentences, n_jobs=n_jobs, cache=cache, progress=progress)
    out["terms"] = [
        content_terms(toks, [text[a:b] for a, b in spans])
        for toks, spans, text in zip(out["tokens"], out["token_spans"], out["text"])]
    # Spans served the person-name filter; a list of tuples per sentence is heavy to keep.
    return validate(out.drop(columns=["token_spans"]), "tokens")
