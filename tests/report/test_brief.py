"""The comparative brief, built from the seed corpus and its gold labels.

Fixtures follow the table contract of dvlib.brief: documents from corpus/manifest.csv (doc_id =
first 16 hex of sha256 of the file bytes), content sentences from the gold file (label ->
family, site furniture left out, a crude keyword sub-theme), a few hand-made entities whose
text is located in their sentence.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from dvlib.report import brief as B
from dvlib.text.normalize import match_form, nfc
from dvlib.config import data_file

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FURNITURE = re.compile(r"trailer|counter|widget|navigation", re.I)
# Crude sub-themes for the fixture: the first keyword found names the sub-theme.
KEYWORDS = [("tuyên truyền", "tuyên truyền"), ("phối hợp", "phối hợp"),
            ("giám sát", "giám sát · phản biện"), ("tình hình", "nắm tình hình"),
            ("dân vận khéo", "dân vận khéo")]
METHODS = {
    "dvlib_version": "0.1.0", "underthesea_version": "9.5.0", "sklearn_version": "1.9.1",
    "parameters": {"k_max": 8, "min_cluster_size": 3}, "random_seed": 20240611,
    "corpus_hash": "5e1f0c9ab2d34e77", "classifier_macro_f1": 0.734,
    "classifier_per_family_f1": {"limitation": 0.612, "priority": 0.857, "model": 0.4,
                                 "achievement": 0.781, "other": 0.905},
    "n_reports": 5,
}


# --------------------------------------------------------------------------- fixtures

def _corpus_text(file_name: str) -> str:
    return nfc((CORPUS / file_name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def documents() -> pd.DataFrame:
    man = pd.read_csv(CORPUS / "manifest.csv", dtype=str, keep_default_na=False)
    gaz = pd.read_csv(data_file("gazetteer_provinces.csv"), dtype=str, keep_default_na=False)
    merged = dict(zip(gaz["province"], gaz["province_2025"]))
    return pd.DataFrame({
        "doc_id": [hashlib.sha256((CORPUS / f).read_bytes()).hexdigest()[:16] for f in man["file"]],
        "file": ["corpus/" + f for f in man["file"]],
        "province": man["province"], "province_2025": man["province"].map(merged),
        "date": man["date"], "date_precision": man["date_precision"], "outlet": man["outlet"],
        "title": man["title"], "url": "", "duplicate_of": "",
    })


@pytest.fixture(scope="module")
def sentences(documents) -> pd.DataFrame:
    gold = pd.read_csv(data_file("gold_seed_sentences.csv"), dtype=str, keep_default_na=False)
    gold = gold[~gold["note"].str.contains(FURNITURE)]
    doc_of = dict(zip(documents["file"].str.removeprefix("corpus/"), documents["doc_id"]))
    rows = []
    for r in gold.itertuples(index=False):
        doc_id, family, form = doc_of[r.file], r.label, match_form(r.sentence)
        subtheme = label = ""
        if family != "other":
            for i, (kw, lab) in enumerate(KEYWORDS):
                if kw in form:
                    subtheme, label = f"{family}-{i}", lab
                    break
        rows.append({"doc_id": doc_id, "sentence_id": f"{doc_id}-s{int(r.sentence_index):04d}",
                     "sentence_index": int(r.sentence_index), "text": nfc(r.sentence),
                     "family": family, "subtheme": subtheme, "subtheme_label": label,
                     # a stable pseudo score in [0.5, 1)
                     "family_score": 0.5 + (zlib.crc32(r.sentence.encode()) % 500) / 1000})
    return pd.DataFrame(rows)


def _entity(sentences, province_doc, index, kind, text, normalised="", value="", unit=""):
    sid = f"{province_doc}-s{index:04d}"
    sentence = sentences.loc[sentences["sentence_id"] == sid, "text"].iloc[0]
    assert text in sentence, (text, sid)  # hand-made entities are verbatim too
    return {"doc_id": province_doc, "sentence_id": sid, "kind": kind, "text": text,
            "normalised": normalised or match_form(text), "value": value, "unit": unit,
            "detail": ""}


@pytest.fixture(scope="module")
def entities(documents, sentences) -> pd.DataFrame:
    doc = dict(zip(documents["province"], documents["doc_id"]))
    bg, na, bp, tq = doc["Bắc Giang"], doc["Nghệ An"], doc["Bình Phước"], doc["Tuyên Quang"]
    return pd.DataFrame([
        _entity(sentences, bg, 6, "named_model", "Nhà trọ công nhân an toàn, văn minh"),
        _entity(sentences, bg, 28, "named_model", "Dân vận khéo"),
        _entity(sentences, bp, 27, "named_model", "Dân vận khéo"),
        _entity(sentences, na, 6, "named_model", "Đường thông, hè thoáng, xóm làng, khối phố văn minh"),
        _entity(sentences, bg, 30, "document_code", "19-ĐA/TU"),
        _entity(sentences, bp, 34, "document_code", "93-KH/TU"),
        _entity(sentences, bp, 53, "document_code", "93-KH/TU"),  # same code, once in the table
        _entity(sentences, bp, 53, "document_code", "17-CTr/TU"),
        _entity(sentences, na, 8, "indicator", "hơn 136 tỷ đồng", value="136", unit="tỷ đồng"),
        _entity(sentences, tq, 12, "indicator", "100% Chủ tịch MTTQ Việt Nam cấp huyện",
                value="100", unit="%"),
    ])


@pytest.fixture(scope="module")
def png_file(tmp_path_factory) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(3, 2), dpi=50)
    ax.barh(["Bắc Giang", "Điện Biên"], [0.2, 0.3])
    path = tmp_path_factory.mktemp("fig") / "family_profile.png"
    fig.savefig(path)
    plt.close(fig)
    return path


@pytest.fixture(scope="module")
def brief_vi(documents, sentences, entities):
    return B.build_brief(documents, sentences, entities, methods=METHODS, lang="vi",
                         generated="2024-06-01")


@pytest.fixture(scope="module")
def docx_text_of(tmp_path_factory):
    def read(brief) -> tuple[str, Document]:
        path = B.Brief.to_docx(brief, tmp_path_factory.mktemp("docx") / "b.docx")
        doc = Document(str(path))
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join(parts), doc
    return read


# --------------------------------------------------------------------------- extraction

class _Html(HTMLParser):
    """Tags, attributes, visible text and (quote, citation) pairs of an HTML brief."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.quotes = [], [], [], []
        self._in_quote = self._in_cite = False
        self._buf = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)
        if tag == "span" and ("class", "quote-text") in attrs:
            self._in_quote, self._buf = True, ""
        if tag == "cite":
            self._in_cite = True

    def handle_endtag(self, tag):
        if tag == "span" and self._in_quote:
            self._in_quote = False
            self.quotes.append([self._buf, ""])
        if tag == "cite":
            self._in_cite = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_quote:
            self._buf += data
        if self._in_cite:
            self.quotes[-1][1] += data


