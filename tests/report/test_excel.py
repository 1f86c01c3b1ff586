"""dvlib.xlsx: one sheet per table, frozen headers, filters, labels, no formula from report text."""
from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest

from dvlib.analysis import Analysis
from dvlib.report.excel import aspect_matrices, workbook_sheets, write_workbook


def _analysis(with_claims: bool) -> Analysis:
    docs = pd.DataFrame({"doc_id": ["d1", "d2"], "province": ["Điện Biên", "Bắc Giang"],
                         "province_2025": ["Điện Biên", "Bắc Ninh"],
                         "date": ["2023-12-29", "2024-01-05"],
                         "outlet": ["Báo Điện Biên Phủ", "Báo Bắc Giang"],
                         "title": ["=HYPERLINK(\"http://x\",\"bấm\")", "Hội nghị dân vận"],
                         "duplicate_of": ["", ""], "text": ["…", "…"]})
    texts = ["- Công tác tuyên truyền còn hạn chế.", "Phối hợp chưa chặt chẽ.",
             "Phát huy mô hình “Dân vận khéo”."]
    sents = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "sentence_id": ["d1-s0", "d1-s1", "d2-s0"],
                          "start": [0, 40, 0], "end": [36, 63, 32], "text": texts,
                          "boilerplate": ["", "", ""],
                          "family": ["limitation", "limitation", "model"],
                          "family_score": [0.9, 0.8, 0.7]})
    coded = pd.DataFrame({"doc_id": ["d1", "d1"], "sentence_id": ["d1-s0", "d1-s1"],
                          "code": ["tuyen_truyen", "phoi_hop"],
                          "code_label": ["Tuyên truyền, vận động", "Phối hợp"],
                          "term": ["tuyên truyền", "phối hợp"],
                          "matched_text": ["tuyên truyền", "Phối hợp"]})
    an = Analysis(documents=docs, sentences=sents, boilerplate=pd.DataFrame(), coded=coded)
    if with_claims:
        an.claims = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "sentence_id": sents["sentence_id"],
                                  "claim_id": ["c1", "c2", "c3"], "start": [0, 40, 0],
                                  "end": [36, 63, 32], "text": texts,
                                  "family": ["limitation", "limitation", "model"],
                                  "aspects": ["tuyen_truyen|phoi_hop", "phoi_hop", ""],
                                  "aspect_terms": ["tuyen_truyen=tuyên truyền|phoi_hop=x",
                                                   "phoi_hop=Phối hợp", ""]})
    return an


def _xml(path, name):
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


@pytest.mark.parametrize("with_claims", [False, True])
def test_workbook_sheets_frozen_filtered_and_escaped(tmp_path, with_claims):
    an = _analysis(with_claims)
    path = write_workbook(an, tmp_path / "dvlib.xlsx")
    names = re.findall(r'<sheet name="([^"]+)"', _xml(path, "xl/workbook.xml"))
    assert names[0] == "Báo cáo" and names[1] == ("Nhận định" if with_claims else "Câu")
    assert "Ma trận Hạn chế" in names and names[-1] == "Mã (codebook)"
    for i in range(1, len(names) + 1):
        sheet = _xml(path, f"xl/worksheets/sheet{i}.xml")
        assert 'state="frozen"' in sheet and "<autoFilter" in sheet and "<cols>" in sheet
    # the text cells, wherever the writer put them (the workbook is written row by row with
    # constant_memory, so strings are inline in the sheets rather than in sharedStrings.xml)
    with zipfile.ZipFile(path) as z:
        strings = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                          if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml")
    # report text that a spreadsheet would run is shown as text
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
    assert "'- Công tác tuyên truyền" in strings or "&apos;- Công tác tuyên truyền" in strings
    assert "<f>" not in "".join(_xml(path, f"xl/worksheets/sheet{i}.xml")
                                for i in range(1, len(names) + 1))
    # labels beside ids
    assert "Phối hợp" in strings and "Tuyên truyền, vận động" in strings and "Hạn chế" in strings


def test_matrix_counts_a_unit_in_each_of_its_aspects():
    an = _analysis(True)
    sheets = workbook_sheets(an)
    m = sheets["Ma trận Hạn chế"].set_index("Tỉnh")
    assert m.loc["Điện Biên", "Phối hợp"] == 2 and m.loc["Điện Biên", "Tuyên truyền, vận động"] == 1
    assert aspect_matrices(pd.DataFrame()) == {}


def test_subtheme_sizes_are_the_actual_sizes():
    from dvlib.pipeline import actual_sizes
    topics = pd.DataFrame({"subtheme": ["limitation-1", "model-1"], "size": [18, 4]})
    content = pd.DataFrame({"subtheme": ["limitation-1"] * 25 + ["", "model-1"]})
    assert actual_sizes(topics, content)["size"].tolist() == [25, 1]


def test_profile_code_shows_labels_beside_ids():
    from dvlib.compare.profiles import crosstab
    from dvlib.pipeline import with_code_labels
    prof = pd.DataFrame({"province": ["Điện Biên"], "code": ["phoi_hop"], "count": [2], "n": [5],
                         "share": [0.4], "ci_low": [0.1], "ci_high": [0.7]})
    out = with_code_labels(prof)
    assert list(out.columns[:3]) == ["province", "code", "code_label"]
    assert out["code_label"].tolist() == ["Phối hợp"]
    assert crosstab(out, by="code").loc["Điện Biên", "phoi_hop"] == 0.4  # still a profile
