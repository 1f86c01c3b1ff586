"""The brief built on claims: on written snippets (fast) and on the seed corpus (the shared seed
build): three formats, whole quotes with their words marked, each claim once per section, no
framing as evidence, the known false findings absent, Tuyên Quang's silence explained."""
from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest

from dvlib.report.brief import build_claims_brief, labels, write_brief
from dvlib.report.brief.blocks import Claim


# ----------------------------------------------------------------------------- written snippets
def _tables():
    texts = {
        "A": "Tin hội nghị. Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao; việc phối hợp chưa chặt chẽ.",
        "B": "Tin hội nghị. Tuy nhiên, còn một số hạn chế. Công tác tuyên truyền có lúc, có việc chưa thực sự hiệu quả.",
        "C": ">>> Bài 2: Từ đầu nhiệm kỳ đến nay, tỉnh đạt nhiều kết quả. Mô hình phân loại rác thải được nhân rộng.",
    }
    docs = pd.DataFrame([{"doc_id": f"d{k}", "file": f"{k}.txt", "province": p, "date": "2024",
                          "outlet": "", "title": "", "duplicate_of": "", "text": t}
                         for (k, t), p in zip(texts.items(), ["Tỉnh A", "Tỉnh B", "Tỉnh C"])])
    sents, claims = [], []

    def add(doc, text, family, aspects="", terms="", framing=False, k=1):
        full = texts[doc]
        start = full.index(text)
        sid = f"d{doc}-s{len(sents):04d}"
        sents.append({"doc_id": f"d{doc}", "sentence_id": sid, "sentence_index": len(sents),
                      "text": text, "boilerplate": "", "family": family})
        claims.append({"doc_id": f"d{doc}", "sentence_id": sid, "claim_id": f"{sid}-c{k}",
                       "start": start, "end": start + len(text), "text": text, "family": family,
                       "aspects": aspects, "aspect_terms": terms, "leadin": "",
                       "framing": framing})

    add("A", "Tin hội nghị", "other")
    add("A", "Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao", "limitation",
        "tuyen_truyen", "tuyen_truyen=Công tác tuyên truyền")
    add("A", "việc phối hợp chưa chặt chẽ", "limitation", "phoi_hop|tuyen_truyen",
        "phoi_hop=phối hợp chưa|tuyen_truyen=phối hợp")
    add("B", "Tin hội nghị", "other")
    add("B", "Tuy nhiên, còn một số hạn chế", "limitation", "", "", framing=True)
    add("B", "Công tác tuyên truyền có lúc, có việc chưa thực sự hiệu quả", "limitation",
        "tuyen_truyen", "tuyen_truyen=tuyên truyền")
    add("C", ">>> Bài 2: Từ đầu nhiệm kỳ đến nay, tỉnh đạt nhiều kết quả", "achievement")
    add("C", "Mô hình phân loại rác thải được nhân rộng", "model", "moi_truong",
        "moi_truong=phân loại rác")
    return docs, pd.DataFrame(sents), pd.DataFrame(claims)


@pytest.fixture(scope="module")
def snippet_brief():
    docs, sents, claims = _tables()
    return build_claims_brief(docs, sents, claims, lang="vi", generated="2024-01-01")


def test_snippets_findings_by_number_of_provinces(snippet_brief):
    lim = snippet_brief.section("limitation")
    found = {c.key: c.provinces for c in lim.blocks if isinstance(c, Claim)}
    assert found["tuyen_truyen"] == ("Tỉnh A", "Tỉnh B")
    assert found["phoi_hop"] == ("Tỉnh A",)
    text = " ".join(b.text for b in lim.blocks if hasattr(b, "text") and isinstance(b.text, str))
    assert "Tỉnh C" in text and labels("vi")["kinds"]["feature"] in text  # silent, explained


def test_snippets_each_claim_once_per_section_and_no_framing(snippet_brief):
    for sec in snippet_brief.sections:
        ids = [q.sentence_id for b in sec.blocks if isinstance(b, Claim) for q in b.quotes]
        assert len(ids) == len(set(ids)), sec.key
    quoted = {q.full_text for q in snippet_brief.quotes()}
    assert "Tuy nhiên, còn một số hạn chế" not in quoted