def parse_html(text: str) -> _Html:
    p = _Html()
    p.feed(text)
    p.close()
    return p


def md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def md_quotes(md: str) -> list[tuple[str, str]]:
    out = []
    for line in md.splitlines():
        m = re.match(r"^> “(.*)” — (.*)$", line)
        if m:
            out.append((md_unescape(m.group(1)), md_unescape(m.group(2))))
    return out


def docx_quotes(doc) -> list[tuple[str, str]]:
    out = []
    for p in doc.paragraphs:
        if p.style.name == "Quote":
            m = re.match(r"^“(.*)”\n— (.*)$", p.text, re.S)
            assert m, p.text
            out.append((m.group(1), m.group(2)))
    return out


def assert_verbatim(quote: str, citation: str) -> None:
    """The quote (without a final "…" added by a cut) is in the cited report's text."""
    file_name = [part for part in citation.split(", ") if part.endswith(".txt")][0]
    source = _corpus_text(file_name)
    assert quote in source or (quote.endswith("…") and quote[:-1] in source), (quote, file_name)


# --------------------------------------------------------------------------- tests

def test_every_quote_is_verbatim_in_all_three_formats(brief_vi, docx_text_of):
    quotes = brief_vi.quotes()
    assert len(quotes) >= 10
    for q in quotes:
        assert q.text in _corpus_text(q.file)
        assert q.full_text.startswith(q.text)
    shown = sorted(q.shown for q in quotes)

    md = md_quotes(brief_vi.to_markdown())
    html_quotes = parse_html(brief_vi.to_html()).quotes
    _, doc = docx_text_of(brief_vi)
    dq = docx_quotes(doc)
    for found in (md, html_quotes, dq):
        assert sorted(q for q, _ in found) == shown
        for quote, citation in found:
            assert_verbatim(quote, citation)


