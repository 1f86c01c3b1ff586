"""The comparative brief: what provinces' reports share and what is theirs alone, with quotes.

``build_brief`` turns the analysis tables into a :class:`Brief` (sections of claims, each claim
followed by verbatim quotes cited with province, outlet, date, file and sentence id); the brief
renders itself as Markdown, as one self-contained HTML file and as DOCX. ``write_brief`` writes
all three atomically.

Headings and fixed phrases come from ``data/brief_labels.yaml`` (``lang="vi"`` or ``"en"``);
quotes are always the report's own Vietnamese, never translated, and are chosen
deterministically (highest ``family_score``, then ``sentence_id``; one per province first).

Report text is untrusted: every piece of it is escaped in HTML, neutralised in Markdown, and
written as plain runs in DOCX.
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence, Union

import pandas as pd
import yaml

from . import atomic
from .normalize import nfc
from .paths import data_file

LABELS_FILE = "brief_labels.yaml"
LANGS = ("vi", "en")
# The families compared claim by claim, in this order.
COMPARED_FAMILIES = ("limitation", "priority", "model")
PROFILE_FAMILIES = ("limitation", "priority", "model", "achievement", "other")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- labels

@lru_cache(maxsize=None)
def _all_labels() -> dict:
    with open(data_file(LABELS_FILE), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def labels(lang: str = "vi") -> dict:
    """The fixed phrases of the brief in ``lang`` ("vi" or "en")."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return _all_labels()[lang]


@lru_cache(maxsize=1)
def _codebook_labels() -> dict[str, dict[str, str]]:
    """code id -> {"vi": label, "en": label} from the shipped codebook, if there is one."""
    path = data_file("codebook.yaml")
    if not path.exists():
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
    except yaml.YAMLError:
        return {}
    entries = data.get("codes", []) if isinstance(data, dict) else data
    out = {}
    for e in entries or []:
        if isinstance(e, dict) and "id" in e:
            out[str(e["id"])] = {"vi": str(e.get("label_vi", "")), "en": str(e.get("label_en", ""))}
    return out


# --------------------------------------------------------------------------- content model

@dataclass(frozen=True)
class Quote:
    """A verbatim quote and where it comes from.

    ``text`` is what is shown: the sentence, or a prefix of it cut at a word boundary
    (``truncated``; the renderers then add "…"). Either way a verbatim substring of the report.
    """
    text: str
    full_text: str
    truncated: bool
    province: str
    outlet: str
    date: str
    file: str
    sentence_id: str
    doc_id: str
    family_score: float

    @property
    def shown(self) -> str:
        return self.text + ("…" if self.truncated else "")


@dataclass(frozen=True)
class Run:
    """A piece of inline text; ``em`` marks words taken from the reports (sub-theme labels)."""
    text: str
    em: bool = False


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @classmethod
    def plain(cls, text: str) -> "Paragraph":
        return cls((Run(text),))

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Bullets:
    items: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    name: str
    png: bytes
    caption: str


@dataclass(frozen=True)
class Claim:
    """One sentence of the brief ("Shared by A, B and C: label (n sentences).") + its quotes."""
    family: str
    kind: str               # shared | distinctive | report (no themes: one report's sentences)
    basis: str              # subtheme | code | report
    key: str                # the sub-theme id, the code id, or the province
    label: str
    provinces: tuple[str, ...]
    n_sentences: int
    sentence: Paragraph
    quotes: tuple[Quote, ...]


Block = Union[Heading, Paragraph, Bullets, Table, Figure, Claim]


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Brief:
    """The structured content of a brief; renders to Markdown, HTML and DOCX."""
    title: str
    lang: str
    generated: str
    provinces: list[str]
    front: list[Block]
    sections: list[Section]

    # -- access for notebooks and tests
    def blocks(self) -> Iterator[Block]:
        yield from self.front
        for s in self.sections:
            yield Heading(2, s.heading)
            yield from s.blocks

    def claims(self) -> list[Claim]:
        return [b for b in self.blocks() if isinstance(b, Claim)]

    def quotes(self) -> list[Quote]:
        return [q for c in self.claims() for q in c.quotes]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks() if isinstance(b, Figure)]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    # -- renderers
    def to_markdown(self, figures_dir: str | None = None) -> str:
        """Markdown; figures as ``figures_dir/<name>.png`` links, or data URIs if None."""
        return _render_markdown(self, figures_dir)

    def to_html(self) -> str:
        """One self-contained HTML file: inline CSS, figures as base64 data URIs."""
        return _render_html(self)

    def to_docx(self, path: str | Path) -> Path:
        """Write a DOCX (figures embedded) to ``path`` atomically."""
        return _render_docx(self, Path(path))