def test_snippets_quotes_whole_with_marks(snippet_brief):
    lim = snippet_brief.section("limitation")
    q = [q for b in lim.blocks if isinstance(b, Claim) and b.key == "tuyen_truyen"
         for q in b.quotes][0]
    assert not q.truncated and q.text == q.full_text
    marked = [t for t, bold in q.pieces() if bold]
    assert marked and all(m.lower() in q.text.lower() for m in marked)
    other = [q for b in lim.blocks if isinstance(b, Claim) for q in b.quotes
             if "phối hợp" in q.text][0]
    assert "Tuyên truyền" in other.note  # its other aspect listed beside it


def test_snippets_three_formats(snippet_brief, tmp_path):
    out = write_brief(snippet_brief, tmp_path)
    md = out["md"].read_text(encoding="utf-8")
    html = out["html"].read_text(encoding="utf-8")
    assert "**Công tác tuyên truyền**" in md and "<b>Công tác tuyên truyền</b>" in html
    assert labels("vi")["toc_heading"] in md and labels("vi")["summary_heading"] in md
    with zipfile.ZipFile(out["docx"]) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Công tác tuyên truyền" in xml and "<w:b/>" in xml


def test_snippets_english_brief_has_no_vietnamese_placeholders():
    docs, sents, claims = _tables()
    md = build_claims_brief(docs, sents, claims, lang="en", generated="x").to_markdown()
    outside_quotes = "\n".join(line for line in md.splitlines() if not line.startswith(">"))
    for word in ("không rõ", "hạn chế", " ý)", "Tỉnh không"):
        assert word not in outside_quotes


# ----------------------------------------------------------------------------- the seed brief
@pytest.fixture(scope="module")
def seed(seed_build):
    import dvlib
    from dvlib.report.notebooks import make_brief
    analysis = dvlib.load_analysis(seed_build)
    brief, _ = make_brief(analysis, lang="vi")
    return analysis, brief


@pytest.mark.slow
def test_seed_brief_three_formats_both_languages(seed_build):
    for stem in ("brief", "brief-en"):
        for ext in ("md", "html", "docx"):
            path = seed_build / "briefs" / f"{stem}.{ext}"
            assert path.exists() and path.stat().st_size > 2000, path
    md = (seed_build / "briefs" / "brief.md").read_text(encoding="utf-8")
    en = (seed_build / "briefs" / "brief-en.md").read_text(encoding="utf-8")
    L = labels("vi")
    assert md.index(L["summary_heading"]) < md.index(L["toc_heading"])
    for text, other in ((md, ("unknown", "provincial outlet", "claims")),
                        (en, ("không rõ", "Tóm tắt", "Mục lục"))):
        body = "\n".join(line for line in text.splitlines() if not line.startswith(">"))
        assert not any(w in body for w in other)


@pytest.mark.slow
def test_seed_quotes_are_whole_claims_never_cut(seed):
    analysis, brief = seed
    claims = analysis.claims.set_index("claim_id")
    docs = analysis.documents.set_index("doc_id")["text"]
    n = 0
    for sec in brief.sections:
        if sec.key not in ("limitation", "priority", "model"):
            continue
        for q in (q for b in sec.blocks if isinstance(b, Claim) for q in b.quotes):
            row = claims.loc[q.sentence_id]
            assert q.text == row["text"] and not q.truncated
            assert not bool(row["framing"])
            text, s, e = docs[row["doc_id"]], int(row["start"]), int(row["end"])
            assert not (s > 0 and text[s - 1].isalnum() and text[s].isalnum())
            assert not (e < len(text) and text[e - 1].isalnum() and text[e].isalnum())
            n += 1
    assert n > 30


@pytest.mark.slow
def test_seed_each_claim_quoted_once_per_section(seed):
    _, brief = seed
    for sec in brief.sections:
        ids = [q.sentence_id for b in sec.blocks if isinstance(b, Claim) for q in b.quotes]
        assert len(ids) == len(set(ids)), sec.key


def _finding(brief, family, code):
    return [b for b in brief.section(family).blocks if isinstance(b, Claim) and b.key == code]