def test_citations_name_province_outlet_date_file_and_sentence(brief_vi, documents):
    docs = documents.set_index("doc_id")
    for q in brief_vi.quotes():
        d = docs.loc[q.doc_id]
        assert (q.province, q.outlet, q.date) == (d["province"], d["outlet"], d["date"])
        assert q.file == Path(d["file"]).name and q.sentence_id.startswith(q.doc_id + "-s")
    md = brief_vi.to_markdown()
    cited = md_quotes(md)
    assert cited
    outlets = set(documents["outlet"])
    for _, citation in cited:
        head, date, file_name, sid = citation.rsplit(", ", 3)
        province, outlet = head.split(", ", 1)
        assert province in set(documents["province"]) and outlet in outlets
        assert file_name.endswith(".txt") and re.fullmatch(r"[0-9a-f]{16}-s\d{4}", sid)
        assert date  # never an empty field


def test_undated_report_is_cited_as_undated(documents, sentences, entities):
    b = B.build_brief(documents, sentences, entities, provinces=["Tuyên Quang"], generated="x")
    cited = md_quotes(b.to_markdown())
    assert cited  # one province: all its themes are its own, and quoted
    undated = B.labels("vi")["date_unknown"]
    assert all(c.startswith("Tuyên Quang, ") and f", {undated}, " in c for _, c in cited)


def test_all_provinces_appear_and_reports_table_lists_them(brief_vi, documents, docx_text_of):
    md, html_text = brief_vi.to_markdown(), " ".join(parse_html(brief_vi.to_html()).text)
    docx_text, _ = docx_text_of(brief_vi)
    table = next(b for b in brief_vi.section("reports").blocks if isinstance(b, B.Table))
    assert [row[0] for row in table.rows] == list(documents["province"])
    assert [row[5] for row in table.rows] == [Path(f).name for f in documents["file"]]
    assert [row[6] for row in table.rows] == list(documents["doc_id"])  # sentence-id prefixes
    for province in documents["province"]:
        for text in (md, html_text, docx_text):
            assert province in text
    # the merged province of 2025 is given beside the old one
    assert ("Bắc Giang", "Bắc Ninh") in {(r[0], r[1]) for r in table.rows}
    quoted = {q.province for q in brief_vi.quotes()}
    assert {"Bắc Giang", "Nghệ An", "Bình Phước", "Điện Biên"} <= quoted


def test_two_provinces_only_those_two_in_quotes(documents, sentences, entities, docx_text_of):
    two = ["Điện Biên", "Bắc Giang"]
    b = B.build_brief(documents, sentences, entities, provinces=two, lang="en",
                      generated="2024-06-01")
    assert b.provinces == two
    assert {q.province for q in b.quotes()} == set(two)
    md = b.to_markdown()
    html_text = " ".join(parse_html(b.to_html()).text)
    docx_text, _ = docx_text_of(b)
    for text in (md, html_text, docx_text):
        for other in ("Nghệ An", "Bình Phước", "Tuyên Quang"):
            assert other not in text
    for _, citation in md_quotes(md):
        assert citation.split(", ")[0] in two
    # with two provinces "shared" means found in both, and the brief says so
    shared = [c for c in b.claims() if c.kind == "shared"]
    assert shared and all(set(c.provinces) == set(two) for c in shared)
    assert all({q.province for q in c.quotes} == set(two) for c in shared)
    assert md_unescape(md).count(B.labels("en")["too_few_provinces"].format(k=2, min=3)) == 3
    table = next(x for x in b.section("reports").blocks if isinstance(x, B.Table))
    assert [r[0] for r in table.rows] == two  # in the order asked for
    ents = next(x for x in b.section("entities").blocks if isinstance(x, B.Table))
    assert {r[0] for r in ents.rows} <= set(two)


