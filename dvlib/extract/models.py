"""Named models and movements: quoted names after a model word ("mô hình “Dân vận khéo”"),
lists of them, and the same names found unquoted elsewhere."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable


from dvlib.extract.common import kinds_table, match_form, squash, words_pattern, words_trie

# --------------------------------------------------------------------------- named models

_DOUBLE_OPEN = set("“\"«„")
_DOUBLE_CLOSE = set("”\"»“")
_QUOTE_MARK = re.compile(r"‘‘|’’|''|[“”\"«»„‘’]")
MAX_NAME_CHARS = 300


def quoted_spans(text: str) -> list[tuple[int, int, int, int]]:
    """Quoted stretches as (open_start, name_start, name_end, close_end).

    Reports mix their quote marks: "Nhà trọ ...” opens straight and closes curly, ‘‘...“
    opens with two single marks and closes with an opening double mark. A mark that can only
    close (” ’ ») outside a quote is a stray and is ignored; an unclosed quote gives nothing.
    """
    out = []
    open_at = None  # (start, end, kind) of the opening mark
    for m in _QUOTE_MARK.finditer(text):
        mark = m.group(0)
        double = len(mark) == 2 or mark in _DOUBLE_OPEN or mark in _DOUBLE_CLOSE
        if open_at is None:
            if mark in _DOUBLE_OPEN or mark in ("‘‘", "''", "‘"):
                open_at = (m.start(), m.end(), mark)
            continue
        o_start, o_end, o_mark = open_at
        if double and o_mark == "‘":
            continue
        if not double and o_mark != "‘":
            continue  # a single mark inside a double-quoted name (an apostrophe, a nested quote)
        if mark == "“" and o_mark == "“":
            continue  # “ closes only quotes opened some other way ("‘‘...“")
        out.append((o_start, o_end, m.start(), m.end()))
        open_at = None
    return out


@lru_cache(maxsize=1)
def _intro_pattern() -> re.Pattern:
    kinds = kinds_table()
    intros = [match_form(w) for w in kinds.loc[kinds["introduces_name"] == "1", "word"]]
    words = words_pattern(intros)
    long_words = words_pattern(w for w in intros if len(w.split()) > 1)
    # Up to two more syllables may stand between a word of two syllables or more and the
    # quote ("phong trào thi đua yêu nước", "Sân chơi Văn hoá "Giờ thứ 9""); one-syllable words
    # must touch it, or "giải quyết “...”" would read as a prize ("giải") and "nhà nước “...”"
    # as a house. An unquoted name must always follow its word directly.
    quoted = re.compile(rf"(?<!\w)(?:(?P<intro>{words})|(?P<long>{long_words})"
                        rf"(?:\s+[^\W\d_]+){{1,2}})\s*$")
    return quoted


_AFTER_CODE = re.compile(
    r"\s*(?:,?\s*ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})?\s*,?\s*(?:về\s*(?:việc\s*)?)?")
# Between two names of one list: a separator and at most two syllables ("”, đường cờ “").
# "”, với phương châm “" is longer, and rightly not a list: a motto follows, not a model.
_LIST_GAP = re.compile(r"\s*(?:[,;]|và|hoặc|hay)(?:\s+[^\W\d_]+){0,2}\s*")
# An unquoted name must end where the phrase ends ("Ngày hội Đại đoàn kết toàn dân tộc" is
# another name than "đại đoàn kết").
_NAME_END = re.compile(r"\s*(?:[^\w\s]|$)|\s+(?:" + "|".join(sorted(
    ["và", "với", "của", "cho", "trong", "tại", "ở", "về", "được", "đã", "để", "là", "có",
     "theo", "từ", "đến", "các", "những", "thì", "mà", "nhưng", "hay", "hoặc", "khi", "do",
     "trên", "nhằm", "gồm", "cần", "phải", "sẽ", "đang", "không", "chưa", "còn", "đều",
     "này", "đó", "nay"], key=len, reverse=True)) + r")(?!\w)")


def quote_candidates(text: str, mf: str, codes: list[dict]) -> list[dict]:
    """Every quoted stretch of a sentence with the word that introduces it ("" if none)."""
    quoted_intro = _intro_pattern()
    out = []
    for o_start, n_start, n_end, c_end in quoted_spans(text):
        raw = text[n_start:n_end]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        s, e = n_start + lead, n_end - trail
        if e <= s or e - s > MAX_NAME_CHARS or not re.search(r"[^\W\d_]", raw):
            continue
        prefix = mf[max(0, o_start - 80):o_start]
        intro = ""
        m = quoted_intro.search(prefix)
        if m:
            intro = squash(m.group("intro") or m.group("long"))
        else:
            # "Đề án số 02-ĐA/TU ngày 23-5-2021 về “...”": the code names the kind.
            for c in codes:
                if c["end"] <= o_start and _AFTER_CODE.fullmatch(mf, c["end"], o_start):
                    intro = match_form(c["kind"])
        out.append(dict(start=s, end=e, open_start=o_start, close_end=c_end, text=text[s:e],
                        normalised=squash(mf[s:e]), intro=intro))
    return out


def resolve_quotes(cands: list[dict], mf: str, known: dict[str, str]) -> list[dict]:
    """Which quoted stretches name a model: introduced by a model word, listed right after
    one that is, or a name the corpus introduces elsewhere. Others are quotations."""
    accepted = []
    prev = None
    for c in cands:
        intro = c["intro"]
        ok = bool(intro)
        if not ok and prev is not None and _LIST_GAP.fullmatch(mf, prev["close_end"], c["open_start"]):
            intro, ok = prev["detail"], True
        if not ok and c["normalised"] in known:
            intro, ok = known[c["normalised"]], True
        if ok:
            item = dict(c, detail=intro)
            accepted.append(item)
            prev = item
        else:
            prev = None
    return accepted


@lru_cache(maxsize=1)
def _intro_forward() -> re.Pattern:
    kinds = kinds_table()
    words = words_trie(match_form(w) for w in kinds.loc[kinds["introduces_name"] == "1", "word"])
    return re.compile(rf"(?<!\w)(?=(?P<intro>{words})\s+)")


def known_regex(names: Iterable[str]) -> re.Pattern | None:
    names = [n for n in names if len(n.split()) >= 2]  # one syllable is too common a word
    if not names:
        return None
    return re.compile(rf"(?:{words_pattern(names)})(?!\w)")


def bare_models(text: str, mf: str, rx: re.Pattern | None, taken: list[dict]) -> list[dict]:
    """Unquoted mentions of names the corpus quotes (``rx``), right after a model word
    ("mô hình, điển hình dân vận khéo"), ending where the phrase ends."""
    if rx is None:
        return []
    out = []
    for im in _intro_forward().finditer(mf):
        s = im.end("intro")
        s += len(mf[s:]) - len(mf[s:].lstrip())
        m = rx.match(mf, s)
        if not m:
            continue
        e = m.end()
        if any(t["open_start"] <= s and e <= t["close_end"] for t in taken + out):
            continue
        if not _NAME_END.match(mf, e):
            continue
        out.append(dict(start=s, end=e, open_start=s, close_end=e, text=text[s:e],
                        normalised=squash(m.group(0)), detail=squash(im.group("intro"))))
    return out