# --------------------------------------------------------------------------- helpers

def _blank(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str)


def _join(items: Sequence[str], L: dict) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return L["list_sep"].join(items[:-1]) + f" {L['and']} " + items[-1]


def _n_sentences(n: int, L: dict) -> str:
    return (L["sentence_one"] if n == 1 else L["sentence_other"]).format(n=n)


def _fmt_num(value) -> str:
    """Numbers as a reader expects them: 0.734, 12, or the value as given."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) >= 1 else f"{value:.3f}"
    return str(value)


def format_value(value, L: dict) -> str:
    """An indicator's value for reading: 136000000000.0 -> "136.000.000.000" (vi) or
    "136,000,000,000" (en); 12.5 -> "12,5" / "12.5". Anything not a number stays as given."""
    if value is None:
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x != x:  # NaN: no value
        return ""
    if x in (float("inf"), float("-inf")):
        return str(value)
    text = f"{x:,.0f}" if x.is_integer() else f"{x:,.6f}".rstrip("0")
    # Python writes 1,234.5; swap in the language's separators.
    return text.translate(str.maketrans({",": L["thousands_sep"], ".": L["decimal_sep"]}))


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def cut_quote(text: str, max_chars: int) -> tuple[str, bool]:
    """``(kept, truncated)``: ``text`` if short enough, else a prefix cut at a word boundary.

    The kept part is a verbatim prefix (trailing separators dropped); the caller adds "…".
    """
    if max_chars <= 0 or len(text) <= max_chars:
        return text, False
    cut = text[: max_chars + 1]
    at = max((cut.rfind(c) for c in (" ", "\u00a0", "\t")), default=-1)
    if at <= 0:  # one enormous word: cut it anyway rather than quote a wall of text
        at = max_chars
    kept = text[:at].rstrip(" \u00a0\t,;:–-")
    return (kept or text[:max_chars]), True


# --------------------------------------------------------------------------- building

def _prepare_documents(documents: pd.DataFrame) -> pd.DataFrame:
    docs = documents.copy()
    for col in ("doc_id", "file", "province", "province_2025", "date", "outlet", "title",
                "url", "duplicate_of"):
        docs[col] = _blank(docs[col]) if col in docs.columns else ""
    for col in ("province", "province_2025", "outlet", "title"):
        docs[col] = docs[col].map(nfc)
    docs["file_name"] = docs["file"].map(lambda f: Path(f).name if f else "")
    return docs


def _resolve_provinces(docs: pd.DataFrame, provinces: Iterable[str] | None) -> list[str]:
    known = list(dict.fromkeys(p for p in docs["province"] if p))
    if provinces is None:
        return known
    chosen = list(dict.fromkeys(nfc(str(p)) for p in provinces))
    missing = [p for p in chosen if p not in known]
    if missing:
        raise ValueError(f"no report for province(s) {missing}; known: {known}")
    if not chosen:
        raise ValueError("provinces is empty")
    return chosen


def _content(sentences: pd.DataFrame, docs: pd.DataFrame, provinces: list[str]) -> pd.DataFrame:
    """Sentences of the chosen provinces' original reports, with document metadata."""
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(provinces)]
    sents = sentences.copy()
    for col in ("family", "subtheme", "subtheme_label", "sentence_id", "text", "doc_id"):
        sents[col] = _blank(sents[col]) if col in sents.columns else ""
    if "boilerplate" in sents.columns:  # accept raw segment output too
        sents = sents[_blank(sents["boilerplate"]) == ""]
    if "family_score" not in sents.columns:
        sents["family_score"] = 0.0
    sents["family_score"] = pd.to_numeric(sents["family_score"], errors="coerce").fillna(0.0)
    meta = originals[["doc_id", "province", "province_2025", "date", "outlet", "file_name"]]
    sents = sents.drop(columns=[c for c in meta.columns if c != "doc_id" and c in sents.columns])
    out = sents.merge(meta, on="doc_id", how="inner")
    out["subtheme_label"] = out["subtheme_label"].where(out["subtheme_label"] != "", out["subtheme"])
    out["text"] = out["text"].map(nfc)
    return out.sort_values("sentence_id", kind="stable").reset_index(drop=True)


def _make_quote(row, max_chars: int) -> Quote:
    kept, truncated = cut_quote(row.text, max_chars)
    return Quote(text=kept, full_text=row.text, truncated=truncated, province=row.province,
                 outlet=row.outlet, date=row.date, file=row.file_name,
                 sentence_id=row.sentence_id, doc_id=row.doc_id,
                 family_score=float(row.family_score))