def test_shared_and_distinctive_follow_min_shared(brief_vi, documents, sentences):
    province = dict(zip(documents["doc_id"], documents["province"]))
    s = sentences.assign(province=sentences["doc_id"].map(province))
    s = s[(s["subtheme"] != "") & s["family"].isin(B.COMPARED_FAMILIES)]
    spread = s.groupby("subtheme")["province"].agg(lambda x: set(x))
    claims = {c.key: c for c in brief_vi.claims() if c.basis == "subtheme"}
    for key, provs in spread.items():
        if len(provs) >= 3:
            assert claims[key].kind == "shared" and set(claims[key].provinces) == provs
        elif len(provs) == 1:
            assert claims[key].kind == "distinctive" and set(claims[key].provinces) == provs
        else:
            assert key not in claims
    for c in claims.values():
        n = s.loc[s["subtheme"] == c.key, "sentence_id"].nunique()
        assert c.n_sentences == n
        assert 1 <= len(c.quotes) <= (3 if c.kind == "shared" else 2)
        assert len(c.quotes) == min(n, 3 if c.kind == "shared" else 2)
        assert {q.province for q in c.quotes} <= set(c.provinces)
    # the fixture has themes shared by three provinces (tuyên truyền in limitations)
    assert claims["limitation-0"].kind == "shared"
    assert set(claims["limitation-0"].provinces) == {"Bắc Giang", "Nghệ An", "Điện Biên"}


def test_nothing_shared_is_said_honestly(documents, sentences, entities):
    b = B.build_brief(documents, sentences, entities, min_shared=5, lang="en",
                      generated="2024-06-01")
    assert not [c for c in b.claims() if c.kind == "shared"]
    md = md_unescape(b.to_markdown())
    L = B.labels("en")
    for fam in B.COMPARED_FAMILIES:
        assert L["none_shared"].format(family=L["families"][fam], min=5, k=5) in md


def test_quote_choice_is_deterministic_one_per_province_first(documents, sentences, entities,
                                                             brief_vi):
    shuffled = sentences.sample(frac=1.0, random_state=7)  # input order must not matter
    again = B.build_brief(documents, shuffled, entities.iloc[::-1], methods=METHODS, lang="vi",
                          generated="2024-06-01")
    assert again.to_markdown() == brief_vi.to_markdown()
    scores = sentences.set_index("sentence_id")["family_score"]
    for c in brief_vi.claims():
        provs = [q.province for q in c.quotes]
        # one per province before a second from any province
        assert len(set(provs)) == min(len(c.provinces), len(c.quotes))
        assert provs == list(dict.fromkeys(provs)) + provs[len(set(provs)):]
    first = [c for c in brief_vi.claims() if c.family == "limitation"][0]
    ids = sentences.loc[sentences["subtheme"] == first.key, "sentence_id"]
    assert first.quotes[0].family_score == scores[ids].max()
    one = B.build_brief(documents, sentences, entities, max_quotes=1, generated="2024-06-01")
    assert all(len(c.quotes) == 1 for c in one.claims())


def test_overlong_quotes_are_cut_at_a_word_boundary(documents, sentences, entities):
    b = B.build_brief(documents, sentences, entities, max_quote_chars=80, generated="x")
    cut = [q for q in b.quotes() if q.truncated]
    assert cut
    for q in cut:
        assert q.shown.endswith("…") and q.full_text.startswith(q.text)
        assert len(q.text) <= 80 and q.full_text[len(q.text)] in " ,;:–-"
        assert q.text in _corpus_text(q.file)
    for quote, citation in md_quotes(b.to_markdown()):
        assert_verbatim(quote, citation)


def test_cut_quote_keeps_short_text_and_one_long_word():
    assert B.cut_quote("Công tác dân vận.", 50) == ("Công tác dân vận.", False)
    kept, cut = B.cut_quote("Công tác tuyên truyền, vận động có lúc chưa hiệu quả", 24)
    assert cut and kept == "Công tác tuyên truyền"
    kept, cut = B.cut_quote("x" * 30, 10)
    assert cut and kept == "x" * 10


