import pandas as pd
import pytest

from dvlib.runtime.atomic import write_csv, write_text


def test_interrupted_write_leaves_the_old_table(tmp_path, monkeypatch):
    path = tmp_path / "out" / "documents.csv"
    write_csv(pd.DataFrame({"doc_id": ["a"], "province": ["Bắc Giang"]}), path)
    before = path.read_bytes()

    def boom(self, *a, **k):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(KeyboardInterrupt):
        write_csv(pd.DataFrame({"doc_id": ["b"]}), path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["documents.csv"]  # no temp file left


def test_write_text_roundtrip(tmp_path):
    p = write_text(tmp_path / "a.md", "Tỉnh ủy")
    assert p.read_text(encoding="utf-8") == "Tỉnh ủy"