def choose_quotes(candidates: pd.DataFrame, provinces: Sequence[str], max_quotes: int,
                  used: set[str] | None = None) -> pd.DataFrame:
    """Deterministic choice: one per province first, then the best remaining ones.

    Rank = not yet quoted elsewhere in the section, then highest ``family_score``, then
    ``sentence_id``. Provinces take turns in the order of their best-ranked sentence.
    """
    used = used or set()
    ranked = candidates.assign(_used=candidates["sentence_id"].isin(used)).sort_values(
        ["_used", "family_score", "sentence_id"], ascending=[True, False, True], kind="stable")
    ranked = ranked[ranked["province"].isin(provinces)]
    first = ranked.drop_duplicates("province")
    rest = ranked.drop(index=first.index)
    picked = pd.concat([first, rest]).head(max_quotes)
    return picked.drop(columns="_used")


def _themes(fam: pd.DataFrame, coded: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """Long table (basis, key, label, sentence_id, province) of one family's themes."""
    parts = []
    sub = fam[fam["subtheme"] != ""]
    if not sub.empty:
        parts.append(pd.DataFrame({"basis": "subtheme", "key": sub["subtheme"],
                                   "label": sub["subtheme_label"],
                                   "sentence_id": sub["sentence_id"],
                                   "province": sub["province"]}))
    if coded is not None and not coded.empty:
        c = coded.copy()
        c["code"] = _blank(c["code"])
        label_col = "code_label" if "code_label" in c.columns else "code"
        c["label"] = _blank(c[label_col]).map(nfc)
        if lang == "en":  # the English label of the codebook, when the code is known there
            book = _codebook_labels()
            c["label"] = [book.get(k, {}).get("en") or lab for k, lab in zip(c["code"], c["label"])]
        c["label"] = c["label"].where(c["label"] != "", c["code"])
        c = c.merge(fam[["sentence_id", "province"]], on="sentence_id", how="inner")
        c = c.drop_duplicates(["code", "sentence_id"])
        if not c.empty:
            parts.append(pd.DataFrame({"basis": "code", "key": c["code"], "label": c["label"],
                                       "sentence_id": c["sentence_id"],
                                       "province": c["province"]}))
    if not parts:
        return pd.DataFrame(columns=["basis", "key", "label", "sentence_id", "province"])
    return pd.concat(parts, ignore_index=True)


def _family_section(family: str, content: pd.DataFrame, coded: pd.DataFrame | None,
                    provinces: list[str], L: dict, lang: str, max_quotes: int,
                    min_shared: int, max_quote_chars: int,
                    max_quotes_distinctive: int) -> tuple[Section, dict]:
    fam_name = L["families"][family]
    sec = Section(key=family, heading=L["family_headings"][family])
    fam = content[content["family"] == family]
    summary = {"shared": [], "shared_codes": [], "n_distinct": 0, "empty": False,
               "threshold": max(2, min(min_shared, len(provinces)))}
    order = {p: i for i, p in enumerate(provinces)}

    counts = fam.groupby("province").size()
    present = [f"{p} {int(counts[p])}" for p in provinces if p in counts.index]
    absent = [p for p in provinces if p not in counts.index]
    if fam.empty:
        summary["empty"] = True
        sec.blocks.append(Paragraph.plain(L["family_empty"].format(family=fam_name)))
        return sec, summary
    listing = L["list_sep"].join(present)
    if absent:
        listing += "; " + L["family_counts_absent"].format(provinces=_join(absent, L))
    sec.blocks.append(Paragraph.plain(L["family_counts"].format(family=fam_name, counts=listing)))

    themes = _themes(fam, coded, lang)
    by_theme = []
    for (basis, key), grp in themes.groupby(["basis", "key"], sort=False):
        provs = sorted(set(grp["province"]), key=order.__getitem__)
        by_theme.append({"basis": basis, "key": key, "label": grp["label"].iloc[0],
                         "provinces": tuple(provs), "ids": set(grp["sentence_id"]),
                         "n": grp["sentence_id"].nunique()})
    # Sub-themes before codes; most widely shared, then most sentences, then label.
    basis_rank = {"subtheme": 0, "code": 1}
    by_theme.sort(key=lambda t: (basis_rank[t["basis"]], -len(t["provinces"]), -t["n"],
                                 t["label"], t["key"]))
    used: set[str] = set()

    def claim(t, kind) -> Claim:
        cand = fam[fam["sentence_id"].isin(t["ids"])]
        n_quotes = max_quotes if kind == "shared" else min(max_quotes, max_quotes_distinctive)
        picked = choose_quotes(cand, t["provinces"], n_quotes, used)
        used.update(picked["sentence_id"])
        quotes = tuple(_make_quote(r, max_quote_chars) for r in picked.itertuples(index=False))
        n_txt = _n_sentences(t["n"], L)
        code = t["basis"] == "code"
        if kind == "report":
            text = L["report_claim"].format(province=t["provinces"][0], n_sentences=n_txt)
            return Claim(family=family, kind=kind, basis=t["basis"], key=t["key"], label="",
                         provinces=t["provinces"], n_sentences=t["n"],
                         sentence=Paragraph.plain(text), quotes=quotes)
        if kind == "shared":
            tpl = L["shared_code_claim" if code else "shared_claim"]
            head, _, tail = tpl.partition("{label}")
            fill = dict(provinces=_join(t["provinces"], L), n_sentences=n_txt)
        else:
            tpl = L["distinct_code_claim" if code else "distinct_claim"]
            head, _, tail = tpl.partition("{label}")
            fill = dict(province=t["provinces"][0], n_sentences=n_txt)
        # The label is the reports' words (sub-themes) or the codebook's: set it apart.
        sentence = Paragraph((Run(head.format(**fill)), Run(t["label"], em=not code),
                              Run(tail.format(**fill))))
        return Claim(family=family, kind=kind, basis=t["basis"], key=t["key"], label=t["label"],
                     provinces=t["provinces"], n_sentences=t["n"], sentence=sentence,
                     quotes=quotes)

    # Comparing fewer provinces than min_shared (say two), "shared" means found in all of them:
    # the brief says so rather than reporting nothing shared by construction.
    k = len(provinces)
    threshold = max(2, min(min_shared, k))
    if themes.empty:
        # No sub-themes (the clustering stage was not run): nothing to compare theme by
        # theme, so show what each report says, its strongest sentences first.
        sec.blocks.append(Paragraph.plain(L["no_themes"]))
        summary["no_themes"] = True
        for prov in provinces:
            ids = set(fam.loc[fam["province"] == prov, "sentence_id"])
            if ids:
                t = {"basis": "report", "key": prov, "label": "", "provinces": (prov,),
                     "ids": ids, "n": len(ids)}
                sec.blocks.append(claim(t, "report"))
        return sec, summary
    shared = [t for t in by_theme if len(t["provinces"]) >= threshold] if k > 1 else []
    distinct = [t for t in by_theme if len(t["provinces"]) == 1]
    partial = [t for t in by_theme if 1 < len(t["provinces"]) < threshold]

    if k > 1:
        sec.blocks.append(Heading(3, L["shared_heading"].format(min=threshold)))
    if 1 < k < min_shared:
        sec.blocks.append(Paragraph.plain(L["too_few_provinces"].format(k=k, min=min_shared)))
    if k > 1 and not shared:
        sec.blocks.append(Paragraph.plain(L["none_shared"].format(
            family=fam_name, min=threshold, k=k)))
    for t in shared:
        sec.blocks.append(claim(t, "shared"))
        summary["shared" if t["basis"] == "subtheme" else "shared_codes"].append(t["label"])
    if partial:
        items = [f"{t['label']} ({_join(t['provinces'], L)})" for t in partial]
        sec.blocks.append(Paragraph.plain(L["partial"].format(min=threshold,
                                                              items="; ".join(items))))

    sec.blocks.append(Heading(3, L["distinct_heading"]))
    if not distinct:
        sec.blocks.append(Paragraph.plain(L["none_distinct"]))
    distinct.sort(key=lambda t: (order[t["provinces"][0]], basis_rank[t["basis"]], -t["n"],
                                 t["label"], t["key"]))
    for t in distinct:
        sec.blocks.append(claim(t, "distinctive"))
    summary["n_distinct"] = sum(1 for t in distinct if t["basis"] == "subtheme")
    return sec, summary


def _reports_section(docs: pd.DataFrame, provinces: list[str], L: dict) -> tuple[Section, int, int]:
    sec = Section(key="reports", heading=L["reports_heading"])
    chosen = set(provinces)
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(chosen)]
    orig_ids = set(originals["doc_id"])
    dups = docs[(docs["duplicate_of"] != "")
                & (docs["province"].isin(chosen) | docs["duplicate_of"].isin(orig_ids))]
    file_of = dict(zip(docs["doc_id"], docs["file_name"]))
    order = {p: i for i, p in enumerate(provinces)}
    listed = pd.concat([originals, dups])
    listed = listed.assign(_o=listed["province"].map(lambda p: order.get(p, len(order))),
                           _d=(listed["duplicate_of"] != ""))
    listed = listed.sort_values(["_o", "_d", "date", "file_name"], kind="stable")
    rows = []
    for r in listed.itertuples(index=False):
        note = (L["duplicate_note"].format(file=file_of.get(r.duplicate_of, r.duplicate_of))
                if r.duplicate_of else "")
        rows.append((r.province or L["unknown"], r.province_2025 or L["unknown"],
                     r.date or L["date_unknown"], r.outlet or L["unknown"],
                     r.title or L["no_title"], r.file_name, r.doc_id, note))
    intro = L["reports_intro"].format(n_reports=len(originals), k=len(provinces))
    if len(dups):
        intro += " " + L["reports_duplicates"].format(n_dup=len(dups))
    sec.blocks.append(Paragraph.plain(intro))
    # The document id is the prefix of every sentence id cited in the brief.
    header = (L["col_province"], L["col_province_2025"], L["col_date"], L["col_outlet"],
              L["col_title"], L["col_file"], L["col_doc_id"], L["col_note"])
    if not len(dups):  # no note column when nothing needs one
        header, rows = header[:-1], [r[:-1] for r in rows]
    sec.blocks.append(Table(header, tuple(rows)))
    per_prov = originals.groupby("province").size()
    return sec, len(originals), (int(per_prov.min()), int(per_prov.max()))