def test_figures_embedded_in_html_and_docx(documents, sentences, entities, png_file, tmp_path):
    b = B.build_brief(documents, sentences, entities, figures={"family_profile": png_file},
                      generated="2024-06-01")
    page = b.to_html()
    uris = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 1 and base64.b64decode(uris[0]) == png_file.read_bytes()
    p = parse_html(page)
    assert "link" not in p.tags and "script" not in p.tags
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from outside
    out = B.write_brief(b, tmp_path / "out")
    assert set(out) >= {"md", "html", "docx"}
    assert len(Document(str(out["docx"])).inline_shapes) == 1
    md = out["md"].read_text(encoding="utf-8")
    link = re.search(r"!\[[^\]]*\]\(([^)]+\.png)\)", md).group(1)
    assert (out["md"].parent / link).read_bytes() == png_file.read_bytes()
    assert not list((tmp_path / "out").glob(".*.tmp"))  # atomic writes leave nothing behind
    umask = os.umask(0)
    os.umask(umask)
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in out.values())
    # without a figure the brief says so instead of showing an empty frame
    assert B.labels("vi")["profile_missing"] in B.build_brief(
        documents, sentences, entities, generated="x").to_html()


def test_not_a_png_is_refused(documents, sentences, entities, tmp_path):
    fake = tmp_path / "f.png"
    fake.write_text("not an image")
    with pytest.raises(ValueError, match="PNG"):
        B.build_brief(documents, sentences, entities, figures={"family_profile": fake})


def test_english_labels_with_vietnamese_quotes(documents, sentences, entities, brief_vi,
                                               docx_text_of):
    en = B.build_brief(documents, sentences, entities, methods=METHODS, lang="en",
                       generated="2024-06-01")
    L_en, L_vi = B.labels("en"), B.labels("vi")
    md_en = en.to_markdown()
    html_en = en.to_html()
    docx_en, _ = docx_text_of(en)
    for key in ("reports_heading", "methods_heading", "limits_heading"):
        for text in (md_en, html_en, docx_en):
            assert L_en[key] in text and L_vi[key] not in text
    for fam in B.COMPARED_FAMILIES:
        assert L_en["family_headings"][fam] in md_en
        assert L_vi["family_headings"][fam] not in md_en
    assert '<html lang="en">' in html_en and '<blockquote lang="vi">' in html_en
    # the same quotes, in the reports' Vietnamese, whatever the language of the labels
    assert [q.shown for q in en.quotes()] == [q.shown for q in brief_vi.quotes()]
    assert sorted(q for q, _ in md_quotes(md_en)) == sorted(q.shown for q in brief_vi.quotes())
    with pytest.raises(ValueError):
        B.build_brief(documents, sentences, entities, lang="fr")


def test_methods_section_carries_the_numbers(brief_vi, docx_text_of):
    md = md_unescape(brief_vi.to_markdown())
    html_text = " ".join(parse_html(brief_vi.to_html()).text)
    docx_text, _ = docx_text_of(brief_vi)
    expected = ["0.734", "0.612", "0.857", "0.781", "0.905", "20240611", "5e1f0c9ab2d34e77",
                "9.5.0", "1.9.1", "0.1.0", "k_max = 8", "min_cluster_size = 3"]
    for text in (md, html_text, docx_text):
        for value in expected:
            assert value in text, value
    methods = brief_vi.section("methods")
    limits = next(b for b in methods.blocks if isinstance(b, B.Bullets))
    assert any("0.734" in p.text for p in limits.items)  # the limit quotes the measured F1
    assert any("mỗi tỉnh một báo cáo" in p.text for p in limits.items)


