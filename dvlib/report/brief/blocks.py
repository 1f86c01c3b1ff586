"""The blocks a brief is made of (headings, paragraphs, tables, figures, claims with quotes),
the fixed phrases per language, and the citation of a quote.

The brief, stage by stage: :mod:`~dvlib.report.brief.content` assembles a
:class:`~dvlib.report.brief.document.Brief` from the analysis tables; it renders itself with
:mod:`~dvlib.report.brief.markdown`, :mod:`~dvlib.report.brief.html` and
:mod:`~dvlib.report.brief.docx`; :func:`dvlib.report.brief.write_brief` writes all three.

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

from dataclasses import dataclass, field
from typing import Union

from dvlib.text.data import read_yaml

LABELS_FILE = "brief_labels.yaml"
LANGS = ("vi", "en")


def labels(lang: str = "vi") -> dict:
    """The fixed phrases of the brief in ``lang`` ("vi" or "en")."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return read_yaml(LABELS_FILE)[lang]


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
    marks: tuple[tuple[int, int], ...] = ()   # spans of ``text`` shown in bold (matched words)
    note: str = ""                            # shown after the quote (the claim's other aspects)
    short_cite: bool = False                  # cite province and id only (the brief's table of
                                              # reports gives outlet, date and file)

    @property
    def shown(self) -> str:
        return self.text + ("…" if self.truncated else "")

    def pieces(self) -> list[tuple[str, bool]]:
        """``shown`` as (text, marked) pieces, for renderers that bold the matched words."""
        out, at = [], 0
        for s, e in self.marks:
            if s >= len(self.text):
                break
            if s > at:
                out.append((self.text[at:s], False))
            out.append((self.text[s:min(e, len(self.text))], True))
            at = min(e, len(self.text))
        rest = self.text[at:] + ("…" if self.truncated else "")
        if rest:
            out.append((rest, False))
        return out


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




def citation(q: Quote, L: dict) -> str:
    """How a quote is cited: province, outlet, date, file, sentence (or claim) id; with
    ``short_cite`` province and id only."""
    if q.short_cite:
        return ", ".join([q.province, q.sentence_id])
    return ", ".join([q.province, q.outlet or L["unknown"], q.date or L["date_unknown"],
                      q.file, q.sentence_id])