def _load_png(name: str, path) -> bytes:
    data = Path(path).read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(f"figure {name!r} ({path}) is not a PNG file")
    return data


def _figure_caption(name: str, L: dict) -> str:
    return L["figure_caption"].format(name=name.replace("_", " "))


def _profile_section(figures: Mapping[str, bytes], profile: pd.DataFrame | None,
                     provinces: list[str], L: dict) -> Section:
    sec = Section(key="profile", heading=L["profile_heading"])
    if "family_profile" in figures:
        sec.blocks.append(Figure("family_profile", figures["family_profile"],
                                 L["profile_caption"]))
        sec.blocks.append(Paragraph.plain(L["profile_read"]))
    else:
        sec.blocks.append(Paragraph.plain(L["profile_missing"]))
    if profile is not None and not profile.empty:
        p = profile.copy()
        by = "family" if "family" in p.columns else [c for c in p.columns if c not in (
            "province", "count", "n", "share", "ci_low", "ci_high")][0]
        p["province"] = _blank(p["province"]).map(nfc)
        p = p[p["province"].isin(provinces)]
        fams = [f for f in PROFILE_FAMILIES if f in set(p[by])]
        fams += sorted(set(p[by]) - set(fams))
        if fams:
            sec.blocks.append(Paragraph.plain(L["profile_table_read"]))
            cell = {}
            for r in p.itertuples(index=False):
                low, high = getattr(r, "ci_low", float("nan")), getattr(r, "ci_high", float("nan"))
                txt = _pct(r.share)
                if pd.notna(low) and pd.notna(high):
                    txt += f" ({_pct(low)}–{_pct(high)})"
                cell[(r.province, getattr(r, by))] = txt
            header = (L["col_province"],) + tuple(L["families"].get(f, f) for f in fams)
            rows = tuple((prov,) + tuple(cell.get((prov, f), "") for f in fams)
                         for prov in provinces if any((prov, f) in cell for f in fams))
            sec.blocks.append(Table(header, rows))
    others = [n for n in figures if n != "family_profile"]
    if others:
        sec.blocks.append(Heading(3, L["more_figures_heading"]))
        for name in others:
            sec.blocks.append(Figure(name, figures[name], _figure_caption(name, L)))
    return sec