def test_republished_copy_is_listed_not_counted(documents, sentences, entities):
    original = documents[documents["province"] == "Điện Biên"].iloc[0]
    copy = original.copy()
    copy["doc_id"], copy["file"] = "ffffffffffffffff", "corpus/005_copy.txt"
    copy["duplicate_of"], copy["outlet"] = original["doc_id"], "Cổng TTĐT tỉnh"
    docs = pd.concat([documents, copy.to_frame().T], ignore_index=True)
    dup_sents = sentences[sentences["doc_id"] == original["doc_id"]].copy()
    dup_sents["sentence_id"] = dup_sents["sentence_id"].str.replace(original["doc_id"], copy["doc_id"])
    dup_sents["doc_id"] = copy["doc_id"]
    dup_sents["family_score"] = 1.0  # would be quoted first if it were counted
    sents = pd.concat([sentences, dup_sents], ignore_index=True)
    b = B.build_brief(docs, sents, entities, generated="x", lang="en")
    plain = B.build_brief(documents, sentences, entities, generated="x", lang="en")
    assert all(q.doc_id != copy["doc_id"] for q in b.quotes())
    assert [c.n_sentences for c in b.claims()] == [c.n_sentences for c in plain.claims()]
    table = next(x for x in b.section("reports").blocks if isinstance(x, B.Table))
    note = B.labels("en")["duplicate_note"].format(file=Path(original["file"]).name)
    assert any(r[5] == "005_copy.txt" and r[-1] == note for r in table.rows)
    assert len(table.rows) == 6


def test_entity_tables_are_verbatim_and_distinct(brief_vi, documents):
    sec = brief_vi.section("entities")
    tables = [b for b in sec.blocks if isinstance(b, B.Table)]
    models, codes, indicators = tables
    assert ("Bắc Giang", "Dân vận khéo") in {r[:2] for r in models.rows}
    assert ("Bình Phước", "Dân vận khéo") in {r[:2] for r in models.rows}
    assert [r[1] for r in codes.rows if r[0] == "Bình Phước"] == ["93-KH/TU", "17-CTr/TU"]
    assert ("Nghệ An", "136", "tỷ đồng", "hơn 136 tỷ đồng") in {r[:4] for r in indicators.rows}
    file_of = dict(zip(documents["doc_id"], documents["file"].map(lambda f: Path(f).name)))
    province_of = dict(zip(documents["doc_id"], documents["province"]))
    for row in models.rows + codes.rows + indicators.rows:
        doc_id = row[-1][:16]  # every row cites its sentence
        assert province_of[doc_id] == row[0]
        passage = row[1] if len(row) == 3 else row[3]
        assert passage in _corpus_text(file_of[doc_id])
    md = brief_vi.to_markdown()
    assert "93-KH/TU" in md and md.count("| Bình Phước | 93-KH/TU |") == 1