@pytest.mark.slow
def test_seed_known_false_findings_absent(seed):
    _, brief = seed
    for f in _finding(brief, "limitation", "tuyen_truyen"):     # "Ban Vận động quần chúng"
        assert "Bình Phước" not in f.provinces
    for f in _finding(brief, "limitation", "phoi_hop"):         # "hội nghị giao ban"
        assert "Nghệ An" not in f.provinces
    for fam in ("limitation", "priority", "model"):
        for f in _finding(brief, fam, "chuyen_doi_so"):         # online fraud
            assert not any("lừa đảo" in q.text for q in f.quotes)
        for f in _finding(brief, fam, "cong_nhan_lao_dong"):    # "doanh nghiệp" as addressee
            for q in f.quotes:
                marked = {t.lower() for t, bold in q.pieces() if bold}
                assert marked and marked != {"doanh nghiệp"}
    for f in _finding(brief, "priority", "dan_toc_ton_giao"):   # surveys and websites
        assert "Bắc Giang" not in f.provinces


@pytest.mark.slow
def test_seed_tuyen_quang_silence_explained_and_formula_named(seed):
    _, brief = seed
    L = labels("vi")
    for fam in ("limitation", "priority"):
        text = " ".join(b.text for b in brief.section(fam).blocks
                        if not isinstance(b, Claim) and isinstance(getattr(b, "text", None), str))
        assert re.search(r"Tuyên Quang \(.*" + re.escape(L["kinds"]["feature"]), text)
    formulas = [b for b in brief.section("formulas").blocks if isinstance(b, Claim)]
    # the stock hedge and its variants are one formula: "có lúc, có việc" (Bắc Giang, Điện
    # Biên) and "có lúc, có nơi" (Nghệ An, Điện Biên), named once with its three provinces
    hedge = [f for f in formulas if "có lúc, có nơi" in f.label]
    assert hedge and set(hedge[0].provinces) == {"Bắc Giang", "Nghệ An", "Điện Biên"}
    assert not any("có lúc, có việc" in f.label for f in formulas)


# ----------------------------------------------------------------------------- a short brief
def test_snippets_summary_is_sentences_per_family_not_quotes(snippet_brief):
    L = labels("vi")
    front = [b.text for b in snippet_brief.front if hasattr(b, "text")]
    # two provinces state the propaganda limitation: with three provinces compared, "shared"
    # means three or more, so the summary quotes nothing and counts the 7 claims (framing out)
    assert not any("“" in t and "có lúc" in t and "hiệu quả" in t for t in front)
    assert any(L["s_count"].format(n_claims=7, n_reports=3) in t for t in front), front


def test_snippets_how_claims_are_quoted_is_said_once(snippet_brief):
    L = labels("vi")
    intros = [s.key for s in snippet_brief.sections for b in s.blocks
              if getattr(b, "text", None) == L["f_intro"]]
    assert intros == ["limitation"]


def test_snippets_a_claim_quoted_under_another_aspect_is_named_in_the_finding_line():
    docs, sents, claims = _tables()
    # B's claim carries two aspects: quoted once, under the first; the second finding's own
    # line says where it is, no paragraph of its own
    claims.loc[claims["claim_id"] == "dB-s0005-c1", ["aspects", "aspect_terms"]] = (
        "tuyen_truyen|phoi_hop", "tuyen_truyen=tuyên truyền|phoi_hop=tuyên truyền")
    b = build_claims_brief(docs, sents, claims, lang="vi", generated="x")
    lim = b.section("limitation")
    hop = [c for c in lim.blocks if isinstance(c, Claim) and c.key == "phoi_hop"][0]
    assert "dB-s0005-c1" in hop.sentence.text and "Tỉnh B" in hop.provinces
    assert "dB-s0005-c1" not in [q.sentence_id for q in hop.quotes]
    loose = [x.text for x in lim.blocks if not isinstance(x, Claim) and hasattr(x, "text")]
    assert not any("dB-s0005-c1" in t for t in loose)


def test_snippets_appendix_lists_every_quoted_claim_once_by_short_id(snippet_brief):
    app = snippet_brief.section("appendix")
    text = " ".join(b.text for b in app.blocks)
    quoted = {q.sentence_id for sec in snippet_brief.sections
              if sec.key in ("limitation", "priority", "model")
              for b in sec.blocks if isinstance(b, Claim) for q in b.quotes}
    assert quoted
    for cid in quoted:
        doc, short = cid.split("-", 1)
        para = [b.text for b in app.blocks if doc in b.text]
        assert len(para) == 1 and para[0].count(short) == 1, (cid, para)
    assert "“" not in text  # ids only: the text is in the section that quotes it