def _entities_section(entities: pd.DataFrame | None, docs: pd.DataFrame, provinces: list[str],
                      L: dict, max_rows: int) -> Section:
    sec = Section(key="entities", heading=L["entities_heading"])
    sec.blocks.append(Paragraph.plain(L["entities_intro"]))
    originals = docs[(docs["duplicate_of"] == "") & docs["province"].isin(provinces)]
    ents = entities.copy() if entities is not None else pd.DataFrame()
    for col in ("doc_id", "sentence_id", "kind", "text", "normalised", "value", "unit"):
        ents[col] = _blank(ents[col]) if col in ents.columns else ""
    ents = ents.merge(originals[["doc_id", "province"]], on="doc_id", how="inner")
    ents["text"] = ents["text"].map(nfc)
    ents["_key"] = ents["normalised"].where(ents["normalised"] != "", ents["text"].str.lower())
    order = {p: i for i, p in enumerate(provinces)}
    ents = ents.assign(_o=ents["province"].map(order)).sort_values(
        ["_o", "sentence_id", "text"], kind="stable")

    def table(kind: str, heading: str, header, row_of) -> None:
        sec.blocks.append(Heading(3, heading))
        sub = ents[ents["kind"] == kind].drop_duplicates(["province", "_key"])
        if sub.empty:
            sec.blocks.append(Paragraph.plain(L["none_extracted"]))
            return
        rows, more = [], []
        for prov, grp in sub.groupby("_o", sort=True):
            rows.extend(row_of(r) for r in grp.head(max_rows).itertuples(index=False))
            if len(grp) > max_rows:
                more.append(L["more_rows"].format(n=len(grp) - max_rows,
                                                  province=grp["province"].iloc[0]))
        sec.blocks.append(Table(tuple(header), tuple(rows)))
        for line in more:
            sec.blocks.append(Paragraph.plain(line))

    table("named_model", L["models_heading"],
          (L["col_province"], L["col_name"], L["col_sentence"]),
          lambda r: (r.province, r.text, r.sentence_id))
    table("document_code", L["codes_heading"],
          (L["col_province"], L["col_code"], L["col_sentence"]),
          lambda r: (r.province, r.text, r.sentence_id))
    table("indicator", L["indicators_heading"],
          (L["col_province"], L["col_value"], L["col_unit"], L["col_passage"], L["col_sentence"]),
          lambda r: (r.province, format_value(r.value, L), r.unit, r.text, r.sentence_id))
    return sec