INJECT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def test_report_markup_is_escaped_everywhere(documents, sentences, entities, tmp_path):
    doc_id = "abcdefabcdef0123"
    docs = pd.concat([documents, pd.DataFrame([{
        "doc_id": doc_id, "file": "corpus/009_evil.txt", "province": "Lào Cai",
        "province_2025": "Lào Cai", "date": "2024-01-02", "date_precision": "day",
        "outlet": f"Báo {IMG}", "title": f"Tiêu đề {INJECT} [x](javascript:alert(1))", "url": "",
        "duplicate_of": ""}])], ignore_index=True)
    evil = f"Công tác tuyên truyền {INJECT} còn hạn chế {IMG} ở *một số* nơi_ # [link](http://x)"
    sents = pd.concat([sentences, pd.DataFrame([{
        "doc_id": doc_id, "sentence_id": f"{doc_id}-s0001", "sentence_index": 1, "text": evil,
        "family": "limitation", "subtheme": "limitation-evil", "subtheme_label": f"x {IMG}",
        "family_score": 0.99}])], ignore_index=True)
    ents = pd.concat([entities, pd.DataFrame([{
        "doc_id": doc_id, "sentence_id": f"{doc_id}-s0001", "kind": "named_model",
        "text": INJECT, "normalised": "evil", "value": "", "unit": "", "detail": ""}])])
    b = B.build_brief(docs, sents, ents, generated="x")
    assert evil in [q.shown for q in b.quotes()]

    def assert_inert(page: str) -> None:
        p = parse_html(page)
        assert "script" not in p.tags
        assert "onerror" not in p.attrs
        assert not any(t == "a" for t in p.tags)
        visible = "".join(p.text)
        assert INJECT in visible and IMG in visible  # shown as text, escaped

    assert_inert(b.to_html())
    import mistune  # nbconvert's Markdown renderer, part of the pinned stack
    md = b.to_markdown()
    assert INJECT not in md and IMG not in md
    rendered = mistune.html(md)
    assert_inert(rendered)
    assert "<em>một số</em>" not in rendered and "*một số* nơi_ # [link](http://x)" in "".join(
        parse_html(rendered).text)
    path = b.to_docx(tmp_path / "evil.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert f"“{evil}”" in text


def test_unknown_province_is_an_error(documents, sentences, entities):
    with pytest.raises(ValueError, match="Hà Nội"):
        B.build_brief(documents, sentences, entities, provinces=["Bắc Giang", "Hà Nội"])


def test_nfd_province_names_are_matched(documents, sentences, entities):
    import unicodedata
    b = B.build_brief(documents, sentences, entities, generated="x",
                      provinces=[unicodedata.normalize("NFD", "Điện Biên"), "Bắc Giang"])
    assert b.provinces == ["Điện Biên", "Bắc Giang"]


def test_codebook_codes_give_claims_too(documents, sentences, entities):
    rows = []
    for r in sentences.itertuples(index=False):
        if r.family in B.COMPARED_FAMILIES and "chưa" in r.text.split():
            rows.append({"sentence_id": r.sentence_id, "code": "chua_dat",
                         "code_label": "Chưa đạt yêu cầu"})
    coded = pd.DataFrame(rows)
    b = B.build_brief(documents, sentences, entities, coded=coded, generated="x")
    code_claims = [c for c in b.claims() if c.basis == "code" and c.family == "limitation"]
    assert code_claims and code_claims[0].label == "Chưa đạt yêu cầu"
    province = dict(zip(documents["doc_id"], documents["province"]))
    lim = sentences[(sentences["family"] == "limitation")
                    & sentences["sentence_id"].isin(coded["sentence_id"])]
    assert set(code_claims[0].provinces) == set(lim["doc_id"].map(province))
    md = md_unescape(b.to_markdown())
    assert B.labels("vi")["limit_codes"] in md
    glance = md[md.index(B.labels("vi")["glance_heading"]):md.index(B.labels("vi")["reports_heading"])]
    assert B.labels("vi")["glance_codes"].format(items="Chưa đạt yêu cầu") in glance


def test_without_subthemes_each_report_is_quoted(documents, sentences, entities):
    bare = sentences.drop(columns=["subtheme", "subtheme_label", "family_score"])
    b = B.build_brief(documents, bare, entities, generated="x", lang="en")
    claims = b.claims()
    assert claims and {c.kind for c in claims} == {"report"}
    md = md_unescape(b.to_markdown())
    assert md.count(B.labels("en")["no_themes"]) == 3
    assert "recurs" not in md and "nothing is shared" not in md  # nothing was clustered
    province = dict(zip(documents["doc_id"], documents["province"]))
    fam = bare[bare["family"] == "limitation"]
    assert [c.key for c in claims if c.family == "limitation"] == [
        p for p in documents["province"] if p in set(fam["doc_id"].map(province))]
    for quote, citation in md_quotes(b.to_markdown()):
        assert_verbatim(quote, citation)


def test_indicator_values_read_naturally():
    vi, en = B.labels("vi"), B.labels("en")
    assert B.format_value(136000000000.0, vi) == "136.000.000.000"
    assert B.format_value("136000000000.0", en) == "136,000,000,000"
    assert (B.format_value(12.5, vi), B.format_value(12.5, en)) == ("12,5", "12.5")
    assert B.format_value(float("nan"), en) == "" and B.format_value("2/3", en) == "2/3"


def test_the_date_a_brief_carries_follows_source_date_epoch(monkeypatch):
    """Reproducible briefs: SOURCE_DATE_EPOCH (seconds, UTC) fixes the date the brief says it
    was made; without it, today."""
    import datetime
    from dvlib import config
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796601600")
    assert config.today() == datetime.date(2026, 12, 7)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert config.today() == datetime.date.today()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert config.today() == datetime.date.today()
