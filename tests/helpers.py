"""Helpers shared by tests in several folders (importable: tests/ is on sys.path)."""
from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dvlib.config import data_file
from dvlib.text.normalize import match_form

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# Fixture-only rules: gold notes -> boilerplate kind, and keywords -> a toy sub-theme.
_BOILERPLATE_NOTES = [
    ("trailer", "trailer"), ("visitor counter", "visitor_counter"),
    ("rating widget", "rating_widget"), ("pagination", "pagination"),
    ("site widget", "share_widget"), ("source line", "source_line"),
    ("duplicated photo caption", "duplicate_caption"), ("site navigation", "site_header"),
    ("banner", "site_header"), ("session notice", "site_header"),
]
_SUBTHEMES = [("tuyên truyền", "communication"), ("phối hợp", "coordination"),
              ("giám sát", "supervision"), ("phản biện", "supervision"),
              ("dân vận khéo", "dan_van_kheo"), ("quỹ", "welfare"), ("nhà", "welfare")]
_FUNCTION_WORDS = {"và", "của", "các", "những", "có", "được", "là", "trong", "với", "cho", "đã",
                   "để", "theo", "tại", "này", "đó", "một", "về", "từ", "như", "đến", "cũng",
                   "thì", "mà", "nhiều", "trên", "năm"}


def _terms(text: str) -> list[str]:
    from underthesea import word_tokenize

    out = []
    for tok in word_tokenize(text):
        form = match_form(tok).replace(" ", "_")
        if any(c.isalpha() for c in form) and form not in _FUNCTION_WORDS:
            out.append(form)
    return out


def _boilerplate(note: str) -> str:
    for key, kind in _BOILERPLATE_NOTES:
        if key in note:
            return kind
    return ""


def _subtheme(text: str) -> str:
    form = match_form(text)
    return next((name for key, name in _SUBTHEMES if key in form), "")


@lru_cache(maxsize=1)
def build_seed_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sentences, documents) in the pipeline's contract, from the seeds + gold labels."""
    gold = pd.read_csv(data_file("gold_seed_sentences.csv"), keep_default_na=False)
    manifest = pd.read_csv(CORPUS / "manifest.csv", keep_default_na=False).set_index("file")
    gaz = pd.read_csv(data_file("gazetteer_provinces.csv")).set_index("province")
    docs, rows = [], []
    for file, grp in gold.groupby("file", sort=True):
        raw = (CORPUS / file).read_bytes()
        doc_id = hashlib.sha256(raw).hexdigest()[:16]
        text = unicodedata.normalize("NFC", raw.decode("utf-8"))
        meta = manifest.loc[file]
        docs.append({"doc_id": doc_id, "file": file, "province": meta["province"],
                     "province_2025": gaz.loc[meta["province"], "province_2025"],
                     "date": meta["date"], "outlet": meta["outlet"], "title": meta["title"],
                     "duplicate_of": ""})
        cursor = 0
        for g in grp.sort_values("sentence_index").itertuples():
            sentence = unicodedata.normalize("NFC", g.sentence)
            start = text.index(sentence, cursor)
            cursor = start + len(sentence)
            rows.append({"doc_id": doc_id, "sentence_id": f"{doc_id}-s{g.sentence_index:04d}",
                         "sentence_index": g.sentence_index, "text": sentence, "start": start,
                         "end": cursor, "family": g.label, "subtheme": _subtheme(sentence),
                         "terms": _terms(sentence), "boilerplate": _boilerplate(g.note)})
    return pd.DataFrame(rows), pd.DataFrame(docs)


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed where the code page has the letter, else
    base letter + combining tone mark (this is what makes cp1258 files NFD-like)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tone = [c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tone))
            out += base.encode("cp1258") + "".join(tone).encode("cp1258")
    return bytes(out)