def _methods_section(methods: Mapping | None, L: dict, k: int, n_reports: int,
                     per_province: tuple[int, int], has_codes: bool) -> Section:
    m = dict(methods or {})
    sec = Section(key="methods", heading=L["methods_heading"])
    sec.blocks.append(Paragraph.plain(L["methods_intro"]))
    given = L["not_given"]

    def val(key):
        v = m.get(key)
        return _fmt_num(v) if v not in (None, "") else given

    family_f1 = m.get("classifier_per_family_f1") or {}
    f1_txt = " · ".join(f"{L['families'].get(f, f)} {_fmt_num(v)}"
                        for f, v in family_f1.items()) or given
    params = m.get("parameters") or {}
    params_txt = "; ".join(f"{key} = {_fmt_num(v)}" for key, v in params.items()) or given
    rows = [
        (L["m_dvlib"], val("dvlib_version")),
        (L["m_underthesea"], val("underthesea_version")),
        (L["m_sklearn"], val("sklearn_version")),
        (L["m_seed"], val("random_seed")),
        (L["m_corpus_hash"], val("corpus_hash")),
        (L["m_reports"], val("n_reports") if m.get("n_reports") not in (None, "")
         else str(n_reports)),
        (L["m_macro_f1"], val("classifier_macro_f1")),
        (L["m_family_f1"], f1_txt),
        (L["m_parameters"], params_txt),
    ]
    sec.blocks.append(Table((L["col_item"], L["col_value_plain"]), tuple(rows)))

    sec.blocks.append(Heading(3, L["limits_heading"]))
    a, b = per_province
    per = (L["per_province_one"] if a == b == 1
           else L["per_province_range"].format(a=a, b=b))
    f1 = m.get("classifier_macro_f1")
    limits = [
        L["limit_thin"].format(k=k, n_reports=n_reports, per_province=per),
        L["limit_machine"].format(f1=_fmt_num(f1) if f1 not in (None, "") else L["f1_unmeasured"]),
        L["limit_subthemes"],
    ]
    if has_codes:
        limits.append(L["limit_codes"])
    limits += [L["limit_provinces"], L["limit_furniture"]]
    sec.blocks.append(Bullets(tuple(Paragraph.plain(x) for x in limits)))
    return sec