def test_named_items_one_row_per_province_with_short_sentence_ids():
    from dvlib.report.brief.named import named_section
    docs = pd.DataFrame([{"doc_id": "d1", "province": "Tỉnh A", "duplicate_of": ""},
                         {"doc_id": "d2", "province": "Tỉnh B", "duplicate_of": ""}])
    ents = pd.DataFrame([
        {"doc_id": "d1", "sentence_id": "d1-s0006", "kind": "named_model", "start": 90,
         "text": "Nâng cao năng lực số; phát huy vai trò", "normalised": ""},
        {"doc_id": "d1", "sentence_id": "d1-s0006", "kind": "named_model", "start": 40,
         "text": "Nhà trọ công nhân", "normalised": ""},  # first in the report: listed first
        {"doc_id": "d1", "sentence_id": "d1-s0009", "kind": "named_model",
         "text": "Dân vận khéo", "normalised": ""},
        {"doc_id": "d2", "sentence_id": "d2-s0003", "kind": "indicator",
         "text": "209/209 cơ sở", "normalised": ""},
    ])
    L = labels("vi")
    sec = named_section(ents, docs, ["Tỉnh A", "Tỉnh B"], L, max_items=2)
    tables = [b for b in sec.blocks if hasattr(b, "rows")]
    models, indicators = tables[0], tables[-1]
    assert [r[0] for r in models.rows] == ["Tỉnh A"]
    assert models.rows[0][1] == ("“Nhà trọ công nhân”; “Nâng cao năng lực số; phát huy vai trò”"
                                 " (s0006) " + L["named_more"].format(n=1))
    assert indicators.rows == (("Tỉnh B", "209/209 cơ sở (s0003)"),)
    text = " ".join(getattr(b, "text", "") for b in sec.blocks)
    assert L["codes_heading"] in text and L["none_extracted"] in text


def test_formula_fragments_and_sub_phrases_are_left_out():
    from dvlib.report.brief.findings import formulas_section
    L = labels("vi")
    rows = []

    def add(fid, phrase, prov, sid, text):
        rows.append({"formula_id": fid, "province": prov, "doc_id": sid.split("-")[0],
                     "sentence_id": sid, "quote": phrase, "phrase": phrase, "text": text,
                     "score": 10})
    t1, t2 = "Công tác tuyên truyền có lúc, có việc hiệu quả chưa cao", \
        "Công tác tuyên truyền có lúc, có việc chưa hiệu quả"
    add(1, "Công tác tuyên truyền có lúc, có việc", "A", "a-s1", t1)
    add(1, "Công tác tuyên truyền có lúc, có việc", "B", "b-s1", t2)
    add(2, "tuyên truyền có lúc, có", "A", "a-s1", t1)           # a sub-phrase
    add(2, "tuyên truyền có lúc, có", "B", "b-s1", t2)
    add(3, "viên, hội viên và", "A", "a-s2", "đoàn viên, hội viên và nhân dân")  # a fragment
    add(3, "viên, hội viên và", "B", "b-s2", "hội viên, hội viên và quần chúng")
    ev = pd.DataFrame(columns=["claim_id", "sentence_id", "doc_id", "family", "text", "outlet",
                               "date", "file_name", "province"])
    sec, chosen = formulas_section(pd.DataFrame(rows), ev, ["A", "B"], L)
    assert [p for p, _ in chosen] == ["Công tác tuyên truyền có lúc, có việc"]


@pytest.mark.slow
def test_seed_brief_is_about_ten_a4_pages(seed_build):
    from dvlib.report.brief.pages import brief_pages, find_chromium
    if find_chromium() is None:
        pytest.skip("no chromium to print the brief")
    # five reports: the issue asks for about ten pages (13 before the brief was condensed)
    assert brief_pages(seed_build / "briefs" / "brief.html") <= 10
    assert brief_pages(seed_build / "briefs" / "brief-en.html") <= 11
