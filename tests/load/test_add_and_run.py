"""A new report flows through `dvlib add` into the tables and the brief; the main job runs."""
from __future__ import annotations

import csv
import shutil
from html.parser import HTMLParser

import pytest

from dvlib.load.add import add_reports
from dvlib.cli import main
from dvlib.text.normalize import nfc
from dvlib.pipeline import analyze
from dvlib.store import load_analysis
from dvlib.report.notebooks import make_brief

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::UserWarning")]

# A report written for the test, in the genre's style, from a province not in the seeds, with
# markup in it that must never become markup in a brief.
NEW_REPORT = """Lào Cai: Hội nghị giao ban công tác dân vận 6 tháng đầu năm 2024
Cập nhật: Thứ sáu, 12/07/2024 | 09:15
Sáng 11/7, Ban Dân vận Tỉnh ủy Lào Cai tổ chức hội nghị giao ban công tác dân vận 6 tháng đầu năm 2024 tại thành phố Lào Cai.
Trong 6 tháng đầu năm, Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh đã vận động được 12,5 tỷ đồng ủng hộ Quỹ "Vì người nghèo", hỗ trợ xây dựng 215 nhà đại đoàn kết cho hộ nghèo ở huyện Bát Xát và huyện Mường Khương.
Mô hình "Bản vùng cao không có ma túy" được nhân rộng ra 42 thôn, bản trên địa bàn tỉnh.
Tuy nhiên, công tác nắm tình hình nhân dân ở một số xã vùng cao còn chậm, chưa kịp thời phát hiện các vụ việc phức tạp <script>alert("x")</script> liên quan đến tôn giáo.
Việc tuyên truyền chuyển đổi số trong đồng bào dân tộc thiểu số còn hạn chế <img src=x onerror=alert(1)>, hiệu quả chưa cao.
Thời gian tới, các cấp ủy tập trung lãnh đạo thực hiện tốt phong trào thi đua "Dân vận khéo" gắn với Chỉ thị số 05-CT/TW.
Tăng cường công tác phối hợp nắm tình hình nhân dân, kịp thời giải quyết những kiến nghị chính đáng của người dân.
"""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.onerror = [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.onerror += sum(1 for k, _ in attrs if k.lower() == "onerror")


@pytest.fixture(scope="module")
def added(tmp_path_factory, seed_build):
    """The seed corpus + the new report added with `dvlib add`, analysed before (the session's
    seed build, copied with its saved sub-theme model) and after."""
    base = tmp_path_factory.mktemp("add")
    from conftest import CORPUS
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = base / "build"
    shutil.copytree(seed_build, out)
    before = load_analysis(out)
    src = base / "incoming" / "lao-cai-giao-ban.txt"
    src.parent.mkdir()
    src.write_text(NEW_REPORT, encoding="utf-8")
    res = add_reports([src], corpus, outlet="Báo Lào Cai")
    after = analyze([corpus], out, progress=False)
    return {"corpus": corpus, "out": out, "src": src, "res": res, "before": before, "after": after}


def test_add_copies_byte_for_byte_and_appends_the_manifest(added):
    corpus, res = added["corpus"], added["res"]
    assert res.problems == [] and res.duplicates == []
    assert res.added == [(str(added["src"]), "lao-cai-giao-ban.txt")]
    assert (corpus / "lao-cai-giao-ban.txt").read_bytes() == added["src"].read_bytes()
    rows = list(csv.DictReader(open(corpus / "manifest.csv", encoding="utf-8")))
    assert len(rows) == 6 and rows[-1]["file"] == "lao-cai-giao-ban.txt"
    assert rows[-1]["outlet"] == "Báo Lào Cai" and rows[-1]["province"] == ""
    # the five seed rows are untouched
    from conftest import CORPUS
    assert (corpus / "manifest.csv").read_text(encoding="utf-8").startswith(
        (CORPUS / "manifest.csv").read_text(encoding="utf-8"))
    # what was not given is inferred, with evidence
    inf = res.inferred["lao-cai-giao-ban.txt"]
    assert inf["province"] == "Lào Cai" and inf["date"] == "2024-07-12"


def test_second_add_is_refused_as_duplicate(added, capsys):
    corpus = added["corpus"]
    manifest_before = (corpus / "manifest.csv").read_bytes()
    code = main(["add", str(added["src"]), "--corpus", str(corpus)])
    err = capsys.readouterr().err
    assert code == 1 and "duplicate of lao-cai-giao-ban.txt" in err
    assert (corpus / "manifest.csv").read_bytes() == manifest_before
    assert sorted(p.name for p in corpus.glob("lao-cai*")) == ["lao-cai-giao-ban.txt"]


def test_same_name_other_content_is_not_overwritten(added, tmp_path):
    corpus = added["corpus"]
    other = tmp_path / "lao-cai-giao-ban.txt"
    other.write_text(NEW_REPORT.replace("12,5 tỷ", "13 tỷ").replace("215 nhà", "300 nhà")
                     + "Hội Nông dân tỉnh ra mắt 15 tổ hợp tác sản xuất chè hữu cơ.\n", encoding="utf-8")
    before = (corpus / "lao-cai-giao-ban.txt").read_bytes()
    res = add_reports([other], corpus, province="Lào Cai", date="2024-07-12")
    assert res.added == [(str(other), "lao-cai-giao-ban-2.txt")]
    assert (corpus / "lao-cai-giao-ban.txt").read_bytes() == before
    (corpus / "lao-cai-giao-ban-2.txt").unlink()  # keep the module's corpus as the others expect
    rows = (corpus / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (corpus / "manifest.csv").write_text("\n".join(r for r in rows if "-2.txt" not in r) + "\n",
                                         encoding="utf-8")


def test_bad_add_arguments_are_refused(added, tmp_path):
    res = add_reports([added["src"]], added["corpus"], date="2024-02-30")
    assert res.added == [] and "invalid date" in res.problems[0]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = add_reports([empty], added["corpus"])
    assert res.added == [] and "empty.txt" in res.problems[0]


def test_new_report_flows_into_the_tables(added):
    docs = added["after"].documents.set_index("file")
    new = docs[docs.index.str.endswith("lao-cai-giao-ban.txt")].iloc[0]
    assert new["province"] == "Lào Cai" and new["province_source"] == "inferred"
    assert new["province_2025"] == "Lào Cai" and new["outlet"] == "Báo Lào Cai"
    sents = added["after"].sentences
    fams = sents[sents["doc_id"] == new["doc_id"]].set_index("text")["family"]
    lim = [t for t in fams.index if t.startswith("Tuy nhiên, công tác nắm tình hình")]
    assert fams[lim[0]] == "limitation"
    pri = [t for t in fams.index if t.startswith("Thời gian tới")]
    assert fams[pri[0]] == "priority"
    ents = added["after"].entities
    assert "05-CT/TW" in set(ents.loc[(ents["doc_id"] == new["doc_id"]) & (ents["kind"] == "document_code"), "normalised"])
    prof = added["after"].tables["profile_family"]
    assert "Lào Cai" in set(prof["province"])


def test_old_reports_keep_their_subthemes(added):
    old = added["before"].sentences.set_index("sentence_id")["subtheme"]
    new = added["after"].sentences.set_index("sentence_id")["subtheme"]
    assert (new.loc[old.index] == old).all()
    mapping = added["after"].subtheme_mapping
    assert mapping is None or mapping.empty  # no refit happened


def test_brief_has_the_new_province_and_no_markup_from_reports(added, tmp_path):
    brief, written = make_brief(added["after"], lang="vi", out_dir=tmp_path)
    html = written["html"].read_text(encoding="utf-8")
    md = written["md"].read_text(encoding="utf-8")
    assert "Lào Cai" in html and "Lào Cai" in md
    p = _Tags()
    p.feed(html)
    assert "script" not in p.tags and p.onerror == 0
    assert "data:image/png;base64," in html
    # every quote is a verbatim substring of its report's text
    texts = {r.file.split("/")[-1]: nfc(open(r.file, encoding="utf-8").read())
             for r in added["after"].documents.itertuples()}
    quotes = brief.quotes()
    assert len(quotes) >= 10
    for q in quotes:
        assert q.text.rstrip("…") in texts[q.file.split("/")[-1]]