def build_brief(documents: pd.DataFrame, sentences: pd.DataFrame,
                entities: pd.DataFrame | None, *, coded: pd.DataFrame | None = None,
                profile: pd.DataFrame | None = None,
                figures: Mapping[str, str | Path] | None = None,
                methods: Mapping | None = None, provinces: Sequence[str] | None = None,
                lang: str = "vi", max_quotes: int = 3, min_shared: int = 3,
                max_quotes_distinctive: int = 2, max_quote_chars: int = 320,
                max_entity_rows: int = 15,
                generated: str | _date | None = None, title: str | None = None) -> Brief:
    """The comparative brief of ``provinces`` (default: every province, in documents' order).

    A theme (sub-theme, or codebook code if ``coded`` is given) is *shared* when its sentences
    come from ``min_shared`` or more provinces (from all of them when fewer are compared) and
    *distinctive* when from one only. A shared claim carries up to ``max_quotes`` verbatim
    quotes, a distinctive one up to ``max_quotes_distinctive`` (one province: fewer suffice);
    quotes longer than ``max_quote_chars`` are cut at a word boundary. Entity tables show at
    most ``max_entity_rows`` rows per province and kind. Republished copies
    (``duplicate_of``) are listed but never counted or quoted. ``generated`` (default today)
    dates the brief.
    """
    if max_quotes < 1:
        raise ValueError("max_quotes must be at least 1")
    if min_shared < 2:
        raise ValueError("min_shared must be at least 2")
    L = labels(lang)
    docs = _prepare_documents(documents)
    chosen = _resolve_provinces(docs, provinces)
    content = _content(sentences, docs, chosen)
    figs = {str(name): _load_png(str(name), path) for name, path in (figures or {}).items()}
    if isinstance(generated, _date):
        generated = generated.isoformat()
    generated = generated or _date.today().isoformat()
    title = title or L["title"]

    reports, n_reports, per_province = _reports_section(docs, chosen, L)
    family_secs, summaries = [], {}
    for fam in COMPARED_FAMILIES:
        sec, summaries[fam] = _family_section(fam, content, coded, chosen, L, lang, max_quotes,
                                              min_shared, max_quote_chars,
                                              max_quotes_distinctive)
        family_secs.append(sec)

    glance = []
    for fam in COMPARED_FAMILIES:
        s = summaries[fam]
        name = L["family_headings"][fam]
        if s["empty"]:
            line = f"{name}: " + L["family_empty"].format(family=L["families"][fam])
        elif s.get("no_themes"):
            line = f"{name}: " + L["glance_no_themes"]
        elif s["shared"] or s["shared_codes"]:
            items = "; ".join(s["shared"])
            if s["shared_codes"]:
                codes = L["glance_codes"].format(items="; ".join(s["shared_codes"]))
                items = f"{items} ({codes})" if items else codes
            line = L["glance_shared"].format(family=name, min=s["threshold"], items=items)
        elif len(chosen) > 1:
            line = L["glance_none_shared"].format(family=name, min=s["threshold"])
        else:
            line = name + "."
        if s["n_distinct"]:
            key = "glance_distinct_one" if s["n_distinct"] == 1 else "glance_distinct"
            line += " " + L[key].format(n=s["n_distinct"])
        glance.append(Paragraph.plain(line))

    front: list[Block] = [
        Paragraph.plain(L["generated"].format(date=generated)),
        Paragraph.plain(L["provinces_compared"].format(provinces=_join(chosen, L))),
        Paragraph.plain(L["intro"].format(k=len(chosen))),
        Heading(2, L["glance_heading"]),
        Bullets(tuple(glance)),
    ]
    sections = [reports, _profile_section(figs, profile, chosen, L), *family_secs,
                _entities_section(entities, docs, chosen, L, max_entity_rows),
                _methods_section(methods, L, len(chosen), n_reports, per_province,
                                 coded is not None and not coded.empty)]
    return Brief(title=title, lang=lang, generated=generated, provinces=chosen, front=front,
                 sections=sections)


# --------------------------------------------------------------------------- citation

def _citation(q: Quote, L: dict) -> str:
    return ", ".join([q.province, q.outlet or L["unknown"], q.date or L["date_unknown"],
                      q.file, q.sentence_id])


# --------------------------------------------------------------------------- Markdown

# Characters a Markdown renderer may read as markup; a backslash makes each literal.
# "_" between two letters/digits (file names, ids) cannot open or close emphasis in CommonMark,
# so it stays as is; every other "_" is escaped.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#|~&!]|(?<![^\W_])_|_(?![^\W_]))")


