"""The explorer page in a real browser: headless Chromium (Debian's `chromium` package) loads
explorer.html from disk with a URL fragment, runs its scripts, and we read the DOM it leaves.

Skipped, with a message saying how to get it, when no Chromium is found.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from dvlib.report.explorer import fold, write_explorer

lxml_html = pytest.importorskip("lxml.html")

XSS = "<script>alert(1)</script> và <img src=x onerror=alert(1)>"


def _find_chromium() -> str | None:
    for name in (os.environ.get("DVLIB_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome", "/usr/bin/chromium"):
        if name and (shutil.which(name) or (os.path.isabs(name) and os.access(name, os.X_OK))):
            return shutil.which(name) or name
    return None


CHROMIUM = _find_chromium()
# each test starts a headless browser (1-3 s): slow, with the seed build's tests
needs_chromium = [pytest.mark.slow, pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium found: the explorer's browser test needs Debian's chromium package "
           "(apt-get install -y chromium) or DVLIB_CHROMIUM=/path/to/chromium")]


def _chromium(args: list[str], timeout: int = 90) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="dvlib-chromium-") as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
               f"--user-data-dir={profile}", "--virtual-time-budget=5000", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def dump_dom(page: Path, fragment: str = ""):
    url = page.resolve().as_uri() + fragment
    res = _chromium(["--dump-dom", url])
    assert res.returncode == 0, res.stderr[-2000:]
    assert "<html" in res.stdout, res.stderr[-2000:]
    return lxml_html.fromstring(res.stdout)


def by_id(tree, id_):
    found = tree.xpath(f'//*[@id="{id_}"]')
    assert found, f"no #{id_} in the page"
    return found[0]


def text(node) -> str:
    return node.text_content()


def assert_no_errors(tree):
    assert tree.xpath("//body/@data-ready") == ["1"], "the page's script did not finish"
    errors = [text(li) for li in by_id(tree, "errors").xpath(".//li")]
    assert errors == [], errors


def browser(func):
    """Mark a test as a browser test (slow; skipped without Chromium)."""
    for mark in reversed(needs_chromium):
        func = mark(func)
    return func


# ---------- a small corpus made here ----------

def _corpus(provinces: list[str], seed_xss: bool = True):
    docs, units, texts = [], [], {}
    aspects_cycle = ["tuyen_truyen", "phoi_hop", "tuyen_truyen|dan_van_kheo", "", "nam_tinh_hinh"]
    families = ["limitation", "priority", "model", "achievement", "limitation", "other"]
    for pi, prov in enumerate(provinces):
        for k in range(2):
            doc_id = f"d{pi:02d}{k}"
            lines = []
            doc_units = []
            for j in range(6):
                fam = families[(pi + j + k) % len(families)]
                asp = aspects_cycle[(pi * 3 + j + k) % len(aspects_cycle)]
                body = (f"Câu {j} của {prov}: công tác tuyên truyền, phối hợp và phong trào "
                        f"“Dân vận khéo” ở cơ sở còn hạn chế.")
                if seed_xss and pi == 0 and k == 0 and j == 0:
                    body = f"Báo cáo ghi {XSS} — công tác tuyên truyền còn hạn chế."
                    fam, asp = "limitation", "tuyen_truyen"
                elif pi == 0 and k == 1 and j == 0:
                    fam, asp = "limitation", "phoi_hop|tuyen_truyen"  # counts in two columns
                doc_units.append((j, fam, asp, body))
                lines.append(body)
            full = "TIÊU ĐỀ\n\n" + "\n".join(lines) + "\nHết."
            texts[doc_id] = full
            pos = len("TIÊU ĐỀ\n\n")
            for j, fam, asp, body in doc_units:
                units.append({"doc_id": doc_id, "sentence_id": f"{doc_id}-s{j:04d}",
                              "start": pos, "end": pos + len(body), "text": body,
                              "family": fam, "family_score": 0.9, "aspects": asp,
                              "terms": "tuyên truyền|phối hợp" if asp else "",
                              "family_evidence": 'cue "còn hạn chế" (limitation)'})
                pos += len(body) + 1
            title = (f"Hội nghị dân vận {prov} {k}" if not (seed_xss and pi == 0 and k == 1)
                     else "Tiêu đề <script>alert(2)</script>")
            docs.append({"doc_id": doc_id, "file": f"/corpus/{doc_id}.txt", "province": prov,
                         "province_2025": prov, "date": f"2023-{k + 3:02d}-1{pi % 10}",
                         "outlet": f"Báo {prov}", "title": title})
    return pd.DataFrame(docs), pd.DataFrame(units), texts


PROVINCES = ["Điện Biên", "Bắc Giang", "Nghệ An", "Bình Phước", "Tuyên Quang"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    docs, units, texts = _corpus(PROVINCES)
    out = tmp_path_factory.mktemp("explorer") / "explorer.html"
    write_explorer(docs, units, out, lang="vi", texts=texts)
    return out, docs, units, texts


def _expected(docs, units, family, province, aspect):
    prov = units["doc_id"].map(dict(zip(docs["doc_id"], docs["province"])))
    has = units["aspects"].fillna("").map(lambda s: aspect in s.split("|"))
    rows = units[(units["family"] == family) & (prov == province) & has]
    return rows


# ---------- tests without a browser ----------

def test_fold_matches_the_page_rule():
    assert fold("Dân vận khéo") == "dan van kheo"
    assert fold("ĐIỆN  BIÊN") == "dien bien"
    nfd = unicodedata.normalize("NFD", "Điện Biên")
    assert fold(nfd) == "dien bien"


def test_page_is_self_contained_and_data_cannot_close_its_script(built):
    out, docs, units, texts = built
    page = out.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="dvlib-data">(.*?)</script>', page, re.S)
    assert m, "no JSON data block"
    block = m.group(1)
    assert "</" not in block and "<" not in block
    data = json.loads(block)
    assert any(XSS in u["t"] for u in data["units"])
    rest = page.replace(block, "")
    for needle in ("http:", "https:", "//cdn", "src=", "url(", "@import", "fetch(",
                   "XMLHttpRequest", "innerHTML", "<link"):
        assert needle not in rest, needle
    assert "default-src 'none'" in rest  # the CSP forbids any request


# ---------- in the browser ----------

@browser
@pytest.mark.parametrize("fragment", [
    "#family=limitation&province=Điện Biên&aspect=tuyen_truyen",
    "#family=limitation&province=" + quote("Điện Biên") + "&aspect=tuyen_truyen",
    "#family=limitation&province=dien+bien&aspect=Tuyen_Truyen",
])
def test_deep_link_shows_exactly_that_cells_quotes(built, fragment):
    out, docs, units, texts = built
    tree = dump_dom(out, fragment)
    assert_no_errors(tree)
    items = by_id(tree, "cell-list").xpath("./li")
    shown = Counter(text(li.xpath(".//blockquote")[0]) for li in items)
    expected = _expected(docs, units, "limitation", "Điện Biên", "tuyen_truyen")
    assert len(expected) >= 2
    assert shown == Counter(expected["text"])
    assert {li.get("data-unit") for li in items} == set(expected["sentence_id"])
    # the cell is marked, shows the same count, and the heading names it
    sel = tree.xpath('//table[@id="matrix"]//td//button[contains(@class,"selected")]')
    assert len(sel) == 1 and sel[0].get("data-row") == "Điện Biên"
    assert sel[0].get("data-col") == "tuyen_truyen" and sel[0].get("data-count") == str(len(expected))
    title = text(by_id(tree, "detail-title"))
    assert "Hạn chế" in title and "Điện Biên" in title and f"{len(expected)} câu" in title
    # every quote links to its report in context
    for li in items:
        href = li.xpath('.//a[@class="ctx"]/@href')[0]
        assert "doc=" + li.get("data-doc") in href


@browser
def test_clicks_update_the_view_and_the_fragment(built, tmp_path):
    """A script appended to a copy of the page clicks as a reader would, then writes what the
    address bar holds into the DOM."""
    out, docs, units, texts = built
    target = next(p for p in PROVINCES[1:]
                  if len(_expected(docs, units, "limitation", p, "phoi_hop")))
    probe = """<script>
    (function () {
      var log = [];
      function note() { log.push(decodeURIComponent(location.hash)); }
      document.querySelector('#matrix td button[data-row="TARGET"][data-col="phoi_hop"]').click();
      note();
      document.querySelector('#cell-list li a.ctx').click();
      note();
      document.getElementById('doc-close').click();
      note();
      var pre = document.createElement('pre'); pre.id = 'probe';
      pre.textContent = JSON.stringify(log); document.body.appendChild(pre);
    })();
    </script></body>""".replace("TARGET", target)
    page = tmp_path / "clicked.html"
    page.write_text(out.read_text(encoding="utf-8").replace("</body>", probe),
                    encoding="utf-8")
    tree = dump_dom(page, "#family=limitation")
    assert_no_errors(tree)
    log = json.loads(text(by_id(tree, "probe")))
    assert log[0] == f"#family=limitation&province={target}&aspect=phoi_hop"
    first = by_id(tree, "cell-list").xpath("./li")[0]
    assert log[1] == log[0] + f"&doc={first.get('data-doc')}&unit={first.get('data-unit')}"
    assert log[2] == log[0]
    assert by_id(tree, "doc-view").get("hidden") is not None
    expected = _expected(docs, units, "limitation", target, "phoi_hop")
    shown = Counter(text(li.xpath(".//blockquote")[0]) for li in by_id(tree, "cell-list").xpath("./li"))
    assert shown == Counter(expected["text"]) and len(expected) > 0


@browser
def test_report_text_is_text_not_markup(built):
    out, docs, units, texts = built
    tree = dump_dom(out, "#family=limitation&province=Điện Biên&aspect=tuyen_truyen")
    assert_no_errors(tree)
    quotes = [text(q) for q in by_id(tree, "cell-list").xpath(".//blockquote")]
    assert any(XSS in q for q in quotes)
    assert tree.xpath("//img") == []
    scripts = tree.xpath("//script")
    assert len(scripts) == 3  # error trap, data, page code: none from report text
    assert all("alert" not in (s.text or "") or s.get("type") == "application/json" for s in scripts)
    # the report view too: title and text with markup in them stay text
    xss_doc = docs.loc[docs["title"].str.contains("<script>"), "doc_id"].iloc[0]
    tree = dump_dom(out, f"#family=limitation&doc={xss_doc}")
    assert_no_errors(tree)
    assert text(by_id(tree, "doc-title")) == "Tiêu đề <script>alert(2)</script>"
    assert len(tree.xpath("//script")) == 3 and tree.xpath("//img") == []


@browser
def test_report_in_context_highlights_the_quote(built):
    out, docs, units, texts = built
    row = units[units["text"].str.contains("<img", regex=False)].iloc[0]
    tree = dump_dom(out, f"#family=limitation&doc={row.doc_id}&unit={row.sentence_id}")
    assert_no_errors(tree)
    assert by_id(tree, "doc-view").get("hidden") is None
    assert text(by_id(tree, "doc-target")) == row.text
    assert text(by_id(tree, "doc-body")) == texts[row.doc_id]


@browser
def test_keyword_search_ignores_accents(built):
    out, docs, units, texts = built
    tree = dump_dom(out, "#family=all&q=dan van kheo")
    assert_no_errors(tree)
    hits = by_id(tree, "kwic").xpath(".//td[@class='hit']")
    expected = units["text"].map(lambda t: fold(t).count("dan van kheo")).sum()
    assert len(hits) == expected > 0
    assert {text(h) for h in hits} == {"Dân vận khéo"}
    # the matrix counts only units with the keyword
    total = by_id(tree, "matrix").xpath(".//tfoot//td[contains(@class,'total')]//button/@data-count")
    assert total == [str(int(units["text"].map(lambda t: "dan van kheo" in fold(t)).sum()))]


@browser
def test_filters_from_the_fragment(built):
    out, docs, units, texts = built
    tree = dump_dom(out, "#family=priority&provinces=Bắc Giang,Nghệ An&from=2023-04-01")
    assert_no_errors(tree)
    rows = [b.get("data-row") for b in by_id(tree, "matrix").xpath(".//tbody/tr/th/button")]
    assert rows == ["Bắc Giang", "Nghệ An"]
    keep = docs[docs["province"].isin(rows) & (docs["date"] >= "2023-04-01")]["doc_id"]
    n = ((units["family"] == "priority") & units["doc_id"].isin(keep)).sum()
    total = by_id(tree, "matrix").xpath(".//tfoot//td[contains(@class,'total')]//button/@data-count")
    assert total == [str(n)]


@browser
def test_english_page_and_sixty_provinces(tmp_path):
    provinces = [f"Tỉnh thử {i:02d}" for i in range(60)]
    docs, units, texts = _corpus(provinces, seed_xss=False)
    out = write_explorer(docs, units, tmp_path / "explorer.html", lang="en", texts=texts)
    tree = dump_dom(out, "#family=limitation")
    assert_no_errors(tree)
    assert tree.get("lang") == "en"
    assert text(by_id(tree, "page-title")).startswith("Explorer")
    assert len(by_id(tree, "matrix").xpath(".//tbody/tr")) == 60
    shot = tmp_path / "sixty.png"
    res = _chromium([f"--screenshot={shot}", "--window-size=1280,900", out.resolve().as_uri()])
    assert res.returncode == 0 and shot.stat().st_size > 10_000


def test_units_without_aspects_fall_back(tmp_path, built):
    _, docs, units, texts = built
    plain = units.drop(columns=["aspects", "terms"])
    out = write_explorer(docs, plain, tmp_path / "e.html")
    data = json.loads(re.search(r'id="dvlib-data">(.*?)</script>',
                                out.read_text(encoding="utf-8"), re.S).group(1))
    assert data["dims"] == ["family"] and data["texts"] == {}
    with_sub = plain.assign(subtheme="limitation-1", subtheme_label="a · b")
    out = write_explorer(docs, with_sub, tmp_path / "e.html")
    data = json.loads(re.search(r'id="dvlib-data">(.*?)</script>',
                                out.read_text(encoding="utf-8"), re.S).group(1))
    assert data["dims"] == ["subtheme", "family"]
    with pytest.raises(ValueError):
        write_explorer(docs, plain, tmp_path / "e.html", lang="fr")


# ---------- the page of a real analysis (the seed corpus) ----------

def _seed_units(build: Path) -> pd.DataFrame:
    read = dict(keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    docs = pd.read_csv(build / "documents.csv", **read)
    if (build / "claims.csv").exists():
        units = pd.read_csv(build / "claims.csv", **read)
    else:
        from dvlib.report.explorer import units_from_tables
        units = units_from_tables(pd.read_csv(build / "sentences.csv", **read),
                                  pd.read_csv(build / "codes.csv", **read))
    units["province"] = units["doc_id"].map(dict(zip(docs["doc_id"], docs["province"])))
    units["aspects"] = units["aspects"].fillna("").astype(str)
    return units


@pytest.mark.slow
def test_analyze_writes_the_explorer_beside_the_tables(seed_build):
    page = seed_build / "explorer.html"
    assert page.exists()
    data = json.loads(re.search(r'id="dvlib-data">(.*?)</script>',
                                page.read_text(encoding="utf-8"), re.S).group(1))
    units = _seed_units(seed_build)
    assert len(data["units"]) == len(units)
    assert data["is_claims"] == (seed_build / "claims.csv").exists()
    assert "aspect" in data["dims"]


@browser
def test_seed_deep_link_shows_exactly_that_cells_quotes(seed_build):
    units = _seed_units(seed_build)
    lim = units[(units["family"] == "limitation") & (units["province"] == "Điện Biên")]
    aspect = lim["aspects"].str.split("|").explode().replace("", pd.NA).dropna().mode()[0]
    expected = lim[lim["aspects"].str.split("|").map(lambda a: aspect in a)]
    tree = dump_dom(seed_build / "explorer.html",
                    f"#family=limitation&province=Điện Biên&aspect={aspect}")
    assert_no_errors(tree)
    shown = Counter(text(li.xpath(".//blockquote")[0]) for li in by_id(tree, "cell-list").xpath("./li"))
    assert shown == Counter(expected["text"]) and len(expected) > 0
    # without accents, as typed on a phone: the same cell
    tree2 = dump_dom(seed_build / "explorer.html",
                     f"#family=limitation&province=dien bien&aspect={aspect}")
    shown2 = Counter(text(li.xpath(".//blockquote")[0]) for li in by_id(tree2, "cell-list").xpath("./li"))
    assert shown2 == shown
