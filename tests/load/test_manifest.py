
from dvlib.load.manifest import parse_manifest_date, read_manifest


def test_seed_manifest_reads_cleanly(corpus_dir):
    rows, problems = read_manifest(corpus_dir / "manifest.csv")
    assert problems == []
    assert len(rows) == 5
    by_file = rows.set_index("file")
    assert by_file.loc["001_5888e272ff2fe1e5.txt", "date_precision"] == "month"
    assert by_file.loc["003_028faf429d4c0468.txt", "date"] == ""
    assert by_file.loc["002_d6dd1dd24d4cdf82.txt", "province"] == "Bình Phước"


def test_parse_dates():
    assert parse_manifest_date("2023-12-28") == ("2023-12-28", "day")
    assert parse_manifest_date("2022-07") == ("2022-07", "month")
    assert parse_manifest_date("2023") == ("2023", "year")
    assert parse_manifest_date("2023-02-30") is None
    assert parse_manifest_date("28/12/2023") is None


def test_broken_rows_are_named_and_only_the_broken_field_dropped(tmp_path):
    (tmp_path / "a.txt").write_text("Tỉnh ủy Bắc Giang tổ chức hội nghị.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Hội nghị giao ban.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,province,date,date_precision,title,outlet\n"
        "a.txt,Bắc Giang,2023-13-45,day,Tin A,Báo A\n"
        "missing.txt,Nghệ An,2022-07,month,,\n"
        "b.txt,Bắc Giang,2024-01-13,day,Tin B,\n", encoding="utf-8")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    text = "\n".join(map(str, problems))
    assert "invalid date '2023-13-45'" in text and "a.txt" in text
    assert "missing file 'missing.txt'" in text
    assert len(problems) == 2
    a = rows.set_index("file").loc["a.txt"]
    assert a["date"] == "" and a["province"] == "Bắc Giang" and a["title"] == "Tin A"
    assert list(rows["file"]) == ["a.txt", "b.txt"]


def test_unknown_province_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,province\na.txt,Atlantis\n", encoding="utf-8")
    rows, problems = read_manifest(tmp_path / "manifest.csv",
                                   canonical_province=lambda p: {"bắc giang": "Bắc Giang"}.get(p.lower(), ""))
    assert rows.loc[0, "province"] == ""
    assert "unknown province 'Atlantis'" in str(problems[0])


def test_manifest_without_file_column(tmp_path):
    (tmp_path / "manifest.csv").write_text("name,province\na.txt,Bắc Giang\n", encoding="utf-8")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert rows.empty and "no 'file' column" in str(problems[0])