def md_escape(text: str) -> str:
    """Report text made inert for Markdown: no HTML, links, emphasis, code or headings."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _md_runs(p: Paragraph) -> str:
    return "".join(f"*{md_escape(r.text)}*" if r.em and r.text.strip() else md_escape(r.text)
                   for r in p.runs)


def _md_table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(md_escape(h) for h in t.header) + " |",
             "|" + "|".join("---" for _ in t.header) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in t.rows]
    return lines + [""]


def _render_markdown(brief: Brief, figures_dir: str | None) -> str:
    L = labels(brief.lang)
    out = [f"# {md_escape(brief.title)}", ""]
    for block in brief.blocks():
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {md_escape(block.text)}", ""]
        elif isinstance(block, Paragraph):
            out += [_md_runs(block), ""]
        elif isinstance(block, Bullets):
            out += [f"- {_md_runs(p)}" for p in block.items] + [""]
        elif isinstance(block, Table):
            out += _md_table(block)
        elif isinstance(block, Figure):
            src = (f"{figures_dir.rstrip('/')}/{block.name}.png" if figures_dir
                   else "data:image/png;base64," + base64.b64encode(block.png).decode("ascii"))
            out += [f"![{md_escape(block.caption)}]({src})", ""]
        elif isinstance(block, Claim):
            out += [_md_runs(block.sentence), ""]
            for q in block.quotes:
                out += [f"> “{md_escape(q.shown)}” — {md_escape(_citation(q, L))}", ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:"Noto Serif","Times New Roman",Georgia,serif;max-width:52rem;margin:2rem auto;
padding:0 1.2rem;color:#1d1d1d;line-height:1.55;font-size:16px}
h1{font-size:1.7rem;line-height:1.25;margin-bottom:.4rem}
h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h3{font-size:1.08rem;margin-top:1.5rem;color:#333}
.meta{color:#555;margin:.1rem 0}
p.claim{font-weight:600;margin:1.2rem 0 .4rem}
p.claim em{font-weight:600;font-style:italic;color:#7a2e0e}
blockquote{margin:.35rem 0 .6rem 0;padding:.3rem .9rem;border-left:3px solid #b8860b;
background:#faf7f0}
blockquote p{margin:0}
blockquote footer{font-size:.82rem;color:#555;margin-top:.15rem;font-family:Arial,sans-serif}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.6rem 0 1rem;
font-family:Arial,sans-serif}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
ul li{margin:.25rem 0}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_runs(p: Paragraph) -> str:
    return "".join(f'<em lang="vi">{_h(r.text)}</em>' if r.em else _h(r.text) for r in p.runs)


def _render_html(brief: Brief) -> str:
    L = labels(brief.lang)
    parts = ["<!DOCTYPE html>", f'<html lang="{_h(brief.lang)}">', "<head>",
             '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_h(brief.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             f"<h1>{_h(brief.title)}</h1>"]
    meta_left = 2  # the first two paragraphs are the date and the provinces
    for block in brief.blocks():
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{_h(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            cls = ' class="meta"' if meta_left > 0 else ""
            meta_left -= 1
            parts.append(f"<p{cls}>{_html_runs(block)}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{_html_runs(p)}</li>" for p in block.items)
                         + "</ul>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{_h(c)}</th>" for c in block.header)
            body = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>"
                           for row in block.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{_h(block.caption)}">'
                         f"<figcaption>{_h(block.caption)}</figcaption></figure>")
        elif isinstance(block, Claim):
            parts.append(f'<p class="claim">{_html_runs(block.sentence)}</p>')
            for q in block.quotes:
                parts.append(
                    f'<blockquote lang="vi"><p>“<span class="quote-text">{_h(q.shown)}</span>”</p>'
                    f'<footer>— <cite>{_h(_citation(q, L))}</cite></footer></blockquote>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- DOCX

def _render_docx(brief: Brief, path: Path) -> Path:
    from docx import Document
    from docx.shared import Pt, RGBColor, Cm

    L = labels(brief.lang)
    doc = Document()
    doc.core_properties.title = brief.title
    doc.core_properties.language = brief.lang
    doc.add_heading(brief.title, level=0)

    def runs(par, p: Paragraph, bold=False):
        for r in p.runs:
            run = par.add_run(r.text)  # plain runs: report text is never interpreted
            run.italic = r.em or None
            run.bold = bold or None

    for block in brief.blocks():
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=min(block.level - 1, 9))
        elif isinstance(block, Paragraph):
            runs(doc.add_paragraph(), block)
        elif isinstance(block, Bullets):
            for p in block.items:
                runs(doc.add_paragraph(style="List Bullet"), p)
        elif isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        for run in par.runs:
                            run.font.size = Pt(9)
            doc.add_paragraph()
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.png), width=Cm(15.5))
            cap = doc.add_paragraph(style="Caption")
            cap.add_run(block.caption)
        elif isinstance(block, Claim):
            runs(doc.add_paragraph(), block.sentence, bold=True)
            for q in block.quotes:
                par = doc.add_paragraph(style="Quote")
                par.add_run(f"“{q.shown}”")
                par.add_run().add_break()
                cite = par.add_run(f"— {_citation(q, L)}")
                cite.italic = False
                cite.font.size = Pt(8.5)
                cite.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    with atomic.atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


# --------------------------------------------------------------------------- writing

def write_brief(brief: Brief, out_dir: str | Path, stem: str = "brief") -> dict[str, Path]:
    """Write ``<stem>.md`` (+ its figures beside it), ``<stem>.html``, ``<stem>.docx``.

    Every file is written atomically. Returns {"md": ..., "html": ..., "docx": ...} and, for
    each figure, {"figure:<name>": path}.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    fig_dir = f"{stem}_figures"
    for fig in brief.figures():
        written[f"figure:{fig.name}"] = atomic.write_bytes(out / fig_dir / f"{fig.name}.png",
                                                           fig.png)
    written["md"] = atomic.write_text(out / f"{stem}.md", brief.to_markdown(figures_dir=fig_dir))
    written["html"] = atomic.write_text(out / f"{stem}.html", brief.to_html())
    written["docx"] = brief.to_docx(out / f"{stem}.docx")
    return written
